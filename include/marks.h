/* marks.h: the lines of a document that decisions cover, as the margin
 * shows them, kept in step with every edit the way cursors are. */
#ifndef MOOT_MARKS_H
#define MOOT_MARKS_H

#include <stddef.h>

/*
 * Spans kept per document at most. A file has a handful of decided spans;
 * edits split spans (an edited line inside one), so this bounds what a
 * long session of edits inside many decisions can make. At the limit an
 * edit inside a span marks the whole span edited instead of splitting it.
 */
#define MARKS_MAX 10000
/* Edits remembered while marks are being computed (see marks_log_start);
 * past this many the computation is asked again instead. */
#define MARKS_LOG_MAX 100000

#define MARK_EDITED 0x1 /* changed since HEAD: not committed yet */

/* What the margin shows beside one line. */
enum marks_kind {
	MARKS_NONE = 0,
	MARKS_DECIDED, /* covered by an accepted decision */
	MARKS_CHANGED  /* and changed since HEAD */
};

/* Lines first..last (0-based, inclusive) covered by decision number. */
struct mark {
	size_t first, last;
	unsigned number;
	unsigned flags; /* MARK_* */
};

/* How one edit changed the lines: old lines [first, first + removed) are
 * now lines [first, first + added); later lines moved by added - removed.
 * The added lines are new or changed text. */
struct marks_change {
	size_t first;
	size_t removed;
	size_t added;
};

struct marks {
	struct mark *v; /* in no particular order; spans of one decision never
	                   overlap */
	size_t n, cap;

	/* Changes since marks_log_start, to bring a computation made on the
	 * text of that moment up to date (marks_log_replay). */
	struct marks_change *log;
	size_t nlog, caplog;
	int logging;
	int overflow; /* more than MARKS_LOG_MAX: the log is useless */
};

void marks_init(struct marks *);
void marks_free(struct marks *);
/* Forget every span (the log is kept). */
void marks_clear(struct marks *);
/* Add a span (ignored past MARKS_MAX, or when last < first). */
void marks_add(
    struct marks *, size_t first, size_t last, unsigned number, unsigned flags);
/* Mark lines first..last of every span covering them as changed. */
void marks_set_edited(struct marks *, size_t first, size_t last);
/* Drop what lies at or past line nlines (the text has fewer lines). */
void marks_clip(struct marks *, size_t nlines);

/*
 * How an edit changes the lines of a text. The edit is at a byte of line
 * line (0-based) and replaced del by ins; at_start: it begins at the
 * start of that line; at_end: in the text after the edit, ins is followed
 * by a newline or by the end of the text. An edit of whole lines (at the
 * start of a line, del and ins each empty or ending with a newline; or at
 * the end of one, each empty or starting with a newline and followed by
 * the line's end) only removes and adds those lines; any other edit
 * changes every line it touches.
 */
void marks_change(struct marks_change *, size_t line, int at_start, int at_end,
    const char *del, size_t del_len, const char *ins, size_t ins_len);
/*
 * Follow one change: spans before it stay, spans after it move, lines
 * of a span that were removed go, added lines inside a span (or in place
 * of some of its lines) join it, marked edited. Lines added just before
 * a span's first line or just after its last do not join it. Logged when
 * logging.
 */
void marks_apply(struct marks *, const struct marks_change *);

/* Remember changes from now on (a computation starts on the text as it
 * is now); and stop. */
void marks_log_start(struct marks *);
void marks_log_stop(struct marks *);
/* Apply to to every change logged in from, in order; -1 (nothing done)
 * when the log overflowed. */
int marks_log_replay(struct marks *to, const struct marks *from);

/* What the margin shows beside lines top .. top + n - 1: out[i] for line
 * top + i. */
void marks_rows(
    const struct marks *, size_t top, size_t n, enum marks_kind *out);
/* The decisions covering line, ascending and once each (at most max);
 * their count. */
size_t marks_numbers(
    const struct marks *, size_t line, unsigned *out, size_t max);

#endif
