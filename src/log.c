/* log.c: the process log (standard error) and fatal().
 * Each line carries the process role and pid so daemon and frontends mix. */
#include "moot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_prefix = "moot";
static int log_verbose;

void
log_open(const char *prefix, int verbose)
{
	log_prefix = prefix;
	log_verbose = verbose;
}

static void
log_vwrite(const char *level, const char *fmt, va_list ap, const char *tail)
{
	char line[1024];
	unsigned char *p;
	int n;

	n = snprintf(line, sizeof line, "%s[%ld]: %s", log_prefix,
	    (long)getpid(), level);
	if (n < 0 || (size_t)n >= sizeof line)
		n = 0;
	vsnprintf(line + n, sizeof line - n, fmt, ap);
	/* Names and paths come from other people: no control bytes may
	 * reach the host's terminal through the log. */
	for (p = (unsigned char *)line; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	if (tail != NULL)
		fprintf(stderr, "%s: %s\n", line, tail);
	else
		fprintf(stderr, "%s\n", line);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite("", fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vwrite("debug: ", fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite("warning: ", fmt, ap, NULL);
	va_end(ap);
}

/* Die, with errno's message. */
void
fatal(const char *fmt, ...)
{
	va_list ap;
	char *tail = strerror(errno);

	va_start(ap, fmt);
	log_vwrite("fatal: ", fmt, ap, tail);
	va_end(ap);
	exit(1);
}

/* Die, without errno. */
void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite("fatal: ", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
