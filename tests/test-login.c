/* test-login.c: end-to-end tests of the limits before login: the grace
 * time, failed authentications, pending connections, people at once. */
#include "moot.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
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
#include <libssh/libssh.h>

#include "harness.h"

#define WAIT 8000 /* ms for joining (key exchange, fork) */

#define ALICE "Alice Liddell <alice@example.com>"
#define BOB "Bob Stone <bob@example.com>"
#define CAROL "Carol Finch <carol@example.com>"
#define DAVE "Dave Moss <dave@example.com>"

static const char readme[] = "# Login\n";

/* A plain TCP connection to the daemon that sends nothing, from a
 * loopback address (127.0.0.1 + from). */
static int
raw_connect_from(int port, int from)
{
	struct sockaddr_in sin;
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		fail_msg("socket: %s", strerror(errno));
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK + from);
	if (from != 0 && bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		fail_msg("bind 127.0.0.%d: %s", 1 + from, strerror(errno));
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		fail_msg("connect to port %d: %s", port, strerror(errno));
	return fd;
}

static int
raw_connect(int port)
{
	return raw_connect_from(port, 0);
}

/* Read (and drop) what the daemon sends on fd until it closes the
 * connection or ms pass: 1 if it closed. *got: bytes read. */
static int
raw_closed(int fd, int ms, size_t *got)
{
	long long until = h_now_ms() + ms;
	struct pollfd pfd;
	char buf[512];
	ssize_t n;

	*got = 0;
	for (;;) {
		long long left = until - h_now_ms();

		if (left <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = read(fd, buf, sizeof buf);
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return 1;
		if (n > 0)
			*got += n;
	}
}

/* Within ms, the daemon's log (its frontends' too) contains text. */
static int
log_has(struct h_daemon *d, const char *text, int ms)
{
	long long until = h_now_ms() + ms;
	char *log;
	int found;

	for (;;) {
		log = h_daemon_log_text(d, NULL);
		found = log != NULL && strstr(log, text) != NULL;
		free(log);
		if (found || h_now_ms() >= until)
			return found;
		usleep(50000);
	}
}

/* How many times text is in the daemon's log. */
static int
log_count(struct h_daemon *d, const char *text)
{
	char *log = h_daemon_log_text(d, NULL), *p;
	int n = 0;

	for (p = log; p != NULL && (p = strstr(p, text)) != NULL; p++)
		n++;
	free(log);
	return n;
}

/* A connection that never starts the SSH handshake is closed once the
 * login grace time (here 2 s) is over, and the log says why. */
static void
test_grace_time(void **state)
{
	struct h_daemon *d;
	char *repo;
	size_t got;
	int fd;

	repo = h_repo_create("README.md", readme, NULL);
	h_key_create(repo, ALICE);
	d = h_daemon_start_args(repo, "--login-grace-time", "2", (char *)NULL);
	fd = raw_connect(h_daemon_port(d));
	/* Far less than the 60 s a frontend used to wait. */
	assert_true(raw_closed(fd, 20000, &got));
	close(fd);
	assert_true(log_has(d, "no login within 2 s", WAIT));
	h_pass();
}

/* A libssh session to the daemon, connected, not yet authenticated. */
static ssh_session
ssh_try_open(int port, const char *user)
{
	ssh_session s;
	unsigned int uport = port;
	long timeout = 10;
	int verbosity = SSH_LOG_NOLOG;
	bool no = false;

	s = ssh_new();
	ssh_options_set(s, SSH_OPTIONS_HOST, "127.0.0.1");
	ssh_options_set(s, SSH_OPTIONS_PORT, &uport);
	ssh_options_set(s, SSH_OPTIONS_USER, user);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
	ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
	ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
	if (ssh_connect(s) != SSH_OK) {
		ssh_free(s);
		return NULL;
	}
	return s;
}

static ssh_session
ssh_open(int port)
{
	ssh_session s;

	if ((s = ssh_try_open(port, "mallory")) == NULL)
		fail_msg("connect to port %d failed", port);
	return s;
}

/* Six keys the session does not know, on one connection: each is
 * refused and logged, then the connection is closed, so a seventh key
 * gets no answer; the log says why. */
static void
test_auth_tries(void **state)
{
	struct h_daemon *d;
	ssh_session s;
	ssh_key key;
	struct h_client *c;
	char *repo, *alice, *path, want[64];
	int i, rc;

	repo = h_repo_create("README.md", readme, NULL);
	alice = h_key_create(repo, ALICE);
	d = h_daemon_start(repo);
	s = ssh_open(h_daemon_port(d));
	for (i = 1; i <= 7; i++) {
		path = h_key_new(repo);
		if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key) !=
		    SSH_OK)
			fail_msg("cannot read key %s", path);
		rc = ssh_userauth_publickey(s, NULL, key);
		ssh_key_free(key);
		if (i <= 6)
			assert_int_equal(rc, SSH_AUTH_DENIED);
		else
			assert_int_equal(rc, SSH_AUTH_ERROR);
	}
	ssh_disconnect(s);
	ssh_free(s);
	for (i = 1; i <= 6; i++) {
		snprintf(want, sizeof want, "failed authentication %d of 6", i);
		assert_true(log_has(d, want, WAIT));
	}
	assert_true(log_has(d, "too many failed authentications (6)", WAIT));
	/* The right key still gets in. */
	c = h_join(h_daemon_port(d), alice, "alice");
	h_wait_status(c, h_status_row(c), " README.md", WAIT);
	h_pass();
}

/* The daemon's SSH banner on fd within ms: its frontend was forked. */
static int
raw_banner(int fd, int ms)
{
	struct pollfd pfd;
	char buf[8];

	pfd.fd = fd;
	pfd.events = POLLIN;
	return poll(&pfd, 1, ms) == 1 && read(fd, buf, sizeof buf) > 0;
}

/*
 * With a daemon started with args (which allow 2 connections not yet
 * logged in), two raw TCP connections that send nothing are taken (each
 * gets the SSH banner), a third is closed at once without a byte, and
 * the log says why. Once the two go, a person joins again.
 */
static void
startups(const char *why, const char *opt, const char *val, const char *opt2,
    const char *val2)
{
	struct h_daemon *d;
	struct h_client *c;
	ssh_session s = NULL;
	char *repo, *alice;
	long long until;
	size_t got;
	int fd[3], i;

	repo = h_repo_create("README.md", readme, NULL);
	alice = h_key_create(repo, ALICE);
	d = h_daemon_start_args(repo, opt, val, opt2, val2, (char *)NULL);
	for (i = 0; i < 2; i++) {
		fd[i] = raw_connect(h_daemon_port(d));
		assert_true(raw_banner(fd[i], WAIT));
	}
	fd[2] = raw_connect(h_daemon_port(d));
	assert_true(raw_closed(fd[2], WAIT, &got));
	assert_int_equal(got, 0); /* no frontend: not even a banner */
	close(fd[2]);
	assert_true(log_has(d, "refused a connection from 127.0.0.1", WAIT));
	assert_true(log_has(d, why, WAIT));

	/* Twenty more refusals make a few log lines and a count. */
	for (i = 0; i < 20; i++) {
		fd[2] = raw_connect(h_daemon_port(d));
		assert_true(raw_closed(fd[2], WAIT, &got));
		close(fd[2]);
	}
	assert_true(log_has(d, "refused connections not logged", WAIT));
	assert_true(log_count(d, "refused a connection from") < 10);

	close(fd[0]);
	close(fd[1]);
	/* The daemon learns they went when their frontends end. */
	until = h_now_ms() + WAIT;
	while (s == NULL && h_now_ms() < until) {
		if ((s = ssh_try_open(h_daemon_port(d), "alice")) == NULL)
			usleep(100000);
	}
	assert_non_null(s);
	ssh_disconnect(s);
	ssh_free(s);
	c = h_join(h_daemon_port(d), alice, "alice");
	h_wait_status(c, h_status_row(c), " README.md", WAIT);
	h_pass();
}

static void
test_max_startups(void **state)
{
	startups("(--max-startups)", "--max-startups", "2:100:2",
	    "--per-source-max-startups", "10");
}

static void
test_per_source_startups(void **state)
{
	startups("(--per-source-max-startups)", "--max-startups", "10:30:100",
	    "--per-source-max-startups", "2");
}

/*
 * A flood from one address (127.0.0.2) holds two connections that never
 * log in; a third from there is refused at once. With --max-startups
 * 2:100:FULL the early drops are certain from 2 pending on, but they only
 * concern addresses that have some pending: Alice, from 127.0.0.1, gets
 * in. Under full (4) the flood's two stay; at full (2) the oldest of them
 * is closed to make room for her, and the log says so.
 */
static void
other_address(const char *full, int evicts)
{
	struct h_daemon *d;
	struct h_client *c;
	char *repo, *alice, *opt;
	size_t got;
	int fd[3], i;

	repo = h_repo_create("README.md", readme, NULL);
	alice = h_key_create(repo, ALICE);
	xasprintf(&opt, "2:100:%s", full);
	d = h_daemon_start_args(repo, "--max-startups", opt,
	    "--per-source-max-startups", "10", (char *)NULL);
	free(opt);
	for (i = 0; i < 2; i++) {
		fd[i] = raw_connect_from(h_daemon_port(d), 1);
		assert_true(raw_banner(fd[i], WAIT));
	}
	fd[2] = raw_connect_from(h_daemon_port(d), 1);
	assert_true(raw_closed(fd[2], WAIT, &got));
	assert_int_equal(got, 0);
	close(fd[2]);

	c = h_join(h_daemon_port(d), alice, "alice");
	h_wait_status(c, h_status_row(c), " README.md", WAIT);
	if (evicts) {
		assert_true(raw_closed(fd[0], WAIT, &got));
		assert_true(log_has(d,
		    "closed a connection from 127.0.0.2 not yet logged in (2 "
		    "pending from there), to take one from 127.0.0.1",
		    WAIT));
	} else
		assert_false(raw_closed(fd[0], 500, &got));
	assert_false(raw_closed(fd[1], 500, &got));
	close(fd[0]);
	close(fd[1]);
	h_pass();
}

static void
test_startups_other_address(void **state)
{
	other_address("4", 0);
}

static void
test_startups_full_other_address(void **state)
{
	other_address("2", 1);
}

/* With room for two people, the third is told the session is full on
 * their terminal and their connection closes; the two stay. Once one
 * leaves, the third gets in. */
static void
test_max_people(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *b, *c;
	char *repo, *alice, *bob, *carol;

	repo = h_repo_create("README.md", readme, NULL);
	alice = h_key_create(repo, ALICE);
	bob = h_key_create(repo, BOB);
	carol = h_key_create(repo, CAROL);
	d = h_daemon_start_args(repo, "--max-people", "2", (char *)NULL);
	a = h_join(h_daemon_port(d), alice, "alice");
	h_wait_status(a, h_status_row(a), " README.md", WAIT);
	b = h_join(h_daemon_port(d), bob, "bob");
	h_wait_status(b, h_status_row(b), " README.md", WAIT);

	c = h_join(h_daemon_port(d), carol, "carol");
	h_wait(c, "this session is full (2 people are in)", WAIT);
	h_wait_closed(c, WAIT);
	assert_true(log_has(d, "the session is full", WAIT));
	h_wait_row_lacks(a, h_presence_row(a), "Carol", WAIT);

	h_client_close(b);
	h_wait_row_lacks(a, h_presence_row(a), "Bob", WAIT);
	c = h_join(h_daemon_port(d), carol, "carol");
	h_wait_status(c, h_status_row(c), " README.md", WAIT);
	h_pass();
}

/*
 * Keepalives (here every second, two unanswered ones are the cut): Carol's
 * client stops servicing its connection, as when her network vanishes
 * without a FIN, and she leaves Alice's presence line; Bob (libssh) and
 * Dave (OpenSSH's ssh), idle but answering, stay well past the cut.
 */
static void
test_keepalive(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *b, *c, *e;
	char *repo, *alice, *bob, *carol, *dave;
	int p;

	repo = h_repo_create("README.md", readme, NULL);
	alice = h_key_create(repo, ALICE);
	bob = h_key_create(repo, BOB);
	carol = h_key_create(repo, CAROL);
	dave = h_key_create(repo, DAVE);
	d = h_daemon_start_args(repo, "--keepalive-interval", "1",
	    "--keepalive-count", "2", (char *)NULL);
	a = h_join(h_daemon_port(d), alice, "alice");
	b = h_join(h_daemon_port(d), bob, "bob");
	c = h_join(h_daemon_port(d), carol, "carol");
	e = h_openssh_connect(h_daemon_port(d), dave, 80, 24);
	p = h_presence_row(a);
	h_wait_row_has(a, p, "Bob", WAIT);
	h_wait_row_has(a, p, "Carol", WAIT);
	h_wait_row_has(a, p, "Dave", WAIT);

	h_client_freeze(c, 1);
	h_wait_row_lacks(a, p, "Carol", 20000);
	assert_true(log_has(d, "answered none of 2 keepalives", WAIT));
	assert_int_equal(log_count(d, "answered none of"), 1);

	/* Idle for three times the cut: the others stay. */
	h_pump_all(9000);
	h_wait_row_has(a, p, "Bob", WAIT);
	h_wait_row_has(a, p, "Dave", WAIT);
	assert_int_equal(log_count(d, "answered none of"), 1);
	assert_false(h_client_closed(b));
	assert_false(h_client_closed(e));
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_grace_time, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_auth_tries, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_max_startups, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_per_source_startups, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_startups_other_address, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_startups_full_other_address, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_max_people, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_keepalive, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
