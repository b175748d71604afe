/* test-prompt.c: unit tests of the find and go-to-line prompts.
 * A document and a person built by hand; keys go through the overlays. */
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
#include "keys.h"
#include "loop.h"
#include "server.h"

static struct doc *
test_doc(const char *text)
{
	struct doc *d = xcalloc(1, sizeof *d);

	d->path = xstrdup("t.txt");
	d->buf = buffer_from(text, strlen(text));
	/* Checkpoints every few bytes: columns go through the index. */
	d->colindex = colindex_create(1, 8);
	d->mode = 0644;
	return d;
}

/* A person of cols x rows (rows - 2 of text) in d. */
static struct client *
test_client(struct doc *d, unsigned cols, unsigned rows)
{
	struct client *c = xcalloc(1, sizeof *c);

	server_pane_init(c);
	c->name = xstrdup("Alice");
	c->colour = 1;
	c->ready = 1;
	c->cols = cols;
	c->rows = rows;
	view_set_doc(c->view, d);
	server_pane_layout(c);
	return c;
}

static void
drop(struct client *c)
{
	struct doc *d = c->view->doc;

	free(c->find_last);
	free(c->notice);
	free(c->name);
	server_pane_free_all(c);
	free(c);
	colindex_free(d->colindex);
	buffer_free(d->buf);
	free(d->path);
	free(d);
}

static void
key(struct client *c, enum keyc code, uint32_t cp)
{
	struct key_event k;

	memset(&k, 0, sizeof k);
	k.code = code;
	k.cp = cp;
	c->overlay->key(c, &k); /* the find or go-to overlay's */
}

static void
type(struct client *c, const char *s)
{
	while (*s != '\0')
		key(c, KEYC_CHAR, (unsigned char)*s++);
}

/* The selection is exactly [from, to), with the cursor at to. */
static void
assert_match(const struct client *c, size_t from, size_t to)
{
	size_t f, t;

	assert_int_equal(c->prompt.found, 1);
	assert_true(c->view->selecting);
	assert_int_equal(view_selection(c->view, &f, &t), 1);
	assert_int_equal(f, from);
	assert_int_equal(t, to);
	assert_int_equal(c->view->anchor, from);
	assert_int_equal(c->view->cursor, to);
}

static void
assert_no_selection(const struct client *c)
{
	size_t f, t;

	assert_int_equal(view_selection(c->view, &f, &t), 0);
}

/*
 * "one two three\n" is bytes 0-13, "two four\n" 14-22, "five two\n"
 * 23-31: "two" is at 4, 14 and 28.
 */
#define THREE_TWOS "one two three\ntwo four\nfive two\n"

static void
test_incremental(void **state)
{
	struct client *c = test_client(test_doc(THREE_TWOS), 40, 10);

	c->view->cursor = 6; /* "one tw|o" */
	prompt_find(c);
	assert_ptr_equal(c->overlay, &overlay_find);
	assert_int_equal(c->prompt.len, 0);
	assert_int_equal(c->prompt.origin, 6);
	assert_int_equal(c->prompt.found, -1);

	/* From where the prompt opened, forward: the 't' of "three". */
	type(c, "t");
	assert_match(c, 8, 9);
	type(c, "w");
	assert_match(c, 14, 16);
	type(c, "o");
	assert_string_equal(c->prompt.text, "two");
	assert_int_equal(c->prompt.len, 3);
	assert_match(c, 14, 17);
	assert_int_equal(c->view->goal, 3);
	assert_ptr_equal(c->overlay, &overlay_find);
	drop(c);
}

static void
test_next_previous_wrap(void **state)
{
	struct client *c = test_client(test_doc(THREE_TWOS), 40, 10);

	c->view->cursor = 6;
	prompt_find(c);
	type(c, "two");
	assert_match(c, 14, 17);
	key(c, KEYC_ENTER, 0);
	assert_match(c, 28, 31);
	/* Past the last one: wraps to the first. */
	key(c, KEYC_DOWN, 0);
	assert_match(c, 4, 7);
	key(c, KEYC_CTRL, 'f');
	assert_match(c, 14, 17);
	key(c, KEYC_UP, 0);
	assert_match(c, 4, 7);
	/* Before the first one: wraps to the last. */
	key(c, KEYC_UP, 0);
	assert_match(c, 28, 31);
	key(c, KEYC_UP, 0);
	assert_match(c, 14, 17);
	assert_ptr_equal(c->overlay, &overlay_find);

	/* One match only: next and previous stay on it. */
	key(c, KEYC_CHAR, ' ');
	key(c, KEYC_CHAR, 'f');
	assert_match(c, 14, 19);
	key(c, KEYC_ENTER, 0);
	assert_match(c, 14, 19);
	key(c, KEYC_UP, 0);
	assert_match(c, 14, 19);
	drop(c);
}

/* Overlapping matches: next steps one byte on. */
static void
test_overlap(void **state)
{
	struct client *c = test_client(test_doc("aaaa\n"), 40, 10);

	prompt_find(c);
	type(c, "aa");
	assert_match(c, 0, 2);
	key(c, KEYC_DOWN, 0);
	assert_match(c, 1, 3);
	key(c, KEYC_DOWN, 0);
	assert_match(c, 2, 4);
	key(c, KEYC_DOWN, 0);
	assert_match(c, 0, 2);
	drop(c);
}

static void
test_not_found_backspace(void **state)
{
	struct client *c = test_client(test_doc(THREE_TWOS), 40, 10);

	c->view->cursor = 6;
	prompt_find(c);
	type(c, "two");
	assert_match(c, 14, 17);
	type(c, "x");
	assert_int_equal(c->prompt.found, 0);
	assert_int_equal(c->view->cursor, 6);
	assert_no_selection(c);
	assert_false(c->view->selecting);
	/* Next and previous with nothing found find nothing either. */
	key(c, KEYC_ENTER, 0);
	assert_int_equal(c->prompt.found, 0);
	assert_int_equal(c->view->cursor, 6);
	key(c, KEYC_UP, 0);
	assert_int_equal(c->prompt.found, 0);
	assert_int_equal(c->view->cursor, 6);

	key(c, KEYC_BACKSPACE, 0);
	assert_string_equal(c->prompt.text, "two");
	assert_match(c, 14, 17);
	key(c, KEYC_BACKSPACE, 0);
	assert_string_equal(c->prompt.text, "tw");
	assert_match(c, 14, 16);
	key(c, KEYC_BACKSPACE, 0);
	key(c, KEYC_BACKSPACE, 0);
	/* Empty: back where it started, not searching. */
	assert_int_equal(c->prompt.len, 0);
	assert_string_equal(c->prompt.text, "");
	assert_int_equal(c->prompt.found, -1);
	assert_int_equal(c->view->cursor, 6);
	assert_no_selection(c);
	/* One more does nothing. */
	key(c, KEYC_BACKSPACE, 0);
	assert_int_equal(c->prompt.len, 0);
	assert_ptr_equal(c->overlay, &overlay_find);
	drop(c);
}

/* 100 lines "line 1" .. "line 100"; 5 rows of text on screen. */
static char *
hundred_lines(void)
{
	char *s = xcalloc(1, 100 * 10), *p = s;
	int i;

	for (i = 1; i <= 100; i++)
		p += snprintf(p, 10, "line %d\n", i);
	return s;
}

static void
test_esc_restores(void **state)
{
	char *text = hundred_lines();
	struct client *c = test_client(test_doc(text), 40, 7);
	struct buffer *b = c->view->doc->buf;
	size_t l49 = buffer_line_start(b, 49);

	c->view->cursor = buffer_line_start(b, 2) + 3; /* "lin|e 3" */
	c->view->top = 1;
	prompt_find(c);
	assert_int_equal(c->prompt.origin_top, 1);
	type(c, "line 50");
	assert_match(c, l49, l49 + 7);
	/* Off screen: brought to the middle of the 5 text rows. */
	assert_int_equal(c->view->top, 47);
	key(c, KEYC_ESC, 0);
	assert_null(c->overlay);
	assert_int_equal(c->view->cursor, buffer_line_start(b, 2) + 3);
	assert_int_equal(c->view->top, 1);
	assert_int_equal(c->view->goal, 3);
	assert_false(c->view->selecting);
	assert_no_selection(c);
	/* Closing with text keeps it for next time. */
	assert_string_equal(c->find_last, "line 50");

	/* A match already on screen does not scroll. */
	prompt_find(c);
	type(c, "line 5");
	assert_match(c, buffer_line_start(b, 4), buffer_line_start(b, 4) + 6);
	assert_int_equal(c->view->top, 1);
	/* Not found after a scroll: the old scroll comes back too. */
	key(c, KEYC_BACKSPACE, 0);
	type(c, "77");
	assert_int_equal(c->view->top, 74);
	type(c, "7");
	assert_int_equal(c->prompt.found, 0);
	assert_int_equal(c->view->top, 1);
	assert_int_equal(c->view->cursor, buffer_line_start(b, 2) + 3);
	key(c, KEYC_ESC, 0);
	assert_string_equal(c->find_last, "line 777");
	free(text);
	drop(c);
}

static void
test_enter_keeps_match(void **state)
{
	struct client *c = test_client(test_doc(THREE_TWOS), 40, 10);

	c->view->cursor = 6;
	prompt_find(c);
	type(c, "four");
	assert_match(c, 18, 22);
	/* Enter is "next": with one match it stays. */
	key(c, KEYC_ENTER, 0);
	assert_match(c, 18, 22);
	assert_ptr_equal(c->overlay, &overlay_find);
	/* Left closes, keeping the match selected. */
	key(c, KEYC_LEFT, 0);
	assert_null(c->overlay);
	assert_true(c->view->selecting);
	assert_int_equal(c->view->anchor, 18);
	assert_int_equal(c->view->cursor, 22);
	assert_string_equal(c->find_last, "four");

	/* So do the other movement keys and Ctrl keys. */
	prompt_find(c);
	type(c, "five");
	key(c, KEYC_PGDN, 0);
	assert_null(c->overlay);
	assert_int_equal(c->view->anchor, 23);
	assert_int_equal(c->view->cursor, 27);
	assert_string_equal(c->find_last, "five");
	prompt_find(c);
	type(c, "one");
	key(c, KEYC_CTRL, 'c');
	assert_null(c->overlay);
	assert_int_equal(c->view->anchor, 0);
	assert_int_equal(c->view->cursor, 3);
	assert_true(c->view->selecting);
	/* Other keys change nothing but say what the prompt takes. */
	prompt_find(c);
	key(c, KEYC_DELETE, 0);
	key(c, KEYC_TAB, 0);
	key(c, KEYC_F, 1);
	assert_ptr_equal(c->overlay, &overlay_find);
	assert_int_equal(c->prompt.len, 0);
	assert_non_null(c->notice);
	assert_string_equal(c->notice, "type what to find; Enter/Down next, "
	                               "Up previous, Esc goes back");
	/* Closing with no text keeps the last one. */
	key(c, KEYC_HOME, 0);
	assert_null(c->overlay);
	assert_string_equal(c->find_last, "one");
	drop(c);
}

static void
test_find_last_refill(void **state)
{
	struct client *c = test_client(test_doc(THREE_TWOS), 40, 10);

	/* Nothing to fill in yet: Ctrl-F and Enter do nothing. */
	prompt_find(c);
	key(c, KEYC_CTRL, 'f');
	key(c, KEYC_ENTER, 0);
	assert_int_equal(c->prompt.len, 0);
	assert_int_equal(c->prompt.found, -1);
	key(c, KEYC_ESC, 0);
	assert_null(c->find_last);

	c->find_last = xstrdup("two");
	c->view->cursor = 20;
	prompt_find(c);
	/* Down does not fill in. */
	key(c, KEYC_DOWN, 0);
	assert_int_equal(c->prompt.len, 0);
	/* Ctrl-F fills in and searches from the origin. */
	key(c, KEYC_CTRL, 'f');
	assert_string_equal(c->prompt.text, "two");
	assert_match(c, 28, 31);
	/* Then it is "next" again. */
	key(c, KEYC_CTRL, 'f');
	assert_match(c, 4, 7);
	key(c, KEYC_ESC, 0);
	assert_int_equal(c->view->cursor, 20);

	/* Enter fills in too. */
	prompt_find(c);
	key(c, KEYC_ENTER, 0);
	assert_match(c, 28, 31);
	key(c, KEYC_END, 0);
	assert_string_equal(c->find_last, "two");
	drop(c);
}

static void
test_utf8_needle(void **state)
{
	/* "café crème café": é is 2 bytes, è 2 bytes. */
	struct client *c = test_client(
	    test_doc("caf\xc3\xa9 cr\xc3\xa8me caf\xc3\xa9\n"), 40, 10);

	prompt_find(c);
	key(c, KEYC_CHAR, 0xe9); /* é */
	assert_int_equal(c->prompt.len, 2);
	assert_string_equal(c->prompt.text, "\xc3\xa9");
	assert_match(c, 3, 5);
	key(c, KEYC_DOWN, 0);
	assert_match(c, 16, 18);
	/* The screen column follows characters, not bytes. */
	assert_int_equal(c->view->goal, 15);
	/* Backspace removes the whole code point. */
	key(c, KEYC_CHAR, 0x20ac); /* € */
	assert_int_equal(c->prompt.len, 5);
	assert_int_equal(c->prompt.found, 0);
	key(c, KEYC_BACKSPACE, 0);
	assert_int_equal(c->prompt.len, 2);
	assert_match(c, 3, 5);
	key(c, KEYC_BACKSPACE, 0);
	assert_int_equal(c->prompt.len, 0);
	assert_int_equal(c->prompt.found, -1);
	/* Control characters are not text. */
	key(c, KEYC_CHAR, 0x1b);
	key(c, KEYC_CHAR, 0x7f);
	assert_int_equal(c->prompt.len, 0);
	drop(c);
}

/* The text never overflows; a character that does not fit is dropped. */
static void
test_text_bound(void **state)
{
	struct client *c = test_client(test_doc("abc\n"), 40, 10);
	const size_t full = sizeof c->prompt.text - 1;
	size_t i;

	prompt_find(c);
	for (i = 0; i < full + 44; i++)
		key(c, KEYC_CHAR, 'a');
	assert_int_equal(c->prompt.len, sizeof c->prompt.text - 1);
	assert_int_equal(strlen(c->prompt.text), sizeof c->prompt.text - 1);
	assert_int_equal(c->prompt.found, 0);
	/* Full: even a 2-byte character is dropped. */
	key(c, KEYC_CHAR, 0xe9);
	assert_int_equal(c->prompt.len, full);
	/* Two bytes free: a 3-byte character does not fit, a 2-byte one
	 * does. */
	key(c, KEYC_BACKSPACE, 0);
	key(c, KEYC_BACKSPACE, 0);
	key(c, KEYC_CHAR, 0x20ac);
	assert_int_equal(c->prompt.len, full - 2);
	key(c, KEYC_CHAR, 0xe9);
	assert_int_equal(c->prompt.len, full);
	assert_memory_equal(c->prompt.text + full - 2, "\xc3\xa9", 3);
	key(c, KEYC_ESC, 0);
	assert_int_equal(strlen(c->find_last), full);
	drop(c);
}

static void
test_goto(void **state)
{
	/* Lines 0..9 "x", then an empty last line (11 lines). */
	struct client *c =
	    test_client(test_doc("x\nx\nx\nx\nx\nx\nx\nx\nx\nx\n"), 40, 7);

	c->view->cursor = 1;
	prompt_goto(c);
	assert_ptr_equal(c->overlay, &overlay_goto);
	assert_int_equal(c->prompt.found, -1);
	type(c, "a3-");
	assert_string_equal(c->prompt.text, "3");
	/* What is not a digit is not taken, and the prompt says so. */
	assert_non_null(c->notice);
	assert_string_equal(c->notice, "type a line number (digits); Enter "
	                               "goes there, Esc cancels");
	key(c, KEYC_ENTER, 0);
	assert_null(c->overlay);
	assert_int_equal(c->view->cursor, 4);
	assert_int_equal(c->view->goal, 0);
	assert_int_equal(c->view->top, 0);
	assert_null(c->find_last);

	/* Clamped to the last line; brought to the middle of the screen. */
	prompt_goto(c);
	type(c, "999");
	key(c, KEYC_ENTER, 0);
	assert_int_equal(c->view->cursor, 20);
	assert_int_equal(c->view->top, 8);

	/* Backspace. */
	prompt_goto(c);
	type(c, "12");
	key(c, KEYC_BACKSPACE, 0);
	assert_string_equal(c->prompt.text, "1");
	key(c, KEYC_ENTER, 0);
	assert_int_equal(c->view->cursor, 0);
	assert_int_equal(c->view->top, 0);

	/* Esc, 0 and nothing do not move; neither does a huge number
	 * overflow. */
	c->view->cursor = 7;
	prompt_goto(c);
	type(c, "5");
	key(c, KEYC_ESC, 0);
	assert_null(c->overlay);
	assert_int_equal(c->view->cursor, 7);
	prompt_goto(c);
	type(c, "0");
	key(c, KEYC_ENTER, 0);
	assert_int_equal(c->view->cursor, 7);
	prompt_goto(c);
	key(c, KEYC_ENTER, 0);
	assert_null(c->overlay);
	assert_int_equal(c->view->cursor, 7);
	prompt_goto(c);
	type(c, "99999999999999999999999999999999");
	key(c, KEYC_ENTER, 0);
	assert_int_equal(c->view->cursor, 20);

	/* A jump ends a selection. */
	c->view->selecting = 1;
	c->view->anchor = 2;
	prompt_goto(c);
	type(c, "2");
	key(c, KEYC_ENTER, 0);
	assert_int_equal(c->view->cursor, 2);
	assert_false(c->view->selecting);
	drop(c);
}

/* Someone else's edit while the prompt is open: the origin is clamped. */
static void
test_origin_clamped(void **state)
{
	struct client *c = test_client(test_doc(THREE_TWOS), 40, 10);
	struct buffer *b = c->view->doc->buf;

	c->view->cursor = 30;
	prompt_find(c);
	type(c, "four");
	assert_match(c, 18, 22);
	buffer_delete(b, 10, buffer_length(b) - 10);
	c->view->cursor = c->view->anchor = 10;
	key(c, KEYC_ESC, 0);
	assert_int_equal(c->view->cursor, 10);
	assert_int_equal(c->view->top, 0);
	drop(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_incremental),
	    cmocka_unit_test(test_next_previous_wrap),
	    cmocka_unit_test(test_overlap),
	    cmocka_unit_test(test_not_found_backspace),
	    cmocka_unit_test(test_esc_restores),
	    cmocka_unit_test(test_enter_keeps_match),
	    cmocka_unit_test(test_find_last_refill),
	    cmocka_unit_test(test_utf8_needle),
	    cmocka_unit_test(test_text_bound),
	    cmocka_unit_test(test_goto),
	    cmocka_unit_test(test_origin_clamped),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	/* A session for the notices keys can give (hints). */
	server = xcalloc(1, sizeof *server);
	TAILQ_INIT(&server->docs);
	TAILQ_INIT(&server->clients);
	TAILQ_INIT(&server->chat);
	server->loop = loop_create();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
