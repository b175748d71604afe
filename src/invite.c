/* invite.c: invitations: random tokens handed over as the SSH user name
 * join-TOKEN, kept only as SHA-256 hashes, with a role, uses and expiry. */
#include "moot.h"

#include <sys/random.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "invite.h"
#include "journal.h"

void
invite_init(struct invites *iv, struct journal *j)
{
	TAILQ_INIT(&iv->list);
	iv->last_id = 0;
	iv->journal = j;
}

static void
invite_free(struct invite *inv)
{
	free(inv->author);
	free(inv->name);
	free(inv);
}

void
invite_free_all(struct invites *iv)
{
	struct invite *inv;

	while ((inv = TAILQ_FIRST(&iv->list)) != NULL) {
		TAILQ_REMOVE(&iv->list, inv, entry);
		invite_free(inv);
	}
}

/* Durations: a whole number and one unit, nothing else. */
static const struct {
	char unit;
	int64_t ms;
} invite_units[] = {
    {'s', 1000LL},
    {'m', 60LL * 1000},
    {'h', 3600LL * 1000},
    {'d', 24LL * 3600 * 1000},
};

int
invite_duration(const char *s, int64_t *ms, const char **err)
{
	int64_t n = 0;
	size_t i;
	const char *p = s;

	*err = "a duration is a number and a unit: 90s, 30m, 24h or 7d";
	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (*p++ - '0');
		if (n > 100000000)
			goto bounds;
	}
	for (i = 0; i < sizeof invite_units / sizeof invite_units[0]; i++) {
		if (p[0] == invite_units[i].unit && p[1] == '\0') {
			n *= invite_units[i].ms;
			if (n < INVITE_EXPIRES_MIN || n > INVITE_EXPIRES_MAX)
				goto bounds;
			*ms = n;
			*err = NULL;
			return 0;
		}
	}
	return -1;
bounds:
	*err = "an invitation lasts from 1s to 30d";
	return -1;
}

/* The next space-separated word of *p (at most size - 1 bytes): 1, or 0
 * at the end; -1 if it is longer. */
static int
invite_word(const char **p, char *word, size_t size)
{
	const char *s = *p;
	size_t n;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return 0;
	n = strcspn(s, " ");
	if (n >= size)
		return -1;
	memcpy(word, s, n);
	word[n] = '\0';
	*p = s + n;
	return 1;
}

int
invite_parse(const char *s, struct invite_request *req, char **err)
{
	char word[32], value[32];
	const char *why, *p = s;
	int have_role = 0, have_for = 0, have_uses = 0, rc;
	unsigned long n;
	enum role role;
	char *end;

	req->role = ROLE_VIEWER;
	req->expires = INVITE_EXPIRES_DEFAULT;
	req->uses = INVITE_USES_DEFAULT;
	*err = NULL;
	while ((rc = invite_word(&p, word, sizeof word)) == 1) {
		/* The roles an invitation can give (not host). */
		if (strcmp(word, "viewer") == 0 ||
		    strcmp(word, "editor") == 0) {
			role = *word == 'v' ? ROLE_VIEWER : ROLE_EDITOR;
			if (have_role++)
				goto usage;
			req->role = role;
		} else if (strcmp(word, "host") == 0) {
			xasprintf(err, "an invitation makes a viewer or an "
			               "editor, never a host (hosts are "
			               "lines of the key files)");
			return -1;
		} else if (strcmp(word, "for") == 0) {
			if (have_for++ ||
			    invite_word(&p, value, sizeof value) != 1)
				goto usage;
			if (invite_duration(value, &req->expires, &why) != 0) {
				xasprintf(err, "%s", why);
				return -1;
			}
		} else if (strcmp(word, "uses") == 0) {
			if (have_uses++ ||
			    invite_word(&p, value, sizeof value) != 1)
				goto usage;
			errno = 0;
			n = strtoul(value, &end, 10);
			if (*value < '0' || *value > '9' || *end != '\0' ||
			    errno != 0 || n < 1 || n > INVITE_USES_MAX) {
				xasprintf(err, "uses is a number from 1 to %d",
				    INVITE_USES_MAX);
				return -1;
			}
			req->uses = (unsigned)n;
		} else
			goto usage;
	}
	if (rc == -1)
		goto usage;
	return 0;
usage:
	xasprintf(err, "usage: invite [viewer|editor] [for 30m|24h|7d] "
	               "[uses N]");
	return -1;
}

static int
invite_is_b64url(int ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
}

int
invite_is_join(const char *user)
{
	return strncmp(user, INVITE_PREFIX, strlen(INVITE_PREFIX)) == 0;
}

const char *
invite_user_token(const char *user)
{
	const char *t;
	size_t i;

	if (!invite_is_join(user))
		return NULL;
	t = user + strlen(INVITE_PREFIX);
	for (i = 0; i < INVITE_TOKEN_LEN; i++) {
		if (!invite_is_b64url((unsigned char)t[i]))
			return NULL;
	}
	return t[i] == '\0' ? t : NULL;
}

void
invite_hash(const char *token, size_t len, char out[INVITE_HASH_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (EVP_Digest(token, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen * 2 != INVITE_HASH_LEN)
		fatalx("SHA-256 failed");
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[INVITE_HASH_LEN] = '\0';
}

int
invite_token(char out[INVITE_TOKEN_LEN + 1])
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                          "abcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char r[INVITE_TOKEN_BYTES];
	size_t got = 0, i, o = 0;
	ssize_t n;
	uint32_t v;

	while (got < sizeof r) {
		n = getrandom(r + got, sizeof r - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += n;
	}
	/* 24 bytes: 8 groups of 3, 4 characters each, no padding. */
	for (i = 0; i < sizeof r; i += 3) {
		v = (uint32_t)r[i] << 16 | (uint32_t)r[i + 1] << 8 | r[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = b64[(v >> 6) & 63];
		out[o++] = b64[v & 63];
	}
	out[o] = '\0';
	explicit_bzero(r, sizeof r);
	return 0;
}

/* Write an invitation as it is now. */
static void
invite_journal(struct invites *iv, const struct invite *inv)
{
	struct journal_invite ji;

	if (iv->journal == NULL)
		return;
	memset(&ji, 0, sizeof ji);
	ji.id = inv->id;
	ji.hash = inv->hash;
	ji.role = inv->role;
	ji.uses = inv->uses;
	ji.expires = inv->expires;
	ji.author = inv->author;
	ji.name = inv->name;
	ji.time = inv->time;
	journal_invite(iv->journal, &ji);
}

/* Forget an invitation, in memory and in the journal. */
static void
invite_drop(struct invites *iv, struct invite *inv)
{
	if (iv->journal != NULL)
		journal_invite_forget(iv->journal, inv->id);
	TAILQ_REMOVE(&iv->list, inv, entry);
	invite_free(inv);
}

unsigned
invite_expire(struct invites *iv, int64_t now)
{
	struct invite *inv, *next;
	unsigned live = 0;

	TAILQ_FOREACH_SAFE (inv, &iv->list, entry, next) {
		if (inv->expires <= now || inv->uses == 0)
			invite_drop(iv, inv);
		else
			live++;
	}
	return live;
}

struct invite *
invite_create(struct invites *iv, const struct invite_request *req,
    const char *author, const char *name, int64_t now,
    char token[INVITE_TOKEN_LEN + 1], char **err)
{
	struct invite *inv;

	*err = NULL;
	if (invite_expire(iv, now) >= INVITE_LIVE_MAX) {
		xasprintf(err,
		    "there are %d live invitations already (the most); "
		    "revoke some first",
		    INVITE_LIVE_MAX);
		return NULL;
	}
	if (invite_token(token) != 0) {
		xasprintf(
		    err, "no random bytes for a token: %s", strerror(errno));
		return NULL;
	}
	inv = xcalloc(1, sizeof *inv);
	inv->id = ++iv->last_id;
	invite_hash(token, INVITE_TOKEN_LEN, inv->hash);
	inv->role = req->role;
	inv->uses = req->uses;
	inv->expires = now + req->expires;
	inv->author = xstrdup(author);
	inv->name = xstrdup(name);
	inv->time = now;
	TAILQ_INSERT_TAIL(&iv->list, inv, entry);
	invite_journal(iv, inv);
	return inv;
}

struct invite *
invite_find(struct invites *iv, const char *user, int64_t now, const char **why)
{
	char hash[INVITE_HASH_LEN + 1];
	struct invite *inv, *found = NULL;
	const char *token;

	*why = "this invitation is not valid (wrong, used up or revoked); "
	       "ask whoever invited you for a new one";
	if ((token = invite_user_token(user)) == NULL)
		return NULL;
	invite_hash(token, INVITE_TOKEN_LEN, hash);
	/* Every hash is compared, in constant time each. */
	TAILQ_FOREACH (inv, &iv->list, entry) {
		if (CRYPTO_memcmp(inv->hash, hash, INVITE_HASH_LEN) == 0)
			found = inv;
	}
	if (found == NULL)
		return NULL;
	if (found->expires <= now) {
		*why = "this invitation has expired; ask whoever invited you "
		       "for a new one";
		invite_drop(iv, found);
		return NULL;
	}
	if (found->uses == 0) {
		invite_drop(iv, found);
		return NULL;
	}
	*why = NULL;
	return found;
}

void
invite_use(struct invites *iv, struct invite *inv)
{
	if (inv->uses > 0)
		inv->uses--;
	if (inv->uses == 0)
		invite_drop(iv, inv);
	else
		invite_journal(iv, inv);
}

struct invite *
invite_by_id(struct invites *iv, int64_t id)
{
	struct invite *inv;

	TAILQ_FOREACH (inv, &iv->list, entry) {
		if (inv->id == id)
			return inv;
	}
	return NULL;
}

void
invite_revoke(struct invites *iv, struct invite *inv)
{
	invite_drop(iv, inv);
}

void
invite_seen_id(struct invites *iv, int64_t id)
{
	if (id > iv->last_id)
		iv->last_id = id;
}

void
invite_replay(struct invites *iv, const struct journal_invite *ji)
{
	struct invite *inv;
	size_t i;

	invite_seen_id(iv, ji->id);
	if (ji->role != ROLE_VIEWER && ji->role != ROLE_EDITOR)
		return;
	if (strlen(ji->hash) != INVITE_HASH_LEN)
		return;
	for (i = 0; i < INVITE_HASH_LEN; i++) {
		if (!isxdigit((unsigned char)ji->hash[i]))
			return;
	}
	if ((inv = invite_by_id(iv, ji->id)) == NULL) {
		inv = xcalloc(1, sizeof *inv);
		TAILQ_INSERT_TAIL(&iv->list, inv, entry);
	} else {
		free(inv->author);
		free(inv->name);
	}
	inv->id = ji->id;
	memcpy(inv->hash, ji->hash, INVITE_HASH_LEN + 1);
	inv->role = ji->role;
	inv->uses = ji->uses;
	inv->expires = ji->expires;
	inv->author = xstrdup(ji->author);
	inv->name = xstrdup(ji->name);
	inv->time = ji->time;
}

void
invite_left(int64_t now, int64_t when, char *out, size_t size)
{
	uint64_t d = when > now ? (uint64_t)when - (uint64_t)now : 0;
	long long s = (long long)(d / 1000 + (d % 1000 != 0));

	if (s >= 86400)
		snprintf(out, size, "%lldd %lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(out, size, "%lldh %lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(out, size, "%lldm", (s + 59) / 60);
	else
		snprintf(out, size, "%llds", s);
}

char *
invite_join_line(const char *token, const char *listen)
{
	const char *colon = strrchr(listen, ':');
	char host[256], *line;
	size_t n;

	if (colon == NULL)
		colon = listen + strlen(listen);
	n = colon - listen;
	if (n >= 2 && listen[0] == '[' && listen[n - 1] == ']') {
		listen++;
		n -= 2;
	}
	if (n >= sizeof host)
		n = sizeof host - 1;
	memcpy(host, listen, n);
	host[n] = '\0';
	/* A wildcard address: people join by this machine's name. */
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0 ||
	    *host == '\0') {
		if (gethostname(host, sizeof host) != 0 || *host == '\0')
			snprintf(host, sizeof host, "HOST");
		host[sizeof host - 1] = '\0';
	}
	if (*colon == ':' && strcmp(colon + 1, "22") != 0)
		xasprintf(&line, "ssh -p %s %s%s@%s", colon + 1, INVITE_PREFIX,
		    token, host);
	else
		xasprintf(&line, "ssh %s%s@%s", INVITE_PREFIX, token, host);
	return line;
}

char *
invite_summary(const struct invite *inv, int64_t now)
{
	char left[32], *s;

	invite_left(now, inv->expires, left, sizeof left);
	xasprintf(&s, "invitation %lld: %s %s, %u use%s, expires in %s",
	    (long long)inv->id, inv->role == ROLE_EDITOR ? "an" : "a",
	    inv->role == ROLE_EDITOR ? "editor" : "viewer", inv->uses,
	    inv->uses == 1 ? "" : "s", left);
	return s;
}
