/* test-e2e.c: end-to-end tests of moot serve with real SSH clients.
 * Each test makes a git repository, starts a daemon and reads screens. */
#include "moot.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <pwd.h>
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
#include <libssh/libssh.h>

#include "harness.h"

#define SHORT 3000 /* ms for anything that should be immediate */
#define LONG 8000  /* ms for joining (key exchange, fork) */

static const char readme[] = "# Demo\nline two\nline three\nline four\n";
static const char mainc[] = "int main(void)\n{\n\treturn 0;\n}\n";
static const char guide[] = "# Guide\n";
static const char all3[] =
    "Alice README.md:1  Bob README.md:1  Carol README.md:1";

#define wait_cursor(c, x, y, ms) wait_cursor_at(c, x, y, ms, __FILE__, __LINE__)
#define wait_cursor_cell(c, x, y, ms)                                          \
	wait_cursor_cell_at(c, x, y, ms, __FILE__, __LINE__)

/* The cell at (x, y) has a non-default background. */
struct at {
	int x;
	int y;
};

static int
cell_coloured(struct h_client *c, void *arg)
{
	struct at *at = arg;
	struct h_cell cell;

	h_cell(c, at->x, at->y, &cell);
	return !cell.bg_default;
}

static int
cursor_at(struct h_client *c, void *arg)
{
	struct at *at = arg;
	int x, y;

	h_cursor(c, &x, &y);
	return x == at->x && y == at->y;
}

/* Wait for the terminal cursor to be at (x, y). */
static void
wait_cursor_at(
    struct h_client *c, int x, int y, int ms, const char *file, int line)
{
	struct at at;
	char *what;

	at.x = x;
	at.y = y;
	xasprintf(&what, "the cursor at column %d row %d", x, y);
	h_wait_pred_at(c, cursor_at, &at, what, ms, file, line);
	free(what);
}

/* Another person's cursor is at (x, y) and not beside it. */
static int
cursor_cell(struct h_client *c, void *arg)
{
	struct at *at = arg, side;

	if (!cell_coloured(c, at))
		return 0;
	side.y = at->y;
	side.x = at->x - 1;
	if (side.x >= 0 && cell_coloured(c, &side))
		return 0;
	side.x = at->x + 1;
	return !cell_coloured(c, &side);
}

static void
wait_cursor_cell_at(
    struct h_client *c, int x, int y, int ms, const char *file, int line)
{
	struct at at;
	char *what;

	at.x = x;
	at.y = y;
	xasprintf(&what,
	    "another person's cursor (coloured background) at column %d "
	    "row %d, and not beside it",
	    x, y);
	h_wait_pred_at(c, cursor_cell, &at, what, ms, file, line);
	free(what);
}

/*
 * Three people join, see each other, type, and see each other's cursors
 * follow the text.
 */
static void
test_three_people(void **state)
{
	struct h_client *a, *b, *c, *who[3];
	struct h_daemon *d;
	struct h_cell cell, name;
	struct stat sb;
	char *repo, *ka, *kb, *kc, *hostkey;
	int port, i, col;

	repo = h_repo_create("README.md", readme, "src/main.c", mainc, NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	kc = h_key_create(repo, "Carol <carol@example.com>");
	d = h_daemon_start(repo);
	port = h_daemon_port(d);

	/* The host key is created on first start, private. */
	xasprintf(&hostkey, "%s/.git/moot/host_ed25519", repo);
	assert_int_equal(stat(hostkey, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	free(hostkey);

	a = h_join(port, ka, "alice");
	h_wait_row(a, 0, "# Demo", LONG);
	h_wait_row(a, h_presence_row(a), "Alice README.md:1", SHORT);
	h_wait_status(a, h_status_row(a), " README.md  1:1", SHORT);

	b = h_join(port, kb, "bob");
	h_wait_row(b, 0, "# Demo", LONG);
	h_wait(a, "Bob joined", SHORT);

	c = h_join(port, kc, "carol");
	h_wait_row(c, 0, "# Demo", LONG);
	h_wait(a, "Carol joined", SHORT);
	h_wait(b, "Carol joined", SHORT);

	who[0] = a;
	who[1] = b;
	who[2] = c;
	for (i = 0; i < 3; i++) {
		h_wait_row(who[i], 1, "line two", SHORT);
		h_wait_row(who[i], 2, "line three", SHORT);
		h_wait_row(who[i], 3, "line four", SHORT);
		h_wait_row(who[i], h_presence_row(who[i]), all3, SHORT);
	}

	/* Alice types at 1:1; everyone sees it. */
	h_send(a, "hello ");
	for (i = 0; i < 3; i++)
		h_wait_row(who[i], 0, "hello # Demo", SHORT);
	h_wait_status(a, h_status_row(a), " README.md [+]  1:7", SHORT);
	wait_cursor(a, 6, 0, SHORT);

	/* Bob goes down two lines and types. */
	h_key(b, "Down");
	h_key(b, "Down");
	h_wait_status(b, h_status_row(b), " README.md [+]  3:1", SHORT);
	wait_cursor(b, 0, 2, SHORT);
	h_send(b, "BOB");
	h_wait_row(a, 2, "BOBline three", SHORT);
	h_wait_row(c, 2, "BOBline three", SHORT);
	h_wait_status(b, h_status_row(b), " README.md [+]  3:4", SHORT);
	wait_cursor(b, 3, 2, SHORT);

	/* Alice sees Bob's cursor just after his text, in his colour. */
	h_wait_row_has(a, h_presence_row(a), "Bob README.md:3", SHORT);
	wait_cursor_cell(a, 3, 2, SHORT);
	h_cell(a, 3, 2, &cell);
	assert_string_equal(cell.text, "l");
	col = h_column_of(a, h_presence_row(a), "Bob README.md:3");
	assert_true(col >= 0);
	h_cell(a, col, h_presence_row(a), &name);
	assert_string_equal(name.text, "B");
	assert_false(name.fg_default);
	if (cell.bg != -1 || name.fg != -1)
		assert_int_equal(cell.bg, name.fg);
	/* Alice's own cursor is the terminal cursor, not a coloured cell. */
	wait_cursor(a, 6, 0, SHORT);

	/* Alice splits line 1 above Bob: Bob's cursor moves down with it. */
	h_key(a, "Enter");
	for (i = 0; i < 3; i++) {
		h_wait_row(who[i], 0, "hello", SHORT);
		h_wait_row(who[i], 1, "# Demo", SHORT);
		h_wait_row(who[i], 3, "BOBline three", SHORT);
	}
	h_wait_status(b, h_status_row(b), " README.md [+]  4:4", SHORT);
	wait_cursor(b, 3, 3, SHORT);
	h_wait_row_has(a, h_presence_row(a), "Bob README.md:4", SHORT);
	h_wait_row_has(b, h_presence_row(b), "Alice README.md:2", SHORT);
	wait_cursor_cell(a, 3, 3, SHORT);
	h_send(b, "X");
	for (i = 0; i < 3; i++)
		h_wait_row(who[i], 3, "BOBXline three", SHORT);
	wait_cursor_cell(a, 4, 3, SHORT);
	h_pass();
}

/* The line number in a status row (" FILE [+]  L:C"), or -1. */
static int
status_line(struct h_client *c)
{
	char *row, *p;
	int line = -1;

	row = h_squeeze(h_row(c, h_status_row(c)));
	if ((p = strchr(row, ' ')) != NULL) {
		p++;
		if (strncmp(p, "[+] ", 4) == 0)
			p += 4;
		if (strchr(p, ':') != NULL)
			line = atoi(p);
	}
	free(row);
	return line;
}

/* The status row shows a line past a given one. */
static int
line_after(struct h_client *c, void *arg)
{
	return status_line(c) > *(int *)arg;
}

/*
 * A key's escape sequence split over two SSH packets (as when a terminal's
 * bytes reach ssh in two reads) is still one key, not Escape and text.
 */
static void
test_split_key_sequence(void **state)
{
	struct h_client *a;
	struct h_daemon *d;
	char *repo, *ka, *text, *p;
	int i, line;

	text = xmalloc(200 * 8 + 1);
	for (p = text, i = 1; i <= 200; i++)
		p += sprintf(p, "line%03d\n", i);
	repo = h_repo_create("README.md", text, NULL);
	free(text);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(a, 0, "line001", LONG);
	h_wait_status(a, h_status_row(a), " README.md  1:1", SHORT);

	/* PageDown (ESC [ 6 ~ in every mode), three times, each split. */
	for (i = 0; i < 3; i++) {
		line = status_line(a);
		h_send(a, "\033[");
		usleep(5000);
		h_send(a, "6~");
		h_pump_all(300);
		if (strstr(h_screen(a), "[6~") != NULL)
			fail_msg(
			    "split PageDown %d (ESC [ then 6 ~, 5 ms apart) "
			    "was taken as Escape and the text \"[6~\"",
			    i + 1);
		h_wait_pred(a, line_after, &line,
		    "a split PageDown to move the cursor down", SHORT);
	}
	h_wait_row_lacks(a, h_status_row(a), "[+]", SHORT);
	h_pass();
}

/* Two people type on the same line at once, at different places. */
static void
test_same_line_concurrent(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo, *ka, *kb;
	int port, i;

	repo = h_repo_create("README.md", "one\ntwo\n", NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	d = h_daemon_start(repo);
	port = h_daemon_port(d);

	a = h_join(port, ka, "alice");
	b = h_join(port, kb, "bob");
	h_wait_row(a, 23, "Alice README.md:1  Bob README.md:1", LONG);
	h_wait_row(b, 23, "Alice README.md:1  Bob README.md:1", LONG);
	h_key(b, "End");
	h_wait_status(b, h_status_row(b), " README.md  1:4", SHORT);

	/* Interleaved, without waiting for each other. */
	for (i = 0; i < 4; i++) {
		h_send(a, "a");
		h_send(b, "b");
	}
	h_wait_row(a, 0, "aaaaonebbbb", SHORT);
	h_wait_row(b, 0, "aaaaonebbbb", SHORT);
	h_wait_row(a, 1, "two", SHORT);
	h_wait_status(a, h_status_row(a), " README.md [+]  1:5", SHORT);
	h_wait_status(b, h_status_row(b), " README.md [+]  1:12", SHORT);
	h_pass();
}

/* Row 0 has grown to a given length. */
static int
row0_length(struct h_client *c, void *arg)
{
	return strlen(h_row(c, 0)) >= (size_t)(uintptr_t)arg;
}

/* Two people type at the very same place at once. */
static void
test_same_position_concurrent(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo, *ka, *kb, *row;
	int port, i;

	repo = h_repo_create("README.md", "one\ntwo\n", NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	d = h_daemon_start(repo);
	port = h_daemon_port(d);

	a = h_join(port, ka, "alice");
	b = h_join(port, kb, "bob");
	h_wait_row(a, 23, "Alice README.md:1  Bob README.md:1", LONG);
	h_wait_row(b, 23, "Alice README.md:1  Bob README.md:1", LONG);

	for (i = 0; i < 4; i++) {
		h_send(a, "a");
		h_send(b, "b");
	}
	h_wait_pred(a, row0_length, (void *)(uintptr_t)11,
	    "row 0 to hold all 8 typed characters", SHORT);
	h_pump_all(300);
	row = xstrdup(h_row(a, 0));
	if (strstr(row, "aaaa") == NULL || strstr(row, "bbbb") == NULL)
		fail_msg("typing at the same place interleaved: \"%s\"", row);
	assert_int_equal(strlen(row), 11);
	assert_string_equal(row + 8, "one");
	h_wait_row(b, 0, row, SHORT);
	free(row);
	h_pass();
}

/* Save keeps the file's mode; leaving ends the session with status 0. */
static void
test_save_and_leave(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	struct stat sb;
	char *repo, *ka, *kb, *text, *path, *want;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	xasprintf(&path, "%s/README.md", repo);
	assert_int_equal(chmod(path, 0640), 0);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);

	a = h_join(port, ka, "alice");
	b = h_join(port, kb, "bob");
	h_wait_row(a, 23, "Alice README.md:1  Bob README.md:1", LONG);
	h_wait_row(b, 23, "Alice README.md:1  Bob README.md:1", LONG);

	h_send(a, "X");
	h_wait_row(a, 0, "X# Demo", SHORT);
	h_wait_row(b, 0, "X# Demo", SHORT);
	h_wait_status(a, h_status_row(a), " README.md [+]  1:2", SHORT);
	h_wait_status(b, h_status_row(b), " README.md [+]  1:1", SHORT);

	h_key(a, "C-s");
	h_wait(a, "saved by Alice", SHORT);
	h_wait(b, "saved by Alice", SHORT);
	h_wait_status(a, h_status_row(a), " README.md  1:2", SHORT);
	h_wait_row_lacks(b, h_status_row(b), "[+]", SHORT);
	text = h_read_file(repo, "README.md", NULL);
	xasprintf(&want, "X%s", readme);
	assert_string_equal(text, want);
	free(text);
	free(want);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);

	/* Bob leaves. */
	h_key(b, "C-q");
	h_wait_closed(b, SHORT);
	assert_int_equal(h_client_exit_status(b), 0);
	h_wait(a, "Bob left", SHORT);
	h_wait_row(a, 23, "Alice README.md:1", SHORT);

	/* Alice goes on. */
	h_send(a, "Y");
	h_wait_row(a, 0, "XY# Demo", SHORT);
	h_wait_status(a, h_status_row(a), " README.md [+]  1:3", SHORT);

	/* SIGTERM: the daemon says goodbye to Alice and exits 0. */
	assert_int_equal(h_daemon_stop(d), 0);
	h_wait_closed(a, SHORT);
	free(path);
	h_pass();
}

/* The text area and the status rows of a screen, minus notices. */
static char *
snapshot(struct h_client *c)
{
	char *s = xstrdup(""), *t;
	int y;

	for (y = 0; y < h_rows(c); y++) {
		if (y == h_status_row(c))
			continue;
		xasprintf(&t, "%s%s\n", s, h_row(c, y));
		free(s);
		s = t;
	}
	return s;
}

/* Resizing re-lays out one person's screen only; too small says so. */
static void
test_resize_and_small(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo, *ka, *kb, *before, *after;
	const char *screen;
	int port;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	d = h_daemon_start(repo);
	port = h_daemon_port(d);

	a = h_join(port, ka, "alice");
	b = h_join(port, kb, "bob");
	h_wait_row(a, 23, "Alice README.md:1  Bob README.md:1", LONG);
	h_wait_row(b, 23, "Alice README.md:1  Bob README.md:1", LONG);
	h_pump_all(200);
	before = snapshot(a);

	h_resize(b, 100, 30);
	h_wait_status(b, 28, " README.md  1:1", SHORT);
	h_wait_row(b, 29, "Alice README.md:1  Bob README.md:1", SHORT);
	h_wait_row(b, 0, "# Demo", SHORT);
	h_wait_row(b, 3, "line four", SHORT);
	h_pump_all(300);
	after = snapshot(a);
	assert_string_equal(before, after);
	free(after);
	assert_int_equal(h_rows(a), 24);

	/* 15x4: too narrow and too short. */
	h_resize(b, 15, 4);
	h_wait(b, "terminal", SHORT);
	h_pump_all(200);
	screen = h_screen(b);
	if (strstr(screen, "Demo") != NULL || strstr(screen, "Alice") != NULL)
		fail_msg("a too small terminal shows more than the message");
	/* Editing keys are ignored while it is too small. */
	h_send(b, "zzz");
	h_key(b, "Enter");
	h_pump_all(300);

	/* 30x4: wide enough for the whole message, still too short. */
	h_resize(b, 30, 4);
	h_wait(b, "terminal too small", SHORT);

	/* Back to 80x24: normal again, and the text was not touched. */
	h_resize(b, 80, 24);
	h_wait_row(b, 0, "# Demo", SHORT);
	h_wait_gone(b, "terminal too small", SHORT);
	h_wait_status(b, 22, " README.md  1:1", SHORT);
	h_wait_row(b, 23, "Alice README.md:1  Bob README.md:1", SHORT);
	h_wait_row(a, 0, "# Demo", SHORT);
	h_wait_row(a, 1, "line two", SHORT);
	after = snapshot(a);
	assert_string_equal(before, after);
	free(after);
	free(before);
	h_pass();
}

/* An unknown TERM falls back and says so. */
static void
test_unknown_term(void **state)
{
	struct h_client *a;
	struct h_daemon *d;
	char *repo, *ka;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start(repo);

	a = h_client_connect(
	    h_daemon_port(d), ka, "alice", 80, 24, "nosuchterm-xyz");
	h_wait_row(a, 0, "# Demo", LONG);
	h_wait_row(a, 3, "line four", SHORT);
	h_wait(a, "unknown TERM 'nosuchterm-xyz'", SHORT);
	h_wait_row(a, 23, "Alice README.md:1", SHORT);
	h_pass();
}

/* Wide characters, control bytes and invalid UTF-8: shown inert, saved
 * byte-exact. */
static void
test_utf8(void **state)
{
	static const char orig[] = "漢字 café\na\x1b[31mb\xff\n";
	static const char want[] = "é中漢字 café\na\x1b[31mb\xffZ\n";
	struct h_client *a;
	struct h_daemon *d;
	char *repo, *ka, *text;
	size_t len;

	repo = h_repo_create("README.md", orig, NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), ka, "alice");

	h_wait_row(a, 0, "漢字 café", LONG);
	h_wait_row(a, 1, "a^[[31mb\\xff", SHORT);

	h_send(a, "é中");
	h_wait_row(a, 0, "é中漢字 café", SHORT);
	h_wait_status(a, h_status_row(a), " README.md [+]  1:4", SHORT);
	wait_cursor(a, 3, 0, SHORT);

	/* End of the second line: after its 12 cells of inert text. */
	h_key(a, "Down");
	h_key(a, "End");
	h_wait_status(a, h_status_row(a), " README.md [+]  2:13", SHORT);
	wait_cursor(a, 12, 1, SHORT);
	h_send(a, "Z");
	h_wait_row(a, 1, "a^[[31mb\\xffZ", SHORT);

	h_key(a, "C-s");
	h_wait(a, "saved by Alice", SHORT);
	text = h_read_file(repo, "README.md", &len);
	assert_int_equal(len, sizeof want - 1);
	assert_memory_equal(text, want, len);
	free(text);
	h_pass();
}

/* Is the first cell of a string in a row in reverse video? */
static int
reverse_at(struct h_client *c, int y, const char *s)
{
	struct h_cell cell;
	int x;

	if ((x = h_column_of(c, y, s)) < 0)
		return 0;
	h_cell(c, x, y, &cell);
	return cell.reverse;
}

/* Ctrl-O opens another file. */
static void
test_picker(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo, *ka, *kb;
	int port, y;

	repo = h_repo_create("README.md", readme, "src/main.c", mainc,
	    "docs/guide.md", guide, NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = h_join(port, ka, "alice");
	b = h_join(port, kb, "bob");
	h_wait_row(a, 23, "Alice README.md:1  Bob README.md:1", LONG);
	h_wait_row(b, 23, "Alice README.md:1  Bob README.md:1", LONG);

	/* Esc cancels. */
	h_key(a, "C-o");
	h_wait_row(a, 0, "Open:", SHORT);
	h_wait(a, "src/main.c", SHORT);
	h_wait(a, "docs/guide.md", SHORT);
	h_key(a, "Escape");
	h_wait_row(a, 0, "# Demo", SHORT);
	h_wait_gone(a, "Open:", SHORT);

	/* The filter is case-insensitive. */
	h_key(a, "C-o");
	h_wait_row(a, 0, "Open:", SHORT);
	h_send(a, "GUIDE");
	h_wait_row(a, 0, "Open: GUIDE", SHORT);
	h_wait_gone(a, "src/main.c", SHORT);
	h_wait_row_has(a, 1, "docs/guide.md", SHORT);
	h_key(a, "Escape");
	h_wait_row(a, 0, "# Demo", SHORT);

	/* Filter to one file and open it. */
	h_key(a, "C-o");
	h_wait_row(a, 0, "Open:", SHORT);
	h_send(a, "main");
	h_wait_row(a, 0, "Open: main", SHORT);
	h_wait_row_has(a, 1, "src/main.c", SHORT);
	h_wait_gone(a, "guide", SHORT);
	for (y = 2; y < 22; y++)
		if (strstr(h_row(a, y), "README") != NULL)
			fail_msg("README.md does not match \"main\"");
	assert_true(reverse_at(a, 1, "src/main.c"));
	h_key(a, "Enter");
	h_wait_row(a, 0, "int main(void)", SHORT);
	h_wait_row(a, 1, "{", SHORT);
	h_wait_row(a, 2, "        return 0;", SHORT);
	h_wait_status(a, h_status_row(a), " src/main.c  1:1", SHORT);
	h_wait_row(a, 23, "Alice src/main.c:1  Bob README.md:1", SHORT);
	h_wait_row(b, 23, "Alice src/main.c:1  Bob README.md:1", SHORT);
	h_wait_row(b, 0, "# Demo", SHORT);
	/* Alice is on another file: no cursor of hers on Bob's text. */
	for (y = 0; y < 4; y++) {
		struct h_cell cell;
		int x;

		for (x = 0; x < 12; x++) {
			h_cell(b, x, y, &cell);
			if (!cell.bg_default)
				fail_msg("Bob sees a cursor at %d,%d", x, y);
		}
	}
	h_pass();
}

/* Everything but a known public key and a shell is refused. */
static void
test_refusals(void **state)
{
	struct h_client *a;
	struct h_daemon *d;
	char *repo, *ka, *kx, *err;
	int port, rc, methods, kbdint, status;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kx = h_key_new(repo); /* not in authorized_keys */
	d = h_daemon_start(repo);
	port = h_daemon_port(d);

	assert_int_equal(h_try_key(port, kx, "mallory"), SSH_AUTH_DENIED);

	rc = h_try_password(port, "alice", "secret", &methods, &kbdint);
	assert_int_not_equal(rc, SSH_AUTH_SUCCESS);
	assert_int_equal(methods & SSH_AUTH_METHOD_PASSWORD, 0);
	assert_int_equal(methods & SSH_AUTH_METHOD_INTERACTIVE, 0);
	assert_int_not_equal(methods & SSH_AUTH_METHOD_PUBLICKEY, 0);
	assert_int_not_equal(kbdint, SSH_AUTH_SUCCESS);
	assert_int_not_equal(kbdint, SSH_AUTH_INFO);

	/* Exec: a message on stderr and status 1 (or the request fails). */
	rc = h_try_exec(port, ka, "ls", &err, &status);
	if (rc == 0) {
		if (strstr(err, "refused") == NULL)
			fail_msg("exec: stderr \"%s\" lacks \"refused\"", err);
		assert_int_equal(status, 1);
		free(err);
	} else
		print_message("note: exec request refused outright\n");

	rc = h_try_subsystem(port, ka, "sftp", &err, &status);
	if (rc == 0) {
		if (strstr(err, "refused") == NULL)
			fail_msg("sftp: stderr \"%s\" lacks \"refused\"", err);
		assert_int_not_equal(status, 0);
		free(err);
	}

	assert_int_equal(h_try_forward(port, ka), -1);

	/* The daemon is still serving. */
	a = h_join(port, ka, "alice");
	h_wait_row(a, 0, "# Demo", LONG);
	h_pass();
}

/* What serve prints on stdout, in order. */
static void
test_banner(void **state)
{
	struct h_daemon *d;
	const char *out, *p[4];
	char *repo, *real, *want[4];
	int i, port;

	repo = h_repo_create("README.md", readme, NULL);
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	h_pump_all(300);
	out = h_daemon_stdout(d);
	if ((real = realpath(repo, NULL)) == NULL)
		fail_msg("realpath %s failed", repo);

	xasprintf(&want[0], "moot 0.1.0: serving %s\n", real);
	xasprintf(&want[1], "Host key: SHA256:");
	xasprintf(&want[2], "Listening on 127.0.0.1:%d\n", port);
	xasprintf(&want[3], "Join with:  ssh -p %d 127.0.0.1", port);
	for (i = 0; i < 4; i++) {
		if ((p[i] = strstr(out, want[i])) == NULL)
			fail_msg("stdout lacks \"%s\":\n%s", want[i], out);
		if (i > 0 && p[i] < p[i - 1])
			fail_msg("\"%s\" before \"%s\":\n%s", want[i],
			    want[i - 1], out);
	}
	if (strstr(p[1], "(ed25519)\n") == NULL)
		fail_msg("host key line without (ed25519):\n%s", out);
	for (i = 0; i < 4; i++)
		free(want[i]);
	free(real);
	h_pass();
}

/* Outside any git repository, serve says to use --demo. */
static void
test_not_a_repo(void **state)
{
	char *dir, *home, *out;
	int rc;

	dir = h_tmpdir("norepo");
	home = h_tmpdir("home");
	if (h_run(dir, "git", "rev-parse", "--git-dir", NULL) == 0) {
		h_pass();
		skip(); /* TMPDIR is inside a repository */
	}
	rc = h_run_capture(NULL, home, &out, h_moot_path(), "serve", "-C", dir,
	    "--listen", "127.0.0.1:0", NULL);
	if (rc != 1 || strstr(out, "--demo") == NULL)
		fail_msg("exit status %d, output:\n%s", rc, out);
	free(out);
	h_pass();
}

/* Lines of exactly 100 characters, numbered. */
static char *
big_file(int lines)
{
	char *text, *p;
	int i, j;

	text = xmalloc((size_t)lines * 101 + 1);
	p = text;
	for (i = 1; i <= lines; i++) {
		p += sprintf(p, "L%04d ", i);
		for (j = 6; j < 100; j++)
			*p++ = 'a' + (i + j) % 26;
		*p++ = '\n';
	}
	*p = '\0';
	return text;
}

/* Two screens show the same text area and presence row. */
static int
same_screen(struct h_client *c, void *arg)
{
	struct h_client *other = arg;
	int y;

	for (y = 0; y < h_rows(c); y++) {
		if (y == h_status_row(c))
			continue;
		if (strcmp(h_row(c, y), h_row(other, y)) != 0)
			return 0;
	}
	return 1;
}

/* Where a screen was: its first row and its cursor. */
struct place {
	char *row0;
	int x;
	int y;
};

/*
 * A whole frame has been drawn: the status line's line number, the line
 * number at the start of row 0 ("L0123 ...") and the terminal cursor agree.
 * ncurses may send one frame in several reads; without this, a half-drawn
 * frame could count as the effect of the next key, and two keys that
 * cancel out (PageDown, PageUp) would then be waited for in vain.
 */
static int
settled(struct h_client *c)
{
	const char *status = h_row(c, h_status_row(c)), *colon;
	int x, y, top, line;

	if (sscanf(h_row(c, 0), "L%d", &top) != 1)
		return 1; /* not a numbered page: nothing to check */
	/* The first "LINE:COL" of the status line. */
	for (colon = strchr(status, ':'); colon != NULL;
	     colon = strchr(colon + 1, ':')) {
		if (colon > status && isdigit((unsigned char)colon[-1]) &&
		    isdigit((unsigned char)colon[1]))
			break;
	}
	if (colon == NULL)
		return 0;
	while (colon > status && isdigit((unsigned char)colon[-1]))
		colon--;
	if (sscanf(colon, "%d", &line) != 1)
		return 0;
	h_cursor(c, &x, &y);
	return line - top == y;
}

static int
moved(struct h_client *c, void *arg)
{
	struct place *p = arg;
	int x, y;

	h_cursor(c, &x, &y);
	if (strcmp(h_row(c, 0), p->row0) == 0 && x == p->x && y == p->y)
		return 0;
	return settled(c);
}

/* The slowest page() so far, in ms. */
static long long page_worst;

/* Page through the file; wait for each key to take effect. */
static void
page(struct h_client *a, const char *key)
{
	struct place p;
	long long t0 = h_now_ms();

	p.row0 = xstrdup(h_row(a, 0));
	h_cursor(a, &p.x, &p.y);
	h_key(a, key);
	h_wait_pred(a, moved, &p, "the page or the cursor to move", LONG);
	free(p.row0);
	if (h_now_ms() - t0 > page_worst)
		page_worst = h_now_ms() - t0;
}

/* The one child of the daemon that is not in a list (0 if none). */
static pid_t
new_child(pid_t daemon, const pid_t *old, int nold)
{
	pid_t now[32], found = 0;
	int n, i, j;

	n = h_children(daemon, now, 32);
	for (i = 0; i < n; i++) {
		for (j = 0; j < nold; j++) {
			if (now[i] == old[j])
				break;
		}
		if (j == nold)
			found = now[i];
	}
	return found;
}

/* Nothing has arrived from a client for 500 ms. */
static int
quiet(struct h_client *c, void *arg)
{
	size_t before = h_client_bytes(c);

	h_pump_all(500);
	return h_client_bytes(c) == before;
}

static void
track_max(pid_t pid, long *max)
{
	long v;

	if ((v = h_rss_kb(pid)) > *max)
		*max = v;
}

/*
 * Two people who stop reading: Carol, whose ssh is suspended (SIGSTOP),
 * and Dave, a libssh client that is never read (his frontend soon blocks
 * writing to him). Alice pages through a big file and edits the top of it
 * (so everyone's view changes): Bob must see each of her keystrokes within
 * 2 s throughout, and neither the daemon nor the stuck frontends may hoard
 * memory. Resumed, Carol and Dave catch up.
 */
static void
test_frozen_client(void **state)
{
	static const char all4[] = "Alice README.md:1  Bob README.md:1  "
	                           "Carol README.md:1  Dave README.md:1";
	struct h_client *a, *b, *c, *e;
	struct h_daemon *d;
	char *repo, *ka, *kb, *kc, *ke, *text, *want, *top, *presence;
	pid_t kids[32], dpid, carolfe, davefe;
	long d0, c0, e0, dmax = 0, cmax = 0, emax = 0;
	long long t0, lat, worst = 0;
	size_t cbytes, ebytes;
	int port, n, round, x, y, k;
	const int rounds = 25, pages = 10;

	text = big_file(3000);
	repo = h_repo_create("README.md", text, NULL);
	free(text);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	kc = h_key_create(repo, "Carol <carol@example.com>");
	ke = h_key_create(repo, "Dave <dave@example.com>");
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	dpid = h_daemon_pid(d);

	a = h_client_connect(port, ka, "alice", 200, 60, "xterm-256color");
	b = h_client_connect(port, kb, "bob", 200, 60, "xterm-256color");
	h_wait(a, "Alice README.md:1  Bob README.md:1", LONG);
	h_wait(b, "Alice README.md:1  Bob README.md:1", LONG);

	n = h_children(dpid, kids, 32);
	c = h_openssh_connect(port, kc, 200, 60);
	h_wait(c, "L0001 ", LONG);
	h_wait_row(a, 59, all3, SHORT);
	if ((carolfe = new_child(dpid, kids, n)) == 0)
		fail_msg("no frontend process for Carol");

	n = h_children(dpid, kids, 32);
	e = h_client_connect(port, ke, "dave", 200, 60, "xterm-256color");
	h_wait(e, "L0001 ", LONG);
	for (k = 0; k < 58; k++) { /* the text rows; row 58 is the status */
		/* h_row's buffers are reused while waiting: keep a copy. */
		char *want = xstrdup(h_row(b, k));

		h_wait_row(e, k, want, SHORT);
		free(want);
	}
	h_wait_row(a, 59, all4, SHORT);
	h_wait_row(c, 59, all4, SHORT);
	h_wait_row(e, 59, all4, SHORT);
	if ((davefe = new_child(dpid, kids, n)) == 0)
		fail_msg("no frontend process for Dave");

	/*
	 * Suspend Carol's ssh; stop reading Dave's channel, and have him page
	 * down: his frontend soon blocks writing to him (the SSH window).
	 */
	assert_int_equal(kill(h_client_pid(c), SIGSTOP), 0);
	h_client_freeze(c, 1);
	h_client_freeze(e, 1);
	cbytes = h_client_bytes(c);
	ebytes = h_client_bytes(e);
	for (k = 0; k < 20; k++)
		h_key(e, "PageDown");
	h_pump_all(200);
	d0 = h_rss_kb(dpid);
	c0 = h_rss_kb(carolfe);
	e0 = h_rss_kb(davefe);
	assert_true(d0 > 0 && c0 > 0 && e0 > 0);

	want = xstrdup("");
	for (round = 0; round < rounds; round++) {
		for (k = 0; k < pages; k++)
			page(a, "PageDown");
		/* Back to the top, then to 1:1. */
		for (k = 0;
		     k < pages + 5 && strstr(h_row(a, 0), "L0001 ") == NULL;
		     k++)
			page(a, "PageUp");
		h_wait_pred(
		    a, same_screen, b, "Alice's page to be Bob's", SHORT);
		h_cursor(a, &x, &y);
		for (k = 0; k < y; k++)
			h_key(a, "Up");
		h_key(a, "Home");
		wait_cursor(a, 0, 0, SHORT);

		/* A line in and out at the top: every view shifts twice. */
		top = xstrdup(h_row(b, 0));
		h_key(a, "Enter");
		h_wait_row(b, 1, top, SHORT);
		h_key(a, "BSpace");
		h_wait_row(b, 0, top, SHORT);
		wait_cursor(a, 0, 0, SHORT);

		/* One character, timed until Bob sees it. */
		xasprintf(&text, "%c%s", 'A' + round % 26, top);
		free(top);
		t0 = h_now_ms();
		h_send_bytes(a, text, 1);
		h_wait_row(b, 0, text, 2000);
		lat = h_now_ms() - t0;
		if (lat > worst)
			worst = lat;
		/* Alice's own screen too, before she pages again: page()
		 * takes any change of her screen as the effect of its key. */
		h_wait_row(a, 0, text, SHORT);
		free(want);
		want = text;

		track_max(dpid, &dmax);
		track_max(carolfe, &cmax);
		track_max(davefe, &emax);
	}
	print_message("frozen_client: Alice received %zu bytes; worst latency "
	              "to Bob %lld ms, of a page %lld ms; RSS growth (kB): "
	              "daemon %ld, Carol's frontend %ld, Dave's frontend %ld\n",
	    h_client_bytes(a), worst, page_worst, dmax - d0, cmax - c0,
	    emax - e0);
	assert_true(h_client_bytes(a) > 2 * 1024 * 1024);
	assert_true(dmax - d0 <= 20 * 1024);
	assert_true(cmax - c0 <= 20 * 1024);
	assert_true(emax - e0 <= 20 * 1024);

	/* Carol and Dave resume and catch up. */
	assert_int_equal(kill(h_client_pid(c), SIGCONT), 0);
	h_client_freeze(c, 0);
	h_client_freeze(e, 0);
	h_wait_pred(
	    c, same_screen, b, "Carol's screen to catch up with Bob's", 10000);
	h_wait_row(c, 0, want, SHORT);
	if (!h_until(e, quiet, NULL, 10000))
		fail_msg("Dave's screen never settled");
	print_message("frozen_client: on resuming Carol received %zu bytes, "
	              "Dave %zu (his status: %s)\n",
	    h_client_bytes(c) - cbytes, h_client_bytes(e) - ebytes,
	    h_row(e, h_status_row(e)));
	/* Dave answers again: back to the top, he sees what Bob sees. */
	presence = xstrdup(h_row(b, 59));
	h_wait_row(e, 59, presence, SHORT);
	free(presence);
	for (k = 0; k < 30 && strstr(h_row(e, 0), "L0001 ") == NULL; k++)
		page(e, "PageUp");
	h_wait_pred(
	    e, same_screen, b, "Dave's screen to catch up with Bob's", SHORT);
	h_wait_row(e, 0, want, SHORT);
	free(want);
	h_pass();
}

/* The real user id of a process, from /proc (-1 if unknown). */
static long
proc_uid(pid_t pid)
{
	char path[64], line[256];
	long uid = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "Uid: %ld", &uid) == 1)
			break;
	}
	fclose(f);
	return uid;
}

/* Each frontend holds its SSH connection and its socketpair to the
 * daemon, and no other socket or file of the daemon's, and does not run
 * as root. */
static void
test_frontend_descriptors(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo, *ka, *kb, path[384], target[256];
	pid_t kids[8];
	struct dirent *de;
	DIR *dir;
	ssize_t n;
	int port, nkids, i, sockets, files;
	long long deadline;

	repo = h_repo_create("README.md", readme, NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	d = h_daemon_start(repo);
	port = h_daemon_port(d);
	a = h_join(port, ka, "alice");
	b = h_join(port, kb, "bob");
	h_wait_row(a, 23, "Alice README.md:1  Bob README.md:1", LONG);
	h_wait_row(b, 23, "Alice README.md:1  Bob README.md:1", LONG);

	/* The margin's marks of README.md are computed by a child of the
	 * daemon too, for a moment: wait for the frontends alone. */
	deadline = h_now_ms() + LONG;
	while ((nkids = h_children(h_daemon_pid(d), kids, 8)) != 2 &&
	       h_now_ms() < deadline)
		usleep(10000);
	assert_int_equal(nkids, 2);
	for (i = 0; i < nkids; i++) {
		snprintf(path, sizeof path, "/proc/%ld/fd", (long)kids[i]);
		assert_non_null(dir = opendir(path));
		sockets = files = 0;
		while ((de = readdir(dir)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "/proc/%ld/fd/%s",
			    (long)kids[i], de->d_name);
			n = readlink(path, target, sizeof target - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (strncmp(target, "socket:", 7) == 0)
				sockets++;
			else if (strstr(target, repo) != NULL)
				files++;
		}
		closedir(dir);
		assert_int_equal(sockets, 2);
		assert_int_equal(files, 0);
		/* Run by root, a frontend is "nobody" (where that user
		 * exists), not root. */
		if (geteuid() == 0 && getpwnam("nobody") != NULL)
			assert_int_not_equal(proc_uid(kids[i]), 0);
	}
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_three_people, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_same_line_concurrent, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_same_position_concurrent, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_save_and_leave, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_resize_and_small, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_unknown_term, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_utf8, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_picker, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_banner, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_frontend_descriptors, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_split_key_sequence, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_not_a_repo, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_frozen_client, h_setup, h_teardown),
	};

	/* E2E_FILTER=test_frozen_client runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
