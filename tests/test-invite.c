/* test-invite.c: end-to-end tests of invitations: `moot invite` and its
 * control socket, joining as join-TOKEN, the name prompt, the palette. */
#include "moot.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define WAIT 8000 /* ms for joining (key exchange, fork) */

#define ALICE "Alice Liddell <alice@example.com>"
#define BOB "Bob Stone <bob@example.com>"

static const char readme[] = "# Invitations\nsecret plans\n";

/* The token of the first "join-TOKEN" in s (32 characters), or fail. */
static char *
token_of(const char *s)
{
	const char *p = strstr(s, "join-");
	char *t;

	if (p == NULL || strlen(p + 5) < 32)
		fail_msg("no join-TOKEN in:\n%s", s);
	t = xstrndup(p + 5, 32);
	return t;
}

/* `moot invite ARGS...` beside the running daemon: its output; *status
 * its exit status. */
static char *
invite_cli(const char *repo, struct h_daemon *d, int *status, const char *a1,
    const char *a2, const char *a3, const char *a4)
{
	char *out;

	*status = h_run_capture(repo, d != NULL ? h_daemon_home(d) : NULL, &out,
	    h_moot_path(), "invite", "-C", repo, a1, a2, a3, a4, NULL);
	return out;
}

/* A new invitation from the command line: its token. */
static char *
invite_token(const char *repo, struct h_daemon *d, const char *a1,
    const char *a2, const char *a3, const char *a4)
{
	char *out, *t;
	int status;

	out = invite_cli(repo, d, &status, a1, a2, a3, a4);
	if (status != 0)
		fail_msg("moot invite exited %d:\n%s", status, out);
	t = token_of(out);
	free(out);
	return t;
}

/* Wait until a query of the journal gives want (it is written at the end
 * of the daemon's loop pass, just after it answered). */
static void
journal_wait(const char *repo, const char *sql, long long want)
{
	long long until = h_now_ms() + WAIT, got;

	while ((got = h_journal_int(repo, sql)) != want) {
		if (h_now_ms() > until)
			fail_msg("%s gave %lld, not %lld", sql, got, want);
		usleep(20 * 1000);
	}
}

/* The row of c's screen showing a must also show b. */
static void
row_with_has(struct h_client *c, const char *a, const char *b)
{
	const char *row;
	int y;

	h_wait(c, a, WAIT);
	for (y = 0; y < h_rows(c); y++) {
		row = h_row(c, y);
		if (strstr(row, a) != NULL) {
			if (strstr(row, b) == NULL)
				fail_msg("row %d has %s but not %s: %s", y, a,
				    b, row);
			return;
		}
	}
	fail_msg("no row has %s", a);
}

static char *
join_user(const char *token)
{
	char *u;

	xasprintf(&u, "join-%s", token);
	return u;
}

/* Join with a fresh key (in no key file) by an invitation, give a name,
 * and wait until in. */
static struct h_client *
join_invited(int port, const char *key, const char *token, const char *name)
{
	struct h_client *c;
	char *user = join_user(token);

	c = h_join(port, key, user);
	free(user);
	h_wait(c, "Your name:", WAIT);
	h_send(c, name);
	h_key(c, "Enter");
	h_wait_row_has(c, h_presence_row(c), name, WAIT);
	return c;
}

/* The line `moot invite` prints; a fresh key joins with it, is asked its
 * name (seeing nothing of the session meanwhile), and enters under that
 * name with the invited role; the token is used up. */
static void
test_cli_invite_join(void **state)
{
	char *repo = h_repo_create("README.md", readme, NULL);
	char *akey = h_key_create(repo, ALICE), *fresh = h_key_new(repo);
	struct h_daemon *d = h_daemon_start(repo);
	int port = h_daemon_port(d), status;
	struct h_client *a, *c;
	char *out, *token, *user, want[64];

	out = invite_cli(repo, d, &status, NULL, NULL, NULL, NULL);
	assert_int_equal(status, 0);
	snprintf(want, sizeof want, "ssh -p %d join-", port);
	if (strstr(out, want) == NULL || strstr(out, "@127.0.0.1") == NULL ||
	    strstr(out, "a viewer, 1 use, expires in") == NULL)
		fail_msg("moot invite printed:\n%s", out);
	token = token_of(out);
	free(out);
	journal_wait(repo, "SELECT count(*) FROM invites", 1);

	a = h_join(port, akey, "alice");
	h_wait_row_has(a, h_presence_row(a), "Alice Liddell", WAIT);

	user = join_user(token);
	c = h_join(port, fresh, user);
	h_wait(c, "Your name:", WAIT);
	h_wait(c, "invited to this moot session as a viewer", WAIT);
	/* Nothing of the session while the prompt is up. */
	assert_null(strstr(h_screen(c), "secret plans"));
	assert_null(strstr(h_screen(c), "Alice"));
	h_wait_row_lacks(a, h_presence_row(a), "join-", 1000);
	h_send(c, "Dora Explorer");
	h_key(c, "Enter");
	h_wait(c, "secret plans", WAIT);
	h_wait_row_has(c, h_presence_row(c), "Dora Explorer", WAIT);
	h_wait_row_has(a, h_presence_row(a), "Dora Explorer", WAIT);
	/* The one use is gone; the key is remembered with its name. */
	journal_wait(repo, "SELECT count(*) FROM invites", 0);
	journal_wait(repo,
	    "SELECT count(*) FROM members WHERE role = 0 "
	    "AND name = 'Dora Explorer' AND invite = 1",
	    1);
	free(user);
	free(token);
	h_pass();
}

/* A token of one use: the second person with it is told it is not valid
 * and the connection closes; so is a made-up one. */
static void
test_second_use_and_wrong_token(void **state)
{
	char *repo = h_repo_create("README.md", readme, NULL);
	char *k1 = h_key_new(repo), *k2 = h_key_new(repo);
	struct h_daemon *d = h_daemon_start(repo);
	int port = h_daemon_port(d);
	struct h_client *c1, *c2, *c3;
	char *token = invite_token(repo, d, NULL, NULL, NULL, NULL), *user;
	char *log;

	c1 = join_invited(port, k1, token, "First Comer");
	user = join_user(token);
	c2 = h_join(port, k2, user);
	h_wait(c2, "this invitation is not valid", WAIT);
	h_wait_closed(c2, WAIT);

	c3 = h_join(port, k2, "join-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	h_wait(c3, "this invitation is not valid", WAIT);
	h_wait_closed(c3, WAIT);
	/* The refusals are logged; the one who came in stays. */
	log = h_daemon_log_text(d, NULL);
	if (strstr(log, "refused an invitation from 127.0.0.1") == NULL)
		fail_msg("no refusal logged:\n%s", log);
	free(log);
	assert_false(h_client_closed(c1));
	free(user);
	free(token);
	h_pass();
}

/* An invitation that has expired is refused with its own message. */
static void
test_expired(void **state)
{
	char *repo = h_repo_create("README.md", readme, NULL);
	char *k = h_key_new(repo);
	struct h_daemon *d = h_daemon_start(repo);
	char *token = invite_token(repo, d, "--expires", "1s", NULL, NULL);
	char *user = join_user(token);
	struct h_client *c;

	/* Wait until it has surely expired (any time after 1 s would do). */
	usleep(1500 * 1000);
	c = h_join(h_daemon_port(d), k, user);
	h_wait(c, "this invitation has expired", WAIT);
	h_wait_closed(c, WAIT);
	journal_wait(repo, "SELECT count(*) FROM invites", 0);
	free(user);
	free(token);
	h_pass();
}

/* Bad values are refused with a clear message, and with no daemon
 * running `moot invite` says so and exits 1. */
static void
test_cli_refusals(void **state)
{
	char *repo = h_repo_create("README.md", readme, NULL);
	struct h_daemon *d;
	char *out;
	int status;

	out = invite_cli(repo, NULL, &status, NULL, NULL, NULL, NULL);
	assert_int_equal(status, 1);
	if (strstr(out, "no session is running") == NULL)
		fail_msg("moot invite with no session printed:\n%s", out);
	free(out);

	d = h_daemon_start(repo);
	out = invite_cli(repo, d, &status, "--role", "host", NULL, NULL);
	assert_int_equal(status, 1);
	assert_non_null(strstr(out, "never a host"));
	free(out);
	out = invite_cli(repo, d, &status, "--expires", "31d", NULL, NULL);
	assert_int_equal(status, 1);
	assert_non_null(strstr(out, "from 1s to 30d"));
	free(out);
	out = invite_cli(repo, d, &status, "--uses", "1001", NULL, NULL);
	assert_int_equal(status, 1);
	assert_non_null(strstr(out, "from 1 to 1000"));
	free(out);
	out = invite_cli(repo, d, &status, "--role", "editor", "--uses", "3");
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "an editor, 3 uses"));
	free(out);
	h_pass();
}

/* The palette: a host invites an editor (pop-up with the line), lists the
 * invitations, revokes one; the revoked token is refused. An editor may
 * invite viewers only, and may not revoke another's invitation. */
static void
test_palette_invite_revoke(void **state)
{
	char *repo = h_repo_create("README.md", readme, NULL);
	char *hkey = h_key_new(repo), *bkey = h_key_create(repo, BOB);
	char *fresh = h_key_new(repo), *line, *hostline, *token, *user;
	struct h_daemon *d;
	struct h_client *h, *b, *c;
	int port;

	/* A line with the option host makes its key a host. */
	line = h_key_line(hkey, ALICE);
	xasprintf(&hostline, "host %s\n", line);
	{
		size_t n = 0;
		char *old = h_read_file(repo, ".moot/authorized_keys", &n);
		char *all;

		xasprintf(&all, "%s%s", old, hostline);
		h_write_file(repo, ".moot/authorized_keys", all, strlen(all));
		free(all);
		free(old);
	}
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	h = h_join(port, hkey, "alice");
	b = h_join(port, bkey, "bob");
	h_wait_row_has(h, h_presence_row(h), "Bob Stone", WAIT);

	h_palette(h, "invite editor for 7d uses 2", WAIT);
	h_wait(h, "Hand this line to the person you invite", WAIT);
	h_wait(h, "an editor, 2 uses, expires in 7d", WAIT);
	token = token_of(h_screen(h));
	h_key(h, "Escape");
	h_wait_gone(h, "Hand this line", WAIT);

	/* An editor: viewers yes, editors no. */
	h_palette(b, "invite editor", WAIT);
	h_wait(b, "only hosts can use invite editors", WAIT);
	h_palette(b, "invite for 30m", WAIT);
	h_wait(b, "a viewer, 1 use, expires in 30m", WAIT);
	h_key(b, "Escape");
	h_wait_gone(b, "Hand this line", WAIT);

	h_palette(h, "invites", WAIT);
	h_wait(h, "EXPIRES IN", WAIT);
	h_wait(h, "editor  2", WAIT);
	row_with_has(h, "editor  2", "Alice Liddell");
	row_with_has(h, "viewer  1", "Bob Stone");
	h_key(h, "Escape");
	h_wait_gone(h, "EXPIRES IN", WAIT);

	/* Bob may not end Alice's; Alice (a host) ends it. */
	h_palette(b, "revoke 1", WAIT);
	h_wait(b, "only hosts can use revoke on others' invitations", WAIT);
	h_palette(h, "revoke 1", WAIT);
	h_wait(h, "invitation 1 revoked", WAIT);
	journal_wait(repo, "SELECT count(*) FROM invites", 1);

	user = join_user(token);
	c = h_join(port, fresh, user);
	h_wait(c, "this invitation is not valid", WAIT);
	h_wait_closed(c, WAIT);
	free(user);
	free(token);
	free(line);
	free(hostline);
	h_pass();
}

/* An invited viewer may not invite anyone. */
static void
test_viewer_cannot_invite(void **state)
{
	char *repo = h_repo_create("README.md", readme, NULL);
	char *fresh = h_key_new(repo);
	struct h_daemon *d = h_daemon_start(repo);
	char *token = invite_token(repo, d, NULL, NULL, NULL, NULL);
	struct h_client *c;

	c = join_invited(h_daemon_port(d), fresh, token, "Vera Viewer");
	h_palette(c, "invite", WAIT);
	h_wait(c, "viewers cannot invite", WAIT);
	journal_wait(repo, "SELECT count(*) FROM invites", 0);
	free(token);
	h_pass();
}

/* The name prompt: a name someone else goes by (here, or in a key
 * file's comment), and an empty one, are
 * refused with a message; control characters cannot be typed; a name is
 * at most 40 bytes. */
static void
test_name_prompt_rules(void **state)
{
	char *repo = h_repo_create("README.md", readme, NULL);
	char *akey = h_key_create(repo, ALICE), *fresh = h_key_new(repo);
	struct h_daemon *d;
	int port;
	char *token, *user;
	struct h_client *a, *c;
	char long_name[64];

	h_key_create(repo, BOB); /* Bob is not here, but his name is his */
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	token = invite_token(repo, d, NULL, NULL, NULL, NULL);
	user = join_user(token);

	a = h_join(port, akey, "alice");
	h_wait_row_has(a, h_presence_row(a), "Alice Liddell", WAIT);
	c = h_join(port, fresh, user);
	h_wait(c, "Your name:", WAIT);
	/* A key the prompt does not take says what it takes. */
	h_send(c, "\033[15~"); /* F5 */
	h_wait(c, "type your name; Enter joins, Ctrl-Q leaves", WAIT);
	h_key(c, "Enter");
	h_wait(c, "type a name first", WAIT);
	h_send(c, "alice  LIDDELL");
	h_key(c, "Enter");
	h_wait(c, "that name is taken here", WAIT);
	assert_null(strstr(h_screen(c), "secret plans"));
	for (int i = 0; i < 14; i++)
		h_key(c, "BSpace");
	h_wait_gone(c, "LIDDELL", WAIT);
	h_send(c, "Bob Stone");
	h_key(c, "Enter");
	h_wait(c, "that name is taken here", WAIT);
	/* Ctrl-U clears the line, as in a shell; a control character
	 * (Ctrl-A) and an invisible one (U+200B, a zero-width space) are
	 * not kept. */
	h_key(c, "C-u");
	h_send(c, "Ze\001\xe2\x80\x8b"
	          "d");
	h_wait_row_has(c, 3, "Your name: Zed", WAIT);
	h_wait(c, "that character cannot be in a name", WAIT);
	memset(long_name, 'x', 50);
	long_name[50] = '\0';
	h_send(c, long_name);
	h_wait(c, "a name is at most 40 bytes", WAIT);
	h_key(c, "Enter");
	/* "Zed" and 37 x: what fits in 40 bytes. */
	h_wait(c, "secret plans", WAIT);
	h_wait_row_has(a, h_presence_row(a), "Zedxxxx", WAIT);
	journal_wait(repo, "SELECT length(name) FROM members", 40);
	free(user);
	free(token);
	h_pass();
}

/* The name prompt is part of logging in: who gives no name within the
 * login grace time is sent away, and asked again when they come back
 * (their key is remembered; the token is not needed again). */
static void
test_name_prompt_time(void **state)
{
	char *repo = h_repo_create("README.md", readme, NULL);
	char *fresh = h_key_new(repo);
	struct h_daemon *d;
	struct h_client *c;
	char *token, *user;

	d = h_daemon_start_args(repo, "--login-grace-time", "3", (char *)NULL);
	token = invite_token(repo, d, NULL, NULL, NULL, NULL);
	user = join_user(token);
	c = h_join(h_daemon_port(d), fresh, user);
	h_wait(c, "Your name:", WAIT);
	h_wait(c, "no name given within 3 s", WAIT);
	h_wait_closed(c, WAIT);
	c = h_join(h_daemon_port(d), fresh, "olga");
	h_wait(c, "Your name:", WAIT);
	h_send(c, "Olga");
	h_key(c, "Enter");
	h_wait(c, "secret plans", WAIT);
	free(user);
	free(token);
	h_pass();
}

/* A key already known (a key file's) joining as join-TOKEN joins as
 * itself and leaves the invitation unused. */
static void
test_known_key_keeps_token(void **state)
{
	char *repo = h_repo_create("README.md", readme, NULL);
	char *akey = h_key_create(repo, ALICE);
	struct h_daemon *d = h_daemon_start(repo);
	char *token = invite_token(repo, d, NULL, NULL, NULL, NULL);
	char *user = join_user(token), *nameless = h_key_new(repo), *log;
	struct h_client *a, *n;

	a = h_join(h_daemon_port(d), akey, user);
	h_wait_row_has(a, h_presence_row(a), "Alice Liddell", WAIT);
	/* A known key with no name in its comment is not shown by the
	 * token it came with. */
	h_key_authorize(repo, nameless, "");
	n = h_join(h_daemon_port(d), nameless, user);
	h_wait_row_has(a, h_presence_row(a), "guest", WAIT);
	assert_null(strstr(h_row(a, h_presence_row(a)), "join-"));
	assert_null(strstr(h_screen(n), token));
	journal_wait(repo, "SELECT count(*) FROM invites", 1);
	journal_wait(repo, "SELECT count(*) FROM members", 0);
	log = h_daemon_log_text(d, NULL);
	assert_null(strstr(log, token));
	free(log);
	free(user);
	free(token);
	h_pass();
}

/* After a restart the invited key joins again with no token, under its
 * name and role, and the invitations still live are there too. */
static void
test_remembered_after_restart(void **state)
{
	char *repo = h_repo_create("README.md", readme, NULL);
	char *akey = h_key_create(repo, ALICE), *fresh = h_key_new(repo);
	char *other = h_key_new(repo);
	struct h_daemon *d = h_daemon_start(repo);
	char *token = invite_token(repo, d, "--uses", "2", NULL, NULL);
	struct h_client *c, *a;

	c = join_invited(h_daemon_port(d), fresh, token, "Rita Return");
	h_client_close(c);
	assert_int_equal(h_daemon_stop(d), 0);

	d = h_daemon_start(repo);
	c = h_join(h_daemon_port(d), fresh, "rita");
	h_wait(c, "secret plans", WAIT);
	h_wait_row_has(c, h_presence_row(c), "Rita Return", WAIT);
	assert_null(strstr(h_screen(c), "Your name:"));
	/* Still a viewer. */
	h_palette(c, "invite", WAIT);
	h_wait(c, "viewers cannot invite", WAIT);
	/* The invitation's second use is still there. */
	a = h_join(h_daemon_port(d), akey, "alice");
	h_palette(a, "invites", WAIT);
	h_wait(a, "viewer  1", WAIT);
	c = join_invited(h_daemon_port(d), other, token, "Otto Other");
	journal_wait(repo, "SELECT count(*) FROM invites", 0);
	free(token);
	h_pass();
}

/* Connect to the control socket as nobody; what the daemon answers
 * ("" when the connection is refused: 3). */
static int
control_as_nobody(const char *path, char *reply, size_t size)
{
	struct passwd *pw = getpwnam("nobody");

	if (pw == NULL)
		fail_msg("no user nobody");
	return h_control_as(
	    path, pw->pw_uid, pw->pw_gid, "invite\n", 0, reply, size);
}

/* The control socket is the session user's alone: mode 0600, and a peer
 * of another uid is refused (and logged) even when it can connect. */
static void
test_control_socket_owner(void **state)
{
	char *repo = h_repo_create("README.md", readme, NULL);
	struct h_daemon *d;
	struct stat st;
	char *path, *moot, *log, reply[256];

	if (geteuid() != 0)
		skip();
	d = h_daemon_start(repo);
	xasprintf(&moot, "%s/.git/moot", repo);
	xasprintf(&path, "%s/control", moot);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, geteuid());

	/* Opened up by hand, the peer check still refuses nobody. */
	assert_int_equal(chmod(moot, 0711), 0);
	assert_int_equal(chmod(repo, 0755), 0);
	assert_int_equal(control_as_nobody(path, reply, sizeof reply), 3);
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(control_as_nobody(path, reply, sizeof reply), 0);
	if (strstr(reply, "not the session's user") == NULL)
		fail_msg("nobody got: %s", reply);
	log = h_daemon_log_text(d, NULL);
	if (strstr(log, "control: refused a request from uid") == NULL)
		fail_msg("no refusal logged:\n%s", log);
	journal_wait(repo, "SELECT count(*) FROM invites", 0);
	free(log);
	/* Gone when the session ends. */
	assert_int_equal(h_daemon_stop(d), 0);
	assert_int_equal(stat(path, &st), -1);
	free(path);
	free(moot);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_cli_invite_join, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_second_use_and_wrong_token, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_expired, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_cli_refusals, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_palette_invite_revoke, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_viewer_cannot_invite, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_name_prompt_rules, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_name_prompt_time, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_known_key_keeps_token, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_remembered_after_restart, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_control_socket_owner, h_setup, h_teardown),
	};

	/* E2E_FILTER=test_expired runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
