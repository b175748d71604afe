/* test-hooks.c: end-to-end tests of the commit-msg hook: a hook in the
 * working tree, hooks run as jobs beside the loop, what a hook can see. */
#include "moot.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define WAIT 10000 /* ms for anything prompt (sanitizer builds are slow) */
#define JOIN 15000 /* ms for joining (key exchange, fork) */
#define ECHO                                                                   \
	2000     /* ms for an echo while a hook runs: well below the time      \
	            the hook is held */
#define COLS 220 /* wide enough for the longest notice */
#define ROWS 30

#define ALICE "Alice Liddell <alice@example.com>"
#define BOB "Bob Stone <bob@example.com>"

#define WAL "Use WAL for the journal"
#define WAL_SUBJECT "docs(adr): ADR-0001 " WAL

/* The notice to whoever committed when a tree hook is not run. */
#define NOT_RUN                                                                \
	"commit-msg hook in the working tree (.hooks/commit-msg) not run: "    \
	"moot serve --trust-tree-hooks runs it"

#define wait_notice(c, s) h_wait_row_has(c, h_status_row(c), s, WAIT)

/* A daemon on a repository and the people in it. */
struct sess {
	char *repo;
	char *out; /* a directory outside the repository */
	struct h_daemon *d;
	int port;
	struct h_client *a;
	struct h_client *b;
};

/* A libssh client, COLS x ROWS, TERM=xterm-256color. */
static struct h_client *
join(int port, const char *key, const char *user)
{
	return h_client_connect(port, key, user, COLS, ROWS, "xterm-256color");
}

static int
exists(const char *dir, const char *name)
{
	struct stat sb;
	char *path;
	int yes;

	xasprintf(&path, "%s/%s", dir, name);
	yes = stat(path, &sb) == 0;
	free(path);
	return yes;
}

/* Wait (pumping every client) until dir/name exists; fails after ms. */
static void
wait_file(const char *dir, const char *name, int ms)
{
	long long until = h_now_ms() + ms;

	while (!exists(dir, name)) {
		if (h_now_ms() > until)
			fail_msg(
			    "%s/%s did not appear within %d ms", dir, name, ms);
		h_pump_all(50);
	}
}

/*
 * A repository whose README.md is tracked, and with hook_path (relative)
 * committed as an executable file holding hook (NULL: none).
 */
static void
make_repo(struct sess *s, const char *hook_path, const char *hook)
{
	char *cmd;

	s->repo = h_repo_create("README.md", "hello\n", NULL);
	if (hook_path != NULL) {
		h_write_file(s->repo, hook_path, hook, strlen(hook));
		xasprintf(&cmd,
		    "chmod +x '%s' && git add '%s' && git commit -q -m hook",
		    hook_path, hook_path);
		free(h_sh(s->repo, cmd));
		free(cmd);
	}
}

/* Alice, then Bob; both see both on README.md. Extra arguments for
 * `moot serve`, ended by NULL, are given as argument (NULL: none). */
static void
start_two(struct sess *s, const char *arg)
{
	const char *both = "Alice Liddell README.md:1  Bob Stone README.md:1";
	char *ka, *kb;

	ka = h_key_create(s->repo, ALICE);
	kb = h_key_create(s->repo, BOB);
	if (arg != NULL)
		s->d = h_daemon_start_args(s->repo, arg, (char *)NULL);
	else
		s->d = h_daemon_start(s->repo);
	s->port = h_daemon_port(s->d);
	s->a = join(s->port, ka, "Alice");
	h_wait_row(
	    s->a, h_presence_row(s->a), "Alice Liddell README.md:1", JOIN);
	s->b = join(s->port, kb, "Bob");
	h_wait_row(s->a, h_presence_row(s->a), both, JOIN);
	h_wait_row(s->b, h_presence_row(s->b), both, JOIN);
}

/* decide WAL as c: the draft ADR-0001 opens for c. */
static void
decide_wal(struct h_client *c)
{
	h_palette(c, "decide " WAL, WAIT);
	wait_notice(c, "ADR-0001 drafted: edit it, then accept or reject");
}

/* How many commits HEAD has. */
static int
commits(const char *repo)
{
	char *out = h_sh(repo, "git rev-list --count HEAD");
	int n = atoi(out);

	free(out);
	return n;
}

/*
 * The attack: core.hooksPath points into the working tree (.hooks, the
 * husky pattern); a participant changes the committed hook on disk to a
 * command of theirs and accepts a decision. The hook must not run: the
 * commit goes ahead without it and whoever committed is told. The same
 * for `commit`.
 */
static void
test_tree_hook_not_run(void **state)
{
	struct sess s;
	char *hook, *out;

	memset(&s, 0, sizeof s);
	s.out = h_tmpdir("hook-out");
	make_repo(&s, ".hooks/commit-msg", "#!/bin/sh\nexit 0\n");
	out = h_sh(s.repo, "git config core.hooksPath .hooks");
	free(out);
	/* What an editor saves in the session (the mode is kept). */
	xasprintf(&hook, "#!/bin/sh\ntouch '%s/marker'\nexit 0\n", s.out);
	h_write_file(s.repo, ".hooks/commit-msg", hook, strlen(hook));
	free(hook);
	start_two(&s, NULL);

	decide_wal(s.a);
	h_palette(s.a, "accept", WAIT);
	wait_notice(s.b, "Alice Liddell accepted ADR-0001: " WAL " (commit ");
	if (exists(s.out, "marker"))
		fail_msg("the hook in the working tree ran: %s/marker exists",
		    s.out);
	out = h_sh(s.repo, "git log -1 --format=%s");
	assert_string_equal(out, WAL_SUBJECT);
	free(out);
	assert_int_equal(commits(s.repo), 3);
	wait_notice(s.a, "accepted ADR-0001 (commit ");
	wait_notice(s.a, NOT_RUN);

	/* commit: the same. */
	h_send(s.b, "Z");
	h_wait_row(s.b, 0, "Zhello", WAIT);
	h_key(s.b, "C-s");
	wait_notice(s.b, "saved by Bob Stone");
	h_palette(s.b, "commit", WAIT);
	h_wait_status(s.b, h_status_row(s.b), " Commit message:", WAIT);
	h_send(s.b, "readme: Z");
	h_key(s.b, "Enter");
	wait_notice(s.b, NOT_RUN);
	wait_notice(s.b, "committed ");
	out = h_sh(s.repo, "git log -1 --format=%s");
	assert_string_equal(out, "readme: Z");
	free(out);
	assert_false(exists(s.out, "marker"));
	h_pass();
}

/*
 * With --trust-tree-hooks the tree hook runs, as a job: while it runs the
 * session goes on (Bob's typing echoes at once), another accept is
 * refused, and the one who accepted may leave; when it ends the commit is
 * made with what the hook wrote. The hook sees a minimal environment, not
 * the daemon's.
 */
static void
test_trusted_hook_is_a_job(void **state)
{
	struct sess s;
	char *hook, *out, *env;

	memset(&s, 0, sizeof s);
	s.out = h_tmpdir("hook-out");
	/* Holds until the test opens the gate (at most 30 s). */
	xasprintf(&hook,
	    "#!/bin/sh\n"
	    "env > '%s/env.tmp' && mv '%s/env.tmp' '%s/env'\n"
	    "i=0\n"
	    "while [ ! -e '%s/gate' ] && [ $i -lt 300 ]; do\n"
	    "  sleep 0.1; i=$((i + 1))\n"
	    "done\n"
	    "printf '\\nHooked-by: the tree hook\\n' >> \"$1\"\n",
	    s.out, s.out, s.out, s.out);
	make_repo(&s, ".hooks/commit-msg", hook);
	free(hook);
	out = h_sh(s.repo, "git config core.hooksPath .hooks");
	free(out);

	/* Something of the daemon's own that the hook must not see. */
	setenv("MOOT_DAEMON_SECRET", "not-for-hooks", 1);
	start_two(&s, "--trust-tree-hooks");
	unsetenv("MOOT_DAEMON_SECRET");

	decide_wal(s.a);
	/* accept, not waiting for the palette to close: it would not while
	 * the daemon waits for the hook. */
	h_key(s.a, "C-p");
	h_wait_row(s.a, 0, "Command:", WAIT);
	h_send(s.a, "accept");
	h_wait_row(s.a, 0, "Command: accept", WAIT);
	h_key(s.a, "Enter");
	wait_file(s.out, "env", WAIT);

	/* The hook is running: Bob's typing shows at once. */
	h_send(s.b, "Z");
	h_wait_row(s.b, 0, "Zhello", ECHO);
	wait_notice(s.a, "running the commit-msg hook (.hooks/commit-msg)");
	/* A second commit waits for this one. */
	h_palette(s.b, "accept", WAIT);
	wait_notice(s.b, "a commit is being made (its commit-msg hook is "
	                 "running); try again when it is done");
	assert_int_equal(commits(s.repo), 2);

	/* Alice leaves before it ends. */
	h_key(s.a, "C-q");
	wait_notice(s.b, "Alice Liddell left");
	h_write_file(s.out, "gate", "", 0);
	wait_notice(s.b, "Alice Liddell accepted ADR-0001: " WAL " (commit ");
	out = h_sh(s.repo, "git log -1 --format=%s");
	assert_string_equal(out, WAL_SUBJECT);
	free(out);
	out = h_sh(s.repo, "git log -1 --format=%B | sed '/^$/d' | tail -1");
	assert_string_equal(out, "Hooked-by: the tree hook");
	free(out);
	assert_int_equal(commits(s.repo), 3);

	/* Its environment: ours only. */
	env = h_read_file(s.out, "env", NULL);
	if (strstr(env, "MOOT_DAEMON_SECRET") != NULL)
		fail_msg("the hook saw the daemon's environment:\n%s", env);
	if (strstr(env, "\nPATH=/usr/local/bin:/usr/bin:/bin\n") == NULL &&
	    strncmp(env, "PATH=/usr/local/bin:/usr/bin:/bin\n", 34) != 0)
		fail_msg("the hook's PATH is not the minimal one:\n%s", env);
	if (strstr(env, "GIT_DIR=") == NULL)
		fail_msg("the hook has no GIT_DIR:\n%s", env);
	free(env);

	/* The session goes on. */
	h_send(s.b, "Y");
	h_wait_row(s.b, 0, "ZYhello", WAIT);
	h_pass();
}

/*
 * A hook in .git/hooks (not in the working tree) runs without the option:
 * one that refuses stops the commit with what it said, and the draft stays
 * to be accepted once the hook agrees; the hook may add to the message.
 */
static void
test_git_dir_hook_runs(void **state)
{
	struct sess s;
	char *out;
	static const char refuse[] =
	    "#!/bin/sh\n"
	    "echo \"no ticket in: $(head -1 \"$1\")\"\n"
	    "exit 1\n";
	static const char agree[] = "#!/bin/sh\n"
	                            "printf '\\nTicket: 42\\n' >> \"$1\"\n";

	memset(&s, 0, sizeof s);
	make_repo(&s, NULL, NULL);
	h_write_file(s.repo, ".git/hooks/commit-msg", refuse, strlen(refuse));
	out = h_sh(s.repo, "chmod +x .git/hooks/commit-msg");
	free(out);
	start_two(&s, NULL);

	decide_wal(s.a);
	h_palette(s.a, "accept", WAIT);
	wait_notice(s.a, "cannot commit ADR-0001: commit-msg hook refused the "
	                 "commit: no ticket in: " WAL_SUBJECT);
	assert_int_equal(commits(s.repo), 1);

	h_write_file(s.repo, ".git/hooks/commit-msg", agree, strlen(agree));
	h_palette(s.a, "accept", WAIT);
	wait_notice(s.b, "Alice Liddell accepted ADR-0001: " WAL " (commit ");
	assert_int_equal(commits(s.repo), 2);
	out = h_sh(s.repo, "git log -1 --format=%B | sed '/^$/d' | tail -1");
	assert_string_equal(out, "Ticket: 42");
	free(out);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_tree_hook_not_run, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_trusted_hook_is_a_job, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_git_dir_hook_runs, h_setup, h_teardown),
	};

	/* E2E_FILTER=test_tree_hook_not_run runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
