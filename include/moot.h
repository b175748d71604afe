/* moot.h: declarations shared by every part of moot.
 * Allocation helpers, logging and fatal(), and common limits. */
#ifndef MOOT_H
#define MOOT_H

#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define MOOT_NCOLOURS 12 /* distinct person colours */

/* xmalloc.c: allocation that never returns NULL (fatal() instead); the
 * xtry* ones return NULL, for sizes that input decides. */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
void *xreallocarray(void *, size_t, size_t);
void *xtrymalloc(size_t);
void *xtryrealloc(void *, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
int xasprintf(char **, const char *, ...) __printflike(2, 3);
int xvasprintf(char **, const char *, va_list);

/* log.c: one log for the process, and the single way to die. */
void log_open(const char *prefix, int verbose);
void log_info(const char *, ...) __printflike(1, 2);
void log_debug(const char *, ...) __printflike(1, 2);
void log_warn(const char *, ...) __printflike(1, 2);
__dead void fatal(const char *, ...) __printflike(1, 2);
__dead void fatalx(const char *, ...) __printflike(1, 2);

#endif
