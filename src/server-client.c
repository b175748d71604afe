/* server-client.c: one person, as the daemon sees them through their
 * frontend: messages in, keys turned into ops and moves, frames out. */
#include "moot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffer.h"
#include "frontend.h"
#include "journal.h"
#include "loop.h"
#include "proto.h"
#include "repo.h"
#include "server.h"
#include "term.h"
#include "undo.h"
#include "utf8.h"

#define CLIENT_READ_MAX (1024 * 1024) /* unread input we hold per client */
#define CLIENT_GROUP_MS 500 /* a pause this long closes an undo group */
/* A paste this large or larger gives its memory back to the system when it
 * goes, not only to the allocator. */
#define CLIENT_PASTE_TRIM (1024 * 1024)
#define CLIENT_CONFIRM_MS 4000 /* a second Ctrl-S within this overwrites */

static void server_client_paste_drop(struct client *);

struct client *
server_client_create(int fd, pid_t pid)
{
	struct client *c = xcalloc(1, sizeof *c);

	c->id = ++server->next_id;
	c->fd = fd;
	c->pid = pid;
	bytes_init(&c->in);
	bytes_init(&c->out);
	bytes_init(&c->paste);
	server_pane_init(c);
	TAILQ_INSERT_TAIL(&server->clients, c, entry);
	return c;
}

void
server_client_free(struct client *c)
{
	if (c->ready)
		log_info("client %u: %llu frames rendered", c->id,
		    (unsigned long long)c->frames);
	close(c->fd);
	bytes_free(&c->in);
	bytes_free(&c->out);
	picker_free(&c->picker);
	popup_free(&c->popup);
	server_pane_free_all(c);
	server_client_paste_drop(c);
	free(c->clipboard);
	free(c->find_last);
	frame_free(c->sent);
	frame_free(c->spare);
	free(c->name);
	free(c->email);
	free(c->user);
	free(c->key);
	if (c->local != NULL) {
		free(c->local->name);
		free(c->local->email);
		free(c->local->key);
		free(c->local);
	}
	free(c->notice);
	free(c->hello_notice);
	free(c->hello_term);
	free(c);
}

static void server_client_closing(struct client *);

/* Write what is queued; returns -1 if the client is gone. */
int
server_client_flush(struct client *c)
{
	ssize_t n;

	while (bytes_len(&c->out) > 0) {
		n = write(c->fd, bytes_ptr(&c->out), bytes_len(&c->out));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0)
			return -1;
		bytes_drain(&c->out, n);
	}
	loop_set(server->loop, c->fd,
	    LOOP_READ | (bytes_len(&c->out) > 0 ? LOOP_WRITE : 0));
	return 0;
}

static void
server_client_send(struct client *c, const struct proto_msg *m)
{
	proto_put(&c->out, m);
	server_client_flush(c);
}

void
server_client_bye(struct client *c, const char *why)
{
	struct proto_msg m;

	memset(&m, 0, sizeof m);
	m.type = PROTO_BYE;
	m.u.bye = (char *)why;
	server_client_send(c, &m);
	server_client_closing(c);
}

/* c is leaving (its connection ends later): from now on they are away. */
static void
server_client_closing(struct client *c)
{
	if (!c->closing)
		server_pane_save(c); /* where each pane is, for next time */
	chat_presence(c, JOURNAL_EV_LEFT);
	if (c->ready && !c->closing)
		presence_leave(c);
	c->closing = 1;
}

/* Show a document to c, saying when it cannot be changed. */
void
server_client_show(struct client *c, struct doc *d)
{
	server_pane_show(c, d);
	c->last_edit = 0;
	lookup_marks(d); /* its margin, unless known for HEAD already */
	if (d->protected != NULL)
		server_client_notice(c,
		    "%s is %s: read-only here; change it with git outside "
		    "the session",
		    d->path, d->protected);
	else if (d->readonly)
		server_client_notice(c, "%s is binary: read-only", d->path);
}

static void
server_client_open_first(struct client *c)
{
	struct doc *d = NULL;
	struct place *p;
	char *first, *err = NULL;
	size_t pos;

	/* Back where they were, if the document is still there. */
	if ((p = server_place_find(c->key)) != NULL &&
	    (d = doc_open(p->path, &err)) != NULL) {
		server_client_show(c, d);
		/* The file may have changed since: stay inside the text and
		 * off the middle of a character. */
		pos = p->pos < buffer_length(d->buf) ? p->pos
		                                     : buffer_length(d->buf);
		while (pos > 0 && pos < buffer_length(d->buf) &&
		       (buffer_byte(d->buf, pos) & 0xc0) == 0x80)
			pos--;
		c->view->cursor = pos;
		return;
	}
	free(err);
	err = NULL;
	if ((first = repo_first_file(server->repo)) != NULL) {
		d = doc_open(first, &err);
		if (d == NULL) {
			server_client_notice(c, "%s", err);
			free(err);
		}
		free(first);
	}
	if (d == NULL)
		d = doc_scratch();
	server_client_show(c, d);
}

/*
 * The name c is shown under. A name belongs to the first key, in the
 * access lists' order, whose comment gives it; any other key using it
 * (through its comment, or as the SSH user name of a key without one) is
 * told apart by the start of its fingerprint: "Alice [3fA9xY1b]". A name
 * nobody's comment gives is still told apart from someone present who
 * already shows it. The suffix follows the name everywhere: presence
 * line, who, chat, notices, and the trailers and author of commits.
 */
static char *
server_client_name(struct client *c, const char *name)
{
	struct authkeys keys;
	const struct authkey *owner;
	struct client *o;
	char *fp, *s;
	const char *tag;
	int taken = 0;

	auth_load(&keys, getenv("HOME"), server->repo->root);
	if ((owner = auth_owner(&keys, name)) != NULL) {
		fp = auth_fingerprint(owner->key);
		taken = fp == NULL || strcmp(fp, c->key) != 0;
		free(fp);
	} else {
		TAILQ_FOREACH (o, &server->clients, entry) {
			if (o != c && o->ready && o->name != NULL &&
			    strcmp(o->key, c->key) != 0 &&
			    auth_same_name(o->name, name))
				taken = 1;
		}
	}
	auth_free(&keys);
	if (!taken)
		return xstrdup(name);
	tag = strchr(c->key, ':') != NULL ? strchr(c->key, ':') + 1 : c->key;
	xasprintf(&s, "%s [%.8s]", name, tag);
	log_info(
	    "client %u: %s is another key's name; shown as %s", c->id, name, s);
	return s;
}

/* At most --max-people in the session: the next one is told so on
 * their terminal, and the refusal is logged (rate-limited). */
static int
server_client_full(struct client *c)
{
	struct client *o;
	unsigned people = 0;
	char *why;

	TAILQ_FOREACH (o, &server->clients, entry) {
		if (o->ready && !o->closing)
			people++;
	}
	if (people < server->opts.max_people)
		return 0;
	startups_log_refused("refused a person from %s: the session is full "
	                     "(%u people, --max-people)",
	    c->addr, people);
	xasprintf(&why,
	    "moot: this session is full (%u people are in); try again "
	    "later",
	    people);
	server_client_bye(c, why);
	free(why);
	return 1;
}

/*
 * Who c is let in as: 0 with c->role (and c->overlay overlay_name when they
 * must give a name before entering), or -1 after turning them away.
 *
 * A key the key files or the remembered members know joins with its own
 * role, whatever its user name: join-TOKEN then uses nothing. Any other
 * key must come as join-TOKEN with a live invitation: one use is taken,
 * the key is remembered as a member with the invited role (so later
 * visits need no token) and they are asked for a name. The frontend let
 * such keys through without knowing the tokens; this is the check.
 */
static int
server_client_admit(struct client *c, const struct proto_hello *h)
{
	struct invite *inv;
	struct member *m;
	const char *why;
	char *msg;

	if (role_resolve(h->key, c->addr, &c->role) == 0) {
		if (invite_is_join(h->user))
			log_info("client %u: key %s is known: joins as %s, "
			         "no invitation used",
			    c->id, h->key, role_name(c->role));
		m = member_find(h->key);
		if (m != NULL && m->invite != 0) {
			c->invite = m->invite;
			if (*m->name == '\0')
				c->overlay = &overlay_name;
		}
		return 0;
	}
	if (!invite_is_join(h->user)) {
		log_info(
		    "client %u: key %s is no longer accepted", c->id, h->key);
		server_client_bye(c, "moot: your key is no longer accepted "
		                     "here");
		return -1;
	}
	inv = invite_find(&server->invites, h->user, server_wallclock(), &why);
	if (inv == NULL) {
		startups_log_refused("refused an invitation from %s (key %s): "
		                     "%s",
		    c->addr, h->key, why);
		xasprintf(&msg, "moot: %s", why);
		server_client_bye(c, msg);
		free(msg);
		return -1;
	}
	c->role = inv->role;
	c->invite = inv->id;
	c->overlay = &overlay_name;
	log_info("client %u: key %s came by invitation %lld as %s (%u use%s "
	         "left)",
	    c->id, h->key, (long long)inv->id, role_name(inv->role),
	    inv->uses - 1, inv->uses == 2 ? "" : "s");
	member_set(h->key, inv->role, "", inv->id);
	invite_use(&server->invites, inv);
	return 0;
}

/* Everything of joining once c's name is known: a colour, their place,
 * the others told. */
static void
server_client_enter(struct client *c, const char *notice, const char *term)
{
	struct client *o;
	const char *restarted;
	int taken[MOOT_NCOLOURS * 4], ntaken = 0;

	TAILQ_FOREACH (o, &server->clients, entry) {
		if (o->ready && ntaken < (int)(sizeof taken / sizeof taken[0]))
			taken[ntaken++] = o->colour;
	}
	c->colour = colour_for_key(c->key, taken, ntaken);
	if (server->journal != NULL)
		journal_person(server->journal, c->key, c->name, c->email);
	presence_join(c);
	server_client_open_first(c);
	c->ready = 1;
	server_pane_enter(c);
	chat_presence(c, JOURNAL_EV_JOINED);
	c->dirty = 1;

	log_info("client %u: %s <%s> joined as %s (key %s, %ux%u, %s)", c->id,
	    c->name, c->email, role_name(c->role), c->key, c->cols, c->rows,
	    term);
	server_notice("%s joined", c->name);
	/* The others see "NAME joined"; the newcomer sees who they are. */
	if (*notice != '\0')
		server_client_notice(c, "%s", notice);
	else
		server_client_notice(c, "welcome, %s", c->name);
	/* Someone the daemon's end cut off saw everything until then: one
	 * line says so. Someone coming back sees first what happened while
	 * away (if anything did). */
	if ((restarted = presence_restarted(c)) != NULL)
		server_client_notice(c, "%s", restarted);
	if (c->last_visit != 0)
		chat_since(c, 1);
}

static void
server_client_hello(struct client *c, struct proto_hello *h)
{
	struct member *m;
	struct proto_msg m_welcome;

	if (c->ready || c->overlay == &overlay_name) {
		server_client_bye(c, "protocol error: second HELLO");
		return;
	}
	if (h->version != PROTO_VERSION) {
		server_client_bye(c, "this moot frontend speaks another "
		                     "protocol version; restart moot serve");
		return;
	}
	if (server_client_full(c))
		return;
	/* Attached on the unix socket: the daemon said who they are (the
	 * frontend's words are not asked); the account running the
	 * session is its host. */
	if (c->local != NULL) {
		free(h->user);
		free(h->name);
		free(h->email);
		free(h->key);
		h->user = xstrdup(c->local->key + strlen("local:"));
		h->name = xstrdup(c->local->name);
		h->email = xstrdup(c->local->email);
		h->key = xstrdup(c->local->key);
		c->role = ROLE_HOST;
	}
	/* The role is the daemon's reading of the key files and of what the
	 * session remembers, never the frontend's. */
	else if (server_client_admit(c, h) != 0)
		return;
	/* The name prompt is part of logging in: it has the same time. */
	if (c->overlay == &overlay_name)
		c->name_until =
		    loop_now() + (uint64_t)server->opts.login_grace * 1000;
	c->email = xstrdup(h->email);
	c->user = xstrdup(h->user);
	c->key = xstrdup(h->key);
	c->cols = h->cols;
	c->rows = h->rows;
	c->colours = h->colours;

	memset(&m_welcome, 0, sizeof m_welcome);
	m_welcome.type = PROTO_WELCOME;
	m_welcome.u.welcome = PROTO_VERSION;
	server_client_send(c, &m_welcome);

	if (c->overlay == &overlay_name) {
		/* Nothing of the session until they have a name. */
		memset(&c->prompt, 0, sizeof c->prompt);
		c->hello_notice = xstrdup(h->notice);
		c->hello_term = xstrdup(h->term);
		c->dirty = 1;
		log_info("client %u: asking key %s for a name", c->id, c->key);
		return;
	}
	/* Someone who came by invitation goes by the name they chose. */
	if (c->invite != 0 && (m = member_find(c->key)) != NULL &&
	    *m->name != '\0')
		c->name = server_client_name(c, m->name);
	else if (invite_is_join(*h->name != '\0' ? h->name : h->user))
		/* Never show a token: a known key with no name in its
		 * comment that came as join-TOKEN (not used) is "guest". */
		c->name = server_client_name(c, "guest");
	else
		c->name =
		    server_client_name(c, *h->name != '\0' ? h->name : h->user);
	server_client_enter(c, h->notice, h->term);
}

/*
 * The name an invited person types: 1 to SERVER_NAME_MAX bytes of
 * printable UTF-8 (no control character, no bidi control), spaces at the
 * ends dropped, and no name someone else goes by: a key comment's, a
 * remembered member's, anyone's who has been here or is here now (case
 * and spacing ignored, as auth_same_name). NULL, or why not.
 */
static const char *
server_client_name_refused(struct client *c, const char *name)
{
	struct authkeys keys;
	struct client *o;
	struct member *m;
	struct person *p;
	int taken = 0;

	if (*name == '\0')
		return "type a name first";
	auth_load(&keys, getenv("HOME"), server->repo->root);
	if (auth_owner(&keys, name) != NULL)
		taken = 1;
	auth_free(&keys);
	TAILQ_FOREACH (o, &server->clients, entry) {
		if (o != c && o->ready && o->name != NULL &&
		    auth_same_name(o->name, name))
			taken = 1;
	}
	TAILQ_FOREACH (m, &server->members, entry) {
		if (strcmp(m->key, c->key) != 0 &&
		    auth_same_name(m->name, name))
			taken = 1;
	}
	TAILQ_FOREACH (p, &server->people, entry) {
		if (strcmp(p->key, c->key) != 0 &&
		    auth_same_name(p->name, name))
			taken = 1;
	}
	return taken ? "that name is taken here; choose another" : NULL;
}

/* Whether a code point may be part of a name: printable, and not one that
 * reorders or breaks what is drawn after it. */
static int
server_client_name_char(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	/* Bidi controls and every other invisible code point (utf8.c's
	 * table): a name must look like what it is. */
	if (utf8_invisible(cp))
		return 0;
	return cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
}

/* People at the name prompt past the login grace time are sent away, as
 * a login that takes too long is (--login-grace-time). */
void
server_client_name_expire(void)
{
	struct client *c;
	char *why;
	uint64_t now = loop_now();

	TAILQ_FOREACH (c, &server->clients, entry) {
		if (c->overlay != &overlay_name || c->closing ||
		    now < c->name_until)
			continue;
		log_info("client %u: key %s gave no name within %u s", c->id,
		    c->key, server->opts.login_grace);
		xasprintf(&why,
		    "moot: no name given within %u s; your invitation "
		    "stays yours: connect again",
		    server->opts.login_grace);
		server_client_bye(c, why);
		free(why);
	}
}

/* Ctrl-U (the whole line, as in a shell) and Backspace (the last
 * character) in a one-line prompt's text. */
static void
server_client_prompt_erase(struct prompt *p, const struct key_event *k)
{
	if (k->code == KEYC_CTRL && k->cp == 'u')
		p->len = 0;
	else if (k->code == KEYC_BACKSPACE) {
		while (p->len > 0 &&
		       ((unsigned char)p->text[--p->len] & 0xc0) == 0x80)
			;
	}
	p->text[p->len] = '\0';
}

static void server_client_edit_key(struct client *, const struct key_event *);

/* A key c's prompt (or the text) has no use for: say what it takes. A
 * notice still showing that says something else (why Enter was refused,
 * "slow down") matters more and stays. */
void
server_client_hint(struct client *c)
{
	server->now = loop_now();
	if (c->notice != NULL && c->notice_until > server->now &&
	    !overlay_is_hint(c->notice))
		return;
	server_client_notice(c, "%s", overlay_hint(c));
}

/* Keys before an invited person enters: typing their name. */
void
server_client_name_key(struct client *c, const struct key_event *k)
{
	struct prompt *p = &c->prompt;
	struct member *m;
	char utf8[4], *name, *start, *end;
	const char *why;
	size_t len;

	switch (k->code) {
	case KEYC_CHAR:
		if (!server_client_name_char(k->cp) ||
		    (len = utf8_encode(k->cp, utf8)) == 0) {
			server_client_notice(
			    c, "that character cannot be in a name");
			break;
		}
		if (p->len + len > SERVER_NAME_MAX) {
			server_client_notice(
			    c, "a name is at most %d bytes", SERVER_NAME_MAX);
			break;
		}
		memcpy(p->text + p->len, utf8, len);
		p->len += len;
		p->text[p->len] = '\0';
		break;
	case KEYC_CTRL:
		if (k->cp != 'u') {
			server_client_hint(c);
			break;
		}
		/* FALLTHROUGH */
	case KEYC_BACKSPACE:
		server_client_prompt_erase(p, k);
		break;
	case KEYC_ENTER:
		for (start = p->text; *start == ' '; start++)
			;
		name = xstrdup(start);
		for (end = name + strlen(name); end > name && end[-1] == ' ';)
			*--end = '\0';
		if ((why = server_client_name_refused(c, name)) != NULL) {
			server_client_notice(c, "%s", why);
			free(name);
			break;
		}
		if (server_client_full(c)) {
			free(name);
			break;
		}
		m = member_set(c->key, c->role, name, c->invite);
		log_info("client %u: key %s chose the name %s", c->id, c->key,
		    m->name);
		c->name = server_client_name(c, name);
		free(name);
		overlay_close(c);
		server_client_enter(c, c->hello_notice, c->hello_term);
		break;
	default:
		server_client_hint(c);
		break;
	}
	c->dirty = 1;
}

/* Ctrl-P (or the prefix's :): the palette. */
void
server_client_palette(struct client *c)
{
	palette_open(&c->palette, cmd_table, cmd_count);
	overlay_open(c, &overlay_palette);
}

/* The prefix's d: c leaves, the session goes on (as tmux's detach). */
void
server_client_detach(struct client *c)
{
	log_info("client %u: %s detached", c->id, c->name);
	server_client_bye(c, "");
	server_notice("%s left", c->name);
}

/* Show c's pop-up (filled by the caller). */
void
server_client_popup(struct client *c)
{
	overlay_open(c, &overlay_popup);
}

/*
 * May c show everyone something now? One bucket per person (by key, so
 * every connection of theirs shares it). When not, they are told when
 * they may go on: once when the refusals start, then again only after
 * that notice has gone, however often they try.
 */
/* Take one of c's tokens for something everyone sees: 0 if there was
 * one, else how long (ms) until there is. */
static uint64_t
server_client_token(struct client *c)
{
	struct person *p = c->key != NULL ? server_person_find(c->key) : NULL;
	struct rate *r = p != NULL ? &p->broadcast : &c->broadcast;

	server->now = loop_now();
	return rate_take(
	    r, server->now, SERVER_BROADCAST_BURST, SERVER_BROADCAST_MS);
}

static int
server_client_pace(struct client *c)
{
	uint64_t wait;

	wait = server_client_token(c);
	if (wait == 0) {
		c->slow_told = 0;
		return 1;
	}
	if (c->slow_told == 0 ||
	    server->now - c->slow_told >= SERVER_NOTICE_MS) {
		c->slow_told = server->now;
		server_client_notice(c,
		    "slow down: you may chat or decide again in %llu s",
		    (unsigned long long)(wait + 999) / 1000);
	}
	return 0;
}

/*
 * Tell c why their role refuses something (msg, which is freed), unless
 * that very notice is on their screen now (theirs, not hidden by a newer
 * one for everyone: see render_notice): a viewer typing fifty keys sees
 * the notice once, and again only once it has gone.
 */
static void
server_client_refuse(struct client *c, char *msg)
{
	int shown;

	server->now = loop_now();
	shown =
	    c->notice != NULL && c->notice_until > server->now &&
	    strcmp(c->notice, msg) == 0 &&
	    (server->notice == NULL || server->notice_until <= server->now ||
	        c->notice_until >= server->notice_until);
	if (!shown) {
		log_info("client %u: %s (%s): %s", c->id, c->name,
		    role_name(c->role), msg);
		server_client_notice(c, "%s", msg);
	}
	free(msg);
}

/* May c's role do what needs flags? what: the command, or NULL for a
 * key. Returns 1, or 0 after telling them why not. */
static int
server_client_role_allows(struct client *c, int flags, const char *what)
{
	char *msg;

	if (flags & CMD_EDIT)
		flags |= CMD_EDITOR;
	if ((flags & CMD_HOST) && c->role < ROLE_HOST) {
		xasprintf(&msg, "only hosts can use %s",
		    what != NULL ? what : "that key");
		server_client_refuse(c, msg);
		return 0;
	}
	if ((flags & CMD_EDITOR) && c->role < ROLE_EDITOR) {
		xasprintf(&msg,
		    "viewers cannot %s; a host can make you an editor",
		    what != NULL ? what : "edit");
		server_client_refuse(c, msg);
		return 0;
	}
	return 1;
}

/*
 * The one place that decides whether c may do something that needs flags
 * (CMD_*: a key or a palette command). Returns 1, or 0 after telling them
 * why not.
 */
int
server_client_allowed(struct client *c, int flags)
{
	return server_client_allowed_cmd(c, flags, NULL);
}

int
server_client_allowed_cmd(struct client *c, int flags, const char *what)
{
	/* First who they are: a viewer is told they view, whatever else. */
	if (!server_client_role_allows(c, flags, what))
		return 0;
	/* The journal cannot be written: nothing may change text or add
	 * records (saving too: it compacts the journal). */
	if ((flags & (CMD_EDIT | CMD_JOURNAL)) && server->readonly != NULL) {
		server_client_notice(c, "%s", server->readonly);
		return 0;
	}
	if ((flags & CMD_EDIT) && c->view->doc != NULL &&
	    c->view->doc->readonly) {
		if (c->view->doc->protected != NULL)
			server_client_notice(c,
			    "%s is %s: read-only; change it with git outside "
			    "the session",
			    c->view->doc->path, c->view->doc->protected);
		else
			server_client_notice(
			    c, "%s is read-only", c->view->doc->path);
		return 0;
	}
	if ((flags & CMD_COMMIT) && decision_committing()) {
		server_client_notice(c,
		    "a commit is being made (its commit-msg hook is running); "
		    "try again when it is done");
		return 0;
	}
	/* Last: only what would otherwise run takes a token. */
	if ((flags & CMD_BROADCAST) && !server_client_pace(c))
		return 0;
	return 1;
}

/* The next undo group starts unless this edit continues the last one:
 * same document, where the last one ended, soon after it. */
static int
server_client_boundary(struct client *c, size_t pos)
{
	return c->last_edit == 0 || c->last_edit_doc != c->view->doc ||
	       c->last_edit_end != pos ||
	       server->now - c->last_edit > CLIENT_GROUP_MS;
}

/* Replace [from, to) with s as one op by c (an insert when from == to, a
 * delete when len == 0); group: 0 joins the open undo group if it can,
 * 1 always starts a new one. */
void
server_client_replace(struct client *c, size_t from, size_t to, const char *s,
    size_t len, int group)
{
	struct view *v = c->view;
	struct op op;
	char *gone;

	if (to <= from && len == 0)
		return;
	server->now = loop_now();
	gone = xmalloc(to - from + 1);
	buffer_copy(v->doc->buf, from, to - from, gone);
	memset(&op, 0, sizeof op);
	op.doc = v->doc;
	op.author = c;
	op.view = v;
	op.key = c->key;
	op.pos = from;
	op.del = gone;
	op.del_len = to - from;
	op.ins = s;
	op.ins_len = len;
	op.kind = UNDO_EDIT;
	/* Typing continues at from; Backspace ends at to; Delete at from. */
	op.boundary = group || (server_client_boundary(c, from) &&
	                           server_client_boundary(c, to));
	doc_apply(&op);
	free(gone);
	v->cursor = from + len;
	v->selecting = 0;
	c->last_edit = group ? 0 : server->now;
	c->last_edit_end = from + len;
	c->last_edit_doc = v->doc;
}

/* Typing: replaces the selection if there is one. */
static void
server_client_type(struct client *c, const char *s, size_t len)
{
	size_t from, to;

	if (view_selection(c->view, &from, &to))
		server_client_replace(c, from, to, s, len, 1);
	else
		server_client_replace(
		    c, c->view->cursor, c->view->cursor, s, len, 0);
}

/* Backspace and Delete: the selection, or the unit before/after. */
static void
server_client_erase(struct client *c, int forward)
{
	struct view *v = c->view;
	size_t from, to;

	if (view_selection(v, &from, &to)) {
		server_client_replace(c, from, to, NULL, 0, 1);
		return;
	}
	if (forward)
		server_client_replace(
		    c, v->cursor, view_next_unit(v), NULL, 0, 0);
	else
		server_client_replace(
		    c, view_prev_unit(v), v->cursor, NULL, 0, 0);
}

/* The selection, or without one the cursor's whole line (newline
 * included), as editors do for copy and cut. */
static void
server_client_copy_range(struct client *c, size_t *from, size_t *to)
{
	const struct buffer *b = c->view->doc->buf;
	size_t line;

	if (view_selection(c->view, from, to))
		return;
	line = buffer_line_of(b, c->view->cursor);
	*from = buffer_line_start(b, line);
	*to = buffer_line_end(b, line);
	if (*to < buffer_length(b))
		(*to)++;
}

static void
server_client_copy(struct client *c, int cut)
{
	size_t from, to;

	server_client_copy_range(c, &from, &to);
	if (from == to) {
		server_client_notice(c, "nothing to copy");
		return;
	}
	free(c->clipboard);
	c->clipboard = xmalloc(to - from + 1);
	c->clipboard_len =
	    buffer_copy(c->view->doc->buf, from, to - from, c->clipboard);
	if (cut) {
		server_client_replace(c, from, to, NULL, 0, 1);
		server_client_notice(c, "cut %zu bytes", to - from);
	} else
		server_client_notice(c, "copied %zu bytes", to - from);
}

/* Insert text (the clipboard, a paste) as one op and one undo step. */
static void
server_client_put(struct client *c, const char *s, size_t len)
{
	size_t from, to;

	if (!view_selection(c->view, &from, &to))
		from = to = c->view->cursor;
	server_client_replace(c, from, to, s, len, 1);
}

/* Append bytes to the chat or commit prompt. */
static void
server_client_prompt_add(struct client *c, const char *s, size_t len)
{
	struct prompt *p = &c->prompt;
	size_t max =
	    c->overlay == &overlay_chat ? CHAT_TEXT_MAX : sizeof p->text - 1;

	/* Control bytes are kept (a paste may have them): they are shown
	 * inert everywhere. NUL would end the text, so it goes. */
	if (len == 1 && *s == '\0')
		return;
	if (p->len + len > max)
		return;
	memcpy(p->text + p->len, s, len);
	p->len += len;
	p->text[p->len] = '\0';
}

/* Ctrl-T (chat) and `commit` (message): a line typed on the status row. */
void
server_client_ask(struct client *c, const struct overlay *o)
{
	memset(&c->prompt, 0, sizeof c->prompt);
	overlay_open(c, o);
}

/* Keys of chat and of the commit message. */
void
server_client_ask_key(struct client *c, const struct key_event *k)
{
	struct prompt *p = &c->prompt;
	const struct overlay *o = c->overlay;
	char utf8[4], *text;
	size_t len;

	switch (k->code) {
	case KEYC_ESC:
		overlay_close(c);
		break;
	case KEYC_CHAR:
		if ((len = utf8_encode(k->cp, utf8)) > 0)
			server_client_prompt_add(c, utf8, len);
		break;
	case KEYC_TAB:
		server_client_prompt_add(c, " ", 1);
		break;
	case KEYC_CTRL:
		if (k->cp != 'u') {
			server_client_hint(c);
			break;
		}
		/* FALLTHROUGH */
	case KEYC_BACKSPACE:
		server_client_prompt_erase(p, k);
		break;
	case KEYC_ENTER:
		/* Refused, the text stays: Enter again later, or Esc. */
		if (!server_client_allowed_cmd(c,
		        CMD_JOURNAL | CMD_BROADCAST |
		            (o == &overlay_commit ? CMD_COMMIT | CMD_EDITOR
		                                  : 0),
		        o == &overlay_commit ? "commit" : "chat"))
			break;
		text = xstrdup(p->text);
		overlay_close(c);
		if (o == &overlay_chat)
			chat_say(c, text);
		else
			decision_commit(c, text);
		free(text);
		break;
	default:
		server_client_hint(c);
		break;
	}
}

/* Ctrl-P: keys while the palette is open. */
void
server_client_palette_key(struct client *c, const struct key_event *k)
{
	struct palette *p = &c->palette;
	const struct cmd_entry *cmd;
	const char *arg;
	char utf8[4], *copy;
	size_t len;
	unsigned height = render_overlay_height(server, c);

	switch (k->code) {
	case KEYC_ESC:
		overlay_close(c);
		break;
	case KEYC_CTRL:
		if (k->cp == 'p' || k->cp == 'c')
			overlay_close(c);
		else
			server_client_hint(c);
		break;
	case KEYC_CHAR:
		if ((len = utf8_encode(k->cp, utf8)) > 0)
			palette_type(p, cmd_table, cmd_count, utf8, len);
		break;
	case KEYC_BACKSPACE:
		palette_backspace(p, cmd_table, cmd_count);
		break;
	case KEYC_UP:
		palette_move(p, -1, height);
		break;
	case KEYC_DOWN:
	case KEYC_TAB:
		palette_move(p, 1, height);
		break;
	case KEYC_ENTER:
		if ((cmd = palette_chosen(p, cmd_table, cmd_count, &arg)) ==
		    NULL) {
			server_client_notice(c, "no such command: %s", p->text);
			break;
		}
		copy = xstrdup(arg);
		overlay_close(c);
		cmd_exec(c, cmd, copy);
		free(copy);
		break;
	default:
		server_client_hint(c);
		break;
	}
}

/*
 * Keys while a pop-up shows: what it uses (popup_key), Esc to close it,
 * Enter to open its selected line. It only informs: any other key closes
 * it and then does what it would have done, so nothing typed is lost.
 */
void
server_client_popup_key(struct client *c, const struct key_event *k)
{
	struct popup_act a;

	switch (popup_key(&c->popup, k, render_overlay_height(server, c))) {
	case POPUP_KEPT:
		break;
	case POPUP_CLOSE:
		overlay_close(c);
		break;
	case POPUP_OPEN:
		a = c->popup.acts[c->popup.sel];
		c->popup.acts[c->popup.sel].arg = NULL;
		overlay_close(c);
		a.fn(c, a.arg);
		free(a.arg);
		break;
	case POPUP_PASS:
		overlay_close(c);
		server_client_edit_key(c, k);
		break;
	}
}

/* A paste into a prompt that takes typed keys (the palette, the picker,
 * find, go to line, a name): as if typed, newlines as spaces. */
static void
server_client_paste_typed(struct client *c, const char *s, size_t len)
{
	struct key_event k;
	size_t n, typed = 0;

	memset(&k, 0, sizeof k);
	while (len > 0 && c->overlay != NULL) {
		if (typed++ == SERVER_PASTE_TYPED_MAX) {
			server_client_notice(c,
			    "only the first %d characters of the paste were "
			    "taken",
			    SERVER_PASTE_TYPED_MAX);
			break;
		}
		n = utf8_decode((const unsigned char *)s, len, &k.cp);
		k.code = KEYC_CHAR;
		if (k.cp == '\n' || k.cp == '\t')
			k.cp = ' ';
		if (k.cp >= 0x20 && k.cp != 0x7f && k.cp != UTF8_INVALID)
			server_client_key(c, &k);
		s += n;
		len -= n;
	}
}

/* A bracketed paste is complete: terminals send newlines as CR. */
static void
server_client_paste_done(struct client *c)
{
	char *s = (char *)bytes_ptr(&c->paste);
	size_t len = bytes_len(&c->paste), i, j;

	for (i = j = 0; i < len; i++) {
		if (s[i] == '\r') {
			s[j++] = '\n';
			if (i + 1 < len && s[i + 1] == '\n')
				i++;
		} else
			s[j++] = s[i];
	}
	if (j == 0)
		return;
	if (c->overlay == NULL)
		c->pane->mode->paste(c, c->pane, s, j);
	else if (c->overlay->paste != NULL)
		c->overlay->paste(c, s, j);
	else
		server_client_paste_typed(c, s, j);
}

/* A paste into a document pane. */
void
server_client_paste_doc(
    struct client *c, struct pane *p, const char *s, size_t len)
{
	if (server_client_allowed(c, CMD_EDIT))
		server_client_put(c, s, len);
}

/* A paste into chat or the commit message: one line, newlines become
 * spaces. */
void
server_client_paste_line(struct client *c, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		server_client_prompt_add(c, s[i] == '\n' ? " " : s + i, 1);
}

/* A pop-up only informs: a paste closes it and goes on to the pane. */
void
server_client_paste_popup(struct client *c, const char *s, size_t len)
{
	overlay_close(c);
	c->pane->mode->paste(c, c->pane, s, len);
}

/* A size for people: "16 MB", "512 KB", "100 bytes". */
static void
server_client_size(uint64_t n, char *out, size_t size)
{
	if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
		snprintf(out, size, "%llu MB", (unsigned long long)(n >> 20));
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(out, size, "%llu KB", (unsigned long long)(n >> 10));
	else
		snprintf(out, size, "%llu bytes", (unsigned long long)n);
}

/* Give back at once what c's unfinished paste holds. */
static void
server_client_paste_drop(struct client *c)
{
	size_t held = bytes_len(&c->paste);

	server->paste_held -= held;
	bytes_free(&c->paste);
	if (held >= CLIENT_PASTE_TRIM)
		compat_release_memory();
}

/* Tell c why their paste is refused (c->pasting says which limit). */
static void
server_client_paste_notice(struct client *c)
{
	char size[32];

	if (c->pasting == CLIENT_PASTE_TOO_LARGE) {
		server_client_size(server->opts.max_paste, size, sizeof size);
		server_client_notice(
		    c, "paste refused: over %s; nothing was pasted", size);
	} else {
		server_client_size(
		    server->opts.paste_budget, size, sizeof size);
		server_client_notice(c,
		    "paste refused: %s already being pasted; nothing was "
		    "pasted",
		    size);
	}
}

/*
 * Refuse c's paste (why: CLIENT_PASTE_TOO_LARGE or _OVER_BUDGET): what it
 * gathered goes now, the rest is dropped as it arrives, and nothing is
 * pasted at its end. They are told now, since the end may never come, and
 * again when it ends.
 */
static void
server_client_paste_refuse(struct client *c, enum client_paste why)
{
	log_info("client %u: %s: paste refused after %zu bytes (%s)", c->id,
	    c->name, bytes_len(&c->paste),
	    why == CLIENT_PASTE_TOO_LARGE ? "--max-paste" : "--paste-budget");
	server_client_paste_drop(c);
	c->pasting = why;
	server_client_paste_notice(c);
}

/*
 * A piece of a bracketed paste; the last one applies it all. A paste is
 * held in memory until it ends, so two limits bound what unfinished
 * pastes can hold: --max-paste for one paste, --paste-budget for all of
 * them together. A paste over either is refused whole.
 */
static void
server_client_paste(struct client *c, const struct proto_paste *p)
{
	/* A piece without a start key starts a paste. */
	if (c->pasting == CLIENT_PASTE_NONE)
		c->pasting = CLIENT_PASTE_GATHERING;
	if (c->pasting == CLIENT_PASTE_GATHERING) {
		if (bytes_len(&c->paste) + p->len > server->opts.max_paste)
			server_client_paste_refuse(c, CLIENT_PASTE_TOO_LARGE);
		else if (server->paste_held + p->len >
		         server->opts.paste_budget)
			server_client_paste_refuse(c, CLIENT_PASTE_OVER_BUDGET);
		else {
			bytes_add(&c->paste, p->data, p->len);
			server->paste_held += p->len;
		}
	}
	if (!p->last)
		return;
	if (c->pasting != CLIENT_PASTE_GATHERING)
		server_client_paste_notice(c);
	else if (c->cols >= SERVER_MIN_COLS && c->rows >= SERVER_MIN_ROWS)
		server_client_paste_done(c);
	server_client_paste_drop(c); /* do not keep megabytes around */
	c->pasting = CLIENT_PASTE_NONE;
	server_redraw_all();
}

static void
server_client_undo(struct client *c, int redo)
{
	size_t where;
	int rc;

	rc = doc_undo(c->view->doc, c, c->key, redo, &where);
	c->last_edit = 0;
	if (rc == -1)
		server_client_notice(
		    c, redo ? "nothing to redo" : "nothing to undo");
	else if (rc == 0)
		server_client_notice(c,
		    "nothing left to %s: others changed "
		    "that text",
		    redo ? "redo" : "undo");
	else {
		c->view->cursor = where;
		c->view->selecting = 0;
	}
}

static void
server_client_save(struct client *c)
{
	struct doc *d = c->view->doc;
	char *err = NULL;
	int rc, force, announce;
	size_t line;

	/* Where it changed, for those who catch up later (1-based). */
	line = (d->modified ? buffer_line_of(d->buf, d->changed) : 0) + 1;
	server->now = loop_now();
	force = c->save_confirm != 0 && server->now < c->save_confirm;
	c->save_confirm = 0;
	c->last_edit = 0;
	if ((rc = doc_save(d, force, &err)) != 0) {
		if (rc == -2)
			c->save_confirm = server->now + CLIENT_CONFIRM_MS;
		server_client_notice(c, "%s", err);
		free(err);
		return;
	}
	/*
	 * Saving is never refused for going fast (work must be savable);
	 * what it tells everyone is: over the person's rate of shared
	 * actions, only they hear of it, and `since` does not list it.
	 */
	announce = server_client_token(c) == 0;
	log_info("client %u: %s saved %s", c->id, c->name, d->path);
	decision_saved(d, c->key, announce, line);
	if (announce)
		server_notice("saved by %s", c->name);
	else
		server_client_notice(c, "saved %s", d->path);
}

static void
server_client_reload(struct client *c)
{
	struct doc *d = c->view->doc;
	char *err = NULL;

	c->last_edit = 0;
	if (doc_reload(d, c, &err) == -1) {
		server_client_notice(c, "%s", err);
		free(err);
		return;
	}
	log_info("client %u: %s reloaded %s", c->id, c->name, d->path);
	server_notice("%s reloaded by %s", d->path, c->name);
}

static void
server_client_open_picker(struct client *c)
{
	char **files, **terms;
	size_t n, nterms;

	files = repo_files(server->repo, &n);
	terms = server_term_names(&nterms);
	picker_open_terms(&c->picker, files, n, terms, nterms);
	overlay_open(c, &overlay_picker);
}

void
server_client_picker_key(struct client *c, const struct key_event *k)
{
	struct picker *p = &c->picker;
	const char *path;
	struct doc *d;
	char *err = NULL, utf8[4], *name;
	unsigned height = render_overlay_height(server, c);
	size_t len, shown = height > 1 ? height - 1 : 1;

	switch (k->code) {
	case KEYC_ESC:
		overlay_close(c);
		break;
	case KEYC_CTRL:
		if (k->cp == 'o' || k->cp == 'g' || k->cp == 'c')
			overlay_close(c);
		else
			server_client_hint(c);
		break;
	case KEYC_CHAR:
		if ((len = utf8_encode(k->cp, utf8)) > 0)
			picker_type(p, utf8, len);
		break;
	case KEYC_BACKSPACE:
		picker_backspace(p);
		break;
	case KEYC_UP:
		picker_move(p, -1);
		break;
	case KEYC_DOWN:
	case KEYC_TAB:
		picker_move(p, 1);
		break;
	case KEYC_PGUP:
		picker_move(p, -(int)shown);
		break;
	case KEYC_PGDN:
		picker_move(p, (int)shown);
		break;
	case KEYC_ENTER:
		/* A terminal: shown in the focused pane, as `term NAME`. */
		if ((path = picker_selected_term(p)) != NULL) {
			name = xstrdup(path);
			overlay_close(c);
			server_term_open(c, name);
			free(name);
			break;
		}
		if ((path = picker_selected(p)) == NULL)
			break;
		if ((d = doc_open(path, &err)) == NULL) {
			server_client_notice(c, "%s", err);
			free(err);
			break;
		}
		server_client_show(c, d);
		overlay_close(c);
		break;
	default:
		server_client_hint(c);
		break;
	}
	/* Keep the chosen entry on screen. */
	if (p->sel < p->top)
		p->top = p->sel;
	else if (p->sel >= p->top + shown)
		p->top = p->sel - shown + 1;
}

/* A movement key: with Shift it extends the selection. */
static int
server_client_move(struct client *c, const struct key_event *k)
{
	struct view *v = c->view;
	unsigned height = render_text_height(server, c);
	size_t page = height > 1 ? height - 1 : 1;

	switch (k->code) {
	case KEYC_LEFT:
	case KEYC_RIGHT:
	case KEYC_UP:
	case KEYC_DOWN:
	case KEYC_HOME:
	case KEYC_END:
	case KEYC_PGUP:
	case KEYC_PGDN:
		break;
	default:
		return 0;
	}
	if (k->mods & KEYC_MOD_SHIFT)
		view_select_start(v);
	else
		view_select_clear(v);
	c->last_edit = 0;
	switch (k->code) {
	case KEYC_LEFT:
		view_move_left(v);
		break;
	case KEYC_RIGHT:
		view_move_right(v);
		break;
	case KEYC_UP:
		view_move_up(v, 1);
		break;
	case KEYC_DOWN:
		view_move_down(v, 1);
		break;
	case KEYC_HOME:
		view_move_home(v);
		break;
	case KEYC_END:
		view_move_end(v);
		break;
	case KEYC_PGUP:
		view_move_up(v, page);
		v->top = v->top > page ? v->top - page : 0;
		break;
	case KEYC_PGDN:
		view_move_down(v, page);
		if (v->top + page < buffer_lines(v->doc->buf))
			v->top += page;
		break;
	}
	return 1;
}

static void
server_client_key_type(struct client *c, const struct key_event *k)
{
	char utf8[4];
	size_t len;

	switch (k->code) {
	case KEYC_CHAR:
		if ((len = utf8_encode(k->cp, utf8)) > 0)
			server_client_type(c, utf8, len);
		break;
	case KEYC_ENTER:
		server_client_type(c, "\n", 1);
		break;
	case KEYC_TAB:
		server_client_type(c, "\t", 1);
		break;
	}
}

static void
server_client_key_erase(struct client *c, const struct key_event *k)
{
	server_client_erase(c, k->code == KEYC_DELETE);
}

static void
server_client_key_esc(struct client *c, const struct key_event *k)
{
	view_select_clear(c->view);
}

static void
server_client_key_ctrl(struct client *c, const struct key_event *k)
{
	switch (k->cp) {
	case 's':
		server_client_save(c);
		break;
	case 'o':
		server_client_open_picker(c);
		break;
	case 'z':
	case 'y':
		server_client_undo(c, k->cp == 'y');
		break;
	case 'c':
	case 'x':
		server_client_copy(c, k->cp == 'x');
		break;
	case 'v':
		if (c->clipboard == NULL)
			server_client_notice(c, "the clipboard is empty");
		else
			server_client_put(c, c->clipboard, c->clipboard_len);
		break;
	case 'f':
		view_select_clear(c->view);
		prompt_find(c);
		break;
	case 'g':
		prompt_goto(c);
		break;
	case 'r':
		server_client_reload(c);
		break;
	case 'p':
		server_client_palette(c);
		break;
	case 't':
		server_client_ask(c, &overlay_chat);
		break;
	case 'd':
		decision_open(c);
		break;
	}
}

/*
 * The keys of the editing mode that do something other than move: one row
 * each, with what they need (checked by server_client_allowed before the
 * handler runs). A row with cp 0 matches any key of that code. CMD_EDIT
 * rows need an editor too; rows without CMD_EDITOR are for viewers also.
 */
static const struct server_client_key {
	int code;    /* KEYC_* */
	uint32_t cp; /* for KEYC_CTRL: the letter */
	int flags;   /* CMD_* */
	void (*fn)(struct client *, const struct key_event *);
} server_client_keys[] = {
    {KEYC_CHAR, 0, CMD_EDIT, server_client_key_type},
    {KEYC_ENTER, 0, CMD_EDIT, server_client_key_type},
    {KEYC_TAB, 0, CMD_EDIT, server_client_key_type},
    {KEYC_BACKSPACE, 0, CMD_EDIT, server_client_key_erase},
    {KEYC_DELETE, 0, CMD_EDIT, server_client_key_erase},
    {KEYC_ESC, 0, 0, server_client_key_esc},
    {KEYC_CTRL, 's', CMD_JOURNAL | CMD_EDITOR, server_client_key_ctrl},
    {KEYC_CTRL, 'o', 0, server_client_key_ctrl},
    {KEYC_CTRL, 'z', CMD_EDIT, server_client_key_ctrl},
    {KEYC_CTRL, 'y', CMD_EDIT, server_client_key_ctrl},
    {KEYC_CTRL, 'c', 0, server_client_key_ctrl},
    {KEYC_CTRL, 'x', CMD_EDIT, server_client_key_ctrl},
    {KEYC_CTRL, 'v', CMD_EDIT, server_client_key_ctrl},
    {KEYC_CTRL, 'f', 0, server_client_key_ctrl},
    {KEYC_CTRL, 'g', 0, server_client_key_ctrl},
    {KEYC_CTRL, 'r', CMD_EDIT | CMD_JOURNAL | CMD_BROADCAST,
        server_client_key_ctrl},
    {KEYC_CTRL, 'p', 0, server_client_key_ctrl},
    {KEYC_CTRL, 't', 0, server_client_key_ctrl},
    {KEYC_CTRL, 'd', 0, server_client_key_ctrl},
};

/* Keys that do not move or change anything leave following alone. */
static int
server_client_keeps_follow(const struct key_event *k)
{
	if (k->code != KEYC_CTRL)
		return k->code == KEYC_ESC;
	return k->cp == 'p' || k->cp == 't' || k->cp == 'c' || k->cp == 's';
}

static void
server_client_edit_key(struct client *c, const struct key_event *k)
{
	int literal;

	/* The prefix (Ctrl-B), then a pane key; the prefix twice is the
	 * key itself. */
	if (c->prefixed) {
		if (server_pane_key(c, k, &literal))
			return;
	} else if (k->code == KEYC_CTRL && k->cp == c->prefix) {
		c->prefixed = 1;
		c->dirty = 1;
		return;
	}
	/* The focused pane's mode takes every other key (a terminal's, all
	 * of them; Ctrl-Q leaves first). */
	c->pane->mode->key(c, c->pane, k);
}

/* The keys of a document pane: moving, the key table, else a hint. */
void
server_client_doc_key(
    struct client *c, struct pane *p, const struct key_event *k)
{
	const struct server_client_key *row;
	size_t i;

	if (c->following != NULL && !server_client_keeps_follow(k)) {
		server_client_notice(
		    c, "stopped following %s", c->following->name);
		c->following = NULL;
	}
	if (server_client_move(c, k))
		return;
	for (i = 0; i < sizeof server_client_keys / sizeof *row; i++) {
		row = &server_client_keys[i];
		if (row->code != k->code || (row->cp != 0 && row->cp != k->cp))
			continue;
		if (server_client_allowed(c, row->flags))
			row->fn(c, k);
		return;
	}
	server_client_hint(c);
}

void
server_client_key(struct client *c, const struct key_event *k)
{
	if (k->code == KEYC_CTRL && k->cp == 'q' &&
	    c->overlay == &overlay_name) {
		log_info("client %u: left before giving a name", c->id);
		server_client_bye(c, "");
		return;
	}
	if (k->code == KEYC_CTRL && k->cp == 'q') {
		log_info("client %u: %s left", c->id, c->name);
		server_client_bye(c, "");
		server_notice("%s left", c->name);
		return;
	}
	/* Too small to see what one does: only leaving works. */
	if (c->cols < SERVER_MIN_COLS || c->rows < SERVER_MIN_ROWS)
		return;
	server_pane_layout(c);
	/* The overlay's, else the panes'. */
	if (k->code == KEYC_MOUSE)
		server_mouse_key(c, k);
	else if (c->overlay != NULL)
		c->overlay->key(c, k);
	else
		server_client_edit_key(c, k);
	server_redraw_all();
}

static void
server_client_message(struct client *c, struct proto_msg *m)
{
	struct key_event k;

	/* Before entering, only HELLO and BYE; someone typing their name
	 * (overlay_name) also sends keys and resizes, and acknowledges. */
	if (!c->ready && m->type != PROTO_HELLO && m->type != PROTO_BYE &&
	    (c->overlay != &overlay_name ||
	        (m->type != PROTO_KEY && m->type != PROTO_PASTE &&
	            m->type != PROTO_RESIZE && m->type != PROTO_ACK))) {
		server_client_bye(c, "protocol error: HELLO expected");
		return;
	}
	if (c->closing && m->type != PROTO_ACK)
		return; /* leaving: nothing more to do for them */
	/* Someone types (not into a terminal): terminals flooding output
	 * yield to them. */
	if ((m->type == PROTO_KEY || m->type == PROTO_PASTE) &&
	    (c->overlay != NULL || c->pane == NULL || c->pane->term == NULL))
		term_interactive();
	switch (m->type) {
	case PROTO_HELLO:
		server_client_hello(c, &m->u.hello);
		break;
	case PROTO_KEY:
		k.code = m->u.key.code;
		k.mods = m->u.key.mods;
		k.cp = m->u.key.cp;
		k.mouse = m->u.key.mouse;
		k.button = m->u.key.button;
		k.x = m->u.key.x;
		k.y = m->u.key.y;
		if (k.code == KEYC_PASTE_START) {
			server_client_paste_drop(c);
			c->pasting = CLIENT_PASTE_GATHERING;
		} else if (k.code != KEYC_PASTE_END)
			server_client_key(c, &k);
		break;
	case PROTO_PASTE:
		server_client_paste(c, &m->u.paste);
		break;
	case PROTO_RESIZE:
		c->cols = m->u.resize.cols;
		c->rows = m->u.resize.rows;
		c->gen = m->u.resize.gen;
		frame_free(c->sent); /* the frontend starts from blanks */
		c->sent = NULL;
		c->dirty = 1;
		break;
	case PROTO_ACK:
		c->acked = m->u.ack;
		if (c->stalled && c->acked == c->seq) {
			c->stalled = 0;
			log_info("client %u (%s): caught up", c->id, c->name);
		}
		break;
	case PROTO_BYE:
		server_client_closing(c);
		break;
	default:
		server_client_bye(c, "protocol error: unexpected message");
		break;
	}
}

void
server_client_read(struct client *c)
{
	struct proto_msg m;
	const char *err;
	uint8_t *p;
	ssize_t n;
	size_t used;
	int rc;

	p = bytes_reserve(&c->in, 65536);
	n = read(c->fd, p, 65536);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		server_client_lost(c);
		return;
	}
	bytes_commit(&c->in, n);

	for (;;) {
		rc = proto_get(
		    bytes_ptr(&c->in), bytes_len(&c->in), &m, &used, &err);
		if (rc == 0)
			break;
		if (rc == -1) {
			log_warn("client %u: bad message: %s", c->id, err);
			server_client_lost(c);
			return;
		}
		bytes_drain(&c->in, used);
		server_client_message(c, &m);
		proto_msg_free(&m);
	}
	if (bytes_len(&c->in) > CLIENT_READ_MAX) {
		log_warn("client %u: too much unread input", c->id);
		server_client_lost(c);
	}
}
