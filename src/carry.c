/* carry.c: the code each decision concerns, carried through history commit
 * by commit: kept lines, moves, edits in place, renames. */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "carry.h"
#include "repo.h"

/* First cut: the interface only; the carrying comes next. */

int
carry_head(struct repo *r, struct carry_set *set, char **err)
{
	memset(set, 0, sizeof *set);
	return 0;
}

int
carry_text(struct repo *r, struct carry_set *set, const char *path,
    const char *text, size_t len, char **err)
{
	return 0;
}

const struct carry_span *
carry_covers(const struct carry_dec *d, const char *path, unsigned long line)
{
	size_t i;

	for (i = 0; i < d->nspans; i++) {
		if (strcmp(d->spans[i].path, path) == 0 &&
		    d->spans[i].first <= line && line <= d->spans[i].last)
			return &d->spans[i];
	}
	return NULL;
}

int
carry_trace(struct repo *r, unsigned number,
    void (*cb)(void *arg, const char *line), void *arg, char **err)
{
	return 0;
}

void
carry_set_free(struct carry_set *set)
{
	struct carry_dec *d;
	size_t i, j;

	for (i = 0; i < set->n; i++) {
		d = &set->v[i];
		free(d->subject);
		free(d->status);
		free(d->file);
		for (j = 0; j < d->nranges; j++)
			free(d->ranges[j].path);
		free(d->ranges);
		for (j = 0; j < d->nspans; j++)
			free(d->spans[j].path);
		free(d->spans);
	}
	free(set->v);
	memset(set, 0, sizeof *set);
}
