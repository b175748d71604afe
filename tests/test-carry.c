/* test-carry.c: decisions' code carried through real git histories
 * (carry.c, linematch.c, carry-cache.c): every kind of change a team makes. */
#include "moot.h"

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "carry.h"
#include "harness.h"
#include "linematch.h"
#include "repo.h"

/* Function n of a C-like file: 6 lines. */
static char *
func(int n)
{
	char *s;

	xasprintf(&s,
	    "int\nf%d(int x)\n{\n\tint y%d = x * %d + compute_%d(x);\n"
	    "\treturn y%d + %d;\n}\n",
	    n, n, n, n, n, n * 7);
	return s;
}

/* Functions from..to, each followed by a blank line: function n is at
 * lines 7n-6 to 7n-1. */
static char *
funcs(int from, int to)
{
	char *s = xstrdup(""), *t, *f;
	int i;

	for (i = from; i <= to; i++) {
		f = func(i);
		xasprintf(&t, "%s%s\n", s, f);
		free(f);
		free(s);
		s = t;
	}
	return s;
}

static void
put(const char *repo, const char *path, const char *text)
{
	h_write_file(repo, path, text, strlen(text));
}

static void
commit(const char *repo, const char *message)
{
	h_write_file(repo, ".git/test-msg", message, strlen(message));
	free(h_sh(repo, "git add -A && git commit -q --allow-empty "
	                "-F .git/test-msg"));
}

/* A decision over ranges (e.g. "f.c:13-24"), by the given author. */
static void
decide(const char *repo, unsigned number, const char *ranges)
{
	char *msg, *one, *rest, *line, *next;

	rest = xstrdup("");
	one = xstrdup(ranges);
	for (line = strtok(one, " "); line != NULL; line = strtok(NULL, " ")) {
		xasprintf(&next, "%sCode-Range: %s\n", rest, line);
		free(rest);
		rest = next;
	}
	xasprintf(&msg,
	    "docs(adr): ADR-%04u A decision\n\nBecause.\n\n"
	    "Decision-Id: ADR-%04u\nDecision-Status: accepted\n%s",
	    number, number, rest);
	commit(repo, msg);
	free(msg);
	free(rest);
	free(one);
}

/* Decision number's spans at HEAD as "path:a-b/how ...", how as letters
 * (e edited, m moved, r renamed, a added; = exact). */
static char *
spans_of(const char *repo, unsigned number, struct carry_dec *copy)
{
	struct carry_set set;
	struct repo *r;
	char *err = NULL, *s = xstrdup(""), *t, how[8];
	const struct carry_dec *d = NULL;
	size_t i;

	r = repo_open(repo, &err);
	assert_non_null(r);
	if (carry_head(r, &set, &err) != 0)
		fail_msg("carry_head: %s", err);
	for (i = 0; i < set.n; i++) {
		if (set.v[i].number == number)
			d = &set.v[i];
	}
	assert_non_null(d);
	for (i = 0; i < d->nspans; i++) {
		snprintf(how, sizeof how, "%s%s%s%s%s",
		    d->spans[i].how == 0 ? "=" : "",
		    d->spans[i].how & CARRY_EDITED ? "e" : "",
		    d->spans[i].how & CARRY_MOVED ? "m" : "",
		    d->spans[i].how & CARRY_RENAMED ? "r" : "",
		    d->spans[i].how & CARRY_ADDED ? "a" : "");
		xasprintf(&t, "%s%s%s:%lu-%lu/%s", s, *s != '\0' ? " " : "",
		    d->spans[i].path, d->spans[i].first, d->spans[i].last, how);
		free(s);
		s = t;
	}
	if (copy != NULL) {
		struct carry_set from = {{0}, NULL, 0, NULL, 0}, to;

		from.v = (struct carry_dec *)d;
		from.n = 1;
		carry_set_copy(&to, &from);
		*copy = to.v[0];
		free(to.v);
		free(to.refs);
	}
	carry_set_free(&set);
	repo_free(r);
	return s;
}

static void
expect_spans(const char *repo, unsigned number, const char *want)
{
	char *got = spans_of(repo, number, NULL);

	if (strcmp(got, want) != 0)
		fail_msg("spans of ADR-%04u: got '%s', want '%s'", number, got,
		    want);
	free(got);
}

/* A repository with f.c holding functions 1..10 (70 lines) and ADR-0001
 * over function 3 (lines 15-20). */
static char *
base(void)
{
	char *text = funcs(1, 10), *repo;

	repo = h_repo_create("f.c", text, NULL);
	free(text);
	decide(repo, 1, "f.c:15-20");
	return repo;
}

static void
test_exact(void **state)
{
	char *repo = base();

	expect_spans(repo, 1, "f.c:15-20/=");
	/* Two lines above: shifted, still exact. */
	free(h_sh(repo, "sed -i '1i // one\\n// two' f.c"));
	commit(repo, "two lines on top\n");
	expect_spans(repo, 1, "f.c:17-22/=");
	/* A line inside: it joins the decided code, as added; one below
	 * does not. */
	free(h_sh(repo, "sed -i '19a \\tlog_call();' f.c && "
	                "sed -i '23a // after' f.c"));
	commit(repo, "a line inside, one after\n");
	expect_spans(repo, 1, "f.c:17-19/= f.c:20-20/a f.c:21-23/=");
	h_pass();
}

static void
test_move_same_file(void **state)
{
	char *repo = base(), *text, *a, *b, *c;

	/* Function 3 goes to the end of the file. */
	a = funcs(1, 2);
	b = funcs(4, 10);
	c = funcs(3, 3);
	xasprintf(&text, "%s%s%s", a, b, c);
	put(repo, "f.c", text);
	commit(repo, "reorder\n");
	expect_spans(repo, 1, "f.c:64-69/m");
	free(text);
	free(a);
	free(b);
	free(c);
	h_pass();
}

static void
test_move_other_file(void **state)
{
	char *repo = base(), *text, *a, *b, *c;

	a = funcs(1, 2);
	b = funcs(4, 10);
	c = funcs(3, 3);
	xasprintf(&text, "%s%s", a, b);
	put(repo, "f.c", text);
	free(text);
	xasprintf(&text, "#include <x.h>\n\n%s", c);
	put(repo, "g.c", text);
	commit(repo, "function 3 to its own file\n");
	expect_spans(repo, 1, "g.c:3-8/m");
	free(text);
	free(a);
	free(b);
	free(c);
	h_pass();
}

static void
test_split_by_move(void **state)
{
	char *repo, *text, *a, *b, *c;

	/* A decision over functions 3 and 4; 4 moves to the end. */
	a = funcs(1, 10);
	repo = h_repo_create("f.c", a, NULL);
	free(a);
	decide(repo, 1, "f.c:15-27");
	a = funcs(1, 3);
	b = funcs(5, 10);
	c = funcs(4, 4);
	xasprintf(&text, "%s%s%s", a, b, c);
	put(repo, "f.c", text);
	commit(repo, "reorder\n");
	expect_spans(repo, 1, "f.c:15-21/= f.c:64-69/m");
	free(text);
	free(a);
	free(b);
	free(c);
	h_pass();
}

static void
test_move_with_lines_between(void **state)
{
	char *repo = base(), *s;

	/* Function 3 and a comment above it are decided; one commit moves
	 * both to the end of the file and puts 4 lines between them. */
	free(
	    h_sh(repo, "sed -i '15i /* Three. */' f.c && git commit -q -am c"));
	decide(repo, 2, "f.c:15-21");
	free(h_sh(repo, "sed -n '15,21p' f.c > /tmp/carry-f3.$$ && "
	                "sed -i '15,22d' f.c && "
	                "{ echo; head -1 /tmp/carry-f3.$$; "
	                "printf 'static int a;\\nstatic int b;\\nstatic int "
	                "c;\\nstatic int d;\\n'; tail -n +2 /tmp/carry-f3.$$; "
	                "} >> f.c && rm /tmp/carry-f3.$$ && "
	                "git commit -q -am move"));
	s = h_sh(repo, "grep -n 'Three' f.c | cut -d: -f1");
	assert_string_equal(s, "65");
	free(s);
	expect_spans(repo, 2, "f.c:65-65/m f.c:66-69/a f.c:70-75/m");
	h_pass();
}

static void
test_equal_ends(void **state)
{
	char *repo = base(), *a, *b, *c, *text;

	/* Functions 3 and 4 both end in "}" and a blank line; one commit
	 * moves function 4 to g.c and adds two lines at the end of function
	 * 3: the diff may keep function 4's end in place of function 3's;
	 * function 3's end stays decided, in place. */
	a = funcs(1, 2);
	b = funcs(5, 10);
	c = funcs(4, 4);
	xasprintf(&text,
	    "%sint\nf3(int x)\n{\n\tint y3 = x * 3 + compute_3(x);\n"
	    "\tlog_3(y3);\n\tcheck_3(y3);\n\treturn y3 + 21;\n}\n\n%s",
	    a, b);
	put(repo, "f.c", text);
	put(repo, "g.c", c);
	commit(repo, "move f4 out, log in f3\n");
	expect_spans(repo, 1, "f.c:15-18/= f.c:19-20/a f.c:21-22/=");
	free(text);
	free(a);
	free(b);
	free(c);
	h_pass();
}

static void
test_moved_in_between(void **state)
{
	char *repo, *a, *b, *text;

	/* ADR-0001 over functions 3 and 4 and the blank line between; one
	 * commit moves function 9 of g.c between them: moved code, not
	 * code written inside the decision. */
	a = funcs(1, 10);
	b = funcs(9, 9);
	xasprintf(&text, "#include <g.h>\n\n%s", b);
	repo = h_repo_create("f.c", a, "g.c", text, NULL);
	free(text);
	decide(repo, 1, "f.c:15-27");
	free(h_sh(repo, "sed -n '3,9p' g.c > /tmp/carry-f9.$$ && "
	                "sed -i '3,9d' g.c && sed -i \"21r /tmp/carry-f9.$$\" "
	                "f.c && rm /tmp/carry-f9.$$ && git commit -q -am in"));
	expect_spans(repo, 1, "f.c:15-21/= f.c:29-34/=");
	free(a);
	free(b);
	h_pass();
}

static void
test_move_edited(void **state)
{
	char *repo = base(), *a, *b, *c, *text, *at;

	/* Function 3 moves to the end, its return line edited on the way. */
	a = funcs(1, 2);
	b = funcs(4, 10);
	c = funcs(3, 3);
	at = strstr(c, "+ 21;");
	assert_non_null(at);
	memcpy(at, "+ 22;", 5);
	xasprintf(&text, "%s%s%s", a, b, c);
	put(repo, "f.c", text);
	commit(repo, "reorder and fix\n");
	expect_spans(repo, 1, "f.c:64-67/m f.c:68-68/em f.c:69-69/m");
	free(text);
	free(a);
	free(b);
	free(c);
	h_pass();
}

static void
test_same_endings(void **state)
{
	static const char *fa = "int\nfa(int x)\n{\n\tint total = x;\n"
	                        "\ttotal += step_a(x);\n\treturn total;\n}\n\n";
	static const char *fb =
	    "/* B. */\nint\nfb(int x)\n{\n\tint total = 2;\n"
	    "\ttotal *= step_b(x, total);\n"
	    "\ttotal -= step_c(total);\n\treturn total;\n}\n";
	char *repo, *text, *rest = funcs(5, 8);

	/* A (decided) and B end alike; one commit moves B to g.c and adds
	 * two lines at the end of A: the diff keeps B's end in place of
	 * A's, which must not make A's end look lost or moved. */
	xasprintf(&text, "%s%s\n%s", fa, fb, rest);
	repo = h_repo_create("f.c", text, NULL);
	free(text);
	decide(repo, 1, "f.c:1-7");
	xasprintf(&text,
	    "int\nfa(int x)\n{\n\tint total = x;\n\ttotal += step_a(x);\n"
	    "\ttotal += more(x);\n\ttotal += again(x);\n\treturn total;\n}\n"
	    "\n%s",
	    rest);
	put(repo, "f.c", text);
	put(repo, "g.c", fb);
	commit(repo, "B to g.c, more in A\n");
	expect_spans(repo, 1, "f.c:1-5/= f.c:6-7/a f.c:8-9/=");
	free(text);
	free(rest);
	h_pass();
}

static void
test_reformat(void **state)
{
	char *repo = base();

	/* Every line: "int" becomes "static int", tabs become 4 spaces. */
	free(h_sh(repo, "sed -i 's/^int$/static int/; s/\t/    /' f.c"));
	commit(repo, "reformat\n");
	expect_spans(
	    repo, 1, "f.c:15-15/e f.c:16-17/= f.c:18-19/e f.c:20-20/=");
	h_pass();
}

static void
test_edges_edited(void **state)
{
	char *repo = base();

	/* The first and the last line of the range change a little. */
	free(h_sh(repo, "sed -i '15s/int/long/; 20s/^}$/} \\/\\* f3 \\*\\//' "
	                "f.c"));
	commit(repo, "edges\n");
	expect_spans(repo, 1, "f.c:15-15/e f.c:16-19/= f.c:20-20/e");
	/* Again and again: the range keeps its size. */
	free(h_sh(repo, "sed -i '15s/long/unsigned long/; 20s/f3/f three/' "
	                "f.c"));
	commit(repo, "edges again\n");
	expect_spans(repo, 1, "f.c:15-15/e f.c:16-19/= f.c:20-20/e");
	h_pass();
}

static void
test_edited_lines(void **state)
{
	char *repo = base();

	/* Two lines edited and one put between them: a gap of 2 old lines
	 * and 3 new ones, aligned by similarity. */
	free(h_sh(repo, "sed -i '18s/3 +/4 +/; 19s/21/22/; 18a \\tcheck(y3);' "
	                "f.c"));
	commit(repo, "edit inside\n");
	expect_spans(repo, 1,
	    "f.c:15-17/= f.c:18-18/e f.c:19-19/a f.c:20-20/e f.c:21-21/=");
	h_pass();
}

static void
test_reformat_large(void **state)
{
	char *text = funcs(1, 50), *repo;

	/* 350 lines; ADR-0001 over function 30. Then one commit reindents
	 * every line and drops function 2: too large a gap to try every
	 * pair, so only the diff without white space keeps the lines. */
	repo = h_repo_create("f.c", text, NULL);
	free(text);
	decide(repo, 1, "f.c:204-209");
	free(h_sh(repo, "sed -i 's/^/  /; 8,14d' f.c"));
	commit(repo, "reindent\n");
	expect_spans(repo, 1, "f.c:197-202/e");
	h_pass();
}

static void
test_rename_with_edits(void **state)
{
	char *repo = base();

	free(h_sh(repo, "git mv f.c g.c && sed -i '1s/int/long/' g.c"));
	commit(repo, "rename\n");
	expect_spans(repo, 1, "g.c:15-20/r");
	h_pass();
}

static void
test_line_split(void **state)
{
	char *repo = base();

	/* Line 18 "int y3 = x * 3 + compute_3(x);" split in two. */
	free(h_sh(repo, "sed -i '18s/ + /\\n\\t    + /' f.c"));
	commit(repo, "split a long line\n");
	expect_spans(repo, 1, "f.c:15-17/= f.c:18-19/e f.c:20-21/=");
	h_pass();
}

static void
test_figures(void **state)
{
	struct carry_dec d;
	char *repo = base(), *s;

	free(h_sh(repo, "sed -i '1s/int/long/' f.c"));
	commit(repo, "elsewhere\n");
	free(h_sh(repo, "sed -i '18s/3/4/' f.c"));
	commit(repo, "inside\n");
	free(h_sh(repo, "sed -i '19s/21/22/' f.c && git -c user.email=b@x "
	                "commit -q -am other"));
	s = spans_of(repo, 1, &d);
	assert_int_equal(d.decided, 6);
	assert_int_equal(d.changed, 2);
	assert_int_equal(d.commits, 2);
	assert_int_equal(d.authors, 2);
	assert_true(d.changed_time > 0);
	assert_string_equal(d.status, "accepted");
	{
		struct carry_set one = {{0}, NULL, 1, NULL, 0};

		one.v = xmalloc(sizeof *one.v);
		one.v[0] = d;
		carry_set_free(&one);
	}
	free(s);
	h_pass();
}

static void
test_text(void **state)
{
	struct carry_set set;
	struct repo *r;
	char *repo = base(), *err = NULL, *text, *a, *b;
	const struct carry_dec *d;

	r = repo_open(repo, &err);
	assert_non_null(r);
	assert_int_equal(carry_head(r, &set, &err), 0);
	a = funcs(1, 10);
	b = strstr(a, "\tint y3");
	assert_non_null(b);
	xasprintf(&text, "// new\n%.*s\tint y3 = x * 3 + compute_3(x + 1);\n%s",
	    (int)(b - a), a, strchr(b, '\n') + 1);
	assert_int_equal(
	    carry_text(r, &set, "f.c", text, strlen(text), &err), 0);
	d = &set.v[0];
	assert_int_equal(d->nspans, 3);
	assert_int_equal(d->spans[0].first, 16);
	assert_int_equal(d->spans[1].first, 19);
	assert_int_equal(d->spans[1].how, CARRY_EDITED);
	assert_int_equal(d->spans[2].last, 21);
	assert_non_null(carry_covers(d, "f.c", 21));
	assert_null(carry_covers(d, "f.c", 15));
	carry_set_free(&set);
	repo_free(r);
	free(text);
	free(a);
	h_pass();
}

static void
trace_cb(void *arg, const char *line)
{
	char **out = arg, *t;

	xasprintf(&t, "%s%.8s%s\n", *out, "", line + 8);
	free(*out);
	*out = t;
}

static void
test_trace(void **state)
{
	struct repo *r;
	char *repo = base(), *err = NULL, *out = xstrdup(""), *a, *b, *c, *text;

	a = funcs(1, 2);
	b = funcs(4, 10);
	c = funcs(3, 3);
	xasprintf(&text, "%s%s", a, b);
	put(repo, "f.c", text);
	free(text);
	xasprintf(&text, "%s", c);
	put(repo, "g.c", text);
	commit(repo, "move\n");
	free(h_sh(repo, "sed -i '1i // top' g.c"));
	commit(repo, "shift\n");
	r = repo_open(repo, &err);
	assert_int_equal(carry_trace(r, 1, trace_cb, &out, &err), 0);
	assert_string_equal(out, "decided f.c:15-20\n"
	                         "moved f.c:15-20 \xe2\x86\x92 g.c:1-6\n"
	                         "shifted g.c:1-6 \xe2\x86\x92 g.c:2-7\n");
	repo_free(r);
	free(out);
	free(text);
	free(a);
	free(b);
	free(c);
	h_pass();
}

static void
test_merge(void **state)
{
	char *repo = base(), *a;

	/* Decided on a branch, merged after main changed the file. */
	free(h_sh(repo, "git checkout -q -b side"));
	decide(repo, 2, "f.c:29-34");
	free(
	    h_sh(repo, "git checkout -q main && sed -i '1i // top' f.c && "
	               "git commit -q -am top && git merge -q --no-edit side"));
	expect_spans(repo, 2, "f.c:30-35/=");
	expect_spans(repo, 1, "f.c:16-21/=");
	a = h_sh(repo, "git log --oneline | wc -l");
	assert_string_equal(a, "5");
	free(a);
	h_pass();
}

/* The Refs lines of decision number at HEAD, as "commit-subject:path:a-b". */
static char *
refs_of(const char *repo, unsigned number)
{
	struct carry_set set;
	struct repo *r;
	char *err = NULL, *s = xstrdup(""), *t;
	size_t i, j;

	r = repo_open(repo, &err);
	assert_non_null(r);
	assert_int_equal(carry_head(r, &set, &err), 0);
	for (i = 0; i < set.nrefs; i++) {
		if (set.refs[i].number != number)
			continue;
		for (j = 0; j < set.refs[i].nspans; j++) {
			xasprintf(&t, "%s%s%s:%s:%lu-%lu", s, *s ? " " : "",
			    set.refs[i].subject, set.refs[i].spans[j].path,
			    set.refs[i].spans[j].first,
			    set.refs[i].spans[j].last);
			free(s);
			s = t;
		}
	}
	carry_set_free(&set);
	repo_free(r);
	return s;
}

static void
test_refs(void **state)
{
	char *repo = base(), *s;

	/* A commit citing ADR-0001 changes lines 39-40 and adds one. */
	free(h_sh(repo, "sed -i '39s/6 +/7 +/; 40s/42/43/; 41a // new' f.c"));
	commit(repo, "tune f6\n\nRefs: ADR-0001, JIRA-12\n");
	s = refs_of(repo, 1);
	assert_string_equal(s, "tune f6:f.c:39-40 tune f6:f.c:42-42");
	free(s);
	/* Shifted by a line on top: still its lines. Edited again by a
	 * commit citing nothing: that line is no longer its. */
	free(h_sh(repo, "sed -i '1i // top' f.c && git commit -q -am top && "
	                "sed -i '41s/43/44/' f.c && git commit -q -am again"));
	s = refs_of(repo, 1);
	assert_string_equal(s, "tune f6:f.c:40-40 tune f6:f.c:43-43");
	free(s);
	h_pass();
}

static void
test_many_ranges(void **state)
{
	struct carry_dec d;
	char *repo = base(), *ranges = xstrdup(""), *t, *s;
	int i;

	/* 70 one-line ranges: the first 64 are read. */
	for (i = 1; i <= 70; i++) {
		xasprintf(&t, "%s%sf.c:%d", ranges, i > 1 ? " " : "", i);
		free(ranges);
		ranges = t;
	}
	decide(repo, 2, ranges);
	s = spans_of(repo, 2, &d);
	assert_string_equal(s, "f.c:1-64/=");
	assert_int_equal(d.nranges, 64);
	assert_int_equal(d.decided, 64);
	{
		struct carry_set one = {{0}, NULL, 1, NULL, 0};

		one.v = xmalloc(sizeof *one.v);
		one.v[0] = d;
		carry_set_free(&one);
	}
	free(s);
	free(ranges);
	h_pass();
}

static void
test_cache(void **state)
{
	struct stat st;
	char *repo = base(), *other, *path, *text;
	size_t len;

	expect_spans(repo, 1, "f.c:15-20/=");
	xasprintf(&path, "%s/.git/moot/carry-cache", repo);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Warm: the same answer. */
	expect_spans(repo, 1, "f.c:15-20/=");
	/* On from a kept set. */
	free(h_sh(repo, "sed -i '1i // top' f.c && git commit -q -am top"));
	expect_spans(repo, 1, "f.c:16-21/=");
	/* History rewritten: the kept sets are of commits no longer there
	 * or not ancestors. */
	free(h_sh(repo, "git reset -q --hard HEAD~1 && sed -i '1i // a\\n// "
	                "b' f.c && git commit -q -am two"));
	expect_spans(repo, 1, "f.c:17-22/=");
	/* Changed but well formed: the checksum says so; ignored. */
	text = h_read_file(repo, ".git/moot/carry-cache", &len);
	assert_non_null(strstr(text, "span f.c 17 22 "));
	memcpy(strstr(text, "span f.c 17 22 "), "span f.c 27 32 ", 15);
	h_write_file(repo, ".git/moot/carry-cache", text, len);
	expect_spans(repo, 1, "f.c:17-22/=");
	free(text);
	/* Damaged: ignored. */
	text = h_read_file(repo, ".git/moot/carry-cache", &len);
	assert_true(len > 40);
	text[len / 2] ^= 0x20;
	h_write_file(repo, ".git/moot/carry-cache", text, len);
	expect_spans(repo, 1, "f.c:17-22/=");
	free(text);
	/* Another history's cache: its commits are not ours. */
	other = base();
	free(h_sh(other, "sed -i '1i // x\\n// y\\n// z' f.c && git commit "
	                 "-q -am three"));
	expect_spans(other, 1, "f.c:18-23/=");
	free(h_sh(repo, "true"));
	text = h_read_file(other, ".git/moot/carry-cache", &len);
	h_write_file(repo, ".git/moot/carry-cache", text, len);
	expect_spans(repo, 1, "f.c:17-22/=");
	free(text);
	free(path);
	h_pass();
}

/* The cache's own format, read back exactly; bad bytes refused. */
static void
test_cache_format(void **state)
{
	struct carry_set set, back;
	struct carry_dec d;
	struct carry_span sp = {"src/a b%.c", 3, 9, CARRY_EDITED};
	struct carry_range rg;
	uint64_t author = 0x1234abcdULL;
	char *text, *again, *bad;
	size_t len, len2;

	memset(&d, 0, sizeof d);
	memset(&rg, 0, sizeof rg);
	rg.path = "src/a b%.c";
	rg.first = 3;
	rg.last = 8;
	d.number = 7;
	memset(d.commit, 'a', CARRY_OID_HEX);
	d.subject = "ADR-0007 \x1b[31mred\n-";
	d.status = "-";
	d.ranges = &rg;
	d.nranges = 1;
	d.spans = &sp;
	d.nspans = 1;
	d.author_ids = &author;
	d.nauthor_ids = 1;
	d.authors = 1;
	memset(&set, 0, sizeof set);
	memset(set.head, 'b', CARRY_OID_HEX);
	set.v = &d;
	set.n = 1;
	text = carry_cache_format(&set, &len);
	assert_null(memchr(text, '\x1b', len));
	assert_int_equal(carry_cache_parse(text, len, &back), 0);
	again = carry_cache_format(&back, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(text, again, len);
	assert_string_equal(back.v[0].subject, d.subject);
	assert_string_equal(back.v[0].status, "-");
	assert_null(back.v[0].file);
	carry_set_free(&back);
	/* A span outside the repository's paths, a line 0, a truncation. */
	bad = xstrdup(text);
	memcpy(strstr(bad, "span src"), "span ../", 8);
	assert_int_equal(carry_cache_parse(bad, len, &back), -1);
	free(bad);
	bad = xstrdup(text);
	*strstr(bad, " 3 9 ") = '\0';
	assert_int_equal(carry_cache_parse(bad, len, &back), -1);
	assert_int_equal(carry_cache_parse(text, len - 1, &back), -1);
	free(bad);
	free(again);
	free(text);
	h_pass();
}

static void
test_similar(void **state)
{
	const char *a = "\tint y3 = x * 3 + compute_3(x);";

	assert_true(linematch_similar(a, strlen(a), a, strlen(a)) == 100);
	assert_true(linematch_similar(
	                a, strlen(a), "int y3=x*3+compute_3(x);", 24) == 100);
	assert_true(
	    linematch_similar(a, strlen(a), "\tint y3 = x * 4 + compute_3(x);",
	        31) >= LINEMATCH_SIMILAR);
	assert_true(linematch_similar(a, strlen(a), "return 0;", 9) <
	            LINEMATCH_SIMILAR);
	assert_int_equal(linematch_similar("", 0, "", 0), 100);
	assert_int_equal(linematch_similar("x", 1, "", 0), 0);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_exact, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_move_same_file, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_move_other_file, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_split_by_move, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_move_with_lines_between, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_equal_ends, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_moved_in_between, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_move_edited, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_same_endings, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_reformat, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_edges_edited, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_edited_lines, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_reformat_large, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_rename_with_edits, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_line_split, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_figures, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_text, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_trace, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_merge, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_refs, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_many_ranges, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_cache, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_cache_format, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_similar, h_setup, h_teardown),
	};

	/* E2E_FILTER=test_refs runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
