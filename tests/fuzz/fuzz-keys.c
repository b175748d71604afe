/* fuzz-keys.c: libFuzzer target for the terminal input decoder.
 * Feeds the input in chunks chosen by its first byte, then flushes. */
#include "moot.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "keys.h"

/* What the callbacks have seen, to check the order of events. */
struct fuzz_state {
	size_t keys;
	size_t pasted; /* paste bytes */
	unsigned sum;  /* of the paste bytes: each must be readable */
	int in_paste;  /* between PASTE_START and PASTE_END */
	int paste_on;  /* a paste callback is set */
};

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

static void
fuzz_cb(const struct key_event *ev, void *arg)
{
	struct fuzz_state *fs = arg;
	char name[64];

	keys_name(ev, name, sizeof name);
	fs->keys++;
	/* A mouse report is whole; any other key carries no mouse. */
	if (ev->code == KEYC_MOUSE)
		fuzz_check(ev->mouse >= KEYS_MOUSE_PRESS &&
		           ev->mouse <= KEYS_MOUSE_LAST && ev->button <= 2);
	else
		fuzz_check(ev->mouse == 0 && ev->button == 0 && ev->x == 0 &&
		           ev->y == 0);
	if (!fs->paste_on)
		return;

	/* With a paste callback: no keys inside a paste, and each
	 * PASTE_END follows a PASTE_START. */
	if (ev->code == KEYC_PASTE_START) {
		fuzz_check(!fs->in_paste);
		fs->in_paste = 1;
	} else if (ev->code == KEYC_PASTE_END) {
		fuzz_check(fs->in_paste);
		fs->in_paste = 0;
	} else
		fuzz_check(!fs->in_paste);
}

static void
fuzz_paste_cb(const unsigned char *data, size_t len, void *arg)
{
	struct fuzz_state *fs = arg;
	size_t i;

	fuzz_check(fs->in_paste && len != 0);
	for (i = 0; i < len; i++)
		fs->sum += data[i];
	fs->pasted += len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_state fs = {0, 0, 0, 0, 0};
	struct keys k;
	size_t off, n, total;
	uint32_t x;

	if (size == 0)
		return 0;

	/* The first byte seeds the chunk sizes (1 to 16 bytes); its top
	 * bit sets a paste callback (half of the runs). */
	x = data[0];
	fs.paste_on = (data[0] & 0x80) != 0;
	data++;
	size--;
	total = size;

	keys_init(&k);
	if (fs.paste_on)
		keys_set_paste(&k, fuzz_paste_cb, &fs);
	for (off = 0; off < size; off += n) {
		x = x * 1103515245 + 12345;
		n = 1 + ((x >> 16) & 0xf);
		if (n > size - off)
			n = size - off;
		keys_feed(&k, data + off, n, fuzz_cb, &fs);
		/* Now and then, as if the timeout had passed. */
		if (((x >> 24) & 0x1f) == 0)
			keys_flush(&k, fuzz_cb, &fs);
	}
	keys_flush(&k, fuzz_cb, &fs);

	/* Paste bytes come from the input, once each. */
	fuzz_check(fs.pasted <= total);
	if (!fs.paste_on)
		fuzz_check(fs.pasted == 0);
	/* After a flush only an unfinished paste leaves anything. */
	fuzz_check(!keys_pending(&k));
	return 0;
}
