/* why.h: reading decisions back: `moot decisions` and `moot why`.
 * Records from the decision directory, trailers from git history. */
#ifndef MOOT_WHY_H
#define MOOT_WHY_H

#include <stddef.h>

#include "record.h"

struct repo;

/* One record of the decision directory. */
struct why_record {
	unsigned number;
	char *file; /* path relative to the repository */
	struct record rec;
};

/*
 * Every record (*.md whose name starts with digits) in the decision
 * directory of the working tree, sorted by number (files with the same
 * number: by name). Records written by hand or by adr-tools count.
 * Returns 0, or -1 with *err set.
 */
int why_records(struct repo *, struct why_record **out, size_t *n, char **err);
void why_records_free(struct why_record *, size_t);

/* One decision behind a line. */
struct why_hit {
	unsigned number;
	char *id;     /* "ADR-0007" */
	char *title;  /* from the record, else the commit subject */
	char *status; /* from the record now ("accepted", "superseded") */
	char *file;   /* the record, relative to the repository; may be NULL */
	char *how;    /* one line: "Code-Range src/a.c:40-52@1a2b3c4d5e6f,
	                 now lines 43-55" or "Refs in 1a2b3c4d5e6f (subject),
	                 which last changed this line" */
	char *commit; /* the decision's commit, full hex */
};

/*
 * The decisions behind line (1-based) of path: every commit reachable from
 * HEAD with a Decision-Id trailer and Decision-Status accepted, whose
 * Code-Range trailers name path and still cover the line after carrying
 * the range from its commit to HEAD (and from HEAD to text, when text is
 * given: the document as it is in the editor; else to the working tree
 * file); and the decisions named by "Refs: ADR-NNNN" trailers of the
 * commit that last changed the line (blame). A decision found both ways is
 * listed once (the Code-Range way). Ordered by number, descending.
 * Returns 0 (*n may be 0), or -1 with *err set (no such file, line out of
 * range, unreadable repository).
 */
int why_find(struct repo *, const char *path, unsigned long line,
    const char *text, size_t len, struct why_hit **out, size_t *n, char **err);
void why_hits_free(struct why_hit *, size_t);

/*
 * The command line. Both print to stdout, errors to stderr, and return
 * the exit status (0 ok, 1 error such as no repository, 2 usage).
 *   moot decisions [-C DIR] [--open]
 *     one line per record: "NNNN  STATUS  DATE  TITLE" (DATE "-" when
 *     unknown); with --open, the open questions instead: those in the
 *     records still proposed or accepted ("NNNN  question"), those asked
 *     with no draft in the session journal ("-     question"), and
 *     drafts in progress in the journal ("NNNN  draft: TITLE").
 *   moot why FILE:LINE [-C DIR]
 *     for each hit: "ADR-NNNN  STATUS  TITLE", then "  FILE" and "  HOW"
 *     indented; "no recorded decision covers FILE:LINE" when none.
 * argv[0] is the subcommand name.
 */
int why_decisions_main(int argc, char **argv);
int why_main(int argc, char **argv);

#endif
