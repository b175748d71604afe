/* decisions.c: `moot decisions`: the list of records, their open
 * questions (--open), the stale ones (--stale), or all as JSON (--json). */
#include "moot.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carry.h"
#include "inert.h"
#include "journal.h"
#include "json.h"
#include "record.h"
#include "repo.h"
#include "why.h"
#include "why-int.h"

static void
decisions_usage(FILE *f)
{
	fprintf(f, "usage: moot decisions [-C DIR] [--open | --stale] "
	           "[--json]\n");
}

/* The status word a record shows in the list. */
static const char *
decisions_record_status(const struct record *rec)
{
	if (rec->state == RECORD_UNKNOWN)
		return "unknown";
	if (rec->state == RECORD_OTHER && rec->status != NULL)
		return rec->status;
	return record_state_name(rec->state);
}

/* What `moot decisions --open` gathers from the journal. */
struct decisions_open_list {
	char **questions; /* "-     question" lines */
	size_t nquestions;
	char **drafts; /* "NNNN  draft: TITLE" lines */
	size_t ndrafts;
};

static void
decisions_open_question(
    void *arg, int64_t id, int64_t time, const char *author, const char *text)
{
	struct decisions_open_list *ol = arg;
	char *safe = inert_cli(text), *line;

	xasprintf(&line, "-     %s", safe);
	free(safe);
	ol->questions = xreallocarray(
	    ol->questions, ol->nquestions + 1, sizeof *ol->questions);
	ol->questions[ol->nquestions++] = line;
}

static void
decisions_open_draft(void *arg, const struct journal_draft *d)
{
	struct decisions_open_list *ol = arg;
	char *safe = inert_cli(d->title), *line;

	xasprintf(&line, "%04u  draft: %s", d->number, safe);
	free(safe);
	ol->drafts =
	    xreallocarray(ol->drafts, ol->ndrafts + 1, sizeof *ol->drafts);
	ol->drafts[ol->ndrafts++] = line;
}

/* Print the open questions of the session journal; -1 when it cannot be
 * read (said on stderr). */
static int
decisions_open_journal(struct repo *r)
{
	struct journal_replay cb;
	struct decisions_open_list ol;
	struct journal *j;
	char *path, *err = NULL;
	size_t i;
	int rc = 0;

	xasprintf(&path, "%s%s", r->state, JOURNAL_FILE);
	j = journal_open_readonly(path, &err);
	free(path);
	if (j == NULL) {
		if (err == NULL)
			return 0; /* no session yet */
		fprintf(stderr, "moot decisions: ");
		why_put(stderr, err);
		fputc('\n', stderr);
		free(err);
		return -1;
	}
	/* Only questions and drafts: replay leaves out what has no
	 * callback. */
	memset(&cb, 0, sizeof cb);
	cb.question = decisions_open_question;
	cb.draft = decisions_open_draft;
	memset(&ol, 0, sizeof ol);
	if (journal_replay(j, &cb, &ol, &err) != 0) {
		fprintf(stderr, "moot decisions: ");
		why_put(stderr, err);
		fputc('\n', stderr);
		free(err);
		rc = -1;
	} else {
		for (i = 0; i < ol.nquestions; i++)
			printf("%s\n", ol.questions[i]);
		for (i = 0; i < ol.ndrafts; i++)
			printf("%s\n", ol.drafts[i]);
	}
	for (i = 0; i < ol.nquestions; i++)
		free(ol.questions[i]);
	free(ol.questions);
	for (i = 0; i < ol.ndrafts; i++)
		free(ol.drafts[i]);
	free(ol.drafts);
	journal_close(j);
	return rc;
}

/* ---------------------------------------------------------------------
 * moot decisions --stale, --json: records and history together.
 */

/* A record of the decision directory, or a decision in history with no
 * record there, or both. */
struct decisions_entry {
	unsigned number;
	const struct why_record *rec; /* NULL: no record */
	int has_dec;                  /* a decision in history */
	struct why_change change;     /* of it, at HEAD */
	char *status;
	char *title;
};

static int
decisions_entry_cmp(const void *a, const void *b)
{
	const struct decisions_entry *ea = a, *eb = b;

	if (ea->number != eb->number)
		return ea->number < eb->number ? -1 : 1;
	if (ea->rec == NULL || eb->rec == NULL)
		return ea->rec == NULL ? (eb->rec == NULL ? 0 : 1) : -1;
	return strcmp(ea->rec->file, eb->rec->file);
}

/* Newest change first; then by number. */
static int
decisions_entry_stale_cmp(const void *a, const void *b)
{
	const struct decisions_entry *ea = a, *eb = b;

	if (ea->change.time != eb->change.time)
		return ea->change.time > eb->change.time ? -1 : 1;
	return decisions_entry_cmp(a, b);
}

static int
decisions_has_record(const struct why_record *recs, size_t n, unsigned number)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (recs[i].number == number)
			return 1;
	}
	return 0;
}

/* Every record and every decision in history, by number. */
static struct decisions_entry *
decisions_entries(struct carry_set *set, const struct why_record *recs,
    size_t nrecs, size_t *n)
{
	struct decisions_entry *v, *e;
	const struct carry_dec *d;
	size_t used = 0, i;

	v = xreallocarray(NULL, nrecs + set->n + 1, sizeof *v);
	for (i = 0; i < nrecs; i++) {
		memset(&v[used], 0, sizeof v[used]);
		v[used].number = recs[i].number;
		v[used++].rec = &recs[i];
	}
	for (i = 0; i < set->n; i++) {
		if (decisions_has_record(recs, nrecs, set->v[i].number))
			continue;
		memset(&v[used], 0, sizeof v[used]);
		v[used++].number = set->v[i].number;
	}
	for (i = 0; i < used; i++) {
		e = &v[i];
		d = why_set_find(set, e->number);
		if (d != NULL) {
			e->has_dec = 1;
			why_change_of(d, &e->change);
		}
		e->status = why_status(e->rec != NULL ? &e->rec->rec : NULL,
		    d != NULL ? d->status : NULL);
		if (e->rec != NULL && e->rec->rec.title == NULL)
			e->title = xstrdup(e->rec->file);
		else
			e->title =
			    why_title(e->rec != NULL ? &e->rec->rec : NULL,
			        d != NULL ? d->subject : NULL);
		e->change.stale = why_stale(d, &e->change, e->status);
	}
	if (used > 1)
		qsort(v, used, sizeof *v, decisions_entry_cmp);
	*n = used;
	return v;
}

static void
decisions_entries_free(struct decisions_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].status);
		free(v[i].title);
	}
	free(v);
}

/* The decision list as JSON. */
static void
decisions_json(struct carry_set *set, const struct decisions_entry *v, size_t n)
{
	struct why_json_dec j;
	const struct carry_dec *d;
	unsigned via;
	size_t i, k;

	fputs("{\"head\":", stdout);
	json_id(stdout, set->head);
	fputs(",\"decisions\":[", stdout);
	for (i = 0; i < n; i++) {
		d = why_set_find(set, v[i].number);
		memset(&j, 0, sizeof j);
		j.number = v[i].number;
		j.status = v[i].status;
		j.title = v[i].title;
		j.record = v[i].rec != NULL ? v[i].rec->file : NULL;
		j.date = v[i].rec != NULL ? v[i].rec->rec.date : NULL;
		j.change = v[i].has_dec ? &v[i].change : NULL;
		if (d != NULL) {
			j.commit = d->commit;
			j.time = d->time;
			j.ranges = d->ranges;
			j.nranges = d->nranges;
			j.now = d->spans;
			j.nnow = d->nspans;
			for (via = 0, k = 0; k < d->nspans; k++)
				via |= d->spans[k].how;
			j.via = via;
			if (d->nranges > 0)
				j.how = d->nspans == 0 ? "gone"
				                       : why_carry_word(via);
		}
		if (i > 0)
			putchar(',');
		why_json_dec(stdout, &j);
	}
	fputs("]}\n", stdout);
}

/* One line per stale decision: "NNNN  DATE  CHANGE  TITLE". */
static void
decisions_stale(const struct decisions_entry *v, size_t n)
{
	char date[WHY_DATE_SIZE], *change;
	size_t i;

	for (i = 0; i < n; i++) {
		why_date(v[i].change.time, date);
		change = why_change_text(&v[i].change);
		printf("%04u  %s  %s  ", v[i].number, date, change);
		why_put(stdout, v[i].title);
		putchar('\n');
		free(change);
	}
}

/* moot decisions --stale and/or --json. */
static int
decisions_history(struct repo *r, const struct why_record *recs, size_t nrecs,
    int stale, int json)
{
	struct carry_set set;
	struct decisions_entry *v;
	char *err = NULL;
	size_t n, i, kept;

	if (carry_head(r, &set, &err) != 0) {
		why_fail("decisions", err);
		return 1;
	}
	v = decisions_entries(&set, recs, nrecs, &n);
	if (stale) {
		for (i = 0, kept = 0; i < n; i++) {
			if (v[i].change.stale)
				v[kept++] = v[i];
			else {
				free(v[i].status);
				free(v[i].title);
			}
		}
		n = kept;
		if (n > 1)
			qsort(v, n, sizeof *v, decisions_entry_stale_cmp);
	}
	if (json) {
		why_carry_tree(r, &set, NULL, 0, NULL);
		decisions_json(&set, v, n);
	} else
		decisions_stale(v, n);
	decisions_entries_free(v, n);
	carry_set_free(&set);
	return 0;
}

int
decisions_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"open", no_argument, NULL, 'o'}, {"stale", no_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	struct why_record *recs;
	struct record *rec;
	struct repo *r;
	const char *dir = NULL;
	char *err = NULL;
	size_t n, i, q;
	int ch, open = 0, stale = 0, json = 0, rc = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "C:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			dir = optarg;
			break;
		case 'o':
			open = 1;
			break;
		case 's':
			stale = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			decisions_usage(stdout);
			return 0;
		default:
			decisions_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "moot decisions: unexpected argument '");
		why_put(stderr, argv[optind]);
		fprintf(stderr, "'\n");
		decisions_usage(stderr);
		return 2;
	}
	if (open && (stale || json)) {
		fprintf(stderr, "moot decisions: --open goes with neither "
		                "--stale nor --json\n");
		decisions_usage(stderr);
		return 2;
	}
	if ((r = why_open("decisions", dir)) == NULL)
		return 1;
	if (why_records(r, &recs, &n, &err) != 0) {
		why_fail("decisions", err);
		repo_free(r);
		return 1;
	}
	if (stale || json) {
		rc = decisions_history(r, recs, n, stale, json);
		why_records_free(recs, n);
		repo_free(r);
		fflush(stdout);
		return rc;
	}
	for (i = 0; i < n; i++) {
		rec = &recs[i].rec;
		if (open) {
			if (rec->state != RECORD_PROPOSED &&
			    rec->state != RECORD_ACCEPTED)
				continue;
			for (q = 0; q < rec->nquestions; q++) {
				printf("%04u  ", recs[i].number);
				why_put(stdout, rec->questions[q]);
				putchar('\n');
			}
			continue;
		}
		printf("%04u  ", recs[i].number);
		why_put(stdout, decisions_record_status(rec));
		fputs("  ", stdout);
		why_put(stdout, rec->date != NULL ? rec->date : "-");
		fputs("  ", stdout);
		why_put(stdout, rec->title != NULL ? rec->title : recs[i].file);
		putchar('\n');
	}
	why_records_free(recs, n);
	if (open && decisions_open_journal(r) != 0)
		rc = 1;
	repo_free(r);
	fflush(stdout);
	return rc;
}
