/* test-edit.c: end-to-end tests of the editing core (issue "Editing core").
 * Recovery, undo, selections, paste, find, files: real daemon and clients. */
#include "moot.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <locale.h>
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
#include <sqlite3.h>

#include "harness.h"
#include "layout.h"

#define SHORT 3000 /* ms for anything that should be immediate */
#define LONG 8000  /* ms for joining (key exchange, fork) */

static const char readme[] = "# Demo\nline two\nline three\nline four\n";

/* Shift + arrow keys as xterm sends them. */
#define SHIFT_RIGHT "\033[1;2C"
#define SHIFT_LEFT "\033[1;2D"
#define PASTE_START "\033[200~"
#define PASTE_END "\033[201~"

/* Wait for the status row to begin with a text (see h_has_status). */
#define wait_status(c, s, ms) h_wait_status(c, h_status_row(c), s, ms)
#define wait_pos(c, l, col, ms) wait_pos_at(c, l, col, ms, __FILE__, __LINE__)
#define assert_file(dir, name, want, len)                                      \
	assert_file_at(dir, name, want, len, __FILE__, __LINE__)
#define assert_file_str(dir, name, want)                                       \
	assert_file_at(dir, name, want, strlen(want), __FILE__, __LINE__)

/* A libssh client with TERM=xterm-256color. */
static struct h_client *
join_size(int port, const char *key, const char *user, int cols, int rows)
{
	return h_client_connect(port, key, user, cols, rows, "xterm-256color");
}

/* The first "LINE:COL" in the status row; 0 if there is none. */
static int
status_pos(struct h_client *c, int *line, int *col)
{
	const char *row = h_row(c, h_status_row(c)), *p;

	for (p = row; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) || (p > row && p[-1] != ' '))
			continue;
		if (sscanf(p, "%d:%d", line, col) == 2) {
			while (isdigit((unsigned char)*p))
				p++;
			if (*p == ':')
				return 1;
		}
	}
	return 0;
}

struct pos {
	int line;
	int col;
};

static int
pos_is(struct h_client *c, void *arg)
{
	struct pos *want = arg;
	int line, col;

	if (!status_pos(c, &line, &col))
		return 0;
	return line == want->line && (want->col == 0 || col == want->col);
}

/* Wait for the status row to show L:C (any column if col is 0). */
static void
wait_pos_at(
    struct h_client *c, int line, int col, int ms, const char *file, int fline)
{
	struct pos want;
	char *what;

	want.line = line;
	want.col = col;
	if (col != 0)
		xasprintf(&what, "the status row to show %d:%d", line, col);
	else
		xasprintf(&what, "the status row to show line %d", line);
	h_wait_pred_at(c, pos_is, &want, what, ms, file, fline);
	free(what);
}

/* The palette index of a person's name in the presence row: their colour. */
static int
colour_of(struct h_client *c, const char *name)
{
	struct h_cell cell;
	int x;

	x = h_column_of(c, h_presence_row(c), name);
	if (x < 0)
		fail_msg("%s is not in the presence row \"%s\"", name,
		    h_row(c, h_presence_row(c)));
	h_cell(c, x, h_presence_row(c), &cell);
	if (cell.fg_default || cell.fg < 0)
		fail_msg("%s's name has no palette colour", name);
	return cell.fg;
}

/* A file's bytes are exactly these (len bytes). */
static void
assert_file_at(const char *dir, const char *name, const char *want, size_t len,
    const char *file, int line)
{
	char *text;
	size_t n, i;

	text = h_read_file(dir, name, &n);
	if (n != len || memcmp(text, want, len) != 0) {
		for (i = 0; i < n && i < len && text[i] == want[i]; i++)
			;
		if (n < 200 && len < 200)
			fprintf(stderr,
			    "%s:%d: %s is \"%s\" (%zu bytes), expected "
			    "\"%s\" (%zu bytes)\n",
			    file, line, name, text, n, want, len);
		else
			fprintf(stderr,
			    "%s:%d: %s has %zu bytes, expected %zu; they "
			    "differ from byte %zu\n",
			    file, line, name, n, len, i);
		free(text);
		_fail(file, line);
	}
	free(text);
}

/* Ctrl-S on a modified document: the notice comes and [+] goes. */
static void
save_wait(struct h_client *c, const char *who)
{
	char *notice;

	h_wait_row_has(c, h_status_row(c), "[+]", SHORT);
	h_key(c, "C-s");
	xasprintf(&notice, "saved by %s", who);
	h_wait(c, notice, SHORT);
	free(notice);
	h_wait_row_lacks(c, h_status_row(c), "[+]", SHORT);
}

/* Is a file absent? */
static int
absent(const char *dir, const char *name)
{
	struct stat sb;
	char *path;
	int r;

	xasprintf(&path, "%s/%s", dir, name);
	r = lstat(path, &sb) != 0 && errno == ENOENT;
	free(path);
	return r;
}

/* Two people who have joined and see each other. */
static void
join_two(const char *repo, struct h_daemon **d, struct h_client **a,
    struct h_client **b, const char *file)
{
	char *ka, *kb, *both;
	int port;

	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	*d = h_daemon_start(repo);
	port = h_daemon_port(*d);
	*a = h_join(port, ka, "alice");
	h_wait(*a, "Alice ", LONG);
	*b = h_join(port, kb, "bob");
	xasprintf(&both, "Alice %s:1  Bob %s:1", file, file);
	h_wait_row(*a, h_presence_row(*a), both, LONG);
	h_wait_row(*b, h_presence_row(*b), both, LONG);
	free(both);
}

/* The text rows of a screen, joined by newlines. */
static char *
text_rows(struct h_client *c)
{
	char *s = xstrdup(""), *t;
	int y;

	for (y = 0; y < h_status_row(c); y++) {
		xasprintf(&t, "%s%s\n", s, h_row(c, y));
		free(s);
		s = t;
	}
	return s;
}

static int
text_rows_are(struct h_client *c, void *arg)
{
	char *now;
	int same;

	now = text_rows(c);
	same = strcmp(now, arg) == 0;
	free(now);
	return same;
}

static int
row4_changed(struct h_client *c, void *arg)
{
	return strcmp(h_row(c, 4), arg) != 0;
}

static int
screen_has(struct h_client *c, void *arg)
{
	return strstr(h_screen(c), arg) != NULL;
}

static int
is_closed(struct h_client *c, void *arg)
{
	return h_client_closed(c);
}

/*
 * Three people type at once on different lines; the daemon is killed with
 * SIGKILL. The file on disk is untouched; a new daemon recovers every
 * character anyone saw, and everyone's cursor; Ctrl-S then writes it all.
 */
static void
test_kill9_recovery(void **state)
{
	static const char *typed[3] = {"abcdefghijklmnopqrstuvwxyz.,;=",
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ.,;=", "012345678901234567890123456789"};
	static const char *users[3] = {"alice", "bob", "carol"};
	static const char *names[3] = {"Alice <alice@example.com>",
	    "Bob <bob@example.com>", "Carol <carol@example.com>"};
	static const int lines[3] = {2, 5, 8};
	struct h_client *c[3];
	struct h_daemon *d;
	char *repo, *key[3], *orig, *seen[3], *want, *p, *all3;
	char *before;
	long long t0;
	int port, i, j, line, col, poslc[3][2], orphans = 0;

	/* Ten lines: line01 .. line10. */
	orig = xmalloc(10 * 7 + 1);
	for (p = orig, i = 1; i <= 10; i++)
		p += sprintf(p, "line%02d\n", i);
	repo = h_repo_create("README.md", orig, NULL);
	for (i = 0; i < 3; i++)
		key[i] = h_key_create(repo, names[i]);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	all3 = "Alice README.md:1  Bob README.md:1  Carol README.md:1";
	for (i = 0; i < 3; i++) {
		c[i] = h_join(port, key[i], users[i]);
		h_wait_row(c[i], 0, "line01", LONG);
	}
	for (i = 0; i < 3; i++)
		h_wait_row(c[i], h_presence_row(c[i]), all3, LONG);

	/* Each goes to their line. */
	for (i = 0; i < 3; i++) {
		for (j = 1; j < lines[i]; j++)
			h_key(c[i], "Down");
		wait_pos(c[i], lines[i], 1, SHORT);
	}

	/* Thirty keys each, interleaved, without waiting. */
	for (j = 0; j < 30; j++) {
		for (i = 0; i < 3; i++)
			h_send_bytes(c[i], typed[i] + j, 1);
		if (j % 10 == 9)
			h_pump_all(0);
	}
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 3; j++) {
			xasprintf(&want, "%sline%02d", typed[j], lines[j]);
			h_wait_row(c[i], lines[j] - 1, want, SHORT);
			free(want);
		}
		wait_pos(c[i], lines[i], 31, SHORT);
		wait_status(c[i], " README.md [+]", SHORT);
	}
	for (i = 0; i < 3; i++) {
		seen[i] = text_rows(c[i]);
		assert_true(status_pos(c[i], &line, &col));
		poslc[i][0] = line;
		poslc[i][1] = col;
	}

	/* kill -9: nothing was saved. */
	assert_int_equal(kill(h_daemon_pid(d), SIGKILL), 0);
	assert_int_equal(h_daemon_stop(d), -1);
	assert_file(repo, "README.md", orig, strlen(orig));
	/* The frontends see their daemon gone and end their sessions
	 * (checked at the end, so recovery is tested either way). */
	for (i = 0; i < 3; i++) {
		if (!h_until(c[i], is_closed, NULL, LONG))
			orphans++;
	}
	for (i = 0; i < 3; i++)
		h_client_close(c[i]);

	/* A new daemon recovers the document. */
	d = h_daemon_start(repo);
	t0 = h_now_ms();
	while (strstr(h_daemon_stdout(d), "Recovered 1 document") == NULL &&
	       h_now_ms() - t0 < 2000)
		h_pump_all(50);
	if (strstr(h_daemon_stdout(d), "Recovered 1 document") == NULL)
		fail_msg("the new daemon does not say `Recovered 1 document`;"
		         " stdout:\n%s",
		    h_daemon_stdout(d));
	assert_file(repo, "README.md", orig, strlen(orig));
	port = h_daemon_port(d);
	for (i = 0; i < 3; i++)
		c[i] = h_join(port, key[i], users[i]);
	for (i = 0; i < 3; i++) {
		h_wait_pred(c[i], text_rows_are, seen[i],
		    "the text rows to be what they were before kill -9", LONG);
		wait_status(c[i], " README.md [+]", SHORT);
		wait_pos(c[i], poslc[i][0], poslc[i][1], SHORT);
	}
	assert_file(repo, "README.md", orig, strlen(orig));

	/* Ctrl-S writes everything. */
	save_wait(c[0], "Alice");
	want = xmalloc(10 * 40 + 1);
	for (p = want, i = 1; i <= 10; i++) {
		for (j = 0; j < 3; j++) {
			if (lines[j] == i)
				p += sprintf(p, "%s", typed[j]);
		}
		p += sprintf(p, "line%02d\n", i);
	}
	assert_file(repo, "README.md", want, strlen(want));
	free(want);
	wait_status(c[1], " README.md 5:31", SHORT);

	/* Undo histories survive too: Bob's undos take away his thirty keys
	 * (in however many groups), and nothing else. */
	for (i = 0; i < 31 && strcmp(h_row(c[2], 4), "line05") != 0; i++) {
		before = xstrdup(h_row(c[2], 4));
		h_key(c[1], "C-z");
		h_until(c[2], row4_changed, before, 1000);
		free(before);
	}
	h_wait_row(c[2], 4, "line05", SHORT);
	xasprintf(&want, "%sline02", typed[0]);
	h_wait_row(c[2], 1, want, SHORT);
	free(want);
	wait_status(c[1], " README.md [+] 5:1", SHORT);
	for (i = 0; i < 3; i++)
		free(seen[i]);
	free(orig);
	if (orphans > 0)
		fail_msg("%d of 3 sessions stayed open for %d ms after their "
		         "daemon was killed",
		    orphans, LONG);
	h_pass();
}

/* The line a person is on, as another's presence row shows it (0 if
 * absent). */
static int
presence_line(struct h_client *c, const char *who)
{
	const char *row = h_row(c, h_presence_row(c)), *p;
	char *tag;
	int line = 0;

	xasprintf(&tag, "%s README.md:", who);
	if ((p = strstr(row, tag)) != NULL)
		line = atoi(p + strlen(tag));
	free(tag);
	return line;
}

/*
 * kill -9 while Alice is still typing: every line Bob had seen her reach,
 * and everything Alice had seen, survives; what is recovered is exactly a
 * prefix of what she typed, and her cursor is at its end.
 */
static void
test_kill9_midstream(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo, *ka, *kb, *stream, *text, *p, line[16];
	size_t len, m, i;
	int n, sawb = 0, sawa = 0, col, la, ca, nl;

	repo = h_repo_create(
	    "README.md", "tail\n", "other.md", "one\ntwo\n", NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait(a, "Alice ", LONG);
	b = h_join(h_daemon_port(d), kb, "bob");
	h_wait_row(
	    b, h_presence_row(b), "Alice README.md:1  Bob README.md:1", LONG);

	/* Bob edits another file: he is to land back there. */
	h_open(b, "other.md", SHORT);
	h_wait_row(b, 1, "two", SHORT);
	h_key(b, "Down");
	h_key(b, "End");
	h_send(b, "B");
	h_wait_row(b, 1, "twoB", SHORT);
	wait_status(b, " other.md [+] 2:5", SHORT);
	h_wait_row(
	    b, h_presence_row(b), "Alice README.md:1  Bob other.md:2", SHORT);

	/* What she types, with Enter as a terminal sends it (CR). */
	stream = xmalloc(200 * 5 + 1);
	for (p = stream, n = 0; n < 200; n++)
		p += sprintf(p, "l%03d\r", n);
	len = p - stream;
	/* Two lines at a time: some are still on their way at the kill. */
	for (n = 0; n < 200; n += 2) {
		memcpy(line, stream + n * 5, 10);
		h_send_bytes(a, line, 10);
		h_pump_all(1);
		if (presence_line(b, "Alice") >= 60)
			break;
	}
	h_pump_all(0);
	sawb = presence_line(b, "Alice");
	if (!status_pos(a, &sawa, &col))
		sawa = 0;
	assert_int_equal(kill(h_daemon_pid(d), SIGKILL), 0);
	assert_int_equal(h_daemon_stop(d), -1);
	fprintf(stderr,
	    "killed after %d lines sent; Bob saw line %d, Alice "
	    "line %d\n",
	    n + 2, sawb, sawa);
	assert_true(sawb >= 2);
	assert_file_str(repo, "README.md", "tail\n");
	h_client_close(a);
	h_client_close(b);

	assert_file_str(repo, "other.md", "one\ntwo\n");
	d = h_daemon_start(repo);
	if (strstr(h_daemon_stdout(d), "Recovered 2 documents") == NULL)
		fail_msg("the new daemon does not say `Recovered 2 documents`;"
		         " stdout:\n%s",
		    h_daemon_stdout(d));
	b = h_join(h_daemon_port(d), kb, "bob");
	wait_status(b, " other.md [+] 2:5", LONG);
	h_wait_row(b, 1, "twoB", SHORT);
	a = h_join(h_daemon_port(d), ka, "alice");
	wait_status(a, " README.md [+]", LONG);
	assert_true(status_pos(a, &la, &ca));
	if (la < sawb || la < sawa)
		fail_msg("recovered Alice at line %d; before kill -9 Bob saw "
		         "her at line %d and she saw line %d",
		    la, sawb, sawa);
	save_wait(a, "Alice");

	/* The file: a prefix of the stream (CR as LF), then "tail\n". */
	text = h_read_file(repo, "README.md", &m);
	assert_true(m >= 5);
	assert_memory_equal(text + m - 5, "tail\n", 5);
	m -= 5;
	assert_true(m <= len);
	for (nl = 0, i = 0; i < m; i++) {
		if (text[i] == '\n')
			nl++;
		if (text[i] != (stream[i] == '\r' ? '\n' : stream[i]))
			fail_msg(
			    "recovered text differs from what was typed at "
			    "byte %zu",
			    i);
	}
	assert_int_equal(la, nl + 1);
	assert_int_equal(ca, (int)(m - (size_t)nl * 5) + 1);
	free(text);
	free(stream);
	h_pass();
}

/*
 * Ctrl-Z undoes my last change group only; Ctrl-Y redoes it; text others
 * typed inside mine stays; a group others deleted entirely cannot be
 * undone; undo works across a save.
 */
static void
test_undo(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo;
	long long t0, elapsed;

	repo = h_repo_create("README.md", "one\ntwo\nthree\n", NULL);
	join_two(repo, &d, &a, &b, "README.md");

	/* Nothing done yet. */
	h_key(a, "C-z");
	h_wait(a, "nothing to undo", SHORT);
	h_wait_row(a, 0, "one", SHORT);

	h_key(b, "Down");
	wait_pos(b, 2, 1, SHORT);
	h_send(a, "hello ");
	h_wait_row(b, 0, "hello one", SHORT);
	h_pump_all(600);
	h_send(b, "world");
	h_wait_row(a, 1, "worldtwo", SHORT);
	h_pump_all(600);

	/* Alice undoes her typing; Bob's stays. */
	h_key(a, "C-z");
	h_wait_row(a, 0, "one", SHORT);
	h_wait_row(b, 0, "one", SHORT);
	h_wait_row(a, 1, "worldtwo", SHORT);
	h_wait_row(b, 1, "worldtwo", SHORT);
	wait_status(a, " README.md [+]", SHORT);
	h_key(a, "C-y");
	h_wait_row(a, 0, "hello one", SHORT);
	h_wait_row(b, 0, "hello one", SHORT);
	h_wait_row(a, 1, "worldtwo", SHORT);

	/* Bob types inside Alice's word; her undo removes her bytes only. */
	h_key(b, "Up");
	h_key(b, "Home");
	wait_pos(b, 1, 1, SHORT);
	h_key(b, "Right");
	h_key(b, "Right");
	h_key(b, "Right");
	wait_pos(b, 1, 4, SHORT);
	h_send(b, "XY");
	h_wait_row(a, 0, "helXYlo one", SHORT);
	h_pump_all(600);
	h_key(a, "C-z");
	h_wait_row(a, 0, "XYone", SHORT);
	h_wait_row(b, 0, "XYone", SHORT);
	h_wait_row(a, 1, "worldtwo", SHORT);

	/* Alice has nothing else to undo (once the first notice is gone). */
	h_wait_gone(a, "nothing to undo", 8000);
	h_key(a, "C-z");
	h_wait(a, "nothing to undo", SHORT);
	h_wait_row(a, 0, "XYone", SHORT);
	h_wait_row(a, 1, "worldtwo", SHORT);

	/* Bob deletes everything Alice typed: her undo has nothing left. */
	h_key(a, "Down");
	h_key(a, "Down");
	h_key(a, "Home");
	wait_pos(a, 3, 1, SHORT);
	h_send(a, "ZZZ");
	h_wait_row(b, 2, "ZZZthree", SHORT);
	h_pump_all(600);
	h_key(b, "Down");
	h_key(b, "Down");
	h_key(b, "Home");
	wait_pos(b, 3, 1, SHORT);
	h_key(b, "Delete");
	h_key(b, "Delete");
	h_key(b, "Delete");
	h_wait_row(a, 2, "three", SHORT);
	h_key(a, "C-z");
	h_wait(a, "nothing left to undo: others changed that text", SHORT);
	h_pump_all(300);
	assert_string_equal(h_row(a, 0), "XYone");
	assert_string_equal(h_row(a, 1), "worldtwo");
	assert_string_equal(h_row(a, 2), "three");
	h_wait_row(b, 2, "three", SHORT);

	/* Undo across a save. */
	h_key(a, "Home");
	h_send(a, "save");
	h_wait_row(a, 2, "savethree", SHORT);
	save_wait(a, "Alice");
	assert_file_str(repo, "README.md", "XYone\nworldtwo\nsavethree\n");
	h_key(a, "C-z");
	h_wait_row(a, 2, "three", SHORT);
	h_wait_row(b, 2, "three", SHORT);
	wait_status(a, " README.md [+]", SHORT);
	wait_status(b, " README.md [+]", SHORT);
	assert_file_str(repo, "README.md", "XYone\nworldtwo\nsavethree\n");
	h_key(a, "C-y");
	h_wait_row(a, 2, "savethree", SHORT);

	/* A pause of more than 500 ms closes a group. */
	h_key(a, "End");
	h_send(a, "ab");
	h_wait_row(a, 2, "savethreeab", SHORT);
	h_pump_all(800);
	h_send(a, "cd");
	h_wait_row(a, 2, "savethreeabcd", SHORT);
	h_pump_all(100);
	h_key(a, "C-z");
	h_wait_row(a, 2, "savethreeab", SHORT);
	h_key(a, "C-z");
	h_wait_row(a, 2, "savethree", SHORT);
	h_wait_row(b, 2, "savethree", SHORT);

	/*
	 * Alice types on line 1 between two of Bob's keys on line 2: his
	 * second key is still at the end of his first (the text moved, the
	 * place did not), so both are one group.
	 */
	h_key(a, "Up");
	h_key(a, "Up");
	h_key(a, "Home");
	wait_pos(a, 1, 1, SHORT);
	h_key(b, "Up");
	h_key(b, "End");
	wait_pos(b, 2, 9, SHORT);
	h_pump_all(600);
	t0 = h_now_ms();
	h_send(b, "A");
	h_wait_row(a, 1, "worldtwoA", SHORT);
	h_send(a, "q");
	h_wait_row(b, 0, "qXYone", SHORT);
	h_send(b, "B");
	h_wait_row(a, 1, "worldtwoAB", SHORT);
	elapsed = h_now_ms() - t0;
	h_key(b, "C-z");
	if (elapsed < 400)
		h_wait_row(a, 1, "worldtwo", SHORT);
	else
		fprintf(stderr,
		    "Bob's two keys were %lld ms apart: not "
		    "checking that they are one group\n",
		    elapsed);
	h_wait_row(a, 0, "qXYone", SHORT);
	h_pass();
}

/* Every cell in [x0, x1) of row y has a background of palette index bg. */
struct span {
	int y;
	int x0;
	int x1;
	int bg;      /* -1: default background wanted */
	int reverse; /* reverse video wanted (bg ignored) */
};

static int
span_is(struct h_client *c, void *arg)
{
	struct span *s = arg;
	struct h_cell cell;
	int x;

	for (x = s->x0; x < s->x1; x++) {
		h_cell(c, x, s->y, &cell);
		if (s->reverse) {
			if (!cell.reverse)
				return 0;
			continue;
		}
		if (cell.reverse)
			return 0;
		if (s->bg == -1 && !cell.bg_default)
			return 0;
		/* The frontend draws dark text on any coloured background
		 * (cursor cells too), so the foreground is not checked. */
		if (s->bg != -1 && (cell.bg_default || cell.bg != s->bg))
			return 0;
	}
	return 1;
}

static void
wait_span(struct h_client *c, int y, int x0, int x1, int bg, int reverse,
    const char *what)
{
	struct span s;
	struct h_cell cell;
	int x;

	s.y = y;
	s.x0 = x0;
	s.x1 = x1;
	s.bg = bg;
	s.reverse = reverse;
	if (h_until(c, span_is, &s, SHORT))
		return;
	/* Say what the cells are before failing. */
	for (x = x0; x < x1; x++) {
		h_cell(c, x, y, &cell);
		fprintf(stderr,
		    "cell %d,%d \"%s\": fg %d%s bg %d%s reverse %d\n", x, y,
		    cell.text, cell.fg, cell.fg_default ? " (default)" : "",
		    cell.bg, cell.bg_default ? " (default)" : "", cell.reverse);
	}
	fprintf(
	    stderr, "wanted: %s, bg %d\n", reverse ? "reverse" : "colour", bg);
	h_wait_pred(c, span_is, &s, what, 0);
}

/*
 * Shift+arrows select; others see the selection in the selector's colour,
 * the selector in reverse video. Ctrl-C copies (and ends nothing), Ctrl-V
 * pastes, Ctrl-X cuts; without a selection they take the whole line.
 */
static void
test_selection(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	struct h_cell cell;
	char *repo;
	int alice, i;

	repo = h_repo_create("README.md", "abcdefghij\nsecond line\n", NULL);
	join_two(repo, &d, &a, &b, "README.md");
	h_key(b, "Down");
	wait_pos(b, 2, 1, SHORT);
	h_wait_row(
	    a, h_presence_row(a), "Alice README.md:1  Bob README.md:2", SHORT);
	alice = colour_of(b, "Alice");

	for (i = 0; i < 5; i++)
		h_send(a, SHIFT_RIGHT);
	wait_pos(a, 1, 6, SHORT);
	wait_span(a, 0, 0, 5, 0, 1,
	    "Alice's own selection (columns 0-4) in reverse video");
	h_cell(a, 5, 0, &cell);
	assert_false(cell.reverse);
	wait_span(b, 0, 0, 5, alice, 0,
	    "Alice's selection (columns 0-4) in her colour on Bob's screen");
	h_cell(b, 6, 0, &cell);
	assert_true(cell.bg_default);
	assert_false(cell.reverse);
	h_wait_row(a, 0, "abcdefghij", SHORT);

	/* Ctrl-C copies privately and the session goes on. */
	h_key(a, "C-c");
	h_wait(a, "copied 5 bytes", SHORT);
	h_pump_all(300);
	assert_false(h_client_closed(a));
	assert_null(strstr(h_screen(b), "copied"));

	/* End clears the selection; Ctrl-V pastes. */
	h_key(a, "End");
	wait_pos(a, 1, 11, SHORT);
	wait_span(b, 0, 0, 5, -1, 0, "Alice's selection to be gone");
	wait_span(a, 0, 0, 5, -1, 0, "Alice's own selection to be gone");
	h_key(a, "C-v");
	h_wait_row(a, 0, "abcdefghijabcde", SHORT);
	h_wait_row(b, 0, "abcdefghijabcde", SHORT);
	wait_pos(a, 1, 16, SHORT);

	/* Ctrl-X cuts "cde"; Ctrl-V at the start puts it back there. */
	for (i = 0; i < 3; i++)
		h_send(a, SHIFT_LEFT);
	wait_pos(a, 1, 13, SHORT);
	wait_span(b, 0, 12, 15, alice, 0,
	    "Alice's selection (columns 12-14) on Bob's screen");
	h_key(a, "C-x");
	h_wait_row(a, 0, "abcdefghijab", SHORT);
	h_wait_row(b, 0, "abcdefghijab", SHORT);
	h_key(a, "Home");
	h_key(a, "C-v");
	h_wait_row(b, 0, "cdeabcdefghijab", SHORT);
	wait_pos(a, 1, 4, SHORT);

	/* Typing replaces a selection. */
	h_send(a, SHIFT_RIGHT);
	h_send(a, SHIFT_RIGHT);
	wait_span(a, 0, 3, 5, 0, 1, "Alice's selection (columns 3-4)");
	h_send(a, "Z");
	h_wait_row(b, 0, "cdeZcdefghijab", SHORT);
	wait_pos(a, 1, 5, SHORT);

	/* Bob, without a selection: the whole line with its newline. */
	h_key(b, "C-c");
	h_wait(b, "copied 12 bytes", SHORT);
	h_key(b, "C-v");
	h_wait_row(a, 1, "second line", SHORT);
	h_wait_row(a, 2, "second line", SHORT);
	h_wait_row(b, 2, "second line", SHORT);
	h_key(b, "C-x");
	h_wait_row(a, 2, "", SHORT);
	h_wait_row(a, 1, "second line", SHORT);
	save_wait(a, "Alice");
	assert_file_str(repo, "README.md", "cdeZcdefghijab\nsecond line\n");
	assert_false(h_client_closed(a));
	assert_false(h_client_closed(b));
	h_pass();
}

/*
 * A 5 MB bracketed paste is one op and one undo step, saved byte-exact
 * (CR becomes LF); control bytes in a paste are text, shown inert.
 */
static void
test_paste(void **state)
{
	struct h_client *a;
	struct h_daemon *d;
	char *repo, *ka, *paste, *want, *p;
	size_t len, off, n;
	long long t0;
	int i, j, lines = 50000;

	repo = h_repo_create("README.md", "end\n", NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(a, 0, "end", LONG);
	wait_status(a, " README.md 1:1", SHORT);

	/* 50000 lines of 99 printable characters, each ended by CR. */
	paste = xmalloc((size_t)lines * 100 + 1);
	for (p = paste, i = 0; i < lines; i++) {
		p += sprintf(p, "%05d ", i + 1);
		for (j = 6; j < 99; j++)
			*p++ = '!' + (i * 7 + j) % 94;
		*p++ = '\r';
	}
	len = p - paste;
	assert_int_equal(len, 5000000);

	t0 = h_now_ms();
	h_send(a, PASTE_START);
	for (off = 0; off < len; off += n) {
		n = len - off < 32768 ? len - off : 32768;
		h_send_bytes(a, paste + off, n);
		h_pump_all(0);
	}
	h_send(a, PASTE_END);
	wait_pos(a, lines + 1, 1, 20000);
	wait_status(a, " README.md [+]", SHORT);
	fprintf(stderr, "paste of 5 MB shown after %lld ms\n", h_now_ms() - t0);

	h_key(a, "C-s");
	h_wait(a, "saved by Alice", 10000);
	want = xmalloc(len + 5);
	memcpy(want, paste, len);
	for (off = 0; off < len; off++) {
		if (want[off] == '\r')
			want[off] = '\n';
	}
	memcpy(want + len, "end\n", 4);
	assert_file(repo, "README.md", want, len + 4);
	free(want);

	/* One undo step takes all of it away. */
	h_key(a, "C-z");
	h_wait_row(a, 0, "end", 10000);
	h_wait_row(a, 1, "", SHORT);
	wait_pos(a, 1, 0, SHORT);
	wait_status(a, " README.md [+]", SHORT);
	save_wait(a, "Alice");
	assert_file(repo, "README.md", "end\n", 4);
	fprintf(stderr, "paste test took %lld ms\n", h_now_ms() - t0);

	/* ESC and control bytes in a paste are text; CR LF is one LF. */
	h_key(a, "Home");
	h_send(a, PASTE_START "a\033[31mb\001c\r\nd" PASTE_END);
	h_wait_row(a, 0, "a^[[31mb^Ac", SHORT);
	h_wait_row(a, 1, "dend", SHORT);
	wait_pos(a, 2, 2, SHORT);
	save_wait(a, "Alice");
	assert_file_str(repo, "README.md", "a\033[31mb\001c\ndend\n");
	free(paste);
	h_pass();
}

/* The cells of a string in row y are (or are not) in reverse video. */
static int
word_reversed(struct h_client *c, int y, const char *s)
{
	struct h_cell cell;
	int x, x0;

	if ((x0 = h_column_of(c, y, s)) < 0)
		return 0;
	for (x = x0; x < x0 + (int)strlen(s); x++) {
		h_cell(c, x, y, &cell);
		if (!cell.reverse)
			return 0;
	}
	if (x0 > 0) {
		h_cell(c, x0 - 1, y, &cell);
		if (cell.reverse)
			return 0;
	}
	h_cell(c, x, y, &cell);
	return !cell.reverse;
}

static int
needle_at(struct h_client *c, void *arg)
{
	return word_reversed(c, (int)(intptr_t)arg, "needle");
}

/* Ctrl-F finds, Enter goes on, Esc returns; Ctrl-G goes to a line. */
static void
test_find_goto(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo, *text, *p;
	int i, line, col, alice;

	/* 50 lines, no newline after the last; "needle" on 5, 12 and 18. */
	text = xmalloc(50 * 32);
	for (p = text, i = 1; i <= 50; i++) {
		if (i == 5 || i == 12 || i == 18)
			p += sprintf(p, "here is a needle %02d", i);
		else
			p += sprintf(p, "line %02d", i);
		if (i < 50)
			*p++ = '\n';
	}
	*p = '\0';
	repo = h_repo_create("README.md", text, NULL);
	free(text);
	join_two(repo, &d, &a, &b, "README.md");
	h_wait_row(a, 0, "line 01", LONG);
	wait_status(a, " README.md 1:1", SHORT);
	alice = colour_of(b, "Alice");
	/* A notice (welcome, joined) takes the right of the status row over
	 * the match count: let it go first. */
	h_wait_gone(a, "welcome", 8000);
	h_wait_gone(a, "joined", 8000);

	h_key(a, "C-f");
	wait_status(a, " Find:", SHORT);
	h_send(a, "needle");
	wait_status(a, " Find: needle", SHORT);
	h_wait_row_has(a, h_status_row(a), "1 of 3", SHORT);
	h_wait_pred(a, needle_at, (void *)(intptr_t)4,
	    "\"needle\" selected on row 4 (line 5)", SHORT);
	/* Everyone sees the match selected. */
	wait_span(b, 4, 10, 16, alice, 0,
	    "Alice's match (row 4, columns 10-15) in her colour on Bob's "
	    "screen");
	h_wait_row_has(a, h_presence_row(a), "Alice README.md:5 ", SHORT);

	h_key(a, "Enter");
	h_wait_row_has(a, h_status_row(a), "2 of 3", SHORT);
	h_wait_pred(a, needle_at, (void *)(intptr_t)11,
	    "\"needle\" selected on row 11 (line 12)", SHORT);
	h_wait_row_has(a, h_presence_row(a), "Alice README.md:12 ", SHORT);
	wait_status(a, " Find: needle", SHORT);
	h_key(a, "Up");
	h_wait_row_has(a, h_status_row(a), "1 of 3", SHORT);
	h_wait_row_has(a, h_presence_row(a), "Alice README.md:5 ", SHORT);
	h_key(a, "Enter");
	h_key(a, "Enter");
	h_wait_row_has(a, h_status_row(a), "3 of 3", SHORT);
	h_wait_row_has(a, h_presence_row(a), "Alice README.md:18 ", SHORT);
	h_key(a, "Enter");
	h_wait_row_has(a, h_status_row(a), "1 of 3", SHORT);
	h_wait_row_has(a, h_presence_row(a), "Alice README.md:5 ", SHORT);

	/* Esc: back where the cursor was. */
	h_key(a, "Escape");
	wait_status(a, " README.md 1:1", SHORT);
	h_wait_row_has(a, h_presence_row(a), "Alice README.md:1 ", SHORT);

	/* Not found. */
	h_key(a, "C-f");
	wait_status(a, " Find:", SHORT);
	h_send(a, "zebra");
	wait_status(a, " Find: zebra", SHORT);
	h_wait_row_has(a, h_status_row(a), "not found", SHORT);
	h_key(a, "Escape");
	wait_status(a, " README.md 1:1", SHORT);

	/* Ctrl-F on an empty prompt brings back the last search... */
	h_key(a, "C-f");
	wait_status(a, " Find:", SHORT);
	h_key(a, "C-f");
	wait_status(a, " Find: zebra", SHORT);
	h_key(a, "Escape");
	wait_status(a, " README.md 1:1", SHORT);

	/* ... and Right closes the prompt, keeping the match. */
	h_key(a, "C-f");
	h_send(a, "needle");
	h_wait_row_has(a, h_status_row(a), "1 of 3", SHORT);
	h_key(a, "Enter");
	h_wait_row_has(a, h_status_row(a), "2 of 3", SHORT);
	h_key(a, "Right");
	wait_pos(a, 12, 0, SHORT);
	assert_true(status_pos(a, &line, &col));
	assert_true(col == 11 || col == 17);
	h_wait_row_lacks(a, h_status_row(a), "Find:", SHORT);
	h_wait_row_lacks(a, h_status_row(a), "[+]", SHORT);

	/* Ctrl-G. */
	h_key(a, "C-g");
	wait_status(a, " Go to line:", SHORT);
	h_send(a, "4x0");
	wait_status(a, " Go to line: 40", SHORT);
	h_key(a, "Enter");
	wait_status(a, " README.md 40:1", SHORT);
	h_wait_row_has(a, h_presence_row(a), "Alice README.md:40 ", SHORT);
	h_wait(a, "line 40", SHORT);
	h_key(a, "C-g");
	wait_status(a, " Go to line:", SHORT);
	h_send(a, "999");
	h_key(a, "Enter");
	wait_status(a, " README.md 50:1", SHORT);
	h_wait(a, "line 50", SHORT);
	h_key(a, "C-g");
	h_send(a, "7");
	wait_status(a, " Go to line: 7", SHORT);
	h_key(a, "Escape");
	wait_status(a, " README.md 50:1", SHORT);
	h_wait_row_lacks(a, h_status_row(a), "[+]", SHORT);
	h_pass();
}

/*
 * A file rewritten behind the session: reloaded when unmodified; kept (and
 * saved only on a second Ctrl-S) when modified; Ctrl-R reloads.
 */
static void
test_external_change(void **state)
{
	struct h_client *a;
	struct h_daemon *d;
	char *repo, *ka;

	repo = h_repo_create("README.md", "one\ntwo\n", NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start(repo);
	a = join_size(h_daemon_port(d), ka, "alice", 160, 24);
	h_wait_row(a, 0, "one", LONG);
	wait_status(a, " README.md 1:1", SHORT);
	h_pump_all(300);

	/* Unmodified: reloaded by itself. */
	h_write_file(repo, "README.md", "external one\nexternal two\n", 26);
	h_wait_row(a, 0, "external one", 3500);
	h_wait_row(a, 1, "external two", SHORT);
	h_wait(a, "README.md reloaded from disk", SHORT);
	h_wait_row_lacks(a, h_status_row(a), "[+]", SHORT);
	h_wait_row_lacks(a, h_status_row(a), "[changed on disk]", SHORT);

	/* Modified: the session's text is kept. */
	h_send(a, "X");
	h_wait_row(a, 0, "Xexternal one", SHORT);
	wait_status(a, " README.md [+]", SHORT);
	h_write_file(repo, "README.md", "disk v2\n", 8);
	h_wait(a, "README.md changed on disk: Ctrl-R reloads", 3500);
	wait_status(a, " README.md [+] [changed on disk] 1:2", SHORT);
	h_pump_all(500);
	assert_string_equal(h_row(a, 0), "Xexternal one");
	assert_string_equal(h_row(a, 1), "external two");

	/* The first Ctrl-S asks; the second overwrites. */
	h_key(a, "C-s");
	h_wait(a, "changed on disk: Ctrl-S again overwrites", SHORT);
	h_pump_all(300);
	assert_file(repo, "README.md", "disk v2\n", 8);
	h_key(a, "C-s");
	h_wait(a, "saved by Alice", SHORT);
	assert_file(repo, "README.md", "Xexternal one\nexternal two\n", 27);
	wait_status(a, " README.md 1:2", SHORT);
	/* Its own save is not a change on disk. */
	h_pump_all(1500);
	h_wait_row_lacks(a, h_status_row(a), "[changed on disk]", SHORT);
	h_wait_row_lacks(a, h_status_row(a), "[+]", SHORT);
	assert_string_equal(h_row(a, 0), "Xexternal one");

	/* Modified again; Ctrl-R takes the disk's version; Ctrl-Z undoes
	 * that. */
	h_send(a, "Y");
	h_wait_row(a, 0, "XYexternal one", SHORT);
	h_write_file(repo, "README.md", "disk v3\n", 8);
	wait_status(a, " README.md [+] [changed on disk]", 3500);
	h_key(a, "C-r");
	h_wait_row(a, 0, "disk v3", SHORT);
	h_wait_row(a, 1, "", SHORT);
	wait_status(a, " README.md", SHORT);
	h_wait_row_lacks(a, h_status_row(a), "[+]", SHORT);
	h_wait_row_lacks(a, h_status_row(a), "[changed on disk]", SHORT);
	assert_file(repo, "README.md", "disk v3\n", 8);
	h_pump_all(600);
	h_key(a, "C-z");
	h_wait_row(a, 0, "XYexternal one", SHORT);
	h_wait_row(a, 1, "external two", SHORT);
	wait_status(a, " README.md [+]", SHORT);
	assert_file(repo, "README.md", "disk v3\n", 8);
	h_pass();
}

/* Refused paths; symlinks; untracked and ignored files; a new file. */
static void
test_files(void **state)
{
	static const char *refused[] = {"../outside.txt", "/etc/hostname",
	    ".git/config", "notes/../../outside.txt"};
	struct h_client *a;
	struct h_daemon *d;
	char *repo, *ka, *out, *target, *link, *want;
	size_t i;

	repo = h_repo_create("README.md", readme, "notes/a.md", "note a\n",
	    ".gitignore", "ignored.txt\n", NULL);
	out = h_tmpdir("outside");
	h_write_file(out, "secret.txt", "secret\n", 7);
	xasprintf(&target, "%s/secret.txt", out);
	xasprintf(&link, "%s/evil.md", repo);
	assert_int_equal(symlink(target, link), 0);
	free(link);
	xasprintf(&link, "%s/link.md", repo);
	assert_int_equal(symlink("notes/a.md", link), 0);
	free(link);
	free(target);
	assert_int_equal(
	    h_run(repo, "git", "add", "evil.md", "link.md", NULL), 0);
	assert_int_equal(
	    h_run(repo, "git", "commit", "-q", "-m", "links", NULL), 0);
	h_write_file(repo, "untracked.txt", "u\n", 2);
	h_write_file(repo, "ignored.txt", "i\n", 2);

	ka = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(a, 0, "# Demo", LONG);
	wait_status(a, " README.md 1:1", SHORT);

	/* Paths outside the working tree are refused. */
	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		h_open(a, refused[i], SHORT);
		xasprintf(&want, "%s: outside the repository", refused[i]);
		h_wait(a, want, SHORT);
		free(want);
		h_close_picker(a, SHORT);
		h_wait_row(a, 0, "# Demo", SHORT);
		wait_status(a, " README.md", SHORT);
		h_wait_row(a, h_presence_row(a), "Alice README.md:1", SHORT);
	}

	/* A symlink to outside is refused too, and its target untouched. */
	h_open(a, "evil.md", SHORT);
	h_wait(a, "evil.md: outside the repository", SHORT);
	h_close_picker(a, SHORT);
	h_wait_row(a, 0, "# Demo", SHORT);
	wait_status(a, " README.md", SHORT);
	h_send(a, "S");
	h_wait_row(a, 0, "S# Demo", SHORT);
	save_wait(a, "Alice");
	assert_file(out, "secret.txt", "secret\n", 7);

	/* Untracked files are listed, ignored ones are not. */
	h_key(a, "C-o");
	h_wait_row(a, 0, "Open:", SHORT);
	h_send(a, "txt");
	h_wait_row(a, 0, "Open: txt", SHORT);
	h_wait(a, "untracked.txt", SHORT);
	h_pump_all(200);
	assert_null(strstr(h_screen(a), "ignored.txt"));
	h_key(a, "Escape");
	h_wait_gone(a, "Open:", SHORT);

	/* A symlink inside the tree opens its target. */
	h_open(a, "link.md", SHORT);
	h_wait_row(a, 0, "note a", SHORT);
	h_wait_row_lacks(a, h_status_row(a), "README.md", SHORT);

	/* A new file: offered, opened empty, created by the first save. */
	h_key(a, "C-o");
	h_wait_row(a, 0, "Open:", SHORT);
	h_send(a, "notes/new.md");
	h_wait_row(a, 0, "Open: notes/new.md", SHORT);
	h_wait(a, "new file: notes/new.md", SHORT);
	h_key(a, "Enter");
	wait_status(a, " notes/new.md", SHORT);
	h_wait_row(a, 0, "", SHORT);
	h_wait_row(a, h_presence_row(a), "Alice notes/new.md:1", SHORT);
	assert_true(absent(repo, "notes/new.md"));
	h_send(a, "fresh");
	h_key(a, "Enter");
	h_wait_row(a, 0, "fresh", SHORT);
	save_wait(a, "Alice");
	assert_file(repo, "notes/new.md", "fresh\n", 6);
	assert_file(out, "secret.txt", "secret\n", 7);
	assert_true(absent(repo, "../outside.txt"));
	h_pass();
}

/* Saving through a symlink writes its target and keeps the link. */
static void
test_symlink_save(void **state)
{
	struct h_client *a;
	struct h_daemon *d;
	struct stat sb;
	char *repo, *ka, *link;

	repo =
	    h_repo_create("README.md", readme, "notes/a.md", "note a\n", NULL);
	xasprintf(&link, "%s/link.md", repo);
	assert_int_equal(symlink("notes/a.md", link), 0);
	assert_int_equal(h_run(repo, "git", "add", "link.md", NULL), 0);
	assert_int_equal(
	    h_run(repo, "git", "commit", "-q", "-m", "link", NULL), 0);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(a, 0, "# Demo", LONG);

	h_open(a, "link.md", SHORT);
	h_wait_row(a, 0, "note a", SHORT);
	h_send(a, "L");
	h_wait_row(a, 0, "Lnote a", SHORT);
	save_wait(a, "Alice");
	assert_int_equal(lstat(link, &sb), 0);
	if (!S_ISLNK(sb.st_mode))
		fail_msg("saving through link.md replaced the symlink with a "
		         "regular file");
	assert_file(repo, "notes/a.md", "Lnote a\n", 8);
	free(link);
	h_pass();
}

/* A file with a NUL byte opens read-only and stays as it was. */
static void
test_binary(void **state)
{
	static const char bin[] = "AB\0CD\nsecond\n";
	struct h_client *a;
	struct h_daemon *d;
	char *repo, *ka;
	int told;

	repo = h_repo_create("README.md", readme, NULL);
	h_write_file(repo, "data.bin", bin, sizeof bin - 1);
	assert_int_equal(h_run(repo, "git", "add", "data.bin", NULL), 0);
	assert_int_equal(
	    h_run(repo, "git", "commit", "-q", "-m", "bin", NULL), 0);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(a, 0, "# Demo", LONG);

	h_open(a, "data.bin", SHORT);
	wait_status(a, " data.bin [RO]", SHORT);
	/* Checked at the end so the rest is tested either way. */
	told = h_until(a, screen_has, "data.bin is binary: read-only", SHORT);
	h_wait_row(a, 0, "AB^@CD", SHORT);
	h_wait_row(a, 1, "second", SHORT);

	h_send(a, "x");
	h_wait(a, "data.bin is read-only", SHORT);
	h_key(a, "Enter");
	h_key(a, "Delete");
	h_key(a, "Down");
	h_key(a, "BSpace");
	h_key(a, "C-v");
	wait_pos(a, 2, 1, SHORT);
	h_key(a, "C-s");
	h_pump_all(500);
	h_wait_row(a, 0, "AB^@CD", SHORT);
	h_wait_row(a, 1, "second", SHORT);
	wait_status(a, " data.bin [RO]", SHORT);
	assert_file(repo, "data.bin", bin, sizeof bin - 1);
	if (!told)
		fail_msg("opening data.bin gave no notice "
		         "\"data.bin is binary: read-only\"");
	h_pass();
}

/* The name of the first file in a directory that begins with a prefix. */
static char *
find_prefixed(const char *dir, const char *prefix)
{
	struct dirent *de;
	DIR *dp;
	char *found = NULL;

	if ((dp = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(dp)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0) {
			found = xstrdup(de->d_name);
			break;
		}
	}
	closedir(dp);
	return found;
}

/* Remove the journal's -wal and -shm files (and with all, the journal). */
static void
remove_wal(const char *moot, int all)
{
	char *path;

	if (all) {
		xasprintf(&path, "%s/journal.db", moot);
		unlink(path);
		free(path);
	}
	xasprintf(&path, "%s/journal.db-wal", moot);
	unlink(path);
	free(path);
	xasprintf(&path, "%s/journal.db-shm", moot);
	unlink(path);
	free(path);
}

/* Start a daemon on a repository whose journal is damaged: it runs, says
 * so, leaves files alone and lets people edit. */
static void
check_damaged_start(const char *repo, const char *ka, int garbage)
{
	struct h_client *a;
	struct h_daemon *d;
	const char *out;
	char *moot, *aside, *text;
	size_t len;

	d = h_daemon_start(repo);
	out = h_daemon_stdout(d);
	if (garbage) {
		if (strstr(out, "Journal:") == NULL ||
		    strstr(out, "moved to") == NULL)
			fail_msg("the daemon does not say the journal was "
			         "moved aside; stdout:\n%s",
			    out);
		xasprintf(&moot, "%s/.git/moot", repo);
		aside = find_prefixed(moot, "journal.db.damaged");
		if (aside == NULL)
			fail_msg("no journal.db.damaged* in .git/moot");
		text = h_read_file(moot, aside, &len);
		assert_int_equal(len, 8192);
		assert_memory_equal(text, "this is not a database", 22);
		free(text);
		free(aside);
		free(moot);
	}
	assert_file(repo, "README.md", readme, strlen(readme));

	/* Line 4 is as it was whatever was recovered: edit there. */
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(a, 3, "line four", LONG);
	if (garbage)
		h_wait_row(a, 0, "# Demo", SHORT);
	h_key(a, "Down");
	h_key(a, "Down");
	h_key(a, "Down");
	h_key(a, "Home");
	wait_pos(a, 4, 1, SHORT);
	h_send(a, "Z");
	h_wait_row(a, 3, "Zline four", SHORT);
	wait_status(a, " README.md [+]", SHORT);
	assert_int_equal(kill(h_daemon_pid(d), 0), 0);
	assert_int_equal(h_daemon_stop(d), 0);
	h_client_close(a);
	assert_file(repo, "README.md", readme, strlen(readme));
}

/* A journal of garbage, or cut short, does not stop the daemon. */
static void
test_corrupt_journal(void **state)
{
	struct h_client *a;
	struct h_daemon *d;
	char *repo, *ka, *moot, *junk, *path;
	struct stat sb;
	int i;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	xasprintf(&moot, "%s/.git/moot", repo);

	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(a, 0, "# Demo", LONG);
	h_send(a, "abc");
	h_wait_row(a, 0, "abc# Demo", SHORT);
	assert_int_equal(h_daemon_stop(d), 0);
	h_client_close(a);

	/* Garbage. */
	junk = xmalloc(8192);
	for (i = 0; i < 8192; i++)
		junk[i] = (char)(i * 31 + 7);
	memcpy(junk, "this is not a database", 22);
	h_write_file(moot, "journal.db", junk, 8192);
	remove_wal(moot, 0);
	free(junk);
	check_damaged_start(repo, ka, 1);

	/* Cut short: a new journal with some edits in it, truncated. */
	remove_wal(moot, 1);
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(a, 0, "# Demo", LONG);
	for (i = 0; i < 20; i++)
		h_send(a, "0123456789");
	h_wait_row(a, 1, "line two", SHORT);
	wait_pos(a, 1, 201, SHORT);
	assert_int_equal(h_daemon_stop(d), 0);
	h_client_close(a);
	xasprintf(&path, "%s/journal.db", moot);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 1024);
	assert_int_equal(truncate(path, 1000), 0);
	remove_wal(moot, 0);
	free(path);
	check_damaged_start(repo, ka, 0);
	free(moot);
	h_pass();
}

/* The journal and its -wal and -shm are private; the journal is in WAL
 * mode. */
/*
 * Undo histories survive a save and a crash: the save stores them (the
 * journal is compacted), the typing after it is replayed from ops, and
 * after kill -9 and a restart both groups undo and redo as before.
 */
static void
test_undo_after_restart(void **state)
{
	struct h_client *a;
	struct h_daemon *d;
	char *repo, *ka;

	repo = h_repo_create("README.md", "base\n", NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(a, 0, "base", LONG);
	h_send(a, "one");
	h_wait_row(a, 0, "onebase", SHORT);
	save_wait(a, "Alice");
	h_send(a, "two");
	h_wait_row(a, 0, "onetwobase", SHORT);
	wait_status(a, " README.md [+] 1:7", SHORT);

	assert_int_equal(kill(h_daemon_pid(d), SIGKILL), 0);
	assert_int_equal(h_daemon_stop(d), -1);
	h_client_close(a);
	assert_file_str(repo, "README.md", "onebase\n");

	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(a, 0, "onetwobase", LONG);
	wait_status(a, " README.md [+] 1:7", SHORT);
	h_key(a, "C-z");
	h_wait_row(a, 0, "onebase", SHORT);
	h_key(a, "C-z");
	h_wait_row(a, 0, "base", SHORT);
	h_key(a, "C-z");
	h_wait(a, "nothing to undo", SHORT);
	h_wait_row(a, 0, "base", SHORT);
	h_key(a, "C-y");
	h_wait_row(a, 0, "onebase", SHORT);
	h_key(a, "C-y");
	h_wait_row(a, 0, "onetwobase", SHORT);
	assert_int_equal(h_daemon_stop(d), 0);
	assert_file_str(repo, "README.md", "onebase\n");
	h_pass();
}

static void
test_journal_files(void **state)
{
	static const char *names[] = {
	    "journal.db", "journal.db-wal", "journal.db-shm"};
	struct h_client *a;
	struct h_daemon *d;
	struct stat sb;
	sqlite3 *db;
	sqlite3_stmt *st;
	char *repo, *ka, *path;
	mode_t old;
	size_t i;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	old = umask(0); /* the daemon must not rely on the umask */
	d = h_daemon_start(repo);
	umask(old);
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(a, 0, "# Demo", LONG);
	h_send(a, "abc");
	h_wait_row(a, 0, "abc# Demo", SHORT);

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		xasprintf(&path, "%s/.git/moot/%s", repo, names[i]);
		if (stat(path, &sb) != 0)
			fail_msg("%s: %s", names[i], strerror(errno));
		if ((sb.st_mode & 07777) != 0600)
			fail_msg("%s has mode %04o, not 0600", names[i],
			    (unsigned)(sb.st_mode & 07777));
		free(path);
	}

	xasprintf(&path, "%s/.git/moot/journal.db", repo);
	assert_int_equal(
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);

	/* Reading it disturbed nothing. */
	h_send(a, "d");
	h_wait_row(a, 0, "abcd# Demo", SHORT);

	/* What is on screen is in the journal: four one-byte edits. */
	assert_int_equal(h_journal_int(repo, "SELECT count(*) FROM ops"), 4);
	assert_int_equal(h_journal_int(repo, "SELECT count(*) FROM ops WHERE "
	                                     "kind = 'e' AND ins = X'64'"),
	    1);
	/* A save compacts it: no ops left, the saved text is the base. */
	h_key(a, "C-s");
	h_wait(a, "saved by Alice", SHORT);
	assert_int_equal(h_journal_int(repo, "SELECT count(*) FROM ops"), 0);
	assert_int_equal(
	    h_journal_int(repo, "SELECT count(*) FROM docs WHERE "
	                        "path = 'README.md' AND "
	                        "CAST(substr(base, 1, 10) AS TEXT) = "
	                        "'abcd# Demo'"),
	    1);
	h_pass();
}

/*
 * Row 0 of a screen cols wide showing line[0..len) from column left, as
 * render.c draws each unit (tabs as blanks, inert bytes as their glyphs, a
 * wide character cut by an edge as blanks), worked out by walking the
 * whole line from its start with layout.c; trailing blanks trimmed as
 * h_row trims them. The caller frees it.
 */
static char *
long_row(const char *line, size_t len, size_t left, size_t cols)
{
	struct layout_unit u;
	size_t off = 0, col = 0, i, n = 0;
	char *row = xmalloc(cols * 16 + 1);

	while (layout_next(line, len, off, col, &u)) {
		off += u.len;
		col += u.width;
		if (u.col + u.width <= left)
			continue;
		if (u.col >= left + cols)
			break;
		if (u.kind == LAYOUT_CHAR && u.col >= left &&
		    u.col + u.width <= left + cols) {
			/* The character and its mark: one cell of h_row. */
			memcpy(row + n, line + u.off, u.len);
			n += u.len;
			continue;
		}
		for (i = 0; i < u.width; i++) {
			if (u.col + i < left || u.col + i >= left + cols)
				continue;
			if (u.kind == LAYOUT_CHAR || u.kind == LAYOUT_TAB)
				row[n++] = ' ';
			else
				row[n++] = u.glyph[i];
		}
	}
	while (n > 0 && row[n - 1] == ' ')
		n--;
	row[n] = '\0';
	return row;
}

/* What a screen should show with its cursor at byte off of the document
 * (whose lines all fit the text area, so line N is on row N - 1). */
struct long_view {
	const char *doc;
	size_t off;
	int lineno;  /* 1-based, from doc */
	size_t col;  /* the column of off in its line, from layout.c */
	size_t left; /* the first column shown, from the terminal cursor */
	char *want;  /* the row last compared */
	const char *got;
};

/* The status row shows the cursor's line and column, the terminal cursor
 * is on that line's row, and the row shows the line from the column the
 * cursor implies. */
static int
long_view_ok(struct h_client *c, void *arg)
{
	struct long_view *v = arg;
	const char *start = v->doc, *nl;
	size_t len;
	int line, col, x, y;

	if (!status_pos(c, &line, &col) || line != v->lineno ||
	    (size_t)col != v->col + 1)
		return 0;
	h_cursor(c, &x, &y);
	if (y != v->lineno - 1 || (size_t)x > v->col)
		return 0;
	for (line = 1; line < v->lineno; line++)
		start = strchr(start, '\n') + 1;
	len = (nl = strchr(start, '\n')) != NULL ? (size_t)(nl - start)
	                                         : strlen(start);
	v->left = v->col - x;
	free(v->want);
	v->want = long_row(start, len, v->left, h_cols(c));
	v->got = h_row(c, y);
	return strcmp(v->got, v->want) == 0;
}

/* Wait until c shows doc with its cursor at off; returns the first column
 * shown. */
#define wait_long(c, doc, off) wait_long_at(c, doc, off, __FILE__, __LINE__)
static size_t
wait_long_at(
    struct h_client *c, const char *doc, size_t off, const char *file, int fl)
{
	struct long_view v;
	const char *start = doc, *p;
	char *what;

	memset(&v, 0, sizeof v);
	v.doc = doc;
	v.off = off;
	v.lineno = 1;
	for (p = doc; p < doc + off; p++) {
		if (*p == '\n') {
			v.lineno++;
			start = p + 1;
		}
	}
	p = strchr(start, '\n');
	v.col = layout_col_of(start,
	    p != NULL ? (size_t)(p - start) : strlen(start), doc + off - start);
	if (!h_until(c, long_view_ok, &v, LONG)) {
		xasprintf(&what,
		    "status %d:%zu and row %d \"%s\" from column %zu "
		    "(the row is \"%s\")",
		    v.lineno, v.col + 1, v.lineno - 1,
		    v.want != NULL ? v.want : "?", v.left,
		    v.got != NULL ? v.got : "?");
		h_wait_pred_at(c, long_view_ok, &v, what, 1, file, fl);
	}
	free(v.want);
	return v.left;
}

/* Insert text into doc (room for it) at off; move the offsets after it. */
static void
long_insert(char *doc, size_t off, const char *text, size_t *offs, size_t n)
{
	size_t k = strlen(text), i;

	memmove(doc + off + k, doc + off, strlen(doc + off) + 1);
	memcpy(doc + off, text, k);
	for (i = 0; i < n; i++) {
		if (offs[i] > off)
			offs[i] += k;
	}
}

/* Delete doc[from, to); move the offsets after it. */
static void
long_delete(char *doc, size_t from, size_t to, size_t *offs, size_t n)
{
	size_t i;

	memmove(doc + from, doc + to, strlen(doc + to) + 1);
	for (i = 0; i < n; i++) {
		if (offs[i] >= to)
			offs[i] -= to - from;
		else if (offs[i] > from)
			offs[i] = from;
	}
}

/*
 * A file of one 300 KB line, every kind of unit in it (tabs, wide
 * characters, combining marks, control and invalid bytes shown inert):
 * four people look at its end, move and type there, split the line near
 * its end and join it again, push it down a line and back. After each step
 * every screen shows exactly what walking the line from its start gives, and
 * the status row the right line and column. The column index (colindex.c)
 * serves all of it from checkpoints near the end.
 */
static void
test_long_line(void **state)
{
	static const char *pieces[] = {"function(a,b){return a+b}", "var x=1;",
	    "\t", "\xe6\xbc\xa2", "e\xcc\x81", "\x01", "\xff", "\xc3\xa9",
	    "\xf0\x9f\x98\x80", ";"};
	static const char tail[] = "\tend\xe5\xad\x97\x01x\xcc\x81;\xfe"
	                           "/* the end of a minified bundle */";
	struct h_daemon *d;
	struct h_client *c[4];
	char *repo, *key[4], *doc, user[16], comment[64];
	size_t len = 0, off[4], left, i;
	uint32_t seed = 9;
	int k;

	setlocale(LC_CTYPE, "C.UTF-8");
	doc = xmalloc(300 * 1024 + 1024);
	while (len < 300 * 1024) {
		seed = seed * 1103515245 + 12345;
		k = (seed >> 16) % (sizeof pieces / sizeof pieces[0]);
		memcpy(doc + len, pieces[k], strlen(pieces[k]));
		len += strlen(pieces[k]);
	}
	memcpy(doc + len, tail, sizeof tail - 1);
	len += sizeof tail - 1;
	doc[len] = '\n';
	doc[len + 1] = '\0';

	repo = h_repo_create("min.js", doc, NULL);
	for (i = 0; i < 4; i++) {
		snprintf(
		    comment, sizeof comment, "P%zu <p%zu@example.com>", i, i);
		key[i] = h_key_create(repo, comment);
	}
	d = h_daemon_start(repo);
	for (i = 0; i < 4; i++) {
		snprintf(user, sizeof user, "p%zu", i);
		c[i] = h_join(h_daemon_port(d), key[i], user);
		wait_status(c[i], "min.js", LONG);
	}

	/* Everyone to the end: the screen scrolls there. */
	for (i = 0; i < 4; i++) {
		h_key(c[i], "End");
		off[i] = len;
		left = wait_long(c[i], doc, off[i]);
		/* A quarter of the width stays visible after the cursor. */
		assert_int_equal(
		    left, layout_col_of(doc, len, len) - 80 + 20 + 1);
	}
	/* P1 steps back over the tail, P2 far enough to scroll. */
	for (k = 0; k < 5; k++) {
		h_key(c[1], "Left");
		off[1] = layout_prev(doc, len, off[1]);
	}
	wait_long(c[1], doc, off[1]);
	for (k = 0; k < 90; k++) {
		h_key(c[2], "Left");
		off[2] = layout_prev(doc, len, off[2]);
	}
	wait_long(c[2], doc, off[2]);

	/* P0 types at the end: a tab, a wide character, a mark after a
	 * letter. The others' cursors stay where they were. */
	h_send(c[0], "ab\t\xe6\xbc\xa2"
	             "e\xcc\x81"
	             "z");
	long_insert(doc, off[0],
	    "ab\t\xe6\xbc\xa2"
	    "e\xcc\x81"
	    "z",
	    off, 4);
	len += 10;
	off[0] = len;
	for (i = 0; i < 4; i++)
		wait_long(c[i], doc, off[i]);

	/* P3 types a tab in the middle of the tail, before P1 and P0: they
	 * move right with the text. */
	for (k = 0; k < 12; k++) {
		h_key(c[3], "Left");
		off[3] = layout_prev(doc, len, off[3]);
	}
	wait_long(c[3], doc, off[3]);
	h_send(c[3], "\t");
	long_insert(doc, off[3], "\t", off, 4);
	len++;
	off[3]++;
	for (i = 0; i < 4; i++)
		wait_long(c[i], doc, off[i]);

	/* P0 deletes back over the z, the mark's letter and the wide
	 * character. */
	for (k = 0; k < 3; k++) {
		h_key(c[0], "BSpace");
		i = layout_prev(doc, len, off[0]);
		long_delete(doc, i, off[0], off, 4);
		len = strlen(doc) - 1;
	}
	for (i = 0; i < 4; i++)
		wait_long(c[i], doc, off[i]);

	/* P3 splits the line with Enter: everyone after it is on line 2. */
	h_key(c[3], "Enter");
	long_insert(doc, off[3], "\n", off, 4);
	off[3]++;
	for (i = 0; i < 4; i++)
		wait_long(c[i], doc, off[i]);
	/* And joins it again with Backspace. */
	h_key(c[3], "BSpace");
	long_delete(doc, off[3] - 1, off[3], off, 4);
	len = strlen(doc) - 1;
	for (i = 0; i < 4; i++)
		wait_long(c[i], doc, off[i]);

	/* P2 jumps to the start, pushes the whole line down with Enter and
	 * pulls it up again: the line keeps its checkpoints both times. */
	h_key(c[2], "Home");
	off[2] = 0;
	wait_long(c[2], doc, 0);
	h_key(c[2], "Enter");
	long_insert(doc, 0, "\n", off, 4);
	off[2] = 1;
	for (i = 0; i < 4; i++)
		wait_long(c[i], doc, off[i]);
	h_key(c[2], "BSpace");
	long_delete(doc, 0, 1, off, 4);
	for (i = 0; i < 4; i++)
		wait_long(c[i], doc, off[i]);

	/* And back to the end. */
	h_key(c[2], "End");
	off[2] = len;
	wait_long(c[2], doc, len);

	free(doc);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_kill9_recovery, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_kill9_midstream, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_undo_after_restart, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_undo, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_selection, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_paste, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_find_goto, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_external_change, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_files, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_symlink_save, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_binary, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_corrupt_journal, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_journal_files, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_long_line, h_setup, h_teardown),
	};

	/* E2E_FILTER=test_undo runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
