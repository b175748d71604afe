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
/* The whole chat, scrolled to what was said from time on (ms since the
 * epoch; INT64_MAX: the end), a line before it showing. */
static void
chat_history_from(struct client *c, int64_t time)
{
	struct chat_msg *m;
	char hhmm[16];
	size_t n = 0, top = (size_t)-1;

	popup_open(&c->popup, "Chat");
	TAILQ_FOREACH (m, &server->chat, entry) {
		if (n++ == server->nchat - server->chat_held)
			break; /* not in the journal yet */
		if (top == (size_t)-1 && m->time >= time)
			top = c->popup.nlines > 0 ? c->popup.nlines - 1 : 0;
		chat_hhmm(m->time, hhmm, sizeof hhmm);
		popup_add(&c->popup, "%s %s: %s", hhmm, m->name, m->text);
	}
	if (server->nchat == server->chat_held)
		popup_add(&c->popup, "Nobody has said anything yet.");
	c->popup.top = top != (size_t)-1 ? top : c->popup.nlines;
	server_client_popup(c);
}

void
chat_history(struct client *c)
{
	chat_history_from(c, INT64_MAX);
}

void
chat_event_add(int64_t time, int kind, const char *author, const char *text,
    const char *place)
{
	struct event *e = xcalloc(1, sizeof *e);

	e->time = time;
	e->kind = kind;
	e->author = xstrdup(author);
	e->text = xstrdup(text);
	e->place = place != NULL ? xstrdup(place) : NULL;
	TAILQ_INSERT_TAIL(&server->events, e, entry);
}

/* Something people away should hear of, and where (NULL: nowhere to
 * open): kept and journaled. */
void
chat_event(
    int kind, const char *author, const char *place, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int64_t now = server_wallclock();

	va_start(ap, fmt);
	xvasprintf(&text, fmt, ap);
	va_end(ap);
	/* Whoever is here sees it happen: no catch-up will list it. */
	presence_touch();
	chat_event_add(now, kind, author, text, place);
	if (server->journal != NULL)
		journal_event(server->journal, now, kind, author, text, place);
	free(text);
}

/* c joined or left (kind; leaving is told once, before c is closing):
 * told to `moot log`, not to anyone's screen. */
void
chat_presence(struct client *c, int kind)
{
	if (!c->ready || c->closing || c->key == NULL || *c->key == '\0')
		return;
	chat_event(kind, c->key, NULL, "%s %s", c->name,
	    kind == JOURNAL_EV_JOINED ? "joined" : "left");
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

/* Enter on a catch-up line: a place ("path:line"), shown in c's view. */
static void
chat_open_place(struct client *c, const char *place)
{
	const char *colon = strrchr(place, ':');
	unsigned long line = 1;
	unsigned height;
	char *path, *err = NULL, *end;
	struct doc *d;

	if (colon != NULL) {
		line = strtoul(colon + 1, &end, 10);
		if (*end != '\0' || colon[1] == '\0' || line == 0)
			colon = NULL, line = 1;
	}
	path = colon != NULL ? xstrndup(place, colon - place) : xstrdup(place);
	if ((d = doc_open(path, &err)) == NULL) {
		server_client_notice(c, "%s", err);
		free(err);
		free(path);
		return;
	}
	free(path);
	c->following = NULL;
	server_client_show(c, d);
	view_goto_line(c->view, line - 1);
	view_select_clear(c->view);
	/* The changed line in the middle of the screen. */
	height = render_text_height(server, c);
	c->view->top = line - 1 > height / 2 ? line - 1 - height / 2 : 0;
	view_scroll_to_cursor(c->view, render_text_width(server, c), height);
}

/* Enter on an open question: the chat from when it was asked. */
static void
chat_open_question(struct client *c, const char *time)
{
	chat_history_from(c, strtoll(time, NULL, 10));
}

/* Enter on a draft in progress: the draft. */
static void
chat_open_draft(struct client *c, const char *path)
{
	decision_open_path(c, path);
}

/* Enter on a decision whose code changed: its record. */
static void
chat_open_record(struct client *c, const char *number)
{
	decision_open_record(c, (unsigned)strtoul(number, NULL, 10));
}

/* "Decisions whose code changed since your last visit": what is known of
 * them. Returns whether it added anything. */
static int
chat_since_changed(struct client *c, const struct since_decs *sd)
{
	const struct since_dec *s;
	char when[32], number[16];
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
		snprintf(number, sizeof number, "%u", s->number);
		popup_act(&c->popup, chat_open_record, number);
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

/* One line of the catch-up with what Enter on it opens (arg; fn NULL or
 * arg NULL: nothing). */
static void
chat_since_line(struct client *c, popup_cb fn, const char *arg, const char *fmt,
    const char *text)
{
	popup_add(&c->popup, fmt, text);
	if (fn != NULL && arg != NULL)
		popup_act(&c->popup, fn, arg);
}

/*
 * What happened since c's last visit, by others: decisions, questions
 * asked, drafts started, files changed (each opened with Enter), and
 * decisions whose code changed (sd: what is known of those so far). On
 * joining, the pop-up opens only when there is something to show. A
 * pop-up already showing `since` is rebuilt in place, scrolled and
 * selected as it was.
 */
unsigned
chat_since_show(struct client *c, int on_join, const struct since_decs *sd)
{
	struct event *e;
	struct question *q;
	struct draft *d;
	struct event **files = NULL;
	char when[32], arg[32];
	size_t nfiles = 0, i, ndecisions = 0, nquestions = 0, ndrafts = 0;
	size_t top = 0, sel = 0;
	int64_t from = c->last_visit;
	int changed, again = 0;

	if (c->overlay == &overlay_popup && c->popup.id != 0 &&
	    c->popup.title != NULL &&
	    strcmp(c->popup.title, "Since your last visit") == 0) {
		top = c->popup.top;
		sel = c->popup.sel;
		again = 1;
	}
	popup_open(&c->popup, "Since your last visit");
	if (from != 0) {
		chat_date(from / 1000, when, sizeof when);
		popup_add(&c->popup, "You were last here %s.", when);
	}
	/* What they were here for (or did themselves) is no news. */
	TAILQ_FOREACH (e, &server->events, entry) {
		if (e->time <= from || strcmp(e->author, c->key) == 0)
			continue;
		if (e->kind == JOURNAL_EV_ACCEPTED ||
		    e->kind == JOURNAL_EV_REJECTED ||
		    e->kind == JOURNAL_EV_COMMIT) {
			if (ndecisions++ == 0)
				popup_add(
				    &c->popup, "%cDecisions:", POPUP_BOLD);
			chat_since_line(
			    c, chat_open_place, e->place, "  %s", e->text);
		} else if (e->kind == JOURNAL_EV_SAVED) {
			/* A file saved again: listed once, at its latest
			 * change. */
			for (i = 0; i < nfiles; i++) {
				if (strcmp(files[i]->text, e->text) == 0)
					break;
			}
			if (i == nfiles)
				files = xreallocarray(
				    files, ++nfiles, sizeof *files);
			files[i] = e;
		}
	}
	TAILQ_FOREACH (q, &server->questions, entry) {
		if (q->time <= from || strcmp(q->author, c->key) == 0)
			continue;
		if (nquestions++ == 0)
			popup_add(&c->popup, "%cOpen questions:", POPUP_BOLD);
		snprintf(arg, sizeof arg, "%lld", (long long)q->time);
		chat_since_line(c, chat_open_question, arg, "  - %s", q->text);
	}
	TAILQ_FOREACH (d, &server->drafts, entry) {
		if (d->time <= from || strcmp(d->author, c->key) == 0)
			continue;
		if (ndrafts++ == 0)
			popup_add(
			    &c->popup, "%cDrafts in progress:", POPUP_BOLD);
		popup_add(&c->popup, "  ADR-%04u: %s (%s)", d->number, d->title,
		    d->path);
		popup_act(&c->popup, chat_open_draft, d->path);
	}
	if (nfiles > 0) {
		popup_add(&c->popup, "%cFiles changed:", POPUP_BOLD);
		for (i = 0; i < nfiles; i++)
			chat_since_line(c, chat_open_place, files[i]->place,
			    "  %s", files[i]->text);
	}
	free(files);
	/* On joining, "looking" alone is no news: the answer opens the
	 * pop-up if it has some. */
	changed =
	    (!on_join || sd->state == SINCE_KNOWN) && chat_since_changed(c, sd);
	if (ndecisions == 0 && nfiles == 0 && !changed && nquestions == 0 &&
	    ndrafts == 0) {
		if (on_join) {
			popup_free(&c->popup);
			return 0;
		}
		popup_add(&c->popup, "Nothing new.");
	}
	if (again) {
		c->popup.top = top;
		if (c->popup.nacts > 0)
			popup_select(
			    &c->popup, sel, render_overlay_height(server, c));
		c->popup.top = top;
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
