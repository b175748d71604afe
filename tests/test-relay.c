/* test-relay.c: unit tests of the frames between `moot attach` and its
 * local frontend (relay.c): round trips, partial frames, the bounds. */
#include "moot.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bytes.h"
#include "relay.h"

/* TERM, a size and data come back as sent, each whole frame at a time. */
static void
test_round_trip(void **state)
{
	struct relay_frame f;
	struct bytes b;
	const char *err;
	unsigned cols, rows;
	size_t used;

	bytes_init(&b);
	relay_put(&b, RELAY_TERM, "xterm-256color", 14);
	relay_put_size(&b, 300, 1000);
	relay_put_data(&b, "hello", 5);
	assert_int_equal(
	    relay_get(bytes_ptr(&b), bytes_len(&b), &f, &used, &err), 1);
	assert_int_equal(f.type, RELAY_TERM);
	assert_int_equal(f.len, 14);
	assert_memory_equal(f.data, "xterm-256color", 14);
	bytes_drain(&b, used);
	assert_int_equal(
	    relay_get(bytes_ptr(&b), bytes_len(&b), &f, &used, &err), 1);
	assert_int_equal(f.type, RELAY_SIZE);
	assert_int_equal(relay_size(&f, &cols, &rows), 0);
	assert_int_equal(cols, 300);
	assert_int_equal(rows, 1000);
	bytes_drain(&b, used);
	assert_int_equal(
	    relay_get(bytes_ptr(&b), bytes_len(&b), &f, &used, &err), 1);
	assert_int_equal(f.type, RELAY_DATA);
	assert_memory_equal(f.data, "hello", 5);
	bytes_drain(&b, used);
	assert_int_equal(bytes_len(&b), 0);
	bytes_free(&b);
}

/* A frame is decoded only once it is whole; every shorter prefix asks
 * for more. */
static void
test_partial(void **state)
{
	struct relay_frame f;
	struct bytes b;
	const char *err;
	size_t used, i;

	bytes_init(&b);
	relay_put_data(&b, "abcdef", 6);
	for (i = 0; i < bytes_len(&b); i++)
		assert_int_equal(
		    relay_get(bytes_ptr(&b), i, &f, &used, &err), 0);
	assert_int_equal(
	    relay_get(bytes_ptr(&b), bytes_len(&b), &f, &used, &err), 1);
	assert_int_equal(used, RELAY_HEADER + 6);
	bytes_free(&b);
}

/* Large data is cut into frames of at most RELAY_MAX bytes. */
static void
test_data_split(void **state)
{
	struct relay_frame f;
	struct bytes b;
	const char *err;
	char *big = xcalloc(1, RELAY_MAX * 2 + 10);
	size_t used, total = 0, frames = 0;

	bytes_init(&b);
	relay_put_data(&b, big, RELAY_MAX * 2 + 10);
	while (relay_get(bytes_ptr(&b), bytes_len(&b), &f, &used, &err) == 1) {
		assert_true(f.len <= RELAY_MAX);
		total += f.len;
		frames++;
		bytes_drain(&b, used);
	}
	assert_int_equal(total, RELAY_MAX * 2 + 10);
	assert_int_equal(frames, 3);
	bytes_free(&b);
	free(big);
}

/* What a hostile client could send is refused at the header, before any
 * payload is waited for: an unknown type, a length above RELAY_MAX, a
 * size that is not 4 bytes, a TERM above RELAY_TERM_MAX. A size of zero
 * is no size. */
static void
test_refused(void **state)
{
	struct relay_frame f;
	const char *err;
	size_t used;
	uint8_t h[8];

	memcpy(h, "x\0\0", 3);
	assert_int_equal(relay_get(h, 3, &f, &used, &err), -1);
	h[0] = RELAY_DATA;
	h[1] = (RELAY_MAX + 1) >> 8;
	h[2] = (RELAY_MAX + 1) & 0xff;
	assert_int_equal(relay_get(h, 3, &f, &used, &err), -1);
	h[0] = RELAY_SIZE;
	h[1] = 0;
	h[2] = 5;
	assert_int_equal(relay_get(h, 3, &f, &used, &err), -1);
	h[0] = RELAY_TERM;
	h[2] = RELAY_TERM_MAX + 1;
	assert_int_equal(relay_get(h, 3, &f, &used, &err), -1);
	memcpy(h, "w\0\4\0\0\0\30", 7);
	assert_int_equal(relay_get(h, 7, &f, &used, &err), 1);
	{
		unsigned cols, rows;

		assert_int_equal(relay_size(&f, &cols, &rows), -1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_partial),
	    cmocka_unit_test(test_data_split),
	    cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
