/* harness.c: the end-to-end test harness (real daemon, real SSH clients).
 * Nothing is mocked: git, the daemon, libssh and OpenSSH clients, libvterm. */
#include "moot.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libssh/libssh.h>
#include <sqlite3.h>
#include <vterm.h>

#include "harness.h"

#define H_WATCHDOG 150   /* seconds a single test may take */
#define H_RING 16        /* strings h_row and h_screen keep alive */
#define H_MAXDIRS 64     /* temporary directories per test */
#define H_SSH_TIMEOUT 10 /* seconds for libssh's blocking calls */

struct h_daemon {
	TAILQ_ENTRY(h_daemon) entry;
	pid_t pid;
	int port;
	int outfd; /* the daemon's stdout, non-blocking */
	char *out; /* everything read from it */
	size_t outlen;
	char *dir; /* HOME and the stderr log live here */
	char *home;
	char *log;
	int status;
	int sandbox_kills; /* a test kills frontends with SIGSYS itself */
};

struct h_client {
	TAILQ_ENTRY(h_client) entry;
	char *label;
	int openssh; /* ssh in a pty, else libssh */

	ssh_session session;
	ssh_channel channel;

	pid_t pid;
	int fd; /* pty master */

	VTerm *vt;
	VTermScreen *screen;
	int cols;
	int rows;

	int frozen;
	int closed;
	int status; /* exit status once closed, -1 if none */
	int status_known;
	size_t bytes;
	char *err; /* what came on stderr (libssh) */
	size_t errlen;
	char key[64]; /* one key's bytes, gathered to send as one write */
	size_t keylen;
	int keying;
	int mouse; /* the mouse reports asked for (VTERM_PROP_MOUSE_*) */
};

static TAILQ_HEAD(, h_daemon) h_daemons = TAILQ_HEAD_INITIALIZER(h_daemons);
static TAILQ_HEAD(, h_client) h_clients = TAILQ_HEAD_INITIALIZER(h_clients);
static char *h_dirs[H_MAXDIRS];
static int h_ndirs;
static int h_passed;
static int h_sanitizer_reports; /* reports seen in daemon logs */
static char *h_ring[H_RING];
static int h_ringnext;
static int h_keys;
static char **h_owned; /* strings handed out, freed by h_cleanup */
static size_t h_nowned;

static void h_fail_at(const char *, int, const char *, ...) __printflike(3, 4);

long long
h_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keep a string until h_cleanup. */
static char *
h_own(char *s)
{
	h_owned = xreallocarray(h_owned, h_nowned + 1, sizeof *h_owned);
	h_owned[h_nowned++] = s;
	return s;
}

/* Keep a string for the caller until H_RING more are made. */
static const char *
h_keep(char *s)
{
	free(h_ring[h_ringnext]);
	h_ring[h_ringnext] = s;
	h_ringnext = (h_ringnext + 1) % H_RING;
	return s;
}

/* Print every client's screen and every daemon's log, then fail. */
static void
h_diagnose(void)
{
	struct h_client *c;
	struct h_daemon *d;

	for (c = TAILQ_FIRST(&h_clients); c != NULL; c = TAILQ_NEXT(c, entry))
		h_dump(c);
	for (d = TAILQ_FIRST(&h_daemons); d != NULL; d = TAILQ_NEXT(d, entry))
		h_daemon_log(d, 40);
}

static void
h_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s:%d: %s\n", file, line, msg);
	free(msg);
	h_diagnose();
	h_passed = 1; /* already diagnosed; teardown stays quiet */
	_fail(file, line);
}

/* The watchdog: a hung test kills what it started and exits. */
static void
h_watchdog(int sig)
{
	static const char msg[] = "harness: test timed out, giving up\n";
	struct h_client *c;
	struct h_daemon *d;
	ssize_t n;

	n = write(STDERR_FILENO, msg, sizeof msg - 1);
	(void)n;
	for (c = TAILQ_FIRST(&h_clients); c != NULL; c = TAILQ_NEXT(c, entry)) {
		if (c->openssh && c->pid > 0)
			kill(c->pid, SIGKILL);
	}
	for (d = TAILQ_FIRST(&h_daemons); d != NULL; d = TAILQ_NEXT(d, entry)) {
		if (d->pid > 0)
			kill(d->pid, SIGKILL);
	}
	_exit(1);
}

int
h_setup(void **state)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = h_watchdog;
	sigaction(SIGALRM, &sa, NULL);
	alarm(H_WATCHDOG);
	h_passed = 0;
	ssh_init();
	return 0;
}

int
h_teardown(void **state)
{
	if (!h_passed) {
		fprintf(stderr, "harness: test did not pass; state follows\n");
		h_diagnose();
	}
	h_cleanup();
	alarm(0);
	if (h_sanitizer_reports > 0) {
		h_sanitizer_reports = 0;
		return -1; /* cmocka reports the test as failed */
	}
	return 0;
}

void
h_pass(void)
{
	h_passed = 1;
}

static int
h_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	if (remove(path) != 0 && errno != ENOENT)
		fprintf(
		    stderr, "harness: remove %s: %s\n", path, strerror(errno));
	return 0;
}

void
h_cleanup(void)
{
	struct h_client *c;
	struct h_daemon *d;
	int i;

	while ((c = TAILQ_FIRST(&h_clients)) != NULL)
		h_client_close(c);
	while ((d = TAILQ_FIRST(&h_daemons)) != NULL)
		h_daemon_stop(d);
	for (i = 0; i < h_ndirs; i++) {
		nftw(h_dirs[i], h_rm_one, 16, FTW_DEPTH | FTW_PHYS);
		free(h_dirs[i]);
	}
	h_ndirs = 0;
	while (h_nowned > 0)
		free(h_owned[--h_nowned]);
	for (i = 0; i < H_RING; i++) {
		free(h_ring[i]);
		h_ring[i] = NULL;
	}
}

char *
h_tmpdir(const char *what)
{
	const char *tmp;
	char *path;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	xasprintf(&path, "%s/moot-e2e-%s.XXXXXX", tmp, what);
	if (mkdtemp(path) == NULL)
		fail_msg("mkdtemp %s: %s", path, strerror(errno));
	if (h_ndirs == H_MAXDIRS)
		fail_msg("too many temporary directories");
	h_dirs[h_ndirs++] = path;
	return path;
}

/* Run argv in dir; stdout goes to /dev/null. Returns the exit status. */
static int
h_runv(const char *dir, const char **argv)
{
	pid_t pid;
	int status, fd;

	fflush(NULL);
	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		if (dir != NULL && chdir(dir) != 0)
			_exit(126);
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			fail_msg("waitpid: %s", strerror(errno));
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -1;
}

int
h_run(const char *dir, const char *arg0, ...)
{
	const char *argv[32];
	va_list ap;
	int n = 0;

	argv[n++] = arg0;
	va_start(ap, arg0);
	while (n < 31 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return h_runv(dir, argv);
}

int
h_run_capture(
    const char *dir, const char *home, char **output, const char *arg0, ...)
{
	const char *argv[32];
	char buf[4096], *out;
	size_t len = 0;
	va_list ap;
	long long deadline;
	struct pollfd pf;
	int n = 0, pfd[2], status = -1, fd, killed = 0;
	ssize_t r;
	pid_t pid;

	argv[n++] = arg0;
	va_start(ap, arg0);
	while (n < 31 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;

	if (pipe(pfd) != 0)
		fail_msg("pipe: %s", strerror(errno));
	fflush(NULL);
	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		if (dir != NULL && chdir(dir) != 0)
			_exit(126);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, STDIN_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		if (home != NULL)
			setenv("HOME", home, 1);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	out = xstrdup("");
	deadline = h_now_ms() + 10000;
	for (;;) {
		pf.fd = pfd[0];
		pf.events = POLLIN;
		if (poll(&pf, 1, 100) > 0) {
			r = read(pfd[0], buf, sizeof buf);
			if (r == 0 || (r == -1 && errno != EINTR))
				break;
			if (r > 0) {
				out = xrealloc(out, len + r + 1);
				memcpy(out + len, buf, r);
				len += r;
				out[len] = '\0';
			}
		}
		if (!killed && h_now_ms() > deadline) {
			kill(pid, SIGKILL); /* the child we forked */
			killed = 1;
		}
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	*output = out;
	if (!killed && WIFEXITED(status))
		return WEXITSTATUS(status);
	return -1;
}

/* mkdir -p for the directories leading to path (not path itself). */
static void
h_mkparents(const char *path)
{
	char *copy, *p;

	copy = xstrdup(path);
	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) != 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", copy, strerror(errno));
		*p = '/';
	}
	free(copy);
}

void
h_write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char *path;
	FILE *f;

	xasprintf(&path, "%s/%s", dir, name);
	h_mkparents(path);
	if ((f = fopen(path, "wb")) == NULL)
		fail_msg("fopen %s: %s", path, strerror(errno));
	if (len != 0 && fwrite(data, 1, len, f) != len)
		fail_msg("fwrite %s: %s", path, strerror(errno));
	if (fclose(f) != 0)
		fail_msg("fclose %s: %s", path, strerror(errno));
	free(path);
}

char *
h_read_file(const char *dir, const char *name, size_t *lenp)
{
	char *path, *buf = NULL;
	size_t len = 0, size = 0, n;
	FILE *f;

	xasprintf(&path, "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("fopen %s: %s", path, strerror(errno));
	for (;;) {
		if (size - len < 4096) {
			size = size * 2 + 8192;
			buf = xrealloc(buf, size);
		}
		n = fread(buf + len, 1, size - len - 1, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	free(path);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

char *
h_repo_create(const char *first, ...)
{
	const char *name, *text;
	char *dir;
	va_list ap;

	dir = h_tmpdir("repo");
	va_start(ap, first);
	for (name = first; name != NULL; name = va_arg(ap, const char *)) {
		text = va_arg(ap, const char *);
		h_write_file(dir, name, text, strlen(text));
	}
	va_end(ap);

	if (h_run(dir, "git", "-c", "init.defaultBranch=main", "init", "-q",
	        "-b", "main", NULL) != 0 ||
	    h_run(dir, "git", "config", "user.name", "Test", NULL) != 0 ||
	    h_run(dir, "git", "config", "user.email", "test@example.com",
	        NULL) != 0 ||
	    h_run(dir, "git", "config", "commit.gpgsign", "false", NULL) != 0 ||
	    h_run(dir, "git", "add", "-A", NULL) != 0 ||
	    h_run(dir, "git", "commit", "-q", "-m", "initial", NULL) != 0)
		fail_msg("git failed in %s", dir);
	return dir;
}

char *
h_key_new(const char *repo)
{
	ssh_key key = NULL;
	char *dir, *path;
	int fd;

	xasprintf(&dir, "%s/.git/h-keys", repo);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", dir, strerror(errno));
	xasprintf(&path, "%s/key%d", dir, ++h_keys);
	free(dir);

	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK)
		fail_msg("ssh_pki_generate failed");
	/* Create the file 0600 first: the export keeps an existing mode. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		fail_msg("open %s: %s", path, strerror(errno));
	close(fd);
	if (ssh_pki_export_privkey_file(key, NULL, NULL, NULL, path) != SSH_OK)
		fail_msg("ssh_pki_export_privkey_file %s failed", path);
	chmod(path, 0600);
	ssh_key_free(key);
	return h_own(path);
}

/* A key's public half as an authorized_keys line with a comment (no
 * newline); caller frees. */
char *
h_key_line(const char *keyfile, const char *comment)
{
	ssh_key key = NULL, pub = NULL;
	char *b64 = NULL, *line;

	if (ssh_pki_import_privkey_file(keyfile, NULL, NULL, NULL, &key) !=
	    SSH_OK)
		fail_msg("cannot read key %s", keyfile);
	if (ssh_pki_export_privkey_to_pubkey(key, &pub) != SSH_OK ||
	    ssh_pki_export_pubkey_base64(pub, &b64) != SSH_OK)
		fail_msg("cannot export public key of %s", keyfile);
	xasprintf(&line, "ssh-ed25519 %s %s", b64, comment);
	ssh_string_free_char(b64);
	ssh_key_free(pub);
	ssh_key_free(key);
	return line;
}

/* A key's SHA256 fingerprint as ssh shows it ("SHA256:..."); caller
 * frees. */
char *
h_key_fingerprint(const char *keyfile)
{
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	size_t hlen;
	char *fp, *out;

	if (ssh_pki_import_privkey_file(keyfile, NULL, NULL, NULL, &key) !=
	        SSH_OK ||
	    ssh_get_publickey_hash(
	        key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) != 0)
		fail_msg("cannot read key %s", keyfile);
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	out = xstrdup(fp);
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
	ssh_key_free(key);
	return out;
}

void
h_key_authorize(const char *repo, const char *keyfile, const char *comment)
{
	ssh_key key = NULL, pub = NULL;
	char *b64 = NULL, *path;
	FILE *f;

	if (ssh_pki_import_privkey_file(keyfile, NULL, NULL, NULL, &key) !=
	    SSH_OK)
		fail_msg("cannot read key %s", keyfile);
	if (ssh_pki_export_privkey_to_pubkey(key, &pub) != SSH_OK ||
	    ssh_pki_export_pubkey_base64(pub, &b64) != SSH_OK)
		fail_msg("cannot export public key of %s", keyfile);

	xasprintf(&path, "%s/.moot/authorized_keys", repo);
	h_mkparents(path);
	if ((f = fopen(path, "a")) == NULL)
		fail_msg("fopen %s: %s", path, strerror(errno));
	fprintf(f, "ssh-ed25519 %s %s\n", b64, comment);
	fclose(f);

	free(path);
	ssh_string_free_char(b64);
	ssh_key_free(pub);
	ssh_key_free(key);
}

char *
h_key_with(const char *repo, const char *opts, const char *comment)
{
	char *key, *line, *text, *path, *old = NULL;
	size_t len;

	key = h_key_new(repo);
	line = h_key_line(key, comment);
	xasprintf(&path, "%s/.moot/authorized_keys", repo);
	if (access(path, F_OK) == 0)
		old = h_read_file(repo, ".moot/authorized_keys", &len);
	free(path);
	xasprintf(&text, "%s%s%s%s\n", old != NULL ? old : "",
	    opts != NULL ? opts : "", opts != NULL ? " " : "", line);
	h_write_file(repo, ".moot/authorized_keys", text, strlen(text));
	free(old);
	free(line);
	free(text);
	return key;
}

char *
h_key_create(const char *repo, const char *comment)
{
	char *path;

	path = h_key_new(repo);
	h_key_authorize(repo, path, comment);
	return path;
}

const char *
h_moot_path(void)
{
	static char path[PATH_MAX + 32];
	char exe[PATH_MAX], *slash;
	const char *env;
	ssize_t n;

	if ((env = getenv("MOOT")) != NULL && *env != '\0')
		return env;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(path, sizeof path, "%s/../src/moot", exe);
			if (access(path, X_OK) == 0)
				return path;
		}
	}
	return "./src/moot";
}

/* Read what the daemon has printed on stdout so far; 0 at end of file. */
static int
h_daemon_drain(struct h_daemon *d)
{
	char buf[4096];
	ssize_t n;

	if (d->outfd == -1)
		return 0;
	for (;;) {
		n = read(d->outfd, buf, sizeof buf);
		if (n > 0) {
			d->out = xrealloc(d->out, d->outlen + n + 1);
			memcpy(d->out + d->outlen, buf, n);
			d->outlen += n;
			d->out[d->outlen] = '\0';
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return 1;
		close(d->outfd);
		d->outfd = -1;
		return 0;
	}
}

/* The port from a complete `Listening on ADDR:PORT` line, or 0. */
static int
h_daemon_parse_port(struct h_daemon *d)
{
	const char *p, *nl, *colon = NULL, *q;
	long port;

	if (d->out == NULL || (p = strstr(d->out, "Listening on ")) == NULL)
		return 0;
	if ((nl = strchr(p, '\n')) == NULL)
		return 0;
	for (q = p; q < nl; q++) {
		if (*q == ':')
			colon = q;
	}
	if (colon == NULL)
		return -1;
	port = strtol(colon + 1, NULL, 10);
	if (port <= 0 || port > 65535)
		return -1;
	return (int)port;
}

struct h_daemon *
h_daemon_start(const char *repo)
{
	return h_daemon_start_args(repo, (char *)NULL);
}

/* The daemon with more arguments after `serve -C REPO --listen ...`,
 * ended by NULL. */
struct h_daemon *
h_daemon_start_args(const char *repo, ...)
{
	struct h_daemon *d;
	const char *argv[32], *arg;
	va_list ap;
	int argc = 0;
	const char *moot = h_moot_path();
	char *home;
	int pfd[2], logfd, nullfd;
	long long deadline;
	struct pollfd pf;

	d = xcalloc(1, sizeof *d);
	d->dir = h_tmpdir("daemon");
	d->status = -2;
	xasprintf(&home, "%s/home", d->dir);
	d->home = xstrdup(home);
	if (mkdir(home, 0700) != 0)
		fail_msg("mkdir %s: %s", home, strerror(errno));
	xasprintf(&d->log, "%s/stderr.log", d->dir);
	if ((logfd = open(d->log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		fail_msg("open %s: %s", d->log, strerror(errno));
	if (pipe(pfd) != 0)
		fail_msg("pipe: %s", strerror(errno));

	argv[argc++] = moot;
	argv[argc++] = "serve";
	argv[argc++] = "-C";
	argv[argc++] = repo;
	argv[argc++] = "--listen";
	argv[argc++] = "127.0.0.1:0";
	va_start(ap, repo);
	while ((arg = va_arg(ap, const char *)) != NULL) {
		if (argc == (int)(sizeof argv / sizeof argv[0]) - 1)
			fail_msg("h_daemon_start_args: too many arguments");
		argv[argc++] = arg;
	}
	va_end(ap);
	argv[argc] = NULL;

	fflush(NULL);
	if ((d->pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (d->pid == 0) {
		if ((nullfd = open("/dev/null", O_RDONLY)) != -1)
			dup2(nullfd, STDIN_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		dup2(logfd, STDERR_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		close(logfd);
		setenv("HOME", home, 1);
		unsetenv("SSH_AUTH_SOCK");
		/*
		 * Sanitizer builds: do not hoard freed memory (RSS checks).
		 * The checks measure growth: a quarantine that is still
		 * filling up while they measure counts as growth, so it is
		 * kept small (4 MB: a daemon that reuses its frames fills a
		 * larger one only slowly).
		 */
		setenv("ASAN_OPTIONS", "quarantine_size_mb=4", 0);
		execv(moot, (char *const *)argv);
		fprintf(
		    stderr, "harness: exec %s: %s\n", moot, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	close(logfd);
	free(home);
	d->outfd = pfd[0];
	fcntl(d->outfd, F_SETFL, fcntl(d->outfd, F_GETFL) | O_NONBLOCK);
	TAILQ_INSERT_TAIL(&h_daemons, d, entry);

	deadline = h_now_ms() + 10000;
	for (;;) {
		if (!h_daemon_drain(d) && d->port == 0) {
			h_daemon_log(d, 40);
			fail_msg(
			    "daemon %s exited before listening; stdout:\n%s",
			    moot, d->out != NULL ? d->out : "");
		}
		d->port = h_daemon_parse_port(d);
		if (d->port == -1) {
			fail_msg("cannot parse the port; stdout:\n%s", d->out);
		}
		if (d->port > 0)
			break;
		if (h_now_ms() > deadline) {
			h_daemon_log(d, 40);
			fail_msg("no `Listening on` within 10 s; stdout:\n%s",
			    d->out != NULL ? d->out : "");
		}
		pf.fd = d->outfd;
		pf.events = POLLIN;
		poll(&pf, 1, 50);
	}
	return d;
}

int
h_daemon_port(struct h_daemon *d)
{
	return d->port;
}

pid_t
h_daemon_pid(struct h_daemon *d)
{
	return d->pid;
}

const char *
h_daemon_home(struct h_daemon *d)
{
	return d->home;
}

const char *
h_daemon_stdout(struct h_daemon *d)
{
	h_daemon_drain(d);
	return d->out != NULL ? d->out : "";
}

char *
h_daemon_log_text(struct h_daemon *d, size_t *len)
{
	return h_read_file(d->dir, "stderr.log", len);
}

/*
 * The daemon and its frontends share one stderr log: in a sanitizer build
 * any report there (a frontend's too, which the test itself might never
 * notice) fails the test in h_teardown.
 */
static void
h_daemon_sanitizers(struct h_daemon *d)
{
	char *text;
	size_t len;

	text = h_read_file(d->dir, "stderr.log", &len);
	if (text == NULL)
		return;
	if (strstr(text, "Sanitizer") != NULL ||
	    strstr(text, "runtime error:") != NULL) {
		fprintf(stderr,
		    "harness: sanitizer report in the daemon's "
		    "log:\n%s\n",
		    text);
		h_sanitizer_reports++;
	}
	/* A frontend killed by its sandbox made a system call the filter
	 * lacks (sandbox.c): that fails the test too. */
	if (!d->sandbox_kills &&
	    strstr(text, "killed by its sandbox") != NULL) {
		fprintf(stderr,
		    "harness: a frontend was killed by its sandbox:\n%s\n",
		    text);
		h_sanitizer_reports++;
	}
	free(text);
}

void
h_daemon_sandbox_kills(struct h_daemon *d)
{
	d->sandbox_kills = 1;
}

int
h_daemon_stop(struct h_daemon *d)
{
	long long deadline;
	int status, st = -1;
	pid_t r;

	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		deadline = h_now_ms() + 5000;
		for (;;) {
			h_daemon_drain(d);
			r = waitpid(d->pid, &status, WNOHANG);
			if (r == d->pid)
				break;
			if (r == -1 && errno != EINTR) {
				status = -1;
				break;
			}
			if (h_now_ms() > deadline) {
				fprintf(stderr,
				    "harness: daemon %ld ignored "
				    "SIGTERM for 5 s; killing it\n",
				    (long)d->pid);
				kill(d->pid, SIGKILL);
				waitpid(d->pid, &status, 0);
				status = -1;
				break;
			}
			h_pump_all(20);
		}
		if (status != -1 && WIFEXITED(status))
			st = WEXITSTATUS(status);
		d->pid = 0;
		d->status = st;
	}
	h_daemon_drain(d);
	if (d->outfd != -1)
		close(d->outfd);
	d->outfd = -1;
	st = d->status;
	h_daemon_sanitizers(d);
	TAILQ_REMOVE(&h_daemons, d, entry);
	free(d->out);
	free(d->log);
	free(d->home);
	free(d);
	return st;
}

void
h_daemon_log(struct h_daemon *d, int lines)
{
	char *text;
	const char *p;
	size_t len;
	int n = 0;

	text = h_read_file(d->dir, "stderr.log", &len);
	p = text + len;
	while (p > text) {
		p--;
		if (*p == '\n' && p != text + len - 1 && ++n == lines) {
			p++;
			break;
		}
	}
	fprintf(stderr,
	    "--- daemon %ld stderr (last %d lines) ---\n%s"
	    "--- end of daemon stderr ---\n",
	    (long)d->pid, lines, p);
	free(text);
}

/* A "Vm...:" field of /proc/PID/status in kB, -1 if unknown. */
static long
h_status_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t len = strlen(field);
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, field, len) == 0) {
			kb = strtol(line + len, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

long
h_rss_kb(pid_t pid)
{
	return h_status_kb(pid, "VmRSS:");
}

long
h_peak_kb(pid_t pid)
{
	return h_status_kb(pid, "VmHWM:");
}

int
h_children(pid_t parent, pid_t *pids, int max)
{
	char path[300], buf[512], *p;
	struct dirent *de;
	DIR *dir;
	FILE *f;
	long ppid;
	int n = 0;

	if ((dir = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(dir)) != NULL && n < max) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(buf, sizeof buf, f) == NULL) {
			fclose(f);
			continue;
		}
		fclose(f);
		/* pid (comm) state ppid: comm may hold anything, even ')'. */
		if ((p = strrchr(buf, ')')) == NULL)
			continue;
		if (sscanf(p + 1, " %*c %ld", &ppid) != 1)
			continue;
		if (ppid == (long)parent)
			pids[n++] = (pid_t)strtol(de->d_name, NULL, 10);
	}
	closedir(dir);
	return n;
}

/* What the frontend asks of the terminal: only the mouse is kept. */
static int
h_vterm_prop(VTermProp prop, VTermValue *val, void *data)
{
	struct h_client *c = data;

	if (prop == VTERM_PROP_MOUSE)
		c->mouse = val->number;
	return 1;
}

static VTermScreenCallbacks h_screen_callbacks = {
    .settermprop = h_vterm_prop,
};

/* Terminal replies (and keys, which libvterm encodes) go to the server. */
static void
h_vterm_output(const char *s, size_t len, void *data)
{
	struct h_client *c = data;

	if (c->keying && c->keylen + len <= sizeof c->key) {
		memcpy(c->key + c->keylen, s, len);
		c->keylen += len;
		return;
	}
	h_send_bytes(c, s, len);
}

static struct h_client *
h_client_new(const char *label, int cols, int rows)
{
	struct h_client *c;

	c = xcalloc(1, sizeof *c);
	c->label = xstrdup(label);
	c->cols = cols;
	c->rows = rows;
	c->fd = -1;
	c->status = -1;
	c->vt = vterm_new(rows, cols);
	vterm_set_utf8(c->vt, 1);
	vterm_output_set_callback(c->vt, h_vterm_output, c);
	c->screen = vterm_obtain_screen(c->vt);
	vterm_screen_set_callbacks(c->screen, &h_screen_callbacks, c);
	vterm_screen_enable_altscreen(c->screen, 1);
	vterm_screen_reset(c->screen, 1);
	return c;
}

/* Connect with libssh, not yet authenticated. */
static ssh_session
h_ssh_open(int port, const char *user)
{
	ssh_session s;
	unsigned int uport = port;
	long timeout = H_SSH_TIMEOUT;
	int verbosity = SSH_LOG_NOLOG;
	bool no = false;
	int yes = 1;

	s = ssh_new();
	ssh_options_set(s, SSH_OPTIONS_HOST, "127.0.0.1");
	ssh_options_set(s, SSH_OPTIONS_PORT, &uport);
	ssh_options_set(s, SSH_OPTIONS_USER, user);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
	ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
	ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
	/* As OpenSSH does for interactive sessions: no Nagle delays. */
	ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes);
	if (ssh_connect(s) != SSH_OK)
		fail_msg("connect to port %d: %s", port, ssh_get_error(s));
	return s;
}

struct h_client *
h_client_connect(int port, const char *keyfile, const char *user, int cols,
    int rows, const char *term)
{
	return h_client_connect_pty(
	    port, keyfile, user, cols, rows, cols, rows, term);
}

struct h_client *
h_client_connect_pty(int port, const char *keyfile, const char *user, int cols,
    int rows, int pty_cols, int pty_rows, const char *term)
{
	struct h_client *c;
	ssh_session s;
	ssh_key key = NULL;
	int rc;

	s = h_ssh_open(port, user);
	/* Loopback test: the host key is not verified. */
	if (ssh_pki_import_privkey_file(keyfile, NULL, NULL, NULL, &key) !=
	    SSH_OK)
		fail_msg("%s: cannot read key %s", user, keyfile);
	rc = ssh_userauth_publickey(s, NULL, key);
	ssh_key_free(key);
	if (rc != SSH_AUTH_SUCCESS)
		fail_msg("%s: public key authentication failed (%d): %s", user,
		    rc, ssh_get_error(s));

	c = h_client_new(user, cols, rows);
	c->session = s;
	if ((c->channel = ssh_channel_new(s)) == NULL ||
	    ssh_channel_open_session(c->channel) != SSH_OK)
		fail_msg("%s: cannot open a session channel: %s", user,
		    ssh_get_error(s));
	if (ssh_channel_request_pty_size(
	        c->channel, term, pty_cols, pty_rows) != SSH_OK)
		fail_msg("%s: pty request refused: %s", user, ssh_get_error(s));
	if (ssh_channel_request_shell(c->channel) != SSH_OK)
		fail_msg(
		    "%s: shell request refused: %s", user, ssh_get_error(s));
	TAILQ_INSERT_TAIL(&h_clients, c, entry);
	return c;
}

struct h_client *
h_join(int port, const char *keyfile, const char *user)
{
	return h_client_connect(port, keyfile, user, 80, 24, "xterm-256color");
}

struct h_client *
h_openssh_connect(int port, const char *keyfile, int cols, int rows)
{
	struct h_client *c;
	struct winsize ws;
	char sport[16];
	pid_t pid;
	int fd;

	snprintf(sport, sizeof sport, "%d", port);
	memset(&ws, 0, sizeof ws);
	ws.ws_col = cols;
	ws.ws_row = rows;
	fflush(NULL);
	if ((pid = forkpty(&fd, NULL, NULL, &ws)) == -1)
		fail_msg("forkpty: %s", strerror(errno));
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		unsetenv("SSH_AUTH_SOCK");
		execlp("ssh", "ssh", "-F", "/dev/null", "-tt", "-p", sport,
		    "-i", keyfile, "-o", "StrictHostKeyChecking=no", "-o",
		    "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
		    "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
		    "test@127.0.0.1", (char *)NULL);
		fprintf(stderr, "exec ssh: %s\r\n", strerror(errno));
		_exit(127);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	c = h_client_new("openssh", cols, rows);
	c->openssh = 1;
	c->pid = pid;
	c->fd = fd;
	TAILQ_INSERT_TAIL(&h_clients, c, entry);
	return c;
}

/* A command (NULL-terminated argv) in a pty of cols x rows, run in dir
 * with HOME (unchanged if NULL) and TERM=xterm-256color: read as a client
 * (the pty's output feeds its screen, h_send types into it). */
struct h_client *
h_pty_run(const char *dir, const char *home, int cols, int rows, ...)
{
	struct h_client *c;
	struct winsize ws;
	const char *argv[16], *arg;
	va_list ap;
	int fd, argc = 0;
	pid_t pid;

	va_start(ap, rows);
	while ((arg = va_arg(ap, const char *)) != NULL) {
		if (argc == (int)(sizeof argv / sizeof argv[0]) - 1)
			fail_msg("h_pty_run: too many arguments");
		argv[argc++] = arg;
	}
	va_end(ap);
	argv[argc] = NULL;
	memset(&ws, 0, sizeof ws);
	ws.ws_col = cols;
	ws.ws_row = rows;
	fflush(NULL);
	if ((pid = forkpty(&fd, NULL, NULL, &ws)) == -1)
		fail_msg("forkpty: %s", strerror(errno));
	if (pid == 0) {
		if (dir != NULL && chdir(dir) != 0)
			_exit(126);
		setenv("TERM", "xterm-256color", 1);
		if (home != NULL)
			setenv("HOME", home, 1);
		unsetenv("SSH_AUTH_SOCK");
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\r\n", argv[0], strerror(errno));
		_exit(127);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	c = h_client_new("pty", cols, rows);
	c->openssh = 1;
	c->pid = pid;
	c->fd = fd;
	TAILQ_INSERT_TAIL(&h_clients, c, entry);
	return c;
}

/* Reap an OpenSSH client if it has exited (or wait for it). */
static void
h_client_reap(struct h_client *c, int block)
{
	int status;
	pid_t r;

	if (c->pid <= 0)
		return;
	r = waitpid(c->pid, &status, block ? 0 : WNOHANG);
	if (r != c->pid)
		return;
	if (WIFEXITED(status))
		c->status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		c->status = 128 + WTERMSIG(status);
	c->status_known = 1;
	c->pid = 0;
}

void
h_client_close(struct h_client *c)
{
	if (c->openssh) {
		if (c->pid > 0) {
			kill(c->pid, SIGKILL);
			h_client_reap(c, 1);
		}
		if (c->fd != -1)
			close(c->fd);
	} else {
		if (c->channel != NULL) {
			if (!c->closed)
				ssh_channel_close(c->channel);
			ssh_channel_free(c->channel);
		}
		ssh_disconnect(c->session);
		ssh_free(c->session);
	}
	vterm_free(c->vt);
	TAILQ_REMOVE(&h_clients, c, entry);
	free(c->label);
	free(c->err);
	free(c);
}

pid_t
h_client_pid(struct h_client *c)
{
	return c->pid;
}

void
h_client_freeze(struct h_client *c, int frozen)
{
	c->frozen = frozen;
}

size_t
h_client_bytes(struct h_client *c)
{
	return c->bytes;
}

const char *
h_client_stderr(struct h_client *c)
{
	return c->err != NULL ? c->err : "";
}

int
h_client_closed(struct h_client *c)
{
	h_pump_all(0);
	return c->closed;
}

int
h_client_exit_status(struct h_client *c)
{
	if (!c->closed)
		return -1;
	if (!c->status_known) {
		if (c->openssh)
			h_client_reap(c, 1);
		else {
			c->status = ssh_channel_get_exit_status(c->channel);
			c->status_known = 1;
		}
	}
	return c->status;
}

static void
h_client_feed(struct h_client *c, const char *buf, size_t len)
{
	c->bytes += len;
	vterm_input_write(c->vt, buf, len);
}

/* Read what one client has without blocking. */
static void
h_client_pump(struct h_client *c)
{
	char buf[16384];
	ssize_t n;
	int r;

	if (c->closed || c->frozen)
		return;
	if (c->openssh) {
		for (;;) {
			n = read(c->fd, buf, sizeof buf);
			if (n > 0) {
				h_client_feed(c, buf, n);
				continue;
			}
			if (n == -1 && (errno == EAGAIN || errno == EINTR))
				break;
			c->closed = 1; /* EOF, or EIO once ssh is gone */
			h_client_reap(c, 0);
			break;
		}
		return;
	}
	for (;;) {
		r = ssh_channel_read_nonblocking(
		    c->channel, buf, sizeof buf, 1);
		if (r <= 0)
			break;
		c->err = xrealloc(c->err, c->errlen + r + 1);
		memcpy(c->err + c->errlen, buf, r);
		c->errlen += r;
		c->err[c->errlen] = '\0';
	}
	for (;;) {
		r = ssh_channel_read_nonblocking(
		    c->channel, buf, sizeof buf, 0);
		if (r > 0) {
			h_client_feed(c, buf, r);
			continue;
		}
		if (r == SSH_EOF || r == SSH_ERROR ||
		    ssh_channel_is_closed(c->channel))
			c->closed = 1;
		break;
	}
}

/*
 * Read what every live, unfrozen client has, for up to ms; with early set,
 * return as soon as something has been read.
 */
static void
h_pump(int ms, int early)
{
	struct pollfd pfd[64];
	struct h_client *c;
	long long deadline = h_now_ms() + ms;
	size_t before = 0, after;
	int n, left;

	for (c = TAILQ_FIRST(&h_clients); c != NULL; c = TAILQ_NEXT(c, entry))
		before += c->bytes;
	for (;;) {
		n = 0;
		after = 0;
		for (c = TAILQ_FIRST(&h_clients); c != NULL;
		     c = TAILQ_NEXT(c, entry)) {
			h_client_pump(c);
			after += c->bytes;
			if (c->closed || c->frozen || n == 64)
				continue;
			pfd[n].fd = c->openssh ? c->fd : ssh_get_fd(c->session);
			pfd[n].events = POLLIN;
			n++;
		}
		if (early && after != before)
			break;
		left = (int)(deadline - h_now_ms());
		if (left <= 0)
			break;
		/* Short slices: libssh may hold data it has already read. */
		poll(pfd, n, left < 10 ? left : 10);
	}
}

void
h_pump_all(int ms)
{
	h_pump(ms, 0);
}

void
h_mouse(struct h_client *c, unsigned b, unsigned x, unsigned y, char final)
{
	char buf[64];
	int n;

	n = snprintf(
	    buf, sizeof buf, "\033[<%u;%u;%u%c", b, x + 1, y + 1, final);
	h_send_bytes(c, buf, (size_t)n);
}

void
h_send_bytes(struct h_client *c, const void *data, size_t len)
{
	const char *p = data;
	long long deadline;
	ssize_t n;
	int r;

	if (c->closed)
		return;
	if (!c->openssh) {
		while (len > 0) {
			r = ssh_channel_write(c->channel, p, len);
			if (r <= 0)
				return;
			p += r;
			len -= r;
		}
		return;
	}
	deadline = h_now_ms() + 5000;
	while (len > 0) {
		n = write(c->fd, p, len);
		if (n > 0) {
			p += n;
			len -= n;
			continue;
		}
		if (n == -1 && errno != EAGAIN && errno != EINTR)
			return;
		if (h_now_ms() > deadline)
			fail_msg("%s: cannot write to the pty", c->label);
		h_pump_all(10);
	}
}

void
h_send(struct h_client *c, const char *s)
{
	h_send_bytes(c, s, strlen(s));
}

void
h_key(struct h_client *c, const char *name)
{
	static const struct {
		const char *name;
		VTermKey key;
	} keys[] = {
	    {"Up", VTERM_KEY_UP},
	    {"Down", VTERM_KEY_DOWN},
	    {"Left", VTERM_KEY_LEFT},
	    {"Right", VTERM_KEY_RIGHT},
	    {"Home", VTERM_KEY_HOME},
	    {"End", VTERM_KEY_END},
	    {"PageUp", VTERM_KEY_PAGEUP},
	    {"PageDown", VTERM_KEY_PAGEDOWN},
	    {"BSpace", VTERM_KEY_BACKSPACE},
	    {"Delete", VTERM_KEY_DEL},
	    {"Enter", VTERM_KEY_ENTER},
	    {"Tab", VTERM_KEY_TAB},
	    {"Escape", VTERM_KEY_ESCAPE},
	};
	char ch;
	size_t i;

	if (name[0] == 'C' && name[1] == '-' && name[2] != '\0' &&
	    name[3] == '\0') {
		ch = name[2] & 0x1f;
		h_send_bytes(c, &ch, 1);
		return;
	}
	/*
	 * libvterm encodes the key as xterm would in the terminal's current
	 * modes (cursor keys mode, keypad mode) and hands it to
	 * h_vterm_output in pieces; a terminal writes a key at once, so the
	 * pieces are gathered and sent in one packet.
	 */
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(keys[i].name, name) == 0) {
			c->keying = 1;
			c->keylen = 0;
			vterm_keyboard_key(c->vt, keys[i].key, VTERM_MOD_NONE);
			c->keying = 0;
			h_send_bytes(c, c->key, c->keylen);
			return;
		}
	}
	fail_msg("h_key: unknown key %s", name);
}

void
h_resize(struct h_client *c, int cols, int rows)
{
	h_resize_pty(c, cols, rows, cols, rows);
}

void
h_resize_pty(struct h_client *c, int cols, int rows, int pty_cols, int pty_rows)
{
	struct winsize ws;

	c->cols = cols;
	c->rows = rows;
	vterm_set_size(c->vt, rows, cols);
	if (c->openssh) {
		memset(&ws, 0, sizeof ws);
		ws.ws_col = pty_cols;
		ws.ws_row = pty_rows;
		if (ioctl(c->fd, TIOCSWINSZ, &ws) != 0)
			fail_msg("TIOCSWINSZ: %s", strerror(errno));
	} else if (ssh_channel_change_pty_size(
	               c->channel, pty_cols, pty_rows) != SSH_OK)
		fail_msg("%s: window change failed", c->label);
}

int
h_mouse_mode(struct h_client *c)
{
	return c->mouse;
}

int
h_cols(struct h_client *c)
{
	return c->cols;
}

int
h_rows(struct h_client *c)
{
	return c->rows;
}

int
h_status_row(struct h_client *c)
{
	return c->rows - 2;
}

int
h_presence_row(struct h_client *c)
{
	return c->rows - 1;
}

/* Append one code point as UTF-8. */
static size_t
h_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | (cp >> 6);
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | (cp >> 12);
		out[1] = 0x80 | ((cp >> 6) & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | ((cp >> 18) & 0x07);
	out[1] = 0x80 | ((cp >> 12) & 0x3f);
	out[2] = 0x80 | ((cp >> 6) & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/* One row as UTF-8, trailing spaces trimmed; the caller frees it. */
static char *
h_row_text(struct h_client *c, int y)
{
	VTermScreenCell cell;
	VTermPos pos;
	char *s, *p;
	int x, i;

	s = xmalloc((size_t)c->cols * VTERM_MAX_CHARS_PER_CELL * 4 + 1);
	p = s;
	if (y < 0 || y >= c->rows) {
		*s = '\0';
		return s;
	}
	for (x = 0; x < c->cols;) {
		pos.row = y;
		pos.col = x;
		if (!vterm_screen_get_cell(c->screen, pos, &cell)) {
			x++;
			continue;
		}
		if (cell.chars[0] == 0 || cell.chars[0] == (uint32_t)-1)
			*p++ = ' ';
		else {
			for (i = 0;
			     i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i] != 0;
			     i++)
				p += h_utf8(p, cell.chars[i]);
		}
		x += cell.width > 0 ? cell.width : 1;
	}
	while (p > s && p[-1] == ' ')
		p--;
	*p = '\0';
	return s;
}

const char *
h_row(struct h_client *c, int y)
{
	return h_keep(h_row_text(c, y));
}

const char *
h_screen(struct h_client *c)
{
	char *s = NULL, *row;
	size_t len = 0, n;
	int y;

	for (y = 0; y < c->rows; y++) {
		row = h_row_text(c, y);
		n = strlen(row);
		s = xrealloc(s, len + n + 2);
		memcpy(s + len, row, n);
		len += n;
		s[len++] = '\n';
		s[len] = '\0';
		free(row);
	}
	if (s == NULL)
		s = xstrdup("");
	return h_keep(s);
}

void
h_cursor(struct h_client *c, int *x, int *y)
{
	VTermPos pos;

	vterm_state_get_cursorpos(vterm_obtain_state(c->vt), &pos);
	*x = pos.col;
	*y = pos.row;
}

void
h_cell(struct h_client *c, int x, int y, struct h_cell *info)
{
	VTermScreenCell cell;
	VTermPos pos;
	size_t n = 0;
	int i;

	memset(info, 0, sizeof *info);
	info->fg = info->bg = -1;
	pos.row = y;
	pos.col = x;
	if (!vterm_screen_get_cell(c->screen, pos, &cell))
		return;
	info->ch = cell.chars[0] == (uint32_t)-1 ? 0 : cell.chars[0];
	for (i = 0; i < VTERM_MAX_CHARS_PER_CELL && info->ch != 0 &&
	            cell.chars[i] != 0 && n + 4 < sizeof info->text;
	     i++)
		n += h_utf8(info->text + n, cell.chars[i]);
	info->text[n] = '\0';
	info->width = cell.width;
	info->fg_default = VTERM_COLOR_IS_DEFAULT_FG(&cell.fg);
	info->bg_default = VTERM_COLOR_IS_DEFAULT_BG(&cell.bg);
	if (!info->fg_default && VTERM_COLOR_IS_INDEXED(&cell.fg))
		info->fg = cell.fg.indexed.idx;
	if (!info->bg_default && VTERM_COLOR_IS_INDEXED(&cell.bg))
		info->bg = cell.bg.indexed.idx;
	info->reverse = cell.attrs.reverse;
	info->bold = cell.attrs.bold;
}

void
h_dump(struct h_client *c)
{
	int x, y, y0;
	char *row;

	h_cursor(c, &x, &y0);
	fprintf(stderr, "--- screen of %s (%dx%d, cursor %d,%d%s) ---\n",
	    c->label, c->cols, c->rows, x, y0, c->closed ? ", closed" : "");
	for (y = 0; y < c->rows; y++) {
		row = h_row_text(c, y);
		fprintf(stderr, "%2d|%s\n", y, row);
		free(row);
	}
	if (c->errlen != 0)
		fprintf(stderr, "stderr: %s\n", c->err);
	fprintf(stderr, "--- end of screen ---\n");
}

int
h_until(struct h_client *c, int (*pred)(struct h_client *, void *), void *arg,
    int ms)
{
	long long deadline = h_now_ms() + ms;

	for (;;) {
		h_pump_all(0);
		if (pred(c, arg))
			return 1;
		if (h_now_ms() >= deadline)
			return 0;
		h_pump(10, 1);
	}
}

void
h_wait_pred_at(struct h_client *c, int (*pred)(struct h_client *, void *),
    void *arg, const char *what, int ms, const char *file, int line)
{
	if (!h_until(c, pred, arg, ms))
		h_fail_at(file, line,
		    "%s: timed out after %d ms waiting for %s", c->label, ms,
		    what);
}

static int
h_has(struct h_client *c, void *arg)
{
	return strstr(h_screen(c), arg) != NULL;
}

static int
h_lacks(struct h_client *c, void *arg)
{
	return strstr(h_screen(c), arg) == NULL;
}

static int
h_row_is(struct h_client *c, void *arg)
{
	struct h_rowtext *rt = arg;

	return strcmp(h_row(c, rt->y), rt->text) == 0;
}

static int
h_is_closed(struct h_client *c, void *arg)
{
	return c->closed;
}

void
h_wait_at(struct h_client *c, const char *s, int ms, const char *file, int line)
{
	if (!h_until(c, h_has, (void *)s, ms))
		h_fail_at(file, line,
		    "%s: timed out after %d ms waiting for "
		    "the screen to contain \"%s\"",
		    c->label, ms, s);
}

void
h_wait_gone_at(
    struct h_client *c, const char *s, int ms, const char *file, int line)
{
	if (!h_until(c, h_lacks, (void *)s, ms))
		h_fail_at(file, line,
		    "%s: timed out after %d ms waiting for "
		    "\"%s\" to leave the screen",
		    c->label, ms, s);
}

void
h_wait_row_at(struct h_client *c, int y, const char *s, int ms,
    const char *file, int line)
{
	struct h_rowtext rt;

	rt.y = y;
	rt.text = s;
	if (!h_until(c, h_row_is, &rt, ms))
		h_fail_at(file, line,
		    "%s: timed out after %d ms waiting for "
		    "row %d to be \"%s\" (it is \"%s\")",
		    c->label, ms, y, s, h_row(c, y));
}

void
h_wait_closed_at(struct h_client *c, int ms, const char *file, int line)
{
	if (!h_until(c, h_is_closed, NULL, ms))
		h_fail_at(file, line,
		    "%s: timed out after %d ms waiting for "
		    "the session to end",
		    c->label, ms);
}

int
h_column_of(struct h_client *c, int y, const char *s)
{
	const char *row = h_row(c, y), *p;

	if ((p = strstr(row, s)) == NULL)
		return -1;
	return (int)(p - row);
}

char *
h_squeeze(const char *s)
{
	char *out, *p;

	out = p = xmalloc(strlen(s) + 1);
	while (*s == ' ')
		s++;
	for (; *s != '\0'; s++) {
		if (*s == ' ' && p > out && p[-1] == ' ')
			continue;
		*p++ = *s;
	}
	*p = '\0';
	return out;
}

int
h_has_status(struct h_client *c, void *arg)
{
	struct h_rowtext *rt = arg;
	char *row, *want;
	size_t n;
	int ok;

	row = h_squeeze(h_row(c, rt->y));
	want = h_squeeze(rt->text);
	n = strlen(want);
	ok = strncmp(row, want, n) == 0 && (row[n] == '\0' || row[n] == ' ');
	free(row);
	free(want);
	return ok;
}

int
h_row_has(struct h_client *c, void *arg)
{
	struct h_rowtext *rt = arg;

	return strstr(h_row(c, rt->y), rt->text) != NULL;
}

int
h_row_lacks(struct h_client *c, void *arg)
{
	return !h_row_has(c, arg);
}

void
h_wait_row_pred_at(struct h_client *c, int (*pred)(struct h_client *, void *),
    int y, const char *text, const char *verb, int ms, const char *file,
    int line)
{
	struct h_rowtext rt;
	char *what;

	rt.y = y;
	rt.text = text;
	xasprintf(&what, "row %d %s \"%s\"", y, verb, text);
	h_wait_pred_at(c, pred, &rt, what, ms, file, line);
	free(what);
}

static void
h_ssh_close(ssh_session s)
{
	ssh_disconnect(s);
	ssh_free(s);
}

int
h_try_key(int port, const char *keyfile, const char *user)
{
	ssh_session s;
	ssh_key key = NULL;
	int rc;

	s = h_ssh_open(port, user);
	if (ssh_pki_import_privkey_file(keyfile, NULL, NULL, NULL, &key) !=
	    SSH_OK)
		fail_msg("cannot read key %s", keyfile);
	rc = ssh_userauth_publickey(s, NULL, key);
	ssh_key_free(key);
	h_ssh_close(s);
	return rc;
}

int
h_try_password(
    int port, const char *user, const char *password, int *methods, int *kbdint)
{
	ssh_session s;
	int rc;

	s = h_ssh_open(port, user);
	rc = ssh_userauth_none(s, NULL);
	if (rc == SSH_AUTH_SUCCESS) {
		h_ssh_close(s);
		*methods = 0;
		*kbdint = SSH_AUTH_SUCCESS;
		return SSH_AUTH_SUCCESS; /* "none" let us in: worse still */
	}
	*methods = ssh_userauth_list(s, NULL);
	rc = ssh_userauth_password(s, NULL, password);
	if (rc != SSH_AUTH_SUCCESS && rc != SSH_AUTH_ERROR)
		*kbdint = ssh_userauth_kbdint(s, NULL, NULL);
	else
		*kbdint = SSH_AUTH_DENIED;
	h_ssh_close(s);
	return rc;
}

/* Open an authenticated session channel and make one request. */
static int
h_try_request(int port, const char *keyfile, const char *what, const char *arg,
    char **err, int *status)
{
	ssh_session s;
	ssh_channel ch;
	ssh_key key = NULL;
	char buf[4096], *out = NULL;
	size_t len = 0;
	long long deadline;
	int rc, r, done = 0;

	*err = NULL;
	*status = -1;
	s = h_ssh_open(port, "test");
	if (ssh_pki_import_privkey_file(keyfile, NULL, NULL, NULL, &key) !=
	    SSH_OK)
		fail_msg("cannot read key %s", keyfile);
	rc = ssh_userauth_publickey(s, NULL, key);
	ssh_key_free(key);
	if (rc != SSH_AUTH_SUCCESS)
		fail_msg(
		    "authentication failed (%d): %s", rc, ssh_get_error(s));
	if ((ch = ssh_channel_new(s)) == NULL ||
	    ssh_channel_open_session(ch) != SSH_OK)
		fail_msg("cannot open a session channel: %s", ssh_get_error(s));
	if (strcmp(what, "exec") == 0)
		rc = ssh_channel_request_exec(ch, arg);
	else
		rc = ssh_channel_request_subsystem(ch, arg);
	if (rc != SSH_OK) {
		ssh_channel_free(ch);
		h_ssh_close(s);
		return -1;
	}
	out = xstrdup("");
	deadline = h_now_ms() + 5000;
	while (!done && h_now_ms() < deadline) {
		r = ssh_channel_read_timeout(ch, buf, sizeof buf, 1, 50);
		if (r > 0) {
			out = xrealloc(out, len + r + 1);
			memcpy(out + len, buf, r);
			len += r;
			out[len] = '\0';
			continue;
		}
		/* Drain stdout too so the channel can reach EOF. */
		r = ssh_channel_read_timeout(ch, buf, sizeof buf, 0, 50);
		if (r == SSH_EOF || r == SSH_ERROR || ssh_channel_is_eof(ch) ||
		    ssh_channel_is_closed(ch))
			done = 1;
	}
	while ((r = ssh_channel_read_nonblocking(ch, buf, sizeof buf, 1)) > 0) {
		out = xrealloc(out, len + r + 1);
		memcpy(out + len, buf, r);
		len += r;
		out[len] = '\0';
	}
	*status = ssh_channel_get_exit_status(ch);
	*err = out;
	ssh_channel_close(ch);
	ssh_channel_free(ch);
	h_ssh_close(s);
	return 0;
}

int
h_try_exec(
    int port, const char *keyfile, const char *cmd, char **err, int *status)
{
	return h_try_request(port, keyfile, "exec", cmd, err, status);
}

int
h_try_subsystem(
    int port, const char *keyfile, const char *name, char **err, int *status)
{
	return h_try_request(port, keyfile, "subsystem", name, err, status);
}

int
h_try_forward(int port, const char *keyfile)
{
	ssh_session s;
	ssh_channel ch;
	ssh_key key = NULL;
	int rc;

	s = h_ssh_open(port, "test");
	if (ssh_pki_import_privkey_file(keyfile, NULL, NULL, NULL, &key) !=
	    SSH_OK)
		fail_msg("cannot read key %s", keyfile);
	rc = ssh_userauth_publickey(s, NULL, key);
	ssh_key_free(key);
	if (rc != SSH_AUTH_SUCCESS)
		fail_msg(
		    "authentication failed (%d): %s", rc, ssh_get_error(s));
	if ((ch = ssh_channel_new(s)) == NULL)
		fail_msg("ssh_channel_new failed");
	rc =
	    ssh_channel_open_forward(ch, "127.0.0.1", port, "127.0.0.1", 40000);
	ssh_channel_free(ch);
	h_ssh_close(s);
	return rc == SSH_OK ? 0 : -1;
}

void
h_palette(struct h_client *c, const char *line, int ms)
{
	char *want;

	h_key(c, "C-p");
	h_wait_row(c, 0, "Command:", ms);
	h_send(c, line);
	xasprintf(&want, "Command: %s", line);
	h_wait_row(c, 0, want, ms);
	free(want);
	h_key(c, "Enter");
	h_wait_row_lacks(c, 0, "Command:", ms);
}

void
h_open(struct h_client *c, const char *path, int ms)
{
	char *want;

	h_key(c, "C-o");
	h_wait_row(c, 0, "Open:", ms);
	h_send(c, path);
	xasprintf(&want, "Open: %s", path);
	h_wait_row(c, 0, want, ms);
	free(want);
	h_key(c, "Enter");
}

void
h_close_picker(struct h_client *c, int ms)
{
	h_pump_all(200);
	if (strncmp(h_row(c, 0), "Open:", 5) == 0)
		h_key(c, "Escape");
	h_wait_gone(c, "Open:", ms);
}

char *
h_sh(const char *dir, const char *cmd)
{
	char *out;
	size_t n;
	int status;

	status = h_run_capture(dir, NULL, &out, "sh", "-c", cmd, NULL);
	if (status != 0)
		fail_msg("`%s` in %s exited %d:\n%s", cmd, dir, status, out);
	n = strlen(out);
	while (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	return out;
}

long long
h_journal_int(const char *repo, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *path;
	long long v;

	xasprintf(&path, "%s/.git/moot/journal.db", repo);
	assert_int_equal(
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return v;
}

int
h_control_as(const char *path, uid_t uid, gid_t gid, const char *request,
    int once, char *reply, size_t size)
{
	struct sockaddr_un sun;
	size_t len = 0;
	int p[2], fd, status;
	ssize_t n;
	pid_t pid;

	if (pipe(p) != 0)
		fail_msg("pipe: %s", strerror(errno));
	if ((pid = fork()) == 0) {
		close(p[0]);
		if (setgid(gid) != 0 || setuid(uid) != 0)
			_exit(2);
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0)
			_exit(3);
		/* The daemon may have refused it already: no matter. */
		(void)!send(fd, request, strlen(request), MSG_NOSIGNAL);
		while ((n = read(fd, reply, size - 1)) > 0) {
			if (write(p[1], reply, n) != n)
				_exit(5);
			if (once)
				break;
		}
		_exit(0);
	}
	close(p[1]);
	while (
	    len < size - 1 && (n = read(p[0], reply + len, size - 1 - len)) > 0)
		len += n;
	reply[len] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
