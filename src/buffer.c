/* buffer.c: the bytes of one document, in a balanced tree of chunks.
 * Byte-exact: '\n' alone ends lines; code points are counted, not checked. */
#include "moot.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"

/*
 * The text is cut into chunks of at most LEAF_MAX bytes, the leaves of a
 * B+-tree. An internal node holds up to NODE_MAX children and, beside each
 * child, a summary of the text under it: its bytes, its newlines and its code
 * points (bytes that are not UTF-8 continuation bytes). Every leaf is at the
 * same depth; the root's summary is the buffer's total.
 *
 * Finding a byte, a line or a code point walks down from the root, skipping
 * the children whose summaries say the target is further on, then looks
 * inside one leaf: O(log n) plus at most one leaf's bytes. An edit changes a
 * leaf and adds its difference to the summaries on the way back up; a leaf
 * that grows too big is split, and one that shrinks too small is joined with
 * a neighbour, so the tree stays balanced: every node but the root keeps at
 * least a quarter of its room (LEAF_MIN, NODE_MIN).
 *
 * Chunk boundaries fall anywhere: a UTF-8 sequence or a "\r\n" may be split
 * between two leaves. Nothing here cares, since all counting is per byte.
 *
 * The path to the last leaf used is kept (the cursor). The next call that
 * lands in the same leaf, as typing at one place does, uses it instead of
 * walking down again. Lookups update it too, so it is reached through a
 * pointer from the otherwise const buffer. Any change to the shape of the
 * tree forgets it.
 */

#define LEAF_MAX 2048                       /* bytes a leaf may hold */
#define LEAF_MIN (LEAF_MAX / 4)             /* fewest bytes, but in the root */
#define LEAF_FILL (LEAF_MAX - LEAF_MAX / 8) /* how full new leaves are made */
#define NODE_MAX 32                         /* children a node may hold */
#define NODE_MIN (NODE_MAX / 4)             /* fewest children, but the root */
#define NODE_FILL (NODE_MAX - NODE_MAX / 4) /* how full new nodes are made */
#define MAX_HEIGHT 24 /* far more than 2^64 bytes need (about 20) */

/* Joining needs a neighbour: a node must keep at least two children. */
#if NODE_MIN < 2
#error "NODE_MAX too small"
#endif

/* What a subtree holds. */
struct summary {
	size_t bytes;
	size_t newlines; /* '\n' bytes */
	size_t chars;    /* bytes that are not 10xxxxxx */
};

/* A chunk of text: len bytes used of cap allocated. */
struct leaf {
	size_t len;
	size_t cap;
	char data[];
};

/* One child of a node and the summary of everything under it. */
struct entry {
	struct summary sum;
	void *child; /* a struct leaf at height 1, else a struct node */
};

struct node {
	size_t n; /* children in use */
	struct entry e[NODE_MAX];
};

/*
 * The way from the root down to one leaf: at each level the node and which
 * of its children was taken, and the byte offset where that child starts.
 * before sums everything to the left of the leaf. The hint remembers where
 * a code point of the leaf is, until the leaf changes.
 */
struct path {
	int valid;
	struct node *node[MAX_HEIGHT];
	size_t idx[MAX_HEIGHT];
	size_t start[MAX_HEIGHT];
	struct leaf *leaf;
	struct summary before;

	int hint;         /* whether the next two hold */
	size_t hint_char; /* a code point of the leaf (counted in it) */
	size_t hint_off;  /* and its offset, the last buffer_char_offset */
};

struct buffer {
	void *root; /* a struct leaf if height is 0, else a struct node */
	int height; /* levels of nodes above the leaves */
	struct summary total;
	struct path *cursor; /* the last path used, if valid */
	uint64_t stamp;      /* see buffer_stamp() */
};

/* The last stamp given to any buffer: stamps never repeat in a process. */
static uint64_t buffer_stamps;

/* Bytes buffer_copy has copied, from any buffer (see buffer_copied()). */
static size_t buffer_copied_bytes;

/* What a walk down the tree looks for. */
enum find {
	FIND_BYTE,   /* the leaf holding byte t */
	FIND_GAP,    /* a leaf touching position t: may end at t */
	FIND_CHAR,   /* the leaf holding the start of code point t */
	FIND_NEWLINE /* the leaf holding newline number t (t >= 1) */
};

static void
summary_add(struct summary *s, const struct summary *d)
{
	s->bytes += d->bytes;
	s->newlines += d->newlines;
	s->chars += d->chars;
}

static void
summary_sub(struct summary *s, const struct summary *d)
{
	s->bytes -= d->bytes;
	s->newlines -= d->newlines;
	s->chars -= d->chars;
}

/*
 * Summarize len bytes. Eight bytes at a time: for each byte of a word, the
 * high bit of a lane is set when the byte is '\n' (the exact zero-byte test
 * on the word xor '\n') or a continuation byte (bit 7 set, bit 6 clear). The
 * lane bits are added up in byte-wide counters, emptied before they can
 * overflow.
 */
#define SWAR_ONES UINT64_C(0x0101010101010101)
#define SWAR_HIGH UINT64_C(0x8080808080808080)
#define SWAR_LOW7 UINT64_C(0x7f7f7f7f7f7f7f7f)

/* The sum of the eight byte lanes of a word (each at most 255). */
static size_t
swar_sum(uint64_t v)
{
	v = (v & UINT64_C(0x00ff00ff00ff00ff)) +
	    ((v >> 8) & UINT64_C(0x00ff00ff00ff00ff));
	return (size_t)((v * UINT64_C(0x0001000100010001)) >> 48);
}

/* One in each lane holding '\n'. */
static uint64_t
swar_newlines(uint64_t w)
{
	uint64_t x = w ^ (SWAR_ONES * '\n');

	return (~(((x & SWAR_LOW7) + SWAR_LOW7) | x) & SWAR_HIGH) >> 7;
}

/* One in each lane holding a continuation byte. */
static uint64_t
swar_continuations(uint64_t w)
{
	return (w & ~(w << 1) & SWAR_HIGH) >> 7;
}

static void
count(const char *data, size_t len, struct summary *s)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0, nl = 0, cont = 0, words, k;
	uint64_t w, acc_nl, acc_cont;

	while (len - i >= 8) {
		words = (len - i) / 8;
		if (words > 255)
			words = 255;
		acc_nl = acc_cont = 0;
		for (k = 0; k < words; k++, i += 8) {
			memcpy(&w, p + i, sizeof w);
			acc_nl += swar_newlines(w);
			acc_cont += swar_continuations(w);
		}
		nl += swar_sum(acc_nl);
		cont += swar_sum(acc_cont);
	}
	for (; i < len; i++) {
		if (p[i] == '\n')
			nl++;
		if ((p[i] & 0xc0) == 0x80)
			cont++;
	}
	s->bytes = len;
	s->newlines = nl;
	s->chars = len - cont;
}

/* The same, for the few bytes of a keystroke, kept in registers. */
static void
count_small(const char *data, size_t len, struct summary *s)
{
	size_t i, nl = 0, chars = 0;

	if (len > 16) {
		count(data, len, s);
		return;
	}
	for (i = 0; i < len; i++) {
		nl += (data[i] == '\n');
		chars += (((unsigned char)data[i] & 0xc0) != 0x80);
	}
	s->bytes = len;
	s->newlines = nl;
	s->chars = chars;
}

/* The code point starts in a word: bytes that are not 10xxxxxx. */
static size_t
swar_starts(uint64_t w)
{
	return 8 - swar_sum(swar_continuations(w));
}

/*
 * The offset in a leaf of its code point k (counting the starts in the leaf
 * from 0), scanning from one whose offset is known: code point k0 at offset
 * o0, or k0 the leaf's count and o0 its length. Whole words are skipped
 * while they hold too few starts.
 */
static size_t
leaf_char(const struct leaf *l, size_t k, size_t k0, size_t o0)
{
	const unsigned char *p = (const unsigned char *)l->data;
	size_t i = o0, n, starts;
	uint64_t w;

	if (k >= k0) {
		/* Forward: the start k - k0 places on from o0. */
		n = k - k0;
		while (l->len - i >= 8) {
			memcpy(&w, p + i, sizeof w);
			starts = swar_starts(w);
			if (starts > n)
				break;
			n -= starts;
			i += 8;
		}
		for (; i < l->len; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				if (n == 0)
					return i;
				n--;
			}
		}
	} else {
		/* Backward: the start k0 - k places before o0. */
		n = k0 - k;
		while (i >= 8) {
			memcpy(&w, p + i - 8, sizeof w);
			starts = swar_starts(w);
			if (starts >= n)
				break;
			n -= starts;
			i -= 8;
		}
		while (i > 0) {
			i--;
			if ((p[i] & 0xc0) != 0x80 && --n == 0)
				return i;
		}
	}
	fatalx("buffer: code point missing from its leaf");
}

/* The offset in a leaf of its newline number k (1 <= k <= its newlines). */
static size_t
leaf_newline(const struct leaf *l, size_t k)
{
	const char *p = l->data, *end = l->data + l->len, *nl;

	for (;;) {
		nl = memchr(p, '\n', end - p);
		if (nl == NULL)
			fatalx("buffer: newline missing from its leaf");
		if (--k == 0)
			return nl - l->data;
		p = nl + 1;
	}
}

/* Room for need bytes, rounded to 64 and at most LEAF_MAX. */
static size_t
leaf_round(size_t need)
{
	size_t cap = (need + 63) & ~(size_t)63;

	if (cap == 0)
		cap = 64;
	if (cap > LEAF_MAX)
		cap = LEAF_MAX;
	return cap;
}

/* An empty leaf with room for need bytes; NULL when memory runs out. */
static struct leaf *
leaf_try_new(size_t need)
{
	size_t cap = leaf_round(need);
	struct leaf *l;

	if ((l = xtrymalloc(sizeof *l + cap)) == NULL)
		return NULL;
	l->len = 0;
	l->cap = cap;
	return l;
}

static struct leaf *
leaf_new(size_t need)
{
	struct leaf *l;

	if ((l = leaf_try_new(need)) == NULL)
		fatal("buffer: a leaf of %zu bytes", need);
	return l;
}

/* Make room for need bytes (need <= LEAF_MAX); the leaf may move. */
static struct leaf *
leaf_grow(struct leaf *l, size_t need)
{
	size_t cap;

	if (need <= l->cap)
		return l;
	cap = l->cap + l->cap / 2;
	if (cap < need)
		cap = need;
	cap = leaf_round(cap);
	l = xrealloc(l, sizeof *l + cap);
	l->cap = cap;
	return l;
}

/* The summary of a node: the sum of its children's. */
static void
node_sum(const struct node *node, struct summary *s)
{
	size_t i;

	memset(s, 0, sizeof *s);
	for (i = 0; i < node->n; i++)
		summary_add(s, &node->e[i].sum);
}

/* Free a subtree; recursion is as deep as the tree is high. */
static void
tree_free(void *child, int height)
{
	struct node *node = child;
	size_t i;

	if (height > 0) {
		for (i = 0; i < node->n; i++)
			tree_free(node->e[i].child, height - 1);
	}
	free(child);
}

/*
 * Put k entries into m new nodes, as evenly as they go, and leave the m new
 * entries at the front of the array (they never overtake the ones still to
 * be read). -1, with nothing changed, when memory runs out.
 */
static int
tree_try_pack(struct entry *e, size_t k, size_t m)
{
	size_t j, start = 0, size;
	struct node *node, **nodes;

	/* Every node first, so that a failure changes nothing. */
	if (m > SIZE_MAX / sizeof *nodes ||
	    (nodes = xtrymalloc(m * sizeof *nodes)) == NULL)
		return -1;
	for (j = 0; j < m; j++) {
		if ((nodes[j] = xtrymalloc(sizeof *node)) == NULL) {
			while (j > 0)
				free(nodes[--j]);
			free(nodes);
			return -1;
		}
	}
	for (j = 0; j < m; j++) {
		size = k / m + (j < k % m);
		node = nodes[j];
		node->n = size;
		memcpy(node->e, e + start, size * sizeof *e);
		start += size;
		e[j].child = node;
		node_sum(node, &e[j].sum);
	}
	free(nodes);
	return 0;
}

/* The same, where running out of memory is fatal; returns m. */
static size_t
tree_pack(struct entry *e, size_t k, size_t m)
{
	if (tree_try_pack(e, k, m) == -1)
		fatal("buffer: %zu nodes", m);
	return m;
}

/* Stack levels on k entries until one node holds them: the new root. */
static void
tree_top(struct buffer *b, struct entry *e, size_t k)
{
	size_t m;

	while (k > 1) {
		if (k <= NODE_MAX)
			m = 1;
		else
			m = (k + NODE_FILL - 1) / NODE_FILL;
		k = tree_pack(e, k, m);
		if (++b->height >= MAX_HEIGHT)
			fatalx("buffer: tree too high");
	}
	b->root = e[0].child;
	b->total = e[0].sum;
}

/* The summary of the path's leaf: kept by its parent, or the total. */
static const struct summary *
path_leaf_sum(const struct buffer *b, const struct path *p)
{
	int h = b->height;

	if (h == 0)
		return &b->total;
	return &p->node[h - 1]->e[p->idx[h - 1]].sum;
}

/* Point the path, and the tree, at a leaf that has moved. */
static void
path_set_leaf(struct buffer *b, struct path *p, struct leaf *l)
{
	int h = b->height;

	p->leaf = l;
	if (h == 0)
		b->root = l;
	else
		p->node[h - 1]->e[p->idx[h - 1]].child = l;
}

/* Add d to every summary on the path, for a change inside its leaf. */
static void
path_add(struct buffer *b, struct path *p, const struct summary *d)
{
	int level;

	for (level = 0; level < b->height; level++)
		summary_add(&p->node[level]->e[p->idx[level]].sum, d);
	summary_add(&b->total, d);
	p->hint = 0;
}

/* Take d from every summary on the path. */
static void
path_sub(struct buffer *b, struct path *p, const struct summary *d)
{
	int level;

	for (level = 0; level < b->height; level++)
		summary_sub(&p->node[level]->e[p->idx[level]].sum, d);
	summary_sub(&b->total, d);
	p->hint = 0;
}

/* The part of a summary a walk counts. */
static size_t
find_value(const struct summary *s, enum find how)
{
	switch (how) {
	case FIND_BYTE:
	case FIND_GAP:
		return s->bytes;
	case FIND_CHAR:
		return s->chars;
	case FIND_NEWLINE:
		break;
	}
	return s->newlines;
}

/* Whether target t is in a piece holding n units after lo before it. */
static int
find_inside(size_t lo, size_t n, size_t t, enum find how)
{
	switch (how) {
	case FIND_BYTE:
	case FIND_CHAR:
		return t >= lo && t - lo < n;
	case FIND_GAP:
		return t >= lo && t - lo <= n;
	case FIND_NEWLINE:
		break;
	}
	return t > lo && t - lo <= n;
}

/*
 * The path to the leaf holding target t (see enum find), in the cursor. The
 * caller has checked t is in range; at worst the walk ends in the last leaf.
 */
static struct path *
buffer_find(const struct buffer *b, enum find how, size_t t)
{
	struct path *p = b->cursor;
	struct node *node;
	void *child;
	size_t i, v;
	int level, strict = (how == FIND_BYTE || how == FIND_CHAR);

	if (p->valid && find_inside(find_value(&p->before, how),
	                    find_value(path_leaf_sum(b, p), how), t, how))
		return p;

	memset(&p->before, 0, sizeof p->before);
	child = b->root;
	for (level = 0; level < b->height; level++) {
		node = child;
		for (i = 0; i + 1 < node->n; i++) {
			v = find_value(&node->e[i].sum, how);
			if (strict ? t < v : t <= v)
				break;
			t -= v;
			summary_add(&p->before, &node->e[i].sum);
		}
		p->node[level] = node;
		p->idx[level] = i;
		p->start[level] = p->before.bytes;
		child = node->e[i].child;
	}
	p->leaf = child;
	p->valid = 1;
	p->hint = 0;
	return p;
}

/* Move the path to the next leaf; 0 if it is at the last. */
static int
path_next(const struct buffer *b, struct path *p)
{
	void *child;
	int level, i;

	for (level = b->height - 1; level >= 0; level--) {
		if (p->idx[level] + 1 < p->node[level]->n)
			break;
	}
	if (level < 0)
		return 0;
	summary_add(&p->before, path_leaf_sum(b, p));

	/* One step right, then down the left edge. */
	p->idx[level]++;
	p->start[level] = p->before.bytes;
	child = p->node[level]->e[p->idx[level]].child;
	for (i = level + 1; i < b->height; i++) {
		p->node[i] = child;
		p->idx[i] = 0;
		p->start[i] = p->before.bytes;
		child = p->node[i]->e[0].child;
	}
	p->leaf = child;
	p->hint = 0;
	return 1;
}

/* Move the path to the previous leaf; 0 if it is at the first. */
static int
path_prev(const struct buffer *b, struct path *p)
{
	struct node *node;
	void *child;
	size_t end = p->before.bytes;
	int level, i;

	for (level = b->height - 1; level >= 0; level--) {
		if (p->idx[level] > 0)
			break;
	}
	if (level < 0)
		return 0;

	/* One step left, then down the right edge. */
	p->idx[level]--;
	child = p->node[level]->e[p->idx[level]].child;
	for (i = level + 1; i < b->height; i++) {
		node = child;
		p->node[i] = node;
		p->idx[i] = node->n - 1;
		child = node->e[node->n - 1].child;
	}
	p->leaf = child;
	p->hint = 0;
	summary_sub(&p->before, path_leaf_sum(b, p));

	/* Every subtree taken from level down ends where the old leaf began. */
	for (i = level; i < b->height; i++)
		p->start[i] = end - p->node[i]->e[p->idx[i]].sum.bytes;
	return 1;
}

struct buffer *
buffer_create(void)
{
	return buffer_from(NULL, 0);
}

/*
 * A buffer holding a copy of data, built bottom up in one pass: full leaves
 * (LEAF_FILL, so some typing fits before they split), then levels of nodes.
 * NULL, with nothing kept, when memory runs out: a file being opened is
 * then refused, not the end of the session.
 */
struct buffer *
buffer_try_from(const char *data, size_t len)
{
	struct buffer *b;
	struct entry *e;
	struct leaf *l;
	size_t k, j, m, size, off = 0;

	if (len > SIZE_MAX / 2)
		return NULL;
	if ((b = xtrymalloc(sizeof *b)) == NULL)
		return NULL;
	memset(b, 0, sizeof *b);
	if ((b->cursor = xtrymalloc(sizeof *b->cursor)) == NULL)
		goto fail;
	memset(b->cursor, 0, sizeof *b->cursor);
	b->stamp = ++buffer_stamps;
	if (len <= LEAF_MAX) {
		if ((l = leaf_try_new(len)) == NULL)
			goto fail;
		if (len != 0)
			memcpy(l->data, data, len);
		l->len = len;
		count(l->data, len, &b->total);
		b->root = l;
		return b;
	}

	k = (len + LEAF_FILL - 1) / LEAF_FILL;
	if ((e = xtrymalloc(k * sizeof *e)) == NULL)
		goto fail;
	for (j = 0; j < k; j++) {
		size = len / k + (j < len % k);
		if ((l = leaf_try_new(size)) == NULL) {
			k = j;
			goto fail_tree;
		}
		memcpy(l->data, data + off, size);
		l->len = size;
		off += size;
		count(l->data, size, &e[j].sum);
		e[j].child = l;
	}
	/* Stack levels of nodes until one holds them all: the root. */
	while (k > 1) {
		m = k <= NODE_MAX ? 1 : (k + NODE_FILL - 1) / NODE_FILL;
		if (tree_try_pack(e, k, m) == -1)
			goto fail_tree;
		k = m;
		if (++b->height >= MAX_HEIGHT)
			fatalx("buffer: tree too high");
	}
	b->root = e[0].child;
	b->total = e[0].sum;
	free(e);
	return b;

fail_tree:
	for (j = 0; j < k; j++)
		tree_free(e[j].child, b->height);
	free(e);
fail:
	free(b->cursor);
	free(b);
	return NULL;
}

struct buffer *
buffer_from(const char *data, size_t len)
{
	struct buffer *b;

	if ((b = buffer_try_from(data, len)) == NULL)
		fatal("buffer: no memory for %zu bytes", len);
	return b;
}

void
buffer_free(struct buffer *b)
{
	if (b == NULL)
		return;
	tree_free(b->root, b->height);
	free(b->cursor);
	free(b);
}

size_t
buffer_length(const struct buffer *b)
{
	return b->total.bytes;
}

uint64_t
buffer_stamp(const struct buffer *b)
{
	return b->stamp;
}

size_t
buffer_copied(void)
{
	return buffer_copied_bytes;
}

/*
 * Put k entries where the path's position pos (0 the root, b->height the
 * leaf) was: d is how much the text under it grew. A node that overflows is
 * cut into nodes that take its place a level up; if the root does, the tree
 * grows a level.
 */
static void
tree_replace(struct buffer *b, struct path *p, int pos, struct entry *e,
    size_t k, const struct summary *d)
{
	struct node *parent;
	struct entry *all;
	size_t i, n;
	int level;

	for (level = pos; level > 0; level--) {
		parent = p->node[level - 1];
		i = p->idx[level - 1];
		n = parent->n - 1 + k;
		if (n <= NODE_MAX) {
			/* They fit: the nodes above only change by d. */
			memmove(&parent->e[i + k], &parent->e[i + 1],
			    (parent->n - i - 1) * sizeof *e);
			memcpy(&parent->e[i], e, k * sizeof *e);
			parent->n = n;
			free(e);
			for (level -= 2; level >= 0; level--) {
				summary_add(
				    &p->node[level]->e[p->idx[level]].sum, d);
			}
			summary_add(&b->total, d);
			p->valid = 0;
			return;
		}

		/* Too many: share the parent's children and these out. */
		all = xreallocarray(NULL, n, sizeof *all);
		memcpy(all, parent->e, i * sizeof *all);
		memcpy(all + i, e, k * sizeof *all);
		memcpy(all + i + k, &parent->e[i + 1],
		    (parent->n - i - 1) * sizeof *all);
		free(e);
		free(parent);
		e = all;
		k = tree_pack(e, n, (n + NODE_FILL - 1) / NODE_FILL);
	}
	tree_top(b, e, k);
	free(e);
	p->valid = 0;
}

/*
 * Insert into a leaf that cannot hold it: the leaf's bytes and the new ones
 * * are laid out in as many new leaves as they need, which replace it.
 */
static void
buffer_split(
    struct buffer *b, struct path *p, size_t o, const char *data, size_t len)
{
	char saved[LEAF_MAX];
	struct leaf *l = p->leaf, *nl;
	const char *seg[3];
	size_t seglen[3], total, k, j, size, n;
	struct summary d;
	struct entry *e;
	int s = 0;

	/* The bytes come from three places in turn. */
	memcpy(saved, l->data, l->len);
	seg[0] = saved;
	seglen[0] = o;
	seg[1] = data;
	seglen[1] = len;
	seg[2] = saved + o;
	seglen[2] = l->len - o;

	total = l->len + len;
	k = (total + LEAF_FILL - 1) / LEAF_FILL;
	e = xreallocarray(NULL, k, sizeof *e);
	memset(&d, 0, sizeof d);
	for (j = 0; j < k; j++) {
		size = total / k + (j < total % k);
		nl = leaf_new(size);
		while (nl->len < size) {
			if (seglen[s] == 0) {
				s++;
				continue;
			}
			n = size - nl->len;
			if (n > seglen[s])
				n = seglen[s];
			memcpy(nl->data + nl->len, seg[s], n);
			nl->len += n;
			seg[s] += n;
			seglen[s] -= n;
		}
		count(nl->data, nl->len, &e[j].sum);
		e[j].child = nl;
		summary_add(&d, &e[j].sum);
	}

	/* What the tree gains is the new leaves less the old one. */
	summary_sub(&d, path_leaf_sum(b, p));
	free(l);
	tree_replace(b, p, b->height, e, k, &d);
}

/*
 * Insert len bytes at off. The data may come from this buffer (a span, say):
 * only the leaf the insert goes to changes in place, so bytes from it are
 * copied aside first.
 */
void
buffer_insert(struct buffer *b, size_t off, const char *data, size_t len)
{
	char copy[LEAF_MAX];
	struct summary d;
	struct path *p;
	struct leaf *l;
	uintptr_t from, to;
	size_t o;

	if (off > b->total.bytes) {
		fatalx("buffer_insert at %zu beyond length %zu", off,
		    b->total.bytes);
	}
	if (len == 0)
		return;
	b->stamp = ++buffer_stamps;
	if (len > SIZE_MAX / 2 - b->total.bytes)
		fatalx(
		    "buffer too large (%zu + %zu bytes)", b->total.bytes, len);

	p = buffer_find(b, FIND_GAP, off);
	l = p->leaf;
	o = off - p->before.bytes;
	if (l->len + len > LEAF_MAX) {
		buffer_split(b, p, o, data, len);
		return;
	}

	/* It fits in the leaf: nothing but the summaries above change. */
	from = (uintptr_t)l->data;
	to = from + l->cap;
	if ((uintptr_t)data < to && (uintptr_t)data + len > from) {
		memcpy(copy, data, len);
		data = copy;
	}
	if (l->len + len > l->cap) {
		l = leaf_grow(l, l->len + len);
		path_set_leaf(b, p, l);
	}
	memmove(l->data + o + len, l->data + o, l->len - o);
	memcpy(l->data + o, data, len);
	l->len += len;
	count_small(data, len, &d);
	path_add(b, p, &d);
}

/* Whether a child of the given height is below its minimum. */
static int
tree_underfull(const struct entry *e, int height)
{
	const struct node *node = e->child;

	if (height == 0)
		return e->sum.bytes < LEAF_MIN;
	return node->n < NODE_MIN;
}

/*
 * Two neighbouring leaves, one of them too small: join them if they fit in
 * one (returning 1), else share the bytes out evenly (returning 0).
 */
static int
tree_join_leaves(struct entry *ea, struct entry *eb)
{
	struct leaf *a = ea->child, *b = eb->child;
	size_t total = a->len + b->len, n;

	if (total <= LEAF_MAX) {
		a = leaf_grow(a, total);
		memcpy(a->data + a->len, b->data, b->len);
		a->len = total;
		free(b);
		ea->child = a;
		summary_add(&ea->sum, &eb->sum);
		return 1;
	}

	if (a->len < total / 2) {
		/* The front of b moves to the end of a. */
		n = total / 2 - a->len;
		a = leaf_grow(a, a->len + n);
		memcpy(a->data + a->len, b->data, n);
		memmove(b->data, b->data + n, b->len - n);
		a->len += n;
		b->len -= n;
	} else {
		/* The end of a moves to the front of b. */
		n = a->len - total / 2;
		b = leaf_grow(b, b->len + n);
		memmove(b->data + n, b->data, b->len);
		memcpy(b->data, a->data + a->len - n, n);
		a->len -= n;
		b->len += n;
	}
	ea->child = a;
	eb->child = b;
	count(a->data, a->len, &ea->sum);
	count(b->data, b->len, &eb->sum);
	return 0;
}

/* The same for two neighbouring nodes. */
static int
tree_join_nodes(struct entry *ea, struct entry *eb)
{
	struct node *a = ea->child, *b = eb->child;
	size_t total = a->n + b->n, n;

	if (total <= NODE_MAX) {
		memcpy(&a->e[a->n], b->e, b->n * sizeof *b->e);
		a->n = total;
		free(b);
		summary_add(&ea->sum, &eb->sum);
		return 1;
	}

	if (a->n < total / 2) {
		n = total / 2 - a->n;
		memcpy(&a->e[a->n], b->e, n * sizeof *b->e);
		memmove(b->e, b->e + n, (b->n - n) * sizeof *b->e);
		a->n += n;
		b->n -= n;
	} else {
		n = a->n - total / 2;
		memmove(b->e + n, b->e, b->n * sizeof *b->e);
		memcpy(b->e, &a->e[a->n - n], n * sizeof *b->e);
		a->n -= n;
		b->n += n;
	}
	node_sum(a, &ea->sum);
	node_sum(b, &eb->sum);
	return 0;
}

/*
 * The node or leaf at the path's position pos may be too small: join it with
 * a neighbour, and go on up while that leaves its parent too small. A root
 * left with one child gives way to it.
 */
static void
tree_fix(struct buffer *b, struct path *p, int pos)
{
	struct node *parent, *root;
	size_t i, a;
	int level, height, joined;

	for (level = pos; level > 0; level--) {
		parent = p->node[level - 1];
		i = p->idx[level - 1];
		height = b->height - level;
		if (parent->n < 2 || !tree_underfull(&parent->e[i], height))
			break;

		/* The neighbour to the right, or the left for the last. */
		a = (i + 1 < parent->n) ? i : i - 1;
		if (height == 0)
			joined =
			    tree_join_leaves(&parent->e[a], &parent->e[a + 1]);
		else
			joined =
			    tree_join_nodes(&parent->e[a], &parent->e[a + 1]);
		if (!joined)
			break;
		memmove(&parent->e[a + 1], &parent->e[a + 2],
		    (parent->n - a - 2) * sizeof parent->e[0]);
		parent->n--;
	}

	while (b->height > 0) {
		root = b->root;
		if (root->n != 1)
			break;
		b->root = root->e[0].child;
		b->height--;
		free(root);
	}
	p->valid = 0;
}

/* Remove the whole subtree at child idx[level] of the path's node[level]. */
static void
tree_remove(struct buffer *b, struct path *p, int level)
{
	struct node *node = p->node[level];
	size_t i = p->idx[level];
	struct summary s = node->e[i].sum;
	int l;

	tree_free(node->e[i].child, b->height - level - 1);
	memmove(
	    &node->e[i], &node->e[i + 1], (node->n - i - 1) * sizeof *node->e);
	node->n--;
	for (l = 0; l < level; l++)
		summary_sub(&p->node[l]->e[p->idx[l]].sum, &s);
	summary_sub(&b->total, &s);
	tree_fix(b, p, level);
}

/*
 * Delete len bytes at off, a piece at a time: the part of one leaf, or the
 * biggest subtree that starts at off and goes entirely. Each step leaves a
 * balanced tree.
 */
void
buffer_delete(struct buffer *b, size_t off, size_t len)
{
	struct summary d;
	struct entry *e;
	struct path *p;
	struct leaf *l;
	size_t o, n;
	int level;

	if (off > b->total.bytes || len > b->total.bytes - off) {
		fatalx("buffer_delete of %zu at %zu beyond length %zu", len,
		    off, b->total.bytes);
	}
	if (len == 0)
		return;
	b->stamp = ++buffer_stamps;

	if (len == b->total.bytes) {
		/* Everything: back to one empty leaf. */
		tree_free(b->root, b->height);
		b->root = leaf_new(0);
		b->height = 0;
		memset(&b->total, 0, sizeof b->total);
		b->cursor->valid = 0;
		return;
	}

	while (len != 0) {
		p = buffer_find(b, FIND_BYTE, off);
		l = p->leaf;
		o = off - p->before.bytes;
		n = l->len - o;
		if (n > len)
			n = len;

		if (n == l->len && b->height != 0) {
			/* The whole leaf goes, and perhaps more above it. */
			e = NULL;
			for (level = 0; level < b->height; level++) {
				e = &p->node[level]->e[p->idx[level]];
				if (p->start[level] == off &&
				    e->sum.bytes <= len)
					break;
			}
			len -= e->sum.bytes;
			tree_remove(b, p, level);
			continue;
		}

		count_small(l->data + o, n, &d);
		memmove(l->data + o, l->data + o + n, l->len - o - n);
		l->len -= n;
		path_sub(b, p, &d);
		len -= n;
		if (b->height != 0 && l->len < LEAF_MIN)
			tree_fix(b, p, b->height);
	}
}

size_t
buffer_copy(const struct buffer *b, size_t off, size_t len, char *out)
{
	size_t total, o, n;
	struct path *p;

	if (off > b->total.bytes) {
		fatalx("buffer_copy at %zu beyond length %zu", off,
		    b->total.bytes);
	}
	if (len > b->total.bytes - off)
		len = b->total.bytes - off;
	total = len;
	if (len == 0)
		return 0;
	buffer_copied_bytes += len;

	p = buffer_find(b, FIND_BYTE, off);
	o = off - p->before.bytes;
	for (;;) {
		n = p->leaf->len - o;
		if (n > len)
			n = len;
		memcpy(out, p->leaf->data + o, n);
		out += n;
		len -= n;
		if (len == 0 || !path_next(b, p))
			break;
		o = 0;
	}
	return total;
}

unsigned char
buffer_byte(const struct buffer *b, size_t off)
{
	struct path *p;

	if (off >= b->total.bytes) {
		fatalx("buffer_byte at %zu beyond length %zu", off,
		    b->total.bytes);
	}
	p = buffer_find(b, FIND_BYTE, off);
	return (unsigned char)p->leaf->data[off - p->before.bytes];
}

/* The whole text, NUL-ended as a convenience (the text may hold NULs). */
char *
buffer_contents(const struct buffer *b, size_t *len)
{
	size_t length = b->total.bytes;
	char *out = xmalloc(length + 1);

	buffer_copy(b, 0, length, out);
	out[length] = '\0';
	if (len != NULL)
		*len = length;
	return out;
}

size_t
buffer_lines(const struct buffer *b)
{
	return b->total.newlines + 1;
}

/* The offset of newline number k (1 <= k <= newlines). */
static size_t
buffer_newline(const struct buffer *b, size_t k)
{
	struct path *p = buffer_find(b, FIND_NEWLINE, k);

	return p->before.bytes + leaf_newline(p->leaf, k - p->before.newlines);
}

size_t
buffer_line_start(const struct buffer *b, size_t line)
{
	if (line > b->total.newlines) {
		fatalx("buffer_line_start of line %zu of %zu", line,
		    b->total.newlines + 1);
	}
	if (line == 0)
		return 0;
	return buffer_newline(b, line) + 1;
}

size_t
buffer_line_end(const struct buffer *b, size_t line)
{
	if (line > b->total.newlines) {
		fatalx("buffer_line_end of line %zu of %zu", line,
		    b->total.newlines + 1);
	}
	if (line == b->total.newlines)
		return b->total.bytes;
	return buffer_newline(b, line + 1);
}

size_t
buffer_line_of(const struct buffer *b, size_t off)
{
	const struct summary *ls;
	struct summary s;
	struct path *p;
	size_t o;

	if (off > b->total.bytes) {
		fatalx("buffer_line_of %zu beyond length %zu", off,
		    b->total.bytes);
	}
	p = buffer_find(b, FIND_GAP, off);
	ls = path_leaf_sum(b, p);
	o = off - p->before.bytes;

	/* Count the newlines on the shorter side of off in the leaf. */
	if (o <= p->leaf->len / 2) {
		count(p->leaf->data, o, &s);
		return p->before.newlines + s.newlines;
	}
	count(p->leaf->data + o, p->leaf->len - o, &s);
	return p->before.newlines + ls->newlines - s.newlines;
}

size_t
buffer_chars(const struct buffer *b)
{
	return b->total.chars;
}

size_t
buffer_char_offset(const struct buffer *b, size_t ch)
{
	const struct summary *ls;
	struct path *p;
	size_t k, k0, o0, o;

	if (ch > b->total.chars) {
		fatalx("buffer_char_offset of %zu beyond %zu code points", ch,
		    b->total.chars);
	}
	if (ch == b->total.chars)
		return b->total.bytes;

	p = buffer_find(b, FIND_CHAR, ch);
	ls = path_leaf_sum(b, p);
	k = ch - p->before.chars;
	if (ls->chars == ls->bytes) {
		/* No continuation bytes: every byte starts a code point. */
		return p->before.bytes + k;
	}

	/* Scan from the nearest known place: the start, the end, the hint. */
	k0 = 0;
	o0 = 0;
	if (ls->chars - k < k) {
		k0 = ls->chars;
		o0 = p->leaf->len;
	}
	if (p->hint &&
	    (p->hint_char > k ? p->hint_char - k : k - p->hint_char) <
	        (k0 > k ? k0 - k : k - k0)) {
		k0 = p->hint_char;
		o0 = p->hint_off;
	}
	o = leaf_char(p->leaf, k, k0, o0);
	p->hint = 1;
	p->hint_char = k;
	p->hint_off = o;
	return p->before.bytes + o;
}

const char *
buffer_span(const struct buffer *b, size_t off, size_t *len)
{
	struct path *p;
	size_t o;

	if (off >= b->total.bytes) {
		fatalx("buffer_span at %zu beyond length %zu", off,
		    b->total.bytes);
	}
	p = buffer_find(b, FIND_BYTE, off);
	o = off - p->before.bytes;
	*len = p->leaf->len - o;
	return p->leaf->data + o;
}

/*
 * The Knuth-Morris-Pratt failure table of a needle: fail[i] is the length of
 * the longest proper prefix of needle[0..i] that also ends it. With it a
 * search reads each byte of the text once, however the text is cut up.
 */
static size_t *
search_table(const unsigned char *needle, size_t nlen)
{
	size_t *fail = xreallocarray(NULL, nlen, sizeof *fail), i, k = 0;

	fail[0] = 0;
	for (i = 1; i < nlen; i++) {
		while (k > 0 && needle[i] != needle[k])
			k = fail[k - 1];
		if (needle[i] == needle[k])
			k++;
		fail[i] = k;
	}
	return fail;
}

/* The first match at or after off (off + nlen <= length). */
static size_t
search_forward(const struct buffer *b, size_t off, const unsigned char *needle,
    size_t nlen)
{
	const unsigned char *data, *found;
	size_t *fail, q = 0, i, len, result = BUFFER_NONE;
	struct path *p;

	fail = search_table(needle, nlen);
	p = buffer_find(b, FIND_BYTE, off);
	i = off - p->before.bytes;
	for (;;) {
		data = (const unsigned char *)p->leaf->data;
		len = p->leaf->len;
		while (i < len) {
			if (q == 0) {
				/* Nothing matched yet: skip to the first byte.
				 */
				found = memchr(data + i, needle[0], len - i);
				if (found == NULL)
					break;
				i = found - data + 1;
				q = 1;
			} else {
				while (q > 0 && data[i] != needle[q])
					q = fail[q - 1];
				if (data[i] == needle[q])
					q++;
				i++;
			}
			if (q == nlen) {
				result = p->before.bytes + i - nlen;
				goto out;
			}
		}
		if (!path_next(b, p))
			break;
		i = 0;
	}
out:
	free(fail);
	return result;
}

/*
 * The last match starting before off: the same search run backwards from
 * the last byte such a match could end on, for the needle reversed.
 */
static size_t
search_backward(const struct buffer *b, size_t off, const unsigned char *needle,
    size_t nlen)
{
	const unsigned char *data;
	unsigned char *rev;
	size_t *fail, q = 0, i, end, result = BUFFER_NONE;
	struct path *p;

	if (off == 0)
		return BUFFER_NONE;
	end = b->total.bytes;
	if (nlen - 1 < end - (off - 1))
		end = off - 1 + nlen;

	rev = xmalloc(nlen);
	for (i = 0; i < nlen; i++)
		rev[i] = needle[nlen - 1 - i];
	fail = search_table(rev, nlen);

	p = buffer_find(b, FIND_BYTE, end - 1);
	i = end - p->before.bytes;
	for (;;) {
		data = (const unsigned char *)p->leaf->data;
		while (i > 0) {
			i--;
			if (q == 0) {
				/* Nothing matched yet: skip to the last byte.
				 */
				while (i > 0 && data[i] != rev[0])
					i--;
				if (data[i] == rev[0])
					q = 1;
			} else {
				while (q > 0 && data[i] != rev[q])
					q = fail[q - 1];
				if (data[i] == rev[q])
					q++;
			}
			if (q == nlen) {
				result = p->before.bytes + i;
				goto out;
			}
		}
		if (!path_prev(b, p))
			break;
		i = p->leaf->len;
	}
out:
	free(fail);
	free(rev);
	return result;
}

size_t
buffer_search(const struct buffer *b, size_t off, const char *needle,
    size_t nlen, int backward)
{
	const unsigned char *n = (const unsigned char *)needle;

	if (off > b->total.bytes) {
		fatalx("buffer_search at %zu beyond length %zu", off,
		    b->total.bytes);
	}
	if (nlen == 0 || nlen > b->total.bytes)
		return BUFFER_NONE;
	if (backward)
		return search_backward(b, off, n, nlen);
	if (nlen > b->total.bytes - off)
		return BUFFER_NONE;
	return search_forward(b, off, n, nlen);
}
