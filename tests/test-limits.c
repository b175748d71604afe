/* test-limits.c: end-to-end tests of what one person may cost the others.
 * Unfinished pastes, chat floods, quoted chat, huge terminals. */
#include "moot.h"

#include <sys/types.h>

#include <ctype.h>
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
#include "proto.h"
#include "record.h"
#include "server.h"

#define WAIT 10000 /* ms for anything prompt (sanitizer builds are slow) */
#define JOIN 15000 /* ms for joining (key exchange, fork) */
#define COLS 160   /* wide enough for the longest notice */
#define ROWS 30

#define PASTE_START "\033[200~"
#define PASTE_END "\033[201~"

#define ALICE "Alice Liddell <alice@example.com>"
#define BOB "Bob Stone <bob@example.com>"
#define MALLORY "Mallory <mallory@example.com>"

static const char readme[] = "# Limits\nsecond line\n";

#define wait_status(c, s) h_wait_status(c, h_status_row(c), s, WAIT)
#define wait_notice(c, s) h_wait_row_has(c, h_status_row(c), s, WAIT)

/* Join at COLSxROWS (wide enough for every notice) and wait for the first
 * frame: the file's name on the status row. */
static struct h_client *
join(int port, const char *key, const char *user)
{
	struct h_client *c;

	c = h_client_connect(port, key, user, COLS, ROWS, "xterm-256color");

	wait_status(c, " README.md");
	return c;
}

/* Within ms, the status row of c shows text. */
static int
shows(struct h_client *c, const char *text, int ms)
{
	struct h_rowtext rt;

	rt.y = h_status_row(c);
	rt.text = text;
	return h_until(c, h_row_has, &rt, ms);
}

#define BUDGET_NOTICE                                                          \
	"paste refused: 2 MB already being pasted; nothing was pasted"
#define MAX_NOTICE "paste refused: over 1 MB; nothing was pasted"

/* Send len bytes of paste data (printable, no ESC) in pieces. */
static void
send_paste_data(struct h_client *c, size_t len, char fill)
{
	static char chunk[32768];
	size_t n;

	memset(chunk, fill, sizeof chunk);
	while (len > 0) {
		n = len < sizeof chunk ? len : sizeof chunk;
		h_send_bytes(c, chunk, n);
		len -= n;
		h_pump_all(0);
	}
}

/* Lines of text that contain s. */
static int
count_lines(const char *text, const char *s)
{
	const char *p, *nl;
	int n = 0;

	for (p = text; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (memmem(p, nl - p, s, strlen(s)) != NULL)
			n++;
		if (*nl == '\0')
			break;
	}
	return n;
}

/*
 * Four connections start pastes and never end them, with far more data
 * than the budget: the daemon holds at most the budget (2 MB here), each
 * paste over a limit is refused with a notice, its memory given back, and
 * nothing of it is pasted; the others keep working. On the old code every
 * paste was kept up to 256 MB: the daemon grew by all that was sent.
 */
static void
test_paste_budget(void **state)
{
	struct h_client *a, *m[4];
	struct h_daemon *d;
	char *repo, *ka, *km;
	const char *row;
	long before, peak;
	int i, port, budget = 0, max = 0;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, ALICE);
	km = h_key_create(repo, MALLORY);
	d = h_daemon_start_args(
	    repo, "--max-paste", "1M", "--paste-budget", "2M", (char *)NULL);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");
	for (i = 0; i < 4; i++)
		m[i] = join(port, km, "mallory");
	h_pump_all(300);
	before = h_rss_kb(h_daemon_pid(d));
	assert_true(before > 0);

	/* 768 KB each, under --max-paste: three of them are over the
	 * budget together, so at least two are refused for it (which ones
	 * depends on how the connections' pieces interleave). */
	for (i = 0; i < 4; i++) {
		h_send(m[i], PASTE_START);
		send_paste_data(m[i], 768 * 1024, 'a' + i);
	}
	for (i = 0; !shows(m[i], BUDGET_NOTICE, i == 3 ? WAIT : 500); i++) {
		if (i == 3)
			fail_msg("nobody was refused for the budget");
	}

	/* 12 MB more each: the pastes still held go over --max-paste. */
	for (i = 0; i < 4; i++)
		send_paste_data(m[i], 12 * 1024 * 1024, 'a' + i);

	/* Alice was never held up. */
	h_send(a, "typed ");
	h_wait_row(a, 0, "typed # Limits", WAIT);

	/* The daemon never held much more than the budget (51 MB were
	 * sent): twice the budget for what is held and what is being
	 * decoded, and room for the rest. */
	peak = h_peak_kb(h_daemon_pid(d));
	fprintf(
	    stderr, "daemon RSS %ld kB before, peak %ld kB\n", before, peak);
	if (peak - before > 16 * 1024)
		fail_msg("the daemon grew by %ld kB for 2 MB of pastes",
		    peak - before);

	/* The pastes end: nothing of them is pasted, and each is told again
	 * why: some for the budget, at least one for its size. */
	for (i = 0; i < 4; i++) {
		h_send(m[i], PASTE_END);
		wait_notice(m[i], "paste refused: ");
		row = h_row(m[i], h_status_row(m[i]));
		if (strstr(row, BUDGET_NOTICE) != NULL)
			budget++;
		else if (strstr(row, MAX_NOTICE) != NULL)
			max++;
		else
			fail_msg("mallory %d: status row \"%s\"", i, row);
	}
	if (budget < 2 || max < 1)
		fail_msg("%d refused for the budget, %d for their size", budget,
		    max);
	h_pump_all(300);
	h_wait_row(a, 0, "typed # Limits", WAIT);
	h_wait_row(a, 1, "second line", WAIT);

	/* A paste under the limits works again. */
	h_send(m[0], PASTE_START "pasted fine" PASTE_END);
	h_wait_row_has(a, 0, "pasted fine", WAIT);
	h_wait_row_has(a, 0, "typed # Limits", WAIT);
	h_pass();
}

/*
 * One paste over --max-paste is refused whole with a notice; one at the
 * limit goes in. On the old code the limit was 256 MB: both went in.
 */
static void
test_paste_max(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo, *ka, *kb;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, ALICE);
	kb = h_key_create(repo, BOB);
	d = h_daemon_start_args(repo, "--max-paste", "64K", (char *)NULL);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");
	b = join(port, kb, "bob");

	/* 64 KiB + 1 byte: refused, told at once and at the end. */
	h_send(a, PASTE_START);
	send_paste_data(a, 64 * 1024 + 1, 'x');
	wait_notice(a, "paste refused: over 64 KB; nothing was pasted");

	h_send(a, PASTE_END);
	h_pump_all(500);
	h_wait_row(a, 0, "# Limits", WAIT);
	h_wait_row(b, 0, "# Limits", WAIT);

	/* Exactly 64 KiB: one line of x and the text after it. */
	h_send(a, PASTE_START);
	send_paste_data(a, 64 * 1024, 'y');
	h_send(a, PASTE_END);
	wait_status(a, " README.md [+]");
	h_wait_row_has(b, 0, "yyyyyyyyyy", WAIT);
	h_pass();
}

/*
 * A flood of 200 chat messages: the sender is told to slow down, the
 * others keep working, the journal and the log hold only what the limit
 * let through. On the old code all 200 went to everyone, the journal and
 * the log.
 */
static void
test_chat_flood(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo, *ka, *kb, *msg, *log;
	long long t0, elapsed;
	long rows, allowed;
	int i, port, lines;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, ALICE);
	kb = h_key_create(repo, BOB);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");
	b = join(port, kb, "bob");
	h_pump_all(200);

	/* Ctrl-T, the text, Enter: 200 times, as fast as it goes. */
	t0 = h_now_ms();
	for (i = 0; i < 200; i++) {
		xasprintf(&msg, "\024flood %03d\r", i);
		h_send(a, msg);
		free(msg);
		if (i % 20 == 0)
			h_pump_all(0);
	}
	wait_notice(a, "slow down: you may chat or decide again in ");

	/* Bob works as usual and sees the messages that got through. */
	h_send(b, "bob ");
	h_wait_row(b, 0, "bob # Limits", WAIT);
	h_wait_row(a, 0, "bob # Limits", WAIT);
	h_wait(b, "Alice Liddell: flood ", WAIT);

	/* The journal has the chat messages let through: a burst, then one
	 * every SERVER_BROADCAST_MS. */
	h_pump_all(500);
	elapsed = h_now_ms() - t0;
	allowed = SERVER_BROADCAST_BURST + elapsed / SERVER_BROADCAST_MS + 1;
	rows = h_journal_int(repo, "SELECT count(*) FROM chat");
	fprintf(stderr, "%ld chat rows in %lld ms (at most %ld allowed)\n",
	    rows, elapsed, allowed);
	if (rows < SERVER_BROADCAST_BURST || rows > allowed)
		fail_msg(
		    "%ld chat messages journaled in %lld ms", rows, elapsed);

	/* The log: one line a message let through, not 200. */
	log = h_daemon_log_text(d, NULL);
	lines = count_lines(log, "says: ");
	if (lines > allowed)
		fail_msg("%d chat lines in the log:\n%s", lines, log);
	free(log);

	/* When the bucket has refilled, Alice's kept text goes out. */
	h_key(a, "Escape");
	h_pump_all(SERVER_BROADCAST_MS + 200);
	h_key(a, "C-t");
	wait_status(a, " Say:");
	h_send(a, "after the flood\r");
	h_wait(b, "Alice Liddell: after the flood", WAIT);
	h_pass();
}

/*
 * Saving fast is never refused (work must always be savable), but a save
 * over the rate of shared actions is told only to the person who saved,
 * not announced nor kept for `since`: the journal's events stay bounded.
 */
static void
test_save_flood(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo, *ka, *kb, *text;
	long long t0, elapsed, events, allowed;
	size_t len;
	int i, port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, ALICE);
	kb = h_key_create(repo, BOB);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");
	b = join(port, kb, "bob");
	h_pump_all(200);

	/* A character and Ctrl-S, 40 times, as fast as it goes. */
	t0 = h_now_ms();
	for (i = 0; i < 40; i++) {
		h_send(a, "s\023");
		if (i % 10 == 0)
			h_pump_all(0);
	}
	h_wait_row(
	    a, 0, "ssssssssssssssssssssssssssssssssssssssss# Limits", WAIT);
	wait_notice(a, "saved README.md");
	h_wait_row_lacks(a, h_status_row(a), "[+]", WAIT);
	text = h_read_file(repo, "README.md", &len);
	assert_string_equal(text,
	    "ssssssssssssssssssssssssssssssssssssssss# Limits\n"
	    "second line\n");
	free(text);
	h_wait_row(
	    b, 0, "ssssssssssssssssssssssssssssssssssssssss# Limits", WAIT);

	h_pump_all(300);
	elapsed = h_now_ms() - t0;
	allowed = SERVER_BROADCAST_BURST + elapsed / SERVER_BROADCAST_MS + 1;
	events = h_journal_int(repo, "SELECT count(*) FROM events WHERE "
	                             "kind = 115"); /* 's' */
	fprintf(stderr, "%lld save events in %lld ms (at most %lld)\n", events,
	    elapsed, allowed);
	if (events < 1 || events > allowed)
		fail_msg("%lld saves announced in %lld ms", events, elapsed);
	h_pass();
}

/* The record of a decide, read from its file. Caller frees. */
static char *
record_text(const char *repo, const char *file)
{
	char *text;
	size_t len;

	if ((text = h_read_file(repo, file, &len)) == NULL)
		fail_msg("no record %s", file);
	return text;
}

/*
 * A decide after 250 chat messages quotes the newest RECORD_QUOTE_MAX
 * (100) and says where the other 150 are; the commit's Discussion trailer
 * says so too. On the old code the record quoted all 250.
 */
static void
test_decide_quotes(void **state)
{
	struct h_client *a;
	struct h_daemon *d;
	char *repo, *ka, *rec, *out, *want;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, ALICE);
	d = h_daemon_start(repo);
	assert_int_equal(h_daemon_stop(d), 0);
	/* 250 messages of a past session, a second apart. */
	out =
	    h_sh(repo, "sqlite3 .git/moot/journal.db \"WITH RECURSIVE n(i) AS "
	               "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250) "
	               "INSERT INTO chat (time, author, name, text) SELECT "
	               "(strftime('%s', 'now') - 300 + i) * 1000, 'SHA256:x', "
	               "'Mallory', printf('message %03d', i) FROM n\"");
	free(out);

	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");
	h_key(a, "C-p");
	h_wait_row(a, 0, "Command:", WAIT);
	h_send(a, "decide Flood\r");
	wait_status(a, " doc/adr/0001-flood.md");

	rec = record_text(repo, "doc/adr/0001-flood.md");
	assert_int_equal(count_lines(rec, "> Mallory ("), RECORD_QUOTE_MAX);
	assert_non_null(strstr(rec,
	    "\nDiscussion:\n\n150 earlier messages are not quoted here: "
	    "`chat` in the session's palette shows them all, and the "
	    "session's journal keeps them (.git/moot/journal.db).\n\n"
	    "> Mallory ("));
	assert_null(strstr(rec, "): message 150\n"));
	assert_non_null(strstr(rec, "): message 151\n"));
	assert_non_null(strstr(rec, "): message 250\n"));
	free(rec);

	h_key(a, "C-p");
	h_wait_row(a, 0, "Command:", WAIT);
	h_send(a, "accept\r");
	wait_notice(a, "accepted ADR-0001: Flood (commit ");
	out = h_sh(repo, "git log -1 --format=%B | git interpret-trailers "
	                 "--parse | grep ^Discussion:");
	xasprintf(
	    &want, " UTC, the last %d quoted in the record", RECORD_QUOTE_MAX);
	if (strncmp(out, "Discussion: 250 chat messages, ", 31) != 0 ||
	    strlen(out) < strlen(want) ||
	    strcmp(out + strlen(out) - strlen(want), want) != 0)
		fail_msg("the Discussion trailer is: %s", out);
	free(want);
	free(out);
	h_pass();
}

/*
 * A terminal that says it is 10000x10000 is drawn at PROTO_MAX_COLS x
 * PROTO_MAX_ROWS (1000x500): its status row is row 498. One that grows to
 * that size too. The others keep working. On the old code the frame was
 * 1000x1000.
 */
static void
test_huge_terminal(void **state)
{
	struct h_client *a, *b, *c;
	struct h_daemon *d;
	char *repo, *ka, *kb, *kc;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, ALICE);
	kb = h_key_create(repo, BOB);
	kc = h_key_create(repo, "Carol <carol@example.com>");
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = join(port, ka, "alice");

	b = h_client_connect_pty(port, kb, "bob", PROTO_MAX_COLS,
	    PROTO_MAX_ROWS, 10000, 10000, "xterm-256color");
	assert_int_equal(h_status_row(b), PROTO_MAX_ROWS - 2);
	wait_status(b, " README.md");
	h_wait_row_has(b, PROTO_MAX_ROWS - 1, "Alice Liddell", WAIT);
	h_wait_row_has(b, PROTO_MAX_ROWS - 1, "Bob Stone", WAIT);

	/* Carol grows to 10000x10000 after joining. */
	c = join(port, kc, "carol");
	h_resize_pty(c, PROTO_MAX_COLS, PROTO_MAX_ROWS, 10000, 10000);
	wait_status(c, " README.md");
	h_wait_row_has(c, PROTO_MAX_ROWS - 1, "Carol", WAIT);

	/* Alice types; everyone sees it. */
	h_send(a, "abc");
	h_wait_row(a, 0, "abc# Limits", WAIT);
	h_wait_row(b, 0, "abc# Limits", WAIT);
	h_wait_row(c, 0, "abc# Limits", WAIT);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_paste_budget, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_paste_max, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_chat_flood, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_save_flood, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_decide_quotes, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_huge_terminal, h_setup, h_teardown),
	};

	/* E2E_FILTER=test_chat_flood runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
