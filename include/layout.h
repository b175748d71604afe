/* layout.h: how the bytes of one line are laid out in screen columns.
 * Shared by the renderer and by cursor movement, so both always agree. */
#ifndef MOOT_LAYOUT_H
#define MOOT_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#define LAYOUT_TABSTOP 8
/* layout_next reads at most this many bytes from the offset it is given (a
 * code point and one combining mark), so a caller may decode from a window
 * of the line that holds this many bytes, or the rest of the line. */
#define LAYOUT_UNIT_MAX 8

enum layout_kind {
	LAYOUT_CHAR,       /* a printable code point (width 1 or 2) */
	LAYOUT_TAB,        /* a tab: spaces up to the next tab stop */
	LAYOUT_CONTROL,    /* a C0 control or DEL byte, shown inert as ^X */
	LAYOUT_INVALID,    /* an invalid UTF-8 byte, shown inert as \xNN */
	LAYOUT_UNPRINTABLE /* a valid but unprintable code point: <U+XXXX> */
};

/* One unit of a line: what the cursor steps over. */
struct layout_unit {
	size_t off;     /* byte offset within the line */
	size_t len;     /* bytes */
	size_t col;     /* first screen column */
	unsigned width; /* screen columns */
	enum layout_kind kind;
	uint32_t cp;    /* code point for LAYOUT_CHAR (base), else the byte */
	uint32_t comb;  /* one combining mark folded into a CHAR, or 0 */
	char glyph[16]; /* for inert kinds: the ASCII text shown, NUL-ended */
};

/* Decode the next unit of line[off..len) starting at screen column col.
 * Returns 0 at the end of the line. A combining mark following a CHAR is
 * folded into it (comb); further marks become their own units. */
int layout_next(
    const char *line, size_t len, size_t off, size_t col, struct layout_unit *);
/* Screen column at which byte offset off (a unit boundary or len) starts. */
size_t layout_col_of(const char *line, size_t len, size_t off);
/* The unit boundary whose column is the largest <= col (for up/down). */
size_t layout_off_at(const char *line, size_t len, size_t col);
/* The unit boundary before/after off (off itself at the ends). */
size_t layout_prev(const char *line, size_t len, size_t off);
size_t layout_next_off(const char *line, size_t len, size_t off);
/* Total columns of the line. */
size_t layout_width(const char *line, size_t len);

#endif
