/* colindex.h: screen columns in a document's lines without walking a long
 * line from its start: checkpoints kept up to date by every op. */
#ifndef MOOT_COLINDEX_H
#define MOOT_COLINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"

struct buffer;
struct colindex;

/* Lines at least this long get checkpoints; shorter ones are walked. */
#define COLINDEX_MIN_LINE 4096
/* Bytes between checkpoints: what one query reads, give or take. */
#define COLINDEX_SPACING 1024
/* Lines with checkpoints per document; the least recently used go. */
#define COLINDEX_MAX_LINES 256
/* Columns of offsets remembered until the text changes (every frame asks
 * for everyone's cursor column). */
#define COLINDEX_MEMO 64
/* Bytes read from the buffer at a time. */
#define COLINDEX_WINDOW 4096

/* An index for one document. Lines of at least min_line bytes get a
 * checkpoint every spacing bytes (tests use small values). */
struct colindex *colindex_create(size_t min_line, size_t spacing);
void colindex_free(struct colindex *);

/*
 * The text of b changed at pos: del_len bytes (del) became ins_len bytes
 * (ins). Called after the change, with the buffer's stamp from before it:
 * if the index had not seen that state (someone changed the text without
 * telling it), it forgets everything.
 */
void colindex_op(struct colindex *, const struct buffer *, uint64_t stamp,
    size_t pos, const char *del, size_t del_len, const char *ins,
    size_t ins_len);

/*
 * layout.h's functions for line of b, with offsets relative to the line's
 * start; the index may be NULL (then the line is walked from its start).
 * They agree exactly with layout_col_of, layout_off_at, layout_prev,
 * layout_next_off and layout_width on the line's bytes.
 */
size_t colindex_col_of(
    struct colindex *, const struct buffer *, size_t line, size_t off);
size_t colindex_off_at(
    struct colindex *, const struct buffer *, size_t line, size_t col);
size_t colindex_prev(
    struct colindex *, const struct buffer *, size_t line, size_t off);
size_t colindex_next_off(
    struct colindex *, const struct buffer *, size_t line, size_t off);
size_t colindex_width(struct colindex *, const struct buffer *, size_t line);

/* A walk over the units of one line, reading the buffer a window at a
 * time: the same units as layout_next from the line's start. */
struct colindex_walk {
	const struct buffer *b;
	size_t start; /* document offset of the line */
	size_t len;   /* its bytes, without the newline */
	size_t off;   /* the next unit, relative to start */
	size_t col;   /* its column */
	size_t woff;  /* what the window holds: [woff, woff + wlen) */
	size_t wlen;
	size_t *read; /* bytes read from the buffer are added here */
	char win[COLINDEX_WINDOW];
};

/* Start a walk of line at the unit holding column col (at the end of the
 * line when col is beyond it). */
void colindex_walk(struct colindex *, const struct buffer *, size_t line,
    size_t col, struct colindex_walk *);
/* The next unit (its off relative to the line's start); 0 at the end. */
int colindex_walk_next(struct colindex_walk *, struct layout_unit *);

/* For tests: lines with checkpoints now, checkpoints of the line starting
 * at document offset start (0 if none), bytes read from buffers so far. */
size_t colindex_lines(const struct colindex *);
size_t colindex_marks(const struct colindex *, size_t start);
size_t colindex_read(const struct colindex *);

#endif
