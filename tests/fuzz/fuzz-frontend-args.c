/* fuzz-frontend-args.c: libFuzzer target for what a frontend is told
 * (frontend-args.c): any bytes are read; what reads is written back. */
#include "moot.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "bytes.h"
#include "frontend.h"

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frontend_args a, b;
	struct bytes out, again;
	const char *err;
	size_t i;

	if (frontend_args_read(data, size, &a, &err) == -1) {
		fuzz_check(err != NULL);
		fuzz_check(a.hostkey == NULL && a.keys.n == 0);
		return 0;
	}
	/* What was read writes back, and reads the same again. */
	bytes_init(&out);
	fuzz_check(frontend_args_write(&a, &out) == 0);
	fuzz_check(frontend_args_read(
	               bytes_ptr(&out), bytes_len(&out), &b, &err) == 0);
	fuzz_check(strcmp(a.hostkey, b.hostkey) == 0);
	fuzz_check(a.grace == b.grace && a.max_tries == b.max_tries);
	fuzz_check(a.ka_interval == b.ka_interval && a.ka_count == b.ka_count);
	fuzz_check(a.keys.n == b.keys.n);
	for (i = 0; i < a.keys.n; i++) {
		fuzz_check(
		    strcmp(a.keys.keys[i].line, b.keys.keys[i].line) == 0);
		fuzz_check(
		    strcmp(a.keys.keys[i].source, b.keys.keys[i].source) == 0);
		fuzz_check(a.keys.keys[i].home == b.keys.keys[i].home);
		fuzz_check((a.keys.keys[i].bad == NULL) ==
		           (b.keys.keys[i].bad == NULL));
	}
	bytes_init(&again);
	fuzz_check(frontend_args_write(&b, &again) == 0);
	fuzz_check(
	    bytes_len(&again) == bytes_len(&out) &&
	    memcmp(bytes_ptr(&again), bytes_ptr(&out), bytes_len(&out)) == 0);
	bytes_free(&again);
	bytes_free(&out);
	frontend_args_free(&a);
	frontend_args_free(&b);
	return 0;
}
