/* test-inert.c: end-to-end tests of untrusted text made inert.
 * Bidi and C1 controls in names, chat, titles and user names never reach
 * a screen, a commit, the command line or the log raw. */
#include "moot.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libssh/libssh.h>

#include "harness.h"

#define WAIT 10000 /* ms for anything prompt (sanitizer builds are slow) */
#define JOIN 15000 /* ms for joining (key exchange, fork) */
#define COLS 160
#define ROWS 30

#define SHIFT_DOWN "\033[1;2B"

#define ALICE "Alice Liddell <alice@example.com>"

/* Mallory's key comment: U+202E (right-to-left override) and U+009B (CSI
 * as a code point) in the name, U+2066 (left-to-right isolate) in the
 * email. */
#define MAL_NAME "Mal\xe2\x80\xaelory\xc2\x9b"
#define MAL_EMAIL "mal\xe2\x81\xa6@example.com"
#define MAL MAL_NAME " <" MAL_EMAIL ">"
#define MAL_SHOWN "Mal<U+202E>lory<U+009B>"
#define MAL_EMAIL_SHOWN "mal<U+2066>@example.com"
/* As git identities show them (no angle brackets in a name or email). */
#define MAL_IDENT "Mal[U+202E]lory[U+009B] <mal[U+2066]@example.com>"

/* What Mallory says (U+2066) and the title she gives (U+200F). */
#define SAID "hi\xe2\x81\xa6there"
#define SAID_SHOWN "hi<U+2066>there"
#define TITLE "Use\xe2\x80\x8fWAL"
#define TITLE_SHOWN "Use<U+200F>WAL"

/* A tracked file whose name has U+202E. */
#define ODD_FILE "src/x\xe2\x80\xaey.c"
#define ODD_FILE_SHOWN "src/x<U+202E>y.c"

/* What must never come out raw. */
static const char *const raw[] = {
    "\xe2\x80\xae", /* U+202E */
    "\xe2\x81\xa6", /* U+2066 */
    "\xe2\x80\x8f", /* U+200F */
    "\xc2\x9b",     /* U+009B */
    "\xc2\x9d",     /* U+009D */
    "\x9b",         /* the byte 0x9b (8-bit CSI) */
};
#define NRAW (sizeof raw / sizeof raw[0])

#define assert_clean(what, text) assert_clean_at(what, text, __FILE__, __LINE__)
#define wait_notice(c, s) h_wait_row_has(c, h_status_row(c), s, WAIT)

/* Fail if text holds any of the raw sequences. */
static void
assert_clean_at(const char *what, const char *text, const char *file, int line)
{
	size_t i;

	for (i = 0; i < NRAW; i++) {
		if (strstr(text, raw[i]) != NULL) {
			fprintf(stderr,
			    "%s:%d: %s has raw bytes (sequence %zu):\n%s\n",
			    file, line, what, i, text);
			_fail(file, line);
		}
	}
}

static void
assert_has_at(const char *what, const char *text, const char *s,
    const char *file, int line)
{
	if (strstr(text, s) == NULL) {
		fprintf(stderr, "%s:%d: \"%s\" not in %s:\n%s\n", file, line, s,
		    what, text);
		_fail(file, line);
	}
}
#define assert_has(what, text, s)                                              \
	assert_has_at(what, text, s, __FILE__, __LINE__)

/* A libssh client, COLS x ROWS. */
static struct h_client *
join(int port, const char *key, const char *user)
{
	return h_client_connect(port, key, user, COLS, ROWS, "xterm-256color");
}

/* Open the palette, type a command line (shown as shown), run it. */
static void
run_cmd(struct h_client *c, const char *line, const char *shown)
{
	char *want;

	h_key(c, "C-p");
	h_wait_row(c, 0, "Command:", WAIT);
	h_send(c, line);
	xasprintf(&want, "Command: %s", shown);
	h_wait_row(c, 0, want, WAIT);
	free(want);
	assert_clean("the palette", h_screen(c));
	h_key(c, "Enter");
	h_wait_row_lacks(c, 0, "Command:", WAIT);
}

/* Say something with Ctrl-T (shown as shown while typed). */
static void
say(struct h_client *c, const char *text, const char *shown)
{
	char *want;

	h_key(c, "C-t");
	h_wait_status(c, h_status_row(c), " Say:", WAIT);
	h_send(c, text);
	xasprintf(&want, " Say: %s", shown);
	h_wait_status(c, h_status_row(c), want, WAIT);
	free(want);
	assert_clean("the say prompt", h_screen(c));
	h_key(c, "Enter");
	h_wait_row_lacks(c, h_status_row(c), "Say:", WAIT);
}

/* Run a command in dir; its output (stdout and stderr), which must come
 * with exit status 0. Caller frees. */
static char *
run(const char *dir, const char *what, ...)
{
	const char *argv[8] = {NULL};
	va_list ap;
	char *out;
	int n = 0, status;

	va_start(ap, what);
	while (n < 7 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	status = h_run_capture(dir, NULL, &out, argv[0], argv[1], argv[2],
	    argv[3], argv[4], argv[5], argv[6], NULL);
	if (status != 0)
		fail_msg("%s exited %d:\n%s", what, status, out);
	return out;
}

/*
 * A participant whose name carries U+202E and U+009B chats with U+2066,
 * decides with U+200F in the title and accepts; another participant sees
 * the <U+XXXX> forms and never the code points; the commit, `moot why`,
 * `moot decisions` and the log hold none of them raw.
 */
static void
test_bidi_everywhere(void **state)
{
	struct h_daemon *d;
	struct h_client *a, *m;
	char *repo, *ka, *km, *out, *log;
	int port;

	repo = h_repo_create("src/a.c", "one\ntwo\nthree\n", ODD_FILE,
	    "odd\nfile\nhere\n", NULL);
	ka = h_key_create(repo, ALICE);
	km = h_key_new(repo);
	h_key_authorize(repo, km, MAL);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);

	a = join(port, ka, "alice");
	h_wait_row_has(a, h_presence_row(a), "Alice Liddell", JOIN);
	m = join(port, km, "mallory");
	h_wait_row_has(a, h_presence_row(a), MAL_SHOWN " ", JOIN);
	h_wait(m, "welcome, " MAL_SHOWN, WAIT);
	assert_clean("Alice's screen (presence)", h_screen(a));
	assert_clean("Mallory's screen (welcome)", h_screen(m));

	/* The chat. */
	say(m, SAID, SAID_SHOWN);
	h_wait(a, MAL_SHOWN ": " SAID_SHOWN, WAIT);
	assert_clean("Alice's screen (chat)", h_screen(a));

	/* A file name in the Ctrl-O list. */
	h_key(a, "C-o");
	h_wait_row(a, 0, "Open:", WAIT);
	h_wait(a, ODD_FILE_SHOWN, WAIT);
	assert_clean("Alice's screen (file list)", h_screen(a));
	h_key(a, "Escape");
	h_wait_row_lacks(a, 0, "Open:", WAIT);

	/* Mallory opens that file, selects its first two lines and decides,
	 * with U+200F in the title. */
	h_key(m, "C-o");
	h_wait_row(m, 0, "Open:", WAIT);
	h_send(m, "y.c");
	h_wait_row(m, 0, "Open: y.c", WAIT);
	h_key(m, "Enter");
	h_wait_status(m, h_status_row(m), " " ODD_FILE_SHOWN, WAIT);
	h_send(m, SHIFT_DOWN);
	h_send(m, SHIFT_DOWN);
	h_wait_row_has(m, h_status_row(m), "3:1", WAIT);
	run_cmd(m, "decide " TITLE, "decide " TITLE_SHOWN);
	wait_notice(m, "ADR-0001 drafted");
	wait_notice(a, MAL_SHOWN " started ADR-0001: " TITLE_SHOWN);
	assert_clean("Alice's screen (notice)", h_screen(a));

	/* Alice opens the draft: its heading and quoted chat are inert. */
	h_key(a, "C-d");
	h_wait(a, "# 1. " TITLE_SHOWN, WAIT);
	assert_clean("Alice's screen (draft)", h_screen(a));

	/* Mallory accepts: a commit authored by her. */
	run_cmd(m, "accept", "accept");
	wait_notice(
	    a, MAL_SHOWN " accepted ADR-0001: " TITLE_SHOWN " (commit ");
	assert_clean("Alice's screen (accepted)", h_screen(a));
	assert_clean("Mallory's screen", h_screen(m));

	/* The commit object's bytes: author, committer, subject, trailers. */
	out = run(
	    repo, "git cat-file", "git", "cat-file", "commit", "HEAD", NULL);
	assert_clean("the commit", out);
	assert_has("the commit", out, "\nauthor " MAL_IDENT " ");
	assert_has("the commit", out, "\ncommitter " MAL_IDENT " ");
	assert_has("the commit", out, "\n\ndocs(adr): ADR-0001 " TITLE_SHOWN);
	assert_has("the commit", out, "\nDecided-by: " MAL_IDENT "\n");
	assert_has("the commit", out, "\nParticipant: " MAL_IDENT "\n");
	assert_has("the commit", out, "\nCode-Range: " ODD_FILE_SHOWN ":1-2@");
	free(out);

	/* The command line: `moot why` still finds the range by the file's
	 * real name. */
	out = run(repo, "moot why", h_moot_path(), "why", ODD_FILE ":2", "-C",
	    repo, NULL);
	assert_clean("moot why", out);
	assert_has("moot why", out, "ADR-0001  accepted  " TITLE_SHOWN "\n");
	assert_has("moot why", out, ODD_FILE_SHOWN);
	free(out);
	out = run(repo, "moot decisions", h_moot_path(), "decisions", "-C",
	    repo, NULL);
	assert_clean("moot decisions", out);
	assert_has("moot decisions", out, TITLE_SHOWN);
	free(out);

	/* The log: who joined, what was said, drafted and accepted. */
	log = h_daemon_log_text(d, NULL);
	assert_clean("the daemon's log", log);
	assert_has("the daemon's log", log, MAL_SHOWN " <" MAL_EMAIL_SHOWN ">");
	free(log);
	h_pass();
}

/* Has the log a line "refused an unknown key"? */
static int
log_refused(struct h_daemon *d)
{
	char *log = h_daemon_log_text(d, NULL);
	int yes = strstr(log, "refused an unknown key") != NULL;

	free(log);
	return yes;
}

/*
 * An unauthenticated client offers a key for a user name with the byte
 * 0x9b, U+009B, U+009D, U+202E and a newline: the log line about it is
 * one line with all of them shown, none raw.
 */
static void
test_log_user_name(void **state)
{
	struct h_daemon *d;
	char *repo, *kx, *log, *p;
	long long deadline;

	repo = h_repo_create("README.md", "hello\n", NULL);
	(void)h_key_create(repo, ALICE);
	kx = h_key_new(repo); /* not in authorized_keys */
	d = h_daemon_start(repo);

	assert_int_equal(h_try_key(h_daemon_port(d), kx,
	                     "ev\x9b\xc2\x9b\xc2\x9d\xe2\x80\xaeil\n"
	                     "moot[1]: forged"),
	    SSH_AUTH_DENIED);
	deadline = h_now_ms() + WAIT;
	while (!log_refused(d)) {
		if (h_now_ms() > deadline)
			fail_msg("no \"refused an unknown key\" in the log");
		h_pump_all(50);
	}
	log = h_daemon_log_text(d, NULL);
	assert_clean("the daemon's log", log);
	assert_has("the daemon's log", log,
	    "refused an unknown key for user "
	    "ev\\x9b<U+009B><U+009D><U+202E>il^Jmoot[1]: forged\n");
	for (p = log; (p = strchr(p, '\n')) != NULL; p++) {
		if (strncmp(p + 1, "moot[1]", 7) == 0)
			fail_msg("a forged log line:\n%s", log);
	}
	free(log);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_bidi_everywhere, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_log_user_name, h_setup, h_teardown),
	};

	/* E2E_FILTER=test_log_user_name runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
