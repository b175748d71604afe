/* bench-why.c: how often and how fast `moot why` finds the decision behind
 * a line, on seeded generated git histories, against line-diff carrying. */
#include "moot.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "../harness.h"
#include "bench-util.h"
#include "carry.h"
#include "repo.h"

/*
 * Usage: bench-why [-kqTv] [-s SEEDS] [-c COMMITS] [-d DECISIONS]
 *                  [-t SECONDS]
 *
 * Part 1, accuracy. For each seed, a generator (below) writes a git history
 * with libgit2 into a temporary repository: FILES C-like source files of
 * about FILE_LINES lines, WARMUP_COMMITS random commits, then one decision
 * commit (trailers as moot's accept writes them) over a block of the first
 * file around line 120 (one or two whole functions, or lines 120-144), then
 * random commits of the kinds in the table `kinds`. After 10, 25, 50 and
 * 200 commits past the decision, the lines moot names (carry_head, the
 * spans of decision 1) and the lines the baseline names are compared with
 * the ground truth the generator kept.
 *
 * The ground truth. Every generated line carries the decision it is part
 * of, or none. The lines of the decided block are part of it when it is
 * made; a line keeps that through in-place edits, edits of the block's
 * first or last line, reindentation and reformatting, moves of its
 * function (within its file or to another file) and renames of its file;
 * a deleted line is gone. A new line is part of it when inserted strictly
 * between two lines that both are (a decision covers its region: a line
 * added in the middle of a decided function is governed by it); a line
 * inserted just before the first or just after the last is not, nor is a
 * function moved in between. When a reformat puts a function's "{" at
 * the end of its signature's line (K&R), that line of text is part of it
 * when either of the two is. Recall is truth lines named / truth lines;
 * precision is truth lines named / lines named; both summed over the
 * seeds (lines of text, as git and moot count them).
 *
 * The baseline is the line-diff carrying moot did before: one diff of the
 * file from the decision's base commit to the checkpoint, context 0; the
 * range becomes the first to the last surviving line; a file gone at the
 * checkpoint is followed through git's rename detection
 * (git_diff_find_similar).
 *
 * Part 2, time. A history of COMMITS commits (DECISIONS of them decisions,
 * spread evenly) over BIG_FILES files in BIG_DIRS directories; decisions
 * go only to half of the files, and BIG_OTHER_PCT% of the other commits
 * change a file with none. It is checked out and packed (git repack -ad),
 * then `$MOOT why -C REPO FILE:LINE` on a line of the oldest decision is
 * timed: cold (no .git/moot/, so it builds its cache) and warm (median of
 * RUNS), against `git log -1 --format=%H` (starting git and reading HEAD)
 * and `git blame -L LINE,LINE FILE` (git's own answer to "where does this
 * line come from"), each the median of RUNS after one unmeasured run.
 * Then carry_head in-process: the cold build of the cache and a warm read.
 *
 * -q (--quick): one seed, 10 commits, and a 100-commit history with 5
 * decisions: a few seconds, for a test suite. -v: each seed's figures;
 * -vv: the lines named and the truth at each checkpoint too.
 * -s: seeds (1 to SEEDS); -c, -d: commits and decisions of the timing
 * history. -T: no timing. -k: keep the repositories (their paths are printed).
 * -t: the seconds one timed command may take before it is killed (TIMEOUT); a
 * cold `moot why` slower than SLOW_MS is timed warm SLOW_RUNS times only.
 */

#define SEEDS 8            /* accuracy histories */
#define FILES 4            /* source files of an accuracy history */
#define FILE_LINES 300     /* lines of a generated file, about */
#define WARMUP_COMMITS 5   /* random commits before the decision */
#define DECIDED_LINE 120   /* the decided block starts about here */
#define DECIDED_LINES 25   /* lines 120-144 when not whole functions */
#define NEAR_PCT 50        /* changes drawn near the decided code */
#define NEAR_SPREAD 6      /* ... up to this many lines off it */
#define EXTRA_PCT 30       /* commits with one or two more changes */
#define BIG_COMMITS 10000  /* the timing history */
#define BIG_DECISIONS 500  /* ... its decisions */
#define BIG_FILES 400      /* ... its source files */
#define BIG_DIRS 8         /* ... in this many directories */
#define BIG_OTHER_PCT 80   /* ... commits changing a file with none */
#define RUNS 9             /* timed runs of each command */
#define SLOW_MS 20000      /* a cold `moot why` slower than this ... */
#define SLOW_RUNS 1        /* ... is timed warm this many times */
#define TIMEOUT 600        /* seconds one command may take (-t) */
#define WATCHDOG 5400      /* seconds the whole benchmark may take */
#define EPOCH 1767225600   /* the first commit's time: 2026-01-01 UTC */
#define MAXCHECK 8         /* checkpoints at most */
#define GOAL_RATE 0.95     /* the recall and precision */
#define GOAL_WARM_MS 200.0 /* the warm `moot why` */

/* Checkpoints: commits after the decision. */
static const int checkpoints[] = {10, 25, 50, 200};
static const int quick_checkpoints[] = {10};

/* ---------------------------------------------------------------------
 * A small seeded generator (splitmix64): the same seed, the same history.
 */

static uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---------------------------------------------------------------------
 * The generator's state: files of lines, each line with its ground truth.
 */

#define LINE_TYPE 0x1 /* a function's return type alone on its line */

struct gline {
	char *body;     /* without indentation; "" for a blank line */
	int depth;      /* indentation levels */
	unsigned flags; /* LINE_* */
	int func;       /* the function it belongs to; -1 for a file's head */
	int dec;        /* the truth: index of its decision, -1 none */
};

struct gfile {
	char *path; /* "src/table.c" */
	struct gline *v;
	size_t n, size;
	int indent;  /* 0 tabs, 1 four spaces, 2 two spaces */
	int statics; /* "static " before return types */
	int compact; /* no spaces around operators */
	int kr;      /* a function's "{" ends its signature's line */
	int decided; /* the timing history: decisions may go here */
	git_oid blob;
	int dirty; /* blob out of date */
};

struct gdec {
	char *path; /* as the Code-Range trailer names it */
	unsigned long first, last;
	git_oid base; /* the commit the range was taken at */
};

struct grec {
	char *path; /* doc/adr/NNNN-slug.md */
	git_oid blob;
};

/* The kinds of commit (the table `kinds`). */
enum {
	K_INSERT,
	K_DELETE,
	K_REPLACE,
	K_EDIT,
	K_EDGE,
	K_MOVE,
	K_MOVE_FILE,
	K_REFORMAT,
	K_RENAME,
	K_RENAME_EDIT,
	NKINDS
};

struct gen {
	uint64_t rng;
	git_repository *git;
	char *dir;
	struct gfile *files;
	size_t nfiles;
	struct gdec *decs;
	size_t ndecs;
	struct grec *recs;
	size_t nrecs;
	git_oid readme;
	git_oid head;
	int born;      /* head is set */
	int64_t when;  /* the next commit's time */
	unsigned next; /* makes names and numbers fresh */
	int nfuncs;
	int target; /* the decision changes are drawn near; -1 none */
	int big;    /* the timing history: files chosen by `decided` */
	unsigned long commits;
	unsigned long ops[NKINDS];  /* commits of each kind */
	unsigned long near[NKINDS]; /* ... of which changed decided lines */
	int touched;                /* the change at hand changed them */
};

/* A kind of commit: applied to the state, 0 done, -1 not possible now. */
struct kind {
	const char *name;
	unsigned weight;
	int (*apply)(struct gen *);
};

static void
gen_git_check(int rc, const char *what)
{
	const git_error *e;

	if (rc >= 0)
		return;
	e = git_error_last();
	fatalx("bench-why: %s: %s", what,
	    e != NULL && e->message != NULL ? e->message : "unknown error");
}

static unsigned
gen_below(struct gen *g, unsigned n)
{
	return n == 0 ? 0 : (unsigned)(rng_next(&g->rng) % n);
}

static int
gen_pct(struct gen *g, unsigned pct)
{
	return gen_below(g, 100) < pct;
}

/* ---------------------------------------------------------------------
 * Realistic lines: signatures, braces, statements with identifiers and
 * numbers, comments, blank lines.
 */

static const char *const words[] = {"count", "total", "table", "key", "name",
    "state", "flags", "buf", "len", "offset", "entry", "node", "cache", "value",
    "index", "limit", "size", "next", "prev", "head", "width", "depth", "owner",
    "queue"};
static const char *const verbs[] = {"find", "count", "free", "copy", "check",
    "update", "load", "store", "parse", "emit", "merge", "split"};
static const char *const types[] = {
    "int", "void", "size_t", "long", "unsigned", "char *", "struct node *"};
static const char *const stems[] = {"table", "cache", "parse", "store", "queue",
    "index", "emit", "merge", "node", "limit", "owner", "entry"};
static const char *const dirs[] = {
    "core", "net", "disk", "ui", "util", "proto", "auth", "text"};
static const char *const keywords[] = {"if", "for", "return", "int", "struct",
    "sizeof", "static", "void", "char", "long", "unsigned", "size_t", "ctx",
    "i", "the", "a", "of", "before", "total"};
static const char *const people[][2] = {{"Alice Liddell", "alice@example.com"},
    {"Bob Stone", "bob@example.com"}, {"Carol Reyes", "carol@example.com"},
    {"Dan Okafor", "dan@example.com"}};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *
gen_word(struct gen *g)
{
	return words[gen_below(g, NITEMS(words))];
}

static const char *
gen_verb(struct gen *g)
{
	return verbs[gen_below(g, NITEMS(verbs))];
}

/* One statement, a comment now and then. */
static char *
gen_statement(struct gen *g)
{
	const char *a = gen_word(g), *b = gen_word(g), *v = gen_verb(g);
	unsigned n = gen_below(g, 1000), m = gen_below(g, 100);
	char *s;

	switch (gen_below(g, 9)) {
	case 0:
		xasprintf(&s, "%s_%u = ctx->%s + %u;", a, n, b, m);
		break;
	case 1:
		xasprintf(&s, "total += %s[i] * %u;", a, n);
		break;
	case 2:
		xasprintf(&s, "ctx->%s_%u = %s_%s(ctx, %u);", a, n, v, b, m);
		break;
	case 3:
		xasprintf(&s, "/* %c%s the %s before the %s, %u at most. */",
		    v[0] - 'a' + 'A', v + 1, a, b, n);
		break;
	case 4:
		xasprintf(&s, "%s = lookup(table, key + %u);", a, n);
		break;
	case 5:
		xasprintf(&s, "memset(%s, 0, sizeof *%s * %u);", a, a, n);
		break;
	case 6:
		xasprintf(&s, "error_%u(ctx, \"bad %s: %%s\", name);", n, a);
		break;
	case 7:
		xasprintf(
		    &s, "%s = %s_%s(%s, %u, %s_%u);", a, v, b, a, n, b, m);
		break;
	default:
		xasprintf(&s, "%s_%u -= %s >> %u;", a, n, b, m % 8);
		break;
	}
	return s;
}

static void
file_insert(struct gfile *f, size_t at, char *body, int depth, unsigned flags,
    int func, int dec)
{
	struct gline *l;

	if (f->n == f->size) {
		f->size = f->size == 0 ? 64 : f->size * 2;
		f->v = xreallocarray(f->v, f->size, sizeof *f->v);
	}
	memmove(&f->v[at + 1], &f->v[at], (f->n - at) * sizeof *f->v);
	l = &f->v[at];
	l->body = body;
	l->depth = depth;
	l->flags = flags;
	l->func = func;
	l->dec = dec;
	f->n++;
	f->dirty = 1;
}

static void
file_push(struct gfile *f, int depth, unsigned flags, int func, char *body)
{
	file_insert(f, f->n, body, depth, flags, func, -1);
}

/* Remove count lines from at, freeing them. */
static void
file_delete(struct gfile *f, size_t at, size_t count)
{
	size_t i;

	for (i = at; i < at + count; i++)
		free(f->v[i].body);
	memmove(
	    &f->v[at], &f->v[at + count], (f->n - at - count) * sizeof *f->v);
	f->n -= count;
	f->dirty = 1;
}

/* Append a function: a comment, the return type, the name and
 * parameters, braces, a body of statements with blocks, a blank line. */
static void
gen_function(struct gen *g, struct gfile *f)
{
	int func = g->nfuncs++;
	const char *v = gen_verb(g), *w = gen_word(g);
	unsigned id = ++g->next, left = 4 + gen_below(g, 18), k, n, a, b;
	const char *x;
	char *s;

	/* One draw per statement: arguments are evaluated in no set order,
	 * and the same seed must give the same history everywhere. */
	xasprintf(&s, "/* %c%s the %s of the %s. */", v[0] - 'a' + 'A', v + 1,
	    w, gen_word(g));
	file_push(f, 0, 0, func, s);
	file_push(
	    f, 0, LINE_TYPE, func, xstrdup(types[gen_below(g, NITEMS(types))]));
	xasprintf(
	    &s, "%s_%s_%u(struct ctx *ctx, int %s)", v, w, id, gen_word(g));
	file_push(f, 0, 0, func, s);
	file_push(f, 0, 0, func, xstrdup("{"));
	xasprintf(&s, "int total = %u;", gen_below(g, 100));
	file_push(f, 1, 0, func, s);
	while (left > 0) {
		k = gen_below(g, 10);
		if (k < 3 && left >= 3) {
			x = gen_word(g);
			a = gen_below(g, 1000);
			b = gen_below(g, 100);
			if (k == 0) {
				xasprintf(
				    &s, "for (i = 0; i < %s_%u; i++) {", x, a);
			} else {
				xasprintf(
				    &s, "if (ctx->%s_%u > %u) {", x, a, b);
			}
			file_push(f, 1, 0, func, s);
			n = 1 + gen_below(g, 3);
			for (; n > 0 && left > 0; n--, left--)
				file_push(f, 2, 0, func, gen_statement(g));
			file_push(f, 1, 0, func, xstrdup("}"));
			left = left > 2 ? left - 2 : 0;
		} else if (k == 3) {
			file_push(f, 0, 0, func, xstrdup(""));
			left--;
		} else {
			file_push(f, 1, 0, func, gen_statement(g));
			left--;
		}
	}
	file_push(f, 1, 0, func, xstrdup("return total;"));
	file_push(f, 0, 0, func, xstrdup("}"));
	file_push(f, 0, 0, func, xstrdup(""));
}

/* A new file of about FILE_LINES lines: a head, then functions. */
static struct gfile *
gen_file(struct gen *g, const char *path, int decided)
{
	struct gfile *f;
	const char *slash, *a, *b;
	char *s;

	g->files = xreallocarray(g->files, g->nfiles + 1, sizeof *g->files);
	f = &g->files[g->nfiles++];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	f->indent = gen_below(g, 3);
	f->decided = decided;
	slash = strrchr(path, '/');
	a = gen_word(g);
	b = gen_word(g);
	xasprintf(&s, "/* %s: the %s and its %s. */",
	    slash != NULL ? slash + 1 : path, a, b);
	file_push(f, 0, 0, -1, s);
	file_push(f, 0, 0, -1, xstrdup(""));
	file_push(f, 0, 0, -1, xstrdup("#include <stdio.h>"));
	file_push(f, 0, 0, -1, xstrdup("#include \"ctx.h\""));
	file_push(f, 0, 0, -1, xstrdup(""));
	while (f->n < FILE_LINES)
		gen_function(g, f);
	return f;
}

/*
 * Whether line i of f is a function's opening brace that the file's style
 * puts at the end of the signature's line (K&R): then the two are one
 * line of text.
 */
static int
file_joined(const struct gfile *f, size_t i)
{
	const struct gline *up;
	size_t len;

	if (!f->kr || i == 0 || f->v[i].depth != 0 ||
	    strcmp(f->v[i].body, "{") != 0)
		return 0;
	up = &f->v[i - 1];
	len = strlen(up->body);
	return up->depth == 0 && len > 0 && up->body[len - 1] == ')';
}

/* The line of text (1-based) line i of f is on. */
static unsigned long
file_row(const struct gfile *f, size_t i)
{
	unsigned long row = 0;
	size_t j;

	for (j = 0; j <= i && j < f->n; j++)
		row += !file_joined(f, j);
	return row;
}

/*
 * For each line of text of f, whether it holds a line of decision dec
 * (a joined line holds two); the number of lines of text in *nrows.
 */
static char *
file_rows(const struct gfile *f, int dec, size_t *nrows)
{
	char *rows = xcalloc(f->n + 1, 1);
	size_t i, r = 0;

	for (i = 0; i < f->n; i++) {
		if (!file_joined(f, i))
			r++;
		if (f->v[i].dec == dec)
			rows[r - 1] = 1;
	}
	*nrows = r;
	return rows;
}

/*
 * The file as text: each line indented by the file's style, "static "
 * before return types when the file has them, operators without spaces
 * when the file is compact, function braces after the signature in K&R.
 */
static char *
file_render(const struct gfile *f, size_t *len)
{
	static const char *const indents[] = {"\t", "    ", "  "};
	static const char *const ops = "=+-*/<>&|,;";
	const struct gline *l;
	size_t size = 4096, used = 0, need, i;
	const char *p, *in = indents[f->indent];
	char *out = xmalloc(size), prev;
	int d;

	for (i = 0; i < f->n; i++) {
		l = &f->v[i];
		need = used + strlen(l->body) + l->depth * 4 + 16;
		if (need > size) {
			size = need * 2;
			out = xrealloc(out, size);
		}
		if (file_joined(f, i)) {
			memcpy(out + used - 1, " {\n", 3);
			used += 2;
			continue;
		}
		for (d = 0; d < l->depth && l->body[0] != '\0'; d++) {
			memcpy(out + used, in, strlen(in));
			used += strlen(in);
		}
		if ((l->flags & LINE_TYPE) && f->statics) {
			memcpy(out + used, "static ", 7);
			used += 7;
		}
		prev = '\0';
		for (p = l->body; *p != '\0'; p++) {
			if (f->compact && *p == ' ' && p != l->body &&
			    (strchr(ops, prev) != NULL ||
			        (p[1] != '\0' && strchr(ops, p[1]) != NULL)))
				continue;
			out[used++] = *p;
			prev = *p;
		}
		out[used++] = '\n';
	}
	*len = used;
	return out;
}

static int
is_keyword(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < NITEMS(keywords); i++) {
		if (strlen(keywords[i]) == len &&
		    memcmp(keywords[i], s, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * Change one token of a line, two now and then, keeping it recognisable:
 * a number becomes another number, a name another name. Returns -1 when
 * the line has nothing to change (a brace, a blank line).
 */
static int
line_edit(struct gen *g, struct gline *l)
{
	size_t at[64], len[64], n, i, j;
	int edits = gen_pct(g, 30) ? 2 : 1, digits;
	const char *b;
	char *s, repl[32];

	for (; edits > 0; edits--) {
		b = l->body;
		n = 0;
		for (i = 0; b[i] != '\0' && n < NITEMS(at);) {
			digits = b[i] >= '0' && b[i] <= '9';
			if (!digits && b[i] != '_' &&
			    !(b[i] >= 'a' && b[i] <= 'z') &&
			    !(b[i] >= 'A' && b[i] <= 'Z')) {
				i++;
				continue;
			}
			for (j = i;
			     b[j] == '_' || (b[j] >= '0' && b[j] <= '9') ||
			     (b[j] >= 'a' && b[j] <= 'z') ||
			     (b[j] >= 'A' && b[j] <= 'Z');
			     j++)
				;
			if (digits || !is_keyword(b + i, j - i)) {
				at[n] = i;
				len[n++] = j - i;
			}
			i = j;
		}
		if (n == 0)
			return -1;
		i = gen_below(g, n);
		if (b[at[i]] >= '0' && b[at[i]] <= '9')
			snprintf(
			    repl, sizeof repl, "%u", 1000 + gen_below(g, 9000));
		else {
			snprintf(repl, sizeof repl, "%s", gen_word(g));
			if (strlen(repl) == len[i] &&
			    memcmp(repl, b + at[i], len[i]) == 0)
				snprintf(repl, sizeof repl, "%s2", gen_word(g));
		}
		xasprintf(
		    &s, "%.*s%s%s", (int)at[i], b, repl, b + at[i] + len[i]);
		free(l->body);
		l->body = s;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Where changes go: near the decided code half of the time (accuracy),
 * else anywhere; in the timing history mostly in files with no decision.
 */

/* A random line of the target decision: 0, or -1 when it has none. */
static int
gen_truth_line(struct gen *g, size_t *fi, size_t *li)
{
	size_t i, j, n = 0, k;

	if (g->target < 0)
		return -1;
	for (i = 0; i < g->nfiles; i++) {
		for (j = 0; j < g->files[i].n; j++)
			n += g->files[i].v[j].dec == g->target;
	}
	if (n == 0)
		return -1;
	k = gen_below(g, n);
	for (i = 0; i < g->nfiles; i++) {
		for (j = 0; j < g->files[i].n; j++) {
			if (g->files[i].v[j].dec == g->target && k-- == 0) {
				*fi = i;
				*li = j;
				return 0;
			}
		}
	}
	return -1;
}

/* Whether file fi has lines of the target decision. */
static int
gen_file_has_truth(struct gen *g, size_t fi)
{
	size_t j;

	for (j = 0; j < g->files[fi].n; j++) {
		if (g->target >= 0 && g->files[fi].v[j].dec == g->target)
			return 1;
	}
	return 0;
}

/* A file to change. */
static size_t
gen_file_pick(struct gen *g)
{
	int decided;
	size_t i;

	if (!g->big)
		return gen_below(g, g->nfiles);
	decided = !gen_pct(g, BIG_OTHER_PCT);
	for (;;) {
		i = gen_below(g, g->nfiles);
		if (g->files[i].decided == decided)
			return i;
	}
}

/* A file to change, near the decided code half of the time. */
static size_t
gen_file_near(struct gen *g)
{
	size_t fi, li;

	if (gen_pct(g, NEAR_PCT) && gen_truth_line(g, &fi, &li) == 0)
		return fi;
	return gen_file_pick(g);
}

/*
 * A line of file fi (insert: a place between lines, 0 to n): near the
 * decided code half of the time when the file has some.
 */
static size_t
gen_spot_in(struct gen *g, size_t fi, int insert)
{
	struct gfile *f = &g->files[fi];
	size_t tfi, tli, i;
	long at, tries;

	if (gen_pct(g, NEAR_PCT)) {
		for (tries = 0; tries < 4; tries++) {
			if (gen_truth_line(g, &tfi, &tli) != 0)
				break;
			if (tfi != fi)
				continue;
			at = (long)tli +
			     (long)gen_below(g, 2 * NEAR_SPREAD + 1) -
			     NEAR_SPREAD;
			if (at < 0)
				at = 0;
			if (at > (long)f->n - (insert ? 0 : 1))
				at = (long)f->n - (insert ? 0 : 1);
			return (size_t)at;
		}
	}
	i = gen_below(g, (unsigned)f->n + (insert ? 1 : 0));
	return i;
}

/* A file and a line to change. */
static void
gen_spot(struct gen *g, size_t *fi, size_t *li, int insert)
{
	*fi = gen_file_near(g);
	*li = gen_spot_in(g, *fi, insert);
}

/* ---------------------------------------------------------------------
 * The kinds of change.
 */

/* Insert count new lines at at: part of a decision only between two of
 * its lines. */
static void
gen_insert_at(struct gen *g, size_t fi, size_t at, unsigned count)
{
	struct gfile *f = &g->files[fi];
	int depth = 1, func = -1, dec = -1;
	unsigned a, b;
	const char *w;
	char *body;

	if (at > 0 && at < f->n && f->v[at - 1].dec >= 0 &&
	    f->v[at - 1].dec == f->v[at].dec)
		dec = f->v[at].dec;
	if (at > 0) {
		depth = f->v[at - 1].depth;
		if (strchr(f->v[at - 1].body, '{') != NULL)
			depth++;
		func = f->v[at - 1].func;
	}
	if (func < 0 && at < f->n)
		func = f->v[at].func;
	if (dec >= 0 && dec == g->target)
		g->touched = 1;
	for (; count > 0; count--) {
		/* Between functions: a declaration. */
		if (depth == 0) {
			w = gen_word(g);
			a = gen_below(g, 1000);
			b = gen_below(g, 100);
			xasprintf(&body, "static int %s_%u = %u;", w, a, b);
		} else
			body = gen_statement(g);
		file_insert(f, at, body, depth, 0, func, dec);
	}
}

/* Delete up to count lines from at; files stay long enough. */
static int
gen_delete_at(struct gen *g, size_t fi, size_t at, unsigned count)
{
	struct gfile *f = &g->files[fi];
	size_t i;

	if (f->n < 40 || at >= f->n)
		return -1;
	if (at + count > f->n)
		count = (unsigned)(f->n - at);
	for (i = at; i < at + count; i++) {
		if (g->target >= 0 && f->v[i].dec == g->target)
			g->touched = 1;
	}
	file_delete(f, at, count);
	return 0;
}

static int
op_insert(struct gen *g)
{
	size_t fi, li;

	gen_spot(g, &fi, &li, 1);
	gen_insert_at(g, fi, li, 1 + gen_below(g, 4));
	return 0;
}

static int
op_delete(struct gen *g)
{
	size_t fi, li;

	gen_spot(g, &fi, &li, 0);
	return gen_delete_at(g, fi, li, 1 + gen_below(g, 4));
}

/* Lines rewritten: some deleted, new ones in their place. */
static int
op_replace(struct gen *g)
{
	size_t fi, li;

	gen_spot(g, &fi, &li, 0);
	if (gen_delete_at(g, fi, li, 1 + gen_below(g, 3)) != 0)
		return -1;
	gen_insert_at(g, fi, li, 1 + gen_below(g, 3));
	return 0;
}

/* Edit the first line from at on (up to 8 further) that has a token. */
static int
gen_edit_from(struct gen *g, size_t fi, size_t at, int step)
{
	struct gfile *f = &g->files[fi];
	long i;
	int k;

	for (k = 0, i = (long)at; k < 8 && i >= 0 && i < (long)f->n;
	     k++, i += step) {
		if (line_edit(g, &f->v[i]) == 0) {
			if (g->target >= 0 && f->v[i].dec == g->target)
				g->touched = 1;
			f->dirty = 1;
			return 0;
		}
	}
	return -1;
}

static int
op_edit(struct gen *g)
{
	size_t fi, li;

	gen_spot(g, &fi, &li, 0);
	if (g->files[fi].n == 0)
		return -1;
	return gen_edit_from(g, fi, li, 1);
}

/*
 * Edit the first or the last line of the decided code (the first or last
 * of its lines in the file holding its first or last); a line with no
 * token (a brace) passes the edit to the next line inwards.
 */
static int
op_edge(struct gen *g)
{
	size_t i, j, fi = 0, li = 0;
	int found = 0, last = gen_pct(g, 50);

	if (g->target < 0)
		return op_edit(g);
	for (i = 0; i < g->nfiles; i++) {
		for (j = 0; j < g->files[i].n; j++) {
			if (g->files[i].v[j].dec != g->target)
				continue;
			if (!found || last) {
				fi = i;
				li = j;
			}
			found = 1;
		}
	}
	if (!found)
		return -1;
	return gen_edit_from(g, fi, li, last ? -1 : 1);
}

/* The lines [*s, *e) of func in f; -1 when it has none or they are not
 * one block. */
static int
func_range(const struct gfile *f, int func, size_t *s, size_t *e)
{
	size_t i;
	int in = 0, done = 0;

	for (i = 0; i < f->n; i++) {
		if (f->v[i].func == func) {
			if (done)
				return -1;
			if (!in)
				*s = i;
			in = 1;
		} else if (in) {
			*e = i;
			in = 0;
			done = 1;
		}
	}
	if (in)
		*e = f->n;
	return done || in ? 0 : -1;
}

/* A function to move: one of the decided code's half of the time. */
static int
gen_func_pick(struct gen *g, size_t *fi, int *func)
{
	size_t li;
	int tries;

	if (gen_pct(g, NEAR_PCT) && gen_truth_line(g, fi, &li) == 0 &&
	    g->files[*fi].v[li].func >= 0) {
		*func = g->files[*fi].v[li].func;
		return 0;
	}
	*fi = gen_file_pick(g);
	for (tries = 0; tries < 16 && g->files[*fi].n > 0; tries++) {
		li = gen_below(g, (unsigned)g->files[*fi].n);
		if ((*func = g->files[*fi].v[li].func) >= 0)
			return 0;
	}
	return -1;
}

/* Places where a function may go in f: after the end of one, or before
 * the first. Returns how many, at most max. */
static size_t
func_slots(const struct gfile *f, size_t *slots, size_t max)
{
	size_t i, n = 0;
	int seen = 0;

	for (i = 0; i <= f->n && n < max; i++) {
		if (i < f->n && f->v[i].func >= 0 && !seen) {
			slots[n++] = i;
			seen = 1;
			continue;
		}
		if (i > 0 && f->v[i - 1].func >= 0 &&
		    (i == f->n || f->v[i].func != f->v[i - 1].func))
			slots[n++] = i;
	}
	return n;
}

/*
 * Move a function as a block: within its file (to another place between
 * functions) or to another file. Moved lines keep what they are part of;
 * in another file they take its indentation.
 */
static int
gen_move(struct gen *g, int other)
{
	struct gfile *from, *to;
	struct gline *block;
	size_t fi, ti, s, e, n, i, slots[512], nslots, at;
	int func, tries = 0, rc = 0;

	if (gen_func_pick(g, &fi, &func) != 0)
		return -1;
	from = &g->files[fi];
	if (func_range(from, func, &s, &e) != 0)
		return -1;
	n = e - s;
	ti = fi;
	if (other) {
		if (g->nfiles < 2)
			return -1;
		do
			ti = gen_file_pick(g);
		while (ti == fi && ++tries < 16);
		if (ti == fi)
			return -1;
	} else if (n + 40 > from->n)
		return -1;
	to = &g->files[ti];

	block = xreallocarray(NULL, n, sizeof *block);
	memcpy(block, &from->v[s], n * sizeof *block);
	memmove(&from->v[s], &from->v[e], (from->n - e) * sizeof *from->v);
	from->n -= n;
	from->dirty = 1;

	nslots = func_slots(to, slots, NITEMS(slots));
	at = nslots == 0 ? to->n : slots[gen_below(g, (unsigned)nslots)];
	if (!other) {
		/* Somewhere else than where it was, or back and no move. */
		for (i = 0; i < nslots && slots[i] == s; i++)
			;
		if (i == nslots) {
			rc = -1;
			at = s;
		} else {
			while (at == s)
				at = slots[gen_below(g, (unsigned)nslots)];
		}
	}
	for (i = 0; i < n; i++) {
		if (rc == 0 && g->target >= 0 && block[i].dec == g->target)
			g->touched = 1;
		file_insert(to, at + i, block[i].body, block[i].depth,
		    block[i].flags, block[i].func, block[i].dec);
	}
	free(block);
	return rc;
}

static int
op_move(struct gen *g)
{
	return gen_move(g, 0);
}

static int
op_move_file(struct gen *g)
{
	return gen_move(g, 1);
}

/*
 * Reformat a whole file, as clang-format would: another indentation for
 * every indented line, "static " before return types (added once, kept),
 * and now and then operators with or without spaces around them, and
 * functions' "{" joined to or split from their signature's line. A
 * function moved to another file takes that file's style the same way.
 */
static int
op_reformat(struct gen *g)
{
	size_t fi = gen_file_near(g);
	struct gfile *f = &g->files[fi];

	f->indent = (f->indent + 1 + (int)gen_below(g, 2)) % 3;
	if (!f->statics && gen_pct(g, 50))
		f->statics = 1;
	if (gen_pct(g, 30))
		f->compact = !f->compact;
	if (gen_pct(g, 30))
		f->kr = !f->kr;
	f->dirty = 1;
	if (gen_file_has_truth(g, fi))
		g->touched = 1;
	return 0;
}

/* A new name for a file, in its directory. */
static int
gen_rename(struct gen *g, size_t fi)
{
	struct gfile *f = &g->files[fi];
	const char *slash = strrchr(f->path, '/');
	const char *stem = stems[gen_below(g, NITEMS(stems))];
	const char *w = gen_word(g);
	char *path;

	xasprintf(&path, "%.*s%s-%s%u.c",
	    slash != NULL ? (int)(slash - f->path + 1) : 0, f->path, stem, w,
	    ++g->next);
	free(f->path);
	f->path = path;
	if (gen_file_has_truth(g, fi))
		g->touched = 1;
	return 0;
}

static int
op_rename(struct gen *g)
{
	return gen_rename(g, gen_file_near(g));
}

/* A rename with edits: one to three lines edited or inserted in it. */
static int
op_rename_edit(struct gen *g)
{
	size_t fi = gen_file_near(g), at;
	unsigned n = 1 + gen_below(g, 3);

	gen_rename(g, fi);
	for (; n > 0; n--) {
		if (gen_pct(g, 50))
			gen_edit_from(g, fi, gen_spot_in(g, fi, 0), 1);
		else {
			at = gen_spot_in(g, fi, 1);
			gen_insert_at(g, fi, at, 1 + gen_below(g, 2));
		}
	}
	return 0;
}

/* What a commit does, and how often (weights out of their sum). */
static const struct kind kinds[NKINDS] = {
    [K_INSERT] = {"insert", 18, op_insert},
    [K_DELETE] = {"delete", 12, op_delete},
    [K_REPLACE] = {"replace", 8, op_replace},
    [K_EDIT] = {"edit", 20, op_edit},
    [K_EDGE] = {"edge-edit", 8, op_edge},
    [K_MOVE] = {"move", 8, op_move},
    [K_MOVE_FILE] = {"move-to-file", 5, op_move_file},
    [K_REFORMAT] = {"reformat", 4, op_reformat},
    [K_RENAME] = {"rename", 4, op_rename},
    [K_RENAME_EDIT] = {"rename+edit", 4, op_rename_edit},
};

/* The small changes a commit may add to its main one. */
static const int extras[] = {K_INSERT, K_DELETE, K_EDIT};

/* ---------------------------------------------------------------------
 * Writing the history with libgit2.
 */

struct entry {
	const char *path;
	const git_oid *oid;
};

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(
	    ((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

/* The tree of entries e[0..n), whose paths start with skip bytes of the
 * directory's own path. */
static void
gen_tree(
    struct gen *g, const struct entry *e, size_t n, size_t skip, git_oid *out)
{
	git_treebuilder *tb;
	const char *name, *slash;
	size_t i = 0, j, comp;
	char part[256];
	git_oid sub;

	gen_git_check(git_treebuilder_new(&tb, g->git, NULL), "treebuilder");
	while (i < n) {
		name = e[i].path + skip;
		if ((slash = strchr(name, '/')) == NULL) {
			gen_git_check(git_treebuilder_insert(NULL, tb, name,
			                  e[i].oid, GIT_FILEMODE_BLOB),
			    "tree insert");
			i++;
			continue;
		}
		comp = (size_t)(slash - name);
		for (j = i + 1;
		     j < n && strncmp(e[j].path + skip, name, comp + 1) == 0;
		     j++)
			;
		gen_tree(g, e + i, j - i, skip + comp + 1, &sub);
		snprintf(part, sizeof part, "%.*s", (int)comp, name);
		gen_git_check(git_treebuilder_insert(
		                  NULL, tb, part, &sub, GIT_FILEMODE_TREE),
		    "tree insert");
		i = j;
	}
	gen_git_check(git_treebuilder_write(out, tb), "tree write");
	git_treebuilder_free(tb);
}

/* Commit the state on top of head, by one of the people. */
static void
gen_commit(struct gen *g, const char *message)
{
	const char *const *who = people[gen_below(g, NITEMS(people))];
	struct entry *e;
	git_signature *sig;
	git_commit *parent = NULL;
	git_tree *tree;
	git_oid tid;
	size_t i, n = 0, len;
	char *text;

	e = xreallocarray(NULL, g->nfiles + g->nrecs + 1, sizeof *e);
	e[n].path = "README";
	e[n++].oid = &g->readme;
	for (i = 0; i < g->nrecs; i++) {
		e[n].path = g->recs[i].path;
		e[n++].oid = &g->recs[i].blob;
	}
	for (i = 0; i < g->nfiles; i++) {
		if (g->files[i].dirty) {
			text = file_render(&g->files[i], &len);
			gen_git_check(git_blob_create_from_buffer(
			                  &g->files[i].blob, g->git, text, len),
			    "blob");
			free(text);
			g->files[i].dirty = 0;
		}
		e[n].path = g->files[i].path;
		e[n++].oid = &g->files[i].blob;
	}
	qsort(e, n, sizeof *e, entry_cmp);
	gen_tree(g, e, n, 0, &tid);
	free(e);

	gen_git_check(git_tree_lookup(&tree, g->git, &tid), "tree lookup");
	if (g->born) {
		gen_git_check(git_commit_lookup(&parent, g->git, &g->head),
		    "commit lookup");
	}
	gen_git_check(
	    git_signature_new(&sig, who[0], who[1], g->when, 0), "signature");
	gen_git_check(
	    git_commit_create(&g->head, g->git, NULL, sig, sig, NULL, message,
	        tree, g->born ? 1 : 0, (const git_commit **)&parent),
	    "commit");
	git_signature_free(sig);
	git_commit_free(parent);
	git_tree_free(tree);
	g->born = 1;
	g->commits++;
	g->when += 60 + gen_below(g, 7200);
}

/* Point the branch HEAD names at the newest commit. */
static void
gen_set_head(struct gen *g)
{
	git_reference *ref;

	gen_git_check(git_reference_create(
	                  &ref, g->git, "refs/heads/main", &g->head, 1, NULL),
	    "update main");
	git_reference_free(ref);
}

/* One random commit: a kind drawn by weight, maybe small changes more. */
static void
gen_step(struct gen *g)
{
	unsigned total = 0, k, w, i, extra;
	int tries, kind = K_EDIT;
	const char *stem, *verb, *word;
	char *msg;

	for (k = 0; k < NKINDS; k++)
		total += kinds[k].weight;
	for (tries = 0; tries < 32; tries++) {
		g->touched = 0;
		w = gen_below(g, total);
		for (k = 0; w >= kinds[k].weight; k++)
			w -= kinds[k].weight;
		if (kinds[k].apply(g) == 0) {
			kind = (int)k;
			break;
		}
	}
	g->ops[kind]++;
	if (g->touched)
		g->near[kind]++;
	if (gen_pct(g, EXTRA_PCT)) {
		extra = 1 + gen_below(g, 2);
		for (i = 0; i < extra; i++)
			kinds[extras[gen_below(g, NITEMS(extras))]].apply(g);
	}
	stem = stems[gen_below(g, NITEMS(stems))];
	verb = gen_verb(g);
	word = gen_word(g);
	xasprintf(
	    &msg, "%s: %s the %s (%s)\n", stem, verb, word, kinds[kind].name);
	gen_commit(g, msg);
	free(msg);
}

/*
 * The decision commit, as moot's accept makes it: the record alone, on
 * top of HEAD, with its trailers; the Code-Range taken at HEAD. Lines
 * [s, e) of file fi become the decision's.
 */
static void
gen_decide(struct gen *g, size_t fi, size_t s, size_t e)
{
	struct gfile *f = &g->files[fi];
	const char *const *who = people[gen_below(g, NITEMS(people))];
	const char *a = gen_word(g), *b = gen_word(g);
	struct gdec *d;
	struct grec *rec;
	unsigned number = (unsigned)g->ndecs + 1;
	char *text, *msg, hex[GIT_OID_HEXSZ + 1], date[16];
	size_t i;
	time_t t = (time_t)g->when;
	struct tm tm;

	g->decs = xreallocarray(g->decs, g->ndecs + 1, sizeof *g->decs);
	d = &g->decs[g->ndecs++];
	d->path = xstrdup(f->path);
	d->first = file_row(f, s);
	d->last = file_row(f, e - 1);
	d->base = g->head;
	for (i = s; i < e; i++)
		f->v[i].dec = (int)number - 1;

	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%Y-%m-%d", &tm);
	g->recs = xreallocarray(g->recs, g->nrecs + 1, sizeof *g->recs);
	rec = &g->recs[g->nrecs++];
	xasprintf(&rec->path, "doc/adr/%04u-keep-the-%s-with-the-%s.md", number,
	    a, b);
	git_oid_tostr(hex, sizeof hex, &d->base);
	xasprintf(&text,
	    "# %u. Keep the %s with the %s\n\n"
	    "- Status: accepted\n- Date: %s\n- Deciders: %s\n\n"
	    "## Status\n\nAccepted\n\n"
	    "## Context\n\nThe %s changes often.\n\n"
	    "## Decision Outcome\n\nChosen option: one %s, because it is "
	    "simpler\n\n"
	    "## More Information\n\nCode:\n\n- `%s` lines %lu–%lu at %.12s\n",
	    number, a, b, date, who[0], a, b, d->path, d->first, d->last, hex);
	gen_git_check(
	    git_blob_create_from_buffer(&rec->blob, g->git, text, strlen(text)),
	    "record blob");
	free(text);
	xasprintf(&msg,
	    "docs(adr): ADR-%04u Keep the %s with the %s\n\n"
	    "Chosen option: one %s, because it is simpler\n\n"
	    "Why: The %s changes often.\n\n"
	    "Decision-Id: ADR-%04u\n"
	    "Decision-Status: accepted\n"
	    "Decision-File: %s\n"
	    "Decided-by: %s <%s>\n"
	    "Participant: %s <%s>\n"
	    "Code-Range: %s:%lu-%lu@%s\n"
	    "Discussion: 2 chat messages, 10:00-10:05 UTC, quoted in the "
	    "record\n"
	    "Co-authored-by: %s <%s>\n",
	    number, a, b, b, a, number, rec->path, who[0], who[1], who[0],
	    who[1], d->path, d->first, d->last, hex, who[0], who[1]);
	gen_commit(g, msg);
	free(msg);
}

/* The last line of func in f that is not blank, plus one. */
static size_t
func_end(const struct gfile *f, int func)
{
	size_t s, e;

	if (func_range(f, func, &s, &e) != 0)
		return 0;
	while (e > s && f->v[e - 1].body[0] == '\0')
		e--;
	return e;
}

/*
 * The accuracy history's decision, in the first file about line 120:
 * half of the seeds whole functions (the one there, and the next when it
 * is short: a selection from its comment to its closing brace), the other
 * half lines 120-144 as they fall.
 */
static void
gen_decide_first(struct gen *g)
{
	struct gfile *f = &g->files[0];
	size_t s = DECIDED_LINE - 1, e = s + DECIDED_LINES, next, e2;
	int func = f->v[s].func;

	if (gen_pct(g, 50) && func >= 0 &&
	    func_range(f, func, &s, &next) == 0) {
		e = func_end(f, func);
		/* A short one: the next function too. */
		if (e - s < 20 && next < f->n && f->v[next].func >= 0 &&
		    (e2 = func_end(f, f->v[next].func)) > e)
			e = e2;
	}
	gen_decide(g, 0, s, e);
}

/*
 * A decision of the timing history: in a file set aside for decisions, a
 * whole function (60%) or 10 to 40 lines, none of them decided already.
 */
static void
gen_decide_big(struct gen *g)
{
	struct gfile *f;
	size_t fi, s, e, i;
	int tries, ok, func;

	for (tries = 0; tries < 1000; tries++) {
		fi = gen_below(g, (unsigned)g->nfiles);
		f = &g->files[fi];
		if (!f->decided || f->n < 60)
			continue;
		s = gen_below(g, (unsigned)f->n - 50);
		e = s + 10 + gen_below(g, 31);
		func = f->v[s].func;
		if (gen_pct(g, 60) && func >= 0 &&
		    func_range(f, func, &s, &e) == 0)
			e = func_end(f, func);
		for (ok = e > s, i = s; i < e && ok; i++)
			ok = f->v[i].dec < 0;
		if (ok) {
			gen_decide(g, fi, s, e);
			return;
		}
	}
	fatalx("bench-why: no room for a decision");
}

/* A new repository in dir, with the generator seeded. */
static struct gen *
gen_open(uint64_t seed, const char *dir, int big)
{
	git_repository_init_options o;
	struct gen *g = xcalloc(1, sizeof *g);
	const char *readme = "A history generated by bench-why.\n";

	g->rng = seed;
	g->dir = xstrdup(dir);
	g->big = big;
	g->target = -1;
	g->when = EPOCH;
	git_repository_init_options_init(
	    &o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	o.flags = GIT_REPOSITORY_INIT_MKPATH;
	o.initial_head = "main";
	gen_git_check(git_repository_init_ext(&g->git, dir, &o), "init");
	gen_git_check(git_blob_create_from_buffer(
	                  &g->readme, g->git, readme, strlen(readme)),
	    "blob");
	return g;
}

static void
gen_close_git(struct gen *g)
{
	git_repository_free(g->git);
	g->git = NULL;
}

static void
gen_free(struct gen *g)
{
	size_t i, j;

	if (g->git != NULL)
		gen_close_git(g);
	for (i = 0; i < g->nfiles; i++) {
		for (j = 0; j < g->files[i].n; j++)
			free(g->files[i].v[j].body);
		free(g->files[i].v);
		free(g->files[i].path);
	}
	free(g->files);
	for (i = 0; i < g->ndecs; i++)
		free(g->decs[i].path);
	free(g->decs);
	for (i = 0; i < g->nrecs; i++)
		free(g->recs[i].path);
	free(g->recs);
	free(g->dir);
	free(g);
}

/* ---------------------------------------------------------------------
 * Scoring: the lines named against the truth.
 */

struct score {
	unsigned long truth; /* lines of the decision (the truth) */
	unsigned long named; /* lines named */
	unsigned long hit;   /* truth lines named */
};

static struct gfile *
gen_find_file(struct gen *g, const char *path)
{
	size_t i;

	for (i = 0; i < g->nfiles; i++) {
		if (strcmp(g->files[i].path, path) == 0)
			return &g->files[i];
	}
	return NULL;
}

static unsigned long
gen_truth(struct gen *g, int dec)
{
	unsigned long n = 0;
	size_t i, r, nrows;
	char *rows;

	for (i = 0; i < g->nfiles; i++) {
		rows = file_rows(&g->files[i], dec, &nrows);
		for (r = 0; r < nrows; r++)
			n += rows[r];
		free(rows);
	}
	return n;
}

/* Lines first..last of path named: count them and those that are truth. */
static void
score_span(struct gen *g, const char *path, unsigned long first,
    unsigned long last, int dec, struct score *s)
{
	struct gfile *f = gen_find_file(g, path);
	size_t nrows = 0;
	unsigned long l;
	char *rows = NULL;

	if (f != NULL)
		rows = file_rows(f, dec, &nrows);
	for (l = first; l <= last && l != 0; l++) {
		s->named++;
		if (l <= nrows && rows[l - 1])
			s->hit++;
	}
	free(rows);
}

/* -vv: print the lines named and the truth at each checkpoint. */
static int show_ranges;

/* Print the truth of decision dec as ranges of lines of text. */
static void
print_truth(struct gen *g, int dec)
{
	size_t i, r, s, nrows;
	char *rows;

	printf("  truth:   ");
	for (i = 0; i < g->nfiles; i++) {
		rows = file_rows(&g->files[i], dec, &nrows);
		for (r = 0; r < nrows; r++) {
			if (!rows[r])
				continue;
			for (s = r; r + 1 < nrows && rows[r + 1]; r++)
				;
			printf(" %s:%zu-%zu", g->files[i].path, s + 1, r + 1);
		}
		free(rows);
	}
	printf("\n");
}

/* What moot names: carry_head's spans of decision 1. */
static int
score_moot(struct gen *g, struct score *s, char **err)
{
	struct carry_set set;
	struct repo *r;
	size_t i, j;
	const struct carry_dec *d;

	memset(s, 0, sizeof *s);
	s->truth = gen_truth(g, 0);
	if ((r = repo_open(g->dir, err)) == NULL)
		return -1;
	if (carry_head(r, &set, err) != 0) {
		repo_free(r);
		return -1;
	}
	for (i = 0; i < set.n; i++) {
		d = &set.v[i];
		if (d->number != 1)
			continue;
		if (show_ranges)
			printf("  moot:    ");
		for (j = 0; j < d->nspans; j++) {
			score_span(g, d->spans[j].path, d->spans[j].first,
			    d->spans[j].last, 0, s);
			if (show_ranges) {
				printf(" %s:%lu-%lu(%#x)", d->spans[j].path,
				    d->spans[j].first, d->spans[j].last,
				    d->spans[j].how);
			}
		}
		if (show_ranges)
			printf("\n");
	}
	carry_set_free(&set);
	repo_free(r);
	return 0;
}

/* The hunks of one diff, context 0. */
struct hunks {
	git_diff_hunk *v;
	size_t n;
};

static int
base_hunk(const git_diff_delta *delta, const git_diff_hunk *hunk, void *arg)
{
	struct hunks *h = arg;

	(void)delta;
	h->v = xreallocarray(h->v, h->n + 1, sizeof *h->v);
	h->v[h->n++] = *hunk;
	return 0;
}

/* Where old line l is on the new side: -1 when a hunk removed it. */
static int
base_map(const struct hunks *h, unsigned long l, unsigned long *to)
{
	const git_diff_hunk *k;
	long shift = 0;
	unsigned long os, ol;
	size_t i;

	for (i = 0; i < h->n; i++) {
		k = &h->v[i];
		os = (unsigned long)k->old_start;
		ol = (unsigned long)k->old_lines;
		if (ol > 0 && os <= l && l < os + ol)
			return -1;
		/* An insertion (no old lines) comes after line os. */
		if ((ol == 0 && os < l) || (ol > 0 && os + ol <= l))
			shift += (long)k->new_lines - (long)k->old_lines;
	}
	*to = (unsigned long)((long)l + shift);
	return 0;
}

/* The new path of path, renamed between the trees; NULL when none. */
static char *
base_renamed(struct gen *g, git_tree *from, git_tree *to, const char *path)
{
	git_diff *diff;
	git_diff_find_options fo;
	const git_diff_delta *delta;
	char *found = NULL;
	size_t i, n;

	gen_git_check(
	    git_diff_tree_to_tree(&diff, g->git, from, to, NULL), "diff trees");
	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	fo.flags = GIT_DIFF_FIND_RENAMES;
	gen_git_check(git_diff_find_similar(diff, &fo), "find renames");
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n && found == NULL; i++) {
		delta = git_diff_get_delta(diff, i);
		if (delta->status == GIT_DELTA_RENAMED &&
		    strcmp(delta->old_file.path, path) == 0)
			found = xstrdup(delta->new_file.path);
	}
	git_diff_free(diff);
	return found;
}

/*
 * What the baseline names: the decision's range carried by one line diff
 * of its file from the base commit to head, context 0, from the first to
 * the last surviving line; the file followed through a rename when it is
 * gone at head.
 */
static void
score_base(struct gen *g, const struct gdec *d, struct score *s)
{
	git_commit *bc, *hc;
	git_tree *bt, *ht;
	git_tree_entry *be = NULL, *he = NULL;
	git_blob *ob = NULL, *nb = NULL;
	git_diff_options o;
	struct hunks h = {NULL, 0};
	unsigned long l, to, first = 0, last = 0;
	char *renamed = NULL;
	const char *path = d->path;

	memset(s, 0, sizeof *s);
	s->truth = gen_truth(g, 0);
	gen_git_check(git_commit_lookup(&bc, g->git, &d->base), "base");
	gen_git_check(git_commit_lookup(&hc, g->git, &g->head), "head");
	gen_git_check(git_commit_tree(&bt, bc), "base tree");
	gen_git_check(git_commit_tree(&ht, hc), "head tree");
	if (git_tree_entry_bypath(&be, bt, d->path) != 0)
		goto out;
	if (git_tree_entry_bypath(&he, ht, d->path) != 0) {
		if ((renamed = base_renamed(g, bt, ht, d->path)) == NULL)
			goto out;
		path = renamed;
		if (git_tree_entry_bypath(&he, ht, path) != 0)
			goto out;
	}
	gen_git_check(
	    git_blob_lookup(&ob, g->git, git_tree_entry_id(be)), "old blob");
	gen_git_check(
	    git_blob_lookup(&nb, g->git, git_tree_entry_id(he)), "new blob");
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.context_lines = 0;
	o.interhunk_lines = 0;
	o.flags |= GIT_DIFF_FORCE_TEXT;
	gen_git_check(git_diff_blobs(ob, d->path, nb, path, &o, NULL, NULL,
	                  base_hunk, NULL, &h),
	    "diff blobs");
	for (l = d->first; l <= d->last; l++) {
		if (base_map(&h, l, &to) != 0)
			continue;
		if (first == 0)
			first = to;
		last = to;
	}
	if (first != 0)
		score_span(g, path, first, last, 0, s);
	if (show_ranges && first != 0)
		printf("  baseline: %s:%lu-%lu\n", path, first, last);
out:
	free(h.v);
	free(renamed);
	git_blob_free(ob);
	git_blob_free(nb);
	git_tree_entry_free(be);
	git_tree_entry_free(he);
	git_tree_free(bt);
	git_tree_free(ht);
	git_commit_free(bc);
	git_commit_free(hc);
}

static double
rate(unsigned long a, unsigned long b)
{
	return b == 0 ? -1 : (double)a / (double)b;
}

/* ---------------------------------------------------------------------
 * Part 1: accuracy.
 */

struct opts {
	int quick;
	int verbose;
	int seeds;
	int commits;   /* the timing history */
	int decisions; /* ... its decisions */
	int files;     /* ... its files */
	int dirs;
	int runs;
	int timeout; /* seconds one timed command may take */
	int timing;
	int keep; /* leave the repositories for a look */
	const int *checks;
	size_t nchecks;
};

struct tally {
	struct score moot, base;
	double moot_min, base_min; /* the worst seed's recall; -1 none */
};

/* A temporary directory for a repository: removed at the end, unless
 * kept (its path printed). */
static char *
bench_dir(const struct opts *o, const char *what)
{
	const char *tmp = getenv("TMPDIR");
	char *path;

	if (!o->keep)
		return h_tmpdir(what);
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	xasprintf(&path, "%s/moot-bench-%s.XXXXXX", tmp, what);
	if (mkdtemp(path) == NULL)
		fatal("mkdtemp %s", path);
	printf("(kept: %s)\n", path);
	return path;
}

static void
tally_add(struct tally *t, const struct score *m, const struct score *b)
{
	double r;

	t->moot.truth += m->truth;
	t->moot.named += m->named;
	t->moot.hit += m->hit;
	t->base.truth += b->truth;
	t->base.named += b->named;
	t->base.hit += b->hit;
	r = rate(m->hit, m->truth);
	if (r >= 0 && (t->moot_min < 0 || r < t->moot_min))
		t->moot_min = r;
	r = rate(b->hit, b->truth);
	if (r >= 0 && (t->base_min < 0 || r < t->base_min))
		t->base_min = r;
}

/* One seeded history, scored at every checkpoint. */
static int
accuracy_seed(const struct opts *o, uint64_t seed, struct tally *tally,
    unsigned long *ops, unsigned long *near)
{
	struct score m, b;
	struct gen *g;
	char *dir, *err = NULL, hex[GIT_OID_HEXSZ + 1], path[64];
	int c, last = o->checks[o->nchecks - 1], failed = 0, k;
	size_t i, next = 0;

	dir = bench_dir(o, "why");
	g = gen_open(seed, dir, 0);
	for (i = 0; i < FILES; i++) {
		snprintf(path, sizeof path, "src/%s.c", stems[i]);
		gen_file(g, path, 0);
	}
	gen_commit(g, "Initial import\n");
	for (c = 0; c < WARMUP_COMMITS; c++)
		gen_step(g);
	gen_decide_first(g);
	g->target = 0;
	memset(g->ops, 0, sizeof g->ops);
	memset(g->near, 0, sizeof g->near);
	if (o->verbose) {
		printf("seed %llu: ADR-0001 over %s:%lu-%lu\n",
		    (unsigned long long)seed, g->decs[0].path, g->decs[0].first,
		    g->decs[0].last);
	}

	for (c = 1; c <= last; c++) {
		gen_step(g);
		if (c != o->checks[next])
			continue;
		gen_set_head(g);
		if (show_ranges) {
			printf("seed %llu after %3d:\n",
			    (unsigned long long)seed, c);
			print_truth(g, 0);
		}
		if (score_moot(g, &m, &err) != 0) {
			printf("seed %llu after %d: carry_head failed: %s\n",
			    (unsigned long long)seed, c, err);
			free(err);
			err = NULL;
			failed = 1;
		}
		score_base(g, &g->decs[0], &b);
		tally_add(&tally[next], &m, &b);
		if (o->verbose) {
			git_oid_tostr(hex, sizeof hex, &g->head);
			printf("seed %llu after %3d: truth %3lu  moot named "
			       "%3lu recall %s precision %s  baseline named "
			       "%3lu recall %s precision %s  (%.12s)\n",
			    (unsigned long long)seed, c, m.truth, m.named,
			    bench_fig(rate(m.hit, m.truth), "%.2f"),
			    bench_fig(rate(m.hit, m.named), "%.2f"), b.named,
			    bench_fig(rate(b.hit, b.truth), "%.2f"),
			    bench_fig(rate(b.hit, b.named), "%.2f"), hex);
		}
		next++;
	}
	if (o->verbose) {
		printf("seed %llu: commits by kind (of which changed decided "
		       "lines):",
		    (unsigned long long)seed);
		for (k = 0; k < NKINDS; k++)
			printf(" %s %lu (%lu)", kinds[k].name, g->ops[k],
			    g->near[k]);
		printf("\n");
	}
	for (k = 0; k < NKINDS; k++) {
		ops[k] += g->ops[k];
		near[k] += g->near[k];
	}
	gen_free(g);
	return failed ? -1 : 0;
}

static int
accuracy(const struct opts *o)
{
	struct tally tally[MAXCHECK];
	unsigned long ops[NKINDS] = {0}, near[NKINDS] = {0};
	const struct tally *t;
	int seed, failed = 0, k;
	size_t i;

	for (i = 0; i < o->nchecks; i++) {
		memset(&tally[i], 0, sizeof tally[i]);
		tally[i].moot_min = tally[i].base_min = -1;
	}
	printf("Accuracy: %d seeded histor%s (seeds 1-%d); in each, %d "
	       "files of about %d lines,\n",
	    o->seeds, o->seeds == 1 ? "y" : "ies", o->seeds, FILES, FILE_LINES);
	printf("%d random commits, one decision (ADR-0001) about line %d of "
	       "the first file\n",
	    WARMUP_COMMITS, DECIDED_LINE);
	printf("(one or two whole functions, or lines %d-%d), then random "
	       "commits; %d%% of the\n",
	    DECIDED_LINE, DECIDED_LINE + DECIDED_LINES - 1, NEAR_PCT);
	printf("changes are drawn near the decided code, %d%% of commits "
	       "add one or two more.\n",
	    EXTRA_PCT);
	printf("Truth: the lines descending from the decided ones (kept, "
	       "edited in place,\n"
	       "reformatted, moved within or across files, renamed), plus "
	       "lines inserted\n"
	       "strictly between two truth lines; not lines inserted just "
	       "before or after,\n"
	       "nor functions moved in between. A signature joined with its "
	       "\"{\" (K&R) is\n"
	       "truth when either line is.\n");
	printf("recall = truth lines named / truth lines; precision = "
	       "truth lines named /\n"
	       "lines named; summed over the seeds; min: the worst seed's "
	       "recall.\n");
	printf("moot: carry_head's spans of ADR-0001. baseline: one line "
	       "diff (context 0)\n"
	       "from the decision's base commit, first to last surviving "
	       "line, renames by\n"
	       "git_diff_find_similar when the file is gone.\n\n");

	for (seed = 1; seed <= o->seeds; seed++) {
		if (accuracy_seed(o, (uint64_t)seed, tally, ops, near) != 0)
			failed = 1;
	}
	if (o->verbose)
		printf("\n");

	printf("%-8s %6s | %6s %6s %9s %5s | %6s %6s %9s %5s\n", "", "", "moot",
	    "", "", "", "baseline", "", "", "");
	printf("%-8s %6s | %6s %6s %9s %5s | %6s %6s %9s %5s\n", "commits",
	    "truth", "named", "recall", "precision", "min", "named", "recall",
	    "precision", "min");
	for (i = 0; i < o->nchecks; i++) {
		t = &tally[i];
		printf("%-8d %6lu | %6lu %6s %9s %5s | %6lu %6s %9s %5s\n",
		    o->checks[i], t->moot.truth, t->moot.named,
		    bench_fig(rate(t->moot.hit, t->moot.truth), "%.3f"),
		    bench_fig(rate(t->moot.hit, t->moot.named), "%.3f"),
		    bench_fig(t->moot_min, "%.2f"), t->base.named,
		    bench_fig(rate(t->base.hit, t->base.truth), "%.3f"),
		    bench_fig(rate(t->base.hit, t->base.named), "%.3f"),
		    bench_fig(t->base_min, "%.2f"));
	}
	printf("\nCommits after the decisions, by kind (how many changed "
	       "decided lines):\n ");
	for (k = 0; k < NKINDS; k++)
		printf(" %s %lu (%lu)%s", kinds[k].name, ops[k], near[k],
		    k == NKINDS / 2 - 1 ? "\n " : "");
	printf("\n");
	for (i = 0; i < o->nchecks; i++) {
		t = &tally[i];
		if (o->checks[i] != 50)
			continue;
		printf("Goal after 50 commits (recall and precision >= "
		       "%.2f): %s\n",
		    GOAL_RATE,
		    rate(t->moot.hit, t->moot.truth) >= GOAL_RATE &&
		            rate(t->moot.hit, t->moot.named) >= GOAL_RATE
		        ? "met"
		        : "not met");
	}
	printf("\n");
	return failed ? -1 : 0;
}

/* ---------------------------------------------------------------------
 * Part 2: time on a long history.
 */

/*
 * Run argv with output to a buffer (stdout and stderr); its exit status
 * (-1 when it could not run, -2 when killed after timeout_s seconds) and
 * the wall time in us.
 */
static int
run_timed(char *const argv[], int timeout_s, char **out, long long *us)
{
	size_t size = 4096, used = 0;
	long long start, left;
	struct pollfd pfd1;
	int pfd[2], status, fd, killed = 0;
	ssize_t n;
	pid_t pid;

	*out = xmalloc(size);
	if (pipe(pfd) != 0)
		fatal("pipe");
	fflush(NULL);
	start = bench_now_us();
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, STDIN_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		left = start + (long long)timeout_s * 1000000 - bench_now_us();
		if (left <= 0) {
			kill(pid, SIGKILL);
			killed = 1;
			break;
		}
		pfd1.fd = pfd[0];
		pfd1.events = POLLIN;
		if (poll(&pfd1, 1, (int)(left / 1000) + 1) <= 0)
			continue;
		if (used + 1 == size) {
			size *= 2;
			*out = xrealloc(*out, size);
		}
		n = read(pfd[0], *out + used, size - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	(*out)[used] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	*us = bench_now_us() - start;
	if (killed)
		return -2;
	if (!WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The median of runs of argv, after one unmeasured run when warmup is
 * set; -1 when any run fails or takes longer than timeout_s (its output
 * then in *last). */
static double
run_median(char *const argv[], int runs, int warmup, int timeout_s, char **last)
{
	long long v[64], us;
	int i;

	*last = NULL;
	if (runs > 64)
		runs = 64;
	for (i = warmup ? -1 : 0; i < runs; i++) {
		free(*last);
		if (run_timed(argv, timeout_s, last, &us) != 0)
			return -1;
		if (i >= 0)
			v[i] = us;
	}
	qsort(v, (size_t)runs, sizeof v[0], bench_cmp_ll);
	return v[runs / 2] / 1000.0;
}

static long long dir_bytes_sum;

static int
dir_bytes_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)path;
	(void)f;
	if (flag == FTW_F)
		dir_bytes_sum += sb->st_size;
	return 0;
}

/* The bytes of the files under path; -1 when it is missing. */
static long long
dir_bytes(const char *path)
{
	dir_bytes_sum = 0;
	if (nftw(path, dir_bytes_one, 16, FTW_PHYS) != 0)
		return -1;
	return dir_bytes_sum;
}

static void
remove_tree(const char *path)
{
	if (h_run(NULL, "rm", "-rf", "--", path, NULL) != 0)
		fatalx("bench-why: cannot remove %s", path);
}

/* Print a command's output indented (its first lines). */
static void
print_output(const char *out)
{
	const char *p = out, *nl;
	int lines = 0;

	while (*p != '\0' && lines++ < 6) {
		nl = strchr(p, '\n');
		printf("    | %.*s\n",
		    nl != NULL ? (int)(nl - p) : (int)strlen(p), p);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static int
timing(const struct opts *o)
{
	struct gen *g;
	struct carry_set set;
	struct repo *r;
	git_checkout_options co;
	char *dir, *state, *out, *err = NULL, path[128], where[256], lines[64];
	const char *moot = h_moot_path();
	double gen_s, pack_s, cold_ms = -1, warm_ms = -1, log_ms, blame_ms,
	                      build_ms = -1, read_ms = -1;
	long long t0, us, cache, packed;
	unsigned long query = 0;
	size_t i, j, fi = 0, made = 0, nexts;
	int c, rc, failed = 0, named, per_dir, runs, slow;

	printf("Time: a history of %d commits, %d of them decisions (one "
	       "every %d commits),\n",
	    o->commits, o->decisions, o->commits / o->decisions);
	printf("over %d files of about %d lines in %d directories; "
	       "decisions go to half of\n",
	    o->files, FILE_LINES, o->dirs);
	printf("the files (a function or 10-40 lines each), and %d%% of "
	       "the other commits\n",
	    BIG_OTHER_PCT);
	printf("change only files with none. The commit kinds as above, "
	       "spread over all files.\n");

	dir = bench_dir(o, "why-big");
	if (!o->keep)
		bench_watch_dir(dir);
	t0 = bench_now_us();
	g = gen_open(0x77687942ULL, dir, 1);
	per_dir = (o->files + o->dirs - 1) / o->dirs;
	for (i = 0; i < (size_t)o->files; i++) {
		snprintf(path, sizeof path, "src/%s/%s%zu.c",
		    dirs[(i / (size_t)per_dir) % NITEMS(dirs)],
		    stems[i % NITEMS(stems)], i);
		gen_file(g, path, i % 2 == 0);
	}
	gen_commit(g, "Initial import\n");
	/* Decision k comes after commit 1 + k * commits / decisions. */
	for (c = 1; c < o->commits; c++) {
		nexts = 1 + made * (size_t)o->commits / (size_t)o->decisions;
		if (made < (size_t)o->decisions && (size_t)c >= nexts) {
			gen_decide_big(g);
			made++;
		} else
			gen_step(g);
	}
	gen_set_head(g);
	gen_s = (bench_now_us() - t0) / 1e6;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	gen_git_check(git_checkout_head(g->git, &co), "checkout");
	gen_close_git(g);
	t0 = bench_now_us();
	if (h_run(dir, "git", "repack", "-a", "-d", "-q", NULL) != 0)
		fatalx("bench-why: git repack failed");
	pack_s = (bench_now_us() - t0) / 1e6;
	xasprintf(&state, "%s/.git/objects", dir);
	packed = dir_bytes(state);
	free(state);
	printf("Generated in %.1f s (%lu commits, %zu decisions); git "
	       "repack -ad %.1f s, %s MB.\n",
	    gen_s, g->commits, g->ndecs, pack_s,
	    bench_fig(packed / 1e6, "%.1f"));

	/* The query: the middle line of the oldest decision's code, in the
	 * file holding its first line. */
	for (i = 0; i < g->nfiles && query == 0; i++) {
		for (j = 0; j < g->files[i].n; j++) {
			if (g->files[i].v[j].dec == 0) {
				fi = i;
				query = j + 1;
				break;
			}
		}
	}
	if (query == 0) {
		printf("FAIL: the oldest decision's code is all gone\n");
		gen_free(g);
		return -1;
	}
	for (j = query; j < g->files[fi].n && g->files[fi].v[j].dec == 0; j++)
		;
	query = file_row(&g->files[fi], ((query - 1) + (j - 1)) / 2);
	snprintf(where, sizeof where, "%s:%lu", g->files[fi].path, query);
	snprintf(lines, sizeof lines, "%lu,%lu", query, query);
	printf("Query: %s, a line of ADR-0001, decided at commit 2:\n", where);
	printf("its code is carried through the whole history.\n\n");

	xasprintf(&state, "%s/.git/moot", dir);
	remove_tree(state);
	{
		char *const why[] = {
		    (char *)moot, "why", "-C", dir, where, NULL};
		char *const glog[] = {
		    "git", "-C", dir, "log", "-1", "--format=%H", NULL};
		char *const blame[] = {"git", "-C", dir, "blame", "-L", lines,
		    "--", g->files[fi].path, NULL};

		rc = run_timed(why, o->timeout, &out, &us);
		if (rc == -2) {
			printf("%-44s %10s     (killed after %d s)\n",
			    "moot why, cold (no .git/moot/, builds it)", "n/a",
			    o->timeout);
			failed = 1;
		} else {
			cold_ms = us / 1000.0;
			named = strstr(out, "ADR-0001") != NULL;
			printf("%-44s %10s ms  (exit %d; names ADR-0001: "
			       "%s)\n",
			    "moot why, cold (no .git/moot/, builds it)",
			    bench_fig(cold_ms, "%.1f"), rc,
			    named ? "yes" : "no");
		}
		if (rc != 0) {
			print_output(out);
			failed = 1;
		}
		free(out);
		if (rc == 0) {
			/* Slow runs: fewer of them, the cold one as the
			 * warm-up. */
			slow = cold_ms > SLOW_MS;
			runs = slow ? SLOW_RUNS : o->runs;
			warm_ms =
			    run_median(why, runs, !slow, o->timeout, &out);
			printf("%-44s %10s ms  (median of %d)\n",
			    "moot why, warm", bench_fig(warm_ms, "%.1f"), runs);
			if (warm_ms < 0 && out != NULL) {
				print_output(out);
				failed = 1;
			}
			free(out);
		}
		log_ms = run_median(glog, o->runs, 1, o->timeout, &out);
		free(out);
		printf("%-44s %10s ms  moot warm / this: %s\n",
		    "git log -1 --format=%H", bench_fig(log_ms, "%.1f"),
		    bench_ratio(warm_ms, log_ms, "%.1fx"));
		blame_ms = run_median(blame, o->runs, 1, o->timeout, &out);
		free(out);
		printf("%-44s %10s ms  moot warm / this: %s\n",
		    "git blame -L LINE,LINE FILE", bench_fig(blame_ms, "%.1f"),
		    bench_ratio(warm_ms, blame_ms, "%.2fx"));
	}

	/* The cache alone, in this process: built from nothing, then read. */
	remove_tree(state);
	if ((r = repo_open(dir, &err)) == NULL) {
		printf("repo_open: %s\n", err);
		free(err);
		failed = 1;
	} else {
		t0 = bench_now_us();
		if (carry_head(r, &set, &err) != 0) {
			printf("carry_head: %s\n", err);
			free(err);
			err = NULL;
			failed = 1;
		} else {
			build_ms = (bench_now_us() - t0) / 1000.0;
			carry_set_free(&set);
			t0 = bench_now_us();
			if (carry_head(r, &set, &err) == 0) {
				read_ms = (bench_now_us() - t0) / 1000.0;
				carry_set_free(&set);
			} else {
				printf("carry_head: %s\n", err);
				free(err);
				failed = 1;
			}
		}
		repo_free(r);
	}
	cache = dir_bytes(state);
	printf("%-44s %10s ms\n", "carry_head in-process, cold build",
	    bench_fig(build_ms, "%.1f"));
	printf("%-44s %10s ms\n", "carry_head in-process, warm",
	    bench_fig(read_ms, "%.1f"));
	printf("%-44s %10s kB\n", ".git/moot/ after the build",
	    bench_fig(cache / 1024.0, "%.0f"));
	printf("Goal: moot why warm under %.0f ms: %s\n\n", GOAL_WARM_MS,
	    warm_ms >= 0 && warm_ms < GOAL_WARM_MS ? "met" : "not met");
	free(state);
	gen_free(g);
	return failed ? -1 : 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-why [-kqTv] [-s SEEDS] [-c COMMITS] "
	                "[-d DECISIONS] [-t SECONDS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"quick", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"seeds", required_argument, NULL, 's'},
	    {"commits", required_argument, NULL, 'c'},
	    {"decisions", required_argument, NULL, 'd'},
	    {"no-timing", no_argument, NULL, 'T'},
	    {"keep", no_argument, NULL, 'k'},
	    {"timeout", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
	struct opts o;
	char clients[256];
	long long start = h_now_ms();
	int ch, failed = 0, seeds = -1, commits = -1, decisions = -1;

	memset(&o, 0, sizeof o);
	o.timing = 1;
	o.timeout = TIMEOUT;
	while ((ch = getopt_long(argc, argv, "qvs:c:d:Tkt:", longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'q':
			o.quick = 1;
			break;
		case 'v':
			show_ranges = o.verbose++ > 0;
			break;
		case 's':
			seeds = atoi(optarg);
			break;
		case 'c':
			commits = atoi(optarg);
			break;
		case 'd':
			decisions = atoi(optarg);
			break;
		case 'T':
			o.timing = 0;
			break;
		case 'k':
			o.keep = 1;
			break;
		case 't':
			o.timeout = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (o.quick) {
		o.seeds = 1;
		o.checks = quick_checkpoints;
		o.nchecks = NITEMS(quick_checkpoints);
		o.commits = 100;
		o.decisions = 5;
		o.files = 20;
		o.dirs = 2;
		o.runs = 3;
	} else {
		o.seeds = SEEDS;
		o.checks = checkpoints;
		o.nchecks = NITEMS(checkpoints);
		o.commits = BIG_COMMITS;
		o.decisions = BIG_DECISIONS;
		o.files = BIG_FILES;
		o.dirs = BIG_DIRS;
		o.runs = RUNS;
	}
	if (seeds > 0)
		o.seeds = seeds;
	if (commits > 0)
		o.commits = commits;
	if (decisions > 0)
		o.decisions = decisions;
	if (o.decisions >= o.commits / 2 || o.commits < 10 || o.timeout < 1)
		usage();

	bench_init("bench-why", WATCHDOG);
	git_libgit2_init();
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	snprintf(clients, sizeof clients,
	    "histories: %d seeds x %d commits; timing: %d commits, %d "
	    "decisions, %d files",
	    o.seeds, o.checks[o.nchecks - 1], o.commits, o.decisions, o.files);
	bench_print_header("bench-why: moot why on generated git histories "
	                   "(recall, precision, time)",
	    clients, argc, argv);

	if (accuracy(&o) != 0)
		failed = 1;
	if (o.timing && timing(&o) != 0)
		failed = 1;
	bench_print_end(start);
	git_libgit2_shutdown();
	if (failed) {
		printf("FAIL\n");
		return 1;
	}
	return 0;
}
