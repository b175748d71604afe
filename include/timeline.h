/* timeline.h: `moot log`: what happened, for those who were not there.
 * The journal's events and HEAD's commits, in time order. */
#ifndef MOOT_TIMELINE_H
#define MOOT_TIMELINE_H

#include <stdint.h>

/* `moot log [-C DIR] [--since DATE | --for NAME] [--json]`. */
int timeline_main(int argc, char **argv);

/*
 * The moment --since DATE names, in milliseconds since the epoch:
 * "YYYY-MM-DD" (midnight UTC), "YYYY-MM-DD HH:MM" (UTC; 'T' for the
 * space, and a trailing " UTC" or "Z", are allowed: the log's own dates
 * read back), or a span before now (ms) such as "90m", "2h", "3d", "1w".
 * Returns 0, or -1 when s is none of these.
 */
int timeline_parse_since(const char *s, int64_t now, int64_t *out);

#endif
