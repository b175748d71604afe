/* test-config.c: .moot/config, the session defaults a team commits:
 * the parser's good and bad lines, the file's checks, the real daemon. */
#include "moot.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config-file.h"
#include "harness.h"
#include "serve-options.h"
#include "server.h"

#define WAIT 8000 /* ms for joining (key exchange, fork) */

#define ALICE "Alice Liddell <alice@example.com>"
#define BOB "Bob Stone <bob@example.com>"

static const char readme[] = "# Config\n";

/* config_parse of text (len bytes) into *o from the defaults; its result,
 * the message in *err (NULL when none). The text is copied, as the parser
 * writes into it; the copy is kept (values point into it) until the next
 * call. */
static int
parse(const char *text, size_t len, struct server_options *o, char **err)
{
	static char *buf;

	free(buf);
	buf = xmalloc(len + 1);
	memcpy(buf, text, len);
	serve_options_init(o);
	*err = NULL;
	return config_parse(o, buf, len, CONFIG_PATH, err);
}

/* The text must be refused with exactly this message. */
static void
refused(const char *text, size_t len, const char *want)
{
	struct server_options o;
	char *err;

	if (parse(text, len, &o, &err) != -1 || err == NULL)
		fail_msg("accepted: %s", text);
	if (strcmp(err, want) != 0)
		fail_msg("message '%s', want '%s'", err, want);
	free(err);
}

#define REFUSED(text, want) refused(text, sizeof text - 1, want)

/* Comments, blank lines, spaces, CRLF and every kind of value. */
static void
test_good(void **state)
{
	static const char text[] = "# the team's defaults\n"
	                           "\n"
	                           "   listen   =  127.0.0.1:2300  \n"
	                           "max-people=7\r\n"
	                           "\tdurable = yes\n"
	                           "verbose = off\n"
	                           "keepalive-interval = 0\n"
	                           "max-startups = 5:50:20\n"
	                           "max-file-size = 1M\n"
	                           "  # indented comment = still a comment\n"
	                           "max-paste = 2k"; /* no final newline */
	struct server_options o;
	char *err;

	(void)state;
	assert_int_equal(parse(text, sizeof text - 1, &o, &err), 0);
	assert_null(err);
	assert_string_equal(o.listen, "127.0.0.1:2300");
	assert_int_equal(o.max_people, 7);
	assert_int_equal(o.durable, 1);
	assert_int_equal(o.verbose, 0);
	assert_int_equal(o.keepalive_interval, 0);
	assert_int_equal(o.startups_begin, 5);
	assert_int_equal(o.startups_rate, 50);
	assert_int_equal(o.startups_full, 20);
	assert_int_equal(o.max_file_size, 1 << 20);
	assert_int_equal(o.max_paste, 2048);
	/* What the file leaves alone keeps its default. */
	assert_int_equal(o.login_grace, SERVER_LOGIN_GRACE);
	assert_null(o.dir);
	assert_int_equal(o.trust_tree_hooks, 0);
	/* An empty file is fine too. */
	assert_int_equal(parse("", 0, &o, &err), 0);
}

/* A flag takes yes/no, on/off, true/false. */
static void
test_flags(void **state)
{
	static const char *const words[] = {
	    "yes", "on", "true", "no", "off", "false"};
	struct server_options o;
	char *text, *err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		xasprintf(&text, "durable = %s\n", words[i]);
		assert_int_equal(parse(text, strlen(text), &o, &err), 0);
		assert_int_equal(o.durable, i < 3);
		free(text);
	}
	REFUSED("\n\ndurable = maybe\n",
	    ".moot/config:3: durable: wants yes or no, not 'maybe'");
	REFUSED("durable = 1\n",
	    ".moot/config:1: durable: wants yes or no, not '1'");
}

static void
test_unknown_key(void **state)
{
	(void)state;
	REFUSED("# limits\nlisten = 127.0.0.1:0\nmax-peple = 3\n",
	    ".moot/config:3: unknown key 'max-peple'");
	/* -C has no long name: no key either. */
	REFUSED("C = /\n", ".moot/config:1: unknown key 'C'");
	REFUSED("max people = 3\n", ".moot/config:1: unknown key 'max people'");
}

static void
test_bad_value(void **state)
{
	(void)state;
	REFUSED("\n\n\n\nmax-people = x\n",
	    ".moot/config:5: max-people: wants a number from 1 to 100000, "
	    "not 'x'");
	REFUSED("max-people = 0\n",
	    ".moot/config:1: max-people: wants a number from 1 to 100000, "
	    "not '0'");
	REFUSED("max-file-size = 2G\n",
	    ".moot/config:1: max-file-size: can be at most 953M, not '2G'");
	REFUSED("max-paste = lots\n",
	    ".moot/config:1: max-paste: wants a size above 0 such as 512K, "
	    "16M or 1G, not 'lots'");
	REFUSED("listen =\n", ".moot/config:1: listen: wants a value");
	REFUSED("max-people = 2\nmax-people = 3\n",
	    ".moot/config:2: max-people: given twice (first on line 1)");
}

/* What would let whoever commits run code or pick the repository. */
static void
test_denied(void **state)
{
	(void)state;
	REFUSED("trust-tree-hooks = yes\n",
	    ".moot/config:1: trust-tree-hooks: only the command line may set "
	    "this (anyone who can commit writes this file)");
	REFUSED("max-people = 3\ndemo = yes\n",
	    ".moot/config:2: demo: only the command line may set this (anyone "
	    "who can commit writes this file)");
	REFUSED("help = yes\n",
	    ".moot/config:1: help: only the command line may set this (anyone "
	    "who can commit writes this file)");
	/* It names files whose regexes the daemon runs. */
	REFUSED("syntax-dir = .moot/syntax\n",
	    ".moot/config:1: syntax-dir: only the command line may set this "
	    "(anyone who can commit writes this file)");
}

static void
test_missing_equals(void **state)
{
	(void)state;
	REFUSED("max-people 3\n",
	    ".moot/config:1: expected key = value, not 'max-people 3'");
	REFUSED("= 3\n", ".moot/config:1: expected key = value, not '= 3'");
}

/* Lines up to CONFIG_MAX_LINE bytes, files up to CONFIG_MAX_SIZE. */
static void
test_limits(void **state)
{
	struct server_options o;
	char *text, *err;

	(void)state;
	text = xmalloc(CONFIG_MAX_SIZE + 2);
	memset(text, ' ', CONFIG_MAX_LINE + 1);
	text[0] = '#';
	text[CONFIG_MAX_LINE] = '\n';
	assert_int_equal(parse(text, CONFIG_MAX_LINE + 1, &o, &err), 0);
	text[CONFIG_MAX_LINE] = ' ';
	refused(text, CONFIG_MAX_LINE + 1,
	    ".moot/config:1: a line longer than 1024 bytes");

	memset(text, '\n', CONFIG_MAX_SIZE + 1);
	assert_int_equal(parse(text, CONFIG_MAX_SIZE, &o, &err), 0);
	refused(
	    text, CONFIG_MAX_SIZE + 1, ".moot/config: larger than 65536 bytes");
	free(text);
}

/* NUL and control bytes: refused, and never raw in the message. */
static void
test_bytes(void **state)
{
	(void)state;
	REFUSED("max-people = 3\0\n", ".moot/config:1: a NUL byte");
	REFUSED("\nmax-people = 3\x1b[2J\n",
	    ".moot/config:2: a control character in 'max-people = 3^[[2J'");
	/* Not a control byte but far from ASCII: made inert too. */
	REFUSED("max-people = \xe2\x80\xae"
	        "3\n",
	    ".moot/config:1: max-people: wants a number from 1 to 100000, "
	    "not '<U+202E>3'");
	REFUSED("\xff = 3\n", ".moot/config:1: unknown key '\\xff'");
	/* A CR ends a line (CRLF), and nothing else. */
	REFUSED("listen = a\rb\n",
	    ".moot/config:1: a control character in 'listen = a^Mb'");
}

/* config_load under a directory standing for the working tree. */
static int
load(const char *dir, struct server_options *o, char **buf, char **err)
{
	int root, rc;

	if ((root = open(dir, O_RDONLY | O_DIRECTORY)) == -1)
		fail_msg("open %s", dir);
	serve_options_init(o);
	*err = NULL;
	rc = config_load(root, o, buf, err);
	close(root);
	return rc;
}

/* No file, a file, and what is not a plain file in the tree. */
static void
test_load(void **state)
{
	struct server_options o;
	char *dir, *other, *path, *buf, *err;

	(void)state;
	dir = h_tmpdir("tree");
	assert_int_equal(load(dir, &o, &buf, &err), 0);
	assert_null(buf);
	xasprintf(&path, "%s/.moot", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	assert_int_equal(load(dir, &o, &buf, &err), 0);
	assert_null(buf);

	h_write_file(dir, ".moot/config", "max-people = 4\n", 15);
	assert_int_equal(load(dir, &o, &buf, &err), 0);
	assert_int_equal(o.max_people, 4);
	free(buf);

	/* A symbolic link, even to a good file. */
	other = h_tmpdir("elsewhere");
	h_write_file(other, "config", "max-people = 5\n", 15);
	h_run(dir, "rm", "-f", ".moot/config", NULL);
	xasprintf(&path, "%s/config", other);
	h_run(dir, "ln", "-s", path, ".moot/config", NULL);
	free(path);
	assert_int_equal(load(dir, &o, &buf, &err), -1);
	assert_string_equal(err, ".moot/config: config is a symbolic link; "
	                         "moot reads only a plain file");
	assert_int_equal(o.max_people, SERVER_MAX_PEOPLE);
	free(err);
	h_run(dir, "rm", "-rf", ".moot", NULL);
	h_run(dir, "ln", "-s", other, ".moot", NULL);
	assert_int_equal(load(dir, &o, &buf, &err), -1);
	assert_string_equal(err, ".moot/config: .moot is a symbolic link; "
	                         "moot reads only a plain file");
	free(err);

	/* A FIFO would block a plain read: refused without waiting. */
	h_run(dir, "rm", "-f", ".moot", NULL);
	h_run(dir, "mkdir", ".moot", NULL);
	h_run(dir, "mkfifo", ".moot/config", NULL);
	assert_int_equal(load(dir, &o, &buf, &err), -1);
	assert_string_equal(err, ".moot/config: not a plain file");
	free(err);

	/* Too large on disk. */
	h_run(dir, "rm", "-f", ".moot/config", NULL);
	buf = xmalloc(CONFIG_MAX_SIZE + 1);
	memset(buf, '\n', CONFIG_MAX_SIZE + 1);
	h_write_file(dir, ".moot/config", buf, CONFIG_MAX_SIZE + 1);
	free(buf);
	assert_int_equal(load(dir, &o, &buf, &err), -1);
	assert_string_equal(err, ".moot/config: larger than 65536 bytes");
	free(err);
	h_pass();
}

/* The real daemon takes its limit from the file: with max-people = 1
 * the second person is told the session is full. */
static void
test_daemon_file(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *b;
	char *repo, *alice, *bob;

	repo = h_repo_create("README.md", readme, ".moot/config",
	    "# one at a time\nmax-people = 1\n", NULL);
	alice = h_key_create(repo, ALICE);
	bob = h_key_create(repo, BOB);
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), alice, "alice");
	h_wait_status(a, h_status_row(a), " README.md", WAIT);
	b = h_join(h_daemon_port(d), bob, "bob");
	h_wait(b, "this session is full (1 people are in)", WAIT);
	h_wait_closed(b, WAIT);
	h_pass();
}

/* The command line wins over the file. */
static void
test_daemon_command_line_wins(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *b;
	char *repo, *alice, *bob;

	repo = h_repo_create(
	    "README.md", readme, ".moot/config", "max-people = 1\n", NULL);
	alice = h_key_create(repo, ALICE);
	bob = h_key_create(repo, BOB);
	d = h_daemon_start_args(repo, "--max-people", "2", (char *)NULL);
	a = h_join(h_daemon_port(d), alice, "alice");
	h_wait_status(a, h_status_row(a), " README.md", WAIT);
	b = h_join(h_daemon_port(d), bob, "bob");
	h_wait_status(b, h_status_row(b), " README.md", WAIT);
	h_pass();
}

/* A bad line: serve says FILE:LINE: KEY and does not start. */
static void
test_daemon_bad_line(void **state)
{
	char *repo, *home, *out;
	int rc;

	(void)state;
	repo = h_repo_create("README.md", readme, ".moot/config",
	    "listen = 127.0.0.1:0\n\nmax-people = many\n", NULL);
	home = h_tmpdir("home");
	rc = h_run_capture(NULL, home, &out, h_moot_path(), "serve", "-C", repo,
	    "--listen", "127.0.0.1:0", (char *)NULL);
	if (rc != 2 ||
	    strcmp(out, "moot serve: .moot/config:3: max-people: wants a "
	                "number from 1 to 100000, not 'many'\n") != 0)
		fail_msg("exit status %d, output:\n%s", rc, out);
	free(out);

	/* The command line cannot mend a bad file: it is still an error. */
	rc = h_run_capture(NULL, home, &out, h_moot_path(), "serve", "-C", repo,
	    "--max-people", "3", "--listen", "127.0.0.1:0", (char *)NULL);
	if (rc != 2 || strstr(out, ".moot/config:3: max-people") == NULL)
		fail_msg("exit status %d, output:\n%s", rc, out);
	free(out);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_unknown_key),
	    cmocka_unit_test(test_bad_value),
	    cmocka_unit_test(test_denied),
	    cmocka_unit_test(test_missing_equals),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_bytes),
	    cmocka_unit_test_setup_teardown(test_load, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_daemon_file, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_daemon_command_line_wins, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_daemon_bad_line, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
