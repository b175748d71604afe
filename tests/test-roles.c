/* test-roles.c: who may do what, end to end: hosts, editors and viewers,
 * `role` and `kick`, against a real daemon over SSH. */
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
#include <libssh/libssh.h>
#include <sqlite3.h>

#include "harness.h"
#include "server.h"

#define JOIN 15000 /* ms for joining (key exchange, fork) */
#define WAIT 10000 /* ms for anything prompt (sanitizer builds are slow) */
#define COLS 120   /* wide enough for the longest notice */
#define ROWS 30

#define PASTE_START "\033[200~"
#define PASTE_END "\033[201~"

#define ALICE "Alice <alice@example.com>"
#define BOB "Bob <bob@example.com>"
#define CAROL "Carol <carol@example.com>"
#define DAN "Dan <dan@example.com>"
#define BONNIE "Bonnie <bonnie@example.com>"

#define VIEWER_NOTICE "viewers cannot edit; a host can make you an editor"

static const char readme[] = "# Roles\nline two\n";

#define wait_status(c, s) h_wait_status(c, h_status_row(c), s, WAIT)
#define wait_notice(c, s) h_wait_row_has(c, h_status_row(c), s, WAIT)
#define wait_presence(c, s) h_wait_row_has(c, h_presence_row(c), s, WAIT)

/* Join at COLS x ROWS and wait until in. */
static struct h_client *
join(int port, const char *key, const char *user)
{
	struct h_client *c;

	c = h_client_connect(port, key, user, COLS, ROWS, "xterm-256color");
	wait_status(c, " README.md");
	return c;
}

/* How many times the daemon's log holds s. */
static int
log_count(struct h_daemon *d, const char *s)
{
	char *log, *p;
	int n = 0;

	log = h_daemon_log_text(d, NULL);
	for (p = log; p != NULL && (p = strstr(p, s)) != NULL; p++)
		n++;
	free(log);
	return n;
}

/* Wait until the log holds s at least n times. */
static void
wait_log(struct h_daemon *d, const char *s, int n)
{
	long long t0 = h_now_ms();

	while (log_count(d, s) < n) {
		if (h_now_ms() - t0 > WAIT)
			fail_msg("the log never said \"%s\" %d times", s, n);
		h_pump_all(50);
	}
}

/* The file on disk is still what it was. */
static void
assert_disk(const char *repo, const char *path, const char *want)
{
	char *got;
	size_t len;

	got = h_read_file(repo, path, &len);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(got, want, len);
	free(got);
}

/* The pop-up `who` opens lists the line. */
static void
who_has(struct h_client *c, const char *line)
{
	h_palette(c, "who", WAIT);
	h_wait(c, "Who is here", WAIT);
	h_wait(c, line, WAIT);
	h_key(c, "Escape");
	h_wait_gone(c, "Who is here", WAIT);
}

/*
 * A viewer sees the host's edits and cursor live and can look around,
 * chat and ask, but no key or command that changes a document or shared
 * state works, and fifty refused keys tell them once, not fifty times.
 */
static void
test_viewer(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *b;
	struct h_cell cell;
	char *repo, *ka, *kb, *typed;
	long long t0, elapsed;
	int port, told, allowed;

	repo = h_repo_create(
	    "README.md", readme, "other.txt", "other file\n", NULL);
	ka = h_key_with(repo, "host", ALICE);
	kb = h_key_with(repo, "viewer", BOB);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");
	b = join(port, kb, "bob");

	/* Roles on the presence line, for everyone; and in who. */
	wait_presence(a, "Alice(host) README.md:1  Bob(viewer) README.md:1");
	wait_presence(b, "Alice(host) README.md:1  Bob(viewer) README.md:1");
	who_has(a, "Bob  viewer  README.md:1");
	who_has(b, "Alice  host  README.md:1");

	/* Alice's edit and cursor reach Bob live. */
	h_send(a, "hey ");
	h_wait_row(b, 0, "hey # Roles", WAIT);
	h_key(a, "Down");
	wait_presence(b, "Alice(host) README.md:2");
	h_pump_all(200);
	h_cell(b, 4, 1, &cell); /* Alice's cursor cell on line two */
	assert_false(cell.bg_default);

	/* Fifty keys typed: nothing changes, the notice shows, and it is
	 * told once (again only after it has gone: never one a key). */
	t0 = h_now_ms();
	typed = xmalloc(51);
	memset(typed, 'x', 50);
	typed[50] = '\0';
	h_send(b, typed);
	free(typed);
	wait_notice(b, VIEWER_NOTICE);
	h_key(b, "Enter"); /* the last key: its refusal ends the burst */
	h_pump_all(500);
	elapsed = h_now_ms() - t0;
	told = log_count(d, "viewers cannot edit");
	allowed = 1 + (int)(elapsed / SERVER_NOTICE_MS) + 1;
	fprintf(stderr, "told %d times in %lld ms (at most %d)\n", told,
	    elapsed, allowed);
	assert_true(told >= 1);
	assert_true(told <= allowed);
	h_wait_row(b, 0, "hey # Roles", WAIT);
	h_wait_row(b, 1, "line two", WAIT);
	assert_null(strstr(h_screen(b), "xxx"));

	/* Every other key that edits, saves or reloads. */
	h_key(b, "C-c"); /* copy is fine: the clipboard is their own */
	wait_notice(b, "copied");
	h_key(b, "BSpace");
	h_key(b, "Delete");
	h_key(b, "Tab");
	h_key(b, "C-v");
	h_key(b, "C-x");
	h_key(b, "C-z");
	h_key(b, "C-y");
	h_key(b, "C-s");
	h_key(b, "C-r");
	h_send(b, PASTE_START "pasted text" PASTE_END);
	wait_log(d, "viewers cannot edit", told + 1);
	h_pump_all(500);
	h_wait_row(a, 0, "hey # Roles", WAIT);
	h_wait_row(a, 1, "line two", WAIT);
	assert_null(strstr(h_screen(a), "pasted"));
	assert_null(strstr(h_screen(b), "pasted"));
	/* Not saved (Ctrl-S) and not reloaded (Ctrl-R): Alice's change is
	 * still unsaved in the session. */
	assert_disk(repo, "README.md", readme);
	h_wait_row(b, 0, "hey # Roles", WAIT);
	wait_status(a, " README.md [+]");

	/* Commands that change shared state. */
	h_palette(b, "decide Use roles", WAIT);
	wait_notice(b, "viewers cannot decide; a host can make you an editor");
	h_palette(b, "accept", WAIT);
	wait_notice(b, "viewers cannot accept");
	h_palette(b, "reject", WAIT);
	wait_notice(b, "viewers cannot reject");
	h_palette(b, "commit now", WAIT);
	wait_notice(b, "viewers cannot commit");
	h_palette(b, "link", WAIT);
	wait_notice(b, "viewers cannot link");
	h_palette(b, "supersede 1", WAIT);
	wait_notice(b, "viewers cannot supersede");
	h_palette(b, "role Alice viewer", WAIT);
	wait_notice(b, "only hosts can use role");
	h_palette(b, "kick Alice", WAIT);
	wait_notice(b, "only hosts can use kick");
	assert_int_equal(h_journal_int(repo, "SELECT count(*) FROM drafts"), 0);

	/* What a viewer may do: chat, ask, go to a line, follow, open. */
	h_key(b, "C-t");
	h_send(b, "hello from a viewer\r");
	h_wait(a, "Bob: hello from a viewer", WAIT);
	h_palette(b, "question Who reviews?", WAIT);
	wait_notice(b, "question noted (1 open)");
	h_key(b, "C-g");
	h_send(b, "2\r");
	wait_status(b, " README.md [+]  2:1");
	h_palette(b, "follow Alice", WAIT);
	wait_notice(b, "following Alice");
	h_open(b, "other.txt", WAIT);
	wait_status(b, " other.txt");
	h_wait_row(b, 0, "other file", WAIT);
	h_send(b, "zzz");
	wait_notice(b, VIEWER_NOTICE);
	assert_disk(repo, "other.txt", "other file\n");
	h_wait_row(b, 0, "other file", WAIT);
	assert_null(strstr(h_row(b, 0), "zzz"));

	/* The document is untouched by all this. */
	h_key(a, "C-s");
	wait_notice(a, "saved by Alice");
	assert_disk(repo, "README.md", "hey # Roles\nline two\n");
	h_pass();
}

/*
 * The refusal is held back only while it is what the viewer sees: a newer
 * notice for everyone (Alice saving) hides it, and the next refused key
 * shows it again at once.
 */
static void
test_viewer_notice_again(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *b;
	char *repo, *ka, *kb;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_with(repo, "host", ALICE);
	kb = h_key_with(repo, "viewer", BOB);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");
	b = join(port, kb, "bob");
	wait_presence(a, "Bob(viewer)");

	h_send(b, "x");
	wait_notice(b, VIEWER_NOTICE);
	h_key(a, "C-s");
	wait_notice(b, "saved by Alice");
	h_send(b, "y");
	wait_notice(b, VIEWER_NOTICE);
	h_wait_row(a, 0, "# Roles", WAIT);
	h_pass();
}

/*
 * `role` by a host changes a person's role at once, tells them and
 * everyone, and is remembered by key across a restart of the daemon: a
 * viewer made an editor stays one though their line says viewer; an
 * editor made a viewer stays one though their line says nothing.
 */
static void
test_role_live_and_remembered(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *b, *c;
	char *repo, *ka, *kb, *kc;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_with(repo, "host", ALICE);
	kb = h_key_with(repo, "viewer", BOB);
	kc = h_key_with(repo, NULL, CAROL);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");
	b = join(port, kb, "bob");
	c = join(port, kc, "carol");
	wait_presence(a, "Bob(viewer) README.md:1  Carol README.md:1");

	/* Promoted: Bob types at once. */
	h_palette(a, "role Bob editor", WAIT);
	wait_notice(b, "Alice made you an editor");
	wait_notice(a, "Alice made Bob an editor");
	wait_notice(c, "Alice made Bob an editor");
	wait_presence(a, "Alice(host) README.md:1  Bob README.md:1");
	h_send(b, "bob ");
	h_wait_row(a, 0, "bob # Roles", WAIT);
	who_has(c, "Bob  editor");

	/* Carol demoted: she cannot type any more. */
	h_palette(a, "role Carol viewer", WAIT);
	wait_notice(c, "Alice made you a viewer");
	wait_presence(b, "Carol(viewer)");
	h_send(c, "carol ");
	wait_notice(c, VIEWER_NOTICE);
	h_palette(a, "role Carol viewer", WAIT);
	wait_notice(a, "Carol is already a viewer");
	h_pump_all(300);
	h_wait_row(a, 0, "bob # Roles", WAIT);
	assert_int_equal(
	    h_journal_int(repo, "SELECT count(*) FROM members"), 2);

	/* A restart: the roles given are kept by key. */
	h_client_close(a);
	h_client_close(b);
	h_client_close(c);
	assert_int_equal(h_daemon_stop(d), 0);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	b = join(port, kb, "bob");
	c = join(port, kc, "carol");
	wait_presence(b, "Bob README.md:1  Carol(viewer) README.md:1");
	h_send(c, "carol ");
	wait_notice(c, VIEWER_NOTICE);
	h_send(b, "again ");
	h_wait_row_has(c, 0, "again ", WAIT);
	assert_null(strstr(h_row(c, 0), "carol"));
	h_pass();
}

/*
 * A role given with `role` to a line of the key files lasts as long as
 * the line: with the line removed, the remembered role lets nobody in
 * (only invitations do that), neither at the key's check nor at HELLO.
 */
static void
test_role_ends_with_line(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *b;
	char *repo, *ka, *kb, *line, *text;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_with(repo, "host", ALICE);
	kb = h_key_with(repo, NULL, BOB);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");
	b = join(port, kb, "bob");
	h_palette(a, "role Bob viewer", WAIT);
	wait_notice(b, "Alice made you a viewer");
	assert_int_equal(
	    h_journal_int(repo, "SELECT count(*) FROM members"), 1);
	h_client_close(b);

	/* Bob's line goes: only Alice's is left. */
	line = h_key_line(ka, ALICE);
	xasprintf(&text, "host %s\n", line);
	h_write_file(repo, ".moot/authorized_keys", text, strlen(text));
	assert_int_not_equal(h_try_key(port, kb, "bob"), SSH_AUTH_SUCCESS);
	/* And after a restart, from the journal. */
	h_client_close(a);
	assert_int_equal(h_daemon_stop(d), 0);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	assert_int_not_equal(h_try_key(port, kb, "bob"), SSH_AUTH_SUCCESS);
	a = join(port, ka, "alice");
	free(line);
	free(text);
	h_pass();
}

/*
 * What `role` and `kick` refuse: editors and viewers may not use them;
 * hosts are neither demoted nor kicked; nobody changes or kicks
 * themselves; unknown, ambiguous and malformed names are told apart.
 */
static void
test_role_refusals(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *b, *c, *dn, *bo;
	char *repo, *ka, *kb, *kc, *kd, *kbo;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_with(repo, "host", ALICE);
	kb = h_key_with(repo, NULL, BOB);
	kc = h_key_with(repo, NULL, CAROL);
	kd = h_key_with(repo, "host", DAN);
	kbo = h_key_with(repo, "viewer", BONNIE);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");
	b = join(port, kb, "bob");
	c = join(port, kc, "carol");
	dn = join(port, kd, "dan");
	bo = join(port, kbo, "bonnie");
	wait_presence(a, "Bonnie(viewer)");
	wait_presence(a, "Dan(host)");

	/* An editor may not. */
	h_palette(c, "role Bob viewer", WAIT);
	wait_notice(c, "only hosts can use role");
	h_palette(c, "kick Bob", WAIT);
	wait_notice(c, "only hosts can use kick");

	/* Hosts stay hosts and stay in. */
	h_palette(a, "role Dan viewer", WAIT);
	wait_notice(a, "Dan is a host: a host's role comes from the key files");
	h_palette(a, "kick Dan", WAIT);
	wait_notice(a, "Dan is a host: hosts cannot be kicked");
	h_palette(a, "role Alice viewer", WAIT);
	wait_notice(a, "you cannot change your own role");
	h_palette(a, "kick Alice", WAIT);
	wait_notice(a, "you cannot kick yourself");

	/* Names: unknown, ambiguous (Bob, Bonnie), whole. */
	h_palette(a, "role Nobody editor", WAIT);
	wait_notice(a, "nobody here is called Nobody");
	h_palette(a, "role Bo editor", WAIT);
	wait_notice(a, "more than one person here is called Bo");
	h_palette(a, "role Bob host", WAIT);
	wait_notice(a, "hosts come from the key files");
	h_palette(a, "role Bob", WAIT);
	wait_notice(a, "usage: role NAME viewer|editor");
	h_palette(a, "kick", WAIT);
	wait_notice(a, "usage: kick NAME");
	h_palette(a, "role bonnie editor", WAIT);
	wait_notice(bo, "Alice made you an editor");

	/* Nothing else changed. */
	wait_presence(dn, "Alice(host)");
	wait_presence(dn, "Dan(host)");
	h_wait_row_lacks(a, h_presence_row(a), "Bob(", WAIT);
	h_wait_row_lacks(a, h_presence_row(a), "Carol(", WAIT);
	assert_false(h_client_closed(dn));
	assert_false(h_client_closed(b));
	h_send(b, "still ");
	h_wait_row(a, 0, "still # Roles", WAIT);
	h_pass();
}

/* Put a member in the journal as if they had come by invitation 7. */
static void
journal_member_invited(const char *repo, const char *key)
{
	sqlite3 *db;
	char *path, *fp, *sql;

	xasprintf(&path, "%s/.git/moot/journal.db", repo);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	fp = h_key_fingerprint(key);
	xasprintf(&sql,
	    "INSERT INTO members (author, role, name, invite, time) "
	    "VALUES ('%s', 1, 'Bob', 7, 0)",
	    fp);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(sql);
	free(fp);
	free(path);
}

/*
 * `kick` ends every connection of that person with a line on their
 * terminal; the others are told, the log says it. Someone who came by an
 * invitation is forgotten; a line of the key files lets them back in.
 */
static void
test_kick(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *b, *b2, *c;
	char *repo, *ka, *kb, *kc;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_with(repo, "host", ALICE);
	kb = h_key_with(repo, NULL, BOB);
	kc = h_key_with(repo, NULL, CAROL);
	/* A first run makes the journal; Bob is then remembered as having
	 * come by an invitation. */
	d = h_daemon_start(repo);
	assert_int_equal(h_daemon_stop(d), 0);
	journal_member_invited(repo, kb);

	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");
	b = join(port, kb, "bob");
	b2 = join(port, kb, "bob");
	c = join(port, kc, "carol");
	wait_presence(a, "Carol");
	assert_int_equal(
	    h_journal_int(repo, "SELECT count(*) FROM members"), 1);

	h_palette(a, "kick Bob", WAIT);
	h_wait(b, "moot: Alice removed you from the session", WAIT);
	h_wait_closed(b, WAIT);
	h_wait(b2, "moot: Alice removed you from the session", WAIT);
	h_wait_closed(b2, WAIT);
	wait_notice(c, "Alice removed Bob from the session");
	h_wait_row_lacks(c, h_presence_row(c), "Bob", WAIT);
	wait_log(d, "Alice removed Bob (key", 1);
	h_pump_all(300);
	assert_int_equal(
	    h_journal_int(repo, "SELECT count(*) FROM members"), 0);

	/* Bob's line is still there: he may come back. */
	b = join(port, kb, "bob");
	wait_presence(c, "Bob");
	assert_false(h_client_closed(c));
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_viewer, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_viewer_notice_again, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_role_live_and_remembered, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_role_refusals, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_role_ends_with_line, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_kick, h_setup, h_teardown),
	};

	/* E2E_FILTER=test_kick runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
