/* split.h: one person's panes as a tree of splits, as tmux lays out its.
 * Laid out into rectangles, walked by direction, resized, saved as text. */
#ifndef MOOT_SPLIT_H
#define MOOT_SPLIT_H

#include <sys/queue.h>

#include <stddef.h>

/* Parts of its parent a split's share is counted in. */
#define SPLIT_SCALE 10000
/* A pane smaller than this (title row included) is hidden, not drawn. */
#define SPLIT_MIN_COLS 10
#define SPLIT_MIN_ROWS 3
/* How deep a saved tree may nest and how many panes it may have. */
#define SPLIT_MAX_DEPTH 16
#define SPLIT_MAX_PANES 64

enum split_type {
	SPLIT_PANE,      /* a leaf: one pane */
	SPLIT_LEFTRIGHT, /* children side by side, a column between them */
	SPLIT_TOPBOTTOM  /* children one above the other */
};

enum split_dir { SPLIT_LEFT, SPLIT_RIGHT, SPLIT_UP, SPLIT_DOWN };

struct split {
	enum split_type type;
	struct split *parent;
	TAILQ_HEAD(split_children, split) children;
	TAILQ_ENTRY(split) entry;
	unsigned share; /* of the parent's length, in SPLIT_SCALE parts */
	/* Where split_layout put it; hidden: too small to show. */
	unsigned x, y, sx, sy;
	int hidden;
	void *pane; /* SPLIT_PANE: what it shows (the caller's) */
};

/* A tree of one leaf showing pane. */
struct split *split_new(void *pane);
void split_free(struct split *root);
/* Split leaf in two, type SPLIT_LEFTRIGHT (the new one to the right) or
 * SPLIT_TOPBOTTOM (below), each half of what leaf had (*root changes when
 * leaf was it). Returns the new leaf, showing pane. */
struct split *split_add(
    struct split **root, struct split *leaf, enum split_type, void *pane);
/* Remove a leaf (not the root): its share goes to its neighbours; a parent
 * left with one child gives way to it. Returns the new root. */
struct split *split_remove(struct split *root, struct split *leaf);
/* Lay the tree out in a rectangle: a column between side-by-side panes;
 * panes below SPLIT_MIN_COLS x SPLIT_MIN_ROWS are hidden. */
void split_layout(
    struct split *root, unsigned x, unsigned y, unsigned sx, unsigned sy);
/* The first leaf, and the leaf after leaf in reading order (the first
 * after the last). */
struct split *split_first(struct split *root);
struct split *split_next(struct split *root, struct split *leaf);
/* The visible leaf next to leaf in a direction (after split_layout), or
 * NULL. */
struct split *split_find(
    struct split *root, struct split *leaf, enum split_dir);
/* Move leaf's edge in a direction by n cells, taking from (or giving to)
 * the neighbour there. 0 if moved, -1 if there is no edge that way. */
int split_resize(struct split *leaf, enum split_dir, unsigned n);
/* The border at cell x, y (a column between side-by-side panes, or the
 * title row of a pane below another): the child before it, or NULL. */
struct split *split_border(struct split *root, unsigned x, unsigned y);
/* Move the border after before so that before ends at column or row at,
 * keeping both sides at least a pane's minimum. 0 if it moved. */
int split_drag(struct split *before, unsigned at);
/* How many leaves. */
size_t split_count(const struct split *root);

/*
 * As text, for the journal: "L(5000:P,5000:T(2500:P,7500:P))" with P for
 * each leaf in reading order. split_save returns it (caller frees);
 * split_load builds a tree whose leaves show panes[0..n-1] (NULL on a bad
 * text, or one with another number of leaves, over SPLIT_MAX_DEPTH or
 * SPLIT_MAX_PANES).
 */
char *split_save(const struct split *root);
struct split *split_load(const char *text, void **panes, size_t n);
/* How many leaves a saved text has (-1 if it cannot be read). */
int split_load_count(const char *text);

#endif
