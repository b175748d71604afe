/* popup.c: pop-ups, lines of text shown over the text area (help, who...).
 * Built line by line by the commands; scrolled, or lines chosen, by keys. */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "server.h"

/* Forget everything, then start an empty pop-up called title (with an id
 * no other pop-up has had). */
void
popup_open(struct popup *p, const char *title)
{
	static unsigned next;

	popup_free(p);
	if (++next == 0)
		next = 1;
	p->id = next;
	p->title = xstrdup(title);
}

/* Append one line of text. */
static void
popup_line(struct popup *p, const char *s, size_t len)
{
	p->lines = xreallocarray(p->lines, p->nlines + 1, sizeof *p->lines);
	p->acts = xreallocarray(p->acts, p->nlines + 1, sizeof *p->acts);
	p->acts[p->nlines].fn = NULL;
	p->acts[p->nlines].arg = NULL;
	p->lines[p->nlines++] = xstrndup(s, len);
}

/*
 * Add lines: the formatted text is cut at each newline, one line per
 * piece. A newline at the very end only ends the last line ("a\n" is one
 * line); an empty text is one empty line.
 */
void
popup_add(struct popup *p, const char *fmt, ...)
{
	va_list ap;
	char *text, *s, *nl;

	va_start(ap, fmt);
	xvasprintf(&text, fmt, ap);
	va_end(ap);

	s = text;
	while ((nl = strchr(s, '\n')) != NULL) {
		popup_line(p, s, nl - s);
		s = nl + 1;
	}
	if (*s != '\0' || s == text)
		popup_line(p, s, strlen(s));
	free(text);
}

/* Enter on the last line added runs fn(client, arg). The first line with
 * an action is selected. */
void
popup_act(struct popup *p, popup_cb fn, const char *arg)
{
	struct popup_act *a;

	if (p->nlines == 0)
		return;
	a = &p->acts[p->nlines - 1];
	if (a->fn == NULL && p->nacts++ == 0)
		p->sel = p->nlines - 1;
	free(a->arg);
	a->fn = fn;
	a->arg = xstrdup(arg);
}

void
popup_free(struct popup *p)
{
	size_t i;

	for (i = 0; i < p->nlines; i++) {
		free(p->lines[i]);
		free(p->acts[i].arg);
	}
	free(p->lines);
	free(p->acts);
	free(p->title);
	memset(p, 0, sizeof *p);
}

/* How many lines show in a pop-up of height rows: a title row, the lines
 * and a footer row (at least one line). */
static size_t
popup_page(unsigned height)
{
	return height > 2 ? height - 2 : 1;
}

/* Select a line (the nearest with an action, looking down first, then up)
 * and scroll so that it shows; from the first such line, the top. */
void
popup_select(struct popup *p, size_t line, unsigned height)
{
	size_t page = popup_page(height), i;

	if (p->nacts == 0)
		return;
	if (line >= p->nlines)
		line = p->nlines - 1;
	for (i = line; i < p->nlines && p->acts[i].fn == NULL; i++)
		;
	if (i == p->nlines) {
		for (i = line; i > 0 && p->acts[i].fn == NULL; i--)
			;
	}
	p->sel = i;
	for (i = 0; i < p->sel && p->acts[i].fn == NULL; i++)
		;
	if (i == p->sel)
		p->top = 0; /* the first: the headings above it show too */
	else if (p->sel < p->top)
		p->top = p->sel;
	else if (p->sel >= p->top + page)
		p->top = p->sel - page + 1;
}

/* The next line with an action from the selection, by step (+1 or -1);
 * the selection itself at either end. */
static size_t
popup_next(const struct popup *p, int step)
{
	size_t i = p->sel;

	for (;;) {
		if ((step < 0 && i == 0) || (step > 0 && i + 1 >= p->nlines))
			return p->sel;
		i += step;
		if (p->acts[i].fn != NULL)
			return i;
	}
}

/*
 * A key in a pop-up of height rows. Esc closes it. With lines that have
 * actions, Up and Down move among them, PgUp, PgDn, Home and End by pages
 * and to either end, and Enter opens the selected one. Without, those keys
 * scroll a pop-up longer than its rows. Any other key (also those keys
 * where they have nothing to do) is no use to it: POPUP_PASS, so that the
 * caller closes it and the key does what it would have done.
 */
enum popup_result
popup_key(struct popup *p, const struct key_event *k, unsigned height)
{
	size_t page = popup_page(height), last;

	if (k->code == KEYC_ESC)
		return POPUP_CLOSE;
	if (p->nacts > 0) {
		switch (k->code) {
		case KEYC_ENTER:
			return POPUP_OPEN;
		case KEYC_UP:
			popup_select(p, popup_next(p, -1), height);
			return POPUP_KEPT;
		case KEYC_DOWN:
			popup_select(p, popup_next(p, 1), height);
			return POPUP_KEPT;
		case KEYC_PGUP:
			popup_select(
			    p, p->sel > page ? p->sel - page : 0, height);
			return POPUP_KEPT;
		case KEYC_PGDN:
			popup_select(p, p->sel + page, height);
			return POPUP_KEPT;
		case KEYC_HOME:
			popup_select(p, 0, height);
			return POPUP_KEPT;
		case KEYC_END:
			popup_select(p, p->nlines - 1, height);
			return POPUP_KEPT;
		default:
			return POPUP_PASS;
		}
	}

	if (p->nlines <= page)
		return POPUP_PASS; /* nothing to scroll */
	last = p->nlines - page;
	if (p->top > last)
		p->top = last;
	switch (k->code) {
	case KEYC_UP:
		if (p->top > 0)
			p->top--;
		break;
	case KEYC_DOWN:
		if (p->top < last)
			p->top++;
		break;
	case KEYC_PGUP:
		p->top = p->top > page ? p->top - page : 0;
		break;
	case KEYC_PGDN:
		p->top = last - p->top > page ? p->top + page : last;
		break;
	case KEYC_HOME:
		p->top = 0;
		break;
	case KEYC_END:
		p->top = last;
		break;
	default:
		return POPUP_PASS;
	}
	return POPUP_KEPT;
}
