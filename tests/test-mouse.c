/* test-mouse.c: the mouse, end to end (real daemon, SSH, libvterm): clicks,
 * drags, the wheel, pop-ups, viewers and `mouse off`. */
#include "moot.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <vterm.h>

#include "harness.h"

#define JOIN 15000 /* ms for joining (key exchange, fork) */
#define WAIT 10000 /* ms for anything prompt (sanitizer builds are slow) */

#define ALICE "Alice <alice@example.com>"
#define BOB "Bob <bob@example.com>"

#define wait_status(c, s) h_wait_row_has(c, h_status_row(c), s, WAIT)

static const char text[] = "first line\n"
                           "second line\n"
                           "third line here\n"
                           "fourth\n";

static void
click(struct h_client *c, unsigned x, unsigned y)
{
	h_mouse(c, 0, x, y, 'M');
	h_mouse(c, 0, x, y, 'm');
}

/* The mouse reports the terminal was asked for are (not) on. */
static int
mouse_is(struct h_client *c, void *arg)
{
	int want = *(int *)arg;

	return want ? h_mouse_mode(c) == VTERM_PROP_MOUSE_DRAG
	            : h_mouse_mode(c) == VTERM_PROP_MOUSE_NONE;
}

static void
wait_mouse(struct h_client *c, int on)
{
	h_wait_pred(c, mouse_is, &on,
	    on ? "mouse reports (drags too) asked for" : "no mouse reports",
	    WAIT);
}

/* A click places the cursor (past a line's end: at its end; below the
 * text: at its end); clicks on the status and presence rows do nothing. */
static void
test_click(void **state)
{
	struct h_daemon *d;
	struct h_client *a;
	char *repo, *key;

	repo = h_repo_create("a.txt", text, NULL);
	key = h_key_create(repo, ALICE);
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), key, "alice");
	h_wait_row(a, 0, "first line", JOIN);
	wait_status(a, " 1:1");
	wait_mouse(a, 1);

	click(a, 3, 2);
	wait_status(a, " 3:4");
	click(a, 30, 1);
	wait_status(a, " 2:12");
	click(a, 2, 0);
	wait_status(a, " 1:3");
	/* The status and presence rows take no clicks. */
	click(a, 5, h_status_row(a));
	click(a, 5, h_presence_row(a));
	click(a, 5, 10); /* below the text: its end */
	wait_status(a, " 5:1");
	h_mouse(a, 2, 1, 0, 'M'); /* the right button: nothing */
	h_mouse(a, 2, 1, 0, 'm');
	h_send(a, "X");
	h_wait_row(a, 4, "X", WAIT);

	h_client_close(a);
	assert_int_equal(h_daemon_stop(d), 0);
	h_pass();
}

/* A drag selects; Ctrl-C copies what was dragged over; it pastes. */
static void
test_drag(void **state)
{
	struct h_daemon *d;
	struct h_client *a;
	struct h_cell cell;
	char *repo, *key;

	repo = h_repo_create("a.txt", text, NULL);
	key = h_key_create(repo, ALICE);
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), key, "alice");
	h_wait_row(a, 0, "first line", JOIN);
	wait_mouse(a, 1);

	/* From "line" of "second line" to "here" of the third. */
	h_mouse(a, 0, 7, 1, 'M');
	h_mouse(a, 32, 9, 1, 'M');
	h_mouse(a, 32, 3, 2, 'M');
	h_mouse(a, 32, 6, 2, 'M');
	h_mouse(a, 0, 6, 2, 'm');
	wait_status(a, " 3:7");
	h_cell(a, 7, 1, &cell);
	assert_true(cell.reverse);
	h_cell(a, 6, 1, &cell);
	assert_false(cell.reverse);
	h_key(a, "C-c");
	h_wait(a, "copied 11 bytes", WAIT);

	/* A click clears the selection; the copy goes in at the end. */
	click(a, 0, 3);
	wait_status(a, " 4:1");
	h_pump_all(200);
	h_cell(a, 7, 1, &cell);
	assert_false(cell.reverse);
	h_key(a, "C-v");
	h_wait_row(a, 3, "line", WAIT);
	h_wait_row(a, 4, "third fourth", WAIT);

	h_client_close(a);
	assert_int_equal(h_daemon_stop(d), 0);
	h_pass();
}

/* "line 1" to "line N", one a line. */
static char *
many_lines(size_t n)
{
	char *many = xmalloc(n * 16 + 1), line[32];
	size_t i, len = 0;

	for (i = 1; i <= n; i++) {
		snprintf(line, sizeof line, "line %zu\n", i);
		memcpy(many + len, line, strlen(line));
		len += strlen(line);
	}
	many[len] = '\0';
	return many;
}

/* The wheel scrolls by three lines; the cursor stays on the screen. */
static void
test_wheel(void **state)
{
	struct h_daemon *d;
	struct h_client *a;
	char *repo, *key, *many = many_lines(100);

	repo = h_repo_create("many.txt", many, NULL);
	free(many);
	key = h_key_create(repo, ALICE);
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), key, "alice");
	h_wait_row(a, 0, "line 1", JOIN);
	wait_mouse(a, 1);

	/* Down: the first line leaves, the cursor comes along. */
	h_mouse(a, 65, 5, 5, 'M');
	h_wait_row(a, 0, "line 4", WAIT);
	wait_status(a, " 4:1");
	h_mouse(a, 65, 5, 5, 'M');
	h_mouse(a, 65, 5, 5, 'M');
	h_wait_row(a, 0, "line 10", WAIT);
	/* Up: the cursor stays where it is while it shows. */
	h_mouse(a, 64, 5, 5, 'M');
	h_wait_row(a, 0, "line 7", WAIT);
	wait_status(a, " 10:1");
	h_mouse(a, 64, 5, 5, 'M');
	h_mouse(a, 64, 5, 5, 'M');
	h_mouse(a, 64, 5, 5, 'M');
	h_wait_row(a, 0, "line 1", WAIT);

	h_client_close(a);
	assert_int_equal(h_daemon_stop(d), 0);
	h_pass();
}

/* In a pop-up the wheel scrolls it and a click picks a line. */
static void
test_popup(void **state)
{
	struct h_daemon *d;
	struct h_client *a;
	char *repo, *key;

	repo = h_repo_create("a.txt", text, NULL);
	key = h_key_create(repo, ALICE);
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), key, "alice");
	h_wait_row(a, 0, "first line", JOIN);
	wait_mouse(a, 1);

	h_palette(a, "help", WAIT);
	h_wait(a, "scroll (1-", WAIT);
	h_mouse(a, 65, 5, 5, 'M');
	h_wait(a, "scroll (4-", WAIT);
	h_mouse(a, 64, 5, 5, 'M');
	h_wait(a, "scroll (1-", WAIT);
	h_key(a, "Escape");
	h_wait_row(a, 0, "first line", WAIT);

	h_client_close(a);
	assert_int_equal(h_daemon_stop(d), 0);
	h_pass();
}

/* `mouse off`: the terminal is no longer asked for reports (its own
 * selection works), clicks that come anyway do nothing; it is kept for
 * the key when they come back; `mouse on` asks again. */
static void
test_mouse_off(void **state)
{
	struct h_daemon *d;
	struct h_client *a;
	char *repo, *key;

	repo = h_repo_create("a.txt", text, NULL);
	key = h_key_create(repo, ALICE);
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), key, "alice");
	h_wait_row(a, 0, "first line", JOIN);
	wait_mouse(a, 1);

	h_palette(a, "mouse off", WAIT);
	wait_status(a, "mouse off");
	wait_mouse(a, 0);
	click(a, 3, 2);
	h_pump_all(300);
	wait_status(a, " 1:1");

	h_client_close(a);
	a = h_join(h_daemon_port(d), key, "alice");
	h_wait_row(a, 0, "first line", JOIN);
	h_pump_all(300);
	wait_mouse(a, 0);

	h_palette(a, "mouse on", WAIT);
	wait_mouse(a, 1);
	click(a, 3, 2);
	wait_status(a, " 3:4");

	h_client_close(a);
	assert_int_equal(h_daemon_stop(d), 0);
	h_pass();
}

/* A viewer may click and scroll (their own view), not edit. */
static void
test_viewer(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *b;
	char *repo, *ka, *kb, *many = many_lines(60);

	repo = h_repo_create("a.txt", many, NULL);
	free(many);
	ka = h_key_with(repo, "host", ALICE);
	kb = h_key_with(repo, "viewer", BOB);
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), ka, "alice");
	b = h_join(h_daemon_port(d), kb, "bob");
	h_wait_row(b, 0, "line 1", JOIN);
	wait_mouse(b, 1);

	click(b, 4, 1);
	wait_status(b, " 2:5");
	h_wait_row_has(a, h_presence_row(a), "Bob(viewer) a.txt:2", WAIT);
	h_mouse(b, 0, 0, 0, 'M');
	h_mouse(b, 32, 5, 0, 'M');
	h_mouse(b, 0, 5, 0, 'm');
	wait_status(b, " 1:6");
	h_key(b, "C-c");
	h_wait(b, "copied 5 bytes", WAIT);
	h_mouse(b, 65, 1, 1, 'M');
	h_wait_row(b, 0, "line 4", WAIT);
	h_wait_row(a, 0, "line 1", WAIT);

	h_client_close(a);
	h_client_close(b);
	assert_int_equal(h_daemon_stop(d), 0);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_click, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_drag, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_wheel, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_popup, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_mouse_off, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_viewer, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
