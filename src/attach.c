/* attach.c: `moot attach`, `moot` alone, `moot --demo` and `moot
 * kill-session`: the terminal of the person at the machine, on the unix socket.
 */
#include "moot.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "bytes.h"
#include "control.h"
#include "inert.h"
#include "loop.h"
#include "relay.h"
#include "repo.h"

/*
 * The client holds the person's terminal alone: it puts it in raw mode,
 * relays its bytes to the local frontend the daemon starts (relay.c's
 * frames: TERM and the window size first, then typed bytes and new
 * sizes; terminal output and one END back) and puts the terminal back on
 * every way out (the end, a signal, a fatal error). The terminal's
 * descriptor is never passed to the daemon or the frontend: a sandboxed
 * process that could reach it could push input into it (TIOCSTI).
 */
static struct termios attach_saved;
static int attach_raw;
static int attach_sigpipe[2] = {-1, -1};

static void
attach_restore(void)
{
	if (attach_raw) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &attach_saved);
		attach_raw = 0;
	}
}

static void
attach_on_signal(int sig)
{
	unsigned char c = sig;
	int saved = errno;

	if (write(attach_sigpipe[1], &c, 1) == -1) {
		/* the pipe is full: the signal is pending already */
	}
	errno = saved;
}

static void
attach_signals(void)
{
	static const int sigs[] = {SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT};
	struct sigaction sa;
	size_t i;

	if (pipe2(attach_sigpipe, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = attach_on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* The terminal's size (80x24 if it cannot say). */
static void
attach_size(unsigned *cols, unsigned *rows)
{
	struct winsize ws;

	*cols = 80;
	*rows = 24;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 &&
	    ws.ws_row > 0) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
	}
}

/* The directory a repository is shown as: its working tree, no slash. */
static char *
attach_shown(const struct repo *r)
{
	char *s = xstrdup(r->workdir);
	size_t len = strlen(s);

	if (len > 1 && s[len - 1] == '/')
		s[len - 1] = '\0';
	return s;
}

/*
 * Ask the session for a local frontend: the request "attach", then one
 * line back ("ok", or "error" and why) read a byte at a time, so that
 * nothing of the frontend's is read here. The connection, or -1 (said).
 */
static int
attach_connect(const struct repo *r, const char *cmd)
{
	char line[256], *err, *safe;
	size_t len = 0;
	ssize_t n;
	int fd, errline = 0;

	if ((fd = control_connect(r->state, &err)) == -1) {
		fprintf(stderr, "moot %s: %s\n", cmd, err);
		free(err);
		return -1;
	}
	if (compat_write_all(fd, "attach\n", 7) == -1)
		goto bad;
	for (;;) {
		n = read(fd, line + len, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			goto bad;
		if (line[len] == '\n') {
			line[len] = '\0';
			if (!errline && strcmp(line, "ok") == 0)
				return fd;
			if (errline || strcmp(line, "error") != 0)
				break;
			errline = 1;
			len = 0;
			continue;
		}
		if (++len == sizeof line - 1)
			break;
	}
	line[len] = '\0';
	safe = inert_cli(line);
	fprintf(stderr, "moot %s: the session refused: %s\n", cmd, safe);
	free(safe);
	close(fd);
	return -1;
bad:
	fprintf(stderr, "moot %s: the session did not answer\n", cmd);
	close(fd);
	return -1;
}

/* How an attach ended. */
struct attach_end {
	int ended;  /* an END frame came */
	int status; /* its status */
	char *why;  /* its words ("": detached), or why the connection went */
	char *own;  /* why the client left by itself (a signal), or NULL */
};

/* Every whole frame from the frontend: output to the terminal, the END.
 * -1 on a bad frame or a terminal that cannot be written. */
static int
attach_frames(struct bytes *in, struct attach_end *end)
{
	struct relay_frame f;
	const char *err;
	size_t used;
	int rc;

	while (!end->ended && (rc = relay_get(bytes_ptr(in), bytes_len(in), &f,
	                           &used, &err)) == 1) {
		if (f.type == RELAY_DATA) {
			if (compat_write_all(STDOUT_FILENO, f.data, f.len) ==
			    -1)
				return -1;
		} else if (f.type == RELAY_END && f.len >= 1) {
			end->ended = 1;
			end->status = f.data[0];
			end->why =
			    xstrndup((const char *)f.data + 1, f.len - 1);
		}
		bytes_drain(in, used);
	}
	if (!end->ended && rc == -1) {
		xasprintf(
		    &end->why, "moot: bad frame from the session: %s", err);
		return -1;
	}
	return 0;
}

/*
 * Relay until the frontend ends, the connection goes, or the client must
 * leave (a signal, the terminal gone): then it stops sending, shuts its
 * side and waits up to ATTACH_LEAVE_MS for the frontend to put the
 * terminal back (its last output and END).
 */
static void
attach_relay(int fd, struct attach_end *end)
{
	struct pollfd pfd[3];
	struct bytes in, out;
	unsigned char sigs[16], buf[4096];
	unsigned cols, rows;
	const char *term = getenv("TERM");
	uint64_t until = 0, now;
	uint8_t *p;
	ssize_t n, i;
	int leaving = 0, ms = -1;

	bytes_init(&in);
	bytes_init(&out);
	if (term == NULL || *term == '\0' || strlen(term) > RELAY_TERM_MAX)
		term = "dumb";
	relay_put(&out, RELAY_TERM, term, strlen(term));
	attach_size(&cols, &rows);
	relay_put_size(&out, cols, rows);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

	while (!end->ended) {
		if (end->own != NULL && !leaving) {
			leaving = 1;
			shutdown(fd, SHUT_WR);
			until = loop_now() + ATTACH_LEAVE_MS;
		}
		if (leaving) {
			if ((now = loop_now()) >= until)
				break;
			ms = (int)(until - now);
		}
		pfd[0].fd = !leaving && bytes_len(&out) < ATTACH_OUT_MAX
		                ? STDIN_FILENO
		                : -1;
		pfd[0].events = POLLIN;
		pfd[1].fd = fd;
		pfd[1].events =
		    POLLIN | (!leaving && bytes_len(&out) > 0 ? POLLOUT : 0);
		pfd[2].fd = attach_sigpipe[0];
		pfd[2].events = POLLIN;
		if (poll(pfd, 3, ms) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (pfd[2].revents != 0) {
			n = read(attach_sigpipe[0], sigs, sizeof sigs);
			for (i = 0; i < n; i++) {
				if (sigs[i] == SIGWINCH) {
					attach_size(&cols, &rows);
					relay_put_size(&out, cols, rows);
				} else if (end->own == NULL)
					xasprintf(&end->own,
					    "moot: signal %d: left the session "
					    "(it goes on)",
					    sigs[i]);
			}
		}
		if (pfd[0].fd != -1 && pfd[0].revents != 0) {
			n = read(STDIN_FILENO, buf, sizeof buf);
			if (n == 0 ||
			    (n == -1 && errno != EINTR && errno != EAGAIN))
				xasprintf(&end->own, "moot: the terminal is "
				                     "gone");
			else if (n > 0)
				relay_put_data(&out, buf, n);
		}
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			p = bytes_reserve(&in, 65536);
			n = read(fd, p, 65536);
			if (n == 0 ||
			    (n == -1 && errno != EINTR && errno != EAGAIN)) {
				if (end->why == NULL)
					xasprintf(&end->why,
					    "moot: the session has ended");
				end->status = 1;
				break;
			}
			if (n > 0) {
				bytes_commit(&in, n);
				if (attach_frames(&in, end) == -1)
					break;
			}
		}
		if (!leaving && bytes_len(&out) > 0 &&
		    (pfd[1].revents & POLLOUT)) {
			n = write(fd, bytes_ptr(&out), bytes_len(&out));
			if (n > 0)
				bytes_drain(&out, n);
		}
	}
	bytes_free(&in);
	bytes_free(&out);
}

/* Attach this terminal to the session of r. Its exit status. */
static int
attach_run(const struct repo *r, const char *cmd, int demo)
{
	struct attach_end end;
	struct termios raw;
	char *shown, *safe;
	int fd;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "moot %s: not a terminal\n", cmd);
		return 1;
	}
	if ((fd = attach_connect(r, cmd)) == -1)
		return 1;
	attach_signals();
	if (tcgetattr(STDIN_FILENO, &attach_saved) == -1)
		fatal("tcgetattr");
	raw = attach_saved;
	cfmakeraw(&raw);
	atexit(attach_restore);
	attach_raw = 1;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == -1)
		fatal("tcsetattr");

	memset(&end, 0, sizeof end);
	attach_relay(fd, &end);
	close(fd);
	attach_restore();

	shown = attach_shown(r);
	safe = inert_cli(shown);
	if (end.own != NULL) {
		printf("%s\n", end.own);
		end.status = 1;
	} else if (end.ended && *end.why == '\0') {
		printf("[detached from session in %s]\n", safe);
		if (demo)
			printf("attach again: moot attach -C %s\n"
			       "end it:       moot kill-session -C %s\n",
			    safe, safe);
		end.status = 0;
	} else {
		free(shown);
		shown = inert_cli(end.why != NULL ? end.why : "");
		printf("%s\n", shown);
	}
	fflush(stdout);
	free(safe);
	free(shown);
	free(end.why);
	free(end.own);
	return end.status;
}

/* -C DIR and --listen for the subcommands here; -1 on a bad option, 1 on
 * --help. */
static int
attach_options(int argc, char **argv, const char *cmd, int start,
    const char **dir, const char **listen, int *demo)
{
	static const struct option longopts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"demo", no_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	static const struct option none[] = {
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int ch;

	optind = 1;
	while ((ch = getopt_long(
	            argc, argv, "+C:", start ? longopts : none, NULL)) != -1) {
		switch (ch) {
		case 'C':
			*dir = optarg;
			break;
		case 'l':
			*listen = optarg;
			break;
		case 'd':
			*demo = 1;
			break;
		case 'h':
			return 1;
		default:
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "moot %s: unexpected argument\n", cmd);
		return -1;
	}
	return 0;
}

int
attach_main(int argc, char **argv)
{
	const char *dir = ".", *listen = NULL;
	struct repo *r;
	char *err;
	int demo = 0, rc;

	if ((rc = attach_options(
	         argc, argv, "attach", 0, &dir, &listen, &demo)) != 0) {
		fprintf(rc == 1 ? stdout : stderr,
		    "usage: moot attach [-C DIR]\n"
		    "\n"
		    "Attach this terminal to the running session of the "
		    "repository\ncontaining DIR (default: the current "
		    "directory), as its host.\nCtrl-Q detaches; the session "
		    "goes on.\n");
		return rc == 1 ? 0 : 2;
	}
	if ((r = repo_open(dir, &err)) == NULL) {
		fprintf(stderr, "moot attach: %s\n", err);
		free(err);
		return 1;
	}
	rc = attach_run(r, "attach", 0);
	repo_free(r);
	return rc;
}

/* Whether the session of r answers on its control socket. */
static int
attach_running(const struct repo *r)
{
	char *err;
	int fd;

	if ((fd = control_connect(r->state, &err)) == -1) {
		free(err);
		return 0;
	}
	close(fd);
	return 1;
}

/*
 * Start `moot serve -C ROOT` in the background: its own session (setsid),
 * no terminal, its output to .git/moot/daemon.log (mode 0600); wait until
 * its control socket answers. 0, or -1 (said).
 */
static int
attach_start(const struct repo *r, const char *root, const char *listen)
{
	char *log, *argv[7];
	struct timespec ts = {0, 50 * 1000 * 1000};
	int fd, null, argc = 0, status;
	unsigned waited;
	pid_t pid;

	xasprintf(&log, "%s%s", r->state, ATTACH_LOG);
	if ((fd = open(log,
	         O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
	         0600)) == -1) {
		fprintf(
		    stderr, "moot: cannot open %s: %s\n", log, strerror(errno));
		free(log);
		return -1;
	}
	fchmod(fd, 0600);
	argv[argc++] = "moot";
	argv[argc++] = "serve";
	argv[argc++] = "-C";
	argv[argc++] = (char *)root;
	if (listen != NULL) {
		argv[argc++] = "--listen";
		argv[argc++] = (char *)listen;
	}
	argv[argc] = NULL;
	fflush(NULL);
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		setsid();
		if ((null = open("/dev/null", O_RDONLY)) != -1)
			dup2(null, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		/* Nothing of the client's (its terminal least of all). */
		compat_closefrom(STDERR_FILENO + 1);
		execv("/proc/self/exe", argv);
		dprintf(STDERR_FILENO, "moot: cannot start moot serve: %s\n",
		    strerror(errno));
		_exit(127);
	}
	close(fd);
	for (waited = 0; waited < ATTACH_START_MS; waited += 50) {
		if (attach_running(r)) {
			free(log);
			return 0;
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "moot: the session did not start; see %s\n", log);
	free(log);
	return -1;
}

int
attach_start_main(int argc, char **argv)
{
	const char *dir = ".", *listen = NULL;
	struct repo *r;
	char *err, *root = NULL;
	int demo = 0, rc;

	if ((rc = attach_options(argc, argv, "", 1, &dir, &listen, &demo)) !=
	    0) {
		fprintf(rc == 1 ? stdout : stderr,
		    "usage: moot [-C DIR] [--listen ADDR:PORT]\n"
		    "       moot --demo [--listen ADDR:PORT]\n");
		return rc == 1 ? 0 : 2;
	}
	if (demo) {
		if ((root = demo_create(&err)) == NULL) {
			fprintf(stderr, "moot --demo: %s\n", err);
			free(err);
			return 1;
		}
		dir = root;
	}
	if ((r = repo_open(dir, &err)) == NULL) {
		fprintf(stderr, "moot: %s\n", err);
		free(err);
		free(root);
		return 1;
	}
	free(root);
	root = attach_shown(r);
	if (!attach_running(r) && attach_start(r, root, listen) == -1) {
		free(root);
		repo_free(r);
		return 1;
	}
	free(root);
	rc = attach_run(r, demo ? "--demo" : "", demo);
	repo_free(r);
	return rc;
}

/* Whether process pid has ended (gone, or a zombie nobody reaped yet). */
static int
attach_gone(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	int gone = 1;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	if (fgets(buf, sizeof buf, f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL && p[1] == ' ')
		gone = p[2] == 'Z' || p[2] == 'X';
	fclose(f);
	return gone;
}

int
attach_kill_main(int argc, char **argv)
{
	const char *dir = ".", *listen = NULL;
	struct timespec ts = {0, 50 * 1000 * 1000};
	struct repo *r;
	char *err, *reply, *line, *next, *safe;
	unsigned waited, n = 0;
	int demo = 0, rc;
	long pid;

	if ((rc = attach_options(
	         argc, argv, "kill-session", 0, &dir, &listen, &demo)) != 0) {
		fprintf(rc == 1 ? stdout : stderr,
		    "usage: moot kill-session [-C DIR]\n"
		    "\n"
		    "Say who is still in the session of the repository "
		    "containing DIR,\nthen end it (the journal is flushed; "
		    "everyone is told).\n");
		return rc == 1 ? 0 : 2;
	}
	if ((r = repo_open(dir, &err)) == NULL) {
		fprintf(stderr, "moot kill-session: %s\n", err);
		free(err);
		return 1;
	}
	rc = control_ask(r->state, "kill-session", &reply, &err);
	repo_free(r);
	if (rc != 0) {
		fprintf(stderr, "moot kill-session: %s\n", err);
		free(err);
		return 1;
	}
	/* "ok\nPID\nNAME\n..." */
	if (strncmp(reply, "ok\n", 3) != 0 ||
	    (pid = strtol(reply + 3, &line, 10)) <= 0 || *line != '\n') {
		line = inert_cli(reply);
		fprintf(stderr, "moot kill-session: %s\n", line);
		free(line);
		free(reply);
		return 1;
	}
	for (line++; *line != '\0'; line = next + 1) {
		if ((next = strchr(line, '\n')) == NULL)
			break;
		*next = '\0';
		safe = inert_cli(line);
		printf("%s%s", n++ == 0 ? "still in: " : ", ", safe);
		free(safe);
	}
	printf("%s\n", n == 0 ? "nobody was in" : "");
	free(reply);
	fflush(stdout);
	/* The journal is flushed before the daemon exits: wait for it. */
	for (waited = 0; waited < ATTACH_KILL_MS; waited += 50) {
		if (attach_gone((pid_t)pid)) {
			printf("the session has ended\n");
			return 0;
		}
		nanosleep(&ts, NULL);
	}
	fprintf(stderr,
	    "moot kill-session: the session (pid %ld) is still "
	    "running\n",
	    pid);
	return 1;
}
