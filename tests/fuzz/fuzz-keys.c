/* fuzz-keys.c: libFuzzer target for the terminal input decoder.
 * Feeds the input in chunks chosen by its first byte, then flushes. */
#include "moot.h"

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

static void
fuzz_cb(const struct key_event *ev, void *arg)
{
	char name[64];
	size_t *n = arg;

	keys_name(ev, name, sizeof name);
	(*n)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keys k;
	size_t off, n, seen = 0;
	uint32_t x;

	if (size == 0)
		return 0;

	/* The first byte seeds the chunk sizes (1 to 16 bytes). */
	x = data[0];
	data++;
	size--;

	keys_init(&k);
	for (off = 0; off < size; off += n) {
		x = x * 1103515245 + 12345;
		n = 1 + ((x >> 16) & 0xf);
		if (n > size - off)
			n = size - off;
		keys_feed(&k, data + off, n, fuzz_cb, &seen);
		/* Now and then, as if the timeout had passed. */
		if (((x >> 24) & 0x1f) == 0)
			keys_flush(&k, fuzz_cb, &seen);
	}
	keys_flush(&k, fuzz_cb, &seen);
	return 0;
}
