/* carry-set.c: sets of decisions and their spans, as carry.c makes them:
 * copying, freeing, finding. No git here: the cache's reader uses it too. */
#include "moot.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "carry.h"

void
carry_dec_clear(struct carry_dec *d)
{
	size_t j;

	free(d->subject);
	free(d->status);
	free(d->file);
	for (j = 0; j < d->nranges; j++)
		free(d->ranges[j].path);
	free(d->ranges);
	for (j = 0; j < d->nspans; j++)
		free(d->spans[j].path);
	free(d->spans);
	free(d->author_ids);
	memset(d, 0, sizeof *d);
}

static char *
carry_strdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
carry_dec_copy(struct carry_dec *dst, const struct carry_dec *src)
{
	size_t j;

	*dst = *src;
	dst->subject = carry_strdup(src->subject);
	dst->status = carry_strdup(src->status);
	dst->file = carry_strdup(src->file);
	dst->ranges =
	    xreallocarray(NULL, src->nranges + 1, sizeof *dst->ranges);
	for (j = 0; j < src->nranges; j++) {
		dst->ranges[j] = src->ranges[j];
		dst->ranges[j].path = xstrdup(src->ranges[j].path);
	}
	dst->spans = xreallocarray(NULL, src->nspans + 1, sizeof *dst->spans);
	for (j = 0; j < src->nspans; j++) {
		dst->spans[j] = src->spans[j];
		dst->spans[j].path = xstrdup(src->spans[j].path);
	}
	dst->author_ids =
	    xreallocarray(NULL, src->nauthor_ids + 1, sizeof *dst->author_ids);
	if (src->nauthor_ids > 0)
		memcpy(dst->author_ids, src->author_ids,
		    src->nauthor_ids * sizeof *dst->author_ids);
}

void
carry_set_copy(struct carry_set *dst, const struct carry_set *src)
{
	size_t i;

	memcpy(dst->head, src->head, sizeof dst->head);
	dst->n = src->n;
	dst->v = xreallocarray(NULL, src->n + 1, sizeof *dst->v);
	for (i = 0; i < src->n; i++)
		carry_dec_copy(&dst->v[i], &src->v[i]);
	dst->nrefs = src->nrefs;
	dst->refs = xreallocarray(NULL, src->nrefs + 1, sizeof *dst->refs);
	for (i = 0; i < src->nrefs; i++)
		carry_dec_copy(&dst->refs[i], &src->refs[i]);
}

void
carry_set_free(struct carry_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		carry_dec_clear(&set->v[i]);
	free(set->v);
	for (i = 0; i < set->nrefs; i++)
		carry_dec_clear(&set->refs[i]);
	free(set->refs);
	memset(set, 0, sizeof *set);
}

struct carry_dec *
carry_dec_find(struct carry_set *set, unsigned number)
{
	size_t lo = 0, hi = set->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (set->v[mid].number == number)
			return &set->v[mid];
		if (set->v[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The decision with that number, added (empty) when missing. */
struct carry_dec *
carry_dec_get(struct carry_set *set, unsigned number)
{
	struct carry_dec *d;
	size_t at;

	if ((d = carry_dec_find(set, number)) != NULL)
		return d;
	for (at = set->n; at > 0 && set->v[at - 1].number > number; at--)
		;
	set->v = xreallocarray(set->v, set->n + 1, sizeof *set->v);
	memmove(&set->v[at + 1], &set->v[at], (set->n - at) * sizeof *set->v);
	set->n++;
	d = &set->v[at];
	memset(d, 0, sizeof *d);
	d->number = number;
	return d;
}

const struct carry_span *
carry_covers(const struct carry_dec *d, const char *path, unsigned long line)
{
	size_t i;

	for (i = 0; i < d->nspans; i++) {
		if (d->spans[i].first <= line && line <= d->spans[i].last &&
		    strcmp(d->spans[i].path, path) == 0)
			return &d->spans[i];
	}
	return NULL;
}

unsigned
carry_id_number(const char *s, const char **end)
{
	unsigned long n = 0;
	const char *p;

	if (strncasecmp(s, "ADR-", 4) != 0 || !isdigit((unsigned char)s[4]))
		return 0;
	for (p = s + 4; isdigit((unsigned char)*p); p++) {
		n = n * 10 + (unsigned long)(*p - '0');
		if (n > UINT_MAX)
			return 0;
	}
	if (end != NULL)
		*end = p;
	return (unsigned)n;
}

unsigned
carry_id_value(const char *s)
{
	const char *end;
	unsigned n;

	while (*s == ' ' || *s == '\t')
		s++;
	if ((n = carry_id_number(s, &end)) == 0)
		return 0;
	while (*end == ' ' || *end == '\t')
		end++;
	return *end == '\0' ? n : 0;
}

unsigned
carry_refs_next(const char **pp)
{
	const char *p = *pp, *end;
	unsigned number;

	for (;;) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (*p == '\0') {
			*pp = p;
			return 0;
		}
		number = carry_id_number(p, &end);
		if (number != 0 && (*end == '\0' || *end == ',' ||
		                       *end == ' ' || *end == '\t')) {
			*pp = end;
			return number;
		}
		/* Not an id: skip the word. */
		while (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t')
			p++;
	}
}
