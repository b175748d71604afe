/* startups.c: which new connections the daemon takes before they log in
 * (sshd's MaxStartups and PerSourceMaxStartups), and logging refusals. */
#include "moot.h"

#include <signal.h>
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

/* Connections from addr not logged in yet. */
static unsigned
startups_pending_from(const char *addr)
{
	struct client *c;
	unsigned n = 0;

	TAILQ_FOREACH (c, &server->clients, entry) {
		if (!c->ready && strcmp(c->addr, addr) == 0)
			n++;
	}
	return n;
}

/*
 * Room for a connection from an address that has none pending, when
 * --max-startups is full: the oldest pending connection of the address
 * that holds the most (at least 2) is closed and its frontend killed. 1 if
 * there is room now.
 */
static int
startups_make_room(const char *addr)
{
	struct client *c, *victim = NULL;
	unsigned n, most = 1;

	TAILQ_FOREACH (c, &server->clients, entry) {
		if (c->ready || c->closing)
			continue;
		/* Oldest first: the list is in the order they came. */
		if ((n = startups_pending_from(c->addr)) > most) {
			most = n;
			victim = c;
		}
	}
	if (victim == NULL)
		return 0;
	startups_log_refused("closed a connection from %s not yet logged in "
	                     "(%u pending from there), to take one from %s",
	    victim->addr, most, addr);
	kill(victim->pid, SIGKILL);
	server_client_lost(victim);
	return 1;
}

/*
 * Whether to drop a connection from addr now, before forking anything
 * for it: NULL to take it, else why not (for the log). Pending
 * connections are those whose frontend has not said HELLO (key exchange,
 * authentication, the request for a terminal). As sshd: under begin,
 * take it; from full on, drop it; between, drop it with a chance rising
 * linearly from rate percent at begin to 100 at full. And at most
 * per_source pending from one address.
 *
 * Unlike sshd, the early drops and the full count only concern addresses
 * that already have a connection pending: a flood from a few addresses
 * keeps filling the pending slots (each refusal is soon followed by
 * another connection), and a person from anywhere else would then be
 * dropped as often as the flood. A connection from an address with none
 * pending is taken below full; at full it takes the place of the oldest
 * pending connection of the address holding the most. Only a flood from
 * as many addresses as --max-startups allows pending can keep others out.
 */
const char *
startups_refuse(const char *addr)
{
	const struct server_options *o = &server->opts;
	struct client *c;
	unsigned pending = 0, mine = 0, p;

	TAILQ_FOREACH (c, &server->clients, entry) {
		if (c->ready || c->overlay == &overlay_name) /* said HELLO */
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
	if (mine == 0 &&
	    (pending < o->startups_full || startups_make_room(addr)))
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
