/* test-render.c: unit tests of the frame renderer and of cursor shifting.
 * Builds daemon state by hand and checks the frame each person gets. */
#include "moot.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buffer.h"
#include "colindex.h"
#include "frame.h"
#include "frontend.h"
#include "highlight.h"
#include "layout.h"
#include "server.h"
#include "syntax.h"

static struct doc *
test_doc(const char *path, const char *text)
{
	struct doc *d = xcalloc(1, sizeof *d);

	d->path = xstrdup(path);
	d->buf = buffer_from(text, strlen(text));
	/* Checkpoints in every line, every few bytes: every test here goes
	 * through the column index as a long line would. */
	d->colindex = colindex_create(1, 8);
	d->mode = 0644;
	TAILQ_INSERT_TAIL(&server->docs, d, entry);
	return d;
}

static struct client *
test_client(
    const char *name, int colour, struct doc *d, unsigned cols, unsigned rows)
{
	struct client *c = xcalloc(1, sizeof *c);

	server_pane_init(c);
	c->name = xstrdup(name);
	c->colour = colour;
	c->role = ROLE_EDITOR; /* drawn plain */
	c->ready = 1;
	c->cols = cols;
	c->rows = rows;
	view_set_doc(c->view, d);
	TAILQ_INSERT_TAIL(&server->clients, c, entry);
	return c;
}

/* Lay c's panes out for its screen (as the daemon does before every
 * frame) and draw its frame. */
static void
test_render(struct client *c, struct frame *f)
{
	server_pane_layout(c);
	render_client(server, c, f);
}

static int
setup(void **state)
{
	server = xcalloc(1, sizeof *server);
	TAILQ_INIT(&server->docs);
	TAILQ_INIT(&server->clients);
	TAILQ_INIT(&server->chat);
	return 0;
}

static int
teardown(void **state)
{
	struct client *c, *c1;
	struct doc *d, *d1;
	struct chat_msg *m, *m1;

	TAILQ_FOREACH_SAFE (m, &server->chat, entry, m1) {
		free(m->name);
		free(m->text);
		free(m);
	}
	TAILQ_FOREACH_SAFE (c, &server->clients, entry, c1) {
		popup_free(&c->popup);
		free(c->find_last);
		free(c->name);
		server_pane_free_all(c);
		free(c);
	}
	TAILQ_FOREACH_SAFE (d, &server->docs, entry, d1) {
		highlight_free(d->highlight);
		colindex_free(d->colindex);
		buffer_free(d->buf);
		free(d->path);
		free(d);
	}
	syntax_set_free(server->syntaxes);
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

	b->view->cursor = 8; /* "wo|rld" */
	test_render(a, f);
	assert_row(f, 0, "hello");
	assert_row(f, 1, "world");
	assert_row(f, 2, "");
	assert_row(f, 4, " README.md  1:1");
	assert_row(f, 5, "Alice README.md:1  Bob README.md:2");
	/* Bob's cursor: his colour behind the 'r' of world. */
	assert_int_equal(frame_cell(f, 2, 1)->bg, COLOUR_PERSON(2));
	assert_int_equal(frame_cell(f, 2, 1)->ch, 'r');
	assert_int_equal(frame_cell(f, 1, 1)->bg, 0);
	/* My own cursor is the terminal cursor, not a coloured cell. */
	assert_int_equal(frame_cell(f, 0, 0)->bg, 0);
	assert_int_equal(f->cx, 0);
	assert_int_equal(f->cy, 0);
	assert_true(f->cursor_visible);
	/* Names are in their colours; the status line is reverse video. */
	assert_int_equal(frame_cell(f, 0, 5)->fg, COLOUR_PERSON(1));
	assert_int_equal(frame_cell(f, 19, 5)->fg, COLOUR_PERSON(2));
	assert_true(frame_cell(f, 0, 4)->attr & CELL_REVERSE);

	d->modified = 1;
	test_render(b, f);
	assert_row(f, 4, " README.md [+]  2:3");
	assert_int_equal(f->cx, 2);
	assert_int_equal(f->cy, 1);
	assert_int_equal(frame_cell(f, 0, 0)->bg, COLOUR_PERSON(1));
	frame_free(f);
}

/* Roles on the presence line: hosts and viewers marked (dim, after the
 * name), editors plain. */
static void
test_presence_roles(void **state)
{
	struct doc *d = test_doc("a.txt", "hello\n");
	struct client *a = test_client("Alice", 1, d, 60, 6);
	struct client *b = test_client("Bob", 2, d, 60, 6);
	struct client *e = test_client("Eve", 3, d, 60, 6);
	struct frame *f = frame_create(60, 6);

	a->role = ROLE_HOST;
	b->role = ROLE_VIEWER;
	test_render(e, f);
	assert_row(
	    f, 5, "Alice(host) a.txt:1  Bob(viewer) a.txt:1  Eve a.txt:1");
	assert_true(frame_cell(f, 0, 5)->attr & CELL_BOLD);
	assert_false(frame_cell(f, 0, 5)->attr & CELL_DIM);
	assert_true(frame_cell(f, 5, 5)->attr & CELL_DIM);
	assert_false(frame_cell(f, 5, 5)->attr & CELL_BOLD);
	assert_true(frame_cell(f, 24, 5)->attr & CELL_DIM);
	frame_free(f);
}

static void
test_too_small(void **state)
{
	struct doc *d = test_doc("a", "x\n");
	struct client *a = test_client("Alice", 1, d, 19, 5);
	struct frame *f = frame_create(19, 5);

	test_render(a, f);
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

	test_render(a, f);
	assert_row(f, 0, "a^[[31mb\\xff");
	assert_row(f, 1, "漢字!");
	assert_true(frame_cell(f, 0, 1)->attr & CELL_WIDE);
	assert_true(frame_cell(f, 1, 1)->attr & CELL_CONT);
	assert_int_equal(frame_cell(f, 4, 1)->ch, '!');
	/* A name's escape sequence is shown, not sent. */
	assert_row(f, 5, "Eve^[[2J u.txt:1");
	/* The cursor after the wide characters is at column 4. */
	a->view->cursor = buffer_line_start(d->buf, 1) + 6;
	test_render(a, f);
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
	test_render(a, f);
	row = row_text(f, 4);
	assert_non_null(strstr(row, "saved by Bob"));
	free(row);
	/* A newer notice wins, whether it is mine or everyone's. */
	a->notice = xstrdup("welcome, Alice");
	a->notice_until = 4000;
	test_render(a, f);
	row = row_text(f, 4);
	assert_non_null(strstr(row, "saved by Bob"));
	free(row);
	a->notice_until = 5500;
	test_render(a, f);
	row = row_text(f, 4);
	assert_non_null(strstr(row, "welcome, Alice"));
	free(row);
	free(a->notice);
	a->notice = NULL;
	server->now = 6000;
	test_render(a, f);
	row = row_text(f, 4);
	assert_null(strstr(row, "saved by Bob"));
	free(row);
	free(server->notice);

	/* Right-aligned by display width, not bytes: "Zoë" is 3 columns. */
	server->notice = xstrdup("Zo\xc3\xab joined");
	server->notice_until = 9000;
	test_render(a, f);
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

	b->view->cursor = 14; /* "line |two" */
	memset(&op, 0, sizeof op);
	op.doc = d;
	op.author = a;
	op.pos = 0;
	op.ins = "new\n";
	op.ins_len = 4;
	doc_apply(&op);
	assert_int_equal(b->view->cursor, 18);
	assert_int_equal(view_line(b->view), 2);
	assert_int_equal(view_col(b->view), 5);
	assert_int_equal(a->view->cursor, 4);

	/* Delete across lines before Bob. */
	memset(&op, 0, sizeof op);
	op.doc = d;
	op.author = a;
	op.pos = 0;
	op.del = "new\nline one\n";
	op.del_len = 13;
	doc_apply(&op);
	assert_int_equal(b->view->cursor, 5);
	assert_int_equal(view_line(b->view), 0);

	/* Both type at the same place, interleaved. */
	a->view->cursor = b->view->cursor = 0;
	for (i = 0; i < 3; i++) {
		memset(&op, 0, sizeof op);
		op.doc = d;
		op.author = a;
		op.pos = a->view->cursor;
		op.ins = "a";
		op.ins_len = 1;
		doc_apply(&op);
		memset(&op, 0, sizeof op);
		op.doc = d;
		op.author = b;
		op.pos = b->view->cursor;
		op.ins = "b";
		op.ins_len = 1;
		doc_apply(&op);
	}
	text = buffer_contents(d->buf, &len);
	assert_true(len >= 6);
	assert_memory_equal(text, "bbbaaa", 6);
	free(text);
}

/* Which cells of row y carry a selection: '#' where mine (reverse video)
 * or where colour is the background with the default foreground (someone
 * else's), ' ' elsewhere; trailing blanks removed. */
static char *
sel_row(const struct frame *f, unsigned y, int colour)
{
	char *row = xcalloc(1, f->cols + 1);
	const struct cell *cell;
	unsigned x;
	int on;

	for (x = 0; x < f->cols; x++) {
		cell = frame_cell(f, x, y);
		if (colour == 0)
			on = (cell->attr & CELL_REVERSE) != 0;
		else
			on = cell->bg == COLOUR_PERSON(colour) &&
			     cell->fg == FRAME_DEFAULT;
		row[x] = on ? '#' : ' ';
	}
	x = f->cols;
	while (x > 0 && row[x - 1] == ' ')
		row[--x] = '\0';
	return row;
}

static void
assert_sel(const struct frame *f, unsigned y, int colour, const char *want)
{
	char *got = sel_row(f, y, colour);

	assert_string_equal(got, want);
	free(got);
}

static void
select_range(struct client *c, size_t anchor, size_t cursor)
{
	c->view->selecting = 1;
	c->view->anchor = anchor;
	c->view->cursor = cursor;
}

/*
 * "ab\tcd\n" is bytes 0-5 (the tab covers columns 2-7, c is at 8, d at 9),
 * "\n" is byte 6 (an empty line), "wxyz\n" bytes 7-11.
 */
static void
test_own_selection(void **state)
{
	struct doc *d = test_doc("s.c", "ab\tcd\n\nwxyz\n");
	struct client *a = test_client("Alice", 1, d, 30, 6);
	struct frame *f = frame_create(30, 6);

	/* From b to before y: the tab whole, the newlines as one cell. */
	select_range(a, 1, 9);
	test_render(a, f);
	assert_row(f, 0, "ab      cd");
	assert_sel(f, 0, 0, " ##########");
	assert_sel(f, 1, 0, "#");
	assert_sel(f, 2, 0, "##");
	assert_sel(f, 3, 0, "");
	/* The text is untouched, the terminal cursor at the cursor. */
	assert_int_equal(frame_cell(f, 1, 0)->ch, 'b');
	assert_int_equal(frame_cell(f, 1, 0)->bg, 0);
	assert_int_equal(f->cx, 2);
	assert_int_equal(f->cy, 2);

	/* The same backwards. */
	select_range(a, 9, 1);
	test_render(a, f);
	assert_sel(f, 0, 0, " ##########");
	assert_sel(f, 1, 0, "#");
	assert_sel(f, 2, 0, "##");
	assert_int_equal(f->cx, 1);
	assert_int_equal(f->cy, 0);

	/* Up to the end of a line: no newline cell. */
	select_range(a, 3, 5);
	test_render(a, f);
	assert_sel(f, 0, 0, "        ##");
	assert_sel(f, 1, 0, "");
	/* Only the tab. */
	select_range(a, 2, 3);
	test_render(a, f);
	assert_sel(f, 0, 0, "  ######");
	/* Only newlines: after d, and the empty line. */
	select_range(a, 5, 7);
	test_render(a, f);
	assert_sel(f, 0, 0, "          #");
	assert_sel(f, 1, 0, "#");
	assert_sel(f, 2, 0, "");

	/* Off, or empty: nothing. */
	select_range(a, 4, 4);
	test_render(a, f);
	assert_sel(f, 0, 0, "");
	a->view->selecting = 0;
	a->view->anchor = 0;
	test_render(a, f);
	assert_sel(f, 0, 0, "");
	assert_sel(f, 1, 0, "");
	/* The status row is reverse video, as always. */
	assert_sel(f, 4, 0, "##############################");
	frame_free(f);
}

/*
 * Decided lines give the text a margin of one column: the marks in it,
 * the text, my selection and cursor, and Bob's selection and cursor all
 * one column to the right; a document without marks has none.
 */
static void
test_margin(void **state)
{
	/* "aaa\n" 0-3, "bbb\n" 4-7, "ccc\n" 8-11, "ddd\n" 12-15. */
	struct doc *d = test_doc("m.c", "aaa\nbbb\nccc\nddd\n");
	struct client *a = test_client("Alice", 1, d, 30, 8);
	struct client *b = test_client("Bob", 2, d, 30, 8);
	struct frame *f = frame_create(30, 8);

	test_render(a, f);
	assert_row(f, 0, "aaa");
	assert_int_equal(render_text_width(server, a), 30);

	marks_add(&d->marks, 1, 2, 7, 0);
	marks_set_edited(&d->marks, 2, 2);
	assert_int_equal(render_text_width(server, a), 29);
	select_range(a, 0, 6); /* aaa, the newline, bb */
	select_range(b, 12, 14);
	test_render(a, f);
	assert_row(f, 0, " aaa");
	assert_int_equal(frame_cell(f, 0, 1)->ch, 0x258e);
	assert_true(frame_cell(f, 0, 1)->attr & CELL_DIM);
	assert_int_equal(frame_cell(f, 1, 1)->ch, 'b');
	assert_int_equal(frame_cell(f, 0, 2)->ch, 0x258c);
	assert_true(frame_cell(f, 0, 2)->attr & CELL_BOLD);
	assert_int_equal(frame_cell(f, 0, 3)->ch, ' ');
	assert_int_equal(frame_cell(f, 1, 3)->ch, 'd');
	/* My selection, from the text's first column. */
	assert_sel(f, 0, 0, " ####");
	assert_sel(f, 1, 0, " ##");
	/* Bob's, and his cursor after it (in his colour too). */
	assert_sel(f, 3, 2, " ###");
	assert_int_equal(frame_cell(f, 3, 3)->bg, COLOUR_PERSON(2));
	assert_int_equal(frame_cell(f, 3, 3)->ch, 'd');
	/* My cursor: after "bb". */
	assert_int_equal(f->cx, 3);
	assert_int_equal(f->cy, 1);

	/* Scrolled sideways by one: the margin stays, the text moves. */
	a->view->left = 1;
	test_render(a, f);
	assert_int_equal(frame_cell(f, 0, 1)->ch, 0x258e);
	assert_int_equal(frame_cell(f, 1, 1)->ch, 'b');
	assert_int_equal(frame_cell(f, 3, 1)->ch, ' ');
	assert_int_equal(f->cx, 2);
	marks_free(&d->marks);
	frame_free(f);
}

static void
test_selection_wide_and_scrolled(void **state)
{
	/* 漢 bytes 0-2, 字 3-5, x 6, newline 7; "ab" 8-9; "c" 11 (no
	 * newline at the end). */
	struct doc *d = test_doc("w", "\xe6\xbc\xa2\xe5\xad\x97x\nab\nc");
	struct doc *e =
	    test_doc("long", "0123456789abcdefghijklmnopqrstuvwxyz\nend\n");
	struct client *a = test_client("Alice", 1, d, 20, 5);
	struct frame *f = frame_create(20, 5);

	select_range(a, 3, 9);
	test_render(a, f);
	assert_sel(f, 0, 0, "  ####");
	assert_true(frame_cell(f, 2, 0)->attr & CELL_WIDE);
	assert_true(frame_cell(f, 3, 0)->attr & CELL_CONT);
	assert_sel(f, 1, 0, "#");
	/* The last line has no newline: no extra cell. */
	select_range(a, 10, 12);
	test_render(a, f);
	assert_sel(f, 1, 0, "  #");
	assert_sel(f, 2, 0, "#");
	/* The selection starting inside a character takes it whole. */
	select_range(a, 1, 2);
	test_render(a, f);
	assert_sel(f, 0, 0, "##");

	/* Scrolled: only the visible part, at its screen place. */
	view_set_doc(a->view, e);
	a->view->left = 5;
	a->view->top = 0;
	select_range(a, 2, 8);
	test_render(a, f);
	assert_row(f, 0, "56789abcdefghijklmno");
	assert_sel(f, 0, 0, "###");
	/* All of it right of the screen (with the newline): nothing. */
	select_range(a, 30, 38);
	test_render(a, f);
	assert_sel(f, 0, 0, "");
	assert_sel(f, 1, 0, "");
	/* Lines above the top are not drawn. */
	a->view->left = 0;
	a->view->top = 1;
	select_range(a, 0, 39);
	test_render(a, f);
	assert_row(f, 0, "end");
	assert_sel(f, 0, 0, "##");
	assert_sel(f, 1, 0, "");
	frame_free(f);
}

static void
test_other_selection(void **state)
{
	struct doc *d = test_doc("README.md", "hello\nworld\n");
	struct doc *other = test_doc("b.c", "hello\nworld\n");
	struct client *a = test_client("Alice", 1, d, 40, 6);
	struct client *b = test_client("Bob", 2, d, 40, 6);
	struct client *c = test_client("Carol", 3, other, 40, 6);
	struct frame *f = frame_create(40, 6);

	/* Bob selected "llo\nwo" backwards: his cursor is before it. */
	select_range(b, 9, 2);
	select_range(c, 0, 11);
	test_render(a, f);
	assert_sel(f, 0, 2, "  ####");
	assert_sel(f, 1, 2, "###");
	/* His cursor cell is the 'l' his selection starts with. */
	assert_int_equal(frame_cell(f, 2, 0)->ch, 'l');
	/* Not reverse, and Carol's (another file) is not shown. */
	assert_sel(f, 0, 0, "");
	assert_sel(f, 1, 0, "");
	assert_sel(f, 0, 3, "");
	assert_sel(f, 1, 3, "");
	assert_int_equal(frame_cell(f, 3, 0)->attr, 0);

	/* Mine over his: both show on the shared cells. */
	select_range(a, 0, 4);
	test_render(a, f);
	assert_sel(f, 0, 0, "####");
	assert_sel(f, 0, 2, "  ####");

	/* Bob sees Alice's in her colour (and her cursor after it), and his
	 * own reversed. */
	test_render(b, f);
	assert_sel(f, 0, 1, "#####");
	assert_sel(f, 0, 0, "  ####");
	assert_sel(f, 1, 0, "###");

	/* Someone leaving: no longer shown. */
	b->closing = 1;
	test_render(a, f);
	assert_sel(f, 0, 2, "");
	frame_free(f);
}

static void
test_status_flags(void **state)
{
	struct doc *d = test_doc("a.bin", "x\0y\n");
	struct client *a = test_client("Alice", 1, d, 60, 6);
	struct frame *f = frame_create(60, 6);

	d->readonly = 1;
	test_render(a, f);
	assert_row(f, 4, " a.bin [RO]  1:1");
	d->modified = 1;
	d->disk_changed = 1;
	test_render(a, f);
	assert_row(f, 4, " a.bin [+] [RO] [changed on disk]  1:1");
	d->readonly = 0;
	d->modified = 0;
	test_render(a, f);
	assert_row(f, 4, " a.bin [changed on disk]  1:1");
	frame_free(f);
}

static void
set_prompt(
    struct client *c, const struct overlay *mode, const char *text, int found)
{
	c->overlay = mode;
	memset(&c->prompt, 0, sizeof c->prompt);
	snprintf(c->prompt.text, sizeof c->prompt.text, "%s", text);
	c->prompt.len = strlen(c->prompt.text);
	c->prompt.found = found;
}

/* "two" is at 4, 14 and 28. */
#define THREE_TWOS "one two three\ntwo four\nfive two\n"

static void
test_find_prompt(void **state)
{
	struct doc *d = test_doc("t.txt", THREE_TWOS);
	struct client *a = test_client("Alice", 1, d, 40, 6);
	struct client *b = test_client("Bob", 2, d, 40, 6);
	struct frame *f = frame_create(40, 6);
	unsigned x;

	set_prompt(a, &overlay_find, "two", 1);
	select_range(a, 14, 17);
	test_render(a, f);
	assert_row(f, 4, " Find: two                       2 of 3");
	for (x = 0; x < 40; x++)
		assert_true(frame_cell(f, x, 4)->attr & CELL_REVERSE);
	assert_int_equal(f->cx, 10);
	assert_int_equal(f->cy, 4);
	assert_true(f->cursor_visible);
	/* The match is selected in the text. */
	assert_sel(f, 1, 0, "###");
	/* Others see the status as usual, and her selection with her
	 * cursor after it. */
	test_render(b, f);
	assert_row(f, 4, " t.txt  1:1");
	assert_sel(f, 1, 1, "####");

	select_range(a, 4, 7);
	test_render(a, f);
	assert_row(f, 4, " Find: two                       1 of 3");
	select_range(a, 31, 28);
	test_render(a, f);
	assert_row(f, 4, " Find: two                       3 of 3");
	/* A selection that is no match (the text changed). */
	select_range(a, 0, 3);
	test_render(a, f);
	assert_row(f, 4, " Find: two                    3 matches");
	set_prompt(a, &overlay_find, "four", 1);
	test_render(a, f);
	assert_row(f, 4, " Find: four                     1 match");

	/* Not found; nothing searched yet. */
	set_prompt(a, &overlay_find, "twox", 0);
	a->view->selecting = 0;
	test_render(a, f);
	assert_row(f, 4, " Find: twox                   not found");
	assert_int_equal(f->cx, 11);
	set_prompt(a, &overlay_find, "", -1);
	test_render(a, f);
	assert_row(f, 4, " Find:");
	assert_int_equal(f->cx, 7);
	assert_int_equal(f->cy, 4);

	/* The cursor is at the prompt even when the text cursor is out of
	 * view. */
	a->view->top = 2;
	test_render(a, f);
	assert_true(f->cursor_visible);
	assert_int_equal(f->cx, 7);
	a->view->top = 0;

	/* While finding, the count wins the right part over a notice; with
	 * nothing to count, the notice shows. */
	set_prompt(a, &overlay_find, "two", 1);
	select_range(a, 14, 17);
	server->notice = xstrdup("Bob joined");
	server->notice_until = 5000;
	server->now = 1000;
	test_render(a, f);
	assert_row(f, 4, " Find: two                       2 of 3");
	assert_int_equal(f->cx, 10);
	set_prompt(a, &overlay_find, "", -1);
	a->view->selecting = 0;
	test_render(a, f);
	assert_row(f, 4, " Find:                       Bob joined");
	free(server->notice);
	server->notice = NULL;

	/* What was typed is shown inert. */
	set_prompt(a, &overlay_find, "\x1b[2J", 0);
	test_render(a, f);
	assert_row(f, 4, " Find: ^[[2J                  not found");
	assert_int_equal(f->cx, 12);

	/* Go to line. */
	set_prompt(a, &overlay_goto, "12", -1);
	test_render(a, f);
	assert_row(f, 4, " Go to line: 12");
	assert_int_equal(f->cx, 15);
	assert_int_equal(f->cy, 4);
	assert_true(frame_cell(f, 30, 4)->attr & CELL_REVERSE);
	frame_free(f);
}

/* Too long for the row: the end of it shows, the cursor after it. */
static void
test_find_prompt_long(void **state)
{
	struct doc *d = test_doc("t.txt", "abc\n");
	struct client *a = test_client("Alice", 1, d, 20, 5);
	struct frame *f = frame_create(20, 5);

	set_prompt(a, &overlay_find, "abcdefghijklmnopqrstuvwxyz", 0);
	test_render(a, f);
	assert_row(f, 3, " Find: opqrstuvwxyz");
	assert_int_equal(f->cx, 19);
	assert_int_equal(f->cy, 3);
	/* Wide characters are never cut in half. */
	set_prompt(a, &overlay_find,
	    "\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2"
	    "\xe5\xad\x97\xe6\xbc\xa2",
	    0);
	test_render(a, f);
	assert_row(f, 3, " Find: 字漢字漢字漢");
	assert_int_equal(f->cx, 19);
	frame_free(f);
}

/*
 * A chat prompt of 1000 bytes shows its end (found in one pass, not one
 * per character dropped); a notice (why Enter did nothing) keeps room on
 * the row, at most half of it.
 */
static void
test_say_prompt_long(void **state)
{
	struct doc *d = test_doc("a.txt", "x\n");
	struct client *a = test_client("Alice", 1, d, 40, 6);
	struct frame *f = frame_create(40, 6);
	char text[1001];
	size_t i;

	for (i = 0; i < 1000; i++)
		text[i] = '0' + i % 10;
	text[1000] = '\0';
	set_prompt(a, &overlay_chat, text, -1);
	test_render(a, f);
	/* 40 columns less " Say: " and the cursor's: the last 33. */
	assert_row(f, 4, " Say: 789012345678901234567890123456789");
	assert_int_equal(f->cx, 39);

	a->notice = xstrdup("wait");
	a->notice_until = 5000;
	server->now = 1000;
	test_render(a, f);
	assert_row(f, 4, " Say: 345678901234567890123456789  wait");
	assert_int_equal(f->cx, 33);

	/* A long notice gets half the room, and is cut at the edge. */
	free(a->notice);
	a->notice = xstrdup("slow down: you may chat or decide again "
	                    "in 2 s");
	test_render(a, f);
	assert_row(f, 4, " Say: 34567890123456789  slow down: you");
	assert_int_equal(f->cx, 23);
	free(a->notice);
	a->notice = NULL;
	frame_free(f);
}

/* The "N of M" count: overlapping matches, the cap, the byte budget. */
static void
test_find_count(void **state)
{
	struct doc *d = test_doc("t.txt", "aaaa\n");
	struct client *a = test_client("Alice", 1, d, 40, 6);
	struct frame *f = frame_create(40, 6);
	size_t big = 5 * 1024 * 1024, i;
	char *text;

	set_prompt(a, &overlay_find, "aa", 1);
	select_range(a, 1, 3);
	test_render(a, f);
	assert_row(f, 4, " Find: aa                        2 of 3");

	/* 1500 matches: counted up to 1000. */
	text = xmalloc(1500 * 3 + 1);
	for (i = 0; i < 1500; i++)
		memcpy(text + 3 * i, "ab ", 3);
	text[1500 * 3] = '\0';
	buffer_free(d->buf);
	d->buf = buffer_from(text, strlen(text));
	free(text);
	set_prompt(a, &overlay_find, "ab", 1);
	select_range(a, 0, 2);
	test_render(a, f);
	assert_row(f, 4, " Find: ab                    1 of 1000+");
	select_range(a, 3 * 999, 3 * 999 + 2);
	test_render(a, f);
	assert_row(f, 4, " Find: ab                 1000 of 1000+");
	select_range(a, 3 * 1000, 3 * 1000 + 2);
	test_render(a, f);
	assert_row(f, 4, " Find: ab                 1000+ matches");

	/* 5 MiB: only matches starting in the first 4 MiB are counted;
	 * "zz" across a 64 KiB chunk boundary and across the budget's end
	 * count, the one after it does not. */
	text = xmalloc(big);
	memset(text, '.', big);
	memcpy(text + 100, "zz", 2);
	memcpy(text + 65535, "zz", 2);
	memcpy(text + 4194303, "zz", 2);
	memcpy(text + 4194404, "zz", 2);
	buffer_free(d->buf);
	d->buf = buffer_from(text, big);
	free(text);
	set_prompt(a, &overlay_find, "zz", 1);
	select_range(a, 65535, 65537);
	a->view->top = buffer_lines(d->buf) - 1;
	test_render(a, f);
	assert_row(f, 4, " Find: zz                       2 of 3+");
	select_range(a, 4194303, 4194305);
	test_render(a, f);
	assert_row(f, 4, " Find: zz                       3 of 3+");
	select_range(a, 4194404, 4194406);
	test_render(a, f);
	assert_row(f, 4, " Find: zz                    3+ matches");
	/* No match at all in the counted part, and not found. */
	set_prompt(a, &overlay_find, "zzz", 1);
	test_render(a, f);
	assert_row(f, 4, " Find: zzz                   0+ matches");
	buffer_free(d->buf);
	d->buf = buffer_from("abc\n", 4);
	a->view->selecting = 0;
	a->view->cursor = 0;
	a->view->top = 0;
	test_render(a, f);
	assert_row(f, 4, " Find: zzz                    not found");
	frame_free(f);
}

/* Selections follow ops like cursors; one deleted by someone else
 * becomes empty but stays on. */
static void
test_selection_shift(void **state)
{
	struct doc *d = test_doc("a", "hello world\n");
	struct client *a = test_client("Alice", 1, d, 40, 6);
	struct client *b = test_client("Bob", 2, d, 40, 6);
	struct op op;
	size_t from, to;

	/* Shift + a move starts at the cursor; again keeps the anchor. */
	a->view->cursor = 6;
	view_select_start(a->view);
	assert_true(a->view->selecting);
	assert_int_equal(a->view->anchor, 6);
	assert_int_equal(view_selection(a->view, &from, &to), 0);
	view_move_end(a->view);
	view_select_start(a->view);
	assert_int_equal(a->view->anchor, 6);
	assert_int_equal(view_selection(a->view, &from, &to), 1);
	assert_int_equal(from, 6);
	assert_int_equal(to, 11);

	/* Bob inserts before it: it moves along. */
	memset(&op, 0, sizeof op);
	op.doc = d;
	op.author = b;
	op.pos = 0;
	op.ins = "Oh, ";
	op.ins_len = 4;
	doc_apply(&op);
	assert_int_equal(view_selection(a->view, &from, &to), 1);
	assert_int_equal(from, 10);
	assert_int_equal(to, 15);

	/* Bob deletes inside it: it shrinks. */
	memset(&op, 0, sizeof op);
	op.doc = d;
	op.author = b;
	op.pos = 12;
	op.del = "rl";
	op.del_len = 2;
	doc_apply(&op);
	assert_int_equal(view_selection(a->view, &from, &to), 1);
	assert_int_equal(from, 10);
	assert_int_equal(to, 13);

	/* Bob deletes all of it and more: empty, still on. */
	memset(&op, 0, sizeof op);
	op.doc = d;
	op.author = b;
	op.pos = 9;
	op.del = " wod\n";
	op.del_len = 5;
	op.ins = "!";
	op.ins_len = 1;
	doc_apply(&op);
	assert_int_equal(view_selection(a->view, &from, &to), 0);
	assert_true(a->view->selecting);
	assert_int_equal(a->view->anchor, 9);
	assert_int_equal(a->view->cursor, 9);
	/* A move with Shift grows it again from there. */
	view_select_start(a->view);
	view_move_right(a->view);
	assert_int_equal(view_selection(a->view, &from, &to), 1);
	assert_int_equal(from, 9);
	assert_int_equal(to, 10);

	/* My own op: the anchor shifts like anyone's. */
	memset(&op, 0, sizeof op);
	op.doc = d;
	op.author = a;
	op.pos = 0;
	op.ins = "<<";
	op.ins_len = 2;
	doc_apply(&op);
	assert_int_equal(a->view->anchor, 11);
	assert_int_equal(a->view->cursor, 2);

	view_select_clear(a->view);
	assert_false(a->view->selecting);
	assert_int_equal(view_selection(a->view, &from, &to), 0);

	/* Offsets beyond the text (never trusted) are clamped. */
	a->view->selecting = 1;
	a->view->anchor = 1000;
	assert_int_equal(view_selection(a->view, &from, &to), 1);
	assert_int_equal(from, 2);
	assert_int_equal(to, buffer_length(d->buf));

	/* Another document: no selection. */
	view_set_doc(a->view, d);
	assert_false(a->view->selecting);
	assert_int_equal(a->view->anchor, 0);
}

static void
test_goto_line(void **state)
{
	struct doc *d = test_doc("a", "one\ntwo\nthree");
	struct client *a = test_client("Alice", 1, d, 40, 6);

	a->view->cursor = 2;
	a->view->goal = 2;
	view_goto_line(a->view, 1);
	assert_int_equal(a->view->cursor, 4);
	assert_int_equal(a->view->goal, 0);
	view_goto_line(a->view, 2);
	assert_int_equal(a->view->cursor, 8);
	view_goto_line(a->view, 99);
	assert_int_equal(a->view->cursor, 8);
	view_goto_line(a->view, 0);
	assert_int_equal(a->view->cursor, 0);
}

/* 2023-11-14 22:13:20 UTC, in ms. */
#define CHAT_T0 1700000000000LL

/* A chat message from name (in colour), minutes after CHAT_T0. */
static void
test_chat(const char *name, int colour, int minutes, const char *text)
{
	struct chat_msg *m = xcalloc(1, sizeof *m);

	m->seq = (int64_t)server->nchat + 1;
	m->time = CHAT_T0 + (int64_t)minutes * 60 * 1000;
	m->name = xstrdup(name);
	m->colour = colour;
	m->text = xstrdup(text);
	TAILQ_INSERT_TAIL(&server->chat, m, entry);
	server->nchat++;
}

/* Lines "l1" to "lN". */
static struct doc *
test_lines_doc(const char *path, int n)
{
	char text[1024];
	size_t len = 0;
	int i;

	for (i = 1; i <= n; i++)
		len += snprintf(text + len, sizeof text - len, "l%d\n", i);
	return test_doc(path, text);
}

/* One message, 12 rows: one chat row just above the status row; the text
 * area loses that row. */
static void
test_chat_one(void **state)
{
	struct doc *d = test_lines_doc("a.txt", 12);
	struct client *a = test_client("Alice", 1, d, 40, 12);
	struct frame *f = frame_create(40, 12);
	const struct cell *cell;
	unsigned x;

	test_chat("Bob", 2, 0, "hello there");
	assert_int_equal(render_chat_rows(server, a), 1);
	assert_int_equal(render_text_height(server, a), 9);
	test_render(a, f);
	assert_row(f, 0, "l1");
	assert_row(f, 8, "l9");
	assert_row(f, 9, "22:13 Bob: hello there");
	assert_row(f, 10, " a.txt  1:1");
	assert_row(f, 11, "Alice a.txt:1");

	/* The time dim, the name bold in Bob's colour, the rest plain, the
	 * background default everywhere. */
	for (x = 0; x < 5; x++)
		assert_int_equal(frame_cell(f, x, 9)->attr, CELL_DIM);
	assert_int_equal(frame_cell(f, 5, 9)->attr, 0);
	for (x = 6; x < 9; x++) {
		cell = frame_cell(f, x, 9);
		assert_int_equal(cell->attr, CELL_BOLD);
		assert_int_equal(cell->fg, COLOUR_PERSON(2));
	}
	assert_int_equal(frame_cell(f, 9, 9)->ch, ':');
	assert_int_equal(frame_cell(f, 9, 9)->attr, 0);
	assert_int_equal(frame_cell(f, 9, 9)->fg, 0);
	assert_int_equal(frame_cell(f, 11, 9)->ch, 'h');
	assert_int_equal(frame_cell(f, 11, 9)->attr, 0);
	assert_int_equal(frame_cell(f, 11, 9)->fg, 0);
	for (x = 0; x < 40; x++)
		assert_int_equal(frame_cell(f, x, 9)->bg, 0);

	/* The cursor on the last text row shows; one line lower is out of
	 * the text area (the view is not scrolled here). */
	a->view->cursor = buffer_line_start(d->buf, 8);
	test_render(a, f);
	assert_true(f->cursor_visible);
	assert_int_equal(f->cy, 8);
	a->view->cursor = buffer_line_start(d->buf, 9);
	test_render(a, f);
	assert_false(f->cursor_visible);
	assert_row(f, 9, "22:13 Bob: hello there");
	frame_free(f);
}

/* Four messages on 14 rows: the last three, oldest on top. */
static void
test_chat_three(void **state)
{
	struct doc *d = test_lines_doc("a.txt", 20);
	struct client *a = test_client("Alice", 1, d, 40, 14);
	struct client *b = test_client("Bob", 2, d, 40, 14);
	struct frame *f = frame_create(40, 14);

	test_chat("Alice", 1, 0, "one");
	test_chat("Bob", 2, 1, "two");
	test_chat("Alice", 1, 2, "three");
	test_chat("Bob", 2, 5 * 60 + 7, "four");
	assert_int_equal(render_chat_rows(server, a), 3);
	assert_int_equal(render_text_height(server, a), 9);
	b->view->cursor = buffer_line_start(d->buf, 9); /* off Alice's text */
	test_render(a, f);
	assert_row(f, 8, "l9");
	assert_row(f, 9, "22:14 Bob: two");
	assert_row(f, 10, "22:15 Alice: three");
	assert_row(f, 11, "03:20 Bob: four");
	assert_row(f, 12, " a.txt  1:1");
	assert_row(f, 13, "Alice a.txt:1  Bob a.txt:10");
	/* Bob's cursor is below the text area: not painted on the chat. */
	assert_int_equal(frame_cell(f, 0, 9)->bg, 0);
	assert_int_equal(frame_cell(f, 6, 10)->fg, COLOUR_PERSON(1));
	assert_int_equal(frame_cell(f, 6, 11)->fg, COLOUR_PERSON(2));
	frame_free(f);
}

/* Chat text and names are shown inert, and cut at the width. */
static void
test_chat_inert(void **state)
{
	struct doc *d = test_doc("a.txt", "x\n");
	struct client *a = test_client("Alice", 1, d, 30, 12);
	struct frame *f = frame_create(30, 12);

	test_chat("Eve\x1b[2J", 3, 0, "a\x1b[31mb\xff\tc");
	test_chat("Bob", 2, 0, "0123456789abcdefghijklmnopqrstuvwxyz");
	test_render(a, f);
	assert_row(f, 8, "22:13 Eve^[[2J: a^[[31mb\\xff c");
	assert_row(f, 9, "22:13 Bob: 0123456789abcdefghi");
	assert_int_equal(frame_cell(f, 29, 9)->ch, 'i');
	frame_free(f);
}

/* Bidi controls and other invisible code points, from names, chat,
 * notices, documents and pop-ups: each shown as <U+XXXX>, none ever in a
 * cell (where the terminal would act on it). */
static void
test_bidi_inert(void **state)
{
	static const uint32_t raw[] = {
	    0x202e, 0x2066, 0x200f, 0x00ad, 0xfe0f, 0x2067, 0x202d};
	struct doc *d = test_doc("a.txt", "a\xe2\x80\xae"
	                                  "b\xe2\x81\xa6"
	                                  "c\n");
	struct client *a = test_client("Eve\xe2\x80\xae\xc2\xad"
	                               "x",
	    1, d, 60, 12);
	struct frame *f = frame_create(60, 12);
	const struct cell *cell;
	unsigned x, y;
	size_t i;

	test_chat("Mal\xe2\x80\xaelory", 2, 0,
	    "hi\xe2\x81\xa6there\xe2\x80\x8f"
	    "ok \xf0\x9f\x91\x8d\xef\xb8\x8f");
	server->notice = xstrdup("saved by Eve\xe2\x80\xae");
	server->notice_until = 5000;
	server->now = 1000;
	test_render(a, f);
	assert_row(f, 0, "a<U+202E>b<U+2066>c");
	assert_row(f, 9,
	    "22:13 Mal<U+202E>lory: hi<U+2066>there<U+200F>ok "
	    "\xf0\x9f\x91\x8d<U+FE0F>");
	assert_row(f, 10,
	    " a.txt  1:1                            saved by Eve<U+202E>");
	assert_row(f, 11, "Eve<U+202E><U+00AD>x a.txt:1");
	for (y = 0; y < f->rows; y++) {
		for (x = 0; x < f->cols; x++) {
			cell = frame_cell(f, x, y);
			for (i = 0; i < sizeof raw / sizeof raw[0]; i++) {
				assert_int_not_equal(cell->ch, raw[i]);
				assert_int_not_equal(cell->comb, raw[i]);
			}
		}
	}

	/* What is typed in a prompt, and a pop-up's lines. */
	set_prompt(a, &overlay_chat, "x\xe2\x80\xad", -1);
	test_render(a, f);
	assert_row(f, 10,
	    " Say: x<U+202D>                        saved by Eve<U+202E>");
	a->overlay = &overlay_popup;
	popup_open(&a->popup, "T\xe2\x81\xa7");
	popup_add(&a->popup, "q\xe2\x81\xa7");
	test_render(a, f);
	assert_row(f, 0, " T<U+2067>");
	assert_row(f, 1, "q<U+2067>");
	free(server->notice);
	server->notice = NULL;
	frame_free(f);
}

/* How many chat rows each terminal height gets. */
static void
test_chat_small(void **state)
{
	struct doc *d = test_lines_doc("a.txt", 12);
	struct client *a = test_client("Alice", 1, d, 40, 10);
	struct frame *f = frame_create(40, 10);

	/* No message: no chat row, whatever the size; no server neither. */
	assert_int_equal(render_chat_rows(server, a), 0);
	assert_int_equal(render_text_height(server, a), 8);
	assert_int_equal(render_text_height(NULL, a), 8);

	test_chat("Bob", 2, 0, "one");
	test_chat("Bob", 2, 0, "two");
	test_chat("Bob", 2, 0, "three");
	test_chat("Bob", 2, 0, "four");
	assert_int_equal(render_chat_rows(server, a), 1);
	assert_int_equal(render_text_height(server, a), 7);
	test_render(a, f);
	assert_row(f, 6, "l7");
	assert_row(f, 7, "22:13 Bob: four");
	assert_row(f, 8, " a.txt  1:1");
	frame_free(f);

	a->rows = 12;
	assert_int_equal(render_chat_rows(server, a), 3);
	a->rows = 11;
	assert_int_equal(render_chat_rows(server, a), 1);
	a->rows = 8;
	assert_int_equal(render_chat_rows(server, a), 1);
	assert_int_equal(render_text_height(server, a), 5);
	a->rows = 7;
	assert_int_equal(render_chat_rows(server, a), 0);
	assert_int_equal(render_text_height(server, a), 5);

	/* 6 rows: no chat row; the frame is as without chat. */
	a->rows = 6;
	assert_int_equal(render_chat_rows(server, a), 0);
	assert_int_equal(render_text_height(server, a), 4);
	f = frame_create(40, 6);
	test_render(a, f);
	assert_row(f, 3, "l4");
	assert_row(f, 4, " a.txt  1:1");
	assert_row(f, 5, "Alice a.txt:1");
	frame_free(f);
}

/* The Say and Commit message prompts on the status row. */
static void
test_say_prompt(void **state)
{
	struct doc *d = test_doc("a.txt", "x\n");
	struct client *a = test_client("Alice", 1, d, 40, 12);
	struct frame *f = frame_create(40, 12);
	unsigned x;

	test_chat("Bob", 2, 0, "hi");
	set_prompt(a, &overlay_chat, "hi there", -1);
	test_render(a, f);
	assert_row(f, 9, "22:13 Bob: hi");
	assert_row(f, 10, " Say: hi there");
	for (x = 0; x < 40; x++)
		assert_true(frame_cell(f, x, 10)->attr & CELL_REVERSE);
	assert_true(frame_cell(f, 1, 10)->attr & CELL_BOLD);
	assert_false(frame_cell(f, 6, 10)->attr & CELL_BOLD);
	assert_true(f->cursor_visible);
	assert_int_equal(f->cx, 14);
	assert_int_equal(f->cy, 10);

	/* Typed escapes are inert; a notice shows on the right. */
	set_prompt(a, &overlay_chat, "\x1b[2J", -1);
	server->notice = xstrdup("Bob joined");
	server->notice_until = 5000;
	server->now = 1000;
	test_render(a, f);
	assert_row(f, 10, " Say: ^[[2J                  Bob joined");
	assert_int_equal(f->cx, 11);
	free(server->notice);
	server->notice = NULL;

	set_prompt(a, &overlay_commit, "Fix it", -1);
	test_render(a, f);
	assert_row(f, 10, " Commit message: Fix it");
	assert_int_equal(f->cx, 23);
	assert_int_equal(f->cy, 10);
	set_prompt(a, &overlay_commit, "", -1);
	test_render(a, f);
	assert_row(f, 10, " Commit message:");
	assert_int_equal(f->cx, 17);
	frame_free(f);
}

/* Whether any cell of row y has a coloured background. */
static int
row_tinted(const struct frame *f, unsigned y)
{
	unsigned x;

	for (x = 0; x < f->cols; x++) {
		if (frame_cell(f, x, y)->bg != 0)
			return 1;
	}
	return 0;
}

/* "NAME ARGS" of the table's row i, in buf. */
static const char *
cmd_name_args(size_t i, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", cmd_table[i].name,
	    *cmd_table[i].args != '\0' ? " " : "", cmd_table[i].args);
	return buf;
}

/*
 * Row y shows command i of the table, which is NAME_ARGS ("decide
 * [TITLE]"): two spaces, NAME ARGS padded to column 24, its help, cut at
 * the width. The help texts are the table's own.
 */
static void
assert_cmd_row(
    const struct frame *f, unsigned y, size_t i, const char *name_args)
{
	const struct cmd_entry *e = &cmd_table[i];
	char want[512], *got;
	size_t len;

	assert_true(i < cmd_count);
	snprintf(want, sizeof want, "%s%s%s", e->name,
	    *e->args != '\0' ? " " : "", e->args);
	assert_string_equal(want, name_args);
	snprintf(want, sizeof want, "  %-22s%s", name_args, e->help);
	len = strlen(want);
	if (len > f->cols)
		len = f->cols;
	while (len > 0 && want[len - 1] == ' ')
		len--;
	want[len] = '\0';
	got = row_text(f, y);
	assert_string_equal(got, want);
	free(got);
}

/* The palette over the text: typed text, commands, the chosen one. */
static void
test_palette_overlay(void **state)
{
	struct doc *d = test_doc("a.txt", "hello\nworld\nthird\n");
	struct client *a = test_client("Alice", 1, d, 60, 12);
	struct client *b = test_client("Bob", 2, d, 60, 12);
	struct frame *f = frame_create(60, 12);
	unsigned x, y;

	b->view->cursor = 7;
	a->overlay = &overlay_palette;
	palette_open(&a->palette, cmd_table, cmd_count);
	test_render(a, f);
	assert_row(f, 0, "Command:");
	assert_true(frame_cell(f, 0, 0)->attr & CELL_BOLD);
	assert_int_equal(f->cx, 9);
	assert_int_equal(f->cy, 0);
	assert_true(f->cursor_visible);
	assert_cmd_row(f, 1, 0, "decide [TITLE]");
	assert_cmd_row(f, 2, 1, "question TEXT");
	assert_cmd_row(f, 3, 2, "link");
	assert_cmd_row(f, 9, 8, "why");
	/* The chosen row in reverse video across the width; the help dim. */
	for (x = 0; x < 60; x++)
		assert_true(frame_cell(f, x, 1)->attr & CELL_REVERSE);
	assert_true(frame_cell(f, 24, 1)->attr & CELL_DIM);
	assert_false(frame_cell(f, 2, 1)->attr & CELL_DIM);
	assert_int_equal(frame_cell(f, 2, 2)->attr, 0);
	assert_int_equal(frame_cell(f, 24, 2)->attr, CELL_DIM);
	assert_false(frame_cell(f, 50, 2)->attr & CELL_REVERSE);
	/* No text, no cursor of Bob's over it; status and presence stay. */
	for (y = 0; y < 10; y++)
		assert_false(row_tinted(f, y));
	assert_row(f, 10, " a.txt  1:1");
	assert_row(f, 11, "Alice a.txt:1  Bob a.txt:2");

	/* Typing filters: prefix matches first. */
	palette_type(&a->palette, cmd_table, cmd_count, "de", 2);
	palette_move(&a->palette, 1, 10);
	test_render(a, f);
	assert_row(f, 0, "Command: de");
	assert_int_equal(f->cx, 11);
	assert_cmd_row(f, 1, 0, "decide [TITLE]");
	assert_cmd_row(f, 2, 9, "decisions");
	assert_cmd_row(f, 3, 5, "supersede N");
	assert_row(f, 4, "");
	assert_false(frame_cell(f, 30, 1)->attr & CELL_REVERSE);
	assert_true(frame_cell(f, 59, 2)->attr & CELL_REVERSE);

	/* Nothing matches. */
	palette_type(&a->palette, cmd_table, cmd_count, "zz", 2);
	test_render(a, f);
	assert_row(f, 0, "Command: dezz");
	assert_row(f, 1, "  (no command matches)");
	assert_int_equal(frame_cell(f, 2, 1)->attr, CELL_DIM);
	assert_row(f, 2, "");
	frame_free(f);
}

/* The palette scrolled to its last command, and with a chat pane. */
static void
test_palette_scrolled(void **state)
{
	struct doc *d = test_doc("a.txt", "x\n");
	struct client *a = test_client("Alice", 1, d, 60, 12);
	struct frame *f = frame_create(60, 12);
	size_t last = cmd_count - 1;
	char name[128];

	a->overlay = &overlay_palette;
	palette_open(&a->palette, cmd_table, cmd_count);
	palette_move(&a->palette, 100, render_text_height(server, a));
	/* Nine rows of commands show: the last nine of the table. */
	assert_int_equal(a->palette.sel, last);
	assert_int_equal(a->palette.top, last - 8);
	test_render(a, f);
	assert_cmd_row(
	    f, 1, last - 8, cmd_name_args(last - 8, name, sizeof name));
	assert_cmd_row(f, 9, last, cmd_name_args(last, name, sizeof name));
	assert_true(frame_cell(f, 40, 9)->attr & CELL_REVERSE);
	assert_false(frame_cell(f, 40, 8)->attr & CELL_REVERSE);

	/* A chat pane takes a row from the overlay: the chosen one still
	 * shows, on the last row above the chat. */
	test_chat("Bob", 2, 0, "hi");
	test_render(a, f);
	assert_cmd_row(
	    f, 1, last - 7, cmd_name_args(last - 7, name, sizeof name));
	assert_cmd_row(f, 8, last, cmd_name_args(last, name, sizeof name));
	assert_true(frame_cell(f, 40, 8)->attr & CELL_REVERSE);
	assert_row(f, 9, "22:13 Bob: hi");
	assert_row(f, 10, " a.txt  1:1");
	frame_free(f);
}

/* A pop-up: title, lines (a heading bold), footer; no cursor. */
static void
test_popup(void **state)
{
	struct doc *d = test_doc("a.txt", "hello\nworld\n");
	struct client *a = test_client("Alice", 1, d, 50, 12);
	struct client *b = test_client("Bob", 2, d, 50, 12);
	struct frame *f = frame_create(50, 12);
	unsigned x, y;

	b->view->cursor = 1;
	a->overlay = &overlay_popup;
	popup_open(&a->popup, "Who is here");
	popup_add(&a->popup, "%cPeople:", POPUP_BOLD);
	popup_add(&a->popup, "Alice  a.txt:1\nBob  a.txt:1");
	popup_add(&a->popup, "Eve\x1b[2J  \xff");
	test_render(a, f);
	assert_row(f, 0, " Who is here");
	for (x = 0; x < 50; x++) {
		assert_true(frame_cell(f, x, 0)->attr & CELL_REVERSE);
		assert_true(frame_cell(f, x, 0)->attr & CELL_BOLD);
	}
	assert_row(f, 1, "People:");
	assert_int_equal(frame_cell(f, 0, 1)->attr, CELL_BOLD);
	assert_row(f, 2, "Alice  a.txt:1");
	assert_int_equal(frame_cell(f, 0, 2)->attr, 0);
	assert_row(f, 3, "Bob  a.txt:1");
	assert_row(f, 4, "Eve^[[2J  \\xff");
	assert_row(f, 5, "");
	assert_row(f, 9, " Esc closes");
	assert_int_equal(frame_cell(f, 1, 9)->attr, CELL_DIM);
	assert_false(f->cursor_visible);
	for (y = 0; y < 10; y++)
		assert_false(row_tinted(f, y));
	assert_row(f, 10, " a.txt  1:1");
	assert_row(f, 11, "Alice a.txt:1  Bob a.txt:1");
	frame_free(f);
}

/* A pop-up line's action that does nothing (rendering only). */
static void
test_act(struct client *c, const char *arg)
{
}

/* A long pop-up: the page shown, the footer's position, and the top
 * clamped to the last full page. */
static void
test_popup_scrolled(void **state)
{
	struct doc *d = test_doc("a.txt", "x\n");
	struct client *a = test_client("Alice", 1, d, 50, 12);
	struct frame *f = frame_create(50, 12);
	struct key_event k;
	int i;

	a->overlay = &overlay_popup;
	popup_open(&a->popup, "Chat");
	for (i = 1; i <= 20; i++)
		popup_add(&a->popup, "line %d", i);
	test_render(a, f);
	assert_row(f, 1, "line 1");
	assert_row(f, 8, "line 8");
	assert_row(f, 9, " Esc closes  PgUp/PgDn scroll (1-8 of 20)");
	assert_int_equal(frame_cell(f, 20, 9)->attr, CELL_DIM);

	memset(&k, 0, sizeof k);
	k.code = KEYC_PGDN;
	assert_int_equal(popup_key(&a->popup, &k, 10), POPUP_KEPT);
	test_render(a, f);
	assert_row(f, 1, "line 9");
	assert_row(f, 8, "line 16");
	assert_row(f, 9, " Esc closes  PgUp/PgDn scroll (9-16 of 20)");

	/* Past the end (chat scrolled "to the end"): the last full page. */
	a->popup.top = 1000;
	test_render(a, f);
	assert_row(f, 1, "line 13");
	assert_row(f, 8, "line 20");
	assert_row(f, 9, " Esc closes  PgUp/PgDn scroll (13-20 of 20)");

	/* With a chat row the pop-up is a row shorter. */
	test_chat("Bob", 2, 0, "hi");
	test_render(a, f);
	assert_row(f, 1, "line 14");
	assert_row(f, 7, "line 20");
	assert_row(f, 8, " Esc closes  PgUp/PgDn scroll (14-20 of 20)");
	assert_row(f, 9, "22:13 Bob: hi");
	assert_row(f, 10, " a.txt  1:1");

	/* Lines with actions: the selected one across the whole row in
	 * reverse, and the footer says Enter opens. */
	popup_open(&a->popup, "Since your last visit");
	popup_add(&a->popup, "%cFiles changed:", POPUP_BOLD);
	popup_add(&a->popup, "  a.txt (Bob)");
	popup_act(&a->popup, test_act, "a.txt:1");
	popup_add(&a->popup, "  b.txt (Bob)");
	popup_act(&a->popup, test_act, "b.txt:1");
	k.code = KEYC_DOWN;
	assert_int_equal(popup_key(&a->popup, &k, 9), POPUP_KEPT);
	test_render(a, f);
	assert_row(f, 1, "Files changed:");
	assert_row(f, 2, "  a.txt (Bob)");
	assert_row(f, 3, "  b.txt (Bob)");
	assert_int_equal(frame_cell(f, 0, 2)->attr, 0);
	assert_int_equal(frame_cell(f, 2, 3)->attr, CELL_REVERSE);
	assert_int_equal(frame_cell(f, 40, 3)->attr, CELL_REVERSE);
	assert_row(f, 8, " Enter opens  Esc closes");
	frame_free(f);
}

/* The mouse in a pop-up (server-mouse.c): the wheel scrolls it, keeping
 * the selection on a line shown; a click on a line with an action picks
 * it; the title, the footer, headings and the rows below do nothing. */
static void
test_popup_mouse(void **state)
{
	struct doc *d = test_doc("a.txt", "x\n");
	struct client *a = test_client("Alice", 1, d, 50, 12);
	struct key_event k;
	size_t i;

	a->overlay = &overlay_popup;
	popup_open(&a->popup, "Since your last visit");
	popup_add(&a->popup, "%cFiles changed:", POPUP_BOLD);
	for (i = 1; i <= 20; i++) {
		popup_add(&a->popup, "  file%zu.txt", i);
		popup_act(&a->popup, test_act, "a.txt:1");
	}
	/* 10 text rows: title, 8 lines (1-8), footer; selection on 1. */
	assert_int_equal(render_text_height(server, a), 10);
	assert_int_equal(a->popup.sel, 1);

	memset(&k, 0, sizeof k);
	k.code = KEYC_MOUSE;
	k.mouse = KEYS_MOUSE_PRESS;
	k.x = 4;
	k.y = 3; /* line 2: file2.txt */
	server_mouse_key(a, &k);
	assert_int_equal(a->popup.sel, 2);
	k.y = 1; /* the heading: no action */
	server_mouse_key(a, &k);
	assert_int_equal(a->popup.sel, 2);
	k.y = 0; /* the title */
	server_mouse_key(a, &k);
	k.y = 9; /* the footer */
	server_mouse_key(a, &k);
	k.y = 10; /* the status row */
	server_mouse_key(a, &k);
	assert_int_equal(a->popup.sel, 2);
	k.button = KEYS_BUTTON_RIGHT;
	k.y = 5;
	server_mouse_key(a, &k);
	assert_int_equal(a->popup.sel, 2);

	/* The wheel: three lines a turn; the selection comes along to the
	 * first line shown, and back to the last going up. */
	k.button = 0;
	k.mouse = KEYS_MOUSE_WHEEL_DOWN;
	server_mouse_key(a, &k);
	assert_int_equal(a->popup.top, 3);
	assert_int_equal(a->popup.sel, 3);
	for (i = 0; i < 10; i++)
		server_mouse_key(a, &k);
	assert_int_equal(a->popup.top, 13); /* the last full page */
	assert_int_equal(a->popup.sel, 13);
	k.mouse = KEYS_MOUSE_WHEEL_UP;
	for (i = 0; i < 3; i++)
		server_mouse_key(a, &k);
	assert_int_equal(a->popup.top, 4);
	assert_int_equal(a->popup.sel, 11);
	k.mouse = KEYS_MOUSE_PRESS;
	k.y = 8; /* the eighth line shown: 4 + 7 */
	server_mouse_key(a, &k);
	assert_int_equal(a->popup.sel, 11);
	k.y = 1;
	server_mouse_key(a, &k);
	assert_int_equal(a->popup.sel, 4);

	/* `mouse off`: nothing. */
	a->mouse_off = 1;
	k.y = 2;
	server_mouse_key(a, &k);
	assert_int_equal(a->popup.sel, 4);
}

/*
 * The reference for test_long_lines: how the text area was drawn before
 * the column index, each line copied whole and walked from its start.
 */
static void
ref_line(struct frame *f, unsigned y, const char *s, size_t len, size_t left)
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
			if (u.kind == LAYOUT_CHAR) {
				if (u.col < left ||
				    u.col + u.width > left + f->cols)
					frame_put(f, x, y, ' ', 0, 0, 0, 0);
				else if (i == 0)
					frame_put(
					    f, x, y, u.cp, u.comb, 0, 0, 0);
			} else if (u.kind == LAYOUT_TAB)
				frame_put(f, x, y, ' ', 0, 0, 0, 0);
			else
				frame_put(f, x, y, (unsigned char)u.glyph[i], 0,
				    0, 0, CELL_DIM);
		}
	}
}

static void
ref_select(struct frame *f, unsigned y, const char *s, size_t len, size_t start,
    int nl, size_t left, size_t from, size_t to, int own, uint8_t colour)
{
	struct layout_unit u;
	size_t lo, hi, off = 0, col = 0, c0 = 0, c1 = 0, i;
	int any = 0, newline;
	struct cell *cell;

	if (to <= start || from > start + len)
		return;
	lo = from > start ? from - start : 0;
	hi = to - start < len ? to - start : len;
	newline = nl && from <= start + len && to > start + len;
	if (lo >= hi && !newline)
		return;
	while (layout_next(s, len, off, col, &u)) {
		if (u.off >= hi && !newline)
			break;
		if (u.off + u.len > lo && u.off < hi) {
			if (!any)
				c0 = u.col;
			c1 = u.col + u.width;
			any = 1;
		}
		off += u.len;
		col += u.width;
	}
	if (newline) {
		if (!any)
			c0 = col;
		c1 = col + 1;
		any = 1;
	}
	for (i = c0 > left ? c0 : left; any && i < c1 && i < left + f->cols;
	     i++) {
		cell = frame_touch(f, i - left, y);
		if (own)
			cell->attr |= CELL_REVERSE;
		else {
			cell->fg = FRAME_DEFAULT;
			cell->bg = COLOUR_PERSON(colour);
		}
	}
}

/* A line's bytes, copied whole; its column of off. */
static char *
ref_bytes(const struct buffer *b, size_t line, size_t *len)
{
	size_t start = buffer_line_start(b, line);
	char *s;

	*len = buffer_line_end(b, line) - start;
	s = xmalloc(*len + 1);
	buffer_copy(b, start, *len, s);
	return s;
}

static size_t
ref_col(const struct view *v)
{
	const struct buffer *b = v->doc->buf;
	size_t line = buffer_line_of(b, v->cursor), len, col;
	char *s = ref_bytes(b, line, &len);

	col = layout_col_of(s, len, v->cursor - buffer_line_start(b, line));
	free(s);
	return col;
}

/* The text area c should see, drawn the old way into f. */
static void
ref_text(const struct client *c, struct frame *f, unsigned height)
{
	const struct view *v = c->view, *ov;
	const struct buffer *b = v->doc->buf;
	const struct client *o;
	size_t nlines = buffer_lines(b), line, start, len, from, to, col;
	struct cell *cell;
	unsigned x, y;
	char *s;

	frame_clear(f);
	for (y = 0; y < height && v->top + y < nlines; y++) {
		line = v->top + y;
		s = ref_bytes(b, line, &len);
		start = buffer_line_start(b, line);
		ref_line(f, y, s, len, v->left);
		TAILQ_FOREACH (o, &server->clients, entry) {
			if (o != c && view_selection(o->view, &from, &to))
				ref_select(f, y, s, len, start,
				    line + 1 < nlines, v->left, from, to, 0,
				    o->colour);
		}
		if (view_selection(v, &from, &to))
			ref_select(f, y, s, len, start, line + 1 < nlines,
			    v->left, from, to, 1, 0);
		free(s);
	}
	TAILQ_FOREACH (o, &server->clients, entry) {
		ov = o->view;
		line = view_line(ov);
		col = ref_col(ov);
		if (o == c || line < v->top || line >= v->top + height ||
		    col < v->left || col >= v->left + f->cols)
			continue;
		x = col - v->left;
		cell = frame_touch(f, x, line - v->top);
		if ((cell->attr & CELL_CONT) && x > 0)
			cell = frame_touch(f, --x, line - v->top);
		cell->bg = COLOUR_PERSON(o->colour);
		cell->fg = FRAME_DEFAULT;
		if (cell->attr & CELL_WIDE)
			frame_touch(f, x + 1, line - v->top)->bg =
			    COLOUR_PERSON(o->colour);
	}
}

/* Random text for long lines: every kind of unit, cut sequences too. */
static char *
long_text(uint32_t *seed, size_t n, size_t *len)
{
	static const char *pieces[] = {"abcdefgh", "x", "\t", "\x01", "\x7f",
	    "\xff", "\xe6\xbc", "\xe6\xbc\xa2", "\xcc\x81", "e\xcc\x81\xcc\x81",
	    "\xc2\x85", "\xf0\x9f\x98\x80", "\xe2\x80\xae", " "};
	char *s = xmalloc(n + 16);
	const char *p;

	*len = 0;
	while (*len < n) {
		*seed = *seed * 1103515245 + 12345;
		p = pieces[(*seed >> 16) % (sizeof pieces / sizeof pieces[0])];
		memcpy(s + *len, p, strlen(p));
		*len += strlen(p);
	}
	s[*len] = '\0';
	return s;
}

/*
 * Long lines (past COLINDEX_MIN_LINE) with every kind of unit, three
 * people with cursors and selections anywhere, scrolled anywhere, and
 * edits between frames: every cell of the text area, the cursor and the
 * status column are what walking each line from its start gives.
 */
static void
test_long_lines(void **state)
{
	struct doc *d = test_doc("min.js", "");
	struct client *c[3], *a;
	struct frame *f = frame_create(50, 12), *ref = frame_create(50, 12);
	uint32_t seed = 77;
	size_t len, n, i, width, lines, line, x;
	unsigned height, y;
	struct op op;
	char *text, *want, pos[64], *row;
	int round;

	colindex_free(d->colindex);
	d->colindex = colindex_create(COLINDEX_MIN_LINE, COLINDEX_SPACING);
	c[0] = a = test_client("Alice", 1, d, 50, 12);
	c[1] = test_client("Bob", 2, d, 50, 12);
	c[2] = test_client("Carol", 3, d, 50, 12);
	for (i = 0; i < 4; i++) {
		text = long_text(&seed, i % 2 == 0 ? 20000 : 20, &len);
		buffer_insert(d->buf, buffer_length(d->buf), text, len);
		buffer_insert(d->buf, buffer_length(d->buf), "\n", 1);
		free(text);
	}
	height = render_text_height(server, a);

	for (round = 0; round < 150; round++) {
		seed = seed * 1103515245 + 12345;
		lines = buffer_lines(d->buf);
		for (i = 0; i < 3; i++) {
			seed = seed * 1103515245 + 12345;
			line = (seed >> 8) % lines;
			n = buffer_line_end(d->buf, line) -
			    buffer_line_start(d->buf, line);
			/* Near the end of the line, often. */
			x = (seed >> 4) % 3 == 0
			        ? (seed >> 12) % (n + 1)
			        : n - (seed >> 12) % (n / 50 + 1);
			c[i]->view->cursor =
			    buffer_line_start(d->buf, line) + x;
			c[i]->view->selecting = (seed >> 20) % 2;
			c[i]->view->anchor =
			    c[i]->view->cursor - (seed >> 10) %
			                             (c[i]->view->cursor + 1) /
			                             (1 + (seed >> 21) % 40);
			if ((seed >> 22) % 2 == 0)
				view_move_right(c[i]->view);
		}
		a->view->top = 0;
		a->view->left = 0;
		view_scroll_to_cursor(a->view, f->cols, height);
		if (round % 4 == 1) {
			/* Scrolled anywhere. */
			width = colindex_width(
			    d->colindex, d->buf, view_line(a->view));
			a->view->left = (seed >> 3) % (width + 10);
		}

		test_render(a, f);
		ref_text(a, ref, height);
		for (y = 0; y < height; y++) {
			if (!frame_row_equal(f, ref, y)) {
				row = frame_text(f);
				want = frame_text(ref);
				fail_msg("round %d, row %u:\n%s\nwant\n%s",
				    round, y, row, want);
			}
		}
		snprintf(pos, sizeof pos, "%zu:%zu", view_line(a->view) + 1,
		    ref_col(a->view) + 1);
		row = row_text(f, f->rows - 2);
		assert_non_null(strstr(row, pos));
		free(row);
		if (ref_col(a->view) >= a->view->left &&
		    ref_col(a->view) < a->view->left + f->cols &&
		    view_line(a->view) >= a->view->top &&
		    view_line(a->view) < a->view->top + height)
			assert_int_equal(
			    f->cx, ref_col(a->view) - a->view->left);

		/* Someone edits: typing, a paste, a cut across anything. */
		memset(&op, 0, sizeof op);
		op.doc = d;
		op.author = c[round % 3];
		op.pos = c[round % 3]->view->cursor;
		text = long_text(&seed, round % 5 == 0 ? 3000 : 1, &len);
		op.ins = text;
		op.ins_len = len;
		n = buffer_length(d->buf) - op.pos;
		op.del_len = round % 3 == 0 ? (seed >> 9) % 50 : 0;
		if (op.del_len > n)
			op.del_len = n;
		want = xmalloc(op.del_len + 1);
		buffer_copy(d->buf, op.pos, op.del_len, want);
		op.del = want;
		doc_apply(&op);
		free(want);
		free(text);
	}
	/* The index was used. */
	assert_true(colindex_lines(d->colindex) > 0);
	frame_free(f);
	frame_free(ref);
}

/* Type text at a person's cursor, as a key would. */
static void
type_at(struct client *c, const char *text)
{
	struct op op;

	memset(&op, 0, sizeof op);
	op.doc = c->view->doc;
	op.author = c;
	op.pos = c->view->cursor;
	op.ins = text;
	op.ins_len = strlen(text);
	doc_apply(&op);
}

/*
 * The cost of a frame does not depend on the line's length: eleven people
 * at the end of a 4 MB line, one typing there, then one at its start. Each
 * keystroke and the eleven frames it causes read at most RENDER_READ bytes
 * from the buffer per frame (laying the line out the first time reads it
 * once). Walking the line from its start read all of it for every row and
 * every cursor on it: 4 MB times twelve, eleven times per keystroke.
 */
#define RENDER_READ (16 * 1024)
static void
test_long_line_reads(void **state)
{
	size_t big = 4 * 1024 * 1024, i, before, read;
	struct client *c[11];
	struct frame *f = frame_create(80, 24);
	struct doc *d;
	char *text, name[16];
	int round;

	text = xmalloc(big + 2);
	for (i = 0; i < big; i++)
		text[i] = "var a=b\t+c;"[i % 11];
	text[big] = '\n';
	text[big + 1] = '\0';
	d = test_doc("min.js", text);
	free(text);
	colindex_free(d->colindex);
	d->colindex = colindex_create(COLINDEX_MIN_LINE, COLINDEX_SPACING);
	for (i = 0; i < 11; i++) {
		snprintf(name, sizeof name, "P%zu", i);
		c[i] = test_client(name, 1 + i % 8, d, 80, 24);
		view_move_end(c[i]->view);
		view_scroll_to_cursor(c[i]->view, 80, 20);
		test_render(c[i], f);
	}
	for (round = 0; round < 20; round++) {
		if (round == 10) {
			/* The typist goes to the start: everyone else moves. */
			view_move_home(c[0]->view);
			view_scroll_to_cursor(c[0]->view, 80, 20);
		}
		before = buffer_copied();
		type_at(c[0], "x");
		view_scroll_to_cursor(c[0]->view, 80, 20);
		for (i = 0; i < 11; i++)
			test_render(c[i], f);
		read = buffer_copied() - before;
		if (read > 11 * RENDER_READ)
			fail_msg("round %d: a keystroke and 11 frames read %zu "
			         "bytes of a %zu-byte line",
			    round, read, big);
	}
	/* And the columns are right: P1 where the line ended before. */
	text = buffer_contents(d->buf, &i);
	assert_int_equal(view_col(c[1]->view),
	    layout_col_of(
	        text, buffer_line_end(d->buf, 0), c[1]->view->cursor));
	assert_int_equal(c[1]->view->cursor, big + 10);
	free(text);
	frame_free(f);
}

/*
 * Syntax colours. A small definition in nano's format, written here (the
 * tests do not need nano installed): keywords green, start/end comments
 * bright blue, TODO in nano's "lagoon".
 */
static const char test_nanorc[] =
    "## A test syntax.\n"
    "syntax c \"\\.c$\"\n"
    "color green \"\\<(int|return)\\>\"\n"
    "color brightblue start=\"/\\*\" end=\"\\*/\"\n"
    "color lagoon,red \"\\<TODO\\>\"\n";

/* A .c document with the test syntax's colours. */
static struct doc *
test_c_doc(const char *text)
{
	struct doc *d = test_doc("x.c", text);

	if (server->syntaxes == NULL) {
		server->syntaxes = syntax_set_create();
		assert_int_equal(syntax_parse(server->syntaxes, "test.nanorc",
		                     test_nanorc, strlen(test_nanorc)),
		    0);
	}
	d->highlight = highlight_create(
	    syntax_find(server->syntaxes, d->path, text, strlen(text)));
	return d;
}

/* The cell at x, y has syntax colour want (-1: none). */
#define assert_syntax(f, x, y, want) assert_syntax_at(f, x, y, want, __LINE__)
static void
assert_syntax_at(
    const struct frame *f, unsigned x, unsigned y, int want, int line)
{
	const struct cell *c = frame_cell(f, x, y);
	int got =
	    COLOUR_TAG(c->fg) == COLOUR_T_256 ? (int)COLOUR_INDEX(c->fg) : -1;

	if (got != want)
		fail_msg("line %d: cell %u,%u ('%c'): syntax colour %d, not %d",
		    line, x, y, c->ch < 128 ? (int)c->ch : '?', got, want);
}

/* A keyword in green (2), the rest not coloured, a background ignored. */
static void
test_syntax_keyword(void **state)
{
	struct doc *d = test_c_doc("int a; /* TODO */\nreturn b;\n");
	struct client *a = test_client("Alice", 1, d, 40, 6);
	struct frame *f = frame_create(40, 6);

	test_render(a, f);
	assert_row(f, 0, "int a; /* TODO */");
	assert_syntax(f, 0, 0, 2);
	assert_syntax(f, 2, 0, 2);
	assert_syntax(f, 3, 0, -1);
	assert_syntax(f, 4, 0, -1);
	/* The comment, its TODO painted over it (later rules win) in
	 * lagoon (38), without nano's red background. */
	assert_syntax(f, 7, 0, 12);
	assert_syntax(f, 10, 0, 38);
	assert_int_equal(frame_cell(f, 10, 0)->bg, 0);
	assert_syntax(f, 15, 0, 12);
	assert_syntax(f, 0, 1, 2);
	assert_syntax(f, 5, 1, 2);
	assert_syntax(f, 7, 1, -1);
	/* Status and presence rows have none. */
	assert_syntax(f, 1, 4, -1);
	assert_syntax(f, 0, 5, -1);
	frame_free(f);
}

/*
 * A comment over several lines: the state carries from line to line, an
 * edit that ends the comment early uncolours the lines below (the states
 * remembered after it are forgotten), and the view scrolled down starts
 * in the right state without the lines above on screen.
 */
static void
test_syntax_comment_lines(void **state)
{
	struct doc *d = test_c_doc("a /* one\ntwo int\nthree */ b\nc\n");
	struct client *a = test_client("Alice", 1, d, 40, 8);
	struct frame *f = frame_create(40, 8);

	test_render(a, f);
	assert_syntax(f, 0, 0, -1);
	assert_syntax(f, 2, 0, 12);
	assert_syntax(f, 7, 0, 12);
	assert_syntax(f, 0, 1, 12);
	assert_syntax(f, 4, 1, 12); /* "int" inside: the comment wins */
	assert_syntax(f, 0, 2, 12);
	assert_syntax(f, 7, 2, 12);
	assert_syntax(f, 9, 2, -1);
	assert_syntax(f, 0, 3, -1);

	/* Scrolled: line 1 at the top, still inside the comment. */
	a->view->top = 1;
	test_render(a, f);
	assert_row(f, 0, "two int");
	assert_syntax(f, 0, 0, 12);
	assert_syntax(f, 9, 1, -1);

	/* "*" "/" typed at the start of line 1 ends it there. */
	a->view->top = 0;
	a->view->cursor = 9;
	type_at(a, "*/");
	test_render(a, f);
	assert_row(f, 1, "*/two int");
	assert_syntax(f, 1, 1, 12);
	assert_syntax(f, 2, 1, -1);
	assert_syntax(f, 6, 1, 2);
	assert_syntax(f, 0, 2, -1);
	/* "three", then the old end: it closes nothing, "b" stays plain. */
	assert_syntax(f, 9, 2, -1);
	frame_free(f);
}

/*
 * The look-back bound: a comment opened more than HIGHLIGHT_SYNC lines
 * above the first line ever shown is not seen (the walk starts at most
 * that far up, assuming nothing open). Shown from the top first, the
 * states are remembered and the same lines are coloured.
 */
static void
test_syntax_sync(void **state)
{
	size_t n = HIGHLIGHT_SYNC * 3, i;
	char *text = xmalloc(n * 2 + 8), *p = text;
	struct client *a;
	struct frame *f = frame_create(40, 8);
	struct doc *d;

	p += sprintf(p, "/*\n");
	for (i = 0; i < n; i++)
		p += sprintf(p, "x\n");
	d = test_c_doc(text);
	free(text);
	a = test_client("Alice", 1, d, 40, 8);
	a->view->top = n - 10;
	test_render(a, f);
	assert_row(f, 0, "x");
	assert_syntax(f, 0, 0, -1);

	highlight_free(d->highlight);
	d->highlight =
	    highlight_create(syntax_find(server->syntaxes, "x.c", "", 0));
	for (a->view->top = 0; a->view->top < n - 10; a->view->top += 500)
		test_render(a, f);
	a->view->top = n - 10;
	test_render(a, f);
	assert_syntax(f, 0, 0, 12);
	frame_free(f);
}

/*
 * Typing does not colour the screen again: three people look at the
 * middle of a long file, one types; per keystroke only the edited line is
 * coloured anew (one miss in the table), whoever's frame comes first.
 */
static void
test_syntax_typing(void **state)
{
	size_t n = 2000, i;
	char *text = xmalloc(n * 32), *p = text;
	struct client *c[3];
	struct frame *f = frame_create(80, 24);
	uint64_t hits0, misses0, hits1, misses1;
	struct doc *d;
	int k;

	for (i = 0; i < n; i++)
		p += sprintf(p, "int v%zu = %zu; /* n */\n", i, i);
	d = test_c_doc(text);
	free(text);
	for (k = 0; k < 3; k++) {
		c[k] = test_client(k == 0   ? "A"
		                   : k == 1 ? "B"
		                            : "C",
		    k + 1, d, 80, 24);
		c[k]->view->top = 1000;
		c[k]->view->cursor = buffer_line_start(d->buf, 1005 + k);
		test_render(c[k], f);
	}
	for (k = 0; k < 10; k++) {
		highlight_stats(&hits0, &misses0);
		type_at(c[k % 3], "x");
		test_render(c[(k + 1) % 3], f);
		test_render(c[(k + 2) % 3], f);
		test_render(c[k % 3], f);
		highlight_stats(&hits1, &misses1);
		assert_int_equal(misses1 - misses0, 1);
	}
	assert_syntax(f, 1, 10, 2);
	frame_free(f);
}

/* People's cursors and selections win over syntax colours. */
static void
test_syntax_cursor_selection(void **state)
{
	struct doc *d = test_c_doc("int a;\nreturn b;\n");
	struct client *a = test_client("Alice", 1, d, 40, 6);
	struct client *b = test_client("Bob", 3, d, 40, 6);
	struct client *c = test_client("Carol", 5, d, 40, 6);
	struct frame *f = frame_create(40, 6);
	const struct cell *cell;

	b->view->cursor = 1; /* on the 'n' of int */
	/* Carol selects "ret", Alice "urn". */
	c->view->cursor = 7;
	view_select_start(c->view);
	c->view->cursor = 10;
	a->view->cursor = 10;
	view_select_start(a->view);
	a->view->cursor = 13;
	test_render(a, f);
	cell = frame_cell(f, 1, 0);
	assert_int_equal(cell->bg, COLOUR_PERSON(3));
	assert_int_equal(cell->fg, 0);
	assert_syntax(f, 0, 0, 2);
	assert_syntax(f, 2, 0, 2);
	cell = frame_cell(f, 1, 1);
	assert_int_equal(cell->bg, COLOUR_PERSON(5));
	assert_int_equal(cell->fg, 0);
	cell = frame_cell(f, 4, 1);
	assert_true(cell->attr & CELL_REVERSE);
	assert_int_equal(cell->fg, 0);
	frame_free(f);
}

/* `syntax off` takes colours off that person's frames only. */
static void
test_syntax_off(void **state)
{
	struct doc *d = test_c_doc("int a;\n");
	struct client *a = test_client("Alice", 1, d, 40, 6);
	struct client *b = test_client("Bob", 2, d, 40, 6);
	struct frame *f = frame_create(40, 6);
	unsigned x;

	a->syntax_off = 1;
	test_render(a, f);
	for (x = 0; x < 6; x++)
		assert_syntax(f, x, 0, -1);
	test_render(b, f);
	assert_syntax(f, 2, 0, 2); /* (Alice's cursor is on the 'i') */
	a->syntax_off = 0;
	test_render(a, f);
	assert_syntax(f, 2, 0, 2);
	frame_free(f);
}

/* Syntax colours on 256- and 8-colour terminals, and nano's names. */
static void
test_syntax_colours(void **state)
{
	short c;
	int bright;

	assert_int_equal(syntax_colour("green"), 2);
	assert_int_equal(syntax_colour("brightblue"), 12);
	assert_int_equal(syntax_colour("lightred"), 9);
	assert_int_equal(syntax_colour("lagoon"), 38);
	assert_int_equal(syntax_colour("#0af"), 16 + 0 + 6 * 3 + 5);
	assert_int_equal(syntax_colour("normal"), -1);
	assert_int_equal(syntax_colour("chartreuse"), -2);
	assert_int_equal(syntax_colour("#12"), -2);

	/* 256 colours: the index itself. */
	colour_syntax_map(38, 256, &c, &bright);
	assert_int_equal(c, 38);
	assert_int_equal(bright, 0);
	colour_syntax_map(12, 256, &c, &bright);
	assert_int_equal(c, 12);
	/* 8 colours: the eight as they are, bright ones bold, the rest the
	 * nearest of the eight. */
	colour_syntax_map(2, 8, &c, &bright);
	assert_int_equal(c, 2);
	assert_int_equal(bright, 0);
	colour_syntax_map(12, 8, &c, &bright);
	assert_int_equal(c, 4);
	assert_int_equal(bright, 1);
	colour_syntax_map(38, 8, &c, &bright); /* lagoon: cyan */
	assert_int_equal(c, 6);
	colour_syntax_map(208, 8, &c, &bright); /* orange: red/yellow */
	assert_true(c == 1 || c == 3);
	colour_syntax_map(196, 8, &c, &bright); /* pure red */
	assert_int_equal(c, 1);
	colour_syntax_map(250, 8, &c, &bright); /* light grey */
	assert_int_equal(c, 7);
	/* No colours at all: none. */
	colour_syntax_map(2, 2, &c, &bright);
	assert_int_equal(c, -1);
}

/* Any cell colour on what the terminal has: the default as -1, a person
 * colour as ever, a 256-colour one as itself or the nearest of 8, an RGB
 * one as the nearest 256-colour one (or of 8). */
static void
test_colour_cell_map(void **state)
{
	short c;
	int bright;

	colour_cell_map(COLOUR_DEFAULT, 256, &c, &bright);
	assert_int_equal(c, -1);
	colour_cell_map(COLOUR_PERSON(1), 256, &c, &bright);
	assert_int_equal(c, 196);
	colour_cell_map(COLOUR_PERSON(7), 8, &c, &bright);
	assert_int_equal(c, 3);
	assert_true(bright);
	colour_cell_map(COLOUR_256(38), 256, &c, &bright);
	assert_int_equal(c, 38);
	colour_cell_map(COLOUR_256(12), 8, &c, &bright);
	assert_int_equal(c, 4);
	assert_true(bright);
	/* Cube colours exactly, and near them. */
	colour_cell_map(COLOUR_RGB(0xff, 0, 0), 256, &c, &bright);
	assert_int_equal(c, 196);
	colour_cell_map(COLOUR_RGB(0x5f, 0x87, 0xaf), 256, &c, &bright);
	assert_int_equal(c, 67);
	colour_cell_map(COLOUR_RGB(0x60, 0x85, 0xb0), 256, &c, &bright);
	assert_int_equal(c, 67);
	/* Greys: the ramp is closer than the cube. */
	colour_cell_map(COLOUR_RGB(0x80, 0x80, 0x80), 256, &c, &bright);
	assert_int_equal(c, 244);
	colour_cell_map(COLOUR_RGB(0, 0, 0), 256, &c, &bright);
	assert_int_equal(c, 16);
	colour_cell_map(COLOUR_RGB(0xee, 0xee, 0xee), 256, &c, &bright);
	assert_int_equal(c, 255);
	/* On 8 colours: red, and a light blue made bold. */
	colour_cell_map(COLOUR_RGB(0xd0, 0x10, 0x10), 8, &c, &bright);
	assert_int_equal(c, 1);
	colour_cell_map(COLOUR_RGB(0x80, 0x80, 0xff), 8, &c, &bright);
	assert_int_equal(c, 4);
	assert_true(bright);
	/* None without colours; nonsense tags as the default. */
	colour_cell_map(COLOUR_RGB(0xff, 0, 0), 2, &c, &bright);
	assert_int_equal(c, -1);
	colour_cell_map(0x7f000001, 256, &c, &bright);
	assert_int_equal(c, -1);
}

/* Every overlay takes keys, says what it takes, and draws something (over
 * the text, or on the status row); every pane mode does all its parts. */
static void
test_overlay_table(void **state)
{
	const struct overlay *all[] = {&overlay_picker, &overlay_find,
	    &overlay_goto, &overlay_palette, &overlay_chat, &overlay_commit,
	    &overlay_popup, &overlay_name};
	const struct pane_mode *modes[] = {
	    &server_pane_doc_mode, &server_term_mode};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		assert_non_null(all[i]->name);
		assert_non_null(all[i]->key);
		assert_non_null(all[i]->hint);
		assert_true(all[i]->draw != NULL || all[i]->label != NULL);
		assert_true(!all[i]->whole || all[i]->draw != NULL);
		assert_true(overlay_is_hint(all[i]->hint));
	}
	assert_false(overlay_is_hint("slow down"));
	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		assert_non_null(modes[i]->draw);
		assert_non_null(modes[i]->title);
		assert_non_null(modes[i]->free);
		assert_non_null(modes[i]->key);
		assert_non_null(modes[i]->paste);
		assert_non_null(modes[i]->mouse);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_text_status_presence, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_presence_roles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_too_small, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_inert_and_wide, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_notice_expires, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shift, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_own_selection, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_selection_wide_and_scrolled, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_other_selection, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_status_flags, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_margin, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_find_prompt, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_find_prompt_long, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_find_count, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_selection_shift, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_goto_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chat_one, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chat_three, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bidi_inert, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chat_inert, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chat_small, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_say_prompt, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_say_prompt_long, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_palette_overlay, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_palette_scrolled, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_popup, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_popup_scrolled, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_lines, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_long_line_reads, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_syntax_keyword, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_syntax_comment_lines, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_syntax_sync, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_syntax_typing, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_syntax_cursor_selection, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_syntax_off, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_syntax_colours, setup, teardown),
	    cmocka_unit_test(test_colour_cell_map),
	    cmocka_unit_test(test_overlay_table),
	    cmocka_unit_test_setup_teardown(test_popup_mouse, setup, teardown),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
