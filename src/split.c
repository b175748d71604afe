/* split.c: one person's panes as a tree of splits, as tmux lays out its.
 * Laid out into rectangles, walked by direction, resized, saved as text. */
#include "moot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "split.h"

/*
 * Each split has a share of its parent's length (SPLIT_SCALE parts in
 * all among the children), so a terminal that changes size lays the same
 * proportions out again. Side-by-side children have one column between
 * them (the border); children one above the other have none (each pane
 * draws its own title row).
 */

static struct split *
split_alloc(enum split_type type, void *pane)
{
	struct split *s = xcalloc(1, sizeof *s);

	s->type = type;
	s->share = SPLIT_SCALE;
	s->pane = pane;
	TAILQ_INIT(&s->children);
	return s;
}

struct split *
split_new(void *pane)
{
	return split_alloc(SPLIT_PANE, pane);
}

void
split_free(struct split *s)
{
	struct split *c, *c1;

	if (s == NULL)
		return;
	TAILQ_FOREACH_SAFE (c, &s->children, entry, c1)
		split_free(c);
	free(s);
}

/* Put n in the place of old in old's parent (or nowhere: a root). */
static void
split_replace(struct split *old, struct split *n)
{
	n->parent = old->parent;
	n->share = old->share;
	if (old->parent != NULL) {
		TAILQ_INSERT_AFTER(&old->parent->children, old, n, entry);
		TAILQ_REMOVE(&old->parent->children, old, entry);
	}
	old->parent = NULL;
}

struct split *
split_add(
    struct split **root, struct split *leaf, enum split_type type, void *pane)
{
	struct split *p = leaf->parent, *n, *node;

	n = split_alloc(SPLIT_PANE, pane);
	if (p != NULL && p->type == type && leaf->share >= 2) {
		/* One more beside it: half of its share. */
		n->parent = p;
		n->share = leaf->share - leaf->share / 2;
		leaf->share /= 2;
		TAILQ_INSERT_AFTER(&p->children, leaf, n, entry);
		return n;
	}
	/* A new split in its place, with it and the new one as halves. */
	node = split_alloc(type, NULL);
	split_replace(leaf, node);
	if (node->parent == NULL)
		*root = node;
	leaf->parent = node;
	leaf->share = SPLIT_SCALE / 2;
	n->parent = node;
	n->share = SPLIT_SCALE - SPLIT_SCALE / 2;
	TAILQ_INSERT_TAIL(&node->children, leaf, entry);
	TAILQ_INSERT_TAIL(&node->children, n, entry);
	return n;
}

struct split *
split_remove(struct split *root, struct split *leaf)
{
	struct split *p = leaf->parent, *to, *only;

	if (p == NULL)
		return root; /* the last pane stays */
	if ((to = TAILQ_PREV(leaf, split_children, entry)) == NULL)
		to = TAILQ_NEXT(leaf, entry);
	to->share += leaf->share;
	TAILQ_REMOVE(&p->children, leaf, entry);
	split_free(leaf);

	only = TAILQ_FIRST(&p->children);
	if (TAILQ_NEXT(only, entry) != NULL)
		return root;
	/* One child left: it takes its parent's place. */
	TAILQ_REMOVE(&p->children, only, entry);
	split_replace(p, only);
	if (p == root) {
		only->share = SPLIT_SCALE;
		root = only;
	}
	free(p);
	return root;
}

static void
split_hide(struct split *s)
{
	struct split *c;

	s->hidden = 1;
	TAILQ_FOREACH (c, &s->children, entry)
		split_hide(c);
}

void
split_layout(struct split *s, unsigned x, unsigned y, unsigned sx, unsigned sy)
{
	struct split *c;
	unsigned n = 0, gaps, avail, used = 0, size, at;

	s->x = x;
	s->y = y;
	s->sx = sx;
	s->sy = sy;
	s->hidden = 0;
	if (s->type == SPLIT_PANE) {
		if (sx < SPLIT_MIN_COLS || sy < SPLIT_MIN_ROWS)
			s->hidden = 1;
		return;
	}
	TAILQ_FOREACH (c, &s->children, entry)
		n++;
	gaps = s->type == SPLIT_LEFTRIGHT ? n - 1 : 0;
	avail = s->type == SPLIT_LEFTRIGHT ? sx : sy;
	if (avail < gaps + n) {
		split_hide(s);
		return;
	}
	avail -= gaps;
	at = s->type == SPLIT_LEFTRIGHT ? x : y;
	TAILQ_FOREACH (c, &s->children, entry) {
		if (TAILQ_NEXT(c, entry) == NULL)
			size = avail - used;
		else
			size = (unsigned)((unsigned long long)avail * c->share /
			                  SPLIT_SCALE);
		if (size > avail - used)
			size = avail - used;
		if (s->type == SPLIT_LEFTRIGHT) {
			split_layout(c, at, y, size, sy);
			at += size + 1;
		} else {
			split_layout(c, x, at, sx, size);
			at += size;
		}
		used += size;
	}
}

struct split *
split_first(struct split *s)
{
	while (s->type != SPLIT_PANE)
		s = TAILQ_FIRST(&s->children);
	return s;
}

struct split *
split_next(struct split *root, struct split *leaf)
{
	struct split *s = leaf;

	while (s->parent != NULL && TAILQ_NEXT(s, entry) == NULL)
		s = s->parent;
	if (s->parent == NULL)
		return split_first(root);
	return split_first(TAILQ_NEXT(s, entry));
}

/* Every visible leaf, into a callback's hands. */
static void
split_leaves(struct split *s, void (*cb)(struct split *, void *), void *arg)
{
	struct split *c;

	if (s->type == SPLIT_PANE) {
		if (!s->hidden)
			cb(s, arg);
		return;
	}
	TAILQ_FOREACH (c, &s->children, entry)
		split_leaves(c, cb, arg);
}

struct split_finding {
	const struct split *from;
	enum split_dir dir;
	struct split *best;
	unsigned overlap;
};

/* How much [a, a + an) and [b, b + bn) overlap. */
static unsigned
split_overlap(unsigned a, unsigned an, unsigned b, unsigned bn)
{
	unsigned lo = a > b ? a : b, hi = a + an < b + bn ? a + an : b + bn;

	return hi > lo ? hi - lo : 0;
}

static void
split_consider(struct split *s, void *arg)
{
	struct split_finding *f = arg;
	const struct split *l = f->from;
	unsigned overlap = 0;

	switch (f->dir) {
	case SPLIT_RIGHT:
		if (s->x == l->x + l->sx + 1)
			overlap = split_overlap(s->y, s->sy, l->y, l->sy);
		break;
	case SPLIT_LEFT:
		if (s->x + s->sx + 1 == l->x)
			overlap = split_overlap(s->y, s->sy, l->y, l->sy);
		break;
	case SPLIT_DOWN:
		if (s->y == l->y + l->sy)
			overlap = split_overlap(s->x, s->sx, l->x, l->sx);
		break;
	case SPLIT_UP:
		if (s->y + s->sy == l->y)
			overlap = split_overlap(s->x, s->sx, l->x, l->sx);
		break;
	}
	if (overlap > f->overlap) {
		f->overlap = overlap;
		f->best = s;
	}
}

struct split *
split_find(struct split *root, struct split *leaf, enum split_dir dir)
{
	struct split_finding f;

	memset(&f, 0, sizeof f);
	f.from = leaf;
	f.dir = dir;
	split_leaves(root, split_consider, &f);
	return f.best;
}

/* Move n cells' worth of share from giver to taker (siblings under p),
 * leaving the giver at least one cell. 0 if anything moved. */
static int
split_move(
    struct split *p, struct split *giver, struct split *taker, unsigned n)
{
	unsigned children = 0, avail, one, delta;
	struct split *c;

	TAILQ_FOREACH (c, &p->children, entry)
		children++;
	avail = p->type == SPLIT_LEFTRIGHT ? p->sx : p->sy;
	if (p->type == SPLIT_LEFTRIGHT)
		avail = avail > children - 1 ? avail - (children - 1) : 0;
	if (avail == 0)
		avail = 1;
	one = (SPLIT_SCALE + avail - 1) / avail;
	delta = (unsigned)((unsigned long long)n * SPLIT_SCALE / avail);
	if (delta < one)
		delta = one;
	if (giver->share <= one)
		return -1;
	if (delta > giver->share - one)
		delta = giver->share - one;
	giver->share -= delta;
	taker->share += delta;
	return 0;
}

int
split_resize(struct split *leaf, enum split_dir dir, unsigned n)
{
	enum split_type type;
	struct split *s, *next, *prev;
	int grow_after; /* the edge after it (right, below) moves */

	type = dir == SPLIT_LEFT || dir == SPLIT_RIGHT ? SPLIT_LEFTRIGHT
	                                               : SPLIT_TOPBOTTOM;
	grow_after = dir == SPLIT_RIGHT || dir == SPLIT_DOWN;
	/* The edge after it, if it has one: Right/Down grows it, Left/Up
	 * shrinks it. */
	for (s = leaf; s->parent != NULL; s = s->parent) {
		if (s->parent->type != type)
			continue;
		if ((next = TAILQ_NEXT(s, entry)) != NULL) {
			if (grow_after)
				return split_move(s->parent, next, s, n);
			return split_move(s->parent, s, next, n);
		}
	}
	/* Else the edge before it: Right/Down shrinks it, Left/Up grows. */
	for (s = leaf; s->parent != NULL; s = s->parent) {
		if (s->parent->type != type)
			continue;
		if ((prev = TAILQ_PREV(s, split_children, entry)) != NULL) {
			if (grow_after)
				return split_move(s->parent, s, prev, n);
			return split_move(s->parent, prev, s, n);
		}
	}
	return -1;
}

/*
 * The border at cell x, y (after split_layout): between side-by-side
 * children, the column between them; between children one above the
 * other, the first row of the lower one (its panes' title rows). Returns
 * the child before the border, or NULL.
 */
struct split *
split_border(struct split *s, unsigned x, unsigned y)
{
	struct split *c, *n, *found;

	if (s->type == SPLIT_PANE || s->hidden)
		return NULL;
	if (x < s->x || x >= s->x + s->sx || y < s->y || y >= s->y + s->sy)
		return NULL;
	TAILQ_FOREACH (c, &s->children, entry) {
		if ((n = TAILQ_NEXT(c, entry)) == NULL)
			break;
		if (s->type == SPLIT_LEFTRIGHT && x == c->x + c->sx)
			return c;
		if (s->type == SPLIT_TOPBOTTOM && y == n->y)
			return c;
	}
	TAILQ_FOREACH (c, &s->children, entry) {
		if ((found = split_border(c, x, y)) != NULL)
			return found;
	}
	return NULL;
}

/*
 * Drag the border after before (from split_border) to column or row at:
 * before then ends there, and the child after it takes or gives the
 * difference. Neither is made smaller than a pane's minimum (or one cell,
 * when the two are too small for that). 0 if the border moved.
 */
int
split_drag(struct split *before, unsigned at)
{
	struct split *p = before->parent, *next, *c;
	unsigned children = 0, avail, start, size, total, least, share;
	unsigned both;

	if (p == NULL || (next = TAILQ_NEXT(before, entry)) == NULL)
		return -1;
	TAILQ_FOREACH (c, &p->children, entry)
		children++;
	if (p->type == SPLIT_LEFTRIGHT) {
		avail = p->sx > children - 1 ? p->sx - (children - 1) : 1;
		start = before->x;
		total = before->sx + next->sx;
		least = SPLIT_MIN_COLS;
	} else {
		avail = p->sy > 0 ? p->sy : 1;
		start = before->y;
		total = before->sy + next->sy;
		least = SPLIT_MIN_ROWS;
	}
	if (total < 2 * least)
		least = 1;
	if (total < 2)
		return -1;
	size = at > start ? at - start : 0;
	if (size < least)
		size = least;
	if (size > total - least)
		size = total - least;
	if (size == (p->type == SPLIT_LEFTRIGHT ? before->sx : before->sy))
		return -1;
	/* The smallest share that lays out to size cells (split_layout
	 * rounds down). */
	share =
	    (unsigned)(((unsigned long long)size * SPLIT_SCALE + avail - 1) /
	               avail);
	both = before->share + next->share;
	if (share >= both)
		share = both - 1;
	if (share == 0)
		return -1;
	before->share = share;
	next->share = both - share;
	return 0;
}

size_t
split_count(const struct split *s)
{
	const struct split *c;
	size_t n = 0;

	if (s->type == SPLIT_PANE)
		return 1;
	TAILQ_FOREACH (c, &s->children, entry)
		n += split_count(c);
	return n;
}

static void
split_save_node(const struct split *s, char **buf, size_t *len, size_t *size)
{
	const struct split *c;
	char part[32];
	size_t n;

	if (s->type == SPLIT_PANE) {
		snprintf(part, sizeof part, "P");
	} else {
		snprintf(part, sizeof part, "%c(",
		    s->type == SPLIT_LEFTRIGHT ? 'L' : 'T');
	}
	n = strlen(part);
	if (*len + n + 16 > *size) {
		*size = (*size + n + 16) * 2;
		*buf = xrealloc(*buf, *size);
	}
	memcpy(*buf + *len, part, n + 1);
	*len += n;
	if (s->type == SPLIT_PANE)
		return;
	TAILQ_FOREACH (c, &s->children, entry) {
		n = (size_t)snprintf(part, sizeof part,
		    "%s%u:", c == TAILQ_FIRST(&s->children) ? "" : ",",
		    c->share);
		if (*len + n + 16 > *size) {
			*size = (*size + n + 16) * 2;
			*buf = xrealloc(*buf, *size);
		}
		memcpy(*buf + *len, part, n + 1);
		*len += n;
		split_save_node(c, buf, len, size);
	}
	(*buf)[(*len)++] = ')';
	(*buf)[*len] = '\0';
}

char *
split_save(const struct split *root)
{
	size_t len = 0, size = 64;
	char *buf = xmalloc(size);

	*buf = '\0';
	split_save_node(root, &buf, &len, &size);
	return buf;
}

/* A reader of the saved text. */
struct split_reader {
	const char *p;
	void **panes; /* NULL: only count */
	size_t n, used;
};

static struct split *
split_read(struct split_reader *r, unsigned depth)
{
	struct split *s, *c;
	unsigned long share, total = 0;
	unsigned children = 0;
	char *end;

	if (depth > SPLIT_MAX_DEPTH)
		return NULL;
	if (*r->p == 'P') {
		r->p++;
		if (r->used == SPLIT_MAX_PANES ||
		    (r->panes != NULL && r->used == r->n))
			return NULL;
		s = split_new(r->panes != NULL ? r->panes[r->used] : NULL);
		r->used++;
		return s;
	}
	if ((*r->p != 'L' && *r->p != 'T') || r->p[1] != '(')
		return NULL;
	s = split_alloc(*r->p == 'L' ? SPLIT_LEFTRIGHT : SPLIT_TOPBOTTOM, NULL);
	r->p += 2;
	for (;;) {
		/* A share is written one way: no sign, no leading zero. */
		if (*r->p < '1' || *r->p > '9')
			goto bad;
		share = strtoul(r->p, &end, 10);
		if (end - r->p > 5 || *end != ':' || share == 0 ||
		    share > SPLIT_SCALE)
			goto bad;
		r->p = end + 1;
		if ((c = split_read(r, depth + 1)) == NULL)
			goto bad;
		c->share = (unsigned)share;
		c->parent = s;
		TAILQ_INSERT_TAIL(&s->children, c, entry);
		children++;
		total += share;
		if (*r->p == ')')
			break;
		if (*r->p != ',')
			goto bad;
		r->p++;
	}
	r->p++;
	if (children < 2 || total != SPLIT_SCALE)
		goto bad;
	return s;
bad:
	split_free(s);
	return NULL;
}

struct split *
split_load(const char *text, void **panes, size_t n)
{
	struct split_reader r;
	struct split *root;

	memset(&r, 0, sizeof r);
	r.p = text;
	r.panes = panes;
	r.n = n;
	if ((root = split_read(&r, 0)) == NULL)
		return NULL;
	if (*r.p != '\0' || r.used != n) {
		split_free(root);
		return NULL;
	}
	return root;
}

int
split_load_count(const char *text)
{
	struct split_reader r;
	struct split *root;

	memset(&r, 0, sizeof r);
	r.p = text;
	if ((root = split_read(&r, 0)) == NULL)
		return -1;
	split_free(root);
	return *r.p == '\0' ? (int)r.used : -1;
}
