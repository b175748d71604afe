/* job.h: child processes of the daemon (git hooks, computations forked off
 * the loop), watched by the event loop: output, a time limit, a callback. */
#ifndef MOOT_JOB_H
#define MOOT_JOB_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

struct bytes;

#define JOB_OUTPUT_MAX                                                         \
	4096 /* bytes of a job's output kept; the rest read                    \
	        and dropped */
#define JOB_PATH "/usr/local/bin:/usr/bin:/bin" /* PATH of every job */
/*
 * Bytes of a forked computation's answer kept (job_fork): the margin
 * marks of a file with thousands of decided spans are a few hundred KB,
 * a why of hundreds of decisions less; more than this is dropped and the
 * answer is then cut short (job_result.truncated).
 */
#define JOB_FORK_OUTPUT_MAX (16 * 1024 * 1024)
/* Forked computations running at once; job_fork refuses more (each is a
 * copy of the daemon: memory, and a core of its own). */
#define JOB_FORK_MAX 8
/* How much nicer than the daemon a forked computation runs, so that the
 * loop keeps its share of a busy machine. */
#define JOB_FORK_NICE 5
/*
 * A test hook: when the daemon's environment has MOOT_TEST_FORK_GATE (a
 * path), every forked computation waits until a file exists there before
 * it starts (looking every JOB_FORK_GATE_MS; its time limit still runs),
 * so tests can see the loop go on while one runs. Unset, it does nothing.
 */
#define JOB_FORK_GATE_ENV "MOOT_TEST_FORK_GATE"
#define JOB_FORK_GATE_MS 10

struct loop;
struct job;

/* What a finished job did. */
struct job_result {
	int status;      /* as from waitpid */
	int late;        /* killed (its whole process group) at the timeout */
	const char *out; /* the start of its output (stdout and stderr; for
	                    job_fork, what fn wrote) */
	size_t outlen;   /* at most JOB_OUTPUT_MAX (JOB_FORK_OUTPUT_MAX) */
	int truncated;   /* it wrote more than that */
};

/* Called once, from the loop, when the job's process has exited. */
typedef void (*job_done_cb)(const struct job_result *, void *arg);

/*
 * Run argv[0] (a path; a script without #! runs with /bin/sh, as git
 * does) in cwd, in its own process group, standard input from /dev/null,
 * standard output and error into a pipe the loop reads, every other
 * descriptor closed. Its environment is only PATH=JOB_PATH, the daemon's
 * HOME and LANG (C.UTF-8 if none), and env (NAME=VALUE strings, NULL
 * ended; may be NULL). After timeout_ms its process group is killed. The
 * daemon must pass every child it reaps to job_reaped. Returns the job, or
 * NULL with *err set when it cannot be started.
 */
struct job *job_run(struct loop *, const char *const *argv, const char *cwd,
    const char *const *env, uint64_t timeout_ms, job_done_cb, void *arg,
    char **err);
/*
 * Compute off the loop: fork, and run fn in the child, which writes its
 * answer into out; what fn returns is the child's exit status. The child
 * is a copy of the daemon, so fn may read any of its memory as it was at
 * the fork (a document's text), but it must not use the daemon's journal,
 * sockets, loop or repository handle: it opens its own repository by
 * path. Before fn runs, the child's signals are back to their defaults,
 * its standard input and output are /dev/null, every socket and pipe of
 * the daemon is closed (regular files stay open: libgit2 shares its pack
 * files between the repositories of a process, so the child's repository
 * uses the daemon's descriptors for them), and it runs JOB_FORK_NICE
 * nicer. Standard error is the daemon's log. The answer goes back through
 * a pipe read by the loop (at most JOB_FORK_OUTPUT_MAX bytes kept); done
 * gets it once the child has exited. After timeout_ms the child is
 * killed. Returns the job, or NULL with *err set (JOB_FORK_MAX running,
 * or fork failed).
 */
typedef int (*job_fork_fn)(struct bytes *out, void *arg);
struct job *job_fork(struct loop *, job_fork_fn fn, void *fnarg,
    uint64_t timeout_ms, job_done_cb, void *arg, char **err);
/* A child was reaped (SIGCHLD): if it is a job's, finish the job (its
 * callback runs now) and return 1; else 0. */
int job_reaped(pid_t, int status);
/* Kill every running job's process group and forget them, without calling
 * back (the daemon is ending). */
void job_kill_all(void);

#endif
