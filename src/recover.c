/* recover.c: bringing a session back from its journal after a crash.
 * Every op is replayed through doc_apply, exactly as it was first made. */
#include "moot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "file.h"
#include "inert.h"
#include "journal.h"
#include "repo.h"
#include "server.h"
#include "undo.h"

struct recover {
	struct doc *doc; /* the document being replayed (NULL: skipped) */
	size_t docs;
	size_t ops;
	size_t problems;
};

/* Tell the host on standard output: "Journal: " what (it can hold paths
 * people chose, so made inert) and more. */
static void
recover_say(const char *what, const char *more)
{
	char *safe = inert_cli(what);

	printf("Journal: %s%s\n", safe, more);
	free(safe);
}

static void
recover_problem(void *arg, const char *message)
{
	struct recover *r = arg;

	r->problems++;
	log_warn("journal: %s", message);
	recover_say(message, "");
}

static void
recover_doc(void *arg, const char *path, const char *base, size_t len)
{
	struct recover *r = arg;
	char *why;

	r->doc = NULL;
	if (doc_find(path) != NULL || *path == '\0') {
		xasprintf(&why, "%s: listed twice; skipped", path);
		recover_problem(r, why);
		free(why);
		return;
	}
	if ((r->doc = doc_restore(path, base, len)) == NULL) {
		xasprintf(&why, "%s: outside the repository; skipped", path);
		recover_problem(r, why);
		free(why);
		return;
	}
	r->docs++;
}

static void
recover_undo(void *arg, const char *path, const char *author, const void *data,
    size_t len)
{
	struct recover *r = arg;
	struct undo *u;
	char *why;

	if (r->doc == NULL || strcmp(r->doc->path, path) != 0)
		return;
	if ((u = undo_load(data, len, buffer_length(r->doc->buf))) == NULL) {
		xasprintf(&why,
		    "%s: an undo history could not be read; "
		    "it starts empty",
		    path);
		recover_problem(r, why);
		free(why);
		return;
	}
	doc_attach_history(r->doc, author, u);
}

/* Check an edit against the text it was made on before applying it. */
static int
recover_op(void *arg, const struct journal_rec *rec)
{
	struct recover *r = arg;
	struct doc *d = r->doc;
	struct op op;
	size_t len, where;
	char *have;
	int same;

	if (d == NULL || strcmp(d->path, rec->path) != 0)
		return -1;
	if (rec->kind == JOURNAL_UNDO || rec->kind == JOURNAL_REDO) {
		doc_undo(
		    d, NULL, rec->author, rec->kind == JOURNAL_REDO, &where);
		r->ops++;
		return 0;
	}
	len = buffer_length(d->buf);
	if (rec->pos > len || rec->del_len > len - rec->pos)
		return -1;
	if (rec->del_len > 0) {
		have = xmalloc(rec->del_len);
		buffer_copy(d->buf, rec->pos, rec->del_len, have);
		same = memcmp(have, rec->del, rec->del_len) == 0;
		free(have);
		if (!same)
			return -1;
	}
	memset(&op, 0, sizeof op);
	op.doc = d;
	op.key = rec->author;
	op.pos = rec->pos;
	op.del = rec->del;
	op.del_len = rec->del_len;
	op.ins = rec->ins;
	op.ins_len = rec->ins_len;
	op.kind = UNDO_EDIT;
	op.boundary = rec->boundary;
	doc_apply(&op);
	r->ops++;
	return 0;
}

static void
recover_cursor(void *arg, const char *author, const char *path, uint64_t pos)
{
	server_place_set(author, path, pos);
}

static void
recover_person(
    void *arg, const char *author, const char *name, const char *email)
{
	server_person_set(author, name, email);
}

static void
recover_chat(void *arg, int64_t seq, int64_t time, const char *author,
    const char *name, const char *text)
{
	chat_add(seq, time, author, name, text);
}

static void
recover_event(void *arg, int64_t time, int kind, const char *author,
    const char *text, const char *place)
{
	chat_event_add(time, kind, author, text, place);
}

static void
recover_visit(void *arg, const char *author, int64_t time)
{
	struct person *p;

	if ((p = server_person_find(author)) == NULL) {
		server_person_set(author, author, "");
		p = server_person_find(author);
	}
	if (p != NULL)
		p->visit = time;
}

static void
recover_member(void *arg, const struct journal_member *m)
{
	member_replay(m->author, m->role, m->name, m->invite, m->time);
	invite_seen_id(&server->invites, m->invite);
}

static void
recover_invite(void *arg, const struct journal_invite *inv)
{
	invite_replay(&server->invites, inv);
}

static void
recover_question(
    void *arg, int64_t id, int64_t time, const char *author, const char *text)
{
	chat_question_add(id, time, author, text);
}

static void
recover_draft(void *arg, const struct journal_draft *jd)
{
	decision_restore(jd);
}

static void
recover_editor(void *arg, const char *path, const char *author)
{
	decision_editor_add(&server->editors, path, author);
}

static void
recover_saved(void *arg, const char *path)
{
	decision_editor_add(&server->saved, path, "");
}

static void
recover_set(void *arg, const char *key, const char *value)
{
	if (strcmp(key, "here") == 0)
		presence_restore(value);
	else if (strncmp(key, "panes:", 6) == 0 ||
	         strncmp(key, "prefix:", 7) == 0)
		server_pane_recover(key, value);
	else if (strcmp(key, "chat_decided") == 0)
		server->chat_decided = strtoll(value, NULL, 10);
	else if (strcmp(key, "accepted") == 0) {
		free(server->accepted);
		server->accepted = *value != '\0' ? xstrdup(value) : NULL;
	}
}

/*
 * Open the journal under .git/moot/ and replay it. A journal that cannot
 * be read is moved aside (never deleted) and a new one started; the files
 * on disk are never touched here. Returns how many records could not be
 * replayed.
 */
size_t
recover_journal(const char *path, int durable)
{
	struct journal_replay cb;
	struct recover r;
	struct doc *d;
	char *err = NULL, *aside;
	size_t modified = 0;

	if ((server->journal = journal_open(path, durable, &err)) == NULL) {
		/* A newer moot's journal is not damaged, nor one that could
		 * not be upgraded (locked): leave it alone. */
		if (strstr(err, "newer moot") != NULL ||
		    strstr(err, "cannot upgrade") != NULL)
			fatalx("%s; run that version of moot, or move the "
			       "journal away to start afresh",
			    err);
		aside = journal_set_aside(path);
		log_warn("journal: %s", err);
		recover_say(err, "");
		printf("Journal: nothing could be recovered from it; it was "
		       "moved to %s. Files on disk are untouched.\n",
		    aside != NULL ? aside : "(could not be moved)");
		free(err);
		err = NULL;
		if (aside == NULL || (server->journal = journal_open(
		                          path, durable, &err)) == NULL)
			fatalx("cannot start a journal at %s: %s", path,
			    err != NULL ? err : "cannot move the old one");
		free(aside);
		return 0;
	}

	memset(&cb, 0, sizeof cb);
	cb.doc = recover_doc;
	cb.undo = recover_undo;
	cb.op = recover_op;
	cb.cursor = recover_cursor;
	cb.person = recover_person;
	cb.chat = recover_chat;
	cb.event = recover_event;
	cb.visit = recover_visit;
	cb.question = recover_question;
	cb.draft = recover_draft;
	cb.editor = recover_editor;
	cb.saved = recover_saved;
	cb.set = recover_set;
	cb.member = recover_member;
	cb.invite = recover_invite;
	cb.problem = recover_problem;
	memset(&r, 0, sizeof r);
	server->replaying = 1;
	if (journal_replay(server->journal, &cb, &r, &err) == -1) {
		log_warn("journal: %s", err);
		recover_say(err, "; what was read before that is kept. Files "
		                 "on disk are untouched.");
		free(err);
	}
	server->replaying = 0;

	/* Start the journal afresh from what was recovered. */
	TAILQ_FOREACH (d, &server->docs, entry) {
		d->modified = !doc_matches_disk(d);
		if (d->modified)
			modified++;
		doc_compact(d);
	}
	if (journal_flush(server->journal, &err) == -1) {
		log_warn("journal: %s", err);
		free(err);
	}
	if (r.docs > 0) {
		printf("Recovered %zu document%s from the journal (%zu "
		       "edits replayed); %zu with unsaved edits.\n",
		    r.docs, r.docs == 1 ? "" : "s", r.ops, modified);
		log_info("journal: recovered %zu documents, %zu edits, %zu "
		         "problems",
		    r.docs, r.ops, r.problems);
	}
	return r.problems;
}
