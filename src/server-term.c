/* server-term.c: shared terminals: a shell run by the daemon (term.c)
 * shown in anyone's panes, who may type in it, and its pane mode. */
#include "moot.h"

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "repo.h"
#include "role.h"
#include "server.h"
#include "term.h"
#include "utf8.h"

/*
 * A terminal is shared like a document: anyone may show it in a pane and
 * everyone showing it sees the same screen. Hosts may type in every
 * terminal; editors in those a host shared (`share NAME|all`); viewers
 * never. The terminal takes the size of the pane of whoever typed last
 * (tmux's window-size latest); other panes show it cut or padded. Its
 * output only ever becomes cells of frames (term.c).
 */

static struct server_term *
server_term_find(const char *name)
{
	struct server_term *t;

	TAILQ_FOREACH (t, &server->terms, entry) {
		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

/* Everyone whose panes show t draws again. */
static void
server_term_redraw(struct server_term *t)
{
	struct client *c;
	struct pane *p;

	TAILQ_FOREACH (c, &server->clients, entry) {
		TAILQ_FOREACH (p, &c->panes, entry) {
			if (p->term == t && !p->hidden) {
				c->term_dirty = 1;
				break;
			}
		}
	}
}

/* term.c: the screen changed, the pty closed or the shell was reaped. */
static void
server_term_changed(struct term *term, void *arg)
{
	struct server_term *t = arg;
	int status;

	if (!t->ended && term_exited(term, &status)) {
		t->ended = 1;
		t->status = status;
		log_info("terminal %s: the shell ended (%s %d)", t->name,
		    WIFEXITED(status) ? "status" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
	server_term_redraw(t);
}

/*
 * Start a shell of cols x rows for terminal name: a new terminal, or (t)
 * one whose shell has ended, so that every pane showing it shows the new
 * one. NULL (c told) if it cannot start.
 */
static struct server_term *
server_term_start(struct client *c, struct server_term *t, const char *name,
    unsigned cols, unsigned rows)
{
	struct term *term;
	char *err = NULL;
	int fresh = t == NULL;

	if (fresh) {
		t = xcalloc(1, sizeof *t);
		t->name = xstrdup(name);
		t->typist = xstrdup("");
		t->shared_all = server->terms_shared_all;
	}
	term = term_start(server->loop, server->repo->workdir, NULL, cols, rows,
	    server_term_changed, t, &err);
	if (term == NULL) {
		server_client_notice(c, "cannot start a terminal: %s", err);
		free(err);
		if (fresh) {
			free(t->typist);
			free(t->name);
			free(t);
		}
		return NULL;
	}
	if (t->term != NULL)
		term_free(t->term); /* the ended one */
	t->term = term;
	t->ended = 0;
	t->status = 0;
	free(t->typist);
	t->typist = xstrdup("");
	if (fresh)
		TAILQ_INSERT_TAIL(&server->terms, t, entry);
	log_info("client %u: %s started terminal %s (pid %ld)", c->id, c->name,
	    name, (long)term_pid(t->term));
	server_term_redraw(t);
	return t;
}

/* A new name: 1, 2, ... */
static void
server_term_name(char *out, size_t size)
{
	unsigned n;

	for (n = 1;; n++) {
		snprintf(out, size, "%u", n);
		if (server_term_find(out) == NULL)
			return;
	}
}

/*
 * `term [NAME]`: show terminal NAME in the focused pane; one that does
 * not exist (or has ended) is started, which only hosts may.
 */
void
server_term_open(struct client *c, const char *name)
{
	struct server_term *t;
	struct pane *p = c->pane;
	char fresh[16];

	while (*name == ' ')
		name++;
	if (server->opts.no_terminals) {
		server_client_notice(c, "terminals are off in this session "
		                        "(moot serve --no-terminals)");
		return;
	}
	if (strlen(name) > SERVER_TERM_NAME_MAX ||
	    strspn(name, SERVER_TERM_NAME_CHARS) != strlen(name)) {
		server_client_notice(c, "a terminal's name is letters, digits, "
		                        "- and _ (at most 32)");
		return;
	}
	if (*name == '\0') {
		server_term_name(fresh, sizeof fresh);
		name = fresh;
	}
	t = server_term_find(name);
	if (t == NULL || t->ended) {
		if (c->role != ROLE_HOST) {
			server_client_notice(c, "only hosts start terminals");
			return;
		}
		server_pane_layout(c);
		if ((t = server_term_start(c, t, name, p->tsx, p->tsy)) == NULL)
			return;
	}
	server_pane_show_term(c, t);
}

/* The names of the terminals whose shell runs, oldest first, for the
 * Ctrl-O list (caller frees each and the array). */
char **
server_term_names(size_t *n)
{
	struct server_term *t;
	char **names = NULL;

	*n = 0;
	TAILQ_FOREACH (t, &server->terms, entry) {
		if (t->ended || t->term == NULL)
			continue;
		names = xreallocarray(names, *n + 1, sizeof *names);
		names[(*n)++] = xstrdup(t->name);
	}
	return names;
}

/* Whether c may type in t; else told why. */
static int
server_term_may_type(struct client *c, struct server_term *t)
{
	if (c->role == ROLE_HOST)
		return 1;
	if (c->role == ROLE_EDITOR) {
		if (t->shared_all || server->terms_shared_all)
			return 1;
		server_client_notice(c,
		    "terminal %s is not shared with editors "
		    "(a host can say `share %s`)",
		    t->name, t->name);
		return 0;
	}
	server_client_notice(c, "viewers cannot type in terminals");
	return 0;
}

/* c types in the terminal of their focused pane p: its size becomes that
 * pane's, and it is the typist's. */
static int
server_term_typed(struct client *c, struct pane *p)
{
	struct server_term *t = p->term;

	if (t == NULL || t->ended || t->term == NULL) {
		server_client_notice(c,
		    "this terminal has ended: `term` starts "
		    "a new one");
		return 0;
	}
	if (!server_term_may_type(c, t))
		return 0;
	if (term_cols(t->term) != p->tsx || term_rows(t->term) != p->tsy)
		term_resize(t->term, p->tsx, p->tsy);
	if (strcmp(t->typist, c->name) != 0) {
		free(t->typist);
		t->typist = xstrdup(c->name);
		server_term_redraw(t);
	}
	return 1;
}

/* Scroll pane p of c's by lines into the scrollback (back if > 0), from
 * the live screen (0) to the oldest line kept. */
void
server_term_scroll(struct client *c, struct pane *p, int lines)
{
	unsigned most;

	if (p->term == NULL || p->term->term == NULL)
		return;
	most = term_scrollback(p->term->term);
	if (lines < 0)
		p->scroll =
		    p->scroll > (unsigned)-lines ? p->scroll + lines : 0;
	else
		p->scroll = p->scroll + (unsigned)lines < most
		                ? p->scroll + (unsigned)lines
		                : most;
	c->dirty = 1;
}

/* Browsing the scrollback (prefix [): the keys that move; any other key
 * goes back to the live screen and on to the program. 1 if used. */
static int
server_term_scroll_key(
    struct client *c, struct pane *p, const struct key_event *k)
{
	int page = p->tsy > 1 ? (int)p->tsy - 1 : 1;

	switch (k->code) {
	case KEYC_UP:
		server_term_scroll(c, p, 1);
		return 1;
	case KEYC_DOWN:
		server_term_scroll(c, p, -1);
		return 1;
	case KEYC_PGUP:
		server_term_scroll(c, p, page);
		return 1;
	case KEYC_PGDN:
		server_term_scroll(c, p, -page);
		return 1;
	case KEYC_HOME:
		server_term_scroll(c, p, TERM_SCROLLBACK);
		return 1;
	case KEYC_END:
	case KEYC_ESC:
		p->scroll = 0;
		c->dirty = 1;
		return 1;
	case KEYC_CHAR:
		if (k->cp == 'q') {
			p->scroll = 0;
			c->dirty = 1;
			return 1;
		}
		break;
	}
	p->scroll = 0;
	c->dirty = 1;
	return 0;
}

/* Leave copy mode, back to the live screen. */
static void
server_term_copy_leave(struct client *c, struct pane *p)
{
	p->copy = 0;
	p->marked = 0;
	p->dragged = 0;
	p->scroll = 0;
	c->dirty = 1;
}

/* The copy cursor stays on the terminal's rows, and in view. */
static void
server_term_copy_show(struct client *c, struct pane *p)
{
	struct term *term = p->term->term;
	int top = -(int)term_scrollback(term), rows = (int)term_rows(term);
	int shown = p->tsy > 0 ? (int)p->tsy : 1;

	if (p->cy < top)
		p->cy = top;
	if (p->cy >= rows)
		p->cy = rows - 1;
	if (p->cx >= term_cols(term))
		p->cx = term_cols(term) - 1;
	if (p->cy < -(int)p->scroll)
		p->scroll = (unsigned)-p->cy;
	else if (p->cy > -(int)p->scroll + shown - 1)
		p->scroll =
		    shown - 1 - p->cy > 0 ? (unsigned)(shown - 1 - p->cy) : 0;
	c->dirty = 1;
}

/* prefix [: copy mode in pane p, the cursor where the terminal's is. */
void
server_term_copy_enter(struct client *c, struct pane *p)
{
	unsigned cx = 0, cy = 0;

	if (p->term == NULL || p->term->term == NULL) {
		server_client_notice(c, "this terminal has ended");
		return;
	}
	if (!term_cursor(p->term->term, &cx, &cy))
		cy = term_rows(p->term->term) - 1;
	p->copy = 1;
	p->marked = 0;
	p->dragged = 0;
	p->cx = cx;
	p->cy = (int)cy - (int)p->scroll;
	server_term_copy_show(c, p);
}

/* Copy what is selected (from the mark to the cursor; no mark: the
 * cursor's line) into c's own clipboard, and leave copy mode. */
static void
server_term_copy(struct client *c, struct pane *p)
{
	int r0 = p->cy, r1 = p->cy;
	unsigned c0 = 0, c1 = TERM_COLS_MAX;
	size_t len, lines = 1, i;
	char *text;

	if (p->marked) {
		r0 = p->my;
		c0 = p->mx;
		c1 = p->cx;
		if (p->my > p->cy || (p->my == p->cy && p->mx > p->cx)) {
			r0 = p->cy;
			r1 = p->my;
			c0 = p->cx;
			c1 = p->mx;
		}
	}
	text = term_text(p->term->term, r0, c0, r1, c1, &len);
	for (i = 0; i < len; i++)
		lines += text[i] == '\n';
	free(c->clipboard);
	c->clipboard = text;
	c->clipboard_len = len;
	server_client_notice(c, "copied %zu line%s (%zu bytes): Ctrl-V pastes",
	    lines, lines == 1 ? "" : "s", len);
	server_term_copy_leave(c, p);
}

/* A key copy mode has no use for: what it takes. */
static void
server_term_copy_hint(struct client *c)
{
	server_client_notice(c, "copy mode: arrows move, Space marks, Enter "
	                        "copies, Ctrl-F finds, Esc leaves");
}

/* Keys in copy mode: they move and select, nothing reaches the program
 * (anyone may copy: viewers too). */
static void
server_term_copy_key(
    struct client *c, struct pane *p, const struct key_event *k)
{
	int page = p->tsy > 1 ? (int)p->tsy - 1 : 1;

	switch (k->code) {
	case KEYC_UP:
		p->cy--;
		break;
	case KEYC_DOWN:
		p->cy++;
		break;
	case KEYC_LEFT:
		if (p->cx > 0)
			p->cx--;
		break;
	case KEYC_RIGHT:
		p->cx++;
		break;
	case KEYC_PGUP:
		p->cy -= page;
		break;
	case KEYC_PGDN:
		p->cy += page;
		break;
	case KEYC_HOME:
		p->cy = -(int)term_scrollback(p->term->term);
		p->cx = 0;
		break;
	case KEYC_END:
		p->cy = (int)term_rows(p->term->term) - 1;
		break;
	case KEYC_ENTER:
		server_term_copy(c, p);
		return;
	case KEYC_ESC:
		server_term_copy_leave(c, p);
		return;
	case KEYC_CTRL:
		if (k->cp == 'c') {
			server_term_copy(c, p);
			return;
		}
		if (k->cp == 'f') {
			/* Where the search starts: the cursor. */
			memset(&c->prompt, 0, sizeof c->prompt);
			c->prompt.origin = (size_t)(p->cy + TERM_SCROLLBACK);
			c->prompt.origin_top = p->cx;
			c->prompt.found = -1;
			p->marked = 0;
			overlay_open(c, &overlay_term_find);
			return;
		}
		server_term_copy_hint(c);
		return;
	case KEYC_CHAR:
		if (k->cp == ' ') {
			p->marked = !p->marked;
			p->my = p->cy;
			p->mx = p->cx;
			break;
		}
		if (k->cp == 'q') {
			server_term_copy_leave(c, p);
			return;
		}
		/* FALLTHROUGH */
	default:
		server_term_copy_hint(c);
		return;
	}
	server_term_copy_show(c, p);
}

/* The find prompt of copy mode: the nearest match before the cursor
 * (Ctrl-F, Enter after typing, Up: older; Down: newer) is selected. */
static void
server_term_find_next(struct client *c, int backward, int from_start)
{
	struct pane *p = c->pane;
	int row = p->cy;
	unsigned col = p->cx;

	if (!p->copy || p->term == NULL || p->term->term == NULL ||
	    c->prompt.len == 0)
		return;
	if (from_start) {
		row = (int)c->prompt.origin - TERM_SCROLLBACK;
		col = (unsigned)c->prompt.origin_top;
	}
	if (!term_find(p->term->term, c->prompt.text, &row, &col, backward)) {
		c->prompt.found = 0;
		c->dirty = 1;
		return;
	}
	c->prompt.found = 1;
	p->cy = row;
	p->cx = col;
	server_term_copy_show(c, p);
}

static void
server_term_find_key(struct client *c, const struct key_event *k)
{
	struct prompt *pr = &c->prompt;
	struct pane *p = c->pane;
	char utf8[4];
	size_t n;

	switch (k->code) {
	case KEYC_CHAR:
		if ((n = utf8_encode(k->cp, utf8)) == 0 ||
		    pr->len + n >= sizeof pr->text)
			break;
		memcpy(pr->text + pr->len, utf8, n);
		pr->len += n;
		pr->text[pr->len] = '\0';
		server_term_find_next(c, 1, 1);
		break;
	case KEYC_BACKSPACE:
		while (pr->len > 0 &&
		       ((unsigned char)pr->text[--pr->len] & 0xc0) == 0x80)
			;
		pr->text[pr->len] = '\0';
		if (pr->len > 0)
			server_term_find_next(c, 1, 1);
		break;
	case KEYC_UP:
		server_term_find_next(c, 1, 0);
		break;
	case KEYC_DOWN:
		server_term_find_next(c, 0, 0);
		break;
	case KEYC_CTRL:
		if (k->cp == 'f') {
			server_term_find_next(c, 1, 0);
			break;
		}
		server_client_hint(c);
		break;
	case KEYC_ENTER:
	case KEYC_ESC:
		/* Back to copy mode; a match found is selected (Enter then
		 * copies it). */
		overlay_close(c);
		if (p->copy && pr->found == 1) {
			p->marked = 1;
			p->my = p->cy;
			p->mx = p->cx;
			n = 0;
			for (size_t i = 0; i < pr->len; i++)
				n +=
				    ((unsigned char)pr->text[i] & 0xc0) != 0x80;
			p->cx += n > 0 ? (unsigned)n - 1 : 0;
			server_term_copy_show(c, p);
		}
		break;
	default:
		server_client_hint(c);
		break;
	}
}

static void
server_term_find_info(const struct client *c, char *out, size_t size)
{
	*out = '\0';
	if (c->prompt.found == 0)
		snprintf(out, size, "not found");
	else if (c->prompt.found == 1 && c->pane != NULL)
		snprintf(out, size, "found %d lines up",
		    (int)term_rows(c->pane->term->term) - 1 - c->pane->cy);
}

/* Ctrl-F in copy mode: find in the terminal's scrollback and screen. */
const struct overlay overlay_term_find = {
    .name = "term-find",
    .hint = "type what to find in the terminal; Up/Ctrl-F older, Down "
            "newer, Enter or Esc back to copy mode",
    .key = server_term_find_key,
    .label = " Find in terminal: ",
    .info = server_term_find_info,
};

/*
 * The mouse in terminal pane p (c's focused pane): a drag with the left
 * button selects from where it went down, in copy mode, and the release
 * copies the selection into c's clipboard.
 */
void
server_term_copy_mouse(
    struct client *c, struct pane *p, const struct key_event *k)
{
	unsigned x, y;

	if (p->term == NULL || p->term->term == NULL || p->tsx == 0 ||
	    p->tsy == 0)
		return;
	x = k->x > p->tx ? k->x - p->tx : 0;
	y = k->y > p->ty ? k->y - p->ty : 0;
	if (x >= p->tsx)
		x = p->tsx - 1;
	if (y >= p->tsy)
		y = p->tsy - 1;
	switch (k->mouse) {
	case KEYS_MOUSE_PRESS:
		if (k->button != KEYS_BUTTON_LEFT)
			return;
		p->mx = x;
		p->my = (int)y - (int)p->scroll;
		p->marked = 0;
		p->dragged = 1;
		break;
	case KEYS_MOUSE_DRAG:
		if (p->dragged == 0)
			return;
		p->copy = 1;
		p->marked = 1;
		p->dragged = 2;
		p->cx = x;
		p->cy = (int)y - (int)p->scroll;
		server_term_copy_show(c, p);
		break;
	case KEYS_MOUSE_RELEASE:
		if (p->dragged == 2 && p->copy && p->marked)
			server_term_copy(c, p);
		p->dragged = 0;
		break;
	default:
		break;
	}
}

/* A key in a terminal pane. */
void
server_term_key(struct client *c, struct pane *p, const struct key_event *k)
{
	if (p->copy && p->term != NULL && p->term->term != NULL) {
		server_term_copy_key(c, p, k);
		return;
	}
	if (p->scroll > 0 && server_term_scroll_key(c, p, k))
		return;
	if (!server_term_typed(c, p))
		return;
	if (term_key(p->term->term, k) == -1)
		server_client_hint(c);
}

/* A paste in a terminal pane. */
void
server_term_paste(struct client *c, struct pane *p, const char *s, size_t len)
{
	if (server_term_typed(c, p))
		term_paste(p->term->term, s, len);
}

/* `share NAME|all`, `unshare NAME|all` (hosts): whether editors may type
 * in that terminal (all: in every terminal, also those to come). */
void
server_term_share(struct client *c, const char *name, int on)
{
	struct server_term *t;

	while (*name == ' ')
		name++;
	log_info("client %u: %s %s terminal %s", c->id, c->name,
	    on ? "shared" : "unshared", name);
	if (strcmp(name, "all") == 0) {
		server->terms_shared_all = on;
		TAILQ_FOREACH (t, &server->terms, entry)
			t->shared_all = on;
		server_notice("%s %s every terminal %s editors", c->name,
		    on ? "shared" : "unshared", on ? "with" : "from");
		return;
	}
	if ((t = server_term_find(name)) == NULL) {
		server_client_notice(c, "no terminal called %s", name);
		return;
	}
	t->shared_all = on;
	server_notice("%s %s terminal %s %s editors", c->name,
	    on ? "shared" : "unshared", t->name, on ? "with" : "from");
}

void
server_term_free(struct server_term *t)
{
	if (t->term != NULL)
		term_free(t->term); /* SIGHUP to the shell */
	free(t->typist);
	free(t->name);
	free(t);
}

/* The daemon stops: every shell gets SIGHUP. */
void
server_term_free_all(void)
{
	struct server_term *t;
	struct client *c;
	struct pane *p;

	TAILQ_FOREACH (c, &server->clients, entry) {
		TAILQ_FOREACH (p, &c->panes, entry)
			p->term = NULL;
	}
	while ((t = TAILQ_FIRST(&server->terms)) != NULL) {
		TAILQ_REMOVE(&server->terms, t, entry);
		server_term_free(t);
	}
}

/* A terminal cell's colour as a frame's. */
static uint32_t
server_term_colour(const struct term_colour *tc)
{
	switch (tc->type) {
	case TERM_COLOUR_INDEX:
		return COLOUR_256(tc->index);
	case TERM_COLOUR_RGB:
		return COLOUR_RGB(tc->r, tc->g, tc->b);
	default:
		return COLOUR_DEFAULT;
	}
}

/* Is the cell at row, col in p's copy-mode selection (from the mark to
 * the cursor)? */
static int
server_term_selected(const struct pane *p, int row, unsigned col)
{
	int r0 = p->my, r1 = p->cy;
	unsigned c0 = p->mx, c1 = p->cx;

	if (!p->marked)
		return 0;
	if (r0 > r1 || (r0 == r1 && c0 > c1)) {
		r0 = p->cy;
		r1 = p->my;
		c0 = p->cx;
		c1 = p->mx;
	}
	if (row < r0 || row > r1)
		return 0;
	if (row == r0 && col < c0)
		return 0;
	if (row == r1 && col > c1)
		return 0;
	return 1;
}

/* Draw the terminal of pane p: its screen from the top left, cut to the
 * pane or padded with blanks; the cursor when p is c's focused pane. */
static void
server_term_draw(const struct server *s, const struct client *c,
    const struct pane *p, struct frame *f)
{
	const struct server_term *t = p->term;
	struct term_cell cell;
	unsigned x, y, rows, cols, cx, cy;
	uint8_t attr;
	char *msg;

	if (t == NULL || t->term == NULL || t->ended) {
		if (t != NULL && t->ended)
			xasprintf(&msg,
			    "[the shell of terminal %s ended: "
			    "`term %s` starts a new one]",
			    t->name, t->name);
		else
			xasprintf(&msg,
			    "[terminal %s ended with the session: `term %s` "
			    "starts a new one]",
			    p->term_name, p->term_name);
		if (p->tsy > 0)
			frame_puts(f, p->tx, p->ty, p->tx + p->tsx, msg, 0, 0,
			    CELL_DIM);
		free(msg);
		if (t == NULL || t->term == NULL)
			return;
	}
	rows = term_rows(t->term);
	cols = term_cols(t->term);
	for (y = 0; y < p->tsy && y < rows + p->scroll; y++) {
		if (t->ended && y == 0)
			continue;
		for (x = 0; x < p->tsx && x < cols; x++) {
			/* Scrolled back: the scrollback's lines first. */
			term_cell(t->term, (int)y - (int)p->scroll, x, &cell);
			if (cell.width == 0)
				continue; /* the right half of a wide one */
			attr = 0;
			if (cell.attrs & TERM_ATTR_BOLD)
				attr |= CELL_BOLD;
			if (cell.attrs & TERM_ATTR_UNDERLINE)
				attr |= CELL_UNDERLINE;
			if (cell.attrs & TERM_ATTR_REVERSE)
				attr |= CELL_REVERSE;
			/* Copy mode: the selection, in reverse video. */
			if (p->copy && p == c->pane &&
			    server_term_selected(p, (int)y - (int)p->scroll, x))
				attr ^= CELL_REVERSE;
			if (cell.width == 2 && x + 1 >= p->tsx) {
				frame_put(f, p->tx + x, p->ty + y, ' ', 0,
				    COLOUR_DEFAULT, COLOUR_DEFAULT, 0);
				continue;
			}
			frame_put(f, p->tx + x, p->ty + y,
			    cell.cp[0] != 0 ? cell.cp[0] : ' ', cell.cp[1],
			    server_term_colour(&cell.fg),
			    server_term_colour(&cell.bg), attr);
		}
	}
	if (p == c->pane && p->copy) {
		/* The copy cursor, where it is in view. */
		if (p->cy + (int)p->scroll >= 0 &&
		    p->cy + (int)p->scroll < (int)p->tsy && p->cx < p->tsx) {
			f->cx = p->tx + p->cx;
			f->cy = p->ty + (unsigned)(p->cy + (int)p->scroll);
			f->cursor_visible = 1;
		}
	} else if (p == c->pane && !t->ended && p->scroll == 0 &&
	           term_cursor(t->term, &cx, &cy) && cx < p->tsx &&
	           cy < p->tsy) {
		f->cx = p->tx + cx;
		f->cy = p->ty + cy;
		f->cursor_visible = 1;
	}
}

static char *
server_term_title(const struct client *c, const struct pane *p)
{
	const struct server_term *t = p->term;
	char *s;

	if (t == NULL)
		xasprintf(&s, "term %s (ended)", p->term_name);
	else if (t->ended)
		xasprintf(&s, "term %s (ended)", t->name);
	else if (p->copy)
		xasprintf(&s,
		    "term %s  [copy: %u lines back of %u; Space marks, Enter "
		    "copies, Ctrl-F finds, Esc]",
		    t->name, p->scroll, term_scrollback(t->term));
	else if (p->scroll > 0)
		xasprintf(&s, "term %s  [%u lines back of %u: PgUp/PgDn, Esc]",
		    t->name, p->scroll, term_scrollback(t->term));
	else if (*t->typist != '\0')
		xasprintf(&s, "term %s  %ux%u  typed last: %s", t->name,
		    term_cols(t->term), term_rows(t->term), t->typist);
	else
		xasprintf(&s, "term %s  %ux%u", t->name, term_cols(t->term),
		    term_rows(t->term));
	return s;
}

static void
server_term_pane_free(struct pane *p)
{
	free(p->term_name);
	p->term_name = NULL;
}

/*
 * Pane p of c's changed size: when c typed last in its terminal, the
 * terminal takes the new size at once (tmux's window-size latest; others
 * show it clipped or padded).
 */
void
server_term_resize(struct client *c, struct pane *p)
{
	struct server_term *t = p->term;

	if (t == NULL || t->ended || t->term == NULL || p != c->pane ||
	    p->hidden || p->tsx == 0 || p->tsy == 0 || c->name == NULL ||
	    strcmp(t->typist, c->name) != 0)
		return;
	if (term_cols(t->term) != p->tsx || term_rows(t->term) != p->tsy) {
		term_resize(t->term, p->tsx, p->tsy);
		server_term_redraw(t);
	}
}

const struct pane_mode server_term_mode = {
    .name = "terminal",
    .draw = server_term_draw,
    .title = server_term_title,
    .free = server_term_pane_free,
    .key = server_term_key,
    .paste = server_term_paste,
    .mouse = server_mouse_term,
    .resize = server_term_resize,
};
