/* why-int.h: what why.c shares with decisions.c and show.c.
 * Internal to reading decisions back; the rest of moot uses why.h. */
#ifndef MOOT_WHY_INT_H
#define MOOT_WHY_INT_H

#include <stdint.h>
#include <stdio.h>

#include "carry.h"
#include "record.h"
#include "why.h"

struct repo;

#define WHY_DATE_SIZE 16 /* "YYYY-MM-DD" and its NUL */

/*
 * One decision as JSON: the schema is in docs/decisions.md, "Machine-
 * readable output". Every key is always there (null when it does not
 * apply), in this order.
 */
struct why_json_dec {
	unsigned number;
	const char *status;
	const char *title;
	const char *record;            /* NULL: none */
	const char *date;              /* the record's, NULL: none */
	const char *commit;            /* the decision's, ""/NULL: none */
	int64_t time;                  /* its time, 0: none */
	const char *how;               /* NULL: null */
	unsigned via;                  /* CARRY_* bits */
	const struct carry_span *span; /* covering the line; NULL: null */
	const char *refs_commit;       /* NULL: refs is null */
	const char *refs_subject;
	const struct carry_range *ranges;
	size_t nranges;
	const struct carry_span *now;
	size_t nnow;
	const struct why_change *change; /* NULL or !known: null */
	char *const *trace;              /* with traced */
	size_t ntrace;
	int traced; /* --trace: trace is a list, else null */
};

void why_json_dec(FILE *, const struct why_json_dec *);

/* Printing, and the command line's errors. */
void why_put(FILE *, const char *s);
void why_date(int64_t t, char buf[WHY_DATE_SIZE]);
void why_fail(const char *cmd, char *err);
struct repo *why_open(const char *cmd, const char *dir);

/* Decisions in history, carried, and how much their code changed. */
struct carry_dec *why_set_find(struct carry_set *, unsigned number);
void why_carry_tree(struct repo *, struct carry_set *, const unsigned *numbers,
    size_t n, const char *skip);
const char *why_carry_word(unsigned how);
void why_change_of(const struct carry_dec *, struct why_change *);
int why_stale(
    const struct carry_dec *, const struct why_change *, const char *status);
char *why_change_text(const struct why_change *);

/* The record of a decision, when there is one. */
struct why_found {
	char *file; /* relative to the repository; NULL: none */
	char *text;
	size_t len;
	struct record rec;
};

void why_found_get(struct repo *, const struct why_record *recs, size_t nrecs,
    unsigned number, const char *decfile, struct why_found *);
void why_found_free(struct why_found *);

char *why_lower(const char *s);
char *why_lines_text(const char *path, unsigned long first, unsigned long last);
char *why_range_text(const struct carry_range *);
char *why_carry_phrase(unsigned how);

/* A decision's status and title, from its record or else its commit. */
char *why_status(const struct record *, const char *status);
char *why_title(const struct record *, const char *subject);

#endif
