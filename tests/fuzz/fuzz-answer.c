/* fuzz-answer.c: libFuzzer target for the answers of forked computations.
 * Reads the input as records; each field read back as text and number. */
#include "moot.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "bytes.h"

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answer_reader r;
	struct answer_rec rec;
	struct bytes b;
	uint64_t u;
	size_t i, total = 0;
	char *s;
	int rc;

	answer_reader_init(&r, data, size);
	bytes_init(&b);
	while ((rc = answer_next(&r, &rec)) == 1) {
		fuzz_check(rec.n > 0 && rec.n <= ANSWER_FIELDS);
		for (i = 0; i < rec.n; i++) {
			/* Every field lies inside the input. */
			fuzz_check(
			    rec.f[i] >= (const char *)data &&
			    rec.f[i] + rec.len[i] <= (const char *)data + size);
			s = answer_dup(&rec, i);
			fuzz_check(strlen(s) <= rec.len[i]);
			free(s);
			if (answer_u64(&rec, i, UINT64_MAX, &u) == 0)
				fuzz_check(rec.len[i] > 0);
			answer_add(&b, rec.f[i], rec.len[i]);
			total += rec.len[i];
		}
		answer_end(&b);
	}
	fuzz_check(rc == 0 || rc == -1);
	/* What was read writes back as a prefix of the input. */
	fuzz_check(bytes_len(&b) <= size &&
	           memcmp(bytes_ptr(&b), data, bytes_len(&b)) == 0);
	(void)total;
	bytes_free(&b);
	return 0;
}
