/* test-catchup.c: end-to-end tests of coming back: catch-ups that cover only
 * the absence, a restart that loses nothing, and no keystroke dropped. */
#include "moot.h"

#include <sys/types.h>

#include <setjmp.h>
#include <signal.h>
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
#define COLS 120
#define ROWS 30

#define ALICE "Alice Liddell <alice@example.com>"
#define BOB "Bob Stone <bob@example.com>"
#define CAROL "Carol Ng <carol@example.com>"

#define SINCE "Since your last visit"
#define RESTARTED "the session restarted; nothing was lost"
#define F5 "\033[15~"

/* Twelve numbered lines. */
static const char twelve[] =
    "line 01\nline 02\nline 03\nline 04\nline 05\nline 06\nline 07\n"
    "line 08\nline 09\nline 10\nline 11\nline 12\n";

struct sess {
	char *repo;
	struct h_daemon *d;
	int port;
	char *ka, *kb, *kc; /* Alice's, Bob's and Carol's private keys */
	struct h_client *a, *b, *c;
};

#define wait_status(c, s) h_wait_status(c, h_status_row(c), s, WAIT)
#define wait_notice(c, s) h_wait_row_has(c, h_status_row(c), s, WAIT)

static struct h_client *
join(int port, const char *key, const char *user)
{
	return h_client_connect(port, key, user, COLS, ROWS, "xterm-256color");
}

/* Wait until everyone in names (one presence row text) shows for c. */
static void
wait_here(struct h_client *c, const char *presence)
{
	h_wait_row_has(c, h_presence_row(c), presence, JOIN);
}

static int
is_closed(struct h_client *c, void *arg)
{
	return h_client_closed(c);
}

/* A pop-up titled title is showing (row 0). */
static int
shows_popup(struct h_client *c, const char *title)
{
	const char *row = h_row(c, 0);

	return *row == ' ' && strncmp(row + 1, title, strlen(title)) == 0;
}

/* The row (from 1) whose text, leading spaces dropped, starts with s. */
static int
row_starting(struct h_client *c, const char *s)
{
	const char *row;
	int y;

	for (y = 1; y < h_status_row(c); y++) {
		for (row = h_row(c, y); *row == ' '; row++)
			;
		if (strncmp(row, s, strlen(s)) == 0)
			return y;
	}
	return -1;
}

/* Is the row (from 1) starting with s the selected one (reverse)? */
static int
selected(struct h_client *c, void *arg)
{
	struct h_cell cell;
	int y = row_starting(c, arg);

	if (y == -1)
		return 0;
	h_cell(c, 0, y, &cell);
	return cell.reverse;
}

/* Down until the line starting with s is selected in a pop-up. */
static void
select_line(struct h_client *c, const char *s)
{
	int i;

	for (i = 0; i < 20 && !h_until(c, selected, (void *)s, 300); i++)
		h_key(c, "Down");
	h_wait_pred(c, selected, (void *)s, "the line selected", WAIT);
}

/*
 * The scenario of issue 14: Bob saves while Alice watches the notice
 * live; the daemon is killed with -9 and restarted; both come back at
 * once and type straight away. Nobody gets a catch-up (they saw it all),
 * both hear that the session restarted, and every key they typed is in
 * the text, also after Esc.
 */
static void
test_restart_nothing_lost(void **state)
{
	struct sess s;
	char *text;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("README.md", twelve, NULL);
	s.ka = h_key_create(s.repo, ALICE);
	s.kb = h_key_new(s.repo);
	h_key_authorize(s.repo, s.kb, BOB);
	s.d = h_daemon_start(s.repo);
	s.port = h_daemon_port(s.d);
	s.a = join(s.port, s.ka, "Alice");
	s.b = join(s.port, s.kb, "Bob");
	wait_here(s.a, "Bob Stone");
	wait_here(s.b, "Alice Liddell");

	/* Bob changes line 3 and saves; Alice sees it happen. */
	h_key(s.b, "Down");
	h_key(s.b, "Down");
	h_send(s.b, "B");
	h_wait_row(s.a, 2, "Bline 03", WAIT);
	h_key(s.b, "C-s");
	wait_notice(s.a, "saved by Bob Stone");
	text = h_read_file(s.repo, "README.md", NULL);
	assert_non_null(strstr(text, "Bline 03"));
	free(text);
	/* The journal knows Alice was here when it was saved. */
	assert_int_equal(h_journal_int(s.repo,
	                     "SELECT min(v.time) >= (SELECT max(time) FROM "
	                     "events) FROM visits AS v JOIN people AS p ON "
	                     "p.author = v.author"),
	    1);

	assert_int_equal(kill(h_daemon_pid(s.d), SIGKILL), 0);
	assert_int_equal(h_daemon_stop(s.d), -1);
	h_until(s.a, is_closed, NULL, WAIT);
	h_until(s.b, is_closed, NULL, WAIT);
	h_client_close(s.a);
	h_client_close(s.b);

	s.d = h_daemon_start(s.repo);
	s.port = h_daemon_port(s.d);
	/* The timeline says they left when they were last known here. */
	assert_int_equal(h_run_capture(s.repo, NULL, &text, h_moot_path(),
	                     "log", NULL),
	    0);
	assert_non_null(strstr(text, "Alice Liddell left (the session "
	                             "stopped)\n"));
	assert_non_null(strstr(text, "Bob Stone left (the session stopped)"));
	free(text);
	s.a = join(s.port, s.ka, "Alice");
	s.b = join(s.port, s.kb, "Bob");
	h_send(s.a, "abcdefgh");
	h_send(s.b, "12345678");
	wait_notice(s.a, RESTARTED);
	wait_notice(s.b, RESTARTED);
	h_wait(s.a, "abcdefgh", WAIT);
	h_wait(s.a, "12345678", WAIT);
	h_wait(s.b, "abcdefgh", WAIT);
	h_wait(s.b, "12345678", WAIT);
	assert_false(shows_popup(s.a, SINCE));
	assert_false(shows_popup(s.b, SINCE));
	h_key(s.a, "Escape");
	h_key(s.b, "Escape");
	h_pump_all(300);
	h_wait(s.a, "abcdefgh", WAIT);
	h_wait(s.b, "12345678", WAIT);
	/* Saved, both are on disk. */
	h_key(s.a, "C-s");
	wait_notice(s.b, "saved by Alice Liddell");
	text = h_read_file(s.repo, "README.md", NULL);
	assert_non_null(strstr(text, "abcdefgh"));
	assert_non_null(strstr(text, "12345678"));
	free(text);
	h_pass();
}

/*
 * Carol is away while the others decide, save and ask: coming back she
 * sees each of those, and Enter opens each: the record, the chat where
 * the question was asked, the file at the changed line, then (away
 * again) the draft in progress. What she saw herself is never listed.
 */
static void
test_away_catchup(void **state)
{
	struct sess s;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("README.md", twelve, "src.c", twelve, NULL);
	s.ka = h_key_create(s.repo, ALICE);
	s.kb = h_key_new(s.repo);
	h_key_authorize(s.repo, s.kb, BOB);
	s.kc = h_key_new(s.repo);
	h_key_authorize(s.repo, s.kc, CAROL);
	s.d = h_daemon_start(s.repo);
	s.port = h_daemon_port(s.d);
	s.a = join(s.port, s.ka, "Alice");
	s.b = join(s.port, s.kb, "Bob");
	s.c = join(s.port, s.kc, "Carol");
	wait_here(s.a, "Carol Ng");
	/* Something before she leaves: not news when she comes back. */
	h_palette(s.a, "question seen before leaving?", WAIT);
	wait_notice(s.a, "question noted (1 open)");
	h_key(s.c, "C-q");
	h_until(s.c, is_closed, NULL, WAIT);
	h_client_close(s.c);
	h_wait_row_lacks(s.a, h_presence_row(s.a), "Carol", WAIT);

	/* While she is away: a decision, a save at line 5, a question. */
	h_palette(s.a, "decide Use WAL", WAIT);
	wait_notice(s.a, "ADR-0001 drafted");
	h_palette(s.a, "accept", WAIT);
	wait_notice(s.a, "accepted ADR-0001");
	h_open(s.b, "src.c", WAIT);
	wait_status(s.b, " src.c");
	h_key(s.b, "C-g");
	h_send(s.b, "5");
	h_key(s.b, "Enter");
	h_send(s.b, "B");
	h_key(s.b, "C-s");
	wait_notice(s.a, "saved by Bob Stone");
	h_palette(s.a, "question what about NFS?", WAIT);
	wait_notice(s.a, "question noted (1 open)");

	s.c = join(s.port, s.kc, "Carol");
	h_wait_row(s.c, 0, " " SINCE, JOIN);
	h_wait(s.c, "Alice Liddell accepted ADR-0001: Use WAL", WAIT);
	h_wait(s.c, "- what about NFS?", WAIT);
	h_wait(s.c, "src.c (Bob Stone)", WAIT);
	h_wait(s.c, "Enter opens", WAIT);
	assert_null(strstr(h_screen(s.c), "seen before leaving?"));

	/* The decision: its record. */
	select_line(s.c, "Alice Liddell accepted ADR-0001");
	h_key(s.c, "Enter");
	wait_status(s.c, " doc/adr/0001-use-wal.md");
	/* The question: the chat from when it was asked. */
	h_palette(s.c, "since", WAIT);
	h_wait_row(s.c, 0, " " SINCE, WAIT);
	select_line(s.c, "- what about NFS?");
	h_key(s.c, "Enter");
	h_wait_row(s.c, 0, " Chat", WAIT);
	h_key(s.c, "Escape");
	/* The file: at the line that changed. */
	h_palette(s.c, "since", WAIT);
	h_wait_row(s.c, 0, " " SINCE, WAIT);
	select_line(s.c, "src.c (Bob Stone)");
	h_key(s.c, "Enter");
	wait_status(s.c, " src.c  5:1");
	h_wait(s.c, "Bline 05", WAIT);

	/* Away again: a draft starts (it takes the open question). */
	h_key(s.c, "C-q");
	h_until(s.c, is_closed, NULL, WAIT);
	h_client_close(s.c);
	h_wait_row_lacks(s.a, h_presence_row(s.a), "Carol", WAIT);
	h_palette(s.a, "decide Keep NFS out", WAIT);
	wait_notice(s.a, "ADR-0002 drafted");

	s.c = join(s.port, s.kc, "Carol");
	h_wait_row(s.c, 0, " " SINCE, JOIN);
	h_wait(
	    s.c, "ADR-0002: Keep NFS out (doc/adr/0002-keep-nfs-out.md)", WAIT);
	/* Only what happened since she left this time. */
	assert_null(strstr(h_screen(s.c), "accepted ADR-0001"));
	assert_null(strstr(h_screen(s.c), "src.c (Bob Stone)"));
	select_line(s.c, "ADR-0002: Keep NFS out");
	h_key(s.c, "Enter");
	wait_status(s.c, " doc/adr/0002-keep-nfs-out.md");
	h_pass();
}

/* Open a pop-up with a palette command and wait for its title. */
static void
popup(struct h_client *c, const char *command, const char *title)
{
	char *want;

	h_palette(c, command, WAIT);
	xasprintf(&want, " %s", title);
	h_wait_row(c, 0, want, WAIT);
	free(want);
}

/* A pop-up closes on a letter, and the letter is typed in the text. */
static void
type_into_popup(struct h_client *c, const char *command, const char *title,
    const char *letter, const char *line)
{
	popup(c, command, title);
	h_send(c, letter);
	h_wait_row(c, 0, line, WAIT);
}

/*
 * Every pop-up and prompt with a key typed into it: a pop-up that only
 * informs closes and the key does what it would have done; a prompt
 * keeps the keys it takes and answers any other with what it takes.
 */
static void
test_keys_everywhere(void **state)
{
	struct sess s;
	char *text;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("README.md", twelve, NULL);
	s.ka = h_key_create(s.repo, ALICE);
	s.kb = h_key_new(s.repo);
	h_key_authorize(s.repo, s.kb, BOB);
	s.d = h_daemon_start(s.repo);
	s.port = h_daemon_port(s.d);
	s.a = join(s.port, s.ka, "Alice");
	wait_here(s.a, "Alice Liddell README.md:1");

	/* Pop-ups that only inform: each letter lands in line 1. */
	type_into_popup(s.a, "help", "Help", "a", "aline 01");
	type_into_popup(s.a, "who", "Who is here", "b", "abline 01");
	type_into_popup(s.a, "since", SINCE, "c", "abcline 01");
	type_into_popup(s.a, "why", "Why README.md:1", "d", "abcdline 01");
	type_into_popup(s.a, "chat", "Chat", "e", "abcdeline 01");
	type_into_popup(s.a, "decisions", "Decisions", "f", "abcdefline 01");
	type_into_popup(s.a, "invites", "Invitations", "g", "abcdefgline 01");
	/* Enter in a pop-up with nothing to open is the text's too. */
	popup(s.a, "help", "Help");
	h_key(s.a, "Enter");
	h_wait_row(s.a, 0, "abcdefg", WAIT);
	h_wait_row(s.a, 1, "line 01", WAIT);
	/* A paste into a pop-up goes on to the text. */
	popup(s.a, "who", "Who is here");
	h_send(s.a, "\033[200~pasted\033[201~");
	h_wait_row(s.a, 1, "pastedline 01", WAIT);
	/* Esc only closes. */
	popup(s.a, "help", "Help");
	h_key(s.a, "Escape");
	h_wait_row(s.a, 0, "abcdefg", WAIT);
	h_wait_row(s.a, 1, "pastedline 01", WAIT);

	/* Prompts: a key they do not take gets a hint, and they stay. */
	h_key(s.a, "C-p");
	h_wait_row(s.a, 0, "Command:", WAIT);
	h_send(s.a, F5);
	wait_notice(s.a, "type a command; Up/Down choose");
	h_wait_row(s.a, 0, "Command:", WAIT);
	h_key(s.a, "Escape");
	h_wait_row(s.a, 0, "abcdefg", WAIT);

	h_key(s.a, "C-o");
	h_wait_row(s.a, 0, "Open:", WAIT);
	h_key(s.a, "C-k");
	wait_notice(s.a, "type to filter the files");
	h_wait_row(s.a, 0, "Open:", WAIT);
	h_key(s.a, "Escape");
	h_wait_row(s.a, 0, "abcdefg", WAIT);

	h_key(s.a, "C-g");
	wait_status(s.a, " Go to line:");
	h_send(s.a, "x");
	wait_notice(s.a, "type a line number (digits)");
	h_send(s.a, "3");
	wait_status(s.a, " Go to line: 3");
	h_key(s.a, "Enter");
	wait_status(s.a, " README.md [+] 3:1");

	h_key(s.a, "C-f");
	wait_status(s.a, " Find:");
	h_key(s.a, "Delete");
	wait_notice(s.a, "type what to find");
	wait_status(s.a, " Find:");
	h_key(s.a, "Escape");
	wait_status(s.a, " README.md [+] 3:1");

	h_key(s.a, "C-t");
	wait_status(s.a, " Say:");
	h_send(s.a, "hi");
	h_key(s.a, "Up");
	wait_notice(s.a, "type a message; Enter sends it");
	wait_status(s.a, " Say: hi");
	h_key(s.a, "Escape");
	wait_status(s.a, " README.md [+] 3:1");

	h_key(s.a, "C-s");
	wait_status(s.a, " README.md 3:1");
	h_palette(s.a, "commit", WAIT);
	wait_status(s.a, " Commit message:");
	h_send(s.a, F5);
	wait_notice(s.a, "type the commit message; Enter commits");
	wait_status(s.a, " Commit message:");
	h_key(s.a, "Escape");
	wait_status(s.a, " README.md 3:1");

	/* In the text, a key that does nothing says so. */
	h_send(s.a, F5);
	wait_notice(s.a, "that key does nothing here");

	/* A confirmation (the file changed on disk: Ctrl-S again) takes
	 * no keys: a letter typed meanwhile is typed, and the second
	 * Ctrl-S still overwrites. */
	h_send(s.a, "z");
	wait_status(s.a, " README.md [+] 3:2");
	h_write_file(s.repo, "README.md", "changed behind the session\n", 27);
	h_key(s.a, "C-s");
	wait_notice(s.a, "README.md changed on disk: Ctrl-S again overwrites");
	h_send(s.a, "y");
	h_wait_row(s.a, 2, "zyline 02", WAIT);
	h_key(s.a, "C-s");
	wait_status(s.a, " README.md 3:3");
	text = h_read_file(s.repo, "README.md", NULL);
	assert_non_null(strstr(text, "zyline 02"));
	free(text);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_restart_nothing_lost, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_away_catchup, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_keys_everywhere, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
