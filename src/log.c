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
#include "rate.h"

/* Bytes of a log line once made inert (each byte can take four). */
#define LOG_LINE_MAX 4096

/*
 * Information and debug lines share one bucket per process: LOG_BURST
 * lines at once, then one every LOG_INTERVAL_MS (10 a second), far above
 * what a session writes when nobody abuses it (a line per join, leave,
 * save, chat message or decision). Lines over it are counted, not
 * written, and the next line written says how many were dropped.
 * Warnings and fatal errors are never dropped: nobody can cause them at
 * will, and they are what the host needs to see.
 */
#define LOG_BURST 100
#define LOG_INTERVAL_MS 100

static const char *log_prefix = "moot";
static int log_verbose;
static struct rate log_rate;
static unsigned long log_dropped;

void
log_open(const char *prefix, int verbose)
{
	log_prefix = prefix;
	log_verbose = verbose;
	/* A frontend starts with a full bucket, not with the daemon's. */
	memset(&log_rate, 0, sizeof log_rate);
	log_dropped = 0;
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

static void
log_write(const char *level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(level, fmt, ap, NULL);
	va_end(ap);
}

/* May an information or debug line be written now? When lines were
 * dropped before it, a line says how many. */
static int
log_allowed(void)
{
	struct timespec ts;
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (rate_take(&log_rate, now, LOG_BURST, LOG_INTERVAL_MS) != 0) {
		log_dropped++;
		return 0;
	}
	if (log_dropped != 0) {
		log_write("", "log: %lu line%s dropped (more than %d a second)",
		    log_dropped, log_dropped == 1 ? "" : "s",
		    1000 / LOG_INTERVAL_MS);
		log_dropped = 0;
	}
	return 1;
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (!log_allowed())
		return;
	va_start(ap, fmt);
	log_vwrite("", fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose || !log_allowed())
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
