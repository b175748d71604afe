/* marks.c: the lines of a document that decisions cover, as the margin
 * shows them, moved by every edit as cursors are (pure: no git here). */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "marks.h"

void
marks_init(struct marks *m)
{
	memset(m, 0, sizeof *m);
}

void
marks_free(struct marks *m)
{
	free(m->v);
	free(m->log);
	marks_init(m);
}

void
marks_clear(struct marks *m)
{
	m->n = 0;
}

/* Append a span without looking at the limit. */
static void
marks_push(
    struct marks *m, size_t first, size_t last, unsigned number, unsigned flags)
{
	if (m->n == m->cap) {
		m->cap = m->cap == 0 ? 16 : m->cap * 2;
		m->v = xreallocarray(m->v, m->cap, sizeof *m->v);
	}
	m->v[m->n].first = first;
	m->v[m->n].last = last;
	m->v[m->n].number = number;
	m->v[m->n].flags = flags;
	m->n++;
}

void
marks_add(
    struct marks *m, size_t first, size_t last, unsigned number, unsigned flags)
{
	if (last < first || m->n >= MARKS_MAX)
		return;
	marks_push(m, first, last, number, flags);
}

static int
marks_cmp(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return 0;
}

/* Join the neighbouring pieces of one decision that look the same, so
 * that splits do not pile up. */
static void
marks_merge(struct marks *m)
{
	struct mark *p, *q;
	size_t i, n = 0;

	if (m->n < 2)
		return;
	qsort(m->v, m->n, sizeof *m->v, marks_cmp);
	for (i = 0; i < m->n; i++) {
		q = &m->v[i];
		p = n > 0 ? &m->v[n - 1] : NULL;
		if (p != NULL && p->number == q->number &&
		    p->flags == q->flags && q->first <= p->last + 1) {
			if (q->last > p->last)
				p->last = q->last;
			continue;
		}
		m->v[n++] = *q;
	}
	m->n = n;
}

/*
 * Replace every span by the pieces piece() gives for it (at most three:
 * before, in and after some range), then merge. At MARKS_MAX spans, the
 * pieces of one span are made one (flagged as the middle piece is).
 */
struct marks_piece {
	size_t first, last;
	unsigned flags;
};
typedef size_t (*marks_split_fn)(
    const struct mark *, const void *, struct marks_piece out[3]);

static void
marks_split(struct marks *m, marks_split_fn piece, const void *arg)
{
	struct marks_piece p[3];
	struct mark *old = m->v;
	size_t n = m->n, i, j, k, first, last;
	unsigned flags;
	int split = 0;

	/* Room for every span and a split; more pieces grow it. */
	m->cap = n + 2;
	m->v = xreallocarray(NULL, m->cap, sizeof *m->v);
	m->n = 0;
	for (i = 0; i < n; i++) {
		k = piece(&old[i], arg, p);
		if (k != 1 || p[0].flags != old[i].flags)
			split = 1;
		if (k > 1 && m->n + (n - i - 1) + k > MARKS_MAX) {
			first = p[0].first;
			last = p[k - 1].last;
			flags = 0;
			for (j = 0; j < k; j++)
				flags |= p[j].flags;
			marks_push(m, first, last, old[i].number, flags);
			continue;
		}
		for (j = 0; j < k; j++)
			marks_push(m, p[j].first, p[j].last, old[i].number,
			    p[j].flags);
	}
	free(old);
	if (split)
		marks_merge(m);
}

/* A change, and the decisions whose lines are on both sides of lines it
 * adds without removing any (their spans may be in pieces there). */
struct marks_across {
	const struct marks_change *c;
	unsigned *inside;
	size_t ninside;
};

static int
marks_inside(const struct marks_across *a, unsigned number)
{
	size_t i;

	for (i = 0; i < a->ninside; i++) {
		if (a->inside[i] == number)
			return 1;
	}
	return 0;
}

/* The pieces of a span after a change (see marks_apply). */
static size_t
marks_change_piece(
    const struct mark *s, const void *arg, struct marks_piece out[3])
{
	const struct marks_across *a = arg;
	const struct marks_change *c = a->c;
	size_t f = c->first, rm = c->removed, ad = c->added, k = 0;

	if (rm == 0 && ad > 0 && f > 0 && s->last == f - 1 &&
	    marks_inside(a, s->number)) {
		/* The end of a piece, another piece of its decision next:
		 * the added lines join it. */
		out[k].first = s->first;
		out[k].last = s->last;
		out[k++].flags = s->flags;
		out[k].first = f;
		out[k].last = f + ad - 1;
		out[k++].flags = s->flags | MARK_EDITED;
		return k;
	}
	if (s->last < f) {
		/* Before the change (or just before lines added at f). */
		out[k].first = s->first;
		out[k].last = s->last;
		out[k++].flags = s->flags;
		return k;
	}
	if (s->first >= f + rm) {
		/* After it (or just after lines added at f). */
		out[k].first = s->first - rm + ad;
		out[k].last = s->last - rm + ad;
		out[k++].flags = s->flags;
		return k;
	}
	/* Across it: kept lines before, the new lines, kept lines after. */
	if (s->first < f) {
		out[k].first = s->first;
		out[k].last = f - 1;
		out[k++].flags = s->flags;
	}
	if (ad > 0) {
		out[k].first = f;
		out[k].last = f + ad - 1;
		out[k++].flags = s->flags | MARK_EDITED;
	}
	if (s->last >= f + rm) {
		out[k].first = f + ad;
		out[k].last = s->last - rm + ad;
		out[k++].flags = s->flags;
	}
	return k;
}

void
marks_apply(struct marks *m, const struct marks_change *c)
{
	struct marks_across a;
	size_t i, j;

	if (m->logging && !m->overflow) {
		if (m->nlog == MARKS_LOG_MAX)
			m->overflow = 1;
		else {
			if (m->nlog == m->caplog) {
				m->caplog = m->caplog == 0 ? 64 : m->caplog * 2;
				m->log = xreallocarray(
				    m->log, m->caplog, sizeof *m->log);
			}
			m->log[m->nlog++] = *c;
		}
	}
	if (m->n == 0 || (c->removed == 0 && c->added == 0))
		return;
	a.c = c;
	a.inside = NULL;
	a.ninside = 0;
	if (c->removed == 0 && c->first > 0) {
		/* Decisions with one piece ending just before the added lines
		 * and another starting just after. */
		for (i = 0; i < m->n; i++) {
			if (m->v[i].last != c->first - 1)
				continue;
			for (j = 0; j < m->n; j++) {
				if (m->v[j].number == m->v[i].number &&
				    m->v[j].first == c->first)
					break;
			}
			if (j < m->n) {
				a.inside = xreallocarray(
				    a.inside, a.ninside + 1, sizeof *a.inside);
				a.inside[a.ninside++] = m->v[i].number;
			}
		}
	}
	marks_split(m, marks_change_piece, &a);
	free(a.inside);
}

/* The pieces of a span when lines r[0]..r[1] are marked edited. */
static size_t
marks_edited_piece(
    const struct mark *s, const void *arg, struct marks_piece out[3])
{
	const size_t *r = arg;
	size_t k = 0;

	if (s->last < r[0] || s->first > r[1]) {
		out[k].first = s->first;
		out[k].last = s->last;
		out[k++].flags = s->flags;
		return k;
	}
	if (s->first < r[0]) {
		out[k].first = s->first;
		out[k].last = r[0] - 1;
		out[k++].flags = s->flags;
	}
	out[k].first = s->first > r[0] ? s->first : r[0];
	out[k].last = s->last < r[1] ? s->last : r[1];
	out[k++].flags = s->flags | MARK_EDITED;
	if (s->last > r[1]) {
		out[k].first = r[1] + 1;
		out[k].last = s->last;
		out[k++].flags = s->flags;
	}
	return k;
}

void
marks_set_edited(struct marks *m, size_t first, size_t last)
{
	size_t r[2] = {first, last};

	if (m->n == 0 || last < first)
		return;
	marks_split(m, marks_edited_piece, r);
}

void
marks_clip(struct marks *m, size_t nlines)
{
	size_t i, n = 0;

	for (i = 0; i < m->n; i++) {
		if (m->v[i].first >= nlines)
			continue;
		m->v[n] = m->v[i];
		if (m->v[n].last >= nlines)
			m->v[n].last = nlines - 1;
		n++;
	}
	m->n = n;
}

static size_t
marks_newlines(const char *s, size_t len)
{
	const char *end = s + len;
	size_t n = 0;

	while (s < end && (s = memchr(s, '\n', end - s)) != NULL) {
		n++;
		s++;
	}
	return n;
}

void
marks_change(struct marks_change *c, size_t line, int at_start, int at_end,
    const char *del, size_t del_len, const char *ins, size_t ins_len)
{
	size_t removed = marks_newlines(del, del_len);
	size_t added = marks_newlines(ins, ins_len);
	int whole_del = del_len == 0 || del[del_len - 1] == '\n';
	int whole_ins = ins_len == 0 || ins[ins_len - 1] == '\n';
	int lead_del = del_len == 0 || del[0] == '\n';
	int lead_ins = ins_len == 0 || ins[0] == '\n';

	if (at_start && whole_del && whole_ins) {
		/* Whole lines before line: "x\n" typed at a line's start. */
		c->first = line;
		c->removed = removed;
		c->added = added;
	} else if (at_end && lead_del && lead_ins) {
		/* Whole lines after line: Enter at a line's end. */
		c->first = line + 1;
		c->removed = removed;
		c->added = added;
	} else {
		/* Inside lines: every line it touches is changed. */
		c->first = line;
		c->removed = removed + 1;
		c->added = added + 1;
	}
}

void
marks_log_start(struct marks *m)
{
	m->nlog = 0;
	m->overflow = 0;
	m->logging = 1;
}

void
marks_log_stop(struct marks *m)
{
	free(m->log);
	m->log = NULL;
	m->nlog = m->caplog = 0;
	m->overflow = 0;
	m->logging = 0;
}

int
marks_log_replay(struct marks *to, const struct marks *from)
{
	size_t i;

	if (from->overflow)
		return -1;
	for (i = 0; i < from->nlog; i++)
		marks_apply(to, &from->log[i]);
	return 0;
}

void
marks_rows(const struct marks *m, size_t top, size_t n, enum marks_kind *out)
{
	const struct mark *s;
	enum marks_kind kind;
	size_t i, a, b;

	for (i = 0; i < n; i++)
		out[i] = MARKS_NONE;
	if (n == 0)
		return;
	for (i = 0; i < m->n; i++) {
		s = &m->v[i];
		if (s->last < top || s->first >= top + n)
			continue;
		kind = (s->flags & MARK_EDITED) ? MARKS_CHANGED : MARKS_DECIDED;
		a = s->first > top ? s->first - top : 0;
		b = s->last - top < n - 1 ? s->last - top : n - 1;
		for (; a <= b; a++) {
			if (out[a] < kind)
				out[a] = kind;
		}
	}
}

static int
marks_number_cmp(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

size_t
marks_numbers(const struct marks *m, size_t line, unsigned *out, size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < m->n && n < max; i++) {
		if (m->v[i].first > line || m->v[i].last < line)
			continue;
		for (j = 0; j < n && out[j] != m->v[i].number; j++)
			;
		if (j == n)
			out[n++] = m->v[i].number;
	}
	qsort(out, n, sizeof *out, marks_number_cmp);
	return n;
}
