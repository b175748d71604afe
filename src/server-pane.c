/* server-pane.c: a person's panes: split, close, focus, zoom and resize,
 * the keys after the prefix, and the layout kept in the journal by key. */
#include "moot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "journal.h"
#include "server.h"
#include "split.h"

/*
 * Each person has their own layout: splitting changes no one else's
 * screen. A new pane shows the document of the pane it was split from,
 * with its own cursor and scroll. With more than one pane shown, each has
 * a title row on top (the focused one's in reverse); side-by-side panes
 * have a border column between them.
 */

static char *
server_pane_doc_title(const struct client *c, const struct pane *p)
{
	const struct doc *d = p->view.doc;
	char *s;

	xasprintf(&s, "%s%s  %zu:%zu",
	    d != NULL && *d->path != '\0' ? d->path : "-",
	    d != NULL && d->modified ? " [+]" : "", view_line(&p->view) + 1,
	    view_col(&p->view) + 1);
	return s;
}

static void
server_pane_doc_free(struct pane *p)
{
}

const struct pane_mode server_pane_doc_mode = {
    .name = "document",
    .draw = render_pane_doc,
    .title = server_pane_doc_title,
    .free = server_pane_doc_free,
    .key = server_client_doc_key,
    .paste = server_client_paste_doc,
    .mouse = server_mouse_doc,
};

/* A new pane (not yet in the tree) showing d (NULL: nothing yet). */
static struct pane *
server_pane_new(struct client *c, struct doc *d)
{
	struct pane *p = xcalloc(1, sizeof *p);

	p->id = ++c->pane_ids;
	p->mode = &server_pane_doc_mode;
	if (d != NULL)
		view_set_doc(&p->view, d);
	TAILQ_INSERT_TAIL(&c->panes, p, entry);
	return p;
}

static void
server_pane_free(struct client *c, struct pane *p)
{
	TAILQ_REMOVE(&c->panes, p, entry);
	p->mode->free(p);
	free(p);
}

/* Keys go to p from now on. */
void
server_pane_focus(struct client *c, struct pane *p)
{
	c->pane = p;
	/* A terminal pane keeps the view it had too: c's view is always the
	 * focused pane's. */
	c->view = &p->view;
	c->dirty = 1;
}

/* A person's first pane, before they see anything. */
void
server_pane_init(struct client *c)
{
	struct pane *p;

	TAILQ_INIT(&c->panes);
	c->prefix = 'b';
	p = server_pane_new(c, NULL);
	c->split = split_new(p);
	p->split = c->split;
	server_pane_focus(c, p);
}

void
server_pane_free_all(struct client *c)
{
	struct pane *p, *p1;

	TAILQ_FOREACH_SAFE (p, &c->panes, entry, p1)
		server_pane_free(c, p);
	split_free(c->split);
	c->split = NULL;
	c->pane = NULL;
	c->view = NULL;
}

/* Rows for panes (or an overlay): above the chat, status and presence. */
static unsigned
server_pane_rows(struct client *c)
{
	return render_overlay_height(server, c);
}

/* Put a pane where its leaf is (or nowhere), with its title row. */
static void
server_pane_place(struct client *c, struct pane *p, unsigned x, unsigned y,
    unsigned sx, unsigned sy, int hidden, int titled)
{
	unsigned tsx = p->tsx, tsy = p->tsy;

	p->x = x;
	p->y = y;
	p->sx = sx;
	p->sy = sy;
	p->hidden = hidden;
	p->tx = x;
	p->tsx = sx;
	p->ty = y + (titled ? 1 : 0);
	p->tsy = sy > (unsigned)titled ? sy - titled : 0;
	if ((p->tsx != tsx || p->tsy != tsy) && p->mode->resize != NULL)
		p->mode->resize(c, p);
}

/* Where everything is, for the screen c has now. */
void
server_pane_layout(struct client *c)
{
	struct pane *p;
	unsigned rows = server_pane_rows(c);
	int several = TAILQ_FIRST(&c->panes) != TAILQ_LAST(&c->panes, panes);

	if (c->zoomed || !several) {
		TAILQ_FOREACH (p, &c->panes, entry) {
			if (p != c->pane)
				server_pane_place(c, p, 0, 0, 0, 0, 1, 0);
		}
		server_pane_place(c, c->pane, 0, 0, c->cols, rows, 0, 0);
		return;
	}
	split_layout(c->split, 0, 0, c->cols, rows);
	TAILQ_FOREACH (p, &c->panes, entry) {
		server_pane_place(c, p, p->split->x, p->split->y, p->split->sx,
		    p->split->sy, p->split->hidden, 1);
	}
}

/* How many panes c has. */
static size_t
server_pane_count(const struct client *c)
{
	return split_count(c->split);
}

/* The layout changed: the journal keeps it (by key), and it is drawn. */
static void
server_pane_changed(struct client *c)
{
	server_pane_layout(c);
	server_pane_save(c);
	c->dirty = 1;
}

/* Split the focused pane: side by side (SPLIT_LEFTRIGHT) or one above the
 * other. The new pane shows the same place and is focused. */
void
server_pane_split(struct client *c, enum split_type type)
{
	struct pane *from = c->pane, *p;
	struct split *leaf;

	if (server_pane_count(c) >= SPLIT_MAX_PANES) {
		server_client_notice(c, "at most %d panes", SPLIT_MAX_PANES);
		return;
	}
	p = server_pane_new(c, from->view.doc);
	p->view = from->view;
	p->view.selecting = 0;
	leaf = split_add(&c->split, from->split, type, p);
	p->split = leaf;
	c->zoomed = 0;
	server_pane_layout(c);
	if (p->hidden) {
		/* No room: undone, and said. */
		c->split = split_remove(c->split, leaf);
		server_pane_free(c, p);
		server_pane_layout(c);
		server_client_notice(c, "no room for another pane here");
		return;
	}
	server_pane_focus(c, p);
	server_pane_changed(c);
}

/* Close the focused pane (never the last one). */
void
server_pane_close(struct client *c)
{
	struct pane *p = c->pane, *next;

	if (server_pane_count(c) == 1) {
		server_client_notice(
		    c, "this is your only pane (Ctrl-Q leaves the session)");
		return;
	}
	next = split_next(c->split, p->split)->pane;
	c->split = split_remove(c->split, p->split);
	if (c->view == &p->view)
		c->view = &next->view;
	server_pane_free(c, p);
	c->zoomed = 0;
	server_pane_focus(c, next);
	server_pane_changed(c);
}

/* Focus the pane next to the focused one in a direction. */
void
server_pane_select(struct client *c, enum split_dir dir)
{
	struct split *s;

	server_pane_layout(c);
	if (c->zoomed ||
	    (s = split_find(c->split, c->pane->split, dir)) == NULL) {
		server_client_notice(c, "no pane that way");
		return;
	}
	server_pane_focus(c, s->pane);
	server_pane_save(c);
}

/* Focus the next pane in reading order (from the last, the first). */
void
server_pane_next(struct client *c)
{
	struct split *s = c->pane->split;

	server_pane_layout(c);
	do
		s = split_next(c->split, s);
	while (s != c->pane->split && s->hidden);
	c->zoomed = 0;
	server_pane_focus(c, s->pane);
	server_pane_changed(c);
}

/* The focused pane alone on the screen, and back. */
void
server_pane_zoom(struct client *c)
{
	if (server_pane_count(c) == 1 && !c->zoomed) {
		server_client_notice(c, "only one pane: nothing to zoom");
		return;
	}
	c->zoomed = !c->zoomed;
	server_pane_changed(c);
}

/* Move the focused pane's edge a cell in a direction. */
void
server_pane_resize(struct client *c, enum split_dir dir)
{
	server_pane_layout(c);
	if (c->zoomed || split_resize(c->pane->split, dir, 1) == -1) {
		server_client_notice(c, "no pane edge to move that way");
		return;
	}
	server_pane_changed(c);
}

/*
 * The mouse on a border between panes: a press there takes hold of it,
 * a drag moves it (the layout is drawn as it goes), the release keeps it
 * in the journal. Returns 1 when the event was that, 0 for any other.
 */
int
server_pane_border_mouse(struct client *c, const struct key_event *k)
{
	struct split *s;
	struct pane *p;
	unsigned at;

	switch (k->mouse) {
	case KEYS_MOUSE_PRESS:
		c->border_drag = 0;
		if (k->button != KEYS_BUTTON_LEFT || c->zoomed ||
		    server_pane_count(c) < 2)
			return 0;
		server_pane_layout(c);
		if (split_border(c->split, k->x, k->y) == NULL)
			return 0;
		c->border_drag = 1;
		c->border_x = k->x;
		c->border_y = k->y;
		/* A title row is a border too: its pane is focused, as a
		 * click anywhere in a pane focuses it. */
		TAILQ_FOREACH (p, &c->panes, entry) {
			if (!p->hidden && p != c->pane && k->x >= p->x &&
			    k->x < p->x + p->sx && k->y >= p->y &&
			    k->y < p->y + p->sy)
				server_pane_focus(c, p);
		}
		return 1;
	case KEYS_MOUSE_DRAG:
		if (!c->border_drag)
			return 0;
		server_pane_layout(c);
		/* Gone (a pane closed, the screen resized): let go. */
		if (c->zoomed || (s = split_border(c->split, c->border_x,
		                      c->border_y)) == NULL) {
			c->border_drag = 0;
			return 1;
		}
		if (s->parent->type == SPLIT_LEFTRIGHT)
			at = k->x;
		else
			at = k->y;
		if (split_drag(s, at) == 0) {
			server_pane_layout(c);
			if (s->parent->type == SPLIT_LEFTRIGHT)
				c->border_x = s->x + s->sx;
			else
				c->border_y = TAILQ_NEXT(s, entry)->y;
			c->dirty = 1;
		}
		return 1;
	case KEYS_MOUSE_RELEASE:
		if (!c->border_drag)
			return 0;
		c->border_drag = 0;
		server_pane_changed(c);
		return 1;
	default:
		return 0;
	}
}

/* Show d in the focused pane (Ctrl-O, following, opening from a list); a
 * terminal pane becomes a document pane. */
void
server_pane_show(struct client *c, struct doc *d)
{
	if (c->pane->mode != &server_pane_doc_mode) {
		c->pane->mode->free(c->pane);
		c->pane->mode = &server_pane_doc_mode;
		c->pane->term = NULL;
	}
	view_set_doc(&c->pane->view, d);
	c->view = &c->pane->view;
	server_pane_save(c);
}

/* Show terminal t in the focused pane (it keeps the view it had, as the
 * document view keys go to once a document pane is focused again). */
void
server_pane_show_term(struct client *c, struct server_term *t)
{
	struct pane *p = c->pane;

	p->mode->free(p);
	p->mode = &server_term_mode;
	p->term = t;
	p->term_name = xstrdup(t->name);
	c->dirty = 1;
	server_pane_save(c);
}

/* The views of d follow an op (from: the view it came from, whose cursor
 * goes after what it typed; NULL for none), also those terminal panes
 * keep. */
void
server_pane_shift(struct client *c, struct doc *d, const struct op *op,
    const struct view *from)
{
	struct pane *p;

	TAILQ_FOREACH (p, &c->panes, entry) {
		if (p->view.doc == d)
			view_shift(&p->view, op, &p->view == from);
	}
}

/* A document goes: panes showing it show another (d2, never NULL). */
void
server_pane_replace_doc(struct client *c, struct doc *d, struct doc *d2)
{
	struct pane *p;

	TAILQ_FOREACH (p, &c->panes, entry) {
		if (p->view.doc == d)
			view_set_doc(&p->view, d2);
	}
}

/*
 * The journal keeps each person's layout under the named value
 * "panes:KEY": the tree (split_save), then one line per pane in reading
 * order, "doc CURSOR TOP LEFT N PATH" (N: the path's length in bytes),
 * and last "focus I zoom Z" (I the focused pane's place in that order).
 */
void
server_pane_save(struct client *c)
{
	struct split *s;
	struct pane *p;
	struct person *person;
	char *tree, *text, *more, *name;
	const char *path;
	size_t i = 0, focus = 0;

	if (server->journal == NULL || server->replaying || c->key == NULL ||
	    *c->key == '\0' || !c->ready)
		return;
	tree = split_save(c->split);
	xasprintf(&text, "%s\n", tree);
	free(tree);
	s = split_first(c->split);
	do {
		p = s->pane;
		if (p == c->pane)
			focus = i;
		path = p->view.doc != NULL ? p->view.doc->path : "";
		if (p->mode == &server_term_mode)
			xasprintf(&more, "%sterm %zu %s\n", text,
			    strlen(p->term_name), p->term_name);
		else
			xasprintf(&more, "%sdoc %zu %zu %zu %zu %s\n", text,
			    p->view.cursor, p->view.top, p->view.left,
			    strlen(path), path);
		free(text);
		text = more;
		i++;
	} while ((s = split_next(c->split, s)) != split_first(c->split));
	xasprintf(&more, "%sfocus %zu zoom %d\n", text, focus, c->zoomed);
	free(text);
	if ((person = server_person_find(c->key)) != NULL) {
		free(person->panes);
		person->panes = xstrdup(more);
	}
	xasprintf(&name, "panes:%s", c->key);
	journal_set(server->journal, name, more);
	free(name);
	free(more);
}

/* c's prefix key is Ctrl-letter from now on, for every connection of
 * theirs and after a restart. */
void
server_pane_prefix(struct client *c, uint32_t letter)
{
	struct person *person;
	struct client *o;
	char *name, value[2];

	TAILQ_FOREACH (o, &server->clients, entry) {
		if (o->key != NULL && c->key != NULL &&
		    strcmp(o->key, c->key) == 0)
			o->prefix = letter;
	}
	c->prefix = letter;
	if (c->key == NULL || *c->key == '\0')
		return;
	if ((person = server_person_find(c->key)) != NULL)
		person->prefix = letter;
	if (server->journal != NULL) {
		xasprintf(&name, "prefix:%s", c->key);
		value[0] = (char)letter;
		value[1] = '\0';
		journal_set(server->journal, name, value);
		free(name);
	}
}

/* Entering: the prefix and layout c had (by key), if any. */
void
server_pane_enter(struct client *c)
{
	struct person *person;

	if (c->key == NULL || (person = server_person_find(c->key)) == NULL)
		return;
	if (person->prefix != 0)
		c->prefix = person->prefix;
	if (person->panes != NULL && server_pane_restore(c, person->panes) != 0)
		log_warn("client %u: the layout kept for %s could not be read",
		    c->id, c->name);
}

/* Recovery: a named value of the journal that is a person's ("panes:KEY",
 * "prefix:KEY"). */
void
server_pane_recover(const char *key, const char *value)
{
	struct person *person;
	const char *who;
	int prefix = strncmp(key, "prefix:", 7) == 0;

	who = key + (prefix ? 7 : 6);
	if (*who == '\0')
		return;
	if ((person = server_person_find(who)) == NULL) {
		server_person_set(who, who, "");
		if ((person = server_person_find(who)) == NULL)
			return;
	}
	if (prefix) {
		if (value[0] >= 'a' && value[0] <= 'z' && value[1] == '\0' &&
		    strchr(SERVER_EDITOR_CTRL_KEYS, value[0]) == NULL)
			person->prefix = (unsigned char)value[0];
	} else {
		free(person->panes);
		person->panes = *value != '\0' ? xstrdup(value) : NULL;
	}
}

/* A saved terminal pane: "term N NAME\n"; 0 if not. */
static int
server_pane_parse_term(const char **s, char **name)
{
	const char *p = *s;
	unsigned long n;
	char *end;

	if (strncmp(p, "term ", 5) != 0 || p[5] < '1' || p[5] > '9')
		return 0;
	n = strtoul(p + 5, &end, 10);
	if (*end != ' ' || n > SERVER_TERM_NAME_MAX ||
	    strnlen(end + 1, n) != n || end[1 + n] != '\n')
		return 0;
	*name = xstrndup(end + 1, n);
	if (strspn(*name, SERVER_TERM_NAME_CHARS) != n) {
		free(*name);
		return 0;
	}
	*s = end + 1 + n + 1;
	return 1;
}

/* A saved pane line: "doc CURSOR TOP LEFT N PATH\n"; 0 if not. */
static int
server_pane_parse_doc(
    const char **s, size_t *cursor, size_t *top, size_t *left, char **path)
{
	unsigned long long v[4];
	const char *p = *s;
	char *end;
	int i;

	if (strncmp(p, "doc ", 4) != 0)
		return 0;
	p += 4;
	for (i = 0; i < 4; i++) {
		if (*p < '0' || *p > '9')
			return 0;
		v[i] = strtoull(p, &end, 10);
		if (*end != ' ')
			return 0;
		p = end + 1;
	}
	if (v[3] > 4096 || strnlen(p, v[3]) != v[3] || p[v[3]] != '\n' ||
	    memchr(p, '\n', v[3]) != NULL)
		return 0;
	*cursor = v[0];
	*top = v[1];
	*left = v[2];
	*path = xstrndup(p, v[3]);
	*s = p + v[3] + 1;
	return 1;
}

/*
 * Bring back c's layout from the journal's text (on entering): the same
 * tree, each pane on its document at its place where that document can
 * still be opened (else on the document c starts on). 0 if it was, -1 if
 * the text could not be read (c keeps the one pane they have).
 */
int
server_pane_restore(struct client *c, const char *text)
{
	const char *s = text, *nl;
	struct pane **panes = NULL, *p;
	struct server_term *t;
	struct split *root;
	struct doc *d;
	size_t n = 0, i, cursor, top, left, focus = 0, len;
	char *tree, *path, *err = NULL;
	int count, zoom = 0;
	struct view first = *c->view;

	if ((nl = strchr(s, '\n')) == NULL)
		return -1;
	tree = xstrndup(s, nl - s);
	s = nl + 1;
	if ((count = split_load_count(tree)) <= 0) {
		free(tree);
		return -1;
	}
	panes = xcalloc(count, sizeof *panes);
	for (i = 0; i < (size_t)count; i++) {
		if (server_pane_parse_term(&s, &path)) {
			/* The terminal if it still runs (a reconnect), else
			 * a pane saying it ended. */
			p = server_pane_new(c, c->view->doc);
			p->mode = &server_term_mode;
			p->term_name = path;
			TAILQ_FOREACH (t, &server->terms, entry) {
				if (strcmp(t->name, path) == 0)
					p->term = t;
			}
			panes[n++] = p;
			continue;
		}
		if (!server_pane_parse_doc(&s, &cursor, &top, &left, &path))
			goto bad;
		d = *path != '\0' ? doc_open(path, &err) : NULL;
		free(err);
		err = NULL;
		free(path);
		if (d == NULL)
			d = c->view->doc;
		p = server_pane_new(c, d);
		/* Within the text, at the start of a character. */
		len = buffer_length(d->buf);
		if (cursor > len)
			cursor = len;
		while (cursor > 0 && cursor < len &&
		       (buffer_byte(d->buf, cursor) & 0xc0) == 0x80)
			cursor--;
		p->view.cursor = cursor;
		p->view.goal = view_col(&p->view);
		p->view.top = top < buffer_lines(d->buf) ? top : 0;
		p->view.left = left;
		panes[n++] = p;
	}
	if (sscanf(s, "focus %zu zoom %d", &focus, &zoom) != 2 || focus >= n)
		goto bad;
	if ((root = split_load(tree, (void **)panes, n)) == NULL)
		goto bad;
	free(tree);
	/* The new ones in place of the first. */
	p = TAILQ_FIRST(&c->panes);
	TAILQ_REMOVE(&c->panes, p, entry);
	p->mode->free(p);
	free(p);
	split_free(c->split);
	c->split = root;
	for (i = 0; i < n; i++) {
		for (root = split_first(c->split); root->pane != panes[i];
		     root = split_next(c->split, root))
			;
		panes[i]->split = root;
	}
	c->zoomed = zoom != 0;
	/* The place the journal keeps for their focused view (its cursor,
	 * written on every move) is newer than the layout's. */
	if (panes[focus]->view.doc == first.doc)
		panes[focus]->view = first;
	server_pane_focus(c, panes[focus]);
	free(panes);
	server_pane_layout(c);
	return 0;
bad:
	free(tree);
	for (i = 0; i < n; i++)
		server_pane_free(c, panes[i]);
	free(panes);
	return -1;
}

/* The keys after the prefix (tmux's): one row each. */
struct server_pane_key {
	uint16_t code; /* enum keyc */
	uint32_t cp;   /* KEYC_CHAR: the character; 0 otherwise */
	uint8_t mods;  /* KEYC_MOD_CTRL for Ctrl-arrows */
	void (*fn)(struct client *, const struct key_event *);
	const char *help;
};

static void
server_pane_key_split_lr(struct client *c, const struct key_event *k)
{
	server_pane_split(c, SPLIT_LEFTRIGHT);
}

static void
server_pane_key_split_tb(struct client *c, const struct key_event *k)
{
	server_pane_split(c, SPLIT_TOPBOTTOM);
}

static enum split_dir
server_pane_dir(const struct key_event *k)
{
	switch (k->code) {
	case KEYC_LEFT:
		return SPLIT_LEFT;
	case KEYC_RIGHT:
		return SPLIT_RIGHT;
	case KEYC_UP:
		return SPLIT_UP;
	default:
		return SPLIT_DOWN;
	}
}

static void
server_pane_key_select(struct client *c, const struct key_event *k)
{
	if (k->mods & KEYC_MOD_CTRL)
		server_pane_resize(c, server_pane_dir(k));
	else
		server_pane_select(c, server_pane_dir(k));
}

static void
server_pane_key_next(struct client *c, const struct key_event *k)
{
	server_pane_next(c);
}

static void
server_pane_key_close(struct client *c, const struct key_event *k)
{
	server_pane_close(c);
}

static void
server_pane_key_zoom(struct client *c, const struct key_event *k)
{
	server_pane_zoom(c);
}

static void
server_pane_key_detach(struct client *c, const struct key_event *k)
{
	server_client_detach(c);
}

static void
server_pane_key_palette(struct client *c, const struct key_event *k)
{
	server_client_palette(c);
}

/* [: browse a terminal's scrollback (a page back to start with). */
static void
server_pane_key_scrollback(struct client *c, const struct key_event *k)
{
	if (c->pane->mode != &server_term_mode) {
		server_client_notice(c, "the scrollback is a terminal's");
		return;
	}
	server_term_copy_enter(c, c->pane);
}

static const struct server_pane_key server_pane_keys[] = {
    {KEYC_CHAR, '%', 0, server_pane_key_split_lr, "split left/right"},
    {KEYC_CHAR, '"', 0, server_pane_key_split_tb, "split top/bottom"},
    {KEYC_LEFT, 0, 0, server_pane_key_select, "focus the pane left"},
    {KEYC_RIGHT, 0, 0, server_pane_key_select, "focus the pane right"},
    {KEYC_UP, 0, 0, server_pane_key_select, "focus the pane above"},
    {KEYC_DOWN, 0, 0, server_pane_key_select, "focus the pane below"},
    {KEYC_CHAR, 'o', 0, server_pane_key_next, "focus the next pane"},
    {KEYC_CHAR, 'x', 0, server_pane_key_close, "close the pane"},
    {KEYC_CHAR, 'z', 0, server_pane_key_zoom, "zoom the pane, and back"},
    {KEYC_CHAR, 'd', 0, server_pane_key_detach, "detach (moot attach)"},
    {KEYC_CHAR, ':', 0, server_pane_key_palette, "the palette"},
    {KEYC_CHAR, '[', 0, server_pane_key_scrollback, "copy mode"},
};

/* The key after the prefix. 1 if it was a pane key (or the prefix again,
 * which is for the pane itself: returned 0 with *literal set). */
int
server_pane_key(struct client *c, const struct key_event *k, int *literal)
{
	const struct server_pane_key *row;
	size_t i;

	*literal = 0;
	c->prefixed = 0;
	c->dirty = 1;
	if (k->code == KEYC_CTRL && k->cp == c->prefix) {
		*literal = 1;
		return 0;
	}
	for (i = 0; i < sizeof server_pane_keys / sizeof *row; i++) {
		row = &server_pane_keys[i];
		if (row->code != k->code || (row->cp != 0 && row->cp != k->cp))
			continue;
		row->fn(c, k);
		return 1;
	}
	server_client_notice(c,
	    "Ctrl-%c then: %% \" split, arrows focus, o next, x close, z "
	    "zoom, Ctrl-arrows resize, Ctrl-%c itself",
	    c->prefix - 'a' + 'A', c->prefix - 'a' + 'A');
	return 1;
}
