/* fuzz-nanorc.c: libFuzzer target for the nano syntax file parser and the
 * colouring of a line by what it parsed (syntax.c). */
#include "moot.h"

#include <stdint.h>
#include <string.h>

#include "syntax.h"

/*
 * The input is a syntax file; the syntax it defines first (if any) then
 * colours a few lines of it, each from the state the one above left: the
 * parser must never crash or leak on any text, and colouring must never
 * read or write out of bounds, whatever the regular expressions.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct syntax_span spans[SYNTAX_SPANS_MAX];
	struct syntax_set *set = syntax_set_create();
	const struct syntax *syn;
	const char *text = (const char *)data, *nl;
	size_t n, left = size, i;
	uint32_t state = 0;

	syntax_parse(set, "fuzz.nanorc", text, size);
	syntax_find(set, "x.c", text, size);
	syn = syntax_get(set, 0);
	for (i = 0; syn != NULL && i < 8 && left > 0; i++) {
		nl = memchr(text, '\n', left);
		n = nl != NULL ? (size_t)(nl - text) : left;
		state = syntax_line(syn, text, n, state, spans, &n);
		if (n > SYNTAX_SPANS_MAX)
			__builtin_trap();
		if (nl == NULL)
			break;
		left -= nl + 1 - text;
		text = nl + 1;
	}
	syntax_set_free(set);
	return 0;
}
