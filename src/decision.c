/* decision.c: decision drafts, from `decide` to a commit with trailers.
 * Also `commit`, which commits code with the decisions behind it. */
#include "moot.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "buffer.h"
#include "file.h"
#include "inert.h"
#include "job.h"
#include "journal.h"
#include "record.h"
#include "repo.h"
#include "server.h"
#include "why.h"
#include "workdir.h"

#define DECISION_TITLE "Untitled decision"
#define DECISION_TRAILERS_MAX 256
#define DECISION_ADR_DIR_MAX 4096 /* bytes of .adr-dir read */
/* A screen this wide shows a new draft in a pane beside the code: two
 * panes of 80 columns and the border between them. */
#define DECISION_BESIDE_COLS 161

/* A list of trailers being built (values owned). */
struct decision_trailers {
	struct record_trailer t[DECISION_TRAILERS_MAX];
	char *own[DECISION_TRAILERS_MAX];
	size_t n;
};

static void
decision_trailer(struct decision_trailers *tl, const char *key, char *value)
{
	if (tl->n == DECISION_TRAILERS_MAX) {
		free(value);
		return;
	}
	tl->t[tl->n].key = key;
	tl->t[tl->n].value = value;
	tl->own[tl->n] = value;
	tl->n++;
}

static void
decision_trailers_free(struct decision_trailers *tl)
{
	size_t i;

	for (i = 0; i < tl->n; i++)
		free(tl->own[i]);
	tl->n = 0;
}

/* A person as a trailer names them: "Name <email>", or "Name" when no
 * email is known; each made inert as in a git identity (inert_ident).
 * Caller frees. */
static char *
decision_person(const char *name, const char *email)
{
	char *n = inert_ident(name), *e, *s;

	if (email == NULL || *email == '\0')
		return n;
	e = inert_ident(email);
	xasprintf(&s, "%s <%s>", n, e);
	free(e);
	free(n);
	return s;
}

/* A person, by key, for a trailer (decision_person). Caller frees. */
static char *
decision_who(const char *key)
{
	struct person *p = server_person_find(key);

	if (p == NULL)
		return inert_ident(key);
	return decision_person(p->name, p->email);
}

struct draft *
decision_find(const char *path)
{
	struct draft *d;

	TAILQ_FOREACH (d, &server->drafts, entry) {
		if (strcmp(d->path, path) == 0)
			return d;
	}
	return NULL;
}

/* The draft c is in, else the newest one; NULL when there is none. */
static struct draft *
decision_for(struct client *c)
{
	struct draft *d;

	if ((d = decision_find(c->view->doc->path)) != NULL)
		return d;
	return TAILQ_LAST(&server->drafts, drafts);
}

static void
decision_journal(const struct draft *d)
{
	struct journal_draft jd;

	if (server->journal == NULL)
		return;
	memset(&jd, 0, sizeof jd);
	jd.path = d->path;
	jd.number = d->number;
	jd.title = d->title;
	jd.author = d->author;
	jd.supersedes = d->supersedes;
	jd.present = d->present;
	jd.ranges = d->ranges;
	jd.chat_first = d->chat_first;
	jd.chat_last = d->chat_last;
	jd.head = d->head;
	jd.time = d->time;
	journal_draft(server->journal, &jd);
}

static void
decision_free(struct draft *d)
{
	free(d->path);
	free(d->title);
	free(d->author);
	free(d->present);
	free(d->ranges);
	free(d->head);
	free(d);
}

/* A draft as the journal had it. */
void
decision_restore(const struct journal_draft *jd)
{
	struct draft *d = xcalloc(1, sizeof *d);

	d->path = xstrdup(jd->path);
	d->number = jd->number;
	d->title = xstrdup(jd->title);
	d->author = xstrdup(jd->author);
	d->supersedes = jd->supersedes;
	d->present = xstrdup(jd->present);
	d->ranges = xstrdup(jd->ranges);
	d->chat_first = jd->chat_first;
	d->chat_last = jd->chat_last;
	d->head = xstrdup(jd->head);
	d->time = jd->time;
	TAILQ_INSERT_TAIL(&server->drafts, d, entry);
}

void
decision_editor_add(struct editors *list, const char *path, const char *author)
{
	struct editor *e;

	TAILQ_FOREACH (e, list, entry) {
		if (strcmp(e->path, path) == 0 &&
		    strcmp(e->author, author) == 0)
			return;
	}
	e = xcalloc(1, sizeof *e);
	e->path = xstrdup(path);
	e->author = xstrdup(author);
	TAILQ_INSERT_TAIL(list, e, entry);
}

/* Drop every entry of path from a list. */
static void
decision_editors_drop(struct editors *list, const char *path)
{
	struct editor *e, *e1;

	TAILQ_FOREACH_SAFE (e, list, entry, e1) {
		if (strcmp(e->path, path) == 0) {
			TAILQ_REMOVE(list, e, entry);
			free(e->path);
			free(e->author);
			free(e);
		}
	}
}

/* Forget who edited and saved path: it was committed. */
static void
decision_forget_path(const char *path)
{
	decision_editors_drop(&server->editors, path);
	decision_editors_drop(&server->saved, path);
	if (server->journal != NULL)
		journal_committed(server->journal, path);
}

/* Someone typed in a document: they are among its authors until it is
 * committed (Co-authored-by). */
void
decision_edited(struct doc *d, const char *key)
{
	struct editor *e;

	if (*key == '\0' || *d->path == '\0' || server->replaying)
		return;
	TAILQ_FOREACH (e, &server->editors, entry) {
		if (strcmp(e->path, d->path) == 0 &&
		    strcmp(e->author, key) == 0)
			return;
	}
	decision_editor_add(&server->editors, d->path, key);
	if (server->journal != NULL)
		journal_editor(server->journal, d->path, key);
}

/* A file was saved (changed from line on): `commit` will take it
 * (records are committed by accept, not here). */
void
decision_saved(struct doc *d, const char *key, int announce, size_t line)
{
	struct person *p = server_person_find(key);
	struct editor *e;
	char *place;

	if (*d->path == '\0' || decision_find(d->path) != NULL)
		return;
	if (announce) {
		xasprintf(&place, "%s:%zu", d->path, line);
		chat_event(JOURNAL_EV_SAVED, key, place, "%s (%s)", d->path,
		    p != NULL ? p->name : "?");
		free(place);
	}
	TAILQ_FOREACH (e, &server->saved, entry) {
		if (strcmp(e->path, d->path) == 0)
			return;
	}
	decision_editor_add(&server->saved, d->path, key);
	if (server->journal != NULL)
		journal_saved(server->journal, d->path);
}

/* The decision directory, per DESIGN.md. Caller frees. */
static char *
decision_dir(void)
{
	struct file_stamp st;
	char *data = NULL, *dir, *err = NULL;
	size_t len;

	/* .adr-dir itself, never through a link. */
	if (file_load(server->repo->root, ".adr-dir", 0, DECISION_ADR_DIR_MAX,
	        &data, &len, &st, &err) == -1)
		data = NULL;
	free(err);
	dir = record_dir(data, repo_dir_exists, server->repo);
	free(data);
	return dir;
}

/* Make dir (relative to the working tree) and its parents, never through
 * a symbolic link. */
static int
decision_mkdirs(const char *dir, char **err)
{
	struct workdir_at at;

	if (workdir_walk(server->repo->root, dir, WORKDIR_DIR | WORKDIR_MKDIR,
	        &at) == -1) {
		if (errno == ELOOP || errno == ENOTDIR || errno == EEXIST ||
		    workdir_refused(errno))
			xasprintf(err,
			    "%s: not a directory of the repository "
			    "(a file or a symlink is in the way)",
			    dir);
		else
			xasprintf(
			    err, "cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	workdir_close(&at);
	return 0;
}

/* The numbers in use: HEAD's tree, the working tree, open drafts. */
static unsigned
decision_next_number(const char *dir)
{
	struct workdir_at at;
	char **names;
	size_t n, i;
	unsigned next, num;
	DIR *dp;
	struct dirent *de;
	struct draft *d;

	names = repo_head_dir(server->repo, dir, &n);
	if (workdir_walk(server->repo->root, dir, WORKDIR_DIR | WORKDIR_FOLLOW,
	        &at) == 0) {
		if ((dp = fdopendir(at.dfd)) == NULL)
			workdir_close(&at);
		while (dp != NULL && (de = readdir(dp)) != NULL) {
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = xstrdup(de->d_name);
		}
		if (dp != NULL)
			closedir(dp); /* and at.dfd with it */
	}
	next = record_next_number(names, n);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	TAILQ_FOREACH (d, &server->drafts, entry) {
		num = record_file_number(strrchr(d->path, '/') != NULL
		                             ? strrchr(d->path, '/') + 1
		                             : d->path);
		if (num >= next)
			next = num + 1;
	}
	return next;
}

/* Hunks of a line diff, to carry line numbers across unsaved edits. */
struct decision_hunks {
	git_diff_hunk *h;
	size_t n;
};

static int
decision_hunk_cb(
    const git_diff_delta *delta, const git_diff_hunk *hunk, void *arg)
{
	struct decision_hunks *hs = arg;

	hs->h = xreallocarray(hs->h, hs->n + 1, sizeof *hs->h);
	hs->h[hs->n++] = *hunk;
	return 0;
}

/* Where line (1-based) of the old text is in the new one. */
static unsigned long
decision_map_line(const struct decision_hunks *hs, unsigned long line)
{
	long delta = 0;
	size_t i;
	const git_diff_hunk *h;

	for (i = 0; i < hs->n; i++) {
		h = &hs->h[i];
		if (h->old_lines == 0) {
			/* Inserted after old_start. */
			if (line > (unsigned long)h->old_start)
				delta += h->new_lines;
			else
				break;
			continue;
		}
		if (line < (unsigned long)h->old_start)
			break;
		if (line < (unsigned long)(h->old_start + h->old_lines))
			return h->new_start > 0 ? h->new_start : 1;
		delta += (long)h->new_lines - h->old_lines;
	}
	return (unsigned long)((long)line + delta);
}

/*
 * The code range under c's selection (else the cursor's line), as lines
 * of HEAD's version of the file: "path:a-b@id". NULL (with *why set) when
 * there is none: no commit yet, a file HEAD does not have, a draft.
 */
static char *
decision_range(struct client *c, const struct repo_head *head,
    struct record_range *rr, char **why)
{
	struct doc *d = c->view->doc;
	const struct buffer *b = d->buf;
	struct decision_hunks hs;
	git_diff_options opts;
	size_t from, to, len, blen;
	unsigned long first, last;
	char *blob, *text, *err = NULL, *s;

	*why = NULL;
	if (*d->path == '\0' || decision_find(d->path) != NULL) {
		xasprintf(why, "no code here: select lines in a file first");
		return NULL;
	}
	if (head->unborn) {
		xasprintf(why, "no commit yet, so no code range");
		return NULL;
	}
	if ((blob = repo_head_file(server->repo, d->path, &blen, &err)) ==
	    NULL) {
		if (err != NULL)
			*why = err;
		else
			xasprintf(why, "%s is not committed yet", d->path);
		return NULL;
	}
	if (view_selection(c->view, &from, &to)) {
		first = buffer_line_of(b, from) + 1;
		last = buffer_line_of(b, to) + 1;
		if (to > from && buffer_line_start(b, last - 1) == to)
			last--;
	} else
		first = last = buffer_line_of(b, c->view->cursor) + 1;

	/* Lines of the document as it is, mapped to HEAD's lines. */
	text = buffer_contents(b, &len);
	if (len != blen || memcmp(text, blob, len) != 0) {
		memset(&hs, 0, sizeof hs);
		git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
		opts.context_lines = 0;
		if (git_diff_buffers(text, len, NULL, blob, blen, NULL, &opts,
		        NULL, NULL, decision_hunk_cb, NULL, &hs) == 0) {
			first = decision_map_line(&hs, first);
			last = decision_map_line(&hs, last);
			if (last < first)
				last = first;
		}
		free(hs.h);
	}
	free(text);
	free(blob);
	xasprintf(&s, "%s:%lu-%lu@%s", d->path, first, last, head->id);
	rr->path = d->path;
	rr->first = first;
	rr->last = last;
	rr->commit = head->id;
	return s;
}

/* Put the cursor of c at the start of the line after a heading. */
static void
decision_cursor_at(struct client *c, const char *heading)
{
	struct doc *d = c->view->doc;
	char *text;
	const char *p;
	size_t len;

	text = buffer_contents(d->buf, &len);
	if ((p = strstr(text, heading)) != NULL) {
		p += strlen(heading);
		while (*p == '\n')
			p++;
		c->view->cursor = p - text;
	}
	free(text);
}

/* The text of a document, NUL-terminated. Caller frees. */
static char *
decision_text(struct doc *d, size_t *len)
{
	char *text = buffer_contents(d->buf, len);

	text = xrealloc(text, *len + 1);
	text[*len] = '\0';
	return text;
}

/* Find record number n in the decision directory. */
static int
decision_record(unsigned n, char **file, char **title)
{
	struct why_record *recs;
	size_t nrecs, i;
	char *err = NULL;
	int found = 0;

	if (why_records(server->repo, &recs, &nrecs, &err) == -1) {
		free(err);
		return 0;
	}
	for (i = 0; i < nrecs; i++) {
		if (recs[i].number == n && !found) {
			*file = xstrdup(recs[i].file);
			*title = xstrdup(
			    recs[i].rec.title != NULL ? recs[i].rec.title : "");
			found = 1;
		}
	}
	why_records_free(recs, nrecs);
	return found;
}

/* Open record number n (a catch-up's Enter). */
void
decision_open_record(struct client *c, unsigned n)
{
	char *file, *title, *err = NULL;
	struct doc *d;

	if (!decision_record(n, &file, &title)) {
		server_client_notice(c,
		    "ADR-%04u is not in the decision "
		    "directory",
		    n);
		return;
	}
	if ((d = doc_open(file, &err)) == NULL) {
		server_client_notice(c, "%s", err);
		free(err);
	} else {
		c->following = NULL;
		server_client_show(c, d);
	}
	free(file);
	free(title);
}

void
decision_start(struct client *c, const char *title, unsigned supersedes)
{
	struct repo_head head;
	struct record_draft rd;
	struct record_person *present = NULL, decider;
	struct record_message *msgs = NULL;
	struct record_range rr;
	const char **questions = NULL;
	struct client *o;
	struct chat_msg *m;
	struct question *q, *q1;
	struct draft *dr;
	struct doc *d;
	char *err = NULL, *dir, *name, *path, *range, *why, *text, *keys;
	char *old_file = NULL, *old_title = NULL, *auto_title = NULL;
	size_t npresent = 0, nmsgs = 0, nq = 0, len;
	unsigned number;
	int64_t first = 0, last = 0;

	if (repo_head(server->repo, &head, &err) == -1) {
		server_client_notice(c, "cannot read HEAD: %s", err);
		free(err);
		return;
	}
	if (supersedes != 0 &&
	    !decision_record(supersedes, &old_file, &old_title)) {
		server_client_notice(c, "there is no record %u", supersedes);
		repo_head_clear(&head);
		return;
	}
	while (*title == ' ')
		title++;
	if (*title == '\0') {
		if (supersedes != 0)
			xasprintf(
			    &auto_title, "Supersede ADR-%04u", supersedes);
		title = auto_title != NULL ? auto_title : DECISION_TITLE;
	}
	dir = decision_dir();
	if (decision_mkdirs(dir, &err) == -1) {
		server_client_notice(c, "%s", err);
		free(err);
		goto out;
	}
	number = decision_next_number(dir);
	name = record_file_name(number, title);
	xasprintf(&path, "%s/%s", dir, name);
	free(name);

	range = decision_range(c, &head, &rr, &why);
	free(why);

	/* Everyone present, the decider first. */
	keys = xstrdup("");
	decider.name = c->name;
	decider.email = *c->email != '\0' ? c->email : NULL;
	TAILQ_FOREACH (o, &server->clients, entry) {
		if (!o->ready || o->closing)
			continue;
		present = xreallocarray(present, npresent + 1, sizeof *present);
		present[npresent].name = o->name;
		present[npresent].email = *o->email != '\0' ? o->email : NULL;
		npresent++;
		text = keys;
		xasprintf(&keys, "%s%s\n", text, o->key);
		free(text);
	}
	/* The discussion since the last draft. */
	TAILQ_FOREACH (m, &server->chat, entry) {
		if (m->seq <= server->chat_decided)
			continue;
		msgs = xreallocarray(msgs, nmsgs + 1, sizeof *msgs);
		msgs[nmsgs].name = m->name;
		msgs[nmsgs].time = m->time;
		msgs[nmsgs].text = m->text;
		nmsgs++;
		if (first == 0)
			first = m->seq;
		last = m->seq;
	}
	/* Questions asked with no draft join this one. */
	TAILQ_FOREACH (q, &server->questions, entry) {
		questions = xreallocarray(questions, nq + 1, sizeof *questions);
		questions[nq++] = q->text;
	}

	memset(&rd, 0, sizeof rd);
	rd.number = number;
	rd.title = title;
	rd.date = NULL;
	{
		static char date[16];
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
		rd.date = date;
	}
	rd.deciders = &decider;
	rd.ndeciders = 1;
	rd.participants = present;
	rd.nparticipants = npresent;
	rd.ranges = range != NULL ? &rr : NULL;
	rd.nranges = range != NULL ? 1 : 0;
	rd.messages = msgs;
	rd.nmessages = nmsgs;
	rd.questions = questions;
	rd.nquestions = nq;
	rd.supersedes = supersedes;
	rd.supersedes_title = old_title;
	rd.supersedes_file =
	    old_file != NULL
	        ? (strrchr(old_file, '/') != NULL ? strrchr(old_file, '/') + 1
	                                          : old_file)
	        : NULL;
	text = record_draft_text(&rd, &len);

	if ((d = doc_open(path, &err)) == NULL) {
		server_client_notice(c, "%s", err);
		free(err);
		goto done;
	}
	doc_replace(d, NULL, text, len);
	if (doc_save(d, 1, &err) != 0) {
		server_client_notice(c, "%s", err);
		free(err);
		goto done;
	}

	dr = xcalloc(1, sizeof *dr);
	dr->path = xstrdup(path);
	dr->number = number;
	dr->title = xstrdup(title);
	dr->author = xstrdup(c->key);
	dr->supersedes = supersedes;
	dr->present = keys;
	keys = NULL;
	dr->ranges = range != NULL ? xstrdup(range) : xstrdup("");
	if (range != NULL) {
		dr->ranges = xrealloc(dr->ranges, strlen(range) + 2);
		strcat(dr->ranges, "\n");
	}
	dr->chat_first = first;
	dr->chat_last = last;
	dr->head = xstrdup(head.id);
	dr->time = server_wallclock();
	TAILQ_INSERT_TAIL(&server->drafts, dr, entry);
	decision_journal(dr);

	if (last != 0) {
		server->chat_decided = last;
		if (server->journal != NULL) {
			xasprintf(&why, "%lld", (long long)last);
			journal_set(server->journal, "chat_decided", why);
			free(why);
		}
	}
	chat_event(JOURNAL_EV_DRAFT, c->key, path, "%s started ADR-%04u: %s",
	    c->name, number, title);
	/* The open questions go into the draft: answered, for `moot log`. */
	TAILQ_FOREACH_SAFE (q, &server->questions, entry, q1) {
		chat_event(JOURNAL_EV_ANSWERED, c->key, path,
		    "%s took the question into ADR-%04u: %s", c->name, number,
		    q->text);
		if (server->journal != NULL)
			journal_question_done(server->journal, q->id);
		TAILQ_REMOVE(&server->questions, q, entry);
		free(q->author);
		free(q->text);
		free(q);
	}
	log_info("client %u: %s drafted %s", c->id, c->name, path);

	/* Beside the code when the screen is wide enough, else in its
	 * place. */
	if (c->cols >= DECISION_BESIDE_COLS && !c->zoomed)
		server_pane_split(c, SPLIT_LEFTRIGHT);
	server_client_show(c, d);
	decision_cursor_at(c, "## Context\n");
	server_notice("%s started ADR-%04u: %s (Ctrl-D opens it)", c->name,
	    number, title);
	server_client_notice(c,
	    "ADR-%04u drafted: edit it, then accept or "
	    "reject",
	    number);
done:
	free(text);
	free(present);
	free(msgs);
	free(questions);
	free(keys);
	free(range);
	free(path);
out:
	free(dir);
	free(auto_title);
	free(old_file);
	free(old_title);
	repo_head_clear(&head);
}

/* Ctrl-D, `draft`: open the newest draft. */
void
decision_open(struct client *c)
{
	struct draft *dr = TAILQ_LAST(&server->drafts, drafts);

	if (dr == NULL) {
		server_client_notice(c, "no draft in progress");
		return;
	}
	decision_open_path(c, dr->path);
}

/* Open the draft at path (a catch-up's Enter), at its Context. */
void
decision_open_path(struct client *c, const char *path)
{
	struct draft *dr = decision_find(path);
	struct doc *d;
	char *err = NULL;

	if (dr == NULL) {
		server_client_notice(c, "that draft is no longer in progress");
		return;
	}
	if ((d = doc_open(dr->path, &err)) == NULL) {
		server_client_notice(c, "%s", err);
		free(err);
		return;
	}
	c->following = NULL;
	if (c->view->doc != d) {
		server_client_show(c, d);
		decision_cursor_at(c, "## Context\n");
	}
}

/* The three changes moot makes to a record's text. */
enum decision_change { DECISION_QUESTION, DECISION_RANGE, DECISION_STATUS };

/*
 * Change a record's text as c (an edit like any other; NULL: moot's own,
 * nobody's typing): add a question or a code range, or set its status.
 */
static void
decision_change(
    struct client *c, struct doc *d, enum decision_change what, const void *arg)
{
	char *text, *out = NULL;
	size_t len, outlen = 0;

	text = decision_text(d, &len);
	switch (what) {
	case DECISION_QUESTION:
		out = record_add_question(text, len, arg, &outlen);
		break;
	case DECISION_RANGE:
		out = record_add_range(text, len, arg, &outlen);
		break;
	case DECISION_STATUS:
		out = record_set_status(text, len, arg, &outlen);
		break;
	}
	doc_replace(d, c, out, outlen);
	free(out);
	free(text);
}

void
decision_question(struct client *c, const char *text)
{
	struct draft *dr;
	struct doc *d;
	char *err = NULL;
	int64_t id = 0;
	size_t n = 0;
	struct question *q;

	while (*text == ' ')
		text++;
	if (*text == '\0') {
		server_client_notice(c, "usage: question TEXT");
		return;
	}
	if ((dr = decision_for(c)) != NULL) {
		if ((d = doc_open(dr->path, &err)) == NULL) {
			server_client_notice(c, "%s", err);
			free(err);
			return;
		}
		decision_change(c, d, DECISION_QUESTION, text);
		chat_event(JOURNAL_EV_QUESTION, c->key, dr->path,
		    "%s asked in ADR-%04u: %s", c->name, dr->number, text);
		server_client_notice(
		    c, "question added to ADR-%04u", dr->number);
		return;
	}
	/* Whoever is here sees it asked: no catch-up will list it. */
	presence_touch();
	if (server->journal != NULL)
		id = journal_question(
		    server->journal, server_wallclock(), c->key, text);
	else if (!TAILQ_EMPTY(&server->questions))
		id = TAILQ_LAST(&server->questions, questions)->id + 1;
	chat_question_add(id, server_wallclock(), c->key, text);
	chat_event(
	    JOURNAL_EV_QUESTION, c->key, NULL, "%s asked: %s", c->name, text);
	TAILQ_FOREACH (q, &server->questions, entry)
		n++;
	server_client_notice(c, "question noted (%zu open)", n);
	server_redraw_all();
}

void
decision_link(struct client *c)
{
	struct draft *dr = TAILQ_LAST(&server->drafts, drafts);
	struct repo_head head;
	struct record_range rr;
	struct doc *d;
	char *range, *why = NULL, *err = NULL;

	if (dr == NULL) {
		server_client_notice(
		    c, "no draft in progress: decide starts one");
		return;
	}
	if (repo_head(server->repo, &head, &err) == -1) {
		server_client_notice(c, "cannot read HEAD: %s", err);
		free(err);
		return;
	}
	if ((range = decision_range(c, &head, &rr, &why)) == NULL) {
		server_client_notice(c, "%s", why);
		free(why);
		repo_head_clear(&head);
		return;
	}
	if ((d = doc_open(dr->path, &err)) == NULL) {
		server_client_notice(c, "%s", err);
		free(err);
	} else {
		decision_change(c, d, DECISION_RANGE, &rr);
		dr->ranges = xrealloc(
		    dr->ranges, strlen(dr->ranges) + strlen(range) + 2);
		strcat(dr->ranges, range);
		strcat(dr->ranges, "\n");
		decision_journal(dr);
		server_client_notice(c, "linked %s lines %lu–%lu to ADR-%04u",
		    rr.path, rr.first, rr.last, dr->number);
	}
	free(range);
	repo_head_clear(&head);
}

/* Move a draft to a new number (HEAD gained a record with its number). */
static int
decision_renumber(struct draft *dr, unsigned number, char **err)
{
	struct doc *d, *nd;
	struct client *o;
	struct editor *e;
	char *text, *name, *dir, *path, *nl, *fixed;
	const char *slash = strrchr(dr->path, '/');
	size_t len;
	struct record rec;
	int rc = -1;

	if ((d = doc_open(dr->path, err)) == NULL)
		return -1;
	text = decision_text(d, &len);
	record_parse(&rec, text, len);
	name =
	    record_file_name(number, rec.title != NULL ? rec.title : dr->title);
	dir =
	    xstrndup(dr->path, slash != NULL ? (size_t)(slash - dr->path) : 0);
	xasprintf(&path, "%s/%s", dir, name);
	/* The heading carries the number too. */
	if (strncmp(text, "# ", 2) == 0 && (nl = strchr(text, '\n')) != NULL)
		xasprintf(&fixed, "# %u. %s%s", number,
		    rec.title != NULL ? rec.title : dr->title, nl);
	else
		fixed = xstrdup(text);
	record_free(&rec);

	if ((nd = doc_open(path, err)) == NULL)
		goto fail;
	doc_replace(nd, NULL, fixed, strlen(fixed));
	if (doc_save(nd, 1, err) != 0)
		goto fail;
	TAILQ_FOREACH (o, &server->clients, entry) {
		if (o->view->doc == d) {
			server_client_show(o, nd);
			decision_cursor_at(o, "## Context\n");
		}
		server_pane_replace_doc(o, d, nd);
		if (o->last_edit_doc == d)
			o->last_edit_doc = NULL;
		if (o->jdoc == d)
			o->jdoc = NULL;
	}
	/* Whoever typed in the old file typed in this one. */
	TAILQ_FOREACH (e, &server->editors, entry) {
		if (strcmp(e->path, dr->path) == 0) {
			free(e->path);
			e->path = xstrdup(path);
			if (server->journal != NULL)
				journal_editor(
				    server->journal, path, e->author);
		}
	}
	file_remove(server->repo->root, dr->path);
	if (server->journal != NULL) {
		journal_forget(server->journal, dr->path);
		journal_draft_done(server->journal, dr->path);
	}
	doc_free(d);
	free(dr->path);
	dr->path = path;
	dr->number = number;
	decision_journal(dr);
	path = NULL;
	rc = 0;
fail:
	free(path);
	free(fixed);
	free(text);
	free(name);
	free(dir);
	return rc;
}

/* Did HEAD gain a different record with this draft's number? */
static int
decision_taken(const struct draft *dr)
{
	const char *slash = strrchr(dr->path, '/');
	char *dir, **names;
	size_t n, i;
	int taken = 0;

	dir =
	    xstrndup(dr->path, slash != NULL ? (size_t)(slash - dr->path) : 0);
	names = repo_head_dir(server->repo, dir, &n);
	for (i = 0; i < n; i++) {
		if (record_file_number(names[i]) == dr->number &&
		    strcmp(names[i], slash != NULL ? slash + 1 : dr->path) != 0)
			taken = 1;
		free(names[i]);
	}
	free(names);
	free(dir);
	return taken;
}

/* Mark record file (relative) superseded by the draft. */
static int
decision_supersede(
    const char *file, const struct draft *dr, const char *title, char **err)
{
	struct doc *d;
	char *status;
	const char *name = strrchr(dr->path, '/');

	if ((d = doc_open(file, err)) == NULL)
		return -1;
	xasprintf(&status, "superseded by [%u. %s](%s)", dr->number, title,
	    name != NULL ? name + 1 : dr->path);
	decision_change(NULL, d, DECISION_STATUS, status);
	free(status);
	return doc_save(d, 1, err) == 0 ? 0 : -1;
}

/* "N chat messages, HH:MM–HH:MM UTC, quoted in the record", or "..., the
 * last K quoted in the record" when the record could not quote them all. */
static char *
decision_discussion(const struct draft *dr)
{
	struct chat_msg *m;
	struct record_message *msgs = NULL;
	size_t n = 0, quoted;
	int64_t from = 0, to = 0;
	char a[16], b[16], *s, *last = NULL;
	struct tm tm;
	time_t t;

	TAILQ_FOREACH (m, &server->chat, entry) {
		if (m->seq < dr->chat_first || m->seq > dr->chat_last)
			continue;
		msgs = xreallocarray(msgs, n + 1, sizeof *msgs);
		msgs[n].name = m->name;
		msgs[n].time = m->time;
		msgs[n].text = m->text;
		if (n++ == 0)
			from = m->time;
		to = m->time;
	}
	if (n == 0 || dr->chat_first == 0) {
		free(msgs);
		return xstrdup("none in the session chat");
	}
	quoted = record_quoted(msgs, n);
	free(msgs);
	t = from / 1000;
	gmtime_r(&t, &tm);
	strftime(a, sizeof a, "%H:%M", &tm);
	t = to / 1000;
	gmtime_r(&t, &tm);
	strftime(b, sizeof b, "%H:%M", &tm);
	if (quoted < n)
		xasprintf(&last, "the last %zu ", quoted);
	xasprintf(&s, "%zu chat message%s, %s-%s UTC, %squoted in the record",
	    n, n == 1 ? "" : "s", a, b, last != NULL ? last : "");
	free(last);
	return s;
}

/* Whether c can be named as a commit's author; tells them if not. */
static int
decision_can_commit(struct client *c)
{
	char *busy;

	if (c->email == NULL || *c->email == '\0') {
		server_client_notice(c,
		    "cannot commit: no email known for %s; give your key "
		    "the comment 'Name <email>' in .moot/authorized_keys",
		    c->name);
		return 0;
	}
	if ((busy = repo_busy(server->repo)) != NULL) {
		server_client_notice(c, "cannot commit: %s", busy);
		free(busy);
		return 0;
	}
	return 1;
}

/* Is key one of the lines of keys? */
static int
decision_listed(const char *keys, const char *key)
{
	size_t n = strlen(key);
	const char *p = keys;

	while ((p = strstr(p, key)) != NULL) {
		if ((p == keys || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* One Co-authored-by per person who typed in path (with an email). */
static void
decision_coauthors(struct decision_trailers *tl, const char *const *paths,
    size_t npaths, const char *except, char **missing)
{
	struct editor *e, *e2;
	struct person *p;
	size_t i;
	int dup;
	char *s;

	TAILQ_FOREACH (e, &server->editors, entry) {
		for (i = 0; i < npaths; i++) {
			if (strcmp(e->path, paths[i]) == 0)
				break;
		}
		if (i == npaths ||
		    (except != NULL && strcmp(e->author, except) == 0))
			continue;
		/* Once per person, in the order they first typed. */
		dup = 0;
		TAILQ_FOREACH (e2, &server->editors, entry) {
			if (e2 == e)
				break;
			for (i = 0; i < npaths; i++) {
				if (strcmp(e2->path, paths[i]) == 0)
					break;
			}
			if (i < npaths && strcmp(e2->author, e->author) == 0)
				dup = 1;
		}
		if (dup)
			continue;
		p = server_person_find(e->author);
		if (p == NULL || *p->email == '\0') {
			s = *missing;
			xasprintf(missing, "%s%s%s", s != NULL ? s : "",
			    s != NULL ? ", " : "", p != NULL ? p->name : "?");
			free(s);
			continue;
		}
		decision_trailer(
		    tl, "Co-authored-by", decision_person(p->name, p->email));
	}
}

/*
 * A commit being made (accept, reject or commit): prepared, then its
 * commit-msg hook running as a job, then finished in the loop. One at a
 * time: accept, reject and commit are refused meanwhile (CMD_COMMIT).
 * Who asked is kept by id, never by pointer: they may leave meanwhile.
 */
struct decision_pending {
	unsigned client; /* id of who asked */
	char *key;
	char *name;
	struct repo_prep *prep;
	char *skipped; /* why the hook was not run; NULL if it was */
	/* Called with c NULL when they left; rc, id and err as from
	 * repo_commit_prepare or repo_commit_finish. */
	void (*done)(struct decision_pending *, struct client *c, int rc,
	    const char *id, const char *err);

	/* accept or reject */
	int accept;
	char *path; /* the draft's record */
	char *old_file;
	char *title;
	char *renumbered;
	char *missing;

	/* commit */
	char *message;
};
static struct decision_pending *decision_pending;

/* Is a commit being made (its hook running)? */
int
decision_committing(void)
{
	return decision_pending != NULL;
}

static void
decision_pending_free(struct decision_pending *p)
{
	repo_prep_free(p->prep);
	free(p->key);
	free(p->name);
	free(p->skipped);
	free(p->path);
	free(p->old_file);
	free(p->title);
	free(p->renumbered);
	free(p->missing);
	free(p->message);
	free(p);
}

static struct decision_pending *
decision_pending_new(struct client *c, const char *missing)
{
	struct decision_pending *p = xcalloc(1, sizeof *p);

	p->client = c->id;
	p->key = xstrdup(c->key);
	p->name = xstrdup(c->name);
	p->missing = missing != NULL ? xstrdup(missing) : NULL;
	return p;
}

/* The person with this id, if they are still here. */
static struct client *
decision_client(unsigned id)
{
	struct client *c;

	TAILQ_FOREACH (c, &server->clients, entry) {
		if (c->id == id && !c->closing)
			return c;
	}
	return NULL;
}

/* Tell who asked, or the log when they left. */
static void decision_tell(struct decision_pending *, struct client *,
    const char *, ...) __printflike(3, 4);
static void
decision_tell(
    struct decision_pending *p, struct client *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	if (c != NULL)
		server_client_notice(c, "%s", s);
	else
		log_info("client %u (%s, gone): %s", p->client, p->name, s);
	free(s);
}

/* The end of a commit: finish it with what the hook did (NULL: no hook
 * was run), and tell. */
static void
decision_commit_end(struct decision_pending *p, const struct repo_hook_run *ran)
{
	char id[41], *err = NULL;
	int rc;

	rc = repo_commit_finish(server->repo, p->prep, ran, id, &err);
	p->done(p, decision_client(p->client), rc, id, err);
	free(err);
	decision_pending_free(p);
}

static void
decision_hook_done(const struct job_result *jr, void *arg)
{
	struct decision_pending *p = arg;
	struct repo_hook_run ran;

	log_info("client %u: commit-msg hook %s ended (status %d%s)", p->client,
	    p->prep->hook_shown, jr->status,
	    jr->late ? ", stopped: too late" : "");
	decision_pending = NULL;
	memset(&ran, 0, sizeof ran);
	ran.status = jr->status;
	ran.late = jr->late;
	ran.out = jr->out;
	ran.outlen = jr->outlen;
	decision_commit_end(p, &ran);
}

/*
 * Commit args for c: prepare it, then run its commit-msg hook as a job
 * (the loop goes on; p->done is called when it ends), or finish at once
 * when there is no hook to run. A hook in the working tree runs only
 * with --trust-tree-hooks: anyone who may edit could change it.
 */
static void
decision_commit_start(struct client *c, struct decision_pending *p,
    const struct repo_commit *args)
{
	static int logged;
	struct repo_prep *prep;
	char *err = NULL, *why;
	int rc;

	if ((rc = repo_commit_prepare(server->repo, args, &p->prep, &err)) !=
	    0) {
		p->done(p, c, rc, "", err);
		free(err);
		decision_pending_free(p);
		return;
	}
	prep = p->prep;
	if (prep->hook != NULL && prep->hook_in_tree &&
	    !server->opts.trust_tree_hooks) {
		xasprintf(&p->skipped,
		    "commit-msg hook in the working tree (%s) not run: moot "
		    "serve --trust-tree-hooks runs it",
		    prep->hook_shown);
		if (!logged) {
			log_warn("%s", p->skipped);
			logged = 1;
		}
	}
	if (prep->hook == NULL || p->skipped != NULL) {
		decision_commit_end(p, NULL);
		return;
	}

	decision_pending = p;
	if (job_run(server->loop, prep->hook_argv, server->repo->workdir,
	        prep->hook_env, REPO_HOOK_SECONDS * 1000, decision_hook_done, p,
	        &err) == NULL) {
		decision_pending = NULL;
		xasprintf(&why, "cannot run the commit-msg hook: %s", err);
		p->done(p, c, -1, "", why);
		free(why);
		free(err);
		decision_pending_free(p);
		return;
	}
	log_info(
	    "client %u: running commit-msg hook %s", c->id, prep->hook_shown);
	server_client_notice(
	    c, "running the commit-msg hook (%s)...", prep->hook_shown);
}

/* What the person who committed is told beside the notice to everyone:
 * a hook not run, co-authors left out. NULL if nothing. */
static char *
decision_aside(struct decision_pending *p)
{
	char *s = NULL, *t;

	if (p->skipped != NULL)
		s = xstrdup(p->skipped);
	if (p->missing != NULL) {
		t = s;
		xasprintf(&s,
		    "%s%snot listed as co-authors (no email known): %s",
		    t != NULL ? t : "", t != NULL ? "; " : "", p->missing);
		free(t);
	}
	return s;
}

/* accept or reject, once committed (or not). */
static void
decision_finish_done(struct decision_pending *p, struct client *c, int rc,
    const char *id, const char *err)
{
	const char *what = p->accept ? "accepted" : "rejected";
	struct draft *dr;
	unsigned number;
	char *s;

	if ((dr = decision_find(p->path)) == NULL) {
		/* Nothing else removes a draft while its commit is made. */
		log_warn("client %u: draft %s gone while committing", p->client,
		    p->path);
		return;
	}
	if (rc == REPO_MOVED) {
		decision_tell(p, c, "HEAD moved while committing; run %s again",
		    p->accept ? "accept" : "reject");
		return;
	}
	if (rc != 0) {
		decision_tell(
		    p, c, "cannot commit ADR-%04u: %s", dr->number, err);
		return;
	}

	log_info("client %u: %s %s ADR-%04u (%s) as %s", p->client, p->name,
	    what, dr->number, dr->path, id);
	chat_event(p->accept ? JOURNAL_EV_ACCEPTED : JOURNAL_EV_REJECTED,
	    p->key, dr->path, "%s %s ADR-%04u: %s", p->name, what, dr->number,
	    p->title);
	if (p->accept && dr->supersedes != 0)
		chat_event(JOURNAL_EV_SUPERSEDED, p->key, dr->path,
		    "%s superseded ADR-%04u with ADR-%04u", p->name,
		    dr->supersedes, dr->number);
	if (p->accept) {
		xasprintf(&s, "%sADR-%04u\n",
		    server->accepted != NULL ? server->accepted : "",
		    dr->number);
		free(server->accepted);
		server->accepted = s;
		if (server->journal != NULL)
			journal_set(server->journal, "accepted", s);
	}
	number = dr->number;
	decision_forget_path(dr->path);
	if (p->old_file != NULL)
		decision_forget_path(p->old_file);
	if (server->journal != NULL)
		journal_draft_done(server->journal, dr->path);
	TAILQ_REMOVE(&server->drafts, dr, entry);
	decision_free(dr);
	server_notice("%s %s ADR-%04u: %s (commit %.7s%s)", p->name, what,
	    number, p->title, id, p->renumbered != NULL ? p->renumbered : "");
	if ((s = decision_aside(p)) != NULL) {
		decision_tell(
		    p, c, "%s ADR-%04u (commit %.7s); %s", what, number, id, s);
		free(s);
	}
}

void
decision_finish(struct client *c, int accept)
{
	struct draft *dr = decision_for(c);
	struct repo_head head;
	struct decision_trailers tl;
	struct decision_pending *p;
	struct repo_commit args;
	struct editor *e;
	struct record rec;
	struct doc *d;
	char *err = NULL, *text, *subject, *body, *msg, *s, *line;
	char *old_file = NULL, *old_title = NULL, *missing = NULL, *title;
	char *save, *renumbered = NULL;
	const char *paths[2], *what = accept ? "accepted" : "rejected";
	size_t len, npaths = 1;
	unsigned number, old_number;

	if (dr == NULL) {
		server_client_notice(
		    c, "no draft in progress: decide starts one");
		return;
	}
	if (!decision_can_commit(c))
		return;
	if (repo_head(server->repo, &head, &err) == -1) {
		server_client_notice(c, "cannot read HEAD: %s", err);
		free(err);
		return;
	}
	/* HEAD moved under the draft: build on the new one, and take a new
	 * number if a record there has this one. */
	if (strcmp(head.id, dr->head) != 0) {
		if (decision_taken(dr)) {
			old_number = dr->number;
			s = xstrndup(
			    dr->path, strrchr(dr->path, '/') - dr->path);
			number = decision_next_number(s);
			free(s);
			if (decision_renumber(dr, number, &err) == -1) {
				server_client_notice(c, "%s", err);
				free(err);
				repo_head_clear(&head);
				return;
			}
			xasprintf(&renumbered,
			    "; renumbered from ADR-%04u, "
			    "which HEAD now has",
			    old_number);
		}
		free(dr->head);
		dr->head = xstrdup(head.id);
		decision_journal(dr);
	}
	if ((d = doc_open(dr->path, &err)) == NULL) {
		server_client_notice(c, "%s", err);
		free(err);
		goto out;
	}
	if (accept && dr->supersedes != 0 &&
	    !decision_record(dr->supersedes, &old_file, &old_title)) {
		server_client_notice(c,
		    "record %u, which this supersedes, is "
		    "gone",
		    dr->supersedes);
		goto out;
	}

	/* The status, in the record and on disk. */
	decision_change(NULL, d, DECISION_STATUS, what);
	if (doc_save(d, 1, &err) != 0) {
		server_client_notice(c, "%s", err);
		free(err);
		goto out;
	}
	text = decision_text(d, &len);
	record_parse(&rec, text, len);
	title = xstrdup(rec.title != NULL ? rec.title : dr->title);
	record_free(&rec);
	paths[0] = dr->path;
	if (old_file != NULL) {
		if (decision_supersede(old_file, dr, title, &err) == -1) {
			server_client_notice(c, "%s", err);
			free(err);
			free(text);
			free(title);
			goto out;
		}
		paths[npaths++] = old_file;
	}

	memset(&tl, 0, sizeof tl);
	xasprintf(&s, "ADR-%04u", dr->number);
	decision_trailer(&tl, "Decision-Id", s);
	decision_trailer(&tl, "Decision-Status", xstrdup(what));
	decision_trailer(&tl, "Decision-File", xstrdup(dr->path));
	decision_trailer(&tl, "Decided-by", decision_who(dr->author));
	s = xstrdup(dr->present);
	for (line = strtok_r(s, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		decision_trailer(&tl, "Participant", decision_who(line));
	free(s);
	/* Someone who joined later and typed in the record took part too. */
	TAILQ_FOREACH (e, &server->editors, entry) {
		if (strcmp(e->path, dr->path) == 0 &&
		    !decision_listed(dr->present, e->author))
			decision_trailer(
			    &tl, "Participant", decision_who(e->author));
	}
	s = xstrdup(dr->ranges);
	for (line = strtok_r(s, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		decision_trailer(&tl, "Code-Range", xstrdup(line));
	free(s);
	decision_trailer(&tl, "Discussion", decision_discussion(dr));
	if (dr->supersedes != 0) {
		xasprintf(&s, "ADR-%04u", dr->supersedes);
		decision_trailer(&tl, "Supersedes", s);
	}
	decision_coauthors(&tl, paths, 1, NULL, &missing);

	xasprintf(&subject, "docs(adr): ADR-%04u %s", dr->number, title);
	body = record_commit_body(text, strlen(text));
	msg = record_commit_message(subject, body, tl.t, tl.n);
	free(body);
	free(text);
	free(subject);
	decision_trailers_free(&tl);

	p = decision_pending_new(c, missing);
	p->done = decision_finish_done;
	p->accept = accept;
	p->path = xstrdup(dr->path);
	p->old_file = old_file != NULL ? xstrdup(old_file) : NULL;
	p->title = title;
	p->renumbered = renumbered;
	renumbered = NULL;
	memset(&args, 0, sizeof args);
	args.paths = paths;
	args.npaths = npaths;
	args.name = c->name;
	args.email = c->email;
	args.message = msg;
	args.expect = head.id;
	decision_commit_start(c, p, &args);
	free(msg);
out:
	free(renumbered);
	free(missing);
	free(old_file);
	free(old_title);
	repo_head_clear(&head);
}

/* `commit`: ask for the message, if there is something to commit. */
void
decision_commit_ask(struct client *c)
{
	if (TAILQ_EMPTY(&server->saved)) {
		server_client_notice(c, "nothing saved since the last commit");
		return;
	}
	if (!decision_can_commit(c))
		return;
	server_client_ask(c, &overlay_commit);
}

/* commit, once committed (or not). */
static void
decision_commit_done(struct decision_pending *p, struct client *c, int rc,
    const char *id, const char *err)
{
	size_t i;
	char *s;

	if (rc != 0) {
		decision_tell(p, c, "cannot commit: %s",
		    err != NULL ? err : "HEAD moved; try again");
		return;
	}
	log_info("client %u: %s committed %s", p->client, p->name, id);
	chat_event(JOURNAL_EV_COMMIT, p->key, NULL, "%s committed %.7s: %s",
	    p->name, id, p->message);
	for (i = 0; i < p->prep->c.npaths; i++)
		decision_forget_path(p->prep->c.paths[i]);
	free(server->accepted);
	server->accepted = NULL;
	if (server->journal != NULL)
		journal_set(server->journal, "accepted", "");
	server_notice("%s committed %.7s: %s", p->name, id, p->message);
	if ((s = decision_aside(p)) != NULL) {
		decision_tell(p, c, "committed %.7s; %s", id, s);
		free(s);
	}
}

void
decision_commit(struct client *c, const char *message)
{
	struct decision_trailers tl;
	struct decision_pending *p;
	struct editor *e;
	const char **paths = NULL;
	char *msg, *s, *line, *save, *missing = NULL;
	size_t npaths = 0;
	struct repo_commit args;

	while (*message == ' ')
		message++;
	if (*message == '\0') {
		server_client_notice(c, "nothing committed: the message is "
		                        "empty");
		return;
	}
	if (TAILQ_EMPTY(&server->saved)) {
		server_client_notice(c, "nothing saved since the last commit");
		return;
	}
	if (!decision_can_commit(c))
		return;
	TAILQ_FOREACH (e, &server->saved, entry) {
		paths = xreallocarray(paths, npaths + 1, sizeof *paths);
		paths[npaths++] = e->path;
	}
	memset(&tl, 0, sizeof tl);
	if (server->accepted != NULL) {
		s = xstrdup(server->accepted);
		for (line = strtok_r(s, "\n", &save); line != NULL;
		     line = strtok_r(NULL, "\n", &save))
			decision_trailer(&tl, "Refs", xstrdup(line));
		free(s);
	}
	decision_coauthors(&tl, paths, npaths, c->key, &missing);
	msg = record_commit_message(message, "", tl.t, tl.n);
	decision_trailers_free(&tl);

	p = decision_pending_new(c, missing);
	p->done = decision_commit_done;
	p->message = xstrdup(message);
	memset(&args, 0, sizeof args);
	args.paths = paths; /* copied by repo_commit_prepare */
	args.npaths = npaths;
	args.name = c->name;
	args.email = c->email;
	args.message = msg;
	decision_commit_start(c, p, &args);
	free(msg);
	free(paths);
	free(missing);
}
