/* test-hold.c: unit tests of holding edits back while the journal cannot be
 * written (hold.c): a document and two people built by hand, real ops. */
#include "moot.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buffer.h"
#include "journal.h"
#include "server.h"

struct fixture {
	char *dir;
	char *path; /* the journal */
	struct doc *doc;
	struct client *a;
	struct client *b;
};

static struct client *
person(unsigned id, const char *key, struct doc *d)
{
	struct client *c = xcalloc(1, sizeof *c);

	server_pane_init(c);
	c->id = id;
	c->key = xstrdup(key);
	c->ready = 1;
	c->cols = 80;
	c->rows = 24;
	view_set_doc(c->view, d);
	TAILQ_INSERT_TAIL(&server->clients, c, entry);
	return c;
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	const char *text = "hello world\n", *tmp;
	char *err = NULL;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	xasprintf(&f->dir, "%s/test-hold-XXXXXX", tmp);
	if (mkdtemp(f->dir) == NULL)
		fail_msg("mkdtemp %s", f->dir);
	xasprintf(&f->path, "%s/journal.db", f->dir);

	server = xcalloc(1, sizeof *server);
	TAILQ_INIT(&server->docs);
	TAILQ_INIT(&server->clients);
	TAILQ_INIT(&server->places);
	TAILQ_INIT(&server->editors);
	TAILQ_INIT(&server->saved);
	if ((server->journal = journal_open(f->path, 0, &err)) == NULL)
		fail_msg("journal_open: %s", err);

	f->doc = xcalloc(1, sizeof *f->doc);
	f->doc->path = xstrdup("a.txt");
	f->doc->buf = buffer_from(text, strlen(text));
	f->doc->mode = 0644;
	TAILQ_INIT(&f->doc->histories);
	TAILQ_INSERT_TAIL(&server->docs, f->doc, entry);
	f->a = person(1, "ka", f->doc);
	f->b = person(2, "kb", f->doc);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct client *c;
	struct editor *e;
	struct place *p;
	char *side;

	hold_clear();
	while ((c = TAILQ_FIRST(&server->clients)) != NULL) {
		TAILQ_REMOVE(&server->clients, c, entry);
		free(c->key);
		server_pane_free_all(c);
		free(c);
	}
	while ((e = TAILQ_FIRST(&server->editors)) != NULL) {
		TAILQ_REMOVE(&server->editors, e, entry);
		free(e->path);
		free(e->author);
		free(e);
	}
	while ((p = TAILQ_FIRST(&server->places)) != NULL) {
		TAILQ_REMOVE(&server->places, p, entry);
		free(p->key);
		free(p->path);
		free(p);
	}
	if (TAILQ_FIRST(&server->docs) != NULL)
		doc_free(TAILQ_FIRST(&server->docs));
	journal_close(server->journal);
	free(server->notice);
	free(server);
	server = NULL;

	unlink(f->path);
	xasprintf(&side, "%s-wal", f->path);
	unlink(side);
	free(side);
	xasprintf(&side, "%s-shm", f->path);
	unlink(side);
	free(side);
	rmdir(f->dir);
	free(f->path);
	free(f->dir);
	free(f);
	return 0;
}

static void
assert_text(struct doc *d, const char *want)
{
	char *text;
	size_t len;

	text = buffer_contents(d->buf, &len);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(text, want, len);
	free(text);
}

/* c types s at pos, as one undo group. */
static void
type_at(struct client *c, size_t pos, const char *s)
{
	c->view->cursor = pos;
	server_client_replace(c, pos, pos, s, strlen(s), 1);
}

static void
undo(struct client *c, int redo)
{
	size_t where;

	assert_int_equal(doc_undo(c->view->doc, c, c->key, redo, &where), 1);
	c->view->cursor = where;
}

/*
 * Ops since the last write come out of the text, newest first, cursors
 * following; they go back in order; and the undo histories, told nothing,
 * are right about the text again.
 */
static void
test_out_and_back(void **state)
{
	struct fixture *f = *state;

	type_at(f->a, 0, "X");
	hold_clear(); /* written */

	type_at(f->a, 1, "abc");
	f->b->view->cursor = 10;
	server_client_replace(f->b, 10, 15, NULL, 0, 1); /* "world" */
	assert_text(f->doc, "Xabchello \n");
	assert_int_equal(f->a->view->cursor, 4);
	assert_int_equal(f->b->view->cursor, 10);
	assert_true(f->doc->modified);
	f->a->last_edit = 1; /* she is in the middle of a group */

	hold_take_out();
	assert_true(hold_held());
	assert_text(f->doc, "Xhello world\n");
	assert_int_equal(f->a->view->cursor, 1); /* where her text was */
	assert_int_equal(f->b->view->cursor, 7); /* before "world" */
	assert_int_equal(f->a->last_edit, 0);    /* a new group next */
	assert_true(f->doc->modified);

	hold_put_back();
	assert_false(hold_held());
	assert_text(f->doc, "Xabchello \n");
	assert_int_equal(f->a->view->cursor, 4); /* after her text again */
	assert_int_equal(f->b->view->cursor, 10);

	/* Each person's undo still takes back exactly their own. */
	undo(f->a, 0);
	assert_text(f->doc, "Xhello \n");
	undo(f->b, 0);
	assert_text(f->doc, "Xhello world\n");
	undo(f->a, 0);
	assert_text(f->doc, "hello world\n");
	undo(f->a, 1);
	assert_text(f->doc, "Xhello world\n");
}

/* Moves while the ops are out: cursors follow when they go back, and a
 * cursor moved away from where its owner's text was is not pulled back. */
static void
test_moves_while_held(void **state)
{
	struct fixture *f = *state;
	struct place *p;

	type_at(f->a, 6, "big ");
	assert_text(f->doc, "hello big world\n");
	server_place_set("kc", "a.txt", 12); /* someone who left, in "world" */
	hold_take_out();
	assert_text(f->doc, "hello world\n");
	p = server_place_find("kc");
	assert_int_equal(p->pos, 8);

	f->a->view->cursor = 0;
	f->b->view->cursor = 12; /* the end */
	f->b->view->selecting = 1;
	f->b->view->anchor = 6;
	hold_put_back();
	assert_text(f->doc, "hello big world\n");
	assert_int_equal(f->a->view->cursor, 0);
	assert_int_equal(f->b->view->cursor, 16);
	assert_int_equal(f->b->view->anchor, 6); /* at the insertion point */
	assert_int_equal(p->pos, 12);
}

/* An undo in the same pass: its derived ops are held like any other. */
static void
test_undo_held(void **state)
{
	struct fixture *f = *state;

	type_at(f->a, 0, "abc");
	hold_clear();
	type_at(f->a, 3, "def");
	undo(f->a, 0);
	assert_text(f->doc, "abchello world\n");
	hold_take_out();
	assert_text(f->doc, "abchello world\n");
	hold_put_back();
	assert_text(f->doc, "abchello world\n");
	undo(f->a, 1);
	assert_text(f->doc, "abcdefhello world\n");
	undo(f->a, 0);
	undo(f->a, 0);
	assert_text(f->doc, "hello world\n");
}

/* A document that goes away takes its held ops with it. */
static void
test_forget(void **state)
{
	struct fixture *f = *state;

	type_at(f->a, 0, "abc");
	hold_take_out();
	assert_true(hold_held());
	f->a->view->doc = f->b->view->doc = NULL;
	doc_free(f->doc);
	assert_false(hold_held());
	hold_put_back();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_out_and_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_moves_while_held, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_undo_held, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forget, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
