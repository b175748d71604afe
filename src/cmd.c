/* cmd.c: the palette's commands, one table row each: name, help, handler.
 * `help` lists them from the same table, so it cannot go out of date. */
#include "moot.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buffer.h"
#include "frontend.h"
#include "highlight.h"
#include "record.h"
#include "repo.h"
#include "server.h"
#include "why.h"

static void cmd_decide(struct client *, const char *);
static void cmd_question(struct client *, const char *);
static void cmd_link(struct client *, const char *);
static void cmd_accept(struct client *, const char *);
static void cmd_reject(struct client *, const char *);
static void cmd_supersede(struct client *, const char *);
static void cmd_draft(struct client *, const char *);
static void cmd_commit(struct client *, const char *);
static void cmd_why(struct client *, const char *);
static void cmd_decisions(struct client *, const char *);
static void cmd_follow(struct client *, const char *);
static void cmd_who(struct client *, const char *);
static void cmd_since(struct client *, const char *);
static void cmd_chat(struct client *, const char *);
static void cmd_help(struct client *, const char *);
static void cmd_role(struct client *, const char *);
static void cmd_kick(struct client *, const char *);
static void cmd_invite(struct client *, const char *);
static void cmd_invites(struct client *, const char *);
static void cmd_revoke(struct client *, const char *);
static void cmd_syntax(struct client *, const char *);
static void cmd_split(struct client *, const char *);
static void cmd_vsplit(struct client *, const char *);
static void cmd_close(struct client *, const char *);
static void cmd_zoom(struct client *, const char *);
static void cmd_prefix(struct client *, const char *);
static void cmd_mouse(struct client *, const char *);
static void cmd_term(struct client *, const char *);
static void cmd_share(struct client *, const char *);
static void cmd_unshare(struct client *, const char *);

const struct cmd_entry cmd_table[] = {
    {"decide", "[TITLE]", "draft a decision record from this discussion",
        CMD_EDITOR | CMD_JOURNAL | CMD_BROADCAST, cmd_decide},
    {"question", "TEXT", "add an open question (to the draft, or the list)",
        CMD_JOURNAL | CMD_BROADCAST, cmd_question},
    {"link", "", "add my selection to the draft as a code range",
        CMD_EDITOR | CMD_JOURNAL, cmd_link},
    {"accept", "", "accept the draft and commit it",
        CMD_EDITOR | CMD_JOURNAL | CMD_BROADCAST | CMD_COMMIT, cmd_accept},
    {"reject", "", "reject the draft and commit it",
        CMD_EDITOR | CMD_JOURNAL | CMD_BROADCAST | CMD_COMMIT, cmd_reject},
    {"supersede", "N", "draft a decision that supersedes record N",
        CMD_EDITOR | CMD_JOURNAL | CMD_BROADCAST, cmd_supersede},
    {"draft", "", "open the newest draft (also Ctrl-D)", 0, cmd_draft},
    {"commit", "", "commit the files saved since the last commit",
        CMD_EDITOR | CMD_JOURNAL | CMD_BROADCAST | CMD_COMMIT, cmd_commit},
    {"why", "", "the decisions behind the cursor's line", 0, cmd_why},
    {"decisions", "", "list the decision records", 0, cmd_decisions},
    {"follow", "NAME", "my view follows NAME's (any move stops)", 0,
        cmd_follow},
    {"who", "", "who is here, where, and who follows whom", 0, cmd_who},
    {"since", "", "what happened since my last visit", 0, cmd_since},
    {"chat", "", "the whole chat history", 0, cmd_chat},
    {"invite", "[ROLE] [for T]", "let someone join (also: uses N; see moot(1))",
        CMD_EDITOR | CMD_JOURNAL, cmd_invite},
    {"invites", "", "the live invitations", CMD_EDITOR, cmd_invites},
    {"revoke", "ID", "end an invitation (its maker or a host)",
        CMD_EDITOR | CMD_JOURNAL, cmd_revoke},
    {"help", "", "keys and commands", 0, cmd_help},
    {"syntax", "on|off", "syntax colours on my screen", 0, cmd_syntax},
    {"mouse", "on|off", "the mouse (off: the terminal's own selection)", 0,
        cmd_mouse},
    {"role", "NAME ROLE", "make NAME a viewer or an editor (hosts)",
        CMD_HOST | CMD_JOURNAL | CMD_BROADCAST, cmd_role},
    {"kick", "NAME", "remove NAME from the session (hosts)",
        CMD_HOST | CMD_JOURNAL | CMD_BROADCAST, cmd_kick},
    {"split", "", "split my pane: a new one below (prefix \")", 0, cmd_split},
    {"vsplit", "", "split my pane: a new one beside (prefix %)", 0, cmd_vsplit},
    {"close", "", "close my pane (prefix x)", 0, cmd_close},
    {"zoom", "", "my pane alone on the screen, and back (prefix z)", 0,
        cmd_zoom},
    {"prefix", "C-X", "my pane prefix key (Ctrl-B as in tmux)", 0, cmd_prefix},
    {"term", "[NAME]", "a shared terminal in my pane (hosts start one)", 0,
        cmd_term},
    {"share", "NAME|all", "editors may type in terminal NAME (hosts)",
        CMD_HOST | CMD_BROADCAST, cmd_share},
    {"unshare", "NAME|all", "only hosts type in terminal NAME (hosts)",
        CMD_HOST | CMD_BROADCAST, cmd_unshare},
};
const size_t cmd_count = sizeof cmd_table / sizeof cmd_table[0];

/* Run one command, if what it needs is allowed to c just now. */
void
cmd_exec(struct client *c, const struct cmd_entry *cmd, const char *arg)
{
	if (server_client_allowed_cmd(c, cmd->flags, cmd->name))
		cmd->handler(c, arg);
}

/* Run "NAME ARG" typed in full (the palette, or tests). */
void
cmd_run(struct client *c, const char *line)
{
	const char *arg;
	size_t n, i;

	while (*line == ' ')
		line++;
	n = strcspn(line, " ");
	for (arg = line + n; *arg == ' '; arg++)
		;
	for (i = 0; i < cmd_count; i++) {
		if (strlen(cmd_table[i].name) == n &&
		    strncmp(cmd_table[i].name, line, n) == 0) {
			cmd_exec(c, &cmd_table[i], arg);
			return;
		}
	}
	server_client_notice(c, "no such command: %.*s", (int)n, line);
}

static void
cmd_decide(struct client *c, const char *arg)
{
	decision_start(c, arg, 0);
}

static void
cmd_question(struct client *c, const char *arg)
{
	decision_question(c, arg);
}

static void
cmd_link(struct client *c, const char *arg)
{
	decision_link(c);
}

static void
cmd_accept(struct client *c, const char *arg)
{
	decision_finish(c, 1);
}

static void
cmd_reject(struct client *c, const char *arg)
{
	decision_finish(c, 0);
}

static void
cmd_supersede(struct client *c, const char *arg)
{
	char *end;
	unsigned long n;

	while (*arg == ' ')
		arg++;
	if (strncasecmp(arg, "ADR-", 4) == 0)
		arg += 4;
	n = strtoul(arg, &end, 10);
	if (!isdigit((unsigned char)*arg) || n == 0 || n > 99999 ||
	    (*end != '\0' && *end != ' ')) {
		server_client_notice(c, "usage: supersede N (a record number)");
		return;
	}
	decision_start(c, end, (unsigned)n);
}

static void
cmd_draft(struct client *c, const char *arg)
{
	decision_open(c);
}

static void
cmd_commit(struct client *c, const char *arg)
{
	while (*arg == ' ')
		arg++;
	if (*arg != '\0')
		decision_commit(c, arg);
	else
		decision_commit_ask(c);
}

/* The decisions behind the cursor's line: looked up off the loop, shown
 * when the answer comes (lookup.c). */
static void
cmd_why(struct client *c, const char *arg)
{
	lookup_why(c);
}

static void
cmd_decisions(struct client *c, const char *arg)
{
	struct why_record *recs;
	struct draft *dr;
	size_t n, i;
	char *err = NULL;

	if (why_records(server->repo, &recs, &n, &err) == -1) {
		server_client_notice(c, "decisions: %s", err);
		free(err);
		return;
	}
	popup_open(&c->popup, "Decisions");
	for (i = 0; i < n; i++) {
		popup_add(&c->popup, "%04u  %s  %s  %s", recs[i].number,
		    record_state_name(recs[i].rec.state),
		    recs[i].rec.date != NULL ? recs[i].rec.date : "-",
		    recs[i].rec.title != NULL ? recs[i].rec.title : "");
	}
	if (n == 0)
		popup_add(&c->popup, "No decision records yet: decide starts "
		                     "one.");
	TAILQ_FOREACH (dr, &server->drafts, entry)
		popup_add(&c->popup, "(draft in progress: ADR-%04u %s)",
		    dr->number, dr->title);
	why_records_free(recs, n);
	server_client_popup(c);
}

static void
cmd_follow(struct client *c, const char *arg)
{
	struct client *o, *found = NULL;
	size_t n;

	while (*arg == ' ')
		arg++;
	if (*arg == '\0') {
		if (c->following != NULL)
			server_client_notice(
			    c, "stopped following %s", c->following->name);
		else
			server_client_notice(c, "usage: follow NAME");
		c->following = NULL;
		return;
	}
	n = strlen(arg);
	TAILQ_FOREACH (o, &server->clients, entry) {
		if (o == c || !o->ready || o->closing)
			continue;
		if (strncasecmp(o->name, arg, n) == 0) {
			found = o;
			break;
		}
	}
	if (found == NULL) {
		server_client_notice(c, "nobody here is called %s", arg);
		return;
	}
	/* No circles: following someone who follows me ends theirs. */
	if (found->following == c) {
		found->following = NULL;
		server_client_notice(found,
		    "stopped following %s: they "
		    "follow you now",
		    c->name);
	}
	c->following = found;
	c->view->selecting = 0;
	server_client_notice(c, "following %s (any move stops)", found->name);
}

static void
cmd_who(struct client *c, const char *arg)
{
	struct client *o;
	char *where;

	popup_open(&c->popup, "Who is here");
	TAILQ_FOREACH (o, &server->clients, entry) {
		if (!o->ready || o->closing)
			continue;
		/* Their focused pane: a terminal, or a document's line. */
		if (o->pane != NULL && o->pane->term_name != NULL)
			xasprintf(&where, "term %s", o->pane->term_name);
		else
			xasprintf(&where, "%s:%zu",
			    *o->view->doc->path != '\0' ? o->view->doc->path
			                                : "-",
			    view_line(o->view) + 1);
		popup_add(&c->popup, "%s  %s  %s%s%s", o->name,
		    role_name(o->role), where,
		    o->following != NULL ? "  following " : "",
		    o->following != NULL ? o->following->name : "");
		free(where);
	}
	server_client_popup(c);
}

static void
cmd_since(struct client *c, const char *arg)
{
	chat_since(c, 0);
}

static void
cmd_chat(struct client *c, const char *arg)
{
	chat_history(c);
}

static void
cmd_help(struct client *c, const char *arg)
{
	static const char *keys[] = {
	    "Arrows, Home/End, PgUp/PgDn  move (with Shift: select)",
	    "Ctrl-S  save            Ctrl-Q  leave (the session goes on)",
	    "Ctrl-Z  undo my change  Ctrl-Y  redo",
	    "Ctrl-C  copy  Ctrl-X  cut  Ctrl-V  paste (my own clipboard)",
	    "Ctrl-F  find            Ctrl-G  go to line",
	    "Ctrl-O  open a file     Ctrl-R  reload from disk",
	    "Ctrl-T  say something   Ctrl-D  open the newest draft",
	    "Ctrl-P  commands        Esc     cancel",
	    "Ctrl-B then (panes, as in tmux): % split beside, \" split below,",
	    "  arrows or o focus, x close, z zoom, Ctrl-arrows resize",
	};
	char *usage;
	size_t i;

	popup_open(&c->popup, "Help");
	popup_add(&c->popup, "%cKeys", POPUP_BOLD);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		popup_add(&c->popup, "  %s", keys[i]);
	popup_add(&c->popup, "%cCommands (Ctrl-P)", POPUP_BOLD);
	/* "name args" in one column, so the help lines up with or without
	 * arguments. */
	for (i = 0; i < cmd_count; i++) {
		xasprintf(&usage, "%s%s%s", cmd_table[i].name,
		    *cmd_table[i].args != '\0' ? " " : "", cmd_table[i].args);
		popup_add(&c->popup, "  %-21s %s", usage, cmd_table[i].help);
		free(usage);
	}
	server_client_popup(c);
}

/*
 * The person someone means by name (for role and kick): among the people
 * here, the one whose name reads the same (case and spacing aside), else
 * the one whose name starts with it. Every connection of one key is one
 * person. NULL, after telling c, when nobody or more than one person fits.
 */
static struct client *
cmd_person(struct client *c, const char *name)
{
	struct client *o, *exact = NULL, *prefix = NULL;
	int nexact = 0, nprefix = 0;
	size_t n = strlen(name);

	TAILQ_FOREACH (o, &server->clients, entry) {
		if (!o->ready || o->closing)
			continue;
		if (auth_same_name(o->name, name)) {
			if (exact == NULL || strcmp(exact->key, o->key) != 0)
				nexact++;
			if (exact == NULL)
				exact = o;
		} else if (strncasecmp(o->name, name, n) == 0) {
			if (prefix == NULL || strcmp(prefix->key, o->key) != 0)
				nprefix++;
			if (prefix == NULL)
				prefix = o;
		}
	}
	if (nexact == 1)
		return exact;
	if (nexact == 0 && nprefix == 1)
		return prefix;
	if (nexact + nprefix == 0)
		server_client_notice(c, "nobody here is called %s", name);
	else
		server_client_notice(c,
		    "more than one person here is called %s: give the whole "
		    "name as shown in who",
		    name);
	return NULL;
}

/* Copy arg without the spaces around it. */
static char *
cmd_trim(const char *arg)
{
	size_t n;

	while (*arg == ' ')
		arg++;
	n = strlen(arg);
	while (n > 0 && arg[n - 1] == ' ')
		n--;
	return xstrndup(arg, n);
}

/* "a viewer", "an editor", "a host". */
static const char *
cmd_a_role(enum role role)
{
	return role == ROLE_EDITOR   ? "an editor"
	       : role == ROLE_VIEWER ? "a viewer"
	                             : "a host";
}

/*
 * `role NAME viewer|editor` (hosts): every connection of that person's
 * key changes at once, and the session remembers it by key (a member,
 * journaled), keeping the name and invitation it knew them by. A host's
 * role comes from the key files and is not changed here.
 */
static void
cmd_role(struct client *c, const char *arg)
{
	struct client *o, *p;
	struct member *m;
	char *name, *word, *key = NULL;
	enum role role;

	name = cmd_trim(arg);
	if ((word = strrchr(name, ' ')) == NULL ||
	    role_parse(word + 1, &role) != 0) {
		server_client_notice(c, "usage: role NAME viewer|editor");
		goto out;
	}
	if (role == ROLE_HOST) {
		server_client_notice(c,
		    "hosts come from the key files: give their line the "
		    "option host");
		goto out;
	}
	while (word > name && word[-1] == ' ')
		word--;
	*word = '\0';
	if ((o = cmd_person(c, name)) == NULL)
		goto out;
	if (strcmp(o->key, c->key) == 0) {
		server_client_notice(c, "you cannot change your own role");
		goto out;
	}
	if (o->role == ROLE_HOST) {
		server_client_notice(c,
		    "%s is a host: a host's role comes from the key files",
		    o->name);
		goto out;
	}
	if (o->role == role) {
		server_client_notice(
		    c, "%s is already %s", o->name, cmd_a_role(role));
		goto out;
	}
	m = member_find(o->key);
	member_set(
	    o->key, role, m != NULL ? m->name : "", m != NULL ? m->invite : 0);
	log_info("client %u: %s made %s (key %s) %s", c->id, c->name, o->name,
	    o->key, cmd_a_role(role));
	/* Everyone hears it; the person themselves in their own words. */
	server_notice("%s made %s %s", c->name, o->name, cmd_a_role(role));
	key = xstrdup(o->key);
	TAILQ_FOREACH (p, &server->clients, entry) {
		if (!p->ready || strcmp(p->key, key) != 0)
			continue;
		p->role = role;
		server_client_notice(
		    p, "%s made you %s", c->name, cmd_a_role(role));
	}
out:
	free(key);
	free(name);
}

/*
 * `kick NAME` (hosts): every connection of that person ends, with a line
 * on their terminal saying who removed them. Someone who came by an
 * invitation is forgotten and must be invited again; a line of the key
 * files still lets its key in (remove the line to keep them out).
 */
static void
cmd_kick(struct client *c, const char *arg)
{
	struct client *o, *p;
	struct member *m;
	char *name, *key = NULL, *who = NULL, *why;

	name = cmd_trim(arg);
	if (*name == '\0') {
		server_client_notice(c, "usage: kick NAME");
		goto out;
	}
	if ((o = cmd_person(c, name)) == NULL)
		goto out;
	if (strcmp(o->key, c->key) == 0) {
		server_client_notice(
		    c, "you cannot kick yourself: Ctrl-Q leaves");
		goto out;
	}
	if (o->role == ROLE_HOST) {
		server_client_notice(
		    c, "%s is a host: hosts cannot be kicked", o->name);
		goto out;
	}
	key = xstrdup(o->key);
	who = xstrdup(o->name);
	if ((m = member_find(key)) != NULL && m->invite != 0)
		member_forget(m);
	xasprintf(&why, "moot: %s removed you from the session", c->name);
	TAILQ_FOREACH (p, &server->clients, entry) {
		if (p->ready && !p->closing && strcmp(p->key, key) == 0)
			server_client_bye(p, why);
	}
	free(why);
	log_info("client %u: %s removed %s (key %s) from the session", c->id,
	    c->name, who, key);
	server_notice("%s removed %s from the session", c->name, who);
out:
	free(who);
	free(key);
	free(name);
}

/*
 * invite [viewer|editor] [for DURATION] [uses N]: a viewer by default (the
 * smaller role is the safe one to hand out by mistake). Hosts may invite
 * editors; editors only viewers. The token is shown once, in this pop-up,
 * and kept only as a hash.
 */
static void
cmd_invite(struct client *c, const char *arg)
{
	struct invite_request req;
	struct invite *inv;
	char token[INVITE_TOKEN_LEN + 1], *err, *line, *summary;
	int64_t now = server_wallclock();

	if (invite_parse(arg, &req, &err) != 0) {
		server_client_notice(c, "invite: %s", err);
		free(err);
		return;
	}
	if (req.role == ROLE_EDITOR &&
	    !server_client_allowed_cmd(c, CMD_HOST, "invite editors"))
		return;
	if ((inv = invite_create(&server->invites, &req, c->key, c->name, now,
	         token, &err)) == NULL) {
		server_client_notice(c, "invite: %s", err);
		free(err);
		return;
	}
	line = invite_join_line(token, server->listen);
	summary = invite_summary(inv, now);
	log_info("client %u: %s made %s", c->id, c->name, summary);
	popup_open(&c->popup, "Invitation");
	popup_add(&c->popup,
	    "%cHand this line to the person you invite:", POPUP_BOLD);
	popup_add(&c->popup, "  %s", line);
	popup_add(&c->popup, "%s.", summary);
	popup_add(&c->popup,
	    "It is shown only now. `invites` lists the live "
	    "ones, `revoke %lld` ends this one.",
	    (long long)inv->id);
	server_client_popup(c);
	explicit_bzero(token, sizeof token);
	explicit_bzero(line, strlen(line));
	free(line);
	free(summary);
}

/* invites: every live one (expired ones go first). */
static void
cmd_invites(struct client *c, const char *arg)
{
	struct invite *inv;
	int64_t now = server_wallclock();
	char left[32];

	invite_expire(&server->invites, now);
	popup_open(&c->popup, "Invitations");
	if (TAILQ_EMPTY(&server->invites.list)) {
		popup_add(&c->popup, "No live invitation. `invite` makes one.");
		server_client_popup(c);
		return;
	}
	popup_add(&c->popup, "%c%-5s %-7s %-5s %-12s %s", POPUP_BOLD, "ID",
	    "ROLE", "USES", "EXPIRES IN", "MADE BY");
	TAILQ_FOREACH (inv, &server->invites.list, entry) {
		invite_left(now, inv->expires, left, sizeof left);
		popup_add(&c->popup, "%-5lld %-7s %-5u %-12s %s",
		    (long long)inv->id, role_name(inv->role), inv->uses, left,
		    inv->name);
	}
	server_client_popup(c);
}

/* revoke ID: by who made it, or a host. */
static void
cmd_revoke(struct client *c, const char *arg)
{
	struct invite *inv;
	unsigned long long id;
	char *end;

	errno = 0;
	id = strtoull(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0) {
		server_client_notice(c, "usage: revoke ID (see invites)");
		return;
	}
	invite_expire(&server->invites, server_wallclock());
	if ((inv = invite_by_id(&server->invites, (int64_t)id)) == NULL) {
		server_client_notice(c, "no live invitation %llu", id);
		return;
	}
	if (strcmp(inv->author, c->key) != 0 &&
	    !server_client_allowed_cmd(
	        c, CMD_HOST, "revoke on others' invitations"))
		return;
	log_info("client %u: %s revoked invitation %llu", c->id, c->name, id);
	invite_revoke(&server->invites, inv);
	server_client_notice(c, "invitation %llu revoked", id);
}

/*
 * The mouse on this person's terminal (viewers too): off, their frontend
 * stops asking for mouse reports, so the terminal's own selection works.
 * Kept for their key until the session ends.
 */
static void
cmd_mouse(struct client *c, const char *arg)
{
	char *what = cmd_trim(arg);
	struct person *p;

	if (strcmp(what, "on") == 0)
		c->mouse_off = 0;
	else if (strcmp(what, "off") == 0)
		c->mouse_off = 1;
	else if (*what == '\0')
		c->mouse_off = !c->mouse_off;
	else {
		free(what);
		server_client_notice(c, "usage: mouse on|off");
		return;
	}
	free(what);
	if (c->key != NULL && (p = server_person_find(c->key)) != NULL)
		p->mouse_off = c->mouse_off;
	if (c->mouse_off)
		server_client_notice(
		    c, "mouse off: the terminal selects text as it would");
	else
		server_client_notice(c, "mouse on");
}

/* Syntax colours on this person's screen only (viewers too). */
static void
cmd_syntax(struct client *c, const char *arg)
{
	char *what = cmd_trim(arg);

	if (strcmp(what, "on") == 0)
		c->syntax_off = 0;
	else if (strcmp(what, "off") == 0)
		c->syntax_off = 1;
	else if (*what == '\0')
		c->syntax_off = !c->syntax_off;
	else {
		free(what);
		server_client_notice(c, "usage: syntax on|off");
		return;
	}
	free(what);
	if (c->syntax_off)
		server_client_notice(c, "syntax colours off");
	else if (server->syntaxes == NULL)
		server_client_notice(
		    c, "syntax colours are off for the session");
	else if (c->view->doc->highlight == NULL)
		server_client_notice(
		    c, "syntax colours on (none for this file)");
	else
		server_client_notice(c, "syntax colours on (%s)",
		    syntax_name(highlight_syntax(c->view->doc->highlight)));
}

static void
cmd_split(struct client *c, const char *arg)
{
	server_pane_split(c, SPLIT_TOPBOTTOM);
}

static void
cmd_vsplit(struct client *c, const char *arg)
{
	server_pane_split(c, SPLIT_LEFTRIGHT);
}

static void
cmd_close(struct client *c, const char *arg)
{
	server_pane_close(c);
}

static void
cmd_zoom(struct client *c, const char *arg)
{
	server_pane_zoom(c);
}

/* `prefix C-a`: a Ctrl letter (not one the editor uses), remembered by
 * key. */
static void
cmd_prefix(struct client *c, const char *arg)
{
	char letter;

	while (*arg == ' ')
		arg++;
	if ((arg[0] != 'C' && arg[0] != 'c') || arg[1] != '-' || arg[2] < 'a' ||
	    arg[2] > 'z' || arg[3] != '\0') {
		server_client_notice(c, "usage: prefix C-X (a Ctrl letter)");
		return;
	}
	letter = arg[2];
	if (strchr(SERVER_EDITOR_CTRL_KEYS, letter) != NULL) {
		server_client_notice(c,
		    "Ctrl-%c is an editor key; choose another",
		    letter - 'a' + 'A');
		return;
	}
	server_pane_prefix(c, letter);
	server_client_notice(c, "your prefix is Ctrl-%c", letter - 'a' + 'A');
}

static void
cmd_term(struct client *c, const char *arg)
{
	server_term_open(c, arg);
}

static void
cmd_share(struct client *c, const char *arg)
{
	server_term_share(c, arg, 1);
}

static void
cmd_unshare(struct client *c, const char *arg)
{
	server_term_share(c, arg, 0);
}
