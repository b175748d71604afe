/* render.c: what one person's terminal should show, as a frame.
 * A pure function of the daemon's state, so tests can call it directly. */
#include "moot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buffer.h"
#include "colindex.h"
#include "frame.h"
#include "highlight.h"
#include "inert.h"
#include "layout.h"
#include "server.h"
#include "utf8.h"

static unsigned
render_text(struct frame *f, unsigned x, unsigned y, unsigned limit,
    const char *s, uint32_t fg, uint32_t bg, uint8_t attr)
{
	char *safe = inert_screen(s);

	x = frame_puts(f, x, y, limit, safe, fg, bg, attr);
	free(safe);
	return x;
}

/* Chat rows shown above the status row of a terminal rows high: the last
 * three messages on a tall terminal, the last one on a middling one. */
static unsigned
render_chat_count(const struct server *s, unsigned rows)
{
	size_t want;

	size_t shown;

	/* The newest ones wait until the journal has them (chat_held). */
	if (s == NULL || s->nchat <= s->chat_held || TAILQ_EMPTY(&s->chat))
		return 0;
	shown = s->nchat - s->chat_held;
	if (rows >= 12)
		want = 3;
	else if (rows >= 8)
		want = 1;
	else
		return 0;
	return shown < want ? (unsigned)shown : (unsigned)want;
}

/* Rows of text (or of an overlay) above the chat, status and presence. */
static unsigned
render_height(const struct server *s, unsigned rows)
{
	unsigned k = render_chat_count(s, rows);

	return rows > 2 + k ? rows - 2 - k : 0;
}

unsigned
render_chat_rows(const struct server *s, const struct client *c)
{
	return render_chat_count(s, c->rows);
}

unsigned
render_overlay_height(const struct server *s, const struct client *c)
{
	return render_height(s, c->rows);
}

/* Whether c's focused pane has the whole text area (one pane, or zoomed):
 * then its size needs no layout. */
static int
render_one_pane(const struct client *c)
{
	return c->pane == NULL || c->zoomed ||
	       TAILQ_FIRST(&c->panes) == TAILQ_LAST(&c->panes, panes);
}

/* The focused pane's rows of text (with several, as server_pane_layout
 * last laid them out). */
unsigned
render_text_height(const struct server *s, const struct client *c)
{
	if (render_one_pane(c))
		return render_height(s, c->rows);
	return c->pane->tsy;
}

/*
 * The margin. A document with lines covered by accepted decisions (its
 * marks, marks.c) shows a gutter of RENDER_GUTTER columns left of the
 * text, a mark beside each such line: dim for a decided line, bold and
 * wider for one changed since HEAD (edited by someone, not committed
 * yet). A document without decided lines has no gutter and looks as
 * ever. Everything drawn in the text area (text, selections, cursors) is
 * shifted right by the gutter's width.
 */
#define RENDER_GUTTER 1
#define RENDER_MARK_DECIDED 0x258e /* left one quarter block */
#define RENDER_MARK_CHANGED 0x258c /* left half block */

static unsigned
render_gutter(const struct doc *d)
{
	return d->marks.n > 0 ? RENDER_GUTTER : 0;
}

unsigned
render_text_width(const struct server *s, const struct client *c)
{
	unsigned g = c->view->doc != NULL ? render_gutter(c->view->doc) : 0;
	unsigned cols = render_one_pane(c) ? c->cols : c->pane->tsx;

	return cols > g ? cols - g : 0;
}

/* The text area of a pane in a frame: width columns from x0 (the gutter
 * left of it, when there is one), rows from y0. */
struct render_area {
	unsigned x0;
	unsigned y0;
	unsigned width;
	unsigned gutter; /* columns of margin left of x0 */
};

/* A line's syntax colours (highlight.c), looked up unit by unit. */
struct render_colours {
	const struct syntax_span *spans;
	size_t n;
	size_t k; /* the span looked at: units come left to right */
};

/* The syntax colour of the byte at off (a 256-colour one), or the
 * default. */
static uint32_t
render_colour(struct render_colours *rc, size_t off)
{
	if (rc == NULL)
		return COLOUR_DEFAULT;
	while (rc->k < rc->n && rc->spans[rc->k].end <= off)
		rc->k++;
	if (rc->k == rc->n || rc->spans[rc->k].start > off)
		return COLOUR_DEFAULT;
	return COLOUR_256(rc->spans[rc->k].colour);
}

/* One line of the document into row y, from screen column left: only the
 * units on the screen are read (colindex.c), however long the line. With
 * rc, its characters get their syntax colours. */
static void
render_line(struct frame *f, const struct render_area *a, unsigned y,
    struct colindex *ci, const struct buffer *b, size_t line, size_t left,
    struct render_colours *rc)
{
	struct colindex_walk w;
	struct layout_unit u;
	size_t x, i;

	colindex_walk(ci, b, line, left, &w);
	while (colindex_walk_next(&w, &u)) {
		if (u.col >= left + a->width)
			break;
		for (i = 0; i < u.width; i++) {
			if (u.col + i < left)
				continue;
			x = u.col + i - left;
			if (x >= a->width)
				break;
			x += a->x0;
			switch (u.kind) {
			case LAYOUT_CHAR:
				if (u.col < left ||
				    u.col + u.width > left + a->width)
					frame_put(f, x, y, ' ', 0, 0, 0, 0);
				else if (i == 0)
					frame_put(f, x, y, u.cp, u.comb,
					    render_colour(rc, u.off), 0, 0);
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

/* Mark the cells [c0, c1) of row y, scrolled left columns, as selected. */
static void
render_select_cells(struct frame *f, const struct render_area *a, unsigned y,
    size_t left, size_t c0, size_t c1, int own, uint32_t colour)
{
	struct cell *cell;
	size_t i;

	for (i = c0 > left ? c0 : left; i < c1 && i < left + a->width; i++) {
		cell = frame_touch(f, a->x0 + i - left, y);
		/* A selection wins over syntax colours. */
		cell->fg = FRAME_DEFAULT;
		if (own)
			cell->attr |= CELL_REVERSE;
		else
			cell->bg = colour;
	}
}

/*
 * Paint the part of a selection [from, to) that lies on one visible line:
 * row y shows line (len bytes starting at document offset start; nl when
 * a newline ends it), scrolled left columns. The cells are those of the
 * units holding selected bytes (a tab: all its cells; a wide character:
 * both halves), plus one cell just after the last character when the
 * line's newline is selected, so an empty selected line shows one cell.
 * Only the units on the screen are walked, never the document or the rest
 * of the line. Mine is shown in reverse video, anyone else's with their
 * colour behind the text.
 */
static void
render_select_line(struct frame *f, const struct render_area *a, unsigned y,
    struct colindex *ci, const struct buffer *b, size_t line, size_t start,
    size_t len, int nl, size_t left, size_t from, size_t to, int own,
    uint32_t colour)
{
	struct colindex_walk w;
	struct layout_unit u;
	size_t lo, hi;
	int newline;

	if (to <= start || from > start + len)
		return;
	lo = from > start ? from - start : 0;
	hi = to - start < len ? to - start : len;
	newline = nl && from <= start + len && to > start + len;
	if (lo >= hi && !newline)
		return;

	colindex_walk(ci, b, line, left, &w);
	while (colindex_walk_next(&w, &u)) {
		if (u.col >= left + a->width)
			return; /* the rest, newline included, is off screen */
		if (u.off >= hi && !newline)
			return;
		if (u.off + u.len > lo && u.off < hi)
			render_select_cells(
			    f, a, y, left, u.col, u.col + u.width, own, colour);
	}
	/* At the end of the line: w.col is its width. */
	if (newline)
		render_select_cells(
		    f, a, y, left, w.col, w.col + 1, own, colour);
}

/* Whether c sees o in a view of theirs (o's cursor and selection: those
 * of o's focused pane). */
static int
render_shows(
    const struct client *c, const struct client *o, const struct view *v)
{
	return o != c && o->ready && !o->closing && o->view->doc == v->doc;
}

/* The marks of the visible lines in the gutter (one pass over the marks
 * for the whole screen). */
static void
render_marks(const struct doc *d, struct frame *f, const struct render_area *a,
    size_t top, unsigned height)
{
	enum marks_kind *kinds;
	unsigned y;

	if (a->gutter == 0 || height == 0)
		return;
	kinds = xreallocarray(NULL, height, sizeof *kinds);
	marks_rows(&d->marks, top, height, kinds);
	for (y = 0; y < height; y++) {
		if (kinds[y] == MARKS_DECIDED)
			frame_put(f, a->x0 - a->gutter, a->y0 + y,
			    RENDER_MARK_DECIDED, 0, 0, 0, CELL_DIM);
		else if (kinds[y] == MARKS_CHANGED)
			frame_put(f, a->x0 - a->gutter, a->y0 + y,
			    RENDER_MARK_CHANGED, 0, 0, 0, CELL_BOLD);
	}
	free(kinds);
}

/* The visible lines of a view of c's, and everyone's selections on them. */
static void
render_lines(const struct server *s, const struct client *c,
    const struct view *v, struct frame *f, const struct render_area *a,
    unsigned height)
{
	const struct buffer *b = v->doc->buf;
	struct colindex *ci = v->doc->colindex;
	const struct client *o;
	size_t nlines = buffer_lines(b), line, start, len, from, to, ofrom, oto;
	struct highlight_walk hw;
	struct render_colours rc, *rcp = NULL;
	unsigned y;
	int mine, nl;

	/* Syntax colours: only for the lines on screen (highlight.c keeps
	 * what it needs to start there without reading from the top). */
	if (v->doc->highlight != NULL && !c->syntax_off && v->top < nlines) {
		highlight_walk(v->doc->highlight, b, v->top, &hw);
		rcp = &rc;
	}
	mine = view_selection(v, &from, &to);
	for (y = 0; y < height && v->top + y < nlines; y++) {
		line = v->top + y;
		start = buffer_line_start(b, line);
		len = buffer_line_end(b, line) - start;
		nl = line + 1 < nlines;
		if (rcp != NULL) {
			rc.spans = highlight_next(&hw, start, len, &rc.n);
			rc.k = 0;
		}
		render_line(f, a, a->y0 + y, ci, b, line, v->left, rcp);
		TAILQ_FOREACH (o, &s->clients, entry) {
			if (!render_shows(c, o, v) ||
			    !view_selection(o->view, &ofrom, &oto))
				continue;
			render_select_line(f, a, a->y0 + y, ci, b, line, start,
			    len, nl, v->left, ofrom, oto, 0,
			    COLOUR_PERSON(o->colour));
		}
		if (mine)
			render_select_line(f, a, a->y0 + y, ci, b, line, start,
			    len, nl, v->left, from, to, 1, 0);
	}
	render_marks(v->doc, f, a, v->top, height);
}

/* Paint another person's cursor: their colour behind the cell. */
static void
render_other_cursor(struct frame *f, const struct render_area *a,
    const struct client *c, const struct view *mine, unsigned height)
{
	size_t line = view_line(c->view), col = view_col(c->view);
	struct cell *cell;
	unsigned x, y;

	if (line < mine->top || line >= mine->top + height)
		return;
	if (col < mine->left || col >= mine->left + a->width)
		return;
	x = a->x0 + col - mine->left;
	y = a->y0 + line - mine->top;
	cell = frame_touch(f, x, y);
	if ((cell->attr & CELL_CONT) && x > a->x0)
		cell = frame_touch(f, --x, y);
	cell->bg = COLOUR_PERSON(c->colour);
	cell->fg = FRAME_DEFAULT; /* a cursor wins over syntax colours */
	if ((cell->attr & CELL_WIDE) && x + 1 < f->cols) {
		cell = frame_touch(f, x + 1, y);
		cell->bg = COLOUR_PERSON(c->colour);
		cell->fg = FRAME_DEFAULT;
	}
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
	/* Read-only because the journal cannot be written: said until it
	 * ends, whenever nothing newer is to be said. */
	if (s->readonly != NULL)
		return s->readonly;
	return NULL;
}

/* Text on the right of the status row after column x (notices, match
 * counts), right-aligned when there is room. */
static void
render_right(
    struct frame *f, unsigned y, unsigned x, const char *text, uint8_t attr)
{
	char *safe = inert_screen(text);
	unsigned w = layout_width(safe, strlen(safe));

	if (x + 2 < f->cols) {
		x = f->cols > w + 1 && f->cols - w - 1 > x + 2 ? f->cols - w - 1
		                                               : x + 2;
		frame_puts(f, x, y, f->cols, safe, 0, 0, attr);
	}
	free(safe);
}

static void
render_status(const struct server *s, const struct client *c, struct frame *f,
    unsigned y, size_t line, size_t col)
{
	const struct view *v = c->view;
	const struct doc *d = v->doc;
	const char *path = *d->path != '\0' ? d->path : "(no file)";
	const char *notice;
	char pos[64], *left;
	unsigned x;

	frame_fill(f, 0, y, f->cols, 0, 0, CELL_REVERSE);
	snprintf(pos, sizeof pos, "  %zu:%zu", line + 1, col + 1);
	/* A pane other than a document's says what it shows. */
	if (c->pane != NULL && c->pane->mode != &server_pane_doc_mode) {
		left = c->pane->mode->title(c, c->pane);
		x = render_text(f, 0, y, f->cols, " ", 0, 0, CELL_REVERSE);
		x = render_text(f, x, y, f->cols, left, 0, 0, CELL_REVERSE);
		free(left);
		if ((notice = render_notice(s, c)) != NULL)
			render_right(f, y, x, notice, CELL_REVERSE | CELL_BOLD);
		return;
	}
	xasprintf(&left, " %s%s%s%s%s", path, d->modified ? " [+]" : "",
	    d->readonly ? " [RO]" : "",
	    d->disk_changed ? " [changed on disk]" : "", pos);
	x = render_text(f, 0, y, f->cols, left, 0, 0, CELL_REVERSE);
	free(left);

	if ((notice = render_notice(s, c)) != NULL)
		render_right(f, y, x, notice, CELL_REVERSE | CELL_BOLD);
}

/*
 * Counting matches for the find prompt's "N of M". A frame is rendered for
 * every person in the find prompt after every key anyone types, and a
 * document can be 50 MB, so the count is bounded: the document is scanned
 * from its start in chunks, counting at most RENDER_FIND_MAX + 1 matches
 * and considering only matches that start in the first RENDER_FIND_BYTES
 * bytes (about a millisecond of memmem). Within those bounds the count is
 * exact; beyond them the status says so with a "+". Matches may overlap
 * ("aa" is found twice in "aaa"), as next and previous in the prompt step
 * one byte on from the current match.
 */
#define RENDER_FIND_MAX 1000
#define RENDER_FIND_BYTES (4 * 1024 * 1024)
#define RENDER_FIND_CHUNK (64 * 1024)

struct render_count {
	size_t total;  /* matches counted */
	size_t before; /* of those, starting before at */
	int hit;       /* one starts exactly at at */
	int partial;   /* stopped early: there may be more */
};

static void
render_find_count(const struct buffer *b, const char *needle, size_t nlen,
    size_t at, struct render_count *rc)
{
	size_t blen = buffer_length(b), limit, pos, want, got, ends, off;
	const char *p, *q;
	char *chunk;

	memset(rc, 0, sizeof *rc);
	if (nlen == 0 || nlen > blen)
		return;
	limit = blen < RENDER_FIND_BYTES ? blen : RENDER_FIND_BYTES;
	chunk = xmalloc(RENDER_FIND_CHUNK + nlen);
	for (pos = 0; pos < limit; pos += RENDER_FIND_CHUNK) {
		/* Matches starting in [pos, pos + ends), read whole. */
		want = RENDER_FIND_CHUNK + nlen - 1;
		if (want > blen - pos)
			want = blen - pos;
		got = buffer_copy(b, pos, want, chunk);
		ends = limit - pos < RENDER_FIND_CHUNK ? limit - pos
		                                       : RENDER_FIND_CHUNK;
		p = chunk;
		while (
		    (q = memmem(p, got - (p - chunk), needle, nlen)) != NULL &&
		    (size_t)(q - chunk) < ends) {
			if (rc->total == RENDER_FIND_MAX) {
				rc->partial = 1;
				goto out;
			}
			off = pos + (q - chunk);
			if (off < at)
				rc->before++;
			else if (off == at)
				rc->hit = 1;
			rc->total++;
			p = q + 1;
		}
	}
	if (limit < blen)
		rc->partial = 1;
out:
	free(chunk);
}

/* What the find prompt shows on the right: "N of M", "not found". */
void
render_find_info(const struct client *c, char *out, size_t size)
{
	const struct view *v = c->view;
	const struct prompt *p = &c->prompt;
	struct render_count rc;
	size_t from, to, len;

	*out = '\0';
	if (p->found == 0) {
		snprintf(out, size, "not found");
		return;
	}
	if (p->found != 1 || p->len == 0)
		return;
	/* Which match: the one the selection starts at. */
	if (!view_selection(v, &from, &to))
		from = v->cursor;
	len = p->len < sizeof p->text ? p->len : sizeof p->text - 1;
	render_find_count(v->doc->buf, p->text, len, from, &rc);
	if (rc.total == 0 && !rc.partial)
		snprintf(out, size, "not found");
	else if (rc.hit)
		snprintf(out, size, "%zu of %zu%s", rc.before + 1, rc.total,
		    rc.partial ? "+" : "");
	else
		snprintf(out, size, "%zu%s %s", rc.total, rc.partial ? "+" : "",
		    rc.total == 1 && !rc.partial ? "match" : "matches");
}

/* A prompt (find, go to line, say, commit message) in place of the
 * status, with the terminal cursor at the end of what was typed. */
static void
render_prompt(
    const struct server *s, const struct client *c, struct frame *f, unsigned y)
{
	const struct prompt *p = &c->prompt;
	const char *label, *notice, *shown;
	char text[sizeof p->text], info[64], *safe;
	size_t len, room, w, slen, total, off, col;
	struct layout_unit u;
	unsigned x;

	label = c->overlay->label;
	frame_fill(f, 0, y, f->cols, 0, 0, CELL_REVERSE);
	x = frame_puts(f, 0, y, f->cols, label, 0, 0, CELL_REVERSE | CELL_BOLD);

	/* While finding, where the match is matters more than a notice. */
	*info = '\0';
	if (c->overlay->info != NULL)
		c->overlay->info(c, info, sizeof info);
	notice = *info == '\0' ? render_notice(s, c) : NULL;

	len = p->len < sizeof text ? p->len : sizeof text - 1;
	memcpy(text, p->text, len);
	text[len] = '\0';
	safe = inert_screen(text);
	/* Too long for the row: show its end, where the typing is. A notice
	 * (say, why Enter did nothing) keeps up to half the row. */
	room = x + 1 < f->cols ? f->cols - x - 1 : 0;
	if (notice != NULL) {
		w = layout_width(notice, strlen(notice)) + 2;
		room -= w < room / 2 ? w : room / 2;
	}
	/* In one pass: inert text has no tabs, so a unit is as wide
	 * wherever it is. */
	slen = strlen(safe);
	total = layout_width(safe, slen);
	off = col = 0;
	while (total - col > room && layout_next(safe, slen, off, col, &u)) {
		off += u.len;
		col += u.width;
	}
	shown = safe + off;
	x = frame_puts(f, x, y, f->cols, shown, 0, 0, CELL_REVERSE);
	free(safe);

	f->cx = x < f->cols ? x : f->cols - 1;
	f->cy = y;
	f->cursor_visible = 1;

	if (*info != '\0')
		render_right(f, y, x, info, CELL_REVERSE);
	else if (notice != NULL)
		render_right(f, y, x, notice, CELL_REVERSE | CELL_BOLD);
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
		x = render_text(f, x, y, f->cols, c->name,
		    COLOUR_PERSON(c->colour), 0, CELL_BOLD);
		/* Editors plain; hosts and viewers marked, dim, so a
		 * name cannot pass for the marker. */
		if (c->role != ROLE_EDITOR) {
			snprintf(
			    where, sizeof where, "(%s)", role_name(c->role));
			x = frame_puts(f, x, y, f->cols, where, 0, 0, CELL_DIM);
		}
		x = frame_puts(f, x, y, f->cols, " ", 0, 0, 0);
		/* Where they work: their focused pane's terminal, or its
		 * document and line. */
		if (c->pane != NULL && c->pane->term_name != NULL) {
			x = frame_puts(f, x, y, f->cols, "term ", 0, 0, 0);
			x = render_text(
			    f, x, y, f->cols, c->pane->term_name, 0, 0, 0);
		} else {
			x = render_text(f, x, y, f->cols,
			    *c->view->doc->path != '\0' ? c->view->doc->path
			                                : "-",
			    0, 0, 0);
			snprintf(where, sizeof where, ":%zu",
			    view_line(c->view) + 1);
			x = frame_puts(f, x, y, f->cols, where, 0, 0, 0);
		}
		if (x >= f->cols)
			break;
	}
}

/* The first entry of a list to show so that entry sel is among the shown
 * ones, starting from the wanted top. */
static size_t
render_list_top(size_t top, size_t sel, size_t n, size_t shown)
{
	if (shown == 0)
		shown = 1;
	if (sel >= n)
		sel = n > 0 ? n - 1 : 0;
	if (top > sel)
		top = sel;
	else if (sel >= top + shown)
		top = sel - shown + 1;
	return top;
}

void
render_picker(const struct server *s, const struct client *c, struct frame *f,
    unsigned height)
{
	const struct picker *p = &c->picker;
	unsigned x, y, i;
	size_t idx, top;

	x = frame_puts(f, 0, 0, f->cols, "Open: ", 0, 0, CELL_BOLD);
	x = render_text(f, x, 0, f->cols, p->filter, 0, 0, 0);
	f->cx = x < f->cols ? x : f->cols - 1;
	f->cy = 0;
	if (p->nmatch == 0 && height > 1) {
		frame_puts(
		    f, 2, 1, f->cols, "(no file matches)", 0, 0, CELL_DIM);
		return;
	}
	top = render_list_top(p->top, p->sel, p->nmatch, height - 1);
	for (i = 0, y = 1; y < height && top + i < p->nmatch; i++, y++) {
		idx = top + i;
		if (idx == p->sel) {
			frame_fill(f, 0, y, f->cols, 0, 0, CELL_REVERSE);
			render_text(f, 2, y, f->cols, p->files[p->match[idx]],
			    0, 0, CELL_REVERSE);
		} else
			render_text(
			    f, 2, y, f->cols, p->files[p->match[idx]], 0, 0, 0);
	}
}

/* Where the help text of a palette row starts. */
#define RENDER_PALETTE_HELP 24

/* One command of the palette on row y: "  NAME ARGS", the help from
 * column 24 (DIM); the chosen one in reverse video across the row. */
static void
render_palette_row(
    struct frame *f, unsigned y, const struct cmd_entry *e, int chosen)
{
	uint8_t attr = chosen ? CELL_REVERSE : 0;
	unsigned x;

	if (chosen)
		frame_fill(f, 0, y, f->cols, 0, 0, CELL_REVERSE);
	x = render_text(f, 2, y, f->cols, e->name, 0, 0, attr);
	if (e->args != NULL && *e->args != '\0') {
		x = frame_puts(f, x, y, f->cols, " ", 0, 0, attr);
		x = render_text(f, x, y, f->cols, e->args, 0, 0, attr);
	}
	x = x < RENDER_PALETTE_HELP ? RENDER_PALETTE_HELP : x + 1;
	if (e->help != NULL && x < f->cols)
		render_text(f, x, y, f->cols, e->help, 0, 0, attr | CELL_DIM);
}

/* The Ctrl-P palette over the text area (height rows): the typed text on
 * row 0 with the terminal cursor after it, the matching commands below. */
void
render_palette(const struct server *s, const struct client *c, struct frame *f,
    unsigned height)
{
	const struct palette *p = &c->palette;
	size_t nmatch, top, i, len;
	char text[sizeof p->text];
	unsigned x, y;

	len = p->len < sizeof text ? p->len : sizeof text - 1;
	memcpy(text, p->text, len);
	text[len] = '\0';
	x = frame_puts(f, 0, 0, f->cols, "Command: ", 0, 0, CELL_BOLD);
	x = render_text(f, x, 0, f->cols, text, 0, 0, 0);
	f->cx = x < f->cols ? x : f->cols - 1;
	f->cy = 0;

	nmatch = p->nmatch;
	if (nmatch > sizeof p->match / sizeof p->match[0])
		nmatch = sizeof p->match / sizeof p->match[0];
	if (nmatch == 0) {
		if (height > 1)
			frame_puts(f, 2, 1, f->cols, "(no command matches)", 0,
			    0, CELL_DIM);
		return;
	}
	top = render_list_top(p->top, p->sel, nmatch, height - 1);
	for (i = top, y = 1; y < height && i < nmatch; i++, y++) {
		if (p->match[i] >= cmd_count)
			continue;
		render_palette_row(f, y, &cmd_table[p->match[i]], i == p->sel);
	}
}

/* A pop-up over the text area (height rows): the title in reverse video,
 * the lines from top, and a footer on the last row. */
void
render_popup(const struct server *s, const struct client *c, struct frame *f,
    unsigned height)
{
	const struct popup *p = &c->popup;
	size_t fit, top, last, i;
	const char *line;
	char more[128];
	uint8_t attr;
	unsigned x, y;

	f->cursor_visible = 0;
	frame_fill(f, 0, 0, f->cols, 0, 0, CELL_REVERSE | CELL_BOLD);
	x = frame_puts(f, 0, 0, f->cols, " ", 0, 0, CELL_REVERSE | CELL_BOLD);
	if (p->title != NULL)
		render_text(
		    f, x, 0, f->cols, p->title, 0, 0, CELL_REVERSE | CELL_BOLD);
	if (height < 2)
		return;

	fit = height > 2 ? height - 2 : 0;
	last = p->nlines > fit ? p->nlines - fit : 0;
	top = p->top < last ? p->top : last;
	for (i = top, y = 1; y + 1 < height && i < p->nlines; i++, y++) {
		if ((line = p->lines[i]) == NULL)
			continue;
		attr = 0;
		if (*line == POPUP_BOLD) {
			line++;
			attr = CELL_BOLD;
		}
		if (p->nacts > 0 && i == p->sel) {
			attr |= CELL_REVERSE;
			frame_fill(f, 0, y, f->cols, 0, 0, attr);
		}
		render_text(f, 0, y, f->cols, line, 0, 0, attr);
	}

	y = height - 1;
	x = frame_puts(f, 0, y, f->cols,
	    p->nacts > 0 ? " Enter opens  Esc closes" : " Esc closes", 0, 0,
	    CELL_DIM);
	if (p->nlines > fit) {
		snprintf(more, sizeof more,
		    "  PgUp/PgDn scroll (%zu-%zu of %zu)", top + 1, top + fit,
		    p->nlines);
		frame_puts(f, x, y, f->cols, more, 0, 0, CELL_DIM);
	}
}

/* The margin's columns in a document pane. */
unsigned
render_pane_gutter(const struct pane *p)
{
	unsigned g = p->view.doc != NULL ? render_gutter(p->view.doc) : 0;

	return g <= p->tsx ? g : 0;
}

/* A pane's text area in a frame, and the gutter left of it. */
static void
render_pane_area(const struct pane *p, struct render_area *a)
{
	a->gutter = render_pane_gutter(p);
	a->x0 = p->tx + a->gutter;
	a->y0 = p->ty;
	a->width = p->tsx - a->gutter;
}

/* A document pane: its lines, everyone's selections and cursors in it,
 * and the terminal's cursor when it is c's focused pane. */
void
render_pane_doc(const struct server *s, const struct client *c,
    const struct pane *p, struct frame *f)
{
	const struct view *v = &p->view;
	const struct client *o;
	struct render_area a;
	size_t line, col;

	if (v->doc == NULL || p->tsy == 0)
		return;
	render_pane_area(p, &a);
	render_lines(s, c, v, f, &a, p->tsy);
	TAILQ_FOREACH (o, &s->clients, entry) {
		if (render_shows(c, o, v))
			render_other_cursor(f, &a, o, v, p->tsy);
	}
	if (p != c->pane)
		return;
	line = view_line(v);
	col = view_col(v);
	if (line >= v->top && line < v->top + p->tsy && col >= v->left &&
	    col < v->left + a.width) {
		f->cx = a.x0 + col - v->left;
		f->cy = a.y0 + line - v->top;
		f->cursor_visible = 1;
	}
}

/* Every pane c sees: its title row (the focused one's in reverse and
 * bold), what it shows, and the border right of it. */
static void
render_panes(const struct server *s, const struct client *c, struct frame *f)
{
	const struct pane *p;
	char *title;
	uint8_t attr;
	unsigned y;

	TAILQ_FOREACH (p, &c->panes, entry) {
		if (p->hidden || p->sx == 0 || p->sy == 0)
			continue;
		if (p->ty > p->y) {
			attr = p == c->pane ? CELL_REVERSE | CELL_BOLD
			                    : CELL_REVERSE;
			frame_fill(f, p->x, p->y, p->x + p->sx, 0, 0, attr);
			title = p->mode->title(c, p);
			frame_puts(
			    f, p->x, p->y, p->x + p->sx, " ", 0, 0, attr);
			render_text(
			    f, p->x + 1, p->y, p->x + p->sx, title, 0, 0, attr);
			free(title);
		}
		p->mode->draw(s, c, p, f);
		if (p->x + p->sx < f->cols) {
			for (y = p->y; y < p->y + p->sy; y++)
				frame_put(f, p->x + p->sx, y, 0x2502, 0, 0, 0,
				    CELL_DIM);
		}
	}
}

/* One chat message on row y: "HH:MM NAME: TEXT", the time (UTC) dim, the
 * name bold in the author's colour, the text inert, cut at the width. */
static void
render_chat_row(struct frame *f, unsigned y, const struct chat_msg *m)
{
	char when[16];
	struct tm tm;
	time_t t;
	unsigned x;

	t = (time_t)(m->time / 1000);
	if (m->time < 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof when, "%H:%M", &tm) == 0)
		snprintf(when, sizeof when, "--:--");
	x = frame_puts(f, 0, y, f->cols, when, 0, 0, CELL_DIM);
	x = frame_puts(f, x, y, f->cols, " ", 0, 0, 0);
	x = render_text(f, x, y, f->cols, m->name != NULL ? m->name : "?",
	    m->colour >= 1 && m->colour <= MOOT_NCOLOURS
	        ? COLOUR_PERSON(m->colour)
	        : COLOUR_DEFAULT,
	    0, CELL_BOLD);
	x = frame_puts(f, x, y, f->cols, ": ", 0, 0, 0);
	if (m->text != NULL)
		render_text(f, x, y, f->cols, m->text, 0, 0, 0);
}

/* The last k chat messages on rows y.., oldest at the top. */
static void
render_chat(const struct server *s, struct frame *f, unsigned y, unsigned k)
{
	const struct chat_msg *m, *first = NULL;
	size_t i;

	m = TAILQ_LAST(&s->chat, chat_msgs);
	for (i = 0; i < s->chat_held && m != NULL; i++)
		m = TAILQ_PREV(m, chat_msgs, entry);
	for (i = 0; i < k && m != NULL; i++) {
		first = m;
		m = TAILQ_PREV(m, chat_msgs, entry);
	}
	for (m = first; m != NULL && i > 0; m = TAILQ_NEXT(m, entry), i--)
		render_chat_row(f, y++, m);
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

/*
 * Before an invited person enters (overlay_name): only the prompt for
 * their name, never anything of the session. What they type is drawn
 * inert.
 */
void
render_name(const struct server *s, const struct client *c, struct frame *f,
    unsigned height)
{
	char line[128];
	unsigned x;

	snprintf(line, sizeof line,
	    "You are invited to this moot session as %s %s.",
	    c->role == ROLE_EDITOR ? "an" : "a", role_name(c->role));
	frame_puts(f, 1, 0, f->cols, line, 0, 0, CELL_BOLD);
	frame_puts(f, 1, 1, f->cols,
	    "Others will see you by the name you give (Enter joins, Ctrl-U "
	    "clears, Ctrl-Q leaves).",
	    0, 0, 0);
	x = frame_puts(f, 1, 3, f->cols, "Your name: ", 0, 0, CELL_BOLD);
	x = render_text(f, x, 3, f->cols, c->prompt.text, 0, 0, 0);
	f->cx = x < f->cols ? x : f->cols - 1;
	f->cy = 3;
	if (c->notice != NULL && c->notice_until > s->now)
		render_text(f, 1, 5, f->cols, c->notice, 0, 0, CELL_BOLD);
}

void
render_client(const struct server *s, const struct client *c, struct frame *f)
{
	const struct view *v = c->view;
	unsigned height, chat;
	size_t line, col;

	frame_clear(f);
	f->mouse = !c->mouse_off;
	if (f->cols < SERVER_MIN_COLS || f->rows < SERVER_MIN_ROWS) {
		render_too_small(f);
		return;
	}
	if (c->overlay != NULL && c->overlay->whole) {
		c->overlay->draw(s, c, f, f->rows);
		return;
	}
	chat = render_chat_count(s, f->rows);
	height = render_height(s, f->rows);
	line = view_line(v);
	col = view_col(v);

	/* Overlays that draw take the text area; nobody's cursor is drawn
	 * over them. */
	if (c->overlay != NULL && c->overlay->draw != NULL)
		c->overlay->draw(s, c, f, height);
	else {
		f->cursor_visible = 0; /* unless the focused pane shows it */
		render_panes(s, c, f);
	}
	if (chat > 0)
		render_chat(s, f, height, chat);
	if (c->overlay != NULL && c->overlay->label != NULL)
		render_prompt(s, c, f, f->rows - 2);
	else
		render_status(s, c, f, f->rows - 2, line, col);
	render_presence(s, f, f->rows - 1);
}
