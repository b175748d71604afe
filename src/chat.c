/* chat.c: the chat line, what happened in the session, and `since`.
 * All of it is kept in memory and in the journal, so a restart loses none. */
#include "moot.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontend.h"
#include "journal.h"
#include "server.h"

/* The colour a person had, or would get, for their messages. */
static int
chat_colour(const char *key)
{
	struct client *c;

	TAILQ_FOREACH (c, &server->clients, entry) {
		if (c->ready && c->key != NULL && strcmp(c->key, key) == 0)
			return c->colour;
	}
	return colour_for_key(key, NULL, 0);
}

/* Keep a message in memory (from the journal, or just said). */
struct chat_msg *
chat_add(int64_t seq, int64_t time, const char *author, const char *name,
    const char *text)
{
	struct chat_msg *m = xcalloc(1, sizeof *m);

	m->seq = seq;
	m->time = time;
	m->author = xstrdup(author);
	m->name = xstrdup(name);
	m->text = xstrdup(text);
	m->colour = chat_colour(author);
	TAILQ_INSERT_TAIL(&server->chat, m, entry);
	server->nchat++;
	return m;
}

/* c says text to everyone. */
void
chat_say(struct client *c, const char *text)
{
	int64_t seq = 0, now = server_wallclock();
	char *copy;

	while (*text == ' ')
		text++;
	if (*text == '\0')
		return;
	copy = xstrndup(text, CHAT_TEXT_MAX);
	if (server->journal != NULL)
		seq = journal_chat(server->journal, now, c->key, c->name, copy);
	else if (!TAILQ_EMPTY(&server->chat))
		seq = TAILQ_LAST(&server->chat, chat_msgs)->seq + 1;
	else
		seq = 1;
	chat_add(seq, now, c->key, c->name, copy);
	/* Shown once the journal has it (server_flush_journal). */
	if (server->journal != NULL)
		server->chat_held++;
	log_info("client %u: %s says: %s", c->id, c->name, copy);
	free(copy);
	server_redraw_all();
}

static void
chat_hhmm(int64_t ms, char *out, size_t size)
{
	struct tm tm;
	time_t t = ms / 1000;

	gmtime_r(&t, &tm);
	strftime(out, size, "%H:%M", &tm);
}

/* The whole history in a pop-up, newest at the bottom. */
void
chat_history(struct client *c)
{
	struct chat_msg *m;
	char hhmm[16];
	size_t n = 0;

	popup_open(&c->popup, "Chat");
	TAILQ_FOREACH (m, &server->chat, entry) {
		if (n++ == server->nchat - server->chat_held)
			break; /* not in the journal yet */
		chat_hhmm(m->time, hhmm, sizeof hhmm);
		popup_add(&c->popup, "%s %s: %s", hhmm, m->name, m->text);
	}
	if (server->nchat == server->chat_held)
		popup_add(&c->popup, "Nobody has said anything yet.");
	c->popup.top = c->popup.nlines;
	server_client_popup(c);
}

void
chat_event_add(int64_t time, int kind, const char *author, const char *text)
{
	struct event *e = xcalloc(1, sizeof *e);

	e->time = time;
	e->kind = kind;
	e->author = xstrdup(author);
	e->text = xstrdup(text);
	TAILQ_INSERT_TAIL(&server->events, e, entry);
}

/* Something people away should hear of: kept and journaled. */
void
chat_event(int kind, const char *author, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int64_t now = server_wallclock();

	va_start(ap, fmt);
	xvasprintf(&text, fmt, ap);
	va_end(ap);
	chat_event_add(now, kind, author, text);
	if (server->journal != NULL)
		journal_event(server->journal, now, kind, author, text);
	free(text);
}

void
chat_question_add(
    int64_t id, int64_t time, const char *author, const char *text)
{
	struct question *q = xcalloc(1, sizeof *q);

	q->id = id;
	q->time = time;
	q->author = xstrdup(author);
	q->text = xstrdup(text);
	TAILQ_INSERT_TAIL(&server->questions, q, entry);
}

/* Whether a file is already in the list of changed files. */
static int
chat_listed(char **files, size_t n, const char *text)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(files[i], text) == 0)
			return 1;
	}
	return 0;
}

/* The date of a Unix time in seconds, for people. */
static void
chat_date(int64_t seconds, char *out, size_t size)
{
	struct tm tm;
	time_t t = seconds;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(out, size, "?");
}

/* "Decisions whose code changed since your last visit": what is known of
 * them. Returns whether it added anything. */
static int
chat_since_changed(struct client *c, const struct since_decs *sd)
{
	const struct since_dec *s;
	char when[32];
	size_t i;

	if (sd->state == SINCE_KNOWN && sd->n == 0)
		return 0;
	popup_add(&c->popup,
	    "%cDecisions whose code changed since your last "
	    "visit:",
	    POPUP_BOLD);
	if (sd->state == SINCE_LOOKING) {
		popup_add(&c->popup, "  looking…");
		return 1;
	}
	if (sd->state == SINCE_FAILED) {
		popup_add(&c->popup, "  (cannot tell just now)");
		return 1;
	}
	for (i = 0; i < sd->n; i++) {
		s = &sd->v[i];
		chat_date(s->time, when, sizeof when);
		popup_add(&c->popup, "  ADR-%04u %s", s->number, s->title);
		if (s->gone)
			popup_add(&c->popup,
			    "    its code is gone; %u commit%s by %u author%s, "
			    "last %s",
			    s->commits, s->commits == 1 ? "" : "s", s->authors,
			    s->authors == 1 ? "" : "s", when);
		else
			popup_add(&c->popup,
			    "    %lu of %lu lines changed; %u commit%s by %u "
			    "author%s, last %s",
			    s->changed, s->decided, s->commits,
			    s->commits == 1 ? "" : "s", s->authors,
			    s->authors == 1 ? "" : "s", when);
	}
	return 1;
}

/*
 * What happened since c's last visit, by others: decisions, open
 * questions, drafts in progress, files changed, and decisions whose code
 * changed (sd: what is known of those so far). On joining, the pop-up
 * opens only when there is something to show. A pop-up already showing
 * `since` is rebuilt in place, scrolled as it was.
 */
unsigned
chat_since_show(struct client *c, int on_join, const struct since_decs *sd)
{
	struct event *e;
	struct question *q;
	struct draft *d;
	char **files = NULL, when[32];
	size_t nfiles = 0, i, ndecisions = 0, top = 0;
	int64_t from = c->last_visit;
	int changed;

	if (c->mode == CLIENT_POPUP && c->popup.id != 0 &&
	    c->popup.title != NULL &&
	    strcmp(c->popup.title, "Since your last visit") == 0)
		top = c->popup.top;
	popup_open(&c->popup, "Since your last visit");
	c->popup.top = top;
	if (from != 0) {
		chat_date(from / 1000, when, sizeof when);
		popup_add(&c->popup, "You were last here %s.", when);
	}
	TAILQ_FOREACH (e, &server->events, entry) {
		if (e->time < from || strcmp(e->author, c->key) == 0)
			continue;
		if (e->kind == JOURNAL_EV_ACCEPTED ||
		    e->kind == JOURNAL_EV_REJECTED ||
		    e->kind == JOURNAL_EV_COMMIT) {
			if (ndecisions++ == 0)
				popup_add(
				    &c->popup, "%cDecisions:", POPUP_BOLD);
			popup_add(&c->popup, "  %s", e->text);
		} else if (e->kind == JOURNAL_EV_SAVED &&
		           !chat_listed(files, nfiles, e->text)) {
			files = xreallocarray(files, nfiles + 1, sizeof *files);
			files[nfiles++] = e->text;
		}
	}
	if (!TAILQ_EMPTY(&server->questions)) {
		popup_add(&c->popup, "%cOpen questions:", POPUP_BOLD);
		TAILQ_FOREACH (q, &server->questions, entry)
			popup_add(&c->popup, "  - %s", q->text);
	}
	if (!TAILQ_EMPTY(&server->drafts)) {
		popup_add(&c->popup, "%cDrafts in progress:", POPUP_BOLD);
		TAILQ_FOREACH (d, &server->drafts, entry)
			popup_add(&c->popup, "  ADR-%04u: %s (%s)", d->number,
			    d->title, d->path);
	}
	if (nfiles > 0) {
		popup_add(&c->popup, "%cFiles changed:", POPUP_BOLD);
		for (i = 0; i < nfiles; i++)
			popup_add(&c->popup, "  %s", files[i]);
	}
	free(files);
	/* On joining, "looking" alone is no news: the answer opens the
	 * pop-up if it has some. */
	changed =
	    (!on_join || sd->state == SINCE_KNOWN) && chat_since_changed(c, sd);
	if (ndecisions == 0 && nfiles == 0 && !changed &&
	    TAILQ_EMPTY(&server->questions) && TAILQ_EMPTY(&server->drafts)) {
		if (on_join) {
			popup_free(&c->popup);
			return 0;
		}
		popup_add(&c->popup, "Nothing new.");
	}
	server_client_popup(c);
	return c->popup.id;
}

/* `since` (and joining after an absence): the pop-up now with what the
 * session knows; the decisions whose code changed follow from git, found
 * off the loop. */
void
chat_since(struct client *c, int on_join)
{
	struct since_decs sd;
	unsigned id;

	memset(&sd, 0, sizeof sd);
	sd.state = SINCE_LOOKING;
	id = chat_since_show(c, on_join, &sd);
	if (lookup_since(c, on_join, id) == -1 && id != 0) {
		sd.state = SINCE_FAILED;
		chat_since_show(c, on_join, &sd);
	}
}

/* Note that c is here now (on joining and leaving). */
void
chat_visit(struct client *c)
{
	int64_t now = server_wallclock();
	struct person *p;

	if (c->key == NULL || *c->key == '\0')
		return;
	server_person_set(c->key, c->name, c->email);
	if ((p = server_person_find(c->key)) != NULL)
		p->visit = now;
	if (server->journal != NULL)
		journal_visit(server->journal, c->key, now);
}
