/* layout.c: how the bytes of one line are laid out in screen columns.
 * Every byte belongs to exactly one unit; anything unprintable is inert. */
#include "moot.h"

#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "utf8.h"

/*
 * A line is cut into units, each at least one column wide:
 *
 *	a printable character (width 1 or 2), with at most one following
 *	combining mark folded into it;
 *	a tab, up to the next multiple of LAYOUT_TABSTOP;
 *	a C0 control or DEL byte, shown as ^X;
 *	an invalid UTF-8 byte, shown as \xNN;
 *	any other code point (C1 controls, bidi controls and the other
 *	invisible code points of utf8_invisible, unassigned, a lone or
 *	second combining mark), shown as <U+XXXX>.
 *
 * All the functions below walk the line from its start, so they agree with
 * each other and with the renderer whatever the bytes are.
 */

/* Make u an inert unit; its glyph is already set and gives its width. */
static void
layout_inert(struct layout_unit *u, enum layout_kind kind, uint32_t cp)
{
	u->kind = kind;
	u->cp = cp;
	u->comb = 0;
	u->width = strlen(u->glyph);
}

int
layout_next(
    const char *line, size_t len, size_t off, size_t col, struct layout_unit *u)
{
	const unsigned char *s = (const unsigned char *)line;
	uint32_t cp, mark;
	size_t n, m;
	int width;

	if (off >= len)
		return 0;

	memset(u, 0, sizeof *u);
	u->off = off;
	u->col = col;

	/*
	 * Most text is printable ASCII: one column, and nothing folds into
	 * it when the next byte is ASCII too (every combining mark is above
	 * U+02FF). The same answer as below, without decoding twice.
	 */
	if (s[off] >= 0x20 && s[off] < 0x7f &&
	    (off + 1 == len || s[off + 1] < 0x80)) {
		u->len = 1;
		u->kind = LAYOUT_CHAR;
		u->cp = s[off];
		u->width = 1;
		return 1;
	}

	n = utf8_decode(s + off, len - off, &cp);
	u->len = n;

	if (cp == UTF8_INVALID) {
		snprintf(u->glyph, sizeof u->glyph, "\\x%02x", s[off]);
		layout_inert(u, LAYOUT_INVALID, s[off]);
		return 1;
	}
	if (cp == '\t') {
		u->kind = LAYOUT_TAB;
		u->cp = cp;
		u->width = LAYOUT_TABSTOP - col % LAYOUT_TABSTOP;
		return 1;
	}
	if (cp < 0x20 || cp == 0x7f) {
		/* ^@ to ^_ for 0x00 to 0x1f, ^? for 0x7f. */
		u->glyph[0] = '^';
		u->glyph[1] = (char)(cp ^ 0x40);
		u->glyph[2] = '\0';
		layout_inert(u, LAYOUT_CONTROL, cp);
		return 1;
	}

	width = utf8_width(cp);
	if (width != 1 && width != 2) {
		/* Unprintable, or a combining mark with nothing to combine. */
		snprintf(u->glyph, sizeof u->glyph, "<U+%04X>", (unsigned)cp);
		layout_inert(u, LAYOUT_UNPRINTABLE, cp);
		return 1;
	}

	u->kind = LAYOUT_CHAR;
	u->cp = cp;
	u->width = width;

	/* Fold one following combining mark into this unit (never a bidi
	 * or other invisible code point: utf8_width says -1 for those). */
	if (off + n < len) {
		m = utf8_decode(s + off + n, len - off - n, &mark);
		if (mark != UTF8_INVALID && utf8_width(mark) == 0) {
			u->comb = mark;
			u->len += m;
		}
	}
	return 1;
}

size_t
layout_col_of(const char *line, size_t len, size_t off)
{
	struct layout_unit u;
	size_t o = 0, col = 0;

	while (layout_next(line, len, o, col, &u)) {
		/* Inside a unit counts as its start. */
		if (off < u.off + u.len)
			return u.col;
		o += u.len;
		col += u.width;
	}
	return col;
}

size_t
layout_off_at(const char *line, size_t len, size_t col)
{
	struct layout_unit u;
	size_t o = 0, c = 0;

	while (layout_next(line, len, o, c, &u)) {
		/* A column inside a wide unit gives the unit's start. */
		if (col < u.col + u.width)
			return u.off;
		o += u.len;
		c += u.width;
	}
	return len;
}

size_t
layout_prev(const char *line, size_t len, size_t off)
{
	struct layout_unit u;
	size_t o = 0, col = 0;

	if (off > len)
		off = len;
	while (layout_next(line, len, o, col, &u)) {
		/* The last unit starting before off. */
		if (u.off + u.len >= off)
			return u.off;
		o += u.len;
		col += u.width;
	}
	return 0;
}

size_t
layout_next_off(const char *line, size_t len, size_t off)
{
	struct layout_unit u;
	size_t o = 0, col = 0;

	while (layout_next(line, len, o, col, &u)) {
		/* The first boundary after off. */
		if (u.off + u.len > off)
			return u.off + u.len;
		o += u.len;
		col += u.width;
	}
	return len;
}

size_t
layout_width(const char *line, size_t len)
{
	struct layout_unit u;
	size_t o = 0, col = 0;

	while (layout_next(line, len, o, col, &u)) {
		o += u.len;
		col += u.width;
	}
	return col;
}
