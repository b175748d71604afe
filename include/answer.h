/* answer.h: what a computation forked off the daemon's loop sends back:
 * records of fields, each field a netstring, each record ended by '\n'. */
#ifndef MOOT_ANSWER_H
#define MOOT_ANSWER_H

#include <stddef.h>
#include <stdint.h>

struct bytes;

/*
 * The encoding: a record is its fields one after the other, each
 * "LEN:BYTES," (LEN in decimal, at most ANSWER_LEN_DIGITS digits, no
 * leading zero), then '\n'. Fields may hold any bytes. For example the
 * record ("span", "7", "3", "5") is "4:span,1:7,1:3,1:5,\n". The first
 * field says what the record is.
 */
#define ANSWER_FIELDS 16    /* fields of one record at most */
#define ANSWER_LEN_DIGITS 9 /* so a field is under 1 GB */

/* Writing (in the child). */
void answer_add(struct bytes *, const void *, size_t);
void answer_adds(struct bytes *, const char *); /* NULL: an empty field */
void answer_addu(struct bytes *, uint64_t);
void answer_end(struct bytes *);

/* Reading (in the daemon): the answer is untrusted bytes. */
struct answer_reader {
	const char *p;
	size_t left;
};
struct answer_rec {
	size_t n;
	const char *f[ANSWER_FIELDS];
	size_t len[ANSWER_FIELDS];
};
void answer_reader_init(struct answer_reader *, const void *, size_t);
/* The next record: 1; 0 at the end; -1 when the bytes are not records
 * (cut short, too many fields, a bad length). */
int answer_next(struct answer_reader *, struct answer_rec *);
/* Whether field i is word. */
int answer_is(const struct answer_rec *, size_t i, const char *word);
/* Field i as a string (cut at a NUL byte; "" when there is no field i);
 * the caller frees it. */
char *answer_dup(const struct answer_rec *, size_t i);
/* Field i as a decimal number of at most max: 0, or -1 when it is not. */
int answer_u64(const struct answer_rec *, size_t i, uint64_t max, uint64_t *);

#endif
