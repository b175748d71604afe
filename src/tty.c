/* tty.c: drawing frames on one person's terminal with ncurses.
 * One SCREEN per frontend process, writing into a buffer sent over SSH. */
#include "moot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "frontend.h"

#define TTY_FALLBACK "xterm"

/* Bracketed paste mode on and off (xterm; other terminals ignore it). */
#define TTY_PASTE_ON "\033[?2004h"
#define TTY_PASTE_OFF "\033[?2004l"
/* Mouse reports: presses and releases (1000), drags (1002), in SGR form
 * (1006); and off again, in the reverse order. */
#define TTY_MOUSE_ON "\033[?1000h\033[?1002h\033[?1006h"
#define TTY_MOUSE_OFF "\033[?1006l\033[?1002l\033[?1000l"

struct tty {
	SCREEN *sp;
	FILE *out; /* ncurses writes here: an anonymous file */
	FILE *in;  /* ncurses reads nothing; /dev/null */
	int fd;
	char *buf;
	size_t len;
	int colours;
	unsigned cols, rows;
	int mouse; /* mouse reports asked for */
};

/* ncurses wants a terminal description with cursor addressing. */
static SCREEN *
tty_try(struct tty *t, const char *term)
{
	SCREEN *sp;
	char *cup;

	if (term == NULL || *term == '\0')
		return NULL;
	if ((sp = newterm(term, t->out, t->in)) == NULL)
		return NULL;
	cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		endwin();
		delscreen(sp);
		return NULL;
	}
	return sp;
}

struct tty *
tty_open(const char *term, unsigned cols, unsigned rows, char **notice)
{
	struct tty *t = xcalloc(1, sizeof *t);
	char size[16];

	*notice = NULL;
	if ((t->fd = compat_anon_fd("moot-tty")) == -1)
		fatal("cannot make a terminal output buffer");
	if ((t->out = fdopen(t->fd, "w+")) == NULL)
		fatal("fdopen");
	if ((t->in = fopen("/dev/null", "r")) == NULL)
		fatal("/dev/null");

	/* ncurses takes the size from the environment: the "terminal" is
	 * not a tty here. */
	snprintf(size, sizeof size, "%u", cols);
	setenv("COLUMNS", size, 1);
	snprintf(size, sizeof size, "%u", rows);
	setenv("LINES", size, 1);
	use_env(TRUE);

	if ((t->sp = tty_try(t, term)) == NULL) {
		xasprintf(notice, "unknown TERM '%s'; using %s",
		    term != NULL ? term : "", TTY_FALLBACK);
		if ((t->sp = tty_try(t, TTY_FALLBACK)) == NULL &&
		    (t->sp = tty_try(t, "vt100")) == NULL)
			fatalx("no usable terminal description (terminfo)");
	}
	set_term(t->sp);
	t->cols = cols;
	t->rows = rows;
	resizeterm(rows, cols);
	typeahead(-1);
	nonl();
	leaveok(stdscr, FALSE);
	scrollok(stdscr, FALSE);
	idlok(stdscr, FALSE);
	if (has_colors()) {
		start_color();
		use_default_colors();
		t->colours = COLORS;
	}
	clearok(curscr, TRUE);

	/* Ask the terminal to mark pastes (ESC[200~ ... ESC[201~). */
	fputs(TTY_PASTE_ON, t->out);
	return t;
}

int
tty_colours(struct tty *t)
{
	return t->colours;
}

void
tty_resize(struct tty *t, unsigned cols, unsigned rows)
{
	t->cols = cols;
	t->rows = rows;
	resizeterm(rows, cols);
	erase();
	clearok(curscr, TRUE);
}

/* The ncurses attributes and pair for a cell. */
static attr_t
tty_style(struct tty *t, const struct cell *c, int *pair)
{
	attr_t a = A_NORMAL;
	short fg = -1, bg = -1;
	int bright_fg = 0, bright_bg = 0, p;

	if (c->attr & CELL_BOLD)
		a |= A_BOLD;
	if (c->attr & CELL_REVERSE)
		a |= A_REVERSE;
	if (c->attr & CELL_UNDERLINE)
		a |= A_UNDERLINE;
	if (c->attr & CELL_DIM)
		a |= A_DIM;
	*pair = 0;
	if (t->colours < 8) {
		/* No colours: people's cursors in reverse; no syntax. */
		if (c->bg != COLOUR_DEFAULT ||
		    COLOUR_TAG(c->fg) == COLOUR_T_PERSON)
			return a | A_REVERSE;
		return a;
	}
	colour_cell_map(c->fg, t->colours, &fg, &bright_fg);
	colour_cell_map(c->bg, t->colours, &bg, &bright_bg);
	if (bright_fg)
		a |= A_BOLD;
	if (bright_bg)
		a |= A_UNDERLINE;
	if (bg != -1 && fg == -1)
		fg = COLOR_BLACK; /* a cursor cell: dark text on the colour */
	/*
	 * Pairs are made as they are needed (ncurses 6): alloc_pair finds
	 * the pair of fg and bg or makes it; the table is bounded by
	 * COLOR_PAIRS (65536 on xterm-256color, as many as 256x256) and,
	 * when full, it reuses the pair used least recently.
	 */
	if (fg != -1 || bg != -1) {
		if ((p = alloc_pair(fg, bg)) > 0)
			*pair = p;
	}
	return a;
}

void
tty_draw(
    struct tty *t, const struct frame *f, const uint16_t *rows, size_t nrows)
{
	const struct cell *c;
	cchar_t cc;
	wchar_t wch[3];
	attr_t a;
	int pair;
	unsigned x, y;
	size_t i;

	for (i = 0; i < (rows != NULL ? nrows : f->rows); i++) {
		y = rows != NULL ? rows[i] : i;
		if (y >= f->rows || y >= t->rows)
			continue;
		for (x = 0; x < f->cols && x < t->cols; x++) {
			c = frame_cell(f, x, y);
			if (c->attr & CELL_CONT)
				continue;
			wch[0] = c->ch != 0 ? (wchar_t)c->ch : L' ';
			wch[1] = (wchar_t)c->comb;
			wch[2] = 0;
			a = tty_style(t, c, &pair);
			/* The pair by the extended argument: with 256
			 * colours there are more than a short holds. */
			setcchar(&cc, wch, a, 0, &pair);
			mvadd_wch(y, x, &cc);
		}
	}
	if (f->cursor_visible && f->cy < t->rows && f->cx < t->cols) {
		move(f->cy, f->cx);
		curs_set(1);
	} else
		curs_set(0);
	wnoutrefresh(stdscr);
	doupdate();
}

const char *
tty_output(struct tty *t, size_t *len)
{
	long end;
	ssize_t n;
	size_t got = 0;

	fflush(t->out);
	if ((end = ftell(t->out)) < 0)
		fatal("ftell");
	t->buf = xrealloc(t->buf, (size_t)end + 1);
	while (got < (size_t)end) {
		n = pread(t->fd, t->buf + got, (size_t)end - got, got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			fatal("reading terminal output");
		got += n;
	}
	*len = got;
	return t->buf;
}

void
tty_output_done(struct tty *t)
{
	rewind(t->out);
	if (ftruncate(t->fd, 0) == -1)
		fatal("ftruncate");
}

/* Put the terminal back as it was (leave the alternate screen, stop
 * marking pastes). */
void
tty_end(struct tty *t)
{
	endwin();
	fputs(TTY_PASTE_OFF, t->out);
	tty_mouse(t, 0);
}

/* Ask the terminal for mouse reports, or to stop (then its own selection
 * works again); only a change is sent. */
void
tty_mouse(struct tty *t, int on)
{
	if (!on == !t->mouse)
		return;
	fputs(on ? TTY_MOUSE_ON : TTY_MOUSE_OFF, t->out);
	t->mouse = on;
}

void
tty_close(struct tty *t)
{
	if (t == NULL)
		return;
	delscreen(t->sp);
	fclose(t->out);
	fclose(t->in);
	free(t->buf);
	free(t);
}
