/* test-why.c: unit tests for reading decisions back (why.c).
 * Real git repositories made with the git command, and the real moot. */
#include "moot.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal.h"
#include "record.h"
#include "repo.h"
#include "why.h"

#define GIT "git -c user.name=T -c user.email=t@x"

/* Each test gets a directory: home/ (HOME), repo/ (the repository), and
 * files for commit messages and captured output. */
struct fixture {
	char dir[64];
	char *repo;
	char *home;
};

static int
setup(void **state)
{
	struct fixture *f;
	const char *tmp;
	char *cmd;

	f = xcalloc(1, sizeof *f);
	if ((tmp = getenv("TMPDIR")) == NULL || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(f->dir, sizeof f->dir, "%s/test-why-XXXXXX", tmp);
	if (mkdtemp(f->dir) == NULL)
		return -1;
	xasprintf(&f->repo, "%s/repo", f->dir);
	xasprintf(&f->home, "%s/home", f->dir);
	if (mkdir(f->home, 0700) != 0)
		return -1;
	setenv("HOME", f->home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	xasprintf(&cmd, "git init -q -b main '%s'", f->repo);
	if (system(cmd) != 0)
		return -1;
	free(cmd);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd;

	xasprintf(&cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", f->dir);
	free(cmd);
	free(f->repo);
	free(f->home);
	free(f);
	return 0;
}

/* Run a shell command in the repository; it must succeed. */
static void sh(struct fixture *, const char *, ...) __printflike(2, 3);

static void
sh(struct fixture *f, const char *fmt, ...)
{
	va_list ap;
	char *cmd, *full;

	va_start(ap, fmt);
	xvasprintf(&cmd, fmt, ap);
	va_end(ap);
	xasprintf(&full, "cd '%s' && %s", f->repo, cmd);
	if (system(full) != 0)
		fail_msg("command failed: %s", cmd);
	free(full);
	free(cmd);
}

/* Write a file of the repository (directories made as needed). */
static void
put(struct fixture *f, const char *rel, const char *text)
{
	char *path, *dir, *slash, *cmd;
	FILE *fp;

	xasprintf(&path, "%s/%s", f->repo, rel);
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		xasprintf(&cmd, "mkdir -p '%s'", dir);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	free(dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

/* Lines "line A\n" .. "line B\n". */
static char *
lines(int from, int to)
{
	char *s = xstrdup(""), *t;
	int i;

	for (i = from; i <= to; i++) {
		xasprintf(&t, "%sline %d\n", s, i);
		free(s);
		s = t;
	}
	return s;
}

/* The output of a command run in the repository, last newline dropped. */
static char *
sh_out(struct fixture *f, const char *cmd)
{
	char *full, buf[256];
	size_t len;
	FILE *p;

	xasprintf(&full, "cd '%s' && %s", f->repo, cmd);
	p = popen(full, "r");
	assert_non_null(p);
	len = fread(buf, 1, sizeof buf - 1, p);
	buf[len] = '\0';
	assert_int_equal(pclose(p), 0);
	free(full);
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return xstrdup(buf);
}

/* Commit everything with this message; returns the new HEAD id. */
static char *
commit(struct fixture *f, const char *message)
{
	char *path;
	FILE *fp;

	xasprintf(&path, "%s/message", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(message, fp);
	assert_int_equal(fclose(fp), 0);
	sh(f, "git add -A && " GIT " commit -q -F '%s'", path);
	free(path);
	return sh_out(f, "git rev-parse HEAD");
}

/* A record in moot's own format. */
static void
put_record(struct fixture *f, const char *rel, unsigned number,
    const char *title, const char *status)
{
	char *text;

	xasprintf(&text,
	    "# %u. %s\n\n- Status: %s\n- Date: 2026-11-27\n- Deciders: "
	    "Alice\n\n## Status\n\n%s\n\n## Context\n\nBecause.\n",
	    number, title, status, status);
	put(f, rel, text);
	free(text);
}

/* The message of a decision commit. */
static char *
decision_message(unsigned number, const char *title, const char *status,
    const char *file, const char *ranges)
{
	char *m;

	xasprintf(&m,
	    "docs(adr): ADR-%04u %s\n\nWe decided.\n\nDecision-Id: "
	    "ADR-%04u\nDecision-Status: %s\nDecision-File: %s\nDecided-by: "
	    "Alice <alice@example.com>\nParticipant: Alice "
	    "<alice@example.com>\n%s",
	    number, title, number, status, file, ranges);
	return m;
}

/* Commit a record and its decision. Returns the commit id. */
static char *
decide(struct fixture *f, unsigned number, const char *title,
    const char *status, const char *ranges)
{
	char *rel, *slug, *m, *id;

	slug = record_slug(title);
	xasprintf(&rel, "doc/adr/%04u-%s.md", number, slug);
	put_record(f, rel, number, title, status);
	m = decision_message(number, title, status, rel, ranges);
	id = commit(f, m);
	free(m);
	free(rel);
	free(slug);
	return id;
}

/* The hits as text, one line each, fields separated by '|'. */
static char *
hits_text(const struct why_hit *hits, size_t n)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < n; i++) {
		xasprintf(&t, "%s%u|%s|%s|%s|%s|%s|%s\n", s, hits[i].number,
		    hits[i].id, hits[i].status, hits[i].title,
		    hits[i].file != NULL ? hits[i].file : "(null)", hits[i].how,
		    hits[i].commit);
		free(s);
		s = t;
	}
	return s;
}

/* why_find on the repository; returns the hits as text, or the error
 * prefixed with "error: ". */
static char *
find(struct fixture *f, const char *path, unsigned long line, const char *text)
{
	struct why_hit *hits;
	struct repo *r;
	char *err = NULL, *out;
	size_t n;

	r = repo_open(f->repo, &err);
	assert_non_null(r);
	if (why_find(r, path, line, text, text != NULL ? strlen(text) : 0,
	        &hits, &n, &err) != 0) {
		assert_non_null(err);
		xasprintf(&out, "error: %s", err);
		free(err);
	} else {
		out = hits_text(hits, n);
		why_hits_free(hits, n);
	}
	repo_free(r);
	return out;
}

/* Is line covered by exactly one decision (any)? How many hits? */
static size_t
count(struct fixture *f, const char *path, unsigned long line)
{
	char *s = find(f, path, line, NULL), *p;
	size_t n = 0;

	assert_true(strncmp(s, "error:", 6) != 0);
	for (p = s; *p != '\0'; p++) {
		if (*p == '\n')
			n++;
	}
	free(s);
	return n;
}

static void
expect(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

/* The moot program: $MOOT, else ../src/moot next to this test. */
static const char *
moot_path(void)
{
	static char path[PATH_MAX + 32];
	char exe[PATH_MAX], *slash;
	const char *env;
	ssize_t n;

	if ((env = getenv("MOOT")) != NULL && *env != '\0')
		return env;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(path, sizeof path, "%s/../src/moot", exe);
			if (access(path, X_OK) == 0)
				return path;
		}
	}
	return "./src/moot";
}

/* Read a whole small file. */
static char *
slurp(const char *path)
{
	char buf[16384];
	size_t len;
	FILE *fp;

	fp = fopen(path, "r");
	assert_non_null(fp);
	len = fread(buf, 1, sizeof buf - 1, fp);
	buf[len] = '\0';
	fclose(fp);
	return xstrdup(buf);
}

/*
 * Run moot with these arguments (NULL-terminated) in directory cwd
 * (relative to the repository, NULL: the test's home, outside any
 * repository). Returns the exit status; *out and *err what it printed.
 */
static int
run_moot(struct fixture *f, const char *cwd, char **out, char **err, ...)
{
	char *argv[16], *outpath, *errpath, *dir;
	va_list ap;
	pid_t pid;
	int argc = 0, status, fd;

	argv[argc++] = (char *)moot_path();
	va_start(ap, err);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	xasprintf(&outpath, "%s/out", f->dir);
	xasprintf(&errpath, "%s/err", f->dir);
	if (cwd == NULL)
		dir = xstrdup(f->home);
	else
		xasprintf(&dir, "%s/%s", f->repo, cwd);

	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		if (chdir(dir) != 0)
			_exit(127);
		fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(126);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	*out = slurp(outpath);
	*err = slurp(errpath);
	free(outpath);
	free(errpath);
	free(dir);
	return WEXITSTATUS(status);
}

/* A repository with a.c (10 lines) and ADR-0007 on lines 3-5 of it.
 * Returns the code commit; *decision the decision commit. */
static char *
base_repo(struct fixture *f, char **decision)
{
	char *text, *code, *ranges;

	text = lines(1, 10);
	put(f, "a.c", text);
	free(text);
	code = commit(f, "Add a.c\n");
	xasprintf(&ranges, "Code-Range: a.c:3-5@%s\n", code);
	*decision = decide(f, 7, "Use WAL", "accepted", ranges);
	free(ranges);
	return code;
}

/* The hit base_repo's decision gives, with the range now first-last. */
static char *
wal_hit(const char *code, const char *decision, const char *now)
{
	char *s;

	xasprintf(&s,
	    "7|ADR-0007|accepted|Use WAL|doc/adr/0007-use-wal.md|Code-Range "
	    "a.c:3-5@%.12s, now %s|%s\n",
	    code, now, decision);
	return s;
}

static void
test_range_covers(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *want;

	code = base_repo(f, &decision);
	want = wal_hit(code, decision, "lines 3-5");
	expect(find(f, "a.c", 3, NULL), want);
	expect(find(f, "a.c", 4, NULL), want);
	expect(find(f, "a.c", 5, NULL), want);
	expect(find(f, "a.c", 2, NULL), "");
	expect(find(f, "a.c", 6, NULL), "");
	expect(find(f, "a.c", 10, NULL), "");
	free(want);
	free(code);
	free(decision);
}

static void
test_range_moves_down(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *want, *text, *tail;

	code = base_repo(f, &decision);
	tail = lines(1, 10);
	xasprintf(&text, "new 1\nnew 2\n%s", tail);
	put(f, "a.c", text);
	free(commit(f, "Two lines on top\n"));

	want = wal_hit(code, decision, "lines 5-7");
	expect(find(f, "a.c", 3, NULL), "");
	expect(find(f, "a.c", 4, NULL), "");
	expect(find(f, "a.c", 5, NULL), want);
	expect(find(f, "a.c", 7, NULL), want);
	expect(find(f, "a.c", 8, NULL), "");
	free(want);
	free(text);
	free(tail);
	free(code);
	free(decision);
}

static void
test_range_grows(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *want, *head, *tail, *text;

	code = base_repo(f, &decision);
	head = lines(1, 3);
	tail = lines(4, 10);
	xasprintf(&text, "%sinside 1\ninside 2\n%s", head, tail);
	put(f, "a.c", text);
	free(commit(f, "Two lines inside\n"));

	want = wal_hit(code, decision, "lines 3-7");
	expect(find(f, "a.c", 2, NULL), "");
	expect(find(f, "a.c", 3, NULL), want);
	expect(find(f, "a.c", 4, NULL), want); /* a new line, inside */
	expect(find(f, "a.c", 7, NULL), want);
	expect(find(f, "a.c", 8, NULL), "");
	free(want);
	free(text);
	free(head);
	free(tail);
	free(code);
	free(decision);
}

static void
test_range_deleted(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *want, *head, *tail, *text;
	unsigned long l;

	code = base_repo(f, &decision);

	/* Only its first line goes: the rest still counts. */
	head = lines(1, 2);
	tail = lines(4, 10);
	xasprintf(&text, "%s%s", head, tail);
	put(f, "a.c", text);
	free(commit(f, "Drop line 3\n"));
	want = wal_hit(code, decision, "lines 3-4");
	expect(find(f, "a.c", 3, NULL), want);
	expect(find(f, "a.c", 5, NULL), "");
	free(want);
	free(tail);
	free(text);

	/* All of it goes: listed nowhere. */
	tail = lines(6, 10);
	xasprintf(&text, "%s%s", head, tail);
	put(f, "a.c", text);
	free(commit(f, "Drop lines 4 and 5\n"));
	for (l = 1; l <= 7; l++)
		assert_int_equal(count(f, "a.c", l), 0);
	free(text);
	free(head);
	free(tail);
	free(code);
	free(decision);
}

static void
test_worktree_shift(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *want, *text, *tail;

	code = base_repo(f, &decision);
	tail = lines(1, 10);
	xasprintf(&text, "a\nb\nc\n%s", tail);
	put(f, "a.c", text); /* not committed */

	want = wal_hit(code, decision, "lines 6-8");
	expect(find(f, "a.c", 3, NULL), "");
	expect(find(f, "a.c", 6, NULL), want);
	expect(find(f, "a.c", 8, NULL), want);
	expect(find(f, "a.c", 9, NULL), "");
	free(want);
	free(text);
	free(tail);
	free(code);
	free(decision);
}

static void
test_buffer_shift(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *want, *text, *tail;

	code = base_repo(f, &decision);
	tail = lines(1, 10);
	xasprintf(&text, "typed\n%s", tail);

	/* The editor's text, not the file. */
	want = wal_hit(code, decision, "lines 4-6");
	expect(find(f, "a.c", 3, text), "");
	expect(find(f, "a.c", 4, text), want);
	expect(find(f, "a.c", 6, text), want);
	expect(find(f, "a.c", 7, text), "");
	free(want);
	/* The file itself did not change. */
	want = wal_hit(code, decision, "lines 3-5");
	expect(find(f, "a.c", 3, NULL), want);
	free(want);
	/* Beyond the end of the text given. */
	expect(find(f, "a.c", 12, text), "error: a.c has 11 lines");
	free(text);
	free(tail);
	free(code);
	free(decision);
}

static void
test_range_commit_forms(void **state)
{
	struct fixture *f = *state;
	char *text, *tail, *c1, *d1, *d2, *ranges, *want;

	text = lines(1, 10);
	put(f, "a.c", text);
	free(text);
	c1 = commit(f, "Add a.c\n");
	tail = lines(1, 10);
	xasprintf(&text, "x\ny\n%s", tail);
	put(f, "a.c", text);
	free(commit(f, "Two on top\n"));

	/* Abbreviated: lines 3-5 of the first version. */
	xasprintf(&ranges, "Code-Range: a.c:3-5@%.7s\n", c1);
	d1 = decide(f, 1, "Abbreviated", "accepted", ranges);
	free(ranges);
	/* No commit: the decision's parent, the second version. */
	d2 = decide(f, 2, "Parent", "accepted", "Code-Range: a.c:3-5\n");

	xasprintf(&want,
	    "2|ADR-0002|accepted|Parent|doc/adr/0002-parent.md|Code-Range "
	    "a.c:3-5@%.12s, now lines 3-5|%s\n"
	    "1|ADR-0001|accepted|Abbreviated|doc/adr/0001-abbreviated.md|"
	    "Code-Range a.c:3-5@%.12s, now lines 5-7|%s\n",
	    d1, d2, c1, d1);
	/* d2's parent is d1, whose tree holds the second version. */
	expect(find(f, "a.c", 5, NULL), want);
	assert_int_equal(count(f, "a.c", 3), 1);
	assert_int_equal(count(f, "a.c", 7), 1);
	assert_int_equal(count(f, "a.c", 8), 0);
	free(want);
	free(text);
	free(tail);
	free(c1);
	free(d1);
	free(d2);
}

static void
test_range_path_forms(void **state)
{
	struct fixture *f = *state;
	char *text, *c1, *d, *want;

	/* A path with ':' in it, a single line, and no commit. */
	text = lines(1, 10);
	put(f, "odd:name.c", text);
	free(text);
	c1 = commit(f, "Add odd:name.c\n");
	d = decide(f, 3, "Odd", "accepted",
	    "Code-Range: odd:name.c:7\nCode-Range: nonsense\n"
	    "Code-Range: odd:name.c:9-8\n");
	xasprintf(&want,
	    "3|ADR-0003|accepted|Odd|doc/adr/0003-odd.md|Code-Range "
	    "odd:name.c:7@%.12s, now line 7|%s\n",
	    c1, d);
	expect(find(f, "odd:name.c", 7, NULL), want);
	expect(find(f, "odd:name.c", 6, NULL), "");
	expect(find(f, "odd:name.c", 8, NULL), "");
	expect(find(f, "odd:name.c", 9, NULL), "");
	free(want);
	free(c1);
	free(d);
}

static void
test_range_follows_rename(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *want;

	code = base_repo(f, &decision);
	sh(f, "git mv a.c b.c");
	free(commit(f, "Rename a.c to b.c\n"));
	want = wal_hit(code, decision, "lines 3-5");
	expect(find(f, "b.c", 4, NULL), want);
	expect(find(f, "b.c", 6, NULL), "");
	free(want);
	free(code);
	free(decision);
}

static void
test_refs_blamed(void **state)
{
	struct fixture *f = *state;
	char *text, *head, *tail, *c2, *want;

	text = lines(1, 10);
	put(f, "a.c", text);
	free(text);
	put_record(f, "doc/adr/0002-two.md", 2, "Two", "accepted");
	put_record(f, "doc/adr/0003-three.md", 3, "Three", "proposed");
	free(commit(f, "Start\n"));

	head = lines(1, 7);
	tail = lines(9, 10);
	xasprintf(&text, "%sline eight, changed\n%s", head, tail);
	put(f, "a.c", text);
	c2 = commit(f, "Change eight\n\nBecause.\n\nRefs: ADR-0002, ADR-0003\n"
	               "Refs: #12\n");
	xasprintf(&want,
	    "3|ADR-0003|proposed|Three|doc/adr/0003-three.md|Refs in %.12s "
	    "(Change eight), which last changed this line|\n"
	    "2|ADR-0002|accepted|Two|doc/adr/0002-two.md|Refs in %.12s "
	    "(Change eight), which last changed this line|\n",
	    c2, c2);
	expect(find(f, "a.c", 8, NULL), want);
	expect(find(f, "a.c", 7, NULL), "");
	expect(find(f, "a.c", 9, NULL), "");
	free(want);
	free(text);
	free(head);
	free(tail);
	free(c2);
}

static void
test_refs_not_last(void **state)
{
	struct fixture *f = *state;
	char *text, *head, *tail, *c2, *want;

	text = lines(1, 10);
	put(f, "a.c", text);
	free(text);
	put_record(f, "doc/adr/0004-four.md", 4, "Four", "accepted");
	free(commit(f, "Start\n"));

	head = lines(1, 7);
	tail = lines(10, 10);
	xasprintf(&text, "%seight\nnine\n%s", head, tail);
	put(f, "a.c", text);
	c2 = commit(f, "Change eight and nine\n\nRefs: ADR-0004\n");
	free(text);
	xasprintf(&text, "%sEIGHT\nnine\n%s", head, tail);
	put(f, "a.c", text);
	free(commit(f, "Change eight again\n"));

	/* Line 8 was last changed by a commit with no Refs. */
	expect(find(f, "a.c", 8, NULL), "");
	xasprintf(&want,
	    "4|ADR-0004|accepted|Four|doc/adr/0004-four.md|Refs in %.12s "
	    "(Change eight and nine), which last changed this line|\n",
	    c2);
	expect(find(f, "a.c", 9, NULL), want);

	/* Changed in the working tree: not committed, no blame. */
	free(text);
	xasprintf(&text, "%sEIGHT\nNINE\n%s", head, tail);
	put(f, "a.c", text);
	expect(find(f, "a.c", 9, NULL), "");
	/* An insertion above: line 9 is now 10, still the Refs commit's. */
	free(text);
	xasprintf(&text, "top\n%sEIGHT\nnine\n%s", head, tail);
	put(f, "a.c", text);
	expect(find(f, "a.c", 10, NULL), want);
	free(want);
	free(text);
	free(head);
	free(tail);
	free(c2);
}

static void
test_status(void **state)
{
	struct fixture *f = *state;
	char *text, *code, *ranges, *d, *want;

	text = lines(1, 10);
	put(f, "a.c", text);
	free(text);
	code = commit(f, "Add a.c\n");
	xasprintf(&ranges, "Code-Range: a.c:1-10@%s\n", code);

	/* Rejected: not listed through its Code-Range. */
	free(decide(f, 1, "Rejected one", "rejected", ranges));
	expect(find(f, "a.c", 2, NULL), "");

	/* Accepted, then a later commit for the same id rejects it. */
	free(decide(f, 2, "Later rejected", "accepted", ranges));
	assert_int_equal(count(f, "a.c", 2), 1);
	put_record(f, "doc/adr/0002-later-rejected.md", 2, "Later rejected",
	    "rejected");
	free(commit(f, "docs(adr): reject ADR-0002\n\nDecision-Id: ADR-0002\n"
	               "Decision-Status: Rejected\n"));
	expect(find(f, "a.c", 2, NULL), "");

	/* Accepted, and its record now says superseded: listed so. */
	d = decide(f, 3, "Old way", "Accepted", ranges);
	text = xstrdup("# 3. Old way\n\n## Status\n\nSuperseded by "
	               "[4. New way](0004-new-way.md)\n");
	put(f, "doc/adr/0003-old-way.md", text);
	free(text);
	xasprintf(&want,
	    "3|ADR-0003|superseded|Old way|doc/adr/0003-old-way.md|"
	    "Code-Range a.c:1-10@%.12s, now lines 1-10|%s\n",
	    code, d);
	expect(find(f, "a.c", 2, NULL), want);
	free(d);

	/* Proposed with a range, then accepted by a commit naming none: the
	 * range of the older commit counts, the newer commit is the
	 * decision's. */
	free(decide(f, 4, "Late", "proposed", ranges));
	expect(find(f, "a.c", 2, NULL), want);
	put_record(f, "doc/adr/0004-late.md", 4, "Late", "accepted");
	d = commit(f, "docs(adr): accept ADR-0004\n\nDecision-Id: ADR-0004\n"
	              "Decision-Status: accepted\n");
	xasprintf(&text,
	    "4|ADR-0004|accepted|Late|doc/adr/0004-late.md|"
	    "Code-Range a.c:1-10@%.12s, now lines 1-10|%s\n%s",
	    code, d, want);
	expect(find(f, "a.c", 2, NULL), text);
	free(text);
	free(want);
	free(d);
	free(ranges);
	free(code);
}

static void
test_found_both_ways(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *text, *head, *tail, *want;

	code = base_repo(f, &decision);
	head = lines(1, 3);
	tail = lines(5, 10);
	xasprintf(&text, "%sfour, per ADR-0007\n%s", head, tail);
	put(f, "a.c", text);
	free(commit(f, "Follow the decision\n\nRefs: ADR-0007\n"));
	/* Listed once, the Code-Range way. */
	want = wal_hit(code, decision, "lines 3-5");
	expect(find(f, "a.c", 4, NULL), want);
	free(want);
	free(text);
	free(head);
	free(tail);
	free(code);
	free(decision);
}

static void
test_find_errors(void **state)
{
	struct fixture *f = *state;
	char *code, *decision;

	/* Unborn: no history, no hits, no error. */
	put(f, "a.c", "one\ntwo\n");
	expect(find(f, "a.c", 2, NULL), "");

	code = base_repo(f, &decision);
	expect(find(f, "nope.c", 1, NULL),
	    "error: nope.c: no such file in the repository");
	expect(find(f, "../a.c", 1, NULL),
	    "error: ../a.c: no such file in the repository");
	expect(find(f, "doc", 1, NULL),
	    "error: doc: no such file in the repository");
	expect(find(f, ".git/config", 1, NULL),
	    "error: .git/config: no such file in the repository");
	expect(find(f, "a.c", 0, NULL), "error: a.c has 10 lines");
	expect(find(f, "a.c", 11, NULL), "error: a.c has 10 lines");
	expect(find(f, "a.c", 1, "just one"), "");
	expect(find(f, "a.c", 2, "just one"), "error: a.c has 1 line");
	/* A file not committed yet. */
	put(f, "new.c", "x\ny\n");
	expect(find(f, "new.c", 2, NULL), "");
	free(code);
	free(decision);
}

/* adr-tools' own records. */
static void
put_adr_tools(struct fixture *f, const char *dir)
{
	char *rel;

	xasprintf(&rel, "%s/0001-record-architecture-decisions.md", dir);
	put(f, rel,
	    "# 1. Record architecture decisions\n\nDate: 2026-01-05\n\n"
	    "## Status\n\nAccepted\n\n## Context\n\nWe need to record the "
	    "architectural decisions made on this project.\n\n## Decision\n\n"
	    "We will use Architecture Decision Records.\n\n## Consequences"
	    "\n\nSee Michael Nygard's article.\n");
	free(rel);
	xasprintf(&rel, "%s/0002-x.md", dir);
	put(f, rel,
	    "# 2. X\n\nDate: 2026-01-06\n\n## Status\n\nSuperceded by [3. Y]"
	    "(0003-y.md)\n\n## Context\n\nThe issue.\n");
	free(rel);
	xasprintf(&rel, "%s/0003-y.md", dir);
	put(f, rel,
	    "# 3. Y\n\nDate: 2026-01-07\n\n## Status\n\nSupercedes [2. X]"
	    "(0002-x.md)\n\nAccepted\n\n## Context\n\nThe issue.\n");
	free(rel);
	/* Not records. */
	xasprintf(&rel, "%s/README.md", dir);
	put(f, rel, "# Decisions\n");
	free(rel);
	xasprintf(&rel, "%s/0004-draft.txt", dir);
	put(f, rel, "# 4. Not markdown\n");
	free(rel);
}

static const char adr_tools_list[] =
    "0001  accepted  2026-01-05  Record architecture decisions\n"
    "0002  superseded  2026-01-06  X\n"
    "0003  accepted  2026-01-07  Y\n";

static void
test_adr_tools(void **state)
{
	struct fixture *f = *state;
	struct why_record *recs;
	struct repo *r;
	char *err = NULL, *out, *errout;
	size_t n;

	put_adr_tools(f, "doc/adr");
	r = repo_open(f->repo, &err);
	assert_non_null(r);
	assert_int_equal(why_records(r, &recs, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(recs[0].number, 1);
	assert_string_equal(
	    recs[0].file, "doc/adr/0001-record-architecture-decisions.md");
	assert_string_equal(recs[0].rec.title, "Record architecture decisions");
	assert_int_equal(recs[0].rec.state, RECORD_ACCEPTED);
	assert_string_equal(recs[0].rec.date, "2026-01-05");
	assert_int_equal(recs[1].number, 2);
	assert_int_equal(recs[1].rec.state, RECORD_SUPERSEDED);
	assert_int_equal(recs[1].rec.superseded_by, 3);
	assert_int_equal(recs[2].number, 3);
	assert_string_equal(recs[2].file, "doc/adr/0003-y.md");
	assert_int_equal(recs[2].rec.state, RECORD_ACCEPTED);
	why_records_free(recs, n);
	/* A FIFO named like a record is skipped, not waited on. */
	sh(f, "mkfifo doc/adr/0010-fifo.md");
	assert_int_equal(why_records(r, &recs, &n, &err), 0);
	assert_int_equal(n, 3);
	why_records_free(recs, n);
	repo_free(r);

	assert_int_equal(
	    run_moot(f, "", &out, &errout, "decisions", (char *)NULL), 0);
	assert_string_equal(out, adr_tools_list);
	assert_string_equal(errout, "");
	free(out);
	free(errout);
	/* From outside the repository, with -C. */
	assert_int_equal(run_moot(f, NULL, &out, &errout, "decisions", "-C",
	                     f->repo, (char *)NULL),
	    0);
	assert_string_equal(out, adr_tools_list);
	free(out);
	free(errout);
}

static void
test_adr_dir(void **state)
{
	struct fixture *f = *state;
	struct why_record *recs;
	struct repo *r;
	char *err = NULL, *out, *errout;
	size_t n;

	/* adr-tools' .adr-dir, with its newline. */
	put_adr_tools(f, "doc/architecture/decisions");
	put(f, ".adr-dir", "doc/architecture/decisions\n");
	put(f, "doc/adr/0009-elsewhere.md", "# 9. Elsewhere\n");
	assert_int_equal(
	    run_moot(f, "doc", &out, &errout, "decisions", (char *)NULL), 0);
	assert_string_equal(out, adr_tools_list);
	free(out);
	free(errout);

	/* An .adr-dir that points outside is ignored: doc/adr. */
	put(f, ".adr-dir", "../elsewhere\n");
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "decisions", (char *)NULL), 0);
	assert_string_equal(out, "0009  unknown  -  Elsewhere\n");
	free(out);
	free(errout);

	/* No .adr-dir, no doc/adr: docs/decisions. */
	sh(f, "rm -rf .adr-dir doc");
	put(f, "docs/decisions/0012-madr.md",
	    "---\nstatus: accepted\ndate: 2026-02-03\n---\n# Use MADR\n");
	r = repo_open(f->repo, &err);
	assert_non_null(r);
	assert_int_equal(why_records(r, &recs, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(recs[0].number, 12); /* from the name */
	assert_string_equal(recs[0].file, "docs/decisions/0012-madr.md");
	assert_string_equal(recs[0].rec.title, "Use MADR");
	why_records_free(recs, n);

	/* No directory at all: no records, no error. */
	sh(f, "rm -rf docs");
	assert_int_equal(why_records(r, &recs, &n, &err), 0);
	assert_int_equal(n, 0);
	why_records_free(recs, n);
	repo_free(r);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "decisions", (char *)NULL), 0);
	assert_string_equal(out, "");
	free(out);
	free(errout);
}

static void
test_decisions_open(void **state)
{
	struct fixture *f = *state;
	struct journal_draft d;
	struct journal *j;
	struct repo *r;
	char *err = NULL, *path, *out, *errout;
	int64_t q;

	put(f, "doc/adr/0001-one.md",
	    "# 1. One\n\n- Status: accepted\n\n## Open Questions\n\n"
	    "- How big?\n- How fast?\n\n## More Information\n\nNone.\n");
	put(f, "doc/adr/0002-two.md",
	    "# 2. Two\n\n- Status: superseded by [3. Three](0003-three.md)\n"
	    "\n## Open Questions\n\n- Never mind\n");
	put(f, "doc/adr/0003-three.md",
	    "# 3. Three\n\n- Status: proposed\n\n## Open Questions\n\n"
	    "- Who pays?\n");

	/* No journal yet: only the records. */
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "decisions", "--open", (char *)NULL),
	    0);
	assert_string_equal(
	    out, "0001  How big?\n0001  How fast?\n0003  Who pays?\n");
	assert_string_equal(errout, "");
	free(out);
	free(errout);

	r = repo_open(f->repo, &err);
	assert_non_null(r);
	xasprintf(&path, "%s%s", r->state, JOURNAL_FILE);
	j = journal_open(path, 0, &err);
	assert_non_null(j);
	journal_question(j, 1000, "key1", "Which \033[31mport?");
	q = journal_question(j, 2000, "key1", "Taken into a draft");
	journal_question_done(j, q);
	memset(&d, 0, sizeof d);
	d.path = "doc/adr/0004-pick-a-port.md";
	d.number = 4;
	d.title = "Pick a port";
	d.author = "key1";
	d.present = "key1\n";
	d.ranges = "";
	d.head = "";
	d.time = 3000;
	journal_draft(j, &d);
	assert_int_equal(journal_flush(j, &err), 0);
	journal_close(j);
	free(path);
	repo_free(r);

	assert_int_equal(
	    run_moot(f, "", &out, &errout, "decisions", "--open", (char *)NULL),
	    0);
	assert_string_equal(out, "0001  How big?\n0001  How fast?\n"
	                         "0003  Who pays?\n"
	                         "-     Which ^[[31mport?\n"
	                         "0004  draft: Pick a port\n");
	free(out);
	free(errout);
}

static void
test_why_cli(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *want, *out, *errout;

	code = base_repo(f, &decision);
	put(f, "sub/b.c", "b\n");
	free(commit(f, "Add sub/b.c\n"));
	xasprintf(&want,
	    "ADR-0007  accepted  Use WAL\n  doc/adr/0007-use-wal.md\n"
	    "  Code-Range a.c:3-5@%.12s, now lines 3-5\n",
	    code);

	assert_int_equal(
	    run_moot(f, "", &out, &errout, "why", "a.c:4", (char *)NULL), 0);
	assert_string_equal(out, want);
	assert_string_equal(errout, "");
	free(out);
	free(errout);
	/* -C after the argument, from outside. */
	assert_int_equal(run_moot(f, NULL, &out, &errout, "why", "a.c:4", "-C",
	                     f->repo, (char *)NULL),
	    0);
	assert_string_equal(out, want);
	free(out);
	free(errout);
	/* Relative to the current directory, inside the tree. */
	assert_int_equal(
	    run_moot(f, "sub", &out, &errout, "why", "../a.c:5", (char *)NULL),
	    0);
	assert_string_equal(out, want);
	free(out);
	free(errout);
	/* Repository-relative from a subdirectory. */
	assert_int_equal(
	    run_moot(f, "sub", &out, &errout, "why", "a.c:3", (char *)NULL), 0);
	assert_string_equal(out, want);
	free(out);
	free(errout);
	/* None. */
	assert_int_equal(
	    run_moot(f, "sub", &out, &errout, "why", "b.c:1", (char *)NULL), 0);
	assert_string_equal(out, "no recorded decision covers b.c:1\n");
	free(out);
	free(errout);
	free(want);
	free(code);
	free(decision);
}

static void
test_cli_errors(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *out, *errout;

	code = base_repo(f, &decision);

	assert_int_equal(
	    run_moot(f, "", &out, &errout, "why", (char *)NULL), 2);
	assert_string_equal(out, "");
	assert_string_equal(errout, "usage: moot why FILE:LINE [-C DIR]\n");
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "why", "a.c", (char *)NULL), 2);
	assert_string_equal(errout, "usage: moot why FILE:LINE [-C DIR]\n");
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "why", "a.c:x", (char *)NULL), 2);
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "why", "a.c:", (char *)NULL), 2);
	free(out);
	free(errout);
	assert_int_equal(run_moot(f, "", &out, &errout, "why", "a.c:1", "a.c:2",
	                     (char *)NULL),
	    2);
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "decisions", "extra", (char *)NULL),
	    2);
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "decisions", "--nope", (char *)NULL),
	    2);
	free(out);
	free(errout);

	assert_int_equal(
	    run_moot(f, "", &out, &errout, "why", "nope.c:1", (char *)NULL), 1);
	assert_string_equal(out, "");
	assert_string_equal(
	    errout, "moot why: nope.c: no such file in the repository\n");
	free(out);
	free(errout);
	assert_int_equal(run_moot(f, "", &out, &errout, "why", "/etc/passwd:1",
	                     (char *)NULL),
	    1);
	assert_string_equal(
	    errout, "moot why: /etc/passwd: no such file in the repository\n");
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "why", "a.c:0", (char *)NULL), 1);
	assert_string_equal(errout, "moot why: a.c has 10 lines\n");
	free(out);
	free(errout);
	assert_int_equal(run_moot(f, "", &out, &errout, "why",
	                     "a.c:99999999999999999999999", (char *)NULL),
	    1);
	assert_string_equal(errout, "moot why: a.c has 10 lines\n");
	free(out);
	free(errout);

	/* Not in a repository. */
	assert_int_equal(
	    run_moot(f, NULL, &out, &errout, "why", "a.c:1", (char *)NULL), 1);
	assert_true(strncmp(errout, "moot why: ", 10) == 0);
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, NULL, &out, &errout, "decisions", (char *)NULL), 1);
	assert_true(strncmp(errout, "moot decisions: ", 16) == 0);
	free(out);
	free(errout);

	assert_int_equal(
	    run_moot(f, "", &out, &errout, "decisions", "--help", (char *)NULL),
	    0);
	assert_string_equal(out, "usage: moot decisions [-C DIR] [--open]\n");
	free(out);
	free(errout);
	free(code);
	free(decision);
}

static void
test_inert(void **state)
{
	struct fixture *f = *state;
	char *text, *head, *c2, *out, *errout, *want;

	/* Records lose their control bytes when read; what git keeps
	 * (subjects, file names) is shown inert. */
	text = lines(1, 3);
	put(f, "a.c", text);
	free(text);
	put(f, "doc/adr/0005-bad.md",
	    "# 5. Bad \033]0;owned\007 title\n\n- Status: accepted\n");
	put(f, "doc/adr/0006-\033[2J.md", "- Status: proposed\n");
	free(commit(f, "Start\n"));
	head = lines(1, 1);
	xasprintf(&text, "%stwo\nline 3\n", head);
	put(f, "a.c", text);
	c2 = commit(f, "Fix \033[31mred\007\x7f\n\nRefs: ADR-0005\n");

	assert_int_equal(
	    run_moot(f, "", &out, &errout, "decisions", (char *)NULL), 0);
	assert_null(strchr(out, '\033'));
	assert_null(strchr(out, '\007'));
	assert_string_equal(
	    strstr(out, "0006"), "0006  proposed  -  doc/adr/0006-^[[2J.md\n");
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "why", "a.c:2", (char *)NULL), 0);
	assert_null(strchr(out, '\033'));
	assert_null(strchr(out, '\007'));
	xasprintf(&want,
	    "  doc/adr/0005-bad.md\n"
	    "  Refs in %.12s (Fix ^[[31mred^G^?), which last changed this "
	    "line\n",
	    c2);
	assert_non_null(strchr(out, '\n'));
	assert_string_equal(strchr(out, '\n') + 1, want);
	assert_true(strncmp(out, "ADR-0005  accepted  Bad ", 24) == 0);
	free(want);
	free(out);
	free(errout);
	free(text);
	free(head);
	free(c2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_range_covers, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_range_moves_down, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_range_grows, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_range_deleted, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_worktree_shift, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_buffer_shift, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_range_commit_forms, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_range_path_forms, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_range_follows_rename, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refs_blamed, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_refs_not_last, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_status, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_found_both_ways, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_find_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_adr_tools, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_adr_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_decisions_open, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_why_cli, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cli_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inert, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
