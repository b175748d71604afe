/* authopt.h: the options of an authorized_keys line, as sshd(8) reads them.
 * Pure parsing and matching: no files, no clock, no network. */
#ifndef MOOT_AUTHOPT_H
#define MOOT_AUTHOPT_H

#include <time.h>

/* What the options before a key say. All zeros: no options. */
struct authopt {
	char *from;         /* from="pattern-list", or NULL */
	int expires;        /* whether expiry-time= was given */
	time_t expiry;      /* then: the last second the key is valid */
	const char *refuse; /* an option moot never accepts, or NULL */
	int host;           /* moot's own flag `host` (for roles) */
	int viewer;         /* moot's own flag `viewer` (for roles) */
};

/*
 * Parse the options part of a line (everything before the key type, no
 * blank outside quotes). Returns 0, or -1 with *err set to a static
 * message (the struct is then emptied). Free with authopt_free.
 */
int authopt_parse(const char *opts, struct authopt *, const char **err);
void authopt_free(struct authopt *);

/*
 * Whether a numeric address (as getnameinfo gives it, NULL if unknown)
 * matches an sshd pattern-list (wildcards, !negation, CIDR): 1 yes, 0 no
 * (a negated match is a no), -1 a malformed list.
 */
int authopt_from_match(const char *patterns, const char *addr);

/*
 * Whether a line with these options may authenticate a connection from
 * addr at now: 0 yes, -1 no with *why set to a static reason.
 */
int authopt_check(
    const struct authopt *, const char *addr, time_t now, const char **why);

/* Parse expiry-time's value (YYYYMMDD[HHMM[SS]][Z], local time unless Z):
 * 0 with *t set, or -1. */
int authopt_time(const char *, time_t *);

#endif
