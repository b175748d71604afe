/* presence.c: when each person was last here, kept through crashes, so a
 * catch-up covers only their absence. Who is connected is journaled too. */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "loop.h"
#include "server.h"

/*
 * A person's visit (struct person, the journal's visits table) is the last
 * moment they were known to be here: when their last connection ended, or
 * while connected, the latest of their joining, the last beat of
 * PRESENCE_BEAT_MS and the last thing that happened in front of them
 * (presence_touch, called before every event is recorded). The journal's
 * named value "here" lists the keys connected, one per line; after a crash
 * it says who was cut off, and they hear that the session restarted
 * instead of a catch-up of what they saw live.
 */
#define PRESENCE_BEAT_MS 10000
#define PRESENCE_KEY "here"

static char **presence_cut; /* keys connected when the daemon last died */
static size_t presence_ncut;
static char *presence_note; /* what those people hear when they return */

/* Whether key is in a list of keys. */
static int
presence_listed(char **keys, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(keys[i], key) == 0)
			return 1;
	}
	return 0;
}

/* Journal who is connected now: those ready, with coming (entering) and
 * without gone (a connection ending); either may be NULL. */
static void
presence_write(const struct client *coming, const struct client *gone)
{
	struct client *c;
	char **keys = NULL, *value, *p;
	size_t n = 0, len = 1, i;

	if (server->journal == NULL)
		return;
	TAILQ_FOREACH (c, &server->clients, entry) {
		if (c == gone || c->closing || (!c->ready && c != coming) ||
		    c->key == NULL || *c->key == '\0' ||
		    presence_listed(keys, n, c->key))
			continue;
		keys = xreallocarray(keys, n + 1, sizeof *keys);
		keys[n++] = c->key;
		len += strlen(c->key) + 1;
	}
	p = value = xmalloc(len);
	for (i = 0; i < n; i++) {
		p = stpcpy(p, keys[i]);
		*p++ = '\n';
	}
	*p = '\0';
	journal_set(server->journal, PRESENCE_KEY, value);
	free(value);
	free(keys);
}

/* key was here at time. */
static void
presence_mark(const char *key, int64_t time)
{
	struct person *p;

	if (key == NULL || *key == '\0' ||
	    (p = server_person_find(key)) == NULL)
		return;
	if (p->visit == time)
		return; /* two connections of one person */
	p->visit = time;
	if (server->journal != NULL)
		journal_visit(server->journal, key, time);
}

/* Everyone connected is here now. */
void
presence_touch(void)
{
	struct client *c;
	int64_t now = server_wallclock();

	TAILQ_FOREACH (c, &server->clients, entry) {
		if (c->ready && !c->closing)
			presence_mark(c->key, now);
	}
}

/* c has entered: their previous visit is what a catch-up starts from. */
void
presence_join(struct client *c)
{
	struct person *p;

	if (c->key == NULL || *c->key == '\0')
		return;
	server_person_set(c->key, c->name, c->email);
	if ((p = server_person_find(c->key)) != NULL) {
		c->last_visit = p->visit;
		c->mouse_off = p->mouse_off;
	}
	presence_mark(c->key, server_wallclock());
	presence_write(c, NULL);
}

/* c is leaving (Ctrl-Q, a lost connection, a kick). */
void
presence_leave(struct client *c)
{
	if (c->key == NULL || *c->key == '\0')
		return;
	presence_mark(c->key, server_wallclock());
	presence_write(NULL, c);
}

/* The daemon stops: everyone leaves at once. */
void
presence_end(void)
{
	struct client *c;
	size_t i;

	TAILQ_FOREACH (c, &server->clients, entry)
		chat_presence(c, JOURNAL_EV_LEFT);
	presence_touch();
	if (server->journal != NULL)
		journal_set(server->journal, PRESENCE_KEY, "");
	for (i = 0; i < presence_ncut; i++)
		free(presence_cut[i]);
	free(presence_cut);
	presence_cut = NULL;
	presence_ncut = 0;
	free(presence_note);
	presence_note = NULL;
}

/* Replay: who was connected when the journal was last written. */
void
presence_restore(const char *value)
{
	const char *s, *nl;

	for (s = value; *s != '\0'; s = *nl != '\0' ? nl + 1 : nl) {
		if ((nl = strchr(s, '\n')) == NULL)
			nl = s + strlen(s);
		if (nl == s || presence_listed(presence_cut, presence_ncut, s))
			continue;
		presence_cut = xreallocarray(
		    presence_cut, presence_ncut + 1, sizeof *presence_cut);
		presence_cut[presence_ncut++] = xstrndup(s, nl - s);
	}
}

static void
presence_beat(void *arg)
{
	presence_touch();
	loop_timer(server->loop, PRESENCE_BEAT_MS, presence_beat, NULL);
}

/*
 * After recovery (problems: journal records that could not be replayed):
 * what the people cut off will hear, nobody connected yet, and the beat
 * started.
 */
void
presence_start(size_t problems)
{
	struct person *p;
	char *text;
	size_t i;

	/* They left when they were last known to be here (moot log). */
	for (i = 0; i < presence_ncut; i++) {
		if ((p = server_person_find(presence_cut[i])) == NULL ||
		    p->visit == 0)
			continue;
		xasprintf(&text, "%s left (the session stopped)", p->name);
		chat_event_add(
		    p->visit, JOURNAL_EV_LEFT, presence_cut[i], text, NULL);
		if (server->journal != NULL)
			journal_event(server->journal, p->visit,
			    JOURNAL_EV_LEFT, presence_cut[i], text, NULL);
		free(text);
	}
	if (presence_ncut > 0) {
		if (problems == 0)
			presence_note =
			    xstrdup("the session restarted; nothing was lost");
		else
			xasprintf(&presence_note,
			    "the session restarted; %zu journal record%s "
			    "could not be recovered (see the daemon's log)",
			    problems, problems == 1 ? "" : "s");
		log_info("journal: %zu %s connected when the session "
		         "stopped",
		    presence_ncut,
		    presence_ncut == 1 ? "person was" : "people were");
	}
	if (server->journal != NULL)
		journal_set(server->journal, PRESENCE_KEY, "");
	loop_timer(server->loop, PRESENCE_BEAT_MS, presence_beat, NULL);
}

/* Was c cut off by the daemon's end? Then, once, what they should hear;
 * else NULL. */
const char *
presence_restarted(const struct client *c)
{
	size_t i;

	for (i = 0; i < presence_ncut; i++) {
		if (strcmp(presence_cut[i], c->key) != 0)
			continue;
		free(presence_cut[i]);
		presence_cut[i] = presence_cut[--presence_ncut];
		return presence_note;
	}
	return NULL;
}
