/* test-git.c: unit tests for reading HEAD and making commits (repo-git.c).
 * Each case builds a real repository with the git CLI and checks with it. */
#include "moot.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "job.h"
#include "loop.h"
#include "repo.h"

/* The git CLI with an identity, for commits made by the tests. */
#define GITC "git -c user.name=T -c user.email=t@x"

/* The temporary HOME of the whole run; each case has its own repository. */
static char *test_home;

struct fx {
	char *dir; /* the working tree, no trailing slash */
	struct repo *r;
};

/* Run a shell command in the repository; its exit status. */
static int
run(struct fx *f, const char *fmt, ...)
{
	va_list ap;
	char *cmd, *full;
	int status;

	va_start(ap, fmt);
	xvasprintf(&cmd, fmt, ap);
	va_end(ap);
	xasprintf(&full, "cd '%s' && (%s) >/dev/null 2>&1", f->dir, cmd);
	status = system(full);
	free(full);
	free(cmd);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Run a command that must succeed. */
#define MUST(f, ...) assert_int_equal(run(f, __VA_ARGS__), 0)

/* The standard output of a shell command run in the repository. */
static char *
capture(struct fx *f, const char *fmt, ...)
{
	va_list ap;
	char *cmd, *full, *out;
	size_t used = 0, n;
	FILE *p;

	va_start(ap, fmt);
	xvasprintf(&cmd, fmt, ap);
	va_end(ap);
	xasprintf(&full, "cd '%s' && %s 2>/dev/null", f->dir, cmd);
	p = popen(full, "r");
	assert_non_null(p);
	out = xmalloc(65536);
	while ((n = fread(out + used, 1, 65535 - used, p)) > 0)
		used += n;
	out[used] = '\0';
	pclose(p);
	free(full);
	free(cmd);
	return out;
}

/* Assert that a command prints exactly want. */
static void
expect_output(struct fx *f, const char *want, const char *cmd)
{
	char *got = capture(f, "%s", cmd);

	assert_string_equal(got, want);
	free(got);
}

static void
write_file(struct fx *f, const char *path, const char *text)
{
	char *full;
	FILE *fp;

	xasprintf(&full, "%s/%s", f->dir, path);
	fp = fopen(full, "w");
	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	free(full);
}

/* HEAD's full id by the CLI, or "" when there is none. */
static char *
cli_head(struct fx *f)
{
	char *s = capture(f, "git rev-parse -q --verify HEAD");
	size_t len = strlen(s);

	if (len > 0 && s[len - 1] == '\n')
		s[len - 1] = '\0';
	return s;
}

/*
 * repo_commit_prepare, the hook, repo_commit_finish: as the daemon does it,
 * the hook run as a job of an event loop (with SIGCHLD handed to
 * job_reaped), every hook run, in the working tree or not (that choice is
 * the daemon's). What prepare found is kept in last_prep for the tests.
 */
static struct loop *test_loop;
static int test_sig[2] = {-1, -1};
static struct {
	int hook; /* there was a hook */
	int in_tree;
	char shown[1024];
} last_prep;
struct test_ran {
	struct repo_hook_run ran;
	char out[JOB_OUTPUT_MAX];
};

static void
test_on_signal(int sig)
{
	if (write(test_sig[1], "c", 1) == -1) {
		/* a wake-up is already pending */
	}
}

static void
test_reap(int fd, int events, void *arg)
{
	char buf[64];
	pid_t pid;
	int status;

	if (read(fd, buf, sizeof buf) == -1) {
		/* nothing to read: reap anyway */
	}
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		job_reaped(pid, status);
}

static void
test_hook_done(const struct job_result *jr, void *arg)
{
	struct test_ran *tr = arg;

	tr->ran.status = jr->status;
	tr->ran.late = jr->late;
	memcpy(tr->out, jr->out, jr->outlen);
	tr->ran.out = tr->out;
	tr->ran.outlen = jr->outlen;
	loop_stop(test_loop);
}

static int
repo_commit(
    struct repo *r, const struct repo_commit *c, char id[41], char **err)
{
	struct repo_prep *p;
	struct test_ran tr;
	int rc;

	id[0] = '\0';
	memset(&last_prep, 0, sizeof last_prep);
	if ((rc = repo_commit_prepare(r, c, &p, err)) != 0)
		return rc;
	if (p->hook == NULL) {
		rc = repo_commit_finish(r, p, NULL, id, err);
		repo_prep_free(p);
		return rc;
	}
	last_prep.hook = 1;
	last_prep.in_tree = p->hook_in_tree;
	snprintf(last_prep.shown, sizeof last_prep.shown, "%s", p->hook_shown);

	memset(&tr, 0, sizeof tr);
	test_loop = loop_create();
	loop_add(test_loop, test_sig[0], LOOP_READ, test_reap, NULL);
	if (job_run(test_loop, p->hook_argv, r->workdir, p->hook_env,
	        REPO_HOOK_SECONDS * 1000, test_hook_done, &tr, err) == NULL)
		fail_msg("job_run: %s", *err);
	loop_run(test_loop);
	loop_free(test_loop);
	test_loop = NULL;
	rc = repo_commit_finish(r, p, &tr.ran, id, err);
	repo_prep_free(p);
	return rc;
}

/* Make a commit of paths (NULL-terminated) as Ann. */
static int
commit(struct fx *f, const char *const *paths, const char *message,
    const char *expect, char id[41], char **err)
{
	struct repo_commit c;
	size_t n = 0;

	while (paths[n] != NULL)
		n++;
	memset(&c, 0, sizeof c);
	c.paths = paths;
	c.npaths = n;
	c.name = "Ann Example";
	c.email = "ann@example.org";
	c.message = message;
	c.expect = expect;
	return repo_commit(f->r, &c, id, err);
}

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	char *err = NULL;

	xasprintf(&f->dir, "%s/repo-XXXXXX", test_home);
	assert_non_null(mkdtemp(f->dir));
	MUST(f, "git init -q -b main");
	f->r = repo_open(f->dir, &err);
	assert_null(err);
	assert_non_null(f->r);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char *cmd;

	repo_free(f->r);
	xasprintf(&cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f->dir);
	free(f);
	return 0;
}

/* A repository with one commit of a.txt and b.txt made by the CLI. */
static void
base_commit(struct fx *f)
{
	write_file(f, "a.txt", "a1\n");
	write_file(f, "b.txt", "b1\n");
	MUST(f, "git add a.txt b.txt && " GITC " commit -q -m base");
}

static void
test_first_commit(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	struct repo_head h;
	char id[41], *err = NULL, *head;

	assert_int_equal(repo_head(f->r, &h, &err), 0);
	assert_null(err);
	assert_int_equal(h.unborn, 1);
	assert_int_equal(h.detached, 0);
	assert_string_equal(h.id, "");
	assert_string_equal(h.branch, "main");
	repo_head_clear(&h);

	write_file(f, "a.txt", "hello\n");
	assert_int_equal(commit(f, paths, "First\n\nBody.", "", id, &err), 0);
	assert_null(err);
	assert_int_equal(strlen(id), 40);
	head = cli_head(f);
	assert_string_equal(head, id);
	free(head);
	expect_output(f, "First\n\nBody.\n\n", "git log --format=%B");
	expect_output(f, "\n", "git log -1 --format=%P");
	expect_output(f, "a.txt\n", "git show --name-only --format= HEAD");
	expect_output(f, "", "git status --porcelain");
	expect_output(f, "commit (initial): First\n",
	    "git reflog -1 --format=%gs refs/heads/main");
	expect_output(f, "hello\n", "git show HEAD:a.txt");

	assert_int_equal(repo_head(f->r, &h, &err), 0);
	assert_int_equal(h.unborn, 0);
	assert_int_equal(h.detached, 0);
	assert_string_equal(h.id, id);
	assert_string_equal(h.branch, "main");
	repo_head_clear(&h);
}

static void
test_commit_on_top(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	char id[41], *err = NULL, *old, *parent, *head;

	base_commit(f);
	old = cli_head(f);
	write_file(f, "a.txt", "a2\n");
	assert_int_equal(commit(f, paths, "Second", old, id, &err), 0);
	assert_null(err);
	head = cli_head(f);
	assert_string_equal(head, id);
	parent = capture(f, "git log -1 --format=%%P");
	assert_int_equal(strncmp(parent, old, 40), 0);
	expect_output(f, "Second\nbase\n", "git log --format=%s");
	expect_output(f, "commit: Second\n",
	    "git reflog -1 --format=%gs refs/heads/main");
	expect_output(f, "commit: Second\n", "git reflog -1 --format=%gs HEAD");
	expect_output(f, "Ann Example <ann@example.org>\n",
	    "git reflog -1 --format='%gn <%ge>' HEAD");
	expect_output(f, "a2\n", "git show HEAD:a.txt");
	expect_output(f, "", "git status --porcelain");
	free(parent);
	free(head);
	free(old);
}

static void
test_only_given_path(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	char id[41], *err = NULL;

	base_commit(f);
	write_file(f, "c.txt", "c1\n");
	MUST(f, "git add c.txt && " GITC " commit -q -m c");
	write_file(f, "a.txt", "a2\n");
	write_file(f, "b.txt", "b2 staged\n");
	write_file(f, "d.txt", "d new\n");
	MUST(f, "git add b.txt d.txt");
	write_file(f, "c.txt", "c2 not staged\n");

	assert_int_equal(commit(f, paths, "Only a", NULL, id, &err), 0);
	assert_null(err);
	expect_output(f, "a.txt\n", "git show --name-only --format= HEAD");
	expect_output(f,
	    " a.txt | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n",
	    "git show --stat --format= HEAD");
	/* The others are as they were: staged, modified, added. */
	expect_output(
	    f, "M  b.txt\n M c.txt\nA  d.txt\n", "git status --porcelain");
	expect_output(f, "b1\n", "git show HEAD:b.txt");
	expect_output(f, "b2 staged\n", "git show :b.txt");
	expect_output(f, "c1\n", "git show :c.txt");
	expect_output(f, "a2\n", "git show :a.txt");
	assert_int_equal(run(f, "git cat-file -e HEAD:d.txt"), 128);
}

static void
test_mode_new_and_removed(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"run.sh", "b.txt", "sub/dir/new.txt", NULL};
	const char *again[] = {"sub/dir/new.txt", NULL};
	char id[41], *err = NULL, *tree;

	base_commit(f);
	write_file(f, "run.sh", "#!/bin/sh\necho hi\n");
	MUST(f, "chmod 755 run.sh && mkdir -p sub/dir && rm b.txt");
	write_file(f, "sub/dir/new.txt", "new\n");

	assert_int_equal(commit(f, paths, "Mixed", NULL, id, &err), 0);
	assert_null(err);
	tree = capture(f, "git ls-tree -r --format='%%(objectmode) %%(path)' "
	                  "HEAD");
	assert_string_equal(tree, "100644 a.txt\n100755 run.sh\n"
	                          "100644 sub/dir/new.txt\n");
	free(tree);
	expect_output(f, "", "git status --porcelain");

	/* Removing the last file of a directory removes the directory. */
	MUST(f, "rm -r sub");
	assert_int_equal(commit(f, again, "Gone", NULL, id, &err), 0);
	assert_null(err);
	expect_output(f, "a.txt\nrun.sh\n", "git ls-tree --name-only HEAD");
	expect_output(
	    f, "D\tsub/dir/new.txt\n", "git show --name-status --format= HEAD");
	expect_output(f, "", "git status --porcelain");
}

static void
test_author(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	char id[41], *err = NULL;

	base_commit(f);
	write_file(f, "a.txt", "by ann\n");
	assert_int_equal(commit(f, paths, "  Ann's change  \n\n\n\nBody  \n",
	                     NULL, id, &err),
	    0);
	assert_null(err);
	expect_output(f,
	    "Ann Example <ann@example.org>|"
	    "Ann Example <ann@example.org>\n",
	    "git log -1 --format='%an <%ae>|%cn <%ce>'");
	/* Cleaned up like git: trailing spaces, extra blank lines. */
	expect_output(f, "  Ann's change\n\nBody\n",
	    "git cat-file commit HEAD | sed '1,/^$/d'");
}

static void
test_detached(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	struct repo_head h;
	char id[41], *err = NULL, *before, *head, *main_now;

	base_commit(f);
	before = cli_head(f);
	MUST(f, "git checkout -q --detach");
	assert_int_equal(repo_head(f->r, &h, &err), 0);
	assert_int_equal(h.detached, 1);
	assert_int_equal(h.unborn, 0);
	assert_null(h.branch);
	assert_string_equal(h.id, before);
	repo_head_clear(&h);

	write_file(f, "a.txt", "detached\n");
	assert_int_equal(commit(f, paths, "Detached", before, id, &err), 0);
	assert_null(err);
	head = cli_head(f);
	assert_string_equal(head, id);
	main_now = capture(f, "git rev-parse main");
	assert_int_equal(strncmp(main_now, before, 40), 0);
	assert_int_not_equal(run(f, "git symbolic-ref -q HEAD"), 0);
	expect_output(
	    f, "commit: Detached\n", "git reflog -1 --format=%gs HEAD");
	expect_output(f, "", "git status --porcelain");
	free(main_now);
	free(head);
	free(before);
}

static void
test_moved(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	char id[41], *err = NULL, *old, *head;

	/* Unborn, but the caller saw a commit. */
	write_file(f, "a.txt", "x\n");
	assert_int_equal(commit(f, paths, "No",
	                     "0123456789abcdef0123456789"
	                     "abcdef01234567",
	                     id, &err),
	    REPO_MOVED);
	assert_null(err);
	assert_string_equal(id, "");
	expect_output(f, "?? a.txt\n", "git status --porcelain");

	base_commit(f);
	old = cli_head(f);
	MUST(f, GITC " commit -q --allow-empty -m other");
	write_file(f, "a.txt", "a2\n");
	assert_int_equal(commit(f, paths, "Stale", old, id, &err), REPO_MOVED);
	assert_null(err);
	/* The caller saw an unborn HEAD. */
	assert_int_equal(commit(f, paths, "Stale", "", id, &err), REPO_MOVED);
	assert_null(err);
	expect_output(f, "other\nbase\n", "git log --format=%s");
	expect_output(f, " M a.txt\n", "git status --porcelain");
	head = cli_head(f);
	assert_string_not_equal(head, old);
	free(head);
	free(old);
}

static void
test_merge_in_progress(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"b.txt", NULL};
	char id[41], *err = NULL, *busy, *before, *head;

	base_commit(f);
	MUST(f, "git checkout -q -b other && echo theirs > a.txt && " GITC
	        " commit -q -am theirs && git checkout -q main && "
	        "echo ours > a.txt && " GITC " commit -q -am ours");
	assert_int_not_equal(run(f, GITC " merge other"), 0);
	before = cli_head(f);

	busy = repo_busy(f->r);
	assert_non_null(busy);
	assert_string_equal(busy, "a merge is in progress (finish it or run "
	                          "git merge --abort)");
	free(busy);
	write_file(f, "b.txt", "b2\n");
	assert_int_equal(commit(f, paths, "During merge", NULL, id, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "merge"));
	free(err);
	head = cli_head(f);
	assert_string_equal(head, before);
	expect_output(f, "UU a.txt\n M b.txt\n", "git status --porcelain");

	MUST(f, "git merge --abort");
	assert_null(repo_busy(f->r));
	free(head);
	free(before);
}

static void
test_rebase_in_progress(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	char id[41], *err = NULL, *busy, *before, *head;

	base_commit(f);
	write_file(f, "a.txt", "a2\n");
	MUST(f, GITC " commit -q -am second");
	MUST(f, "GIT_SEQUENCE_EDITOR=\"sed -i 1s/^pick/edit/\" " GITC
	        " rebase -q -i HEAD~1");
	before = cli_head(f);

	busy = repo_busy(f->r);
	assert_non_null(busy);
	assert_string_equal(busy, "a rebase is in progress (finish it with git "
	                          "rebase --continue or run git rebase "
	                          "--abort)");
	free(busy);
	write_file(f, "a.txt", "a3\n");
	assert_int_equal(commit(f, paths, "During rebase", NULL, id, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "rebase"));
	free(err);
	head = cli_head(f);
	assert_string_equal(head, before);
	MUST(f, "git checkout -q a.txt && git rebase --abort");
	free(head);
	free(before);
}

static void
test_index_lock(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	char id[41], *err = NULL, *busy, *before, *head;

	base_commit(f);
	before = cli_head(f);
	MUST(f, "touch .git/index.lock");
	busy = repo_busy(f->r);
	assert_non_null(busy);
	assert_non_null(strstr(busy, ".git/index.lock"));
	free(busy);

	write_file(f, "a.txt", "a2\n");
	assert_int_equal(commit(f, paths, "Locked", NULL, id, &err), -1);
	assert_string_equal(err, "another git process holds .git/index.lock; "
	                         "try again when it finishes (or remove the "
	                         "file if no git is running)");
	free(err);
	err = NULL;
	head = cli_head(f);
	assert_string_equal(head, before);
	free(head);

	/* Once the lock is gone, the same commit works. */
	MUST(f, "rm .git/index.lock");
	assert_int_equal(commit(f, paths, "Unlocked", before, id, &err), 0);
	assert_null(err);
	expect_output(f, "Unlocked\nbase\n", "git log --format=%s");
	free(before);
}

static void
test_hook_appends(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	char id[41], *err = NULL, *want, *msg;

	base_commit(f);
	MUST(f, "printf '%%s\\n' '#!/bin/sh' "
	        "'test -t 0 && exit 3' "
	        "'printf \"\\nTicket: 42\\nDir: %%s\\nGit: %%s\\n\" "
	        "\"$(pwd -P)\" \"$GIT_DIR\" >> \"$1\"' "
	        "> .git/hooks/commit-msg && chmod +x .git/hooks/commit-msg");
	write_file(f, "a.txt", "a2\n");
	assert_int_equal(commit(f, paths, "Hooked", NULL, id, &err), 0);
	assert_null(err);
	assert_int_equal(last_prep.hook, 1);
	assert_int_equal(last_prep.in_tree, 0);
	assert_string_equal(last_prep.shown, ".git/hooks/commit-msg");
	xasprintf(&want, "Hooked\n\nTicket: 42\nDir: %s\nGit: %s/.git\n",
	    f->dir, f->dir);
	msg = capture(f, "git log -1 --format=%%B");
	/* git log adds one newline after the body. */
	assert_int_equal(strncmp(msg, want, strlen(want)), 0);
	assert_string_equal(msg + strlen(want), "\n");
	expect_output(
	    f, "Hooked\n\nTicket: 42\n", "head -3 .git/COMMIT_EDITMSG");
	free(msg);
	free(want);
}

static void
test_hook_refuses(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	char id[41], *err = NULL, *before, *head;

	base_commit(f);
	before = cli_head(f);
	MUST(f, "printf '#!/bin/sh\\necho \"  no ticket\"\\nexit 1\\n' "
	        "> .git/hooks/commit-msg && chmod +x .git/hooks/commit-msg");
	write_file(f, "a.txt", "a2\n");
	assert_int_equal(commit(f, paths, "Refused", NULL, id, &err), -1);
	assert_string_equal(
	    err, "commit-msg hook refused the commit: no ticket");
	free(err);
	head = cli_head(f);
	assert_string_equal(head, before);
	expect_output(f, "base\n", "git log --format=%s");
	expect_output(f, " M a.txt\n", "git status --porcelain");
	free(head);
	free(before);
}

static void
test_hooks_path(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	char id[41], *err = NULL;

	base_commit(f);
	/* A hook that is not executable is ignored, as git does. */
	MUST(f, "printf '#!/bin/sh\\nexit 1\\n' > .git/hooks/commit-msg");
	write_file(f, "a.txt", "a2\n");
	assert_int_equal(commit(f, paths, "Plain", NULL, id, &err), 0);
	assert_null(err);

	/* core.hooksPath, relative to the working tree, replaces .git/hooks;
	 * the hook's standard error is what it said. */
	MUST(f, "chmod +x .git/hooks/commit-msg && mkdir hooks && "
	        "printf '#!/bin/sh\\necho \"bad: $(head -1 \"$1\")\" >&2\\n"
	        "exit 2\\n' > hooks/commit-msg && chmod +x hooks/commit-msg && "
	        "git config core.hooksPath hooks");
	write_file(f, "a.txt", "a3\n");
	assert_int_equal(commit(f, paths, "Subject", NULL, id, &err), -1);
	assert_string_equal(
	    err, "commit-msg hook refused the commit: bad: Subject");
	free(err);
	err = NULL;
	/* It lives in the working tree: the daemon runs it only if told. */
	assert_int_equal(last_prep.in_tree, 1);
	assert_string_equal(last_prep.shown, "hooks/commit-msg");

	/* A script without #! runs with sh, and one that says nothing. */
	MUST(f, "printf 'exit 5\\n' > hooks/commit-msg");
	assert_int_equal(commit(f, paths, "Subject", NULL, id, &err), -1);
	assert_string_equal(err, "commit-msg hook refused the commit: it "
	                         "exited with status 5 and said nothing");
	free(err);
	expect_output(f, "Plain\nbase\n", "git log --format=%s");
}

/* What prepare says of the hook at dir/commit-msg with core.hooksPath set
 * to hooks_path (NULL: unset). */
static void
expect_hook(
    struct fx *f, const char *hooks_path, int in_tree, const char *shown)
{
	const char *paths[] = {"a.txt", NULL};
	struct repo_commit c;
	struct repo_prep *p;
	char *err = NULL;

	if (hooks_path != NULL)
		MUST(f, "git config core.hooksPath '%s'", hooks_path);
	else
		MUST(f, "git config --unset-all core.hooksPath || true");
	memset(&c, 0, sizeof c);
	c.paths = paths;
	c.npaths = 1;
	c.name = "Ann Example";
	c.email = "ann@example.org";
	c.message = "Where";
	assert_int_equal(repo_commit_prepare(f->r, &c, &p, &err), 0);
	assert_null(err);
	if (shown == NULL) {
		assert_null(p->hook);
	} else {
		assert_non_null(p->hook);
		if (p->hook_in_tree != in_tree || strcmp(p->hook_shown, shown))
			fail_msg("core.hooksPath %s: in tree %d, shown %s; "
			         "expected %d, %s",
			    hooks_path != NULL ? hooks_path : "unset",
			    p->hook_in_tree, p->hook_shown, in_tree, shown);
	}
	repo_prep_free(p);
}

/* Whether the hook lives in the working tree is found for real: through
 * "..", symlinks and absolute paths. */
static void
test_hook_in_tree(void **state)
{
	struct fx *f = *state;
	char *out, *abs, *shown;

	base_commit(f);
	out = xstrdup(f->dir);
	*strrchr(out, '/') = '\0';
	xasprintf(&abs, "%s/outside-%s", out, strrchr(f->dir, '/') + 1);
	free(out);
	MUST(f,
	    "mkdir -p hooks sub '%s' && "
	    "printf '#!/bin/sh\\n' > hooks/commit-msg && "
	    "cp hooks/commit-msg .git/hooks/commit-msg && "
	    "cp hooks/commit-msg '%s/commit-msg' && cp hooks/commit-msg . "
	    "&& chmod +x hooks/commit-msg .git/hooks/commit-msg "
	    "'%s/commit-msg' commit-msg && "
	    "ln -s hooks inlink && ln -s '%s' outlink",
	    abs, abs, abs, abs);

	expect_hook(f, NULL, 0, ".git/hooks/commit-msg");
	expect_hook(f, "hooks", 1, "hooks/commit-msg");
	expect_hook(f, "./sub/../hooks/", 1, "hooks/commit-msg");
	expect_hook(f, ".", 1, "commit-msg");
	expect_hook(f, "inlink", 1, "hooks/commit-msg");
	xasprintf(&out, "%s/hooks", f->dir);
	expect_hook(f, out, 1, "hooks/commit-msg");
	free(out);
	/* Outside: absolute, by "..", or through a symlink in the tree. */
	xasprintf(&out, "%s/commit-msg", abs);
	expect_hook(f, abs, 0, out);
	free(out);
	xasprintf(&out, "../%s", strrchr(abs, '/') + 1);
	xasprintf(&shown, "%s/commit-msg", out);
	expect_hook(f, out, 0, shown);
	free(shown);
	free(out);
	expect_hook(f, "outlink", 0, "outlink/commit-msg");
	/* The git directory is not the working tree... */
	xasprintf(&out, "%s/.git/hooks", f->dir);
	expect_hook(f, out, 0, ".git/hooks/commit-msg");
	free(out);
	/* ...unless its hook is a symlink into the tree. */
	MUST(f, "rm .git/hooks/commit-msg && "
	        "ln -s ../../hooks/commit-msg .git/hooks/commit-msg");
	expect_hook(f, NULL, 1, "hooks/commit-msg");
	MUST(f, "rm -r '%s'", abs);
	free(abs);
}

/* The hook gets a minimal environment, /dev/null as input, no descriptor
 * of ours, and a process group of its own. */
static void
test_hook_env(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	char id[41], *err = NULL, *env, *want, *got;
	int fd;

	base_commit(f);
	/* Something of ours it must not see: a variable and a descriptor. */
	setenv("MOOT_TEST_SECRET", "daemon-only", 1);
	fd = open("/dev/null", O_RDONLY);
	assert_true(fd > 2);
	MUST(f,
	    "printf '%%s\\n' '#!/bin/sh' "
	    "'env > .git/hook-env' "
	    "'readlink /proc/$$/fd/0 > .git/hook-in' "
	    "'test -e /proc/$$/fd/%d && echo open > .git/hook-fd' "
	    "'set -- $(cat /proc/$$/stat); test \"$5\" = $$ && "
	    "echo own > .git/hook-pgrp' "
	    "'exit 0' > .git/hooks/commit-msg && "
	    "chmod +x .git/hooks/commit-msg",
	    fd);
	write_file(f, "a.txt", "a2\n");
	assert_int_equal(commit(f, paths, "Env", NULL, id, &err), 0);
	assert_null(err);
	close(fd);
	unsetenv("MOOT_TEST_SECRET");

	/* Only what the shell adds itself (PWD, SHLVL, _) beyond ours. */
	env = capture(f, "grep -v '^PWD=\\|^SHLVL=\\|^_=\\|^OLDPWD=' "
	                 ".git/hook-env | sort");
	xasprintf(&want,
	    "GIT_DIR=%s/.git\nHOME=%s\nLANG=%s\n"
	    "PATH=/usr/local/bin:/usr/bin:/bin\n",
	    f->dir, test_home,
	    getenv("LANG") != NULL && *getenv("LANG") != '\0' ? getenv("LANG")
	                                                      : "C.UTF-8");
	assert_string_equal(env, want);
	free(want);
	free(env);
	expect_output(f, "/dev/null\n", "cat .git/hook-in");
	assert_int_not_equal(run(f, "test -e .git/hook-fd"), 0);
	expect_output(f, "own\n", "cat .git/hook-pgrp");
	got = capture(f, "git log -1 --format=%%s");
	assert_string_equal(got, "Env\n");
	free(got);
}

/* Is pid gone (or a zombie waiting for init)? Waits up to 5 s. */
static int
gone(pid_t pid)
{
	char *path, *stat;
	int i, dead = 0;
	FILE *fp;

	xasprintf(&path, "/proc/%ld/stat", (long)pid);
	for (i = 0; i < 100 && !dead; i++) {
		stat = xcalloc(1, 512);
		if ((fp = fopen(path, "r")) == NULL)
			dead = 1;
		else {
			if (fgets(stat, 512, fp) != NULL &&
			    strstr(stat, ") Z ") != NULL)
				dead = 1;
			fclose(fp);
		}
		free(stat);
		if (!dead)
			usleep(50 * 1000);
	}
	free(path);
	return dead;
}

/* A hook that does not finish is killed at the time limit with what it
 * started, and refuses the commit. (The job's limit is an argument: here
 * it is short; the daemon gives REPO_HOOK_SECONDS.) */
static void
test_hook_late(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	struct repo_commit c;
	struct repo_prep *p;
	struct test_ran tr;
	char id[41], *err = NULL, *bg, *want;

	base_commit(f);
	MUST(f, "printf '%%s\\n' '#!/bin/sh' 'sleep 60 &' 'echo $! > "
	        ".git/bg.pid' 'echo waiting' 'wait' "
	        "> .git/hooks/commit-msg && chmod +x .git/hooks/commit-msg");
	write_file(f, "a.txt", "a2\n");
	memset(&c, 0, sizeof c);
	c.paths = paths;
	c.npaths = 1;
	c.name = "Ann Example";
	c.email = "ann@example.org";
	c.message = "Late";
	assert_int_equal(repo_commit_prepare(f->r, &c, &p, &err), 0);
	memset(&tr, 0, sizeof tr);
	test_loop = loop_create();
	loop_add(test_loop, test_sig[0], LOOP_READ, test_reap, NULL);
	assert_non_null(job_run(test_loop, p->hook_argv, f->r->workdir,
	    p->hook_env, 500, test_hook_done, &tr, &err));
	loop_run(test_loop);
	loop_free(test_loop);
	test_loop = NULL;
	assert_int_equal(tr.ran.late, 1);
	assert_true(WIFSIGNALED(tr.ran.status));
	assert_int_equal(WTERMSIG(tr.ran.status), SIGKILL);
	assert_int_equal(tr.ran.outlen, strlen("waiting\n"));
	assert_int_equal(repo_commit_finish(f->r, p, &tr.ran, id, &err), -1);
	xasprintf(&want,
	    "commit-msg hook refused the commit: it did not finish within %d "
	    "seconds and was stopped",
	    REPO_HOOK_SECONDS);
	assert_string_equal(err, want);
	free(want);
	free(err);
	repo_prep_free(p);
	/* What it started went with it. */
	bg = capture(f, "cat .git/bg.pid");
	assert_true(atoi(bg) > 0);
	assert_true(gone((pid_t)atoi(bg)));
	free(bg);
	expect_output(f, "base\n", "git log --format=%s");
}

/* Only the first JOB_OUTPUT_MAX bytes of what a hook says are kept, and a
 * hook saying much more is not held up by a full pipe. */
static void
test_hook_output_bounded(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	char id[41], *err = NULL;
	size_t i;

	base_commit(f);
	MUST(f, "printf '%%s\\n' '#!/bin/sh' "
	        "'head -c 1000000 /dev/zero | tr \"\\\\0\" x' 'exit 1' "
	        "> .git/hooks/commit-msg && chmod +x .git/hooks/commit-msg");
	write_file(f, "a.txt", "a2\n");
	assert_int_equal(commit(f, paths, "Loud", NULL, id, &err), -1);
	assert_int_equal(strncmp(err, "commit-msg hook refused the commit: ",
	                     strlen("commit-msg hook refused the commit: ")),
	    0);
	assert_int_equal(strlen(err),
	    strlen("commit-msg hook refused the commit: ") + REPO_HOOK_OUTPUT);
	for (i = strlen("commit-msg hook refused the commit: "); err[i] != '\0';
	     i++)
		assert_int_equal(err[i], 'x');
	free(err);
	expect_output(f, "base\n", "git log --format=%s");
}

static void
test_hook_moves_head(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	char id[41], *err = NULL, *before;

	base_commit(f);
	before = cli_head(f);
	/* The hook commits behind the caller's back (with plumbing, which
	 * leaves COMMIT_EDITMSG alone). */
	MUST(f, "printf '#!/bin/sh\\nc=$(" GITC " commit-tree -p HEAD -m race "
	        "HEAD^{tree}) && git update-ref HEAD $c\\n' "
	        "> .git/hooks/commit-msg && "
	        "chmod +x .git/hooks/commit-msg");
	write_file(f, "a.txt", "a2\n");
	assert_int_equal(
	    commit(f, paths, "Mine", before, id, &err), REPO_MOVED);
	assert_null(err);
	expect_output(f, "race\nbase\n", "git log --format=%s");
	expect_output(f, " M a.txt\n", "git status --porcelain");

	/* Without expect, it builds on whatever HEAD is after the hook
	 * (which commits once more). */
	assert_int_equal(commit(f, paths, "Mine", NULL, id, &err), 0);
	assert_null(err);
	expect_output(f, "Mine\nrace\nrace\nbase\n", "git log --format=%s");
	expect_output(f, "", "git status --porcelain");
	free(before);
}

static void
test_no_email(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", NULL};
	struct repo_commit c;
	char id[41], *err = NULL;

	base_commit(f);
	write_file(f, "a.txt", "a2\n");
	memset(&c, 0, sizeof c);
	c.paths = paths;
	c.npaths = 1;
	c.name = "Bob";
	c.email = "";
	c.message = "No email";
	assert_int_equal(repo_commit(f->r, &c, id, &err), -1);
	assert_non_null(err);
	assert_int_equal(strncmp(err, "Bob has no email: ", 18), 0);
	free(err);
	c.email = NULL;
	assert_int_equal(repo_commit(f->r, &c, id, &err), -1);
	assert_int_equal(strncmp(err, "Bob has no email: ", 18), 0);
	free(err);
	expect_output(f, "base\n", "git log --format=%s");
	expect_output(f, " M a.txt\n", "git status --porcelain");
}

static void
test_refusals(void **state)
{
	struct fx *f = *state;
	const char *same[] = {"a.txt", NULL};
	const char *escape[] = {"../x", NULL};
	const char *gitdir[] = {".git/config", NULL};
	const char *dir[] = {"sub", NULL};
	const char *link[] = {"ln/a.txt", NULL};
	char id[41], *err = NULL;

	base_commit(f);
	assert_int_equal(commit(f, same, "Same", NULL, id, &err), -1);
	assert_string_equal(
	    err, "nothing to commit: a.txt is the same as in the last commit");
	free(err);
	write_file(f, "a.txt", "a2\n");
	assert_int_equal(commit(f, same, " \n\n", NULL, id, &err), -1);
	assert_string_equal(err, "the commit message is empty");
	free(err);
	assert_int_equal(commit(f, escape, "Out", NULL, id, &err), -1);
	assert_string_equal(err, "../x is not a file of the working tree");
	free(err);
	assert_int_equal(commit(f, gitdir, "Git", NULL, id, &err), -1);
	assert_non_null(err);
	free(err);
	MUST(f, "mkdir sub && ln -s sub ln && echo x > sub/a.txt");
	assert_int_equal(commit(f, dir, "Dir", NULL, id, &err), -1);
	assert_string_equal(err, "sub is a directory, not a file");
	free(err);
	assert_int_equal(commit(f, link, "Link", NULL, id, &err), -1);
	assert_string_equal(err, "ln/a.txt is beyond a symbolic link");
	free(err);
	expect_output(f, "base\n", "git log --format=%s");
	expect_output(
	    f, " M a.txt\n?? ln\n?? sub/\n", "git status --porcelain");
}

static void
test_two_paths(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"a.txt", "docs/adr/0001-x.md", "a.txt", NULL};
	char id[41], *err = NULL;

	base_commit(f);
	MUST(f, "mkdir -p docs/adr");
	write_file(f, "a.txt", "a2\n");
	write_file(f, "docs/adr/0001-x.md", "# 1. X\n");
	assert_int_equal(commit(f, paths, "Two", NULL, id, &err), 0);
	assert_null(err);
	expect_output(f, "a.txt\ndocs/adr/0001-x.md\n",
	    "git show --name-only --format= HEAD");
	expect_output(f,
	    " a.txt              | 2 +-\n"
	    " docs/adr/0001-x.md | 1 +\n"
	    " 2 files changed, 2 insertions(+), 1 deletion(-)\n",
	    "git show --stat --format= HEAD");
	expect_output(f, "", "git status --porcelain");
}

static void
test_head_file_and_dir(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {"docs/adr/0002-b.md", "docs/adr/0001-a.md",
	    "docs/adr/sub/x.md", "docs/adr/bin", NULL};
	char id[41], *err = NULL, *bytes, **names;
	size_t len = 99, n = 99, i;

	/* Unborn: nothing, and no error. */
	bytes = repo_head_file(f->r, "a.txt", &len, &err);
	assert_null(bytes);
	assert_null(err);
	assert_int_equal(len, 0);
	names = repo_head_dir(f->r, "", &n);
	assert_null(names);
	assert_int_equal(n, 0);

	MUST(f, "mkdir -p docs/adr/sub");
	write_file(f, "docs/adr/0002-b.md", "two\n");
	write_file(f, "docs/adr/0001-a.md", "one\n");
	write_file(f, "docs/adr/sub/x.md", "x\n");
	MUST(f, "printf 'a\\000b' > docs/adr/bin");
	assert_int_equal(commit(f, paths, "Records", "", id, &err), 0);
	assert_null(err);

	bytes = repo_head_file(f->r, "docs/adr/0001-a.md", &len, &err);
	assert_null(err);
	assert_non_null(bytes);
	assert_int_equal(len, 4);
	assert_string_equal(bytes, "one\n");
	free(bytes);
	bytes = repo_head_file(f->r, "docs/adr/bin", &len, &err);
	assert_int_equal(len, 3);
	assert_memory_equal(bytes, "a\0b", 3);
	free(bytes);
	/* Missing, and a directory: no file, no error. */
	assert_null(repo_head_file(f->r, "docs/adr/0003-c.md", &len, &err));
	assert_null(err);
	assert_null(repo_head_file(f->r, "docs/adr", &len, &err));
	assert_null(err);
	/* Not a path at all: an error. */
	assert_null(repo_head_file(f->r, "../etc/passwd", &len, &err));
	assert_non_null(err);
	free(err);
	err = NULL;

	names = repo_head_dir(f->r, "docs/adr/", &n);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "0001-a.md");
	assert_string_equal(names[1], "0002-b.md");
	assert_string_equal(names[2], "bin");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	names = repo_head_dir(f->r, "docs", &n);
	assert_null(names); /* only a directory in it */
	assert_int_equal(n, 0);
	names = repo_head_dir(f->r, "doc/adr", &n);
	assert_null(names);
	assert_int_equal(n, 0);
	names = repo_head_dir(f->r, "docs/adr/0001-a.md", &n);
	assert_null(names);
	assert_int_equal(n, 0);

	/* The working tree, for record_dir. */
	assert_int_equal(repo_dir_exists("docs/adr", f->r), 1);
	assert_int_equal(repo_dir_exists("docs/adr/", f->r), 1);
	assert_int_equal(repo_dir_exists("", f->r), 1);
	assert_int_equal(repo_dir_exists("docs/adr/0001-a.md", f->r), 0);
	assert_int_equal(repo_dir_exists("doc/adr", f->r), 0);
	assert_int_equal(repo_dir_exists("../", f->r), 0);
	assert_int_equal(repo_dir_exists(".git", f->r), 0);
}

/*
 * What commit stages is read through the working tree's descriptor: a
 * link is staged as a link, nothing is read through a link to outside
 * or from a FIFO, git's filters still apply, and HEAD's blobs are read
 * only up to the size limit.
 */
static void
test_stage_safely(void **state)
{
	struct fx *f = *state;
	const char *link[] = {"ln.txt", NULL};
	const char *out[] = {"out/f.txt", NULL};
	const char *fifo[] = {"p", NULL};
	const char *crlf[] = {"crlf.txt", NULL};
	const char *two[] = {"b.txt", NULL};
	char id[41], *err = NULL, *tree, *blob;
	size_t len;

	base_commit(f);
	MUST(f, "ln -s a.txt ln.txt");
	assert_int_equal(commit(f, link, "Link", NULL, id, &err), 0);
	assert_null(err);
	tree = capture(f, "git ls-tree --format='%%(objectmode) %%(path)' "
	                  "HEAD ln.txt");
	assert_string_equal(tree, "120000 ln.txt\n");
	free(tree);
	expect_output(f, "a.txt", "git cat-file -p HEAD:ln.txt");
	expect_output(f, "", "git status --porcelain");

	MUST(f,
	    "mkdir -p ../outside-%s && echo secret > ../outside-%s/f.txt "
	    "&& ln -s \"$(cd ../outside-%s && pwd)\" out",
	    strrchr(f->dir, '-') + 1, strrchr(f->dir, '-') + 1,
	    strrchr(f->dir, '-') + 1);
	assert_int_equal(commit(f, out, "Out", NULL, id, &err), -1);
	assert_string_equal(err, "out/f.txt is beyond a symbolic link");
	free(err);

	MUST(f, "mkfifo p");
	alarm(10); /* reading the FIFO would hang */
	assert_int_equal(commit(f, fifo, "Fifo", NULL, id, &err), -1);
	alarm(0);
	assert_string_equal(
	    err, "p is a named pipe (FIFO), not a regular file");
	free(err);
	MUST(f, "rm p");

	MUST(f, "git config core.autocrlf input");
	write_file(f, "crlf.txt", "x\r\ny\r\n");
	assert_int_equal(commit(f, crlf, "Crlf", NULL, id, &err), 0);
	assert_null(err);
	expect_output(f, "x\ny\n", "git show HEAD:crlf.txt");
	expect_output(f, "?? out\n", "git status --porcelain");

	/* The size limit: commit refuses a larger file, HEAD's blobs are
	 * not read beyond it. */
	f->r->max_file = 2;
	write_file(f, "b.txt", "b2\n");
	assert_int_equal(commit(f, two, "Big", NULL, id, &err), -1);
	assert_string_equal(
	    err, "b.txt is 3 bytes, over the 2 bytes limit (--max-file-size)");
	free(err);
	assert_null(repo_head_file(f->r, "a.txt", &len, &err));
	assert_string_equal(err, "a.txt in HEAD is 3 bytes, over the 2 bytes "
	                         "limit (--max-file-size)");
	free(err);
	f->r->max_file = 3;
	blob = repo_head_file(f->r, "a.txt", &len, &err);
	assert_null(err);
	assert_string_equal(blob, "a1\n");
	free(blob);
	MUST(f, "rm -rf ../outside-%s", strrchr(f->dir, '-') + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_first_commit, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_commit_on_top, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_only_given_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_mode_new_and_removed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_author, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_detached, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_moved, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_merge_in_progress, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_rebase_in_progress, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_index_lock, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hook_appends, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hook_refuses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hooks_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hook_in_tree, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hook_env, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hook_late, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_hook_output_bounded, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_hook_moves_head, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_email, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_two_paths, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stage_safely, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_head_file_and_dir, setup, teardown),
	};
	const char *tmp = getenv("TMPDIR");
	struct sigaction sa;
	char *cmd;
	int failed;

	/* No configuration of the user or the system may leak in. */
	xasprintf(&test_home, "%s/moot-test-git-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(test_home) == NULL)
		fatal("mkdtemp");
	setenv("HOME", test_home, 1);
	setenv("XDG_CONFIG_HOME", test_home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_NOGLOBAL", "1", 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	unsetenv("GIT_AUTHOR_NAME");
	unsetenv("GIT_AUTHOR_EMAIL");
	unsetenv("GIT_COMMITTER_NAME");
	unsetenv("GIT_COMMITTER_EMAIL");
	setenv("GIT_EDITOR", "true", 1);

	/* Hooks end with SIGCHLD, as in the daemon. */
	if (pipe2(test_sig, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe2");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = test_on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);

	failed = cmocka_run_group_tests(tests, NULL, NULL);

	xasprintf(&cmd, "rm -rf '%s'", test_home);
	if (system(cmd) != 0)
		failed = 1;
	free(cmd);
	free(test_home);
	return failed != 0;
}
