/* test-terminals.c: end-to-end tests of shared terminals: one person runs
 * printf and others see it; who may type; attack strings stay inside. */
#include "moot.h"

#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define WAIT 10000 /* ms for anything prompt (sanitizer builds are slow) */
#define JOIN 15000 /* ms for joining (key exchange, fork) */

#define HOST "Alice Liddell <alice@example.com>"
#define EDITOR "Bob Stone <bob@example.com>"
#define VIEWER "Carol Ng <carol@example.com>"
#define EDITOR2 "Dan Oak <dan@example.com>"

struct sess {
	char *repo;
	struct h_daemon *d;
	int port;
	char *ka;
	struct h_client *a, *b, *c, *e; /* host, editor, viewer, editor */
};

#define wait_notice(c, s) h_wait_row_has(c, h_status_row(c), s, WAIT)

static void
start(struct sess *s, const char *extra)
{
	char *kb, *kc, *ke;

	memset(s, 0, sizeof *s);
	s->repo = h_repo_create("README.md", "hello\n", NULL);
	s->ka = h_key_with(s->repo, "host", HOST);
	kb = h_key_with(s->repo, NULL, EDITOR);
	kc = h_key_with(s->repo, "viewer", VIEWER);
	ke = h_key_with(s->repo, NULL, EDITOR2);
	s->d = extra != NULL ? h_daemon_start_args(s->repo, extra, NULL)
	                     : h_daemon_start(s->repo);
	s->port = h_daemon_port(s->d);
	s->a = h_join(s->port, s->ka, "alice");
	s->b = h_join(s->port, kb, "bob");
	s->c = h_join(s->port, kc, "carol");
	s->e = h_join(s->port, ke, "dan");
	h_wait(s->a, "hello", JOIN);
	h_wait(s->b, "hello", JOIN);
	h_wait(s->c, "hello", JOIN);
	h_wait(s->e, "hello", JOIN);
}

/* The palette from a terminal pane: the prefix, then ':'. */
static void
palette(struct h_client *c, const char *line)
{
	h_key(c, "C-b");
	h_send(c, ":");
	h_wait_row(c, 0, "Command:", WAIT);
	h_send(c, line);
	h_key(c, "Enter");
	h_wait_row_lacks(c, 0, "Command:", WAIT);
}

/* Everyone shows terminal 1 in their pane. */
static void
show_term(struct sess *s)
{
	h_palette(s->a, "term", WAIT);
	h_palette(s->b, "term 1", WAIT);
	h_palette(s->c, "term 1", WAIT);
	h_palette(s->e, "term 1", WAIT);
}

/*
 * The host runs printf in a terminal: three others showing it see the
 * output; the viewer's keys are refused and say why; an editor types only
 * once it is shared; the attack strings stay inside the terminal.
 */
static void
test_shared_terminal(void **state)
{
	struct sess s;
	struct h_client *all[4];
	int i;

	start(&s, NULL);
	show_term(&s);
	all[0] = s.a;
	all[1] = s.b;
	all[2] = s.c;
	all[3] = s.e;
	h_send(s.a, "printf 'moot%sterm\\n' -shared-\r");
	for (i = 0; i < 4; i++)
		h_wait(all[i], "moot-shared-term", WAIT);

	/* A viewer types nothing, and is told. */
	h_send(s.c, "x");
	wait_notice(s.c, "viewers cannot type in terminals");
	/* An editor neither, until a host shares it. */
	h_send(s.b, "y");
	wait_notice(s.b, "terminal 1 is not shared with editors");
	palette(s.a, "share 1");
	wait_notice(s.b, "shared terminal 1");
	h_send(s.b, "printf 'bob%sin\\n' -typed-\r");
	for (i = 0; i < 4; i++)
		h_wait(all[i], "bob-typed-in", WAIT);
	/* Who typed last is on the status row of everyone showing it (the
	 * pane's title row when there are several). */
	h_wait_row_has(s.c, h_status_row(s.c), "typed last: Bob Stone", WAIT);

	/* Attack strings: title, clipboard, clear screen, DCS, C1. They
	 * change the emulated screen at most; no client gets them raw. */
	/* (Written with octal escapes, so that what the shell echoes of the
	 * command line is not what the output would show.) */
	h_send(s.a,
	    "printf '\\033]0;\\145vil-title\\007\\033]52;c;ZXZpbA==\\007"
	    "\\033[2J\\033]8;;http://x\\033\\\\link\\033]8;;\\033\\\\"
	    "\\033P+q544e\\033\\\\\\302\\23331m\\141fter-attack\\n'\r");
	for (i = 0; i < 4; i++)
		h_wait(all[i], "after-attack\n", WAIT);
	for (i = 0; i < 4; i++)
		assert_null(strstr(h_screen(all[i]), "evil-title"));
	h_pass();
}

/* A full-screen program, a resize by whoever types, the shell exiting,
 * and terminals off with --no-terminals. */
static void
test_terminal_life(void **state)
{
	struct sess s;

	start(&s, NULL);
	show_term(&s);
	/* The size of the typist's pane. */
	h_send(s.a, "stty size\r");
	h_wait(s.a, "22 80", WAIT);
	h_resize(s.a, 100, 30);
	/* The daemon has the new size once the presence row is as wide. */
	h_wait_row_has(s.a, 29, "Dan Oak", WAIT);
	h_send(s.a, "stty size\r");
	h_wait(s.a, "28 100", WAIT);
	h_wait(s.b, "28 100", WAIT);
	/* A full-screen program. */
	h_send(s.a, "less README.md\r");
	h_wait(s.b, "hello", WAIT);
	h_send(s.a, "q");
	/* The shell exits: the panes say so. */
	h_send(s.a, "exit\r");
	h_wait(s.b, "the shell of terminal 1 ended", WAIT);
	h_wait(s.a, "the shell of terminal 1 ended", WAIT);

	/* term starts a new one; a daemon restart ends it, and the pane the
	 * layout keeps says so. */
	palette(s.a, "term 1");
	h_send(s.a, "echo second-shell\r");
	h_wait(s.b, "second-shell", WAIT);
	assert_int_equal(h_daemon_stop(s.d), 0);
	h_client_close(s.a);
	h_client_close(s.b);
	h_client_close(s.c);
	h_client_close(s.e);
	s.d = h_daemon_start(s.repo);
	s.a = h_join(h_daemon_port(s.d), s.ka, "alice");
	h_wait(s.a, "terminal 1 ended with the session", JOIN);
	palette(s.a, "term 1");
	h_send(s.a, "echo third-shell\r");
	h_wait(s.a, "third-shell", WAIT);
	h_pass();
}

/* The scrollback: 200 lines printed, prefix [ and PgUp go back to the
 * first ones, Esc returns to the live screen; the wheel too; a click in
 * a terminal pane focuses it. */
static void
test_scrollback_and_mouse(void **state)
{
	struct sess s;

	start(&s, NULL);
	show_term(&s);
	h_send(s.a, "seq -f 'line-%g' 1 200\r");
	h_wait(s.a, "line-200", WAIT);
	h_key(s.a, "C-b");
	h_send(s.a, "[");
	h_wait_row_has(s.a, h_status_row(s.a), "lines back", WAIT);
	h_key(s.a, "Home");
	h_wait(s.a, "line-1\n", WAIT);
	h_key(s.a, "Escape");
	h_wait(s.a, "line-200", WAIT);
	h_wait_row_has(s.a, h_status_row(s.a), "typed last", WAIT);
	/* Bob's own view of it does not move. */
	h_wait(s.b, "line-200", WAIT);
	/* The wheel (up three lines a notch). */
	h_send(s.a, "\033[<64;10;5M");
	h_wait_row_has(s.a, h_status_row(s.a), "3 lines back", WAIT);
	h_send(s.a, "\033[<65;10;5M");
	h_wait_row_has(s.a, h_status_row(s.a), "typed last", WAIT);

	/* A click in the terminal pane of a split focuses it. */
	palette(s.a, "vsplit");
	h_open(s.a, "README.md", WAIT);
	h_wait_row_has(s.a, 0, "README.md", WAIT);
	h_send(s.a, "\033[<0;3;5M\033[<0;3;5m");
	h_send(s.a, "echo clicked-in\r");
	h_wait(s.b, "clicked-in", WAIT);
	h_pass();
}

/* Following someone whose focused pane is a terminal shows that terminal
 * in one's own focused pane; when they go back to a document, so does the
 * follower. The presence line says where each one works. */
static void
test_follow_terminal(void **state)
{
	struct sess s;

	start(&s, NULL);
	h_palette(s.c, "follow Alice", WAIT);
	h_palette(s.a, "term", WAIT);
	h_send(s.a, "echo followed-into\r");
	h_wait(s.c, "followed-into", WAIT);
	h_wait_row_has(s.c, h_status_row(s.c), "term 1", WAIT);
	h_wait_row_has(
	    s.b, h_presence_row(s.b), "Alice Liddell(host) term 1", WAIT);
	h_palette(s.b, "who", WAIT);
	h_wait(s.b, "Alice Liddell  host  term 1", WAIT);
	h_key(s.b, "Escape");
	/* Back to the document (Ctrl-O in her terminal pane: the prefix
	 * first, as the terminal takes Ctrl-O). */
	palette(s.a, "vsplit");
	h_open(s.a, "README.md", WAIT);
	h_wait_row_lacks(s.c, h_status_row(s.c), "term 1", WAIT);
	h_wait(s.c, "hello", WAIT);
	h_wait_row_has(
	    s.b, h_presence_row(s.b), "Alice Liddell(host) README.md:1", WAIT);

	/* Ctrl-O lists the terminals whose shell runs, first, as "term
	 * NAME"; Enter shows one (the viewer too). */
	h_palette(s.a, "term build", WAIT);
	h_send(s.a, "echo in-build\r");
	h_wait(s.a, "in-build", WAIT);
	h_key(s.e, "C-o");
	h_wait_row(s.e, 0, "Open:", WAIT);
	h_wait_row(s.e, 1, "  term 1", WAIT);
	h_wait_row(s.e, 2, "  term build", WAIT);
	h_wait_row(s.e, 3, "  README.md", WAIT);
	h_send(s.e, "bui");
	h_wait_row(s.e, 1, "  term build", WAIT);
	h_key(s.e, "Enter");
	h_wait(s.e, "in-build", WAIT);
	h_wait_row_has(s.e, h_status_row(s.e), "term build", WAIT);
	/* Once its shell has exited, a terminal is not listed. */
	h_send(s.a, "exit\r");
	h_wait(s.e, "the shell of terminal build ended", WAIT);
	h_key(s.b, "C-o");
	h_wait_row(s.b, 0, "Open:", WAIT);
	h_wait_row(s.b, 1, "  term 1", WAIT);
	h_wait_row(s.b, 2, "  README.md", WAIT);
	h_key(s.b, "Enter");
	h_wait(s.b, "followed-into", WAIT);
	h_pass();
}

/* The screen row of c that is exactly text, -1 if none. */
static int
row_of(struct h_client *c, const char *text)
{
	int y;

	for (y = 0; y < h_rows(c); y++) {
		if (strcmp(h_row(c, y), text) == 0)
			return y;
	}
	return -1;
}

/*
 * Copy mode: prefix [, Ctrl-F finds in the scrollback, Enter selects the
 * match and Enter copies it to one's own clipboard; Ctrl-V pastes it into
 * a document (and to disk on save). A viewer copies too, typing nothing
 * into the terminal; a drag with the mouse copies what it went over.
 */
static void
test_copy_mode(void **state)
{
	struct sess s;
	char *readme, drag[64];
	size_t len;
	int y;

	start(&s, NULL);
	show_term(&s);
	h_send(s.a, "seq 1 3000\r");
	h_wait(s.a, "3000", WAIT);
	h_wait(s.b, "3000", WAIT);

	h_key(s.a, "C-b");
	h_send(s.a, "[");
	h_wait_row_has(s.a, h_status_row(s.a), "[copy:", WAIT);
	h_key(s.a, "C-f");
	h_wait_row_has(s.a, h_status_row(s.a), "Find in terminal:", WAIT);
	h_send(s.a, "1234");
	/* 1234 is 1766 lines above the last line, the prompt's. */
	h_wait_row_has(s.a, h_status_row(s.a), "1234", WAIT);
	wait_notice(s.a, "found 1767 lines up");
	h_key(s.a, "Enter");
	h_wait_row_has(s.a, h_status_row(s.a), "[copy:", WAIT);
	h_key(s.a, "Enter");
	wait_notice(s.a, "copied 1 line (4 bytes)");
	/* Not found says so. */
	h_key(s.a, "C-b");
	h_send(s.a, "[");
	h_key(s.a, "C-f");
	h_send(s.a, "nowhere");
	wait_notice(s.a, "not found");
	h_key(s.a, "Escape");
	h_wait_row_has(s.a, h_status_row(s.a), "[copy:", WAIT);
	h_key(s.a, "Escape");
	h_wait_row_has(s.a, h_status_row(s.a), "typed last", WAIT);
	/* Into a document. */
	palette(s.a, "vsplit");
	h_open(s.a, "README.md", WAIT);
	h_key(s.a, "C-v");
	h_wait(s.a, "1234hello", WAIT);
	h_key(s.a, "C-s");
	wait_notice(s.a, "saved");
	readme = h_read_file(s.repo, "README.md", &len);
	assert_string_equal(readme, "1234hello\n");
	free(readme);

	/* The viewer copies, and nothing reaches the shell. */
	h_key(s.c, "C-b");
	h_send(s.c, "[");
	h_key(s.c, "C-f");
	h_send(s.c, "2999");
	h_key(s.c, "Enter");
	h_key(s.c, "Enter");
	wait_notice(s.c, "copied 1 line (4 bytes)");
	h_wait_row_lacks(s.c, h_status_row(s.c), "viewers cannot", WAIT);

	/* A drag over "3000" on Bob's screen copies it. */
	y = row_of(s.b, "3000");
	assert_true(y >= 0);
	snprintf(drag, sizeof drag, "\033[<0;1;%dM\033[<32;4;%dM\033[<0;4;%dm",
	    y + 1, y + 1, y + 1);
	h_send(s.b, drag);
	wait_notice(s.b, "copied 1 line (4 bytes)");
	palette(s.b, "vsplit");
	h_open(s.b, "README.md", WAIT);
	h_key(s.b, "C-v");
	h_wait(s.b, "30001234hello", WAIT);
	h_pass();
}

static void
test_no_terminals(void **state)
{
	struct sess s;

	start(&s, "--no-terminals");
	h_palette(s.a, "term", WAIT);
	wait_notice(s.a, "terminals are off in this session");
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_shared_terminal, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_terminal_life, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_scrollback_and_mouse, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_follow_terminal, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_copy_mode, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_no_terminals, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
