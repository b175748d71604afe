/* record.h: decision records (ADRs) as text: reading, writing, numbering.
 * Pure functions over strings, no files and no git, so they can be fuzzed. */
#ifndef MOOT_RECORD_H
#define MOOT_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define RECORD_DIR_DEFAULT "doc/adr"
#define RECORD_SLUG_MAX 60 /* bytes of slug in a file name */

/* What a record's status says, whatever the spelling. */
enum record_state {
	RECORD_UNKNOWN = 0, /* no status found */
	RECORD_PROPOSED,
	RECORD_ACCEPTED,
	RECORD_REJECTED,
	RECORD_SUPERSEDED, /* "Superseded by ..." or adr-tools' "Superceded" */
	RECORD_DEPRECATED,
	RECORD_OTHER /* some other word */
};

/* A record read back from its text (every string owned, may be NULL). */
struct record {
	unsigned number; /* from "# N. Title", else 0 (callers use the name) */
	char *title;     /* the heading without "N. " */
	char *status;    /* the status as written, first line, trimmed */
	enum record_state state;
	char *date;             /* as written ("2026-11-27"), or NULL */
	char *deciders;         /* as written, or NULL */
	unsigned superseded_by; /* number named in "Superseded by", else 0 */
	unsigned *supersedes;   /* numbers named in "Supersedes" */
	size_t nsupersedes;
	char **questions; /* items of the "Open Questions" section */
	size_t nquestions;
};

/*
 * Read a record written by moot, by adr-tools (Date: line, "## Status"
 * section, "Superceded by"), by MADR (bullets "* Status:", YAML front
 * matter "status:"/"date:") or by hand. Never fails: what is not found
 * stays NULL/0. Any bytes at all are safe (fuzzed).
 */
void record_parse(struct record *, const char *text, size_t len);
void record_free(struct record *);
/* The state a status word means ("Accepted" -> RECORD_ACCEPTED). */
enum record_state record_state_of(const char *status);
/* "proposed", "accepted", ... (lower case); "unknown" for RECORD_UNKNOWN. */
const char *record_state_name(enum record_state);

/* The number a file name starts with ("0007-use-wal.md" -> 7), else 0. */
unsigned record_file_number(const char *name);
/* Lower-case ASCII letters and digits, other runs become one '-', no
 * leading/trailing '-', at most RECORD_SLUG_MAX bytes; "decision" when
 * nothing is left. Caller frees. */
char *record_slug(const char *title);
/* "NNNN-slug.md" for a number and a title. Caller frees. */
char *record_file_name(unsigned number, const char *title);
/* One more than the largest number among these file names (1 if none). */
unsigned record_next_number(char *const *names, size_t n);

/*
 * The decision directory, relative to the repository root, no trailing
 * slash: the target named by .adr-dir (its contents, or NULL when there is
 * no such file; ignored when it is absolute, contains "..", or is empty),
 * else the first of doc/adr, docs/adr, docs/decisions for which exists()
 * says yes, else RECORD_DIR_DEFAULT. Caller frees.
 */
char *record_dir(const char *adr_dir_contents,
    int (*exists)(const char *dir, void *arg), void *arg);

/* A code range a draft concerns. */
struct record_range {
	const char *path;
	unsigned long first, last; /* 1-based, inclusive */
	const char *commit;        /* full hex id; NULL or "" when unborn */
};

/* One chat message quoted in a draft. */
struct record_message {
	const char *name;
	int64_t time; /* ms since the epoch */
	const char *text;
};

/*
 * A draft quotes the newest messages of its discussion, at most
 * RECORD_QUOTE_MAX of them and at most RECORD_QUOTE_BYTES bytes of quote
 * lines, whichever is fewer: a real discussion fits (a hundred messages
 * of a line or two), a flood does not make a megabyte record. The
 * messages are in the session's chat and journal all the same.
 */
#define RECORD_QUOTE_MAX 100
#define RECORD_QUOTE_BYTES (32 * 1024)

/* How many of n messages (oldest first) a draft quotes: the newest ones. */
size_t record_quoted(const struct record_message *, size_t n);

/* A person: name, and email or NULL when none is known. */
struct record_person {
	const char *name;
	const char *email;
};

/* What a new draft is made from. */
struct record_draft {
	unsigned number;
	const char *title;
	const char *date; /* "YYYY-MM-DD" */
	const struct record_person *deciders;
	size_t ndeciders;
	const struct record_person *participants;
	size_t nparticipants;
	const struct record_range *ranges;
	size_t nranges;
	const struct record_message *messages;
	size_t nmessages;
	const char *const *questions;
	size_t nquestions;
	unsigned supersedes;          /* 0: none */
	const char *supersedes_title; /* its title */
	const char *supersedes_file;  /* its file name (no directory) */
};

/*
 * The text of a new draft: "# N. Title", the bullets (- Status: proposed,
 * - Date:, - Deciders:, - Participants:, - Supersedes: when it applies),
 * "## Status" (Proposed), "## Context", "## Considered Options",
 * "## Decision Outcome", "## Consequences", "## Open Questions" (the
 * questions as "- " items), "## More Information" (participants, each code
 * range as "- `path` lines a–b at <12-hex>", the discussion quoted as
 * "> Name (HH:MM): text" lines, after a line saying how many earlier
 * messages are not quoted and where they are, when record_quoted leaves
 * some out). No YAML, no "---" lines. Titles, names, paths, questions and
 * chat are made inert, one line each (inert.h, INERT_LINE: ^X, <U+XXXX>,
 * \xNN; a line break as a space). Caller frees; *len set.
 */
char *record_draft_text(const struct record_draft *, size_t *len);

/*
 * Set the status of a record's text: the "- Status:" bullet (or
 * "* Status:"), the first paragraph of the "## Status" section, and the
 * "status:" of MADR front matter, whichever exist; when none does, a
 * "## Status" section is added after the title. status is written as
 * given in the bullet ("accepted", "superseded by [N. T](file)") and
 * capitalised in the section. Returns new text (caller frees), *outlen set.
 */
char *record_set_status(
    const char *text, size_t len, const char *status, size_t *outlen);
/* Add "- TEXT" to the "## Open Questions" section (created before
 * "## More Information", or at the end, when missing). Caller frees. */
char *record_add_question(
    const char *text, size_t len, const char *question, size_t *outlen);
/* Add a code range line to "## More Information" (after the last range
 * line if there is one). Caller frees. */
char *record_add_range(
    const char *text, size_t len, const struct record_range *, size_t *outlen);

/* One trailer of a commit message. */
struct record_trailer {
	const char *key;
	const char *value; /* made inert, one line (INERT_LINE) */
};

/*
 * A commit message: subject (one line: line breaks become spaces), a
 * blank line, the body when non-empty (trimmed; a body that itself ends in
 * something git would read as trailers still parses right, because the
 * trailer block follows after a blank line), a blank line, then every
 * trailer "Key: value" in order, in one block. Every part is made inert
 * (inert.h): controls, bidi and other invisible code points and invalid
 * bytes are written as ^X, <U+XXXX>, \xNN; the body keeps its line breaks
 * and has its tabs expanded. Caller frees.
 */
char *record_commit_message(const char *subject, const char *body,
    const struct record_trailer *, size_t ntrailers);

/*
 * The short body of a decision commit, from the record text: the
 * Decision Outcome paragraph(s), the Context ("Why: ..."), rejected
 * options (the Considered Options items not named in the outcome,
 * "Rejected: ..."), open questions ("Open question: ..."). Empty sections
 * and HTML comments are left out. Caller frees ("" when nothing).
 */
char *record_commit_body(const char *text, size_t len);

#endif
