/* test-log.c: `moot log` after a scripted session over SSH: its exact
 * lines, --for, --json, --since, with the daemon running and stopped. */
#include "moot.h"

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
#include "timeline.h"

#define WAIT 10000 /* ms for anything prompt (sanitizer builds are slow) */
#define JOIN 15000 /* ms for joining (key exchange, fork) */
#define COLS 160
#define ROWS 30

#define ALICE "Alice Liddell <alice@example.com>"
#define BOB "Bob Stone <bob@example.com>"
#define WAL "Use WAL for the journal"
#define WAL_FILE "doc/adr/0001-use-wal-for-the-journal.md"
#define QUESTION "Do we need a checkpoint?"

/* A name with a C1 control (CSI) and a bidi override, as test-inert. */
#define MAL "Mal\xe2\x80\xaelory\xc2\x9b <mal@example.com>"
#define MAL_SHOWN "Mal<U+202E>lory<U+009B>"
/* A question with a right-to-left mark. */
#define ODD_QUESTION "Is\xe2\x80\x8f it safe?"
#define ODD_QUESTION_SHOWN "Is<U+200F> it safe?"

/* "YYYY-MM-DD HH:MM UTC  ": the time column of every line. */
#define DATE_COLUMN 22

static const char journal_c[] =
    "journal 01\njournal 02\njournal 03\njournal 04\njournal 05\n"
    "journal 06\njournal 07\njournal 08\njournal 09\njournal 10\n";

#define wait_status(c, s) h_wait_status(c, h_status_row(c), s, WAIT)
#define wait_notice(c, s) h_wait_row_has(c, h_status_row(c), s, WAIT)

static struct h_client *
join(int port, const char *key, const char *user)
{
	return h_client_connect(port, key, user, COLS, ROWS, "xterm-256color");
}

/* The palette: type line, see it as shown, Enter. */
static void
palette(struct h_client *c, const char *line, const char *shown)
{
	char *want;

	h_key(c, "C-p");
	h_wait_row(c, 0, "Command:", WAIT);
	h_send(c, line);
	xasprintf(&want, "Command: %s", shown);
	h_wait_row(c, 0, want, WAIT);
	free(want);
	h_key(c, "Enter");
	h_wait_row_lacks(c, 0, "Command:", WAIT);
}

/* `moot log -C repo ARGS...` (at most four): its output (stdout and
 * stderr) and exit status. */
static char *
moot_log(const char *repo, int *status, const char *a1, const char *a2,
    const char *a3)
{
	char *out;

	*status = h_run_capture(repo, NULL, &out, h_moot_path(), "log", "-C",
	    repo, a1, a2, a3, NULL);
	return out;
}

/* moot_log that must succeed. */
static char *
moot_log_ok(const char *repo, const char *a1, const char *a2)
{
	char *out;
	int status;

	out = moot_log(repo, &status, a1, a2, NULL);
	if (status != 0)
		fail_msg("moot log %s %s exited %d:\n%s", a1 ? a1 : "",
		    a2 ? a2 : "", status, out);
	return out;
}

/* The log's lines without their time column, which must be a date. */
static char *
strip_dates(const char *log)
{
	char *out = xmalloc(strlen(log) + 1), *o = out;
	const char *p = log, *nl;
	int y, mo, d, h, mi;
	char tail[8];

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			fail_msg("a last line without a newline: \"%s\"", p);
		if (nl - p < DATE_COLUMN ||
		    sscanf(p, "%4d-%2d-%2d %2d:%2d %3s", &y, &mo, &d, &h, &mi,
		        tail) != 6 ||
		    strcmp(tail, "UTC") != 0 || p[DATE_COLUMN - 2] != ' ' ||
		    p[DATE_COLUMN - 1] != ' ' || p[DATE_COLUMN] == ' ')
			fail_msg("no date column: \"%.*s\"", (int)(nl - p), p);
		memcpy(o, p + DATE_COLUMN, (size_t)(nl + 1 - p - DATE_COLUMN));
		o += nl + 1 - p - DATE_COLUMN;
		p = nl + 1;
	}
	*o = '\0';
	return out;
}

/* JSON with every "time":N as "time":0 (each must be a number). */
static char *
strip_times(const char *json)
{
	char *out = xmalloc(strlen(json) + 1), *o = out;
	const char *p = json;
	size_t n;

	while (*p != '\0') {
		if (strncmp(p, "\"time\":", 7) == 0) {
			memcpy(o, "\"time\":0", 8);
			o += 8;
			p += 7;
			n = strspn(p, "0123456789");
			if (n < 10)
				fail_msg("a time that is no Unix time: %s", p);
			p += n;
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
	return out;
}

static void
assert_text(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail_msg("%s:\n--- got\n%s--- want\n%s---", what, got, want);
}

/* No byte a terminal acts on: C0 but '\n', DEL, C1 as UTF-8. */
static void
assert_clean(const char *what, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			fail_msg("%s has byte 0x%02x at %zu:\n%s", what, *p,
			    (size_t)(p - (const unsigned char *)s), s);
		if (p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0xae || p[2] == 0x8f))
			fail_msg("%s has a bidi control at %zu", what,
			    (size_t)(p - (const unsigned char *)s));
	}
}

/* Wait until the daemon has seen a connection end (the journal has its
 * "left"): Ctrl-Q takes someone off the screens first. */
static void
wait_left(const char *repo)
{
	long long deadline = h_now_ms() + WAIT;

	while (h_journal_int(repo, "SELECT count(*) FROM events WHERE "
	                           "kind = 108") == 0) {
		if (h_now_ms() > deadline)
			fail_msg("no \"left\" event in the journal");
		usleep(20000);
	}
}

/* The session every test of the log reads: Alice and Bob join; Bob asks
 * a question; Alice decides (the question goes into the draft) and
 * accepts; Bob edits, saves and leaves; Alice commits; Carol commits
 * outside moot. The ids of the three commits, in that order. */
struct script {
	char *repo;
	struct h_daemon *d;
	char *accepted, *committed, *outside;
};

static void
script_run(struct script *s)
{
	struct h_client *a, *b;
	char *ka, *kb;
	int port;

	s->repo = h_repo_create("src/journal.c", journal_c, NULL);
	/* The repository's first commit is from long before the session. */
	free(h_sh(s->repo,
	    "GIT_COMMITTER_DATE='2020-01-01T00:00:00Z' git commit "
	    "-q --amend --no-edit --date='2020-01-01T00:00:00Z'"));
	kb = h_key_new(s->repo);
	h_key_authorize(s->repo, kb, BOB);
	ka = h_key_create(s->repo, ALICE);
	s->d = h_daemon_start(s->repo);
	port = h_daemon_port(s->d);
	a = join(port, ka, "alice");
	h_wait_row(a, h_presence_row(a), "Alice Liddell src/journal.c:1", JOIN);
	b = join(port, kb, "bob");
	h_wait_row(a, h_presence_row(a),
	    "Alice Liddell src/journal.c:1  Bob Stone src/journal.c:1", JOIN);

	palette(b, "question " QUESTION, "question " QUESTION);
	wait_notice(b, "question noted (1 open)");
	palette(a, "decide " WAL, "decide " WAL);
	wait_status(a, " " WAL_FILE);
	wait_notice(a, "ADR-0001 drafted");
	palette(a, "accept", "accept");
	wait_notice(a, "Alice Liddell accepted ADR-0001: " WAL " (commit ");
	s->accepted = h_sh(s->repo, "git rev-parse HEAD");

	/* Bob edits line 7, saves, and leaves. */
	h_key(b, "C-g");
	wait_status(b, " Go to line:");
	h_send(b, "7");
	h_key(b, "Enter");
	wait_notice(b, "7:1");
	h_send(b, "B");
	h_wait_row_has(b, 6, "Bjournal 07", WAIT);
	h_key(b, "C-s");
	h_wait(b, "saved by Bob Stone", WAIT);
	h_key(b, "C-q");
	h_wait_closed(b, WAIT);
	h_client_close(b);
	h_wait_row_lacks(a, h_presence_row(a), "Bob Stone", WAIT);
	wait_left(s->repo);

	/* Alice commits what Bob saved: Refs: ADR-0001. */
	h_palette(a, "commit", WAIT);
	wait_status(a, " Commit message:");
	h_send(a, "journal: use WAL");
	wait_status(a, " Commit message: journal: use WAL");
	h_key(a, "Enter");
	wait_notice(a, "Alice Liddell committed ");
	s->committed = h_sh(s->repo, "git rev-parse HEAD");

	/* A second later (its time has seconds only), Carol commits with
	 * git itself. */
	sleep(1);
	free(h_sh(s->repo,
	    "echo more >>src/journal.c && git add src/journal.c && "
	    "git -c user.name=Carol -c user.email=carol@example.com "
	    "commit -q -m 'journal: outside moot' -m 'Refs: ADR-0001'"));
	s->outside = h_sh(s->repo, "git rev-parse HEAD");
}

static void
script_free(struct script *s)
{
	free(s->accepted);
	free(s->committed);
	free(s->outside);
}

static char *
script_want(const struct script *s)
{
	char *want;

	xasprintf(&want,
	    "Alice Liddell joined\n"
	    "Bob Stone joined\n"
	    "Bob Stone asked: " QUESTION "\n"
	    "Alice Liddell started ADR-0001: " WAL "\n"
	    "Alice Liddell took the question into ADR-0001: " QUESTION "\n"
	    "Alice Liddell accepted ADR-0001: " WAL " (commit %.7s)\n"
	    "saved src/journal.c (Bob Stone)\n"
	    "Bob Stone left\n"
	    "Alice Liddell committed %.7s: journal: use WAL (Refs: ADR-0001)\n"
	    "Carol committed %.7s: journal: outside moot (Refs: ADR-0001)\n",
	    s->accepted, s->committed, s->outside);
	return want;
}

static char *
script_want_json(const struct script *s)
{
	char *want;

	xasprintf(&want,
	    "[\n"
	    "{\"time\":0,\"kind\":\"joined\",\"who\":\"Alice Liddell\","
	    "\"text\":\"Alice Liddell joined\",\"from\":\"journal\","
	    "\"commit\":null,\"decision\":null,\"refs\":[]},\n"
	    "{\"time\":0,\"kind\":\"joined\",\"who\":\"Bob Stone\","
	    "\"text\":\"Bob Stone joined\",\"from\":\"journal\","
	    "\"commit\":null,\"decision\":null,\"refs\":[]},\n"
	    "{\"time\":0,\"kind\":\"asked\",\"who\":\"Bob Stone\","
	    "\"text\":\"Bob Stone asked: " QUESTION "\",\"from\":\"journal\","
	    "\"commit\":null,\"decision\":null,\"refs\":[]},\n"
	    "{\"time\":0,\"kind\":\"drafted\",\"who\":\"Alice Liddell\","
	    "\"text\":\"Alice Liddell started ADR-0001: " WAL "\","
	    "\"from\":\"journal\",\"commit\":null,\"decision\":null,"
	    "\"refs\":[]},\n"
	    "{\"time\":0,\"kind\":\"answered\",\"who\":\"Alice Liddell\","
	    "\"text\":\"Alice Liddell took the question into "
	    "ADR-0001: " QUESTION
	    "\",\"from\":\"journal\",\"commit\":null,\"decision\":null,"
	    "\"refs\":[]},\n"
	    "{\"time\":0,\"kind\":\"accepted\",\"who\":\"Alice Liddell\","
	    "\"text\":\"Alice Liddell accepted ADR-0001: " WAL "\","
	    "\"from\":\"journal\",\"commit\":\"%s\",\"decision\":\"ADR-0001\","
	    "\"refs\":[]},\n"
	    "{\"time\":0,\"kind\":\"saved\",\"who\":\"Bob Stone\","
	    "\"text\":\"saved src/journal.c (Bob Stone)\",\"from\":\"journal\","
	    "\"commit\":null,\"decision\":null,\"refs\":[]},\n"
	    "{\"time\":0,\"kind\":\"left\",\"who\":\"Bob Stone\","
	    "\"text\":\"Bob Stone left\",\"from\":\"journal\","
	    "\"commit\":null,\"decision\":null,\"refs\":[]},\n"
	    "{\"time\":0,\"kind\":\"committed\",\"who\":\"Alice Liddell\","
	    "\"text\":\"Alice Liddell committed %.7s: journal: use WAL\","
	    "\"from\":\"journal\",\"commit\":\"%s\",\"decision\":null,"
	    "\"refs\":[\"ADR-0001\"]},\n"
	    "{\"time\":0,\"kind\":\"committed\",\"who\":\"Carol\","
	    "\"text\":\"Carol committed %.7s: journal: outside moot\","
	    "\"from\":\"git\",\"commit\":\"%s\",\"decision\":null,"
	    "\"refs\":[\"ADR-0001\"]}\n"
	    "]\n",
	    s->accepted, s->committed, s->committed, s->outside, s->outside);
	return want;
}

/*
 * The scripted session's log, exactly (the time column checked as a date
 * and left out); --json the same; with the daemon stopped, the same again;
 * --since 2h the same; --since tomorrow nothing.
 */
static void
test_log_session(void **state)
{
	struct script s;
	char *out, *got, *want, *running, *running_json, *tomorrow;
	size_t n;

	memset(&s, 0, sizeof s);
	script_run(&s);

	running = moot_log_ok(s.repo, NULL, NULL);
	got = strip_dates(running);
	want = script_want(&s);
	assert_text("moot log", got, want);
	free(got);

	running_json = moot_log_ok(s.repo, "--json", NULL);
	got = strip_times(running_json);
	free(want);
	want = script_want_json(&s);
	assert_text("moot log --json", got, want);
	free(got);
	free(want);

	out = moot_log_ok(s.repo, "--since", "2h");
	assert_text("moot log --since 2h", out, running);
	free(out);
	tomorrow = h_sh(s.repo, "date -u -d tomorrow +%Y-%m-%d");
	out = moot_log_ok(s.repo, "--since", tomorrow);
	assert_text("moot log --since tomorrow", out, "");
	free(out);
	free(tomorrow);

	/* The daemon stopped: the same, to the byte, and then Alice, still
	 * connected, left when it stopped. */
	assert_int_equal(h_daemon_stop(s.d), 0);
	out = moot_log_ok(s.repo, NULL, NULL);
	if (strncmp(out, running, strlen(running)) != 0)
		assert_text("moot log, daemon stopped", out, running);
	got = strip_dates(out + strlen(running));
	assert_text("moot log, daemon stopped: the rest", got,
	    "Alice Liddell left\n");
	free(got);
	free(out);
	out = moot_log_ok(s.repo, "--json", NULL);
	n = strlen(running_json) - strlen("\n]\n");
	if (strncmp(out, running_json, n) != 0)
		assert_text("moot log --json, daemon stopped", out, running_json);
	got = strip_times(out + n);
	assert_text("moot log --json, daemon stopped: the rest", got,
	    ",\n{\"time\":0,\"kind\":\"left\",\"who\":\"Alice Liddell\","
	    "\"text\":\"Alice Liddell left\",\"from\":\"journal\","
	    "\"commit\":null,\"decision\":null,\"refs\":[]}\n]\n");
	free(got);
	free(out);
	free(running);
	free(running_json);
	script_free(&s);
	h_pass();
}

/* --for NAME: what happened since NAME was last here, not by NAME; an
 * unknown name is an error naming the people known. */
static void
test_log_for(void **state)
{
	struct script s;
	char *out, *got, *want;
	int status;

	memset(&s, 0, sizeof s);
	script_run(&s);
	out = moot_log_ok(s.repo, "--for", "Bob Stone");
	got = strip_dates(out);
	xasprintf(&want,
	    "Alice Liddell committed %.7s: journal: use WAL (Refs: ADR-0001)\n"
	    "Carol committed %.7s: journal: outside moot (Refs: ADR-0001)\n",
	    s.committed, s.outside);
	assert_text("moot log --for 'Bob Stone'", got, want);
	free(want);
	free(got);
	free(out);

	out = moot_log(s.repo, &status, "--for", "Zed", NULL);
	assert_int_equal(status, 2);
	if (strstr(out, "moot log: no such person 'Zed' (known: ") != out ||
	    strstr(out, "Alice Liddell") == NULL ||
	    strstr(out, "Bob Stone") == NULL)
		fail_msg("moot log --for Zed says:\n%s", out);
	free(out);

	out = moot_log(s.repo, &status, "--for", "Bob Stone", "--since=2h");
	assert_int_equal(status, 2);
	free(out);
	script_free(&s);
	h_pass();
}

/* Accepting a draft that supersedes a decision: "superseded"; a question
 * asked in a draft. */
static void
test_log_supersede(void **state)
{
	struct h_daemon *d;
	struct h_client *a;
	char *repo, *ka, *out, *got, *want, *head;

	repo = h_repo_create("README.md", "demo\n", "doc/adr/0001-use-c.md",
	    "# 1. Use C\n\nDate: 2024-01-15\n\n## Status\n\nAccepted\n", NULL);
	free(h_sh(repo, "GIT_COMMITTER_DATE='2020-01-01T00:00:00Z' git commit "
	                "-q --amend --no-edit --date='2020-01-01T00:00:00Z'"));
	ka = h_key_create(repo, ALICE);
	d = h_daemon_start(repo);
	a = join(h_daemon_port(d), ka, "alice");
	h_wait_row_has(a, h_presence_row(a), "Alice Liddell", JOIN);
	palette(a, "supersede 1", "supersede 1");
	wait_notice(a, "ADR-0002 drafted");
	palette(a, "question Still needed?", "question Still needed?");
	wait_notice(a, "question added to ADR-0002");
	palette(a, "accept", "accept");
	wait_notice(a, "Alice Liddell accepted ADR-0002: Supersede ADR-0001");
	head = h_sh(repo, "git rev-parse HEAD");

	out = moot_log_ok(repo, NULL, NULL);
	got = strip_dates(out);
	xasprintf(&want,
	    "Alice Liddell joined\n"
	    "Alice Liddell started ADR-0002: Supersede ADR-0001\n"
	    "Alice Liddell asked in ADR-0002: Still needed?\n"
	    "Alice Liddell accepted ADR-0002: Supersede ADR-0001 (commit "
	    "%.7s)\n"
	    "Alice Liddell superseded ADR-0001 with ADR-0002\n",
	    head);
	assert_text("moot log", got, want);
	free(want);
	free(got);
	free(out);
	out = moot_log_ok(repo, "--json", NULL);
	if (strstr(out, "{\"time\":") == NULL ||
	    strstr(out, "\"kind\":\"superseded\",\"who\":\"Alice Liddell\","
	                "\"text\":\"Alice Liddell superseded ADR-0001 with "
	                "ADR-0002\",\"from\":\"journal\",\"commit\":null,"
	                "\"decision\":null,\"refs\":[]}\n]\n") == NULL)
		fail_msg("moot log --json:\n%s", out);
	free(out);
	free(head);
	h_pass();
}

/* Bad dates: a clear message and exit 2; good ones parse to the ms. */
static void
test_log_dates(void **state)
{
	static const char *const bad[] = {"", "yesterday", "2026-13-01",
	    "2026-02-30", "2026-12-02 25:00", "2026-12-02 14:3", "2h ago",
	    "-2h", "1969-12-31", "2026-12-0", "12x", "1234567d",
	    "2026-12-02 14:03 CET"};
	int64_t t, now = 1796000000000LL;
	char *repo, *out;
	size_t i;
	int status;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (timeline_parse_since(bad[i], now, &t) != -1)
			fail_msg("\"%s\" parsed as %lld", bad[i], (long long)t);
	}
	assert_int_equal(timeline_parse_since("2026-12-02", now, &t), 0);
	assert_int_equal(t, 1796169600000LL);
	assert_int_equal(timeline_parse_since("2026-12-02 14:03", now, &t), 0);
	assert_int_equal(t, 1796169600000LL + (14 * 60 + 3) * 60000LL);
	assert_int_equal(timeline_parse_since("2026-12-02T14:03Z", now, &t), 0);
	assert_int_equal(t, 1796169600000LL + (14 * 60 + 3) * 60000LL);
	assert_int_equal(
	    timeline_parse_since("2026-12-02 14:03 UTC", now, &t), 0);
	assert_int_equal(t, 1796169600000LL + (14 * 60 + 3) * 60000LL);
	assert_int_equal(timeline_parse_since("2024-02-29", now, &t), 0);
	assert_int_equal(t, 1709164800000LL);
	assert_int_equal(timeline_parse_since("90m", now, &t), 0);
	assert_int_equal(t, now - 90 * 60000LL);
	assert_int_equal(timeline_parse_since("2h", now, &t), 0);
	assert_int_equal(t, now - 2 * 3600000LL);
	assert_int_equal(timeline_parse_since("3d", now, &t), 0);
	assert_int_equal(t, now - 3 * 86400000LL);
	assert_int_equal(timeline_parse_since("1w", now, &t), 0);
	assert_int_equal(t, now - 7 * 86400000LL);

	repo = h_repo_create("a.txt", "a\n", NULL);
	out = moot_log(repo, &status, "--since", "last tuesday", NULL);
	assert_int_equal(status, 2);
	if (strstr(out, "moot log: not a date: 'last tuesday' (give "
	                "YYYY-MM-DD") != out)
		fail_msg("moot log --since 'last tuesday' says:\n%s", out);
	free(out);
	out = moot_log(repo, &status, "--since", "2h\033[31m", NULL);
	assert_int_equal(status, 2);
	assert_clean("the message for a bad date", out);
	free(out);
	h_pass();
}

/* No journal at all: HEAD's whole history, from git. */
static void
test_log_git_only(void **state)
{
	char *repo, *out, *got, *want, *first, *second;

	repo = h_repo_create("a.txt", "a\n", NULL);
	first = h_sh(repo, "git rev-parse HEAD");
	free(h_sh(repo, "echo b >>a.txt && git commit -qam 'a: b' "
	                "-m 'Refs: ADR-0002, ADR-0003'"));
	second = h_sh(repo, "git rev-parse HEAD");
	out = moot_log_ok(repo, NULL, NULL);
	got = strip_dates(out);
	xasprintf(&want,
	    "Test committed %.7s: initial\n"
	    "Test committed %.7s: a: b (Refs: ADR-0002, ADR-0003)\n",
	    first, second);
	assert_text("moot log without a journal", got, want);
	free(want);
	free(got);
	free(out);
	free(first);
	free(second);
	h_pass();
}

/*
 * Hostile text: a name with a C1 control and a bidi override, a question
 * with a right-to-left mark, a commit by a name with ESC whose subject
 * sets the terminal's title. The log shows them all, inert; --json
 * escapes them to plain ASCII.
 */
static void
test_log_inert(void **state)
{
	struct h_daemon *d;
	struct h_client *m;
	char *repo, *km, *out;

	repo = h_repo_create("a.txt", "a\n", NULL);
	km = h_key_new(repo);
	h_key_authorize(repo, km, MAL);
	d = h_daemon_start(repo);
	m = join(h_daemon_port(d), km, "mallory");
	h_wait_row_has(m, h_presence_row(m), MAL_SHOWN " ", JOIN);
	palette(m, "question " ODD_QUESTION, "question " ODD_QUESTION_SHOWN);
	wait_notice(m, "question noted (1 open)");
	free(
	    h_sh(repo, "echo b >>a.txt && git -c user.name=\"$(printf "
	               "'Eve\\033[31m')\" -c user.email=eve@example.com commit "
	               "-qam \"$(printf 'x\\033]0;pwned\\007 \\302\\233y')\""));

	out = moot_log_ok(repo, NULL, NULL);
	assert_clean("moot log", out);
	if (strstr(out, "  " MAL_SHOWN " joined\n") == NULL ||
	    strstr(out, "  " MAL_SHOWN " asked: " ODD_QUESTION_SHOWN "\n") ==
	        NULL ||
	    strstr(out, "  Eve^[[31m committed ") == NULL ||
	    strstr(out, ": x^[]0;pwned^G <U+009B>y\n") == NULL)
		fail_msg("moot log:\n%s", out);
	free(out);

	out = moot_log_ok(repo, "--json", NULL);
	assert_clean("moot log --json", out);
	if (strstr(out, "\"who\":\"Mal<U+202E>lory<U+009B>\"") == NULL ||
	    strstr(out, "\"who\":\"Eve^[[31m\"") == NULL)
		fail_msg("moot log --json:\n%s", out);
	free(out);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_log_session, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_log_for, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_log_supersede, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_log_dates, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_log_git_only, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_log_inert, h_setup, h_teardown),
	};

	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
