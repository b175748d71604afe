/* server-client.c: one person, as the daemon sees them through their
 * frontend: messages in, keys turned into ops and moves, frames out. */
#include "moot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffer.h"
#include "frontend.h"
#include "loop.h"
#include "proto.h"
#include "repo.h"
#include "server.h"
#include "utf8.h"

#define CLIENT_READ_MAX (1024 * 1024) /* unread input we hold per client */

struct client *
server_client_create(int fd, pid_t pid)
{
	struct client *c = xcalloc(1, sizeof *c);

	c->id = ++server->next_id;
	c->fd = fd;
	c->pid = pid;
	bytes_init(&c->in);
	bytes_init(&c->out);
	TAILQ_INSERT_TAIL(&server->clients, c, entry);
	return c;
}

void
server_client_free(struct client *c)
{
	close(c->fd);
	bytes_free(&c->in);
	bytes_free(&c->out);
	picker_free(&c->picker);
	frame_free(c->sent);
	free(c->name);
	free(c->email);
	free(c->user);
	free(c->key);
	free(c->notice);
	free(c);
}

/* Write what is queued; returns -1 if the client is gone. */
int
server_client_flush(struct client *c)
{
	ssize_t n;

	while (bytes_len(&c->out) > 0) {
		n = write(c->fd, bytes_ptr(&c->out), bytes_len(&c->out));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0)
			return -1;
		bytes_drain(&c->out, n);
	}
	loop_set(server->loop, c->fd,
	    LOOP_READ | (bytes_len(&c->out) > 0 ? LOOP_WRITE : 0));
	return 0;
}

static void
server_client_send(struct client *c, const struct proto_msg *m)
{
	proto_put(&c->out, m);
	server_client_flush(c);
}

static void
server_client_bye(struct client *c, const char *why)
{
	struct proto_msg m;

	memset(&m, 0, sizeof m);
	m.type = PROTO_BYE;
	m.u.bye = (char *)why;
	server_client_send(c, &m);
	c->closing = 1;
}

static void
server_client_open_first(struct client *c)
{
	struct doc *d = NULL;
	char *first, *err = NULL;

	if ((first = repo_first_file(server->repo)) != NULL) {
		d = doc_open(first, &err);
		if (d == NULL) {
			server_client_notice(c, "%s", err);
			free(err);
		}
		free(first);
	}
	if (d == NULL)
		d = doc_scratch();
	view_set_doc(&c->view, d);
}

static void
server_client_hello(struct client *c, struct proto_hello *h)
{
	struct client *o;
	struct proto_msg m;
	int taken[MOOT_NCOLOURS * 4], ntaken = 0;

	if (c->ready) {
		server_client_bye(c, "protocol error: second HELLO");
		return;
	}
	if (h->version != PROTO_VERSION) {
		server_client_bye(c, "this moot frontend speaks another "
		                     "protocol version; restart moot serve");
		return;
	}
	c->name = *h->name != '\0' ? xstrdup(h->name) : xstrdup(h->user);
	c->email = xstrdup(h->email);
	c->user = xstrdup(h->user);
	c->key = xstrdup(h->key);
	c->cols = h->cols;
	c->rows = h->rows;
	c->colours = h->colours;
	TAILQ_FOREACH (o, &server->clients, entry) {
		if (o->ready && ntaken < (int)(sizeof taken / sizeof taken[0]))
			taken[ntaken++] = o->colour;
	}
	c->colour = colour_for_key(c->key, taken, ntaken);
	server_client_open_first(c);
	c->ready = 1;

	memset(&m, 0, sizeof m);
	m.type = PROTO_WELCOME;
	m.u.welcome = PROTO_VERSION;
	server_client_send(c, &m);

	log_info("client %u: %s <%s> joined (key %s, %ux%u, %s)", c->id,
	    c->name, c->email, c->key, c->cols, c->rows, h->term);
	server_notice("%s joined", c->name);
	/* The others see "NAME joined"; the newcomer sees who they are. */
	if (*h->notice != '\0')
		server_client_notice(c, "%s", h->notice);
	else
		server_client_notice(c, "welcome, %s", c->name);
}

static void
server_client_insert(struct client *c, const char *s, size_t len)
{
	struct op op;

	memset(&op, 0, sizeof op);
	op.doc = c->view.doc;
	op.author = c;
	op.pos = c->view.cursor;
	op.ins = s;
	op.ins_len = len;
	doc_apply(&op);
}

static void
server_client_delete(struct client *c, size_t from, size_t to)
{
	struct op op;
	char *gone;

	if (to <= from)
		return;
	gone = xmalloc(to - from);
	buffer_copy(c->view.doc->buf, from, to - from, gone);
	memset(&op, 0, sizeof op);
	op.doc = c->view.doc;
	op.author = c;
	op.pos = from;
	op.del = gone;
	op.del_len = to - from;
	doc_apply(&op);
	free(gone);
}

static void
server_client_save(struct client *c)
{
	char *err = NULL;

	if (doc_save(c->view.doc, &err) == -1) {
		server_client_notice(c, "%s", err);
		free(err);
		return;
	}
	log_info("client %u: %s saved %s", c->id, c->name, c->view.doc->path);
	server_notice("saved by %s", c->name);
}

static void
server_client_open_picker(struct client *c)
{
	char **files;
	size_t n;

	files = repo_files(server->repo, &n);
	picker_open(&c->picker, files, n);
	c->mode = CLIENT_PICKER;
}

static void
server_client_picker_key(struct client *c, const struct key_event *k)
{
	struct picker *p = &c->picker;
	const char *path;
	struct doc *d;
	char *err = NULL, utf8[4];
	size_t len, shown = c->rows > 3 ? c->rows - 3 : 1;

	switch (k->code) {
	case KEYC_ESC:
		picker_free(p);
		c->mode = CLIENT_EDIT;
		break;
	case KEYC_CTRL:
		if (k->cp == 'o' || k->cp == 'g' || k->cp == 'c') {
			picker_free(p);
			c->mode = CLIENT_EDIT;
		}
		break;
	case KEYC_CHAR:
		if ((len = utf8_encode(k->cp, utf8)) > 0)
			picker_type(p, utf8, len);
		break;
	case KEYC_BACKSPACE:
		picker_backspace(p);
		break;
	case KEYC_UP:
		picker_move(p, -1);
		break;
	case KEYC_DOWN:
	case KEYC_TAB:
		picker_move(p, 1);
		break;
	case KEYC_PGUP:
		picker_move(p, -(int)shown);
		break;
	case KEYC_PGDN:
		picker_move(p, (int)shown);
		break;
	case KEYC_ENTER:
		if ((path = picker_selected(p)) == NULL)
			break;
		if ((d = doc_open(path, &err)) == NULL) {
			server_client_notice(c, "%s", err);
			free(err);
			break;
		}
		view_set_doc(&c->view, d);
		picker_free(p);
		c->mode = CLIENT_EDIT;
		break;
	default:
		break;
	}
	/* Keep the chosen entry on screen. */
	if (p->sel < p->top)
		p->top = p->sel;
	else if (p->sel >= p->top + shown)
		p->top = p->sel - shown + 1;
}

static void
server_client_edit_key(struct client *c, const struct key_event *k)
{
	struct view *v = &c->view;
	size_t page = c->rows > 3 ? c->rows - 3 : 1, len;
	char utf8[4];

	switch (k->code) {
	case KEYC_CHAR:
		if ((len = utf8_encode(k->cp, utf8)) > 0)
			server_client_insert(c, utf8, len);
		break;
	case KEYC_ENTER:
		server_client_insert(c, "\n", 1);
		break;
	case KEYC_TAB:
		server_client_insert(c, "\t", 1);
		break;
	case KEYC_BACKSPACE:
		server_client_delete(c, view_prev_unit(v), v->cursor);
		break;
	case KEYC_DELETE:
		server_client_delete(c, v->cursor, view_next_unit(v));
		break;
	case KEYC_LEFT:
		view_move_left(v);
		break;
	case KEYC_RIGHT:
		view_move_right(v);
		break;
	case KEYC_UP:
		view_move_up(v, 1);
		break;
	case KEYC_DOWN:
		view_move_down(v, 1);
		break;
	case KEYC_HOME:
		view_move_home(v);
		break;
	case KEYC_END:
		view_move_end(v);
		break;
	case KEYC_PGUP:
		view_move_up(v, page);
		v->top = v->top > page ? v->top - page : 0;
		break;
	case KEYC_PGDN:
		view_move_down(v, page);
		if (v->top + page < buffer_lines(v->doc->buf))
			v->top += page;
		break;
	case KEYC_CTRL:
		switch (k->cp) {
		case 's':
			server_client_save(c);
			break;
		case 'o':
			server_client_open_picker(c);
			break;
		}
		break;
	default:
		break;
	}
}

void
server_client_key(struct client *c, const struct key_event *k)
{
	if (k->code == KEYC_CTRL && k->cp == 'q') {
		log_info("client %u: %s left", c->id, c->name);
		server_client_bye(c, "");
		server_notice("%s left", c->name);
		return;
	}
	/* Too small to see what one does: only leaving works. */
	if (c->cols < SERVER_MIN_COLS || c->rows < SERVER_MIN_ROWS)
		return;
	if (c->mode == CLIENT_PICKER)
		server_client_picker_key(c, k);
	else
		server_client_edit_key(c, k);
	server_redraw_all();
}

static void
server_client_message(struct client *c, struct proto_msg *m)
{
	struct key_event k;

	if (!c->ready && m->type != PROTO_HELLO && m->type != PROTO_BYE) {
		server_client_bye(c, "protocol error: HELLO expected");
		return;
	}
	if (c->closing && m->type != PROTO_ACK)
		return; /* leaving: nothing more to do for them */
	switch (m->type) {
	case PROTO_HELLO:
		server_client_hello(c, &m->u.hello);
		break;
	case PROTO_KEY:
		k.code = m->u.key.code;
		k.mods = m->u.key.mods;
		k.cp = m->u.key.cp;
		server_client_key(c, &k);
		break;
	case PROTO_RESIZE:
		c->cols = m->u.resize.cols;
		c->rows = m->u.resize.rows;
		c->gen = m->u.resize.gen;
		frame_free(c->sent); /* the frontend starts from blanks */
		c->sent = NULL;
		c->dirty = 1;
		break;
	case PROTO_ACK:
		c->acked = m->u.ack;
		if (c->stalled && c->acked == c->seq) {
			c->stalled = 0;
			log_info("client %u (%s): caught up", c->id, c->name);
		}
		break;
	case PROTO_BYE:
		c->closing = 1;
		break;
	default:
		server_client_bye(c, "protocol error: unexpected message");
		break;
	}
}

void
server_client_read(struct client *c)
{
	struct proto_msg m;
	const char *err;
	uint8_t *p;
	ssize_t n;
	size_t used;
	int rc;

	p = bytes_reserve(&c->in, 65536);
	n = read(c->fd, p, 65536);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		server_client_lost(c);
		return;
	}
	bytes_commit(&c->in, n);

	for (;;) {
		rc = proto_get(
		    bytes_ptr(&c->in), bytes_len(&c->in), &m, &used, &err);
		if (rc == 0)
			break;
		if (rc == -1) {
			log_warn("client %u: bad message: %s", c->id, err);
			server_client_lost(c);
			return;
		}
		bytes_drain(&c->in, used);
		server_client_message(c, &m);
		proto_msg_free(&m);
	}
	if (bytes_len(&c->in) > CLIENT_READ_MAX) {
		log_warn("client %u: too much unread input", c->id);
		server_client_lost(c);
	}
}
