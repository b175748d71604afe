/* startups.c: which new connections the daemon takes before they log in
 * (sshd's MaxStartups and PerSourceMaxStartups), and logging refusals. */
#include "moot.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "server.h"

/*
 * Refusals are logged in a bucket of their own: STARTUPS_LOG_BURST lines,
 * then one a second, each saying how many were left out since the last
 * (a timer says it when no refusal follows).
 * A flood of connections then costs a line a second, and does not use up
 * the bucket of the daemon's other lines (log.c).
 */
#define STARTUPS_LOG_BURST 5
#define STARTUPS_LOG_MS 1000

static struct rate startups_log;
static unsigned long startups_unlogged;
static int startups_flush_set; /* a timer will log the count */

/* Refusals left out and not followed by a logged one: say how many,
 * STARTUPS_LOG_MS after the first, so the end of a flood is counted. */
static void
startups_log_flush(void *arg)
{
	startups_flush_set = 0;
	if (startups_unlogged == 0)
		return;
	if (rate_take(&startups_log, loop_now(), STARTUPS_LOG_BURST,
	        STARTUPS_LOG_MS) != 0) {
		startups_flush_set = 1;
		loop_timer(
		    server->loop, STARTUPS_LOG_MS, startups_log_flush, NULL);
		return;
	}
	log_info("%lu refused connection%s not logged", startups_unlogged,
	    startups_unlogged == 1 ? "" : "s");
	startups_unlogged = 0;
}

/* A refused connection, in the log when the bucket allows. */
void
startups_log_refused(const char *fmt, ...)
{
	va_list ap;
	char *line;

	if (rate_take(&startups_log, loop_now(), STARTUPS_LOG_BURST,
	        STARTUPS_LOG_MS) != 0) {
		startups_unlogged++;
		if (!startups_flush_set) {
			startups_flush_set = 1;
			loop_timer(server->loop, STARTUPS_LOG_MS,
			    startups_log_flush, NULL);
		}
		return;
	}
	va_start(ap, fmt);
	xvasprintf(&line, fmt, ap);
	va_end(ap);
	if (startups_unlogged != 0)
		log_info("%s (and %lu refusal%s not logged before it)", line,
		    startups_unlogged, startups_unlogged == 1 ? "" : "s");
	else
		log_info("%s", line);
	free(line);
	startups_unlogged = 0;
}

/*
 * Whether to drop a connection from addr now, before forking anything
 * for it: NULL to take it, else why not (for the log). Pending
 * connections are those whose frontend has not said HELLO (key exchange,
 * authentication, the request for a terminal). As sshd: under begin,
 * take it; from full on, drop it; between, drop it with a chance rising
 * linearly from rate percent at begin to 100 at full. And at most
 * per_source pending from one address.
 */
const char *
startups_refuse(const char *addr)
{
	const struct server_options *o = &server->opts;
	struct client *c;
	unsigned pending = 0, mine = 0, p;

	TAILQ_FOREACH (c, &server->clients, entry) {
		if (c->ready || c->mode == CLIENT_NAME) /* said HELLO */
			continue;
		pending++;
		if (strcmp(c->addr, addr) == 0)
			mine++;
	}
	if (mine >= o->per_source_startups)
		return "too many connections from this address not yet "
		       "logged in (--per-source-max-startups)";
	if (pending < o->startups_begin)
		return NULL;
	if (pending >= o->startups_full)
		return "too many connections not yet logged in "
		       "(--max-startups)";
	p = 100 - o->startups_rate;
	p *= pending - o->startups_begin;
	p /= o->startups_full - o->startups_begin;
	p += o->startups_rate;
	if (arc4random_uniform(100) < p)
		return "random early drop: many connections not yet logged "
		       "in (--max-startups)";
	return NULL;
}
