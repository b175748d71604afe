/* bench-util.h: helpers shared by the end-to-end benchmarks.
 * Timing, /proc readers, the watchdog, percentiles and the header. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <sys/types.h>

#include <stddef.h>

struct h_daemon;

/*
 * Set up a benchmark called name (the prefix of its messages): line
 * buffered stdout, SIGPIPE ignored, a watchdog that after seconds kills
 * the remembered daemons, removes the watched directory and exits 1, and
 * an exit handler that runs bench_cleanup (a harness failure exits).
 */
void bench_init(const char *name, unsigned int seconds);

/* Start a daemon on a repository and remember it for the watchdog. It
 * runs with syntax colours as bench_syntax last said (off at first). */
struct h_daemon *bench_daemon_start(const char *repo);

/*
 * Syntax colours for the daemons started from now on: off (--no-syntax)
 * or on (--syntax-dir with a C definition: nano's c.nanorc where nano is
 * installed, else a similar one of the benchmark's). Returns a line that
 * says which, for the output.
 */
const char *bench_syntax(int on);

/* Forget a daemon, then stop it; h_daemon_stop's exit status. */
int bench_daemon_stop(struct h_daemon *d);

/*
 * A directory the watchdog removes (one at most; NULL for none): a large
 * repository should not outlive a hung benchmark.
 */
void bench_watch_dir(const char *path);

/* Forget the watched directory, then h_cleanup (which removes it). */
void bench_cleanup(void);

/* Monotonic microseconds. */
long long bench_now_us(void);

/*
 * Time on a CPU in nanoseconds from /proc/PID/schedstat: the task PID
 * itself, that is the main thread only; -1 if unknown.
 */
long long bench_thread_ns(pid_t pid);

/*
 * Time on a CPU in nanoseconds from /proc/PID/task/TID/schedstat, summed
 * over the process's threads; -1 if unknown.
 */
long long bench_process_ns(pid_t pid);

/* A qsort comparison of long longs, ascending. */
int bench_cmp_ll(const void *a, const void *b);

/* Nearest-rank percentile p of a sorted array of us, in milliseconds. */
double bench_pct(const long long *v, size_t n, int p);

/*
 * A figure formatted with fmt, or "n/a" when it is unknown (negative).
 * The text lives in a ring of static buffers: up to 16 in one printf.
 */
const char *bench_fig(double v, const char *fmt);

/*
 * The ratio a / b formatted with fmt, or "n/a" when either side is unknown
 * or b is zero. The same ring of buffers as bench_fig.
 */
const char *bench_ratio(double a, double b, const char *fmt);

/* Print the load averages from /proc/loadavg after a label. */
void bench_print_load(const char *label);

/*
 * Print the title, the command, the date, the machine, the kernel, the
 * daemon, a line about the clients (given whole, without its newline), the
 * load and an empty line.
 */
void bench_print_header(
    const char *title, const char *clients, int argc, char **argv);

/* Print the load at the end and the time since start (h_now_ms). */
void bench_print_end(long long start);

/* The status row shows "  L:C" with nothing more to C. */
int bench_status_at(struct h_client *, long line, long col);

/* OpenSSH's sshd, the peer of bench-flood and bench-term. */
#define BENCH_SSHD "/usr/sbin/sshd"

/* A free TCP port on 127.0.0.1 (free when asked). */
int bench_free_port(void);
/* A private sshd (its own directory, config and host key, the keys of
 * authorized) on 127.0.0.1:port, in the foreground, its log in DIR; its
 * pid. bench_sshd_ready: it greets on port within ms (1) or not (0). */
pid_t bench_sshd_start(const char *dir, int port, const char *authorized);
int bench_sshd_ready(int port, int ms);

#endif
