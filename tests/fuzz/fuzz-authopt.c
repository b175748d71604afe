/* fuzz-authopt.c: libFuzzer target for authorized_keys options (authopt.c).
 * The input up to its first NUL is an options text, the rest an address. */
#include "moot.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authopt.h"

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct authopt o;
	const char *err, *why;
	char *opts, *addr;
	size_t n;
	time_t t;
	int m;

	opts = xmalloc(size + 1);
	memcpy(opts, data, size);
	opts[size] = '\0';
	n = strlen(opts);
	addr = n < size ? opts + n + 1 : NULL;

	/* The same text as a pattern list, a time and a whole option set. */
	m = authopt_from_match(opts, addr);
	fuzz_check(m >= -1 && m <= 1);
	if (m == -1)
		fuzz_check(authopt_from_match(opts, NULL) == -1);
	if (addr == NULL)
		fuzz_check(m != 1);
	if (authopt_time(opts, &t) == 0)
		fuzz_check(n >= 8 && n <= 15);
	if (authopt_parse(opts, &o, &err) == 0) {
		fuzz_check(!(o.host && o.viewer));
		/* A kept pattern list is well formed. */
		if (o.from != NULL)
			fuzz_check(authopt_from_match(o.from, NULL) == 0);
		/* An expiry holds up to its second and not after. */
		if (o.refuse == NULL && o.from == NULL && o.expires &&
		    o.expiry < INT64_MAX) {
			fuzz_check(
			    authopt_check(&o, addr, o.expiry, &why) == 0);
			fuzz_check(
			    authopt_check(&o, addr, o.expiry + 1, &why) == -1);
		}
		if (o.refuse != NULL)
			fuzz_check(authopt_check(&o, addr, 0, &why) == -1 &&
			           why == o.refuse);
		authopt_free(&o);
	} else {
		fuzz_check(err != NULL && o.from == NULL && o.refuse == NULL);
	}
	free(opts);
	return 0;
}
