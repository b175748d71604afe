/* linematch.h: which old line each line of a new text descends from, beyond
 * an exact diff: whitespace, joined and split lines, edits, moved blocks. */
#ifndef MOOT_LINEMATCH_H
#define MOOT_LINEMATCH_H

#include <stddef.h>
#include <stdint.h>

/* How a new line descends from its old line (bits). */
#define LINEMATCH_EDITED 0x1 /* its text changed (whitespace included) */
#define LINEMATCH_MOVED 0x2  /* it came with a block moved from elsewhere */

/*
 * Thresholds, explained in docs/decisions.md ("How ranges are carried").
 * Two lines are similar when the tokens they share (identifiers, numbers,
 * and each punctuation character, counted with repeats) make up at least
 * LINEMATCH_SIMILAR percent of all their tokens (Dice's coefficient); a
 * line replaced one for one by another, between lines that stayed,
 * keeps its place whatever it says now (an edit in place). A moved block has
 * LINEMATCH_MOVE_MIN lines at least, LINEMATCH_MOVE_SOLID of them not trivial
 * (not blank, and more than two characters besides white space), unless it is
 * all that was wanted of its place.
 */
#define LINEMATCH_SIMILAR 50
#define LINEMATCH_MOVE_MIN 3
#define LINEMATCH_MOVE_SOLID 2
/* Gaps larger than this (old lines times new lines) are aligned only by
 * position, not by trying every pair. */
#define LINEMATCH_GAP_CELLS (256 * 256)

/* A hunk of a diff with no context: old lines replaced by new lines. */
struct linematch_hunk {
	unsigned long old_start, old_lines; /* 1-based; start is the line */
	unsigned long new_start, new_lines; /* before an empty side */
};

/*
 * The diff the caller provides (carry.c: libgit2's): the hunks turning
 * a into b, in order, into *out (caller frees). Returns 0 or -1.
 */
typedef int (*linematch_diff_fn)(const char *a, size_t alen, const char *b,
    size_t blen, struct linematch_hunk **out, size_t *n, void *arg);

/* A text taken apart into lines (a last line without '\n' counts). */
struct linematch_text {
	const char *buf;
	size_t len;
	unsigned long n; /* lines */
	size_t *off;     /* n + 1 offsets: line i (1-based) is
	                    [off[i - 1], off[i]), its '\n' included */
	uint64_t *hash;  /* of each line without white space; [0] unused */
	uint32_t *solid; /* bytes other than white space of each line */
};

/* Where a new line comes from. */
struct linematch_to {
	uint32_t pair; /* the index of the old side's pair; UINT32_MAX: new */
	uint32_t how;  /* LINEMATCH_* */
	unsigned long line; /* the old line, 1-based */
};

/*
 * One file across a change: old and new side (either may be NULL: a file
 * added, a file deleted). linematch_file fills to (for each new line,
 * 1-based, [0] unused) and kept (for each old line, whether some new line
 * descends from it).
 */
struct linematch_pair {
	const struct linematch_text *old, *new;
	struct linematch_to *to;     /* new->n + 1 entries */
	uint8_t *kept;               /* old->n + 1 entries */
	struct linematch_hunk *gaps; /* (linematch_finish's work) */
	size_t ngaps;
};

void linematch_text_init(struct linematch_text *, const char *buf, size_t len);
void linematch_text_free(struct linematch_text *);

/* Similarity of two lines, 0 to 100 (two blank lines: 100). */
unsigned linematch_similar(
    const char *a, size_t alen, const char *b, size_t blen);

/*
 * Three steps, in this order, as moved blocks must take their lines before
 * similar lines in place can take them by mistake:
 *
 * linematch_file matches the lines of one pair in place: the diff of the
 * texts (its heuristics see the indentation), then in each gap the diff of
 * the lines without white space, then lines joined or split without other
 * change. It allocates pair->to and pair->kept and notes the gaps left.
 * Returns 0, or -1 when diff fails.
 *
 * linematch_moves looks for blocks moved between pairs: runs of old lines
 * left without descendants that hold a wanted line (want[p] for pair p,
 * old->n + 1 entries, or NULL: nothing wanted there) are looked for among
 * new lines nothing descends to, in every pair: blocks of
 * LINEMATCH_MOVE_MIN lines or more, with the lines next to them that went
 * along. Found lines are marked LINEMATCH_MOVED.
 *
 * linematch_finish aligns similar lines in what is left of each gap, and
 * a line replaced one for one; then, with want, takes equal lines the
 * diff could as well have kept in place, and short moved blocks that are
 * all that was wanted of their place.
 */
int linematch_file(
    struct linematch_pair *, uint32_t index, linematch_diff_fn, void *arg);
void linematch_moves(
    struct linematch_pair *, size_t npairs, const uint8_t *const *want);
void linematch_finish(
    struct linematch_pair *, size_t npairs, const uint8_t *const *want);

void linematch_pair_free(struct linematch_pair *);

#endif
