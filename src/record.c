/* record.c: decision records (ADRs) as Markdown text.
 * Pure functions over strings: reading, drafting, editing, commit text. */
#include "moot.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inert.h"
#include "record.h"

#define NOTFOUND SIZE_MAX /* no such line */
#define MAXDIGITS 9       /* most digits read as a number */

/* Growing output text, always NUL-terminated once anything was added. */
struct sbuf {
	char *p;
	size_t len;
	size_t cap;
};

/* One line of a text. */
struct line {
	size_t off;  /* first byte */
	size_t len;  /* bytes before the line end ("\n" or "\r\n") */
	size_t next; /* first byte of the next line */
	int eol;     /* ends in a newline */
	int level;   /* heading level (1 to 6), 0 when not a heading */
	int fm;      /* part of the YAML front matter (markers too) */
	int comment; /* begins inside an HTML comment */
	int fence;   /* inside a code fence (the fence lines too) */
};

/* A text cut into lines, with what each line is. */
struct doc {
	const char *text;
	size_t size;
	struct line *lines;
	size_t n;
	size_t body;     /* first line after the front matter */
	size_t fm_first; /* front matter lines [fm_first, fm_last) */
	size_t fm_last;
	const char *eol; /* "\n", or "\r\n" when the text uses it */
};

/* A change to a text: del bytes at off replaced by ins. */
struct edit {
	size_t off;
	size_t del;
	char *ins;
};

struct edits {
	struct edit *e;
	size_t n;
};

/* Section names (lower case), as headings of level 2 or more. */
static const char *const names_status[] = {"status", NULL};
static const char *const names_questions[] = {
    "open questions", "open question", NULL};
static const char *const names_more[] = {"more information", NULL};
static const char *const names_outcome[] = {
    "decision outcome", "decision", NULL};
static const char *const names_context[] = {
    "context", "context and problem statement", NULL};
static const char *const names_options[] = {"considered options", NULL};

/* ASCII character classes (bytes of other text are never letters). */
static int
ch_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

static int
ch_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
ch_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
ch_alnum(int c)
{
	return ch_alpha(c) || ch_digit(c);
}

static int
ch_lower(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 'a';
	return c;
}

static int
ch_control(int c)
{
	return (c >= 0 && c < 0x20) || c == 0x7f;
}

static void
sb_add(struct sbuf *sb, const void *s, size_t n)
{
	size_t need;

	if (n > SIZE_MAX - sb->len - 1)
		fatalx("record: text too long");
	need = sb->len + n + 1;
	if (need > sb->cap) {
		if (sb->cap == 0)
			sb->cap = 128;
		while (sb->cap < need) {
			if (sb->cap > SIZE_MAX / 2) {
				sb->cap = need;
				break;
			}
			sb->cap *= 2;
		}
		sb->p = xrealloc(sb->p, sb->cap);
	}
	if (n != 0)
		memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

static void
sb_str(struct sbuf *sb, const char *s)
{
	if (s != NULL)
		sb_add(sb, s, strlen(s));
}

static void
sb_uint(struct sbuf *sb, unsigned long u)
{
	char tmp[32];

	snprintf(tmp, sizeof tmp, "%lu", u);
	sb_str(sb, tmp);
}

/* The text so far (never NULL); *len set when len is not NULL. */
static char *
sb_done(struct sbuf *sb, size_t *len)
{
	sb_add(sb, "", 0);
	if (len != NULL)
		*len = sb->len;
	return sb->p;
}

/* Add "\n"-separated text with each "\n" written as eol. */
static void
sb_lines(struct sbuf *sb, const char *s, const char *eol)
{
	const char *nl;

	while ((nl = strchr(s, '\n')) != NULL) {
		sb_add(sb, s, nl - s);
		sb_str(sb, eol);
		s = nl + 1;
	}
	sb_str(sb, s);
}

/*
 * A copy of s made inert as one line (inert.h): controls shown as ^X, a
 * line break as a space, C1 controls, bidi and other invisible code
 * points as <U+XXXX>, invalid bytes as \xNN. Trimmed if asked. Caller
 * frees.
 */
static char *
clean(const char *s, int trim)
{
	char *c = inert_line(s);
	size_t len = strlen(c), start;

	if (trim) {
		while (len > 0 && c[len - 1] == ' ')
			c[--len] = '\0';
		for (start = 0; c[start] == ' '; start++)
			/* nothing */;
		memmove(c, c + start, len - start + 1);
	}
	return c;
}

/*
 * Add s as inserted text: made inert (clean), and "<!--" written as
 * "<\!--" so that nothing typed can open an HTML comment that would hide
 * the rest of the record.
 */
static void
sb_text(struct sbuf *sb, const char *s, int trim)
{
	char *c = clean(s, trim);
	const char *p;

	for (p = c; *p != '\0'; p++) {
		if (strncmp(p, "<!--", 4) == 0) {
			sb_str(sb, "<\\!");
			p++;
			continue;
		}
		sb_add(sb, p, 1);
	}
	free(c);
}

/* Does s (n bytes) start with prefix, ignoring ASCII case? */
static int
ci_prefix(const char *s, size_t n, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i] != '\0'; i++) {
		if (i >= n || ch_lower((unsigned char)s[i]) !=
		                  ch_lower((unsigned char)prefix[i]))
			return 0;
	}
	return 1;
}

/* Where needle is in s (n bytes), ignoring ASCII case; NOTFOUND. */
static size_t
ci_find(const char *s, size_t n, const char *needle)
{
	size_t i, k = strlen(needle);

	for (i = 0; k <= n && i <= n - k; i++) {
		if (ci_prefix(s + i, n - i, needle))
			return i;
	}
	return NOTFOUND;
}

/* Are the n bytes at a and b equal, ignoring ASCII case? */
static int
ci_prefix_n(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ch_lower((unsigned char)a[i]) !=
		    ch_lower((unsigned char)b[i]))
			return 0;
	}
	return 1;
}

static int
ci_equal(const char *s, const char *word)
{
	return strlen(s) == strlen(word) && ci_prefix(s, strlen(s), word);
}

/* Leading and trailing white space left out of (*s, *n). */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && ch_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ch_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* Trim a NUL-terminated string in place; returns its new start. */
static char *
trim_str(char *s)
{
	const char *p = s;
	size_t n = strlen(s);

	trim(&p, &n);
	memmove(s, p, n);
	s[n] = '\0';
	return s;
}

/* Read 1 to MAXDIGITS digits at s; 0 when there are none or more. */
static int
digits(const char *s, size_t n, size_t *used, unsigned *out)
{
	size_t i;
	unsigned v = 0;

	for (i = 0; i < n && ch_digit((unsigned char)s[i]); i++) {
		if (i == MAXDIGITS)
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0)
		return 0;
	*used = i;
	*out = v;
	return 1;
}

/* Is s[0..n) a code fence line ("```" or "~~~" after up to 3 spaces)? */
static int
is_fence(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i < 3 && s[i] == ' ')
		i++;
	return n - i >= 3 &&
	       (memcmp(s + i, "```", 3) == 0 || memcmp(s + i, "~~~", 3) == 0);
}

/* The ATX heading level of s[0..n), or 0. */
static int
heading_level(const char *s, size_t n)
{
	size_t i = 0;
	int level = 0;

	while (i < n && i < 3 && s[i] == ' ')
		i++;
	while (i < n && s[i] == '#' && level < 7) {
		level++;
		i++;
	}
	if (level == 0 || level > 6)
		return 0;
	if (i < n && s[i] != ' ' && s[i] != '\t')
		return 0;
	return level;
}

/* The comment state after s[0..n), entered with state in. */
static int
comment_after(const char *s, size_t n, int in)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (in && n - i >= 3 && memcmp(s + i, "-->", 3) == 0) {
			in = 0;
			i += 2;
		} else if (!in && n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			in = 1;
			i += 3;
		}
	}
	return in;
}

/* Line content rid of trailing spaces equal to s? */
static int
line_is(const struct doc *d, size_t i, const char *s)
{
	const char *p = d->text + d->lines[i].off;
	size_t n = d->lines[i].len;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n == strlen(s) && memcmp(p, s, n) == 0;
}

/* Only white space on line i? */
static int
line_blank(const struct doc *d, size_t i)
{
	const char *p = d->text + d->lines[i].off;
	size_t n = d->lines[i].len;

	trim(&p, &n);
	return n == 0;
}

/* Cut text into lines and find the front matter, comments, code fences
 * and headings. */
static void
doc_scan(struct doc *d, const char *text, size_t size)
{
	struct line *l;
	const char *nl;
	size_t off = 0, cap = 0, i, j;
	int in_comment = 0, in_fence = 0;

	memset(d, 0, sizeof *d);
	if (text == NULL)
		size = 0;
	d->text = text == NULL ? "" : text;
	d->size = size;
	d->eol = "\n";
	/* A byte order mark is in no line (and stays where it is). */
	if (size >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		off = 3;

	while (off < size) {
		if (d->n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			d->lines =
			    xreallocarray(d->lines, cap, sizeof *d->lines);
		}
		l = &d->lines[d->n++];
		memset(l, 0, sizeof *l);
		l->off = off;
		nl = memchr(text + off, '\n', size - off);
		if (nl != NULL) {
			l->len = nl - (text + off);
			l->next = (nl - text) + 1;
			l->eol = 1;
		} else {
			l->len = size - off;
			l->next = size;
		}
		if (l->len > 0 && text[off + l->len - 1] == '\r')
			l->len--;
		off = l->next;
	}
	if (d->n != 0 && d->lines[0].eol &&
	    d->text[d->lines[0].off + d->lines[0].len] == '\r')
		d->eol = "\r\n";

	/* YAML front matter: "---" first, up to "---" or "...". */
	if (d->n != 0 && line_is(d, 0, "---")) {
		for (j = 1; j < d->n; j++) {
			if (line_is(d, j, "---") || line_is(d, j, "..."))
				break;
		}
		if (j < d->n) {
			for (i = 0; i <= j; i++)
				d->lines[i].fm = 1;
			d->fm_first = 1;
			d->fm_last = j;
			d->body = j + 1;
		}
	}

	for (i = d->body; i < d->n; i++) {
		l = &d->lines[i];
		l->comment = in_comment;
		if (!in_comment && is_fence(text + l->off, l->len)) {
			in_fence = !in_fence;
			l->fence = 1;
			continue;
		}
		if (in_fence) {
			l->fence = 1;
			continue;
		}
		if (!in_comment)
			l->level = heading_level(text + l->off, l->len);
		in_comment = comment_after(text + l->off, l->len, in_comment);
	}
}

static void
doc_free(struct doc *d)
{
	free(d->lines);
	d->lines = NULL;
	d->n = 0;
}

/* The visible text of line i: HTML comments and control bytes (but tabs)
 * left out; code fence lines kept as they are. Caller frees. */
static char *
line_visible(const struct doc *d, size_t i)
{
	const struct line *l = &d->lines[i];
	const char *s = d->text + l->off;
	struct sbuf sb = {NULL, 0, 0};
	size_t j, n = l->len;
	int in = l->comment;

	sb_add(&sb, "", 0);
	for (j = 0; j < n; j++) {
		if (!l->fence && !l->fm) {
			if (in) {
				if (n - j >= 3 &&
				    memcmp(s + j, "-->", 3) == 0) {
					in = 0;
					j += 2;
				}
				continue;
			}
			if (n - j >= 4 && memcmp(s + j, "<!--", 4) == 0) {
				in = 1;
				j += 3;
				continue;
			}
		}
		if (ch_control((unsigned char)s[j]) && s[j] != '\t')
			continue;
		sb_add(&sb, s + j, 1);
	}
	return sb.p;
}

/* The text of heading line i without the #s, trimmed; lower case if
 * asked, and then without a trailing ':'. Caller frees. */
static char *
heading_text(const struct doc *d, size_t i, int lower)
{
	char *v = line_visible(d, i), *p;
	size_t n;

	p = v;
	while (*p == ' ')
		p++;
	while (*p == '#')
		p++;
	memmove(v, p, strlen(p) + 1);
	trim_str(v);

	/* A closing run of #s, when it follows a space (or is all). */
	n = strlen(v);
	while (n > 0 && v[n - 1] == '#')
		n--;
	if (n == 0 || v[n - 1] == ' ' || v[n - 1] == '\t')
		v[n] = '\0';
	trim_str(v);

	if (lower) {
		for (p = v; *p != '\0'; p++)
			*p = ch_lower((unsigned char)*p);
		n = strlen(v);
		if (n > 0 && v[n - 1] == ':')
			v[n - 1] = '\0';
		trim_str(v);
	}
	return v;
}

/* The first heading (level 2 or more) named one of names; NOTFOUND. */
static size_t
section_find(const struct doc *d, const char *const *names)
{
	size_t i, k;
	char *name;
	int found;

	for (i = d->body; i < d->n; i++) {
		if (d->lines[i].level < 2)
			continue;
		name = heading_text(d, i, 1);
		found = 0;
		for (k = 0; names[k] != NULL; k++) {
			if (strcmp(name, names[k]) == 0)
				found = 1;
		}
		free(name);
		if (found)
			return i;
	}
	return NOTFOUND;
}

/* The line after the section of heading i: the next heading, or n. */
static size_t
section_end(const struct doc *d, size_t i)
{
	for (i++; i < d->n; i++) {
		if (d->lines[i].level != 0)
			break;
	}
	return i;
}

/* The first heading of level 2 or more (the end of the preamble). */
static size_t
preamble_end(const struct doc *d)
{
	size_t i;

	for (i = d->body; i < d->n; i++) {
		if (d->lines[i].level >= 2)
			break;
	}
	return i;
}

/* The first level 1 heading (the title), or NOTFOUND. */
static size_t
title_line(const struct doc *d)
{
	size_t i;

	for (i = d->body; i < d->n; i++) {
		if (d->lines[i].level == 1)
			return i;
	}
	return NOTFOUND;
}

/*
 * A "KEY: value" line, maybe a bullet ("- ", "* ", "+ "), maybe with the
 * key in bold ("**Status:**"). Fills key (lower case, trimmed) and returns
 * the offset of the colon in v, or NOTFOUND when it is no such line.
 * *value is set to the offset of the value (after the colon, any '*'
 * and white space).
 */
static size_t
line_key(const char *v, int *bullet, char *key, size_t keysize, size_t *value)
{
	size_t i = 0, k = 0, colon;

	*bullet = 0;
	while (v[i] == ' ' || v[i] == '\t')
		i++;
	if ((v[i] == '-' || v[i] == '*' || v[i] == '+') &&
	    (v[i + 1] == ' ' || v[i + 1] == '\t')) {
		*bullet = 1;
		i++;
		while (v[i] == ' ' || v[i] == '\t')
			i++;
	}
	for (; v[i] != ':'; i++) {
		if (v[i] == '*')
			continue;
		if (!ch_alnum((unsigned char)v[i]) && v[i] != ' ' &&
		    v[i] != '-' && v[i] != '_')
			return NOTFOUND;
		if (k + 1 >= keysize)
			return NOTFOUND;
		key[k++] = ch_lower((unsigned char)v[i]);
	}
	key[k] = '\0';
	trim_str(key);
	if (*key == '\0')
		return NOTFOUND;
	colon = i;
	for (i++; v[i] == '*' || v[i] == ' ' || v[i] == '\t'; i++)
		/* nothing */;
	*value = i;
	return colon;
}

/* Is v a list item at the top level ("- x", "* x", "+ x")? Sets *text to
 * the item's text. */
static int
item_text(const char *v, const char **text)
{
	size_t i = 0;

	if (v[i] == ' ')
		i++;
	if (v[i] != '-' && v[i] != '*' && v[i] != '+')
		return 0;
	if (v[i + 1] != '\0' && v[i + 1] != ' ' && v[i + 1] != '\t')
		return 0;
	i++;
	while (v[i] == ' ' || v[i] == '\t')
		i++;
	*text = v + i;
	return 1;
}

/* Is line i a top-level list item (outside code fences)? */
static int
line_item(const struct doc *d, size_t i)
{
	const char *text;
	char *v;
	int yes;

	if (d->lines[i].fence || d->lines[i].level != 0)
		return 0;
	v = line_visible(d, i);
	yes = item_text(v, &text);
	free(v);
	return yes;
}

/*
 * The number a reference to a record names: link text "[3. Title]" or
 * "[ADR-0003]", else a link target's file name "0003-title.md", else the
 * first digits. 0 when none.
 */
static unsigned
ref_number(const char *s, size_t n)
{
	const char *open, *close, *base, *end;
	size_t i, used, tn;
	unsigned v;

	open = memchr(s, '[', n);
	if (open != NULL) {
		i = (open - s) + 1;
		while (i < n && s[i] == ' ')
			i++;
		if (ci_prefix(s + i, n - i, "adr")) {
			i += 3;
			if (i < n && (s[i] == '-' || s[i] == ' '))
				i++;
		}
		if (digits(s + i, n - i, &used, &v) &&
		    (i + used == n || !ch_alnum((unsigned char)s[i + used])))
			return v;

		/* The target's file name. */
		close = memchr(open, ']', n - (open - s));
		if (close != NULL && (size_t)(close - s) + 1 < n &&
		    close[1] == '(') {
			/* The target up to ')', then its part after the
			 * last '/', without a '<' that starts it. */
			base = close + 2;
			tn = n - (base - s);
			if ((end = memchr(base, ')', tn)) != NULL)
				tn = end - base;
			for (i = tn; i > 0 && base[i - 1] != '/'; i--)
				/* nothing */;
			base += i;
			tn -= i;
			if (tn > 0 && base[0] == '<') {
				base++;
				tn--;
			}
			if (digits(base, tn, &used, &v))
				return v;
		}
	}

	/* Any digits ("Superseded by ADR-0008", "Supersedes: 3"). */
	for (i = 0; i < n; i++) {
		if (digits(s + i, n - i, &used, &v))
			return v;
		while (i + 1 < n && ch_digit((unsigned char)s[i]) &&
		       ch_digit((unsigned char)s[i + 1]))
			i++;
	}
	return 0;
}

/* Add a number to the record's supersedes list (once). */
static void
add_supersedes(struct record *r, unsigned v)
{
	size_t i;

	if (v == 0)
		return;
	for (i = 0; i < r->nsupersedes; i++) {
		if (r->supersedes[i] == v)
			return;
	}
	r->supersedes = xreallocarray(
	    r->supersedes, r->nsupersedes + 1, sizeof *r->supersedes);
	r->supersedes[r->nsupersedes++] = v;
}

/* Every record a "Supersedes" value names: each link, else any number. */
static void
add_supersedes_refs(struct record *r, const char *s)
{
	const char *p = s, *open, *close;
	size_t n;
	int links = 0;

	while ((open = strchr(p, '[')) != NULL) {
		close = strchr(open, ']');
		if (close == NULL)
			break;
		n = (close - open) + 1;
		if (close[1] == '(') {
			close = strchr(close, ')');
			n = close == NULL ? strlen(open)
			                  : (size_t)(close - open);
		}
		add_supersedes(r, ref_number(open, n));
		links = 1;
		p = open + n;
		if (*p == '\0')
			break;
	}
	if (!links)
		add_supersedes(r, ref_number(s, strlen(s)));
}

/* Does a status line link to another record (not a status word)? */
static int
status_link_line(const char *v)
{
	size_t n = strlen(v);

	return ci_prefix(v, n, "supersedes") || ci_prefix(v, n, "supercedes") ||
	       ci_prefix(v, n, "amends") || ci_prefix(v, n, "amended by");
}

/* Where "superseded by" (or adr-tools' "superceded by") is in s. */
static size_t
superseded_at(const char *s)
{
	size_t n = strlen(s), at;

	if ((at = ci_find(s, n, "superseded by")) != NOTFOUND)
		return at;
	return ci_find(s, n, "superceded by");
}

/* The visible text of line i, trimmed, without a leading bullet marker.
 * Caller frees. */
static char *
line_plain(const struct doc *d, size_t i)
{
	char *v = trim_str(line_visible(d, i));

	if ((v[0] == '-' || v[0] == '*' || v[0] == '+') &&
	    (v[1] == ' ' || v[1] == '\t')) {
		memmove(v, v + 2, strlen(v + 2) + 1);
		trim_str(v);
	}
	return v;
}

/* The line of a Status section [first, end) that says the status: the
 * first with visible text that is not a link; NOTFOUND. */
static size_t
status_line(const struct doc *d, size_t first, size_t end)
{
	size_t i;
	char *v;
	int found;

	for (i = first; i < end; i++) {
		if (d->lines[i].fence)
			continue;
		v = line_plain(d, i);
		found = *v != '\0' && !status_link_line(v);
		free(v);
		if (found)
			return i;
	}
	return NOTFOUND;
}

/* A YAML scalar value: quotes taken off, a " #" comment left out. NULL
 * when empty. Caller frees. */
static char *
yaml_value(const char *s, size_t n)
{
	struct sbuf sb = {NULL, 0, 0};
	size_t i;
	char q;

	trim(&s, &n);
	sb_add(&sb, "", 0);
	if (n > 0 && (s[0] == '"' || s[0] == '\'')) {
		q = s[0];
		for (i = 1; i < n && s[i] != q; i++) {
			if (q == '"' && s[i] == '\\' && i + 1 < n)
				i++;
			if (!ch_control((unsigned char)s[i]))
				sb_add(&sb, s + i, 1);
		}
	} else {
		for (i = 0; i < n; i++) {
			if (s[i] == '#' && i > 0 &&
			    ch_space((unsigned char)s[i - 1]))
				break;
			if (!ch_control((unsigned char)s[i]))
				sb_add(&sb, s + i, 1);
		}
	}
	trim_str(sb.p);
	if (*sb.p == '\0') {
		free(sb.p);
		return NULL;
	}
	return sb.p;
}

/* A top-level YAML "key:" on front matter line i: fills key (lower case)
 * and returns the offset after the colon, or NOTFOUND. */
static size_t
yaml_key(const struct doc *d, size_t i, char *key, size_t keysize)
{
	const char *s = d->text + d->lines[i].off;
	size_t n = d->lines[i].len, k;

	for (k = 0; k < n && s[k] != ':'; k++) {
		if (!ch_alnum((unsigned char)s[k]) && s[k] != '-' &&
		    s[k] != '_')
			return NOTFOUND;
		if (k + 1 >= keysize)
			return NOTFOUND;
		key[k] = ch_lower((unsigned char)s[k]);
	}
	if (k == 0 || k == n)
		return NOTFOUND;
	key[k] = '\0';
	return k + 1;
}

/* The status, date and deciders written in front matter. */
static void
parse_front_matter(
    const struct doc *d, char **status, char **date, char **deciders)
{
	struct sbuf sb;
	const char *s;
	char key[32], *v, *item;
	size_t i, j, at, n;

	for (i = d->fm_first; i < d->fm_last; i++) {
		if ((at = yaml_key(d, i, key, sizeof key)) == NOTFOUND)
			continue;
		s = d->text + d->lines[i].off + at;
		n = d->lines[i].len - at;
		v = yaml_value(s, n);
		if (strcmp(key, "status") == 0 && *status == NULL)
			*status = v;
		else if (strcmp(key, "date") == 0 && *date == NULL)
			*date = v;
		else if (strcmp(key, "deciders") == 0 && *deciders == NULL &&
		         v != NULL)
			*deciders = v;
		else if (strcmp(key, "deciders") == 0 && *deciders == NULL) {
			/* A YAML list on the lines that follow. */
			memset(&sb, 0, sizeof sb);
			for (j = i + 1; j < d->fm_last; j++) {
				s = d->text + d->lines[j].off;
				n = d->lines[j].len;
				trim(&s, &n);
				if (n == 0 || s[0] != '-')
					break;
				item = yaml_value(s + 1, n - 1);
				if (item != NULL) {
					if (sb.len != 0)
						sb_str(&sb, ", ");
					sb_str(&sb, item);
				}
				free(item);
			}
			if (sb.len != 0)
				*deciders = sb.p;
			else
				free(sb.p);
		} else
			free(v);
	}
}

/* Keep *dst (when set) or take v. */
static void
take(char **dst, const char *v)
{
	if (*dst == NULL && v != NULL && *v != '\0')
		*dst = xstrdup(v);
}

/* The title and the number before it ("7. Use WAL"). */
static void
parse_title(const struct doc *d, struct record *r)
{
	size_t i, used;
	unsigned v;
	char *t;

	if ((i = title_line(d)) == NOTFOUND)
		return;
	t = heading_text(d, i, 0);
	if (digits(t, strlen(t), &used, &v) && t[used] == '.' &&
	    (t[used + 1] == '\0' || t[used + 1] == ' ' ||
	        t[used + 1] == '\t')) {
		r->number = v;
		memmove(t, t + used + 1, strlen(t + used + 1) + 1);
		trim_str(t);
	}
	r->title = t;
}

/* End the question being read (if any): keep it unless it is empty. */
static void
question_done(struct record *r, struct sbuf *sb, int *in_item)
{
	char *q;

	if (!*in_item)
		return;
	q = trim_str(sb_done(sb, NULL));
	if (*q != '\0') {
		r->questions = xreallocarray(
		    r->questions, r->nquestions + 1, sizeof *r->questions);
		r->questions[r->nquestions++] = xstrdup(q);
	}
	sb->len = 0;
	sb->p[0] = '\0';
	*in_item = 0;
}

/*
 * The items of the Open Questions section. An item goes on over the lines
 * that follow it up to a blank line, another item or a heading; items
 * with no visible text (placeholders, comments) are left out.
 */
static void
parse_questions(const struct doc *d, struct record *r)
{
	struct sbuf sb = {NULL, 0, 0};
	size_t sec, end, i;
	const char *text;
	char *v;
	int in_item = 0;

	if ((sec = section_find(d, names_questions)) == NOTFOUND)
		return;
	end = section_end(d, sec);
	for (i = sec + 1; i < end; i++) {
		if (d->lines[i].fence || line_blank(d, i)) {
			question_done(r, &sb, &in_item);
			continue;
		}
		v = line_visible(d, i);
		if (item_text(v, &text)) {
			question_done(r, &sb, &in_item);
			sb_str(&sb, text);
			in_item = 1;
		} else if (in_item) {
			sb_str(&sb, " ");
			sb_str(&sb, trim_str(v));
		}
		free(v);
	}
	question_done(r, &sb, &in_item);
	free(sb.p);
}

void
record_parse(struct record *r, const char *text, size_t len)
{
	struct doc d;
	char *b_status = NULL, *b_date = NULL, *b_deciders = NULL;
	char *f_status = NULL, *f_date = NULL, *f_deciders = NULL;
	char *l_status = NULL, *l_date = NULL, *l_deciders = NULL;
	char *s_status = NULL, key[32], *v;
	size_t i, end, sec, colon, value, at;
	unsigned s_superseded = 0;
	int bullet, s_has_superseded = 0;

	memset(r, 0, sizeof *r);
	doc_scan(&d, text, len);

	parse_title(&d, r);
	parse_front_matter(&d, &f_status, &f_date, &f_deciders);

	/* Bullets and "Key: value" lines before the first section. */
	end = preamble_end(&d);
	for (i = d.body; i < end; i++) {
		if (d.lines[i].fence || d.lines[i].level != 0)
			continue;
		v = line_visible(&d, i);
		colon = line_key(v, &bullet, key, sizeof key, &value);
		if (colon != NOTFOUND) {
			trim_str(v + value);
			if (strcmp(key, "status") == 0)
				take(bullet ? &b_status : &l_status, v + value);
			else if (strcmp(key, "date") == 0)
				take(bullet ? &b_date : &l_date, v + value);
			else if (strcmp(key, "deciders") == 0) {
				take(bullet ? &b_deciders : &l_deciders,
				    v + value);
			} else if (strcmp(key, "supersedes") == 0 ||
			           strcmp(key, "supercedes") == 0)
				add_supersedes_refs(r, v + value);
		}
		free(v);
	}

	/* The Status section: its first line, and its links. */
	if ((sec = section_find(&d, names_status)) != NOTFOUND) {
		end = section_end(&d, sec);
		i = status_line(&d, sec + 1, end);
		if (i != NOTFOUND)
			s_status = line_plain(&d, i);
		for (i = sec + 1; i < end; i++) {
			if (d.lines[i].fence)
				continue;
			v = line_plain(&d, i);
			if (ci_prefix(v, strlen(v), "supersedes") ||
			    ci_prefix(v, strlen(v), "supercedes"))
				add_supersedes_refs(r, v + 10);
			else if (!s_has_superseded &&
			         (at = superseded_at(v)) == 0) {
				s_has_superseded = 1;
				s_superseded =
				    ref_number(v + 13, strlen(v + 13));
			}
			free(v);
		}
	}

	/* First found wins: bullet, front matter, line, section. */
	take(&r->status, b_status);
	take(&r->status, f_status);
	take(&r->status, l_status);
	take(&r->status, s_status);
	take(&r->date, b_date);
	take(&r->date, f_date);
	take(&r->date, l_date);
	take(&r->deciders, b_deciders);
	take(&r->deciders, f_deciders);
	take(&r->deciders, l_deciders);

	r->state = record_state_of(r->status);
	if (r->status != NULL && (at = superseded_at(r->status)) != NOTFOUND) {
		r->state = RECORD_SUPERSEDED;
		r->superseded_by = ref_number(
		    r->status + at + 13, strlen(r->status + at + 13));
	}
	if (s_has_superseded) {
		r->state = RECORD_SUPERSEDED;
		if (r->superseded_by == 0)
			r->superseded_by = s_superseded;
	}

	parse_questions(&d, r);

	free(b_status);
	free(b_date);
	free(b_deciders);
	free(f_status);
	free(f_date);
	free(f_deciders);
	free(l_status);
	free(l_date);
	free(l_deciders);
	free(s_status);
	doc_free(&d);
}

void
record_free(struct record *r)
{
	size_t i;

	free(r->title);
	free(r->status);
	free(r->date);
	free(r->deciders);
	free(r->supersedes);
	for (i = 0; i < r->nquestions; i++)
		free(r->questions[i]);
	free(r->questions);
	memset(r, 0, sizeof *r);
}

enum record_state
record_state_of(const char *status)
{
	static const struct {
		const char *word;
		enum record_state state;
	} words[] = {
	    {"proposed", RECORD_PROPOSED},
	    {"proposal", RECORD_PROPOSED},
	    {"draft", RECORD_PROPOSED},
	    {"accepted", RECORD_ACCEPTED},
	    {"approved", RECORD_ACCEPTED},
	    {"adopted", RECORD_ACCEPTED},
	    {"rejected", RECORD_REJECTED},
	    {"declined", RECORD_REJECTED},
	    {"superseded", RECORD_SUPERSEDED},
	    {"superceded", RECORD_SUPERSEDED},
	    {"replaced", RECORD_SUPERSEDED},
	    {"deprecated", RECORD_DEPRECATED},
	    {"obsolete", RECORD_DEPRECATED},
	    {"retired", RECORD_DEPRECATED},
	};
	const char *s, *p;
	char word[16];
	size_t i, n;

	if (status == NULL)
		return RECORD_UNKNOWN;
	for (p = status; ch_space((unsigned char)*p); p++)
		/* nothing */;
	if (*p == '\0')
		return RECORD_UNKNOWN;

	/* The first word of ASCII letters, after any punctuation. */
	for (s = p; *s != '\0' && !ch_alpha((unsigned char)*s); s++) {
		if ((unsigned char)*s >= 0x80)
			return RECORD_OTHER;
	}
	for (n = 0; ch_alpha((unsigned char)s[n]); n++) {
		if (n + 1 >= sizeof word)
			return RECORD_OTHER;
		word[n] = ch_lower((unsigned char)s[n]);
	}
	word[n] = '\0';
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strcmp(word, words[i].word) == 0)
			return words[i].state;
	}
	return RECORD_OTHER;
}

const char *
record_state_name(enum record_state state)
{
	switch (state) {
	case RECORD_PROPOSED:
		return "proposed";
	case RECORD_ACCEPTED:
		return "accepted";
	case RECORD_REJECTED:
		return "rejected";
	case RECORD_SUPERSEDED:
		return "superseded";
	case RECORD_DEPRECATED:
		return "deprecated";
	case RECORD_OTHER:
		return "other";
	case RECORD_UNKNOWN:
		break;
	}
	return "unknown";
}

unsigned
record_file_number(const char *name)
{
	size_t used;
	unsigned v;

	if (name == NULL || !digits(name, strlen(name), &used, &v))
		return 0;
	return v;
}

char *
record_slug(const char *title)
{
	struct sbuf sb = {NULL, 0, 0};
	const char *p;
	char *cut;
	int dash = 0;

	sb_add(&sb, "", 0);
	for (p = title; p != NULL && *p != '\0'; p++) {
		if (!ch_alnum((unsigned char)*p)) {
			dash = 1;
			continue;
		}
		if (dash && sb.len != 0)
			sb_add(&sb, "-", 1);
		dash = 0;
		sb_add(&sb, "", 0);
		sb.p[sb.len++] = ch_lower((unsigned char)*p);
		sb.p[sb.len] = '\0';
		if (sb.len > RECORD_SLUG_MAX)
			break;
	}

	/* Too long: cut at the last word that fits, if there is one. */
	if (sb.len > RECORD_SLUG_MAX) {
		if (sb.p[RECORD_SLUG_MAX] == '-')
			sb.p[RECORD_SLUG_MAX] = '\0';
		else {
			sb.p[RECORD_SLUG_MAX] = '\0';
			if ((cut = strrchr(sb.p, '-')) != NULL)
				*cut = '\0';
		}
		sb.len = strlen(sb.p);
	}
	if (sb.len == 0) {
		free(sb.p);
		return xstrdup("decision");
	}
	return sb.p;
}

char *
record_file_name(unsigned number, const char *title)
{
	char *slug, *name;

	slug = record_slug(title);
	xasprintf(&name, "%04u-%s.md", number, slug);
	free(slug);
	return name;
}

unsigned
record_next_number(char *const *names, size_t n)
{
	unsigned max = 0, v;
	size_t i;

	for (i = 0; names != NULL && i < n; i++) {
		v = record_file_number(names[i]);
		if (v > max)
			max = v;
	}
	return max + 1;
}

/* The directory .adr-dir names, or NULL when it names none we accept. */
static char *
adr_dir_target(const char *contents)
{
	const char *s = contents, *nl;
	size_t n, i;

	if (s == NULL)
		return NULL;
	/* Its first line that says something. */
	for (;;) {
		nl = strchr(s, '\n');
		n = nl == NULL ? strlen(s) : (size_t)(nl - s);
		trim(&s, &n);
		if (n != 0 || nl == NULL)
			break;
		s = nl + 1;
	}
	while (n >= 2 && s[0] == '.' && s[1] == '/') {
		s += 2;
		n -= 2;
		while (n > 0 && s[0] == '/') {
			s++;
			n--;
		}
	}
	while (n > 0 && s[n - 1] == '/')
		n--;
	if (n == 0 || s[0] == '/' || (n == 1 && s[0] == '.'))
		return NULL;
	for (i = 0; i < n; i++) {
		if (ch_control((unsigned char)s[i]) || s[i] == '\\')
			return NULL;
		if (i + 1 < n && s[i] == '.' && s[i + 1] == '.')
			return NULL;
	}
	return xstrndup(s, n);
}

char *
record_dir(const char *adr_dir_contents,
    int (*exists)(const char *dir, void *arg), void *arg)
{
	static const char *const dirs[] = {
	    "doc/adr", "docs/adr", "docs/decisions"};
	char *target;
	size_t i;

	if ((target = adr_dir_target(adr_dir_contents)) != NULL)
		return target;
	for (i = 0; exists != NULL && i < sizeof dirs / sizeof dirs[0]; i++) {
		if (exists(dirs[i], arg))
			return xstrdup(dirs[i]);
	}
	return xstrdup(RECORD_DIR_DEFAULT);
}

/* Add a markdown link "[N. Title](file)" to a record. */
static void
sb_link(struct sbuf *sb, unsigned number, const char *title, const char *file)
{
	struct sbuf esc = {NULL, 0, 0};
	char *t = clean(title, 1), *f, *p;

	sb_str(sb, "[");
	sb_uint(sb, number);
	if (*t != '\0') {
		sb_str(sb, ". ");
		for (p = t; *p != '\0'; p++) {
			if (*p == '[' || *p == ']' || *p == '\\')
				sb_str(&esc, "\\");
			sb_add(&esc, p, 1);
		}
		sb_text(sb, esc.p, 0);
		free(esc.p);
	}
	sb_str(sb, "](");
	if (file != NULL && *file != '\0')
		f = clean(file, 1);
	else
		f = record_file_name(number, t);
	if (strpbrk(f, " ()<>") != NULL) {
		sb_str(sb, "<");
		for (p = f; *p != '\0'; p++) {
			if (*p != '<' && *p != '>')
				sb_add(sb, p, 1);
		}
		sb_str(sb, ">");
	} else
		sb_str(sb, f);
	sb_str(sb, ")");
	free(f);
	free(t);
}

/* Add a code range line ("- `path` lines a–b at 1a2b3c4d5e6f"). */
static void
sb_range(struct sbuf *sb, const struct record_range *rg)
{
	char *path = clean(rg->path, 0), *commit = clean(rg->commit, 1);

	if (strchr(path, '`') != NULL) {
		sb_str(sb, "- `` ");
		sb_text(sb, path, 0);
		sb_str(sb, " ``");
	} else {
		sb_str(sb, "- `");
		sb_text(sb, path, 0);
		sb_str(sb, "`");
	}
	sb_str(sb, " lines ");
	sb_uint(sb, rg->first);
	sb_str(sb, "\xe2\x80\x93"); /* en dash */
	sb_uint(sb, rg->last);
	sb_str(sb, " at ");
	if (*commit == '\0')
		sb_str(sb, "(uncommitted)");
	else {
		if (strlen(commit) > 12)
			commit[12] = '\0';
		sb_text(sb, commit, 0);
	}
	free(commit);
	free(path);
}

/* Add "HH:MM" (UTC) of a time in ms since the epoch. */
static void
sb_time(struct sbuf *sb, int64_t ms)
{
	struct tm tm;
	time_t t;
	int64_t secs;
	char tmp[16];

	secs = ms / 1000;
	if (ms % 1000 < 0)
		secs--;
	t = (time_t)secs;
	if ((int64_t)t != secs || gmtime_r(&t, &tm) == NULL) {
		sb_str(sb, "--:--");
		return;
	}
	snprintf(tmp, sizeof tmp, "%02d:%02d", tm.tm_hour, tm.tm_min);
	sb_str(sb, tmp);
}

/* Add a list of people: names (and "<email>" if asked), ", " between. */
static void
sb_people(struct sbuf *sb, const struct record_person *p, size_t n, int email)
{
	size_t i, before = sb->len;
	char *name, *mail;

	for (i = 0; p != NULL && i < n; i++) {
		name = clean(p[i].name, 1);
		mail = clean(p[i].email, 1);
		if (*name != '\0' || (email && *mail != '\0')) {
			if (sb->len != before)
				sb_str(sb, ", ");
			sb_text(sb, name, 0);
			if (email && *mail != '\0') {
				if (*name != '\0')
					sb_str(sb, " ");
				sb_str(sb, "<");
				sb_text(sb, mail, 0);
				sb_str(sb, ">");
			}
		}
		free(mail);
		free(name);
	}
}

/* Add "KEY:" and, when the value is not empty, " value"; then "\n". */
static void
sb_field(struct sbuf *sb, const char *key, const char *value)
{
	char *v = clean(value, 1);

	sb_str(sb, key);
	if (*v != '\0') {
		sb_str(sb, " ");
		sb_text(sb, v, 0);
	}
	sb_str(sb, "\n");
	free(v);
}

/* One quoted chat message: "> Name (HH:MM): text" and a newline. */
static void
sb_quote(struct sbuf *sb, const struct record_message *m)
{
	char *text;

	sb_str(sb, "> ");
	sb_text(sb, m->name, 1);
	sb_str(sb, " (");
	sb_time(sb, m->time);
	sb_str(sb, "):");
	text = clean(m->text, 1);
	if (*text != '\0') {
		sb_str(sb, " ");
		sb_text(sb, text, 0);
	}
	free(text);
	sb_str(sb, "\n");
}

size_t
record_quoted(const struct record_message *m, size_t n)
{
	struct sbuf sb;
	size_t k, bytes = 0;

	for (k = 0; k < n && k < RECORD_QUOTE_MAX; k++) {
		memset(&sb, 0, sizeof sb);
		sb_quote(&sb, &m[n - 1 - k]);
		bytes += sb.len;
		free(sb.p);
		if (bytes > RECORD_QUOTE_BYTES)
			break;
	}
	return k;
}

char *
record_draft_text(const struct record_draft *rd, size_t *len)
{
	struct sbuf sb = {NULL, 0, 0};
	size_t i, mark, count, quoted;
	char *title, *q;

	title = clean(rd->title, 1);
	sb_str(&sb, "#");
	if (rd->number != 0) {
		sb_str(&sb, " ");
		sb_uint(&sb, rd->number);
		sb_str(&sb, ".");
	}
	if (*title != '\0') {
		sb_str(&sb, " ");
		sb_text(&sb, title, 0);
	}
	sb_str(&sb, "\n\n- Status: proposed\n");
	sb_field(&sb, "- Date:", rd->date);

	sb_str(&sb, "- Deciders:");
	mark = sb.len;
	sb_str(&sb, " ");
	sb_people(&sb, rd->deciders, rd->ndeciders, 0);
	if (sb.len == mark + 1)
		sb.p[--sb.len] = '\0';
	sb_str(&sb, "\n- Participants:");
	mark = sb.len;
	sb_str(&sb, " ");
	sb_people(&sb, rd->participants, rd->nparticipants, 0);
	if (sb.len == mark + 1)
		sb.p[--sb.len] = '\0';
	sb_str(&sb, "\n");
	if (rd->supersedes != 0) {
		sb_str(&sb, "- Supersedes: ");
		sb_link(&sb, rd->supersedes, rd->supersedes_title,
		    rd->supersedes_file);
		sb_str(&sb, "\n");
	}

	sb_str(&sb, "\n## Status\n\nProposed\n"
	            "\n## Context\n\n"
	            "<!-- What is the issue that motivates this decision? -->\n"
	            "\n## Considered Options\n\n"
	            "- <!-- option 1 -->\n"
	            "\n## Decision Outcome\n\n"
	            "Chosen option: <!-- which one, and why -->\n"
	            "\n## Consequences\n\n"
	            "<!-- What becomes easier or harder because of this "
	            "change? -->\n"
	            "\n## Open Questions\n\n");
	count = 0;
	for (i = 0; rd->questions != NULL && i < rd->nquestions; i++) {
		q = clean(rd->questions[i], 1);
		if (*q != '\0') {
			sb_str(&sb, "- ");
			sb_text(&sb, q, 0);
			sb_str(&sb, "\n");
			count++;
		}
		free(q);
	}
	if (count == 0)
		sb_str(&sb, "<!-- none yet -->\n");

	sb_str(&sb, "\n## More Information\n\nParticipants:");
	mark = sb.len;
	sb_str(&sb, " ");
	sb_people(&sb, rd->participants, rd->nparticipants, 1);
	if (sb.len == mark + 1)
		sb_str(&sb, "none");
	sb_str(&sb, "\n\nCode:\n\n");
	for (i = 0; rd->ranges != NULL && i < rd->nranges; i++) {
		sb_range(&sb, &rd->ranges[i]);
		sb_str(&sb, "\n");
	}
	if (rd->ranges == NULL || rd->nranges == 0)
		sb_str(&sb, "- none\n");

	if (rd->messages != NULL && rd->nmessages != 0) {
		sb_str(&sb, "\nDiscussion:\n\n");
		quoted = record_quoted(rd->messages, rd->nmessages);
		if (quoted < rd->nmessages) {
			sb_uint(&sb, rd->nmessages - quoted);
			sb_str(&sb, rd->nmessages - quoted == 1
			                ? " earlier message is"
			                : " earlier messages are");
			sb_str(&sb, " not quoted here: `chat` in the "
			            "session's palette shows them all, and "
			            "the session's journal keeps them "
			            "(.git/moot/journal.db).\n\n");
		}
		for (i = rd->nmessages - quoted; i < rd->nmessages; i++)
			sb_quote(&sb, &rd->messages[i]);
	}
	free(title);
	return sb_done(&sb, len);
}

/* Queue a change (ins is taken). */
static void
edit_add(struct edits *es, size_t off, size_t del, char *ins)
{
	es->e = xreallocarray(es->e, es->n + 1, sizeof *es->e);
	es->e[es->n].off = off;
	es->e[es->n].del = del;
	es->e[es->n].ins = ins;
	es->n++;
}

/*
 * Replace the content of lines first to last (not the last line end) by
 * ins (taken). HTML comments around stay as they were: a comment that
 * ends on the first line keeps its end, and one still open after the last
 * line is opened again.
 */
static void
edit_lines(
    struct edits *es, const struct doc *d, size_t first, size_t last, char *ins)
{
	const struct line *l = &d->lines[first], *e = &d->lines[last];
	const char *s = d->text + l->off;
	size_t start = 0, i;
	char *full;

	if (l->comment && !l->fence) {
		for (i = 0; i + 3 <= l->len; i++) {
			if (memcmp(s + i, "-->", 3) == 0) {
				start = i + 3;
				break;
			}
		}
	}
	if (!e->fence && !e->fm &&
	    comment_after(d->text + e->off, e->len, e->comment)) {
		xasprintf(&full, "%s <!--", ins);
		free(ins);
		ins = full;
	}
	edit_add(es, l->off + start, e->off + e->len - l->off - start, ins);
}

static void
edit_line(struct edits *es, const struct doc *d, size_t i, char *ins)
{
	edit_lines(es, d, i, i, ins);
}

/*
 * Insert block (lines ending in "\n", written with the text's line ends)
 * after line i (NOTFOUND: at the start of the body), with a blank line
 * before it if asked and a blank line after it unless a blank line or the
 * end follows.
 */
static void
edit_after(struct edits *es, const struct doc *d, size_t i, const char *block,
    int blank_before)
{
	struct sbuf sb = {NULL, 0, 0};
	size_t off, next;

	sb_add(&sb, "", 0);
	if (i == NOTFOUND) {
		off = d->n > d->body ? d->lines[d->body].off : d->size;
		if (d->body != 0 && d->n == d->body &&
		    !d->lines[d->body - 1].eol)
			sb_str(&sb, d->eol);
		next = d->body;
	} else {
		off = d->lines[i].next;
		if (!d->lines[i].eol)
			sb_str(&sb, d->eol);
		if (blank_before)
			sb_str(&sb, d->eol);
		next = i + 1;
	}
	sb_lines(&sb, block, d->eol);
	if (next < d->n && !line_blank(d, next))
		sb_str(&sb, d->eol);
	edit_add(es, off, 0, sb.p);
}

/* Insert block before line i (a heading), a blank line before it unless
 * one is there, and a blank line after it. */
static void
edit_before(struct edits *es, const struct doc *d, size_t i, const char *block)
{
	struct sbuf sb = {NULL, 0, 0};

	sb_add(&sb, "", 0);
	if (i > d->body && !line_blank(d, i - 1))
		sb_str(&sb, d->eol);
	sb_lines(&sb, block, d->eol);
	sb_str(&sb, d->eol);
	edit_add(es, d->lines[i].off, 0, sb.p);
}

/* Apply the changes (in order of offset; overlapping ones are dropped)
 * and free them. */
static char *
edits_apply(const struct doc *d, struct edits *es, size_t *outlen)
{
	struct sbuf sb = {NULL, 0, 0};
	struct edit tmp;
	size_t i, j, pos = 0;

	/* Insertion sort: few edits, and equal offsets keep their order. */
	for (i = 1; i < es->n; i++) {
		for (j = i; j > 0 && es->e[j - 1].off > es->e[j].off; j--) {
			tmp = es->e[j];
			es->e[j] = es->e[j - 1];
			es->e[j - 1] = tmp;
		}
	}
	sb_add(&sb, "", 0);
	for (i = 0; i < es->n; i++) {
		if (es->e[i].off >= pos && es->e[i].off <= d->size &&
		    es->e[i].del <= d->size - es->e[i].off) {
			sb_add(&sb, d->text + pos, es->e[i].off - pos);
			sb_str(&sb, es->e[i].ins);
			pos = es->e[i].off + es->e[i].del;
		}
		free(es->e[i].ins);
	}
	sb_add(&sb, d->text + pos, d->size - pos);
	free(es->e);
	es->e = NULL;
	es->n = 0;
	return sb_done(&sb, outlen);
}

/*
 * Replace the value of a "Key: value" line i whose visible text v has its
 * colon at colon: after the colon when the raw line starts the same way,
 * else the whole line.
 */
static void
edit_value(struct edits *es, const struct doc *d, size_t i, const char *v,
    size_t colon, const char *value)
{
	const char *raw = d->text + d->lines[i].off;
	char *ins;

	if (!d->lines[i].comment && d->lines[i].len > colon &&
	    memcmp(raw, v, colon + 1) == 0 &&
	    memchr(raw, '<', d->lines[i].len) == NULL) {
		xasprintf(&ins, " %s", value);
		edit_add(es, d->lines[i].off + colon + 1,
		    d->lines[i].len - colon - 1, ins);
	} else {
		xasprintf(&ins, "%.*s %s", (int)(colon + 1), v, value);
		edit_line(es, d, i, ins);
	}
}

/* A YAML scalar for value: plain when that is safe, else quoted. */
static char *
yaml_quote(const char *value)
{
	struct sbuf sb = {NULL, 0, 0};
	const char *p;
	int plain = *value != '\0';

	for (p = value; *p != '\0'; p++) {
		if (!ch_alnum((unsigned char)*p) && *p != ' ' && *p != '.' &&
		    *p != '_' && *p != '-' && (unsigned char)*p < 0x80)
			plain = 0;
	}
	if (value[0] == '-' || value[0] == ' ')
		plain = 0;
	if (plain)
		return xstrdup(value);
	sb_str(&sb, "\"");
	for (p = value; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			sb_str(&sb, "\\");
		sb_add(&sb, p, 1);
	}
	sb_str(&sb, "\"");
	return sb_done(&sb, NULL);
}

char *
record_set_status(
    const char *text, size_t len, const char *status, size_t *outlen)
{
	struct doc d;
	struct edits es = {NULL, 0};
	struct sbuf sb = {NULL, 0, 0};
	char *value, *section, *yaml, key[32], *v, *block;
	size_t i, end, at, colon, vat, sec, first, last;
	int bullet, found = 0;

	doc_scan(&d, text, len);

	/* The status as written: no control bytes, no comment opening. */
	sb_add(&sb, "", 0);
	sb_text(&sb, status, 1);
	value = sb.p;

	/* In the section: capitalised, and not read as Markdown syntax. */
	memset(&sb, 0, sizeof sb);
	sb_add(&sb, "", 0);
	if (strchr("#-*+>=_~`|<", value[0]) != NULL && value[0] != '\0')
		sb_str(&sb, "\\");
	sb_str(&sb, value);
	if (sb.p[0] >= 'a' && sb.p[0] <= 'z')
		sb.p[0] = sb.p[0] - 'a' + 'A';
	section = sb.p;
	yaml = yaml_quote(value);

	/* Front matter "status:". */
	for (i = d.fm_first; i < d.fm_last; i++) {
		at = yaml_key(&d, i, key, sizeof key);
		if (at == NOTFOUND || strcmp(key, "status") != 0)
			continue;
		xasprintf(&v, " %s", yaml);
		edit_add(&es, d.lines[i].off + at, d.lines[i].len - at, v);
		found = 1;
	}

	/* "- Status:" bullets and "Status:" lines before the sections. */
	end = preamble_end(&d);
	for (i = d.body; i < end; i++) {
		if (d.lines[i].fence || d.lines[i].level != 0)
			continue;
		v = line_visible(&d, i);
		colon = line_key(v, &bullet, key, sizeof key, &vat);
		if (colon != NOTFOUND && strcmp(key, "status") == 0) {
			edit_value(&es, &d, i, v, colon, value);
			found = 1;
		}
		free(v);
	}

	/* The first paragraph of the Status section. */
	if ((sec = section_find(&d, names_status)) != NOTFOUND) {
		end = section_end(&d, sec);
		first = status_line(&d, sec + 1, end);
		if (first != NOTFOUND) {
			for (last = first; last + 1 < end; last++) {
				if (line_blank(&d, last + 1) ||
				    d.lines[last + 1].fence)
					break;
				v = line_plain(&d, last + 1);
				at = status_link_line(v);
				free(v);
				if (at)
					break;
			}
			edit_lines(&es, &d, first, last, xstrdup(section));
		} else {
			xasprintf(&block, "%s\n", section);
			edit_after(&es, &d, sec, block, 1);
			free(block);
		}
		found = 1;
	}

	/* None: a Status section after the title. */
	if (!found) {
		xasprintf(&block, "## Status\n\n%s\n", section);
		i = title_line(&d);
		edit_after(&es, &d, i, block, 1);
		free(block);
	}

	free(yaml);
	free(section);
	free(value);
	v = edits_apply(&d, &es, outlen);
	doc_free(&d);
	return v;
}

/* The last line of the item starting at line i (its continuation lines
 * included), before end. */
static size_t
item_last(const struct doc *d, size_t i, size_t end)
{
	while (i + 1 < end && !line_blank(d, i + 1) && !line_item(d, i + 1) &&
	       d->lines[i + 1].level == 0)
		i++;
	return i;
}

/* The last line in [first, end) that is not blank; NOTFOUND. */
static size_t
last_nonblank(const struct doc *d, size_t first, size_t end)
{
	size_t i, last = NOTFOUND;

	for (i = first; i < end; i++) {
		if (!line_blank(d, i))
			last = i;
	}
	return last;
}

/* Add block at the end of the text, after a blank line. */
static void
edit_end(struct edits *es, const struct doc *d, const char *block)
{
	if (d->n == 0)
		edit_after(es, d, NOTFOUND, block, 0);
	else
		edit_after(es, d, d->n - 1, block, !line_blank(d, d->n - 1));
}

char *
record_add_question(
    const char *text, size_t len, const char *question, size_t *outlen)
{
	struct doc d;
	struct edits es = {NULL, 0};
	struct sbuf sb = {NULL, 0, 0};
	size_t sec, end, i, at, last;
	char *item, *block;

	doc_scan(&d, text, len);
	sb_str(&sb, "- ");
	sb_text(&sb, question, 1);
	item = sb_done(&sb, NULL);

	if ((sec = section_find(&d, names_questions)) != NOTFOUND) {
		end = section_end(&d, sec);
		at = NOTFOUND;
		last = NOTFOUND;
		for (i = sec + 1; i < end; i++) {
			if (at == NOTFOUND && !d.lines[i].fence &&
			    !d.lines[i].comment &&
			    line_is(&d, i, "<!-- none yet -->"))
				at = i;
			if (line_item(&d, i))
				last = item_last(&d, i, end);
		}
		if (at != NOTFOUND)
			edit_line(&es, &d, at, xstrdup(item));
		else {
			xasprintf(&block, "%s\n", item);
			if (last == NOTFOUND)
				last = last_nonblank(&d, sec + 1, end);
			if (last == NOTFOUND)
				edit_after(&es, &d, sec, block, 1);
			else
				edit_after(&es, &d, last, block, 0);
			free(block);
		}
	} else {
		xasprintf(&block, "## Open Questions\n\n%s\n", item);
		if ((sec = section_find(&d, names_more)) != NOTFOUND)
			edit_before(&es, &d, sec, block);
		else
			edit_end(&es, &d, block);
		free(block);
	}
	free(item);
	item = edits_apply(&d, &es, outlen);
	doc_free(&d);
	return item;
}

/* Is line i a code range line ("- `path` lines ...")? */
static int
range_line(const struct doc *d, size_t i)
{
	char *v;
	int yes;

	if (d->lines[i].fence || d->lines[i].level != 0)
		return 0;
	v = trim_str(line_visible(d, i));
	yes = (strncmp(v, "- `", 3) == 0 || strncmp(v, "* `", 3) == 0) &&
	      strstr(v, " lines ") != NULL;
	free(v);
	return yes;
}

char *
record_add_range(
    const char *text, size_t len, const struct record_range *rg, size_t *outlen)
{
	struct doc d;
	struct edits es = {NULL, 0};
	struct sbuf sb = {NULL, 0, 0};
	size_t sec, end, i, none, last, code;
	char *line, *block, *v;

	doc_scan(&d, text, len);
	sb_add(&sb, "", 0);
	if (rg != NULL)
		sb_range(&sb, rg);
	line = sb.p;

	if ((sec = section_find(&d, names_more)) != NOTFOUND) {
		end = section_end(&d, sec);
		none = last = code = NOTFOUND;
		for (i = sec + 1; i < end; i++) {
			if (d.lines[i].fence)
				continue;
			v = trim_str(line_visible(&d, i));
			if (none == NOTFOUND && !d.lines[i].comment &&
			    (line_is(&d, i, "- none") ||
			        line_is(&d, i, "* none")))
				none = i;
			if (code == NOTFOUND && ci_equal(v, "code:"))
				code = i;
			free(v);
			if (range_line(&d, i))
				last = i;
		}
		if (none != NOTFOUND)
			edit_line(&es, &d, none, xstrdup(line));
		else if (last != NOTFOUND) {
			xasprintf(&block, "%s\n", line);
			edit_after(&es, &d, last, block, 0);
			free(block);
		} else if (code != NOTFOUND) {
			xasprintf(&block, "%s\n", line);
			edit_after(&es, &d, code, block, 1);
			free(block);
		} else {
			xasprintf(&block, "Code:\n\n%s\n", line);
			last = last_nonblank(&d, sec + 1, end);
			edit_after(
			    &es, &d, last == NOTFOUND ? sec : last, block, 1);
			free(block);
		}
	} else {
		xasprintf(&block, "## More Information\n\nCode:\n\n%s\n", line);
		edit_end(&es, &d, block);
		free(block);
	}
	free(line);
	line = edits_apply(&d, &es, outlen);
	doc_free(&d);
	return line;
}

/* Add a line of a commit message; one that git would take for the start
 * of a patch ("---" and a space) gets a space in front. */
static void
sb_message_line(struct sbuf *sb, const char *s, size_t n)
{
	if (n >= 3 && memcmp(s, "---", 3) == 0 &&
	    (n == 3 || ch_space((unsigned char)s[3])))
		sb_str(sb, " ");
	sb_add(sb, s, n);
}

char *
record_commit_message(const char *subject, const char *body,
    const struct record_trailer *tr, size_t ntr)
{
	struct sbuf sb = {NULL, 0, 0};
	const char *s, *nl;
	char *text, *key, *value, *k;
	size_t i, n;

	/*
	 * Every part is made inert (inert.h) before it is placed: no C0 or
	 * C1 control, DEL, bidi or other invisible code point, or invalid
	 * UTF-8 ever reaches git, only their visible forms (^[, <U+202E>,
	 * \xff). The subject: one line.
	 */
	text = inert_line(subject);
	trim_str(text);
	sb_add(&sb, "", 0);
	sb_message_line(&sb, text, strlen(text));
	sb_str(&sb, "\n");
	free(text);

	/* The body: its line breaks kept; trimmed. */
	text = inert_body(body);
	s = text;
	n = strlen(s);
	trim(&s, &n);
	if (n != 0) {
		sb_str(&sb, "\n");
		while (n > 0) {
			nl = memchr(s, '\n', n);
			i = nl == NULL ? n : (size_t)(nl - s);
			sb_message_line(&sb, s, i);
			sb_str(&sb, "\n");
			if (nl == NULL)
				break;
			n -= i + 1;
			s = nl + 1;
		}
	}
	free(text);

	/* The trailers, in one block. */
	n = 0;
	for (i = 0; tr != NULL && i < ntr; i++) {
		key = clean(tr[i].key, 1);
		for (k = key; *k != '\0'; k++) {
			if (!ch_alnum((unsigned char)*k) && *k != '-')
				*k = '-';
		}
		if (*key != '\0') {
			if (n++ == 0)
				sb_str(&sb, "\n");
			value = inert_line(tr[i].value);
			trim_str(value);
			sb_str(&sb, key);
			sb_str(&sb, ":");
			if (*value != '\0') {
				sb_str(&sb, " ");
				sb_str(&sb, value);
			}
			sb_str(&sb, "\n");
			free(value);
		}
		free(key);
	}
	return sb_done(&sb, NULL);
}

/* Is this line of a section a placeholder (nothing said yet)? */
static int
placeholder(const char *v)
{
	const char *text = v;

	if (!item_text(v, &text))
		text = v;
	return *text == '\0' || ci_equal(text, "none") ||
	       ci_equal(text, "none yet") || ci_equal(text, "chosen option:") ||
	       ci_equal(text, "chosen option");
}

/* The paragraphs of the section of heading sec, comments and placeholders
 * left out, joined with blank lines; only the first if asked. NULL when
 * nothing is left. Caller frees. */
static char *
section_text(const struct doc *d, size_t sec, int only_first)
{
	struct sbuf sb = {NULL, 0, 0};
	size_t end, i, n;
	int gap = 0;
	char *v;

	if (sec == NOTFOUND)
		return NULL;
	end = section_end(d, sec);
	for (i = sec + 1; i < end; i++) {
		if (line_blank(d, i)) {
			gap = 1;
			continue;
		}
		v = line_visible(d, i);
		n = strlen(v);
		while (n > 0 && ch_space((unsigned char)v[n - 1]))
			v[--n] = '\0';
		if (!d->lines[i].fence && placeholder(trim_str(v))) {
			free(v);
			continue;
		}
		free(v);
		v = line_visible(d, i);
		n = strlen(v);
		while (n > 0 && ch_space((unsigned char)v[n - 1]))
			v[--n] = '\0';
		if (sb.len != 0 && gap) {
			if (only_first) {
				free(v);
				break;
			}
			sb_str(&sb, "\n\n");
		} else if (sb.len != 0)
			sb_str(&sb, "\n");
		sb_str(&sb, v);
		gap = 0;
		free(v);
	}
	return sb.p;
}

/* s with links reduced to their text and '*' and '`' left out. Caller
 * frees. */
static char *
plain_words(const char *s)
{
	struct sbuf sb = {NULL, 0, 0};
	const char *close, *end;
	int links = 1; /* there may be a link further on */

	sb_add(&sb, "", 0);
	for (; *s != '\0'; s++) {
		if (links && *s == '[') {
			close = strchr(s, ']');
			end = close == NULL ? NULL : strchr(close, ')');
			if (end == NULL)
				links = 0;
			else if (close[1] == '(') {
				sb_add(&sb, s + 1, close - s - 1);
				s = end;
				continue;
			}
		}
		if (*s != '*' && *s != '`')
			sb_add(&sb, s, 1);
	}
	return sb.p;
}

/* Is word (n bytes) in text, ignoring case, not inside a longer word? */
static int
names_word(const char *text, const char *word, size_t n)
{
	size_t tn = strlen(text), i;

	trim(&word, &n);
	if (n == 0)
		return 0;
	for (i = 0; n <= tn && i <= tn - n; i++) {
		if (!ci_prefix_n(text + i, word, n))
			continue;
		if (i > 0 && ch_alnum((unsigned char)text[i - 1]) &&
		    ch_alnum((unsigned char)word[0]))
			continue;
		if (i + n < tn && ch_alnum((unsigned char)text[i + n]) &&
		    ch_alnum((unsigned char)word[n - 1]))
			continue;
		return 1;
	}
	return 0;
}

/* Does the outcome name this option (all of it, or its name before a
 * " - ", ": " or " (" that starts a description)? */
static int
option_chosen(const char *outcome, const char *option)
{
	static const char *const cuts[] = {
	    " - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", ": ", " ("};
	char *o = plain_words(option), *p;
	size_t i, n = strlen(o);
	int yes;

	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		if ((p = strstr(o, cuts[i])) != NULL && (size_t)(p - o) < n)
			n = p - o;
	}
	yes = names_word(outcome, o, strlen(o)) || names_word(outcome, o, n);
	free(o);
	return yes;
}

char *
record_commit_body(const char *text, size_t len)
{
	struct doc d;
	struct record r;
	struct sbuf sb = {NULL, 0, 0}, rej = {NULL, 0, 0};
	char *outcome, *context, *plain, *v;
	const char *item;
	size_t sec, end, i;

	doc_scan(&d, text, len);
	record_parse(&r, text, len);
	sb_add(&sb, "", 0);

	outcome = section_text(&d, section_find(&d, names_outcome), 0);
	if (outcome != NULL) {
		sb_str(&sb, outcome);
		sb_str(&sb, "\n");
	}

	context = section_text(&d, section_find(&d, names_context), 1);
	if (context != NULL) {
		if (sb.len != 0)
			sb_str(&sb, "\n");
		sb_str(&sb, "Why: ");
		sb_str(&sb, context);
		sb_str(&sb, "\n");
	}

	/* Options the outcome does not name (only once there is one). */
	sec = section_find(&d, names_options);
	if (outcome != NULL && sec != NOTFOUND) {
		plain = plain_words(outcome);
		end = section_end(&d, sec);
		for (i = sec + 1; i < end; i++) {
			if (d.lines[i].fence || !line_item(&d, i))
				continue;
			v = line_visible(&d, i);
			item_text(v, &item);
			item = trim_str((char *)item);
			if (!placeholder(v) && *item != '\0' &&
			    !option_chosen(plain, item)) {
				sb_str(&rej, "Rejected: ");
				sb_str(&rej, item);
				sb_str(&rej, "\n");
			}
			free(v);
		}
		free(plain);
	}
	if (rej.len != 0) {
		if (sb.len != 0)
			sb_str(&sb, "\n");
		sb_str(&sb, rej.p);
	}
	free(rej.p);

	for (i = 0; i < r.nquestions; i++) {
		if (i == 0 && sb.len != 0)
			sb_str(&sb, "\n");
		sb_str(&sb, "Open question: ");
		sb_str(&sb, r.questions[i]);
		sb_str(&sb, "\n");
	}

	free(context);
	free(outcome);
	record_free(&r);
	doc_free(&d);
	return sb_done(&sb, NULL);
}
