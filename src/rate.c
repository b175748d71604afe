/* rate.c: rate limits as token buckets (chat, shared actions, the log).
 * Times come from the caller; nothing here reads a clock. */
#include "moot.h"

#include "rate.h"

/*
 * The bucket is empty when it would take more than (burst - 1) intervals
 * from now to fill it again: then the next token comes when that is down
 * to exactly (burst - 1) intervals. Taking a token pushes "full" one
 * interval later.
 */
uint64_t
rate_take(struct rate *r, uint64_t now, unsigned burst, unsigned interval)
{
	uint64_t full = r->full > now ? r->full : now;
	uint64_t room = (uint64_t)(burst > 0 ? burst - 1 : 0) * interval;

	if (full - now > room)
		return full - now - room;
	r->full = full + interval;
	return 0;
}
