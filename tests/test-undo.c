/* test-undo.c: unit tests for per-person undo and redo (undo.c).
 * A plain text model edited by two people, A and B, each with a history. */
#include "moot.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "undo.h"

#define A 0
#define B 1

/* The document as a plain NUL-ended array, and both people's histories. */
struct model {
	char *text;
	size_t len;
	struct undo *h[2];
};

static void
model_init(struct model *m, const char *text)
{
	m->len = strlen(text);
	m->text = xstrdup(text);
	m->h[A] = undo_create();
	m->h[B] = undo_create();
}

static void
model_free(struct model *m)
{
	free(m->text);
	undo_free(m->h[A]);
	undo_free(m->h[B]);
}

static void
check(const struct model *m, const char *want)
{
	assert_int_equal(m->len, strlen(want));
	assert_string_equal(m->text, want);
}

/*
 * What the daemon does for an op by who: change the text (delete del_len
 * bytes at pos, insert ins there), then tell both histories, with the
 * deleted bytes.
 */
static void
apply_n(struct model *m, int who, enum undo_kind kind, int boundary, size_t pos,
    size_t del_len, const char *ins, size_t ins_len)
{
	char *del;
	int i;

	assert_true(pos <= m->len);
	assert_true(del_len <= m->len - pos);
	del = xmalloc(del_len + 1);
	memcpy(del, m->text + pos, del_len);

	memmove(m->text + pos, m->text + pos + del_len, m->len - pos - del_len);
	m->len -= del_len;
	m->text = xrealloc(m->text, m->len + ins_len + 1);
	memmove(m->text + pos + ins_len, m->text + pos, m->len - pos);
	if (ins_len != 0)
		memcpy(m->text + pos, ins, ins_len);
	m->len += ins_len;
	m->text[m->len] = '\0';

	for (i = 0; i < 2; i++) {
		undo_op(m->h[i], pos, del, del_len, ins, ins_len, i == who,
		    kind, boundary);
	}
	free(del);
}

/* An ordinary edit by who. */
static void
edit(struct model *m, int who, int boundary, size_t pos, size_t del_len,
    const char *ins)
{
	apply_n(m, who, UNDO_EDIT, boundary, pos, del_len, ins, strlen(ins));
}

/* Type s one byte at a time from pos: one burst, one group. */
static void
type(struct model *m, int who, size_t pos, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		apply_n(m, who, UNDO_EDIT, i == 0, pos + i, 0, s + i, 1);
}

/* Undo (or redo) who's last group and apply the edits as the daemon
 * would. Returns what undo_undo (undo_redo) returned. */
static int
do_undo(struct model *m, int who, int redo)
{
	struct undo_edit *edits;
	size_t n, i;
	int rc;

	if (redo)
		rc = undo_redo(m->h[who], &edits, &n);
	else
		rc = undo_undo(m->h[who], &edits, &n);
	if (rc != 1) {
		assert_null(edits);
		assert_int_equal(n, 0);
		return rc;
	}
	assert_true(n >= 1);
	for (i = 0; i < n; i++) {
		apply_n(m, who, redo ? UNDO_REDO : UNDO_UNDO, 0, edits[i].pos,
		    edits[i].del_len, edits[i].ins, edits[i].ins_len);
	}
	undo_edits_free(edits, n);
	return rc;
}

static void
check_depth(const struct model *m, int who, size_t nundo, size_t nredo)
{
	size_t redo = 12345;

	assert_int_equal(undo_depth(m->h[who], &redo), nundo);
	assert_int_equal(redo, nredo);
}

static void
test_burst(void **state)
{
	struct model m;

	model_init(&m, "");
	type(&m, A, 0, "hello");
	check(&m, "hello");
	check_depth(&m, A, 1, 0);
	check_depth(&m, B, 0, 0);
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "");
	check_depth(&m, A, 0, 1);
	assert_int_equal(do_undo(&m, A, 0), -1);
	check_depth(&m, B, 0, 0);
	model_free(&m);
}

static void
test_boundary(void **state)
{
	struct model m;

	model_init(&m, "");
	type(&m, A, 0, "hello");
	type(&m, A, 5, " world");
	check(&m, "hello world");
	check_depth(&m, A, 2, 0);
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "hello");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "");
	assert_int_equal(do_undo(&m, A, 0), -1);
	check_depth(&m, A, 0, 2);
	model_free(&m);
}

static void
test_undo_redo(void **state)
{
	struct model m;

	model_init(&m, "");
	type(&m, A, 0, "hello");
	type(&m, A, 5, " world");
	assert_int_equal(do_undo(&m, A, 0), 1);
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "");
	assert_int_equal(do_undo(&m, A, 1), 1);
	check(&m, "hello");
	check_depth(&m, A, 1, 1);
	assert_int_equal(do_undo(&m, A, 1), 1);
	check(&m, "hello world");
	check_depth(&m, A, 2, 0);
	assert_int_equal(do_undo(&m, A, 1), -1);

	/* And round again. */
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "hello");
	assert_int_equal(do_undo(&m, A, 1), 1);
	check(&m, "hello world");
	assert_int_equal(do_undo(&m, A, 0), 1);
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "");
	check_depth(&m, A, 0, 2);
	model_free(&m);
}

static void
test_edit_clears_redo(void **state)
{
	struct model m;

	model_init(&m, "");
	type(&m, A, 0, "hello");
	type(&m, A, 5, " world");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "hello");
	check_depth(&m, A, 1, 1);

	/* Someone else editing does not clear A's redo. */
	type(&m, B, 0, ">");
	check_depth(&m, A, 1, 1);

	/* A's own edit does, without joining the group redo made. */
	type(&m, A, 6, "!");
	check(&m, ">hello!");
	check_depth(&m, A, 2, 0);
	assert_int_equal(do_undo(&m, A, 1), -1);
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, ">hello");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, ">");
	model_free(&m);
}

static void
test_interleaved(void **state)
{
	struct model m;
	const char *a = "abc", *b = "XYZ";
	size_t i;

	model_init(&m, "--");
	for (i = 0; i < 3; i++) {
		apply_n(&m, A, UNDO_EDIT, i == 0, i, 0, a + i, 1);
		apply_n(&m, B, UNDO_EDIT, i == 0, m.len, 0, b + i, 1);
	}
	check(&m, "abc--XYZ");
	check_depth(&m, A, 1, 0);
	check_depth(&m, B, 1, 0);
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "--XYZ");
	assert_int_equal(do_undo(&m, B, 0), 1);
	check(&m, "--");
	assert_int_equal(do_undo(&m, A, 1), 1);
	check(&m, "abc--");
	assert_int_equal(do_undo(&m, B, 1), 1);
	check(&m, "abc--XYZ");
	model_free(&m);
}

static void
test_inside(void **state)
{
	struct model m;
	struct undo_edit *edits;
	size_t n;

	model_init(&m, "");
	type(&m, A, 0, "abcdef");
	type(&m, B, 3, "XY");
	check(&m, "abcXYdef");

	/* Two edits, the later one first; neither touches B's bytes. */
	assert_int_equal(undo_undo(m.h[A], &edits, &n), 1);
	assert_int_equal(n, 2);
	assert_int_equal(edits[0].pos, 5);
	assert_int_equal(edits[0].del_len, 3);
	assert_int_equal(edits[0].ins_len, 0);
	assert_int_equal(edits[1].pos, 0);
	assert_int_equal(edits[1].del_len, 3);
	assert_int_equal(edits[1].ins_len, 0);
	apply_n(&m, A, UNDO_UNDO, 0, 5, 3, "", 0);
	apply_n(&m, A, UNDO_UNDO, 0, 0, 3, "", 0);
	undo_edits_free(edits, n);
	check(&m, "XY");

	/* Redo puts A's bytes back either side of B's. */
	assert_int_equal(do_undo(&m, A, 1), 1);
	check(&m, "abcXYdef");

	/* B typing at either edge of A's text is not A's either. */
	type(&m, B, 0, "<");
	type(&m, B, 9, ">");
	check(&m, "<abcXYdef>");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "<XY>");
	model_free(&m);
}

static void
test_erased(void **state)
{
	struct model m;

	model_init(&m, "[]");
	type(&m, A, 1, "hello");
	check(&m, "[hello]");
	edit(&m, B, 1, 1, 5, "");
	check(&m, "[]");
	assert_int_equal(do_undo(&m, A, 0), 0);
	check(&m, "[]");
	check_depth(&m, A, 0, 0);
	assert_int_equal(do_undo(&m, A, 0), -1);
	assert_int_equal(do_undo(&m, A, 1), -1);

	/* Replaced over by B: the same. */
	type(&m, A, 1, "abc");
	edit(&m, B, 1, 0, 5, "xyz");
	check(&m, "xyz");
	assert_int_equal(do_undo(&m, A, 0), 0);
	check(&m, "xyz");
	model_free(&m);
}

static void
test_delete_atom(void **state)
{
	struct model m;

	model_init(&m, "one two three");
	edit(&m, A, 1, 4, 4, "");
	check(&m, "one three");
	edit(&m, B, 1, 0, 0, "zero ");
	check(&m, "zero one three");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "zero one two three");
	assert_int_equal(do_undo(&m, A, 1), 1);
	check(&m, "zero one three");
	model_free(&m);

	/* B types where the bytes were: they go back before B's text (the
	 * place stays before text inserted at it, like a cursor). */
	model_init(&m, "one two three");
	edit(&m, A, 1, 4, 4, "");
	edit(&m, B, 1, 4, 0, "2 ");
	check(&m, "one 2 three");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "one two 2 three");
	model_free(&m);

	/* B deletes around the place: the bytes go where B's delete was. */
	model_init(&m, "one two three");
	edit(&m, A, 1, 4, 4, "");
	edit(&m, B, 1, 2, 4, "");
	check(&m, "onree");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "ontwo ree");
	model_free(&m);
}

static void
test_replace(void **state)
{
	struct model m;
	struct undo_edit *edits;
	size_t n;

	model_init(&m, "hello world");
	edit(&m, A, 1, 6, 5, "t");
	type(&m, A, 7, "here");
	/* The burst after the replace joins it (type() starts a group). */
	check(&m, "hello there");
	check_depth(&m, A, 2, 0);
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "hello t");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "hello world");
	model_free(&m);

	/* Selection typed over then typing on: one group, one edit. */
	model_init(&m, "hello world");
	edit(&m, A, 1, 6, 5, "t");
	edit(&m, A, 0, 7, 0, "h");
	edit(&m, A, 0, 8, 0, "ere");
	check(&m, "hello there");
	check_depth(&m, A, 1, 0);
	assert_int_equal(undo_undo(m.h[A], &edits, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(edits[0].pos, 6);
	assert_int_equal(edits[0].del_len, 5);
	assert_int_equal(edits[0].ins_len, 5);
	assert_memory_equal(edits[0].ins, "world", 5);
	apply_n(&m, A, UNDO_UNDO, 0, 6, 5, edits[0].ins, 5);
	undo_edits_free(edits, n);
	check(&m, "hello world");
	assert_int_equal(do_undo(&m, A, 1), 1);
	check(&m, "hello there");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "hello world");
	model_free(&m);
}

static void
test_backspace_in_burst(void **state)
{
	struct model m;
	struct undo_edit *edits;
	size_t n;

	/* A typo fixed within the burst leaves nothing to put back. */
	model_init(&m, "");
	type(&m, A, 0, "hellp");
	edit(&m, A, 0, 4, 1, "");
	edit(&m, A, 0, 4, 0, "o");
	check(&m, "hello");
	check_depth(&m, A, 1, 0);
	assert_int_equal(undo_undo(m.h[A], &edits, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(edits[0].pos, 0);
	assert_int_equal(edits[0].del_len, 5);
	assert_int_equal(edits[0].ins_len, 0);
	apply_n(&m, A, UNDO_UNDO, 0, 0, 5, "", 0);
	undo_edits_free(edits, n);
	check(&m, "");
	model_free(&m);

	/* Backspacing past the start of the burst into older text. */
	model_init(&m, "abc");
	type(&m, A, 3, "de");
	edit(&m, A, 0, 4, 1, "");
	edit(&m, A, 0, 3, 1, "");
	edit(&m, A, 0, 2, 1, "");
	check(&m, "ab");
	check_depth(&m, A, 1, 0);
	assert_int_equal(undo_undo(m.h[A], &edits, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(edits[0].pos, 2);
	assert_int_equal(edits[0].del_len, 0);
	assert_int_equal(edits[0].ins_len, 1);
	assert_memory_equal(edits[0].ins, "c", 1);
	apply_n(&m, A, UNDO_UNDO, 0, 2, 0, "c", 1);
	undo_edits_free(edits, n);
	check(&m, "abc");
	assert_int_equal(do_undo(&m, A, 1), 1);
	check(&m, "ab");
	model_free(&m);

	/* Typing "abc" then deleting the "b" in the same burst. */
	model_init(&m, "<>");
	type(&m, A, 1, "abc");
	edit(&m, A, 0, 2, 1, "");
	check(&m, "<ac>");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "<>");
	model_free(&m);
}

/* Deleting one byte at a time, backwards, forwards and both. */
static void
test_delete_order(void **state)
{
	struct model m;

	model_init(&m, "abcdef");
	edit(&m, A, 1, 5, 1, "");
	edit(&m, A, 0, 4, 1, "");
	edit(&m, A, 0, 3, 1, "");
	check(&m, "abc");
	check_depth(&m, A, 1, 0);
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "abcdef");
	model_free(&m);

	model_init(&m, "abcdef");
	edit(&m, A, 1, 1, 1, "");
	edit(&m, A, 0, 1, 1, "");
	edit(&m, A, 0, 1, 1, "");
	check(&m, "aef");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "abcdef");
	model_free(&m);

	model_init(&m, "abcdef");
	edit(&m, A, 1, 2, 1, "");
	edit(&m, A, 0, 1, 1, "");
	edit(&m, A, 0, 1, 1, "");
	check(&m, "aef");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "abcdef");
	assert_int_equal(do_undo(&m, A, 1), 1);
	check(&m, "aef");
	model_free(&m);

	/* Deleting in two places then typing between them. */
	model_init(&m, "0123456789");
	edit(&m, A, 1, 7, 2, "");
	edit(&m, A, 0, 2, 2, "");
	edit(&m, A, 0, 3, 0, "xy");
	check(&m, "014xy569");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "0123456789");
	model_free(&m);
}

/* Deleting, in a later group, text an older group typed: undoing both
 * must leave nothing of either. */
static void
test_older_groups(void **state)
{
	struct model m;

	model_init(&m, "");
	type(&m, A, 0, "abc");
	edit(&m, A, 1, 1, 1, "");
	check(&m, "ac");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "abc");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "");
	assert_int_equal(do_undo(&m, A, 1), 1);
	check(&m, "abc");
	assert_int_equal(do_undo(&m, A, 1), 1);
	check(&m, "ac");
	model_free(&m);

	/* An older group's deleted bytes go back in their place even when a
	 * later delete swept over the place. */
	model_init(&m, "XYZ");
	edit(&m, A, 1, 1, 1, "");
	edit(&m, A, 1, 0, 2, "");
	check(&m, "");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "XZ");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "XYZ");
	assert_int_equal(do_undo(&m, A, 1), 1);
	check(&m, "XZ");
	assert_int_equal(do_undo(&m, A, 1), 1);
	check(&m, "");
	model_free(&m);

	/* Two places B's delete made one, swept over by A's later delete:
	 * they come back in their order. */
	model_init(&m, "aPbQc");
	edit(&m, A, 1, 1, 1, "");
	edit(&m, A, 0, 2, 1, "");
	check(&m, "abc");
	edit(&m, B, 1, 1, 1, "");
	edit(&m, A, 1, 0, 1, "");
	check(&m, "c");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "ac");
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "aPQc");
	model_free(&m);
}

static void
test_big(void **state)
{
	struct model m;
	struct undo_edit *edits;
	size_t big = 5 * 1024 * 1024, n;
	char *s;

	s = xmalloc(big);
	memset(s, 'x', big);
	model_init(&m, "ab");
	apply_n(&m, A, UNDO_EDIT, 1, 1, 0, s, big);
	assert_int_equal(m.len, big + 2);

	assert_int_equal(undo_undo(m.h[A], &edits, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(edits[0].pos, 1);
	assert_int_equal(edits[0].del_len, big);
	assert_int_equal(edits[0].ins_len, 0);
	apply_n(&m, A, UNDO_UNDO, 0, 1, big, "", 0);
	undo_edits_free(edits, n);
	check(&m, "ab");

	/* Redo gives all of it back, and it is one step again. */
	assert_int_equal(do_undo(&m, A, 1), 1);
	assert_int_equal(m.len, big + 2);
	assert_memory_equal(m.text + 1, s, big);
	check_depth(&m, A, 1, 0);

	/* A 5 MB delete is one step too. */
	edit(&m, A, 1, 0, m.len, "");
	check(&m, "");
	assert_int_equal(do_undo(&m, A, 0), 1);
	assert_int_equal(m.len, big + 2);
	assert_memory_equal(m.text + 1, s, big);
	assert_int_equal(m.text[0], 'a');
	assert_int_equal(m.text[big + 1], 'b');
	assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "ab");
	free(s);
	model_free(&m);
}

static void
test_max_groups(void **state)
{
	struct model m;
	size_t i;

	model_init(&m, "");
	for (i = 0; i < UNDO_MAX_GROUPS + 5; i++)
		apply_n(&m, A, UNDO_EDIT, 1, i, 0, &"abcdefghij"[i % 10], 1);
	check_depth(&m, A, UNDO_MAX_GROUPS, 0);
	for (i = 0; i < UNDO_MAX_GROUPS; i++)
		assert_int_equal(do_undo(&m, A, 0), 1);
	check(&m, "abcde");
	assert_int_equal(do_undo(&m, A, 0), -1);
	check_depth(&m, A, 0, UNDO_MAX_GROUPS);
	for (i = 0; i < UNDO_MAX_GROUPS; i++)
		assert_int_equal(do_undo(&m, A, 1), 1);
	assert_int_equal(m.len, UNDO_MAX_GROUPS + 5);
	assert_int_equal(do_undo(&m, A, 1), -1);
	model_free(&m);
}

/* A small deterministic random source (xorshift). */
static uint64_t rnd_state;

static void
rnd_seed(uint64_t seed)
{
	rnd_state = seed * 0x9e3779b97f4a7c15ULL + 1;
}

static size_t
rnd(size_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return n == 0 ? 0 : (size_t)(rnd_state % n);
}

/* A random edit by who inside [lo, hi) of the text, inserting bytes from
 * alphabet. */
static void
random_edit(struct model *m, int who, int boundary, size_t lo, size_t hi,
    const char *alphabet)
{
	char ins[8];
	size_t pos, del = 0, n = 0, i, k = strlen(alphabet);

	pos = lo + rnd(hi - lo + 1);
	if (rnd(3) != 0 || pos == hi) {
		n = 1 + rnd(sizeof ins);
		for (i = 0; i < n; i++)
			ins[i] = alphabet[rnd(k)];
	}
	if (pos < hi && (n == 0 || rnd(3) == 0))
		del = 1 + rnd(hi - pos < 6 ? hi - pos : 6);
	apply_n(m, who, UNDO_EDIT, boundary, pos, del, ins, n);
}

/* Save a history and load it back; the bytes must come back the same. */
static struct undo *
round_trip(const struct undo *u, size_t doc_len)
{
	struct bytes b, b2;
	struct undo *v;

	bytes_init(&b);
	bytes_init(&b2);
	undo_save(u, &b);
	v = undo_load(bytes_ptr(&b), bytes_len(&b), doc_len);
	assert_non_null(v);
	undo_save(v, &b2);
	assert_int_equal(bytes_len(&b2), bytes_len(&b));
	assert_memory_equal(bytes_ptr(&b2), bytes_ptr(&b), bytes_len(&b));
	bytes_free(&b);
	bytes_free(&b2);
	return v;
}

static void
model_copy(struct model *to, const struct model *from)
{
	to->len = from->len;
	to->text = xstrdup(from->text);
	to->h[A] = round_trip(from->h[A], from->len);
	to->h[B] = round_trip(from->h[B], from->len);
}

static void
test_save_load(void **state)
{
	struct model m, m2;
	size_t nu, nr, nu2, nr2;
	int i, who, redo, rc;

	model_init(&m, "one two three four");
	type(&m, A, 4, "and ");
	type(&m, B, 0, "zero ");
	edit(&m, A, 1, 13, 4, "");       /* A deletes "two " */
	edit(&m, A, 1, 13, 6, "THREE-"); /* A replaces */
	type(&m, B, 15, "b");
	edit(&m, A, 1, 0, 1, "");
	assert_int_equal(do_undo(&m, A, 0), 1); /* leaves a redo group */
	check(&m, "zero one and THbREE-four");

	model_copy(&m2, &m);
	nu = undo_depth(m.h[A], &nr);
	nu2 = undo_depth(m2.h[A], &nr2);
	assert_int_equal(nu, nu2);
	assert_int_equal(nr, nr2);
	assert_int_equal(nu, 3);
	assert_int_equal(nr, 1);

	/* The same steps on both give the same text all the way. */
	for (i = 0; i < 12; i++) {
		who = i % 3 == 2 ? B : A;
		redo = i >= 7 && i != 11;
		rc = do_undo(&m, who, redo);
		assert_int_equal(do_undo(&m2, who, redo), rc);
		assert_string_equal(m2.text, m.text);
		if (i == 5) {
			/*
			 * All of A's groups and B's are undone. The "z" A
			 * deleted from B's "zero " and put back by undoing
			 * is A's now, not B's: B's undo leaves it.
			 */
			check(&m, "zone two three four");
		}
	}
	model_free(&m2);

	/* A history does not fit a shorter document. */
	{
		struct bytes b;

		bytes_init(&b);
		type(&m, A, m.len, "end");
		undo_save(m.h[A], &b);
		assert_null(undo_load(bytes_ptr(&b), bytes_len(&b), m.len - 1));
		bytes_free(&b);
	}
	model_free(&m);
}

/* A saved history with some of everything in it. */
static void
sample_history(struct bytes *b, size_t *doc_len)
{
	struct model m;

	model_init(&m, "0123456789");
	type(&m, A, 10, "abc");
	edit(&m, A, 1, 2, 3, "");
	edit(&m, A, 1, 1, 6, "Q"); /* over text of both groups */
	type(&m, B, 0, "b");
	type(&m, A, 3, "xyz");
	assert_int_equal(do_undo(&m, A, 0), 1);
	undo_save(m.h[A], b);
	*doc_len = m.len;
	model_free(&m);
}

static void
test_load_truncated(void **state)
{
	struct bytes b;
	struct undo *u;
	uint8_t *p;
	size_t len, i, doc_len, nr;

	bytes_init(&b);
	sample_history(&b, &doc_len);
	len = bytes_len(&b);
	assert_true(len > 20);

	u = undo_load(bytes_ptr(&b), len, doc_len);
	assert_non_null(u);
	assert_int_equal(undo_depth(u, &nr), 3);
	assert_int_equal(nr, 1);
	undo_free(u);

	for (i = 0; i < len; i++)
		assert_null(undo_load(bytes_ptr(&b), i, doc_len));

	/* Trailing bytes. */
	p = xmalloc(len + 1);
	memcpy(p, bytes_ptr(&b), len);
	p[len] = 0;
	assert_null(undo_load(p, len + 1, doc_len));

	/* Another version. */
	p[0] = 2;
	assert_null(undo_load(p, len, doc_len));
	free(p);
	bytes_free(&b);
}

/* Load a hand-made history. */
static struct undo *
load_bytes(const uint8_t *p, size_t len, size_t doc_len)
{
	return undo_load(p, len, doc_len);
}

static void
test_load_malformed(void **state)
{
	struct undo *u;
	size_t nr;
	/* Nothing at all: fine. */
	static const uint8_t empty[] = {1, 0, 0};
	/* One undo group with a range [2, 5) and an atom "hi" at 1. */
	static const uint8_t good[] = {1, 1, 1, 2, 3, 1, 1, 2, 'h', 'i', 0, 0};
	/* The same with a provenance entry: group 0, range, off 0, len 2. */
	static const uint8_t prov[] = {
	    1, 1, 1, 2, 3, 1, 1, 2, 'h', 'i', 1, 0, 0, 0, 2, 0};
	/* ... pointing at group 1 (there is none). */
	static const uint8_t prov_group[] = {
	    1, 1, 1, 2, 3, 1, 1, 2, 'h', 'i', 1, 1, 0, 0, 2, 0};
	/* ... at atom 2 (there is one). */
	static const uint8_t prov_atom[] = {
	    1, 1, 1, 2, 3, 1, 1, 2, 'h', 'i', 1, 0, 2, 0, 0, 0};
	/* ... past the atom's bytes. */
	static const uint8_t prov_off[] = {
	    1, 1, 1, 2, 3, 1, 1, 2, 'h', 'i', 1, 0, 0, 1, 2, 0};
	/* ... an anchor with a length. */
	static const uint8_t prov_anchor[] = {
	    1, 1, 1, 2, 3, 1, 1, 2, 'h', 'i', 1, 0, 1, 0, 1, 0};
	/* An empty range. */
	static const uint8_t empty_range[] = {1, 1, 1, 2, 0, 0, 0};
	/* Two ranges overlapping cannot be written; one past the end can. */
	static const uint8_t long_range[] = {1, 1, 1, 2, 9, 0, 0};
	/* An anchor past the end. */
	static const uint8_t far_anchor[] = {1, 1, 0, 1, 11, 1, 'x', 0, 0};
	/* An empty atom. */
	static const uint8_t empty_atom[] = {1, 1, 0, 1, 1, 0, 0, 0};
	/* An atom longer than the input. */
	static const uint8_t long_atom[] = {1, 1, 0, 1, 1, 100, 'x', 0, 0};
	/* Counts far beyond the input. */
	static const uint8_t many_groups[] = {
	    1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0};
	static const uint8_t many_ranges[] = {1, 1, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0};
	static const uint8_t many_atoms[] = {1, 1, 0, 0x80, 0x80, 0x04, 0, 0};
	/* More groups than a history keeps (1001, as 0xe9 0x07). */
	static const uint8_t too_deep[] = {1, 0xe9, 0x07};
	/* A size not in its shortest form, one too long for 64 bits. */
	static const uint8_t long_form[] = {1, 0x80, 0x00, 0};
	static const uint8_t too_big[] = {1, 1, 1, 0x80, 0x80, 0x80, 0x80, 0x80,
	    0x80, 0x80, 0x80, 0x80, 0x02, 1, 0, 0};

	u = load_bytes(empty, sizeof empty, 0);
	assert_non_null(u);
	assert_int_equal(undo_depth(u, &nr), 0);
	assert_int_equal(nr, 0);
	undo_free(u);

	u = load_bytes(good, sizeof good, 5);
	assert_non_null(u);
	assert_int_equal(undo_depth(u, &nr), 1);
	undo_free(u);
	assert_null(load_bytes(good, sizeof good, 4));

	u = load_bytes(prov, sizeof prov, 5);
	assert_non_null(u);
	undo_free(u);
	assert_null(load_bytes(prov_group, sizeof prov_group, 5));
	assert_null(load_bytes(prov_atom, sizeof prov_atom, 5));
	assert_null(load_bytes(prov_off, sizeof prov_off, 5));
	assert_null(load_bytes(prov_anchor, sizeof prov_anchor, 5));

	assert_null(load_bytes(empty_range, sizeof empty_range, 10));
	assert_null(load_bytes(long_range, sizeof long_range, 10));
	assert_null(load_bytes(far_anchor, sizeof far_anchor, 10));
	assert_null(load_bytes(empty_atom, sizeof empty_atom, 10));
	assert_null(load_bytes(long_atom, sizeof long_atom, 10));
	assert_null(load_bytes(many_groups, sizeof many_groups, 10));
	assert_null(load_bytes(many_ranges, sizeof many_ranges, 10));
	assert_null(load_bytes(many_atoms, sizeof many_atoms, 10));
	assert_null(load_bytes(too_deep, sizeof too_deep, 10));
	assert_null(load_bytes(long_form, sizeof long_form, 10));
	assert_null(load_bytes(too_big, sizeof too_big, 10));
	assert_null(load_bytes(NULL, 0, 10));

	/* The anchor right at the end is fine. */
	{
		static const uint8_t at_end[] = {1, 1, 0, 1, 10, 1, 'x', 0, 0};

		u = load_bytes(at_end, sizeof at_end, 10);
		assert_non_null(u);
		undo_free(u);
	}
}

/* Whatever loads must save back to the same bytes. */
static void
try_load(const uint8_t *p, size_t len, size_t doc_len, size_t *loaded)
{
	struct undo *u;
	struct bytes b;

	if ((u = undo_load(p, len, doc_len)) == NULL)
		return;
	(*loaded)++;
	bytes_init(&b);
	undo_save(u, &b);
	assert_int_equal(bytes_len(&b), len);
	assert_memory_equal(bytes_ptr(&b), p, len);
	bytes_free(&b);
	undo_free(u);
}

static void
test_load_garbage(void **state)
{
	struct bytes good;
	uint8_t p[256], *q;
	size_t len, i, k, doc_len, loaded = 0;
	int round;

	rnd_seed(7);
	for (round = 0; round < 20000; round++) {
		len = rnd(sizeof p);
		for (i = 0; i < len; i++) {
			/* Mostly small values, so counts are sometimes sane. */
			p[i] = rnd(4) == 0 ? rnd(256) : rnd(4);
		}
		if (len > 0 && rnd(2) == 0)
			p[0] = 1;
		try_load(p, len, rnd(64), &loaded);
	}

	/* A good history with bytes changed, added or cut. */
	bytes_init(&good);
	sample_history(&good, &doc_len);
	len = bytes_len(&good);
	q = xmalloc(len + 8);
	for (round = 0; round < 20000; round++) {
		memcpy(q, bytes_ptr(&good), len);
		k = 1 + rnd(3);
		for (i = 0; i < k; i++) {
			if (rnd(2) == 0)
				q[rnd(len)] = rnd(256);
			else
				q[rnd(len)] ^= 1 << rnd(8);
		}
		try_load(q, len - rnd(2), doc_len + rnd(3), &loaded);
	}
	free(q);
	bytes_free(&good);

	/* Some did load (so the checks above ran). */
	assert_true(loaded > 100);
}

/* Only A edits: undoing every group goes back through the text before each
 * group exactly, and redoing goes forward again. */
static void
test_random_solo(void **state)
{
	struct model m;
	char *snap[200];
	size_t ngroups, g, nops, i, nredone, redone[200];
	uint64_t seed;
	int rc, closed;

	for (seed = 1; seed <= 300; seed++) {
		rnd_seed(seed);
		model_init(&m, "0123456789");
		ngroups = 0;
		closed = 1;
		nops = 1 + rnd(150);
		for (i = 0; i < nops; i++) {
			/* Start a group now and then; always at first and after
			 * a load (which closes the open group). */
			if (closed || (rnd(4) == 0 && ngroups < 199)) {
				snap[ngroups++] = xstrdup(m.text);
				random_edit(&m, A, 1, 0, m.len, "abcdefgh");
			} else
				random_edit(&m, A, 0, 0, m.len, "abcdefgh");
			closed = 0;
			if (rnd(20) == 0 && ngroups < 199) {
				/* Now and then through save and load. */
				struct undo *u = round_trip(m.h[A], m.len);

				undo_free(m.h[A]);
				m.h[A] = u;
				closed = 1;
			}
		}
		snap[ngroups] = xstrdup(m.text);
		check_depth(&m, A, ngroups, 0);

		nredone = 0;
		for (g = ngroups; g-- > 0;) {
			rc = do_undo(&m, A, 0);
			assert_true(rc == 0 || rc == 1);
			check(&m, snap[g]);
			if (rc == 1)
				redone[nredone++] = g;
		}
		assert_int_equal(do_undo(&m, A, 0), -1);
		check(&m, "0123456789");
		check_depth(&m, A, 0, nredone);

		for (i = nredone; i-- > 0;) {
			assert_int_equal(do_undo(&m, A, 1), 1);
			check(&m, snap[redone[i] + 1]);
		}
		assert_int_equal(do_undo(&m, A, 1), -1);
		check(&m, snap[ngroups]);

		/* And the groups redo made undo the same way. */
		for (i = 0; i < nredone; i++) {
			assert_int_equal(do_undo(&m, A, 0), 1);
			check(&m, snap[redone[i]]);
		}
		check(&m, "0123456789");

		for (g = 0; g <= ngroups; g++)
			free(snap[g]);
		model_free(&m);
	}
}

/* Only A edits, undoing and redoing now and then along the way: undoing
 * everything still gives the start back, redoing everything the newest
 * text again. */
static void
test_random_solo_undo(void **state)
{
	struct model m;
	char *end;
	size_t i, nops;
	uint64_t seed;
	int rc;

	for (seed = 1; seed <= 300; seed++) {
		rnd_seed(seed * 13);
		model_init(&m, "0123456789");
		nops = rnd(200);
		for (i = 0; i < nops; i++) {
			switch (rnd(10)) {
			case 0:
				do_undo(&m, A, 0);
				break;
			case 1:
				do_undo(&m, A, 1);
				break;
			default:
				random_edit(
				    &m, A, rnd(4) == 0, 0, m.len, "abcdefgh");
				break;
			}
			if (rnd(30) == 0) {
				struct undo *u = round_trip(m.h[A], m.len);

				undo_free(m.h[A]);
				m.h[A] = u;
			}
		}
		/* Forward to the newest text there is, back, and forward. */
		while ((rc = do_undo(&m, A, 1)) != -1)
			assert_int_equal(rc, 1);
		end = xstrdup(m.text);
		while ((rc = do_undo(&m, A, 0)) != -1)
			assert_true(rc == 0 || rc == 1);
		check(&m, "0123456789");
		while ((rc = do_undo(&m, A, 1)) != -1)
			assert_int_equal(rc, 1);
		check(&m, end);
		free(end);
		model_free(&m);
	}
}

/* The position of the | between A's part and B's part. */
static size_t
separator(const struct model *m)
{
	const char *p = strchr(m->text, '|');

	assert_non_null(p);
	return p - m->text;
}

/* A and B edit each in their own part of the text: each undoing all of
 * theirs gives back exactly their part as it was, the other's untouched. */
static void
test_random_apart(void **state)
{
	struct model m;
	char *b_part;
	uint64_t seed;
	size_t i, nops, sep;
	int who, rc;

	for (seed = 1; seed <= 200; seed++) {
		rnd_seed(seed * 31);
		model_init(&m, "aaaa|BBBB");
		nops = rnd(200);
		for (i = 0; i < nops; i++) {
			who = rnd(2);
			sep = separator(&m);
			if (who == A)
				random_edit(&m, A, rnd(4) == 0, 0, sep, "ab");
			else {
				random_edit(
				    &m, B, rnd(4) == 0, sep + 1, m.len, "XY");
			}
		}

		/* A undoes everything: B's part stays as it is. */
		sep = separator(&m);
		b_part = xstrdup(m.text + sep);
		while ((rc = do_undo(&m, A, 0)) != -1)
			assert_true(rc == 0 || rc == 1);
		assert_int_equal(separator(&m), 4);
		assert_memory_equal(m.text, "aaaa", 4);
		assert_string_equal(m.text + 4, b_part);
		free(b_part);

		/* Then B: all back to the start. */
		while ((rc = do_undo(&m, B, 0)) != -1)
			assert_true(rc == 0 || rc == 1);
		check(&m, "aaaa|BBBB");
		model_free(&m);
	}
}

/* Whether every byte of s is lower case. */
static int
all_lower(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	}
	return 1;
}

/* A and B edit the same text anywhere, A undoing and redoing now and
 * then: A types lower case, B upper case, the text starts as digits. A's
 * undo only ever deletes A's bytes, and once A has undone everything none
 * of A's bytes are left. */
static void
test_random_mixed(void **state)
{
	struct model m;
	struct undo_edit *edits;
	uint64_t seed;
	size_t i, k, n, nops;
	int who, rc;

	for (seed = 1; seed <= 300; seed++) {
		rnd_seed(seed * 77);
		model_init(&m, "0123456789");
		nops = rnd(200);
		for (i = 0; i < nops; i++) {
			who = rnd(2);
			if (who == A && rnd(8) == 0) {
				rc = undo_undo(m.h[A], &edits, &n);
				for (k = 0; rc == 1 && k < n; k++) {
					assert_true(
					    all_lower(m.text + edits[k].pos,
					        edits[k].del_len));
					apply_n(&m, A, UNDO_UNDO, 0,
					    edits[k].pos, edits[k].del_len,
					    edits[k].ins, edits[k].ins_len);
				}
				if (rc == 1)
					undo_edits_free(edits, n);
			} else if (who == A && rnd(8) == 0)
				do_undo(&m, A, 1);
			else if (who == A)
				random_edit(&m, A, rnd(3) == 0, 0, m.len, "ab");
			else
				random_edit(&m, B, rnd(3) == 0, 0, m.len, "XY");
			if (rnd(30) == 0) {
				struct undo *u = round_trip(m.h[A], m.len);

				undo_free(m.h[A]);
				m.h[A] = u;
			}
		}

		while ((rc = undo_undo(m.h[A], &edits, &n)) != -1) {
			for (k = 0; rc == 1 && k < n; k++) {
				assert_true(all_lower(
				    m.text + edits[k].pos, edits[k].del_len));
				apply_n(&m, A, UNDO_UNDO, 0, edits[k].pos,
				    edits[k].del_len, edits[k].ins,
				    edits[k].ins_len);
			}
			if (rc == 1)
				undo_edits_free(edits, n);
		}
		for (i = 0; i < m.len; i++)
			assert_false(m.text[i] >= 'a' && m.text[i] <= 'z');

		/* B can still undo all of B's (what is left of it). */
		while ((rc = do_undo(&m, B, 0)) != -1)
			assert_true(rc == 0 || rc == 1);
		model_free(&m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_burst),
	    cmocka_unit_test(test_boundary),
	    cmocka_unit_test(test_undo_redo),
	    cmocka_unit_test(test_edit_clears_redo),
	    cmocka_unit_test(test_interleaved),
	    cmocka_unit_test(test_inside),
	    cmocka_unit_test(test_erased),
	    cmocka_unit_test(test_delete_atom),
	    cmocka_unit_test(test_replace),
	    cmocka_unit_test(test_backspace_in_burst),
	    cmocka_unit_test(test_delete_order),
	    cmocka_unit_test(test_older_groups),
	    cmocka_unit_test(test_big),
	    cmocka_unit_test(test_max_groups),
	    cmocka_unit_test(test_save_load),
	    cmocka_unit_test(test_load_truncated),
	    cmocka_unit_test(test_load_malformed),
	    cmocka_unit_test(test_load_garbage),
	    cmocka_unit_test(test_random_solo),
	    cmocka_unit_test(test_random_solo_undo),
	    cmocka_unit_test(test_random_apart),
	    cmocka_unit_test(test_random_mixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
