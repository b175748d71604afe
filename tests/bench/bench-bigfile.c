/* bench-bigfile.c: opening a 50 MB file and typing in its middle.
 * A real daemon and a real libssh client on loopback; prints a table. */
#include "moot.h"

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "../harness.h"
#include "journal.h"
#include "bench-util.h"

#define COLS 80
#define ROWS 24
#define TERM "xterm-256color"
#define STATUS_ROW (ROWS - 2)
#define BIG_BYTES (50 * 1024 * 1024) /* the big file, at least */
#define SMALL_BYTES 2048             /* the baseline file, at least */
#define KEYS 300                     /* keystrokes measured per file */
#define OPEN_TIMEOUT 30000           /* ms an open may take */
#define FIRST_TIMEOUT 30000          /* ms the first keystroke may take */
#define KEY_TIMEOUT 5000             /* ms any other keystroke may take */
#define SETTLE 30                    /* ms of pumping between keystrokes */
#define BLOCKS 10    /* typing in blocks, off and on daemons taking turns */
#define QUIET 300    /* ms of pumping before a measurement */
#define IDLE 1000    /* ms of idle daemon measured after the join */
#define WATCHDOG 240 /* seconds the whole benchmark may take */

/*
 * The first file in git index order is the one shown on join: a tiny file
 * whose name sorts before the other two, so that both are opened by the
 * benchmark itself (with Ctrl-O) and neither is loaded before it says so.
 */
#define START_NAME "a-start.txt"
#define START_TEXT "Opened on join; the benchmark then opens the others.\n"

/* What one file costs: the baseline (small.c) and big.c. */
struct result {
	const char *name;
	const char *first; /* its first line, shown on row 0 once open */
	char *text;        /* its content until the repository is made */
	size_t bytes;
	long lines;
	long mid; /* the line typed in, 1-based */

	long long list_us; /* Ctrl-O and the name until the list shows it */
	long long open_us; /* Enter until the first line and status show */
	long long open_ns; /* daemon CPU for the open */
	long rss_before;   /* daemon RSS before and after the open, kB */
	long rss_after;
	long long goto_us;  /* Ctrl-G's Enter until the status shows mid */
	long long first_us; /* the first keystroke's echo */
	long long first_ns; /* the daemon's CPU for it */
	long long *lat;     /* echo of each measured keystroke, us */
	size_t nlat;
	long long keys_ns;       /* daemon CPU over the measured keystrokes */
	long long keys_wall_us;  /* how long they took, pauses included */
	double block_us[BLOCKS]; /* daemon CPU per keystroke of each block */
	int nblock;
	int failed;
};

/* What the screen shows once a keystroke has been handled. */
struct typed {
	long line;   /* the status row's L */
	long col;    /* the status row's C */
	uint32_t ch; /* the cell left of the terminal cursor */
};

/* A file's first line on row 0 and its name on the status row. */
struct shown {
	const char *name;
	const char *first;
};

/* A deterministic pseudo-random number (a 32-bit LCG's high bits). */
static uint32_t
next_random(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/* Append a few words from a fixed list, space separated. */
static size_t
add_words(char *out, size_t size, uint32_t *state, int n)
{
	static const char *words[] = {"the", "buffer", "line", "index", "of",
	    "each", "person", "cursor", "is", "kept", "in", "order", "when",
	    "an", "edit", "moves", "text", "after", "it", "journal", "write",
	    "frame", "screen", "document", "offset", "length", "tree", "node",
	    "split", "merge", "count", "bytes"};
	size_t len = 0;
	int i, w;

	for (i = 0; i < n; i++) {
		w = snprintf(out + len, size - len, "%s%s", i > 0 ? " " : "",
		    words[next_random(state) % (sizeof words / sizeof *words)]);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += w;
	}
	return len;
}

/* One line of C-like text (without its newline) into out; its length. */
static size_t
make_line(char *out, size_t size, uint32_t *state, long number)
{
	static const char tabs[] = "\t\t\t";
	uint32_t r = next_random(state), a, b, c;
	int depth = 1 + next_random(state) % 3;
	size_t len;
	int w;

	a = next_random(state) % 1000;
	b = next_random(state) % 100;
	c = next_random(state) % 32;
	switch (r % 12) {
	case 0:
		out[0] = '\0';
		return 0;
	case 1:
		len = snprintf(out, size, "/* ");
		len += add_words(
		    out + len, size - len, state, 3 + next_random(state) % 10);
		w = snprintf(out + len, size - len, " */");
		return len + (w > 0 ? (size_t)w : 0);
	case 2:
		return snprintf(out, size, "static int");
	case 3:
		return snprintf(
		    out, size, "fn_%07ld(struct item *it, size_t n)", number);
	case 4:
		return snprintf(out, size, "%s", r % 24 < 12 ? "{" : "}");
	case 5:
		return snprintf(
		    out, size, "%.*sif (it->f%u > %u)", depth, tabs, a, b);
	case 6:
	case 7:
		return snprintf(out, size,
		    "%.*sit->v%u = it->v%u * %u + (it->v%u >> %u);", depth,
		    tabs, a, b, c, a, c % 8);
	case 8:
		return snprintf(out, size, "%.*sreturn (v%u);", depth, tabs, a);
	case 9:
		len = snprintf(out, size, "%.*scall_%u(it, \"", depth, tabs, a);
		len += add_words(
		    out + len, size - len, state, 2 + next_random(state) % 7);
		w = snprintf(out + len, size - len, "\");");
		return len + (w > 0 ? (size_t)w : 0);
	case 10:
		return snprintf(
		    out, size, "%.*sit->count[%u] -= n;", depth, tabs, c);
	default:
		return snprintf(out, size, "%.*s}", depth - 1, tabs);
	}
}

/*
 * A file of C-like lines of varied length, at least target bytes (whole
 * lines), starting with the given first line. The same seed gives the same
 * text every run.
 */
static void
make_source(struct result *r, size_t target, uint32_t seed)
{
	char line[512];
	size_t len, n, size = target + sizeof line + 2;
	uint32_t state = seed;

	r->text = xmalloc(size + 1);
	len = snprintf(r->text, size, "%s\n", r->first);
	r->lines = 1;
	while (len < target) {
		n = make_line(line, sizeof line, &state, r->lines);
		if (n >= sizeof line)
			n = sizeof line - 1;
		memcpy(r->text + len, line, n);
		len += n;
		r->text[len++] = '\n';
		r->lines++;
	}
	r->text[len] = '\0';
	r->bytes = len;
	r->mid = r->lines / 2;
}

/* The status row names a file (not a prompt). */
static int
status_names(struct h_client *c, const char *name)
{
	const char *row = h_row(c, STATUS_ROW);
	size_t n = strlen(name);

	return row[0] == ' ' && strncmp(row + 1, name, n) == 0 &&
	       row[1 + n] == ' ';
}

/* A keystroke has been handled: its character and the new column show. */
static int
is_typed(struct h_client *c, void *arg)
{
	struct typed *t = arg;
	struct h_cell cell;
	int x, y;

	if (!bench_status_at(c, t->line, t->col))
		return 0;
	h_cursor(c, &x, &y);
	if (x < 1)
		return 0;
	h_cell(c, x - 1, y, &cell);
	return cell.ch == t->ch;
}

/* A file is open: its first line on row 0, its name on the status row. */
static int
is_shown(struct h_client *c, void *arg)
{
	struct shown *s = arg;

	return strcmp(h_row(c, 0), s->first) == 0 && status_names(c, s->name);
}

/* The picker lists exactly one file under its filter: the one asked for. */
static int
is_listed(struct h_client *c, void *arg)
{
	const char *name = arg;
	char want[320];

	snprintf(want, sizeof want, "Open: %s", name);
	if (strcmp(h_row(c, 0), want) != 0)
		return 0;
	snprintf(want, sizeof want, "  %s", name);
	return strcmp(h_row(c, 1), want) == 0 && h_row(c, 2)[0] == '\0';
}

/* The go-to-line prompt shows the given text. */
static int
is_prompt(struct h_client *c, void *arg)
{
	return strcmp(h_row(c, STATUS_ROW), arg) == 0;
}

/* The status row shows a file at the start of a line. */
struct at_line {
	const char *name;
	long line;
};

static int
is_at_line(struct h_client *c, void *arg)
{
	struct at_line *a = arg;

	return status_names(c, a->name) && bench_status_at(c, a->line, 1);
}

/* Say what went wrong, with the screen and the daemon's log. */
static void
report(
    struct h_daemon *d, struct h_client *c, const char *what, const char *name)
{
	fprintf(stderr, "bench-bigfile: %s: %s\n", name, what);
	h_dump(c);
	h_daemon_log(d, 20);
}

/*
 * Open a file with Ctrl-O: type its name, wait until the list shows it,
 * then time Enter until its first line and name show, with the daemon's
 * CPU for it. With measure unset, only switch to it.
 */
static int
open_file(struct h_daemon *d, struct h_client *c, struct result *r, int measure)
{
	struct shown s;
	pid_t pid = h_daemon_pid(d);
	long long t0, ns0, ns1;

	t0 = bench_now_us();
	h_key(c, "C-o");
	h_send(c, r->name);
	if (!h_until(c, is_listed, (void *)r->name, KEY_TIMEOUT)) {
		report(d, c, "the picker never listed it", r->name);
		return -1;
	}
	if (measure)
		r->list_us = bench_now_us() - t0;
	h_pump_all(QUIET);

	s.name = r->name;
	s.first = r->first;
	if (measure) {
		r->rss_before = h_rss_kb(pid);
		ns0 = bench_process_ns(pid);
	}
	t0 = bench_now_us();
	h_key(c, "Enter");
	if (!h_until(c, is_shown, &s, OPEN_TIMEOUT)) {
		report(d, c, "never showed its first line", r->name);
		return -1;
	}
	if (!measure)
		return 0;
	r->open_us = bench_now_us() - t0;
	/* Whatever the daemon does right after the frame counts too. */
	h_pump_all(QUIET);
	ns1 = bench_process_ns(pid);
	r->open_ns = ns0 >= 0 && ns1 >= 0 ? ns1 - ns0 : -1;
	r->rss_after = h_rss_kb(pid);
	return 0;
}

/* Send one keystroke and time it until it shows; -1 on timeout. */
static long long
type_key(struct h_client *c, struct result *r, int k, int timeout)
{
	struct typed t;
	long long t0;
	char ch;

	ch = 'a' + k % 26;
	t.line = r->mid;
	t.col = k + 2; /* typing started at column 1 */
	t.ch = (unsigned char)ch;
	t0 = bench_now_us();
	h_send_bytes(c, &ch, 1);
	if (!h_until(c, is_typed, &t, timeout))
		return -1;
	return bench_now_us() - t0;
}

/*
 * Go to the middle line with Ctrl-G, then type the first keystroke there
 * on its own (the document's first edit stores its whole text as the
 * journal's base).
 */
static int
goto_middle(struct h_daemon *d, struct h_client *c, struct result *r)
{
	struct at_line a;
	pid_t pid = h_daemon_pid(d);
	char digits[32], prompt[64];
	long long t0, ns0, ns1;

	h_key(c, "C-g");
	snprintf(digits, sizeof digits, "%ld", r->mid);
	h_send(c, digits);
	snprintf(prompt, sizeof prompt, " Go to line: %s", digits);
	if (!h_until(c, is_prompt, prompt, KEY_TIMEOUT)) {
		report(d, c, "the go-to-line prompt never showed", r->name);
		return -1;
	}
	a.name = r->name;
	a.line = r->mid;
	t0 = bench_now_us();
	h_key(c, "Enter");
	if (!h_until(c, is_at_line, &a, KEY_TIMEOUT)) {
		report(d, c, "go to line never got there", r->name);
		return -1;
	}
	r->goto_us = bench_now_us() - t0;
	h_pump_all(QUIET);

	ns0 = bench_process_ns(pid);
	if ((r->first_us = type_key(c, r, 0, FIRST_TIMEOUT)) < 0) {
		report(d, c, "the first keystroke never showed", r->name);
		return -1;
	}
	h_pump_all(QUIET);
	ns1 = bench_process_ns(pid);
	r->first_ns = ns0 >= 0 && ns1 >= 0 ? ns1 - ns0 : -1;
	r->lat = xcalloc(KEYS, sizeof *r->lat);
	return 0;
}

/* One block of KEYS / BLOCKS keystrokes after goto_middle, each waited
 * for before the next; the daemon's CPU for the block is added up. */
static int
type_block(struct h_daemon *d, struct h_client *c, struct result *r)
{
	pid_t pid = h_daemon_pid(d);
	long long t0, ns0, ns1, us;
	char *what;
	int k, n = KEYS / BLOCKS;

	ns0 = bench_process_ns(pid);
	t0 = bench_now_us();
	for (k = 0; k < n; k++) {
		if ((us = type_key(c, r, (int)r->nlat + 1, KEY_TIMEOUT)) < 0) {
			xasprintf(
			    &what, "keystroke %zu never showed", r->nlat + 1);
			report(d, c, what, r->name);
			free(what);
			return -1;
		}
		r->lat[r->nlat++] = us;
		h_pump_all(SETTLE);
	}
	ns1 = bench_process_ns(pid);
	r->keys_wall_us += bench_now_us() - t0;
	if (ns0 < 0 || ns1 < 0 || r->keys_ns < 0)
		r->keys_ns = -1;
	else {
		r->keys_ns += ns1 - ns0;
		r->block_us[r->nblock++] = (ns1 - ns0) / 1e3 / n;
	}
	return 0;
}

/* One row of the table: a label, both files' figures and their ratio. */
static void
row(const char *label, double small, double big, const char *fmt)
{
	printf("  %-38s %11s %11s %9s\n", label, bench_fig(small, fmt),
	    bench_fig(big, fmt), bench_ratio(big, small, "%.1fx"));
}

static void
print_table(struct result *s, struct result *b, double idle_us)
{
	double sk, bk;

	qsort(s->lat, s->nlat, sizeof *s->lat, bench_cmp_ll);
	qsort(b->lat, b->nlat, sizeof *b->lat, bench_cmp_ll);
	sk = s->keys_ns < 0 ? -1 : s->keys_ns / 1e3 / s->nlat;
	bk = b->keys_ns < 0 ? -1 : b->keys_ns / 1e3 / b->nlat;

	printf("Opening (Ctrl-O, the name, Enter) and typing in the middle "
	       "line (Ctrl-G),\none key at a time, each waited for on the "
	       "screen, then %d ms before the next.\n",
	    SETTLE);
	printf("Daemon CPU: /proc/PID/task/*/schedstat (ns) over the phase; "
	       "the open's\nfigure includes %d ms after its frame showed. "
	       "The first keystroke of each\nfile stores the whole text as "
	       "the journal's base: shown on its own, left\nout of the "
	       "per-keystroke figures (%d keystrokes after it).\n\n",
	    QUIET, KEYS);
	printf("  %-38s %11s %11s %9s\n", "", s->name, b->name, "big/small");
	row("size, MB", s->bytes / 1048576.0, b->bytes / 1048576.0, "%.3f");
	row("lines", s->lines, b->lines, "%.0f");
	row("line typed in", s->mid, b->mid, "%.0f");
	printf("\n");
	row("picker lists it (Ctrl-O + name), ms", s->list_us / 1e3,
	    b->list_us / 1e3, "%.2f");
	row("open: Enter to first line shown, ms", s->open_us / 1e3,
	    b->open_us / 1e3, "%.2f");
	row("open: daemon CPU, ms", s->open_ns < 0 ? -1 : s->open_ns / 1e6,
	    b->open_ns < 0 ? -1 : b->open_ns / 1e6, "%.2f");
	row("daemon RSS after the open, MB", s->rss_after / 1024.0,
	    b->rss_after / 1024.0, "%.1f");
	row("  growth from the open, MB",
	    (s->rss_after - s->rss_before) / 1024.0,
	    (b->rss_after - b->rss_before) / 1024.0, "%.1f");
	row("go to line: Enter to status, ms", s->goto_us / 1e3,
	    b->goto_us / 1e3, "%.2f");
	printf("\n");
	row("first keystroke: echo, ms", s->first_us / 1e3, b->first_us / 1e3,
	    "%.2f");
	row("first keystroke: daemon CPU, ms",
	    s->first_ns < 0 ? -1 : s->first_ns / 1e6,
	    b->first_ns < 0 ? -1 : b->first_ns / 1e6, "%.2f");
	printf("\n");
	row("keystrokes measured", s->nlat, b->nlat, "%.0f");
	row("daemon CPU per keystroke, us", sk, bk, "%.1f");
	row("echo latency p50, ms", bench_pct(s->lat, s->nlat, 50),
	    bench_pct(b->lat, b->nlat, 50), "%.2f");
	row("echo latency p99, ms", bench_pct(s->lat, s->nlat, 99),
	    bench_pct(b->lat, b->nlat, 99), "%.2f");
	row("echo latency max, ms", s->lat[s->nlat - 1] / 1e3,
	    b->lat[b->nlat - 1] / 1e3, "%.2f");
	printf("\n  The idle daemon (one person, nobody typing) used %s us "
	       "of CPU per\n  second; at that rate the wall time of the "
	       "typing phases (%.1f s, %.1f s)\n  would account for %s and "
	       "%s us of the CPU per keystroke above.\n\n",
	    bench_fig(idle_us, "%.1f"), s->keys_wall_us / 1e6,
	    b->keys_wall_us / 1e6,
	    bench_fig(
	        idle_us < 0 ? -1 : idle_us * s->keys_wall_us / 1e6 / s->nlat,
	        "%.1f"),
	    bench_fig(
	        idle_us < 0 ? -1 : idle_us * b->keys_wall_us / 1e6 / b->nlat,
	        "%.1f"));
	fflush(stdout);
}

/* One daemon: syntax colours off or on, its client, its figures. */
struct side {
	const char *repo;
	const char *key;
	struct h_daemon *d;
	struct h_client *c;
	struct result small, big;
	double idle_us;
};

/*
 * Start a side's daemon on its repository (its journal of an earlier run
 * removed, so the files are opened from disk), join, measure the idle
 * daemon, then open both files. Returns 0 if every step showed.
 */
static int
side_start(struct side *sd)
{
	struct shown s;
	long long t0, ns0, ns1;
	pid_t dpid;
	char *out;

	out = h_sh(sd->repo, "rm -f .git/moot/" JOURNAL_FILE "*");
	free(out);
	sd->d = bench_daemon_start(sd->repo);
	dpid = h_daemon_pid(sd->d);
	sd->c = h_client_connect(
	    h_daemon_port(sd->d), sd->key, "bench", COLS, ROWS, TERM);
	s.name = START_NAME;
	s.first = "Opened on join; the benchmark then opens the others.";
	if (!h_until(sd->c, is_shown, &s, OPEN_TIMEOUT)) {
		report(sd->d, sd->c, "never drew its first frame", START_NAME);
		return -1;
	}
	h_pump_all(QUIET);

	/* What the daemon costs doing nothing, for comparison. */
	ns0 = bench_process_ns(dpid);
	t0 = h_now_ms();
	h_pump_all(IDLE);
	ns1 = bench_process_ns(dpid);
	sd->idle_us = ns0 >= 0 && ns1 >= 0
	                  ? (ns1 - ns0) / 1e3 / ((h_now_ms() - t0) / 1e3)
	                  : -1;
	return open_file(sd->d, sd->c, &sd->small, 1) != 0 ||
	               open_file(sd->d, sd->c, &sd->big, 1) != 0
	           ? -1
	           : 0;
}

/*
 * Type in one file on both daemons: the go-to-line and first keystroke on
 * each, then BLOCKS blocks in turns (off then on, on then off, ...), so
 * that whatever else the machine does falls on both alike.
 */
static int
type_both(struct side *sd, int big)
{
	struct result *r[2];
	int b, i, m;

	for (m = 0; m < 2; m++) {
		r[m] = big ? &sd[m].big : &sd[m].small;
		if ((!big && open_file(sd[m].d, sd[m].c, r[m], 0) != 0) ||
		    goto_middle(sd[m].d, sd[m].c, r[m]) != 0)
			return -1;
	}
	for (b = 0; b < BLOCKS; b++) {
		for (i = 0; i < 2; i++) {
			m = (b + i) % 2;
			if (type_block(sd[m].d, sd[m].c, r[m]) != 0)
				return -1;
		}
	}
	return 0;
}

/* The median of a result's per-block CPU per keystroke, us; -1 if none. */
static double
block_median(struct result *r)
{
	double v[BLOCKS], t;
	int i, j;

	if (r->nblock == 0)
		return -1;
	memcpy(v, r->block_us, sizeof v);
	for (i = 1; i < r->nblock; i++) {
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	}
	return r->nblock % 2 ? v[r->nblock / 2]
	                     : (v[r->nblock / 2 - 1] + v[r->nblock / 2]) / 2;
}

/* Without and with colours: the figures the acceptance rule compares. */
static void
print_compare(
    struct result *s0, struct result *b0, struct result *s1, struct result *b1)
{
	double k[4], m[4];
	struct result *r[4] = {s0, b0, s1, b1};
	int i;

	for (i = 0; i < 4; i++) {
		k[i] =
		    r[i]->keys_ns < 0 ? -1 : r[i]->keys_ns / 1e3 / r[i]->nlat;
		m[i] = block_median(r[i]);
	}
	printf("Syntax colours off and on (the same files, the same run; the "
	       "typing in %d\nblocks of %d keystrokes, the two daemons taking "
	       "turns):\n\n",
	    BLOCKS, KEYS / BLOCKS);
	printf("  %-38s %11s %11s %9s\n", "", "off", "on", "on/off");
	printf("  %-38s %11s %11s %9s\n", "open big.c: first line shown, ms",
	    bench_fig(b0->open_us / 1e3, "%.2f"),
	    bench_fig(b1->open_us / 1e3, "%.2f"),
	    bench_ratio(b1->open_us, b0->open_us, "%.2f"));
	printf("  %-38s %11s %11s %9s\n", "open big.c: daemon CPU, ms",
	    bench_fig(b0->open_ns < 0 ? -1 : b0->open_ns / 1e6, "%.2f"),
	    bench_fig(b1->open_ns < 0 ? -1 : b1->open_ns / 1e6, "%.2f"),
	    bench_ratio(b1->open_ns, b0->open_ns, "%.2f"));
	printf("  %-38s %11s %11s %9s\n", "go to big.c's middle line, ms",
	    bench_fig(b0->goto_us / 1e3, "%.2f"),
	    bench_fig(b1->goto_us / 1e3, "%.2f"),
	    bench_ratio(b1->goto_us, b0->goto_us, "%.2f"));
	printf("  %-38s %11s %11s %9s\n",
	    "small.c: daemon CPU per keystroke, us", bench_fig(k[0], "%.1f"),
	    bench_fig(k[2], "%.1f"), bench_ratio(k[2], k[0], "%.2f"));
	printf("  %-38s %11s %11s %9s\n", "  median of the blocks, us",
	    bench_fig(m[0], "%.1f"), bench_fig(m[2], "%.1f"),
	    bench_ratio(m[2], m[0], "%.2f"));
	printf("  %-38s %11s %11s %9s\n", "big.c: daemon CPU per keystroke, us",
	    bench_fig(k[1], "%.1f"), bench_fig(k[3], "%.1f"),
	    bench_ratio(k[3], k[1], "%.2f"));
	printf("  %-38s %11s %11s %9s\n", "  median of the blocks, us",
	    bench_fig(m[1], "%.1f"), bench_fig(m[3], "%.1f"),
	    bench_ratio(m[3], m[1], "%.2f"));
	printf("\n");
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct result small, big;
	struct side sides[2];
	long long start, t0;
	char *repo, *clients;
	int failed = 0, mode, status;

	if (argc != 1) {
		fprintf(stderr, "usage: bench-bigfile\n");
		return 2;
	}
	bench_init("bench-bigfile", WATCHDOG);
	ssh_init();

	xasprintf(&clients, "client:   libssh %s, %dx%d, TERM=%s, 127.0.0.1",
	    ssh_version(0), COLS, ROWS, TERM);
	bench_print_header("moot big-file benchmark", clients, argc, argv);
	free(clients);
	start = h_now_ms();

	memset(&small, 0, sizeof small);
	memset(&big, 0, sizeof big);
	small.name = "small.c";
	small.first = "/* small.c: generated input for bench-bigfile. */";
	big.name = "big.c";
	big.first = "/* big.c: generated input for bench-bigfile. */";
	make_source(&small, SMALL_BYTES, 1);
	make_source(&big, BIG_BYTES, 2);

	/* Two repositories with the same files: one session each (a
	 * repository has one session at a time). */
	t0 = h_now_ms();
	memset(sides, 0, sizeof sides);
	for (mode = 0; mode < 2; mode++) {
		repo = h_repo_create(START_NAME, START_TEXT, small.name,
		    small.text, big.name, big.text, NULL);
		bench_watch_dir(repo);
		sides[mode].repo = repo;
		sides[mode].key =
		    h_key_create(repo, "Bench <bench@example.com>");
		sides[mode].small = small;
		sides[mode].big = big;
		sides[mode].small.text = sides[mode].big.text = NULL;
	}
	free(small.text);
	free(big.text);
	printf("setup:    %zu + %zu bytes written and committed twice in %.1f "
	       "s\n\n",
	    small.bytes, big.bytes, (h_now_ms() - t0) / 1000.0);

	/* Both daemons up, one without syntax colours and one with; the
	 * opens one after the other, the typing in turns. */
	for (mode = 0; mode < 2 && !failed; mode++) {
		bench_syntax(mode);
		if (side_start(&sides[mode]) != 0)
			failed = 1;
	}
	if (!failed && (type_both(sides, 1) != 0 || type_both(sides, 0) != 0))
		failed = 1;
	for (mode = 0; mode < 2; mode++) {
		if (sides[mode].c != NULL)
			h_client_close(sides[mode].c);
		if (sides[mode].d != NULL &&
		    (status = bench_daemon_stop(sides[mode].d)) != 0) {
			fprintf(stderr,
			    "bench-bigfile: the daemon did not exit 0 on "
			    "SIGTERM (%d)\n",
			    status);
			failed = 1;
		}
	}
	for (mode = 0; mode < 2 && !failed; mode++) {
		printf("%s\n\n", bench_syntax(mode));
		print_table(
		    &sides[mode].small, &sides[mode].big, sides[mode].idle_us);
	}
	if (!failed)
		print_compare(&sides[0].small, &sides[0].big, &sides[1].small,
		    &sides[1].big);

	bench_cleanup();
	alarm(0);
	bench_print_end(start);
	for (mode = 0; mode < 2; mode++) {
		free(sides[mode].small.lat);
		free(sides[mode].big.lat);
	}
	ssh_finalize();
	return failed ? 1 : 0;
}
