/* test-panes.c: end-to-end tests of split panes: tmux's keys, the palette,
 * layouts that are each person's own and survive reconnects and restarts. */
#include "moot.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define WAIT 10000 /* ms for anything prompt (sanitizer builds are slow) */
#define JOIN 15000 /* ms for joining (key exchange, fork) */

#define ALICE "Alice Liddell <alice@example.com>"
#define BOB "Bob Stone <bob@example.com>"

#define CTRL_RIGHT "\033[1;5C"
#define BORDER "\xe2\x94\x82" /* U+2502, between side-by-side panes */

static const char twelve[] =
    "line 01\nline 02\nline 03\nline 04\nline 05\nline 06\nline 07\n"
    "line 08\nline 09\nline 10\nline 11\nline 12\n";

struct sess {
	char *repo;
	struct h_daemon *d;
	int port;
	char *ka, *kb;
	struct h_client *a, *b;
};

#define wait_status(c, s) h_wait_status(c, h_status_row(c), s, WAIT)
#define wait_notice(c, s) h_wait_row_has(c, h_status_row(c), s, WAIT)

static void
start(struct sess *s, int cols, int rows)
{
	memset(s, 0, sizeof *s);
	s->repo = h_repo_create(
	    "README.md", twelve, "notes.txt", "notes one\nnotes two\n", NULL);
	s->ka = h_key_create(s->repo, ALICE);
	s->kb = h_key_new(s->repo);
	h_key_authorize(s->repo, s->kb, BOB);
	s->d = h_daemon_start(s->repo);
	s->port = h_daemon_port(s->d);
	s->a = h_client_connect(
	    s->port, s->ka, "alice", cols, rows, "xterm-256color");
	s->b = h_join(s->port, s->kb, "bob");
	h_wait_row_has(s->a, h_presence_row(s->a), "Bob Stone", JOIN);
}

/* Row text of two side-by-side panes: left padded to width, the border,
 * right (the ring of h_row keeps 15 of these). */
static const char *
two(const char *left, int width, const char *right)
{
	static char ring[4][512];
	static int n;
	char *out = ring[n++ % 4];

	snprintf(out, sizeof ring[0], "%-*s" BORDER "%s", width, left, right);
	return out;
}

/* The column of the border on row y, -1 if none. */
static int
border_at(struct h_client *c, int y)
{
	struct h_cell cell;
	int x;

	for (x = 0; x < h_cols(c); x++) {
		h_cell(c, x, y, &cell);
		if (cell.ch == 0x2502)
			return x;
	}
	return -1;
}

struct border {
	int y, x;
};

static int
border_is(struct h_client *c, void *arg)
{
	struct border *b = arg;

	return border_at(c, b->y) == b->x;
}

static void
wait_border(struct h_client *c, int y, int x)
{
	struct border b = {y, x};
	char what[64];

	snprintf(what, sizeof what,
	    "the border at column %d of row %d (-1: none)", x, y);
	h_wait_pred(c, border_is, &b, what, WAIT);
}

/*
 * Prefix keys: % side by side, " one below, arrows and o move the focus,
 * Ctrl-arrows move the border, z zooms and back, x closes. Both panes show
 * one document with a cursor each; edits in either show in both. Bob's
 * screen never changes with Alice's layout.
 */
static void
test_prefix_keys(void **state)
{
	struct sess s;

	start(&s, 81, 24);
	h_wait_row(s.a, 0, "line 01", WAIT);

	h_key(s.a, "C-b");
	h_send(s.a, "%");
	/* Two of 40 columns, the border at 40, a title row each. */
	wait_border(s.a, 1, 40);
	h_wait_row_has(s.a, 0, "README.md  1:1", WAIT);
	h_wait_row(s.a, 1, two("line 01", 40, "line 01"), WAIT);
	/* The new pane (right) is focused: typing goes there. */
	h_key(s.a, "Down");
	h_send(s.a, "R");
	h_wait_row(s.a, 2, two("Rline 02", 40, "Rline 02"), WAIT);
	/* Left: its own cursor, still on line 1. */
	h_key(s.a, "C-b");
	h_key(s.a, "Left");
	h_send(s.a, "L");
	h_wait_row(s.a, 1, two("Lline 01", 40, "Lline 01"), WAIT);
	/* Bob sees the text, and no panes. */
	h_wait_row(s.b, 0, "Lline 01", WAIT);
	h_wait_row(s.b, 1, "Rline 02", WAIT);
	assert_int_equal(border_at(s.b, 1), -1);

	/* Ctrl-Right moves the border one column. */
	h_key(s.a, "C-b");
	h_send(s.a, CTRL_RIGHT);
	wait_border(s.a, 1, 41);

	/* " splits the left pane: one below it (22 rows: 11 each). */
	h_key(s.a, "C-b");
	h_send(s.a, "\"");
	h_wait_row_has(s.a, 11, "README.md", WAIT);
	wait_border(s.a, 13, 41);

	/* z: the focused pane alone; again: back. */
	h_key(s.a, "C-b");
	h_send(s.a, "z");
	wait_border(s.a, 1, -1);
	h_wait_row(s.a, 0, "Lline 01", WAIT);
	h_key(s.a, "C-b");
	h_send(s.a, "z");
	wait_border(s.a, 1, 41);

	/* o goes round (to the right pane); x closes it: the two on the
	 * left stay, one above the other. */
	h_key(s.a, "C-b");
	h_send(s.a, "o");
	h_key(s.a, "C-b");
	h_send(s.a, "x");
	wait_border(s.a, 1, -1);
	h_wait_row_has(s.a, 0, "README.md", WAIT);
	h_wait_row_has(s.a, 11, "README.md", WAIT);
	h_key(s.a, "C-b");
	h_send(s.a, "x");
	wait_border(s.a, 1, -1);
	h_wait_row(s.a, 0, "Lline 01", WAIT);
	/* The last pane stays. */
	h_key(s.a, "C-b");
	h_send(s.a, "x");
	wait_notice(s.a, "this is your only pane");
	/* A key the prefix does not know says which it knows. */
	h_key(s.a, "C-b");
	h_send(s.a, "q");
	wait_notice(s.a, "% \" split, arrows focus");
	h_pass();
}

/* The palette's split, vsplit, zoom and close; Ctrl-O opens a file in the
 * focused pane only. */
static void
test_palette_and_open(void **state)
{
	struct sess s;

	start(&s, 81, 24);
	h_palette(s.a, "vsplit", WAIT);
	wait_border(s.a, 1, 40);
	h_open(s.a, "notes.txt", WAIT);
	h_wait_row(s.a, 1, two("line 01", 40, "notes one"), WAIT);
	/* A click in the left pane focuses it, at the cell clicked (row 3
	 * is its third line: row 0 is its title). */
	h_send(s.a, "\033[<0;6;4M\033[<0;6;4m");
	wait_status(s.a, " README.md 3:6");
	h_send(s.a, "X");
	h_wait_row(s.a, 3, two("line X03", 40, ""), WAIT);
	h_key(s.a, "C-b");
	h_key(s.a, "Right");
	h_palette(s.a, "split", WAIT);
	h_wait_row_has(s.a, 11, "notes.txt", WAIT);
	h_palette(s.a, "zoom", WAIT);
	h_wait_row(s.a, 0, "notes one", WAIT);
	h_palette(s.a, "zoom", WAIT);
	h_palette(s.a, "close", WAIT);
	h_palette(s.a, "close", WAIT);
	wait_border(s.a, 1, -1);
	h_pass();
}

/*
 * A layout survives leaving and coming back, and a daemon restart: the
 * same panes, documents and focus; a terminal too small for them hides
 * panes and shows them again when it grows.
 */
static void
test_layout_survives(void **state)
{
	struct sess s;

	start(&s, 81, 24);
	h_palette(s.a, "vsplit", WAIT);
	h_open(s.a, "notes.txt", WAIT);
	h_wait_row(s.a, 1, two("line 01", 40, "notes one"), WAIT);
	h_key(s.a, "C-q");
	h_wait_closed(s.a, WAIT);
	h_client_close(s.a);
	s.a = h_client_connect(s.port, s.ka, "alice", 81, 24, "xterm-256color");
	h_wait_row(s.a, 1, two("line 01", 40, "notes one"), JOIN);
	/* Focus was on notes.txt: typing goes there. */
	h_send(s.a, "N");
	h_wait_row(s.a, 1, two("line 01", 40, "Nnotes one"), WAIT);

	/* Too narrow for the left one (9 columns): hidden, the right one
	 * where it was laid out, nothing drawn across them. */
	h_resize(s.a, 20, 24);
	h_wait_row(s.a, 1, "          Nnotes one", WAIT);
	h_resize(s.a, 81, 24);
	wait_border(s.a, 1, 40);

	h_daemon_stop(s.d);
	h_client_close(s.a);
	h_client_close(s.b);
	s.d = h_daemon_start(s.repo);
	s.port = h_daemon_port(s.d);
	s.a = h_client_connect(s.port, s.ka, "alice", 81, 24, "xterm-256color");
	h_wait_row(s.a, 1, two("line 01", 40, "Nnotes one"), JOIN);
	h_pass();
}

/*
 * Borders dragged with the mouse: the column between side-by-side panes,
 * the title row of a pane below another; not past a pane's minimum; the
 * layout is kept (back after reconnecting). A drag in the text still
 * selects.
 */
static void
test_drag_borders(void **state)
{
	struct sess s;

	start(&s, 81, 24);
	h_palette(s.a, "vsplit", WAIT);
	wait_border(s.a, 1, 40);
	/* Take the column at row 5, to 20 by way of 30. */
	h_mouse(s.a, 0, 40, 5, 'M');
	h_mouse(s.a, 32, 30, 5, 'M');
	wait_border(s.a, 1, 30);
	h_mouse(s.a, 32, 20, 6, 'M');
	h_mouse(s.a, 0, 20, 6, 'm');
	wait_border(s.a, 1, 20);
	h_wait_row(s.a, 1, two("line 01", 20, "line 01"), WAIT);
	/* Not past the minimum of 10 columns. */
	h_mouse(s.a, 0, 20, 3, 'M');
	h_mouse(s.a, 32, 2, 3, 'M');
	h_mouse(s.a, 0, 2, 3, 'm');
	wait_border(s.a, 1, 10);
	h_mouse(s.a, 0, 10, 3, 'M');
	h_mouse(s.a, 32, 30, 3, 'M');
	h_mouse(s.a, 0, 30, 3, 'm');
	wait_border(s.a, 1, 30);
	/* Bob's screen has no border. */
	assert_int_equal(border_at(s.b, 1), -1);

	/* One below the right pane: its title row (11) is the border. */
	h_palette(s.a, "split", WAIT);
	h_wait_row_has(s.a, 11, "README.md", WAIT);
	h_mouse(s.a, 0, 40, 11, 'M');
	h_mouse(s.a, 32, 40, 4, 'M');
	h_mouse(s.a, 0, 40, 4, 'm');
	h_wait_row_has(s.a, 4, "README.md", WAIT);
	h_wait_row(s.a, 5, two("line 05", 30, "line 01"), WAIT);
	/* A drag in the text selects, as before. */
	h_mouse(s.a, 0, 31, 1, 'M');
	h_mouse(s.a, 32, 35, 1, 'M');
	h_mouse(s.a, 0, 35, 1, 'm');
	h_key(s.a, "C-c");
	wait_notice(s.a, "copied 4 bytes");

	/* The layout comes back as it was dragged. */
	h_key(s.a, "C-q");
	h_wait_closed(s.a, WAIT);
	h_client_close(s.a);
	s.a = h_client_connect(s.port, s.ka, "alice", 81, 24, "xterm-256color");
	wait_border(s.a, 1, 30);
	h_wait_row_has(s.a, 4, "README.md", WAIT);
	h_pass();
}

/* On a screen wide enough, decide puts the draft beside the code. */
static void
test_draft_beside(void **state)
{
	struct sess s;

	start(&s, 170, 30);
	h_palette(s.a, "decide Split the screen", WAIT);
	wait_notice(s.a, "ADR-0001 drafted");
	wait_border(s.a, 1, 84);
	h_wait_row_has(s.a, 0, "README.md  1:1", WAIT);
	h_wait_row_has(s.a, 0, "doc/adr/0001-split-the-screen.md", WAIT);
	h_wait(s.a, "# 1. Split the screen", WAIT);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_prefix_keys, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_palette_and_open, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_layout_survives, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_drag_borders, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_draft_beside, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
