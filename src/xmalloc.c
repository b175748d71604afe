/* xmalloc.c: allocation helpers that never return NULL, and two that may.
 * Running out of memory is fatal, but where input decides the size. */
#include "moot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatal("xmalloc %zu bytes", size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		fatal("xcalloc %zu x %zu bytes", n, size);
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	return xreallocarray(p, 1, size);
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (n == 0 || size == 0)
		n = size = 1;
	if (size > SIZE_MAX / n)
		fatalx("xreallocarray: %zu x %zu overflows", n, size);
	if ((q = realloc(p, n * size)) == NULL)
		fatal("xreallocarray %zu x %zu bytes", n, size);
	return q;
}

/*
 * For sizes that input decides (a file, a blob): NULL when there is no
 * memory for it, so that the request is refused and the session goes on.
 */
void *
xtrymalloc(size_t size)
{
	if (size == 0)
		size = 1;
	return malloc(size);
}

/* The same for growing p: NULL (p untouched) when it cannot grow. */
void *
xtryrealloc(void *p, size_t size)
{
	if (size == 0)
		size = 1;
	return realloc(p, size);
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		fatal("xstrdup");
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;

	if ((p = strndup(s, n)) == NULL)
		fatal("xstrndup");
	return p;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}

int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int n;

	if ((n = vasprintf(ret, fmt, ap)) < 0 || *ret == NULL)
		fatal("xvasprintf");
	return n;
}
