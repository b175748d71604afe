/* inert.c: untrusted text made harmless for where it goes.
 * Names, paths, chat and titles to a screen, the log, stdout or git. */
#include "moot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inert.h"
#include "layout.h"

/*
 * Text is cut into the units a document line is cut into (layout.c), so
 * everything unprintable is shown exactly as in the editor: ^X, \xNN,
 * <U+XXXX>. What differs between destinations is in one table: what a
 * line break and a tab become.
 */
enum inert_break {
	INERT_BREAK_SHOW,  /* ^J, ^M: the text stays one line */
	INERT_BREAK_SPACE, /* LF, CRLF or CR: one space */
	INERT_BREAK_KEEP   /* LF or CRLF: LF; a lone CR shows as ^M */
};

enum inert_tab {
	INERT_TAB_SPACE, /* one space */
	INERT_TAB_STOP   /* spaces to the next tab stop, as in a document */
};

/*
 * A git identity (a commit's author and committer, a person in a trailer)
 * may hold no '<' or '>': git refuses them, and in "Name <email>" they
 * would move where the email seems to start. There a code point is shown
 * as [U+XXXX], and '<' and '>' themselves as [U+003C] and [U+003E].
 */
static const struct inert_rule {
	enum inert_break brk;
	enum inert_tab tab;
	int ident; /* no angle brackets: [U+XXXX] */
} inert_rules[] = {
    [INERT_SCREEN] = {INERT_BREAK_SHOW, INERT_TAB_SPACE, 0},
    [INERT_LOG] = {INERT_BREAK_SHOW, INERT_TAB_SPACE, 0},
    [INERT_CLI] = {INERT_BREAK_SHOW, INERT_TAB_SPACE, 0},
    [INERT_LINE] = {INERT_BREAK_SPACE, INERT_TAB_SPACE, 0},
    [INERT_BODY] = {INERT_BREAK_KEEP, INERT_TAB_STOP, 0},
    [INERT_IDENT] = {INERT_BREAK_SPACE, INERT_TAB_SPACE, 1},
};

/* The result being written: out may be NULL (size 0), only counting. */
struct inert_out {
	char *out;
	size_t size;
	size_t used; /* bytes written */
	size_t need; /* bytes the whole result takes */
	int full;    /* a piece did not fit: write nothing more */
};

/* Add one piece, whole or not at all (room is kept for the NUL). */
static void
inert_put(struct inert_out *o, const char *s, size_t n)
{
	if (!o->full && o->size > 0 && n < o->size - o->used) {
		memcpy(o->out + o->used, s, n);
		o->used += n;
	} else
		o->full = 1;
	o->need += n;
}

/*
 * If the unit u (already stepped over: *off is after it) is a line break
 * under rule brk, step over the LF of a CRLF and return 1.
 */
static int
inert_is_break(enum inert_break brk, const char *s, size_t len,
    const struct layout_unit *u, size_t *off)
{
	if (brk == INERT_BREAK_SHOW || u->kind != LAYOUT_CONTROL)
		return 0;
	if (u->cp == '\n')
		return 1;
	if (u->cp != '\r')
		return 0;
	if (*off < len && s[*off] == '\n') {
		(*off)++;
		return 1;
	}
	return brk == INERT_BREAK_SPACE;
}

size_t
inert_write(
    enum inert_dest dest, const char *s, size_t len, char *out, size_t size)
{
	static const char spaces[LAYOUT_TABSTOP + 1] = "        ";
	const struct inert_rule *r = &inert_rules[dest];
	struct inert_out o = {out, size, 0, 0, 0};
	struct layout_unit u;
	size_t off = 0, col = 0, n;
	char glyph[16];

	while (layout_next(s, len, off, col, &u)) {
		off += u.len;
		if (inert_is_break(r->brk, s, len, &u, &off)) {
			if (r->brk == INERT_BREAK_KEEP) {
				inert_put(&o, "\n", 1);
				col = 0;
			} else {
				inert_put(&o, " ", 1);
				col++;
			}
			continue;
		}
		if (r->ident && (u.kind == LAYOUT_UNPRINTABLE ||
		                    (u.kind == LAYOUT_CHAR &&
		                        (u.cp == '<' || u.cp == '>')))) {
			n = snprintf(
			    glyph, sizeof glyph, "[U+%04X]", (unsigned)u.cp);
			inert_put(&o, glyph, n);
			col += n;
			/* A mark folded into '<' or '>' comes next, alone. */
			if (u.kind == LAYOUT_CHAR)
				off = u.off + 1;
			continue;
		}
		switch (u.kind) {
		case LAYOUT_CHAR:
			/* The character and the one mark folded into it. */
			inert_put(&o, s + u.off, u.len);
			col += u.width;
			break;
		case LAYOUT_TAB:
			n = r->tab == INERT_TAB_STOP ? u.width : 1;
			inert_put(&o, spaces, n);
			col += n;
			break;
		default:
			n = strlen(u.glyph);
			inert_put(&o, u.glyph, n);
			col += n;
			break;
		}
	}
	if (size > 0)
		out[o.used] = '\0';
	return o.need;
}

char *
inert_text(enum inert_dest dest, const char *s)
{
	size_t len, need;
	char *out;

	if (s == NULL)
		s = "";
	len = strlen(s);
	need = inert_write(dest, s, len, NULL, 0);
	out = xmalloc(need + 1);
	inert_write(dest, s, len, out, need + 1);
	return out;
}

char *
inert_screen(const char *s)
{
	return inert_text(INERT_SCREEN, s);
}

char *
inert_cli(const char *s)
{
	return inert_text(INERT_CLI, s);
}

char *
inert_line(const char *s)
{
	return inert_text(INERT_LINE, s);
}

char *
inert_body(const char *s)
{
	return inert_text(INERT_BODY, s);
}

char *
inert_ident(const char *s)
{
	return inert_text(INERT_IDENT, s);
}
