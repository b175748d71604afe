/* prompt.c: the one-line prompts on the status row: find and go to line.
 * While one is open every key comes here; the text area follows live. */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "keys.h"
#include "server.h"
#include "utf8.h"

/*
 * Find (Ctrl-F):
 *
 *	a printable character	appended to the text (UTF-8, at most
 *				sizeof text - 1 bytes; more is ignored), then
 *				the first match at or after the cursor the
 *				prompt opened at, wrapping to the start;
 *	Backspace		removes the last code point and searches again
 *				from there (empty text: back where it started);
 *	Enter, Down, Ctrl-F	the next match after the current one (wraps);
 *				with empty text they first fill in the last
 *				text searched for, if any, and search it;
 *	Up			the previous match (wraps);
 *	Esc			closes, with the cursor and the scroll back
 *				where they were and nothing selected;
 *	Left, Right, Home, End,
 *	PgUp, PgDn, any other
 *	Ctrl key (also with Shift)
 *				closes, keeping the match selected and the
 *				cursor at its end; the key does nothing else;
 *	anything else		ignored (Tab, Delete, function keys, ...).
 *
 * A match is selected for everyone to see: the anchor at its start, the
 * cursor at its end. No match: the cursor goes back to where the prompt
 * opened, nothing is selected and found is 0. Matches are exact bytes and
 * may overlap: next steps one byte on from the current match, as the
 * match count on the status row (render.c) assumes. Closing with text
 * keeps it in find_last for the next Ctrl-F.
 *
 * Go to line (Ctrl-G): digits are appended (anything else is ignored),
 * Backspace removes one, Enter jumps to the start of that line (1-based,
 * clamped to the last line; 0 or nothing moves nothing), clears the
 * selection and closes; Esc closes without moving.
 *
 * A match or line off screen is brought to the middle of the text area
 * (render_text_height rows, c->cols columns); one already on screen does not
 * scroll it. The origin is not shifted by other people's edits while the
 * prompt is open; it is only clamped to the text. The caller redraws
 * after each key: nothing here talks to frontends.
 */

/* Rows of text the person sees (less the chat rows, if any). */
static unsigned
prompt_height(const struct client *c)
{
	return render_text_height(server, c);
}

/* Bring the cursor (and start, when both fit) into view. */
static void
prompt_reveal(struct client *c, size_t start)
{
	struct view *v = c->view;
	unsigned height = prompt_height(c);
	size_t line = view_line(v), cursor = v->cursor;

	if (height == 0 || render_text_width(server, c) == 0)
		return;
	if (line < v->top || line >= v->top + height)
		v->top = line > height / 2 ? line - height / 2 : 0;
	v->cursor = start;
	view_scroll_to_cursor(v, render_text_width(server, c), height);
	v->cursor = cursor;
	view_scroll_to_cursor(v, render_text_width(server, c), height);
}

/* Everything back as it was when the prompt opened, nothing selected. */
static void
prompt_restore(struct client *c)
{
	struct view *v = c->view;
	const struct buffer *b = v->doc->buf;
	size_t len = buffer_length(b), lines = buffer_lines(b);
	struct prompt *p = &c->prompt;

	v->cursor = p->origin <= len ? p->origin : len;
	v->top = p->origin_top < lines ? p->origin_top : lines - 1;
	v->goal = view_col(v);
	view_select_clear(v);
	view_scroll_to_cursor(
	    v, render_text_width(server, c), prompt_height(c));
}

static void
prompt_open(struct client *c, const struct overlay *o)
{
	struct prompt *p = &c->prompt;

	overlay_open(c, o);
	memset(p->text, 0, sizeof p->text);
	p->len = 0;
	p->origin = c->view->cursor;
	p->origin_top = c->view->top;
	p->found = -1;
}

void
prompt_find(struct client *c)
{
	prompt_open(c, &overlay_find);
}

void
prompt_goto(struct client *c)
{
	prompt_open(c, &overlay_goto);
}

/* Back to editing (find keeps its text, prompt_find_close). */
static void
prompt_close(struct client *c)
{
	overlay_close(c);
}

/* The find overlay closes: its text is kept for the next time. */
void
prompt_find_close(struct client *c)
{
	struct prompt *p = &c->prompt;

	if (p->len > 0) {
		free(c->find_last);
		c->find_last = xstrdup(p->text);
	}
}

/* Select the match of the text nearest from (forward: at or after it;
 * backward: strictly before it), wrapping around the document. */
static void
prompt_search(struct client *c, size_t from, int backward)
{
	struct view *v = c->view;
	struct prompt *p = &c->prompt;
	const struct buffer *b = v->doc->buf;
	size_t len = buffer_length(b), m;

	if (p->len == 0) {
		prompt_restore(c);
		p->found = -1;
		return;
	}
	if (from > len)
		from = len;
	m = buffer_search(b, from, p->text, p->len, backward);
	if (m == BUFFER_NONE)
		m = buffer_search(
		    b, backward ? len : 0, p->text, p->len, backward);
	if (m == BUFFER_NONE || m > len || p->len > len - m) {
		prompt_restore(c);
		p->found = 0;
		return;
	}
	v->selecting = 1;
	v->anchor = m;
	v->cursor = m + p->len;
	v->goal = view_col(v);
	p->found = 1;
	prompt_reveal(c, m);
}

/* Where the current match starts (the cursor if there is none). */
static size_t
prompt_current(const struct client *c)
{
	size_t from, to;

	if (view_selection(c->view, &from, &to))
		return from;
	return c->view->cursor;
}

/* Enter, Down, Ctrl-F: the next match, after filling in the last text. */
static void
prompt_next(struct client *c, int refill)
{
	struct prompt *p = &c->prompt;
	size_t n;

	if (p->len == 0) {
		if (!refill || c->find_last == NULL || *c->find_last == '\0')
			return;
		n = strlen(c->find_last);
		if (n > sizeof p->text - 1) {
			/* Cut at a code point boundary. */
			n = sizeof p->text - 1;
			while (n > 0 &&
			       ((unsigned char)c->find_last[n] & 0xc0) == 0x80)
				n--;
		}
		memcpy(p->text, c->find_last, n);
		p->text[n] = '\0';
		p->len = n;
		prompt_search(c, p->origin, 0);
		return;
	}
	if (p->found == 1)
		prompt_search(c, prompt_current(c) + 1, 0);
	else
		prompt_search(c, p->origin, 0);
}

static void
prompt_previous(struct client *c)
{
	struct prompt *p = &c->prompt;

	if (p->len == 0)
		return;
	if (p->found == 1)
		prompt_search(c, prompt_current(c), 1);
	else
		prompt_search(c, p->origin, 1);
}

/* Append a typed character; 0 if it is not text or does not fit. */
static int
prompt_append(struct prompt *p, uint32_t cp)
{
	char utf8[4];
	size_t n;

	if (cp < 0x20 || cp == 0x7f)
		return 0;
	if ((n = utf8_encode(cp, utf8)) == 0)
		return 0;
	if (p->len + n > sizeof p->text - 1)
		return 0;
	memcpy(p->text + p->len, utf8, n);
	p->len += n;
	p->text[p->len] = '\0';
	return 1;
}

/* Remove the last code point; 0 if there was nothing. */
static int
prompt_backspace(struct prompt *p)
{
	if (p->len == 0)
		return 0;
	while (p->len > 0) {
		p->len--;
		if (((unsigned char)p->text[p->len] & 0xc0) != 0x80)
			break;
	}
	p->text[p->len] = '\0';
	return 1;
}

void
prompt_find_key(struct client *c, const struct key_event *k)
{
	struct prompt *p = &c->prompt;

	switch (k->code) {
	case KEYC_CHAR:
		if (prompt_append(p, k->cp))
			prompt_search(c, p->origin, 0);
		break;
	case KEYC_BACKSPACE:
		if (prompt_backspace(p))
			prompt_search(c, p->origin, 0);
		break;
	case KEYC_ENTER:
	case KEYC_DOWN:
		prompt_next(c, k->code == KEYC_ENTER);
		break;
	case KEYC_UP:
		prompt_previous(c);
		break;
	case KEYC_ESC:
		prompt_restore(c);
		prompt_close(c);
		break;
	case KEYC_CTRL:
		if (k->cp == 'f')
			prompt_next(c, 1);
		else
			prompt_close(c);
		break;
	case KEYC_LEFT:
	case KEYC_RIGHT:
	case KEYC_HOME:
	case KEYC_END:
	case KEYC_PGUP:
	case KEYC_PGDN:
		/* Leave the search with the match selected. */
		prompt_close(c);
		break;
	default:
		server_client_hint(c);
		break;
	}
}

/* The typed line number (1-based), saturating; 0 for none. */
static size_t
prompt_number(const struct prompt *p)
{
	size_t n = 0, i, d;

	for (i = 0; i < p->len; i++) {
		d = p->text[i] - '0';
		if (n > ((size_t)-1 - d) / 10)
			return (size_t)-1;
		n = n * 10 + d;
	}
	return n;
}

void
prompt_goto_key(struct client *c, const struct key_event *k)
{
	struct prompt *p = &c->prompt;
	struct view *v = c->view;
	size_t n;

	switch (k->code) {
	case KEYC_CHAR:
		if (k->cp >= '0' && k->cp <= '9')
			prompt_append(p, k->cp);
		else
			server_client_hint(c);
		break;
	case KEYC_BACKSPACE:
		prompt_backspace(p);
		break;
	case KEYC_ENTER:
		if ((n = prompt_number(p)) > 0) {
			view_goto_line(v, n - 1);
			view_select_clear(v);
			prompt_reveal(c, v->cursor);
		}
		prompt_close(c);
		break;
	case KEYC_ESC:
		prompt_close(c);
		break;
	default:
		server_client_hint(c);
		break;
	}
}
