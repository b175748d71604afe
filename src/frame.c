/* frame.c: grids of cells, what a person's terminal should show.
 * Keeps two-column characters whole: no half of one is ever left alone. */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "utf8.h"

/* Make a cell a blank, keeping its colours and plain attributes. */
static void
frame_blank(struct cell *c)
{
	c->ch = ' ';
	c->comb = 0;
	c->attr &= ~(CELL_WIDE | CELL_CONT);
}

struct frame *
frame_create(unsigned cols, unsigned rows)
{
	struct frame *f;
	unsigned y;

	f = xcalloc(1, sizeof *f);
	f->cols = cols;
	f->rows = rows;
	f->cells = xcalloc((size_t)cols * rows, sizeof *f->cells);
	f->used = xcalloc(rows != 0 ? rows : 1, sizeof *f->used);
	for (y = 0; y < rows; y++)
		f->used[y] = cols; /* zeroed memory is not blanks yet */
	frame_clear(f);
	return f;
}

void
frame_free(struct frame *f)
{
	if (f == NULL)
		return;
	free(f->cells);
	free(f->used);
	free(f);
}

/*
 * Only the used part of each row is cleared: the rest is blank already.
 * The blank is copied whole, padding included (always zero), so equal
 * cells are equal bytes and rows compare with memcmp.
 */
void
frame_clear(struct frame *f)
{
	struct cell blank, *c;
	unsigned x, y;

	memset(&blank, 0, sizeof blank);
	blank.ch = ' ';
	blank.fg = FRAME_DEFAULT;
	blank.bg = FRAME_DEFAULT;
	for (y = 0; y < f->rows; y++) {
		c = f->cells + (size_t)y * f->cols;
		for (x = 0; x < f->used[y]; x++)
			c[x] = blank;
		f->used[y] = 0;
	}
	f->cx = 0;
	f->cy = 0;
	f->cursor_visible = 1;
}

struct cell *
frame_touch(struct frame *f, unsigned x, unsigned y)
{
	if (x >= f->used[y])
		f->used[y] = x + 1;
	return &f->cells[(size_t)y * f->cols + x];
}

struct cell *
frame_row(struct frame *f, unsigned y)
{
	f->used[y] = f->cols;
	return &f->cells[(size_t)y * f->cols];
}

/* Before cell x of row y is overwritten: blank the other half of a wide
 * character it is part of. */
static void
frame_unwide(struct frame *f, unsigned x, unsigned y)
{
	struct cell *c = frame_touch(f, x, y);

	if ((c->attr & CELL_CONT) && x > 0)
		frame_blank(frame_touch(f, x - 1, y));
	if ((c->attr & CELL_WIDE) && x + 1 < f->cols)
		frame_blank(frame_touch(f, x + 1, y));
	frame_blank(c);
}

unsigned
frame_put(struct frame *f, unsigned x, unsigned y, uint32_t ch, uint32_t comb,
    uint32_t fg, uint32_t bg, uint8_t attr)
{
	struct cell *c;
	int width;

	if (x >= f->cols || y >= f->rows)
		return 0;
	attr &= ~(CELL_WIDE | CELL_CONT);

	/* Only a zero-width character can combine. */
	if (comb != 0 && utf8_width(comb) != 0)
		comb = 0;
	width = utf8_width(ch);
	if (width < 0) {
		/* Never let a control character into a frame. */
		ch = '?';
		width = 1;
	} else if (width == 0) {
		/* A combining mark alone: show it on a blank. */
		if (comb == 0)
			comb = ch;
		ch = ' ';
		width = 1;
	}
	if (width == 2 && x + 1 >= f->cols) {
		/* No room for both halves. */
		ch = ' ';
		comb = 0;
		width = 1;
	}

	frame_unwide(f, x, y);
	if (width == 2)
		frame_unwide(f, x + 1, y);

	c = frame_touch(f, x, y);
	c->ch = ch;
	c->comb = comb;
	c->fg = fg;
	c->bg = bg;
	c->attr = attr;
	if (width == 2) {
		c->attr |= CELL_WIDE;
		c = frame_touch(f, x + 1, y);
		c->ch = 0;
		c->comb = 0;
		c->fg = fg;
		c->bg = bg;
		c->attr = attr | CELL_CONT;
	}
	return width;
}

unsigned
frame_puts(struct frame *f, unsigned x, unsigned y, unsigned limit,
    const char *s, uint32_t fg, uint32_t bg, uint8_t attr)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, used;
	uint32_t cp;
	struct cell *last = NULL;
	int width;

	if (y >= f->rows)
		return x;
	if (limit > f->cols)
		limit = f->cols;
	len = strlen(s);
	while (len > 0 && x < limit) {
		used = utf8_decode(p, len, &cp);
		p += used;
		len -= used;

		if (cp == UTF8_INVALID)
			cp = 0xfffd;
		width = utf8_width(cp);
		if (width < 0) {
			cp = '?';
			width = 1;
		}
		if (width == 0 && last != NULL) {
			/* Combine with the character before (one mark kept). */
			if (last->comb == 0)
				last->comb = cp;
			continue;
		}
		if (width == 2 && x + 2 > limit) {
			/* Does not fit: a blank and stop. */
			frame_put(f, x, y, ' ', 0, fg, bg, attr);
			x++;
			break;
		}
		last = frame_touch(f, x, y);
		x += frame_put(f, x, y, cp, 0, fg, bg, attr);
	}
	return x;
}

void
frame_fill(struct frame *f, unsigned x, unsigned y, unsigned limit, uint32_t fg,
    uint32_t bg, uint8_t attr)
{
	if (limit > f->cols)
		limit = f->cols;
	for (; x < limit; x++)
		frame_put(f, x, y, ' ', 0, fg, bg, attr);
}

/*
 * Past the used part of both rows every cell is a blank, and cells are
 * only ever set field by field or copied whole from cells that were, over
 * frame_clear's blanks, so their padding is zero and equal cells are
 * equal bytes. (Were padding ever to differ, a row would only be sent
 * again for nothing.)
 */
int
frame_row_equal(const struct frame *a, const struct frame *b, unsigned y)
{
	unsigned n;

	if (a->cols != b->cols || y >= a->rows || y >= b->rows)
		return 0;
	n = a->used[y] > b->used[y] ? a->used[y] : b->used[y];
	return memcmp(frame_cell(a, 0, y), frame_cell(b, 0, y),
	           n * sizeof *a->cells) == 0;
}

void
frame_copy(struct frame *dst, const struct frame *src)
{
	size_t n = (size_t)src->cols * src->rows;

	/* Sizes should match; if not, dst takes src's. */
	if (dst->cols != src->cols || dst->rows != src->rows) {
		dst->cells =
		    xreallocarray(dst->cells, n ? n : 1, sizeof *dst->cells);
		dst->used = xreallocarray(
		    dst->used, src->rows ? src->rows : 1, sizeof *dst->used);
		dst->cols = src->cols;
		dst->rows = src->rows;
	}
	if (n != 0)
		memcpy(dst->cells, src->cells, n * sizeof *dst->cells);
	if (src->rows != 0)
		memcpy(dst->used, src->used, src->rows * sizeof *dst->used);
	dst->cx = src->cx;
	dst->cy = src->cy;
	dst->cursor_visible = src->cursor_visible;
	dst->mouse = src->mouse;
}

char *
frame_text(const struct frame *f)
{
	const struct cell *c;
	unsigned x, y;
	size_t n, len, size;
	char *out;

	/* At most 8 bytes a cell (character and mark), a newline a row. */
	size = (size_t)f->rows * f->cols * 8 + f->rows + 1;
	out = xmalloc(size);
	n = 0;
	for (y = 0; y < f->rows; y++) {
		if (y != 0)
			out[n++] = '\n';
		for (x = 0; x < f->cols; x++) {
			c = frame_cell(f, x, y);
			if (c->attr & CELL_CONT)
				continue;
			len = c->ch == 0 ? 0 : utf8_encode(c->ch, out + n);
			if (len == 0)
				out[n++] = '?';
			else
				n += len;
			if (c->comb != 0)
				n += utf8_encode(c->comb, out + n);
		}
	}
	out[n] = '\0';
	return out;
}
