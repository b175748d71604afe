/* server-mouse.c: what a click, a drag or the wheel does for one person.
 * Written against a view and the rectangle of text it shows on screen. */
#include "moot.h"

#include <string.h>

#include "buffer.h"
#include "colindex.h"
#include "keys.h"
#include "server.h"

#define SERVER_MOUSE_WHEEL 3U /* lines the wheel scrolls by */

/*
 * The text of a view on the screen: the cells [x0, x0 + width) by
 * [y0, y0 + height), with a gutter of gutter columns just left of x0 (a
 * click there is a click on the line's start): one pane's.
 */
struct server_mouse_area {
	struct view *view;
	unsigned x0, y0;
	unsigned width, height;
	unsigned gutter;
};

/* The text of a document pane (render.c draws it so). */
static void
server_mouse_area(struct pane *p, struct server_mouse_area *a)
{
	memset(a, 0, sizeof *a);
	a->view = &p->view;
	a->gutter = render_pane_gutter(p);
	a->x0 = p->tx + a->gutter;
	a->y0 = p->ty;
	a->width = p->tsx - a->gutter;
	a->height = p->tsy;
}

/* The visible pane whose rectangle holds the cell x, y (its title row
 * too), or NULL. */
static struct pane *
server_mouse_pane(struct client *c, unsigned x, unsigned y)
{
	struct pane *p;

	TAILQ_FOREACH (p, &c->panes, entry) {
		if (!p->hidden && x >= p->x && x < p->x + p->sx && y >= p->y &&
		    y < p->y + p->sy)
			return p;
	}
	return NULL;
}

/* A terminal pane: a click focuses it, the wheel scrolls its
 * scrollback, a drag selects and copies. */
void
server_mouse_term(struct client *c, struct pane *p, const struct key_event *k)
{
	switch (k->mouse) {
	case KEYS_MOUSE_WHEEL_UP:
		server_term_scroll(c, p, (int)SERVER_MOUSE_WHEEL);
		break;
	case KEYS_MOUSE_WHEEL_DOWN:
		server_term_scroll(c, p, -(int)SERVER_MOUSE_WHEEL);
		break;
	case KEYS_MOUSE_PRESS:
		c->mouse_drag = 0;
		if (p != c->pane)
			server_pane_focus(c, p);
		server_term_copy_mouse(c, p, k);
		break;
	case KEYS_MOUSE_DRAG:
	case KEYS_MOUSE_RELEASE:
		/* A drag selects, the release copies (server-term.c). */
		server_term_copy_mouse(c, p, k);
		break;
	default:
		break;
	}
}

/* Is the cell x, y in the area (or its gutter)? */
static int
server_mouse_inside(const struct server_mouse_area *a, unsigned x, unsigned y)
{
	return y >= a->y0 && y < a->y0 + a->height && x + a->gutter >= a->x0 &&
	       x < a->x0 + a->width;
}

/*
 * The cursor to the character at cell x, y of the area (the nearest one:
 * past a line's end is its end, below the last line is the text's end,
 * the gutter is the line's start). A y past the bottom takes the line just
 * below the area, so that a drag there scrolls.
 */
static void
server_mouse_place(const struct server_mouse_area *a, unsigned x, unsigned y)
{
	struct view *v = a->view;
	const struct buffer *b = v->doc->buf;
	size_t line, col, lines = buffer_lines(b);

	if (y < a->y0)
		y = a->y0;
	if (y >= a->y0 + a->height)
		y = a->y0 + a->height;
	line = v->top + (y - a->y0);
	col = v->left + (x > a->x0 ? x - a->x0 : 0);
	if (line >= lines) {
		v->cursor = buffer_length(b);
		v->goal = view_col(v);
		return;
	}
	v->cursor = buffer_line_start(b, line) +
	            colindex_off_at(v->doc->colindex, b, line, col);
	v->goal = view_col(v);
}

/*
 * Scroll the view by n lines (down if n > 0), as far as the text goes; the
 * cursor stays where it is unless it would leave the screen, then it moves
 * to the nearest line shown (the frame always shows it, view.c).
 */
static void
server_mouse_scroll(const struct server_mouse_area *a, int n)
{
	struct view *v = a->view;
	size_t lines = buffer_lines(v->doc->buf), line, last;

	last = lines > a->height ? lines - a->height : 0;
	if (n < 0)
		v->top = v->top > (size_t)-n ? v->top - (size_t)-n : 0;
	else if (v->top + (size_t)n <= last)
		v->top += (size_t)n;
	else if (v->top < last)
		v->top = last;
	if (a->height == 0)
		return;
	line = view_line(v);
	if (line < v->top)
		view_move_down(v, v->top - line);
	else if (line >= v->top + a->height)
		view_move_up(v, line - (v->top + a->height - 1));
}

/* Any move of one's own stops following someone (as keys do). */
static void
server_mouse_unfollow(struct client *c)
{
	if (c->following == NULL)
		return;
	server_client_notice(c, "stopped following %s", c->following->name);
	c->following = NULL;
}

/* The panes: a border takes a drag; else the pane pointed at, for a
 * press or the wheel (a drag or a release is the focused pane's, where
 * the press was) gets the event through its mode. */
static void
server_mouse_panes(struct client *c, const struct key_event *k)
{
	struct pane *p;

	if (server_pane_border_mouse(c, k))
		return;
	if (k->mouse == KEYS_MOUSE_DRAG || k->mouse == KEYS_MOUSE_RELEASE)
		p = c->pane;
	else if ((p = server_mouse_pane(c, k->x, k->y)) == NULL)
		return;
	p->mode->mouse(c, p, k);
}

/* A document pane: a click places the cursor, a drag with the left
 * button selects (Shift + click too), the wheel scrolls. */
void
server_mouse_doc(struct client *c, struct pane *p, const struct key_event *k)
{
	struct server_mouse_area a;
	struct view *v;

	if (p->view.doc == NULL)
		return;
	server_mouse_area(p, &a);
	v = a.view;
	switch (k->mouse) {
	case KEYS_MOUSE_WHEEL_UP:
	case KEYS_MOUSE_WHEEL_DOWN:
		if (!server_mouse_inside(&a, k->x, k->y))
			return;
		server_mouse_unfollow(c);
		server_mouse_scroll(&a, k->mouse == KEYS_MOUSE_WHEEL_UP
		                            ? -(int)SERVER_MOUSE_WHEEL
		                            : (int)SERVER_MOUSE_WHEEL);
		return;
	case KEYS_MOUSE_PRESS:
		c->mouse_drag = 0;
		if (k->button != KEYS_BUTTON_LEFT ||
		    !server_mouse_inside(&a, k->x, k->y))
			return;
		server_mouse_unfollow(c);
		/* A click in another pane focuses it. */
		if (p != c->pane)
			server_pane_focus(c, p);
		c->last_edit = 0;
		if (k->mods & KEYC_MOD_SHIFT)
			view_select_start(v);
		server_mouse_place(&a, k->x, k->y);
		if (!(k->mods & KEYC_MOD_SHIFT))
			view_select_clear(v);
		c->mouse_drag = 1;
		return;
	case KEYS_MOUSE_DRAG:
		/* Only from a press in the text. */
		if (k->button != KEYS_BUTTON_LEFT || !c->mouse_drag)
			return;
		view_select_start(v);
		server_mouse_place(&a, k->x, k->y);
		return;
	case KEYS_MOUSE_RELEASE:
		c->mouse_drag = 0;
		return;
	}
}

/* A pop-up: the wheel scrolls it, a click on a line with an action
 * selects that line (Enter then opens it). */
void
server_mouse_popup(struct client *c, const struct key_event *k)
{
	struct popup *p = &c->popup;
	unsigned height = render_overlay_height(server, c);
	size_t fit = height > 2 ? height - 2 : 0, last, top, line, i;

	if (k->y >= height || p->nlines == 0)
		return;
	last = p->nlines > fit ? p->nlines - fit : 0;
	top = p->top < last ? p->top : last; /* as render.c shows it */
	switch (k->mouse) {
	case KEYS_MOUSE_WHEEL_UP:
		p->top =
		    top > SERVER_MOUSE_WHEEL ? top - SERVER_MOUSE_WHEEL : 0;
		break;
	case KEYS_MOUSE_WHEEL_DOWN:
		p->top = top + SERVER_MOUSE_WHEEL < last
		             ? top + SERVER_MOUSE_WHEEL
		             : last;
		break;
	case KEYS_MOUSE_PRESS:
		/* The title is row 0, the lines follow, the footer is last. */
		if (k->button != KEYS_BUTTON_LEFT || k->y == 0 ||
		    (unsigned)k->y + 1 >= height)
			return;
		line = top + k->y - 1;
		if (line < p->nlines && p->nacts > 0 &&
		    p->acts[line].fn != NULL) {
			p->sel = line;
			p->top = top;
		}
		return;
	default:
		return;
	}
	/* The selection stays on the lines shown, if any has an action:
	 * the first of them scrolling down, the last scrolling up. */
	if (p->nacts == 0 || (p->sel >= p->top && p->sel < p->top + fit))
		return;
	for (i = 0; i < fit; i++) {
		line = p->sel < p->top ? p->top + i : p->top + (fit - 1 - i);
		if (line < p->nlines && p->acts[line].fn != NULL) {
			p->sel = line;
			return;
		}
	}
}

/* A mouse event from c's terminal. The status, presence and chat rows
 * and the prompts take none; with `mouse off` there should be none. */
void
server_mouse_key(struct client *c, const struct key_event *k)
{
	if (c->mouse_off)
		return;
	if (c->overlay == NULL)
		server_mouse_panes(c, k);
	else if (c->overlay->mouse != NULL)
		c->overlay->mouse(c, k);
}
