/* bench-util.c: helpers shared by the end-to-end benchmarks.
 * Timing, /proc readers, the watchdog, percentiles and the header. */
#include "moot.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../harness.h"
#include "bench-util.h"

#define MAXDAEMONS 4 /* daemons running at once, at most */
#define NBUFS 16     /* the ring of buffers of bench_fig and bench_ratio */

static pid_t bench_daemons[MAXDAEMONS]; /* daemons this program started */
static char bench_dir[PATH_MAX];        /* removed by the watchdog */
static char bench_msg[128];             /* the watchdog's message */
static size_t bench_msglen;
static int bench_colours; /* syntax colours in daemons started */
static char bench_syntax_what[256];
#define BENCH_NANO_C "/usr/share/nano/c.nanorc"

static const char *bench_syntax_dir(void);

/*
 * A C definition in nano's format, for machines without nano: as many
 * rules of the same kinds as nano's own c.nanorc (names, types, flow,
 * characters, strings, preprocessor, comments, trailing blanks).
 */
static const char bench_c_nanorc[] =
    "syntax c \"\\.([ch](pp|xx)?|cc)$\"\n"
    "color brightred \"\\<[A-Z_][0-9A-Z_]*\\>\"\n"
    "color brightmagenta "
    "\"^[[:blank:]]*[A-Za-z_][0-9A-Za-z_]*:[[:blank:]]*$\"\n"
    "color green \"\\<(char|const|double|enum|extern|float|int|long|short|"
    "signed|sizeof|static|struct|typedef|union|unsigned|void)\\>\"\n"
    "color green \"\\<[a-z_]+_t\\>\"\n"
    "color brightyellow \"\\<(if|else|for|while|do|switch|case|default)\\>\"\n"
    "color magenta \"\\<(break|continue|goto|return)\\>\"\n"
    "color brightmagenta \"'([^'\\\\]|\\\\.)'\"\n"
    "color cyan \"__attribute__[[:blank:]]*\\(\\([^)]*\\)\\)\"\n"
    "color brightyellow "
    "\"\"([^\"]|\\\\\")*\"|#[[:blank:]]*include[[:blank:]]*<[^>]+>\"\n"
    "color brightcyan "
    "start=\"^[[:blank:]]*#[[:blank:]]*(if|ifdef|ifndef|elif)\\>\" "
    "end=\"(\\`|[^\\\\])$\"\n"
    "color brightcyan "
    "\"^[[:blank:]]*#[[:blank:]]*(define|else|endif|include|undef)\\>\"\n"
    "color brightblue \"//.*\"\n"
    "color brightblue start=\"/\\*\" end=\"\\*/\"\n"
    "color brightwhite,yellow \"\\<(FIXME|TODO|XXX)\\>\"\n"
    "color ,green \"[[:space:]]+$\"\n";

/*
 * The watchdog: a hung benchmark kills its daemons (their frontends end
 * with them), then, if a directory is watched, becomes a shell that removes
 * it and exits 1; exec is one of the few things a signal handler may do.
 */
static void
bench_watchdog(int sig)
{
	size_t i;
	ssize_t n;

	n = write(STDERR_FILENO, bench_msg, bench_msglen);
	(void)n;
	for (i = 0; i < MAXDAEMONS; i++) {
		if (bench_daemons[i] > 0)
			kill(bench_daemons[i], SIGKILL);
	}
	if (bench_dir[0] != '\0')
		execl("/bin/sh", "sh", "-c", "rm -rf -- \"$1\"; exit 1", "sh",
		    bench_dir, (char *)NULL);
	_exit(1);
}

/* The exit handler: stop the daemons and remove the temporary files. */
static void
bench_at_exit(void)
{
	bench_cleanup();
}

void
bench_init(const char *name, unsigned int seconds)
{
	struct sigaction sa;
	int n;

	n = snprintf(bench_msg, sizeof bench_msg,
	    "%s: took too long, giving up\n", name);
	if (n < 0)
		n = 0;
	bench_msglen =
	    (size_t)n < sizeof bench_msg ? (size_t)n : sizeof bench_msg - 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = bench_watchdog;
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
	atexit(bench_at_exit);
}

struct h_daemon *
bench_daemon_start(const char *repo)
{
	struct h_daemon *d;
	pid_t pid;
	size_t i;

	if (bench_colours)
		d = h_daemon_start_args(
		    repo, "--syntax-dir", bench_syntax_dir(), NULL);
	else
		d = h_daemon_start_args(repo, "--no-syntax", NULL);
	pid = h_daemon_pid(d);
	for (i = 0; i < MAXDAEMONS; i++) {
		if (bench_daemons[i] == 0) {
			bench_daemons[i] = pid;
			break;
		}
	}
	return d;
}

const char *
bench_syntax(int on)
{
	bench_colours = on;
	if (!on)
		return "syntax:   off (--no-syntax)";
	snprintf(bench_syntax_what, sizeof bench_syntax_what,
	    "syntax:   on, %s",
	    access(BENCH_NANO_C, R_OK) == 0
	        ? BENCH_NANO_C
	        : "the benchmark's C definition (no nano)");
	return bench_syntax_what;
}

/* A directory with a c.nanorc for one daemon (h_cleanup removes it). */
static const char *
bench_syntax_dir(void)
{
	char *dir = h_tmpdir("bench-syntax"), *text;
	size_t len;

	if (access(BENCH_NANO_C, R_OK) == 0)
		text = h_read_file("/", BENCH_NANO_C + 1, &len);
	else {
		text = xstrdup(bench_c_nanorc);
		len = strlen(text);
	}
	h_write_file(dir, "c.nanorc", text, len);
	free(text);
	return dir;
}

int
bench_daemon_stop(struct h_daemon *d)
{
	pid_t pid = h_daemon_pid(d);
	size_t i;

	/* Forgotten first: once reaped, its pid may be someone else's. */
	for (i = 0; i < MAXDAEMONS; i++) {
		if (bench_daemons[i] == pid)
			bench_daemons[i] = 0;
	}
	return h_daemon_stop(d);
}

void
bench_watch_dir(const char *path)
{
	/* Cleared first, so the watchdog never sees half a path. */
	bench_dir[0] = '\0';
	if (path == NULL || strlen(path) >= sizeof bench_dir)
		return;
	memcpy(bench_dir + 1, path + 1, strlen(path));
	bench_dir[0] = path[0];
}

void
bench_cleanup(void)
{
	bench_dir[0] = '\0';
	h_cleanup();
}

long long
bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The first figure of a schedstat file, ns on a CPU; -1 if unknown. */
static long long
bench_schedstat(const char *path)
{
	unsigned long long ns;
	FILE *f;
	int n;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fscanf(f, "%llu", &ns);
	fclose(f);
	return n == 1 ? (long long)ns : -1;
}

long long
bench_thread_ns(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%ld/schedstat", (long)pid);
	return bench_schedstat(path);
}

long long
bench_process_ns(pid_t pid)
{
	char path[320];
	long long ns, sum = 0;
	struct dirent *de;
	DIR *dir;
	int found = 0;

	snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%ld/task/%s/schedstat",
		    (long)pid, de->d_name);
		if ((ns = bench_schedstat(path)) >= 0) {
			sum += ns;
			found = 1;
		}
	}
	closedir(dir);
	return found ? sum : -1;
}

int
bench_cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

double
bench_pct(const long long *v, size_t n, int p)
{
	size_t rank;

	if (n == 0)
		return 0;
	rank = (n * p + 99) / 100;
	if (rank == 0)
		rank = 1;
	return v[rank - 1] / 1000.0;
}

/* The next buffer of the ring shared by bench_fig and bench_ratio. */
static char *
bench_buf(size_t *size)
{
	static char buf[NBUFS][32];
	static int next;

	*size = sizeof buf[0];
	return buf[next++ % NBUFS];
}

const char *
bench_fig(double v, const char *fmt)
{
	size_t size;
	char *p = bench_buf(&size);

	if (v < 0)
		snprintf(p, size, "n/a");
	else
		snprintf(p, size, fmt, v);
	return p;
}

const char *
bench_ratio(double a, double b, const char *fmt)
{
	size_t size;
	char *p = bench_buf(&size);

	if (a < 0 || b <= 0)
		snprintf(p, size, "n/a");
	else
		snprintf(p, size, fmt, a / b);
	return p;
}

void
bench_print_load(const char *label)
{
	double l1, l5, l15;
	FILE *f;

	if ((f = fopen("/proc/loadavg", "r")) == NULL)
		return;
	if (fscanf(f, "%lf %lf %lf", &l1, &l5, &l15) == 3)
		printf("%s%.2f %.2f %.2f (1, 5, 15 min)\n", label, l1, l5, l15);
	fclose(f);
}

/* The CPU's model name from /proc/cpuinfo, or "unknown". */
static void
bench_cpu_model(char *model, size_t size)
{
	char line[512], *p;
	FILE *f;

	snprintf(model, size, "unknown");
	if ((f = fopen("/proc/cpuinfo", "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "model name", 10) != 0)
			continue;
		if ((p = strchr(line, ':')) == NULL)
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		snprintf(model, size, "%s", p);
		model[strcspn(model, "\n")] = '\0';
		break;
	}
	fclose(f);
}

void
bench_print_header(
    const char *title, const char *clients, int argc, char **argv)
{
	char model[256], date[64];
	struct utsname u;
	const char *moot = getenv("MOOT");
	time_t t = time(NULL);
	int i;

	bench_cpu_model(model, sizeof model);
	if (uname(&u) != 0)
		memset(&u, 0, sizeof u);
	strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %z", localtime(&t));

	printf("%s\n", title);
	printf("command:  ");
	if (moot != NULL)
		printf("MOOT=%s ", moot);
	for (i = 0; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "\n");
	printf("date:     %s\n", date);
	printf("machine:  %ld CPUs (nproc), %s\n",
	    sysconf(_SC_NPROCESSORS_ONLN), model);
	printf("kernel:   %s %s %s\n", u.sysname, u.release, u.machine);
	printf("daemon:   %s\n", h_moot_path());
	printf("%s\n", clients);
	bench_print_load("load:     ");
	printf("\n");
	fflush(stdout);
}

void
bench_print_end(long long start)
{
	bench_print_load("load at the end: ");
	printf("total time: %.1f s\n", (h_now_ms() - start) / 1000.0);
}

int
bench_status_at(struct h_client *c, long line, long col)
{
	const char *row = h_row(c, h_status_row(c)), *p;
	char want[64];
	size_t n;

	snprintf(want, sizeof want, "  %ld:%ld", line, col);
	n = strlen(want);
	if ((p = strstr(row, want)) == NULL)
		return 0;
	return p[n] < '0' || p[n] > '9';
}

static void bench_util_fail(const char *, ...) __dead __printflike(1, 2);

/* A benchmark cannot go on: say why and end (the exit handler cleans). */
static void
bench_util_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* A free TCP port on 127.0.0.1 (free when asked). */
int
bench_free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd, port;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		bench_util_fail("free port: %s", strerror(errno));
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* sshd takes connections on port (its banner comes) within ms. */
int
bench_sshd_ready(int port, int ms)
{
	long long until = h_now_ms() + ms;
	struct sockaddr_in sin;
	struct pollfd pfd;
	char buf[8];
	int fd, ok;

	while (h_now_ms() < until) {
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		ok = connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0;
		if (ok) {
			pfd.fd = fd;
			pfd.events = POLLIN;
			ok = poll(&pfd, 1, 2000) == 1 &&
			     read(fd, buf, 4) == 4 &&
			     memcmp(buf, "SSH-", 4) == 0;
		}
		close(fd);
		if (ok)
			return 1;
		usleep(100000);
	}
	return 0;
}

/* A private sshd: its own directory, host key and authorized keys, its
 * defaults otherwise (MaxStartups 10:30:100, LoginGraceTime 120). */
pid_t
bench_sshd_start(const char *dir, int port, const char *authorized)
{
	char *conf, *text, *log;
	pid_t pid;
	FILE *f;
	int fd;

	free(h_sh(dir, "ssh-keygen -q -t ed25519 -N '' -f host_ed25519"));
	xasprintf(&text,
	    "Port %d\n"
	    "ListenAddress 127.0.0.1\n"
	    "HostKey %s/host_ed25519\n"
	    "AuthorizedKeysFile %s\n"
	    "PidFile %s/sshd.pid\n"
	    "UsePAM no\n"
	    "StrictModes no\n"
	    "PasswordAuthentication no\n"
	    "KbdInteractiveAuthentication no\n"
	    "PermitRootLogin prohibit-password\n",
	    port, dir, authorized, dir);
	xasprintf(&conf, "%s/sshd_config", dir);
	if ((f = fopen(conf, "w")) == NULL)
		bench_util_fail("%s: %s", conf, strerror(errno));
	fputs(text, f);
	fclose(f);
	free(text);
	/* As root, sshd wants its privilege separation directory. */
	if (geteuid() == 0)
		mkdir("/run/sshd", 0755);
	xasprintf(&log, "%s/sshd.log", dir);
	fflush(NULL);
	if ((pid = fork()) == -1)
		bench_util_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1)
			dup2(fd, STDERR_FILENO);
		execl(BENCH_SSHD, BENCH_SSHD, "-D", "-e", "-f", conf,
		    (char *)NULL);
		_exit(127);
	}
	free(conf);
	free(log);
	return pid;
}
