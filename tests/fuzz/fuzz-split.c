/* fuzz-split.c: libFuzzer target for the saved split tree (split.c).
 * The input is a layout as the journal keeps it for a person. */
#include "moot.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "split.h"

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

/* Laid out in sx x sy, every leaf shown is inside. */
static void
fuzz_check_inside(struct split *root, unsigned sx, unsigned sy)
{
	struct split *s;

	split_layout(root, 0, 0, sx, sy);
	s = split_first(root);
	do
		fuzz_check(
		    s->hidden || (s->x + s->sx <= sx && s->y + s->sy <= sy));
	while ((s = split_next(root, s)) != split_first(root));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int panes[SPLIT_MAX_PANES];
	void *p[SPLIT_MAX_PANES];
	struct split *root, *s;
	char *text, *again;
	size_t i;
	int n;

	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (i = 0; i < SPLIT_MAX_PANES; i++)
		p[i] = &panes[i];
	n = split_load_count(text);
	fuzz_check(n == -1 || (n >= 1 && n <= SPLIT_MAX_PANES));
	if (n > 0) {
		root = split_load(text, p, (size_t)n);
		fuzz_check(root != NULL);
		/* What loads saves back to the same text. */
		again = split_save(root);
		fuzz_check(strcmp(again, text) == 0);
		free(again);
		/* Laid out in any size, leaves stay inside it, resized too. */
		fuzz_check_inside(root, size % 300, (size / 7) % 100);
		s = split_first(root);
		do
			split_resize(s, (enum split_dir)(size % 4), 1);
		while ((s = split_next(root, s)) != split_first(root));
		fuzz_check_inside(root, size % 300, (size / 7) % 100);
		/* A border dragged anywhere keeps the leaves inside too. */
		split_layout(root, 0, 0, size % 300, (size / 7) % 100);
		for (i = 0; i < 300; i += 7) {
			s = split_border(
			    root, (unsigned)i, (unsigned)(i % 100));
			if (s != NULL)
				split_drag(s, (unsigned)(size * 13 % 300));
		}
		fuzz_check_inside(root, size % 300, (size / 7) % 100);
		again = split_save(root);
		fuzz_check(split_load_count(again) == n);
		free(again);
		split_free(root);
	} else
		fuzz_check(split_load(text, p, SPLIT_MAX_PANES) == NULL);
	free(text);
	return 0;
}
