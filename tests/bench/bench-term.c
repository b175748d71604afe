/* bench-term.c: shared terminals under load: typing beside a flood, a cat
 * watched by ten against tmux under sshd, and frames for idle people. */
#include "moot.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "../harness.h"
#include "bench-util.h"

#define WATCHERS 10        /* people watching the cat, the typist among them */
#define BIG_MB 50          /* the file cat prints */
#define QUICK_BIG_MB 5     /* the same with --quick */
#define ROUNDS 3           /* cats timed per server */
#define ECHOES 200         /* keystrokes per phase of the typing part */
#define QUICK_ECHOES 40    /* the same with --quick */
#define CYCLES 4           /* quiet and flood phases, alternating */
#define ECHO_PAUSE 20      /* ms between two keystrokes, as people type */
#define RAMP_MS 1000       /* ms of flood before keystrokes are timed */
#define SETTLE_MS 1000     /* ms after a flood is stopped */
#define ALONE_MS 3000      /* ms of a flood with nobody typing */
#define ECHO_TIMEOUT 10000 /* ms a keystroke may take to come back */
#define CAT_TIMEOUT 300000 /* ms a cat may take to reach every screen */
#define WAIT 20000         /* ms for anything else */
#define WATCHDOG 1800      /* seconds the whole benchmark may take */
#define COLS 80
#define ROWS 24
#define TERM "xterm-256color"
#define LINE_LEN 20 /* "line NN of the notes" */

static int big_mb = BIG_MB;
static int echoes_n = ECHOES;
static char *big_path;

static void bench_fail(const char *, ...) __dead __printflike(1, 2);

static void
bench_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bench-term: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/*
 * The file cat prints: lines of lower-case words and digits, 0 to 150
 * characters (some wrap), so that no cell of it can be taken for the
 * upper-case end marker that follows it.
 */
static void
make_big(const char *dir)
{
	static const char words[][8] = {"alpha", "beta", "gamma", "delta",
	    "moot", "frame", "cell", "pane", "shell", "the", "of", "line"};
	unsigned long long want = (unsigned long long)big_mb << 20, done = 0;
	unsigned seed = 12345, len, i;
	char line[256];
	FILE *f;

	xasprintf(&big_path, "%s/big.txt", dir);
	if ((f = fopen(big_path, "w")) == NULL)
		bench_fail("%s: %s", big_path, strerror(errno));
	while (done < want) {
		seed = seed * 1103515245 + 12345;
		len = (seed >> 16) % 151;
		i = 0;
		while (i < len) {
			seed = seed * 1103515245 + 12345;
			i += (unsigned)snprintf(line + i, sizeof line - i,
			    "%s%u ", words[(seed >> 16) % 12],
			    (seed >> 8) % 100);
		}
		if (i > len)
			i = len;
		line[i++] = '\n';
		fwrite(line, 1, i, f);
		done += i;
	}
	fclose(f);
}

static int
screen_has(struct h_client *c, void *arg)
{
	return strstr(h_screen(c), arg) != NULL;
}

/* Time from typing cmd into c (a shell) until every one of the n
 * watchers shows want; ms. */
static double
timed_until_all(struct h_client *c, const char *cmd, struct h_client **w, int n,
    const char *want)
{
	long long t0 = bench_now_us();
	int i;

	h_send(c, cmd);
	for (i = 0; i < n; i++) {
		if (!h_until(w[i], screen_has, (void *)want, CAT_TIMEOUT))
			bench_fail("watcher %d never showed %s", i + 1, want);
	}
	return (double)(bench_now_us() - t0) / 1000.0;
}

/* The frames the daemon logged as rendered for client id when they left
 * (-1 if not found). */
static long long
frames_of(struct h_daemon *d, unsigned id)
{
	char *log, want[64], *at;
	size_t len;
	long long n = -1;
	int tries;

	snprintf(want, sizeof want, "client %u: ", id);
	/* The line comes once the daemon has seen them go. */
	for (tries = 0; tries < 100 && n == -1; tries++) {
		h_pump_all(50);
		log = h_daemon_log_text(d, &len);
		for (at = log; (at = strstr(at, want)) != NULL; at++) {
			if (sscanf(at + strlen(want), "%lld frames rendered",
			        &n) == 1)
				break;
		}
		free(log);
	}
	return n;
}

/* -------- Typing beside a flood, and the idle person. */

struct at {
	long line, col;
};

static int
status_at(struct h_client *c, void *arg)
{
	struct at *at = arg;

	return bench_status_at(c, at->line, at->col);
}

/* The typist types x, then erases it: each keystroke timed until their
 * own screen shows it (its status line's column). */
static size_t
type_phase(struct h_client *t, int count, long long *out)
{
	struct at at;
	long long t0;
	size_t n = 0;
	int k;

	for (k = 0; k < count; k++) {
		at.line = 2;
		at.col = LINE_LEN + 1 + (k % 2 == 0);
		t0 = bench_now_us();
		if (k % 2 == 0)
			h_send(t, "x");
		else
			h_key(t, "BSpace");
		if (!h_until(t, status_at, &at, ECHO_TIMEOUT))
			bench_fail("no echo in %d ms", ECHO_TIMEOUT);
		out[n++] = bench_now_us() - t0;
		h_pump_all(ECHO_PAUSE);
	}
	return n;
}

static const char notes[] = "line 01 of the notes\n"
                            "line 02 of the notes\n"
                            "line 03 of the notes\n";

static int
run_typing(void)
{
	struct h_client *host, *typist, *idle, *w2, *i2;
	size_t idle_alone, watch_alone;
	long long frames_watch, frames_idle2;
	struct h_daemon *d;
	long long *quiet, *flood, *kind[2];
	size_t nq = 0, nf = 0, nkind[2] = {0, 0}, k;
	size_t idle_before, idle_flood = 0, host_before, host_flood = 0;
	long long frames_idle, frames_host;
	char *repo, *kh, *kt, *ki, *kw, *ki2, cmd[512];
	struct at at;
	double q99, f99;
	int i;

	quiet = xcalloc((size_t)echoes_n * CYCLES, sizeof *quiet);
	flood = xcalloc((size_t)echoes_n * CYCLES, sizeof *flood);
	for (i = 0; i < 2; i++)
		kind[i] = xcalloc((size_t)echoes_n * CYCLES, sizeof *kind[i]);
	repo = h_repo_create(
	    "notes.txt", notes, "other.txt", "another file\n", NULL);
	kh = h_key_with(repo, "host", "Host <host@example.com>");
	kt = h_key_with(repo, NULL, "Typist <typist@example.com>");
	ki = h_key_with(repo, NULL, "Idle <idle@example.com>");
	kw = h_key_with(repo, NULL, "Watcher <watcher@example.com>");
	ki2 = h_key_with(repo, NULL, "Reader <reader@example.com>");
	d = bench_daemon_start(repo);
	host = h_join(h_daemon_port(d), kh, "host");
	typist = h_join(h_daemon_port(d), kt, "typist");
	idle = h_join(h_daemon_port(d), ki, "idle");
	h_wait(typist, "line 01", WAIT);
	h_wait(idle, "line 01", WAIT);
	/* The idle person reads another file: nothing they see changes. */
	h_open(idle, "other.txt", WAIT);
	h_wait(idle, "another file", WAIT);
	h_palette(host, "term", WAIT);
	h_send(host, "echo READY_$((40+2))\r");
	h_wait(host, "READY_42", WAIT);
	h_key(typist, "Down");
	h_key(typist, "End");
	at.line = 2;
	at.col = LINE_LEN + 1;
	h_wait_pred(typist, status_at, &at, "the typist's line", WAIT);

	for (i = 0; i < CYCLES; i++) {
		nq += type_phase(typist, echoes_n, quiet + nq);
		/* yes, then cat of the file in a loop, in turn. */
		if (i % 2 == 0)
			snprintf(cmd, sizeof cmd, "yes\r");
		else
			snprintf(cmd, sizeof cmd, "while :; do cat %s; done\r",
			    big_path);
		h_send(host, cmd);
		h_pump_all(RAMP_MS);
		idle_before = h_client_bytes(idle);
		host_before = h_client_bytes(host);
		k = type_phase(typist, echoes_n, flood + nf);
		memcpy(
		    kind[i % 2] + nkind[i % 2], flood + nf, k * sizeof *flood);
		nkind[i % 2] += k;
		nf += k;
		idle_flood += h_client_bytes(idle) - idle_before;
		host_flood += h_client_bytes(host) - host_before;
		h_send(host, "\003");
		snprintf(cmd, sizeof cmd, "echo STOPPED_$((100+%d))\r", i);
		h_send(host, cmd);
		snprintf(cmd, sizeof cmd, "STOPPED_%d", 100 + i);
		if (!h_until(host, screen_has, cmd, 60000))
			bench_fail("the flood did not stop");
		h_pump_all(SETTLE_MS);
	}
	/* A flood with nobody typing, and two people who come in for it:
	 * one showing the terminal, one a document (clients are numbered
	 * from 1 in the order they came: these are 4 and 5). */
	h_send(host, "yes\r");
	h_pump_all(RAMP_MS);
	w2 = h_join(h_daemon_port(d), kw, "watcher");
	i2 = h_join(h_daemon_port(d), ki2, "idle2");
	h_wait(i2, "line 01", WAIT);
	h_palette(w2, "term 1", WAIT);
	h_pump_all(SETTLE_MS);
	idle_before = h_client_bytes(i2);
	host_before = h_client_bytes(w2);
	h_pump_all(ALONE_MS);
	idle_alone = h_client_bytes(i2) - idle_before;
	watch_alone = h_client_bytes(w2) - host_before;
	h_client_close(w2);
	h_client_close(i2);
	frames_watch = frames_of(d, 4);
	frames_idle2 = frames_of(d, 5);
	h_send(host, "\003");

	h_client_close(idle);
	h_client_close(host);
	frames_host = frames_of(d, 1);
	frames_idle = frames_of(d, 3);
	h_client_close(typist);
	bench_daemon_stop(d);

	qsort(quiet, nq, sizeof *quiet, bench_cmp_ll);
	qsort(flood, nf, sizeof *flood, bench_cmp_ll);
	q99 = bench_pct(quiet, nq, 99);
	f99 = bench_pct(flood, nf, 99);
	printf("typing in a document beside a terminal flood (yes, cat of "
	       "%d MB in a loop; %zu keystrokes each way):\n",
	    big_mb, nq);
	printf("  quiet:  p50 %s ms  p99 %s ms  max %s ms\n",
	    bench_fig(bench_pct(quiet, nq, 50), "%.1f"), bench_fig(q99, "%.1f"),
	    bench_fig(bench_pct(quiet, nq, 100), "%.1f"));
	printf("  flood:  p50 %s ms  p99 %s ms  max %s ms\n",
	    bench_fig(bench_pct(flood, nf, 50), "%.1f"), bench_fig(f99, "%.1f"),
	    bench_fig(bench_pct(flood, nf, 100), "%.1f"));
	printf("  p99 flood/quiet: %s (goal < 2)\n",
	    bench_ratio(f99, q99, "%.2f"));
	for (i = 0; i < 2; i++) {
		qsort(kind[i], nkind[i], sizeof *kind[i], bench_cmp_ll);
		printf("  during %s alone: p50 %s ms  p99 %s ms\n",
		    i == 0 ? "yes" : "the cat loop",
		    bench_fig(bench_pct(kind[i], nkind[i], 50), "%.1f"),
		    bench_fig(bench_pct(kind[i], nkind[i], 99), "%.1f"));
		free(kind[i]);
	}
	printf("an idle person (another document) during the floods: %zu "
	       "bytes received\n",
	    idle_flood);
	printf("the host, showing the terminal, meanwhile: %zu bytes\n",
	    host_flood);
	printf("frames rendered in the whole run (%d phases of typing, %d of "
	       "them beside a flood): host %lld, idle person %lld\n",
	    2 * CYCLES, CYCLES, frames_host, frames_idle);
	printf("yes alone for %d ms, nobody typing; two people in just for it "
	       "(frames rendered from joining to leaving, bytes in those "
	       "%d ms):\n",
	    ALONE_MS, ALONE_MS);
	printf("  showing the terminal: %lld frames, %zu bytes\n", frames_watch,
	    watch_alone);
	printf("  showing a document:   %lld frames, %zu bytes\n", frames_idle2,
	    idle_alone);
	free(quiet);
	free(flood);
	return f99 < 2 * q99;
}

/* -------- cat watched by ten: moot. */

static double
median(double *v, int n)
{
	int i, j;
	double t;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double
run_cat_moot(long long *cpu_ms)
{
	struct h_client *w[WATCHERS];
	struct h_daemon *d;
	char *repo, *key, name[64], cmd[512], want[64];
	double t[ROUNDS];
	long long cpu0;
	int i;

	repo = h_repo_create("README.md", "hello\n", NULL);
	d = bench_daemon_start(repo);
	for (i = 0; i < WATCHERS; i++) {
		snprintf(
		    name, sizeof name, "Watcher%d <w%d@example.com>", i, i);
		key = h_key_with(repo, i == 0 ? "host" : NULL, name);
		snprintf(name, sizeof name, "w%d", i);
		w[i] = h_join(h_daemon_port(d), key, name);
		h_wait(w[i], "hello", WAIT);
	}
	h_palette(w[0], "term", WAIT);
	for (i = 1; i < WATCHERS; i++)
		h_palette(w[i], "term 1", WAIT);
	h_send(w[0], "echo READY_$((40+2))\r");
	for (i = 0; i < WATCHERS; i++)
		h_wait(w[i], "READY_42", WAIT);
	cpu0 = bench_process_ns(h_daemon_pid(d));
	for (i = 0; i < ROUNDS; i++) {
		snprintf(cmd, sizeof cmd, "cat %s; echo END_$((%d+1000))\r",
		    big_path, i);
		snprintf(want, sizeof want, "END_%d", i + 1000);
		t[i] = timed_until_all(w[0], cmd, w, WATCHERS, want);
		printf("  moot round %d: %.0f ms\n", i + 1, t[i]);
	}
	*cpu_ms = (bench_process_ns(h_daemon_pid(d)) - cpu0) / 1000000 / ROUNDS;
	for (i = 0; i < WATCHERS; i++)
		h_client_close(w[i]);
	bench_daemon_stop(d);
	return median(t, ROUNDS);
}

/* -------- cat watched by ten: tmux under a private sshd. */

/* The tmux server's CPU time: its pid from the server itself. */
static pid_t
tmux_pid(const char *dir, const char *sock)
{
	char *cmd, *out;
	pid_t pid;

	xasprintf(&cmd, "tmux -L %s display-message -p '#{pid}'", sock);
	out = h_sh(dir, cmd);
	pid = (pid_t)atol(out);
	free(out);
	free(cmd);
	return pid;
}

static double
run_cat_tmux(long long *cpu_ms)
{
	struct h_client *w[WATCHERS];
	struct passwd *pw;
	char *dir, *key, *line, *authorized, *cmd, sock[64], want[64];
	char typed[512];
	double t[ROUNDS];
	long long cpu0 = -1;
	pid_t sshd, tmux;
	FILE *af;
	int i, port, status;

	if ((pw = getpwuid(getuid())) == NULL)
		bench_fail("no user name");
	dir = h_tmpdir("sshd");
	free(h_sh(dir, "mkdir .git")); /* where h_key_new puts keys */
	key = h_key_new(dir);
	line = h_key_line(key, "bench-term");
	xasprintf(&authorized, "%s/authorized_keys", dir);
	if ((af = fopen(authorized, "w")) == NULL)
		bench_fail("%s: %s", authorized, strerror(errno));
	fprintf(af, "%s\n", line);
	fclose(af);
	free(line);
	port = bench_free_port();
	sshd = bench_sshd_start(dir, port, authorized);
	if (!bench_sshd_ready(port, 10000))
		bench_fail("sshd did not start (see its log in %s)", dir);

	/* A private tmux server, its own socket and no configuration. */
	snprintf(sock, sizeof sock, "bench-term-%ld", (long)getpid());
	xasprintf(&cmd,
	    "TERM=%s tmux -L %s -f /dev/null new-session -d -s bench "
	    "-x %d -y %d",
	    TERM, sock, COLS, ROWS - 1);
	free(h_sh(dir, cmd));
	free(cmd);
	for (i = 0; i < WATCHERS; i++) {
		snprintf(want, sizeof want, "t%d", i);
		w[i] =
		    h_client_connect(port, key, pw->pw_name, COLS, ROWS, TERM);
		snprintf(typed, sizeof typed,
		    "exec tmux -L %s attach -t bench\r", sock);
		h_send(w[i], typed);
		h_wait(w[i], "[bench]", WAIT);
	}
	h_send(w[0], "echo READY_$((40+2))\r");
	for (i = 0; i < WATCHERS; i++)
		h_wait(w[i], "READY_42", WAIT);
	if ((tmux = tmux_pid(dir, sock)) > 0)
		cpu0 = bench_process_ns(tmux);
	for (i = 0; i < ROUNDS; i++) {
		snprintf(typed, sizeof typed, "cat %s; echo END_$((%d+2000))\r",
		    big_path, i);
		snprintf(want, sizeof want, "END_%d", i + 2000);
		t[i] = timed_until_all(w[0], typed, w, WATCHERS, want);
		printf("  tmux round %d: %.0f ms\n", i + 1, t[i]);
	}
	*cpu_ms =
	    cpu0 >= 0 ? (bench_process_ns(tmux) - cpu0) / 1000000 / ROUNDS : -1;
	for (i = 0; i < WATCHERS; i++)
		h_client_close(w[i]);
	xasprintf(&cmd, "tmux -L %s kill-server", sock);
	free(h_sh(dir, cmd));
	free(cmd);
	kill(sshd, SIGTERM);
	waitpid(sshd, &status, 0);
	free(authorized);
	return median(t, ROUNDS);
}

static int
tmux_installed(void)
{
	char *out = h_sh("/", "command -v tmux || true");
	int yes = *out != '\0';

	free(out);
	return yes;
}

static void __dead
usage(void)
{
	fprintf(stderr, "usage: bench-term [--quick] [--no-peer]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"quick", no_argument, NULL, 'q'},
	    {"no-peer", no_argument, NULL, 'P'}, {NULL, 0, NULL, 0}};
	char *clients, *dir;
	long long start, moot_cpu = -1, tmux_cpu = -1;
	double moot_ms, tmux_ms = -1;
	int ch, no_peer = 0, typing_ok;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q':
			big_mb = QUICK_BIG_MB;
			echoes_n = QUICK_ECHOES;
			break;
		case 'P':
			no_peer = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	bench_init("bench-term", WATCHDOG);
	ssh_init();
	xasprintf(&clients,
	    "clients:  libssh %s, %dx%d, TERM=%s, from 127.0.0.1, screens "
	    "read with libvterm; %d watchers of a cat of %d MB, %d rounds",
	    ssh_version(0), COLS, ROWS, TERM, WATCHERS, big_mb, ROUNDS);
	bench_print_header(
	    "moot shared terminal benchmark", clients, argc, argv);
	free(clients);
	start = h_now_ms();
	dir = h_tmpdir("big");
	bench_watch_dir(dir);
	make_big(dir);

	typing_ok = run_typing();
	printf("\ncat of %d MB to its end on %d screens (median of %d):\n",
	    big_mb, WATCHERS, ROUNDS);
	moot_ms = run_cat_moot(&moot_cpu);
	if (no_peer || access(BENCH_SSHD, X_OK) != 0 || !tmux_installed())
		printf("  tmux under sshd: not run (%s)\n",
		    no_peer ? "--no-peer" : "sshd or tmux is not installed");
	else
		tmux_ms = run_cat_tmux(&tmux_cpu);
	printf("  moot: %.0f ms (daemon CPU %lld ms a round)\n", moot_ms,
	    moot_cpu);
	if (tmux_ms >= 0) {
		printf("  tmux under sshd: %.0f ms (tmux server CPU %lld ms a "
		       "round)\n",
		    tmux_ms, tmux_cpu);
		printf("  moot/tmux: %s (goal <= 1.0)\n",
		    bench_ratio(moot_ms, tmux_ms, "%.2f"));
	}
	printf("\n");
	bench_print_end(start);
	ssh_finalize();
	return typing_ok && (tmux_ms < 0 || moot_ms <= tmux_ms) ? 0 : 1;
}
