/* test-sandbox.c: tests of the frontend's sandbox (sandbox.c): the filter
 * stages applied in a child process, then real frontends of a daemon. */
#include "moot.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "sandbox.h"

/* Sanitizer builds set no address space limit (sandbox.c). */
#if defined(__SANITIZE_ADDRESS__)
#define SB_SANITIZERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SB_SANITIZERS 1
#endif
#endif

#define WAIT 8000 /* ms for joining (key exchange, fork) */

#define ALICE "Alice Liddell <alice@example.com>"

static const char readme[] = "# Sandbox\n";

/* What a child does under the filter; it exits 0 if it returns. */
typedef void (*sb_fn)(const void *);

/* Run fn in a child with the frontend's stages up to stage; its status. */
static int
sb_child(enum sandbox_stage stage, sb_fn fn, const void *arg)
{
	int status;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		compat_no_new_privs();
		if (sandbox_filter(SANDBOX_LOGIN) != 0)
			_exit(90);
		if (stage == SANDBOX_SESSION &&
		    sandbox_filter(SANDBOX_SESSION) != 0)
			_exit(91);
		fn(arg);
		_exit(0); /* not exit(): no atexit handler runs */
	}
	while (waitpid(pid, &status, 0) == -1)
		assert_int_equal(errno, EINTR);
	return status;
}

static void
sb_assert_killed(int status)
{
	if (!WIFSIGNALED(status))
		fail_msg("the child was not killed (exit %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	assert_int_equal(WTERMSIG(status), SIGSYS);
}

static void
sb_assert_exited(int status)
{
	if (WIFSIGNALED(status))
		fail_msg("the child was killed by signal %d", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A file the tests may open (and, unfiltered, write). */
static char sb_file[] = "/tmp/moot-test-sandbox.XXXXXX";

static void
sb_open(const void *arg)
{
	int flags = *(const int *)arg, fd;

	if ((fd = open(sb_file, flags, 0600)) == -1)
		_exit(1);
	close(fd);
}

static void
sb_openat(const void *arg)
{
	int flags = *(const int *)arg, fd;

	if ((fd = openat(AT_FDCWD, sb_file, flags, 0600)) == -1)
		_exit(1);
	close(fd);
}

/* Before the key exchange, files open read-only (terminfo), never for
 * writing, whichever way. */
static void
test_login_opens_read_only(void **state)
{
	static const int writing[] = {O_WRONLY, O_RDWR, O_RDONLY | O_CREAT,
	    O_RDONLY | O_TRUNC, O_RDONLY | O_APPEND, O_WRONLY | O_CREAT};
	int rdonly = O_RDONLY, cloexec = O_RDONLY | O_CLOEXEC;
	size_t i;

	sb_assert_exited(sb_child(SANDBOX_LOGIN, sb_open, &rdonly));
	sb_assert_exited(sb_child(SANDBOX_LOGIN, sb_openat, &cloexec));
	for (i = 0; i < sizeof writing / sizeof *writing; i++) {
		sb_assert_killed(sb_child(SANDBOX_LOGIN, sb_open, &writing[i]));
		sb_assert_killed(
		    sb_child(SANDBOX_LOGIN, sb_openat, &writing[i]));
	}
}

/* Once the terminal is set up, no file opens at all. */
static void
test_session_opens_nothing(void **state)
{
	int rdonly = O_RDONLY;

	sb_assert_killed(sb_child(SANDBOX_SESSION, sb_open, &rdonly));
	sb_assert_killed(sb_child(SANDBOX_SESSION, sb_openat, &rdonly));
}

static void
sb_socket(const void *arg)
{
	if (socket(AF_INET, SOCK_STREAM, 0) == -1)
		_exit(1);
}

static void
sb_socketpair(const void *arg)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		_exit(1);
}

static void
sb_execve(const void *arg)
{
	char *argv[] = {"true", NULL}, *envp[] = {NULL};

	execve("/bin/true", argv, envp);
	_exit(1);
}

static void
sb_fork(const void *arg)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	_exit(pid == -1 ? 1 : 2);
}

static void
sb_kill(const void *arg)
{
	kill(getppid(), 0);
}

static void
sb_chroot_session(const void *arg)
{
	if (chroot("/") == -1)
		_exit(1);
}

static void
sb_mmap_exec(const void *arg)
{
	if (mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
	        -1, 0) == MAP_FAILED)
		_exit(1);
}

static void
sb_mprotect_exec(const void *arg)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(1);
	if (mprotect(p, 4096, PROT_READ | PROT_EXEC) == -1)
		_exit(1);
}

/* No new socket, program, process, signal to another process or
 * executable memory, in either stage; no chroot once in session. */
static void
test_forbidden_calls(void **state)
{
	static const sb_fn fns[] = {sb_socket, sb_socketpair, sb_execve,
	    sb_fork, sb_kill, sb_mmap_exec, sb_mprotect_exec};
	size_t i;

	for (i = 0; i < sizeof fns / sizeof *fns; i++) {
		sb_assert_killed(sb_child(SANDBOX_LOGIN, fns[i], NULL));
		sb_assert_killed(sb_child(SANDBOX_SESSION, fns[i], NULL));
	}
	sb_assert_killed(sb_child(SANDBOX_SESSION, sb_chroot_session, NULL));
}

/* What a frontend does all day still works in session: a pipe (as its
 * sockets), poll, time, a large block of memory, the log. */
static void
sb_allowed(const void *arg)
{
	const int *p = arg;
	struct pollfd pfd;
	struct timespec ts;
	char buf[8];
	size_t size = 64 * 1024 * 1024;
	char *big;

	if (write(p[1], "ping", 4) != 4)
		_exit(1);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 1000) != 1)
		_exit(2);
	if (read(p[0], buf, sizeof buf) != 4 || memcmp(buf, "ping", 4) != 0)
		_exit(3);
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0 || time(NULL) == -1)
		_exit(4);
	if ((big = malloc(size)) == NULL)
		_exit(5);
	memset(big, 'x', size);
	big = realloc(big, size * 2);
	if (big == NULL)
		_exit(6);
	free(big);
	log_info("sandbox test: a log line from the session stage");
}

static void
test_session_allows_work(void **state)
{
	int p[2];

	assert_int_equal(pipe(p), 0);
	sb_assert_exited(sb_child(SANDBOX_LOGIN, sb_allowed, p));
	sb_assert_exited(sb_child(SANDBOX_SESSION, sb_allowed, p));
	close(p[0]);
	close(p[1]);
}

/* A plain TCP connection to the daemon that sends nothing. */
static int
sb_connect(int port)
{
	struct sockaddr_in sin;
	int fd;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		fail_msg("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		fail_msg("connect to port %d: %s", port, strerror(errno));
	return fd;
}

/* The value of a line of /proc/PID/status ("Seccomp_filters:"), or NULL;
 * the caller frees. */
static char *
sb_status(pid_t pid, const char *field)
{
	char path[64], line[256], *v = NULL;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, field, strlen(field)) == 0) {
			v = strdup(line + strlen(field) +
			           strspn(line + strlen(field), " \t"));
			v[strcspn(v, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
	return v;
}

/* Wait until the field of the process's status reads value. */
static void
sb_wait_status(pid_t pid, const char *field, const char *value)
{
	long long until = h_now_ms() + WAIT;
	char *v;

	for (;;) {
		v = sb_status(pid, field);
		if (v != NULL && strcmp(v, value) == 0) {
			free(v);
			return;
		}
		if (h_now_ms() > until)
			fail_msg("frontend %ld: %s is '%s', not '%s'",
			    (long)pid, field, v != NULL ? v : "?", value);
		free(v);
		usleep(20 * 1000);
	}
}

/* A line of /proc/PID/limits has the limit, soft and hard. */
static void
sb_assert_limit(pid_t pid, const char *name, const char *value)
{
	char path[64], line[256], want[128], *squeezed;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/limits", (long)pid);
	assert_non_null(f = fopen(path, "r"));
	snprintf(want, sizeof want, "%s %s", value, value);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, name, strlen(name)) != 0)
			continue;
		found = 1;
		/* "Max open files            16        16        files" */
		squeezed = h_squeeze(line);
		if (strstr(squeezed, want) == NULL)
			fail_msg("frontend %ld: %s", (long)pid, line);
		free(squeezed);
	}
	fclose(f);
	assert_true(found);
}

#ifndef SB_SANITIZERS
/* The line of /proc/PID/limits has a limit, whatever it is. */
static void
sb_assert_limited(pid_t pid, const char *name)
{
	char path[64], line[256];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/limits", (long)pid);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, name, strlen(name)) != 0)
			continue;
		found = 1;
		if (strstr(line, "unlimited") != NULL)
			fail_msg("frontend %ld: %s", (long)pid, line);
	}
	fclose(f);
	assert_true(found);
}
#endif

/* Whether a process is a frontend (by the name it gives itself). */
static int
sb_is_frontend(pid_t pid)
{
	char path[64], comm[64];
	FILE *f;
	int yes = 0;

	snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(comm, sizeof comm, f) != NULL)
		yes = strcmp(comm, "moot-frontend\n") == 0;
	fclose(f);
	return yes;
}

/* The daemon's newest frontend but not (the highest pid: they are forked
 * one after the other). */
static pid_t
sb_newest_frontend(struct h_daemon *d, pid_t not )
{
	long long until = h_now_ms() + WAIT;
	pid_t pids[64], best;
	int n, i;

	for (;;) {
		best = 0;
		n = h_children(h_daemon_pid(d), pids, 64);
		for (i = 0; i < n; i++) {
			if (pids[i] != not &&pids[i] > best &&
			    sb_is_frontend(pids[i]))
				best = pids[i];
		}
		if (best != 0)
			return best;
		if (h_now_ms() > until)
			fail_msg("no frontend");
		usleep(20 * 1000);
	}
}

/*
 * Real frontends: one that has not started the key exchange is already
 * filtered (one stage), limited and, when the daemon is root, "nobody"
 * with one capability; one in session has both stages, no capability,
 * and is confined to the empty directory.
 */
static void
test_frontend_confined(void **state)
{
	struct h_daemon *d;
	struct h_client *c;
	char *repo, *alice, path[64], link[256];
	pid_t waiting, joined;
	ssize_t n;
	int fd, root = geteuid() == 0;

	repo = h_repo_create("README.md", readme, NULL);
	alice = h_key_create(repo, ALICE);
	d = h_daemon_start(repo);

	fd = sb_connect(h_daemon_port(d));
	waiting = sb_newest_frontend(d, 0);
	sb_wait_status(waiting, "Seccomp:", "2");
	sb_wait_status(waiting, "Seccomp_filters:", "1");
	sb_wait_status(waiting, "NoNewPrivs:", "1");
	sb_assert_limit(waiting, "Max open files", "16");
	sb_assert_limit(waiting, "Max core file size", "0");
	sb_assert_limit(waiting, "Max processes", "0");
#ifndef SB_SANITIZERS
	sb_assert_limited(waiting, "Max address space");
#endif
	if (root) {
		sb_wait_status(waiting, "Uid:", "65534\t65534\t65534\t65534");
		sb_wait_status(waiting, "CapEff:", "0000000000040000");
		sb_wait_status(waiting, "CapPrm:", "0000000000040000");
	}

	c = h_join(h_daemon_port(d), alice, "alice");
	h_wait_status(c, h_status_row(c), " README.md", WAIT);
	h_send(c, "typed ");
	h_wait_row_has(c, 0, "typed # Sandbox", WAIT);
	joined = sb_newest_frontend(d, waiting);
	assert_true(joined != waiting);
	sb_wait_status(joined, "Seccomp_filters:", "2");
	if (root) {
		sb_wait_status(joined, "CapEff:", "0000000000000000");
		sb_wait_status(joined, "CapPrm:", "0000000000000000");
		snprintf(path, sizeof path, "/proc/%ld/root", (long)joined);
		n = readlink(path, link, sizeof link - 1);
		assert_true(n > 0);
		link[n] = '\0';
		assert_string_equal(link, SANDBOX_EMPTY_DIR);
	}
	close(fd);
	h_pass();
}

/* The number of times s is in the daemon's log. */
static int
sb_log_count(struct h_daemon *d, const char *s)
{
	char *text, *p;
	size_t len;
	int n = 0;

	if ((text = h_daemon_log_text(d, &len)) == NULL)
		return 0;
	for (p = text; (p = strstr(p, s)) != NULL; p += strlen(s))
		n++;
	free(text);
	return n;
}

/*
 * A frontend killed by SIGSYS (as its filter kills it) is reported by
 * the daemon, once, with its address; the others carry on. The signal
 * is sent from here: a frontend that behaves never makes a forbidden
 * call, and the unit tests above show the filter sends SIGSYS.
 */
static void
test_kill_logged(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *b;
	char *repo, *alice, *bob, want[128];
	pid_t pid;
	long long until;

	repo = h_repo_create("README.md", readme, NULL);
	alice = h_key_create(repo, ALICE);
	bob = h_key_create(repo, "Bob Stone <bob@example.com>");
	d = h_daemon_start(repo);
	h_daemon_sandbox_kills(d);
	a = h_join(h_daemon_port(d), alice, "alice");
	h_wait_status(a, h_status_row(a), " README.md", WAIT);
	pid = sb_newest_frontend(d, 0);
	b = h_join(h_daemon_port(d), bob, "bob");
	h_wait_status(b, h_status_row(b), " README.md", WAIT);

	assert_int_equal(kill(pid, SIGSYS), 0);
	h_wait_closed(a, WAIT);
	snprintf(want, sizeof want,
	    "frontend %ld (127.0.0.1) was killed by its sandbox (SIGSYS)",
	    (long)pid);
	until = h_now_ms() + WAIT;
	while (sb_log_count(d, want) == 0 && h_now_ms() < until)
		usleep(20 * 1000);
	assert_int_equal(sb_log_count(d, want), 1);
	assert_int_equal(sb_log_count(d, "killed by its sandbox"), 1);
	/* Bob is still in, and sees Alice gone. */
	h_wait_row_lacks(b, h_presence_row(b), "Alice", WAIT);
	h_send(b, "still ");
	h_wait_row_has(b, 0, "still # Sandbox", WAIT);
	h_pass();
}

/* A string no process could hold by chance: prefix and random hex. */
static void
sb_marker(char *buf, size_t size, const char *prefix)
{
	unsigned char r[16];
	size_t i, n;
	FILE *f;

	assert_non_null(f = fopen("/dev/urandom", "r"));
	assert_int_equal(fread(r, 1, sizeof r, f), sizeof r);
	fclose(f);
	n = snprintf(buf, size, "%s", prefix);
	for (i = 0; i < sizeof r && n + 2 < size; i++, n += 2)
		snprintf(buf + n, size - n, "%02x", r[i]);
}

/*
 * Whether the memory of a process has s in it: every readable region of
 * /proc/PID/maps read through /proc/PID/mem (as root), in pieces that
 * overlap by the length of s. Regions above SB_REGION_MAX (a sanitizer's
 * shadow, reserved, never touched) are skipped.
 */
#define SB_REGION_MAX (1024UL * 1024 * 1024)
static int
sb_memory_has(pid_t pid, const char *s)
{
	char path[64], line[512], perms[8];
	unsigned long start, end, at;
	size_t len = strlen(s), chunk = 1024 * 1024, n;
	char *buf;
	ssize_t got;
	int fd, found = 0;
	FILE *maps;

	snprintf(path, sizeof path, "/proc/%ld/maps", (long)pid);
	assert_non_null(maps = fopen(path, "r"));
	snprintf(path, sizeof path, "/proc/%ld/mem", (long)pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		fail_msg("%s: %s", path, strerror(errno));
	buf = malloc(chunk + len);
	assert_non_null(buf);
	while (!found && fgets(line, sizeof line, maps) != NULL) {
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3 ||
		    perms[0] != 'r' || end - start > SB_REGION_MAX ||
		    strstr(line, "[vvar") != NULL)
			continue;
		for (at = start; at < end && !found; at += chunk) {
			n = end - at < chunk + len ? end - at : chunk + len;
			got = pread(fd, buf, n, (off_t)at);
			if (got <= 0)
				break;
			found = memmem(buf, got, s, len) != NULL;
		}
	}
	free(buf);
	close(fd);
	fclose(maps);
	return found;
}

/* The NUL-separated arguments of a process, as one string with spaces. */
static char *
sb_cmdline(pid_t pid)
{
	char path[64], *buf;
	ssize_t n, i;
	int fd;

	snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
	assert_true((fd = open(path, O_RDONLY)) != -1);
	buf = calloc(1, 4096);
	assert_non_null(buf);
	n = read(fd, buf, 4095);
	close(fd);
	assert_true(n > 0);
	for (i = 0; i < n - 1; i++) {
		if (buf[i] == '\0')
			buf[i] = ' ';
	}
	return buf;
}

/* Say something in the chat. */
static void
sb_say(struct h_client *c, const char *text)
{
	h_key(c, "C-t");
	h_wait_status(c, h_status_row(c), " Say:", WAIT);
	h_send(c, text);
	h_key(c, "Enter");
}

/*
 * A frontend holds what a frontend needs, not what the daemon holds: it is
 * the moot program run afresh (fork and exec), not a copy of the daemon.
 * Alice opens a document with a secret in it and says another in the chat
 * (then three more lines, so the chat pane shows other people's words)
 * before Carol joins; Carol's frontend has neither in its memory, though
 * the daemon has both. It does hold the key list (a third person's email,
 * in the list only, is there): the search finds what is there.
 */
static void
test_frontend_holds_no_secrets(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *c;
	char doc[40], said[40], dora[80], email[40], *repo, *alice, *carol;
	char content[128], *cmd, dexe[256], fexe[256], path[64];
	pid_t pa, pc;
	ssize_t n;

	sb_marker(doc, sizeof doc, "docmark-");
	sb_marker(said, sizeof said, "chatmark-");
	sb_marker(email, sizeof email, "dora-");
	snprintf(content, sizeof content, "%s\n", doc);
	snprintf(dora, sizeof dora, "Dora Bell <%s@example.com>", email);
	repo = h_repo_create("README.md", readme, "secret.txt", content, NULL);
	alice = h_key_create(repo, ALICE);
	carol = h_key_create(repo, "Carol Reed <carol@example.com>");
	h_key_create(repo, dora);
	d = h_daemon_start(repo);

	a = h_join(h_daemon_port(d), alice, "alice");
	h_wait_status(a, h_status_row(a), " README.md", WAIT);
	pa = sb_newest_frontend(d, 0);
	h_open(a, "secret.txt", WAIT);
	h_wait_row_has(a, 0, doc, WAIT);
	sb_say(a, said);
	h_wait_row_has(a, h_status_row(a) - 1, said, WAIT);
	sb_say(a, "one");
	sb_say(a, "two");
	sb_say(a, "three");
	h_wait_row_has(a, h_status_row(a) - 1, "three", WAIT);
	h_wait_gone(a, said, WAIT);

	c = h_join(h_daemon_port(d), carol, "carol");
	h_wait_status(c, h_status_row(c), " README.md", WAIT);
	h_wait_row_has(c, h_status_row(c) - 1, "three", WAIT);
	pc = sb_newest_frontend(d, pa);
	assert_true(pc != pa);

	/* The daemon holds both secrets; Carol's frontend neither. */
	assert_true(sb_memory_has(h_daemon_pid(d), doc));
	assert_true(sb_memory_has(h_daemon_pid(d), said));
	assert_true(sb_memory_has(pc, email));
	if (sb_memory_has(pc, doc))
		fail_msg("a frontend holds a document it never showed");
	if (sb_memory_has(pc, said))
		fail_msg("a frontend holds chat it never showed");

	/* It was run afresh: the frontend's entry, the daemon's program. */
	cmd = sb_cmdline(pc);
	assert_string_equal(cmd, "moot-frontend --frontend");
	free(cmd);
	snprintf(path, sizeof path, "/proc/%ld/exe", (long)h_daemon_pid(d));
	assert_true((n = readlink(path, dexe, sizeof dexe - 1)) > 0);
	dexe[n] = '\0';
	snprintf(path, sizeof path, "/proc/%ld/exe", (long)pc);
	assert_true((n = readlink(path, fexe, sizeof fexe - 1)) > 0);
	fexe[n] = '\0';
	assert_string_equal(fexe, dexe);

	/* Carol is in and working. */
	h_send(c, "typed ");
	h_wait_row_has(c, 0, "typed # Sandbox", WAIT);
	h_pass();
}

static int
sb_setup(void **state)
{
	int fd;

	if ((fd = mkstemp(sb_file)) == -1)
		return -1;
	close(fd);
	return 0;
}

static int
sb_teardown(void **state)
{
	unlink(sb_file);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_login_opens_read_only),
	    cmocka_unit_test(test_session_opens_nothing),
	    cmocka_unit_test(test_forbidden_calls),
	    cmocka_unit_test(test_session_allows_work),
	    cmocka_unit_test_setup_teardown(
	        test_frontend_confined, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_kill_logged, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_frontend_holds_no_secrets, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, sb_setup, sb_teardown);
}
