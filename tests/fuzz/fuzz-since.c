/* fuzz-since.c: libFuzzer target for `moot log --since DATE`'s parser.
 * Any text parses or not, never reading past its end; dates are sane. */
#include "moot.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"

#define FUZZ_NOW 1796000000000LL /* 2026-12-01, in ms */

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t t = 0;
	char *s;

	if (size > 64)
		return 0;
	s = xmalloc(size + 1); /* exactly the text: ASan sees any overread */
	memcpy(s, data, size);
	s[size] = '\0';
	if (timeline_parse_since(s, FUZZ_NOW, &t) == 0) {
		/* A date from 1970 to 9999, or at most 999999 weeks back. */
		fuzz_check(t <= 253402300800000LL);
		fuzz_check(t >= FUZZ_NOW - 999999LL * 7 * 86400000);
		fuzz_check(strlen(s) >= 2);
	}
	free(s);
	return 0;
}
