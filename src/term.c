/* term.c: terminals run by the daemon: a login shell on a pty, emulated
 * with libvterm into cells, a cursor and a scrollback; nothing else. */
#include "moot.h"

#include <sys/ioctl.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <utmp.h>
#include <vterm.h>

#include "keys.h"
#include "loop.h"
#include "term.h"
#include "utf8.h"

extern char **environ;

/*
 * The program's output is untrusted: it reaches people only as cells.
 * Control strings (titles, OSC 52 clipboard writes, hyperlinks, DCS, APC,
 * PM, SOS) are dropped before libvterm sees them (term_input); of what
 * libvterm parses, only the screen and its scrollback are kept: terminal
 * properties but the cursor's visibility are ignored, unknown sequences
 * swallowed, a bell counted, and every code point read out of a cell is
 * checked again (term_cell_from). Only answers to the program's own
 * queries (device attributes, cursor position) go back, to the program.
 */

/* A scrollback cell: the character only, colours packed. */
struct term_sbcell {
	uint32_t cp;
	uint32_t fg, bg; /* type << 24 | index, or type << 24 | rgb */
	uint8_t width;
	uint8_t attrs;
};
/* A scrollback line: its cells up to the last one not blank. */
struct term_line {
	unsigned n;
	unsigned size; /* cells room was made for (a line is reused) */
	struct term_sbcell cells[];
};

/* Where the bytes fed stand (term_input). */
enum term_pstate {
	TERM_TEXT,   /* anything; passed on */
	TERM_C2,     /* a 0xc2 held back (U+0080..U+00BF) */
	TERM_ESC,    /* an escape sequence, in seq */
	TERM_CSI,    /* a CSI sequence, in seq */
	TERM_STR,    /* inside OSC, DCS, APC, PM or SOS: dropped */
	TERM_STR_ESC /* an ESC inside one */
};
/* The longest escape or CSI sequence passed on (longer: dropped). */
#define TERM_SEQ_MAX 128
/* The most parameters of a sequence passed on (more: dropped): libvterm
 * 0.1.4 keeps 16 and writes past them (fuzz-term found it). */
#define TERM_PARAMS_MAX 16

struct term {
	VTerm *vt;
	VTermScreen *screen;
	unsigned cols, rows;
	enum term_pstate pstate;
	char seq[TERM_SEQ_MAX]; /* the sequence being read */
	size_t seqlen;          /* may pass TERM_SEQ_MAX: dropped then */

	int fd;    /* the pty's master; -1 when detached */
	pid_t pid; /* the process (and its session); 0 when detached */
	struct loop *loop;
	term_cb cb;
	void *arg;
	int watching;            /* fd is in the loop */
	struct loop_timer *rest; /* resting: output is not read until then */
	int eof;                 /* the pty closed */
	int exited;              /* the process was reaped */
	int status;

	char *out; /* bytes for the program */
	size_t outlen;
	uint64_t dropped;

	struct term_line **sb; /* ring of TERM_SCROLLBACK lines */
	unsigned sbfirst;      /* the oldest */
	unsigned sblen;

	uint64_t generation;
	/* The screen's cells as term_cell reads them, made once per
	 * generation however many panes draw it. */
	struct term_cell *cells;
	unsigned cells_cols, cells_rows;
	uint64_t cells_generation;
	int cells_ok;
	unsigned bells;
	int cursor_visible;

	TAILQ_ENTRY(term) entry; /* in term_list when it has a process */
};
TAILQ_HEAD(terms, term);

static struct terms term_list = TAILQ_HEAD_INITIALIZER(term_list);
/* Until when terminals yield to people typing (term_interactive). */
static uint64_t term_yield_until;

/* A code point a cell may hold as its character. */
static uint32_t
term_inert(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || utf8_invisible(cp) ||
	    utf8_width(cp) < 0)
		return 0xfffd;
	return cp;
}

/* A code point a cell may hold as a combining mark (0: leave it out). */
static uint32_t
term_inert_mark(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || utf8_invisible(cp) ||
	    utf8_width(cp) < 0)
		return 0;
	return cp;
}

static void
term_colour_from(const VTermColor *c, int bg, struct term_colour *out)
{
	memset(out, 0, sizeof *out);
	if (bg ? VTERM_COLOR_IS_DEFAULT_BG(c) : VTERM_COLOR_IS_DEFAULT_FG(c))
		out->type = TERM_COLOUR_DEFAULT;
	else if (VTERM_COLOR_IS_INDEXED(c)) {
		out->type = TERM_COLOUR_INDEX;
		out->index = c->indexed.idx;
	} else {
		out->type = TERM_COLOUR_RGB;
		out->r = c->rgb.red;
		out->g = c->rgb.green;
		out->b = c->rgb.blue;
	}
}

static uint32_t
term_colour_pack(const struct term_colour *c)
{
	if (c->type == TERM_COLOUR_INDEX)
		return (uint32_t)c->type << 24 | c->index;
	return (uint32_t)c->type << 24 | (uint32_t)c->r << 16 |
	       (uint32_t)c->g << 8 | c->b;
}

static void
term_colour_unpack(uint32_t v, struct term_colour *c)
{
	memset(c, 0, sizeof *c);
	c->type = v >> 24;
	if (c->type == TERM_COLOUR_INDEX)
		c->index = v & 0xff;
	else if (c->type == TERM_COLOUR_RGB) {
		c->r = (v >> 16) & 0xff;
		c->g = (v >> 8) & 0xff;
		c->b = v & 0xff;
	}
}

static void
term_blank(struct term_cell *cell)
{
	memset(cell, 0, sizeof *cell);
	cell->width = 1;
}

/* A libvterm cell as a term_cell, made inert. */
static void
term_cell_from(const VTermScreenCell *vc, struct term_cell *cell)
{
	unsigned i, n;
	uint32_t cp;

	term_blank(cell);
	if (vc->chars[0] == (uint32_t)-1 || vc->width == 0) {
		/* The column a wide character covers. */
		cell->width = 0;
	} else {
		cell->width = vc->width == 2 ? 2 : 1;
		if (vc->chars[0] != 0) {
			cell->cp[0] = term_inert(vc->chars[0]);
			n = 1;
			for (i = 1; i < VTERM_MAX_CHARS_PER_CELL &&
			            i < TERM_CELL_CHARS && vc->chars[i] != 0;
			     i++) {
				if ((cp = term_inert_mark(vc->chars[i])) != 0)
					cell->cp[n++] = cp;
			}
		}
	}
	if (vc->attrs.bold)
		cell->attrs |= TERM_ATTR_BOLD;
	if (vc->attrs.underline)
		cell->attrs |= TERM_ATTR_UNDERLINE;
	if (vc->attrs.italic)
		cell->attrs |= TERM_ATTR_ITALIC;
	if (vc->attrs.blink)
		cell->attrs |= TERM_ATTR_BLINK;
	if (vc->attrs.reverse)
		cell->attrs |= TERM_ATTR_REVERSE;
	if (vc->attrs.strike)
		cell->attrs |= TERM_ATTR_STRIKE;
	term_colour_from(&vc->fg, 0, &cell->fg);
	term_colour_from(&vc->bg, 1, &cell->bg);
}

/* Is a libvterm cell a blank in default colours (what term_cell_from makes
 * with no character, width 1, no attribute and the default background)? */
static int
term_vc_blank(const VTermScreenCell *vc)
{
	return vc->chars[0] == 0 && vc->width != 0 && !vc->attrs.bold &&
	       !vc->attrs.underline && !vc->attrs.italic && !vc->attrs.blink &&
	       !vc->attrs.reverse && !vc->attrs.strike &&
	       VTERM_COLOR_IS_DEFAULT_BG(&vc->bg);
}

/* A term_cell back as libvterm's (a line coming back from the
 * scrollback when the screen grows). */
static void
term_cell_to(
    const struct term *t, const struct term_cell *cell, VTermScreenCell *vc)
{
	VTermColor dfg, dbg;
	const struct term_colour *c;
	VTermColor *v;
	int i;

	memset(vc, 0, sizeof *vc);
	vc->chars[0] = cell->width == 0 ? (uint32_t)-1 : cell->cp[0];
	vc->width = cell->width == 0 ? 1 : cell->width;
	vc->attrs.bold = (cell->attrs & TERM_ATTR_BOLD) != 0;
	vc->attrs.underline = (cell->attrs & TERM_ATTR_UNDERLINE) != 0;
	vc->attrs.italic = (cell->attrs & TERM_ATTR_ITALIC) != 0;
	vc->attrs.blink = (cell->attrs & TERM_ATTR_BLINK) != 0;
	vc->attrs.reverse = (cell->attrs & TERM_ATTR_REVERSE) != 0;
	vc->attrs.strike = (cell->attrs & TERM_ATTR_STRIKE) != 0;
	vterm_state_get_default_colors(vterm_obtain_state(t->vt), &dfg, &dbg);
	for (i = 0; i < 2; i++) {
		c = i == 0 ? &cell->fg : &cell->bg;
		v = i == 0 ? &vc->fg : &vc->bg;
		if (c->type == TERM_COLOUR_INDEX)
			vterm_color_indexed(v, c->index);
		else if (c->type == TERM_COLOUR_RGB)
			vterm_color_rgb(v, c->r, c->g, c->b);
		else
			*v = i == 0 ? dfg : dbg;
	}
}

/* Screen callbacks: only what the screen shows is kept. */

static int
term_damage_cb(VTermRect rect, void *arg)
{
	struct term *t = arg;

	t->generation++;
	return 1;
}

static int
term_moverect_cb(VTermRect dest, VTermRect src, void *arg)
{
	struct term *t = arg;

	t->generation++;
	return 0; /* libvterm moves the cells (and reports damage) */
}

static int
term_movecursor_cb(VTermPos pos, VTermPos oldpos, int visible, void *arg)
{
	struct term *t = arg;

	t->generation++;
	return 1;
}

static int
term_settermprop_cb(VTermProp prop, VTermValue *val, void *arg)
{
	struct term *t = arg;

	/*
	 * The cursor's visibility only. The title and icon name are not
	 * kept; the alternate screen is libvterm's own; the others (blink,
	 * shape, reverse screen, mouse) stay inside the emulator.
	 */
	if (prop == VTERM_PROP_CURSORVISIBLE) {
		t->cursor_visible = val->boolean;
		t->generation++;
	}
	return 1;
}

static int
term_bell_cb(void *arg)
{
	struct term *t = arg;

	t->bells++;
	return 1;
}

static int
term_resize_cb(int rows, int cols, void *arg)
{
	struct term *t = arg;

	t->generation++;
	return 1;
}

static int
term_sb_pushline_cb(int cols, const VTermScreenCell *cells, void *arg)
{
	struct term *t = arg;
	struct term_line *line;
	struct term_cell cell;
	unsigned n, i, slot;

	if (cols < 0)
		cols = 0;
	n = (unsigned)cols;
	/* Trailing blanks in default colours are not kept (as
	 * term_cell_from would see them, without making each one). */
	while (n > 0 && term_vc_blank(&cells[n - 1]))
		n--;
	/* Full: the oldest line's memory takes the newest. */
	line = NULL;
	if (t->sblen == TERM_SCROLLBACK) {
		line = t->sb[t->sbfirst];
		t->sb[t->sbfirst] = NULL;
		if (line->size < n) {
			free(line);
			line = NULL;
		}
	}
	if (line == NULL) {
		line = xmalloc(sizeof *line + n * sizeof line->cells[0]);
		line->size = n;
	}
	line->n = n;
	for (i = 0; i < n; i++) {
		term_cell_from(&cells[i], &cell);
		line->cells[i].cp = cell.cp[0];
		line->cells[i].width = cell.width;
		line->cells[i].attrs = cell.attrs;
		line->cells[i].fg = term_colour_pack(&cell.fg);
		line->cells[i].bg = term_colour_pack(&cell.bg);
	}
	if (t->sblen == TERM_SCROLLBACK) {
		t->sb[t->sbfirst] = line;
		t->sbfirst = (t->sbfirst + 1) % TERM_SCROLLBACK;
	} else {
		slot = (t->sbfirst + t->sblen) % TERM_SCROLLBACK;
		t->sb[slot] = line;
		t->sblen++;
	}
	t->generation++;
	return 1;
}

/* The scrollback's line n (0 the newest). */
static const struct term_line *
term_sb_line(const struct term *t, unsigned n)
{
	return t->sb[(t->sbfirst + t->sblen - 1 - n) % TERM_SCROLLBACK];
}

static void
term_sb_cell(const struct term_line *line, unsigned col, struct term_cell *cell)
{
	const struct term_sbcell *c;

	term_blank(cell);
	if (col >= line->n)
		return;
	c = &line->cells[col];
	cell->cp[0] = c->cp;
	cell->width = c->width;
	cell->attrs = c->attrs;
	term_colour_unpack(c->fg, &cell->fg);
	term_colour_unpack(c->bg, &cell->bg);
}

static int
term_sb_popline_cb(int cols, VTermScreenCell *cells, void *arg)
{
	struct term *t = arg;
	const struct term_line *line;
	struct term_cell cell;
	unsigned slot;
	int i;

	if (t->sblen == 0)
		return 0;
	line = term_sb_line(t, 0);
	for (i = 0; i < cols; i++) {
		term_sb_cell(line, (unsigned)i, &cell);
		/*
		 * The screen may be narrower now: a wide character needs
		 * its second column there (libvterm 0.1.4 writes past the
		 * row for one in the last column), and a second column
		 * goes with its character.
		 */
		if ((cell.width == 2 && i + 1 >= cols) || cell.width == 0)
			term_blank(&cell);
		term_cell_to(t, &cell, &cells[i]);
		if (cell.width == 2) {
			term_blank(&cell);
			cell.width = 0;
			term_cell_to(t, &cell, &cells[++i]);
		}
	}
	slot = (t->sbfirst + t->sblen - 1) % TERM_SCROLLBACK;
	free(t->sb[slot]);
	t->sb[slot] = NULL;
	t->sblen--;
	t->generation++;
	return 1;
}

static const VTermScreenCallbacks term_screen_cbs = {
    .damage = term_damage_cb,
    .moverect = term_moverect_cb,
    .movecursor = term_movecursor_cb,
    .settermprop = term_settermprop_cb,
    .bell = term_bell_cb,
    .resize = term_resize_cb,
    .sb_pushline = term_sb_pushline_cb,
    .sb_popline = term_sb_popline_cb,
};

/* Sequences libvterm does not handle (OSC 52, 8, DCS, unknown CSI and
 * controls): swallowed. */
static int
term_swallow_control(unsigned char control, void *arg)
{
	return 1;
}

static int
term_swallow_csi(const char *leader, const long args[], int argcount,
    const char *intermed, char command, void *arg)
{
	return 1;
}

static int
term_swallow_string(const char *command, size_t cmdlen, void *arg)
{
	return 1;
}

static const VTermParserCallbacks term_fallbacks = {
    .control = term_swallow_control,
    .csi = term_swallow_csi,
    .osc = term_swallow_string,
    .dcs = term_swallow_string,
};

/* Bytes for the program (keys, answers), up to TERM_WRITE_MAX waiting. */
static void
term_put(struct term *t, const char *s, size_t len)
{
	if (len > TERM_WRITE_MAX - t->outlen) {
		t->dropped += len;
		return; /* a key is sent whole or not at all */
	}
	memcpy(t->out + t->outlen, s, len);
	t->outlen += len;
}

static void
term_output_cb(const char *s, size_t len, void *arg)
{
	term_put(arg, s, len);
}

static unsigned
term_clamp(unsigned v, unsigned min, unsigned max)
{
	return v < min ? min : v > max ? max : v;
}

struct term *
term_new_detached(unsigned cols, unsigned rows)
{
	struct term *t;

	t = xcalloc(1, sizeof *t);
	t->fd = -1;
	t->cols = term_clamp(cols, TERM_COLS_MIN, TERM_COLS_MAX);
	t->rows = term_clamp(rows, 1, TERM_ROWS_MAX);
	t->out = xmalloc(TERM_WRITE_MAX);
	t->sb = xcalloc(TERM_SCROLLBACK, sizeof *t->sb);
	t->cursor_visible = 1;

	t->vt = vterm_new((int)t->rows, (int)t->cols);
	vterm_set_utf8(t->vt, 1);
	vterm_output_set_callback(t->vt, term_output_cb, t);
	t->screen = vterm_obtain_screen(t->vt);
	vterm_screen_set_callbacks(t->screen, &term_screen_cbs, t);
	vterm_screen_set_unrecognised_fallbacks(t->screen, &term_fallbacks, t);
	vterm_screen_enable_altscreen(t->screen, 1);
	/* Damage gathered per feed, not reported cell by cell. */
	vterm_screen_set_damage_merge(t->screen, VTERM_DAMAGE_SCROLL);
	vterm_screen_reset(t->screen, 1);
	return t;
}

/* Watch the pty for output, and for room when bytes wait. */
static void
term_watch(struct term *t)
{
	if (t->loop == NULL || !t->watching)
		return;
	loop_set(t->loop, t->fd,
	    (t->rest == NULL ? LOOP_READ : 0) |
	        (t->outlen > 0 ? LOOP_WRITE : 0));
}

static void
term_unwatch(struct term *t)
{
	if (t->loop != NULL && t->watching)
		loop_del(t->loop, t->fd);
	t->watching = 0;
	if (t->rest != NULL) {
		loop_timer_del(t->loop, t->rest);
		t->rest = NULL;
	}
}

void
term_interactive(void)
{
	term_yield_until = loop_now() + TERM_YIELD_MS;
}

/* The rest is over: the output is read again. */
static void
term_rest_done(void *arg)
{
	struct term *t = arg;

	t->rest = NULL;
	term_watch(t);
}

static void
term_loop_cb(int fd, int events, void *arg)
{
	struct term *t = arg;
	uint64_t gen = t->generation;
	int was_eof = t->eof;

	if (events & LOOP_WRITE)
		term_flush(t);
	if (events & LOOP_READ)
		term_read(t);
	if (t->cb != NULL && (t->generation != gen || t->eof != was_eof))
		t->cb(t, t->arg);
}

/* NAME=VALUE strings for the child, made before fork. */
static char **
term_env(void)
{
	static const char *const drop[] = {
	    "TERM=", "COLORTERM=", "LINES=", "COLUMNS="};
	char **env;
	size_t n = 0, i, j;

	while (environ != NULL && environ[n] != NULL)
		n++;
	env = xcalloc(n + 2, sizeof *env);
	for (i = 0, j = 0; i < n; i++) {
		size_t k;
		int skip = 0;

		for (k = 0; k < sizeof drop / sizeof drop[0]; k++) {
			if (strncmp(environ[i], drop[k], strlen(drop[k])) == 0)
				skip = 1;
		}
		if (!skip)
			env[j++] = xstrdup(environ[i]);
	}
	env[j++] = xstrdup("TERM=" TERM_TERM);
	env[j] = NULL;
	return env;
}

static void
term_env_free(char **env)
{
	size_t i;

	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

/* The child, between fork and exec: only async-signal-safe calls. */
static __dead void
term_child(int master, int slave, const char *cwd, const char *path,
    char *const *argv, char *const *env)
{
	static const char cannot[] = "moot: cannot start ";
	struct sigaction dfl;
	sigset_t none;
	int sig;

	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigemptyset(&none);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	close(master);
	/* A session of its own, the pty its controlling terminal and its
	 * standard input, output and error. */
	if (login_tty(slave) == -1)
		_exit(127);
	compat_closefrom(STDERR_FILENO + 1);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (cwd == NULL || chdir(cwd) == 0)
		execve(path, argv, env);
	if (write(STDERR_FILENO, cannot, sizeof cannot - 1) > 0 &&
	    write(STDERR_FILENO, path, strlen(path)) > 0 &&
	    write(STDERR_FILENO, "\r\n", 2) > 0) {
		/* nothing more to say */
	}
	_exit(127);
}

static struct term *
term_spawn(struct loop *loop, const char *cwd, const char *path,
    char *const *argv, unsigned cols, unsigned rows, term_cb cb, void *arg,
    char **err)
{
	struct term *t;
	struct winsize ws;
	struct termios tio;
	sigset_t all, old;
	char **env;
	int master, slave, saved;
	pid_t pid;

	*err = NULL;
	t = term_new_detached(cols, rows);
	memset(&ws, 0, sizeof ws);
	ws.ws_col = (unsigned short)t->cols;
	ws.ws_row = (unsigned short)t->rows;
	if (openpty(&master, &slave, NULL, NULL, &ws) == -1) {
		xasprintf(err, "openpty: %s", strerror(errno));
		term_free(t);
		return NULL;
	}
	fcntl(master, F_SETFD, FD_CLOEXEC);
	fcntl(slave, F_SETFD, FD_CLOEXEC);
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	if (tcgetattr(slave, &tio) == 0) {
		tio.c_iflag |= IUTF8; /* erase a whole character */
		tcsetattr(slave, TCSANOW, &tio);
	}
	env = term_env();

	/* As job.c: no signal reaches the daemon's handlers in the child. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0)
		term_child(master, slave, cwd, path, argv, env);
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(slave);
	term_env_free(env);
	if (pid == -1) {
		xasprintf(err, "fork: %s", strerror(saved));
		close(master);
		term_free(t);
		return NULL;
	}
	t->fd = master;
	t->pid = pid;
	t->loop = loop;
	t->cb = cb;
	t->arg = arg;
	TAILQ_INSERT_TAIL(&term_list, t, entry);
	if (loop != NULL) {
		loop_add(loop, master, LOOP_READ, term_loop_cb, t);
		t->watching = 1;
	}
	log_debug("term %ld: %s", (long)pid, path);
	return t;
}

struct term *
term_start_argv(struct loop *loop, const char *cwd, const char *const *argv,
    unsigned cols, unsigned rows, term_cb cb, void *arg, char **err)
{
	return term_spawn(
	    loop, cwd, argv[0], (char *const *)argv, cols, rows, cb, arg, err);
}

struct term *
term_start(struct loop *loop, const char *cwd, const char *shell, unsigned cols,
    unsigned rows, term_cb cb, void *arg, char **err)
{
	struct passwd *pw;
	struct term *t;
	const char *base;
	char *argv[2];

	if (shell == NULL || *shell == '\0') {
		pw = getpwuid(getuid());
		shell =
		    pw != NULL && pw->pw_shell != NULL && *pw->pw_shell != '\0'
		        ? pw->pw_shell
		        : "/bin/sh";
	}
	/* A login shell: "-" and its name as argv[0], as login does. */
	base = strrchr(shell, '/');
	base = base != NULL ? base + 1 : shell;
	xasprintf(&argv[0], "-%s", base);
	argv[1] = NULL;
	t = term_spawn(loop, cwd, shell, argv, cols, rows, cb, arg, err);
	free(argv[0]);
	return t;
}

void
term_free(struct term *t)
{
	unsigned i;

	if (t == NULL)
		return;
	if (t->pid != 0) {
		if (!t->exited)
			term_hup(t);
		TAILQ_REMOVE(&term_list, t, entry);
	}
	term_unwatch(t);
	if (t->fd != -1)
		close(t->fd); /* the pty hangs up */
	vterm_free(t->vt);
	for (i = 0; i < t->sblen; i++)
		free(t->sb[(t->sbfirst + i) % TERM_SCROLLBACK]);
	free(t->sb);
	free(t->cells);
	free(t->out);
	free(t);
}

/*
 * Put the cursor back on the screen if libvterm 0.1.4 left it outside:
 * after a shrink (row -1, when it was on the top row) or a restore of a
 * position saved on a larger screen (DECRC, CSI u, leaving the alternate
 * screen), the next character would be written outside it (fuzz-term and
 * valgrind found both).
 */
static void
term_cursor_in(struct term *t)
{
	VTermPos pos;
	char cup[32];
	int n, row, col;

	vterm_state_get_cursorpos(vterm_obtain_state(t->vt), &pos);
	if (pos.row >= 0 && pos.row < (int)t->rows && pos.col >= 0 &&
	    pos.col < (int)t->cols)
		return;
	row = pos.row < 0               ? 1
	      : pos.row >= (int)t->rows ? (int)t->rows
	                                : pos.row + 1;
	col = pos.col < 0               ? 1
	      : pos.col >= (int)t->cols ? (int)t->cols
	                                : pos.col + 1;
	n = snprintf(cup, sizeof cup, "\033[%d;%dH", row, col);
	vterm_input_write(t->vt, cup, (size_t)n);
}

/* Parameters of a sequence (separators and one). */
static size_t
term_params(const char *seq, size_t len)
{
	size_t i, n = 1;

	for (i = 0; i < len; i++) {
		if (seq[i] == ';' || seq[i] == ':')
			n++;
	}
	return n;
}

/* Repeat the character left of the cursor n times (REP, CSI n b), on
 * its row: what ncurses asks for with xterm-256color's rep. */
static void
term_rep(struct term *t, const char *params, size_t len)
{
	VTermScreenCell vc;
	VTermPos pos;
	char one[TERM_CELL_CHARS * 4], buf[256];
	size_t i, n = 0, onelen = 0, used = 0, k;

	for (i = 0; i < len && params[i] >= '0' && params[i] <= '9'; i++) {
		if (n < t->cols)
			n = n * 10 + (size_t)(params[i] - '0');
	}
	if (n == 0)
		n = 1;
	vterm_state_get_cursorpos(vterm_obtain_state(t->vt), &pos);
	if (pos.col < 1 || pos.col >= (int)t->cols)
		return;
	if (n > t->cols - (unsigned)pos.col)
		n = t->cols - (unsigned)pos.col;
	pos.col--;
	if (!vterm_screen_get_cell(t->screen, pos, &vc))
		return;
	if (vc.chars[0] == (uint32_t)-1 && pos.col > 0) {
		pos.col--; /* the second column of a wide character */
		if (!vterm_screen_get_cell(t->screen, pos, &vc))
			return;
	}
	for (k = 0; k < VTERM_MAX_CHARS_PER_CELL && k < TERM_CELL_CHARS &&
	            vc.chars[k] != 0 && vc.chars[k] != (uint32_t)-1;
	     k++)
		onelen += utf8_encode(vc.chars[k], one + onelen);
	if (onelen == 0)
		return;
	for (i = 0; i < n; i++) {
		if (used + onelen > sizeof buf) {
			vterm_input_write(t->vt, buf, used);
			used = 0;
		}
		memcpy(buf + used, one, onelen);
		used += onelen;
	}
	vterm_input_write(t->vt, buf, used);
}

/*
 * Bytes to libvterm, which parses only what it is given here: text,
 * single C0 controls, and whole escape and CSI sequences, each in one
 * call, so that its parser is back at rest after every call.
 *
 * Control strings never reach it: OSC (ESC ]), DCS (ESC P), APC (ESC _),
 * PM (ESC ^) and SOS (ESC X) are dropped up to ST (ESC \), BEL, CAN or
 * SUB (an ESC inside ends them and starts a new sequence). libvterm would
 * show the last three as text (kitty's images, tmux's passthrough) and
 * keeps nothing of the first two that may reach anyone (titles, OSC 52,
 * hyperlinks); more, its string parser (0.1.4) reads past the end of the
 * bytes it is given (strncpy up to its 64-byte buffer) when a call starts
 * with the '\' of an ST whose ESC ended the call before: fuzz-term found
 * it. The 8-bit forms of these controls are not controls in UTF-8.
 *
 * Worked around as well (libvterm 0.1.4, found by fuzz-term):
 * - a C1 control in UTF-8 (U+0080..U+009F) becomes U+FFFD: libvterm gives
 *   it a width of -1 and moves the cursor back;
 * - REP (CSI n b) is done here (term_rep): libvterm's never ends when the
 *   last character it printed has no width (a combining mark away from
 *   its base), which would hang the daemon.
 * - a CSI sequence with more than TERM_PARAMS_MAX parameters is dropped:
 *   libvterm writes past its array of them;
 * - after each sequence the cursor is put back on the screen if it left
 *   it (term_cursor_in).
 * A sequence longer than TERM_SEQ_MAX is dropped whole.
 */
static void
term_input(struct term *t, const char *s, size_t len)
{
	size_t i, start = 0;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
	again:
		switch (t->pstate) {
		case TERM_TEXT:
			if (c != '\033' && c != 0xc2)
				break;
			if (i > start)
				vterm_input_write(t->vt, s + start, i - start);
			start = i + 1;
			if (c == 0xc2)
				t->pstate = TERM_C2;
			else {
				t->pstate = TERM_ESC;
				t->seq[0] = '\033';
				t->seqlen = 1;
			}
			break;
		case TERM_C2:
			t->pstate = TERM_TEXT;
			start = i + 1;
			if (c >= 0xa0 && c <= 0xbf) {
				t->seq[0] = (char)0xc2;
				t->seq[1] = (char)c;
				vterm_input_write(t->vt, t->seq, 2);
				break;
			}
			/* A C1 control (U+0080..U+009F) or a lone 0xc2. */
			vterm_input_write(t->vt, "\xef\xbf\xbd", 3);
			if (c >= 0x80 && c <= 0x9f)
				break;
			start = i;
			goto again;
		case TERM_STR_ESC:
			if (c == '\\') {
				t->pstate = TERM_TEXT;
				start = i + 1;
				break;
			}
			/* The ESC starts something else. */
			t->pstate = TERM_ESC;
			t->seq[0] = '\033';
			t->seqlen = 1;
			/* FALLTHROUGH */
		case TERM_ESC:
		case TERM_CSI:
			start = i + 1;
			if (c == '\033') {
				t->pstate = TERM_ESC; /* starts again */
				t->seqlen = 1;
			} else if (c == 0x18 || c == 0x1a || c >= 0x80)
				t->pstate = TERM_TEXT; /* cancelled */
			else if (c == 0 || c == 0x7f) {
				/* ignored */
			} else if (c < 0x20)
				vterm_input_write(t->vt, s + i, 1); /* acts */
			else if (t->pstate == TERM_ESC &&
			         strchr("]P_^X", c) != NULL)
				t->pstate = TERM_STR;
			else if (t->pstate == TERM_ESC && c == '[') {
				t->pstate = TERM_CSI;
				t->seq[1] = '[';
				t->seqlen = 2;
			} else if (c < (t->pstate == TERM_ESC ? 0x30 : 0x40)) {
				/* An intermediate or parameter byte. */
				if (t->seqlen < sizeof t->seq)
					t->seq[t->seqlen] = (char)c;
				t->seqlen++;
			} else {
				/* The final byte. */
				if (t->seqlen < sizeof t->seq &&
				    term_params(t->seq, t->seqlen) <=
				        TERM_PARAMS_MAX) {
					t->seq[t->seqlen++] = (char)c;
					if (t->pstate == TERM_CSI && c == 'b' &&
					    strspn(t->seq + 2, "0123456789;") ==
					        t->seqlen - 3)
						term_rep(t, t->seq + 2,
						    t->seqlen - 3);
					else if (!(t->pstate == TERM_CSI &&
					             c == 'b')) {
						vterm_input_write(
						    t->vt, t->seq, t->seqlen);
						term_cursor_in(t);
					}
				}
				t->pstate = TERM_TEXT;
			}
			break;
		case TERM_STR:
			if (c == '\033')
				t->pstate = TERM_STR_ESC;
			else if (c == 0x07 || c == 0x18 || c == 0x1a)
				t->pstate = TERM_TEXT;
			start = i + 1;
			break;
		}
	}
	if (t->pstate == TERM_TEXT && start < len)
		vterm_input_write(t->vt, s + start, len - start);
}

void
term_feed(struct term *t, const char *s, size_t len)
{
	term_input(t, s, len);
	vterm_screen_flush_damage(t->screen);
}

int
term_read(struct term *t)
{
	char buf[4096]; /* a slice costs at most TERM_READ_MS and this */
	size_t total = 0, want;
	uint64_t start = loop_now(), slice = TERM_READ_MS;
	int yield = start < term_yield_until, cut = 0;
	ssize_t n;

	if (t->fd == -1 || t->eof)
		return -1;
	if (yield)
		slice = TERM_YIELD_READ_MS;
	/* Scrolling costs libvterm a few microseconds a line: a flood of
	 * short lines is cut by time before TERM_READ_MAX. */
	for (;;) {
		if (total >= TERM_READ_MAX || loop_now() - start >= slice) {
			cut = 1;
			break;
		}
		want = TERM_READ_MAX - total;
		if (want > sizeof buf)
			want = sizeof buf;
		/* A read is emulated whole before the time is looked at
		 * again, and 4 KiB of short lines scroll libvterm's screen
		 * 2048 times (about 10 ms): while people type, smaller. */
		if (yield && want > TERM_YIELD_READ_BYTES)
			want = TERM_YIELD_READ_BYTES;
		n = read(t->fd, buf, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			/* EOF, or EIO: nothing holds the pty's other side. */
			t->eof = 1;
			term_unwatch(t);
			break;
		}
		term_input(t, buf, (size_t)n);
		total += (size_t)n;
	}
	/* More to read while people type: rest first. */
	if (cut && yield && t->loop != NULL && t->rest == NULL && !t->eof) {
		t->rest =
		    loop_timer(t->loop, TERM_YIELD_REST_MS, term_rest_done, t);
		term_watch(t);
	}
	if (total > 0)
		vterm_screen_flush_damage(t->screen);
	/* Answers to the program's queries go back at once. */
	if (t->outlen > 0 && !t->eof)
		term_flush(t);
	if (total == 0 && t->eof)
		return -1;
	return (int)total;
}

ssize_t
term_flush(struct term *t)
{
	ssize_t n;

	if (t->fd == -1)
		return (ssize_t)t->outlen;
	if (t->eof) {
		t->dropped += t->outlen;
		t->outlen = 0;
		return -1;
	}
	while (t->outlen > 0) {
		n = write(t->fd, t->out, t->outlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			t->dropped += t->outlen;
			t->outlen = 0;
			return -1;
		}
		memmove(t->out, t->out + n, t->outlen - (size_t)n);
		t->outlen -= (size_t)n;
	}
	term_watch(t);
	return (ssize_t)t->outlen;
}

/* Keys libvterm encodes, by enum keyc. */
static const struct {
	enum keyc code;
	VTermKey key;
} term_keys[] = {
    {KEYC_UP, VTERM_KEY_UP},
    {KEYC_DOWN, VTERM_KEY_DOWN},
    {KEYC_LEFT, VTERM_KEY_LEFT},
    {KEYC_RIGHT, VTERM_KEY_RIGHT},
    {KEYC_HOME, VTERM_KEY_HOME},
    {KEYC_END, VTERM_KEY_END},
    {KEYC_PGUP, VTERM_KEY_PAGEUP},
    {KEYC_PGDN, VTERM_KEY_PAGEDOWN},
    {KEYC_INSERT, VTERM_KEY_INS},
    {KEYC_DELETE, VTERM_KEY_DEL},
    {KEYC_BACKSPACE, VTERM_KEY_BACKSPACE},
    {KEYC_ENTER, VTERM_KEY_ENTER},
    {KEYC_TAB, VTERM_KEY_TAB},
    {KEYC_ESC, VTERM_KEY_ESCAPE},
};

int
term_key(struct term *t, const struct key_event *ke)
{
	VTermModifier mod = VTERM_MOD_NONE;
	char s[2];
	size_t i;
	uint32_t cp = ke->cp;

	if (ke->mods & KEYC_MOD_SHIFT)
		mod |= VTERM_MOD_SHIFT;
	if (ke->mods & KEYC_MOD_ALT)
		mod |= VTERM_MOD_ALT;
	if (ke->mods & KEYC_MOD_CTRL)
		mod |= VTERM_MOD_CTRL;

	switch (ke->code) {
	case KEYC_CHAR:
		if (term_inert(cp) != cp)
			return -1;
		vterm_keyboard_unichar(t->vt, cp, mod);
		break;
	case KEYC_CTRL:
		/* As a terminal sends it: the letter's control code, ESC
		 * first with Alt. */
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		if (!(cp >= 'a' && cp <= 'z') && cp != '@' && cp != '[' &&
		    cp != '\\' && cp != ']' && cp != '^' && cp != '_')
			return -1;
		s[0] = '\033';
		s[1] = (char)(cp & 0x1f);
		if (mod & VTERM_MOD_ALT)
			term_put(t, s, 2);
		else
			term_put(t, s + 1, 1);
		break;
	case KEYC_BTAB:
		vterm_keyboard_key(t->vt, VTERM_KEY_TAB, mod | VTERM_MOD_SHIFT);
		break;
	case KEYC_F:
		/* F13..F24 are Shift + F1..F12, as xterm sends them. */
		if (cp >= 13 && cp <= 24) {
			cp -= 12;
			mod |= VTERM_MOD_SHIFT;
		}
		if (cp < 1 || cp > 12)
			return -1;
		vterm_keyboard_key(t->vt, VTERM_KEY_FUNCTION((int)cp), mod);
		break;
	default:
		for (i = 0; i < sizeof term_keys / sizeof term_keys[0]; i++) {
			if (term_keys[i].code == ke->code)
				break;
		}
		if (i == sizeof term_keys / sizeof term_keys[0])
			return -1;
		vterm_keyboard_key(t->vt, term_keys[i].key, mod);
		break;
	}
	term_flush(t);
	return 0;
}

void
term_paste(struct term *t, const char *s, size_t len)
{
	size_t before = t->outlen, i, start;
	int bracketed;

	/* libvterm writes the start marker only in bracketed paste mode. */
	vterm_keyboard_start_paste(t->vt);
	bracketed = t->outlen != before;
	for (i = 0, start = 0; i <= len; i++) {
		if (i < len && s[i] != '\n' && (s[i] != '\033' || !bracketed))
			continue;
		term_put(t, s + start, i - start);
		if (i < len && s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			term_put(t, "\r", 1);
		start = i + 1;
	}
	vterm_keyboard_end_paste(t->vt);
	term_flush(t);
}

void
term_resize(struct term *t, unsigned cols, unsigned rows)
{
	struct winsize ws;

	cols = term_clamp(cols, TERM_COLS_MIN, TERM_COLS_MAX);
	rows = term_clamp(rows, 1, TERM_ROWS_MAX);
	if (cols == t->cols && rows == t->rows)
		return;
	t->cols = cols;
	t->rows = rows;
	vterm_set_size(t->vt, (int)rows, (int)cols);
	term_cursor_in(t);
	vterm_screen_flush_damage(t->screen);
	t->generation++;
	if (t->fd != -1 && !t->eof) {
		memset(&ws, 0, sizeof ws);
		ws.ws_col = (unsigned short)cols;
		ws.ws_row = (unsigned short)rows;
		ioctl(t->fd, TIOCSWINSZ, &ws); /* the program gets SIGWINCH */
	}
}

unsigned
term_cols(const struct term *t)
{
	return t->cols;
}

unsigned
term_rows(const struct term *t)
{
	return t->rows;
}

void
term_cell(const struct term *t, int row, unsigned col, struct term_cell *cell)
{
	VTermScreenCell vc;
	VTermPos pos;
	struct term *w;
	struct term_cell *c;

	term_blank(cell);
	if (row < 0) {
		if ((unsigned)-(long)row > t->sblen)
			return;
		term_sb_cell(
		    term_sb_line(t, (unsigned)(-(long)row - 1)), col, cell);
		return;
	}
	if ((unsigned)row >= t->rows || col >= t->cols)
		return;
	/* Every pane showing the terminal reads the same cells: they are
	 * made from libvterm's once per generation. The cache is not what
	 * the terminal is, only how it is read: hence the cast. */
	if (!t->cells_ok || t->cells_generation != t->generation ||
	    t->cells_cols != t->cols || t->cells_rows != t->rows) {
		w = (struct term *)t;
		if (w->cells_cols * w->cells_rows != t->cols * t->rows) {
			free(w->cells);
			w->cells = xreallocarray(
			    NULL, (size_t)t->cols * t->rows, sizeof *w->cells);
		}
		w->cells_cols = t->cols;
		w->cells_rows = t->rows;
		for (pos.row = 0; pos.row < (int)t->rows; pos.row++) {
			for (pos.col = 0; pos.col < (int)t->cols; pos.col++) {
				c = &w->cells[(size_t)pos.row * t->cols +
				              (size_t)pos.col];
				if (vterm_screen_get_cell(t->screen, pos, &vc))
					term_cell_from(&vc, c);
				else
					term_blank(c);
			}
		}
		w->cells_generation = t->generation;
		w->cells_ok = 1;
	}
	*cell = t->cells[(size_t)row * t->cols + col];
}

/*
 * Row row's characters as UTF-8 into a new string (its length in *len);
 * at[i] is the column of byte i (at has room for a byte count the caller
 * may not know: it is allocated here too). Wide characters' second
 * columns are skipped, empty cells are spaces, trailing spaces dropped.
 */
static char *
term_row_text(const struct term *t, int row, size_t *len, unsigned **at)
{
	struct term_cell cell;
	char *s, utf8[4];
	unsigned col, i;
	size_t n = 0, k, size = (size_t)t->cols * TERM_CELL_CHARS * 4 + 1;

	s = xmalloc(size);
	*at = xreallocarray(NULL, size, sizeof **at);
	for (col = 0; col < t->cols; col++) {
		term_cell(t, row, col, &cell);
		if (cell.width == 0)
			continue;
		if (cell.cp[0] == 0) {
			(*at)[n] = col;
			s[n++] = ' ';
			continue;
		}
		for (i = 0; i < TERM_CELL_CHARS && cell.cp[i] != 0; i++) {
			k = utf8_encode(cell.cp[i], utf8);
			memcpy(s + n, utf8, k);
			while (k-- > 0)
				(*at)[n++] = col;
		}
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	s[n] = '\0';
	*len = n;
	return s;
}

char *
term_text(const struct term *t, int row0, unsigned col0, int row1,
    unsigned col1, size_t *len)
{
	char *out = NULL, *line;
	unsigned *at;
	size_t n = 0, llen, from, to;
	int row;

	if (row0 < -(int)t->sblen)
		row0 = -(int)t->sblen;
	if (row1 >= (int)t->rows)
		row1 = (int)t->rows - 1;
	out = xmalloc(1);
	for (row = row0; row <= row1; row++) {
		line = term_row_text(t, row, &llen, &at);
		/* The bytes of the columns in the range. */
		for (from = 0; row == row0 && from < llen && at[from] < col0;)
			from++;
		for (to = from; to < llen && (row != row1 || at[to] <= col1);)
			to++;
		out = xrealloc(out, n + (to - from) + 2);
		memcpy(out + n, line + from, to - from);
		n += to - from;
		if (row != row1)
			out[n++] = '\n';
		free(at);
		free(line);
	}
	out[n] = '\0';
	*len = n;
	return out;
}

/* ASCII letters without case; other bytes as they are. */
static int
term_fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
term_match(const char *s, size_t len, size_t i, const char *needle, size_t n)
{
	size_t j;

	if (i + n > len)
		return 0;
	for (j = 0; j < n; j++) {
		if (term_fold((unsigned char)s[i + j]) !=
		    term_fold((unsigned char)needle[j]))
			return 0;
	}
	return 1;
}

int
term_find(const struct term *t, const char *needle, int *row, unsigned *col,
    int backward)
{
	size_t n = strlen(needle), len, i, best;
	unsigned *at;
	char *line;
	int r, found;

	if (n == 0)
		return 0;
	for (r = *row; r >= -(int)t->sblen && r < (int)t->rows;
	     r += backward ? -1 : 1) {
		line = term_row_text(t, r, &len, &at);
		found = 0;
		best = 0;
		for (i = 0; i < len; i++) {
			if (((unsigned char)line[i] & 0xc0) == 0x80 ||
			    !term_match(line, len, i, needle, n))
				continue;
			/* On the starting row: before (or after) col. */
			if (r == *row &&
			    (backward ? at[i] >= *col : at[i] <= *col))
				continue;
			best = i;
			found = 1;
			if (!backward)
				break;
		}
		if (found) {
			*row = r;
			*col = at[best];
		}
		free(at);
		free(line);
		if (found)
			return 1;
	}
	return 0;
}

unsigned
term_scrollback(const struct term *t)
{
	return t->sblen;
}

int
term_cursor(const struct term *t, unsigned *col, unsigned *row)
{
	VTermPos pos;

	vterm_state_get_cursorpos(vterm_obtain_state(t->vt), &pos);
	*col = pos.col < 0 ? 0 : (unsigned)pos.col;
	*row = pos.row < 0 ? 0 : (unsigned)pos.row;
	if (*col >= t->cols)
		*col = t->cols - 1;
	if (*row >= t->rows)
		*row = t->rows - 1;
	return t->cursor_visible;
}

uint64_t
term_generation(const struct term *t)
{
	return t->generation;
}

unsigned
term_bells(const struct term *t)
{
	return t->bells;
}

int
term_fd(const struct term *t)
{
	return t->fd;
}

pid_t
term_pid(const struct term *t)
{
	return t->pid;
}

const char *
term_output(const struct term *t, size_t *len)
{
	*len = t->outlen;
	return t->out;
}

uint64_t
term_dropped(const struct term *t)
{
	return t->dropped;
}

int
term_eof(const struct term *t)
{
	return t->eof;
}

int
term_exited(const struct term *t, int *status)
{
	if (t->exited && status != NULL)
		*status = t->status;
	return t->exited;
}

void
term_hup(struct term *t)
{
	pid_t fg;

	if (t->pid == 0 || t->exited)
		return;
	/* The foreground job of the shell, then the shell's session. */
	if (t->fd != -1 && (fg = tcgetpgrp(t->fd)) > 0 && fg != t->pid)
		kill(-fg, SIGHUP);
	kill(-t->pid, SIGHUP);
}

void
term_hup_all(void)
{
	struct term *t;

	TAILQ_FOREACH (t, &term_list, entry)
		term_hup(t);
}

int
term_reaped(pid_t pid, int status)
{
	struct term *t;

	TAILQ_FOREACH (t, &term_list, entry) {
		if (t->pid == pid)
			break;
	}
	if (t == NULL)
		return 0;
	log_debug("term %ld: ended (status %d)", (long)pid, status);
	t->exited = 1;
	t->status = status;
	t->generation++;
	if (t->cb != NULL)
		t->cb(t, t->arg);
	return 1;
}
