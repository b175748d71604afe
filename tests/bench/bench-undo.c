/* bench-undo.c: what undo histories cost each op applied to a document.
 * Every op is passed through every history of its document (undo.c). */
#include "moot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buffer.h"
#include "undo.h"

#define DOC_BYTES 100000 /* the document the histories are made in */
#define GROUP_KEYS 5     /* keystrokes per change group */
#define OPS 10000        /* ops timed per configuration */

/* People in the document, and change groups each has made. */
static const struct {
	int people;
	int groups;
} configs[] = {{1, 100}, {3, 100}, {3, 1000}, {10, 100}, {10, 1000}};

static double
bench_undo_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Tell every history about a one-byte insert at pos by person who. */
static void
bench_undo_insert(
    struct undo **u, int people, int who, size_t pos, int boundary)
{
	int p;

	for (p = 0; p < people; p++)
		undo_op(
		    u[p], pos, NULL, 0, "x", 1, p == who, UNDO_EDIT, boundary);
}

/* Microseconds per op (by someone without a history here, so that only
 * the cost of following it is timed) once each of people has made groups
 * groups of typing at places spread over the document. */
static double
bench_undo_run(int people, int groups)
{
	struct undo *u[16];
	size_t len = DOC_BYTES, pos;
	double t0, t1;
	int p, g, i;

	for (p = 0; p < people; p++)
		u[p] = undo_create();
	for (g = 0; g < groups; g++) {
		for (p = 0; p < people; p++) {
			pos = ((size_t)g * 7919 + (size_t)p * 104729) % len;
			for (i = 0; i < GROUP_KEYS; i++, len++)
				bench_undo_insert(
				    u, people, p, pos + i, i == 0);
		}
	}
	t0 = bench_undo_now_us();
	for (i = 0; i < OPS; i++, len++) {
		pos = ((size_t)i * 7919) % len;
		bench_undo_insert(u, people, -1, pos, 0);
	}
	t1 = bench_undo_now_us();
	for (p = 0; p < people; p++)
		undo_free(u[p]);
	return (t1 - t0) / OPS;
}

/* The baseline: the same inserts into the text itself, with no history. */
static double
bench_undo_buffer(void)
{
	struct buffer *b;
	char *text = xmalloc(DOC_BYTES);
	size_t len = DOC_BYTES;
	double t0, t1;
	int i;

	memset(text, 'a', DOC_BYTES);
	b = buffer_from(text, DOC_BYTES);
	t0 = bench_undo_now_us();
	for (i = 0; i < OPS; i++, len++)
		buffer_insert(b, ((size_t)i * 7919) % len, "y", 1);
	t1 = bench_undo_now_us();
	buffer_free(b);
	free(text);
	return (t1 - t0) / OPS;
}

int
main(void)
{
	double base = 0, us;
	size_t i;

	printf("Undo histories: one-byte inserts at places spread over a "
	       "%d-byte document,\neach passed through every history of the "
	       "document; before timing, each\nperson made GROUPS change "
	       "groups of %d keys.\n\n",
	    DOC_BYTES, GROUP_KEYS);
	base = bench_undo_buffer();
	printf("people  groups each     us/op   vs the text edit\n");
	printf("the text edit alone    %8.2f   1.0x (baseline)\n", base);
	for (i = 0; i < sizeof configs / sizeof configs[0]; i++) {
		us = bench_undo_run(configs[i].people, configs[i].groups);
		printf("%6d  %11d  %8.2f   %.1fx\n", configs[i].people,
		    configs[i].groups, us, base > 0 ? us / base : 0);
	}
	return 0;
}
