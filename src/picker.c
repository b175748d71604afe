/* picker.c: the Ctrl-O list of open terminals and files, filtered as you
 * type. A case-insensitive substring match over "term NAME" entries and
 * the repository's files; a path that is not there is offered as a new
 * file (the extra last slot). */
#include "moot.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

void
picker_open(struct picker *p, char **files, size_t nfiles)
{
	picker_open_terms(p, files, nfiles, NULL, 0);
}

/* The list with terminals first, listed as "term NAME" (terms and its
 * strings are the picker's from now on, as files and theirs). */
void
picker_open_terms(
    struct picker *p, char **files, size_t nfiles, char **terms, size_t nterms)
{
	size_t i;

	picker_free(p);
	p->files = xreallocarray(NULL, nterms + nfiles + 1, sizeof *files);
	for (i = 0; i < nterms; i++) {
		xasprintf(&p->files[i], "term %s", terms[i]);
		free(terms[i]);
	}
	free(terms);
	if (nfiles > 0)
		memcpy(p->files + nterms, files, nfiles * sizeof *files);
	free(files);
	p->nterms = nterms;
	p->nfiles = nterms + nfiles;
	p->files[p->nfiles] = NULL; /* "new file: FILTER" */
	p->match = xcalloc(p->nfiles + 1, sizeof *p->match);
	picker_filter(p);
}

void
picker_free(struct picker *p)
{
	size_t i;

	if (p->files != NULL) {
		for (i = 0; i <= p->nfiles; i++)
			free(p->files[i]);
	}
	free(p->files);
	free(p->match);
	memset(p, 0, sizeof *p);
}

static int
picker_matches(const char *path, const char *filter)
{
	size_t i, j, n = strlen(filter);

	if (n == 0)
		return 1;
	for (i = 0; path[i] != '\0'; i++) {
		for (j = 0; j < n && path[i + j] != '\0'; j++) {
			if (tolower((unsigned char)path[i + j]) !=
			    tolower((unsigned char)filter[j]))
				break;
		}
		if (j == n)
			return 1;
	}
	return 0;
}

void
picker_filter(struct picker *p)
{
	size_t i;

	int exact = 0;

	p->nmatch = 0;
	for (i = 0; i < p->nfiles; i++) {
		if (picker_matches(p->files[i], p->filter))
			p->match[p->nmatch++] = i;
		if (strcmp(p->files[i], p->filter) == 0)
			exact = 1;
	}
	free(p->files[p->nfiles]);
	p->files[p->nfiles] = NULL;
	if (p->filter_len > 0 && !exact) {
		xasprintf(&p->files[p->nfiles], "new file: %s", p->filter);
		p->match[p->nmatch++] = p->nfiles;
	}
	p->sel = 0;
	p->top = 0;
}

void
picker_type(struct picker *p, const char *s, size_t len)
{
	if (p->filter_len + len >= sizeof p->filter)
		return;
	memcpy(p->filter + p->filter_len, s, len);
	p->filter_len += len;
	p->filter[p->filter_len] = '\0';
	picker_filter(p);
}

void
picker_backspace(struct picker *p)
{
	if (p->filter_len == 0)
		return;
	/* Remove one whole UTF-8 character. */
	do
		p->filter_len--;
	while (p->filter_len > 0 &&
	       ((unsigned char)p->filter[p->filter_len] & 0xc0) == 0x80);
	p->filter[p->filter_len] = '\0';
	picker_filter(p);
}

/* Move the selection; height is how many entries show (to scroll). */
void
picker_move(struct picker *p, int delta)
{
	if (p->nmatch == 0)
		return;
	if (delta < 0 && (size_t)-delta > p->sel)
		p->sel = 0;
	else if (delta > 0 && p->sel + delta >= p->nmatch)
		p->sel = p->nmatch - 1;
	else
		p->sel += delta;
}

const char *
picker_selected(const struct picker *p)
{
	if (p->nmatch == 0)
		return NULL;
	if (p->match[p->sel] == p->nfiles)
		return p->filter;
	return p->files[p->match[p->sel]];
}

const char *
picker_selected_term(const struct picker *p)
{
	if (p->nmatch == 0 || p->match[p->sel] >= p->nterms)
		return NULL;
	return p->files[p->match[p->sel]] + strlen("term ");
}
