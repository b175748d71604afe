/* journal.h: the session journal: every op in sqlite before anyone sees it.
 * Recovery after a crash replays it; a save compacts it. */
#ifndef MOOT_JOURNAL_H
#define MOOT_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

struct journal;
struct journal_member;
struct journal_invite;

#define JOURNAL_FILE "journal.db" /* under .git/moot/ */
/* The longest text the journal can keep as one document's base: sqlite's
 * default limit on one value (SQLITE_MAX_LENGTH). */
#define JOURNAL_TEXT_MAX 1000000000ULL

/* What an op record stands for. */
enum journal_kind {
	JOURNAL_EDIT = 'e', /* an edit: pos, del, ins */
	JOURNAL_UNDO =
	    'u',           /* the author pressed undo (ops derived on replay) */
	JOURNAL_REDO = 'r' /* the author pressed redo */
};

/* One record. Strings and bytes are borrowed: the journal copies them. */
struct journal_rec {
	int64_t seq;        /* set by the journal (replay: ascending) */
	const char *path;   /* the document */
	const char *author; /* key fingerprint; "" when no one (a reload) */
	int kind;           /* enum journal_kind */
	int boundary;       /* an edit that starts a new undo group */
	uint64_t pos;
	const char *del; /* bytes removed at pos (edit) */
	size_t del_len;
	const char *ins; /* bytes inserted at pos (edit) */
	size_t ins_len;
	int64_t time; /* milliseconds since the epoch */
};

struct journal;
struct journal_member;
struct journal_invite;

/* Kinds of journal_event. */
enum journal_event_kind {
	JOURNAL_EV_ACCEPTED = 'a',   /* a decision was accepted */
	JOURNAL_EV_REJECTED = 'r',   /* a decision was rejected */
	JOURNAL_EV_DRAFT = 'd',      /* a draft was started */
	JOURNAL_EV_QUESTION = 'q',   /* a question was asked */
	JOURNAL_EV_SAVED = 's',      /* a file was saved */
	JOURNAL_EV_COMMIT = 'c',     /* code was committed */
	JOURNAL_EV_JOINED = 'j',     /* someone joined the session */
	JOURNAL_EV_LEFT = 'l',       /* someone left it */
	JOURNAL_EV_SUPERSEDED = 'x', /* an accepted decision superseded one */
	JOURNAL_EV_ANSWERED = 'w'    /* an open question went into a draft */
};

/* A decision draft in progress: what its commit will need. */
struct journal_draft {
	const char *path; /* the record file, relative to the repository */
	unsigned number;  /* NNNN */
	const char *title;
	const char *author;  /* key of who ran decide (the decider) */
	unsigned supersedes; /* 0: none */
	const char *present; /* keys of the people present, one per line */
	const char *ranges;  /* "path:a-b@commit", one per line */
	int64_t chat_first;  /* chat seqs quoted: first..last (0..0: none) */
	int64_t chat_last;
	const char *head; /* HEAD id the draft was built on ("" unborn) */
	int64_t time;     /* ms since the epoch */
};

/*
 * Open (creating, mode 0600) the journal at path: WAL mode, synchronous
 * NORMAL, or FULL when durable. NULL with *err set when it cannot be opened
 * or is not a moot journal or is damaged (the caller moves it aside with
 * journal_set_aside and opens a new one).
 */
struct journal *journal_open(const char *path, int durable, char **err);
void journal_close(struct journal *);
/* Rename a damaged journal (and its -wal and -shm files) to
 * PATH.damaged-YYYYmmdd-HHMMSS; returns the new name (caller frees) or NULL. */
char *journal_set_aside(const char *path);

/*
 * Queueing: these only copy into memory; journal_flush writes everything
 * queued, in order, in one transaction (group commit: the daemon flushes
 * once per event-loop pass, before any frame is sent).
 */
/* A document's text as it was before its first op since the last
 * compaction (once per document). */
void journal_base(
    struct journal *, const char *path, const char *text, size_t len);
void journal_append(struct journal *, const struct journal_rec *);
/* Where a person's cursor is (the latest one per author wins, also in the
 * queue: one still queued for that author is replaced). */
void journal_cursor(
    struct journal *, const char *author, const char *path, uint64_t pos);
/* Who an author is (for records and commit trailers; latest wins, as for
 * cursors). */
void journal_person(
    struct journal *, const char *author, const char *name, const char *email);
/*
 * Compact a document after a save (or after recovery): its text is now
 * base, its op records go. Follow it with one journal_undo per history of
 * that document, so undo survives the compaction.
 */
void journal_compact(
    struct journal *, const char *path, const char *text, size_t len);
/* A person's serialised undo history for a document (see undo_save). */
void journal_undo(struct journal *, const char *path, const char *author,
    const void *data, size_t len);
/* Forget a document entirely (its base, ops, histories, cursors). */
void journal_forget(struct journal *, const char *path);

/*
 * Session records beyond edits (issue 4): chat, what happened (for late
 * joiners), visits, open questions, decision drafts, who edited what since
 * the last commit, and a few named values. Queued like everything else and
 * written by journal_flush; none is removed by journal_compact.
 */
/* A chat message; seq is assigned in order (returned: 1, 2, ...) so that a
 * draft can quote "the messages after seq N". */
int64_t journal_chat(struct journal *, int64_t time, const char *author,
    const char *name, const char *text);
/* Something people who were away should hear of. kind is one byte
 * (JOURNAL_EV_*); text a sentence ("Alice accepted ADR-0007 Use WAL");
 * place what a catch-up opens for it ("path" or "path:line"; NULL: none). */
void journal_event(struct journal *, int64_t time, int kind, const char *author,
    const char *text, const char *place);
/* A person was here at time (the latest one per author wins, as for
 * cursors). */
void journal_visit(struct journal *, const char *author, int64_t time);
/* An open question with no draft: returns its id (1, 2, ...). */
int64_t journal_question(
    struct journal *, int64_t time, const char *author, const char *text);
/* The question was taken into a draft (or answered): it leaves the list. */
void journal_question_done(struct journal *, int64_t id);
/* A decision draft in progress (insert or replace, by path). */
void journal_draft(struct journal *, const struct journal_draft *);
/* The draft was accepted, rejected or dropped. */
void journal_draft_done(struct journal *, const char *path);
/* author typed in path since path was last committed (once per pair). */
void journal_editor(struct journal *, const char *path, const char *author);
/* path was saved since it was last committed. */
void journal_saved(struct journal *, const char *path);
/* path was committed: forget its editors and its saved mark. */
void journal_committed(struct journal *, const char *path);
/* A named value (insert or replace). */
void journal_set(struct journal *, const char *key, const char *value);

/* Write what is queued in one transaction. Returns 0, or -1 with *err set:
 * then nothing of it was written and all of it stays queued for the next
 * call (the caller holds the edits back from screens; see hold.c). */
int journal_flush(struct journal *, char **err);
/* Why the last flush failed, in a few words for people: the system's
 * reason when a file could not be written ("No space left on device",
 * "File too large"), else sqlite's message; "" before any failure. */
const char *journal_reason(const struct journal *);
/* Records queued and not yet written. */
size_t journal_queued(const struct journal *);

/* What recovery is told, document by document, in this order: doc, then
 * its histories, then its ops in seq order; cursors and people last. */
struct journal_replay {
	void (*doc)(void *arg, const char *path, const char *base, size_t len);
	void (*undo)(void *arg, const char *path, const char *author,
	    const void *data, size_t len);
	/* Return -1 when the op cannot apply: recovery of that document
	 * stops there and the rest of its ops are reported as lost. */
	int (*op)(void *arg, const struct journal_rec *);
	void (*cursor)(
	    void *arg, const char *author, const char *path, uint64_t pos);
	void (*person)(
	    void *arg, const char *author, const char *name, const char *email);
	/* Issue 4 records, after people, each kind in seq (or key) order.
	 * Strings are borrowed for the call. Any of these may be NULL. */
	void (*chat)(void *arg, int64_t seq, int64_t time, const char *author,
	    const char *name, const char *text);
	void (*event)(void *arg, int64_t time, int kind, const char *author,
	    const char *text, const char *place); /* place: NULL if none */
	void (*visit)(void *arg, const char *author, int64_t time);
	void (*question)(void *arg, int64_t id, int64_t time,
	    const char *author, const char *text);
	void (*draft)(void *arg, const struct journal_draft *);
	void (*editor)(void *arg, const char *path, const char *author);
	void (*saved)(void *arg, const char *path);
	void (*set)(void *arg, const char *key, const char *value);
	/* The access records (members in key order, invitations by id). */
	void (*member)(void *arg, const struct journal_member *);
	void (*invite)(void *arg, const struct journal_invite *);
	/* Something could not be recovered: a sentence for the log. */
	void (*problem)(void *arg, const char *message);
};
/*
 * Who may do what (issue 11). A member is a person whose role the session
 * remembers by key: given with `role`, or who joined by an invitation
 * (invite: its id, 0 for none). An invitation keeps its token only as a
 * hash. Queued and written like every other record; the latest record of
 * a member or an invitation wins.
 */
struct journal_member {
	const char *author; /* key fingerprint */
	int role;           /* enum role (role.h) */
	const char *name;   /* the name they chose ("" none) */
	int64_t invite;
	int64_t time; /* ms since the epoch it was given */
};
struct journal_invite {
	int64_t id; /* 1, 2, ... */
	const char *hash;
	int role;
	unsigned uses;      /* left */
	int64_t expires;    /* ms since the epoch */
	const char *author; /* key of who made it ("" the command line) */
	const char *name;   /* and their name */
	int64_t time;
};
void journal_member(struct journal *, const struct journal_member *);
void journal_member_forget(struct journal *, const char *author);
void journal_invite(struct journal *, const struct journal_invite *);
void journal_invite_forget(struct journal *, int64_t id);

/* Open an existing journal read-only (for `moot decisions --open` while a
 * daemon may be running): NULL with *err NULL when there is none, NULL
 * with *err set when it cannot be read. Only journal_replay and
 * journal_close may be used on it. */
struct journal *journal_open_readonly(const char *path, char **err);
/* Replay the whole journal. Returns 0 (problems, if any, were reported),
 * or -1 with *err set when it cannot be read at all. */
int journal_replay(
    struct journal *, const struct journal_replay *, void *arg, char **err);

#endif
