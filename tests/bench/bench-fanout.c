/* bench-fanout.c: keystroke fan-out latency, CPU and memory of moot serve.
 * A real daemon and real libssh clients on loopback; prints tables. */
#include "moot.h"

#include <sys/resource.h>
#include <sys/types.h>

#include <getopt.h>
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
#define FILE_NAME "fanout.c" /* C, for syntax colours */
#define MAXCLIENTS 30        /* the largest N, and the memory phase's count */
#define PER_LINE 26          /* keystrokes per fresh line: a to z */
#define MAXKEYS (PER_LINE * (ROWS - 2)) /* lines must fit the text area */
#define KEYS 200                        /* default keystrokes per run */
#define KEY_TIMEOUT 5000   /* ms a keystroke may take to reach everyone */
#define JOIN_TIMEOUT 15000 /* ms for a client's first frame */
#define SETTLE 30          /* ms of pumping between keystrokes */
#define WATCHDOG 480       /* seconds the whole benchmark may take */

/*
 * The typists phase: TYPISTS people in one file, each on an empty line of
 * their own, type rounds keys each; in every round each of them sends one
 * key, then the benchmark waits until every screen shows every key of the
 * round and pauses PAUSE ms, so each round starts in quiet processes as it
 * would between real keystrokes (a longer pause only adds wall time).
 * The keys of a round go either all at once (the daemon may handle them
 * together) or GAP ms apart (people typing 1000 / (TYPISTS * GAP) keys a
 * second each, interleaved).
 */
#define TYPISTS 10
#define ROUNDS 30    /* default keys per typist */
#define MAXROUNDS 60 /* a line must fit in COLS */
#define PAUSE 20     /* ms between rounds */
#define GAP 20       /* ms between the keys of a spread round */
#define HEADING "# Fan-out benchmark" /* the file's first line */

static const int sizes[] = {2, 10, 30};
#define NSIZES (sizeof sizes / sizeof sizes[0])

static const char file_text[] =
    "# Fan-out benchmark\n"
    "\n"
    "Every person in this session looks at this file while one of them\n"
    "types a to z on fresh lines at the top, one key at a time.\n"
    "\n"
    "The rest of the file is here so that the screen is not empty.\n"
    "/* Some C below, so that with syntax colours there is something to\n"
    " * colour: a comment over lines, keywords, strings, numbers. */\n"
    "static int\n"
    "count_items(const struct item *it, size_t n)\n"
    "{\n"
    "\tint total = 0; /* TODO: size_t */\n"
    "\n"
    "\tfor (size_t i = 0; i < n; i++) {\n"
    "\t\tif (it[i].kind == ITEM_FILE)\n"
    "\t\t\ttotal += it[i].count;\n"
    "\t\telse\n"
    "\t\t\tlog_debug(\"skipped %zu\", i);\n"
    "\t}\n"
    "\treturn total;\n"
    "}\n";

/* The results of one fan-out run. */
struct run {
	int n;
	int keys;       /* keystrokes measured */
	long long *fan; /* microseconds per (keystroke, receiver) pair */
	size_t nfan;
	long long *own; /* microseconds per keystroke, on the typist */
	size_t nown;
	double cpu_daemon;    /* ms of CPU per keystroke, utime+stime */
	double cpu_frontends; /* the same, summed over the frontends */
	double ns_daemon;     /* ms per keystroke from schedstat */
	double ns_frontends;
	double cpu_bench; /* ms per keystroke, this program (the clients) */
	long long *all;   /* per keystroke: until every other screen has it */
	size_t nall;
	int failed;
};

/* What a keystroke's predicate looks for on every screen. */
struct expect {
	struct h_client **c;
	int n;
	int x, y;
	uint32_t ch;
	long long t0;  /* when the key was sent, us */
	long long *at; /* when each screen showed it, us; -1 until then */
	int left;      /* screens still to show it */
};

/* utime + stime of a process in clock ticks, -1 if it is gone. */
static long long
cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after "pid (comm)": state is field 3, utime 14, stime 15. */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	if (sscanf(p + 1,
	        " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
	        &st) != 2)
		return -1;
	return (long long)(ut + st);
}

/* CPU use of a daemon and of its children (the frontends). */
struct cpu {
	long long d_ticks, d_ns;
	long long f_ticks, f_ns;
	int frontends;
};

static void
measure_cpu(pid_t daemon, struct cpu *cpu)
{
	pid_t kids[64];
	long long t;
	int i;

	memset(cpu, 0, sizeof *cpu);
	cpu->d_ticks = cpu_ticks(daemon);
	cpu->d_ns = bench_thread_ns(daemon);
	cpu->frontends = h_children(daemon, kids, 64);
	for (i = 0; i < cpu->frontends; i++) {
		if ((t = cpu_ticks(kids[i])) > 0)
			cpu->f_ticks += t;
		if ((t = bench_thread_ns(kids[i])) > 0)
			cpu->f_ns += t;
	}
}

/* CPU time of this process (user + system) in milliseconds. */
static double
self_cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

/*
 * Pss and private memory (Private_Clean + Private_Dirty) of a process from
 * /proc/PID/smaps_rollup, in kB; -1 if unknown.
 */
static void
rollup_kb(pid_t pid, long *pss, long *priv)
{
	char path[64], line[256];
	FILE *f;

	*pss = *priv = -1;
	snprintf(path, sizeof path, "/proc/%ld/smaps_rollup", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	*pss = *priv = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "Pss:", 4) == 0)
			*pss = strtol(line + 4, NULL, 10);
		else if (strncmp(line, "Private_Clean:", 14) == 0)
			*priv += strtol(line + 14, NULL, 10);
		else if (strncmp(line, "Private_Dirty:", 14) == 0)
			*priv += strtol(line + 14, NULL, 10);
	}
	fclose(f);
}

/* The presence row shows the typist (first in join order) on a line. */
static int
typist_on_line(struct h_client *c, void *arg)
{
	const char *row = h_row(c, ROWS - 1), *p;
	char want[64];
	size_t n;

	snprintf(want, sizeof want, "u00 " FILE_NAME ":%d", *(int *)arg);
	n = strlen(want);
	if ((p = strstr(row, want)) == NULL)
		return 0;
	return p[n] < '0' || p[n] > '9';
}

/* The terminal cursor is at column 0 of a row. */
static int
cursor_at_row(struct h_client *c, void *arg)
{
	int x, y;

	h_cursor(c, &x, &y);
	return x == 0 && y == *(int *)arg;
}

/* Row 0 of the text area is empty. */
static int
row0_empty(struct h_client *c, void *arg)
{
	return h_row(c, 0)[0] == '\0';
}

/*
 * The keystroke predicate: called after every pump, it stamps each screen
 * that has just started to show the expected character in its cell.
 */
static int
seen_everywhere(struct h_client *unused, void *arg)
{
	struct expect *e = arg;
	struct h_cell cell;
	long long t = bench_now_us();
	int i;

	for (i = 0; i < e->n; i++) {
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

/* Whether a process runs, is a zombie (dead, not yet reaped) or is gone. */
static const char *
process_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return "gone";
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] == 'Z')
		return "dead (a zombie, not yet reaped)";
	return "running";
}

/* Say what went wrong on one client, with its screen. */
static void
report_client(struct h_daemon *d, struct h_client *c, const char *what)
{
	pid_t dpid = h_daemon_pid(d);

	fprintf(stderr, "bench-fanout: %s\n", what);
	fprintf(stderr, "  daemon %ld is %s; the client's session is %s\n",
	    (long)dpid, process_state(dpid),
	    h_client_closed(c) ? "closed" : "open");
	h_dump(c);
}

/* Connect client i (user uNN) and wait for its first frame; NULL if not. */
static struct h_client *
join(struct h_daemon *d, char **keys, int i)
{
	struct h_client *c;
	struct h_rowtext rt;
	char user[16], *what;

	snprintf(user, sizeof user, "u%02d", i);
	c = h_client_connect(h_daemon_port(d), keys[i], user, COLS, ROWS, TERM);
	rt.y = ROWS - 2;
	rt.text = FILE_NAME;
	if (!h_until(c, h_row_has, &rt, JOIN_TIMEOUT)) {
		xasprintf(&what, "client %s never drew its first frame", user);
		report_client(d, c, what);
		free(what);
		return NULL;
	}
	return c;
}

/* A repository with the file and n keys, each with its own name. */
static char *
make_repo(int n, char **keys)
{
	char *repo, comment[64];
	int i;

	repo = h_repo_create(FILE_NAME, file_text, NULL);
	for (i = 0; i < n; i++) {
		snprintf(
		    comment, sizeof comment, "u%02d <u%02d@example.com>", i, i);
		keys[i] = h_key_create(repo, comment);
	}
	return repo;
}

/* Wait until no screen shows a join notice any more. */
static int
notices_gone(struct h_client **c, int n)
{
	struct h_rowtext rt;
	int i;

	rt.y = ROWS - 2;
	rt.text = "joined";
	for (i = 0; i < n; i++) {
		if (!h_until(c[i], h_row_lacks, &rt, 10000))
			return 0;
	}
	h_pump_all(200);
	return 1;
}

/* The typist starts a fresh line: Enter, then wait until all see it. */
static int
new_line(struct h_daemon *d, struct h_client **c, int n, int line)
{
	int i, shown = line + 1;
	char *what;

	h_key(c[0], "Enter");
	if (!h_until(c[0], cursor_at_row, &line, KEY_TIMEOUT)) {
		xasprintf(&what,
		    "N=%d: after Enter the typist's cursor "
		    "never reached row %d",
		    n, line);
		report_client(d, c[0], what);
		free(what);
		return 0;
	}
	for (i = 1; i < n; i++) {
		if (!h_until(c[i], typist_on_line, &shown, KEY_TIMEOUT)) {
			xasprintf(&what,
			    "N=%d: after Enter, u%02d never "
			    "showed the typist on line %d",
			    n, i, shown);
			report_client(d, c[i], what);
			free(what);
			return 0;
		}
	}
	h_pump_all(SETTLE);
	return 1;
}

/* One fan-out run with n clients typing keys keystrokes. */
static void
fanout(struct run *r, int n, int keys)
{
	struct h_client *c[MAXCLIENTS];
	struct h_daemon *d;
	struct expect e;
	char *key[MAXCLIENTS], *repo, ch, *what;
	struct cpu cpu0, cpu1;
	long long at[MAXCLIENTS], hz, last;
	double b0, b1;
	pid_t dpid;
	int i, k, zero = 0;

	memset(r, 0, sizeof *r);
	r->n = n;
	r->fan = xcalloc((size_t)keys * (n - 1), sizeof *r->fan);
	r->own = xcalloc(keys, sizeof *r->own);
	r->all = xcalloc(keys, sizeof *r->all);
	hz = sysconf(_SC_CLK_TCK);

	repo = make_repo(n, key);
	d = bench_daemon_start(repo);
	dpid = h_daemon_pid(d);
	for (i = 0; i < n; i++) {
		if ((c[i] = join(d, key, i)) == NULL) {
			fprintf(stderr, "bench-fanout: N=%d: join %d failed\n",
			    n, i);
			h_daemon_log(d, 20);
			r->failed = 1;
			goto out;
		}
	}
	if (!notices_gone(c, n)) {
		fprintf(stderr,
		    "bench-fanout: N=%d: a join notice never "
		    "went away\n",
		    n);
		r->failed = 1;
		goto out;
	}

	/* A fresh empty line 1 for the typist: Enter, Up. */
	h_key(c[0], "Enter");
	h_key(c[0], "Up");
	for (i = 0; i < n; i++) {
		if (!h_until(c[i], row0_empty, NULL, KEY_TIMEOUT)) {
			report_client(d, c[i], "row 0 never became empty");
			r->failed = 1;
			goto out;
		}
	}
	if (!h_until(c[0], cursor_at_row, &zero, KEY_TIMEOUT)) {
		report_client(d, c[0], "the typist never got to line 1");
		r->failed = 1;
		goto out;
	}
	h_pump_all(300);

	measure_cpu(dpid, &cpu0);
	b0 = self_cpu_ms();
	for (k = 0; k < keys; k++) {
		if (k > 0 && k % PER_LINE == 0 &&
		    !new_line(d, c, n, k / PER_LINE)) {
			r->failed = 1;
			goto out;
		}
		ch = 'a' + k % PER_LINE;
		e.c = c;
		e.n = n;
		e.x = k % PER_LINE;
		e.y = k / PER_LINE;
		e.ch = (unsigned char)ch;
		e.at = at;
		e.left = n;
		for (i = 0; i < n; i++)
			at[i] = -1;
		e.t0 = bench_now_us();
		h_send_bytes(c[0], &ch, 1);
		if (!h_until(c[0], seen_everywhere, &e, KEY_TIMEOUT)) {
			for (i = 0; i < n; i++) {
				if (at[i] != -1)
					continue;
				xasprintf(&what,
				    "N=%d: keystroke %d ('%c', cell %d,%d) "
				    "not on the screen of u%02d after %d ms",
				    n, k, ch, e.x, e.y, i, KEY_TIMEOUT);
				report_client(d, c[i], what);
				free(what);
			}
			h_daemon_log(d, 20);
			r->failed = 1;
			goto out;
		}
		r->own[r->nown++] = at[0];
		last = 0;
		for (i = 1; i < n; i++) {
			r->fan[r->nfan++] = at[i];
			if (at[i] > last)
				last = at[i];
		}
		r->all[r->nall++] = last;
		r->keys++;
		h_pump_all(SETTLE);
	}
	measure_cpu(dpid, &cpu1);
	b1 = self_cpu_ms();
	if (cpu0.d_ticks < 0 || cpu1.d_ticks < 0 || cpu0.frontends != n ||
	    cpu1.frontends != n) {
		fprintf(stderr,
		    "bench-fanout: N=%d: daemon or frontends went away "
		    "(%d then %d frontends)\n",
		    n, cpu0.frontends, cpu1.frontends);
		r->failed = 1;
		goto out;
	}
	r->cpu_daemon = (cpu1.d_ticks - cpu0.d_ticks) * 1000.0 / hz / keys;
	r->cpu_frontends = (cpu1.f_ticks - cpu0.f_ticks) * 1000.0 / hz / keys;
	r->ns_daemon = r->ns_frontends = -1;
	if (cpu0.d_ns >= 0 && cpu1.d_ns >= 0) {
		r->ns_daemon = (cpu1.d_ns - cpu0.d_ns) / 1e6 / keys;
		r->ns_frontends = (cpu1.f_ns - cpu0.f_ns) / 1e6 / keys;
	}
	r->cpu_bench = (b1 - b0) / keys;

out:
	if (bench_daemon_stop(d) != 0) {
		fprintf(stderr,
		    "bench-fanout: N=%d: the daemon did not exit "
		    "0 on SIGTERM\n",
		    n);
		r->failed = 1;
	}
	bench_cleanup();
}

/* Memory of the daemon and its frontends, kB: RSS, PSS, private. */
#define MEM_RSS 0
#define MEM_PSS 1
#define MEM_PRIV 2
struct mem {
	int frontends;
	long daemon[3];
	long front[3]; /* summed over the frontends */
	int unknown;   /* some figure could not be read */
};

static void
measure_mem(pid_t dpid, struct mem *m)
{
	pid_t kids[64];
	long rss, pss, priv;
	int i;

	memset(m, 0, sizeof *m);
	m->daemon[MEM_RSS] = h_rss_kb(dpid);
	rollup_kb(dpid, &m->daemon[MEM_PSS], &m->daemon[MEM_PRIV]);
	for (i = 0; i < 3; i++) {
		if (m->daemon[i] < 0)
			m->unknown = 1;
	}
	m->frontends = h_children(dpid, kids, 64);
	for (i = 0; i < m->frontends; i++) {
		rss = h_rss_kb(kids[i]);
		rollup_kb(kids[i], &pss, &priv);
		if (rss < 0 || pss < 0 || priv < 0)
			m->unknown = 1;
		m->front[MEM_RSS] += rss;
		m->front[MEM_PSS] += pss;
		m->front[MEM_PRIV] += priv;
	}
}

/* Idle memory with 1 client, then with MAXCLIENTS; 0 on success. */
static int
memory(struct mem *one, struct mem *many)
{
	struct h_client *c[MAXCLIENTS];
	struct h_daemon *d;
	char *key[MAXCLIENTS], *repo;
	pid_t dpid;
	int i, ok = 1;

	repo = make_repo(MAXCLIENTS, key);
	d = bench_daemon_start(repo);
	dpid = h_daemon_pid(d);
	if ((c[0] = join(d, key, 0)) == NULL) {
		ok = 0;
		goto out;
	}
	h_pump_all(1000);
	measure_mem(dpid, one);
	for (i = 1; i < MAXCLIENTS; i++) {
		if ((c[i] = join(d, key, i)) == NULL) {
			fprintf(stderr,
			    "bench-fanout: memory: join %d failed\n", i);
			ok = 0;
			goto out;
		}
	}
	if (!notices_gone(c, MAXCLIENTS)) {
		fprintf(stderr, "bench-fanout: memory: a join notice never "
		                "went away\n");
		ok = 0;
		goto out;
	}
	h_pump_all(1000);
	measure_mem(dpid, many);
	if (one->unknown || many->unknown) {
		fprintf(stderr, "bench-fanout: memory: cannot read /proc\n");
		ok = 0;
	}
	if (one->frontends != 1 || many->frontends != MAXCLIENTS) {
		fprintf(stderr,
		    "bench-fanout: memory: %d and %d frontends, "
		    "expected 1 and %d\n",
		    one->frontends, many->frontends, MAXCLIENTS);
		ok = 0;
	}
out:
	if (bench_daemon_stop(d) != 0) {
		fprintf(stderr, "bench-fanout: memory: the daemon did not "
		                "exit 0 on SIGTERM\n");
		ok = 0;
	}
	bench_cleanup();
	return ok ? 0 : -1;
}

/* How the keys of the typists phase are sent. */
#define TYPE_ONE 0    /* one person types at a time: the baseline */
#define TYPE_BURST 1  /* every person's key of a round at once */
#define TYPE_SPREAD 2 /* every person's key of a round, GAP ms apart */
#define NTYPES 3

/* The results of one typists run. */
struct typing {
	int how;         /* TYPE_* */
	int keys;        /* keystrokes measured */
	long long *pair; /* us per (keystroke, screen) pair, all screens */
	size_t npair;
	long long *all; /* us per keystroke until every screen has it */
	size_t nall;
	double cpu_daemon; /* ms of CPU per keystroke, as struct run */
	double ns_daemon;
	double cpu_frontends;
	double ns_frontends;
	double cpu_bench;
	int failed;
};

/* The keys of one round and where each screen has shown them. */
struct round {
	struct h_client **c;
	int n;                          /* screens */
	int nkeys;                      /* keys in this round */
	int sent;                       /* keys sent so far */
	int x[TYPISTS], y[TYPISTS];     /* the cell of each key */
	uint32_t ch[TYPISTS];           /* its character */
	long long t0[TYPISTS];          /* when it was sent, us */
	long long at[TYPISTS][TYPISTS]; /* key, screen: us after t0, or -1 */
	int left;                       /* (key, screen) pairs still to show */
};

/* The character typist i types in round k: different on every line. */
static char
typed_char(int i, int k)
{
	return 'a' + (i + k) % 26;
}

/* The round predicate: stamp each screen's cells as their key arrives. */
static int
round_seen(struct h_client *unused, void *arg)
{
	struct round *r = arg;
	struct h_cell cell;
	long long t = bench_now_us();
	int j, i;

	for (j = 0; j < r->sent; j++) {
		for (i = 0; i < r->n; i++) {
			if (r->at[j][i] != -1)
				continue;
			h_cell(r->c[i], r->x[j], r->y[j], &cell);
			if (cell.ch == r->ch[j]) {
				r->at[j][i] = t - r->t0[j];
				r->left--;
			}
		}
	}
	return r->left == 0;
}

/*
 * Give each of the n people an empty line of their own: the first makes n
 * empty lines at the top, then person i goes to line i. Where the others'
 * cursors end up after those Enters is the daemon's business, so each
 * moves from where its own screen shows it. 1 on success.
 */
static int
own_lines(struct h_daemon *d, struct h_client **c, int n)
{
	struct h_rowtext rt;
	char *what;
	int i, k, x, y;

	for (k = 0; k < n; k++)
		h_key(c[0], "Enter");
	rt.y = n;
	rt.text = HEADING;
	for (i = 0; i < n; i++) {
		if (!h_until(c[i], h_row_has, &rt, KEY_TIMEOUT)) {
			xasprintf(&what,
			    "typists: after %d Enters, u%02d never "
			    "showed the heading on row %d",
			    n, i, n);
			report_client(d, c[i], what);
			free(what);
			return 0;
		}
	}
	h_pump_all(200);
	for (i = 0; i < n; i++) {
		h_cursor(c[i], &x, &y);
		for (; y > i; y--)
			h_key(c[i], "Up");
		for (; y < i; y++)
			h_key(c[i], "Down");
		if (x != 0)
			h_key(c[i], "Home");
	}
	for (i = 0; i < n; i++) {
		if (!h_until(c[i], cursor_at_row, &i, KEY_TIMEOUT)) {
			xasprintf(&what,
			    "typists: u%02d never got to column 0 "
			    "of row %d",
			    i, i);
			report_client(d, c[i], what);
			free(what);
			return 0;
		}
	}
	return 1;
}

/*
 * Each line holds the rounds characters its typist typed, on every
 * screen; 1 if so.
 */
static int
lines_typed(struct h_daemon *d, struct h_client **c, int n, int rounds)
{
	char want[MAXROUNDS + 1], *what;
	const char *row;
	int i, s, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < rounds; k++)
			want[k] = typed_char(i, k);
		want[rounds] = '\0';
		for (s = 0; s < n; s++) {
			row = h_row(c[s], i);
			if (strcmp(row, want) == 0)
				continue;
			xasprintf(&what,
			    "typists: row %d of u%02d is \"%s\", "
			    "expected \"%s\"",
			    i, s, row, want);
			report_client(d, c[s], what);
			free(what);
			return 0;
		}
	}
	return 1;
}

/*
 * One typists run: TYPISTS people join, each goes to a line of their own,
 * and they type rounds keys each. With TYPE_BURST and TYPE_SPREAD every
 * round has one key from each person (the first sender rotating); with
 * TYPE_ONE one person types at a time (u00 types its line, then u01, ...),
 * one key per round: the same keys and the same final text.
 */
static void
typing(struct typing *t, int how, int rounds)
{
	struct h_client *c[TYPISTS];
	struct h_daemon *d;
	struct round r;
	struct cpu cpu0, cpu1;
	char *key[TYPISTS], *repo, ch, *what;
	long long hz, last;
	double b0, b1;
	pid_t dpid;
	int n = TYPISTS, nrounds, i, j, k, who, col;

	memset(t, 0, sizeof *t);
	t->how = how;
	t->pair = xcalloc((size_t)rounds * n * n, sizeof *t->pair);
	t->all = xcalloc((size_t)rounds * n, sizeof *t->all);
	hz = sysconf(_SC_CLK_TCK);
	nrounds = how == TYPE_ONE ? rounds * n : rounds;

	repo = make_repo(n, key);
	d = bench_daemon_start(repo);
	dpid = h_daemon_pid(d);
	for (i = 0; i < n; i++) {
		if ((c[i] = join(d, key, i)) == NULL) {
			fprintf(stderr,
			    "bench-fanout: typists: join %d failed\n", i);
			h_daemon_log(d, 20);
			t->failed = 1;
			goto out;
		}
	}
	if (!notices_gone(c, n)) {
		fprintf(stderr, "bench-fanout: typists: a join notice never "
		                "went away\n");
		t->failed = 1;
		goto out;
	}
	if (!own_lines(d, c, n)) {
		h_daemon_log(d, 20);
		t->failed = 1;
		goto out;
	}
	h_pump_all(300);

	measure_cpu(dpid, &cpu0);
	b0 = self_cpu_ms();
	for (k = 0; k < nrounds; k++) {
		memset(&r, 0, sizeof r);
		r.c = c;
		r.n = n;
		r.nkeys = how == TYPE_ONE ? 1 : n;
		for (j = 0; j < r.nkeys; j++) {
			if (how == TYPE_ONE) {
				who = k / rounds;
				col = k % rounds;
			} else {
				who = (k + j) % n;
				col = k;
			}
			r.x[j] = col;
			r.y[j] = who;
			r.ch[j] = (unsigned char)typed_char(who, col);
			for (i = 0; i < n; i++)
				r.at[j][i] = -1;
		}
		r.left = r.nkeys * n;
		for (j = 0; j < r.nkeys; j++) {
			ch = (char)r.ch[j];
			r.t0[j] = bench_now_us();
			h_send_bytes(c[r.y[j]], &ch, 1);
			r.sent++;
			/* Spread: watch the screens until the next key. */
			if (how == TYPE_SPREAD && j + 1 < r.nkeys)
				h_until(c[0], round_seen, &r, GAP);
		}
		if (!h_until(c[0], round_seen, &r, KEY_TIMEOUT)) {
			for (j = 0; j < r.nkeys; j++) {
				for (i = 0; i < n; i++) {
					if (r.at[j][i] != -1)
						continue;
					xasprintf(&what,
					    "typists: round %d: '%c' of "
					    "u%02d (cell %d,%d) not on the "
					    "screen of u%02d after %d ms",
					    k, (int)r.ch[j], r.y[j], r.x[j],
					    r.y[j], i, KEY_TIMEOUT);
					report_client(d, c[i], what);
					free(what);
				}
			}
			h_daemon_log(d, 20);
			t->failed = 1;
			goto out;
		}
		for (j = 0; j < r.nkeys; j++) {
			last = 0;
			for (i = 0; i < n; i++) {
				t->pair[t->npair++] = r.at[j][i];
				if (r.at[j][i] > last)
					last = r.at[j][i];
			}
			t->all[t->nall++] = last;
			t->keys++;
		}
		h_pump_all(PAUSE);
	}
	measure_cpu(dpid, &cpu1);
	b1 = self_cpu_ms();
	if (cpu0.d_ticks < 0 || cpu1.d_ticks < 0 || cpu0.frontends != n ||
	    cpu1.frontends != n) {
		fprintf(stderr,
		    "bench-fanout: typists: daemon or frontends went away "
		    "(%d then %d frontends)\n",
		    cpu0.frontends, cpu1.frontends);
		t->failed = 1;
		goto out;
	}
	if (!lines_typed(d, c, n, rounds)) {
		t->failed = 1;
		goto out;
	}
	t->cpu_daemon = (cpu1.d_ticks - cpu0.d_ticks) * 1000.0 / hz / t->keys;
	t->cpu_frontends =
	    (cpu1.f_ticks - cpu0.f_ticks) * 1000.0 / hz / t->keys;
	t->ns_daemon = t->ns_frontends = -1;
	if (cpu0.d_ns >= 0 && cpu1.d_ns >= 0) {
		t->ns_daemon = (cpu1.d_ns - cpu0.d_ns) / 1e6 / t->keys;
		t->ns_frontends = (cpu1.f_ns - cpu0.f_ns) / 1e6 / t->keys;
	}
	t->cpu_bench = (b1 - b0) / t->keys;

out:
	if (bench_daemon_stop(d) != 0) {
		fprintf(stderr, "bench-fanout: typists: the daemon did not "
		                "exit 0 on SIGTERM\n");
		t->failed = 1;
	}
	bench_cleanup();
}

/* The machine, the date, the command and the clients. */
static void
print_header(int argc, char **argv, int keys)
{
	char *clients;

	xasprintf(&clients,
	    "clients:  libssh %s, %dx%d, TERM=%s, 127.0.0.1; "
	    "%d keystrokes per run",
	    ssh_version(0), COLS, ROWS, TERM, keys);
	bench_print_header("moot fan-out benchmark", clients, argc, argv);
	free(clients);
}

static void
print_latency(struct run *runs, size_t nruns)
{
	struct run *r;
	size_t i;
	double fp50, fp99, op50, op99;

	printf("1. Keystroke latency, ms: from sending a byte to the character "
	       "in its cell\n");
	printf("   fan-out: on each other person's screen, over all "
	       "(keystroke, receiver) pairs;\n");
	printf("   own: on the typist's screen (the baseline), same "
	       "keystrokes\n\n");
	printf("   N   pairs  fan-out p50    p99    max   own p50    p99"
	       "    max   p50/p50 p99/p99\n");
	for (i = 0; i < nruns; i++) {
		r = &runs[i];
		if (r->failed) {
			printf(
			    "  %2d   failed (see the messages above)\n", r->n);
			continue;
		}
		qsort(r->fan, r->nfan, sizeof *r->fan, bench_cmp_ll);
		qsort(r->own, r->nown, sizeof *r->own, bench_cmp_ll);
		qsort(r->all, r->nall, sizeof *r->all, bench_cmp_ll);
		fp50 = bench_pct(r->fan, r->nfan, 50);
		fp99 = bench_pct(r->fan, r->nfan, 99);
		op50 = bench_pct(r->own, r->nown, 50);
		op99 = bench_pct(r->own, r->nown, 99);
		printf("  %2d  %6zu  %11.2f %6.2f %6.2f %9.2f %6.2f %6.2f"
		       "   %7.2f %7.2f\n",
		    r->n, r->nfan, fp50, fp99, r->fan[r->nfan - 1] / 1000.0,
		    op50, op99, r->own[r->nown - 1] / 1000.0,
		    op50 > 0 ? fp50 / op50 : 0, op99 > 0 ? fp99 / op99 : 0);
	}

	printf("\n   Until the last of the N-1 others has it, per keystroke, "
	       "ms:\n\n");
	printf("   N   keys     p50     p99     max\n");
	for (i = 0; i < nruns; i++) {
		r = &runs[i];
		if (r->failed)
			continue;
		printf("  %2d  %5zu  %6.2f  %6.2f  %6.2f\n", r->n, r->nall,
		    bench_pct(r->all, r->nall, 50),
		    bench_pct(r->all, r->nall, 99),
		    r->all[r->nall - 1] / 1000.0);
	}

	printf("\n   CPU per keystroke, ms: utime+stime over the typing phase "
	       "/ keystrokes;\n");
	printf("   (sched) the same from /proc/PID/schedstat, in ns rather "
	       "than clock ticks\n\n");
	printf("   N   daemon  (sched)   frontends  (sched)   bench "
	       "clients\n");
	for (i = 0; i < nruns; i++) {
		r = &runs[i];
		if (r->failed)
			continue;
		printf("  %2d  %7.3f  %7s   %9.3f  %7s   %13.3f\n", r->n,
		    r->cpu_daemon, bench_fig(r->ns_daemon, "%.3f"),
		    r->cpu_frontends, bench_fig(r->ns_frontends, "%.3f"),
		    r->cpu_bench);
	}
	printf("\n");
	fflush(stdout);
}

/* The daemon's CPU per keystroke without and with syntax colours. */
static void
print_syntax_cost(struct run *off, struct run *on, size_t nruns)
{
	size_t i;

	printf("   Syntax colours: the daemon's CPU per keystroke, ms, off and "
	       "on\n\n");
	printf("   N      off       on   on/off   (sched) off       on   "
	       "on/off\n");
	for (i = 0; i < nruns; i++) {
		if (off[i].failed || on[i].failed)
			continue;
		printf("  %2d  %7.3f  %7.3f  %7s   %11s  %7s  %7s\n", off[i].n,
		    off[i].cpu_daemon, on[i].cpu_daemon,
		    bench_ratio(on[i].cpu_daemon, off[i].cpu_daemon, "%.2f"),
		    bench_fig(off[i].ns_daemon, "%.3f"),
		    bench_fig(on[i].ns_daemon, "%.3f"),
		    bench_ratio(on[i].ns_daemon, off[i].ns_daemon, "%.2f"));
	}
	printf("\n");
	fflush(stdout);
}

static void
print_memory(struct mem *one, struct mem *many)
{
	static const char *kinds[] = {"RSS", "PSS", "private"};
	long v1, v30;
	int k, w;

	printf("2. Memory, kB: idle (first frame drawn, nobody typing), with "
	       "1 client and\n   with %d; private = Private_Clean + "
	       "Private_Dirty (USS)\n\n",
	    MAXCLIENTS);
	printf("   %-26s %9s %11s %17s\n", "", "1 client", "30 clients",
	    "per added client");
	for (k = 0; k < 3; k++) {
		for (w = 0; w < 3; w++) {
			if (w == 0) {
				v1 = one->daemon[k];
				v30 = many->daemon[k];
			} else if (w == 1) {
				v1 = one->front[k];
				v30 = many->front[k];
			} else {
				v1 = one->daemon[k] + one->front[k];
				v30 = many->daemon[k] + many->front[k];
			}
			printf("   %-7s %-18s %9ld %11ld %17.0f\n", kinds[k],
			    w == 0   ? "daemon"
			    : w == 1 ? "frontends (sum)"
			             : "total",
			    v1, v30, (v30 - v1) / (double)(MAXCLIENTS - 1));
		}
	}
	printf("\n   per added client = (value with %d - value with 1) / "
	       "%d\n\n",
	    MAXCLIENTS, MAXCLIENTS - 1);
	fflush(stdout);
}

/* A typists run's name in the tables. */
static const char *
typing_name(int how)
{
	static char buf[2][32];

	if (how == TYPE_ONE)
		return "1 at a time";
	snprintf(buf[how - 1], sizeof buf[0], "%d %s", TYPISTS,
	    how == TYPE_BURST ? "at once" : "spread");
	return buf[how - 1];
}

/* The typists tables: t[TYPE_ONE] is the baseline of the ratios. */
static void
print_typists(struct typing *t, int rounds)
{
	struct typing *x, *one = &t[TYPE_ONE];
	char name[32];
	int i;

	printf("3. Typing together: %d people in one file, each on an empty "
	       "line of their own,\n   type %d keys each (%d keystrokes per "
	       "run); each run has its own daemon.\n",
	    TYPISTS, rounds, rounds * TYPISTS);
	printf("   %s: %d rounds; in each, every person sends one key, "
	       "back to back.\n",
	    typing_name(TYPE_BURST), rounds);
	printf("   %s: the same rounds, the keys %d ms apart (each "
	       "person types %.0f keys/s).\n",
	    typing_name(TYPE_SPREAD), GAP, 1000.0 / (GAP * TYPISTS));
	printf("   1 at a time (the baseline): one person types while the "
	       "others watch (u00\n   its line, then u01, ...), one key per "
	       "round: the same keys and final text.\n");
	printf("   After each round the bench waits until every screen shows "
	       "its keys, then\n   %d ms. CPU per keystroke, ms, as in 1; "
	       "frontends summed over all %d.\n\n",
	    PAUSE, TYPISTS);
	printf("   run               daemon  (sched)   frontends  (sched)   "
	       "bench clients\n");
	for (i = 0; i < NTYPES; i++) {
		x = &t[i];
		if (x->failed) {
			printf("   %-14s   failed (see the messages above)\n",
			    typing_name(i));
			continue;
		}
		printf("   %-14s  %7.3f  %7s   %9.3f  %7s   %13.3f\n",
		    typing_name(i), x->cpu_daemon,
		    bench_fig(x->ns_daemon, "%.3f"), x->cpu_frontends,
		    bench_fig(x->ns_frontends, "%.3f"), x->cpu_bench);
	}
	for (i = 0; i < NTYPES; i++) {
		x = &t[i];
		if (i == TYPE_ONE || x->failed || one->failed)
			continue;
		snprintf(name, sizeof name, "%s / 1", typing_name(i));
		printf("   %-14s  %7s  %7s   %9s  %7s   %13s\n", name,
		    bench_ratio(x->cpu_daemon, one->cpu_daemon, "%.2f"),
		    bench_ratio(x->ns_daemon, one->ns_daemon, "%.2f"),
		    bench_ratio(x->cpu_frontends, one->cpu_frontends, "%.2f"),
		    bench_ratio(x->ns_frontends, one->ns_frontends, "%.2f"),
		    bench_ratio(x->cpu_bench, one->cpu_bench, "%.2f"));
	}

	printf("\n   Latency, ms: from sending a key to its character on a "
	       "screen, over all\n   (keystroke, screen) pairs, the typist's "
	       "own included; and per keystroke\n   until the last of the "
	       "%d screens has it\n\n",
	    TYPISTS);
	printf("   run             pairs    p50     p99     max    keys  "
	       "all p50     p99     max\n");
	for (i = 0; i < NTYPES; i++) {
		x = &t[i];
		if (x->failed)
			continue;
		qsort(x->pair, x->npair, sizeof *x->pair, bench_cmp_ll);
		qsort(x->all, x->nall, sizeof *x->all, bench_cmp_ll);
		printf("   %-14s  %5zu  %6.2f  %6.2f  %6.2f   %5zu  %7.2f  "
		       "%6.2f  %6.2f\n",
		    typing_name(i), x->npair, bench_pct(x->pair, x->npair, 50),
		    bench_pct(x->pair, x->npair, 99),
		    x->pair[x->npair - 1] / 1000.0, x->nall,
		    bench_pct(x->all, x->nall, 50),
		    bench_pct(x->all, x->nall, 99),
		    x->all[x->nall - 1] / 1000.0);
	}
	printf("\n");
	fflush(stdout);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench-fanout [-k keystrokes (1 to %d)] "
	    "[-r rounds (1 to %d)]\n"
	    "                    [--only fanout|memory|typists]\n",
	    MAXKEYS, MAXROUNDS);
	exit(2);
}

/* The phases, for --only. */
#define PHASE_FANOUT 0x1
#define PHASE_MEMORY 0x2
#define PHASE_TYPISTS 0x4

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"only", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
	struct run runs[2][NSIZES];
	struct typing typed[NTYPES];
	struct mem one, many;
	long long start;
	int keys = KEYS, rounds = ROUNDS, phases = 0, ch, failed = 0, mode;
	size_t i;

	while ((ch = getopt_long(argc, argv, "k:r:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			keys = atoi(optarg);
			if (keys < 1 || keys > MAXKEYS)
				usage();
			break;
		case 'r':
			rounds = atoi(optarg);
			if (rounds < 1 || rounds > MAXROUNDS)
				usage();
			break;
		case 'o':
			/* --only may be given more than once. */
			if (strcmp(optarg, "fanout") == 0)
				phases |= PHASE_FANOUT;
			else if (strcmp(optarg, "memory") == 0)
				phases |= PHASE_MEMORY;
			else if (strcmp(optarg, "typists") == 0)
				phases |= PHASE_TYPISTS;
			else
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (phases == 0)
		phases = PHASE_FANOUT | PHASE_MEMORY | PHASE_TYPISTS;

	bench_init("bench-fanout", WATCHDOG);
	ssh_init();

	print_header(argc, argv, keys);
	start = h_now_ms();
	memset(runs, 0, sizeof runs);
	memset(typed, 0, sizeof typed);

	/* The fan-out without syntax colours, then with them; the other
	 * phases with them. */
	if (phases & PHASE_FANOUT) {
		for (mode = 0; mode < 2; mode++) {
			printf("%s\n\n", bench_syntax(mode));
			for (i = 0; i < NSIZES; i++) {
				fanout(&runs[mode][i], sizes[i], keys);
				if (runs[mode][i].failed)
					failed = 1;
			}
			print_latency(runs[mode], NSIZES);
		}
		print_syntax_cost(runs[0], runs[1], NSIZES);
	}
	printf("%s\n\n", bench_syntax(1));

	if (phases & PHASE_MEMORY) {
		if (memory(&one, &many) != 0) {
			printf(
			    "2. Memory: failed (see the messages above)\n\n");
			failed = 1;
		} else
			print_memory(&one, &many);
	}

	if (phases & PHASE_TYPISTS) {
		for (i = 0; i < NTYPES; i++) {
			typing(&typed[i], (int)i, rounds);
			if (typed[i].failed)
				failed = 1;
		}
		print_typists(typed, rounds);
	}

	bench_print_end(start);
	for (mode = 0; mode < 2; mode++) {
		for (i = 0; i < NSIZES; i++) {
			free(runs[mode][i].fan);
			free(runs[mode][i].own);
			free(runs[mode][i].all);
		}
	}
	for (i = 0; i < NTYPES; i++) {
		free(typed[i].pair);
		free(typed[i].all);
	}
	ssh_finalize();
	return failed ? 1 : 0;
}
