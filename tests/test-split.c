/* test-split.c: unit tests of the split tree (split.c): adding, removing,
 * laying out, walking by direction, resizing, saving and loading. */
#include "moot.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "split.h"

static int panes[8]; /* what leaves show: &panes[i] */

#define P(i) ((void *)&panes[i])

static void
assert_rect(
    const struct split *s, unsigned x, unsigned y, unsigned sx, unsigned sy)
{
	assert_int_equal(s->x, x);
	assert_int_equal(s->y, y);
	assert_int_equal(s->sx, sx);
	assert_int_equal(s->sy, sy);
}

static void
assert_saved(const struct split *root, const char *want)
{
	char *got = split_save(root);

	assert_string_equal(got, want);
	free(got);
}

/* Side by side, then below: rectangles with a border column, shares that
 * add up, reading order. */
static void
test_add_and_layout(void **state)
{
	struct split *root = split_new(P(0)), *a = root, *b, *c;

	split_layout(root, 0, 0, 81, 24);
	assert_rect(a, 0, 0, 81, 24);
	b = split_add(&root, a, SPLIT_LEFTRIGHT, P(1));
	assert_ptr_not_equal(root, a);
	assert_int_equal(root->type, SPLIT_LEFTRIGHT);
	split_layout(root, 0, 0, 81, 24);
	assert_rect(a, 0, 0, 40, 24);
	assert_rect(b, 41, 0, 40, 24);
	c = split_add(&root, b, SPLIT_TOPBOTTOM, P(2));
	split_layout(root, 0, 0, 81, 24);
	assert_rect(a, 0, 0, 40, 24);
	assert_rect(b, 41, 0, 40, 12);
	assert_rect(c, 41, 12, 40, 12);
	assert_int_equal(split_count(root), 3);
	assert_ptr_equal(split_first(root), a);
	assert_ptr_equal(split_next(root, a), b);
	assert_ptr_equal(split_next(root, b), c);
	assert_ptr_equal(split_next(root, c), a);
	assert_saved(root, "L(5000:P,5000:T(5000:P,5000:P))");

	/* A third side by side with a: a's half is halved. */
	split_add(&root, a, SPLIT_LEFTRIGHT, P(3));
	assert_saved(root, "L(2500:P,2500:P,5000:T(5000:P,5000:P))");
	split_free(root);
}

/* Directions follow the rectangles; hidden panes are never found. */
static void
test_find(void **state)
{
	struct split *root = split_new(P(0)), *a = root, *b, *c;

	b = split_add(&root, a, SPLIT_LEFTRIGHT, P(1));
	c = split_add(&root, b, SPLIT_TOPBOTTOM, P(2));
	split_layout(root, 0, 0, 81, 24);
	assert_ptr_equal(split_find(root, a, SPLIT_RIGHT), b);
	assert_ptr_equal(split_find(root, b, SPLIT_LEFT), a);
	assert_ptr_equal(split_find(root, c, SPLIT_LEFT), a);
	assert_ptr_equal(split_find(root, b, SPLIT_DOWN), c);
	assert_ptr_equal(split_find(root, c, SPLIT_UP), b);
	assert_null(split_find(root, a, SPLIT_LEFT));
	assert_null(split_find(root, a, SPLIT_UP));
	assert_null(split_find(root, c, SPLIT_DOWN));

	/* Too small: b is hidden (2 rows), and not found; c (3) is. */
	split_layout(root, 0, 0, 81, 5);
	assert_true(b->hidden);
	assert_false(c->hidden);
	assert_ptr_equal(split_find(root, a, SPLIT_RIGHT), c);
	assert_null(split_find(root, c, SPLIT_UP));
	split_free(root);
}

/* Removing gives the share to a neighbour; a split left with one child
 * gives way to it; the last leaf stays. */
static void
test_remove(void **state)
{
	struct split *root = split_new(P(0)), *a = root, *b, *c;

	b = split_add(&root, a, SPLIT_LEFTRIGHT, P(1));
	c = split_add(&root, b, SPLIT_TOPBOTTOM, P(2));
	root = split_remove(root, b);
	assert_saved(root, "L(5000:P,5000:P)");
	assert_ptr_equal(c->parent, root);
	root = split_remove(root, a);
	assert_ptr_equal(root, c);
	assert_null(c->parent);
	assert_int_equal(c->share, SPLIT_SCALE);
	assert_saved(root, "P");
	assert_ptr_equal(split_remove(root, c), c);
	split_free(root);
}

/* Resizing moves the edge after the pane, else the one before; a pane
 * keeps at least one cell. */
static void
test_resize(void **state)
{
	struct split *root = split_new(P(0)), *a = root, *b;
	int i;

	b = split_add(&root, a, SPLIT_LEFTRIGHT, P(1));
	split_layout(root, 0, 0, 81, 24);
	assert_int_equal(split_resize(a, SPLIT_RIGHT, 1), 0);
	split_layout(root, 0, 0, 81, 24);
	assert_int_equal(a->sx, 41);
	assert_int_equal(b->sx, 39);
	/* The last pane has no edge after it: Right moves the one before
	 * (it shrinks), Left grows it back. */
	assert_int_equal(split_resize(b, SPLIT_RIGHT, 2), 0);
	split_layout(root, 0, 0, 81, 24);
	assert_int_equal(a->sx, 43);
	assert_int_equal(b->sx, 37);
	assert_int_equal(split_resize(b, SPLIT_LEFT, 4), 0);
	split_layout(root, 0, 0, 81, 24);
	assert_int_equal(a->sx, 39);
	assert_int_equal(b->sx, 41);
	/* No edge up or down. */
	assert_int_equal(split_resize(a, SPLIT_UP, 1), -1);
	/* Never below one cell. */
	for (i = 0; i < 200; i++)
		split_resize(a, SPLIT_LEFT, 1);
	split_layout(root, 0, 0, 81, 24);
	assert_true(a->sx >= 1);
	assert_true(a->hidden);
	assert_int_equal(a->sx + b->sx + 1, 81);
	split_free(root);
}

/* Saved and loaded: the same text; bad texts are refused. */
/* Borders found by their cell, dragged to a column or row, bounded by a
 * pane's minimum on both sides. */
static void
test_drag(void **state)
{
	struct split *root = split_new(P(0)), *a = root, *b, *c, *s;
	char *text;

	(void)state;
	b = split_add(&root, a, SPLIT_LEFTRIGHT, P(1));
	c = split_add(&root, b, SPLIT_TOPBOTTOM, P(2));
	split_layout(root, 0, 0, 81, 24);
	/* The column between a and b, on any row; none inside a pane. */
	assert_ptr_equal(split_border(root, 40, 0), a);
	assert_ptr_equal(split_border(root, 40, 23), a);
	assert_null(split_border(root, 39, 5));
	assert_null(split_border(root, 60, 5));
	/* The first row of c (below b), on b's columns only. */
	assert_ptr_equal(split_border(root, 60, 12), b);
	assert_null(split_border(root, 20, 12));
	assert_null(split_border(root, 60, 11));
	assert_null(split_border(root, 81, 0));

	/* Drag the column to 30: a is 30 wide, b and c take the rest. */
	assert_int_equal(split_drag(a, 30), 0);
	split_layout(root, 0, 0, 81, 24);
	assert_rect(a, 0, 0, 30, 24);
	assert_rect(b, 31, 0, 50, 12);
	assert_int_equal(split_drag(a, 30), -1); /* already there */
	/* Every column is reachable exactly. */
	for (unsigned at = SPLIT_MIN_COLS; at <= 80 - SPLIT_MIN_COLS; at++) {
		split_drag(a, at);
		split_layout(root, 0, 0, 81, 24);
		assert_int_equal(a->sx, at);
		assert_int_equal(b->x, at + 1);
	}
	/* Past the edges: both keep the minimum. */
	split_drag(a, 0);
	split_layout(root, 0, 0, 81, 24);
	assert_int_equal(a->sx, SPLIT_MIN_COLS);
	split_drag(a, 500);
	split_layout(root, 0, 0, 81, 24);
	assert_int_equal(b->sx, SPLIT_MIN_COLS);
	assert_int_equal(a->sx, 80 - SPLIT_MIN_COLS);
	/* The row: c starts where it is dragged to. */
	assert_int_equal(split_drag(b, 5), 0);
	split_layout(root, 0, 0, 81, 24);
	assert_int_equal(b->sy, 5);
	assert_int_equal(c->y, 5);
	split_drag(b, 23);
	split_layout(root, 0, 0, 81, 24);
	assert_int_equal(c->sy, SPLIT_MIN_ROWS);
	/* The shares still save and load to the same layout. */
	text = split_save(root);
	assert_int_equal(split_load_count(text), 3);
	s = split_load(text, (void *[]){P(0), P(1), P(2)}, 3);
	assert_non_null(s);
	split_layout(s, 0, 0, 81, 24);
	assert_int_equal(split_first(s)->sx, a->sx);
	assert_saved(s, text);
	free(text);
	split_free(s);
	split_free(root);
}

static void
test_save_load(void **state)
{
	static const char *good[] = {
	    "P",
	    "L(5000:P,5000:P)",
	    "T(3000:P,7000:L(2500:P,7500:P))",
	    "L(2500:P,2500:P,5000:T(5000:P,5000:P))",
	};
	static const char *bad[] = {
	    "",
	    "Q",
	    "L(5000:P)",
	    "L(5000:P,4000:P)",
	    "L(0:P,10000:P)",
	    "L(5000:P,5000:P",
	    "L(5000:P,5000:P))",
	    "L(5000P,5000:P)",
	    "T(10001:P,1:P)",
	    "L(005000:P,5000:P)",
	    "L(05000:P,5000:P)",
	    "L(+5000:P,5000:P)",
	    "PP",
	};
	void *p[8];
	struct split *root;
	char *text;
	size_t i;
	int n;

	for (i = 0; i < 8; i++)
		p[i] = P(i);
	for (i = 0; i < sizeof good / sizeof *good; i++) {
		n = split_load_count(good[i]);
		assert_true(n > 0);
		assert_null(split_load(good[i], p, (size_t)n + 1));
		root = split_load(good[i], p, (size_t)n);
		assert_non_null(root);
		text = split_save(root);
		assert_string_equal(text, good[i]);
		free(text);
		assert_ptr_equal(split_first(root)->pane, P(0));
		split_free(root);
	}
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(split_load_count(bad[i]), -1);
		assert_null(split_load(bad[i], p, 2));
	}
}

/* Too deep or too many panes: refused, not walked. */
static void
test_load_limits(void **state)
{
	char deep[1024], *p = deep;
	int i;

	for (i = 0; i <= SPLIT_MAX_DEPTH + 1; i++)
		p += sprintf(p, "L(5000:P,5000:");
	p += sprintf(p, "P");
	for (i = 0; i <= SPLIT_MAX_DEPTH + 1; i++)
		*p++ = ')';
	*p = '\0';
	assert_int_equal(split_load_count(deep), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_and_layout),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_remove),
	    cmocka_unit_test(test_resize),
	    cmocka_unit_test(test_drag),
	    cmocka_unit_test(test_save_load),
	    cmocka_unit_test(test_load_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
