/* lookup.c: what the editor asks of git history, computed in forked
 * children off the loop: `why`, the margin marks, `since`'s decisions. */
#include "moot.h"

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <git2.h>

#include "answer.h"
#include "buffer.h"
#include "bytes.h"
#include "carry.h"
#include "job.h"
#include "marks.h"
#include "repo.h"
#include "server.h"
#include "why.h"

/*
 * Every question is asked of a child forked from the daemon (job_fork):
 * the child sees the daemon's memory as it was at the fork (the document's
 * text as it was when asked), opens the repository by path, computes, and
 * writes its answer as records (answer.h); the loop reads them and the
 * kind's answer function uses them, if whoever asked is still there.
 * Nothing here walks history in the daemon.
 */
#define LOOKUP_TIMEOUT_MS (120 * 1000) /* a child still computing is killed */
#define LOOKUP_NUMBER_MAX 99999        /* the largest ADR number read back */
#define LOOKUP_LINE_MAX (1ULL << 40)   /* the largest line number read back */

enum lookup_kind { LOOKUP_WHY, LOOKUP_MARKS, LOOKUP_SINCE };

struct lookup {
	enum lookup_kind kind;
	unsigned client;    /* who asked (why, since): a client id */
	struct doc *doc;    /* whose text (why, marks); NULL once it is gone */
	char *path;         /* its path then */
	unsigned long line; /* why: the line asked about, 1-based */
	int64_t from;       /* since: the visit, ms since the epoch */
	unsigned popup;     /* since: the pop-up it completes (0: none open) */
	int on_join;        /* since: asked on joining */
	char head[CARRY_OID_HEX + 1]; /* marks: HEAD when asked */
	TAILQ_ENTRY(lookup) entry;
};
TAILQ_HEAD(lookups, lookup);

static struct lookups lookup_list = TAILQ_HEAD_INITIALIZER(lookup_list);

/* One kind of question: the child's computation and the daemon's use of
 * the answer (r NULL and fail set when there is none). */
struct lookup_type {
	const char *name;
	job_fork_fn child;
	void (*answer)(struct lookup *, struct answer_reader *, const char *);
};

static int lookup_why_child(struct bytes *, void *);
static void lookup_why_answer(
    struct lookup *, struct answer_reader *, const char *);
static int lookup_marks_child(struct bytes *, void *);
static void lookup_marks_answer(
    struct lookup *, struct answer_reader *, const char *);
static int lookup_since_child(struct bytes *, void *);
static void lookup_since_answer(
    struct lookup *, struct answer_reader *, const char *);

static const struct lookup_type lookup_types[] = {
    [LOOKUP_WHY] = {"why", lookup_why_child, lookup_why_answer},
    [LOOKUP_MARKS] = {"marks", lookup_marks_child, lookup_marks_answer},
    [LOOKUP_SINCE] = {"since", lookup_since_child, lookup_since_answer},
};

static void
lookup_free(struct lookup *l)
{
	free(l->path);
	free(l);
}

/* The person with id, if they are still here. */
static struct client *
lookup_client(unsigned id)
{
	struct client *c;

	TAILQ_FOREACH (c, &server->clients, entry) {
		if (c->id == id && c->ready && !c->closing)
			return c;
	}
	return NULL;
}

/* A child has ended: its answer, or why there is none. */
static void
lookup_done(const struct job_result *res, void *arg)
{
	struct lookup *l = arg;
	const struct lookup_type *t = &lookup_types[l->kind];
	struct answer_reader r;
	const char *fail = NULL;

	TAILQ_REMOVE(&lookup_list, l, entry);
	if (res->late)
		fail = "it took too long";
	else if (res->truncated)
		fail = "its answer was too long";
	else if (!WIFEXITED(res->status) || WEXITSTATUS(res->status) != 0)
		fail = "it failed";
	if (fail != NULL) {
		log_warn("lookup %s: %s", t->name, fail);
		t->answer(l, NULL, fail);
	} else {
		answer_reader_init(&r, res->out, res->outlen);
		t->answer(l, &r, NULL);
	}
	lookup_free(l);
}

/* Start l; 0, or -1 (l freed) with *err set. */
static int
lookup_start(struct lookup *l, char **err)
{
	const struct lookup_type *t = &lookup_types[l->kind];

	TAILQ_INSERT_TAIL(&lookup_list, l, entry);
	if (job_fork(server->loop, t->child, l, LOOKUP_TIMEOUT_MS, lookup_done,
	        l, err) == NULL) {
		TAILQ_REMOVE(&lookup_list, l, entry);
		log_debug("lookup %s: %s", t->name, *err);
		lookup_free(l);
		return -1;
	}
	return 0;
}

/* A document goes: answers about it have nowhere to go. */
void
lookup_forget_doc(struct doc *d)
{
	struct lookup *l;

	TAILQ_FOREACH (l, &lookup_list, entry) {
		if (l->doc == d)
			l->doc = NULL;
	}
}

/* ---------------------------------------------------------------------
 * In the child.
 */

/* The child's own repository; NULL with an error record written. */
static struct repo *
lookup_repo(struct bytes *out)
{
	struct repo *r;
	char *err = NULL;

	if ((r = repo_open(server->repo->workdir, &err)) == NULL) {
		answer_adds(out, "error");
		answer_adds(out, err);
		answer_end(out);
		free(err);
		return NULL;
	}
	r->max_file = server->repo->max_file;
	return r;
}

static void
lookup_error(struct bytes *out, const char *err)
{
	answer_adds(out, "error");
	answer_adds(out, err != NULL ? err : "unknown error");
	answer_end(out);
}

static int
lookup_accepted(const struct carry_dec *d)
{
	return d->status != NULL && strcasecmp(d->status, "accepted") == 0;
}

static int
lookup_why_child(struct bytes *out, void *arg)
{
	struct lookup *l = arg;
	struct why_hit *hits;
	struct repo *r;
	char *text, *err = NULL;
	size_t len, n, i;

	if ((r = lookup_repo(out)) == NULL)
		return 0;
	text = buffer_contents(l->doc->buf, &len);
	if (why_find(r, l->path, l->line, text, len, &hits, &n, &err) == -1) {
		lookup_error(out, err);
		return 0;
	}
	for (i = 0; i < n; i++) {
		answer_adds(out, "hit");
		answer_addu(out, hits[i].number);
		answer_adds(out, hits[i].id);
		answer_adds(out, hits[i].status);
		answer_adds(out, hits[i].title);
		answer_adds(out, hits[i].file);
		answer_adds(out, hits[i].how);
		answer_end(out);
	}
	answer_adds(out, "end");
	answer_end(out);
	return 0;
}

/* Lines of the new text a diff says are new or changed. */
static int
lookup_hunk_cb(const git_diff_delta *delta, const git_diff_hunk *h, void *arg)
{
	struct bytes *out = arg;

	if (h->new_lines > 0) {
		answer_adds(out, "edited");
		answer_addu(out, (uint64_t)h->new_start);
		answer_addu(out, (uint64_t)h->new_start + h->new_lines - 1);
		answer_end(out);
	}
	return 0;
}

/* "edited" records: the lines of text that differ from path at HEAD. */
static void
lookup_edited(struct repo *r, const char *path, const char *text, size_t len,
    struct bytes *out)
{
	git_diff_options opts;
	char *blob, *err = NULL;
	size_t blen;

	if ((blob = repo_head_file(r, path, &blen, &err)) == NULL) {
		free(err);
		return; /* not in HEAD: no decision covers it there */
	}
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.context_lines = 0;
	opts.interhunk_lines = 0;
	git_diff_buffers(blob, blen, path, text, len, path, &opts, NULL, NULL,
	    lookup_hunk_cb, NULL, out);
	free(blob);
}

static int
lookup_marks_child(struct bytes *out, void *arg)
{
	struct lookup *l = arg;
	struct carry_set set;
	struct carry_dec *d;
	struct carry_span *s;
	struct repo *r;
	char *text, *err = NULL;
	size_t len, i, j;

	if ((r = lookup_repo(out)) == NULL)
		return 0;
	text = buffer_contents(l->doc->buf, &len);
	if (carry_head(r, &set, &err) == -1 ||
	    carry_text(r, &set, l->path, text, len, &err) == -1) {
		lookup_error(out, err);
		return 0;
	}
	answer_adds(out, "head");
	answer_adds(out, set.head);
	answer_end(out);
	for (i = 0; i < set.n; i++) {
		d = &set.v[i];
		if (!lookup_accepted(d))
			continue;
		for (j = 0; j < d->nspans; j++) {
			s = &d->spans[j];
			if (strcmp(s->path, l->path) != 0)
				continue;
			answer_adds(out, "span");
			answer_addu(out, d->number);
			answer_addu(out, s->first);
			answer_addu(out, s->last);
			answer_end(out);
		}
	}
	lookup_edited(r, l->path, text, len, out);
	answer_adds(out, "end");
	answer_end(out);
	return 0;
}

static int
lookup_since_cmp(const void *a, const void *b)
{
	const struct carry_dec *x = *(const struct carry_dec *const *)a;
	const struct carry_dec *y = *(const struct carry_dec *const *)b;

	if (x->changed_time != y->changed_time)
		return x->changed_time > y->changed_time ? -1 : 1;
	return x->number < y->number ? -1 : x->number > y->number;
}

static int
lookup_since_child(struct bytes *out, void *arg)
{
	struct lookup *l = arg;
	struct carry_set set;
	struct carry_dec **v;
	struct why_record *recs = NULL;
	struct repo *r;
	const char *title;
	char *err = NULL;
	size_t i, j, n = 0, nrecs = 0;

	if ((r = lookup_repo(out)) == NULL)
		return 0;
	if (carry_head(r, &set, &err) == -1) {
		lookup_error(out, err);
		return 0;
	}
	/* Titles from the records; without them, the commit's subject. */
	if (why_records(r, &recs, &nrecs, &err) == -1) {
		free(err);
		nrecs = 0;
	}
	v = xcalloc(set.n + 1, sizeof *v);
	for (i = 0; i < set.n; i++) {
		if (lookup_accepted(&set.v[i]) && set.v[i].changed_time > 0 &&
		    set.v[i].changed_time > l->from / 1000)
			v[n++] = &set.v[i];
	}
	qsort(v, n, sizeof *v, lookup_since_cmp);
	for (i = 0; i < n; i++) {
		title = v[i]->subject;
		for (j = 0; j < nrecs; j++) {
			if (recs[j].number == v[i]->number &&
			    recs[j].rec.title != NULL)
				title = recs[j].rec.title;
		}
		answer_adds(out, "dec");
		answer_addu(out, v[i]->number);
		answer_adds(out, title);
		answer_addu(out, v[i]->changed);
		answer_addu(out, v[i]->decided);
		answer_addu(out, v[i]->commits);
		answer_addu(out, v[i]->authors);
		answer_addu(out, (uint64_t)v[i]->changed_time);
		answer_addu(out, v[i]->nspans);
		answer_end(out);
	}
	answer_adds(out, "end");
	answer_end(out);
	return 0;
}

/* ---------------------------------------------------------------------
 * In the daemon: asking, and using the answers.
 */

/*
 * Read an answer whose last record is "end": each record but that goes
 * to fn. Returns NULL, or why the answer is not one (an "error" record's
 * text, in *own to be freed, or a fixed sentence).
 */
static const char *
lookup_read(struct answer_reader *r, char **own,
    int (*fn)(const struct answer_rec *, void *), void *arg)
{
	struct answer_rec rec;
	int rc, ended = 0;

	*own = NULL;
	while ((rc = answer_next(r, &rec)) == 1) {
		if (ended)
			return "its answer was damaged";
		if (answer_is(&rec, 0, "error")) {
			*own = answer_dup(&rec, 1);
			return *own;
		}
		if (answer_is(&rec, 0, "end"))
			ended = 1;
		else if (fn(&rec, arg) == -1)
			return "its answer was damaged";
	}
	if (rc == -1 || !ended)
		return "its answer was damaged";
	return NULL;
}

/* why: hits, gathered as pop-up lines. */
struct lookup_why_hits {
	struct popup lines; /* only its lines */
	char *ids;          /* "ADR-0001 ADR-0007" */
	size_t n;
};

static int
lookup_why_hit(const struct answer_rec *rec, void *arg)
{
	struct lookup_why_hits *h = arg;
	uint64_t number;
	char *id, *status, *title, *file, *how, *ids;

	if (!answer_is(rec, 0, "hit") ||
	    answer_u64(rec, 1, LOOKUP_NUMBER_MAX, &number) == -1)
		return -1;
	id = answer_dup(rec, 2);
	status = answer_dup(rec, 3);
	title = answer_dup(rec, 4);
	file = answer_dup(rec, 5);
	how = answer_dup(rec, 6);
	popup_add(&h->lines, "%c%s %s %s", POPUP_BOLD, id,
	    *status != '\0' ? status : "?", title);
	if (*file != '\0')
		popup_add(&h->lines, "  %s", file);
	if (*how != '\0')
		popup_add(&h->lines, "  %s", how);
	xasprintf(&ids, "%s%s%s", h->ids != NULL ? h->ids : "",
	    h->ids != NULL ? " " : "", id);
	free(h->ids);
	h->ids = ids;
	h->n++;
	free(id);
	free(status);
	free(title);
	free(file);
	free(how);
	return 0;
}

/*
 * The answer of a why. It is shown to whoever asked if they are still
 * here: as the pop-up when they are editing (in whatever document and
 * line they are now: the title names the file and line asked about), as
 * a notice when they are in a prompt, the palette or another pop-up, so
 * that nothing they type goes astray.
 */
static void
lookup_why_answer(struct lookup *l, struct answer_reader *r, const char *fail)
{
	struct lookup_why_hits h;
	struct client *c;
	char *own = NULL, *title;
	size_t i;

	if ((c = lookup_client(l->client)) == NULL)
		return;
	c->why_asking = 0;
	memset(&h, 0, sizeof h);
	if (fail == NULL)
		fail = lookup_read(r, &own, lookup_why_hit, &h);
	if (fail != NULL) {
		server_client_notice(
		    c, "why %s:%lu: %s", l->path, l->line, fail);
	} else if (c->overlay == NULL) {
		xasprintf(&title, "Why %s:%lu", l->path, l->line);
		popup_open(&c->popup, title);
		free(title);
		for (i = 0; i < h.lines.nlines; i++)
			popup_add(&c->popup, "%s", h.lines.lines[i]);
		if (h.n == 0)
			popup_add(&c->popup,
			    "No recorded decision covers this line.");
		c->notice_until = 0; /* "looking" is over */
		server_client_popup(c);
	} else if (h.n == 0)
		server_client_notice(c,
		    "why %s:%lu: no recorded decision covers it", l->path,
		    l->line);
	else
		server_client_notice(
		    c, "why %s:%lu: %s", l->path, l->line, h.ids);
	popup_free(&h.lines);
	free(h.ids);
	free(own);
	c->dirty = 1;
}

/* The palette's `why`: the decisions behind the cursor's line, found off
 * the loop; the answer opens its pop-up when it comes. */
void
lookup_why(struct client *c)
{
	struct doc *d = c->view->doc;
	struct lookup *l;
	char *err = NULL;

	if (*d->path == '\0') {
		server_client_notice(c, "why: this buffer has no file");
		return;
	}
	if (c->why_asking) {
		server_client_notice(c, "why: still looking");
		return;
	}
	l = xcalloc(1, sizeof *l);
	l->kind = LOOKUP_WHY;
	l->client = c->id;
	l->doc = d;
	l->path = xstrdup(d->path);
	l->line = view_line(c->view) + 1;
	if (lookup_start(l, &err) == -1) {
		server_client_notice(c, "why: %s", err);
		free(err);
		return;
	}
	c->why_asking = 1;
	server_client_notice(c, "why: looking…");
}

/* marks: what the child found, before it is brought up to date. */
struct lookup_marks {
	struct marks m;
	char head[CARRY_OID_HEX + 1];
	size_t *edited; /* pairs of 0-based lines */
	size_t nedited;
};

static int
lookup_marks_rec(const struct answer_rec *rec, void *arg)
{
	struct lookup_marks *lm = arg;
	uint64_t number, first, last;
	size_t i;

	if (answer_is(rec, 0, "head")) {
		if (rec->n != 2 || rec->len[1] > CARRY_OID_HEX)
			return -1;
		for (i = 0; i < rec->len[1]; i++) {
			if (strchr("0123456789abcdef", rec->f[1][i]) == NULL ||
			    rec->f[1][i] == '\0')
				return -1;
		}
		memcpy(lm->head, rec->f[1], rec->len[1]);
		lm->head[rec->len[1]] = '\0';
		return 0;
	}
	if (answer_is(rec, 0, "span")) {
		if (answer_u64(rec, 1, LOOKUP_NUMBER_MAX, &number) == -1 ||
		    answer_u64(rec, 2, LOOKUP_LINE_MAX, &first) == -1 ||
		    answer_u64(rec, 3, LOOKUP_LINE_MAX, &last) == -1 ||
		    first == 0 || last < first)
			return -1;
		marks_add(&lm->m, first - 1, last - 1, number, 0);
		return 0;
	}
	if (answer_is(rec, 0, "edited")) {
		if (answer_u64(rec, 1, LOOKUP_LINE_MAX, &first) == -1 ||
		    answer_u64(rec, 2, LOOKUP_LINE_MAX, &last) == -1 ||
		    first == 0 || last < first)
			return -1;
		if (lm->nedited < MARKS_MAX) {
			lm->edited = xreallocarray(lm->edited, lm->nedited + 1,
			    2 * sizeof *lm->edited);
			lm->edited[2 * lm->nedited] = first - 1;
			lm->edited[2 * lm->nedited + 1] = last - 1;
			lm->nedited++;
		}
		return 0;
	}
	return -1;
}

static void lookup_marks_ask(struct doc *, const char *head);

/*
 * The marks of a document, computed on its text as it was when asked:
 * the edits made since (logged in the document's marks) are applied to
 * them as they were to the marks shown meanwhile, so they land where that
 * text is now. If too many edits came for the log, it asks again.
 */
static void
lookup_marks_answer(struct lookup *l, struct answer_reader *r, const char *fail)
{
	struct lookup_marks lm;
	struct doc *d = l->doc;
	char *own = NULL;
	size_t i;

	if (d == NULL)
		return;
	d->marks_asking = 0;
	memset(&lm, 0, sizeof lm);
	marks_init(&lm.m);
	if (fail == NULL)
		fail = lookup_read(r, &own, lookup_marks_rec, &lm);
	if (fail != NULL) {
		/* Not asked again until HEAD moves. */
		log_warn("%s: margin marks: %s", d->path, fail);
		marks_log_stop(&d->marks);
		snprintf(d->marks_head, sizeof d->marks_head, "%s", l->head);
		goto out;
	}
	for (i = 0; i < lm.nedited; i++)
		marks_set_edited(&lm.m, lm.edited[2 * i], lm.edited[2 * i + 1]);
	if (marks_log_replay(&lm.m, &d->marks) == -1) {
		marks_log_stop(&d->marks);
		lookup_marks_ask(d, l->head);
		goto out;
	}
	marks_log_stop(&d->marks);
	marks_clip(&lm.m, buffer_lines(d->buf));
	free(d->marks.v);
	d->marks.v = lm.m.v;
	d->marks.n = lm.m.n;
	d->marks.cap = lm.m.cap;
	lm.m.v = NULL;
	/* HEAD as it was when asked: if it moved since, the next tick
	 * asks again. */
	snprintf(d->marks_head, sizeof d->marks_head, "%s", l->head);
	server_redraw_doc(d);
out:
	marks_free(&lm.m);
	free(lm.edited);
	free(own);
}

/* Compute d's marks (HEAD is head now). */
static void
lookup_marks_ask(struct doc *d, const char *head)
{
	struct lookup *l;
	char *err = NULL;

	l = xcalloc(1, sizeof *l);
	l->kind = LOOKUP_MARKS;
	l->doc = d;
	l->path = xstrdup(d->path);
	snprintf(l->head, sizeof l->head, "%s", head);
	marks_log_start(&d->marks);
	if (lookup_start(l, &err) == -1) {
		/* Asked again at the next tick. */
		marks_log_stop(&d->marks);
		free(err);
		return;
	}
	d->marks_asking = 1;
}

/* Whether d's marks are for HEAD (head): if not, compute them. */
static void
lookup_marks_head(struct doc *d, const struct repo_head *h)
{
	if (*d->path == '\0' || d->marks_asking ||
	    strcmp(d->marks_head, h->id) == 0)
		return;
	if (h->unborn) {
		/* No commit, no decision. */
		marks_clear(&d->marks);
		*d->marks_head = '\0';
		return;
	}
	lookup_marks_ask(d, h->id);
}

/* A document is shown to someone: its marks, unless they are HEAD's. */
void
lookup_marks(struct doc *d)
{
	struct repo_head h;
	char *err = NULL;

	if (*d->path == '\0' || d->marks_asking)
		return;
	if (repo_head(server->repo, &h, &err) == -1) {
		log_debug("HEAD: %s", err);
		free(err);
		return;
	}
	lookup_marks_head(d, &h);
	repo_head_clear(&h);
}

/*
 * Every second: has HEAD moved (a commit in the session or outside it, a
 * checkout, a reset)? Reading it is reading a reference, not history;
 * the marks of every document someone looks at are computed again when
 * it has.
 */
void
lookup_tick(void)
{
	struct repo_head h;
	struct client *c;
	char *err = NULL;

	if (TAILQ_EMPTY(&server->clients))
		return;
	if (repo_head(server->repo, &h, &err) == -1) {
		log_debug("HEAD: %s", err);
		free(err);
		return;
	}
	TAILQ_FOREACH (c, &server->clients, entry) {
		if (c->ready && !c->closing && c->view->doc != NULL)
			lookup_marks_head(c->view->doc, &h);
	}
	repo_head_clear(&h);
}

/* since: the decisions found. */
static int
lookup_since_rec(const struct answer_rec *rec, void *arg)
{
	struct since_decs *sd = arg;
	struct since_dec *s;
	uint64_t number, changed, decided, commits, authors, time, spans;

	if (!answer_is(rec, 0, "dec") ||
	    answer_u64(rec, 1, LOOKUP_NUMBER_MAX, &number) == -1 ||
	    answer_u64(rec, 3, LOOKUP_LINE_MAX, &changed) == -1 ||
	    answer_u64(rec, 4, LOOKUP_LINE_MAX, &decided) == -1 ||
	    answer_u64(rec, 5, UINT32_MAX, &commits) == -1 ||
	    answer_u64(rec, 6, UINT32_MAX, &authors) == -1 ||
	    answer_u64(rec, 7, INT64_MAX / 1000, &time) == -1 ||
	    answer_u64(rec, 8, LOOKUP_LINE_MAX, &spans) == -1)
		return -1;
	if (sd->n == MARKS_MAX)
		return 0; /* enough to read */
	sd->v = xreallocarray(sd->v, sd->n + 1, sizeof *sd->v);
	s = &sd->v[sd->n++];
	s->number = (unsigned)number;
	s->title = answer_dup(rec, 2);
	s->changed = changed;
	s->decided = decided;
	s->commits = (unsigned)commits;
	s->authors = (unsigned)authors;
	s->time = (int64_t)time;
	s->gone = spans == 0;
	return 0;
}

static void
lookup_since_answer(struct lookup *l, struct answer_reader *r, const char *fail)
{
	struct since_decs sd;
	struct client *c;
	char *own = NULL;
	size_t i;

	if ((c = lookup_client(l->client)) == NULL)
		return;
	memset(&sd, 0, sizeof sd);
	sd.state = SINCE_KNOWN;
	if (fail == NULL)
		fail = lookup_read(r, &own, lookup_since_rec, &sd);
	if (fail != NULL) {
		sd.state = SINCE_FAILED;
		sd.n = 0;
	}
	/* Into the pop-up it belongs to, if it is still open; on joining
	 * with nothing else to say, a pop-up of its own if there is news
	 * and the person is editing. */
	if (c->overlay == &overlay_popup && l->popup != 0 &&
	    c->popup.id == l->popup)
		chat_since_show(c, l->on_join, &sd);
	else if (l->on_join && l->popup == 0 && c->overlay == NULL && sd.n > 0)
		chat_since_show(c, 1, &sd);
	for (i = 0; i < sd.n; i++)
		free(sd.v[i].title);
	free(sd.v);
	free(own);
}

/* `since` (and joining): find the accepted decisions whose code changed
 * after c's last visit; the answer completes the pop-up chat.c opened
 * (popup: its id, 0 if none). Returns 0, or -1 when it cannot ask. */
int
lookup_since(struct client *c, int on_join, unsigned popup)
{
	struct lookup *l;
	char *err = NULL;

	l = xcalloc(1, sizeof *l);
	l->kind = LOOKUP_SINCE;
	l->client = c->id;
	l->from = c->last_visit;
	l->popup = popup;
	l->on_join = on_join;
	if (lookup_start(l, &err) == -1) {
		log_info("since: %s", err);
		free(err);
		return -1;
	}
	return 0;
}
