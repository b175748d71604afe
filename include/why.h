/* why.h: reading decisions back: `moot decisions`, `why` and `show`.
 * Records from the decision directory, trailers from git history. */
#ifndef MOOT_WHY_H
#define MOOT_WHY_H

#include <stddef.h>
#include <stdint.h>

#include "carry.h"
#include "record.h"

struct repo;

/* One record of the decision directory. */
struct why_record {
	unsigned number;
	char *file; /* path relative to the repository */
	struct record rec;
};

/*
 * Every record (*.md whose name starts with digits) in the decision
 * directory of the working tree, sorted by number (files with the same
 * number: by name). Records written by hand or by adr-tools count.
 * Returns 0, or -1 with *err set.
 */
int why_records(struct repo *, struct why_record **out, size_t *n, char **err);
void why_records_free(struct why_record *, size_t);

/* How much a decision's code changed since it was decided, at HEAD. */
struct why_change {
	int known;             /* the decision has a commit in history */
	int any;               /* its code changed, moved or went since */
	int stale;             /* that, and it is accepted (in its commit and
	                          its record): a decision to revisit */
	unsigned long decided; /* lines its ranges held when decided */
	unsigned long changed; /* lines now edited, or added inside */
	unsigned long gone;    /* decided lines found nowhere now */
	unsigned percent;      /* changed of decided, rounded down (1 at
	                          least when any changed; added lines count,
	                          so it may pass 100) */
	unsigned commits;      /* commits since that changed any of it */
	unsigned authors;      /* their distinct authors */
	int64_t time;          /* the newest of them, Unix seconds; 0 none */
	char commit[CARRY_OID_HEX + 1]; /* its id; "" none */
};

/* One decision behind a line. */
struct why_hit {
	unsigned number;
	char *id;     /* "ADR-0007" */
	char *title;  /* from the record, else the commit subject */
	char *status; /* from the record now ("accepted", "superseded") */
	char *file;   /* the record, relative to the repository; may be NULL */
	char *how;    /* one line saying how it is known: "carried exactly
	                 from src/a.c:40-52@1a2b3c4d5e6f, now lines 43-55",
	                 "carried through a move and a rename from ...", or
	                 "Refs in 1a2b3c4d5e6f (subject), which last changed
	                 this line" (docs/decisions.md) */
	char *commit; /* the decision's commit, full hex; "" when none */
	char *date;   /* the record's date as written, or NULL */
	int64_t time; /* the decision commit's time; 0 when none */
	struct why_change change; /* known == 0 when no commit */

	/* What the machine-readable output needs. */
	int refs;               /* found by a Refs trailer, not carried */
	char *refs_commit;      /* refs: the commit citing it, full hex */
	char *refs_subject;     /* refs: that commit's subject */
	unsigned carry;         /* CARRY_* bits of the span covering the line */
	struct carry_span span; /* carried: that span (path owned); refs:
	                           path NULL */
	struct carry_range *ranges; /* its Code-Range trailers, as decided */
	size_t nranges;
	struct carry_span *now; /* where its code is now: the file asked
	                           about as given, others in the working
	                           tree */
	size_t nnow;
};

/*
 * The decisions behind line (1-based) of path: every decision reachable
 * from HEAD whose Decision-Status is accepted and whose code, carried
 * from its commit to HEAD by the carrying engine (carry.h) and from HEAD
 * to text (the document as it is in the editor, when given; else the
 * working tree file), covers the line; and the decisions named by
 * "Refs: ADR-NNNN" trailers of the commit that last changed the line
 * (the engine's Refs lines, carried the same way). A decision found both
 * ways is listed once (the carried way). Ordered by number, descending.
 * Touches no daemon state: it may run off the event loop. Returns 0 (*n
 * may be 0), or -1 with *err set (no such file, line out of range,
 * unreadable repository).
 */
int why_find(struct repo *, const char *path, unsigned long line,
    const char *text, size_t len, struct why_hit **out, size_t *n, char **err);
void why_hits_free(struct why_hit *, size_t);

/*
 * The command line. Each prints to stdout, errors to stderr, and returns
 * the exit status (0 ok, 1 error such as no repository or an unknown
 * decision, 2 usage). Formats in moot(1) and docs/decisions.md.
 *   moot decisions [-C DIR] [--open | --stale] [--json]
 *     one line per record: "NNNN  STATUS  DATE  TITLE" (DATE "-" when
 *     unknown); with --open, the open questions instead: those in the
 *     records still proposed or accepted ("NNNN  question"), those asked
 *     with no draft in the session journal ("-     question"), and
 *     drafts in progress in the journal ("NNNN  draft: TITLE"); with
 *     --stale, accepted decisions whose code changed since, newest change
 *     first; --json: the same as one JSON document.
 *   moot why FILE:LINE [-C DIR] [--trace] [--json]
 *     for each hit: "ADR-NNNN  STATUS  TITLE", then "  FILE" and "  HOW"
 *     indented (and with --trace the path of its code commit by commit,
 *     indented by four); "no recorded decision covers FILE:LINE" when
 *     none.
 *   moot show ADR-NNNN [-C DIR]
 *     the record's title and status, its text, its code as decided and
 *     now, and the commits that cite it.
 * argv[0] is the subcommand name.
 */
int decisions_main(int argc, char **argv);
int why_main(int argc, char **argv);
int show_main(int argc, char **argv);

#endif
