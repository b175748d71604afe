/* linematch.c: which old line each line of a new text descends from, beyond
 * an exact diff: whitespace, joined and split lines, edits, moved blocks. */
#include "moot.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "linematch.h"

#define LINEMATCH_TOKENS_MAX 256 /* tokens of a line compared */
#define LINEMATCH_CANDIDATES 64  /* places a moved block is looked for at */
#define LINEMATCH_MOVE_REACH 8   /* lines put beside a moved block, passed */

static int
linematch_space(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	       ch == '\v' || ch == '\f';
}

/* Line i (1-based) of t without its '\n'. */
static const char *
linematch_line(const struct linematch_text *t, unsigned long i, size_t *len)
{
	size_t a = t->off[i - 1], b = t->off[i];

	if (b > a && t->buf[b - 1] == '\n')
		b--;
	*len = b - a;
	return t->buf + a;
}

void
linematch_text_init(struct linematch_text *t, const char *buf, size_t len)
{
	unsigned long n = 0, i;
	size_t k, start;
	uint64_t h;
	uint32_t solid;

	memset(t, 0, sizeof *t);
	t->buf = buf;
	t->len = len;
	for (k = 0; k < len; k++) {
		if (buf[k] == '\n')
			n++;
	}
	if (len > 0 && buf[len - 1] != '\n')
		n++;
	t->n = n;
	t->off = xreallocarray(NULL, n + 1, sizeof *t->off);
	t->hash = xreallocarray(NULL, n + 1, sizeof *t->hash);
	t->solid = xreallocarray(NULL, n + 1, sizeof *t->solid);
	t->off[0] = 0;
	t->hash[0] = 0;
	t->solid[0] = 0;
	start = 0;
	for (i = 1; i <= n; i++) {
		/* FNV-1a over the bytes that are not white space. */
		h = 14695981039346656037ULL;
		solid = 0;
		for (k = start; k < len && buf[k] != '\n'; k++) {
			if (linematch_space((unsigned char)buf[k]))
				continue;
			h ^= (unsigned char)buf[k];
			h *= 1099511628211ULL;
			if (solid < UINT32_MAX)
				solid++;
		}
		if (k < len)
			k++; /* the '\n' */
		t->off[i] = k;
		t->hash[i] = h;
		t->solid[i] = solid;
		start = k;
	}
}

void
linematch_text_free(struct linematch_text *t)
{
	free(t->off);
	free(t->hash);
	free(t->solid);
	memset(t, 0, sizeof *t);
}

/* ---------------------------------------------------------------------
 * Similar lines: Dice's coefficient over tokens.
 */

static int
linematch_word(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch >= 0x80;
}

static int
linematch_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The sorted hashes of a line's tokens into v (LINEMATCH_TOKENS_MAX). */
static size_t
linematch_tokens(const char *s, size_t len, uint32_t *v)
{
	size_t i = 0, n = 0;
	uint32_t h;

	while (i < len && n < LINEMATCH_TOKENS_MAX) {
		if (linematch_space((unsigned char)s[i])) {
			i++;
			continue;
		}
		h = 2166136261U;
		if (linematch_word((unsigned char)s[i])) {
			while (i < len && linematch_word((unsigned char)s[i])) {
				h ^= (unsigned char)s[i++];
				h *= 16777619U;
			}
		} else {
			h ^= (unsigned char)s[i++];
			h *= 16777619U;
		}
		v[n++] = h;
	}
	qsort(v, n, sizeof *v, linematch_u32_cmp);
	return n;
}

static unsigned
linematch_dice(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, common = 0;

	if (na == 0 && nb == 0)
		return 100;
	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			common++;
			i++;
			j++;
		} else if (a[i] < b[j])
			i++;
		else
			j++;
	}
	return (unsigned)(200 * common / (na + nb));
}

unsigned
linematch_similar(const char *a, size_t alen, const char *b, size_t blen)
{
	uint32_t ta[LINEMATCH_TOKENS_MAX], tb[LINEMATCH_TOKENS_MAX];
	size_t na = linematch_tokens(a, alen, ta);
	size_t nb = linematch_tokens(b, blen, tb);

	return linematch_dice(ta, na, tb, nb);
}

/* Similarity of old line i and new line j of a pair. */
static unsigned
linematch_pair_similar(
    const struct linematch_pair *p, unsigned long i, unsigned long j)
{
	const char *a, *b;
	size_t alen, blen;

	a = linematch_line(p->old, i, &alen);
	b = linematch_line(p->new, j, &blen);
	return linematch_similar(a, alen, b, blen);
}

/* ---------------------------------------------------------------------
 * Matching in place.
 */

static void
linematch_set(struct linematch_pair *p, uint32_t index, unsigned long i,
    unsigned long j, uint32_t how)
{
	const char *a, *b;
	size_t alen, blen;

	a = linematch_line(p->old, i, &alen);
	b = linematch_line(p->new, j, &blen);
	if (alen != blen || memcmp(a, b, alen) != 0)
		how |= LINEMATCH_EDITED;
	p->to[j].pair = index;
	p->to[j].line = i;
	p->to[j].how = how;
	p->kept[i] = 1;
}

/* Lines a0.. (n of them) of t, each with a '\n', squeezed (without white
 * space) or as they are. */
static char *
linematch_lines(const struct linematch_text *t, unsigned long a0,
    unsigned long n, int squeeze, size_t *len)
{
	size_t from = t->off[a0 - 1], to = t->off[a0 - 1 + n], k, o = 0;
	char *out = xmalloc(to - from + n + 1);
	unsigned long i;

	for (i = a0; i < a0 + n; i++) {
		for (k = t->off[i - 1]; k < t->off[i]; k++) {
			if (t->buf[k] == '\n')
				continue;
			if (!squeeze ||
			    !linematch_space((unsigned char)t->buf[k]))
				out[o++] = t->buf[k];
		}
		out[o++] = '\n';
	}
	*len = o;
	return out;
}

/* The next byte that is not white space from *k on in lines [*i, last]
 * of t, advancing; -1 at the end. */
static int
linematch_next_solid(const struct linematch_text *t, unsigned long *i,
    unsigned long last, size_t *k)
{
	unsigned char ch;

	while (*i <= last) {
		if (*k < t->off[*i - 1])
			*k = t->off[*i - 1];
		while (*k < t->off[*i]) {
			ch = (unsigned char)t->buf[(*k)++];
			if (!linematch_space(ch))
				return ch;
		}
		(*i)++;
	}
	return -1;
}

/*
 * Lines joined or split (old a0..a1 and new b0..b1 hold the same bytes
 * but for white space): each new line descends from the old line its
 * first byte comes from. Returns whether it was so.
 */
static int
linematch_rewrap(struct linematch_pair *p, uint32_t index, unsigned long a0,
    unsigned long a1, unsigned long b0, unsigned long b1)
{
	unsigned long i = a0, j = b0;
	size_t ki = 0, kj = 0;
	int x, y;

	/* The same bytes? */
	for (;;) {
		x = linematch_next_solid(p->old, &i, a1, &ki);
		y = linematch_next_solid(p->new, &j, b1, &kj);
		if (x != y)
			return 0;
		if (x == -1)
			break;
	}
	/* Then walk both again, noting where each new line starts. */
	i = a0;
	j = b0;
	ki = kj = 0;
	for (;;) {
		y = linematch_next_solid(p->new, &j, b1, &kj);
		x = linematch_next_solid(p->old, &i, a1, &ki);
		if (y == -1 || x == -1)
			break;
		if (p->to[j].pair == UINT32_MAX) {
			p->to[j].pair = index;
			p->to[j].line = i;
			p->to[j].how = LINEMATCH_EDITED;
			p->kept[i] = 1;
		}
	}
	/* Old lines whose bytes went into an earlier new line still have a
	 * descendant: the line they were joined into. */
	for (i = a0; i <= a1; i++) {
		if (p->old->solid[i] > 0)
			p->kept[i] = 1;
	}
	return 1;
}

/*
 * Align similar lines of a gap (old lines ol, new lines nl) keeping their
 * order, the best total similarity first; then a lone old line between
 * two aligned pairs facing a lone new line keeps its place when they are
 * similar enough for that.
 */
static void
linematch_align(struct linematch_pair *p, uint32_t index,
    const unsigned long *ol, unsigned long n, const unsigned long *nl,
    unsigned long m)
{
	unsigned long i, j, pi, pj;
	uint32_t(*ta)[LINEMATCH_TOKENS_MAX], *tb;
	size_t *na, nb, len;
	uint8_t *sim;
	uint32_t *score;
	const char *s;

	if (n * m > LINEMATCH_GAP_CELLS || n > 4096 || m > 4096) {
		/* Too large to try every pair: by position. */
		for (i = 0; i < n; i++) {
			j = i * m / n;
			if (p->to[nl[j]].pair == UINT32_MAX &&
			    linematch_pair_similar(p, ol[i], nl[j]) >=
			        LINEMATCH_SIMILAR)
				linematch_set(p, index, ol[i], nl[j], 0);
		}
		return;
	}

	ta = xreallocarray(NULL, n, sizeof *ta);
	na = xreallocarray(NULL, n, sizeof *na);
	tb = xreallocarray(NULL, LINEMATCH_TOKENS_MAX, sizeof *tb);
	sim = xcalloc(n * m, 1);
	score = xcalloc((n + 1) * (m + 1), sizeof *score);
	for (i = 0; i < n; i++) {
		s = linematch_line(p->old, ol[i], &len);
		na[i] = linematch_tokens(s, len, ta[i]);
	}
	for (j = 0; j < m; j++) {
		s = linematch_line(p->new, nl[j], &len);
		nb = linematch_tokens(s, len, tb);
		for (i = 0; i < n; i++)
			sim[i * m + j] =
			    (uint8_t)linematch_dice(ta[i], na[i], tb, nb);
	}
	/* score[i][j]: the best over old i.. and new j.. */
#define SC(i, j) score[(i) * (m + 1) + (j)]
	for (i = n; i-- > 0;) {
		for (j = m; j-- > 0;) {
			SC(i, j) = SC(i + 1, j) > SC(i, j + 1) ? SC(i + 1, j)
			                                       : SC(i, j + 1);
			if (sim[i * m + j] >= LINEMATCH_SIMILAR &&
			    SC(i + 1, j + 1) + sim[i * m + j] > SC(i, j))
				SC(i, j) = SC(i + 1, j + 1) + sim[i * m + j];
		}
	}
	i = j = 0;
	pi = pj = 0; /* just after the last aligned pair */
	while (i < n && j < m) {
		if (sim[i * m + j] >= LINEMATCH_SIMILAR &&
		    SC(i, j) == SC(i + 1, j + 1) + sim[i * m + j]) {
			if (i == pi + 1 && j == pj + 1)
				linematch_set(p, index, ol[pi], nl[pj], 0);
			linematch_set(p, index, ol[i], nl[j], 0);
			pi = ++i;
			pj = ++j;
		} else if (SC(i, j) == SC(i + 1, j))
			i++;
		else
			j++;
	}
#undef SC
	/* The lone pair after the last aligned one. */
	if (n - pi == 1 && m - pj == 1)
		linematch_set(p, index, ol[pi], nl[pj], 0);
	free(score);
	free(sim);
	free(tb);
	free(na);
	free(ta);
}

/* One gap of the squeezed diff: old a0.. (ol lines), new b0.. (nl).
 * Lines joined or split are matched now; the others are kept for
 * linematch_finish, after moved blocks took theirs. */
static void
linematch_gap(struct linematch_pair *p, uint32_t index, unsigned long a0,
    unsigned long ol, unsigned long b0, unsigned long nl)
{
	struct linematch_hunk *g;

	if (ol == 0 || nl == 0)
		return;
	if (linematch_rewrap(p, index, a0, a0 + ol - 1, b0, b0 + nl - 1))
		return;
	p->gaps = xreallocarray(p->gaps, p->ngaps + 1, sizeof *p->gaps);
	g = &p->gaps[p->ngaps++];
	g->old_start = a0;
	g->old_lines = ol;
	g->new_start = b0;
	g->new_lines = nl;
}

/*
 * Diff old lines a0.. (ol) with new lines b0.. (nl), raw or squeezed: the
 * lines the diff keeps descend from their counterpart; each gap goes to
 * the next level (raw: the squeezed diff of the gap; squeezed: joined and
 * similar lines). Returns 0, or -1 when diff fails.
 */
static int
linematch_level(struct linematch_pair *p, uint32_t index, unsigned long a0,
    unsigned long ol, unsigned long b0, unsigned long nl, int squeeze,
    linematch_diff_fn diff, void *arg)
{
	struct linematch_hunk *h = NULL;
	char *sa, *sb;
	size_t alen, blen, nh = 0, k;
	unsigned long i, j, before, same, hol, hnl, aend = a0 + ol - 1;
	int rc = 0;

	if (ol == 0 || nl == 0)
		return 0;
	sa = linematch_lines(p->old, a0, ol, squeeze, &alen);
	sb = linematch_lines(p->new, b0, nl, squeeze, &blen);
	rc = diff(sa, alen, sb, blen, &h, &nh, arg);
	free(sa);
	free(sb);
	if (rc != 0)
		return -1;

	i = a0;
	j = b0;
	for (k = 0; k <= nh; k++) {
		/* Lines before hunk k (or to the end) are kept. */
		if (k < nh)
			before = a0 - 1 +
			         (h[k].old_lines == 0 ? h[k].old_start
			                              : h[k].old_start - 1);
		else
			before = aend;
		same = before >= i ? before - i + 1 : 0;
		if (j + same > b0 + nl)
			same = b0 + nl > j ? b0 + nl - j : 0;
		while (same-- > 0)
			linematch_set(p, index, i++, j++, 0);
		if (k == nh)
			break;
		hol = h[k].old_lines;
		hnl = h[k].new_lines;
		if (i + hol > aend + 1 || j + hnl > b0 + nl)
			break; /* not a diff of these texts: stop trusting it */
		if (!squeeze)
			rc = linematch_level(
			    p, index, i, hol, j, hnl, 1, diff, arg);
		else
			linematch_gap(p, index, i, hol, j, hnl);
		if (rc != 0)
			break;
		i += hol;
		j += hnl;
	}
	free(h);
	return rc;
}

int
linematch_file(
    struct linematch_pair *p, uint32_t index, linematch_diff_fn diff, void *arg)
{
	unsigned long j;

	p->to = NULL;
	p->kept = NULL;
	p->gaps = NULL;
	p->ngaps = 0;
	if (p->new != NULL) {
		p->to = xreallocarray(NULL, p->new->n + 1, sizeof *p->to);
		for (j = 0; j <= p->new->n; j++) {
			p->to[j].pair = UINT32_MAX;
			p->to[j].line = 0;
			p->to[j].how = 0;
		}
	}
	if (p->old != NULL)
		p->kept = xcalloc(p->old->n + 1, 1);
	if (p->old == NULL || p->new == NULL)
		return 0;
	/* The texts as they are first (the diff's heuristics see the
	 * indentation), then, in each gap, without white space. */
	return linematch_level(
	    p, index, 1, p->old->n, 1, p->new->n, 0, diff, arg);
}

/* ---------------------------------------------------------------------
 * Moved blocks.
 */

/* A new line nothing descends to yet, as a place a block may have gone. */
struct linematch_spot {
	uint64_t hash;
	uint32_t pair;
	unsigned long line;
};

static int
linematch_spot_cmp(const void *a, const void *b)
{
	const struct linematch_spot *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->pair != y->pair)
		return x->pair < y->pair ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Is new line j of pair q free, and old line i of pair p lost? */
static int
linematch_free_new(const struct linematch_pair *q, unsigned long j)
{
	return q->new != NULL &&j >= 1 && j <= q->new->n &&
	       q->to[j].pair == UINT32_MAX;
}

/* Lines of a block that count towards LINEMATCH_MOVE_SOLID. */
static int
linematch_solid_line(const struct linematch_text *t, unsigned long i)
{
	return t->solid[i] > 2;
}

static void
linematch_moved(struct linematch_pair *pairs, uint32_t pi, unsigned long i,
    uint32_t qi, unsigned long j)
{
	struct linematch_pair *p = &pairs[pi], *q = &pairs[qi];
	const char *a, *b;
	size_t alen, blen;
	uint32_t how = LINEMATCH_MOVED;

	a = linematch_line(p->old, i, &alen);
	b = linematch_line(q->new, j, &blen);
	if (alen != blen || memcmp(a, b, alen) != 0)
		how |= LINEMATCH_EDITED;
	q->to[j].pair = pi;
	q->to[j].line = i;
	q->to[j].how = how;
	p->kept[i] = 1;
}

static unsigned
linematch_cross_similar(const struct linematch_pair *p, unsigned long i,
    const struct linematch_pair *q, unsigned long j)
{
	const char *a, *b;
	size_t alen, blen;

	a = linematch_line(p->old, i, &alen);
	b = linematch_line(q->new, j, &blen);
	return linematch_similar(a, alen, b, blen);
}

/*
 * The lines next to a moved block (old line s, new line t of q) that went
 * with it, edited or with a few lines put between: old lines from s on in
 * steps of dir (-1 or 1), within r0..r1, each found within
 * LINEMATCH_MOVE_REACH free new lines of the last, equal but for white
 * space or similar.
 */
static void
linematch_reach(struct linematch_pair *pairs, uint32_t pi, unsigned long s,
    uint32_t qi, unsigned long t, int dir, unsigned long r0, unsigned long r1)
{
	struct linematch_pair *p = &pairs[pi], *q = &pairs[qi];
	unsigned long i = s, j, k, found;

	for (;;) {
		if ((dir < 0 && i <= r0) || (dir > 0 && i >= r1))
			return;
		i = dir < 0 ? i - 1 : i + 1;
		if (p->kept[i])
			return;
		found = 0;
		for (k = 1; k <= LINEMATCH_MOVE_REACH && found == 0; k++) {
			if (dir < 0 && t <= k)
				break;
			j = dir < 0 ? t - k : t + k;
			if (!linematch_free_new(q, j))
				break;
			if (q->new->hash[j] == p->old->hash[i] ||
			    (p->old->solid[i] > 0 &&
			        linematch_cross_similar(p, i, q, j) >=
			            LINEMATCH_SIMILAR))
				found = j;
		}
		if (found == 0)
			return;
		linematch_moved(pairs, pi, i, qi, found);
		t = found;
	}
}

/*
 * Look for the lost run r0..r1 of pair pi among the spots. strict: blocks
 * of LINEMATCH_MOVE_MIN lines only; else also a shorter one holding every
 * wanted line of the run.
 */
static void
linematch_runs_one(struct linematch_pair *pairs, uint32_t pi, unsigned long r0,
    unsigned long r1, const uint8_t *want, const struct linematch_spot *spots,
    size_t nspots, int strict)
{
	struct linematch_pair *p = &pairs[pi], *q;
	const struct linematch_text *o = p->old;
	unsigned long s = r0, len, best, bestj = 0, k, solid, bsolid = 0,
	              w0 = 0, w1 = 0, e;

	uint32_t bestq = 0;
	size_t lo, hi, mid, c, tried;

	/* The wanted lines of the run. */
	for (k = r0; k <= r1; k++) {
		if (want[k]) {
			if (w0 == 0)
				w0 = k;
			w1 = k;
		}
	}
	while (s <= r1) {
		if (p->kept[s]) {
			s++;
			continue;
		}
		/* The first spot with this hash. */
		lo = 0;
		hi = nspots;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (spots[mid].hash < o->hash[s])
				lo = mid + 1;
			else
				hi = mid;
		}
		best = 0;
		for (c = lo, tried = 0;
		     c < nspots && spots[c].hash == o->hash[s] &&
		     tried < LINEMATCH_CANDIDATES;
		     c++, tried++) {
			q = &pairs[spots[c].pair];
			len = solid = 0;
			while (s + len <= r1 && !p->kept[s + len] &&
			       linematch_free_new(q, spots[c].line + len) &&
			       q->new->hash[spots[c].line + len] ==
			           o->hash[s + len]) {
				solid += linematch_solid_line(o, s + len);
				len++;
			}
			if (len > best) {
				best = len;
				bestq = spots[c].pair;
				bestj = spots[c].line;
				bsolid = solid;
			}
		}
		if (best == 0 || ((best < LINEMATCH_MOVE_MIN ||
		                      bsolid < LINEMATCH_MOVE_SOLID) &&
		                     (strict || !(w0 >= s && w1 < s + best &&
		                                    bsolid > 0)))) {
			s++;
			continue;
		}
		for (k = 0; k < best; k++)
			linematch_moved(pairs, pi, s + k, bestq, bestj + k);
		/* Lines edited on the way, or with lines put between. */
		linematch_reach(pairs, pi, s, bestq, bestj, -1, r0, r1);
		e = s + best - 1;
		linematch_reach(
		    pairs, pi, e, bestq, bestj + best - 1, 1, r0, r1);
		for (s = e + 1; s <= r1 && p->kept[s]; s++)
			;
	}
}

/* Does new line j of pair p (index) descend in place from an old line? */
static int
linematch_in_place(
    const struct linematch_pair *p, uint32_t index, unsigned long j)
{
	return p->to[j].pair == index && !(p->to[j].how & LINEMATCH_MOVED);
}

/*
 * A diff that can keep either of two equal lines keeps one of them; when
 * it kept a line nobody wants and left an equal wanted line without a
 * descendant, between the same two lines kept in place, the other answer
 * was as good: take it. Decided code then stays where it was instead of
 * looking lost or moved (a function deleted just after a decided one
 * ending, like it, in "return total; }").
 */
static void
linematch_slide(struct linematch_pair *p, uint32_t index, const uint8_t *want)
{
	const struct linematch_text *o = p->old;
	unsigned long j, jn, i, k, prev = 0, next, pick;

	for (j = 1; j <= p->new->n; j++) {
		if (!linematch_in_place(p, index, j))
			continue;
		i = p->to[j].line;
		if (want[i] || p->new->solid[j] == 0 ||
		    (j > 1 && linematch_in_place(p, index, j - 1) &&
		        p->to[j - 1].line == i) ||
		    (j < p->new->n &&linematch_in_place(p, index, j + 1) &&
		        p->to[j + 1].line == i)) {
			prev = i; /* wanted, blank, or one of a split line */
			continue;
		}
		/* The old line of the next line kept in place. */
		next = o->n + 1;
		for (jn = j + 1; jn <= p->new->n; jn++) {
			if (linematch_in_place(p, index, jn)) {
				next = p->to[jn].line;
				break;
			}
		}
		pick = 0;
		for (k = prev + 1; k < next && pick == 0; k++) {
			if (k != i && !p->kept[k] && want[k] &&
			    o->hash[k] == o->hash[i])
				pick = k;
		}
		if (pick != 0) {
			p->kept[i] = 0;
			linematch_set(p, index, pick, j, 0);
			i = pick;
		}
		prev = i;
	}
}

/* Every lost run of each pair holding a wanted line, looked for. */
static void
linematch_runs(struct linematch_pair *pairs, size_t npairs,
    const uint8_t *const *want, const struct linematch_spot *spots,
    size_t nspots, int strict)
{
	size_t p;
	unsigned long i, r0;
	int wanted;

	for (p = 0; p < npairs; p++) {
		if (want[p] == NULL || pairs[p].old == NULL)
			continue;
		i = 1;
		while (i <= pairs[p].old->n) {
			if (pairs[p].kept[i]) {
				i++;
				continue;
			}
			r0 = i;
			wanted = 0;
			while (i <= pairs[p].old->n && !pairs[p].kept[i])
				wanted |= want[p][i++];
			if (wanted)
				linematch_runs_one(pairs, (uint32_t)p, r0,
				    i - 1, want[p], spots, nspots, strict);
		}
	}
}

/* The new lines nothing descends to yet (but blank ones), sorted by
 * hash: where lost blocks are looked for. */
static struct linematch_spot *
linematch_spots(struct linematch_pair *pairs, size_t npairs, size_t *n)
{
	struct linematch_spot *spots = NULL;
	size_t nspots = 0, p;
	unsigned long j;

	for (p = 0; p < npairs; p++) {
		if (pairs[p].new == NULL)
			continue;
		for (j = 1; j <= pairs[p].new->n; j++) {
			if (pairs[p].to[j].pair != UINT32_MAX ||
			    pairs[p].new->solid[j] == 0)
				continue;
			spots = xreallocarray(spots, nspots + 1, sizeof *spots);
			spots[nspots].hash = pairs[p].new->hash[j];
			spots[nspots].pair = (uint32_t)p;
			spots[nspots].line = j;
			nspots++;
		}
	}
	if (nspots > 1)
		qsort(spots, nspots, sizeof *spots, linematch_spot_cmp);
	*n = nspots;
	return spots;
}

void
linematch_moves(
    struct linematch_pair *pairs, size_t npairs, const uint8_t *const *want)
{
	struct linematch_spot *spots;
	size_t nspots;

	spots = linematch_spots(pairs, npairs, &nspots);
	if (nspots > 0)
		linematch_runs(pairs, npairs, want, spots, nspots, 1);
	free(spots);
}

void
linematch_finish(
    struct linematch_pair *pairs, size_t npairs, const uint8_t *const *want)
{
	struct linematch_pair *p;
	struct linematch_hunk *g;
	struct linematch_spot *spots;
	unsigned long *ol, *nl, no, nn, i;
	size_t k, q, nspots;

	/* Similar lines and lines replaced in place, in what is left of
	 * each gap. */
	for (q = 0; q < npairs; q++) {
		p = &pairs[q];
		for (k = 0; k < p->ngaps; k++) {
			g = &p->gaps[k];
			ol = xreallocarray(NULL, g->old_lines, sizeof *ol);
			nl = xreallocarray(NULL, g->new_lines, sizeof *nl);
			no = nn = 0;
			for (i = 0; i < g->old_lines; i++) {
				if (!p->kept[g->old_start + i])
					ol[no++] = g->old_start + i;
			}
			for (i = 0; i < g->new_lines; i++) {
				if (p->to[g->new_start + i].pair == UINT32_MAX)
					nl[nn++] = g->new_start + i;
			}
			if (no > 0 && nn > 0)
				linematch_align(p, (uint32_t)q, ol, no, nl, nn);
			free(ol);
			free(nl);
		}
	}
	if (want == NULL)
		return;
	/* Equal lines the diff could as well have kept in place; then short
	 * blocks that are all that was wanted of their place. */
	for (q = 0; q < npairs; q++) {
		if (want[q] != NULL && pairs[q].old != NULL &&
		    pairs[q].new != NULL)
			linematch_slide(&pairs[q], (uint32_t)q, want[q]);
	}
	spots = linematch_spots(pairs, npairs, &nspots);
	if (nspots > 0)
		linematch_runs(pairs, npairs, want, spots, nspots, 0);
	free(spots);
}

void
linematch_pair_free(struct linematch_pair *p)
{
	free(p->to);
	free(p->kept);
	free(p->gaps);
	p->gaps = NULL;
	p->ngaps = 0;
	p->to = NULL;
	p->kept = NULL;
}
