/* bench-fairness.c: what one abusive person costs everyone else.
 * Others' echo during pastes, chat floods, huge terminals vs a quiet run. */
#include "moot.h"

#include <sys/types.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Without libssh's names from before 0.4 (buffer_free ...), which clash
 * with moot's buffer.h. */
#define LIBSSH_LEGACY_0_4
#include <libssh/libssh.h>

#include "../harness.h"
#include "bench-util.h"
#include "buffer.h"
#include "frame.h"
#include "proto.h"
#include "server.h"

#define COLS 80
#define ROWS 24
#define TERM "xterm-256color"
#define FILE_NAME "README.md"
#define TYPISTS 3 /* people typing, each on a line of their own */
#define ABUSERS 4 /* connections of the abuser (or viewers) */
#define KEYS 150  /* default keystrokes measured per phase */
#define MAXKEYS (TYPISTS * 60 - WARMUP) /* a line must fit in COLS */
#define GAP 40            /* ms between keystrokes (abuse runs meanwhile) */
#define WARMUP TYPISTS    /* keystrokes typed first, not measured */
#define KEY_TIMEOUT 20000 /* ms a keystroke may take to reach everyone */
#define JOIN_TIMEOUT 20000
#define WATCHDOG 900 /* seconds the whole benchmark may take */

#define HUGE_SIZE 10000         /* what the huge terminals ask for */
#define PASTE_HELD (16 << 20)   /* bytes each paste holds: the default */
#define PASTE_STEP (256 * 1024) /* bytes streamed per gap, phase pastes */
#define FLOOD_STEP 15           /* chat messages per gap, phase chat */
#define FLOOD_TEXT 990          /* bytes of each */
#define PASTE_START "\033[200~"
#define PASTE_END "\033[201~"
#define SETTLE 3000 /* ms for the abusers' first frames to be drawn */

static const char file_text[] =
    "\n\n\n"
    "# Fairness benchmark\n"
    "\n"
    "Three people type on the first three lines while someone else\n"
    "abuses the session: every figure is their echo.\n";

/* The phases: a quiet baseline, then each abuse alone. */
enum phase {
	PHASE_QUIET,
	PHASE_VIEWERS, /* ABUSERS more people watching, 80x24: for scale */
	PHASE_HUGE,    /* ABUSERS watchers asking for 10000x10000 */
	PHASE_PASTES,  /* ABUSERS unfinished pastes at the budget + one more */
	PHASE_CHAT,    /* one person flooding the chat */
	NPHASES
};

static const char *phase_names[NPHASES] = {
    "quiet", "viewers", "huge", "pastes", "chat"};

static const char *phase_what[NPHASES] = {
    "the typists alone",
    "4 more people watching at 80x24",
    "4 watchers asking for 10000x10000 terminals",
    "4 unfinished 16 MB pastes (the default budget, 64 MB) held, a 5th "
    "streaming",
    "one person sending chat messages of 990 bytes (pasted) as fast as "
    "they can",
};

/* The results of one phase. */
struct result {
	long long *others; /* us per (keystroke, other typist's screen) */
	size_t nothers;
	long long *own; /* us per keystroke on the typist's own screen */
	size_t nown;
	int keys;
	double cpu_daemon;    /* ms of the daemon's CPU per keystroke */
	double cpu_frontends; /* the same, for all frontends together */
	long rss_start;       /* kB, the daemon once everyone joined */
	long rss_peak;        /* kB, VmHWM at the end */
	long chat_rows;       /* chat rows in the journal (phase chat) */
	int log_lines;        /* chat lines in the daemon's log (phase chat) */
	long long abuse_kb;   /* kB the abuser sent */
	int failed;
};

/* What a keystroke's predicate looks for on every typist's screen. */
struct expect {
	struct h_client **c;
	int x, y;
	uint32_t ch;
	long long t0;
	long long at[TYPISTS];
	int left;
};

static int
seen_everywhere(struct h_client *unused, void *arg)
{
	struct expect *e = arg;
	struct h_cell cell;
	long long t = bench_now_us();
	int i;

	for (i = 0; i < TYPISTS; i++) {
		if (e->at[i] != -1)
			continue;
		h_cell(e->c[i], e->x, e->y, &cell);
		if (cell.ch == e->ch) {
			e->at[i] = t - e->t0;
			e->left--;
		}
	}
	return e->left == 0;
}

static int
cursor_at_row(struct h_client *c, void *arg)
{
	int x, y;

	h_cursor(c, &x, &y);
	return x == 0 && y == *(int *)arg;
}

/* CPU time of a process's children (the frontends) in ns, -1 if unknown. */
static long long
children_ns(pid_t pid)
{
	pid_t kids[64];
	long long t, sum = 0;
	int i, n;

	n = h_children(pid, kids, 64);
	for (i = 0; i < n; i++) {
		if ((t = bench_thread_ns(kids[i])) < 0)
			return -1;
		sum += t;
	}
	return sum;
}

/* Connect (screen cols x rows, asking for pty_cols x pty_rows) and wait
 * for the first frame; NULL if it never comes. */
static struct h_client *
join(int port, const char *key, const char *user, int pty_cols, int pty_rows)
{
	struct h_client *c;
	struct h_rowtext rt;

	c = h_client_connect_pty(
	    port, key, user, COLS, ROWS, pty_cols, pty_rows, TERM);
	rt.y = ROWS - 2;
	rt.text = FILE_NAME;
	/* A huge terminal's status row is far below this screen. */
	if (pty_rows > ROWS)
		rt.y = ROWS - 1;
	if (pty_rows == ROWS && !h_until(c, h_row_has, &rt, JOIN_TIMEOUT)) {
		fprintf(stderr,
		    "bench-fairness: %s never drew its first "
		    "frame\n",
		    user);
		h_dump(c);
		return NULL;
	}
	return c;
}

/* The abuse of a phase, between two keystrokes. */
static void
abuse_step(enum phase p, struct h_client **ab, struct result *r)
{
	static char data[PASTE_STEP], msg[FLOOD_TEXT + 32],
	    flood_text[FLOOD_TEXT + 1];
	int i, n;

	memset(flood_text, 'f', FLOOD_TEXT);
	switch (p) {
	case PHASE_PASTES:
		memset(data, 'p', sizeof data);
		h_send_bytes(ab[ABUSERS], data, sizeof data);
		r->abuse_kb += sizeof data / 1024;
		break;
	case PHASE_CHAT:
		/* Ctrl-T, the text as a paste (as a script would: one
		 * message, not a key per byte), Enter. */
		n = snprintf(msg, sizeof msg,
		    "\024" PASTE_START "%s" PASTE_END "\r", flood_text);
		for (i = 0; i < FLOOD_STEP; i++)
			h_send_bytes(ab[0], msg, n);
		r->abuse_kb += FLOOD_STEP * n / 1024;
		break;
	default:
		break;
	}
}

/* Set up a phase's abuse before the measurement; 0 on success. */
static int
abuse_start(enum phase p, int port, const char *key, struct h_client **ab,
    struct result *r)
{
	static char data[256 * 1024];
	char user[32];
	size_t sent;
	int i, n = 0;

	switch (p) {
	case PHASE_VIEWERS:
	case PHASE_HUGE:
	case PHASE_PASTES:
		n = p == PHASE_PASTES ? ABUSERS + 1 : ABUSERS;
		break;
	case PHASE_CHAT:
		n = 1;
		break;
	default:
		return 0;
	}
	for (i = 0; i < n; i++) {
		snprintf(user, sizeof user, "abuser%d", i);
		ab[i] =
		    join(port, key, user, p == PHASE_HUGE ? HUGE_SIZE : COLS,
		        p == PHASE_HUGE ? HUGE_SIZE : ROWS);
		if (ab[i] == NULL)
			return -1;
	}
	h_pump_all(SETTLE);
	if (p != PHASE_PASTES)
		return 0;
	/* Pastes that never end, at the budget together. */
	memset(data, 'q', sizeof data);
	for (i = 0; i <= ABUSERS; i++)
		h_send(ab[i], PASTE_START);
	for (i = 0; i < ABUSERS; i++) {
		for (sent = 0; sent < PASTE_HELD; sent += sizeof data) {
			h_send_bytes(ab[i], data, sizeof data);
			h_pump_all(0);
		}
		r->abuse_kb += PASTE_HELD / 1024;
	}
	h_pump_all(1000);
	return 0;
}

/* One phase with its own daemon. */
static void
run_phase(enum phase p, int keys, struct result *r)
{
	struct h_client *c[TYPISTS], *ab[ABUSERS + 1];
	struct h_daemon *d;
	struct expect e;
	char *key[TYPISTS], *abkey, *repo, comment[64], user[32], ch, *out;
	long long ns0 = -1, ns1, fns0 = -1, fns1;
	pid_t dpid;
	int i, k, j, who;

	memset(r, 0, sizeof *r);
	r->others = xcalloc((size_t)keys * (TYPISTS - 1), sizeof *r->others);
	r->own = xcalloc(keys, sizeof *r->own);
	memset(ab, 0, sizeof ab);

	repo = h_repo_create(FILE_NAME, file_text, NULL);
	for (i = 0; i < TYPISTS; i++) {
		snprintf(comment, sizeof comment, "typist%d <t%d@example.com>",
		    i, i);
		key[i] = h_key_create(repo, comment);
	}
	abkey = h_key_create(repo, "Abuser <abuser@example.com>");
	d = bench_daemon_start(repo);
	dpid = h_daemon_pid(d);

	/* Each typist goes to a line of their own (line i). */
	for (i = 0; i < TYPISTS; i++) {
		snprintf(user, sizeof user, "typist%d", i);
		if ((c[i] = join(h_daemon_port(d), key[i], user, COLS, ROWS)) ==
		    NULL) {
			r->failed = 1;
			goto out;
		}
		for (j = 0; j < i; j++)
			h_key(c[i], "Down");
	}
	for (i = 0; i < TYPISTS; i++) {
		if (!h_until(c[i], cursor_at_row, &i, KEY_TIMEOUT)) {
			fprintf(stderr,
			    "bench-fairness: %s: typist%d never "
			    "got to line %d\n",
			    phase_names[p], i, i + 1);
			h_dump(c[i]);
			r->failed = 1;
			goto out;
		}
	}
	if (abuse_start(p, h_daemon_port(d), abkey, ab, r) != 0) {
		r->failed = 1;
		goto out;
	}
	r->rss_start = h_rss_kb(dpid);

	for (k = -WARMUP; k < keys; k++) {
		if (k == 0) {
			ns0 = bench_thread_ns(dpid);
			fns0 = children_ns(dpid);
		}
		who = (k + WARMUP) % TYPISTS;
		ch = 'a' + ((k + WARMUP) / TYPISTS) % 26;
		e.c = c;
		e.x = (k + WARMUP) / TYPISTS;
		e.y = who;
		e.ch = (unsigned char)ch;
		e.left = TYPISTS;
		for (i = 0; i < TYPISTS; i++)
			e.at[i] = -1;
		e.t0 = bench_now_us();
		h_send_bytes(c[who], &ch, 1);
		if (!h_until(c[0], seen_everywhere, &e, KEY_TIMEOUT)) {
			fprintf(stderr,
			    "bench-fairness: %s: keystroke %d of typist%d "
			    "not everywhere after %d ms\n",
			    phase_names[p], k, who, KEY_TIMEOUT);
			for (i = 0; i < TYPISTS; i++)
				h_dump(c[i]);
			h_daemon_log(d, 20);
			r->failed = 1;
			goto out;
		}
		for (i = 0; i < TYPISTS && k >= 0; i++) {
			if (i == who)
				r->own[r->nown++] = e.at[i];
			else
				r->others[r->nothers++] = e.at[i];
		}
		r->keys += k >= 0;
		abuse_step(p, ab, r);
		h_pump_all(GAP);
	}
	ns1 = bench_thread_ns(dpid);
	fns1 = children_ns(dpid);
	r->cpu_daemon = ns0 >= 0 && ns1 >= 0 ? (ns1 - ns0) / 1e6 / keys : -1;
	r->cpu_frontends =
	    fns0 >= 0 && fns1 >= 0 ? (fns1 - fns0) / 1e6 / keys : -1;
	r->rss_peak = h_peak_kb(dpid);

	if (p == PHASE_CHAT) {
		h_pump_all(500);
		if (h_run_capture(repo, NULL, &out, "sqlite3",
		        ".git/moot/journal.db", "SELECT count(*) FROM chat",
		        (char *)NULL) == 0)
			r->chat_rows = strtol(out, NULL, 10);
		else
			r->chat_rows = -1;
		free(out);
		out = h_daemon_log_text(d, NULL);
		for (i = 0, r->log_lines = 0; out[i] != '\0'; i++) {
			if (strncmp(out + i, " says: ", 7) == 0)
				r->log_lines++;
		}
		free(out);
	}

out:
	if (bench_daemon_stop(d) != 0) {
		fprintf(stderr,
		    "bench-fairness: %s: the daemon did not exit 0 "
		    "on SIGTERM\n",
		    phase_names[p]);
		r->failed = 1;
	}
	bench_cleanup();
}

static void
print_results(struct result *res, int keys)
{
	struct result *r, *q = &res[PHASE_QUIET];
	double p50, p99, q99;
	int p;

	printf("Echo, ms: from a typist sending a byte to the character in "
	       "its cell;\n   others: on the other %d typists' screens, over "
	       "all (keystroke, screen) pairs;\n   own: on the typist's "
	       "screen. %d keystrokes per phase, %d ms apart, after %d "
	       "not measured\n   (one per typist). Each phase has its own "
	       "daemon.\n\n",
	    TYPISTS - 1, keys, GAP, WARMUP);
	for (p = 0; p < NPHASES; p++)
		printf("   %-8s %s\n", phase_names[p], phase_what[p]);
	printf("\n   phase    others p50     p99     max   own p50     p99"
	       "   p99/quiet\n");
	q99 = -1;
	if (!q->failed) {
		qsort(q->others, q->nothers, sizeof *q->others, bench_cmp_ll);
		q99 = bench_pct(q->others, q->nothers, 99);
	}
	for (p = 0; p < NPHASES; p++) {
		r = &res[p];
		if (r->failed) {
			printf("   %-8s failed (see the messages above)\n",
			    phase_names[p]);
			continue;
		}
		qsort(r->others, r->nothers, sizeof *r->others, bench_cmp_ll);
		qsort(r->own, r->nown, sizeof *r->own, bench_cmp_ll);
		p50 = bench_pct(r->others, r->nothers, 50);
		p99 = bench_pct(r->others, r->nothers, 99);
		printf("   %-8s %10.2f %7.2f %7.2f %9.2f %7.2f   %9s\n",
		    phase_names[p], p50, p99,
		    r->others[r->nothers - 1] / 1000.0,
		    bench_pct(r->own, r->nown, 50),
		    bench_pct(r->own, r->nown, 99),
		    bench_ratio(p99, q99, "%.2f"));
	}

	printf("\nCPU per keystroke (ms, schedstat) of the daemon and of all "
	       "frontends together;\nthe daemon's RSS (kB) once everyone "
	       "joined and its peak (VmHWM) over the phase;\nwhat the abuser "
	       "sent\n\n");
	printf("   phase     daemon  frontends   RSS start    RSS peak   "
	       "abuser sent kB\n");
	for (p = 0; p < NPHASES; p++) {
		r = &res[p];
		if (r->failed)
			continue;
		printf("   %-8s %7s %10s %11ld %11ld %16lld\n", phase_names[p],
		    bench_fig(r->cpu_daemon, "%.3f"),
		    bench_fig(r->cpu_frontends, "%.3f"), r->rss_start,
		    r->rss_peak, r->abuse_kb);
	}
	r = &res[PHASE_CHAT];
	if (!r->failed)
		printf("\n   chat: %ld messages in the journal, %d chat lines "
		       "in the log\n",
		    r->chat_rows, r->log_lines);
	printf("\n");
}

/* Thread CPU time in ns. */
static long long
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * What a frame costs the daemon, in this process: daemon state built by
 * hand (as the renderer's unit tests do) with one person in a file of
 * FRAME_LINES lines of 60 characters, then for each size FRAME_RUNS
 * frames made as the daemon makes them after a keystroke (a character
 * inserted at the top, frames reused), timed in three parts: clearing and
 * rendering, diffing and encoding, and the rest (allocation the first
 * times). Once in a full screen of text, once with the file's first 8
 * lines only (a mostly blank screen, as in the huge phase).
 */
#define FRAME_LINES 2000
#define FRAME_RUNS 200
static void
frame_costs(void)
{
	static const unsigned sizes[][2] = {
	    {80, 24}, {200, 60}, {PROTO_MAX_COLS, PROTO_MAX_ROWS}};
	struct frame *now, *prev;
	struct bytes out;
	struct doc *d;
	struct client *c;
	char *text, *p;
	long long t0, t1, t2, t3, render, diff, rest;
	size_t k, full;
	int i, j;

	server = xcalloc(1, sizeof *server);
	TAILQ_INIT(&server->docs);
	TAILQ_INIT(&server->clients);
	TAILQ_INIT(&server->chat);
	text = xmalloc(FRAME_LINES * 61 + 1);
	for (p = text, i = 0; i < FRAME_LINES; i++) {
		for (j = 0; j < 60; j++)
			*p++ = 'a' + (i + j) % 26;
		*p++ = '\n';
	}
	*p = '\0';
	d = xcalloc(1, sizeof *d);
	d->path = xstrdup(FILE_NAME);
	TAILQ_INSERT_TAIL(&server->docs, d, entry);
	c = xcalloc(1, sizeof *c);
	c->name = xstrdup("typist0");
	c->colour = 1;
	c->ready = 1;
	TAILQ_INSERT_TAIL(&server->clients, c, entry);

	printf("What one frame costs the daemon, us of CPU (this process, "
	       "the daemon's code):\n   after a character typed at the top "
	       "of a file of %d lines of 60 characters\n   (full: the "
	       "screen full of text) or of 8 such lines (sparse), %d frames "
	       "each\n   after two that make the frames; clear+render: "
	       "render_client; diff+encode:\n   proto_put_frame against the "
	       "previous frame; other: allocation (none: the\n   daemon "
	       "keeps two frames per person and swaps them)\n\n",
	    FRAME_LINES, FRAME_RUNS);
	printf("   size        text    clear+render  diff+encode   other    "
	       "total\n");
	for (full = 0; full < 2; full++) {
		for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
			d->buf = buffer_from(
			    text, full == 0 ? 8 * 61 : FRAME_LINES * 61);
			c->cols = sizes[k][0];
			c->rows = sizes[k][1];
			view_set_doc(&c->view, d);
			now = prev = NULL;
			render = diff = rest = 0;
			for (i = -2; i < FRAME_RUNS; i++) {
				buffer_insert(d->buf, 0, "x", 1);
				t0 = cpu_ns();
				if (now == NULL)
					now = frame_create(c->cols, c->rows);
				t1 = cpu_ns();
				render_client(server, c, now);
				t2 = cpu_ns();
				bytes_init(&out);
				t3 = cpu_ns();
				proto_put_frame(&out, i, 0, now, prev);
				if (i >=
				    0) { /* the first two make the frames */
					rest += t1 - t0;
					render += t2 - t1;
					diff += cpu_ns() - t3;
				}
				bytes_free(&out);
				/* Swap, as server_send_frame does. */
				p = (char *)prev;
				prev = now;
				now = (struct frame *)p;
			}
			printf("   %4ux%-4u  %-6s %12.1f %12.1f %7.1f %8.1f\n",
			    c->cols, c->rows, full ? "full" : "sparse",
			    render / 1e3 / FRAME_RUNS, diff / 1e3 / FRAME_RUNS,
			    rest / 1e3 / FRAME_RUNS,
			    (render + diff + rest) / 1e3 / FRAME_RUNS);
			frame_free(now);
			frame_free(prev);
			buffer_free(d->buf);
		}
	}
	printf("\n");
	free(text);
	free(c->name);
	free(c);
	free(d->path);
	free(d);
	free(server);
	server = NULL;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench-fairness [-k keystrokes (%d to %d)] "
	    "[--only quiet|viewers|huge|pastes|chat]...\n",
	    TYPISTS, MAXKEYS);
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"only", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
	struct result res[NPHASES];
	char *clients;
	long long start;
	int keys = KEYS, ch, p, only = 0, failed = 0;

	while ((ch = getopt_long(argc, argv, "k:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			keys = atoi(optarg);
			if (keys < TYPISTS || keys > MAXKEYS)
				usage();
			break;
		case 'o':
			for (p = 0; p < NPHASES; p++) {
				if (strcmp(optarg, phase_names[p]) == 0)
					break;
			}
			if (p == NPHASES)
				usage();
			only |= 1 << p;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (only == 0)
		only = (1 << NPHASES) - 1;
	only |= 1 << PHASE_QUIET; /* the baseline of the ratios */

	bench_init("bench-fairness", WATCHDOG);
	ssh_init();
	xasprintf(&clients,
	    "clients:  libssh %s, %dx%d, TERM=%s, 127.0.0.1; %d typists, "
	    "%d keystrokes per phase",
	    ssh_version(0), COLS, ROWS, TERM, TYPISTS, keys);
	bench_print_header("moot fairness benchmark", clients, argc, argv);
	free(clients);
	start = h_now_ms();

	memset(res, 0, sizeof res);
	for (p = 0; p < NPHASES; p++) {
		if (!(only & (1 << p))) {
			res[p].failed = 1;
			continue;
		}
		run_phase(p, keys, &res[p]);
		if (res[p].failed)
			failed = 1;
	}
	print_results(res, keys);
	frame_costs();
	bench_print_end(start);
	for (p = 0; p < NPHASES; p++) {
		free(res[p].others);
		free(res[p].own);
	}
	ssh_finalize();
	return failed ? 1 : 0;
}
