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
		free(c->find_last);
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
			on = cell->bg == colour && cell->fg == FRAME_DEFAULT;
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
	c->view.selecting = 1;
	c->view.anchor = anchor;
	c->view.cursor = cursor;
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
	render_client(server, a, f);
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
	render_client(server, a, f);
	assert_sel(f, 0, 0, " ##########");
	assert_sel(f, 1, 0, "#");
	assert_sel(f, 2, 0, "##");
	assert_int_equal(f->cx, 1);
	assert_int_equal(f->cy, 0);

	/* Up to the end of a line: no newline cell. */
	select_range(a, 3, 5);
	render_client(server, a, f);
	assert_sel(f, 0, 0, "        ##");
	assert_sel(f, 1, 0, "");
	/* Only the tab. */
	select_range(a, 2, 3);
	render_client(server, a, f);
	assert_sel(f, 0, 0, "  ######");
	/* Only newlines: after d, and the empty line. */
	select_range(a, 5, 7);
	render_client(server, a, f);
	assert_sel(f, 0, 0, "          #");
	assert_sel(f, 1, 0, "#");
	assert_sel(f, 2, 0, "");

	/* Off, or empty: nothing. */
	select_range(a, 4, 4);
	render_client(server, a, f);
	assert_sel(f, 0, 0, "");
	a->view.selecting = 0;
	a->view.anchor = 0;
	render_client(server, a, f);
	assert_sel(f, 0, 0, "");
	assert_sel(f, 1, 0, "");
	/* The status row is reverse video, as always. */
	assert_sel(f, 4, 0, "##############################");
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
	render_client(server, a, f);
	assert_sel(f, 0, 0, "  ####");
	assert_true(frame_cell(f, 2, 0)->attr & CELL_WIDE);
	assert_true(frame_cell(f, 3, 0)->attr & CELL_CONT);
	assert_sel(f, 1, 0, "#");
	/* The last line has no newline: no extra cell. */
	select_range(a, 10, 12);
	render_client(server, a, f);
	assert_sel(f, 1, 0, "  #");
	assert_sel(f, 2, 0, "#");
	/* The selection starting inside a character takes it whole. */
	select_range(a, 1, 2);
	render_client(server, a, f);
	assert_sel(f, 0, 0, "##");

	/* Scrolled: only the visible part, at its screen place. */
	view_set_doc(&a->view, e);
	a->view.left = 5;
	a->view.top = 0;
	select_range(a, 2, 8);
	render_client(server, a, f);
	assert_row(f, 0, "56789abcdefghijklmno");
	assert_sel(f, 0, 0, "###");
	/* All of it right of the screen (with the newline): nothing. */
	select_range(a, 30, 38);
	render_client(server, a, f);
	assert_sel(f, 0, 0, "");
	assert_sel(f, 1, 0, "");
	/* Lines above the top are not drawn. */
	a->view.left = 0;
	a->view.top = 1;
	select_range(a, 0, 39);
	render_client(server, a, f);
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
	render_client(server, a, f);
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
	render_client(server, a, f);
	assert_sel(f, 0, 0, "####");
	assert_sel(f, 0, 2, "  ####");

	/* Bob sees Alice's in her colour (and her cursor after it), and his
	 * own reversed. */
	render_client(server, b, f);
	assert_sel(f, 0, 1, "#####");
	assert_sel(f, 0, 0, "  ####");
	assert_sel(f, 1, 0, "###");

	/* Someone leaving: no longer shown. */
	b->closing = 1;
	render_client(server, a, f);
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
	render_client(server, a, f);
	assert_row(f, 4, " a.bin [RO]  1:1");
	d->modified = 1;
	d->disk_changed = 1;
	render_client(server, a, f);
	assert_row(f, 4, " a.bin [+] [RO] [changed on disk]  1:1");
	d->readonly = 0;
	d->modified = 0;
	render_client(server, a, f);
	assert_row(f, 4, " a.bin [changed on disk]  1:1");
	frame_free(f);
}

static void
set_prompt(struct client *c, enum client_mode mode, const char *text, int found)
{
	c->mode = mode;
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

	set_prompt(a, CLIENT_FIND, "two", 1);
	select_range(a, 14, 17);
	render_client(server, a, f);
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
	render_client(server, b, f);
	assert_row(f, 4, " t.txt  1:1");
	assert_sel(f, 1, 1, "####");

	select_range(a, 4, 7);
	render_client(server, a, f);
	assert_row(f, 4, " Find: two                       1 of 3");
	select_range(a, 31, 28);
	render_client(server, a, f);
	assert_row(f, 4, " Find: two                       3 of 3");
	/* A selection that is no match (the text changed). */
	select_range(a, 0, 3);
	render_client(server, a, f);
	assert_row(f, 4, " Find: two                    3 matches");
	set_prompt(a, CLIENT_FIND, "four", 1);
	render_client(server, a, f);
	assert_row(f, 4, " Find: four                     1 match");

	/* Not found; nothing searched yet. */
	set_prompt(a, CLIENT_FIND, "twox", 0);
	a->view.selecting = 0;
	render_client(server, a, f);
	assert_row(f, 4, " Find: twox                   not found");
	assert_int_equal(f->cx, 11);
	set_prompt(a, CLIENT_FIND, "", -1);
	render_client(server, a, f);
	assert_row(f, 4, " Find:");
	assert_int_equal(f->cx, 7);
	assert_int_equal(f->cy, 4);

	/* The cursor is at the prompt even when the text cursor is out of
	 * view. */
	a->view.top = 2;
	render_client(server, a, f);
	assert_true(f->cursor_visible);
	assert_int_equal(f->cx, 7);
	a->view.top = 0;

	/* While finding, the count wins the right part over a notice; with
	 * nothing to count, the notice shows. */
	set_prompt(a, CLIENT_FIND, "two", 1);
	select_range(a, 14, 17);
	server->notice = xstrdup("Bob joined");
	server->notice_until = 5000;
	server->now = 1000;
	render_client(server, a, f);
	assert_row(f, 4, " Find: two                       2 of 3");
	assert_int_equal(f->cx, 10);
	set_prompt(a, CLIENT_FIND, "", -1);
	a->view.selecting = 0;
	render_client(server, a, f);
	assert_row(f, 4, " Find:                       Bob joined");
	free(server->notice);
	server->notice = NULL;

	/* What was typed is shown inert. */
	set_prompt(a, CLIENT_FIND, "\x1b[2J", 0);
	render_client(server, a, f);
	assert_row(f, 4, " Find: ^[[2J                  not found");
	assert_int_equal(f->cx, 12);

	/* Go to line. */
	set_prompt(a, CLIENT_GOTO, "12", -1);
	render_client(server, a, f);
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

	set_prompt(a, CLIENT_FIND, "abcdefghijklmnopqrstuvwxyz", 0);
	render_client(server, a, f);
	assert_row(f, 3, " Find: opqrstuvwxyz");
	assert_int_equal(f->cx, 19);
	assert_int_equal(f->cy, 3);
	/* Wide characters are never cut in half. */
	set_prompt(a, CLIENT_FIND,
	    "\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2"
	    "\xe5\xad\x97\xe6\xbc\xa2",
	    0);
	render_client(server, a, f);
	assert_row(f, 3, " Find: 字漢字漢字漢");
	assert_int_equal(f->cx, 19);
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

	set_prompt(a, CLIENT_FIND, "aa", 1);
	select_range(a, 1, 3);
	render_client(server, a, f);
	assert_row(f, 4, " Find: aa                        2 of 3");

	/* 1500 matches: counted up to 1000. */
	text = xmalloc(1500 * 3 + 1);
	for (i = 0; i < 1500; i++)
		memcpy(text + 3 * i, "ab ", 3);
	text[1500 * 3] = '\0';
	buffer_free(d->buf);
	d->buf = buffer_from(text, strlen(text));
	free(text);
	set_prompt(a, CLIENT_FIND, "ab", 1);
	select_range(a, 0, 2);
	render_client(server, a, f);
	assert_row(f, 4, " Find: ab                    1 of 1000+");
	select_range(a, 3 * 999, 3 * 999 + 2);
	render_client(server, a, f);
	assert_row(f, 4, " Find: ab                 1000 of 1000+");
	select_range(a, 3 * 1000, 3 * 1000 + 2);
	render_client(server, a, f);
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
	set_prompt(a, CLIENT_FIND, "zz", 1);
	select_range(a, 65535, 65537);
	a->view.top = buffer_lines(d->buf) - 1;
	render_client(server, a, f);
	assert_row(f, 4, " Find: zz                       2 of 3+");
	select_range(a, 4194303, 4194305);
	render_client(server, a, f);
	assert_row(f, 4, " Find: zz                       3 of 3+");
	select_range(a, 4194404, 4194406);
	render_client(server, a, f);
	assert_row(f, 4, " Find: zz                    3+ matches");
	/* No match at all in the counted part, and not found. */
	set_prompt(a, CLIENT_FIND, "zzz", 1);
	render_client(server, a, f);
	assert_row(f, 4, " Find: zzz                   0+ matches");
	buffer_free(d->buf);
	d->buf = buffer_from("abc\n", 4);
	a->view.selecting = 0;
	a->view.cursor = 0;
	a->view.top = 0;
	render_client(server, a, f);
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
	a->view.cursor = 6;
	view_select_start(&a->view);
	assert_true(a->view.selecting);
	assert_int_equal(a->view.anchor, 6);
	assert_int_equal(view_selection(&a->view, &from, &to), 0);
	view_move_end(&a->view);
	view_select_start(&a->view);
	assert_int_equal(a->view.anchor, 6);
	assert_int_equal(view_selection(&a->view, &from, &to), 1);
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
	assert_int_equal(view_selection(&a->view, &from, &to), 1);
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
	assert_int_equal(view_selection(&a->view, &from, &to), 1);
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
	assert_int_equal(view_selection(&a->view, &from, &to), 0);
	assert_true(a->view.selecting);
	assert_int_equal(a->view.anchor, 9);
	assert_int_equal(a->view.cursor, 9);
	/* A move with Shift grows it again from there. */
	view_select_start(&a->view);
	view_move_right(&a->view);
	assert_int_equal(view_selection(&a->view, &from, &to), 1);
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
	assert_int_equal(a->view.anchor, 11);
	assert_int_equal(a->view.cursor, 2);

	view_select_clear(&a->view);
	assert_false(a->view.selecting);
	assert_int_equal(view_selection(&a->view, &from, &to), 0);

	/* Offsets beyond the text (never trusted) are clamped. */
	a->view.selecting = 1;
	a->view.anchor = 1000;
	assert_int_equal(view_selection(&a->view, &from, &to), 1);
	assert_int_equal(from, 2);
	assert_int_equal(to, buffer_length(d->buf));

	/* Another document: no selection. */
	view_set_doc(&a->view, d);
	assert_false(a->view.selecting);
	assert_int_equal(a->view.anchor, 0);
}

static void
test_goto_line(void **state)
{
	struct doc *d = test_doc("a", "one\ntwo\nthree");
	struct client *a = test_client("Alice", 1, d, 40, 6);

	a->view.cursor = 2;
	a->view.goal = 2;
	view_goto_line(&a->view, 1);
	assert_int_equal(a->view.cursor, 4);
	assert_int_equal(a->view.goal, 0);
	view_goto_line(&a->view, 2);
	assert_int_equal(a->view.cursor, 8);
	view_goto_line(&a->view, 99);
	assert_int_equal(a->view.cursor, 8);
	view_goto_line(&a->view, 0);
	assert_int_equal(a->view.cursor, 0);
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
	    cmocka_unit_test_setup_teardown(
	        test_own_selection, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_selection_wide_and_scrolled, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_other_selection, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_status_flags, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_find_prompt, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_find_prompt_long, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_find_count, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_selection_shift, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_goto_line, setup, teardown),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
