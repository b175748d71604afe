/* log.c: the process log (standard error) and fatal().
 * Each line carries the process role and pid so daemon and frontends mix. */
#include "moot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inert.h"

/* Bytes of a log line once made inert (each byte can take four). */
#define LOG_LINE_MAX 4096

static const char *log_prefix = "moot";
static int log_verbose;

void
log_open(const char *prefix, int verbose)
{
	log_prefix = prefix;
	log_verbose = verbose;
}

/*
 * Write one line: "prefix[pid]: level" and the message, made inert as a
 * whole (inert_write, INERT_LOG): names, paths and user names come from
 * other people, so no control byte, C1 control or bidi control reaches
 * the host's terminal, and a newline in them shows as ^J instead of
 * starting a line that would look like moot's own. Nothing here
 * allocates: fatal() comes this way when memory runs out.
 */
static void
log_vwrite(const char *level, const char *fmt, va_list ap, const char *tail)
{
	char line[1024], safe[LOG_LINE_MAX], safe_tail[LOG_LINE_MAX / 4];
	int n;

	n = snprintf(line, sizeof line, "%s[%ld]: %s", log_prefix,
	    (long)getpid(), level);
	if (n < 0 || (size_t)n >= sizeof line)
		n = 0;
	vsnprintf(line + n, sizeof line - n, fmt, ap);
	inert_write(INERT_LOG, line, strlen(line), safe, sizeof safe);
	if (tail != NULL) {
		inert_write(
		    INERT_LOG, tail, strlen(tail), safe_tail, sizeof safe_tail);
		fprintf(stderr, "%s: %s\n", safe, safe_tail);
	} else
		fprintf(stderr, "%s\n", safe);
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
