/* term.h: terminals run by the daemon: a shell on a pty, emulated with
 * libvterm; what it prints only ever becomes cells and a cursor. */
#ifndef MOOT_TERM_H
#define MOOT_TERM_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define TERM_TERM "xterm-256color" /* TERM of the shell */
/* Bytes of the program's output read and emulated per call of term_read
 * (per loop pass), so that a flood never holds the loop long... */
#define TERM_READ_MAX (64 * 1024)
/* ... and for at most about this many milliseconds (a 4 KiB read more):
 * what someone typing elsewhere may wait for (bench-term measures it). */
#define TERM_READ_MS 2
/*
 * For TERM_YIELD_MS after someone typed (term_interactive), a terminal
 * that has more output reads it for at most TERM_YIELD_READ_MS, then
 * rests TERM_YIELD_REST_MS, so that the loop (and the machine) answers
 * the people typing first; its program waits on the full pty meanwhile.
 */
#define TERM_YIELD_MS 250
#define TERM_YIELD_READ_MS 1
#define TERM_YIELD_READ_BYTES 1024 /* and in reads of at most this */
#define TERM_YIELD_REST_MS 4
/* Bytes of keys and answers waiting for a program that does not read;
 * more is dropped (term_dropped counts them). */
#define TERM_WRITE_MAX (64 * 1024)
/* Lines kept above the screen (oldest dropped first). */
#define TERM_SCROLLBACK 10000
/* The largest size a terminal takes (a larger pane shows it smaller);
 * with TERM_SCROLLBACK this bounds a terminal's memory. */
#define TERM_COLS_MAX 500
/* The smallest: libvterm 0.1.4 writes through a NULL pointer when a wide
 * character comes on a screen of one column (fuzz-term found it). */
#define TERM_COLS_MIN 2
#define TERM_ROWS_MAX 300
/* Code points in a cell: a character and its combining marks. */
#define TERM_CELL_CHARS 6

struct key_event;
struct loop;
struct term;

enum term_colour_type {
	TERM_COLOUR_DEFAULT = 0, /* the pane's own foreground/background */
	TERM_COLOUR_INDEX,       /* index (0..255) in the 256-colour palette */
	TERM_COLOUR_RGB          /* r, g, b */
};
struct term_colour {
	uint8_t type; /* enum term_colour_type */
	uint8_t index;
	uint8_t r, g, b;
};

#define TERM_ATTR_BOLD 0x01
#define TERM_ATTR_UNDERLINE 0x02
#define TERM_ATTR_ITALIC 0x04
#define TERM_ATTR_BLINK 0x08
#define TERM_ATTR_REVERSE 0x10
#define TERM_ATTR_STRIKE 0x20

/*
 * One cell of a terminal's screen or scrollback. cp holds the character
 * and its combining marks, 0 after the last; cp[0] == 0 is a blank. No
 * code point in a cell is a C0 or C1 control, DEL, a surrogate or one
 * that can reorder or hide text (utf8_invisible): such a character shows
 * as U+FFFD, such a mark is left out. width: 1, 2 for a wide character,
 * 0 for the column a wide character on its left covers (cp[0] is 0).
 * Lines in the scrollback keep the character only, not its marks.
 */
struct term_cell {
	uint32_t cp[TERM_CELL_CHARS];
	uint8_t width;
	uint8_t attrs; /* TERM_ATTR_* */
	struct term_colour fg, bg;
};

/*
 * Called from the loop after a terminal's output changed its screen
 * (term_generation moved on), when its pty closed (term_eof) and when its
 * process was reaped (term_exited).
 */
typedef void (*term_cb)(struct term *, void *arg);

/*
 * Start the account's login shell in cwd on a new pty of cols x rows:
 * shell, or when NULL the account's (its passwd entry, else /bin/sh), run
 * as a login shell ("-bash"), in a session of its own with the pty as its
 * controlling terminal, every signal at its default, no other descriptor
 * of the daemon open, the daemon's environment with TERM=TERM_TERM and
 * without COLORTERM. With a loop, the terminal reads its output from the
 * loop (TERM_READ_MAX per pass), writes keys when the program takes them,
 * and calls cb; without one (NULL), the caller polls term_fd and calls
 * term_read and term_flush. The daemon must pass every child it reaps to
 * term_reaped. Returns NULL with *err set when it cannot start.
 */
struct term *term_start(struct loop *, const char *cwd, const char *shell,
    unsigned cols, unsigned rows, term_cb, void *arg, char **err);
/* The same running argv (argv[0] a path, run as given). */
struct term *term_start_argv(struct loop *, const char *cwd,
    const char *const *argv, unsigned cols, unsigned rows, term_cb, void *arg,
    char **err);
/* A terminal without a pty or process, fed by term_feed (tests, fuzzing);
 * keys and answers to the program stay in term_output. */
struct term *term_new_detached(unsigned cols, unsigned rows);
/* Hang up (SIGHUP to the shell's session and the pty's foreground
 * process group), stop watching, free. The child is still reaped by the
 * daemon; term_reaped no longer knows it. */
void term_free(struct term *);

/*
 * Read what the pty has (at most TERM_READ_MAX bytes, about TERM_READ_MS
 * milliseconds) and emulate it.
 * Returns the bytes read, 0 when there was nothing, -1 once the pty has
 * closed (EOF or EIO: no process holds its other side any more).
 */
int term_read(struct term *);
/* Someone typed: terminals yield to them for a while (TERM_YIELD_MS). */
void term_interactive(void);
/* Emulate bytes as if the program had written them. */
void term_feed(struct term *, const char *, size_t);
/* Write what waits for the program, without blocking. Returns the bytes
 * still waiting, or -1 when the pty is gone (they are dropped). */
ssize_t term_flush(struct term *);

/*
 * Send a key as the terminal's keyboard would, in the modes the program
 * set (application cursor keys, ...): characters, Ctrl + letter, arrows,
 * Home/End, PgUp/PgDn, Insert/Delete, Backspace, Enter, Tab, Shift-Tab,
 * Esc, F1..F24, with Shift, Alt and Ctrl. Returns 0, or -1 for what is not
 * a key (a control code point, paste markers, unknown keys): nothing sent.
 */
int term_key(struct term *, const struct key_event *);
/* Paste text: inside ESC[200~ ... ESC[201~ when the program asked for
 * bracketed pastes (then without any ESC of the text, so the paste cannot
 * end early), line ends as CR as a terminal pastes them. */
void term_paste(struct term *, const char *, size_t);
/* Change the size (clamped to TERM_COLS_MIN..TERM_COLS_MAX,
 * 1..TERM_ROWS_MAX): the
 * emulated screen and the pty's, so the program gets SIGWINCH. */
void term_resize(struct term *, unsigned cols, unsigned rows);

/* The size now. */
unsigned term_cols(const struct term *);
unsigned term_rows(const struct term *);
/*
 * The cell at row, col: rows 0..term_rows-1 are the screen, -1 the newest
 * line of the scrollback down to -term_scrollback the oldest. Outside
 * (and beyond a scrollback line's end) a blank cell in default colours.
 */
void term_cell(const struct term *, int row, unsigned col, struct term_cell *);
/* Lines in the scrollback now (at most TERM_SCROLLBACK). */
unsigned term_scrollback(const struct term *);
/*
 * The text of the cells from row0, col0 to row1, col1 (rows as term_cell
 * counts them), lines joined by newlines, without trailing blanks; only
 * the inert characters cells hold, as UTF-8 (caller frees; *len set).
 */
char *term_text(const struct term *, int row0, unsigned col0, int row1,
    unsigned col1, size_t *len);
/*
 * Find needle (ASCII letters without case) from *row, *col: backward the
 * nearest match that starts before it, else the nearest after it, over
 * the scrollback and the screen. 1 with *row, *col at its start if found.
 */
int term_find(const struct term *, const char *needle, int *row, unsigned *col,
    int backward);
/* The cursor: its position on the screen, and whether the program shows
 * it (returned). */
int term_cursor(const struct term *, unsigned *col, unsigned *row);
/* Moves on whenever what term_cell or term_cursor return may have
 * changed: redraw when it differs from the one last drawn. */
uint64_t term_generation(const struct term *);
/* Bells the program rang (to show as a mark, never as a bell). */
unsigned term_bells(const struct term *);

/* The pty's master descriptor (-1 for a detached terminal). */
int term_fd(const struct term *);
/* The process started (0 for a detached terminal). */
pid_t term_pid(const struct term *);
/* Bytes waiting for the program (keys, answers to its queries). */
const char *term_output(const struct term *, size_t *len);
/* Bytes dropped because the program did not read them. */
uint64_t term_dropped(const struct term *);
/* Whether the pty has closed (term_read returned -1). */
int term_eof(const struct term *);
/* Whether the process has been reaped; its waitpid status in *status. */
int term_exited(const struct term *, int *status);

/* Send SIGHUP to the shell's session and the pty's foreground process
 * group (the daemon stops, or the terminal is closed). */
void term_hup(struct term *);
/* Every terminal started and not freed: term_hup. */
void term_hup_all(void);
/* A child was reaped (SIGCHLD): if it is a terminal's process, note its
 * status, call its callback and return 1; else 0. */
int term_reaped(pid_t, int status);

#endif
