/* undo.h: one person's undo and redo history in one document.
 * Positions stay current by following every op anyone applies. */
#ifndef MOOT_UNDO_H
#define MOOT_UNDO_H

#include <stddef.h>

#include "bytes.h"

#define UNDO_MAX_GROUPS 1000 /* older groups are forgotten */

/* What the owner of a history was doing when an op of theirs was made. */
enum undo_kind {
	UNDO_EDIT = 0, /* an ordinary edit: joins the undo stack, clears redo */
	UNDO_UNDO = 1, /* applying an undo: builds the matching redo group */
	UNDO_REDO = 2  /* applying a redo: builds an undo group, keeps redo */
};

/* One edit to apply: delete del_len bytes at pos, then insert ins. */
struct undo_edit {
	size_t pos;
	size_t del_len;
	char *ins;
	size_t ins_len;
};

struct undo;

struct undo *undo_create(void);
void undo_free(struct undo *);

/*
 * Tell a history about an op applied to its document (after the text
 * changed), by anyone, in order: pos, the bytes deleted there and the bytes
 * inserted there. mine is set when this history's owner made the op; kind
 * says why they made it; boundary (mine and UNDO_EDIT only) starts a new
 * change group instead of joining the open one.
 */
void undo_op(struct undo *, size_t pos, const char *del, size_t del_len,
    const char *ins, size_t ins_len, int mine, enum undo_kind kind,
    int boundary);

/*
 * Take the newest group off the undo stack (undo_redo: the redo stack) and
 * return the edits that reverse what is left of it, in the order to apply
 * them: each is valid once those before it are applied. The caller applies
 * each as an op with kind UNDO_UNDO (UNDO_REDO) and mine set; those ops
 * form the matching redo (undo) group.
 * Returns 1 with *edits and *n set (*n >= 1); 0 when the group had nothing left
 * (others deleted or replaced all of it: the group is dropped and the caller
 * says so); -1 when the stack is empty.
 */
int undo_undo(struct undo *, struct undo_edit **edits, size_t *n);
int undo_redo(struct undo *, struct undo_edit **edits, size_t *n);
void undo_edits_free(struct undo_edit *, size_t n);

/* Groups on each stack. */
size_t undo_depth(const struct undo *, size_t *redo);

/* Serialise a history (for the journal), and load one back: NULL when
 * data is malformed or refers past doc_len bytes. */
void undo_save(const struct undo *, struct bytes *out);
struct undo *undo_load(const void *data, size_t len, size_t doc_len);

#endif
