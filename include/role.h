/* role.h: who may do what: a person's role (host, editor, viewer), where it
 * comes from, and the people whose role the session remembers by key. */
#ifndef MOOT_ROLE_H
#define MOOT_ROLE_H

#include <stdint.h>

#include "compat.h"

/* Ordered: a higher role may do everything a lower one may. The values
 * are stored in the journal (members, invites): never renumber them. */
enum role {
	ROLE_VIEWER = 0, /* sees everything, changes nothing */
	ROLE_EDITOR = 1, /* edits, saves, decides, commits */
	ROLE_HOST = 2    /* and gives roles, invites, removes people */
};

struct authkey;

/* "viewer", "editor", "host". */
const char *role_name(enum role);
/* Parse a role name: 0, or -1 if it is none. */
int role_parse(const char *, enum role *);
/* The role a line of the key files gives (see docs/security.md). */
enum role role_of_key(const struct authkey *);

/* Someone whose role the session remembers, by key: given with `role`,
 * or who joined by an invitation. Journaled (members table). */
struct member {
	char *key; /* fingerprint */
	enum role role;
	char *name;     /* the name they chose ("" none) */
	int64_t invite; /* the invitation they came by, 0 none */
	int64_t time;   /* ms since the epoch */
	TAILQ_ENTRY(member) entry;
};
TAILQ_HEAD(members, member);

struct member *member_find(const char *key);
/* Whether the key may log in without a line of the key files: only a
 * member who came by an invitation (a role given with `role` lasts as
 * long as the key's line). */
int member_admits(const struct member *);
/* Remember (or change) a member; journaled. */
struct member *member_set(
    const char *key, enum role, const char *name, int64_t invite);
/* Forget a member (a kicked invitee must be invited again); journaled. */
void member_forget(struct member *);
/* Recovery: a member read from the journal (not journaled again). */
void member_replay(
    const char *key, int role, const char *name, int64_t invite, int64_t time);
void member_free_all(void);

/*
 * The role of someone who authenticated with the key of that fingerprint
 * from addr, by the key files and what the session remembers: 0 and
 * *role, or -1 when neither lets them in any more (their line was removed
 * between the login and now).
 */
int role_resolve(const char *key, const char *addr, enum role *role);

#endif
