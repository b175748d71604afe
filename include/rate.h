/* rate.h: rate limits as token buckets: a burst at once, then a steady pace.
 * Pure arithmetic on times given by the caller, so tests can drive it. */
#ifndef MOOT_RATE_H
#define MOOT_RATE_H

#include <stdint.h>

/*
 * One bucket. All zeros is a full bucket. It holds burst tokens and gains
 * one every interval ms; each action takes one. Kept as the time at which
 * the bucket would be full again (the generic cell rate algorithm), so it
 * needs no timer and no refill step.
 */
struct rate {
	uint64_t full; /* ms: when the bucket is full again (0: it is) */
};

/*
 * Take one token at now (ms, monotonic). Returns 0 when there was one,
 * else how many ms until there is (the action is then not counted).
 */
uint64_t rate_take(
    struct rate *, uint64_t now, unsigned burst, unsigned interval);

#endif
