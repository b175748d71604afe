/* palette.c: the Ctrl-P command palette, filtered as you type.
 * The first word typed picks commands by name; the rest is their argument. */
#include "moot.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "server.h"

/* Bytes of text typed, never more than the array holds. */
static size_t
palette_len(const struct palette *p)
{
	return p->len < sizeof p->text ? p->len : sizeof p->text - 1;
}

/* Length of the first word of the text: up to the first space. */
static size_t
palette_word(const struct palette *p)
{
	size_t n = 0, len = palette_len(p);

	while (n < len && p->text[n] != '\0' && p->text[n] != ' ')
		n++;
	return n;
}

/*
 * Where the word (len bytes, compared without regard to ASCII case) first
 * occurs in name: 0 for a prefix, more for elsewhere, -1 for nowhere.
 */
static int
palette_find(const char *name, const char *word, size_t len)
{
	size_t i, j, n = strlen(name);

	if (len > n)
		return -1;
	for (i = 0; i + len <= n; i++) {
		for (j = 0; j < len; j++) {
			if (tolower((unsigned char)name[i + j]) !=
			    tolower((unsigned char)word[j]))
				break;
		}
		if (j == len)
			return (int)i;
	}
	return -1;
}

/* Add one table index to the matches while there is room. */
static void
palette_add(struct palette *p, size_t idx)
{
	size_t max = sizeof p->match / sizeof p->match[0];

	if (p->nmatch < max)
		p->match[p->nmatch++] = idx;
}

/*
 * The commands matching the first word: those whose name starts with it
 * (table order), then those containing it elsewhere (table order). An
 * empty word matches every command. The selection and the first row shown
 * are kept within the new list.
 */
void
palette_filter(struct palette *p, const struct cmd_entry *table, size_t n)
{
	size_t i, len;
	int at;

	if (p->len >= sizeof p->text)
		p->len = sizeof p->text - 1;
	p->text[p->len] = '\0';
	len = palette_word(p);

	p->nmatch = 0;
	for (i = 0; i < n; i++) {
		if (palette_find(table[i].name, p->text, len) == 0)
			palette_add(p, i);
	}
	for (i = 0; i < n; i++) {
		at = palette_find(table[i].name, p->text, len);
		if (at > 0)
			palette_add(p, i);
	}

	if (p->nmatch == 0)
		p->sel = 0;
	else if (p->sel >= p->nmatch)
		p->sel = p->nmatch - 1;
	if (p->top > p->sel)
		p->top = p->sel;
}

/* Start afresh: no text, every command listed, the first one chosen. */
void
palette_open(struct palette *p, const struct cmd_entry *table, size_t n)
{
	memset(p, 0, sizeof *p);
	palette_filter(p, table, n);
}

/* Append typed UTF-8 (ignored when it does not fit) and filter again;
 * the first match is chosen. */
void
palette_type(struct palette *p, const struct cmd_entry *table, size_t n,
    const char *s, size_t len)
{
	if (len == 0 || p->len + len > sizeof p->text - 1)
		return;
	memcpy(p->text + p->len, s, len);
	p->len += len;
	p->text[p->len] = '\0';
	p->sel = 0;
	p->top = 0;
	palette_filter(p, table, n);
}

/* Remove the last UTF-8 character and filter again; the first match is
 * chosen. */
void
palette_backspace(struct palette *p, const struct cmd_entry *table, size_t n)
{
	if (p->len == 0)
		return;
	do
		p->len--;
	while (p->len > 0 && ((unsigned char)p->text[p->len] & 0xc0) == 0x80);
	p->text[p->len] = '\0';
	p->sel = 0;
	p->top = 0;
	palette_filter(p, table, n);
}

/*
 * Move the selection by delta, clamped to the list. The overlay is height
 * rows: row 0 is the typed text, so height - 1 entries show; top follows
 * the selection so it stays among them.
 */
void
palette_move(struct palette *p, int delta, unsigned height)
{
	size_t shown = height > 1 ? height - 1 : 1, step, last;

	if (p->nmatch == 0) {
		p->sel = p->top = 0;
		return;
	}
	last = p->nmatch - 1;
	if (p->sel > last)
		p->sel = last;
	if (delta < 0) {
		step = (size_t)(-(long)delta);
		p->sel = step > p->sel ? 0 : p->sel - step;
	} else {
		step = (size_t)delta;
		p->sel = step > last - p->sel ? last : p->sel + step;
	}

	if (p->sel < p->top)
		p->top = p->sel;
	else if (p->sel >= p->top + shown)
		p->top = p->sel - shown + 1;
}

/*
 * The command Enter runs: the one whose name is the first word (ignoring
 * ASCII case, as matching does), else the chosen match; NULL when nothing
 * matches. *arg (when arg is not NULL) is the text after the first word
 * with its leading spaces skipped, "" when there is none.
 */
const struct cmd_entry *
palette_chosen(const struct palette *p, const struct cmd_entry *table, size_t n,
    const char **arg)
{
	size_t len = palette_word(p), rest = len, i;

	if (arg != NULL) {
		while (rest < palette_len(p) && p->text[rest] == ' ')
			rest++;
		*arg = p->text + rest;
	}
	if (len > 0) {
		for (i = 0; i < n; i++) {
			if (strlen(table[i].name) == len &&
			    strncasecmp(table[i].name, p->text, len) == 0)
				return &table[i];
		}
	}
	if (p->nmatch == 0 || p->sel >= p->nmatch || p->match[p->sel] >= n)
		return NULL;
	return &table[p->match[p->sel]];
}
