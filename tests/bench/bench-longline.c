/* bench-longline.c: typing echo in a file with one 10 MB line while ten
 * people look at its end. Real daemon, real libssh clients; a table. */
#include "moot.h"

#include <sys/types.h>

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "../harness.h"
#include "bench-util.h"

#define COLS 80
#define ROWS 24
#define TERM "xterm-256color"
#define STATUS_ROW (ROWS - 2)
#define LONG_BYTES (10 * 1024 * 1024) /* the one line of the long file */
#define VIEWERS 10                    /* people looking at the line's end */
#define MAXVIEWERS 30
#define KEYS 100 /* keystrokes measured per run */
#define MAXKEYS 1000
#define JOIN_TIMEOUT 30000  /* ms for a client's first frame */
#define OPEN_TIMEOUT 120000 /* ms to open a file, or to reach its end */
#define KEY_TIMEOUT                                                            \
	60000         /* ms a keystroke may take (before the fix,              \
	                 several seconds each) */
#define WARMUP 5      /* keystrokes before those measured */
#define SETTLE 30     /* ms of pumping between keystrokes */
#define QUIET 500     /* ms of pumping before a measurement */
#define WATCHDOG 1800 /* seconds the whole benchmark may take */

/*
 * The file shown on join sorts first in git's index, so the benchmark
 * opens both others itself. short.js is the baseline: the same people, the
 * same keys, in a file of ordinary lines. min.js is one line of
 * LONG_BYTES (a minified bundle) and its newline.
 */
#define START_NAME "a-start.txt"
#define START_TEXT "Opened on join; the benchmark opens the others.\n"
#define SHORT_NAME "short.js"
#define LONG_NAME "min.js"

/* What the typist's screen shows once a keystroke has been handled. */
struct typed {
	long col;    /* the status row's column */
	uint32_t ch; /* the cell left of the terminal cursor */
};

/* One run: its daemon, where everyone is, what the typist's echo took. */
struct run {
	const char *label;
	const char *file;
	int typist_end; /* the typist at the line's end (else its start) */
	struct h_daemon *d;
	struct h_client *c[MAXVIEWERS + 1]; /* c[0] types */
	int n;
	long end;       /* the viewers' column */
	struct typed t; /* the typist's last key */
	long width;     /* the line's columns before typing */
	long long *lat; /* echo of each measured keystroke, us */
	size_t nlat;
	long long ns0; /* daemon CPU before the measured keystrokes */
	long long ns;  /* over them */
	int failed;    /* no figures */
	int unclean;   /* figures, but the daemon did not exit 0 */
};

static uint32_t
next_random(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/*
 * Minified JavaScript: functions, assignments and strings with short
 * names, no spaces to speak of, now and then a non-ASCII character in a
 * string. The same every run.
 */
static char *
make_long(size_t target, size_t *len)
{
	static const char *words[] = {"\"use strict\"", "\"caf\xc3\xa9\"",
	    "\"\xe6\xbc\xa2\xe5\xad\x97\"", "null", "void 0", "!0", "!1",
	    "this", "arguments"};
	char *s = xmalloc(target + 512);
	uint32_t st = 20261127;
	size_t n = 0;
	unsigned a, b, c;

	while (n < target) {
		a = next_random(&st) % 1000;
		b = next_random(&st) % 100;
		c = next_random(&st) % 32;
		switch (next_random(&st) % 5) {
		case 0:
			n += sprintf(s + n,
			    "function n%u(e,t){return e.v%u=t*%u+"
			    "(e.w%u>>%u),e}",
			    a, b, c, a, c % 8);
			break;
		case 1:
			n += sprintf(s + n, "var r%u=%s,q%u=[%u,%u,%u];", a,
			    words[next_random(&st) % 9], b, a, b, c);
			break;
		case 2:
			n += sprintf(s + n,
			    "if(e.f%u>%u)for(var i=0;i<%u;i++)"
			    "t.push(i*%u);",
			    a, b, c, a);
			break;
		case 3:
			n += sprintf(s + n,
			    "o.prototype.m%u=function(){return "
			    "this.k%u||%s};",
			    a, b, words[next_random(&st) % 9]);
			break;
		default:
			n += sprintf(s + n, "e.exports.x%u=n%u;", a, b);
			break;
		}
	}
	s[n++] = '\n';
	s[n] = '\0';
	*len = n;
	return s;
}

/* Ordinary source: 300 lines of 20 to 70 columns. */
static char *
make_short(void)
{
	char *s = xmalloc(300 * 80 + 1);
	uint32_t st = 42;
	size_t n = 0;
	int i;

	for (i = 0; i < 300; i++)
		n += sprintf(s + n, "  const v%03d = f%u(a, %u) + g%u(b);\n", i,
		    next_random(&st) % 100, next_random(&st) % 1000,
		    next_random(&st) % 10);
	s[n] = '\0';
	return s;
}

/* The column in the status row's "  1:C", or -1. */
static long
status_col(struct h_client *c)
{
	const char *p = strstr(h_row(c, STATUS_ROW), "  1:");

	return p != NULL ? strtol(p + 4, NULL, 10) : -1;
}

/* The status row names a file (not a prompt). */
static int
status_names(struct h_client *c, void *arg)
{
	const char *row = h_row(c, STATUS_ROW), *name = arg;
	size_t n = strlen(name);

	return row[0] == ' ' && strncmp(row + 1, name, n) == 0 &&
	       row[1 + n] == ' ';
}

/* The picker lists exactly one file under its filter. */
static int
is_listed(struct h_client *c, void *arg)
{
	const char *name = arg;
	char want[320];

	snprintf(want, sizeof want, "Open: %s", name);
	if (strcmp(h_row(c, 0), want) != 0)
		return 0;
	snprintf(want, sizeof want, "  %s", name);
	return strcmp(h_row(c, 1), want) == 0;
}

/* The status row's column is past the first (End has been handled). */
static int
moved_right(struct h_client *c, void *arg)
{
	long col = status_col(c);

	return col > *(long *)arg;
}

/* The status row's column is exactly the one given. */
static int
col_is(struct h_client *c, void *arg)
{
	return bench_status_at(c, 1, *(long *)arg);
}

/* A keystroke has been handled: its column and character show. */
static int
is_typed(struct h_client *c, void *arg)
{
	struct typed *t = arg;
	struct h_cell cell;
	int x, y;

	if (!bench_status_at(c, 1, t->col))
		return 0;
	h_cursor(c, &x, &y);
	if (x < 1)
		return 0;
	h_cell(c, x - 1, y, &cell);
	return cell.ch == t->ch;
}

static void
report(struct h_daemon *d, struct h_client *c, const char *what,
    const struct run *r)
{
	fprintf(stderr, "bench-longline: %s: %s\n", r->label, what);
	if (c != NULL)
		h_dump(c);
	h_daemon_log(d, 20);
}

/* Open a file with Ctrl-O; 0 once its name is on the status row. */
static int
open_file(struct h_client *c, const char *name)
{
	h_key(c, "C-o");
	h_send(c, name);
	if (!h_until(c, is_listed, (void *)name, OPEN_TIMEOUT))
		return -1;
	h_key(c, "Enter");
	return h_until(c, status_names, (void *)name, OPEN_TIMEOUT) ? 0 : -1;
}

/* Send one key and time it until the typist's screen shows it. */
static long long
type_key(struct h_client *c, struct typed *t, int timeout)
{
	char ch = (char)t->ch;
	long long t0 = bench_now_us();

	h_send_bytes(c, &ch, 1);
	if (!h_until(c, is_typed, t, timeout))
		return -1;
	return bench_now_us() - t0;
}

/*
 * Start a run in its own daemon: everyone joins and opens the file, the
 * viewers go to the end of its first line, the typist to its end or its
 * start; then WARMUP keys. 0 if all went well.
 */
static int
run_start(struct run *r, const char *longtext, const char *shorttext,
    int viewers, int nkeys)
{
	char user[16], comment[64], *keys[MAXVIEWERS + 1], *repo;
	long start;
	int i, k;

	/* A fresh repository: nothing typed in a run before is journaled. */
	repo = h_repo_create(START_NAME, START_TEXT, SHORT_NAME, shorttext,
	    LONG_NAME, longtext, NULL);
	bench_watch_dir(repo);
	r->n = viewers + 1;
	for (i = 0; i < r->n; i++) {
		snprintf(
		    comment, sizeof comment, "u%02d <u%02d@example.com>", i, i);
		keys[i] = h_key_create(repo, comment);
	}
	r->lat = xcalloc(nkeys, sizeof *r->lat);
	r->d = bench_daemon_start(repo);
	for (i = 0; i < r->n; i++) {
		snprintf(user, sizeof user, "u%02d", i);
		r->c[i] = h_client_connect(
		    h_daemon_port(r->d), keys[i], user, COLS, ROWS, TERM);
		if (!h_until(r->c[i], status_names, START_NAME, JOIN_TIMEOUT)) {
			report(r->d, r->c[i],
			    "a client never drew its first frame", r);
			return -1;
		}
	}
	for (i = 0; i < r->n; i++) {
		if (open_file(r->c[i], r->file) != 0) {
			report(r->d, r->c[i], "the file never opened", r);
			return -1;
		}
	}
	/* The viewers to the end of the line, one after the other. */
	start = 1;
	for (i = 1; i < r->n; i++) {
		h_key(r->c[i], "End");
		if (!h_until(r->c[i], moved_right, &start, OPEN_TIMEOUT)) {
			report(r->d, r->c[i], "End never got there", r);
			return -1;
		}
	}
	r->end = status_col(r->c[1]);
	r->width = r->end - 1;
	if (r->typist_end) {
		h_key(r->c[0], "End");
		if (!h_until(r->c[0], col_is, &r->end, OPEN_TIMEOUT)) {
			report(r->d, r->c[0], "End never got there", r);
			return -1;
		}
	}
	h_pump_all(QUIET);

	/*
	 * Keys not measured: the document's first edit writes its whole text
	 * into the journal as its base, and the next commits copy that out
	 * of sqlite's write-ahead log; both are the journal's cost, not the
	 * screen's.
	 */
	r->t.col = r->typist_end ? r->end : 1;
	for (k = 0; k < WARMUP; k++) {
		r->t.col++;
		r->t.ch = 'A' + k;
		if (type_key(r->c[0], &r->t, KEY_TIMEOUT) < 0) {
			report(
			    r->d, r->c[0], "a first keystroke never showed", r);
			return -1;
		}
		h_pump_all(QUIET);
	}
	r->ns0 = bench_process_ns(h_daemon_pid(r->d));
	return 0;
}

/* Measured keystroke k of a run; 0 if it showed. */
static int
run_key(struct run *r, int k)
{
	long long us;
	char *what;

	r->t.col++;
	r->t.ch = 'a' + k % 26;
	if ((us = type_key(r->c[0], &r->t, KEY_TIMEOUT)) < 0) {
		xasprintf(&what, "keystroke %d never showed", k);
		report(r->d, r->c[0], what, r);
		free(what);
		return -1;
	}
	r->lat[r->nlat++] = us;
	return 0;
}

/* End a run: every viewer where it was, everyone leaves, the daemon
 * stops. */
static void
run_end(struct run *r)
{
	long long ns1;
	int i;

	ns1 = bench_process_ns(h_daemon_pid(r->d));
	r->ns = r->ns0 >= 0 && ns1 >= 0 ? ns1 - r->ns0 : -1;
	/* At the end of the line, after the typing when that was at its
	 * start. */
	if (!r->typist_end)
		r->end += WARMUP + (long)r->nlat;
	for (i = 1; !r->failed && i < r->n; i++) {
		if (!h_until(r->c[i], col_is, &r->end, KEY_TIMEOUT)) {
			report(r->d, r->c[i], "a viewer lost its place", r);
			r->failed = 1;
		}
	}
	for (i = 0; i < r->n && r->c[i] != NULL; i++)
		h_client_close(r->c[i]);
	/* A daemon still drawing frames that take seconds each (before the
	 * column index) may need SIGKILL: the figures stand, with a note. */
	if (bench_daemon_stop(r->d) != 0) {
		fprintf(stderr,
		    "bench-longline: %s: the daemon did not exit 0 "
		    "on SIGTERM\n",
		    r->label);
		r->unclean = 1;
	}
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench-longline [-k keystrokes (1 to %d)] "
	    "[-v viewers (1 to %d)]\n",
	    MAXKEYS, MAXVIEWERS);
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct run runs[] = {
	    {.label = "short lines, all at the end",
	        .file = SHORT_NAME,
	        .typist_end = 1},
	    {.label = "10 MB line, all at the end",
	        .file = LONG_NAME,
	        .typist_end = 1},
	    {.label = "10 MB line, typist at the start",
	        .file = LONG_NAME,
	        .typist_end = 0},
	};
	const size_t nruns = sizeof runs / sizeof runs[0];
	char *text, *shorttext, *clients;
	long long start;
	double p50[3], p95[3];
	int nkeys = KEYS, viewers = VIEWERS, ch, failed = 0, k;
	size_t len, r;
	struct run *x;

	while ((ch = getopt(argc, argv, "k:v:")) != -1) {
		switch (ch) {
		case 'k':
			nkeys = atoi(optarg);
			if (nkeys < 1 || nkeys > MAXKEYS)
				usage();
			break;
		case 'v':
			viewers = atoi(optarg);
			if (viewers < 1 || viewers > MAXVIEWERS)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	bench_init("bench-longline", WATCHDOG);
	ssh_init();
	xasprintf(&clients,
	    "clients:  libssh %s, %dx%d, TERM=%s, 127.0.0.1; %d viewers and "
	    "1 typist; %d keystrokes per run",
	    ssh_version(0), COLS, ROWS, TERM, viewers, nkeys);
	bench_print_header("moot long-line benchmark", clients, argc, argv);
	free(clients);
	start = h_now_ms();

	text = make_long(LONG_BYTES, &len);
	shorttext = make_short();
	printf("%s: one line of %zu bytes and its newline; %s: 300 lines "
	       "of about 40 bytes\n\n",
	    LONG_NAME, len - 1, SHORT_NAME);

	/*
	 * All runs are set up at once and their keys interleaved (one key
	 * of each in turn), so that whatever else the machine does falls on
	 * them alike.
	 */
	for (r = 0; r < nruns; r++) {
		if (run_start(&runs[r], text, shorttext, viewers, nkeys) != 0)
			runs[r].failed = 1;
	}
	for (k = 0; k < nkeys; k++) {
		for (r = 0; r < nruns; r++) {
			if (runs[r].failed)
				continue;
			if (run_key(&runs[r], k) != 0)
				runs[r].failed = 1;
			h_pump_all(SETTLE);
		}
	}
	for (r = 0; r < nruns; r++) {
		if (runs[r].d != NULL)
			run_end(&runs[r]);
		if (runs[r].failed || runs[r].unclean)
			failed = 1;
	}
	free(text);
	free(shorttext);

	printf("Echo: from sending a key to the typist's own screen showing "
	       "it (and its column),\nms; each run has its own daemon, all "
	       "three at once, their keys taking turns;\nthe viewers sit at "
	       "the end of line 1 (End).\n\n");
	printf("  %-34s %5s %8s %8s %8s %8s %8s  %s\n", "run", "keys",
	    "columns", "p50", "p95", "p99", "max", "daemon CPU/key");
	for (r = 0; r < nruns; r++) {
		x = &runs[r];
		p50[r] = p95[r] = -1;
		if (x->failed) {
			printf("  %-34s failed (see the messages above)\n",
			    x->label);
			continue;
		}
		qsort(x->lat, x->nlat, sizeof *x->lat, bench_cmp_ll);
		p50[r] = bench_pct(x->lat, x->nlat, 50);
		p95[r] = bench_pct(x->lat, x->nlat, 95);
		printf("  %-34s %5zu %8ld %8.2f %8.2f %8.2f %8.2f  %s ms%s\n",
		    x->label, x->nlat, x->width, p50[r], p95[r],
		    bench_pct(x->lat, x->nlat, 99),
		    x->lat[x->nlat - 1] / 1000.0,
		    bench_fig(x->ns >= 0 ? x->ns / 1e6 / x->nlat : -1, "%.3f"),
		    x->unclean ? " (daemon killed)" : "");
	}
	printf("\n  long / short, all at the end:        p50 %s  p95 %s\n",
	    bench_ratio(p50[1], p50[0], "%.2fx"),
	    bench_ratio(p95[1], p95[0], "%.2fx"));
	printf("  long / short, typist at the start:   p50 %s  p95 %s\n",
	    bench_ratio(p50[2], p50[0], "%.2fx"),
	    bench_ratio(p95[2], p95[0], "%.2fx"));
	printf("  goal: under 2x with %d viewers at the end of the line: "
	       "%s\n\n",
	    viewers,
	    p50[0] > 0 && p50[1] > 0 && p50[2] > 0 && p50[1] < 2 * p50[0] &&
	            p50[2] < 2 * p50[0] && p95[1] < 2 * p95[0] &&
	            p95[2] < 2 * p95[0]
	        ? "met (p50 and p95)"
	        : "not met");

	bench_print_end(start);
	for (r = 0; r < nruns; r++)
		free(runs[r].lat);
	ssh_finalize();
	return failed ? 1 : 0;
}
