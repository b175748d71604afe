/* fuzz-carry.c: libFuzzer target for the carrying of decisions' code: the
 * cache file's parser (carry-cache.c) and line matching (linematch.c). */
#include "moot.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carry.h"
#include "linematch.h"

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

/* A plain diff for linematch: common first and last lines kept, all
 * between one hunk (the fuzzer has no libgit2 xdiff to call). */
static int
fuzz_diff(const char *a, size_t alen, const char *b, size_t blen,
    struct linematch_hunk **out, size_t *n, void *arg)
{
	struct linematch_text ta, tb;
	unsigned long pre = 0, suf = 0;

	linematch_text_init(&ta, a, alen);
	linematch_text_init(&tb, b, blen);
	while (pre < ta.n && pre < tb.n &&
	       ta.off[pre + 1] - ta.off[pre] == tb.off[pre + 1] - tb.off[pre] &&
	       memcmp(a + ta.off[pre], b + tb.off[pre],
	           ta.off[pre + 1] - ta.off[pre]) == 0)
		pre++;
	while (suf < ta.n - pre && suf < tb.n - pre &&
	       ta.off[ta.n - suf] - ta.off[ta.n - suf - 1] ==
	           tb.off[tb.n - suf] - tb.off[tb.n - suf - 1] &&
	       memcmp(a + ta.off[ta.n - suf - 1], b + tb.off[tb.n - suf - 1],
	           ta.off[ta.n - suf] - ta.off[ta.n - suf - 1]) == 0)
		suf++;
	*n = 0;
	*out = NULL;
	if (pre + suf < ta.n || pre + suf < tb.n) {
		*out = xmalloc(sizeof **out);
		(*out)->old_lines = ta.n - pre - suf;
		(*out)->new_lines = tb.n - pre - suf;
		(*out)->old_start = (*out)->old_lines == 0 ? pre : pre + 1;
		(*out)->new_start = (*out)->new_lines == 0 ? pre : pre + 1;
		*n = 1;
	}
	linematch_text_free(&ta);
	linematch_text_free(&tb);
	return 0;
}

/* The input as a cache set: what parses formats and parses back the same. */
static void
fuzz_cache(const char *text, size_t size)
{
	struct carry_set set, back;
	char *out, *again;
	size_t len, len2;

	if (carry_cache_parse(text, size, &set) != 0)
		return;
	out = carry_cache_format(&set, &len);
	fuzz_check(carry_cache_parse(out, len, &back) == 0);
	again = carry_cache_format(&back, &len2);
	fuzz_check(len == len2 && memcmp(out, again, len) == 0);
	free(again);
	free(out);
	carry_set_free(&back);
	carry_set_free(&set);
}

/* The input as two texts (split at the first NUL), every line wanted:
 * whatever matches must point at real lines, at most once each way. */
static void
fuzz_match(const char *text, size_t size)
{
	struct linematch_text a, b;
	struct linematch_pair p;
	const char *nul = memchr(text, '\0', size);
	const uint8_t *want[1];
	uint8_t *all;
	unsigned long j;

	if (nul == NULL)
		return;
	linematch_text_init(&a, text, (size_t)(nul - text));
	linematch_text_init(&b, nul + 1, size - (size_t)(nul - text) - 1);
	memset(&p, 0, sizeof p);
	p.old = &a;
	p.new = &b;
	fuzz_check(linematch_file(&p, 0, fuzz_diff, NULL) == 0);
	all = xmalloc(a.n + 1);
	memset(all, 1, a.n + 1);
	want[0] = all;
	linematch_moves(&p, 1, want);
	linematch_finish(&p, 1, want);
	for (j = 1; j <= b.n; j++) {
		if (p.to[j].pair == UINT32_MAX)
			continue;
		fuzz_check(p.to[j].pair == 0);
		fuzz_check(p.to[j].line >= 1 && p.to[j].line <= a.n);
		fuzz_check(p.kept[p.to[j].line]);
	}
	free(all);
	linematch_pair_free(&p);
	linematch_text_free(&a);
	linematch_text_free(&b);
}

/* The input as a Refs value: each id found moves the walk on, and the
 * walk ends at the end of the text. */
static void
fuzz_refs(const char *text, size_t size)
{
	char *s = xstrndup(text, size);
	const char *p = s, *before;
	unsigned n;

	for (;;) {
		before = p;
		if ((n = carry_refs_next(&p)) == 0)
			break;
		fuzz_check(p > before);
	}
	fuzz_check(*p == '\0');
	(void)carry_id_value(s);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_cache((const char *)data, size);
	fuzz_match((const char *)data, size);
	fuzz_refs((const char *)data, size);
	return 0;
}
