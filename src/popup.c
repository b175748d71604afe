/* popup.c: pop-ups, lines of text shown over the text area (help, who...).
 * Built line by line by the commands; scrolled with the arrows and pages. */
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

void
popup_free(struct popup *p)
{
	size_t i;

	for (i = 0; i < p->nlines; i++)
		free(p->lines[i]);
	free(p->lines);
	free(p->title);
	memset(p, 0, sizeof *p);
}

/*
 * Scroll with a key. The pop-up is height rows: a title row, the lines,
 * and a footer row, so height - 2 lines show (at least one). Up and Down
 * move one line, PgUp and PgDn a page, Home and End to either end; the top
 * never goes past the last full page. Returns 1 when the key is one of
 * these (even if nothing moved), 0 for any other key.
 */
int
popup_scroll(struct popup *p, const struct key_event *k, unsigned height)
{
	size_t page = height > 2 ? height - 2 : 1, last;

	last = p->nlines > page ? p->nlines - page : 0;
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
		return 0;
	}
	return 1;
}
