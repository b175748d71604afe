/* colindex.c: screen columns in a document's lines without walking a long
 * line from its start: checkpoints kept up to date by every op. */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "colindex.h"
#include "layout.h"

/*
 * Layout (layout.c) is a walk from the start of a line: a tab's width
 * depends on the column it starts at. Redoing that walk for every row,
 * cursor and frame costs a walk of the whole line each time, which for a
 * 10 MB minified file is a good part of a second. Two facts make it
 * unnecessary:
 *
 * - Layout is local. layout_next decides a unit from at most
 *   LAYOUT_UNIT_MAX bytes at its offset, so the units from a unit boundary
 *   on depend only on the bytes from there on, and an edit can move only
 *   the boundaries less than LAYOUT_UNIT_MAX bytes before it, or after it.
 *
 * - What a stretch of units does to the column does not depend on where it
 *   starts, and composes: with no tab in it, it adds its width b; with a
 *   tab, the column becomes "the tab stop after col + a, plus b".
 *
 * So for each long line that someone looked at, the index keeps
 * checkpoints: unit boundaries about COLINDEX_SPACING bytes apart, each
 * with the length and the column summary of the stretch since the one
 * before it. The first checkpoint is the line's start, the last its end.
 * Absolute offsets and columns follow by adding up the stretches; they are
 * cached and recomputed (a few thousand additions for 10 MB) only from the
 * first stretch an op changed. A query starts from the nearest checkpoint
 * and reads at most about one stretch and a screen's width of bytes.
 *
 * doc_apply() tells the index of every op. An op before a line moves the
 * line's start; an op in it re-lays the stretches it touched (from the
 * last checkpoint at least LAYOUT_UNIT_MAX bytes before it, until the
 * units fall on an old checkpoint again past it) and moves the later ones.
 * An op that adds or removes newlines makes new lines from the old ones'
 * parts the same way: the line holding the op keeps the checkpoints
 * before it, the line holding the end of the inserted text those after
 * it, and only the text between is walked. A long part that had no
 * checkpoints is not walked then: its line is laid out when someone
 * looks at it.
 */

/* The column change across a stretch of units (see above). */
struct colindex_sum {
	uint32_t tab; /* 0: col + b; 1: tabstop after (col + a), + b */
	uint32_t a;
	uint32_t b;
};

/* A checkpoint: a unit boundary. */
struct colindex_mark {
	size_t off;              /* in the line; valid below line->valid */
	size_t col;              /* its column; the same */
	uint32_t len;            /* bytes since the previous checkpoint */
	struct colindex_sum sum; /* columns across those bytes */
};

/* One long line with its checkpoints. */
struct colindex_line {
	size_t start;            /* document offset of its first byte */
	size_t len;              /* its bytes, without the newline */
	struct colindex_mark *m; /* m[0] is the start, m[n - 1] the end */
	size_t n;
	size_t cap;
	size_t valid; /* m[i].off and m[i].col are right for i < valid */
	TAILQ_ENTRY(colindex_line) entry;
};
TAILQ_HEAD(colindex_lines, colindex_line);

/* A column of an offset, as long as the text is as it was (stamp). */
struct colindex_memo {
	uint64_t stamp;
	size_t start; /* the line's */
	size_t off;
	size_t col;
};

struct colindex {
	size_t min_line;
	size_t spacing;
	uint64_t stamp; /* of the buffer state the lines describe */
	struct colindex_lines lines; /* most recently used first */
	size_t nlines;
	struct colindex_memo memo[COLINDEX_MEMO];
	size_t read; /* bytes read from buffers */
};

/* The column of the first tab stop after col. */
static size_t
colindex_tabstop(size_t col)
{
	return col - col % LAYOUT_TABSTOP + LAYOUT_TABSTOP;
}

/* Extend s (a stretch) by one unit. */
static void
colindex_sum_unit(struct colindex_sum *s, const struct layout_unit *u)
{
	if (u->kind != LAYOUT_TAB)
		s->b += u->width;
	else if (s->tab)
		s->b = colindex_tabstop(s->b);
	else {
		s->tab = 1;
		s->a = s->b;
		s->b = 0;
	}
}

/* Extend s by the stretch t that follows it. */
static void
colindex_sum_join(struct colindex_sum *s, const struct colindex_sum *t)
{
	if (!t->tab)
		s->b += t->b;
	else if (s->tab)
		s->b = colindex_tabstop(s->b + t->a) + t->b;
	else {
		s->tab = 1;
		s->a = s->b + t->a;
		s->b = t->b;
	}
}

/* The column after a stretch that starts at col. */
static size_t
colindex_sum_apply(const struct colindex_sum *s, size_t col)
{
	if (s->tab)
		return colindex_tabstop(col + s->a) + s->b;
	return col + s->b;
}

struct colindex *
colindex_create(size_t min_line, size_t spacing)
{
	struct colindex *ci = xcalloc(1, sizeof *ci);

	/* A stretch's columns must fit a uint32_t: at most 10 per byte. */
	if (spacing < 1 || spacing > 16 * 1024 * 1024)
		fatalx("colindex spacing %zu", spacing);
	ci->min_line = min_line > 0 ? min_line : 1;
	ci->spacing = spacing;
	TAILQ_INIT(&ci->lines);
	return ci;
}

static void
colindex_drop(struct colindex *ci, struct colindex_line *l)
{
	TAILQ_REMOVE(&ci->lines, l, entry);
	ci->nlines--;
	free(l->m);
	free(l);
}

/* Forget every line. */
static void
colindex_clear(struct colindex *ci)
{
	struct colindex_line *l;

	while ((l = TAILQ_FIRST(&ci->lines)) != NULL)
		colindex_drop(ci, l);
}

void
colindex_free(struct colindex *ci)
{
	if (ci == NULL)
		return;
	colindex_clear(ci);
	free(ci);
}

/* Start w at a unit boundary (off, col) of the line len bytes at start. */
static void
colindex_walk_init(struct colindex_walk *w, const struct buffer *b,
    size_t start, size_t len, size_t off, size_t col, size_t *read)
{
	w->b = b;
	w->start = start;
	w->len = len;
	w->off = off;
	w->col = col;
	w->woff = 0;
	w->wlen = 0;
	w->read = read;
}

int
colindex_walk_next(struct colindex_walk *w, struct layout_unit *u)
{
	size_t end = w->woff + w->wlen;

	if (w->off >= w->len)
		return 0;
	/*
	 * The window must hold the LAYOUT_UNIT_MAX bytes layout_next may
	 * read, or everything up to the end of the line: a sequence cut by
	 * the window's end would otherwise look invalid.
	 */
	if (w->off < w->woff || w->off >= end ||
	    (end - w->off < LAYOUT_UNIT_MAX && end < w->len)) {
		w->woff = w->off;
		w->wlen = w->len - w->off;
		if (w->wlen > sizeof w->win)
			w->wlen = sizeof w->win;
		w->wlen =
		    buffer_copy(w->b, w->start + w->woff, w->wlen, w->win);
		if (w->read != NULL)
			*w->read += w->wlen;
	}
	layout_next(w->win, w->wlen, w->off - w->woff, w->col, u);
	u->off += w->woff;
	w->off += u->len;
	w->col += u->width;
	return 1;
}

/* The last checkpoint at or before off (strictly before, if strict and
 * off > 0). */
static const struct colindex_mark *
colindex_by_off(const struct colindex_line *l, size_t off, int strict)
{
	size_t lo = 0, hi = l->n, mid;

	/* m[lo].off is always <= off (or < off); find the last such. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (l->m[mid].off < off || (!strict && l->m[mid].off == off))
			lo = mid;
		else
			hi = mid;
	}
	return &l->m[lo];
}

/* The last checkpoint at or before column col. */
static const struct colindex_mark *
colindex_by_col(const struct colindex_line *l, size_t col)
{
	size_t lo = 0, hi = l->n, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (l->m[mid].col <= col)
			lo = mid;
		else
			hi = mid;
	}
	return &l->m[lo];
}

/* Add a checkpoint at the end of l's array. */
static void
colindex_push(
    struct colindex_line *l, uint32_t len, const struct colindex_sum *sum)
{
	struct colindex_mark *m;

	if (l->n == l->cap) {
		l->cap = l->cap < 16 ? 16 : l->cap * 2;
		l->m = xreallocarray(l->m, l->cap, sizeof *l->m);
	}
	m = &l->m[l->n++];
	memset(m, 0, sizeof *m);
	m->len = len;
	m->sum = *sum;
}

/* Make every checkpoint's offset and column right. */
static void
colindex_settle(struct colindex_line *l)
{
	struct colindex_mark *m;
	size_t i;

	for (i = l->valid > 1 ? l->valid : 1; i < l->n; i++) {
		m = &l->m[i];
		m->off = m[-1].off + m->len;
		m->col = colindex_sum_apply(&m->sum, m[-1].col);
	}
	l->valid = l->n;
}

/*
 * Walk on from where w is, adding a checkpoint to out at the first unit
 * boundary after every spacing bytes, until the units fall on a checkpoint
 * of y (y->m[*z] or a later one, each now at its offset - y_from + y_new)
 * or reach the end of the line. Sets *fin to the stretch from the last
 * checkpoint added (or from where the walk began) to there, and *z to the
 * checkpoint of y the walk fell on.
 */
static void
colindex_lay(struct colindex *ci, struct colindex_walk *w,
    struct colindex_line *out, const struct colindex_line *y, size_t y_from,
    size_t y_new, size_t *z, struct colindex_mark *fin)
{
	static const struct colindex_sum zero;
	struct colindex_sum acc = zero;
	struct layout_unit u;
	size_t last = w->off, at, pushed = 0;

	while (colindex_walk_next(w, &u)) {
		colindex_sum_unit(&acc, &u);
		if (y != NULL) {
			/* The end of the line is always one of y's. */
			while ((at = y->m[*z].off - y_from + y_new) < w->off &&
			       *z + 1 < y->n)
				(*z)++;
			if (at == w->off)
				break; /* y's units from here on stand */
		}
		if (w->off - last >= ci->spacing && w->off < w->len) {
			colindex_push(out, w->off - last, &acc);
			pushed++;
			last = w->off;
			acc = zero;
		}
	}
	memset(fin, 0, sizeof *fin);
	fin->len = w->off - last;
	fin->sum = acc;

	/* Leave no tiny stretch at the end: join it to the one before. */
	if (pushed > 0 && fin->len < ci->spacing / 4) {
		out->n--;
		acc = out->m[out->n].sum;
		colindex_sum_join(&acc, &fin->sum);
		fin->sum = acc;
		fin->len += out->m[out->n].len;
	}
}

/* Lay out a whole line: checkpoints at the first boundary after every
 * spacing bytes, and at the end. */
static struct colindex_line *
colindex_build(
    struct colindex *ci, const struct buffer *b, size_t start, size_t len)
{
	static const struct colindex_sum zero;
	struct colindex_line *l = xcalloc(1, sizeof *l);
	struct colindex_walk w;
	struct colindex_mark fin;

	l->start = start;
	l->len = len;
	colindex_push(l, 0, &zero);
	colindex_walk_init(&w, b, start, len, 0, 0, &ci->read);
	colindex_lay(ci, &w, l, NULL, 0, 0, NULL, &fin);
	colindex_push(l, fin.len, &fin.sum);
	l->valid = 1;
	colindex_settle(l);
	return l;
}

/* The last checkpoint of l whose units an op at p cannot have changed:
 * the unit ending there was decided from bytes before p. */
static size_t
colindex_before(const struct colindex_line *l, size_t p)
{
	if (p < LAYOUT_UNIT_MAX)
		return 0;
	return colindex_by_off(l, p - LAYOUT_UNIT_MAX, 0) - l->m;
}

/* The first checkpoint of l at or after off. */
static size_t
colindex_after(const struct colindex_line *l, size_t off)
{
	size_t z = colindex_by_off(l, off, 1) - l->m;

	return l->m[z].off < off ? z + 1 : z;
}

/*
 * Re-lay l in place after the op at p (relative to its start) that made
 * del_len bytes into ins_len bytes, with no newline among them: from the
 * last checkpoint the op cannot have moved to where the units fall on one
 * of the old checkpoints after it again.
 */
static void
colindex_relay(struct colindex *ci, struct colindex_line *l,
    const struct buffer *b, size_t p, size_t del_len, size_t ins_len)
{
	struct colindex_walk w;
	struct colindex_mark fin;
	struct colindex_line tmp;
	size_t a, z, keep, i;

	colindex_settle(l);
	a = colindex_before(l, p);
	z = colindex_after(l, p + del_len);
	if (z <= a)
		z = a + 1;

	memset(&tmp, 0, sizeof tmp);
	colindex_walk_init(&w, b, l->start, l->len - del_len + ins_len,
	    l->m[a].off, l->m[a].col, &ci->read);
	colindex_lay(ci, &w, &tmp, l, p + del_len, p + ins_len, &z, &fin);

	/* m[a + 1 .. z - 1] become tmp; m[z] gets the last stretch. */
	keep = l->n - z;
	if (a + 1 + tmp.n + keep > l->cap) {
		l->cap = a + 1 + tmp.n + keep;
		l->m = xreallocarray(l->m, l->cap, sizeof *l->m);
	}
	memmove(&l->m[a + 1 + tmp.n], &l->m[z], keep * sizeof *l->m);
	for (i = 0; i < tmp.n; i++)
		l->m[a + 1 + i] = tmp.m[i];
	l->n = a + 1 + tmp.n + keep;
	l->m[a + 1 + tmp.n].len = fin.len;
	l->m[a + 1 + tmp.n].sum = fin.sum;
	free(tmp.m);

	l->len = w.len;
	l->valid = a + 1;
}

/*
 * A new line of len bytes at start, made of parts of old ones: x's
 * checkpoints before the op at cut (if x; the line starts where x did;
 * else from the line's start), a walk of the new text, and, where the
 * walk falls on one of them, y's checkpoints from y_from on, now at their
 * offset - y_from + y_new (if y; else the walk goes to the end).
 */
static struct colindex_line *
colindex_splice(struct colindex *ci, const struct buffer *b, size_t start,
    size_t len, struct colindex_line *x, size_t cut, struct colindex_line *y,
    size_t y_from, size_t y_new)
{
	static const struct colindex_sum zero;
	struct colindex_line *l = xcalloc(1, sizeof *l);
	struct colindex_walk w;
	struct colindex_mark fin;
	size_t a, z = 0, i;

	l->start = start;
	l->len = len;
	if (x != NULL) {
		colindex_settle(x);
		a = colindex_before(x, cut);
		l->cap = l->n = a + 1;
		l->m = xreallocarray(NULL, l->cap, sizeof *l->m);
		memcpy(l->m, x->m, l->n * sizeof *l->m);
	} else
		colindex_push(l, 0, &zero);
	if (y != NULL) {
		colindex_settle(y);
		z = colindex_after(y, y_from);
	}

	colindex_walk_init(&w, b, start, len, l->m[l->n - 1].off,
	    l->m[l->n - 1].col, &ci->read);
	colindex_lay(ci, &w, l, y, y_from, y_new, &z, &fin);
	colindex_push(l, fin.len, &fin.sum);
	for (i = z + 1; y != NULL && i < y->n; i++)
		colindex_push(l, y->m[i].len, &y->m[i].sum);
	l->valid = 1;
	colindex_settle(l);
	return l;
}

/* Add a line made by colindex_splice to the index. */
static void
colindex_keep(struct colindex *ci, struct colindex_line *l)
{
	TAILQ_INSERT_HEAD(&ci->lines, l, entry);
	if (++ci->nlines > COLINDEX_MAX_LINES)
		colindex_drop(ci, TAILQ_LAST(&ci->lines, colindex_lines));
}

/*
 * An op at pos added or removed newlines. p is the old line that held pos
 * and q the one that held pos + del_len (either may be NULL, or both the
 * same line), both out of the list. The line now holding pos keeps p's
 * checkpoints before the op, and q's after it when no newline was
 * inserted; otherwise the line after the last inserted newline keeps q's.
 * Between them the new text is walked; a part with no checkpoints is
 * walked too when it is short, else the line is laid out when someone
 * looks at it.
 */
static void
colindex_newline(struct colindex *ci, const struct buffer *b, size_t pos,
    size_t del_len, const char *ins, size_t ins_len, struct colindex_line *p,
    struct colindex_line *q)
{
	struct colindex_line *y;
	size_t first = ins_len, last = 0, i, line, start, end, from;

	for (i = 0; i < ins_len; i++) {
		if (ins[i] == '\n') {
			if (first == ins_len)
				first = i;
			last = i;
		}
	}
	from = q != NULL ? pos + del_len - q->start : 0;

	/* The line holding pos: p's part, the text inserted up to its first
	 * newline, and q's part after the op if none was inserted. */
	y = first == ins_len ? q : NULL;
	line = buffer_line_of(b, pos);
	start = buffer_line_start(b, line);
	end = buffer_line_end(b, line);
	if ((p != NULL || y != NULL) && end - start >= ci->min_line &&
	    (p != NULL || pos - start < ci->min_line) &&
	    (y != NULL || first < ins_len ||
	        end - (pos + ins_len) < ci->min_line)) {
		colindex_keep(
		    ci, colindex_splice(ci, b, start, end - start, p,
		            pos - start, y, from, pos + ins_len - start));
	}

	/* The line after the last inserted newline: its text, then q's. */
	if (first < ins_len && q != NULL) {
		start = pos + last + 1;
		end = buffer_line_end(b, buffer_line_of(b, start));
		if (end - start >= ci->min_line)
			colindex_keep(
			    ci, colindex_splice(ci, b, start, end - start, NULL,
			            0, q, from, ins_len - last - 1));
	}
}

void
colindex_op(struct colindex *ci, const struct buffer *b, uint64_t stamp,
    size_t pos, const char *del, size_t del_len, const char *ins,
    size_t ins_len)
{
	struct colindex_line *l, *l1, *p = NULL, *q = NULL;
	size_t end;
	int nl;

	if (ci == NULL)
		return;
	if (ci->stamp != stamp) {
		colindex_clear(ci);
		ci->stamp = buffer_stamp(b);
		return;
	}
	ci->stamp = buffer_stamp(b);

	nl = (del_len > 0 && memchr(del, '\n', del_len) != NULL) ||
	     (ins_len > 0 && memchr(ins, '\n', ins_len) != NULL);
	TAILQ_FOREACH_SAFE (l, &ci->lines, entry, l1) {
		end = l->start + l->len; /* its newline, or the buffer's end */
		if (pos + del_len < l->start) {
			/* Before the line, leaving its newline before it. */
			l->start = l->start - del_len + ins_len;
			continue;
		}
		if (pos > end)
			continue;
		if (!nl) {
			/* Inside the line (its newlines are untouched). */
			if (l->len - del_len + ins_len < ci->min_line)
				colindex_drop(ci, l);
			else
				colindex_relay(
				    ci, l, b, pos - l->start, del_len, ins_len);
			continue;
		}
		/* Newlines come or go: the lines around the op are new. */
		TAILQ_REMOVE(&ci->lines, l, entry);
		ci->nlines--;
		if (l->start <= pos)
			p = l;
		if (pos + del_len <= end)
			q = l;
		if (l != p && l != q) {
			free(l->m);
			free(l);
		}
	}
	if (!nl)
		return;
	colindex_newline(ci, b, pos, del_len, ins, ins_len, p, q);
	if (p != NULL) {
		free(p->m);
		free(p);
	}
	if (q != NULL && q != p) {
		free(q->m);
		free(q);
	}
}

/*
 * Start w at the start of line; return the line's checkpoints, settled, if
 * it is long enough to have them (made now if it had none).
 */
static struct colindex_line *
colindex_begin(struct colindex *ci, const struct buffer *b, size_t line,
    struct colindex_walk *w)
{
	struct colindex_line *l;
	size_t start = buffer_line_start(b, line);
	size_t len = buffer_line_end(b, line) - start;

	colindex_walk_init(
	    w, b, start, len, 0, 0, ci != NULL ? &ci->read : NULL);
	if (ci == NULL || len < ci->min_line)
		return NULL;
	if (ci->stamp != buffer_stamp(b)) {
		colindex_clear(ci);
		ci->stamp = buffer_stamp(b);
	}
	TAILQ_FOREACH (l, &ci->lines, entry) {
		if (l->start == start)
			break;
	}
	if (l != NULL && l->len != len) {
		/* Cannot happen when every op is told; never trust it. */
		colindex_drop(ci, l);
		l = NULL;
	}
	if (l == NULL) {
		l = colindex_build(ci, b, start, len);
		TAILQ_INSERT_HEAD(&ci->lines, l, entry);
		if (++ci->nlines > COLINDEX_MAX_LINES)
			colindex_drop(
			    ci, TAILQ_LAST(&ci->lines, colindex_lines));
	} else if (l != TAILQ_FIRST(&ci->lines)) {
		TAILQ_REMOVE(&ci->lines, l, entry);
		TAILQ_INSERT_HEAD(&ci->lines, l, entry);
	}
	colindex_settle(l);
	return l;
}

/* Move w to a checkpoint. */
static void
colindex_from(struct colindex_walk *w, const struct colindex_mark *m)
{
	w->off = m->off;
	w->col = m->col;
}

/*
 * The queries below are layout.c's loops, started from a checkpoint
 * instead of the line's start: the units before it cannot be the answer.
 */

/*
 * Every frame asks for the column of everyone's cursor, and a frame goes
 * to everyone: without the memo, N people cost N * N walks per change.
 * Stamps are never 0 and never repeat, so a stale entry never matches.
 */
static struct colindex_memo *
colindex_memo(struct colindex *ci, const struct colindex_walk *w, size_t off)
{
	if (ci == NULL)
		return NULL;
	return &ci->memo[(w->start * 31 + off) % COLINDEX_MEMO];
}

size_t
colindex_col_of(
    struct colindex *ci, const struct buffer *b, size_t line, size_t off)
{
	struct colindex_walk w;
	struct colindex_line *l;
	struct colindex_memo *memo;
	struct layout_unit u;

	l = colindex_begin(ci, b, line, &w);
	memo = colindex_memo(ci, &w, off);
	if (memo != NULL && memo->stamp == buffer_stamp(b) &&
	    memo->start == w.start && memo->off == off)
		return memo->col;

	if (l != NULL)
		colindex_from(&w, colindex_by_off(l, off, 0));
	while (colindex_walk_next(&w, &u)) {
		if (off < u.off + u.len) {
			w.col = u.col;
			break;
		}
	}
	if (memo != NULL) {
		memo->stamp = buffer_stamp(b);
		memo->start = w.start;
		memo->off = off;
		memo->col = w.col;
	}
	return w.col;
}

size_t
colindex_off_at(
    struct colindex *ci, const struct buffer *b, size_t line, size_t col)
{
	struct colindex_walk w;
	struct colindex_line *l;
	struct layout_unit u;

	if ((l = colindex_begin(ci, b, line, &w)) != NULL)
		colindex_from(&w, colindex_by_col(l, col));
	while (colindex_walk_next(&w, &u)) {
		if (col < u.col + u.width)
			return u.off;
	}
	return w.len;
}

size_t
colindex_prev(
    struct colindex *ci, const struct buffer *b, size_t line, size_t off)
{
	struct colindex_walk w;
	struct colindex_line *l;
	struct layout_unit u;

	l = colindex_begin(ci, b, line, &w);
	if (off > w.len)
		off = w.len;
	if (l != NULL)
		colindex_from(&w, colindex_by_off(l, off, 1));
	while (colindex_walk_next(&w, &u)) {
		if (u.off + u.len >= off)
			return u.off;
	}
	return 0;
}

size_t
colindex_next_off(
    struct colindex *ci, const struct buffer *b, size_t line, size_t off)
{
	struct colindex_walk w;
	struct colindex_line *l;
	struct layout_unit u;

	if ((l = colindex_begin(ci, b, line, &w)) != NULL)
		colindex_from(&w, colindex_by_off(l, off, 0));
	while (colindex_walk_next(&w, &u)) {
		if (u.off + u.len > off)
			return u.off + u.len;
	}
	return w.len;
}

size_t
colindex_width(struct colindex *ci, const struct buffer *b, size_t line)
{
	struct colindex_walk w;
	struct colindex_line *l;
	struct layout_unit u;

	if ((l = colindex_begin(ci, b, line, &w)) != NULL)
		return l->m[l->n - 1].col;
	while (colindex_walk_next(&w, &u))
		/* nothing */;
	return w.col;
}

void
colindex_walk(struct colindex *ci, const struct buffer *b, size_t line,
    size_t col, struct colindex_walk *w)
{
	struct colindex_line *l;
	struct layout_unit u;
	size_t off, c;

	if ((l = colindex_begin(ci, b, line, w)) != NULL)
		colindex_from(w, colindex_by_col(l, col));
	for (;;) {
		off = w->off;
		c = w->col;
		if (!colindex_walk_next(w, &u))
			break;
		if (col < u.col + u.width) {
			/* Back to this unit: the window still holds it. */
			w->off = off;
			w->col = c;
			break;
		}
	}
}

size_t
colindex_lines(const struct colindex *ci)
{
	return ci != NULL ? ci->nlines : 0;
}

size_t
colindex_marks(const struct colindex *ci, size_t start)
{
	const struct colindex_line *l;

	if (ci == NULL)
		return 0;
	TAILQ_FOREACH (l, &ci->lines, entry) {
		if (l->start == start)
			return l->n;
	}
	return 0;
}

size_t
colindex_read(const struct colindex *ci)
{
	return ci != NULL ? ci->read : 0;
}
