/* test-attach.c: end-to-end tests of `moot attach`, `moot` alone, `moot
 * --demo` and `moot kill-session`: a terminal in a pty on the unix socket. */
#include "moot.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define WAIT 8000 /* ms for joining (key exchange, fork) */

#define ALICE "Alice Liddell <alice@example.com>"

static const char readme[] = "# Attach\nfirst line\n";

/* A repository whose git config names the person at the machine. */
static char *
repo_local(void)
{
	char *repo = h_repo_create("README.md", readme, NULL);

	if (h_run(repo, "git", "config", "user.name", "Local Lena", NULL) != 0)
		fail_msg("git config failed");
	return repo;
}

/* `moot attach -C repo` in an 80x24 pty. */
static struct h_client *
attach(const char *repo, struct h_daemon *d)
{
	return h_pty_run(repo, d != NULL ? h_daemon_home(d) : NULL, 80, 24,
	    h_moot_path(), "attach", "-C", repo, NULL);
}

/* `moot kill-session -C repo`: its output; *status its exit status. */
static char *
kill_session(const char *repo, int *status)
{
	char *out;

	*status = h_run_capture(
	    repo, NULL, &out, h_moot_path(), "kill-session", "-C", repo, NULL);
	return out;
}

/* Wait until the pty client has exited; its exit status. */
static int
wait_exit(struct h_client *c)
{
	h_wait_closed(c, WAIT);
	return h_client_exit_status(c);
}

/*
 * The person at the machine attaches with no key and no port: they join
 * as host under their git name, type, and an SSH participant sees it (and
 * the other way round); Ctrl-Q detaches (exit 0, the session goes on); a
 * second attach sees the text; kill-session names who is still in and
 * ends the session (the daemon exits 0, everyone is told).
 */
static void
test_attach_detach_kill(void **state)
{
	char *repo = repo_local();
	char *key = h_key_create(repo, ALICE);
	struct h_daemon *d = h_daemon_start(repo);
	struct h_client *local, *alice, *again;
	char *out, *log;
	int status;

	local = attach(repo, d);
	h_wait(local, "first line", WAIT);
	h_wait_row_has(local, h_presence_row(local), "Local Lena", WAIT);
	h_send(local, "typed here ");
	h_wait(local, "typed here # Attach", WAIT);

	alice = h_join(h_daemon_port(d), key, "alice");
	h_wait(alice, "typed here # Attach", WAIT);
	h_wait_row_has(alice, h_presence_row(alice), "Local Lena", WAIT);
	h_key(alice, "Down");
	h_send(alice, "from ssh ");
	h_wait(local, "from ssh first line", WAIT);

	log = h_daemon_log_text(d, NULL);
	if (strstr(log, "Local Lena <test@example.com> joined as host "
	                "(key local:") == NULL)
		fail_msg("no local host in the log:\n%s", log);
	free(log);

	/* Ctrl-Q detaches; the session and Alice go on. */
	h_key(local, "C-q");
	assert_int_equal(wait_exit(local), 0);
	if (strstr(h_screen(local), "[detached from session in") == NULL)
		fail_msg("no detach line:\n%s", h_screen(local));
	h_wait(alice, "Local Lena left", WAIT);
	h_send(alice, "still ");
	h_wait(alice, "from ssh still first line", WAIT);

	/* Back again: the text is there. */
	again = attach(repo, d);
	h_wait(again, "typed here # Attach", WAIT);
	h_wait(again, "from ssh still first line", WAIT);
	h_wait_row_has(alice, h_presence_row(alice), "Local Lena", WAIT);

	/* kill-session says who is still in, then the daemon ends. */
	out = kill_session(repo, &status);
	assert_int_equal(status, 0);
	if (strstr(out, "still in: ") == NULL ||
	    strstr(out, "Alice Liddell") == NULL ||
	    strstr(out, "Local Lena") == NULL ||
	    strstr(out, "the session has ended") == NULL)
		fail_msg("kill-session said:\n%s", out);
	free(out);
	h_wait_closed(alice, WAIT);
	assert_int_equal(wait_exit(again), 0);
	if (strstr(h_screen(again), "session has ended") == NULL)
		fail_msg("no end line:\n%s", h_screen(again));
	assert_int_equal(h_daemon_stop(d), 0);
	/* The edits were journaled and flushed: nothing lost on the way. */
	assert_true(h_journal_int(repo, "SELECT count(*) FROM ops") > 0);
	h_pass();
}

/*
 * Daemons that `moot` started in the background are not the harness's:
 * their logs are noted here, and the teardown ends each one still
 * running (by the pid its log lines carry), so a failed test leaves no
 * daemon behind.
 */
static char *started_logs[4];
static size_t nstarted;

static void
note_started(const char *log)
{
	if (nstarted < sizeof started_logs / sizeof started_logs[0])
		started_logs[nstarted++] = xstrdup(log);
}

static int
teardown_started(void **state)
{
	char buf[4096];
	const char *p;
	size_t i;
	ssize_t n;
	long pid;
	int fd;

	for (i = 0; i < nstarted; i++) {
		if ((fd = open(started_logs[i], O_RDONLY)) != -1) {
			n = read(fd, buf, sizeof buf - 1);
			buf[n > 0 ? n : 0] = '\0';
			close(fd);
			if ((p = strstr(buf, "moot[")) != NULL &&
			    (pid = strtol(p + 5, NULL, 10)) > 0)
				kill((pid_t)pid, SIGTERM);
		}
		free(started_logs[i]);
	}
	nstarted = 0;
	return h_teardown(state);
}

/* The port a daemon started by `moot` listens on, from its log. */
static int
log_port(const char *repo, char **logtext)
{
	const char *p;
	char *path;
	long long until = h_now_ms() + WAIT;

	xasprintf(&path, "%s/.git/moot/daemon.log", repo);
	note_started(path);
	for (;;) {
		*logtext = h_read_file(repo, ".git/moot/daemon.log", NULL);
		if (*logtext != NULL &&
		    (p = strstr(*logtext, "Listening on 127.0.0.1:")) != NULL)
			break;
		if (h_now_ms() > until)
			fail_msg("no Listening line in %s", path);
		free(*logtext);
		usleep(50000);
	}
	free(path);
	return atoi(p + strlen("Listening on 127.0.0.1:"));
}

/*
 * `moot` (no subcommand) where no session runs starts the daemon in the
 * background (its log under .git/moot/, mode 0600) and attaches; after a
 * detach it still runs, and `moot` again attaches to it without starting
 * a second one.
 */
static void
test_moot_alone_starts(void **state)
{
	char *repo = repo_local();
	char *key = h_key_create(repo, ALICE);
	char *home = h_tmpdir("home"), *log, *path, *out;
	struct h_client *local, *alice;
	struct stat st;
	int port, status;

	local = h_pty_run(
	    repo, home, 80, 24, h_moot_path(), "--listen", "127.0.0.1:0", NULL);
	h_wait(local, "first line", WAIT);
	port = log_port(repo, &log);
	free(log);
	xasprintf(&path, "%s/.git/moot/daemon.log", repo);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	alice = h_join(port, key, "alice");
	h_wait_row_has(alice, h_presence_row(alice), "Local Lena", WAIT);
	h_send(local, "one ");
	h_wait(alice, "one # Attach", WAIT);

	h_key(local, "C-q");
	assert_int_equal(wait_exit(local), 0);
	h_wait(alice, "Local Lena left", WAIT);

	local = h_pty_run(
	    repo, home, 80, 24, h_moot_path(), "--listen", "127.0.0.1:0", NULL);
	h_wait(local, "one # Attach", WAIT);
	h_wait_row_has(alice, h_presence_row(alice), "Local Lena", WAIT);
	log = h_read_file(repo, ".git/moot/daemon.log", NULL);
	if (strstr(strstr(log, "Listening on") + 1, "Listening on") != NULL)
		fail_msg("a second daemon started:\n%s", log);
	free(log);

	out = kill_session(repo, &status);
	assert_int_equal(status, 0);
	free(out);
	h_wait_closed(alice, WAIT);
	assert_int_equal(wait_exit(local), 0);
	/* Gone: its socket too. */
	out = kill_session(repo, &status);
	assert_int_equal(status, 1);
	if (strstr(out, "no session is running") == NULL)
		fail_msg("kill-session after the end said:\n%s", out);
	free(out);
	free(path);
	h_pass();
}

/* `moot --demo` makes a demo repository, serves it in the background and
 * attaches; on detach it says where the repository is, and kill-session
 * on that path ends it. */
static void
test_demo(void **state)
{
	char *tmp = h_tmpdir("demo"), *home = h_tmpdir("home"), *out, *dir;
	char *log;
	const char *p, *screen;
	struct h_client *local;
	size_t n;
	int status;

	setenv("TMPDIR", tmp, 1);
	local = h_pty_run(tmp, home, 80, 24, h_moot_path(), "--demo",
	    "--listen", "127.0.0.1:0", NULL);
	unsetenv("TMPDIR");
	h_wait(local, "README.md", WAIT);
	h_key(local, "C-q");
	assert_int_equal(wait_exit(local), 0);
	screen = h_screen(local);
	if ((p = strstr(screen, "moot kill-session -C ")) == NULL)
		fail_msg("no kill-session line:\n%s", screen);
	p += strlen("moot kill-session -C ");
	n = strcspn(p, " \n");
	dir = xstrndup(p, n);
	xasprintf(&log, "%s/.git/moot/daemon.log", dir);
	note_started(log);
	free(log);
	if (strncmp(dir, tmp, strlen(tmp)) != 0)
		fail_msg("the demo is not under TMPDIR: %s", dir);
	out = kill_session(dir, &status);
	assert_int_equal(status, 0);
	if (strstr(out, "nobody was in") == NULL)
		fail_msg("kill-session said:\n%s", out);
	free(out);
	free(dir);
	h_pass();
}

/* Only the session's own uid may attach: the same request from nobody
 * is refused even with the socket opened up by hand. */
static void
test_attach_uid(void **state)
{
	char *repo = repo_local();
	struct h_daemon *d;
	struct passwd *pw;
	char *moot, *path, reply[256];

	if (geteuid() != 0)
		skip();
	if ((pw = getpwnam("nobody")) == NULL)
		skip();
	d = h_daemon_start(repo);
	xasprintf(&moot, "%s/.git/moot", repo);
	xasprintf(&path, "%s/control", moot);
	assert_int_equal(chmod(moot, 0711), 0);
	assert_int_equal(chmod(repo, 0755), 0);
	assert_int_equal(chmod(path, 0666), 0);
	/* The daemon's own uid: a frontend is started. */
	assert_int_equal(h_control_as(path, geteuid(), getegid(), "attach\n", 1,
	                     reply, sizeof reply),
	    0);
	if (strncmp(reply, "ok\n", 3) != 0)
		fail_msg("root got: %s", reply);
	/* Another uid: refused. */
	assert_int_equal(h_control_as(path, pw->pw_uid, pw->pw_gid, "attach\n",
	                     1, reply, sizeof reply),
	    0);
	if (strstr(reply, "not the session's user") == NULL)
		fail_msg("nobody got: %s", reply);
	assert_int_equal(h_daemon_stop(d), 0);
	free(path);
	free(moot);
	h_pass();
}

/* A signal to moot attach puts the terminal back and leaves the session
 * running (exit 1, the reason said); the others see the person leave. */
static void
test_attach_signal(void **state)
{
	char *repo = repo_local();
	char *key = h_key_create(repo, ALICE);
	struct h_daemon *d = h_daemon_start(repo);
	struct h_client *local, *alice;

	local = attach(repo, d);
	h_wait(local, "first line", WAIT);
	alice = h_join(h_daemon_port(d), key, "alice");
	h_wait_row_has(alice, h_presence_row(alice), "Local Lena", WAIT);
	kill(h_client_pid(local), SIGTERM);
	assert_int_equal(wait_exit(local), 1);
	if (strstr(h_screen(local), "left the session (it goes on)") == NULL)
		fail_msg("no reason:\n%s", h_screen(local));
	/* The frontend put the terminal back first: the editor is gone. */
	if (strstr(h_screen(local), "first line") != NULL)
		fail_msg("the editor is still on screen:\n%s", h_screen(local));
	h_wait_row_lacks(alice, h_presence_row(alice), "Local Lena", WAIT);
	h_send(alice, "on ");
	h_wait(alice, "on # Attach", WAIT);
	assert_int_equal(h_daemon_stop(d), 0);
	h_pass();
}

/* No session: attach says so (and leaves the terminal as it was). */
static void
test_attach_no_session(void **state)
{
	char *repo = repo_local();
	struct h_client *c = attach(repo, NULL);

	assert_int_equal(wait_exit(c), 1);
	if (strstr(h_screen(c), "no session is running") == NULL)
		fail_msg("attach said:\n%s", h_screen(c));
	h_pass();
}

/* A second `moot serve` on a repository whose session runs is refused:
 * it would replay and write the same journal and take the control socket. */
static void
test_second_session(void **state)
{
	char *repo = repo_local();
	struct h_daemon *d = h_daemon_start(repo);
	struct h_client *local;
	char *out;
	int status;

	status = h_run_capture(repo, h_daemon_home(d), &out, h_moot_path(),
	    "serve", "-C", repo, "--listen", "127.0.0.1:0", NULL);
	if (status != 1 || strstr(out, "a session already runs") == NULL)
		fail_msg("second serve: status %d:\n%s", status, out);
	free(out);
	/* The first session still answers on its socket. */
	local = attach(repo, d);
	h_wait(local, "first line", WAIT);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_attach_detach_kill, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_moot_alone_starts, h_setup, teardown_started),
	    cmocka_unit_test_setup_teardown(
	        test_demo, h_setup, teardown_started),
	    cmocka_unit_test_setup_teardown(
	        test_attach_uid, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_attach_signal, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_attach_no_session, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_second_session, h_setup, h_teardown),
	};

	/* E2E_FILTER=test_demo runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
