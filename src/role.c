/* role.c: who may do what: the roles people have (host, editor, viewer),
 * from the key files and from what the session remembers by key. */
#include "moot.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authopt.h"
#include "frontend.h"
#include "journal.h"
#include "repo.h"
#include "role.h"
#include "server.h"

static const char *const role_names[] = {
    [ROLE_VIEWER] = "viewer",
    [ROLE_EDITOR] = "editor",
    [ROLE_HOST] = "host",
};

const char *
role_name(enum role r)
{
	if ((unsigned)r >= sizeof role_names / sizeof role_names[0])
		return "?";
	return role_names[r];
}

int
role_parse(const char *s, enum role *r)
{
	size_t i;

	for (i = 0; i < sizeof role_names / sizeof role_names[0]; i++) {
		if (strcmp(s, role_names[i]) == 0) {
			*r = (enum role)i;
			return 0;
		}
	}
	return -1;
}

/*
 * A line's own flag wins (`viewer` over `host` when both are given: the
 * smaller role is the safe reading). Without one: the account's own keys
 * (~/.ssh/id_*.pub, and ~/.ssh/authorized_keys lines with no restriction)
 * are hosts; a home line limited by from= or expiry-time= was written for
 * someone else, so it is an editor, as are the working tree's lines.
 */
enum role
role_of_key(const struct authkey *k)
{
	if (k->opt->viewer)
		return ROLE_VIEWER;
	if (k->opt->host)
		return ROLE_HOST;
	if (k->home && k->opt->from == NULL && !k->opt->expires)
		return ROLE_HOST;
	return ROLE_EDITOR;
}

struct member *
member_find(const char *key)
{
	struct member *m;

	TAILQ_FOREACH (m, &server->members, entry) {
		if (strcmp(m->key, key) == 0)
			return m;
	}
	return NULL;
}

int
member_admits(const struct member *m)
{
	return m->invite != 0;
}

/* Add or change a member in memory only. */
static struct member *
member_put(const char *key, enum role role, const char *name, int64_t invite,
    int64_t time)
{
	struct member *m;

	if ((m = member_find(key)) == NULL) {
		m = xcalloc(1, sizeof *m);
		m->key = xstrdup(key);
		TAILQ_INSERT_TAIL(&server->members, m, entry);
	}
	m->role = role;
	free(m->name);
	m->name = xstrdup(name != NULL ? name : "");
	m->invite = invite;
	m->time = time;
	return m;
}

struct member *
member_set(const char *key, enum role role, const char *name, int64_t invite)
{
	struct journal_member jm;
	struct member *m;

	m = member_put(key, role, name, invite, server_wallclock());
	if (server->journal != NULL) {
		memset(&jm, 0, sizeof jm);
		jm.author = m->key;
		jm.role = m->role;
		jm.name = m->name;
		jm.invite = m->invite;
		jm.time = m->time;
		journal_member(server->journal, &jm);
	}
	return m;
}

void
member_forget(struct member *m)
{
	if (server->journal != NULL)
		journal_member_forget(server->journal, m->key);
	TAILQ_REMOVE(&server->members, m, entry);
	free(m->key);
	free(m->name);
	free(m);
}

void
member_replay(
    const char *key, int role, const char *name, int64_t invite, int64_t time)
{
	if (role < ROLE_VIEWER || role > ROLE_HOST)
		return;
	member_put(key, (enum role)role, name, invite, time);
}

void
member_free_all(void)
{
	struct member *m;

	while ((m = TAILQ_FIRST(&server->members)) != NULL) {
		TAILQ_REMOVE(&server->members, m, entry);
		free(m->key);
		free(m->name);
		free(m);
	}
}

/*
 * The key files are read again (as at each connection), so a line removed
 * since the login ends it. A host by the files stays a host: `role` cannot
 * demote the account's own keys or a line marked host (edit the files for
 * that). Otherwise what the session remembers wins over the files; a
 * key whose line is gone comes in only if it came by an invitation.
 */
int
role_resolve(const char *key, const char *addr, enum role *role)
{
	struct authkeys keys;
	struct authkey *k;
	struct member *m;
	int found = 0;

	auth_load(&keys, getenv("HOME"), server->repo->root);
	k = auth_find_fingerprint(&keys, key,
	    addr != NULL && *addr != '\0' ? addr : NULL, time(NULL));
	m = member_find(key);
	/* A role given with `role` to someone of the key files lasts as
	 * long as their line: only an invitation lets a key in by itself. */
	if (m != NULL && k == NULL && !member_admits(m))
		m = NULL;
	if (k != NULL && role_of_key(k) == ROLE_HOST) {
		*role = ROLE_HOST;
		found = 1;
	} else if (m != NULL) {
		*role = m->role;
		found = 1;
	} else if (k != NULL) {
		*role = role_of_key(k);
		found = 1;
	}
	auth_free(&keys);
	return found ? 0 : -1;
}
