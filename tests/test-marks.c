/* test-marks.c: end-to-end tests of decisions in the editor: the margin's
 * marks following unsaved edits, why off the loop, since's decisions. */
#include "moot.h"

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define WAIT 10000 /* ms for anything the daemon does */
#define JOIN 15000 /* ms for joining (key exchange, fork) */

#define ALICE "Alice Liddell <alice@example.com>"
#define BOB "Bob Stone <bob@example.com>"

#define MARK "\xe2\x96\x8e"    /* U+258E: a decided line */
#define CHANGED "\xe2\x96\x8c" /* U+258C: a decided line changed */

/* Twelve lines "line 01" .. "line 12"; the last one 79 columns wide (an
 * 80-column terminal shows 79 beside the margin). */
static char *
f_text(void)
{
	char *s = xstrdup(""), *t;
	int i;

	for (i = 1; i <= 11; i++) {
		xasprintf(&t, "%sline %02d\n", s, i);
		free(s);
		s = t;
	}
	xasprintf(&t, "%sline 12 %071d\n", s, 0);
	free(s);
	return t;
}

/* Commit a decision with the git command: trailers as moot writes them,
 * ranges ("f.c:3-5", one per line) taken at HEAD. */
static void
git_decide(const char *repo, unsigned n, const char *title, const char *ranges,
    const char *date)
{
	char *head, *msg, *cmd, *out, *r, *line, *next;

	head = h_sh(repo, "git rev-parse HEAD");
	xasprintf(&msg,
	    "docs(adr): ADR-%04u %s\n\nDecision-Id: ADR-%04u\n"
	    "Decision-Status: accepted\n",
	    n, title, n);
	r = xstrdup(ranges);
	for (line = r; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		xasprintf(&cmd, "%sCode-Range: %s@%s\n", msg, line, head);
		free(msg);
		msg = cmd;
	}
	free(r);
	h_write_file(repo, ".git/h-msg", msg, strlen(msg));
	xasprintf(&cmd,
	    "GIT_AUTHOR_DATE='%s' GIT_COMMITTER_DATE='%s' git commit -q "
	    "--allow-empty -F .git/h-msg",
	    date, date);
	out = h_sh(repo, cmd);
	free(out);
	free(cmd);
	free(msg);
	free(head);
}

/* A git date n seconds from now. */
static char *
date_in(long n)
{
	char *s;

	xasprintf(&s, "@%lld +0000", (long long)time(NULL) + n);
	return s;
}

/* The repository: f.c, committed; ADR-0001 on its lines 3-5. */
static char *
repo_with_decision(void)
{
	char *text = f_text(), *repo, *now = date_in(0);

	repo = h_repo_create("f.c", text, NULL);
	git_decide(repo, 1, "Keep f small", "f.c:3-5", now);
	free(text);
	free(now);
	return repo;
}

struct two {
	struct h_daemon *d;
	struct h_client *a, *b;
	char *ka, *kb;
	int port;
};

/* Alice (and Bob, when two) on f.c. */
static void
start(struct two *s, const char *repo, int two)
{
	s->ka = h_key_create(repo, ALICE);
	s->kb = h_key_create(repo, BOB);
	s->d = h_daemon_start(repo);
	s->port = h_daemon_port(s->d);
	s->a = h_join(s->port, s->ka, "alice");
	h_wait_row_has(s->a, h_presence_row(s->a), "Alice Liddell f.c:1", JOIN);
	if (!two)
		return;
	s->b = h_join(s->port, s->kb, "bob");
	h_wait_row_has(s->a, h_presence_row(s->a),
	    "Alice Liddell f.c:1  Bob Stone f.c:1", JOIN);
	h_wait_row_has(s->b, h_presence_row(s->b),
	    "Alice Liddell f.c:1  Bob Stone f.c:1", JOIN);
}

/* What the margin of row y shows: 'd' decided, 'e' changed, '.' none. */
static char
margin_at(struct h_client *c, int y)
{
	struct h_cell cell;

	h_cell(c, 0, y, &cell);
	if (cell.ch == 0x258e)
		return 'd';
	if (cell.ch == 0x258c)
		return 'e';
	return '.';
}

/* The margin of rows 0 .. strlen(want) - 1 is want. */
static int
has_margin(struct h_client *c, void *arg)
{
	const char *want = arg;
	size_t y;

	for (y = 0; want[y] != '\0'; y++) {
		if (margin_at(c, (int)y) != want[y])
			return 0;
	}
	return 1;
}

#define wait_margin(c, want)                                                   \
	h_wait_pred(c, has_margin, (void *)(want), "the margin " want, WAIT)

/* Ctrl-G to a line, waiting for the status to say so. */
static void
goto_line(struct h_client *c, int line)
{
	char want[32];

	h_key(c, "C-g");
	h_wait_row_has(c, h_status_row(c), "Go to line:", WAIT);
	snprintf(want, sizeof want, "%d", line);
	h_send(c, want);
	h_key(c, "Enter");
	snprintf(want, sizeof want, " %d:1", line);
	h_wait_row_has(c, h_status_row(c), want, WAIT);
}

/* Whether the terminal cursor is at x, y. */
struct at {
	int x, y;
};

static int
cursor_at(struct h_client *c, void *arg)
{
	const struct at *at = arg;
	int x, y;

	h_cursor(c, &x, &y);
	return x == at->x && y == at->y;
}

/*
 * The margin shows ADR-0001's lines 3-5 only, with the text one column
 * to the right; Bob's unsaved lines above move Alice's marks down; Bob's
 * typing in a decided line marks it changed on Alice's screen; Bob's
 * cursor, Alice's cursor and a long line's horizontal scroll take the
 * margin into account; why on a marked line names the decision.
 */
static void
test_marks_follow_edits(void **state)
{
	struct two s;
	struct h_cell cell;
	struct at at;
	char *repo = repo_with_decision();

	memset(&s, 0, sizeof s);
	start(&s, repo, 1);
	wait_margin(s.a, "..ddd........");
	wait_margin(s.b, "..ddd........");
	h_wait_row(s.a, 0, " line 01", WAIT);
	h_wait_row(s.a, 2, MARK "line 03", WAIT);
	h_wait_row(s.a, 5, " line 06", WAIT);
	/* Alice's cursor is on the text, not the margin. */
	at.x = 1;
	at.y = 0;
	h_wait_pred(s.a, cursor_at, &at, "Alice's cursor at 1,0", WAIT);

	/* Bob types two lines above, unsaved. */
	h_send(s.b, "new a");
	h_key(s.b, "Enter");
	h_send(s.b, "new b");
	h_key(s.b, "Enter");
	h_wait_row(s.a, 1, " new b", WAIT);
	wait_margin(s.a, "....ddd......");
	h_wait_row(s.a, 4, MARK "line 03", WAIT);
	h_wait_row(s.a, 7, " line 06", WAIT);
	h_wait_row_has(s.a, h_status_row(s.a), "f.c [+]", WAIT);

	/* Bob types at the end of line 04 (line 6 now). */
	goto_line(s.b, 6);
	h_key(s.b, "End");
	h_send(s.b, "X");
	h_wait_row(s.a, 5, CHANGED "line 04X", WAIT);
	wait_margin(s.a, "....ded......");
	/* Bob's cursor, after the X, in Bob's colour on Alice's screen. */
	h_cell(s.a, 9, 5, &cell);
	assert_false(cell.bg_default);
	h_cell(s.a, 8, 5, &cell);
	assert_true(cell.bg_default);

	/* Alice on line 03 (line 5 now): the cursor beside the margin. */
	goto_line(s.a, 5);
	at.y = 4;
	h_wait_pred(s.a, cursor_at, &at, "Alice's cursor at 1,4", WAIT);

	/* why on it: ADR-0001, through Bob's unsaved lines. */
	h_palette(s.a, "why", WAIT);
	h_wait_row(s.a, 0, " Why f.c:5", WAIT);
	h_wait_row_has(s.a, 1, "ADR-0001", WAIT);
	h_key(s.a, "Escape");
	h_wait_row(s.a, 4, MARK "line 03", WAIT);

	/* The long last line: its end shows with the cursor after it. */
	goto_line(s.a, 14);
	h_key(s.a, "End");
	h_wait_row_has(s.a, h_status_row(s.a), " 14:80", WAIT);
	at.y = 13;
	at.x = 1 + 79 - (79 - 79 + 79 / 4 + 1);
	h_wait_pred(
	    s.a, cursor_at, &at, "Alice's cursor after the long line", WAIT);
	h_wait_row_has(s.a, 13, "0000000", WAIT);
	h_pass();
}

/* A file with no decided line has no margin: it looks as it always has. */
static void
test_no_margin(void **state)
{
	struct two s;
	struct at at = {0, 0};
	char *repo = repo_with_decision(), *out;

	h_write_file(repo, "g.c", "plain 1\nplain 2\n", 16);
	out = h_sh(repo, "git add g.c && git commit -q -m g");
	free(out);
	memset(&s, 0, sizeof s);
	start(&s, repo, 0);
	wait_margin(s.a, "..ddd..");
	h_open(s.a, "g.c", WAIT);
	h_wait_row_has(s.a, h_status_row(s.a), " g.c", WAIT);
	h_wait_row(s.a, 0, "plain 1", WAIT);
	h_wait_pred(s.a, cursor_at, &at, "Alice's cursor at 0,0", WAIT);
	wait_margin(s.a, "...");
	h_pass();
}

/*
 * Lines edited in a decided range are marked changed until they are
 * committed: after a save they still are; once HEAD moves (a commit made
 * outside the session), the marks are computed again and they are not.
 */
static void
test_marks_head_moves(void **state)
{
	struct two s;
	char *repo = repo_with_decision(), *out;

	memset(&s, 0, sizeof s);
	start(&s, repo, 0);
	wait_margin(s.a, "..ddd..");
	goto_line(s.a, 4);
	h_key(s.a, "End");
	h_send(s.a, "Y");
	wait_margin(s.a, "..ded..");
	h_key(s.a, "C-s");
	h_wait_row_lacks(s.a, h_status_row(s.a), "[+]", WAIT);
	h_wait_row(s.a, 3, CHANGED "line 04Y", WAIT);
	out = h_sh(repo, "git commit -q -am 'line 04Y'");
	free(out);
	wait_margin(s.a, "..ddd..");
	h_wait_row(s.a, 3, MARK "line 04Y", WAIT);
	h_pass();
}

/*
 * why is computed off the loop: while it runs (held back by the test
 * hook's gate), Bob's keys are echoed and Alice sees "looking"; when it
 * may go on, Alice's pop-up opens.
 */
static void
test_why_off_the_loop(void **state)
{
	struct two s;
	char *repo = repo_with_decision(), *gate, *dir;

	dir = h_tmpdir("gate");
	xasprintf(&gate, "%s/open", dir);
	setenv("MOOT_TEST_FORK_GATE", gate, 1);
	memset(&s, 0, sizeof s);
	start(&s, repo, 1);
	unsetenv("MOOT_TEST_FORK_GATE");

	/* Nothing forked gets on: no margin yet. */
	h_wait_row(s.a, 2, "line 03", WAIT);
	goto_line(s.a, 3);
	h_palette(s.a, "why", WAIT);
	h_wait_row_has(s.a, h_status_row(s.a), "why: looking", WAIT);

	h_send(s.b, "hello ");
	h_wait_row(s.b, 0, "hello line 01", WAIT);
	h_wait_row(s.a, 0, "hello line 01", WAIT);
	/* The answer has not come, and is not shown. */
	assert_null(strstr(h_screen(s.a), "Why f.c"));
	h_palette(s.a, "why", WAIT);
	h_wait_row_has(s.a, h_status_row(s.a), "why: still looking", WAIT);

	h_write_file(dir, "open", "", 0);
	h_wait_row(s.a, 0, " Why f.c:3", WAIT);
	h_wait_row_has(s.a, 1, "ADR-0001", WAIT);
	h_key(s.a, "Escape");
	wait_margin(s.a, "..ddd..");

	/* An answer that comes while Alice types in a prompt is a notice:
	 * no pop-up takes her keys. */
	assert_int_equal(unlink(gate), 0);
	h_palette(s.a, "why", WAIT);
	h_wait_row_has(s.a, h_status_row(s.a), "why: looking", WAIT);
	h_key(s.a, "C-t");
	h_wait_row_has(s.a, h_status_row(s.a), "Say:", WAIT);
	h_write_file(dir, "open", "", 0);
	h_wait_row_has(s.a, h_status_row(s.a), "why f.c:3: ADR-0001", WAIT);
	h_send(s.a, "hi");
	h_wait_row_has(s.a, h_status_row(s.a), "Say: hi", WAIT);
	assert_null(strstr(h_screen(s.a), "Why f.c"));
	h_key(s.a, "Escape");
	free(gate);
	h_pass();
}

/* Whether some row holds text. */
static int
has_text(struct h_client *c, void *arg)
{
	return strstr(h_screen(c), arg) != NULL;
}

/*
 * since lists the accepted decisions whose code changed after the
 * person's last visit, with how much; not those changed before it.
 */
static void
test_since_changed(void **state)
{
	struct two s;
	char *repo = repo_with_decision(), *past, *later, *cmd, *out;

	/* ADR-0002 on lines 8-9, changed before Bob's visit. */
	past = date_in(-3600);
	git_decide(repo, 2, "Lines eight and nine", "f.c:8-9", past);
	out = h_sh(repo, "sed -i 's/^line 08$/line 08 early/' f.c");
	free(out);
	xasprintf(&cmd,
	    "GIT_AUTHOR_DATE='%s' GIT_COMMITTER_DATE='%s' git commit -q -am "
	    "early",
	    past, past);
	out = h_sh(repo, cmd);
	free(out);
	free(cmd);

	memset(&s, 0, sizeof s);
	start(&s, repo, 1);
	/* A first visit: no pop-up. Bob leaves. */
	h_wait_row_has(s.b, 0, "line 01", WAIT);
	h_key(s.b, "C-q");
	h_wait_closed(s.b, WAIT);
	h_client_close(s.b);
	h_wait_row_has(s.a, h_presence_row(s.a), "Alice Liddell f.c:1", WAIT);
	h_wait_row_lacks(s.a, h_presence_row(s.a), "Bob", WAIT);

	/* ADR-0001's line 4 changes in a commit after that. */
	later = date_in(60);
	out = h_sh(repo, "sed -i 's/^line 04$/line 04 later/' f.c");
	free(out);
	xasprintf(&cmd,
	    "GIT_AUTHOR_DATE='%s' GIT_COMMITTER_DATE='%s' git commit -q -am "
	    "later",
	    later, later);
	out = h_sh(repo, cmd);
	free(out);
	free(cmd);

	/* Bob comes back: nothing else happened, so the pop-up opens when
	 * the answer comes. */
	s.b = h_join(s.port, s.kb, "bob");
	h_wait_row(s.b, 0, " Since your last visit", JOIN);
	h_wait_pred(s.b, has_text,
	    "Decisions whose code changed since your last visit:",
	    "the heading", WAIT);
	h_wait_pred(s.b, has_text, "ADR-0001 Keep f small", "ADR-0001", WAIT);
	h_wait_pred(s.b, has_text, "1 of 3 lines changed; 1 commit by 1 author",
	    "how much", WAIT);
	assert_null(strstr(h_screen(s.b), "ADR-0002"));
	h_key(s.b, "Escape");
	h_wait_row_has(s.b, 0, "line 01", WAIT);

	/* since shows it again: "looking", then the answer. */
	h_palette(s.b, "since", WAIT);
	h_wait_row(s.b, 0, " Since your last visit", WAIT);
	h_wait_pred(s.b, has_text, "ADR-0001 Keep f small", "ADR-0001", WAIT);
	assert_null(strstr(h_screen(s.b), "ADR-0002"));
	assert_null(strstr(h_screen(s.b), "Nothing new."));
	free(past);
	free(later);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_marks_follow_edits, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_no_margin, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_marks_head_moves, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_why_off_the_loop, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_since_changed, h_setup, h_teardown),
	};

	/* E2E_FILTER=test_since_changed runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
