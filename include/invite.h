/* invite.h: invitations: tokens handed over as the SSH user name join-TOKEN,
 * kept only as hashes, with a role, a use count and an expiry. */
#ifndef MOOT_INVITE_H
#define MOOT_INVITE_H

#include <stddef.h>
#include <stdint.h>

#include "compat.h"
#include "role.h"

struct journal;
struct journal_invite;

#define INVITE_PREFIX "join-" /* the SSH user name: join-TOKEN */
#define INVITE_TOKEN_BYTES 24 /* random bytes of a token: 192 bits */
#define INVITE_TOKEN_LEN 32   /* their base64url, without padding */
#define INVITE_HASH_LEN 64    /* SHA-256 in hex */
#define INVITE_EXPIRES_DEFAULT (24LL * 3600 * 1000)  /* ms: 24 h */
#define INVITE_EXPIRES_MIN 1000LL                    /* ms: 1 s */
#define INVITE_EXPIRES_MAX (30LL * 24 * 3600 * 1000) /* ms: 30 days */
#define INVITE_USES_DEFAULT 1
#define INVITE_USES_MAX 1000
#define INVITE_LIVE_MAX 100 /* live invitations at once */

/* One live invitation. The token itself is never kept: only its hash. */
struct invite {
	int64_t id; /* 1, 2, ...; never reused while it is remembered */
	char hash[INVITE_HASH_LEN + 1];
	enum role role;
	unsigned uses;   /* left */
	int64_t expires; /* ms since the epoch */
	char *author;    /* key of who made it ("": the host account) */
	char *name;      /* and their name */
	int64_t time;    /* when it was made, ms since the epoch */
	TAILQ_ENTRY(invite) entry;
};
TAILQ_HEAD(invite_list, invite);

/* What an `invite` asks for: role, how long, how many uses. */
struct invite_request {
	enum role role;
	int64_t expires; /* ms from now */
	unsigned uses;
};

/* The invitations of a session, and the journal they are written to
 * (NULL: none, as in tests and fuzzing). */
struct invites {
	struct invite_list list;
	int64_t last_id;
	struct journal *journal;
};

void invite_init(struct invites *, struct journal *);
void invite_free_all(struct invites *);

/* A duration "90s", "30m", "24h", "7d" (a number and a unit): 0 and *ms,
 * or -1 with *err a sentence. Bounds: INVITE_EXPIRES_MIN..MAX. */
int invite_duration(const char *, int64_t *ms, const char **err);
/* "[viewer|editor] [for DURATION] [uses N]", any order, each at most once;
 * unset parts get the defaults (viewer, 24 h, 1 use). 0, or -1 with *err
 * a sentence (caller frees). */
int invite_parse(const char *, struct invite_request *, char **err);
/* The token in an SSH user name join-TOKEN (exactly INVITE_TOKEN_LEN
 * base64url characters), or NULL. */
const char *invite_user_token(const char *user);
/* Whether a user name asks to join by invitation (starts with join-). */
int invite_is_join(const char *user);
/* SHA-256 of the token, in hex (libcrypto). */
void invite_hash(const char *token, size_t len, char out[INVITE_HASH_LEN + 1]);
/* A new token from getrandom(2): 0, or -1 if none could be had. */
int invite_token(char out[INVITE_TOKEN_LEN + 1]);

/*
 * Make an invitation by author (key, name) at now (ms since the epoch):
 * it, with its token in token, or NULL with *err a sentence (too many
 * live invitations, no randomness).
 */
struct invite *invite_create(struct invites *, const struct invite_request *,
    const char *author, const char *name, int64_t now,
    char token[INVITE_TOKEN_LEN + 1], char **err);
/*
 * The live invitation a user name join-TOKEN names at now, or NULL with
 * *why what to tell the person. Expired invitations met on the way are
 * dropped.
 */
struct invite *invite_find(
    struct invites *, const char *user, int64_t now, const char **why);
/* Take one use of an invitation (dropped when none is left). */
void invite_use(struct invites *, struct invite *);
struct invite *invite_by_id(struct invites *, int64_t id);
void invite_revoke(struct invites *, struct invite *);
/* Drop every invitation expired at now; how many live ones are left. */
unsigned invite_expire(struct invites *, int64_t now);
/* Recovery: an invitation read from the journal (not written again). */
void invite_replay(struct invites *, const struct journal_invite *);
/* An id given to a member by an invitation already gone: ids stay
 * unique. */
void invite_seen_id(struct invites *, int64_t id);

/* "invitation 3: a viewer, 1 use, expires in 23h 59m" (caller frees). */
char *invite_summary(const struct invite *, int64_t now);
/* "24h", "7d 3h", "12m", "40s": how long until when from now (ms). */
void invite_left(int64_t now, int64_t when, char *out, size_t size);
/*
 * The line to hand over: "ssh -p PORT join-TOKEN@HOST" ("ssh
 * join-TOKEN@HOST" on port 22). listen is the address as the daemon shows
 * it ("127.0.0.1:2222", "[::]:2222"); a wildcard address gives this
 * machine's host name. Caller frees.
 */
char *invite_join_line(const char *token, const char *listen);

#endif
