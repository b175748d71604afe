/* harness.h: the end-to-end test harness (real daemon, real SSH clients).
 * Git repositories, keys, a daemon, and clients read through libvterm. */
#ifndef HARNESS_H
#define HARNESS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

struct h_daemon;
struct h_client;

/* What one screen cell shows. */
struct h_cell {
	char text[32];  /* the cell's characters as UTF-8, "" if empty */
	uint32_t ch;    /* first code point, 0 if empty */
	int width;      /* 1, or 2 for a wide character */
	int fg_default; /* the foreground is the terminal's default */
	int bg_default; /* the background is the terminal's default */
	int fg;         /* palette index of the foreground, -1 if default/RGB */
	int bg;         /* palette index of the background, -1 if default/RGB */
	int reverse;
	int bold;
};

/*
 * cmocka fixtures: h_setup arms a watchdog; h_teardown closes every client,
 * stops every daemon and removes every temporary directory. A test calls
 * h_pass() as its last statement: without it, h_teardown prints every
 * client's screen and the tail of every daemon's log.
 */
int h_setup(void **);
int h_teardown(void **);
void h_pass(void);
void h_cleanup(void);

/* Monotonic milliseconds. */
long long h_now_ms(void);

/*
 * Temporary git repository with the given files: pairs of path and text,
 * ended by NULL. Committed on branch main. Returns the repository's path
 * (removed by h_cleanup).
 */
char *h_repo_create(const char *, ...);
/* An empty temporary directory (removed by h_cleanup). */
char *h_tmpdir(const char *);
/* Run a command (NULL-terminated argv) in a directory; its exit status. */
int h_run(const char *, const char *, ...);
/*
 * Run a command (NULL-terminated argv) in a directory with HOME set to the
 * given directory (or unchanged if NULL), capturing stdout and stderr
 * together; killed after 10 s. Returns the exit status, -1 if killed.
 */
int h_run_capture(const char *, const char *, char **, const char *, ...);
/*
 * Send a request line on a unix socket (the control socket) as uid/gid
 * (a forked child that setuid()s), and read the answer into reply
 * (NUL-terminated): until the other end closes, or after the first read
 * when once is set (an `attach` that was accepted stays open). The
 * child's exit status: 0, 2 if it could not become uid, 3 if it could not
 * connect.
 */
int h_control_as(const char *, uid_t, gid_t, const char *, int, char *, size_t);
/* Write or read a file relative to a directory. */
void h_write_file(const char *, const char *, const void *, size_t);
char *h_read_file(const char *, const char *, size_t *);

/*
 * Keys. h_key_new makes an ed25519 key under REPO/.git (not in the working
 * tree) and returns the private key's path (freed by h_cleanup);
 * h_key_authorize appends its public half with a comment to
 * REPO/.moot/authorized_keys; h_key_create does both.
 */
char *h_key_new(const char *);
void h_key_authorize(const char *, const char *, const char *);
char *h_key_create(const char *, const char *);
/* A new key listed in REPO/.moot/authorized_keys with options ("host",
 * "viewer", "from=..."; NULL for none) and a comment. */
char *h_key_with(const char *, const char *, const char *);
/* A key's public half as an authorized_keys line with a comment, and its
 * SHA256 fingerprint ("SHA256:..."); the caller frees both. */
char *h_key_line(const char *, const char *);
char *h_key_fingerprint(const char *);

/*
 * The daemon: `$MOOT serve -C REPO --listen 127.0.0.1:0` with HOME set to
 * an empty directory; returns once it prints `Listening on`. h_daemon_stop
 * sends SIGTERM, waits (then SIGKILL) and returns the exit status (-1 if it
 * had to be killed or died by a signal).
 */
struct h_daemon *h_daemon_start(const char *);
/* h_daemon_start with more arguments for `moot serve`, ended by NULL. */
struct h_daemon *h_daemon_start_args(const char *, ...);
int h_daemon_port(struct h_daemon *);
pid_t h_daemon_pid(struct h_daemon *);
const char *h_daemon_stdout(struct h_daemon *);
/* The daemon's HOME (empty at start; keys are read at each connection). */
const char *h_daemon_home(struct h_daemon *);
int h_daemon_stop(struct h_daemon *);
void h_daemon_log(struct h_daemon *, int);
/* The whole log of the daemon and its frontends (stderr); caller frees. */
char *h_daemon_log_text(struct h_daemon *, size_t *);
const char *h_moot_path(void);
/* The test kills frontends with SIGSYS itself: their sandbox kills in the
 * log do not fail it (any other test fails when a frontend is killed by
 * its sandbox, as on a sanitizer report). */
void h_daemon_sandbox_kills(struct h_daemon *);

/* One integer a query gives from a repository's journal (SQL), opened
 * read-only beside the running daemon. */
long long h_journal_int(const char *, const char *);

/* Resident set size of a process in kB, now and at its peak (VmHWM);
 * -1 if unknown. */
long h_rss_kb(pid_t);
long h_peak_kb(pid_t);
/* Children of a process, at most the given number; their count. */
int h_children(pid_t, pid_t *, int);

/*
 * Clients. h_client_connect uses libssh (port, private key, user, cols,
 * rows, TERM); h_openssh_connect runs OpenSSH's ssh in a pty (port, key,
 * cols, rows) with TERM=xterm-256color. Both fail the test if they cannot
 * start. Whatever the server sends feeds a libvterm screen of that size.
 */
struct h_client *h_client_connect(
    int, const char *, const char *, int, int, const char *);
struct h_client *h_openssh_connect(int, const char *, int, int);
/* Any command in a pty (dir, HOME or NULL, cols, rows, then argv ended by
 * NULL), read and typed into as a client: `moot attach`, `moot` alone. */
struct h_client *h_pty_run(const char *, const char *, int, int, ...);
/*
 * h_client_connect with a screen of one size (cols, rows) that asks the
 * server for a pty of another (pty_cols, pty_rows): a terminal larger
 * than the server will draw.
 */
struct h_client *h_client_connect_pty(
    int, const char *, const char *, int, int, int, int, const char *);
/* h_client_connect at 80x24 with TERM=xterm-256color (port, key, user). */
struct h_client *h_join(int, const char *, const char *);
void h_client_close(struct h_client *);
pid_t h_client_pid(struct h_client *);
void h_client_freeze(struct h_client *, int);
int h_client_closed(struct h_client *);
int h_client_exit_status(struct h_client *);
size_t h_client_bytes(struct h_client *);
const char *h_client_stderr(struct h_client *);

/*
 * What people do often, each waiting up to ms for each step. h_palette:
 * Ctrl-P, type the line, Enter; the palette closes. h_open: Ctrl-O, type
 * the path, Enter (what follows is the caller's to wait for).
 * h_close_picker: after a refused open, the picker is closed (Esc if it is
 * still open).
 */
void h_palette(struct h_client *, const char *, int);
void h_open(struct h_client *, const char *, int);
void h_close_picker(struct h_client *, int);
/* `sh -c CMD` in a directory, which must exit 0: its output (stdout and
 * stderr), trailing newlines dropped. The caller frees. */
char *h_sh(const char *, const char *);

/* Read whatever every live, unfrozen client has, for about ms. */
void h_pump_all(int);

/* Input. h_key takes "C-x", "Up", "Down", "Left", "Right", "Home", "End",
 * "PageUp", "PageDown", "BSpace", "Delete", "Enter", "Tab", "Escape". */
void h_send(struct h_client *, const char *);
void h_send_bytes(struct h_client *, const void *, size_t);
/* An SGR mouse report: button b (with its flags: 32 a drag, 64/65 the
 * wheel) at cell x, y (from 0); final 'M' a press, 'm' a release. */
void h_mouse(struct h_client *, unsigned b, unsigned x, unsigned y, char);
void h_key(struct h_client *, const char *);
void h_resize(struct h_client *, int, int);
/* Resize the screen to cols x rows but tell the server pty_cols x
 * pty_rows. */
void h_resize_pty(struct h_client *, int, int, int, int);

/*
 * The screen. h_row and h_screen return strings that stay valid for the
 * next 15 calls of either (a small ring of buffers).
 */
const char *h_row(struct h_client *, int);
const char *h_screen(struct h_client *);
void h_cursor(struct h_client *, int *, int *);
void h_cell(struct h_client *, int, int, struct h_cell *);
int h_cols(struct h_client *);
int h_rows(struct h_client *);
/* The mouse reports the client's terminal was asked for: 0 none,
 * VTERM_PROP_MOUSE_CLICK, _DRAG or _MOVE. */
int h_mouse_mode(struct h_client *);
void h_dump(struct h_client *);
/* The status row: the last but one. */
int h_status_row(struct h_client *);
/* The presence row: the last. */
int h_presence_row(struct h_client *);
/* Column of a string in a row of ASCII text (-1 if absent). */
int h_column_of(struct h_client *, int, const char *);
/*
 * A copy of a string with leading spaces dropped and runs of spaces
 * squeezed to one; the caller frees it.
 */
char *h_squeeze(const char *);

/* Pump until a predicate holds or ms pass; 1 if it held. */
int h_until(struct h_client *, int (*)(struct h_client *, void *), void *, int);

/* The same, failing the test (with the screen) on timeout. */
void h_wait_at(struct h_client *, const char *, int, const char *, int);
void h_wait_row_at(
    struct h_client *, int, const char *, int, const char *, int);
void h_wait_gone_at(struct h_client *, const char *, int, const char *, int);
void h_wait_closed_at(struct h_client *, int, const char *, int);
void h_wait_pred_at(struct h_client *, int (*)(struct h_client *, void *),
    void *, const char *, int, const char *, int);
#define h_wait(c, s, ms) h_wait_at(c, s, ms, __FILE__, __LINE__)
#define h_wait_row(c, y, s, ms) h_wait_row_at(c, y, s, ms, __FILE__, __LINE__)
#define h_wait_gone(c, s, ms) h_wait_gone_at(c, s, ms, __FILE__, __LINE__)
#define h_wait_closed(c, ms) h_wait_closed_at(c, ms, __FILE__, __LINE__)
#define h_wait_pred(c, f, a, what, ms)                                         \
	h_wait_pred_at(c, f, a, what, ms, __FILE__, __LINE__)

/* A row and a text: the argument of the row predicates below. */
struct h_rowtext {
	int y;
	const char *text;
};

/*
 * Row predicates for h_until and h_wait_pred; arg is a struct h_rowtext.
 * h_has_status: the row begins with the text, give or take spaces (leading
 * ones dropped, runs counting as one), and the text ends at a space or at
 * the end of the row: a status row such as " README.md [+]  1:7".
 */
int h_has_status(struct h_client *, void *);
/* The row contains the text. */
int h_row_has(struct h_client *, void *);
/* The row does not contain the text. */
int h_row_lacks(struct h_client *, void *);

/*
 * Wait for row y to satisfy a row predicate with a text, failing the test
 * (with the screen) on timeout. The verb says what is awaited, for the
 * failure message: row Y VERB "TEXT". Arguments: client, predicate, y,
 * text, verb, ms, file, line.
 */
void h_wait_row_pred_at(struct h_client *, int (*)(struct h_client *, void *),
    int, const char *, const char *, int, const char *, int);
/* h_wait_row_pred_at with h_has_status, h_row_has or h_row_lacks. */
#define h_wait_status(c, y, s, ms)                                             \
	h_wait_row_pred_at(                                                    \
	    c, h_has_status, y, s, "to begin with", ms, __FILE__, __LINE__)
#define h_wait_row_has(c, y, s, ms)                                            \
	h_wait_row_pred_at(                                                    \
	    c, h_row_has, y, s, "to contain", ms, __FILE__, __LINE__)
#define h_wait_row_lacks(c, y, s, ms)                                          \
	h_wait_row_pred_at(                                                    \
	    c, h_row_lacks, y, s, "to lose", ms, __FILE__, __LINE__)

/*
 * Refusals (libssh client API). h_try_key returns ssh_userauth_publickey's
 * result. h_try_password returns ssh_userauth_password's result, the
 * methods offered (ssh_userauth_list) and ssh_userauth_kbdint's result.
 * h_try_exec and h_try_subsystem return -1 if the request itself was
 * refused, else 0 with what came on stderr and the exit status.
 */
int h_try_key(int, const char *, const char *);
int h_try_password(int, const char *, const char *, int *, int *);
int h_try_exec(int, const char *, const char *, char **, int *);
int h_try_subsystem(int, const char *, const char *, char **, int *);
/* Ask for a direct-tcpip channel to 127.0.0.1:port: 0 if opened, else -1. */
int h_try_forward(int, const char *);

#endif
