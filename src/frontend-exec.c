/* frontend-exec.c: a frontend is the moot program run afresh, not a copy of
 * the daemon's memory. The daemon starts it (fork, fexecve); it starts here. */
#include "moot.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "frontend.h"

/*
 * The descriptors a frontend starts with. The daemon's program is at
 * FRONTEND_FD_EXE only between the fork and the exec (close-on-exec).
 */
#define FRONTEND_FD_SOCK 3   /* the TCP connection */
#define FRONTEND_FD_DAEMON 4 /* its end of the socketpair to the daemon */
#define FRONTEND_FD_ARGS 5   /* frontend-args.c's bytes, read then closed */
#define FRONTEND_FD_EXE 6    /* the daemon's program, to fexecve */

/*
 * The environment a frontend gets: nothing of the daemon's but what the
 * libraries it uses read. The zone for the log's times (TZ), the locale if
 * C.UTF-8 is missing (main falls back to it), where ncurses finds terminal
 * descriptions (TERMINFO, TERMINFO_DIRS, and HOME for ~/.terminfo), the
 * sandbox's debugging switch, and the sanitizers' options in those builds.
 * The daemon's other variables (SSH_AUTH_SOCK, tokens, paths) stay out.
 */
static const char *frontend_exec_keep[] = {
    "TZ",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TERMINFO",
    "TERMINFO_DIRS",
    "HOME",
    "MOOT_SANDBOX_DEBUG",
    "ASAN_OPTIONS",
    "UBSAN_OPTIONS",
    "LSAN_OPTIONS",
};
#define FRONTEND_EXEC_NKEEP                                                    \
	(sizeof frontend_exec_keep / sizeof *frontend_exec_keep)

/* The daemon's own program, opened at start, and the frontend's
 * environment, made once. */
static int frontend_exec_fd = -1;
static char *frontend_exec_env[FRONTEND_EXEC_NKEEP + 1];

/*
 * The program is opened once, at start, and every frontend is run from
 * that descriptor: a moot installed over it during the session (a new
 * file in its place) does not start frontends of another version than
 * the daemon's.
 */
void
frontend_exec_init(void)
{
	const char *v;
	size_t i, n = 0;

	if ((frontend_exec_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) ==
	    -1)
		fatal("cannot open the moot program (/proc/self/exe) to start "
		      "frontends from");
	for (i = 0; i < FRONTEND_EXEC_NKEEP; i++) {
		if ((v = getenv(frontend_exec_keep[i])) != NULL)
			xasprintf(&frontend_exec_env[n++], "%s=%s",
			    frontend_exec_keep[i], v);
	}
	frontend_exec_env[n] = NULL;
}

/* The arguments in an anonymous file, read from its start; -1 if they
 * are too large or it cannot be made (logged). */
static int
frontend_exec_args_fd(const struct frontend_args *a)
{
	struct bytes b;
	const uint8_t *p;
	size_t left;
	ssize_t n;
	int fd = -1;

	bytes_init(&b);
	if (frontend_args_write(a, &b) == -1) {
		log_warn("cannot start a frontend: its key list is above %u "
		         "bytes",
		    (unsigned)FRONTEND_ARGS_MAX);
		goto out;
	}
	if ((fd = compat_anon_fd("moot-frontend-args")) == -1) {
		log_warn("cannot start a frontend: %s", strerror(errno));
		goto out;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	for (p = bytes_ptr(&b), left = bytes_len(&b); left > 0;) {
		if ((n = write(fd, p, left)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		left -= n;
	}
	if (left > 0 || lseek(fd, 0, SEEK_SET) == -1) {
		log_warn("cannot start a frontend: %s", strerror(errno));
		close(fd);
		fd = -1;
	}
out:
	/* The host key is in it. */
	if (b.data != NULL)
		explicit_bzero(b.data, b.cap);
	bytes_free(&b);
	return fd;
}

/* The child, between fork and exec: its descriptors in place, then the
 * program. Nothing here returns; a failure is logged and ends it. */
static __dead void
frontend_exec_child(int sock, int daemon, int args)
{
	static char *argv[] = {"moot-frontend", FRONTEND_EXEC_ARG, NULL};
	int fds[4], i, null;

	/* Above anything they could collide with, then in place. */
	if ((fds[0] = fcntl(sock, F_DUPFD, 10)) == -1 ||
	    (fds[1] = fcntl(daemon, F_DUPFD, 10)) == -1 ||
	    (fds[2] = fcntl(args, F_DUPFD, 10)) == -1 ||
	    (fds[3] = fcntl(frontend_exec_fd, F_DUPFD, 10)) == -1)
		goto fail;
	for (i = 0; i < 4; i++) {
		if (dup2(fds[i], FRONTEND_FD_SOCK + i) == -1)
			goto fail;
	}
	if (fcntl(FRONTEND_FD_EXE, F_SETFD, FD_CLOEXEC) == -1)
		goto fail;
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
	}
	/* Everything else the daemon had open (the listening socket, other
	 * people's sockets, the repository's files) is not the frontend's. */
	compat_closefrom(FRONTEND_FD_EXE + 1);
	fexecve(FRONTEND_FD_EXE, argv, frontend_exec_env);
fail:
	/* Not fatal(): exit() would run the daemon's handlers here. */
	log_open("moot-frontend", 0);
	log_warn("fatal: cannot start the frontend (fexecve of the moot "
	         "program): %s",
	    strerror(errno));
	_exit(1);
}

pid_t
frontend_exec_spawn(int sock, int daemon, const struct frontend_args *a)
{
	sigset_t all, old;
	pid_t pid;
	int args;

	if ((args = frontend_exec_args_fd(a)) == -1)
		return -1;
	fflush(stdout);
	fflush(stderr);
	/* Until the child has the default handlers, a signal must not run
	 * the daemon's (which would write to the daemon's signal pipe). */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if ((pid = fork()) == -1) {
		log_warn("fork: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(args);
		return -1;
	}
	if (pid == 0) {
		signal(SIGCHLD, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGXFSZ, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		frontend_exec_child(sock, daemon, args);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(args);
	return pid;
}

/* Whether fd is open and of that type (S_IFSOCK, S_IFREG). */
static int
frontend_exec_is(int fd, mode_t type)
{
	struct stat sb;

	return fstat(fd, &sb) == 0 && (sb.st_mode & S_IFMT) == type;
}

/* The whole of FRONTEND_FD_ARGS, at most FRONTEND_ARGS_MAX bytes (one
 * more is read, to know it is too large). */
static uint8_t *
frontend_exec_read_args(size_t *len)
{
	uint8_t *buf = NULL;
	size_t cap = 0, used = 0;
	ssize_t n;

	for (;;) {
		if (used == cap) {
			if (cap > FRONTEND_ARGS_MAX)
				fatalx("the frontend's arguments are too "
				       "large");
			cap = cap == 0 ? 65536 : cap * 2;
			buf = xrealloc(buf, cap);
		}
		n = read(FRONTEND_FD_ARGS, buf + used, cap - used);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("reading the frontend's arguments");
		if (n == 0)
			break;
		used += n;
	}
	close(FRONTEND_FD_ARGS);
	*len = used;
	return buf;
}

/*
 * `moot --frontend`, as the daemon runs it: from fresh memory, with only
 * what frontend_args carries. Run by hand (without the daemon's three
 * descriptors) it does nothing but say so.
 */
__dead void
frontend_exec_main(void)
{
	struct frontend_args a;
	const char *err;
	uint8_t *buf;
	size_t len;

	log_open("moot-frontend", 0);
	compat_set_name("moot-frontend");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN); /* a full log is no reason to end */
	if (!frontend_exec_is(FRONTEND_FD_SOCK, S_IFSOCK) ||
	    !frontend_exec_is(FRONTEND_FD_DAEMON, S_IFSOCK) ||
	    !frontend_exec_is(FRONTEND_FD_ARGS, S_IFREG))
		fatalx(
		    "moot %s is started by moot serve only", FRONTEND_EXEC_ARG);
	buf = frontend_exec_read_args(&len);
	if (frontend_args_read(buf, len, &a, &err) == -1)
		fatalx("bad arguments from the daemon: %s", err);
	explicit_bzero(buf, len); /* the host key is in it */
	free(buf);
	a.sock = FRONTEND_FD_SOCK;
	a.daemon = FRONTEND_FD_DAEMON;
	frontend_main(&a);
}
