/* test-keys-options.c: options of authorized_keys lines, end to end.
 * from=, expiry-time= and the options moot refuses, against a real daemon. */
#include "moot.h"

#include <sys/stat.h>

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

#include "harness.h"

#define JOIN 15000 /* ms for joining (key exchange, fork) */
#define WAIT 10000

static const char readme[] = "# Demo\nline two\n";

/* Append "OPTS KEYLINE" to a file (dir/rel), creating it. */
static void
add_line(const char *dir, const char *rel, const char *opts,
    const char *keyfile, const char *comment)
{
	char *old, *line, *text;
	size_t len;

	xasprintf(&text, "%s/%s", dir, rel);
	old = access(text, F_OK) == 0 ? h_read_file(dir, rel, &len) : NULL;
	free(text);
	line = h_key_line(keyfile, comment);
	xasprintf(&text, "%s%s%s%s\n", old != NULL ? old : "",
	    opts != NULL ? opts : "", opts != NULL ? " " : "", line);
	h_write_file(dir, rel, text, strlen(text));
	free(old);
	free(line);
	free(text);
}

/* Whether the daemon's log says this key was refused for this reason. */
static int
log_refused(struct h_daemon *d, const char *keyfile, const char *reason)
{
	char *log, *fp, *want;
	size_t len;
	int found;

	log = h_daemon_log_text(d, &len);
	fp = h_key_fingerprint(keyfile);
	xasprintf(&want, "refused key %s", fp);
	found = log != NULL && strstr(log, want) != NULL &&
	        strstr(strstr(log, want), reason) != NULL;
	free(want);
	free(fp);
	free(log);
	return found;
}

/* Count the lines of the log that hold s. */
static int
log_count(struct h_daemon *d, const char *s)
{
	char *log, *p;
	size_t len;
	int n = 0;

	log = h_daemon_log_text(d, &len);
	for (p = log; p != NULL && (p = strstr(p, s)) != NULL; p++)
		n++;
	free(log);
	return n;
}

/*
 * from=: the client comes from 127.0.0.1. A key allowed from there joins;
 * one allowed only from 10/8, and one allowed from anywhere but
 * 127.0.0.1, are refused and the log says why.
 */
static void
test_from(void **state)
{
	struct h_daemon *d;
	struct h_client *a;
	char *repo, *ka, *kn, *kx;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_new(repo);
	kn = h_key_new(repo);
	kx = h_key_new(repo);
	add_line(repo, ".moot/authorized_keys", "from=\"127.0.0.1\"", ka,
	    "Alice <alice@example.com>");
	add_line(repo, ".moot/authorized_keys", "from=\"10.0.0.0/8\"", kn,
	    "Net <net@example.com>");
	add_line(repo, ".moot/authorized_keys", "from=\"!127.0.0.1,*\"", kx,
	    "Nex <nex@example.com>");
	d = h_daemon_start(repo);
	port = h_daemon_port(d);

	assert_int_not_equal(h_try_key(port, kn, "net"), SSH_AUTH_SUCCESS);
	assert_int_not_equal(h_try_key(port, kx, "nex"), SSH_AUTH_SUCCESS);
	a = h_join(port, ka, "alice");
	h_wait_row_has(a, h_presence_row(a), "Alice", JOIN);
	assert_true(log_refused(d, kn, "from="));
	assert_true(log_refused(d, kx, "from="));
	h_pass();
}

/* expiry-time=: past refused, future accepted. */
static void
test_expiry(void **state)
{
	struct h_daemon *d;
	struct h_client *a;
	char *repo, *kold, *knew;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	kold = h_key_new(repo);
	knew = h_key_new(repo);
	add_line(repo, ".moot/authorized_keys", "expiry-time=\"20200101\"",
	    kold, "Old <old@example.com>");
	add_line(repo, ".moot/authorized_keys", "expiry-time=\"209912312359Z\"",
	    knew, "New <new@example.com>");
	d = h_daemon_start(repo);
	port = h_daemon_port(d);

	assert_int_not_equal(h_try_key(port, kold, "old"), SSH_AUTH_SUCCESS);
	assert_true(log_refused(d, kold, "expiry-time"));
	a = h_join(port, knew, "new");
	h_wait_row_has(a, h_presence_row(a), "New", JOIN);
	h_pass();
}

/*
 * Options that mean the key is for something else (a forced command,
 * restrict, no-pty), an unknown one and a malformed one refuse the line;
 * each refusal is logged with its reason; the daemon keeps serving others. The
 * same key on a later line without them is let in (as sshd reads further
 * lines).
 */
static void
test_refused(void **state)
{
	static const struct {
		const char *opts;
		const char *reason;
	} cases[] = {
	    {"command=\"x\"", "command="},
	    {"restrict", "restrict"},
	    {"no-pty,no-agent-forwarding", "no-pty"},
	    {"COMMAND=\"gitolite-shell \\\"alice\\\"\"", "command="},
	    {"frobnicate", "unknown option"},
	    {"from=\"10.0.0.1/8\"", "malformed from="},
	    /* The quote runs to the end: no key left on the line at all. */
	    {"from=\"127.0.0.1", "refused an unknown key"},
	};
	struct h_daemon *d;
	struct h_client *a, *b;
	char *repo, *keys[7], *ka, *kb, *fp, *want;
	size_t i;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	for (i = 0; i < 7; i++) {
		keys[i] = h_key_new(repo);
		add_line(repo, ".moot/authorized_keys", cases[i].opts, keys[i],
		    "Someone <someone@example.com>");
	}
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_new(repo);
	add_line(repo, ".moot/authorized_keys", "command=\"backup\"", kb,
	    "Bob <bob@example.com>");
	add_line(repo, ".moot/authorized_keys", "no-port-forwarding", kb,
	    "Bob <bob@example.com>");
	d = h_daemon_start(repo);
	port = h_daemon_port(d);

	for (i = 0; i < 7; i++) {
		assert_int_not_equal(
		    h_try_key(port, keys[i], "someone"), SSH_AUTH_SUCCESS);
		if (i == 6) {
			assert_int_equal(log_count(d, cases[i].reason), 1);
			continue;
		}
		if (!log_refused(d, keys[i], cases[i].reason))
			fail_msg("no log line for %s", cases[i].opts);
	}
	/* One refused offer, one line (not also "an unknown key"). */
	fp = h_key_fingerprint(keys[0]);
	xasprintf(&want, "refused key %s", fp);
	assert_int_equal(log_count(d, want), 1);
	free(want);
	free(fp);

	a = h_join(port, ka, "alice");
	h_wait_row_has(a, h_presence_row(a), "Alice", JOIN);
	b = h_join(port, kb, "bob");
	h_wait_row_has(b, h_presence_row(b), "Bob", JOIN);
	h_pass();
}

/* ~/.ssh/authorized_keys is read the same way. */
static void
test_home_file(void **state)
{
	struct h_daemon *d;
	struct h_client *a;
	char *repo, *ka, *kc, *ssh;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_new(repo);
	kc = h_key_new(repo);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	xasprintf(&ssh, "%s/.ssh", h_daemon_home(d));
	if (mkdir(ssh, 0700) != 0)
		fail_msg("mkdir %s", ssh);
	add_line(ssh, "authorized_keys", "command=\"rsync --server\"", kc,
	    "Backup <backup@example.com>");
	add_line(ssh, "authorized_keys", "from=\"127.0.0.0/8,::1\"", ka,
	    "Alice <alice@example.com>");

	assert_int_not_equal(h_try_key(port, kc, "backup"), SSH_AUTH_SUCCESS);
	assert_true(log_refused(d, kc, "command="));
	a = h_join(port, ka, "alice");
	h_wait_row_has(a, h_presence_row(a), "Alice", JOIN);
	free(ssh);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_from, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_expiry, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_refused, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_home_file, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
