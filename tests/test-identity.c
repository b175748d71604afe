/* test-identity.c: who may join and under which name, end to end.
 * The access list and hooks are read-only in the session; names are unique. */
#include "moot.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libssh/libssh.h>

#include "harness.h"

#define WAIT 10000 /* ms for anything prompt (sanitizer builds are slow) */
#define JOIN 15000 /* ms for joining (key exchange, fork) */
#define COLS 160
#define ROWS 30

#define PASTE_START "\033[200~"
#define PASTE_END "\033[201~"

#define ALICE "Alice Liddell <alice@example.com>"

static const char readme[] = "# Demo\nline two\n";
static const char hook[] = "#!/bin/sh\nexit 0\n";

#define wait_notice(c, s) h_wait_row_has(c, h_status_row(c), s, WAIT)

static struct h_client *
join(int port, const char *key, const char *user)
{
	return h_client_connect(port, key, user, COLS, ROWS, "xterm-256color");
}

/* Open a path with Ctrl-O: type it, Enter; the status row shows it. */
static void
open_path(struct h_client *c, const char *path)
{
	char *want;

	h_open(c, path, WAIT);
	xasprintf(&want, " %s", path);
	h_wait_status(c, h_status_row(c), want, WAIT);
	free(want);
}

/* Try to change the open document every way a person can: type, paste,
 * cut, save. Each is refused with the notice, and the file is as it was. */
static void
try_to_change(
    struct h_client *c, const char *repo, const char *path, const char *what)
{
	char *before, *after, *notice, *first;
	size_t nb, na;

	before = h_read_file(repo, path, &nb);
	xasprintf(&notice, "%s is %s: read-only", path, what);
	wait_notice(c, notice);

	h_send(c, "x");
	wait_notice(c, "read-only; change it with git outside the session");
	h_send(c, PASTE_START "echo pwned\r" PASTE_END);
	h_key(c, "C-x");
	h_key(c, "C-s");
	wait_notice(c, notice);
	h_pump_all(300);
	/* The screen shows the file as it is: nothing typed or pasted. */
	first = xstrndup(
	    before, strcspn(before, "\n") < 40 ? strcspn(before, "\n") : 40);
	if (strncmp(h_row(c, 0), first, strlen(first)) != 0)
		fail_msg("row 0 is \"%s\", not the file's \"%s\"", h_row(c, 0),
		    first);
	free(first);

	after = h_read_file(repo, path, &na);
	assert_int_equal(na, nb);
	assert_memory_equal(after, before, nb);
	free(notice);
	free(before);
	free(after);
}

/*
 * The attack: an editor opens .moot/authorized_keys in the session, adds a
 * stranger's key and saves; the stranger joins at once. Now every change
 * is refused, the file stays as it was and the stranger stays out.
 */
static void
test_access_list_readonly(void **state)
{
	struct h_daemon *d;
	struct h_client *a;
	char *repo, *ka, *kx, *line, *paste;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, ALICE);
	kx = h_key_new(repo); /* a stranger's, in no list */
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");
	h_wait_row(a, h_presence_row(a), "Alice Liddell README.md:1", JOIN);

	open_path(a, ".moot/authorized_keys");
	/* The stranger's line, pasted at the top and saved. */
	line = h_key_line(kx, "Mallory <mallory@example.com>");
	xasprintf(&paste, PASTE_START "%s\r" PASTE_END, line);
	h_send(a, paste);
	try_to_change(a, repo, ".moot/authorized_keys", "moot's access list");
	assert_int_not_equal(h_try_key(port, kx, "mallory"), SSH_AUTH_SUCCESS);

	/* A link in the tree to the list is the list. */
	free(h_sh(repo, "ln -s .moot/authorized_keys people.txt"));
	open_path(a, "people.txt");
	try_to_change(a, repo, "people.txt", "moot's access list");
	assert_int_not_equal(h_try_key(port, kx, "mallory"), SSH_AUTH_SUCCESS);

	free(line);
	free(paste);
	h_pass();
}

/* Hooks that live in the tree (core.hooksPath; husky's .husky/_ runs the
 * scripts of .husky/) are read-only too; other files are not. */
static void
test_hooks_readonly(void **state)
{
	struct h_daemon *d;
	struct h_client *a;
	char *repo, *ka, *out;
	int port;

	repo = h_repo_create("README.md", readme, ".githooks/commit-msg", hook,
	    ".husky/commit-msg", hook, ".husky/_/commit-msg", hook, NULL);
	free(h_sh(repo, "git config core.hooksPath .githooks"));
	ka = h_key_create(repo, ALICE);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");
	h_wait_row(a, h_presence_row(a), "Alice Liddell README.md:1", JOIN);

	open_path(a, ".githooks/commit-msg");
	try_to_change(a, repo, ".githooks/commit-msg", "a git hook");
	/* Not a hook while the hooks live elsewhere. */
	open_path(a, ".husky/commit-msg");
	h_send(a, "#");
	h_wait_row_has(a, h_status_row(a), "[+]", WAIT);
	h_key(a, "BSpace");

	/* husky: hooksPath .husky/_ makes all of .husky hook code; an open
	 * document learns it within the second. */
	free(h_sh(repo, "git config core.hooksPath .husky/_"));
	open_path(a, ".husky/_/commit-msg");
	try_to_change(a, repo, ".husky/_/commit-msg", "a git hook");
	h_pump_all(1500);
	open_path(a, ".husky/commit-msg");
	try_to_change(a, repo, ".husky/commit-msg", "a git hook");
	out = h_sh(repo, "git status --porcelain -- .husky .githooks");
	assert_string_equal(out, "");
	free(out);
	(void)port;
	h_pass();
}

/* "Alice Liddell [" + the first 8 characters of the key's fingerprint. */
static char *
tagged(const char *name, const char *keyfile)
{
	char *fp, *s;

	fp = h_key_fingerprint(keyfile);
	xasprintf(&s, "%s [%.8s]", name, strchr(fp, ':') + 1);
	free(fp);
	return s;
}

/*
 * The attack: a second key whose comment is another participant's
 * "Name <email>" joins and commits a decision. It is shown, and commits,
 * under the name with its key's mark; the first key keeps the name.
 */
static void
test_same_name(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *m;
	char *repo, *ka, *km, *mname, *want, *out;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, ALICE);
	km = h_key_create(repo, ALICE); /* the impostor's, listed later */
	mname = tagged("Alice Liddell", km);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);

	/* The impostor first: the name is still the first key's. */
	m = join(port, km, "alice");
	xasprintf(&want, "%s README.md:1", mname);
	h_wait_row(m, h_presence_row(m), want, JOIN);
	free(want);
	a = join(port, ka, "alice");
	xasprintf(&want, "%s README.md:1  Alice Liddell README.md:1", mname);
	h_wait_row(a, h_presence_row(a), want, JOIN);
	h_wait_row(m, h_presence_row(m), want, JOIN);
	free(want);

	h_palette(a, "who", WAIT);
	h_wait_row(a, 0, " Who is here", WAIT);
	xasprintf(&want, "%s  editor  README.md:1", mname);
	h_wait(a, want, WAIT);
	h_wait(a, "Alice Liddell  editor  README.md:1", WAIT);
	free(want);
	h_key(a, "Escape");

	/* The impostor decides and accepts: the commit says who it was. */
	h_palette(m, "decide Trust me", WAIT);
	wait_notice(m, "ADR-0001 drafted");
	h_palette(m, "accept", WAIT);
	xasprintf(&want, "%s accepted ADR-0001", mname);
	h_wait(a, want, WAIT);
	free(want);
	out = h_sh(repo, "git log -1 --format=%an%n%ae");
	xasprintf(&want, "%s\nalice@example.com", mname);
	assert_string_equal(out, want);
	free(out);
	free(want);
	out = h_sh(repo, "git log -1 --format=%B | git interpret-trailers "
	                 "--parse | grep -E '^(Decided-by|Participant):'");
	xasprintf(&want,
	    "Decided-by: %s <alice@example.com>\n"
	    "Participant: %s <alice@example.com>\n"
	    "Participant: Alice Liddell <alice@example.com>",
	    mname, mname);
	assert_string_equal(out, want);
	free(out);
	free(want);
	free(mname);
	h_pass();
}

/* A key without a name in its comment is shown under the SSH user name
 * its client chose: it cannot take a name another key's comment gives,
 * nor that of someone present. */
static void
test_user_name(void **state)
{
	struct h_daemon *d;
	struct h_client *x, *b, *y;
	char *repo, *kx, *kb, *ky, *xname, *yname, *want;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	h_key_create(repo, ALICE); /* Alice's, who is not here */
	kx = h_key_create(repo, "");
	kb = h_key_create(repo, "");
	ky = h_key_create(repo, "");
	xname = tagged("Alice Liddell", kx);
	yname = tagged("Bob", ky);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);

	x = join(port, kx, "Alice Liddell");
	xasprintf(&want, "%s README.md:1", xname);
	h_wait_row(x, h_presence_row(x), want, JOIN);
	free(want);
	b = join(port, kb, "bob");
	xasprintf(&want, "%s README.md:1  bob README.md:1", xname);
	h_wait_row(b, h_presence_row(b), want, JOIN);
	free(want);
	y = join(port, ky, "Bob");
	xasprintf(&want, "%s README.md:1  bob README.md:1  %s README.md:1",
	    xname, yname);
	h_wait_row(y, h_presence_row(y), want, JOIN);
	free(want);
	free(xname);
	free(yname);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_access_list_readonly, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_hooks_readonly, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_same_name, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_user_name, h_setup, h_teardown),
	};

	/* E2E_FILTER=test_same_name runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
