/* job.h: commands the daemon runs (git hooks) as child processes, watched
 * by the event loop: output collected, a time limit, a call when done. */
#ifndef MOOT_JOB_H
#define MOOT_JOB_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define JOB_OUTPUT_MAX                                                         \
	4096 /* bytes of a job's output kept; the rest read                    \
	        and dropped */
#define JOB_PATH "/usr/local/bin:/usr/bin:/bin" /* PATH of every job */

struct loop;
struct job;

/* What a finished job did. */
struct job_result {
	int status;      /* as from waitpid */
	int late;        /* killed (its whole process group) at the timeout */
	const char *out; /* the start of its output (stdout and stderr) */
	size_t outlen;   /* at most JOB_OUTPUT_MAX */
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
/* A child was reaped (SIGCHLD): if it is a job's, finish the job (its
 * callback runs now) and return 1; else 0. */
int job_reaped(pid_t, int status);
/* Kill every running job's process group and forget them, without calling
 * back (the daemon is ending). */
void job_kill_all(void);

#endif
