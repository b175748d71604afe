/* job.c: child processes the daemon runs (git hooks, forked computations)
 * without waiting for them: output read by the loop, a time limit, a
 * callback when they end. */
#include "moot.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "job.h"
#include "loop.h"

/*
 * A job ends when its process has exited (the daemon reaps every child
 * on SIGCHLD and hands the status here). What it wrote before exiting is
 * in the pipe by then, so the pipe is read dry at that point and closed:
 * a grandchild that keeps the pipe open cannot hold the job up.
 */
struct job {
	pid_t pid; /* also its process group */
	int fd;    /* the read end of its output pipe; -1 once closed */
	struct loop *loop;
	struct loop_timer *timer; /* the time limit; NULL once it fired */
	int late;
	int forked; /* job_fork's, not job_run's */

	char *out;     /* what it wrote, the first outmax bytes */
	size_t outlen; /* bytes in out */
	size_t outcap; /* bytes out can hold now */
	size_t outmax; /* JOB_OUTPUT_MAX, or JOB_FORK_OUTPUT_MAX */
	int truncated; /* it wrote more than outmax */

	job_done_cb done;
	void *arg;
	TAILQ_ENTRY(job) entry;
};
TAILQ_HEAD(jobs, job);

static struct jobs job_list = TAILQ_HEAD_INITIALIZER(job_list);

/* Stop watching and close the output pipe. */
static void
job_close(struct job *j)
{
	if (j->fd == -1)
		return;
	loop_del(j->loop, j->fd);
	close(j->fd);
	j->fd = -1;
}

/* Read what the pipe has now, keeping the first outmax bytes and dropping
 * the rest (the child must never block on a full pipe). */
static void
job_drain(struct job *j)
{
	char chunk[65536];
	size_t keep;
	ssize_t n;

	while (j->fd != -1) {
		n = read(j->fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n <= 0) {
			job_close(j); /* EOF: everyone holding it closed it */
			return;
		}
		keep = (size_t)n;
		if (keep > j->outmax - j->outlen) {
			keep = j->outmax - j->outlen;
			j->truncated = 1;
		}
		while (j->outlen + keep > j->outcap) {
			j->outcap = j->outcap * 2 < j->outmax ? j->outcap * 2
			                                      : j->outmax;
			j->out = xrealloc(j->out, j->outcap);
		}
		memcpy(j->out + j->outlen, chunk, keep);
		j->outlen += keep;
	}
}

static void
job_read_cb(int fd, int events, void *arg)
{
	job_drain(arg);
}

/* Kill the process and everything it started. */
static void
job_kill(struct job *j)
{
	kill(-j->pid, SIGKILL);
	kill(j->pid, SIGKILL); /* in case setpgid lost a race with exec */
}

static void
job_timeout_cb(void *arg)
{
	struct job *j = arg;

	j->timer = NULL; /* the loop frees a timer that fired */
	j->late = 1;
	log_info("job %ld: time limit reached, killing it", (long)j->pid);
	job_kill(j);
	/* It ends when its death is reaped. */
}

/* Free a job already out of the list. */
static void
job_free(struct job *j)
{
	if (j->timer != NULL)
		loop_timer_del(j->loop, j->timer);
	job_close(j);
	free(j->out);
	free(j);
}

/* A child was started: watch its pipe, its time limit, its end. */
static void
job_watch(struct job *j, struct loop *loop, pid_t pid, int fd,
    uint64_t timeout_ms, job_done_cb done, void *arg)
{
	setpgid(pid, pid); /* also here, so the group exists at once */
	j->pid = pid;
	j->fd = fd;
	j->loop = loop;
	j->done = done;
	j->arg = arg;
	fcntl(j->fd, F_SETFL, fcntl(j->fd, F_GETFL) | O_NONBLOCK);
	loop_add(loop, j->fd, LOOP_READ, job_read_cb, j);
	j->timer = loop_timer(loop, timeout_ms, job_timeout_cb, j);
	TAILQ_INSERT_TAIL(&job_list, j, entry);
}

/* NAME=VALUE, made before fork (nothing is allocated in the child). */
static char *
job_env(const char *name, const char *value)
{
	char *s;

	xasprintf(&s, "%s=%s", name, value);
	return s;
}

struct job *
job_run(struct loop *loop, const char *const *argv, const char *cwd,
    const char *const *env, uint64_t timeout_ms, job_done_cb done, void *arg,
    char **err)
{
	static const char cannot[] = "cannot execute ";
	struct job *j;
	struct sigaction dfl;
	sigset_t all, none, old;
	const char *home, *lang;
	char **envp, **shargv;
	size_t nenv = 0, nargv = 0, i, n;
	int fds[2], null, sig, saved;
	pid_t pid;

	*err = NULL;

	/* Everything the child needs is made before fork. */
	while (env != NULL && env[nenv] != NULL)
		nenv++;
	envp = xcalloc(nenv + 4, sizeof *envp);
	n = 0;
	envp[n++] = job_env("PATH", JOB_PATH);
	if ((home = getenv("HOME")) != NULL && *home != '\0')
		envp[n++] = job_env("HOME", home);
	if ((lang = getenv("LANG")) == NULL || *lang == '\0')
		lang = "C.UTF-8";
	envp[n++] = job_env("LANG", lang);
	for (i = 0; i < nenv; i++)
		envp[n++] = xstrdup(env[i]);
	envp[n] = NULL;
	while (argv[nargv] != NULL)
		nargv++;
	shargv = xcalloc(nargv + 2, sizeof *shargv);
	shargv[0] = (char *)"sh";
	for (i = 0; i < nargv; i++)
		shargv[i + 1] = (char *)argv[i];
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigfillset(&all);
	sigemptyset(&none);

	j = xcalloc(1, sizeof *j);
	j->fd = -1;
	j->outmax = j->outcap = JOB_OUTPUT_MAX;
	j->out = xmalloc(j->outcap);
	if ((null = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(err, "cannot open /dev/null: %s", strerror(errno));
		goto fail;
	}
	if (pipe2(fds, O_CLOEXEC) == -1) {
		xasprintf(err, "pipe: %s", strerror(errno));
		close(null);
		goto fail;
	}

	/*
	 * No signal may reach the daemon's handlers in the child between fork
	 * and exec (they would write to the daemon's signal pipe): block them
	 * all across fork; the child sets every handler back to the default
	 * before unblocking.
	 */
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0) {
		/* Only async-signal-safe calls from here to exec. */
		for (sig = 1; sig < NSIG; sig++)
			sigaction(sig, &dfl, NULL);
		setpgid(0, 0);
		if (dup2(null, STDIN_FILENO) == -1 ||
		    dup2(fds[1], STDOUT_FILENO) == -1 ||
		    dup2(fds[1], STDERR_FILENO) == -1 || chdir(cwd) == -1)
			_exit(127);
		compat_closefrom(STDERR_FILENO + 1);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execve(argv[0], (char *const *)argv, envp);
		if (errno == ENOEXEC) /* a script without #! */
			execve("/bin/sh", shargv, envp);
		if (write(STDERR_FILENO, cannot, sizeof cannot - 1) > 0 &&
		    write(STDERR_FILENO, argv[0], strlen(argv[0])) > 0 &&
		    write(STDERR_FILENO, "\n", 1) > 0) {
			/* nothing more to say */
		}
		_exit(127);
	}
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(null);
	close(fds[1]);
	if (pid == -1) {
		xasprintf(err, "fork: %s", strerror(saved));
		close(fds[0]);
		goto fail;
	}
	job_watch(j, loop, pid, fds[0], timeout_ms, done, arg);
	log_debug("job %ld: %s", (long)pid, argv[0]);
	goto out;

fail:
	free(j->out);
	free(j);
	j = NULL;
out:
	for (i = 0; envp[i] != NULL; i++)
		free(envp[i]);
	free(envp);
	free(shargv);
	return j;
}

/* In a forked child: whether fd is one of the daemon's sockets or pipes
 * (people's connections, the listening socket, the signal pipe). */
static int
job_talks(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 &&
	       (S_ISSOCK(st.st_mode) || S_ISFIFO(st.st_mode));
}

/* In a forked child: close every socket and pipe but keep. */
static void
job_close_talk(int keep)
{
	struct dirent *e;
	DIR *dir;
	long max, fd;
	int *fds = NULL;
	size_t n = 0, i;
	char *end;

	if ((dir = opendir("/proc/self/fd")) != NULL) {
		/* Listed first, closed after: the listing has a descriptor
		 * of its own. */
		while ((e = readdir(dir)) != NULL) {
			fd = strtol(e->d_name, &end, 10);
			if (*end != '\0' || end == e->d_name || fd <= 2 ||
			    fd == keep || fd == dirfd(dir))
				continue;
			fds = xreallocarray(fds, n + 1, sizeof *fds);
			fds[n++] = (int)fd;
		}
		closedir(dir);
		for (i = 0; i < n; i++) {
			if (job_talks(fds[i]))
				close(fds[i]);
		}
		free(fds);
		return;
	}
	if ((max = sysconf(_SC_OPEN_MAX)) < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++) {
		if (fd != keep && job_talks((int)fd))
			close((int)fd);
	}
}

/* The forked child: set up as job_fork says, run fn, send its answer. */
static __dead void
job_fork_child(int out, int null, job_fork_fn fn, void *fnarg)
{
	struct timespec ts;
	struct bytes b;
	const char *gate;
	int rc;

	if (dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1)
		_exit(127);
	job_close_talk(out);
	if (setpriority(PRIO_PROCESS, 0, JOB_FORK_NICE) == -1) {
		/* not nicer, then */
	}
	if ((gate = getenv(JOB_FORK_GATE_ENV)) != NULL && *gate != '\0') {
		while (access(gate, F_OK) == -1) {
			ts.tv_sec = 0;
			ts.tv_nsec = JOB_FORK_GATE_MS * 1000000L;
			nanosleep(&ts, NULL);
		}
	}
	bytes_init(&b);
	rc = fn(&b, fnarg);
	if (compat_write_all(out, bytes_ptr(&b), bytes_len(&b)) == -1)
		rc = 1;
	/* _exit: nothing of the daemon's (atexit handlers, stdio buffers,
	 * sqlite) runs in the child. */
	_exit(rc);
}

struct job *
job_fork(struct loop *loop, job_fork_fn fn, void *fnarg, uint64_t timeout_ms,
    job_done_cb done, void *arg, char **err)
{
	struct job *j;
	struct sigaction dfl;
	sigset_t all, none, old;
	int fds[2], null, sig, saved;
	size_t running = 0;
	pid_t pid;

	*err = NULL;
	TAILQ_FOREACH (j, &job_list, entry) {
		if (j->forked)
			running++;
	}
	if (running >= JOB_FORK_MAX) {
		xasprintf(
		    err, "busy: %d computations already running", JOB_FORK_MAX);
		return NULL;
	}
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
		xasprintf(err, "cannot open /dev/null: %s", strerror(errno));
		return NULL;
	}
	if (pipe2(fds, O_CLOEXEC) == -1) {
		xasprintf(err, "pipe: %s", strerror(errno));
		close(null);
		return NULL;
	}
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigfillset(&all);
	sigemptyset(&none);

	fflush(stdout);
	fflush(stderr);
	/* As in job_run: no signal reaches the daemon's handlers in the
	 * child. */
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0) {
		for (sig = 1; sig < NSIG; sig++)
			sigaction(sig, &dfl, NULL);
		setpgid(0, 0);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close(fds[0]);
		job_fork_child(fds[1], null, fn, fnarg);
	}
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(null);
	close(fds[1]);
	if (pid == -1) {
		xasprintf(err, "fork: %s", strerror(saved));
		close(fds[0]);
		return NULL;
	}
	j = xcalloc(1, sizeof *j);
	j->forked = 1;
	j->outmax = JOB_FORK_OUTPUT_MAX;
	j->outcap = 4096;
	j->out = xmalloc(j->outcap);
	job_watch(j, loop, pid, fds[0], timeout_ms, done, arg);
	log_debug("job %ld: a computation forked off the loop", (long)pid);
	return j;
}

int
job_reaped(pid_t pid, int status)
{
	struct job_result res;
	struct job *j;

	TAILQ_FOREACH (j, &job_list, entry) {
		if (j->pid == pid)
			break;
	}
	if (j == NULL)
		return 0;
	log_debug("job %ld: ended (status %d)", (long)pid, status);
	job_drain(j);
	job_close(j);
	memset(&res, 0, sizeof res);
	res.status = status;
	res.late = j->late;
	res.out = j->out;
	res.outlen = j->outlen;
	res.truncated = j->truncated;
	/* Out of the list before the callback, which may start a job. */
	TAILQ_REMOVE(&job_list, j, entry);
	j->done(&res, j->arg);
	job_free(j);
	return 1;
}

void
job_kill_all(void)
{
	struct job *j;

	while ((j = TAILQ_FIRST(&job_list)) != NULL) {
		TAILQ_REMOVE(&job_list, j, entry);
		log_info("job %ld: killed (the session ends)", (long)j->pid);
		job_kill(j);
		job_free(j);
	}
}
