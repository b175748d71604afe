/* undo.c: one person's undo and redo history in one document.
 * Inverse and transform: recorded changes follow every op anyone applies. */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "undo.h"

/*
 * A history is two stacks of groups (undo and redo). A group remembers
 * what its owner's ops did, in the document's current coordinates:
 *
 * - ranges: the text the owner inserted that is still there, as ascending,
 *   disjoint [a, b) ranges. Undo deletes them.
 * - atoms: the bytes the owner deleted, each with an anchor that moves
 *   like a cursor. Undo puts the bytes back at the anchor. Atoms are kept
 *   in document order (ascending anchor; equal anchors in the order their
 *   bytes belong).
 *
 * Every op applied to the document moves the ranges and anchors of every
 * group (undo_group_transform). The owner's ops are also recorded into
 * the group being built (undo->rec).
 *
 * Deleting loses where things were: when the owner deletes text that an
 * older group inserted, or text holding an older group's anchor, undoing
 * the delete must give that text and that anchor back to the older group,
 * or undoing the older group afterwards would leave bytes behind or put
 * them in the wrong place. So an atom carries provenance: which parts of
 * its bytes were other groups' ranges and where other groups' anchors
 * were. undo_undo turns the group into edits and keeps a plan of them;
 * as the caller applies each edit (an op with kind UNDO_UNDO or UNDO_REDO)
 * the provenance is applied to the inserted bytes (undo_revive).
 */

/* Where bytes put back came from: another group's range (atom == 0, len
 * bytes at off) or another group's anchor (atom is its id, at off). */
struct undo_prov {
	uint64_t group;
	uint64_t atom;
	size_t off;
	size_t len;
};

struct undo_provs {
	struct undo_prov *v;
	size_t n;
	size_t cap;
};

/* Text the group's owner inserted that is still there: [a, b). */
struct undo_range {
	size_t a;
	size_t b;
};

/* Bytes the group's owner deleted, to go back at anchor. */
struct undo_atom {
	uint64_t id;
	size_t anchor;
	char *data;
	size_t len;
	struct undo_provs provs; /* offsets are into data */
};

struct undo_group {
	uint64_t id;

	struct undo_range *ranges; /* ascending, disjoint, none empty */
	size_t nranges;
	size_t rangescap;

	struct undo_atom *atoms; /* document order */
	size_t natoms;
	size_t atomscap;

	TAILQ_ENTRY(undo_group) entry;
};
TAILQ_HEAD(undo_groups, undo_group);

/* An edit handed out by undo_undo or undo_redo, not applied yet. */
struct undo_step {
	size_t pos;
	size_t del_len;
	size_t ins_len;
	struct undo_provs provs; /* offsets are into the inserted bytes */
};

struct undo {
	struct undo_groups undo; /* oldest first */
	size_t nundo;
	struct undo_groups redo; /* oldest first */
	size_t nredo;

	uint64_t next_id; /* for groups and atoms; never reused */

	struct undo_group *rec; /* group the owner's ops go into, or NULL */
	enum undo_kind rec_kind;

	struct undo_step *plan; /* edits handed out, in order */
	size_t nplan;
	size_t plan_next;
	enum undo_kind plan_kind;
};

/* A stretch of a deleted span [x0, x1), for working out where each of its
 * positions lands in the new atom. */
struct undo_seg {
	size_t x0;
	size_t x1;
	size_t pre; /* atom offset of x0, before own atoms anchored at x0 */
	size_t out; /* atom offset of x0, after them */
	int copied; /* bytes copied (0: the group's own text, dropped) */
};

/* Make room for n items in an array of cap items. */
static void *
undo_grow(void *v, size_t *cap, size_t n, size_t size)
{
	size_t newcap;

	if (n <= *cap)
		return v;
	newcap = *cap < 4 ? 4 : *cap;
	while (newcap < n) {
		if (newcap > SIZE_MAX / 2)
			fatalx("undo_grow: %zu items is too many", n);
		newcap *= 2;
	}
	*cap = newcap;
	return xreallocarray(v, newcap, size);
}

static void
undo_provs_add(
    struct undo_provs *p, uint64_t group, uint64_t atom, size_t off, size_t len)
{
	struct undo_prov *pv;

	p->v = undo_grow(p->v, &p->cap, p->n + 1, sizeof *p->v);
	pv = &p->v[p->n++];
	pv->group = group;
	pv->atom = atom;
	pv->off = off;
	pv->len = len;
}

/* Append all of from to to, with offsets moved by shift. */
static void
undo_provs_append(
    struct undo_provs *to, const struct undo_provs *from, size_t shift)
{
	size_t i;

	for (i = 0; i < from->n; i++) {
		undo_provs_add(to, from->v[i].group, from->v[i].atom,
		    from->v[i].off + shift, from->v[i].len);
	}
}

static void
undo_provs_free(struct undo_provs *p)
{
	free(p->v);
	memset(p, 0, sizeof *p);
}

static struct undo_group *
undo_group_new(struct undo *u)
{
	struct undo_group *g = xcalloc(1, sizeof *g);

	g->id = u->next_id++;
	return g;
}

static void
undo_group_free(struct undo_group *g)
{
	size_t i;

	for (i = 0; i < g->natoms; i++) {
		free(g->atoms[i].data);
		undo_provs_free(&g->atoms[i].provs);
	}
	free(g->atoms);
	free(g->ranges);
	free(g);
}

static void
undo_plan_clear(struct undo *u)
{
	size_t i;

	for (i = 0; i < u->nplan; i++)
		undo_provs_free(&u->plan[i].provs);
	free(u->plan);
	u->plan = NULL;
	u->nplan = 0;
	u->plan_next = 0;
}

/* The first range of g ending after x (ranges are disjoint and not empty,
 * so their ends ascend). */
static size_t
undo_range_after(const struct undo_group *g, size_t x)
{
	size_t lo = 0, hi = g->nranges, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (g->ranges[mid].b > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The first atom of g anchored after x (strict is set) or at or after x. */
static size_t
undo_atom_from(const struct undo_group *g, size_t x, int strict)
{
	size_t lo = 0, hi = g->natoms, mid, q;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		q = g->atoms[mid].anchor;
		if (q > x || (!strict && q == x))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Add [s, e) to g's ranges, merging it with any it overlaps or touches. */
static void
undo_group_add_range(struct undo_group *g, size_t s, size_t e)
{
	size_t i, j;

	if (s >= e)
		return;
	/* Ranges before i end before s; i..j-1 overlap or touch [s, e). */
	i = s == 0 ? 0 : undo_range_after(g, s - 1);
	for (j = i; j < g->nranges && g->ranges[j].a <= e; j++) {
		if (g->ranges[j].a < s)
			s = g->ranges[j].a;
		if (g->ranges[j].b > e)
			e = g->ranges[j].b;
	}
	if (i == j) {
		g->ranges = undo_grow(g->ranges, &g->rangescap, g->nranges + 1,
		    sizeof *g->ranges);
		memmove(&g->ranges[i + 1], &g->ranges[i],
		    (g->nranges - i) * sizeof *g->ranges);
		g->nranges++;
	} else if (j > i + 1) {
		memmove(&g->ranges[i + 1], &g->ranges[j],
		    (g->nranges - j) * sizeof *g->ranges);
		g->nranges -= j - i - 1;
	}
	g->ranges[i].a = s;
	g->ranges[i].b = e;
}

/* Put atom at into g at its place: after every atom anchored at or before
 * it (so atoms put back at one place keep the order they come in). */
static void
undo_group_add_atom(struct undo_group *g, const struct undo_atom *at)
{
	size_t i;

	i = undo_atom_from(g, at->anchor, 1);
	g->atoms =
	    undo_grow(g->atoms, &g->atomscap, g->natoms + 1, sizeof *g->atoms);
	memmove(
	    &g->atoms[i + 1], &g->atoms[i], (g->natoms - i) * sizeof *g->atoms);
	g->atoms[i] = *at;
	g->natoms++;
}

/* Where an op leaves offset x: like a cursor (the same as view.c), an
 * offset at the insertion point stays before the inserted text. */
static size_t
undo_shift(size_t x, size_t pos, size_t del_len, size_t ins_len)
{
	if (x <= pos)
		return x;
	if (x <= pos + del_len)
		return pos;
	return x - del_len + ins_len;
}

/* Where deleting del_len bytes at pos leaves offset x. */
static size_t
undo_shift_delete(size_t x, size_t pos, size_t del_len)
{
	return undo_shift(x, pos, del_len, 0);
}

/* Move g's ranges and anchors to follow an op: delete del_len bytes at
 * pos, then insert ins_len there. */
static void
undo_group_transform(
    struct undo_group *g, size_t pos, size_t del_len, size_t ins_len)
{
	struct undo_range *r;
	size_t i, j, a, b, split = SIZE_MAX;

	/* Ranges ending at or before pos do not move. */
	i = undo_range_after(g, pos);
	for (j = i; i < g->nranges; i++) {
		a = undo_shift_delete(g->ranges[i].a, pos, del_len);
		b = undo_shift_delete(g->ranges[i].b, pos, del_len);
		if (a == b)
			continue; /* all of it deleted */
		if (ins_len != 0) {
			if (pos <= a) {
				/* Inserted before (or at) the start. */
				a += ins_len;
				b += ins_len;
			} else if (pos < b)
				split = j; /* inside: not the owner's text */
		}
		g->ranges[j].a = a;
		g->ranges[j].b = b;
		j++;
	}
	g->nranges = j;

	/* At most one range strictly holds pos: cut it around the insert. */
	if (split != SIZE_MAX) {
		g->ranges = undo_grow(g->ranges, &g->rangescap, g->nranges + 1,
		    sizeof *g->ranges);
		r = &g->ranges[split];
		memmove(
		    r + 2, r + 1, (g->nranges - split - 1) * sizeof *g->ranges);
		g->nranges++;
		r[1].a = pos + ins_len;
		r[1].b = r[0].b + ins_len;
		r[0].b = pos;
	}

	for (i = undo_atom_from(g, pos, 1); i < g->natoms; i++) {
		g->atoms[i].anchor =
		    undo_shift(g->atoms[i].anchor, pos, del_len, ins_len);
	}
}

/* Where position q of a deleted span lands in the new atom, for another
 * group's anchor there: before the own atoms anchored at q, as those were
 * deleted after that anchor was made. */
static size_t
undo_seg_offset(const struct undo_seg *segs, size_t nsegs, size_t q)
{
	size_t i;

	for (i = 0; i < nsegs; i++) {
		if (q == segs[i].x0)
			return segs[i].pre;
		if (q < segs[i].x1)
			break;
	}
	if (i == nsegs)
		fatalx("undo_seg_offset: %zu not in the span", q);
	if (segs[i].copied)
		return segs[i].out + (q - segs[i].x0);
	return segs[i].out;
}

/* Note in at's provenance what another group h had in the deleted span
 * [pos, end): parts of its ranges, and its anchors after pos. */
static void
undo_note_group(struct undo_atom *at, const struct undo_group *h, size_t pos,
    size_t end, const struct undo_seg *segs, size_t nsegs)
{
	const struct undo_range *r;
	const struct undo_seg *sg;
	size_t i, k, s, e;

	for (i = undo_range_after(h, pos); i < h->nranges; i++) {
		r = &h->ranges[i];
		if (r->a >= end)
			break;
		for (k = 0; k < nsegs; k++) {
			sg = &segs[k];
			if (!sg->copied)
				continue;
			s = r->a > sg->x0 ? r->a : sg->x0;
			e = r->b < sg->x1 ? r->b : sg->x1;
			if (s < e) {
				undo_provs_add(&at->provs, h->id, 0,
				    sg->out + (s - sg->x0), e - s);
			}
		}
	}
	for (i = undo_atom_from(h, pos, 1); i < h->natoms; i++) {
		if (h->atoms[i].anchor > end)
			break;
		undo_provs_add(&at->provs, h->id, h->atoms[i].id,
		    undo_seg_offset(segs, nsegs, h->atoms[i].anchor), 0);
	}
}

/*
 * The owner deleted del (del_len bytes at pos, before the op is applied)
 * while recording into g: make the atom for it. Bytes inside g's own
 * ranges are dropped (typing then deleting within one group); g's atoms
 * anchored in [pos, pos + del_len] are taken into the new atom at their
 * places (so backspacing and deleting forwards both come back in order).
 * Returns 0 when nothing is left to put back.
 */
static int
undo_take(struct undo *u, struct undo_group *g, size_t pos, const char *del,
    size_t del_len, struct undo_atom *at)
{
	struct undo_group *h;
	struct undo_atom *old;
	struct undo_seg *segs = NULL;
	size_t nsegs = 0, segscap = 0, end = pos + del_len, total, out;
	size_t i, i0, i1, r, x, next, pre;

	memset(at, 0, sizeof *at);
	at->anchor = pos;

	i0 = undo_atom_from(g, pos, 0);
	i1 = undo_atom_from(g, end, 1);
	total = del_len;
	for (i = i0; i < i1; i++)
		total += g->atoms[i].len;
	at->data = xmalloc(total);

	out = 0;
	x = pos;
	i = i0;
	r = undo_range_after(g, pos);
	for (;;) {
		/* The own atoms anchored here go here, in order. */
		pre = out;
		for (; i < i1 && g->atoms[i].anchor <= x; i++) {
			old = &g->atoms[i];
			memcpy(at->data + out, old->data, old->len);
			undo_provs_append(&at->provs, &old->provs, out);
			out += old->len;
		}

		segs = undo_grow(segs, &segscap, nsegs + 1, sizeof *segs);
		segs[nsegs].x0 = x;
		segs[nsegs].pre = pre;
		segs[nsegs].out = out;
		if (x == end) {
			segs[nsegs].x1 = x;
			segs[nsegs++].copied = 0;
			break;
		}

		/* Up to the next atom, range edge or the end of the span. */
		next = end;
		if (i < i1 && g->atoms[i].anchor < next)
			next = g->atoms[i].anchor;
		if (r < g->nranges && g->ranges[r].a <= x) {
			/* The group's own text: drop it. */
			if (g->ranges[r].b < next)
				next = g->ranges[r].b;
			segs[nsegs].copied = 0;
		} else {
			if (r < g->nranges && g->ranges[r].a < next)
				next = g->ranges[r].a;
			memcpy(at->data + out, del + (x - pos), next - x);
			out += next - x;
			segs[nsegs].copied = 1;
		}
		segs[nsegs++].x1 = next;
		x = next;
		if (r < g->nranges && x >= g->ranges[r].b)
			r++;
	}

	/* The own atoms taken in are gone. */
	for (i = i0; i < i1; i++) {
		free(g->atoms[i].data);
		undo_provs_free(&g->atoms[i].provs);
	}
	if (i1 > i0) {
		memmove(&g->atoms[i0], &g->atoms[i1],
		    (g->natoms - i1) * sizeof *g->atoms);
		g->natoms -= i1 - i0;
	}

	if (out == 0) {
		free(segs);
		free(at->data);
		undo_provs_free(&at->provs);
		return 0;
	}
	at->len = out;
	at->id = u->next_id++;

	/* What other groups had in the span. */
	TAILQ_FOREACH (h, &u->undo, entry) {
		if (h != g)
			undo_note_group(at, h, pos, end, segs, nsegs);
	}
	TAILQ_FOREACH (h, &u->redo, entry) {
		if (h != g)
			undo_note_group(at, h, pos, end, segs, nsegs);
	}
	free(segs);
	return 1;
}

/* Push a new group on a stack, forgetting the oldest beyond the limit. */
static struct undo_group *
undo_push(struct undo *u, int redo)
{
	struct undo_groups *stack = redo ? &u->redo : &u->undo;
	size_t *n = redo ? &u->nredo : &u->nundo;
	struct undo_group *g;

	if (*n >= UNDO_MAX_GROUPS) {
		g = TAILQ_FIRST(stack);
		TAILQ_REMOVE(stack, g, entry);
		(*n)--;
		if (g == u->rec)
			u->rec = NULL;
		undo_group_free(g);
	}
	g = undo_group_new(u);
	TAILQ_INSERT_TAIL(stack, g, entry);
	(*n)++;
	return g;
}

static void
undo_clear_redo(struct undo *u)
{
	struct undo_group *g;

	while ((g = TAILQ_FIRST(&u->redo)) != NULL) {
		TAILQ_REMOVE(&u->redo, g, entry);
		if (g == u->rec)
			u->rec = NULL;
		undo_group_free(g);
	}
	u->nredo = 0;
}

/* The group an op of the owner goes into, opened if need be. */
static struct undo_group *
undo_recorder(struct undo *u, enum undo_kind kind, int boundary)
{
	switch (kind) {
	case UNDO_UNDO:
		/* Undoing builds a redo group. */
		if (u->rec == NULL || u->rec_kind != UNDO_UNDO) {
			u->rec = undo_push(u, 1);
			u->rec_kind = UNDO_UNDO;
		}
		break;
	case UNDO_REDO:
		/* Redoing builds an undo group and keeps the rest of redo. */
		if (u->rec == NULL || u->rec_kind != UNDO_REDO) {
			u->rec = undo_push(u, 0);
			u->rec_kind = UNDO_REDO;
		}
		break;
	default:
		undo_clear_redo(u);
		if (boundary || u->rec == NULL || u->rec_kind != UNDO_EDIT) {
			u->rec = undo_push(u, 0);
			u->rec_kind = UNDO_EDIT;
		}
		break;
	}
	return u->rec;
}

static struct undo_group *
undo_find_group(struct undo *u, uint64_t id)
{
	struct undo_group *g;

	TAILQ_FOREACH (g, &u->undo, entry) {
		if (g->id == id)
			return g;
	}
	TAILQ_FOREACH (g, &u->redo, entry) {
		if (g->id == id)
			return g;
	}
	return NULL;
}

/* Give back to other groups what they had in the bytes just put back at
 * pos: their ranges, and their anchors (when still where the delete left
 * them). Groups or atoms forgotten since are skipped. */
static void
undo_revive(struct undo *u, size_t pos, const struct undo_provs *p)
{
	const struct undo_prov *pv;
	struct undo_group *h;
	struct undo_atom at;
	size_t i, k;

	for (i = 0; i < p->n; i++) {
		pv = &p->v[i];
		if ((h = undo_find_group(u, pv->group)) == NULL)
			continue;
		if (pv->atom == 0) {
			undo_group_add_range(
			    h, pos + pv->off, pos + pv->off + pv->len);
			continue;
		}
		for (k = 0; k < h->natoms; k++) {
			if (h->atoms[k].id == pv->atom)
				break;
		}
		if (k == h->natoms || h->atoms[k].anchor != pos)
			continue;
		at = h->atoms[k];
		memmove(&h->atoms[k], &h->atoms[k + 1],
		    (h->natoms - k - 1) * sizeof *h->atoms);
		h->natoms--;
		at.anchor = pos + pv->off;
		undo_group_add_atom(h, &at);
	}
}

struct undo *
undo_create(void)
{
	struct undo *u = xcalloc(1, sizeof *u);

	TAILQ_INIT(&u->undo);
	TAILQ_INIT(&u->redo);
	u->next_id = 1;
	return u;
}

void
undo_free(struct undo *u)
{
	struct undo_group *g;

	if (u == NULL)
		return;
	while ((g = TAILQ_FIRST(&u->undo)) != NULL) {
		TAILQ_REMOVE(&u->undo, g, entry);
		undo_group_free(g);
	}
	u->rec = NULL;
	undo_clear_redo(u);
	undo_plan_clear(u);
	free(u);
}

void
undo_op(struct undo *u, size_t pos, const char *del, size_t del_len,
    const char *ins, size_t ins_len, int mine, enum undo_kind kind,
    int boundary)
{
	struct undo_group *g = NULL, *h;
	struct undo_step *step = NULL;
	struct undo_atom at;
	int took = 0;

	if (del_len == 0 && ins_len == 0)
		return;

	/* Is this the next edit undo_undo or undo_redo handed out? */
	if (u->plan != NULL) {
		if (mine && kind == u->plan_kind && u->plan_next < u->nplan &&
		    u->plan[u->plan_next].pos == pos &&
		    u->plan[u->plan_next].del_len == del_len &&
		    u->plan[u->plan_next].ins_len == ins_len)
			step = &u->plan[u->plan_next++];
		else
			undo_plan_clear(u);
	}

	/* Work out what is deleted before anything moves. */
	if (mine) {
		g = undo_recorder(u, kind, boundary);
		if (del_len != 0)
			took = undo_take(u, g, pos, del, del_len, &at);
	}

	TAILQ_FOREACH (h, &u->undo, entry)
		undo_group_transform(h, pos, del_len, ins_len);
	TAILQ_FOREACH (h, &u->redo, entry)
		undo_group_transform(h, pos, del_len, ins_len);

	/* Then record, so this op does not move what it records. */
	if (g != NULL) {
		if (took)
			undo_group_add_atom(g, &at);
		undo_group_add_range(g, pos, pos + ins_len);
	}
	if (step != NULL) {
		undo_revive(u, pos, &step->provs);
		if (u->plan_next == u->nplan)
			undo_plan_clear(u);
	}
}

/*
 * Turn g into the edits that reverse it, in the order to apply them. The
 * ranges and anchors are cut into clusters: ranges that touch, with the
 * atoms anchored in or at the edge of them, or atoms on their own at one
 * place. Each cluster is one edit (delete the ranges, insert the atoms'
 * bytes in order); clusters do not touch, so going from the last to the
 * first keeps the positions of those not yet applied.
 */
static size_t
undo_group_edits(const struct undo_group *g, struct undo_edit **edits,
    struct undo_step **steps)
{
	struct undo_edit *e = NULL;
	struct undo_step *s = NULL;
	size_t n = 0, cap = 0, capsteps = 0, ri = 0, ai = 0, a0, a1, i;
	size_t start, end, len, off;

	while (ri < g->nranges || ai < g->natoms) {
		if (ri < g->nranges &&
		    (ai == g->natoms ||
		        g->ranges[ri].a <= g->atoms[ai].anchor)) {
			start = g->ranges[ri].a;
			end = g->ranges[ri].b;
			ri++;
		} else
			start = end = g->atoms[ai].anchor;
		a0 = ai;
		for (;;) {
			if (ri < g->nranges && g->ranges[ri].a == end)
				end = g->ranges[ri++].b;
			else if (ai < g->natoms && g->atoms[ai].anchor <= end)
				ai++;
			else
				break;
		}
		a1 = ai;

		len = 0;
		for (i = a0; i < a1; i++)
			len += g->atoms[i].len;

		e = undo_grow(e, &cap, n + 1, sizeof *e);
		s = undo_grow(s, &capsteps, n + 1, sizeof *s);
		memset(&s[n], 0, sizeof s[n]);
		e[n].pos = s[n].pos = start;
		e[n].del_len = s[n].del_len = end - start;
		e[n].ins_len = s[n].ins_len = len;
		e[n].ins = NULL;
		if (len != 0) {
			e[n].ins = xmalloc(len);
			off = 0;
			for (i = a0; i < a1; i++) {
				memcpy(e[n].ins + off, g->atoms[i].data,
				    g->atoms[i].len);
				undo_provs_append(
				    &s[n].provs, &g->atoms[i].provs, off);
				off += g->atoms[i].len;
			}
		}
		n++;
	}

	/* Last first. */
	for (i = 0; i < n / 2; i++) {
		struct undo_edit te = e[i];
		struct undo_step ts = s[i];

		e[i] = e[n - 1 - i];
		e[n - 1 - i] = te;
		s[i] = s[n - 1 - i];
		s[n - 1 - i] = ts;
	}
	*edits = e;
	*steps = s;
	return n;
}

/* Take the newest group off the undo or redo stack and reverse it. */
static int
undo_pop(struct undo *u, int redo, struct undo_edit **edits, size_t *n)
{
	struct undo_groups *stack = redo ? &u->redo : &u->undo;
	struct undo_group *g;
	struct undo_step *steps;

	*edits = NULL;
	*n = 0;
	undo_plan_clear(u);
	u->rec = NULL; /* whatever comes next starts a new group */

	if ((g = TAILQ_LAST(stack, undo_groups)) == NULL)
		return -1;
	TAILQ_REMOVE(stack, g, entry);
	if (redo)
		u->nredo--;
	else
		u->nundo--;

	if (g->nranges == 0 && g->natoms == 0) {
		undo_group_free(g);
		return 0;
	}
	*n = undo_group_edits(g, edits, &steps);
	undo_group_free(g);

	u->plan = steps;
	u->nplan = *n;
	u->plan_next = 0;
	u->plan_kind = redo ? UNDO_REDO : UNDO_UNDO;
	return 1;
}

int
undo_undo(struct undo *u, struct undo_edit **edits, size_t *n)
{
	return undo_pop(u, 0, edits, n);
}

int
undo_redo(struct undo *u, struct undo_edit **edits, size_t *n)
{
	return undo_pop(u, 1, edits, n);
}

void
undo_edits_free(struct undo_edit *edits, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(edits[i].ins);
	free(edits);
}

size_t
undo_depth(const struct undo *u, size_t *redo)
{
	if (redo != NULL)
		*redo = u->nredo;
	return u->nundo;
}

/*
 * Saved form, every number a size (below):
 *
 *	version (one byte, 1)
 *	count of undo groups, the groups oldest first
 *	count of redo groups, the groups oldest first
 *
 * A group: the count of ranges, each as the gap from the end of the one
 * before (or from 0) and its length; the count of atoms, each as the gap
 * from the anchor before (or from 0), the length and the bytes, then the
 * count of provenance entries, each as the group's index (undo groups
 * then redo groups, oldest first), 0 for a range or an atom's index plus
 * one, the offset and the length (0 for an anchor).
 *
 * A size is unsigned LEB128 of up to 64 bits, in its shortest form, so
 * that saving a loaded history gives the same bytes back.
 */
#define UNDO_VERSION 1

static void
undo_put_size(struct bytes *out, size_t v)
{
	uint64_t x = v;
	uint8_t p[10];
	size_t n = 0;

	while (x >= 0x80) {
		p[n++] = (x & 0x7f) | 0x80;
		x >>= 7;
	}
	p[n++] = x;
	bytes_add(out, p, n);
}

static size_t
undo_get_size(struct reader *r)
{
	uint64_t v = 0;
	uint8_t c;
	int shift;

	for (shift = 0; shift < 64; shift += 7) {
		c = reader_u8(r);
		if (r->err)
			return 0;
		/* The tenth byte may only hold the top bit. */
		if (shift == 63 && c > 1)
			break;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (c & 0x80)
			continue;
		/* A last byte of zero after others is not the shortest. */
		if (c == 0 && shift != 0)
			break;
#if SIZE_MAX < UINT64_MAX
		if (v > SIZE_MAX)
			break;
#endif
		return v;
	}
	r->err = 1;
	return 0;
}

/* The ids of one stack, oldest first: they ascend. */
static uint64_t *
undo_stack_ids(const struct undo_groups *stack, size_t n)
{
	const struct undo_group *g;
	uint64_t *ids = xreallocarray(NULL, n, sizeof *ids);
	size_t i = 0;

	TAILQ_FOREACH (g, stack, entry)
		ids[i++] = g->id;
	return ids;
}

static int
undo_find_id(const uint64_t *ids, size_t n, uint64_t id, size_t *idx)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ids[mid] == id) {
			*idx = mid;
			return 1;
		}
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The saved index of a provenance entry's group and atom; 0 when either is
 * forgotten (the entry is not saved). */
static int
undo_prov_index(const struct undo *u, const uint64_t *uids,
    const uint64_t *rids, const struct undo_prov *pv, size_t *gidx,
    size_t *aidx)
{
	const struct undo_group *h;
	size_t i;

	if (undo_find_id(uids, u->nundo, pv->group, &i)) {
		*gidx = i;
		h = TAILQ_FIRST(&u->undo);
	} else if (undo_find_id(rids, u->nredo, pv->group, &i)) {
		*gidx = u->nundo + i;
		h = TAILQ_FIRST(&u->redo);
	} else
		return 0;
	while (i-- > 0)
		h = TAILQ_NEXT(h, entry);

	*aidx = 0;
	if (pv->atom == 0)
		return 1;
	for (i = 0; i < h->natoms; i++) {
		if (h->atoms[i].id == pv->atom) {
			*aidx = i + 1;
			return 1;
		}
	}
	return 0;
}

static void
undo_save_group(const struct undo *u, const struct undo_group *g,
    const uint64_t *uids, const uint64_t *rids, struct bytes *out)
{
	const struct undo_atom *at;
	size_t i, k, last, n, gidx, aidx;

	undo_put_size(out, g->nranges);
	last = 0;
	for (i = 0; i < g->nranges; i++) {
		undo_put_size(out, g->ranges[i].a - last);
		undo_put_size(out, g->ranges[i].b - g->ranges[i].a);
		last = g->ranges[i].b;
	}

	undo_put_size(out, g->natoms);
	last = 0;
	for (i = 0; i < g->natoms; i++) {
		at = &g->atoms[i];
		undo_put_size(out, at->anchor - last);
		undo_put_size(out, at->len);
		bytes_add(out, at->data, at->len);
		last = at->anchor;

		n = 0;
		for (k = 0; k < at->provs.n; k++) {
			if (undo_prov_index(
			        u, uids, rids, &at->provs.v[k], &gidx, &aidx))
				n++;
		}
		undo_put_size(out, n);
		for (k = 0; k < at->provs.n; k++) {
			if (!undo_prov_index(
			        u, uids, rids, &at->provs.v[k], &gidx, &aidx))
				continue;
			undo_put_size(out, gidx);
			undo_put_size(out, aidx);
			undo_put_size(out, at->provs.v[k].off);
			undo_put_size(out, at->provs.v[k].len);
		}
	}
}

void
undo_save(const struct undo *u, struct bytes *out)
{
	const struct undo_group *g;
	uint64_t *uids, *rids;

	uids = undo_stack_ids(&u->undo, u->nundo);
	rids = undo_stack_ids(&u->redo, u->nredo);

	bytes_add_u8(out, UNDO_VERSION);
	undo_put_size(out, u->nundo);
	TAILQ_FOREACH (g, &u->undo, entry)
		undo_save_group(u, g, uids, rids, out);
	undo_put_size(out, u->nredo);
	TAILQ_FOREACH (g, &u->redo, entry)
		undo_save_group(u, g, uids, rids, out);

	free(uids);
	free(rids);
}

/* Read one group; provenance is left as saved indexes (group in .group,
 * atom in .atom) for undo_load to check once every group is read. */
static struct undo_group *
undo_load_group(struct undo *u, struct reader *r, size_t doc_len)
{
	struct undo_group *g;
	struct undo_atom *at;
	struct undo_prov *pv;
	const uint8_t *p;
	size_t i, k, n, gap, len, last;

	g = undo_group_new(u);

	/* Every range takes two bytes at least. */
	n = undo_get_size(r);
	if (r->err || n > r->left / 2)
		goto bad;
	g->ranges = xreallocarray(NULL, n, sizeof *g->ranges);
	g->rangescap = n;
	last = 0;
	for (i = 0; i < n; i++) {
		gap = undo_get_size(r);
		len = undo_get_size(r);
		if (r->err || len == 0 || gap > doc_len - last ||
		    len > doc_len - last - gap)
			goto bad;
		g->ranges[i].a = last + gap;
		g->ranges[i].b = last + gap + len;
		last = g->ranges[i].b;
		g->nranges++;
	}

	/* Every atom takes four bytes at least. */
	n = undo_get_size(r);
	if (r->err || n > r->left / 4)
		goto bad;
	g->atoms = xcalloc(n, sizeof *g->atoms);
	g->atomscap = n;
	last = 0;
	for (i = 0; i < n; i++) {
		at = &g->atoms[i];
		gap = undo_get_size(r);
		len = undo_get_size(r);
		if (r->err || len == 0 || gap > doc_len - last || len > r->left)
			goto bad;
		if ((p = reader_bytes(r, len)) == NULL)
			goto bad;
		at->id = u->next_id++;
		at->anchor = last + gap;
		at->data = xmalloc(len);
		memcpy(at->data, p, len);
		at->len = len;
		last = at->anchor;
		g->natoms++;

		/* Every entry takes four bytes. */
		k = undo_get_size(r);
		if (r->err || k > r->left / 4)
			goto bad;
		at->provs.v = xreallocarray(NULL, k, sizeof *at->provs.v);
		at->provs.cap = k;
		for (; k > 0; k--) {
			pv = &at->provs.v[at->provs.n++];
			pv->group = undo_get_size(r);
			pv->atom = undo_get_size(r);
			pv->off = undo_get_size(r);
			pv->len = undo_get_size(r);
			if (r->err || pv->off > len || pv->len > len - pv->off)
				goto bad;
			if ((pv->atom == 0) != (pv->len != 0))
				goto bad; /* a range has bytes, an anchor not */
		}
	}
	return g;

bad:
	r->err = 1;
	undo_group_free(g);
	return NULL;
}

/* Turn saved provenance indexes into ids; 0 if one points nowhere. */
static int
undo_load_provs(struct undo_group **all, size_t nall, struct undo_group *g)
{
	struct undo_prov *pv;
	struct undo_group *h;
	size_t i, k;

	for (i = 0; i < g->natoms; i++) {
		for (k = 0; k < g->atoms[i].provs.n; k++) {
			pv = &g->atoms[i].provs.v[k];
			if (pv->group >= nall)
				return 0;
			h = all[pv->group];
			if (pv->atom > h->natoms)
				return 0;
			pv->group = h->id;
			if (pv->atom != 0)
				pv->atom = h->atoms[pv->atom - 1].id;
		}
	}
	return 1;
}

struct undo *
undo_load(const void *data, size_t len, size_t doc_len)
{
	struct undo *u = undo_create();
	struct undo_group *g, **all = NULL;
	struct reader r;
	size_t i, n, nall = 0;
	int stack;

	reader_init(&r, data, len);
	if (reader_u8(&r) != UNDO_VERSION || r.err)
		goto bad;

	for (stack = 0; stack < 2; stack++) {
		/* Every group takes two bytes at least. */
		n = undo_get_size(&r);
		if (r.err || n > UNDO_MAX_GROUPS || n > r.left / 2)
			goto bad;
		for (i = 0; i < n; i++) {
			if ((g = undo_load_group(u, &r, doc_len)) == NULL)
				goto bad;
			if (stack == 0) {
				TAILQ_INSERT_TAIL(&u->undo, g, entry);
				u->nundo++;
			} else {
				TAILQ_INSERT_TAIL(&u->redo, g, entry);
				u->nredo++;
			}
		}
	}
	if (r.left != 0)
		goto bad;

	nall = u->nundo + u->nredo;
	all = xreallocarray(NULL, nall, sizeof *all);
	i = 0;
	TAILQ_FOREACH (g, &u->undo, entry)
		all[i++] = g;
	TAILQ_FOREACH (g, &u->redo, entry)
		all[i++] = g;
	for (i = 0; i < nall; i++) {
		if (!undo_load_provs(all, nall, all[i]))
			goto bad;
	}
	free(all);
	return u;

bad:
	free(all);
	undo_free(u);
	return NULL;
}
