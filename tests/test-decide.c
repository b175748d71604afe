/* test-decide.c: end-to-end tests of chat, decisions and the palette.
 * Real daemon and clients; records and commits are read with git itself. */
#include "moot.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
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

#include "harness.h"

#define WAIT 10000 /* ms for anything prompt (sanitizer builds are slow) */
#define JOIN 15000 /* ms for joining (key exchange, fork) */
#define COLS 160   /* wide enough for the longest notice */
#define ROWS 30

/* Keys as xterm sends them. */
#define SHIFT_DOWN "\033[1;2B"
#define PASTE_START "\033[200~"
#define PASTE_END "\033[201~"

#define ALICE "Alice Liddell <alice@example.com>"
#define BOB "Bob Stone <bob@example.com>"

/* The decision most tests make, and where its record goes. */
#define WAL "Use WAL for the journal"
#define WAL_FILE "doc/adr/0001-use-wal-for-the-journal.md"

/* Twelve numbered lines: a tracked source file. */
static const char journal_c[] =
    "journal 01\njournal 02\njournal 03\njournal 04\njournal 05\n"
    "journal 06\njournal 07\njournal 08\njournal 09\njournal 10\n"
    "journal 11\njournal 12\n";

/* A record as adr-tools writes it. */
static const char adr_tools_0001[] =
    "# 1. Record architecture decisions\n"
    "\n"
    "Date: 2024-01-15\n"
    "\n"
    "## Status\n"
    "\n"
    "Accepted\n"
    "\n"
    "## Context\n"
    "\n"
    "We want to remember why the code is the way it is.\n"
    "\n"
    "## Decision\n"
    "\n"
    "We keep decision records in this directory.\n"
    "\n"
    "## Consequences\n"
    "\n"
    "Each decision gets a short file.\n";

/* The palette's commands in table order, with their arguments. */
static const char *const commands[][2] = {
    {"decide", "[TITLE]"},
    {"question", "TEXT"},
    {"link", ""},
    {"accept", ""},
    {"reject", ""},
    {"supersede", "N"},
    {"draft", ""},
    {"commit", ""},
    {"why", ""},
    {"decisions", ""},
    {"follow", "NAME"},
    {"who", ""},
    {"since", ""},
    {"chat", ""},
    {"invite", "[ROLE] [for T]"},
    {"invites", ""},
    {"revoke", "ID"},
    {"help", ""},
    {"syntax", "on|off"},
    {"mouse", "on|off"},
    {"role", "NAME ROLE"},
    {"kick", "NAME"},
    {"split", ""},
    {"vsplit", ""},
    {"close", ""},
    {"zoom", ""},
    {"prefix", "C-X"},
    {"term", "[NAME]"},
    {"share", "NAME|all"},
    {"unshare", "NAME|all"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* A daemon on a repository and the people in it. */
struct sess {
	char *repo;
	struct h_daemon *d;
	int port;
	char *ka; /* Alice's private key */
	char *kb; /* Bob's */
	struct h_client *a;
	struct h_client *b;
};

#define wait_status(c, s) h_wait_status(c, h_status_row(c), s, WAIT)
#define wait_notice(c, s) h_wait_row_has(c, h_status_row(c), s, WAIT)
#define wait_pos(c, l, col) wait_pos_at(c, l, col, WAIT, __FILE__, __LINE__)
#define wait_chat(c, y, s) wait_chat_at(c, y, s, __FILE__, __LINE__)
#define wait_popup(c, title) wait_popup_at(c, title, __FILE__, __LINE__)
#define wait_popup_line(c, s) wait_popup_line_at(c, s, __FILE__, __LINE__)
#define assert_has(text, s) assert_has_at(text, s, 1, __FILE__, __LINE__)
#define assert_lacks(text, s) assert_has_at(text, s, 0, __FILE__, __LINE__)
#define assert_line(text, s) assert_line_at(text, s, 1, __FILE__, __LINE__)
#define assert_no_line(text, s) assert_line_at(text, s, 0, __FILE__, __LINE__)

/* A libssh client, COLS x ROWS, TERM=xterm-256color. */
static struct h_client *
join(int port, const char *key, const char *user)
{
	return h_client_connect(port, key, user, COLS, ROWS, "xterm-256color");
}

/* Alice alone, with the given key comment (name as shown), on file. */
static void
start_alice(
    struct sess *s, const char *comment, const char *name, const char *file)
{
	char *want;

	s->ka = h_key_create(s->repo, comment);
	s->d = h_daemon_start(s->repo);
	s->port = h_daemon_port(s->d);
	s->a = join(s->port, s->ka, "Alice");
	xasprintf(&want, "%s %s:1", name, file);
	h_wait_row(s->a, h_presence_row(s->a), want, JOIN);
	free(want);
}

/* Alice, then Bob; both see both on file. */
static void
start_two(struct sess *s, const char *file)
{
	char *both;

	s->kb = h_key_new(s->repo);
	h_key_authorize(s->repo, s->kb, BOB);
	start_alice(s, ALICE, "Alice Liddell", file);
	s->b = join(s->port, s->kb, "Bob");
	xasprintf(&both, "Alice Liddell %s:1  Bob Stone %s:1", file, file);
	h_wait_row(s->a, h_presence_row(s->a), both, JOIN);
	h_wait_row(s->b, h_presence_row(s->b), both, JOIN);
	free(both);
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
	int line; /* 0: any */
	int col;  /* 0: any */
};

static int
pos_is(struct h_client *c, void *arg)
{
	struct pos *want = arg;
	int line, col;

	if (!status_pos(c, &line, &col))
		return 0;
	return (want->line == 0 || line == want->line) &&
	       (want->col == 0 || col == want->col);
}

/* Wait for the status row to show L:C (0 for either: any). */
static void
wait_pos_at(
    struct h_client *c, int line, int col, int ms, const char *file, int fline)
{
	struct pos want;
	char *what;

	want.line = line;
	want.col = col;
	xasprintf(&what, "the status row to show %d:%d (0: any)", line, col);
	h_wait_pred_at(c, pos_is, &want, what, ms, file, fline);
	free(what);
}

/* "HH:MM" at s. */
static int
is_hhmm(const char *s)
{
	return isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	       s[2] == ':' && isdigit((unsigned char)s[3]) &&
	       isdigit((unsigned char)s[4]);
}

/* A chat line: "HH:MM " then exactly text. */
static int
is_chat_line(const char *row, const char *text)
{
	return is_hhmm(row) && row[5] == ' ' && strcmp(row + 6, text) == 0;
}

static int
chat_row_is(struct h_client *c, void *arg)
{
	struct h_rowtext *rt = arg;

	return is_chat_line(h_row(c, rt->y), rt->text);
}

/* Wait for row y to be the chat row "HH:MM TEXT" (from column 0). */
static void
wait_chat_at(
    struct h_client *c, int y, const char *text, const char *file, int line)
{
	struct h_rowtext rt;
	char *what;

	rt.y = y;
	rt.text = text;
	xasprintf(&what, "row %d to be the chat row \"HH:MM %s\"", y, text);
	h_wait_pred_at(c, chat_row_is, &rt, what, WAIT, file, line);
	free(what);
}

/* A row with its leading spaces dropped. */
static const char *
ltrim(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* The first row from 1 whose text, leading spaces dropped, is text; -1. */
static int
row_of(struct h_client *c, const char *text)
{
	int y;

	for (y = 1; y < h_status_row(c); y++) {
		if (strcmp(ltrim(h_row(c, y)), text) == 0)
			return y;
	}
	return -1;
}

/* The first row from 1 that, spaces squeezed, is text; -1. */
static int
row_of_squeezed(struct h_client *c, const char *text)
{
	char *row;
	int y, same;

	for (y = 1; y < h_status_row(c); y++) {
		row = h_squeeze(h_row(c, y));
		same = strcmp(row, text) == 0;
		free(row);
		if (same)
			return y;
	}
	return -1;
}

static int
has_row(struct h_client *c, void *arg)
{
	return row_of(c, arg) >= 0;
}

static int
has_row_squeezed(struct h_client *c, void *arg)
{
	return row_of_squeezed(c, arg) >= 0;
}

/* Wait for a pop-up: row 0 is " TITLE", in reverse video. */
static void
wait_popup_at(struct h_client *c, const char *title, const char *file, int line)
{
	struct h_cell cell;
	char *want;

	xasprintf(&want, " %s", title);
	h_wait_row_at(c, 0, want, WAIT, file, line);
	free(want);
	h_cell(c, 1, 0, &cell);
	if (!cell.reverse) {
		fprintf(stderr,
		    "%s:%d: the title of pop-up %s is not in "
		    "reverse video\n",
		    file, line, title);
		h_dump(c);
		_fail(file, line);
	}
}

/* Wait for a row (below row 0) that, leading spaces dropped, is text. */
static void
wait_popup_line_at(
    struct h_client *c, const char *text, const char *file, int line)
{
	char *what;

	xasprintf(&what, "a row \"%s\"", text);
	h_wait_pred_at(c, has_row, (void *)text, what, WAIT, file, line);
	free(what);
}

/* Say something in the chat with Ctrl-T (printable text). */
static void
say(struct h_client *c, const char *text)
{
	char *want;

	h_key(c, "C-t");
	wait_status(c, " Say:");
	h_send(c, text);
	xasprintf(&want, " Say: %s", text);
	wait_status(c, want);
	free(want);
	h_key(c, "Enter");
	h_wait_row_lacks(c, h_status_row(c), "Say:", WAIT);
}

/* Ctrl-G to a line. */
static void
goto_line(struct h_client *c, int line)
{
	char *want;

	h_key(c, "C-g");
	wait_status(c, " Go to line:");
	xasprintf(&want, "%d", line);
	h_send(c, want);
	free(want);
	h_key(c, "Enter");
	wait_pos(c, line, 0);
}

/* Open a path with Ctrl-O: type it, Enter; the status row shows it. */
static void
open_path(struct h_client *c, const char *path)
{
	char *want;

	h_open(c, path, WAIT);
	xasprintf(&want, " %s", path);
	wait_status(c, want);
	free(want);
}

/* Ctrl-S on a modified document: the notice comes and [+] goes. */
static void
save_wait(struct h_client *c, const char *who)
{
	char *notice;

	h_wait_row_has(c, h_status_row(c), "[+]", WAIT);
	h_key(c, "C-s");
	xasprintf(&notice, "saved by %s", who);
	h_wait(c, notice, WAIT);
	free(notice);
	h_wait_row_lacks(c, h_status_row(c), "[+]", WAIT);
}

/* decide TITLE: the draft opens for c (path on the status row) and c is
 * told it was drafted as id. */
static void
decide(struct h_client *c, const char *title, const char *file, const char *id)
{
	char *line;

	xasprintf(&line, "decide %s", title);
	h_palette(c, line, WAIT);
	free(line);
	xasprintf(&line, " %s", file);
	wait_status(c, line);
	free(line);
	xasprintf(&line, "%s drafted: edit it, then accept or reject", id);
	wait_notice(c, line);
	free(line);
}

/*
 * Run accept or reject (verb) as c and wait until c, and other unless it
 * is NULL, show "NAME VERBed ID: TITLE (commit "; returns c's status row
 * at that moment (caller frees) for check_short_id.
 */
static char *
conclude(struct h_client *c, struct h_client *other, const char *verb,
    const char *name, const char *id, const char *title)
{
	char *notice, *row;

	h_palette(c, verb, WAIT);
	/* "accepted", "rejected" */
	xasprintf(&notice, "%s %sed %s: %s (commit ", name, verb, id, title);
	wait_notice(c, notice);
	row = xstrdup(h_row(c, h_status_row(c)));
	if (other != NULL)
		wait_notice(other, notice);
	free(notice);
	return row;
}

/* The status row of a notice "... (commit 1a2b3c4)" names HEAD. */
static void
check_short_id(const char *row, const char *head)
{
	const char *p;
	size_t n;

	if ((p = strstr(row, "(commit ")) == NULL)
		fail_msg("no \"(commit \" in \"%s\"", row);
	p += strlen("(commit ");
	n = strspn(p, "0123456789abcdef");
	if (n < 7 || p[n] != ')' || strncmp(p, head, n) != 0)
		fail_msg("the notice \"%s\" does not name HEAD %s", row, head);
}

/* Run a shell command in dir and return its output (stdout and stderr);
 * *status is its exit status. Caller frees. */
static char *
sh_status(const char *dir, const char *cmd, int *status)
{
	char *out;

	*status = h_run_capture(dir, NULL, &out, "sh", "-c", cmd, NULL);
	return out;
}

/* The same for a command that must succeed. */
static char *
sh(const char *dir, const char *cmd)
{
	char *out;
	int status;

	out = sh_status(dir, cmd, &status);
	if (status != 0)
		fail_msg("`%s` in %s exited %d:\n%s", cmd, dir, status, out);
	return out;
}

/* Assert a shell command prints exactly want (trailing newlines dropped). */
static void
assert_sh(const char *dir, const char *cmd, const char *want)
{
	char *out;

	out = h_sh(dir, cmd);
	if (strcmp(out, want) != 0)
		fail_msg("`%s` printed:\n%s\nexpected:\n%s", cmd, out, want);
	free(out);
}

/*
 * The trailer block of HEAD's message as `git interpret-trailers --parse`
 * reads it, except that the value of Discussion (free-form) becomes "*"
 * (it must not be empty). Caller frees.
 */
static char *
head_trailers(const char *repo)
{
	char *out, *res, *line, *next, *t;

	out = sh(repo, "git log -1 --format=%B | git interpret-trailers "
	               "--parse");
	res = xstrdup("");
	for (line = out; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (strncmp(line, "Discussion:", 11) == 0) {
			if (*ltrim(line + 11) == '\0')
				fail_msg("the Discussion trailer is empty");
			line = "Discussion: *";
		}
		xasprintf(&t, "%s%s\n", res, line);
		free(res);
		res = t;
	}
	free(out);
	return res;
}

static void
assert_has_at(
    const char *text, const char *s, int want, const char *file, int line)
{
	if ((strstr(text, s) != NULL) != want) {
		fprintf(stderr, "%s:%d: \"%s\" %s in:\n%s\n", file, line, s,
		    want ? "not found" : "found", text);
		_fail(file, line);
	}
}

/* Does text have a line that is exactly s? */
static int
has_line(const char *text, const char *s)
{
	size_t n = strlen(s);
	const char *p;

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, s, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* Does text have a line that starts with s? */
static int
has_line_prefix(const char *text, const char *s)
{
	size_t n = strlen(s);
	const char *p;

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, s, n) == 0)
			return 1;
	}
	return 0;
}

static void
assert_line_at(
    const char *text, const char *s, int want, const char *file, int line)
{
	if (has_line(text, s) != want) {
		fprintf(stderr, "%s:%d: line \"%s\" %s in:\n%s\n", file, line,
		    s, want ? "not found" : "found", text);
		_fail(file, line);
	}
}

/* A copy of the text of a markdown section, from its heading line to the
 * next "## " heading (or the end). Fails when there is no such heading. */
static char *
section(const char *text, const char *heading)
{
	const char *p, *end;
	char *want;

	xasprintf(&want, "\n%s\n", heading);
	if ((p = strstr(text, want)) == NULL)
		fail_msg("no section \"%s\" in:\n%s", heading, text);
	p++;
	free(want);
	if ((end = strstr(p + 1, "\n## ")) == NULL)
		end = p + strlen(p);
	return xstrndup(p, end - p + 1);
}

/* Is a file absent from the working tree? */
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

/* `moot SUB [ARG] -C REPO`; *status its exit status. Caller frees. */
static char *
moot(const char *repo, const char *sub, const char *arg, int *status)
{
	char *out;

	if (arg != NULL)
		*status = h_run_capture(repo, NULL, &out, h_moot_path(), sub,
		    arg, "-C", repo, NULL);
	else
		*status = h_run_capture(
		    repo, NULL, &out, h_moot_path(), sub, "-C", repo, NULL);
	return out;
}

/*
 * Run `moot SUB [ARG] -C REPO` until its output has every line of want
 * (NULL-terminated) and no line starting with lacks (unless NULL); the
 * journal is written a moment after the screen changes, so this polls for
 * up to WAIT ms. Returns the output (caller frees).
 */
static char *
moot_until(const char *repo, const char *sub, const char *arg,
    const char *const *want, const char *lacks)
{
	long long deadline = h_now_ms() + WAIT;
	char *out;
	int status, ok;
	size_t i;

	for (;;) {
		out = moot(repo, sub, arg, &status);
		ok = status == 0;
		for (i = 0; ok && want[i] != NULL; i++)
			ok = has_line(out, want[i]);
		if (ok && lacks != NULL)
			ok = !has_line_prefix(out, lacks);
		if (ok)
			return out;
		if (h_now_ms() > deadline)
			fail_msg("`moot %s %s` (status %d) printed:\n%s", sub,
			    arg != NULL ? arg : "", status, out);
		free(out);
		h_pump_all(100);
	}
}

/* The text rows of a screen, joined by newlines. Caller frees. */
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

/* Do two clients show the same text rows? (arg: the other client) */
static int
same_text(struct h_client *c, void *arg)
{
	char *mine, *theirs;
	int same;

	mine = text_rows(c);
	theirs = text_rows(arg);
	same = strcmp(mine, theirs) == 0;
	free(mine);
	free(theirs);
	return same;
}

static int
is_closed(struct h_client *c, void *arg)
{
	return h_client_closed(c);
}

/* "YYYY-MM-DD" at s. */
static int
is_date(const char *s)
{
	int i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return 0;
		} else if (!isdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* `moot decisions` has the line "NNNN  STATUS  <a date>  TITLE". */
static void
assert_decision_line(
    const char *out, const char *number, const char *status, const char *title)
{
	char *head, *tail;
	const char *p;
	size_t n;

	xasprintf(&head, "%s  %s  ", number, status);
	xasprintf(&tail, "  %s", title);
	n = strlen(head);
	for (p = out; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, head, n) == 0 && is_date(p + n) &&
		    strncmp(p + n + 10, tail, strlen(tail)) == 0 &&
		    (p[n + 10 + strlen(tail)] == '\n' ||
		        p[n + 10 + strlen(tail)] == '\0')) {
			free(head);
			free(tail);
			return;
		}
	}
	fail_msg("no line \"%sYYYY-MM-DD%s\" in:\n%s", head, tail, out);
}

/* The record of test after test: Alice decides WAL on lines 2-4 of
 * src/journal.c and accepts it. Returns the base commit (caller frees). */
static char *
decide_wal_lines_2_4(struct sess *s)
{
	char *base, *row;
	int i;

	base = h_sh(s->repo, "git rev-parse HEAD");
	h_key(s->a, "Down");
	wait_pos(s->a, 2, 1);
	for (i = 0; i < 3; i++)
		h_send(s->a, SHIFT_DOWN);
	wait_pos(s->a, 5, 1);
	decide(s->a, WAL, WAL_FILE, "ADR-0001");
	row = conclude(s->a, s->b, "accept", "Alice Liddell", "ADR-0001", WAL);
	free(row);
	return base;
}

/*
 * Chat, decide on a selection, two people co-edit the draft, accept: one
 * commit of the record with the trailers git reads back, the chat quoted.
 */
static void
test_chat_and_decide_accept(void **state)
{
	struct sess s;
	char *base, *row, *head, *out, *want, *rec, *p;
	struct h_client *c;
	int i, y;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("src/journal.c", journal_c, NULL);
	start_two(&s, "src/journal.c");
	base = h_sh(s.repo, "git rev-parse HEAD");

	/* Two messages: both see both, oldest on top, above the status. */
	say(s.a, "should the journal use WAL?");
	say(s.b, "yes, readers never block");
	for (i = 0; i < 2; i++) {
		c = i == 0 ? s.a : s.b;
		wait_chat(
		    c, ROWS - 4, "Alice Liddell: should the journal use WAL?");
		wait_chat(c, ROWS - 3, "Bob Stone: yes, readers never block");
		h_wait_row(c, 0, "journal 01", WAIT);
		h_wait_row(c, 11, "journal 12", WAIT);
	}

	/* Alice selects lines 2-4 (the selection ends at column 0 of 5). */
	h_key(s.a, "Down");
	wait_pos(s.a, 2, 1);
	for (i = 0; i < 3; i++)
		h_send(s.a, SHIFT_DOWN);
	wait_pos(s.a, 5, 1);
	decide(s.a, WAL, WAL_FILE, "ADR-0001");
	wait_notice(
	    s.b, "Alice Liddell started ADR-0001: " WAL " (Ctrl-D opens it)");
	h_wait(s.a, "# 1. " WAL, WAIT);
	h_wait_row_has(
	    s.a, h_presence_row(s.a), "Alice Liddell " WAL_FILE ":", WAIT);

	/* Alice's cursor is in the Context section: she types there. */
	h_send(s.a, "Alice wrote this");
	h_wait(s.a, "Alice wrote this", WAIT);
	wait_status(s.a, " " WAL_FILE " [+]");

	/* Bob opens the draft with Ctrl-D and sees Alice's words. */
	h_key(s.b, "C-d");
	wait_status(s.b, " " WAL_FILE " [+]");
	h_wait(s.b, "# 1. " WAL, WAIT);
	h_wait(s.b, "Alice wrote this", WAIT);

	/* He finds the Context heading and adds a line under it. */
	h_key(s.b, "C-f");
	wait_status(s.b, " Find:");
	h_send(s.b, "## Context");
	wait_status(s.b, " Find: ## Context");
	h_wait_row_has(s.b, h_status_row(s.b), "1 of 1", WAIT);
	h_key(s.b, "End"); /* closes the prompt, keeping the match */
	h_wait_row_lacks(s.b, h_status_row(s.b), "Find:", WAIT);
	h_key(s.b, "End"); /* clears the selection */
	wait_pos(s.b, 0, 11);
	h_key(s.b, "Enter");
	h_send(s.b, "Bob was here");
	h_wait(s.a, "Bob was here", WAIT);
	h_wait(s.b, "Bob was here", WAIT);

	/* Alice accepts: everyone hears of it. */
	row = conclude(s.a, s.b, "accept", "Alice Liddell", "ADR-0001", WAL);

	/* One commit on top of the base, by Alice, of the record alone. */
	head = h_sh(s.repo, "git rev-parse HEAD");
	check_short_id(row, head);
	free(row);
	assert_sh(s.repo, "git rev-parse HEAD~1", base);
	assert_sh(s.repo, "git log -1 --format=%s", "docs(adr): ADR-0001 " WAL);
	assert_sh(s.repo, "git log -1 '--format=%an <%ae>'", ALICE);
	assert_sh(s.repo, "git show --name-only --format= HEAD", WAL_FILE);

	/* The trailers, as git itself parses them. */
	out = head_trailers(s.repo);
	xasprintf(&want,
	    "Decision-Id: ADR-0001\n"
	    "Decision-Status: accepted\n"
	    "Decision-File: " WAL_FILE "\n"
	    "Decided-by: " ALICE "\n"
	    "Participant: " ALICE "\n"
	    "Participant: " BOB "\n"
	    "Code-Range: src/journal.c:2-4@%s\n"
	    "Discussion: *\n"
	    "Co-authored-by: " ALICE "\n"
	    "Co-authored-by: " BOB "\n",
	    base);
	assert_string_equal(out, want);
	free(out);
	free(want);
	assert_sh(s.repo,
	    "git log -1 '--format=%(trailers:key=Decision-Id,valueonly)'",
	    "ADR-0001");
	assert_sh(s.repo, "git log -1 '--format=%(trailers:key=Decision-Id)'",
	    "Decision-Id: ADR-0001");
	assert_sh(s.repo, "git log --grep=ADR-0001 --format=%H", head);

	/* The index and the working tree agree with the commit. */
	assert_sh(s.repo, "git status --porcelain -- " WAL_FILE, "");
	assert_sh(s.repo, "git status --porcelain -- src", "");

	/* The record on disk. */
	rec = h_read_file(s.repo, WAL_FILE, NULL);
	assert_true(strncmp(rec, "# 1. " WAL "\n", strlen(WAL) + 6) == 0);
	assert_line(rec, "- Status: accepted");
	assert_has(rec, "Bob was here");
	assert_has(rec, "Alice wrote this");
	assert_lacks(rec, "\n---\n");
	xasprintf(&want,
	    "`src/journal.c` lines 2\xe2\x80\x93"
	    "4 at %.12s",
	    base);
	assert_has(rec, want);
	free(want);
	/* The discussion quoted: "> NAME (HH:MM): TEXT". */
	if ((p = strstr(rec, "> Alice Liddell (")) == NULL)
		fail_msg("Alice's message is not quoted:\n%s", rec);
	p += strlen("> Alice Liddell (");
	assert_true(is_hhmm(p));
	assert_true(
	    strncmp(p + 5, "): should the journal use WAL?\n", 31) == 0);
	if ((p = strstr(rec, "> Bob Stone (")) == NULL)
		fail_msg("Bob's message is not quoted:\n%s", rec);
	p += strlen("> Bob Stone (");
	assert_true(is_hhmm(p));
	assert_true(strncmp(p + 5, "): yes, readers never block\n", 28) == 0);
	/* Bob's line is right under the Context heading. */
	assert_has(rec, "## Context\nBob was here\n");
	free(rec);

	/* Both still see the chat pane. */
	for (i = 0; i < 2; i++) {
		c = i == 0 ? s.a : s.b;
		y = ROWS - 3;
		wait_chat(c, y, "Bob Stone: yes, readers never block");
	}
	free(base);
	free(head);
	h_pass();
}

/*
 * Escape sequences and invalid UTF-8 in chat are shown inert; chat
 * survives kill -9; the chat pop-up holds the whole history; the pane
 * shrinks with the terminal.
 */
static void
test_chat_persists_and_inert(void **state)
{
	static const char *shown = "Alice Liddell: a^[[2Jb^[]0;pwned^Gc\\xffd";
	struct sess s;
	struct h_client *c;
	int i, y;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create(
	    "README.md", "first line\nsecond line\nthird line\n", NULL);
	start_two(&s, "README.md");

	/* ESC [2J, an OSC title and an invalid byte, pasted into Say. */
	h_key(s.a, "C-t");
	wait_status(s.a, " Say:");
	h_send(s.a, PASTE_START "a\033[2Jb\033]0;pwned\007c\xff"
	                        "d" PASTE_END);
	wait_status(s.a, " Say: a^[[2Jb^[]0;pwned^Gc\\xffd");
	h_key(s.a, "Enter");
	for (i = 0; i < 2; i++) {
		c = i == 0 ? s.a : s.b;
		wait_chat(c, ROWS - 3, shown);
		/* The screen was not cleared: the file is still there. */
		h_wait_row(c, 0, "first line", WAIT);
		h_wait_row(c, 1, "second line", WAIT);
		h_wait_row(c, 2, "third line", WAIT);
		h_wait_row_has(c, h_presence_row(c), "Alice Liddell", WAIT);
	}

	/* Three more: the pane shows the last three. */
	say(s.b, "second");
	say(s.a, "third");
	say(s.b, "fourth");
	for (i = 0; i < 2; i++) {
		c = i == 0 ? s.a : s.b;
		wait_chat(c, ROWS - 5, "Bob Stone: second");
		wait_chat(c, ROWS - 4, "Alice Liddell: third");
		wait_chat(c, ROWS - 3, "Bob Stone: fourth");
		h_wait_gone(c, "pwned", WAIT);
	}

	/* kill -9, a new daemon, both come back: the chat is still there. */
	assert_int_equal(kill(h_daemon_pid(s.d), SIGKILL), 0);
	assert_int_equal(h_daemon_stop(s.d), -1);
	h_until(s.a, is_closed, NULL, WAIT);
	h_until(s.b, is_closed, NULL, WAIT);
	h_client_close(s.a);
	h_client_close(s.b);
	s.d = h_daemon_start(s.repo);
	s.port = h_daemon_port(s.d);
	s.a = join(s.port, s.ka, "Alice");
	s.b = join(s.port, s.kb, "Bob");
	for (i = 0; i < 2; i++) {
		c = i == 0 ? s.a : s.b;
		h_wait_row(c, h_presence_row(c),
		    "Alice Liddell README.md:1  Bob Stone README.md:1", JOIN);
		wait_chat(c, ROWS - 5, "Bob Stone: second");
		wait_chat(c, ROWS - 4, "Alice Liddell: third");
		wait_chat(c, ROWS - 3, "Bob Stone: fourth");
		h_wait_row(c, 0, "first line", WAIT);
	}

	/* The chat pop-up: the whole history, oldest first. */
	h_palette(s.a, "chat", WAIT);
	wait_popup(s.a, "Chat");
	for (y = 1; y < h_status_row(s.a); y++) {
		if (is_chat_line(ltrim(h_row(s.a, y)), shown))
			break;
	}
	if (y >= h_status_row(s.a) - 3)
		fail_msg("the first message is not in the Chat pop-up");
	assert_true(
	    is_chat_line(ltrim(h_row(s.a, y + 1)), "Bob Stone: second"));
	assert_true(
	    is_chat_line(ltrim(h_row(s.a, y + 2)), "Alice Liddell: third"));
	assert_true(
	    is_chat_line(ltrim(h_row(s.a, y + 3)), "Bob Stone: fourth"));
	h_key(s.a, "Escape");
	h_wait_row(s.a, 0, "first line", WAIT);

	/* 10 rows: one chat row; 7 rows: none. */
	h_resize(s.a, COLS, 10);
	wait_chat(s.a, 7, "Bob Stone: fourth");
	h_wait_row(s.a, 6, "", WAIT);
	h_wait_row(s.a, 0, "first line", WAIT);
	h_resize(s.a, COLS, 7);
	h_wait_gone(s.a, "fourth", WAIT);
	h_wait_row(s.a, 2, "third line", WAIT);
	h_wait_row(s.a, 4, "", WAIT);
	h_pass();
}

/*
 * A draft survives kill -9 of the daemon: its text with what Bob typed,
 * and who typed it; after the restart Alice accepts it and Bob is a
 * co-author, known from the journal alone.
 */
static void
test_draft_kill9(void **state)
{
	static const char *rec = "doc/adr/0001-survive-a-crash.md";
	struct sess s;
	char *out, *text;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create(
	    "README.md", "first line\nsecond line\nthird line\n", NULL);
	start_two(&s, "README.md");
	say(s.a, "what if the daemon dies?");
	h_palette(s.a, "decide Survive a crash", WAIT);
	wait_notice(s.a, "ADR-0001 drafted");
	wait_notice(s.b, "started ADR-0001");
	h_key(s.b, "C-d");
	wait_status(s.b, " doc/adr/0001-survive-a-crash.md");
	/* Ctrl-D puts Bob in the Context section too. */
	h_send(s.b, "Bob typed this before the crash");
	h_wait(s.a, "Bob typed this before the crash", WAIT);

	assert_int_equal(kill(h_daemon_pid(s.d), SIGKILL), 0);
	assert_int_equal(h_daemon_stop(s.d), -1);
	h_until(s.a, is_closed, NULL, WAIT);
	h_until(s.b, is_closed, NULL, WAIT);
	h_client_close(s.a);
	h_client_close(s.b);
	/* Unsaved: the file on disk is the pre-filled draft. */
	text = h_read_file(s.repo, rec, NULL);
	assert_lacks(text, "Bob typed this");
	free(text);

	s.d = h_daemon_start(s.repo);
	s.port = h_daemon_port(s.d);
	s.a = join(s.port, s.ka, "Alice");
	/* She was here when the daemon died and saw the draft start: one
	 * line says the session restarted, and no catch-up lists it. */
	wait_notice(s.a, "the session restarted; nothing was lost");
	wait_status(s.a, " doc/adr/0001-survive-a-crash.md [+]");
	assert_lacks(h_row(s.a, 0), "Since your last visit");
	h_wait(s.a, "Bob typed this before the crash", WAIT);
	free(conclude(s.a, NULL, "accept", "Alice Liddell", "ADR-0001",
	    "Survive a crash"));

	out = head_trailers(s.repo);
	assert_line(out, "Decision-Id: ADR-0001");
	assert_line(out, "Participant: " BOB);
	assert_line(out, "Co-authored-by: " BOB);
	assert_lacks(out, "Co-authored-by: " ALICE);
	free(out);
	/* head_trailers masks the Discussion value: read it whole. */
	out = sh(s.repo, "git log -1 --format='%(trailers:key=Discussion)'");
	assert_has(out, "Discussion: 1 chat message, ");
	assert_has(out, " UTC, quoted in the record");
	free(out);
	text = h_read_file(s.repo, rec, NULL);
	assert_has(text, "## Context\n\nBob typed this before the crash");
	assert_line(text, "- Status: accepted");
	assert_has(text, "> Alice Liddell (");
	free(text);
	h_pass();
}

/*
 * A question with no draft is noted (and `moot decisions --open` reads it
 * from the journal while the daemon runs); the next draft takes it in.
 */
static void
test_question_and_decisions_open(void **state)
{
	static const char *const open1[] = {
	    "-     Do we need a checkpoint?", NULL};
	static const char *const open2[] = {
	    "-     Do we need a checkpoint?", "-     Is fsync enough?", NULL};
	static const char *const drafted[] = {"0001  Do we need a checkpoint?",
	    "0001  Is fsync enough?", "0001  draft: " WAL, NULL};
	static const char *const accepted[] = {"0001  Do we need a checkpoint?",
	    "0001  Is fsync enough?", "0001  What about NFS?", NULL};
	struct sess s;
	char *out, *rec, *sec;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("src/journal.c", journal_c, NULL);
	start_alice(&s, ALICE, "Alice Liddell", "src/journal.c");

	h_palette(s.a, "question Do we need a checkpoint?", WAIT);
	wait_notice(s.a, "question noted (1 open)");
	out = moot_until(s.repo, "decisions", "--open", open1, NULL);
	free(out);
	h_palette(s.a, "question Is fsync enough?", WAIT);
	wait_notice(s.a, "question noted (2 open)");
	out = moot_until(s.repo, "decisions", "--open", open2, NULL);
	free(out);

	/* The draft takes both in (on disk at once). */
	decide(s.a, WAL, WAL_FILE, "ADR-0001");
	rec = h_read_file(s.repo, WAL_FILE, NULL);
	sec = section(rec, "## Open Questions");
	assert_has(sec, "\n- Do we need a checkpoint?\n");
	assert_has(sec, "\n- Is fsync enough?\n");
	free(sec);
	free(rec);
	out = moot_until(s.repo, "decisions", "--open", drafted, "-     ");
	free(out);

	/* With a draft open, a question goes into it (an edit). */
	h_palette(s.a, "question What about NFS?", WAIT);
	wait_notice(s.a, "question added to ADR-0001");
	wait_status(s.a, " " WAL_FILE " [+]");
	out = conclude(s.a, NULL, "accept", "Alice Liddell", "ADR-0001", WAL);
	free(out);

	rec = sh(s.repo, "git show HEAD:" WAL_FILE);
	sec = section(rec, "## Open Questions");
	assert_has(sec, "\n- Do we need a checkpoint?\n");
	assert_has(sec, "\n- Is fsync enough?\n");
	assert_has(sec, "\n- What about NFS?\n");
	free(sec);
	free(rec);
	out = sh(s.repo, "git log -1 --format=%b");
	assert_has(out, "Do we need a checkpoint?");
	free(out);
	out = moot_until(s.repo, "decisions", "--open", accepted, "-     ");
	assert_lacks(out, "draft:");
	free(out);
	h_pass();
}

/* reject commits the record too, with the status rejected; `moot why`
 * does not count it. */
static void
test_reject(void **state)
{
	struct sess s;
	char *base, *row, *head, *out, *rec, *want;
	int status;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("src/journal.c", journal_c, NULL);
	start_alice(&s, ALICE, "Alice Liddell", "src/journal.c");
	base = h_sh(s.repo, "git rev-parse HEAD");

	decide(s.a, "Use a thread pool", "doc/adr/0001-use-a-thread-pool.md",
	    "ADR-0001");
	row = conclude(s.a, NULL, "reject", "Alice Liddell", "ADR-0001",
	    "Use a thread pool");
	head = h_sh(s.repo, "git rev-parse HEAD");
	check_short_id(row, head);
	free(row);

	assert_sh(s.repo, "git rev-parse HEAD~1", base);
	assert_sh(s.repo, "git log -1 --format=%s",
	    "docs(adr): ADR-0001 Use a thread pool");
	assert_sh(s.repo, "git show --name-only --format= HEAD",
	    "doc/adr/0001-use-a-thread-pool.md");
	out = head_trailers(s.repo);
	assert_line(out, "Decision-Id: ADR-0001");
	assert_line(out, "Decision-Status: rejected");
	assert_line(out, "Decision-File: doc/adr/0001-use-a-thread-pool.md");
	assert_line(out, "Decided-by: " ALICE);
	assert_line(out, "Participant: " ALICE);
	xasprintf(&want, "Code-Range: src/journal.c:1-1@%s", base);
	assert_line(out, want);
	free(want);
	assert_lacks(out, "Co-authored-by:");
	free(out);
	assert_sh(s.repo,
	    "git status --porcelain -- doc/adr/0001-use-a-thread-pool.md", "");

	rec = h_read_file(s.repo, "doc/adr/0001-use-a-thread-pool.md", NULL);
	assert_line(rec, "- Status: rejected");
	assert_has(rec, "## Status\n\nRejected\n");
	assert_no_line(rec, "- Status: proposed");
	free(rec);

	out = moot(s.repo, "decisions", NULL, &status);
	assert_int_equal(status, 0);
	assert_decision_line(out, "0001", "rejected", "Use a thread pool");
	free(out);
	out = moot(s.repo, "why", "src/journal.c:1", &status);
	assert_has(out, "no recorded decision covers src/journal.c:1");
	assert_lacks(out, "ADR-0001");
	free(out);
	free(base);
	free(head);
	h_pass();
}

/*
 * supersede 1 over an adr-tools record: one commit changes both files;
 * the old record says by what it was superseded.
 */
static void
test_supersede(void **state)
{
	static const char *old =
	    "doc/adr/0001-record-architecture-decisions.md";
	static const char *new = "doc/adr/0002-supersede-adr-0001.md";
	struct sess s;
	char *row, *head, *out, *rec, *cmd;
	int status;

	memset(&s, 0, sizeof s);
	s.repo =
	    h_repo_create("README.md", "demo\n", old, adr_tools_0001, NULL);
	start_alice(&s, ALICE, "Alice Liddell", "README.md");

	h_palette(s.a, "supersede 1", WAIT);
	wait_status(s.a, " doc/adr/0002-supersede-adr-0001.md");
	wait_notice(s.a, "ADR-0002 drafted");
	h_wait(s.a, "# 2. Supersede ADR-0001", WAIT);
	rec = h_read_file(s.repo, new, NULL);
	assert_true(has_line_prefix(rec, "- Supersedes: "));
	free(rec);

	row = conclude(s.a, NULL, "accept", "Alice Liddell", "ADR-0002",
	    "Supersede ADR-0001");
	head = h_sh(s.repo, "git rev-parse HEAD");
	check_short_id(row, head);
	free(row);
	assert_sh(s.repo, "git log -1 --format=%s",
	    "docs(adr): ADR-0002 Supersede ADR-0001");
	assert_sh(s.repo, "git rev-list --count HEAD", "2");
	assert_sh(s.repo, "git show --name-only --format= HEAD",
	    "doc/adr/0001-record-architecture-decisions.md\n"
	    "doc/adr/0002-supersede-adr-0001.md");
	out = head_trailers(s.repo);
	assert_line(out, "Decision-Id: ADR-0002");
	assert_line(out, "Decision-Status: accepted");
	assert_line(out, "Decision-File: doc/adr/0002-supersede-adr-0001.md");
	assert_line(out, "Supersedes: ADR-0001");
	free(out);
	assert_sh(s.repo, "git status --porcelain -- doc", "");

	/* The old record: its status paragraph now says superseded. */
	rec = h_read_file(s.repo, old, NULL);
	assert_has(rec, "## Status\n\nSuperseded by [2. Supersede ADR-0001]"
	                "(0002-supersede-adr-0001.md)\n");
	assert_no_line(rec, "Accepted");
	assert_has(rec, "# 1. Record architecture decisions\n");
	free(rec);
	xasprintf(&cmd, "git show HEAD:%s", old);
	out = sh(s.repo, cmd);
	assert_has(out, "Superseded by [2. Supersede ADR-0001]");
	free(out);
	free(cmd);
	rec = h_read_file(s.repo, new, NULL);
	assert_line(rec, "- Status: accepted");
	free(rec);

	out = moot(s.repo, "decisions", NULL, &status);
	assert_int_equal(status, 0);
	assert_line(out, "0001  superseded  2024-01-15  Record architecture "
	                 "decisions");
	assert_decision_line(out, "0002", "accepted", "Supersede ADR-0001");
	free(out);
	free(head);
	h_pass();
}

/*
 * A repository kept with adr-tools: .adr-dir names the directory, one
 * record was superseded (adr-tools spells it "Superceded"). moot decisions
 * lists all three correctly, and decide numbers the next one 0004 there.
 */
static void
test_adr_tools_numbering(void **state)
{
	static const char two[] =
	    "# 2. Use plain files\n\nDate: 2024-02-01\n\n## Status\n\n"
	    "Superceded by [3. Use sqlite](0003-use-sqlite.md)\n\n"
	    "## Context\n\nFiles are simple.\n";
	static const char three[] =
	    "# 3. Use sqlite\n\nDate: 2024-03-01\n\n## Status\n\n"
	    "Accepted\n\nSupercedes [2. Use plain files](0002-use-plain-files"
	    ".md)\n\n## Context\n\nFiles lose data.\n";
	struct sess s;
	char *out, *rec;
	int status;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("README.md", "demo\n", ".adr-dir",
	    "doc/architecture/decisions\n",
	    "doc/architecture/decisions/0001-record-architecture-decisions.md",
	    adr_tools_0001,
	    "doc/architecture/decisions/0002-use-plain-files.md", two,
	    "doc/architecture/decisions/0003-use-sqlite.md", three, NULL);

	out = moot(s.repo, "decisions", NULL, &status);
	assert_int_equal(status, 0);
	assert_string_equal(out,
	    "0001  accepted  2024-01-15  Record architecture decisions\n"
	    "0002  superseded  2024-02-01  Use plain files\n"
	    "0003  accepted  2024-03-01  Use sqlite\n");
	free(out);

	start_alice(&s, ALICE, "Alice Liddell", "README.md");
	h_palette(s.a, "decide Keep the journal in WAL mode", WAIT);
	wait_status(s.a,
	    " doc/architecture/decisions/0004-keep-the-journal-in-wal-mode.md");
	wait_notice(s.a, "ADR-0004 drafted");
	rec = h_read_file(s.repo,
	    "doc/architecture/decisions/0004-keep-the-journal-in-wal-mode.md",
	    NULL);
	assert_has(rec, "# 4. Keep the journal in WAL mode\n");
	assert_line(rec, "- Status: proposed");
	free(rec);
	/* Nothing was written to the default directory. */
	assert_false(h_run(s.repo, "test", "-e", "doc/adr", NULL) == 0);
	h_pass();
}

/*
 * .adr-dir naming a path through a symlink that leaves the working tree:
 * decide refuses with a clear notice and makes nothing outside.
 */
static void
test_decide_outside(void **state)
{
	struct sess s;
	char *outside, *target;

	memset(&s, 0, sizeof s);
	outside = h_tmpdir("moot-outside");
	s.repo =
	    h_repo_create("README.md", "demo\n", ".adr-dir", "ext/adr\n", NULL);
	assert_int_equal(h_run(s.repo, "ln", "-s", outside, "ext", NULL), 0);
	start_alice(&s, ALICE, "Alice Liddell", "README.md");
	h_palette(s.a, "decide Escape the repository", WAIT);
	wait_notice(s.a, "ext/adr: not a directory of the repository");
	wait_status(s.a, " README.md");
	xasprintf(&target, "%s/adr", outside);
	assert_int_not_equal(access(target, F_OK), 0);
	free(target);
	h_pass();
}

/*
 * After an accepted decision, Bob and Alice edit and save a file; Alice's
 * `commit` records it with Refs and Bob as co-author; `moot why` on a
 * changed line finds the decision through the Refs.
 */
static void
test_commit_with_refs(void **state)
{
	struct sess s;
	char *row, *rowb, *head, *prev, *out, *notice;
	int status;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("src/journal.c", journal_c, NULL);
	start_two(&s, "src/journal.c");
	decide(s.a, WAL, WAL_FILE, "ADR-0001");
	row = conclude(s.a, s.b, "accept", "Alice Liddell", "ADR-0001", WAL);
	free(row);
	prev = h_sh(s.repo, "git rev-parse HEAD");

	/* Bob edits line 7 and saves; Alice edits line 9 and saves. */
	goto_line(s.b, 7);
	h_send(s.b, "B");
	h_wait_row_has(s.b, 6, "Bjournal 07", WAIT);
	save_wait(s.b, "Bob Stone");
	open_path(s.a, "src/journal.c");
	h_wait_row_has(s.a, 6, "Bjournal 07", WAIT);
	goto_line(s.a, 9);
	h_send(s.a, "A");
	h_wait_row_has(s.a, 8, "Ajournal 09", WAIT);
	save_wait(s.a, "Alice Liddell");

	/* commit asks for the message on the status row. */
	h_palette(s.a, "commit", WAIT);
	wait_status(s.a, " Commit message:");
	h_send(s.a, "journal: use WAL");
	wait_status(s.a, " Commit message: journal: use WAL");
	h_key(s.a, "Enter");
	wait_notice(s.a, "Alice Liddell committed ");
	row = xstrdup(h_row(s.a, h_status_row(s.a)));
	wait_notice(s.b, "Alice Liddell committed ");
	rowb = xstrdup(h_row(s.b, h_status_row(s.b)));
	head = h_sh(s.repo, "git rev-parse HEAD");
	xasprintf(
	    &notice, "Alice Liddell committed %.7s: journal: use WAL", head);
	assert_has(row, notice);
	assert_has(rowb, notice);
	free(notice);
	free(row);
	free(rowb);

	assert_sh(s.repo, "git rev-parse HEAD~1", prev);
	assert_sh(s.repo, "git log -1 --format=%s", "journal: use WAL");
	assert_sh(s.repo, "git log -1 '--format=%an <%ae>'", ALICE);
	assert_sh(
	    s.repo, "git show --name-only --format= HEAD", "src/journal.c");
	out = head_trailers(s.repo);
	assert_line(out, "Refs: ADR-0001");
	assert_line(out, "Co-authored-by: " BOB);
	assert_lacks(out, "Co-authored-by: Alice");
	assert_int_equal(strlen(out),
	    strlen("Refs: ADR-0001\n") + strlen("Co-authored-by: " BOB "\n"));
	free(out);
	out = sh(s.repo, "git show HEAD:src/journal.c");
	assert_line(out, "Bjournal 07");
	assert_line(out, "Ajournal 09");
	free(out);
	assert_sh(s.repo, "git status --porcelain -- src doc", "");

	/* Nothing more to commit. */
	h_palette(s.a, "commit", WAIT);
	wait_notice(s.a, "nothing saved since the last commit");
	assert_sh(s.repo, "git rev-parse HEAD", head);

	/* moot why: the Refs of the commit that last changed the line. */
	out = moot(s.repo, "why", "src/journal.c:7", &status);
	assert_int_equal(status, 0);
	assert_line(out, "ADR-0001  accepted  " WAL);
	assert_has(out, "Refs");
	free(out);
	out = moot(s.repo, "why", "src/journal.c:9", &status);
	assert_line(out, "ADR-0001  accepted  " WAL);
	free(out);
	out = moot(s.repo, "why", "src/journal.c:11", &status);
	assert_has(out, "no recorded decision covers src/journal.c:11");
	free(out);
	free(prev);
	free(head);
	h_pass();
}

/* A repository with no commit yet; README.md is staged. */
static char *
repo_unborn(void)
{
	char *dir;

	dir = h_tmpdir("repo");
	h_write_file(dir, "README.md", "unborn\n", 7);
	if (h_run(dir, "git", "-c", "init.defaultBranch=main", "init", "-q",
	        "-b", "main", NULL) != 0 ||
	    h_run(dir, "git", "config", "user.name", "Test", NULL) != 0 ||
	    h_run(dir, "git", "config", "user.email", "test@example.com",
	        NULL) != 0 ||
	    h_run(dir, "git", "add", "README.md", NULL) != 0)
		fail_msg("git failed in %s", dir);
	return dir;
}

/* Accepting in a repository with no commit makes its first commit, of the
 * record alone (what else is staged stays staged). */
static void
test_git_unborn(void **state)
{
	struct sess s;
	char *row, *head, *out;
	int status;

	memset(&s, 0, sizeof s);
	s.repo = repo_unborn();
	start_alice(&s, ALICE, "Alice Liddell", "README.md");
	decide(s.a, WAL, WAL_FILE, "ADR-0001");
	row = conclude(s.a, NULL, "accept", "Alice Liddell", "ADR-0001", WAL);
	head = h_sh(s.repo, "git rev-parse HEAD");
	check_short_id(row, head);
	free(row);

	assert_sh(s.repo, "git rev-list --count HEAD", "1");
	assert_sh(s.repo, "git symbolic-ref HEAD", "refs/heads/main");
	assert_sh(s.repo, "git log -1 --format=%s", "docs(adr): ADR-0001 " WAL);
	assert_sh(s.repo, "git log -1 '--format=%an <%ae>'", ALICE);
	assert_sh(s.repo, "git show --name-only --format= HEAD", WAL_FILE);
	out = head_trailers(s.repo);
	assert_line(out, "Decision-Id: ADR-0001");
	assert_line(out, "Decision-Status: accepted");
	assert_line(out, "Decided-by: " ALICE);
	assert_lacks(out, "Code-Range:");
	free(out);
	assert_sh(s.repo, "git status --porcelain -- " WAL_FILE, "");
	assert_sh(
	    s.repo, "git status --porcelain -- README.md", "A  README.md");
	out = sh_status(s.repo, "git cat-file -e HEAD:README.md", &status);
	assert_int_not_equal(status, 0);
	free(out);
	free(head);
	h_pass();
}

/* Watching the status row for a notice that says "renumbered" (seen) until
 * the accept notice of ADR-0003 shows (it may be that notice). */
struct renum {
	int seen;
};

static int
renumbered_then(struct h_client *c, void *arg)
{
	struct renum *r = arg;
	const char *row = h_row(c, h_status_row(c));

	if (strstr(row, "renumbered") != NULL)
		r->seen = 1;
	return strstr(row, "Alice Liddell accepted ADR-0003") != NULL &&
	       strstr(row, "(commit ") != NULL;
}

/*
 * HEAD moves under a draft: someone commits doc/adr/0002-other.md by hand.
 * accept renumbers the draft to 0003 (file and heading) and commits on the
 * new HEAD.
 */
static void
test_git_head_moved(void **state)
{
	static const char *draft = "doc/adr/0002-use-wal-for-the-journal.md";
	static const char *final = "doc/adr/0003-use-wal-for-the-journal.md";
	static const char other[] = "# 2. Other\n\n- Status: accepted\n";
	struct sess s;
	struct renum renum;
	char *moved, *out, *rec;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("README.md", "demo\n",
	    "doc/adr/0001-keep-a-changelog.md",
	    "# 1. Keep a changelog\n\n- Status: accepted\n"
	    "- Date: 2024-02-01\n",
	    NULL);
	start_alice(&s, ALICE, "Alice Liddell", "README.md");
	decide(s.a, WAL, draft, "ADR-0002");
	assert_false(absent(s.repo, draft));

	/* Behind the session, 0002 is taken. */
	h_write_file(s.repo, "doc/adr/0002-other.md", other, strlen(other));
	out = sh(s.repo, "git add doc/adr/0002-other.md && "
	                 "git commit -q -m 'other decision'");
	free(out);
	moved = h_sh(s.repo, "git rev-parse HEAD");

	h_palette(s.a, "accept", WAIT);
	renum.seen = 0;
	h_wait_pred(s.a, renumbered_then, &renum,
	    "a notice \"Alice Liddell accepted ADR-0003 ... (commit ...)\"",
	    WAIT);
	if (!renum.seen)
		fail_msg("no notice mentioned \"renumbered\"");
	wait_status(s.a, " doc/adr/0003-use-wal-for-the-journal.md");
	h_wait(s.a, "# 3. " WAL, WAIT);
	assert_sh(s.repo, "git log -1 --format=%s", "docs(adr): ADR-0003 " WAL);
	assert_sh(s.repo, "git rev-parse HEAD~1", moved);
	assert_sh(s.repo, "git show --name-only --format= HEAD", final);
	out = head_trailers(s.repo);
	assert_line(out, "Decision-Id: ADR-0003");
	assert_line(
	    out, "Decision-File: doc/adr/0003-use-wal-for-the-journal.md");
	free(out);
	rec = h_read_file(s.repo, final, NULL);
	assert_true(strncmp(rec, "# 3. " WAL "\n", strlen(WAL) + 6) == 0);
	free(rec);
	assert_true(absent(s.repo, draft));
	rec = h_read_file(s.repo, "doc/adr/0002-other.md", NULL);
	assert_string_equal(rec, other);
	free(rec);
	assert_sh(s.repo, "git status --porcelain -- doc", "");
	free(moved);
	h_pass();
}

/* Mid-merge, accept is refused (the draft stays); after git merge --abort
 * it works. */
static void
test_git_mid_merge(void **state)
{
	struct sess s;
	char *out, *base, *row, *head;
	int status;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create(
	    "README.md", "demo\n", "conflict.txt", "one\ntwo\n", NULL);
	out = sh(s.repo, "git checkout -q -b other && "
	                 "printf 'one\\ntwo on other\\n' > conflict.txt && "
	                 "git commit -q -am other && git checkout -q main && "
	                 "printf 'one\\ntwo on main\\n' > conflict.txt && "
	                 "git commit -q -am main");
	free(out);
	base = h_sh(s.repo, "git rev-parse HEAD");
	start_alice(&s, ALICE, "Alice Liddell", "README.md");
	decide(s.a, WAL, WAL_FILE, "ADR-0001");

	out = sh_status(s.repo, "git merge -q other", &status);
	assert_int_not_equal(status, 0);
	free(out);
	assert_false(absent(s.repo, ".git/MERGE_HEAD"));

	h_palette(s.a, "accept", WAIT);
	wait_notice(s.a, "merge");
	assert_sh(s.repo, "git rev-parse HEAD", base);
	assert_false(absent(s.repo, WAL_FILE));
	wait_status(s.a, " " WAL_FILE);
	h_wait(s.a, "# 1. " WAL, WAIT);

	out = sh(s.repo, "git merge --abort");
	free(out);
	assert_true(absent(s.repo, ".git/MERGE_HEAD"));
	row = conclude(s.a, NULL, "accept", "Alice Liddell", "ADR-0001", WAL);
	head = h_sh(s.repo, "git rev-parse HEAD");
	check_short_id(row, head);
	free(row);
	assert_sh(s.repo, "git rev-parse HEAD~1", base);
	assert_sh(s.repo, "git log -1 --format=%P", base);
	assert_sh(s.repo, "git log -1 --format=%s", "docs(adr): ADR-0001 " WAL);
	assert_sh(s.repo, "git show --name-only --format= HEAD", WAL_FILE);
	assert_sh(s.repo, "git status --porcelain -- " WAL_FILE, "");
	free(base);
	free(head);
	h_pass();
}

/* On a detached HEAD, accept commits and HEAD (only HEAD) moves. */
static void
test_git_detached(void **state)
{
	struct sess s;
	char *out, *base, *row, *head;
	int status;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("src/journal.c", journal_c, NULL);
	out = sh(s.repo, "git checkout -q --detach");
	free(out);
	base = h_sh(s.repo, "git rev-parse HEAD");
	start_alice(&s, ALICE, "Alice Liddell", "src/journal.c");
	decide(s.a, WAL, WAL_FILE, "ADR-0001");
	row = conclude(s.a, NULL, "accept", "Alice Liddell", "ADR-0001", WAL);
	head = h_sh(s.repo, "git rev-parse HEAD");
	check_short_id(row, head);
	free(row);

	assert_string_not_equal(head, base);
	assert_sh(s.repo, "git rev-parse HEAD~1", base);
	assert_sh(s.repo, "git rev-parse main", base);
	assert_sh(s.repo, "git log -1 --format=%s", "docs(adr): ADR-0001 " WAL);
	out = sh_status(s.repo, "git symbolic-ref -q HEAD", &status);
	assert_int_not_equal(status, 0);
	free(out);
	assert_sh(s.repo, "git show --name-only --format= HEAD", WAL_FILE);
	assert_sh(s.repo, "git status --porcelain -- " WAL_FILE, "");
	free(base);
	free(head);
	h_pass();
}

/* .git/index.lock held: accept is refused, saying so; without it, works. */
static void
test_git_index_lock(void **state)
{
	struct sess s;
	char *base, *row, *head, *path;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("src/journal.c", journal_c, NULL);
	base = h_sh(s.repo, "git rev-parse HEAD");
	start_alice(&s, ALICE, "Alice Liddell", "src/journal.c");
	decide(s.a, WAL, WAL_FILE, "ADR-0001");
	h_send(s.a, "Kept across the refusal");
	h_wait(s.a, "Kept across the refusal", WAIT);

	h_write_file(s.repo, ".git/index.lock", "", 0);
	h_palette(s.a, "accept", WAIT);
	wait_notice(s.a, "index.lock");
	assert_sh(s.repo, "git rev-parse HEAD", base);
	assert_false(absent(s.repo, WAL_FILE));
	wait_status(s.a, " " WAL_FILE);
	h_wait(s.a, "Kept across the refusal", WAIT);

	xasprintf(&path, "%s/.git/index.lock", s.repo);
	assert_int_equal(unlink(path), 0);
	free(path);
	row = conclude(s.a, NULL, "accept", "Alice Liddell", "ADR-0001", WAL);
	head = h_sh(s.repo, "git rev-parse HEAD");
	check_short_id(row, head);
	free(row);
	assert_sh(s.repo, "git rev-parse HEAD~1", base);
	assert_sh(s.repo, "git show --name-only --format= HEAD", WAL_FILE);
	row = sh(s.repo, "git show HEAD:" WAL_FILE);
	assert_has(row, "Kept across the refusal");
	free(row);
	assert_sh(s.repo, "git status --porcelain -- " WAL_FILE, "");
	free(base);
	free(head);
	h_pass();
}

/* A key whose comment has no email: accept is refused, the draft stays. */
static void
test_git_no_email(void **state)
{
	struct sess s;
	char *base;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("src/journal.c", journal_c, NULL);
	base = h_sh(s.repo, "git rev-parse HEAD");
	start_alice(&s, "Alice", "Alice", "src/journal.c");
	decide(s.a, WAL, WAL_FILE, "ADR-0001");
	h_palette(s.a, "accept", WAIT);
	wait_notice(s.a, "no email");
	assert_sh(s.repo, "git rev-parse HEAD", base);
	assert_false(absent(s.repo, WAL_FILE));
	wait_status(s.a, " " WAL_FILE);
	free(base);
	h_pass();
}

/* Bob follows Alice (document, scroll, cursor) until he moves; `who` says
 * who follows whom. */
static void
test_follow_who(void **state)
{
	struct sess s;
	char *text, *p;
	int i;

	text = xmalloc(100 * 9 + 1);
	for (p = text, i = 1; i <= 100; i++)
		p += sprintf(p, "line %03d\n", i);
	memset(&s, 0, sizeof s);
	s.repo = h_repo_create(
	    "README.md", "readme 1\nreadme 2\n", "long.txt", text, NULL);
	free(text);
	start_two(&s, "README.md");

	h_palette(s.b, "follow ali", WAIT);
	wait_notice(s.b, "following Alice Liddell (any move stops)");

	open_path(s.a, "long.txt");
	wait_status(s.b, " long.txt 1:1");
	h_wait_row(s.b, 0, "line 001", WAIT);
	goto_line(s.a, 30);
	wait_status(s.a, " long.txt 30:1");
	wait_status(s.b, " long.txt 30:1");
	h_wait(s.b, "line 030", WAIT);
	h_wait_pred(s.b, same_text, s.a, "Bob's text rows to be Alice's", WAIT);
	h_wait_row(s.b, h_presence_row(s.b),
	    "Alice Liddell long.txt:30  Bob Stone long.txt:30", WAIT);

	/* who, from Alice. */
	h_palette(s.a, "who", WAIT);
	wait_popup(s.a, "Who is here");
	wait_popup_line(s.a, "Alice Liddell  editor  long.txt:30");
	wait_popup_line(
	    s.a, "Bob Stone  editor  long.txt:30  following Alice Liddell");
	assert_true(
	    row_of(s.a, "Alice Liddell  editor  long.txt:30") <
	    row_of(s.a, "Bob Stone  editor  long.txt:30  following Alice "
	                "Liddell"));
	h_key(s.a, "Escape");
	h_wait_row_lacks(s.a, 0, "Who is here", WAIT);
	wait_status(s.a, " long.txt 30:1");

	/* An arrow of Bob's stops it. */
	h_key(s.b, "Down");
	wait_notice(s.b, "stopped following Alice Liddell");
	wait_status(s.b, " long.txt 31:1");
	goto_line(s.a, 50);
	h_wait_row_has(
	    s.b, h_presence_row(s.b), "Alice Liddell long.txt:50", WAIT);
	wait_status(s.b, " long.txt 31:1");
	h_pass();
}

/* Someone coming back sees what happened while they were away. */
static void
test_since(void **state)
{
	struct sess s;
	char *rows;
	int d, q;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("src/journal.c", journal_c, NULL);
	start_two(&s, "src/journal.c");
	/* A first visit: no pop-up. */
	h_wait_row(s.b, 0, "journal 01", WAIT);

	h_key(s.b, "C-q");
	h_wait_closed(s.b, WAIT);
	h_client_close(s.b);
	s.b = NULL;
	h_wait_row(
	    s.a, h_presence_row(s.a), "Alice Liddell src/journal.c:1", WAIT);

	decide(s.a, WAL, WAL_FILE, "ADR-0001");
	free(conclude(s.a, NULL, "accept", "Alice Liddell", "ADR-0001", WAL));
	open_path(s.a, "src/journal.c");
	h_palette(s.a, "question Do we need a checkpoint?", WAIT);
	wait_notice(s.a, "question noted (1 open)");

	/* Bob comes back: the pop-up comes first. */
	s.b = join(s.port, s.kb, "Bob");
	wait_popup(s.b, "Since your last visit");
	wait_popup_line(s.b, "Decisions:");
	wait_popup_line(s.b, "Alice Liddell accepted ADR-0001: " WAL);
	wait_popup_line(s.b, "Open questions:");
	wait_popup_line(s.b, "- Do we need a checkpoint?");
	d = row_of(s.b, "Decisions:");
	q = row_of(s.b, "Open questions:");
	assert_true(d < row_of(s.b, "Alice Liddell accepted ADR-0001: " WAL));
	assert_true(q < row_of(s.b, "- Do we need a checkpoint?"));
	assert_null(strstr(h_screen(s.b), "Drafts in progress:"));
	assert_null(strstr(h_screen(s.b), "Nothing new."));
	h_key(s.b, "Escape");
	h_wait_row_has(s.b, 0, "journal 01", WAIT);

	/* since shows it again. */
	h_palette(s.b, "since", WAIT);
	wait_popup(s.b, "Since your last visit");
	wait_popup_line(s.b, "Alice Liddell accepted ADR-0001: " WAL);
	wait_popup_line(s.b, "- Do we need a checkpoint?");
	h_key(s.b, "Escape");
	h_wait_row_has(s.b, 0, "journal 01", WAIT);

	/* Alice never left, and the decision is her own: not listed. */
	h_palette(s.a, "since", WAIT);
	wait_popup(s.a, "Since your last visit");
	rows = text_rows(s.a);
	assert_lacks(rows, "accepted ADR-0001");
	assert_lacks(rows, "Decisions:");
	free(rows);
	h_key(s.a, "Escape");
	h_wait_row_has(s.a, 0, "journal 01", WAIT);
	h_pass();
}

/* `why` in the editor: the decisions whose Code-Range covers the cursor's
 * line, carried through unsaved edits. (The decided lines give the text a
 * margin: rows are waited for by what they contain.) */
static void
test_why_in_editor(void **state)
{
	static const char *hit = "ADR-0001 accepted " WAL;
	struct sess s;
	char *base, *rows;

	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("src/journal.c", journal_c, NULL);
	start_alice(&s, ALICE, "Alice Liddell", "src/journal.c");
	base = decide_wal_lines_2_4(&s);
	open_path(s.a, "src/journal.c");

	goto_line(s.a, 3);
	h_palette(s.a, "why", WAIT);
	wait_popup(s.a, "Why src/journal.c:3");
	h_wait_pred(s.a, has_row_squeezed, (void *)hit, hit, WAIT);
	h_key(s.a, "Escape");
	h_wait_row_has(s.a, 0, "journal 01", WAIT);

	goto_line(s.a, 5);
	h_palette(s.a, "why", WAIT);
	wait_popup(s.a, "Why src/journal.c:5");
	wait_popup_line(s.a, "No recorded decision covers this line.");
	rows = text_rows(s.a); /* the notice may still name ADR-0001 */
	assert_lacks(rows, "ADR-0001");
	free(rows);
	h_key(s.a, "Escape");
	h_wait_row_has(s.a, 0, "journal 01", WAIT);

	/* A new first line (unsaved): old line 4 is line 5 now. */
	goto_line(s.a, 1);
	h_key(s.a, "Home");
	h_key(s.a, "Enter");
	h_wait_row_has(s.a, 1, "journal 01", WAIT);
	goto_line(s.a, 5);
	h_wait_row_has(s.a, 4, "journal 04", WAIT);
	h_palette(s.a, "why", WAIT);
	wait_popup(s.a, "Why src/journal.c:5");
	h_wait_pred(s.a, has_row_squeezed, (void *)hit, hit, WAIT);
	h_key(s.a, "Escape");
	h_wait_row_has(s.a, 1, "journal 01", WAIT);
	goto_line(s.a, 2);
	h_palette(s.a, "why", WAIT);
	wait_popup(s.a, "Why src/journal.c:2");
	wait_popup_line(s.a, "No recorded decision covers this line.");
	h_key(s.a, "Escape");
	free(base);
	h_pass();
}

/* Row y of the palette is the command i: "  NAME ARGS", padded to column
 * 24, then its help text. Returns the help text (caller frees), or NULL. */
static char *
palette_row(struct h_client *c, int y, size_t i)
{
	const char *row = h_row(c, y);
	char *want;
	size_t n;

	if (*commands[i][1] != '\0')
		xasprintf(&want, "  %s %s", commands[i][0], commands[i][1]);
	else
		xasprintf(&want, "  %s", commands[i][0]);
	n = strlen(want);
	if (strncmp(row, want, n) != 0 || strlen(row) <= 24 ||
	    strspn(row + n, " ") != 24 - n || row[24] == ' ') {
		free(want);
		return NULL;
	}
	free(want);
	return xstrdup(row + 24);
}

static int
palette_lists(struct h_client *c, void *arg)
{
	const size_t *which = arg;
	char *help;
	size_t k;

	for (k = 0; which[k] != (size_t)-1; k++) {
		if ((help = palette_row(c, 1 + (int)k, which[k])) == NULL)
			return 0;
		free(help);
	}
	/* The row after the list is not a command. */
	return strncmp(h_row(c, 1 + (int)k), "  ", 2) != 0 ||
	       strcmp(h_row(c, 1 + (int)k), "  (no command matches)") == 0;
}

/* Is the cell at column 2 of row y in reverse video? */
static int
reversed(struct h_client *c, int y)
{
	struct h_cell cell;

	h_cell(c, 2, y, &cell);
	return cell.reverse;
}

/* Row y (an intptr_t) is the chosen one, and only it. */
static int
chosen_is(struct h_client *c, void *arg)
{
	int y, want = (int)(intptr_t)arg;

	for (y = 1; y < 6; y++) {
		if (reversed(c, y) != (y == want))
			return 0;
	}
	return 1;
}

/* The palette filters, chooses and runs; `help` lists keys and commands. */
static void
test_palette(void **state)
{
	static const size_t all[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	    13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
	    (size_t)-1};
	static const size_t d[] = {0, 6, 9, 5, (size_t)-1};
	static const size_t fo[] = {10, (size_t)-1};
	struct sess s;
	struct h_cell cell;
	char *help[NCOMMANDS], *text, *p, *want;
	size_t i;
	int found, y, x, column = -1;

	text = xmalloc(60 * 16 + 1);
	for (p = text, i = 1; i <= 60; i++)
		p += sprintf(p, "file line %zu\n", i);
	memset(&s, 0, sizeof s);
	s.repo = h_repo_create("README.md", text, NULL);
	free(text);
	s.ka = h_key_create(s.repo, ALICE);
	s.d = h_daemon_start(s.repo);
	s.port = h_daemon_port(s.d);
	s.a =
	    h_client_connect(s.port, s.ka, "Alice", COLS, 70, "xterm-256color");
	h_wait_row(s.a, h_presence_row(s.a), "Alice Liddell README.md:1", JOIN);

	/* Everything, in table order, the first chosen. */
	h_key(s.a, "C-p");
	h_wait_row(s.a, 0, "Command:", WAIT);
	h_wait_pred(s.a, palette_lists, (void *)all,
	    "every command in table order", WAIT);
	h_cell(s.a, 0, 0, &cell);
	assert_true(cell.bold);
	assert_true(reversed(s.a, 1));
	assert_false(reversed(s.a, 2));
	for (i = 0; i < NCOMMANDS; i++) {
		help[i] = palette_row(s.a, 1 + (int)i, i);
		assert_non_null(help[i]);
	}

	/* "d": names starting with it, then names containing it. */
	h_send(s.a, "d");
	h_wait_row(s.a, 0, "Command: d", WAIT);
	h_wait_pred(s.a, palette_lists, (void *)d,
	    "decide, draft, decisions, supersede", WAIT);
	assert_true(reversed(s.a, 1));
	h_key(s.a, "Down");
	h_key(s.a, "Down");
	h_wait_pred(s.a, chosen_is, (void *)(intptr_t)3,
	    "row 3 (decisions) chosen, in reverse video", WAIT);
	/* Enter runs the chosen one: decisions. */
	h_key(s.a, "Enter");
	wait_popup(s.a, "Decisions");
	h_key(s.a, "Escape");
	h_wait_row(s.a, 0, "file line 1", WAIT);

	/* "fo": follow alone; "zz": nothing; Backspace; Esc. */
	h_key(s.a, "C-p");
	h_wait_row(s.a, 0, "Command:", WAIT);
	h_send(s.a, "fo");
	h_wait_row(s.a, 0, "Command: fo", WAIT);
	h_wait_pred(s.a, palette_lists, (void *)fo, "follow alone", WAIT);
	h_key(s.a, "BSpace");
	h_key(s.a, "BSpace");
	h_send(s.a, "zz");
	h_wait_row(s.a, 0, "Command: zz", WAIT);
	h_wait_row(s.a, 1, "  (no command matches)", WAIT);
	h_key(s.a, "BSpace");
	h_key(s.a, "BSpace");
	h_wait_row(s.a, 0, "Command:", WAIT);
	h_wait_pred(
	    s.a, palette_lists, (void *)all, "every command again", WAIT);
	h_key(s.a, "Escape");
	h_wait_row(s.a, 0, "file line 1", WAIT);
	wait_status(s.a, " README.md 1:1");

	/* help: keys, then every command with its help text. */
	h_palette(s.a, "help", WAIT);
	wait_popup(s.a, "Help");
	h_wait(s.a, "Ctrl-T", WAIT);
	h_wait(s.a, "Ctrl-P", WAIT);
	h_wait(s.a, "Ctrl-D", WAIT);
	for (i = 0; i < NCOMMANDS; i++) {
		xasprintf(&want, "%s%s%s", commands[i][0],
		    *commands[i][1] != '\0' ? " " : "", commands[i][1]);
		found = strstr(h_screen(s.a), want) != NULL &&
		        strstr(h_screen(s.a), help[i]) != NULL;
		if (!found)
			fail_msg("help lacks \"%s\" or its help \"%s\"", want,
			    help[i]);
		/* Every help text starts in one column, with arguments or
		 * without (`link` and `accept` have none). */
		for (y = 0; y < h_rows(s.a); y++) {
			if (h_column_of(s.a, y, want) == -1)
				continue;
			x = h_column_of(s.a, y, help[i]);
			if (x == -1)
				continue;
			if (column == -1)
				column = x;
			else if (x != column) {
				h_dump(s.a);
				fail_msg("help text of \"%s\" in column %d, "
				         "not %d",
				    want, x, column);
			}
			break;
		}
		free(want);
		free(help[i]);
	}
	h_key(s.a, "Escape");
	h_wait_row(s.a, 0, "file line 1", WAIT);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_chat_and_decide_accept, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_chat_persists_and_inert, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_question_and_decisions_open, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_reject, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_supersede, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_draft_kill9, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_decide_outside, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_adr_tools_numbering, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_commit_with_refs, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_git_unborn, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_git_head_moved, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_git_mid_merge, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_git_detached, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_git_index_lock, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_git_no_email, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_follow_who, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_since, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_why_in_editor, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_palette, h_setup, h_teardown),
	};

	/* E2E_FILTER=test_since runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
