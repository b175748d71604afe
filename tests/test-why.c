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
#include "utf8.h"
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

	unsetenv("GIT_AUTHOR_DATE");
	unsetenv("GIT_COMMITTER_DATE");
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

/* The date of the commits made from now on ("2026-11-28 10:00:00" UTC),
 * so that outputs with dates are known exactly. */
static void
when(const char *date)
{
	char *d;

	xasprintf(&d, "%s +0000", date);
	setenv("GIT_AUTHOR_DATE", d, 1);
	setenv("GIT_COMMITTER_DATE", d, 1);
	free(d);
}

static char *commit(struct fixture *, const char *);

/* Commit everything as another author (any bytes in the name). */
static char *
commit_by(
    struct fixture *f, const char *name, const char *email, const char *message)
{
	char *id;

	setenv("GIT_AUTHOR_NAME", name, 1);
	setenv("GIT_AUTHOR_EMAIL", email, 1);
	id = commit(f, message);
	unsetenv("GIT_AUTHOR_NAME");
	unsetenv("GIT_AUTHOR_EMAIL");
	return id;
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

/* The hit base_repo's decision gives, carried as phrase says, with the
 * span covering the line now "lines first-last". */
static char *
wal_hit_how(
    const char *code, const char *decision, const char *phrase, const char *now)
{
	char *s;

	xasprintf(&s,
	    "7|ADR-0007|accepted|Use WAL|doc/adr/0007-use-wal.md|%s from "
	    "a.c:3-5@%.12s, now %s|%s\n",
	    phrase, code, now, decision);
	return s;
}

/* The same, carried exactly. */
static char *
wal_hit(const char *code, const char *decision, const char *now)
{
	return wal_hit_how(code, decision, "carried exactly", now);
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

	/* The decided lines stay exact; the two new ones inside are added
	 * lines, covered too: the range is 3-7 now, each line says how. */
	want = wal_hit(code, decision, "lines 3-7");
	expect(find(f, "a.c", 2, NULL), "");
	expect(find(f, "a.c", 3, NULL), want);
	free(want);
	want = wal_hit_how(
	    code, decision, "carried through added lines", "lines 3-7");
	expect(find(f, "a.c", 4, NULL), want);
	expect(find(f, "a.c", 5, NULL), want);
	free(want);
	want = wal_hit(code, decision, "lines 3-7");
	expect(find(f, "a.c", 6, NULL), want);
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
	    "2|ADR-0002|accepted|Parent|doc/adr/0002-parent.md|carried "
	    "exactly from "
	    "a.c:3-5@%.12s, now lines 3-5|%s\n"
	    "1|ADR-0001|accepted|Abbreviated|doc/adr/0001-abbreviated.md|"
	    "carried exactly from a.c:3-5@%.12s, now lines 5-7|%s\n",
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
	    "3|ADR-0003|accepted|Odd|doc/adr/0003-odd.md|carried "
	    "exactly from "
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
	want = wal_hit_how(
	    code, decision, "carried exactly through a rename", "lines 3-5");
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

	/* Changed in the working tree: no longer the Refs commit's. */
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
	    "carried exactly from a.c:1-10@%.12s, now lines 1-10|%s\n",
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
	    "carried exactly from a.c:1-10@%.12s, now lines 1-10|%s\n%s",
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
	/* Listed once, the carried way: the line is an edit of line 4. */
	want = wal_hit_how(
	    code, decision, "carried through edited lines", "lines 3-5");
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
	    "  carried exactly from a.c:3-5@%.12s, now lines 3-5\n",
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
	assert_string_equal(
	    errout, "usage: moot why FILE:LINE [-C DIR] [--trace] [--json]\n");
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "why", "a.c", (char *)NULL), 2);
	assert_string_equal(
	    errout, "usage: moot why FILE:LINE [-C DIR] [--trace] [--json]\n");
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
	/* --open has no --stale or --json form. */
	assert_int_equal(run_moot(f, "", &out, &errout, "decisions", "--open",
	                     "--json", (char *)NULL),
	    2);
	assert_string_equal(out, "");
	assert_string_equal(errout,
	    "moot decisions: --open goes with neither --stale nor --json\n"
	    "usage: moot decisions [-C DIR] [--open | --stale] [--json]\n");
	free(out);
	free(errout);
	assert_int_equal(run_moot(f, "", &out, &errout, "decisions", "--stale",
	                     "--open", (char *)NULL),
	    2);
	free(out);
	free(errout);
	assert_int_equal(run_moot(f, "", &out, &errout, "why", "--nope",
	                     "a.c:1", (char *)NULL),
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
	assert_string_equal(out,
	    "usage: moot decisions [-C DIR] [--open | --stale] [--json]\n");
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

/* ---------------------------------------------------------------------
 * Machine-readable output, --stale, --trace, show. Dates are fixed
 * (when()), so outputs are known exactly.
 */

#define T1 "1795773600" /* 2026-11-27 10:00:00 UTC */
#define T2 "1795860000" /* 2026-11-28 */

/* The "changes" object of the JSON schema. */
static char *
changes_json(unsigned long decided, unsigned long changed, unsigned long gone,
    unsigned percent, unsigned commits, unsigned authors, const char *time,
    const char *date, const char *id, int stale)
{
	char *s, *d, *c;

	if (date != NULL)
		xasprintf(&d, "\"%s\"", date);
	else
		d = xstrdup("null");
	if (id != NULL)
		xasprintf(&c, "\"%s\"", id);
	else
		c = xstrdup("null");
	xasprintf(&s,
	    "{\"decided\":%lu,\"changed\":%lu,\"gone\":%lu,\"percent\":%u,"
	    "\"commits\":%u,\"authors\":%u,\"time\":%s,\"date\":%s,"
	    "\"commit\":%s,\"stale\":%s}",
	    decided, changed, gone, percent, commits, authors,
	    time != NULL ? time : "null", d, c, stale ? "true" : "false");
	free(d);
	free(c);
	return s;
}

/* base_repo's ADR-0007 as a JSON decision object. */
static char *
wal_json(const char *code, const char *decision, const char *how,
    const char *via, const char *span, const char *now, const char *changes)
{
	char *s;

	xasprintf(&s,
	    "{\"id\":\"ADR-0007\",\"number\":7,\"status\":\"accepted\","
	    "\"title\":\"Use WAL\",\"record\":\"doc/adr/0007-use-wal.md\","
	    "\"date\":\"2026-11-27\",\"commit\":\"%s\",\"time\":" T1 ","
	    "\"how\":%s,\"via\":%s,\"span\":%s,\"refs\":null,\"ranges\":[{"
	    "\"path\":\"a.c\",\"first\":3,\"last\":5,\"base\":\"%s\"}],"
	    "\"now\":%s,\"changes\":%s,\"trace\":null}",
	    decision, how, via, span, code, now, changes);
	return s;
}

/* Run moot and expect exit 0, nothing on stderr and exactly want. */
static void
expect_moot(struct fixture *f, const char *want, const char *a1, const char *a2,
    const char *a3, const char *a4)
{
	char *out, *errout;

	assert_int_equal(
	    run_moot(f, "", &out, &errout, a1, a2, a3, a4, (char *)NULL), 0);
	assert_string_equal(errout, "");
	assert_string_equal(out, want);
	free(out);
	free(errout);
}

static void
test_json_why(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *c2, *want, *obj, *ch, *text, *head, *tail;

	when("2026-11-27 10:00:00");
	code = base_repo(f, &decision);
	ch = changes_json(3, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0);
	obj = wal_json(code, decision, "\"exact\"", "[]",
	    "{\"path\":\"a.c\",\"first\":3,\"last\":5}",
	    "[{\"path\":\"a.c\",\"first\":3,\"last\":5,\"how\":[]}]", ch);
	xasprintf(&want,
	    "{\"head\":\"%s\",\"file\":\"a.c\",\"line\":4,\"decisions\":[%s]}"
	    "\n",
	    decision, obj);
	expect_moot(f, want, "why", "--json", "a.c:4", NULL);
	free(want);
	free(obj);
	free(ch);
	xasprintf(&want,
	    "{\"head\":\"%s\",\"file\":\"a.c\",\"line\":8,\"decisions\":[]}\n",
	    decision);
	expect_moot(f, want, "why", "a.c:8", "--json", NULL);
	free(want);

	/* The block moves to the end of the file: carried through a move,
	 * and stale (a commit moved it). */
	when("2026-11-28 10:00:00");
	head = lines(1, 2);
	tail = lines(6, 10);
	xasprintf(&text, "%s%sline 3\nline 4\nline 5\n", head, tail);
	put(f, "a.c", text);
	c2 = commit(f, "Move the block down\n");
	ch = changes_json(3, 0, 0, 0, 1, 1, T2, "2026-11-28", c2, 1);
	obj = wal_json(code, decision, "\"moved\"", "[\"moved\"]",
	    "{\"path\":\"a.c\",\"first\":8,\"last\":10}",
	    "[{\"path\":\"a.c\",\"first\":8,\"last\":10,\"how\":[\"moved\"]}]",
	    ch);
	xasprintf(&want,
	    "{\"head\":\"%s\",\"file\":\"a.c\",\"line\":9,\"decisions\":[%s]}"
	    "\n",
	    c2, obj);
	expect_moot(f, want, "why", "--json", "a.c:9", NULL);
	free(want);
	xasprintf(&want,
	    "ADR-0007  accepted  Use WAL\n  doc/adr/0007-use-wal.md\n"
	    "  carried through a move from a.c:3-5@%.12s, now lines 8-10\n",
	    code);
	expect_moot(f, want, "why", "a.c:9", NULL, NULL);
	free(want);
	free(obj);
	free(ch);
	free(text);
	free(head);
	free(tail);
	free(c2);
	free(code);
	free(decision);
}

static void
test_json_refs(void **state)
{
	struct fixture *f = *state;
	char *text, *head, *tail, *c2, *want, *one;

	when("2026-11-27 10:00:00");
	text = lines(1, 10);
	put(f, "a.c", text);
	free(text);
	put_record(f, "doc/adr/0002-two.md", 2, "Two \"quoted\\\"", "accepted");
	put_record(f, "doc/adr/0003-three.md", 3, "Three", "proposed");
	free(commit(f, "Start\n"));
	head = lines(1, 7);
	tail = lines(9, 10);
	xasprintf(&text, "%sline eight, changed\n%s", head, tail);
	put(f, "a.c", text);
	c2 = commit(f, "Change eight\n\nRefs: ADR-0002, ADR-0003\n");

	/* Found by Refs: no carried span, no decision commit. */
	xasprintf(&one,
	    "{\"id\":\"ADR-0003\",\"number\":3,\"status\":\"proposed\","
	    "\"title\":\"Three\",\"record\":\"doc/adr/0003-three.md\","
	    "\"date\":\"2026-11-27\",\"commit\":null,\"time\":null,"
	    "\"how\":\"refs\",\"via\":[],\"span\":null,\"refs\":{\"commit\":"
	    "\"%s\",\"subject\":\"Change eight\"},\"ranges\":[],\"now\":[],"
	    "\"changes\":null,\"trace\":%%s},"
	    "{\"id\":\"ADR-0002\",\"number\":2,\"status\":\"accepted\","
	    "\"title\":\"Two \\\"quoted\\\\\\\"\",\"record\":"
	    "\"doc/adr/0002-two.md\",\"date\":\"2026-11-27\",\"commit\":null,"
	    "\"time\":null,\"how\":\"refs\",\"via\":[],\"span\":null,"
	    "\"refs\":{\"commit\":\"%s\",\"subject\":\"Change eight\"},"
	    "\"ranges\":[],\"now\":[],\"changes\":null,\"trace\":%%s}",
	    c2, c2);
	xasprintf(&want,
	    "{\"head\":\"%s\",\"file\":\"a.c\",\"line\":8,\"decisions\":[", c2);
	free(text);
	xasprintf(&text, "%s%s]}\n", want, one);
	free(want);
	xasprintf(&want, text, "null", "null");
	expect_moot(f, want, "why", "a.c:8", "--json", NULL);
	free(want);
	/* With --trace, each has its trace: none here. */
	xasprintf(&want, text, "[]", "[]");
	expect_moot(f, want, "why", "--trace", "a.c:8", "--json");
	free(want);
	free(one);
	free(text);
	free(head);
	free(tail);
	free(c2);
}

static void
test_json_decisions(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *d9, *c3, *want, *obj, *ch, *ch9;

	when("2026-11-27 10:00:00");
	put_record(f, "doc/adr/0001-hand.md", 1, "Hand", "proposed");
	code = base_repo(f, &decision);
	d9 = decide(f, 9, "Gone record", "accepted", "");
	sh(f, "git rm -q doc/adr/0009-gone-record.md");
	c3 = commit(f, "Drop the record of ADR-0009\n");

	ch = changes_json(3, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0);
	obj = wal_json(code, decision, "\"exact\"", "[]", "null",
	    "[{\"path\":\"a.c\",\"first\":3,\"last\":5,\"how\":[]}]", ch);
	ch9 = changes_json(0, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0);
	xasprintf(&want,
	    "{\"head\":\"%s\",\"decisions\":["
	    /* A record with no commit. */
	    "{\"id\":\"ADR-0001\",\"number\":1,\"status\":\"proposed\","
	    "\"title\":\"Hand\",\"record\":\"doc/adr/0001-hand.md\","
	    "\"date\":\"2026-11-27\",\"commit\":null,\"time\":null,"
	    "\"how\":null,\"via\":[],\"span\":null,\"refs\":null,"
	    "\"ranges\":[],\"now\":[],\"changes\":null,\"trace\":null},"
	    "%s,"
	    /* A decision whose record is gone: from its commit. */
	    "{\"id\":\"ADR-0009\",\"number\":9,\"status\":\"accepted\","
	    "\"title\":\"Gone record\",\"record\":null,\"date\":null,"
	    "\"commit\":\"%s\",\"time\":" T1 ",\"how\":null,\"via\":[],"
	    "\"span\":null,\"refs\":null,\"ranges\":[],\"now\":[],"
	    "\"changes\":%s,\"trace\":null}]}\n",
	    c3, obj, d9, ch9);
	expect_moot(f, want, "decisions", "--json", NULL, NULL);
	free(want);
	/* Nothing changed: --stale lists none. */
	expect_moot(f, "", "decisions", "--stale", NULL, NULL);
	xasprintf(&want, "{\"head\":\"%s\",\"decisions\":[]}\n", c3);
	expect_moot(f, want, "decisions", "--stale", "--json", NULL);
	free(want);
	free(obj);
	free(ch);
	free(ch9);
	free(code);
	free(decision);
	free(d9);
	free(c3);
}

/* Replace line n (1-based) of a.c's lines from..to with text. */
static void
put_lines_with(struct fixture *f, int to, int n, const char *line)
{
	char *head, *tail, *text;

	head = lines(1, n - 1);
	tail = lines(n + 1, to);
	xasprintf(&text, "%s%s\n%s", head, line, tail);
	put(f, "a.c", text);
	free(text);
	free(head);
	free(tail);
}

static void
test_stale(void **state)
{
	struct fixture *f = *state;
	char *text, *code, *ranges, *c4, *c2, *want, *out, *errout, *p7, *p10;

	when("2026-11-27 10:00:00");
	text = lines(1, 20);
	put(f, "a.c", text);
	free(text);
	code = commit(f, "Add a.c\n");
	xasprintf(&ranges, "Code-Range: a.c:3-5@%s\n", code);
	free(decide(f, 7, "Use WAL", "accepted", ranges));
	free(ranges);
	xasprintf(&ranges, "Code-Range: a.c:15-17@%s\n", code);
	free(decide(f, 8, "Untouched", "accepted", ranges));
	free(ranges);
	xasprintf(&ranges, "Code-Range: a.c:9-11@%s\n", code);
	free(decide(f, 10, "Ten", "accepted", ranges));
	free(ranges);
	xasprintf(&ranges, "Code-Range: a.c:12-13@%s\n", code);
	free(decide(f, 11, "Said no", "rejected", ranges));
	free(ranges);

	/* Reindented lines: edited in place. */
	when("2026-11-28 10:00:00");
	text = lines(1, 20);
	put(f, "a.c", text);
	free(text);
	put_lines_with(f, 20, 10, "    line 10");
	sh(f, "sed -i 's/^line 12$/    line 12/' a.c");
	c2 = commit_by(f, "U", "u@x", "Indent ten and twelve\n");
	when("2026-11-29 10:00:00");
	sh(f, "sed -i 's/^line 4$/    line 4/' a.c");
	free(commit(f, "Indent four\n"));
	when("2026-11-30 10:00:00");
	sh(f, "sed -i 's/^line 5$/    line 5/' a.c");
	c4 = commit_by(f, "U", "u@x", "Indent five\n");

	/* Newest change first; the untouched and the rejected are not
	 * listed. */
	expect_moot(f,
	    "0007  2026-11-30  66% of 3 lines changed, 0 gone, 2 commits by "
	    "2 authors  Use WAL\n"
	    "0010  2026-11-28  33% of 3 lines changed, 0 gone, 1 commit by "
	    "1 author  Ten\n",
	    "decisions", "--stale", NULL, NULL);

	assert_int_equal(run_moot(f, "", &out, &errout, "decisions", "--stale",
	                     "--json", (char *)NULL),
	    0);
	p7 = strstr(out, "{\"id\":\"ADR-0007\"");
	p10 = strstr(out, "{\"id\":\"ADR-0010\"");
	assert_non_null(p7);
	assert_non_null(p10);
	assert_true(p7 < p10);
	assert_null(strstr(out, "ADR-0008"));
	assert_null(strstr(out, "ADR-0011"));
	want =
	    changes_json(3, 2, 0, 66, 2, 2, "1796032800", "2026-11-30", c4, 1);
	assert_non_null(strstr(p7, want));
	free(want);
	want = changes_json(3, 1, 0, 33, 1, 1, T2, "2026-11-28", c2, 1);
	assert_non_null(strstr(p10, want));
	free(want);
	free(out);
	free(errout);

	/* The whole list: the untouched one is not stale. */
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "decisions", "--json", (char *)NULL),
	    0);
	want = changes_json(3, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0);
	assert_non_null(strstr(strstr(out, "{\"id\":\"ADR-0008\""), want));
	free(want);
	free(out);
	free(errout);
	free(code);
	free(c2);
	free(c4);
}

static void
test_show(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *c2, *want;

	when("2026-11-27 10:00:00");
	code = base_repo(f, &decision);
	when("2026-11-28 10:00:00");
	put_lines_with(f, 10, 4, "  line 4");
	c2 = commit(f, "Follow the decision\n\nRefs: ADR-0007\n");

	xasprintf(&want,
	    "ADR-0007  accepted  Use WAL\n"
	    "Record: doc/adr/0007-use-wal.md\n"
	    "Decided: %.12s  2026-11-27  docs(adr): ADR-0007 Use WAL\n"
	    "\n"
	    "    # 7. Use WAL\n"
	    "\n"
	    "    - Status: accepted\n"
	    "    - Date: 2026-11-27\n"
	    "    - Deciders: Alice\n"
	    "\n"
	    "    ## Status\n"
	    "\n"
	    "    accepted\n"
	    "\n"
	    "    ## Context\n"
	    "\n"
	    "    Because.\n"
	    "\n"
	    "Code as decided:\n"
	    "  a.c:3-5@%.12s\n"
	    "Code now:\n"
	    "  a.c:3  carried exactly\n"
	    "  a.c:4  carried through edited lines\n"
	    "  a.c:5  carried exactly\n"
	    "Since decided: 33%% of 3 lines changed, 0 gone, 1 commit by 1 "
	    "author, newest 2026-11-28 (%.12s)\n"
	    "Commits:\n"
	    "  %.12s  2026-11-27  accepted  docs(adr): ADR-0007 Use WAL  (T)\n"
	    "  %.12s  2026-11-28  refs  Follow the decision  (T)\n",
	    decision, code, c2, decision, c2);
	expect_moot(f, want, "show", "ADR-0007", NULL, NULL);
	/* Any spelling of the number; -C from elsewhere. */
	expect_moot(f, want, "show", "adr-7", NULL, NULL);
	expect_moot(f, want, "show", "0007", "-C", f->repo);
	free(want);
	free(code);
	free(decision);
	free(c2);
}

static void
test_show_record(void **state)
{
	struct fixture *f = *state;
	char *c1, *want, *out, *errout;

	/* A record written by hand, with no decision commit, and a commit
	 * that cites it. */
	when("2026-11-28 10:00:00");
	put(f, "doc/adr/0001-hand.md",
	    "# 1. Hand\n\nDate: 2026-11-20\n\n"
	    "## Status\n\nAccepted\n");
	put(f, "a.c", "x\n");
	c1 = commit(f, "Mention it\n\nRefs: #4, ADR-0001\n");
	put(f, "a.c", "y\n");
	free(commit(f, "Unrelated\n\nRefs: ADR-0002\n"));
	xasprintf(&want,
	    "ADR-0001  accepted  Hand\n"
	    "Record: doc/adr/0001-hand.md\n"
	    "Decided: no commit with its Decision-Id\n"
	    "\n"
	    "    # 1. Hand\n"
	    "\n"
	    "    Date: 2026-11-20\n"
	    "\n"
	    "    ## Status\n"
	    "\n"
	    "    Accepted\n"
	    "\n"
	    "Code as decided:\n"
	    "  none\n"
	    "Commits:\n"
	    "  %.12s  2026-11-28  refs  Mention it  (T)\n",
	    c1);
	expect_moot(f, want, "show", "ADR-0001", NULL, NULL);
	free(want);

	/* Unknown: 1; malformed: 2. */
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "show", "ADR-0042", (char *)NULL),
	    1);
	assert_string_equal(out, "");
	assert_string_equal(errout,
	    "moot show: no decision ADR-0042: no record of it, and no commit "
	    "with its Decision-Id\n");
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "show", "ADR-0002", (char *)NULL),
	    1);
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "show", "ADR-x\033", (char *)NULL),
	    2);
	assert_string_equal(out, "");
	assert_string_equal(errout,
	    "moot show: 'ADR-x^[' is not a decision id such as ADR-0007\n"
	    "usage: moot show ADR-NNNN [-C DIR]\n");
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "show", "ADR-0000", (char *)NULL),
	    2);
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "show", " 7", (char *)NULL), 2);
	free(out);
	free(errout);
	assert_int_equal(
	    run_moot(f, "", &out, &errout, "show", (char *)NULL), 2);
	assert_string_equal(errout, "usage: moot show ADR-NNNN [-C DIR]\n");
	free(out);
	free(errout);
	assert_int_equal(run_moot(f, "", &out, &errout, "show", "ADR-0001",
	                     "ADR-0002", (char *)NULL),
	    2);
	free(out);
	free(errout);
	/* Not in a repository. */
	assert_int_equal(
	    run_moot(f, NULL, &out, &errout, "show", "ADR-0001", (char *)NULL),
	    1);
	assert_true(strncmp(errout, "moot show: ", 11) == 0);
	free(out);
	free(errout);
	free(c1);
}

static void
test_trace(void **state)
{
	struct fixture *f = *state;
	char *code, *decision, *c2, *text, *head, *tail, *want;

	when("2026-11-27 10:00:00");
	code = base_repo(f, &decision);
	/* Lines 3-5 of a.c move to a new file. */
	when("2026-11-28 10:00:00");
	head = lines(1, 2);
	tail = lines(6, 10);
	xasprintf(&text, "%s%s", head, tail);
	put(f, "a.c", text);
	put(f, "b.c", "line 3\nline 4\nline 5\n");
	c2 = commit(f, "Move the block to b.c\n");

	xasprintf(&want,
	    "ADR-0007  accepted  Use WAL\n  doc/adr/0007-use-wal.md\n"
	    "  carried through a move from a.c:3-5@%.12s, now lines 1-3\n"
	    "    %.7s decided a.c:3-5\n"
	    "    %.7s moved a.c:3-5 \xe2\x86\x92 b.c:1-3\n",
	    code, decision, c2);
	expect_moot(f, want, "why", "--trace", "b.c:2", NULL);
	free(want);
	/* The same trace in JSON, the arrow as \u2192. */
	{
		char *out, *errout, *t;

		assert_int_equal(run_moot(f, "", &out, &errout, "why", "b.c:2",
		                     "--trace", "--json", (char *)NULL),
		    0);
		xasprintf(&t,
		    "\"trace\":[\"%.7s decided a.c:3-5\",\"%.7s moved a.c:3-5 "
		    "\\u2192 b.c:1-3\"]",
		    decision, c2);
		assert_non_null(strstr(out, t));
		free(t);
		free(out);
		free(errout);
	}
	/* Nothing covers a.c:3 any more. */
	expect_moot(f, "no recorded decision covers a.c:3\n", "why", "--trace",
	    "a.c:3", NULL);
	free(text);
	free(head);
	free(tail);
	free(c2);
	free(code);
	free(decision);
}

/* Is cp something a terminal or a viewer could act on? */
static int
is_active(uint32_t cp)
{
	return cp == UTF8_INVALID || (cp < 0x20 && cp != '\n') ||
	       (cp >= 0x7f && cp < 0xa0) || utf8_invisible(cp);
}

/*
 * Nothing a terminal or a viewer could act on: no C0 control but '\n',
 * no DEL, no C1 control, no code point that reorders or hides text
 * (utf8_invisible), no invalid UTF-8; and none once JSON is decoded:
 * no \uXXXX escape of one.
 */
static void
assert_inert_text(const char *what, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), off, n;
	unsigned long esc;
	uint32_t cp;
	char hex[5];

	for (off = 0; off < len; off += n) {
		n = utf8_decode(p + off, len - off, &cp);
		if (is_active(cp))
			fail_msg("%s: raw U+%04X at byte %zu of:\n%s", what,
			    (unsigned)cp, off, s);
		if (cp == '\\' && off + 5 < len && s[off + 1] == 'u') {
			memcpy(hex, s + off + 2, 4);
			hex[4] = '\0';
			esc = strtoul(hex, NULL, 16);
			if (is_active((uint32_t)esc))
				fail_msg("%s: \\u%s at byte %zu of:\n%s", what,
				    hex, off, s);
		}
		if (cp == '\\' && off + 1 < len)
			n++; /* an escaped character is not an escape */
	}
}

/* Run moot; its output must be inert, and hold "needle" when given. */
static void
expect_inert(struct fixture *f, const char *needle, const char *a1,
    const char *a2, const char *a3)
{
	char *out, *errout, *what;

	assert_int_equal(
	    run_moot(f, "", &out, &errout, a1, a2, a3, (char *)NULL), 0);
	xasprintf(&what, "moot %s %s %s", a1, a2 != NULL ? a2 : "",
	    a2 != NULL && a3 != NULL ? a3 : "");
	assert_inert_text(what, out);
	assert_inert_text(what, errout);
	if (needle != NULL && strstr(out, needle) == NULL)
		fail_msg("%s: no '%s' in:\n%s", what, needle, out);
	free(what);
	free(out);
	free(errout);
}

#define BAD "\033[31m\xc2\x85\xc2\x9b\xe2\x80\xae"
#define BAD_SHOWN "^[[31m<U+0085><U+009B><U+202E>"
#define BAD_JSON "^[[31m<U+0085><U+009B><U+202E>" /* all ASCII */
/* A record loses its control bytes when read (record.c); the rest is
 * shown inert. */
#define BAD_RECORD "[31m<U+0085><U+009B><U+202E>"

static void
test_inert_everywhere(void **state)
{
	struct fixture *f = *state;
	char *text, *code, *ranges, *arg, *c2;

	/* A file, a record title, a commit subject and an author, each
	 * with ESC, C1 controls and a bidi override. */
	when("2026-11-27 10:00:00");
	text = lines(1, 10);
	put(f, "bad" BAD ".c", text);
	free(text);
	code = commit_by(f, "Mal" BAD "lory", "m@x", "Add " BAD "it\n");
	/* Written raw, as anyone who can commit may write a trailer (moot
	 * itself writes it inert). */
	xasprintf(&ranges, "Code-Range: bad" BAD ".c:3-5@%s\n", code);
	free(decide(f, 7, "Use " BAD "WAL", "accepted", ranges));
	free(ranges);
	when("2026-11-28 10:00:00");
	sh(f, "sed -i 's/^line 4$/    line 4/' bad*.c");
	c2 = commit_by(
	    f, "Mal" BAD "lory", "m@x", "Fix " BAD "red\n\nRefs: ADR-0007\n");

	arg = xstrdup("bad" BAD ".c:4");
	expect_inert(f, "Use " BAD_RECORD "WAL", "why", arg, NULL);
	expect_inert(f, "Use " BAD_RECORD "WAL", "why", arg, "--json");
	expect_inert(f, "ADR-0007", "why", arg, "--trace");
	expect_inert(f, "Mal" BAD_SHOWN "lory", "show", "ADR-0007", NULL);
	expect_inert(f, "Fix " BAD_SHOWN "red", "show", "ADR-0007", NULL);
	expect_inert(f, NULL, "decisions", "--stale", NULL);
	expect_inert(f, "Use " BAD_RECORD "WAL", "decisions", "--json", NULL);
	expect_inert(f, NULL, "decisions", "--stale", "--json");
	/* With the engine: the file's name, carried. */
	expect_inert(f, "bad" BAD_SHOWN ".c:3-5", "why", arg, NULL);
	expect_inert(f, "\"path\":\"bad" BAD_JSON ".c\"", "why", arg, "--json");
	expect_inert(f, "bad" BAD_SHOWN ".c:4  carried through edited lines",
	    "show", "ADR-0007", NULL);
	expect_inert(f, "Use " BAD_RECORD "WAL", "decisions", "--stale", NULL);
	free(arg);
	free(code);
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
	    cmocka_unit_test_setup_teardown(test_json_why, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_json_refs, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_json_decisions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stale, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_show, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_show_record, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trace, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_inert_everywhere, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
