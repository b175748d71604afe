/* render.c: what one person's terminal should show, as a frame.
 * A pure function of the daemon's state, so tests can call it directly. */
#include "moot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "frame.h"
#include "layout.h"
#include "server.h"

/* Text from names, paths, chat: every control byte and invalid byte made
 * visible and harmless (^[, \xff), as in documents. Caller frees. */
char *
render_inert(const char *s)
{
	struct layout_unit u;
	size_t len = strlen(s), off = 0, col = 0, used = 0, cap = len + 1;
	char *out = xmalloc(cap);
	size_t n;

	while (layout_next(s, len, off, col, &u)) {
		if (u.kind == LAYOUT_CHAR)
			n = u.len;
		else if (u.kind == LAYOUT_TAB)
			n = 1;
		else
			n = strlen(u.glyph);
		if (used + n + 1 > cap) {
			cap = (used + n + 1) * 2;
			out = xrealloc(out, cap);
		}
		if (u.kind == LAYOUT_CHAR)
			memcpy(out + used, s + u.off, n);
		else if (u.kind == LAYOUT_TAB)
			out[used] = ' ';
		else
			memcpy(out + used, u.glyph, n);
		used += n;
		off += u.len;
		col += u.width;
	}
	out[used] = '\0';
	return out;
}

static unsigned
render_text(struct frame *f, unsigned x, unsigned y, unsigned limit,
    const char *s, uint8_t fg, uint8_t bg, uint8_t attr)
{
	char *safe = render_inert(s);

	x = frame_puts(f, x, y, limit, safe, fg, bg, attr);
	free(safe);
	return x;
}

/* One line of the document into row y, from screen column left. */
static void
render_line(struct frame *f, unsigned y, const char *s, size_t len, size_t left)
{
	struct layout_unit u;
	size_t off = 0, col = 0, x, i;

	while (layout_next(s, len, off, col, &u)) {
		off += u.len;
		col += u.width;
		if (u.col + u.width <= left)
			continue;
		if (u.col >= left + f->cols)
			break;
		for (i = 0; i < u.width; i++) {
			if (u.col + i < left)
				continue;
			x = u.col + i - left;
			if (x >= f->cols)
				break;
			switch (u.kind) {
			case LAYOUT_CHAR:
				if (u.col < left ||
				    u.col + u.width > left + f->cols)
					frame_put(f, x, y, ' ', 0, 0, 0, 0);
				else if (i == 0)
					frame_put(
					    f, x, y, u.cp, u.comb, 0, 0, 0);
				break;
			case LAYOUT_TAB:
				frame_put(f, x, y, ' ', 0, 0, 0, 0);
				break;
			default:
				frame_put(f, x, y, (unsigned char)u.glyph[i], 0,
				    0, 0, CELL_DIM);
				break;
			}
		}
	}
}

/* Paint another person's cursor: their colour behind the cell. */
static void
render_other_cursor(struct frame *f, const struct client *c,
    const struct view *mine, unsigned height)
{
	size_t line = view_line(&c->view), col = view_col(&c->view);
	struct cell *cell;
	unsigned x, y;

	if (line < mine->top || line >= mine->top + height)
		return;
	if (col < mine->left || col >= mine->left + f->cols)
		return;
	x = col - mine->left;
	y = line - mine->top;
	cell = frame_cell(f, x, y);
	if ((cell->attr & CELL_CONT) && x > 0)
		cell = frame_cell(f, x - 1, y);
	cell->bg = c->colour;
	cell->fg = FRAME_DEFAULT;
	if (cell->attr & CELL_WIDE)
		frame_cell(f, x + 1, y)->bg = c->colour;
}

static const char *
render_notice(const struct server *s, const struct client *c)
{
	int mine = c->notice != NULL && c->notice_until > s->now;
	int all = s->notice != NULL && s->notice_until > s->now;

	/* Both last as long, so the one that ends later is the newer. */
	if (mine && (!all || c->notice_until >= s->notice_until))
		return c->notice;
	if (all)
		return s->notice;
	return NULL;
}

static void
render_status(const struct server *s, const struct client *c, struct frame *f,
    unsigned y, size_t line, size_t col)
{
	const struct view *v = &c->view;
	const char *path = *v->doc->path != '\0' ? v->doc->path : "(no file)";
	const char *notice;
	char pos[64], *left;
	unsigned x, w;
	char *safe;

	frame_fill(f, 0, y, f->cols, 0, 0, CELL_REVERSE);
	snprintf(pos, sizeof pos, "  %zu:%zu", line + 1, col + 1);
	xasprintf(&left, " %s%s%s", path, v->doc->modified ? " [+]" : "", pos);
	x = render_text(f, 0, y, f->cols, left, 0, 0, CELL_REVERSE);
	free(left);

	if ((notice = render_notice(s, c)) == NULL)
		return;
	safe = render_inert(notice);
	w = layout_width(safe, strlen(safe));
	if (x + 2 < f->cols) {
		x = f->cols > w + 1 && f->cols - w - 1 > x + 2 ? f->cols - w - 1
		                                               : x + 2;
		frame_puts(
		    f, x, y, f->cols, safe, 0, 0, CELL_REVERSE | CELL_BOLD);
	}
	free(safe);
}

static void
render_presence(const struct server *s, struct frame *f, unsigned y)
{
	const struct client *c;
	unsigned x = 0;
	char where[64];

	TAILQ_FOREACH (c, &s->clients, entry) {
		if (!c->ready || c->closing)
			continue;
		if (x > 0)
			x = frame_puts(f, x, y, f->cols, "  ", 0, 0, 0);
		x = render_text(
		    f, x, y, f->cols, c->name, c->colour, 0, CELL_BOLD);
		x = frame_puts(f, x, y, f->cols, " ", 0, 0, 0);
		x = render_text(f, x, y, f->cols,
		    *c->view.doc->path != '\0' ? c->view.doc->path : "-", 0, 0,
		    0);
		snprintf(where, sizeof where, ":%zu", view_line(&c->view) + 1);
		x = frame_puts(f, x, y, f->cols, where, 0, 0, 0);
		if (x >= f->cols)
			break;
	}
}

static void
render_picker(const struct client *c, struct frame *f, unsigned height)
{
	const struct picker *p = &c->picker;
	unsigned x, y, i;
	size_t idx;

	x = frame_puts(f, 0, 0, f->cols, "Open: ", 0, 0, CELL_BOLD);
	x = render_text(f, x, 0, f->cols, p->filter, 0, 0, 0);
	f->cx = x < f->cols ? x : f->cols - 1;
	f->cy = 0;
	if (p->nmatch == 0 && height > 1) {
		frame_puts(
		    f, 2, 1, f->cols, "(no file matches)", 0, 0, CELL_DIM);
		return;
	}
	for (i = 0, y = 1; y < height && p->top + i < p->nmatch; i++, y++) {
		idx = p->top + i;
		if (idx == p->sel) {
			frame_fill(f, 0, y, f->cols, 0, 0, CELL_REVERSE);
			render_text(f, 2, y, f->cols, p->files[p->match[idx]],
			    0, 0, CELL_REVERSE);
		} else
			render_text(
			    f, 2, y, f->cols, p->files[p->match[idx]], 0, 0, 0);
	}
}

static void
render_too_small(struct frame *f)
{
	char size[64];

	frame_puts(f, 0, 0, f->cols, "terminal too small", 0, 0, CELL_BOLD);
	if (f->rows > 1) {
		snprintf(size, sizeof size, "%ux%u, need %ux%u", f->cols,
		    f->rows, SERVER_MIN_COLS, SERVER_MIN_ROWS);
		frame_puts(f, 0, 1, f->cols, size, 0, 0, 0);
	}
	f->cursor_visible = 0;
}

void
render_client(const struct server *s, const struct client *c, struct frame *f)
{
	const struct view *v = &c->view;
	const struct buffer *b = v->doc->buf;
	const struct client *o;
	unsigned height, y;
	size_t line, len, col;
	char *text;

	frame_clear(f);
	if (f->cols < SERVER_MIN_COLS || f->rows < SERVER_MIN_ROWS) {
		render_too_small(f);
		return;
	}
	height = f->rows - 2;
	line = view_line(v);
	col = view_col(v);

	if (c->mode == CLIENT_PICKER)
		render_picker(c, f, height);
	else {
		for (y = 0; y < height && v->top + y < buffer_lines(b); y++) {
			text = view_line_bytes(b, v->top + y, &len);
			render_line(f, y, text, len, v->left);
			free(text);
		}
		TAILQ_FOREACH (o, &s->clients, entry) {
			if (o != c && o->ready && !o->closing &&
			    o->view.doc == v->doc)
				render_other_cursor(f, o, v, height);
		}
		if (line >= v->top && line < v->top + height &&
		    col >= v->left && col < v->left + f->cols) {
			f->cx = col - v->left;
			f->cy = line - v->top;
		} else
			f->cursor_visible = 0;
	}
	render_status(s, c, f, f->rows - 2, line, col);
	render_presence(s, f, f->rows - 1);
}
