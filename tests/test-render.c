/* test-render.c: unit tests of the frame renderer and of cursor shifting.
 * Builds daemon state by hand and checks the frame each person gets. */
#include "moot.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buffer.h"
#include "frame.h"
#include "server.h"

static struct doc *
test_doc(const char *path, const char *text)
{
	struct doc *d = xcalloc(1, sizeof *d);

	d->path = xstrdup(path);
	d->buf = buffer_from(text, strlen(text));
	d->mode = 0644;
	TAILQ_INSERT_TAIL(&server->docs, d, entry);
	return d;
}

static struct client *
test_client(
    const char *name, int colour, struct doc *d, unsigned cols, unsigned rows)
{
	struct client *c = xcalloc(1, sizeof *c);

	c->name = xstrdup(name);
	c->colour = colour;
	c->ready = 1;
	c->cols = cols;
	c->rows = rows;
	view_set_doc(&c->view, d);
	TAILQ_INSERT_TAIL(&server->clients, c, entry);
	return c;
}

static int
setup(void **state)
{
	server = xcalloc(1, sizeof *server);
	TAILQ_INIT(&server->docs);
	TAILQ_INIT(&server->clients);
	return 0;
}

static int
teardown(void **state)
{
	struct client *c, *c1;
	struct doc *d, *d1;

	TAILQ_FOREACH_SAFE (c, &server->clients, entry, c1) {
		free(c->name);
		free(c);
	}
	TAILQ_FOREACH_SAFE (d, &server->docs, entry, d1) {
		buffer_free(d->buf);
		free(d->path);
		free(d);
	}
	free(server);
	server = NULL;
	return 0;
}

/* Row y of a frame as text, trailing blanks removed. */
static char *
row_text(const struct frame *f, unsigned y)
{
	char *all = frame_text(f), *p = all, *nl, *row;
	unsigned i;
	size_t len;

	for (i = 0; i < y; i++)
		p = strchr(p, '\n') + 1;
	nl = strchr(p, '\n');
	len = nl != NULL ? (size_t)(nl - p) : strlen(p);
	while (len > 0 && p[len - 1] == ' ')
		len--;
	row = xstrndup(p, len);
	free(all);
	return row;
}

static void
assert_row(const struct frame *f, unsigned y, const char *want)
{
	char *got = row_text(f, y);

	assert_string_equal(got, want);
	free(got);
}

static void
test_text_status_presence(void **state)
{
	struct doc *d = test_doc("README.md", "hello\nworld\n");
	struct client *a = test_client("Alice", 1, d, 40, 6);
	struct client *b = test_client("Bob", 2, d, 40, 6);
	struct frame *f = frame_create(40, 6);

	b->view.cursor = 8; /* "wo|rld" */
	render_client(server, a, f);
	assert_row(f, 0, "hello");
	assert_row(f, 1, "world");
	assert_row(f, 2, "");
	assert_row(f, 4, " README.md  1:1");
	assert_row(f, 5, "Alice README.md:1  Bob README.md:2");
	/* Bob's cursor: his colour behind the 'r' of world. */
	assert_int_equal(frame_cell(f, 2, 1)->bg, 2);
	assert_int_equal(frame_cell(f, 2, 1)->ch, 'r');
	assert_int_equal(frame_cell(f, 1, 1)->bg, 0);
	/* My own cursor is the terminal cursor, not a coloured cell. */
	assert_int_equal(frame_cell(f, 0, 0)->bg, 0);
	assert_int_equal(f->cx, 0);
	assert_int_equal(f->cy, 0);
	assert_true(f->cursor_visible);
	/* Names are in their colours; the status line is reverse video. */
	assert_int_equal(frame_cell(f, 0, 5)->fg, 1);
	assert_int_equal(frame_cell(f, 19, 5)->fg, 2);
	assert_true(frame_cell(f, 0, 4)->attr & CELL_REVERSE);

	d->modified = 1;
	render_client(server, b, f);
	assert_row(f, 4, " README.md [+]  2:3");
	assert_int_equal(f->cx, 2);
	assert_int_equal(f->cy, 1);
	assert_int_equal(frame_cell(f, 0, 0)->bg, 1);
	frame_free(f);
}

static void
test_too_small(void **state)
{
	struct doc *d = test_doc("a", "x\n");
	struct client *a = test_client("Alice", 1, d, 19, 5);
	struct frame *f = frame_create(19, 5);

	render_client(server, a, f);
	assert_row(f, 0, "terminal too small");
	assert_row(f, 1, "19x5, need 20x5");
	assert_false(f->cursor_visible);
	frame_free(f);
}

static void
test_inert_and_wide(void **state)
{
	struct doc *d =
	    test_doc("u.txt", "a\x1b[31mb\xff\n\xe6\xbc\xa2\xe5\xad\x97!\n");
	struct client *a = test_client("Eve\x1b[2J", 3, d, 30, 6);
	struct frame *f = frame_create(30, 6);

	render_client(server, a, f);
	assert_row(f, 0, "a^[[31mb\\xff");
	assert_row(f, 1, "漢字!");
	assert_true(frame_cell(f, 0, 1)->attr & CELL_WIDE);
	assert_true(frame_cell(f, 1, 1)->attr & CELL_CONT);
	assert_int_equal(frame_cell(f, 4, 1)->ch, '!');
	/* A name's escape sequence is shown, not sent. */
	assert_row(f, 5, "Eve^[[2J u.txt:1");
	/* The cursor after the wide characters is at column 4. */
	a->view.cursor = buffer_line_start(d->buf, 1) + 6;
	render_client(server, a, f);
	assert_int_equal(f->cx, 4);
	frame_free(f);
}

static void
test_notice_expires(void **state)
{
	struct doc *d = test_doc("a", "x\n");
	struct client *a = test_client("Alice", 1, d, 40, 6);
	struct frame *f = frame_create(40, 6);
	char *row;

	server->notice = xstrdup("saved by Bob");
	server->notice_until = 5000;
	server->now = 1000;
	render_client(server, a, f);
	row = row_text(f, 4);
	assert_non_null(strstr(row, "saved by Bob"));
	free(row);
	/* A newer notice wins, whether it is mine or everyone's. */
	a->notice = xstrdup("welcome, Alice");
	a->notice_until = 4000;
	render_client(server, a, f);
	row = row_text(f, 4);
	assert_non_null(strstr(row, "saved by Bob"));
	free(row);
	a->notice_until = 5500;
	render_client(server, a, f);
	row = row_text(f, 4);
	assert_non_null(strstr(row, "welcome, Alice"));
	free(row);
	free(a->notice);
	a->notice = NULL;
	server->now = 6000;
	render_client(server, a, f);
	row = row_text(f, 4);
	assert_null(strstr(row, "saved by Bob"));
	free(row);
	free(server->notice);

	/* Right-aligned by display width, not bytes: "Zoë" is 3 columns. */
	server->notice = xstrdup("Zo\xc3\xab joined");
	server->notice_until = 9000;
	render_client(server, a, f);
	assert_int_equal(frame_cell(f, 38, 4)->ch, 'd');
	assert_int_equal(frame_cell(f, 29, 4)->ch, 'Z');
	free(server->notice);
	frame_free(f);
}

/* Ops shift others' cursors; two people typing at one place each keep
 * their own characters together. */
static void
test_shift(void **state)
{
	struct doc *d = test_doc("a", "line one\nline two\n");
	struct client *a = test_client("Alice", 1, d, 40, 6);
	struct client *b = test_client("Bob", 2, d, 40, 6);
	struct op op;
	char *text;
	size_t len;
	int i;

	b->view.cursor = 14; /* "line |two" */
	memset(&op, 0, sizeof op);
	op.doc = d;
	op.author = a;
	op.pos = 0;
	op.ins = "new\n";
	op.ins_len = 4;
	doc_apply(&op);
	assert_int_equal(b->view.cursor, 18);
	assert_int_equal(view_line(&b->view), 2);
	assert_int_equal(view_col(&b->view), 5);
	assert_int_equal(a->view.cursor, 4);

	/* Delete across lines before Bob. */
	memset(&op, 0, sizeof op);
	op.doc = d;
	op.author = a;
	op.pos = 0;
	op.del = "new\nline one\n";
	op.del_len = 13;
	doc_apply(&op);
	assert_int_equal(b->view.cursor, 5);
	assert_int_equal(view_line(&b->view), 0);

	/* Both type at the same place, interleaved. */
	a->view.cursor = b->view.cursor = 0;
	for (i = 0; i < 3; i++) {
		memset(&op, 0, sizeof op);
		op.doc = d;
		op.author = a;
		op.pos = a->view.cursor;
		op.ins = "a";
		op.ins_len = 1;
		doc_apply(&op);
		memset(&op, 0, sizeof op);
		op.doc = d;
		op.author = b;
		op.pos = b->view.cursor;
		op.ins = "b";
		op.ins_len = 1;
		doc_apply(&op);
	}
	text = buffer_contents(d->buf, &len);
	assert_true(len >= 6);
	assert_memory_equal(text, "bbbaaa", 6);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_text_status_presence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_too_small, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_inert_and_wide, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_notice_expires, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shift, setup, teardown),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
