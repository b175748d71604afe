/* test-term.c: unit tests of the daemon's terminals (term.c): real ptys
 * and processes, hostile output fed to the emulator, keys, scrollback. */
#include "moot.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "keys.h"
#include "loop.h"
#include "term.h"
#include "utf8.h"

#define WAIT_MS 10000

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A row as UTF-8 text, trailing blanks cut. */
static void
row_text(const struct term *t, int row, char *buf, size_t size)
{
	struct term_cell c;
	size_t len = 0, keep = 0, n;
	unsigned col;
	char u[4];

	for (col = 0; col < term_cols(t); col++) {
		term_cell(t, row, col, &c);
		if (c.width == 0)
			continue;
		if (c.cp[0] == 0) {
			u[0] = ' ';
			n = 1;
		} else
			n = utf8_encode(c.cp[0], u);
		if (len + n + 1 > size)
			break;
		memcpy(buf + len, u, n);
		len += n;
		if (c.cp[0] != 0)
			keep = len;
	}
	buf[keep] = '\0';
}

/* Is text on any row of the screen? */
static int
screen_has(const struct term *t, const char *text)
{
	char buf[4096];
	unsigned row;

	for (row = 0; row < term_rows(t); row++) {
		row_text(t, (int)row, buf, sizeof buf);
		if (strstr(buf, text) != NULL)
			return 1;
	}
	return 0;
}

/* Read the terminal until text shows (1) or the pty closes or time runs
 * out (0). */
static int
wait_for(struct term *t, const char *text)
{
	struct pollfd pfd;
	uint64_t end = now_ms() + WAIT_MS;

	while (!screen_has(t, text)) {
		if (now_ms() > end)
			return 0;
		pfd.fd = term_fd(t);
		pfd.events = POLLIN;
		poll(&pfd, 1, 100);
		if (term_read(t) == -1)
			return screen_has(t, text);
	}
	return 1;
}

/* Read until the pty closes; 0, or -1 on time out. */
static int
wait_eof(struct term *t)
{
	struct pollfd pfd;
	uint64_t end = now_ms() + WAIT_MS;

	while (term_read(t) != -1) {
		if (now_ms() > end)
			return -1;
		pfd.fd = term_fd(t);
		pfd.events = POLLIN;
		poll(&pfd, 1, 100);
	}
	return 0;
}

/* waitpid with a time limit: the status, or -1. */
static int
reap(pid_t pid)
{
	uint64_t end = now_ms() + WAIT_MS;
	int status;

	while (now_ms() < end) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	return -1;
}

static struct term *
start(const char *script, unsigned cols, unsigned rows)
{
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	struct term *t;
	char *err;

	t = term_start_argv(NULL, "/", argv, cols, rows, NULL, NULL, &err);
	assert_non_null(t);
	assert_null(err);
	return t;
}

static void
end(struct term *t)
{
	pid_t pid = term_pid(t);

	term_free(t);
	if (pid > 0)
		reap(pid);
}

static void
key(struct term *t, enum keyc code, uint8_t mods, uint32_t cp)
{
	struct key_event ke;

	memset(&ke, 0, sizeof ke);
	ke.code = code;
	ke.mods = mods;
	ke.cp = cp;
	assert_int_equal(term_key(t, &ke), 0);
}

/* No cell of the screen or scrollback holds a control, DEL, C1 or an
 * invisible code point. */
static void
assert_cells_inert(const struct term *t)
{
	struct term_cell c;
	unsigned col, i;
	int row;

	for (row = -(int)term_scrollback(t); row < (int)term_rows(t); row++) {
		for (col = 0; col < term_cols(t); col++) {
			term_cell(t, row, col, &c);
			for (i = 0; i < TERM_CELL_CHARS && c.cp[i] != 0; i++) {
				assert_true(c.cp[i] >= 0x20);
				assert_false(c.cp[i] >= 0x7f && c.cp[i] < 0xa0);
				assert_true(c.cp[i] <= 0x10ffff);
				assert_false(utf8_invisible(c.cp[i]));
			}
		}
	}
}

/* A program's output shows as cells, with its colours and attributes. */
static void
test_output(void **state)
{
	struct term *t;
	struct term_cell c;
	char buf[256];

	t = start("printf 'hello \\033[1;31mred\\033[0m \\033[38;2;1;2;3mrgb"
	          "\\033[0m \\343\\201\\202x'; sleep 5",
	    40, 10);
	assert_true(wait_for(t, "hello red rgb"));
	assert_true(wait_for(t, "x"));
	row_text(t, 0, buf, sizeof buf);
	assert_string_equal(buf, "hello red rgb \343\201\202x");
	term_cell(t, 0, 0, &c);
	assert_int_equal(c.cp[0], 'h');
	assert_int_equal(c.width, 1);
	assert_int_equal(c.fg.type, TERM_COLOUR_DEFAULT);
	assert_int_equal(c.attrs, 0);
	term_cell(t, 0, 6, &c);
	assert_int_equal(c.cp[0], 'r');
	assert_int_equal(c.attrs, TERM_ATTR_BOLD);
	assert_int_equal(c.fg.type, TERM_COLOUR_INDEX);
	assert_int_equal(c.fg.index, 1);
	assert_int_equal(c.bg.type, TERM_COLOUR_DEFAULT);
	term_cell(t, 0, 10, &c);
	assert_int_equal(c.fg.type, TERM_COLOUR_RGB);
	assert_int_equal(c.fg.r, 1);
	assert_int_equal(c.fg.g, 2);
	assert_int_equal(c.fg.b, 3);
	term_cell(t, 0, 14, &c); /* a wide character and the column after */
	assert_int_equal(c.cp[0], 0x3042);
	assert_int_equal(c.width, 2);
	term_cell(t, 0, 15, &c);
	assert_int_equal(c.width, 0);
	assert_int_equal(c.cp[0], 0);
	end(t);
}

/* The shell's environment, session, directory and descriptors. */
static void
test_child(void **state)
{
	const char *argv[] = {"/bin/sh", "-c",
	    "printf '[%s:%s]' \"$TERM\" \"${COLORTERM-unset}\"; "
	    "printf '[%s]' \"$(pwd)\"; "
	    "printf '[%s]' \"$(ls /proc/self/fd | tr '\\n' ' ')\"; "
	    "test \"$(ps -o sid= -p $$)\" -eq $$ && printf '[leader]'; "
	    "sleep 5",
	    NULL};
	struct term *t;
	char *err, dir[] = "/tmp/test-term.XXXXXX", want[128];
	int fd;

	assert_non_null(mkdtemp(dir));
	setenv("COLORTERM", "truecolor", 1);
	setenv("TERM", "dumb", 1);
	fd = dup2(STDERR_FILENO, 57); /* a descriptor the child must not get */
	assert_int_equal(fd, 57);
	t = term_start_argv(NULL, dir, argv, 80, 10, NULL, NULL, &err);
	assert_non_null(t);
	assert_true(wait_for(t, "[xterm-256color:unset]"));
	snprintf(want, sizeof want, "[%s]", dir);
	assert_true(wait_for(t, want));
	/* Only standard input, output and error (and ls's own directory). */
	assert_true(wait_for(t, "[0 1 2 3 ]"));
	assert_true(wait_for(t, "[leader]"));
	close(fd);
	end(t);
	rmdir(dir);
}

/* term_start runs a login shell ("-sh") that takes typed keys. */
static void
test_login_shell(void **state)
{
	struct term *t;
	char *err;
	const char *s;

	t = term_start(NULL, "/", "/bin/sh", 80, 10, NULL, NULL, &err);
	assert_non_null(t);
	for (s = "echo \"<$0>\""; *s != '\0'; s++)
		key(t, KEYC_CHAR, 0, (unsigned char)*s);
	key(t, KEYC_ENTER, 0, 0);
	assert_true(wait_for(t, "<-sh>"));
	end(t);
}

/* Hostile output stays inside the emulator: titles, clipboard writes,
 * hyperlinks, DCS/APC/PM/SOS strings, C1 controls in both encodings,
 * bidi and invisible code points. Each between < and > on a fresh
 * terminal; the row that shows and what goes back to the program. */
static void
test_attacks(void **state)
{
	static const struct {
		const char *in, *row, *answer;
	} attacks[] = {
	    {"\033]0;TITLE0\007", "<>", ""},
	    {"\033]2;TITLE2\033\\", "<>", ""},
	    {"\033]1;ICON\007", "<>", ""},
	    {"\033]52;c;ZXZpbA==\007", "<>", ""},
	    {"\033]8;;http://evil/\033\\link\033]8;;\033\\", "<link>", ""},
	    {"\033]1337;File=inline=1:AAAA\007", "<>", ""},
	    {"\033P1$qm\033\\", "<>", ""},
	    {"\033Pq#0;2;0;0;0#0!10~\033\\", "<>", ""},
	    {"\033_APCSTRING\033\\", "<>", ""},
	    {"\033_Gf=100;AAAA\033\\", "<>", ""},
	    {"\033^PMSTRING\033\\", "<>", ""},
	    {"\033X SOS \033\\", "<>", ""},
	    {"\033_unterminated\030", "<>", ""},
	    {"\033[21t", "<>", ""},
	    {"\033[>0;1;2;3T", "<>", ""},
	    {"\033[?1049hALT\033[?1049l", "<>", ""},
	    {"\033[99999999999999999999m", "<>", ""},
	    {"\033[6n", "<>", "\033[1;2R"},
	    {"\23331m", "<\357\277\27531m>", ""},
	    {"\2350;X\234", "<\357\277\2750;X\357\277\275>", ""},
	    {"\302\23331m", "<\357\277\27531m>", ""},
	    {"\302\2350;Y\302\234", "<\357\277\2750;Y\357\277\275>", ""},
	    {"\302\220DCS\302\234", "<\357\277\275DCS\357\277\275>", ""},
	    {"\302\237APC\302\234", "<\357\277\275APC\357\277\275>", ""},
	    {"\302\205", "<\357\277\275>", ""},
	    {"\302\251\302A", "<\302\251\357\277\275A>", ""},
	    {"\033\302\2331m", "<\357\277\2751m>", ""},
	    {"\177", "<>", ""},
	    {"\342\200\256bidi", "<bidi>", ""},
	    {"\342\201\246iso", "<\357\277\275iso>", ""},
	    {"a\314\201\342\200\215b", "<a\314\201b>", ""},
	    {"\355\240\200", "<\357\277\275>", ""},
	    {"\364\220\200\200", "<\357\277\275>", ""},
	};
	struct term *t;
	struct term_cell c;
	char buf[1024];
	const char *out;
	size_t i, len;
	unsigned col, k;

	for (i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
		t = term_new_detached(40, 4);
		term_feed(t, "<", 1);
		term_feed(t, attacks[i].in, strlen(attacks[i].in));
		term_feed(t, ">", 1);
		assert_cells_inert(t);
		/* The row with combining marks. */
		len = 0;
		for (col = 0; col < term_cols(t); col++) {
			term_cell(t, 0, col, &c);
			for (k = 0; k < TERM_CELL_CHARS && c.cp[k] != 0; k++)
				len += utf8_encode(c.cp[k], buf + len);
		}
		buf[len] = '\0';
		if (strcmp(buf, attacks[i].row) != 0)
			print_message("attack %zu\n", i);
		assert_string_equal(buf, attacks[i].row);
		out = term_output(t, &len);
		assert_int_equal(len, strlen(attacks[i].answer));
		assert_memory_equal(out, attacks[i].answer, len);
		assert_int_equal(term_bells(t), 0);
		term_free(t);
	}

	/* All of them at once, split at every byte: the same inert cells. */
	t = term_new_detached(80, 24);
	for (i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
		for (k = 0; attacks[i].in[k] != '\0'; k++)
			term_feed(t, attacks[i].in + k, 1);
		assert_cells_inert(t);
	}
	for (i = 0; i < term_rows(t); i++) {
		row_text(t, (int)i, buf, sizeof buf);
		assert_null(strstr(buf, "TITLE"));
		assert_null(strstr(buf, "ZXZpbA"));
		assert_null(strstr(buf, "STRING"));
		assert_null(strstr(buf, "http"));
	}
	term_free(t);

	/* Erasing the screen erases the emulated one. */
	t = term_new_detached(80, 24);
	term_feed(t, "old\r\nlines", 10);
	term_feed(t, "\033[2J\033[Hplain", 13);
	row_text(t, 0, buf, sizeof buf);
	assert_string_equal(buf, "plain");
	row_text(t, 1, buf, sizeof buf);
	assert_string_equal(buf, "");

	/* A bell is counted, never rung. */
	term_feed(t, "\007\007", 2);
	assert_int_equal(term_bells(t), 2);
	term_free(t);
}

/* Output that crashed, hung or overran libvterm 0.1.4 (found by
 * fuzz-term) is emulated and returns: each on a fresh terminal, whole
 * and one byte at a time. A hang fails the test by its time limit. */
static void
test_libvterm_traps(void **state)
{
	static const struct {
		unsigned cols, rows;
		const char *in;
	} traps[] = {
	    /* REP before any character: an endless loop. */
	    {20, 5, "\033[5b"},
	    {20, 5, "\314\201\033[3b"},
	    /* A C1 control's width of -1, then REP. */
	    {20, 5, "a\302\233\033[3bz"},
	    {20, 5, "\302\233\033[3b"},
	    /* A wide character on one column: a NULL write. */
	    {1, 5, "\343\201\202\343\201\202"},
	    /* ST split from its ESC after a buffered part of the string: a
	     * read past the bytes given (seen with ASan). */
	    {20, 5, "\033]0;ab\005\033\\"},
	    {20, 5, "\033]\271\004\033\\z"},
	    {20, 5, "\033]\033\005\\z"},
	};
	struct term *t;
	char buf[256];
	size_t i, k;
	int split;

	for (i = 0; i < sizeof traps / sizeof traps[0]; i++) {
		for (split = 0; split < 2; split++) {
			t = term_new_detached(traps[i].cols, traps[i].rows);
			if (split) {
				for (k = 0; traps[i].in[k] != '\0'; k++)
					term_feed(t, traps[i].in + k, 1);
			} else
				term_feed(t, traps[i].in, strlen(traps[i].in));
			assert_cells_inert(t);
			term_free(t);
		}
	}
	/* One column is two. */
	t = term_new_detached(1, 5);
	assert_int_equal(term_cols(t), TERM_COLS_MIN);
	term_resize(t, 0, 0);
	assert_int_equal(term_cols(t), TERM_COLS_MIN);
	assert_int_equal(term_rows(t), 1);
	term_free(t);
	/* A CSI with more parameters than libvterm keeps: dropped. */
	t = term_new_detached(20, 5);
	term_feed(t, "a\033[::::::::::::::::::::::::::::::::mb", 37);
	row_text(t, 0, buf, sizeof buf);
	assert_string_equal(buf, "ab");
	term_free(t);
	/* The cursor on the top row of a screen that shrinks stays on it. */
	t = term_new_detached(9, 5);
	term_feed(t, "\f\033[4h\v]\0338", 9);
	term_resize(t, 6, 2);
	term_feed(t, "xy", 2);
	row_text(t, 0, buf, sizeof buf);
	assert_memory_equal(buf, "xy", 2);
	assert_cells_inert(t);
	term_free(t);
	/* A cursor saved on a larger screen and restored on a smaller one
	 * stays on it. */
	t = term_new_detached(30, 10);
	term_feed(t, "\033[9;28H\0337", 10);
	term_resize(t, 10, 4);
	term_feed(t, "\0338xy", 4);
	assert_cells_inert(t);
	row_text(t, 2, buf, sizeof buf);
	assert_string_equal(buf, "         x");
	row_text(t, 3, buf, sizeof buf);
	assert_string_equal(buf, "y");
	term_free(t);
	/* REP repeats what it should. */
	t = term_new_detached(20, 5);
	term_feed(t, "ab\033[3bc", 7);
	row_text(t, 0, buf, sizeof buf);
	assert_string_equal(buf, "abbbbc");
	term_free(t);
	/* A wide character in the last column comes back from the
	 * scrollback on a narrower screen as a blank. */
	t = term_new_detached(17, 2);
	term_feed(t, ")\343\201\202\n\n", 6);
	term_resize(t, 2, 8);
	assert_cells_inert(t);
	term_free(t);
}

/* 12,000 lines keep the last 10,000 scrolled off, in order. */
static void
test_scrollback(void **state)
{
	struct term *t;
	char line[64], buf[256];
	int i, n;

	t = term_new_detached(40, 24);
	for (i = 0; i < 12000; i++) {
		n = snprintf(line, sizeof line, "line %d\r\n", i);
		term_feed(t, line, (size_t)n);
	}
	assert_int_equal(term_scrollback(t), TERM_SCROLLBACK);
	/* The screen holds lines 11977..11999 and an empty one. */
	row_text(t, 0, buf, sizeof buf);
	assert_string_equal(buf, "line 11977");
	row_text(t, 22, buf, sizeof buf);
	assert_string_equal(buf, "line 11999");
	row_text(t, -1, buf, sizeof buf);
	assert_string_equal(buf, "line 11976");
	row_text(t, -10000, buf, sizeof buf);
	assert_string_equal(buf, "line 1977");
	row_text(t, -5000, buf, sizeof buf);
	assert_string_equal(buf, "line 6977");
	row_text(t, -10001, buf, sizeof buf);
	assert_string_equal(buf, "");

	/* A taller screen takes lines back from the scrollback. */
	term_resize(t, 40, 30);
	assert_int_equal(term_scrollback(t), TERM_SCROLLBACK - 6);
	row_text(t, 0, buf, sizeof buf);
	assert_string_equal(buf, "line 11971");
	row_text(t, -1, buf, sizeof buf);
	assert_string_equal(buf, "line 11970");
	term_free(t);
}

/* A resize reaches the program: stty sees the new size. */
static void
test_resize(void **state)
{
	struct term *t;

	t = start("stty size; read x; stty size; sleep 5", 80, 24);
	assert_true(wait_for(t, "24 80"));
	term_resize(t, 100, 30);
	assert_int_equal(term_cols(t), 100);
	assert_int_equal(term_rows(t), 30);
	key(t, KEYC_ENTER, 0, 0);
	assert_true(wait_for(t, "30 100"));
	end(t);
}

/* A shell that exits: the pty closes, the status is kept when reaped. */
static void
test_exit(void **state)
{
	struct term *t;
	int status;
	pid_t pid;

	t = start("echo bye; exit 3", 80, 24);
	pid = term_pid(t);
	assert_true(pid > 0);
	assert_int_equal(wait_eof(t), 0);
	assert_true(term_eof(t));
	assert_true(screen_has(t, "bye"));
	assert_int_equal(term_exited(t, &status), 0);
	status = reap(pid);
	assert_int_not_equal(status, -1);
	assert_int_equal(term_reaped(pid + 100000, status), 0);
	assert_int_equal(term_reaped(pid, status), 1);
	assert_int_equal(term_exited(t, &status), 1);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	term_free(t);
}

/* term_hup ends what runs in the terminal. */
static void
test_hup(void **state)
{
	const char *argv[] = {"/bin/sleep", "100", NULL};
	struct term *t;
	char *err;
	int status;

	t = term_start_argv(NULL, "/", argv, 80, 24, NULL, NULL, &err);
	assert_non_null(t);
	usleep(100000);
	term_hup(t);
	status = reap(term_pid(t));
	assert_int_not_equal(status, -1);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGHUP);
	term_free(t);

	/* A shell and the job it waits for, through term_hup_all. */
	t = start("sleep 100; echo after", 80, 24);
	usleep(100000);
	term_hup_all();
	status = reap(term_pid(t));
	assert_int_not_equal(status, -1);
	assert_true(WIFSIGNALED(status));
	term_free(t);
}

/* Read a flood for 2 s: every slice at most TERM_READ_MAX bytes; the
 * largest, the slowest. */
static void
flood(const char *script, int *max, uint64_t *slow)
{
	struct pollfd pfd;
	struct term *t;
	uint64_t start_ms, total = 0, t0, t1;
	int n;

	t = start(script, 80, 24);
	*max = 0;
	*slow = 0;
	start_ms = now_ms();
	while (now_ms() - start_ms < 2000) {
		pfd.fd = term_fd(t);
		pfd.events = POLLIN;
		poll(&pfd, 1, 100);
		t0 = now_ms();
		n = term_read(t);
		t1 = now_ms();
		assert_true(n >= 0);
		assert_true(n <= TERM_READ_MAX);
		if (n > *max)
			*max = n;
		if (t1 - t0 > *slow)
			*slow = t1 - t0;
		total += (uint64_t)n;
	}
	print_message("flood %s: %llu bytes in 2 s, largest slice %d, "
	              "slowest %llu ms, %u lines kept\n",
	    script, (unsigned long long)total, *max, (unsigned long long)*slow,
	    term_scrollback(t));
	assert_true(total > TERM_READ_MAX);
	assert_int_equal(term_scrollback(t), TERM_SCROLLBACK);
	end(t);
}

/* A flood is read in slices: by bytes (long lines, cheap to emulate) or
 * by time (short lines, each a scroll). */
static void
test_flood(void **state)
{
	uint64_t slow;
	int max;

	flood("exec tr '\\0' x </dev/zero", &max, &slow);
	/* Bytes cut it (or time, in a slow build). */
	assert_true(max > TERM_READ_MAX / 16);
	/* 32,768 scrolls take far longer than TERM_READ_MS: time cuts. */
	flood("exec yes", &max, &slow);
	assert_true(max < TERM_READ_MAX);
}

/* Keys are encoded in the modes the program set; what is not a key is
 * refused. */
static void
test_keys(void **state)
{
	static const struct {
		enum keyc code;
		uint8_t mods;
		uint32_t cp;
		const char *bytes;
	} keys[] = {
	    {KEYC_CHAR, 0, 'a', "a"},
	    {KEYC_CHAR, 0, 0xe9, "\xc3\xa9"},
	    {KEYC_CHAR, KEYC_MOD_ALT, 'x', "\033x"},
	    {KEYC_CTRL, 0, 'c', "\003"},
	    {KEYC_CTRL, 0, '@', ""}, /* NUL: checked by length */
	    {KEYC_CTRL, KEYC_MOD_ALT, 'd', "\033\004"},
	    {KEYC_UP, 0, 0, "\033[A"},
	    {KEYC_LEFT, KEYC_MOD_CTRL, 0, "\033[1;5D"},
	    {KEYC_HOME, 0, 0, "\033[H"},
	    {KEYC_PGDN, 0, 0, "\033[6~"},
	    {KEYC_DELETE, 0, 0, "\033[3~"},
	    {KEYC_INSERT, 0, 0, "\033[2~"},
	    {KEYC_BACKSPACE, 0, 0, "\177"},
	    {KEYC_ENTER, 0, 0, "\r"},
	    {KEYC_TAB, 0, 0, "\t"},
	    {KEYC_BTAB, 0, 0, "\033[Z"},
	    {KEYC_ESC, 0, 0, "\033"},
	    {KEYC_F, 0, 1, "\033OP"},
	    {KEYC_F, 0, 5, "\033[15~"},
	    {KEYC_F, 0, 13, "\033[1;2P"},
	    {KEYC_F, 0, 24, "\033[24;2~"},
	};
	static const struct {
		enum keyc code;
		uint8_t mods;
		uint32_t cp;
	} refused[] = {
	    {KEYC_CHAR, 0, 0x1b},
	    {KEYC_CHAR, 0, 0x9b},
	    {KEYC_CHAR, 0, 0x7f},
	    {KEYC_CHAR, 0, 0x202e},
	    {KEYC_CHAR, 0, 0x110000},
	    {KEYC_CTRL, 0, '1'},
	    {KEYC_F, 0, 0},
	    {KEYC_F, 0, 25},
	    {KEYC_PASTE_START, 0, 0},
	    {KEYC_UNKNOWN, 0, 0},
	    {KEYC_INVALID, 0, 0xff},
	    {KEYC_NONE, 0, 0},
	    {KEYC_MOUSE, 0, 0},
	};
	struct key_event ke;
	struct term *t;
	const char *out;
	size_t i, len, want;

	t = term_new_detached(80, 24);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		t = (term_free(t), term_new_detached(80, 24));
		key(t, keys[i].code, keys[i].mods, keys[i].cp);
		out = term_output(t, &len);
		want = strlen(keys[i].bytes);
		if (keys[i].code == KEYC_CTRL && keys[i].cp == '@')
			want = 1;
		assert_int_equal(len, want);
		assert_memory_equal(out, keys[i].bytes, want);
	}
	t = (term_free(t), term_new_detached(80, 24));
	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		memset(&ke, 0, sizeof ke);
		ke.code = refused[i].code;
		ke.mods = refused[i].mods;
		ke.cp = refused[i].cp;
		assert_int_equal(term_key(t, &ke), -1);
		(void)term_output(t, &len);
		assert_int_equal(len, 0);
	}
	/* Application cursor keys, as the program asks (DECCKM). */
	term_feed(t, "\033[?1h", 5);
	key(t, KEYC_UP, 0, 0);
	out = term_output(t, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "\033OA", 3);
	term_free(t);
}

/* A paste: raw with line ends as CR, or bracketed (without ESC inside)
 * when the program asked for it. */
static void
test_paste(void **state)
{
	static const char text[] = "a\nb\r\nc\033[201~d";
	static const char raw[] = "a\rb\rc\033[201~d";
	static const char bracketed[] = "\033[200~a\rb\rc[201~d\033[201~";
	struct term *t;
	const char *out;
	size_t len;

	t = term_new_detached(80, 24);
	term_paste(t, text, sizeof text - 1);
	out = term_output(t, &len);
	assert_int_equal(len, sizeof raw - 1);
	assert_memory_equal(out, raw, len);
	term_free(t);

	t = term_new_detached(80, 24);
	term_feed(t, "\033[?2004h", 8);
	term_paste(t, text, sizeof text - 1);
	out = term_output(t, &len);
	assert_int_equal(len, sizeof bracketed - 1);
	assert_memory_equal(out, bracketed, len);
	term_free(t);
}

/* Bytes for a program that never reads are capped, the rest counted. */
static void
test_write_cap(void **state)
{
	struct term *t;
	char *big;
	size_t len;
	int i;

	t = term_new_detached(80, 24);
	big = xmalloc(1000);
	memset(big, 'x', 1000);
	for (i = 0; i < 100; i++)
		term_paste(t, big, 1000);
	(void)term_output(t, &len);
	assert_true(len <= TERM_WRITE_MAX);
	assert_true(term_dropped(t) > 0);
	assert_int_equal(len + term_dropped(t), 100 * 1000);
	free(big);
	term_free(t);

	/* A real program that never reads: keys wait, nothing blocks. */
	t = start("sleep 5", 80, 24);
	for (i = 0; i < 40000; i++)
		key(t, KEYC_CHAR, 0, 'x');
	(void)term_output(t, &len);
	assert_true(len <= TERM_WRITE_MAX);
	end(t);
}

/* With a loop, output is read and the callback called; the end too. */
static int loop_calls;
static int loop_eof;
static void
changed_cb(struct term *t, void *arg)
{
	loop_calls++;
	if (term_eof(t)) {
		loop_eof = 1;
		loop_stop(arg);
	}
}

static void
timeout_cb(void *arg)
{
	loop_stop(arg);
}

static void
test_loop(void **state)
{
	const char *argv[] = {"/bin/sh", "-c", "echo looped", NULL};
	struct loop *loop;
	struct term *t;
	char *err;

	loop = loop_create();
	t = term_start_argv(loop, "/", argv, 80, 24, changed_cb, loop, &err);
	assert_non_null(t);
	loop_timer(loop, WAIT_MS, timeout_cb, loop);
	loop_run(loop);
	assert_true(loop_eof);
	assert_true(loop_calls >= 1);
	assert_true(screen_has(t, "looped"));
	reap(term_pid(t));
	term_free(t);
	loop_free(loop);
}

static void
feed(struct term *t, const char *s)
{
	term_feed(t, s, strlen(s));
}

/* Copy mode's parts: the text of a range of cells, over the scrollback
 * and the screen, and finding text backward and forward; hostile output
 * copies as inert characters only. */
static void
test_text_and_find(void **state)
{
	struct term *t;
	char *text;
	size_t len, i;
	unsigned col;
	int row;

	(void)state;
	t = term_new_detached(20, 3);
	feed(t, "alpha one\r\nbeta TWO\r\ngamma\r\ndelta  \r\nend");
	/* Two lines went to the scrollback: rows -2, -1, then 0..2. */
	assert_int_equal(term_scrollback(t), 2);
	text = term_text(t, -2, 0, -1, 19, &len);
	assert_string_equal(text, "alpha one\nbeta TWO");
	assert_int_equal(len, strlen(text));
	free(text);
	/* A range inside lines, trailing blanks dropped. */
	text = term_text(t, -2, 6, 1, 2, &len);
	assert_string_equal(text, "one\nbeta TWO\ngamma\ndel");
	free(text);
	text = term_text(t, 1, 0, 1, 19, &len);
	assert_string_equal(text, "delta");
	free(text);
	/* Out of range rows are cut to what there is. */
	text = term_text(t, -100, 0, -2, 4, &len);
	assert_string_equal(text, "alpha");
	free(text);

	/* Backward from the end: the nearest match before; without case. */
	row = 2;
	col = 0;
	assert_true(term_find(t, "two", &row, &col, 1));
	assert_int_equal(row, -1);
	assert_int_equal(col, 5);
	assert_true(term_find(t, "a", &row, &col, 1));
	assert_int_equal(row, -1);
	assert_int_equal(col, 3);
	assert_true(term_find(t, "a", &row, &col, 1));
	assert_int_equal(row, -2);
	assert_int_equal(col, 4);
	assert_true(term_find(t, "a", &row, &col, 1));
	assert_int_equal(col, 0);
	assert_false(term_find(t, "a", &row, &col, 1));
	/* Forward from there. */
	assert_true(term_find(t, "GAMMA", &row, &col, 0));
	assert_int_equal(row, 0);
	assert_int_equal(col, 0);
	assert_false(term_find(t, "nothing", &row, &col, 0));
	assert_false(term_find(t, "", &row, &col, 0));
	term_free(t);

	/* Controls, C1, a title and a wide character: what is copied holds
	 * no control byte, and the wide one whole. */
	t = term_new_detached(20, 2);
	feed(t, "a\033]0;title\007b\302\233c\344\270\255d\r\n");
	text = term_text(t, -1, 0, 1, 19, &len);
	for (i = 0; i < len; i++)
		assert_true((unsigned char)text[i] >= 0x20 || text[i] == '\n');
	assert_non_null(strstr(text, "ab"));
	assert_non_null(strstr(text, "\344\270\255d"));
	free(text);
	row = 1;
	col = 0;
	assert_true(term_find(t, "\344\270\255", &row, &col, 1));
	term_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_output),
	    cmocka_unit_test(test_child),
	    cmocka_unit_test(test_login_shell),
	    cmocka_unit_test(test_attacks),
	    cmocka_unit_test(test_libvterm_traps),
	    cmocka_unit_test(test_scrollback),
	    cmocka_unit_test(test_resize),
	    cmocka_unit_test(test_exit),
	    cmocka_unit_test(test_hup),
	    cmocka_unit_test(test_flood),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_paste),
	    cmocka_unit_test(test_write_cap),
	    cmocka_unit_test(test_loop),
	    cmocka_unit_test(test_text_and_find),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
