/* timeline.c: `moot log`: the journal's events (read-only, beside a running
 * daemon or not) and HEAD's commits, merged in time order. */
#include "moot.h"

#include <ctype.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <git2.h>

#include "carry.h"
#include "inert.h"
#include "journal.h"
#include "json.h"
#include "repo.h"
#include "timeline.h"
#include "why-int.h"

/* The kind of a commit of HEAD's history that no journal event tells of. */
#define TIMELINE_GIT 'g'
/* How far a commit may be older than the event that tells of it (its
 * commit-msg hook, clocks): commits this much before the start are read
 * to be matched, not listed. */
#define TIMELINE_SLACK (24 * 3600)
#define TIMELINE_DATE_SIZE 32 /* "YYYY-MM-DD HH:MM UTC" and its NUL */

/* What each kind is called in --json, and the word its line starts with
 * when the journal's sentence has none. */
static const struct timeline_kind {
	int kind;
	const char *word;
	const char *prefix;
} timeline_kinds[] = {
    {JOURNAL_EV_JOINED, "joined", ""},
    {JOURNAL_EV_LEFT, "left", ""},
    {JOURNAL_EV_QUESTION, "asked", ""},
    {JOURNAL_EV_ANSWERED, "answered", ""},
    {JOURNAL_EV_DRAFT, "drafted", ""},
    {JOURNAL_EV_ACCEPTED, "accepted", ""},
    {JOURNAL_EV_REJECTED, "rejected", ""},
    {JOURNAL_EV_SUPERSEDED, "superseded", ""},
    {JOURNAL_EV_SAVED, "saved", "saved "},
    {JOURNAL_EV_COMMIT, "committed", ""},
    {TIMELINE_GIT, "committed", ""},
};

/* One line of the log. */
struct timeline_item {
	int64_t time; /* ms since the epoch */
	size_t seq;   /* order of arrival, for equal times */
	int kind;     /* JOURNAL_EV_*, TIMELINE_GIT */
	char *author; /* key ("" for a commit from git) */
	char *text;   /* the journal's sentence, or built from the commit */
	const struct timeline_commit *commit; /* NULL: none */
};

/* A commit of HEAD's history. */
struct timeline_commit {
	char id[GIT_OID_HEXSZ + 1];
	int64_t time; /* committer time, Unix seconds */
	char *author;
	char *summary;
	unsigned decision; /* Decision-Id, 0: none */
	unsigned *refs;    /* Refs ids, in order */
	size_t nrefs;
	int told; /* a journal event tells of it */
};

/* Who is who, and when each was last here (from the journal). */
struct timeline_person {
	char *author;
	char *name;
	int64_t visit; /* 0: never */
};

struct timeline {
	struct timeline_item *items;
	size_t nitems;
	struct timeline_commit *commits;
	size_t ncommits;
	struct timeline_person *people;
	size_t npeople;
	int64_t first; /* the earliest event, 0: none */
};

static void
timeline_usage(FILE *f)
{
	fprintf(f, "usage: moot log [-C DIR] [--since DATE | --for NAME] "
	           "[--json]\n");
}

static void
timeline_help(void)
{
	timeline_usage(stdout);
	printf("\n"
	       "What happened in the session, oldest first: who joined and "
	       "left,\n"
	       "questions asked and answered, decisions drafted, accepted, "
	       "rejected\n"
	       "and superseded, files saved, and commits with their Refs.\n"
	       "\n"
	       "  -C DIR          the repository (default: .)\n"
	       "  --since DATE    from DATE: YYYY-MM-DD, 'YYYY-MM-DD HH:MM' "
	       "(UTC),\n"
	       "                  or a span before now: 90m, 2h, 3d, 1w\n"
	       "  --for NAME      since NAME was last present (everything "
	       "if never)\n"
	       "  --json          one JSON array, one object per line\n"
	       "\n"
	       "Without --since or --for, from the journal's first event. "
	       "See moot(1).\n");
}

/* ---------------------------------------------------------------------
 * Dates.
 */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
timeline_days(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static unsigned
timeline_month_days(unsigned y, unsigned m)
{
	static const unsigned days[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* n digits at s as a number; -1 if they are not all digits. */
static int
timeline_digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "2h", "3d": a span before now. */
static int
timeline_parse_span(const char *s, int64_t now, int64_t *out)
{
	static const struct {
		char unit;
		int64_t ms;
	} units[] = {{'m', 60000}, {'h', 3600000}, {'d', 86400000},
	    {'w', 7 * 86400000LL}};
	size_t n = strspn(s, "0123456789"), i;
	int64_t v = 0;

	if (n == 0 || n > 6 || s[n] == '\0' || s[n + 1] != '\0')
		return -1;
	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (s[n] == units[i].unit) {
			*out = now - v * units[i].ms;
			return 0;
		}
	}
	return -1;
}

int
timeline_parse_since(const char *s, int64_t now, int64_t *out)
{
	int y, m, d, hh = 0, mm = 0;
	const char *p;

	if (strlen(s) < 10 || s[4] != '-')
		return timeline_parse_span(s, now, out);
	y = timeline_digits(s, 4);
	m = timeline_digits(s + 5, 2);
	d = timeline_digits(s + 8, 2);
	if (y < 1970 || s[7] != '-' || m < 1 || m > 12 || d < 1 ||
	    (unsigned)d > timeline_month_days((unsigned)y, (unsigned)m))
		return -1;
	p = s + 10;
	if (*p == ' ' || *p == 'T') {
		hh = timeline_digits(p + 1, 2);
		mm = p[1] != '\0' && p[2] != '\0' && p[3] == ':'
		         ? timeline_digits(p + 4, 2)
		         : -1;
		if (hh < 0 || hh > 23 || mm < 0 || mm > 59)
			return -1;
		p += 6;
		if (strcmp(p, " UTC") == 0 || strcmp(p, "Z") == 0)
			p += strlen(p);
	}
	if (*p != '\0')
		return -1;
	*out = (timeline_days(y, (unsigned)m, (unsigned)d) * 86400 + hh * 3600 +
	           mm * 60) *
	       1000;
	return 0;
}

/* A time (ms) as "YYYY-MM-DD HH:MM UTC", the session's way. */
static void
timeline_date(int64_t ms, char out[TIMELINE_DATE_SIZE])
{
	struct tm tm;
	time_t t = (time_t)(ms / 1000);

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, TIMELINE_DATE_SIZE, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(out, TIMELINE_DATE_SIZE, "?");
}

/* ---------------------------------------------------------------------
 * The journal.
 */

static struct timeline_person *
timeline_person_get(struct timeline *tl, const char *author)
{
	struct timeline_person *p;
	size_t i;

	for (i = 0; i < tl->npeople; i++) {
		if (strcmp(tl->people[i].author, author) == 0)
			return &tl->people[i];
	}
	tl->people =
	    xreallocarray(tl->people, tl->npeople + 1, sizeof *tl->people);
	p = &tl->people[tl->npeople++];
	p->author = xstrdup(author);
	p->name = NULL;
	p->visit = 0;
	return p;
}

static void
timeline_person(
    void *arg, const char *author, const char *name, const char *email)
{
	struct timeline_person *p = timeline_person_get(arg, author);

	free(p->name);
	p->name = xstrdup(name);
}

static void
timeline_visit(void *arg, const char *author, int64_t time)
{
	timeline_person_get(arg, author)->visit = time;
}

static struct timeline_item *
timeline_add(struct timeline *tl, int64_t time, int kind, const char *author)
{
	struct timeline_item *it;

	tl->items = xreallocarray(tl->items, tl->nitems + 1, sizeof *tl->items);
	it = &tl->items[tl->nitems];
	memset(it, 0, sizeof *it);
	it->seq = tl->nitems++;
	it->time = time;
	it->kind = kind;
	it->author = xstrdup(author);
	return it;
}

static void
timeline_event(void *arg, int64_t time, int kind, const char *author,
    const char *text, const char *place)
{
	struct timeline *tl = arg;

	timeline_add(tl, time, kind, author)->text = xstrdup(text);
	if (tl->first == 0 || time < tl->first)
		tl->first = time;
}

/* Read the journal's people, visits and events; a journal that is not
 * there is no error. -1 when it cannot be read (said on stderr). */
static int
timeline_journal(struct repo *r, struct timeline *tl)
{
	struct journal_replay cb;
	struct journal *j;
	char *path, *err = NULL;
	int rc = 0;

	xasprintf(&path, "%s%s", r->state, JOURNAL_FILE);
	j = journal_open_readonly(path, &err);
	free(path);
	if (j == NULL) {
		if (err == NULL)
			return 0;
		why_fail("log", err);
		return -1;
	}
	/* Only who is who, the events and the visits: replay leaves out what
	 * has no callback (documents, edits, cursors, problems). */
	memset(&cb, 0, sizeof cb);
	cb.person = timeline_person;
	cb.event = timeline_event;
	cb.visit = timeline_visit;
	if (journal_replay(j, &cb, tl, &err) != 0) {
		why_fail("log", err);
		rc = -1;
	}
	journal_close(j);
	return rc;
}

/* ---------------------------------------------------------------------
 * HEAD's history.
 */

static void
timeline_commit_read(struct timeline_commit *tc, git_commit *c)
{
	git_message_trailer_array arr;
	const git_signature *who = git_commit_author(c);
	const char *msg = git_commit_message(c), *summary, *p;
	unsigned n;
	size_t i;

	memset(tc, 0, sizeof *tc);
	git_oid_tostr(tc->id, sizeof tc->id, git_commit_id(c));
	tc->time = (int64_t)git_commit_time(c);
	tc->author = xstrdup(who != NULL && who->name != NULL ? who->name : "");
	summary = git_commit_summary(c);
	tc->summary = xstrdup(summary != NULL ? summary : "");
	if (msg == NULL || git_message_trailers(&arr, msg) != 0)
		return;
	for (i = 0; i < arr.count; i++) {
		if (strcasecmp(arr.trailers[i].key, "Decision-Id") == 0 &&
		    tc->decision == 0)
			tc->decision = carry_id_value(arr.trailers[i].value);
		else if (strcasecmp(arr.trailers[i].key, "Refs") == 0) {
			p = arr.trailers[i].value;
			while ((n = carry_refs_next(&p)) != 0) {
				tc->refs = xreallocarray(
				    tc->refs, tc->nrefs + 1, sizeof *tc->refs);
				tc->refs[tc->nrefs++] = n;
			}
		}
	}
	git_message_trailer_array_free(&arr);
}

/* The commits of HEAD's history, newest first: all, or (bounded) those
 * from Unix time from on and TIMELINE_SLACK before. Returns 0, or -1
 * (said on stderr). */
static int
timeline_git(struct repo *r, int bounded, int64_t from, struct timeline *tl)
{
	git_revwalk *walk;
	git_commit *c;
	git_oid oid;
	int rc;

	if (git_repository_head_unborn(r->git) == 1)
		return 0;
	if (git_revwalk_new(&walk, r->git) != 0)
		goto fail;
	git_revwalk_sorting(walk, GIT_SORT_TIME);
	if (git_revwalk_push_head(walk) != 0) {
		git_revwalk_free(walk);
		goto fail;
	}
	while ((rc = git_revwalk_next(&oid, walk)) == 0) {
		if (git_commit_lookup(&c, r->git, &oid) != 0)
			continue;
		if (bounded && git_commit_time(c) < from - TIMELINE_SLACK) {
			git_commit_free(c);
			break;
		}
		tl->commits = xreallocarray(
		    tl->commits, tl->ncommits + 1, sizeof *tl->commits);
		timeline_commit_read(&tl->commits[tl->ncommits++], c);
		git_commit_free(c);
	}
	git_revwalk_free(walk);
	if (rc == 0 || rc == GIT_ITEROVER)
		return 0;
fail:
	fprintf(stderr, "moot log: cannot walk the history: ");
	why_put(stderr, git_error_last() != NULL ? git_error_last()->message
	                                         : "unknown error");
	fputc('\n', stderr);
	return -1;
}

/* The commit with this 7-digit prefix not told of yet, or NULL. */
static struct timeline_commit *
timeline_find_id(struct timeline *tl, const char *prefix)
{
	size_t i;

	for (i = tl->ncommits; i > 0; i--) {
		if (!tl->commits[i - 1].told &&
		    strncmp(tl->commits[i - 1].id, prefix, 7) == 0)
			return &tl->commits[i - 1];
	}
	return NULL;
}

/* The decision's commit not told of yet, or NULL. */
static struct timeline_commit *
timeline_find_decision(struct timeline *tl, unsigned number)
{
	size_t i;

	for (i = tl->ncommits; i > 0; i--) {
		if (!tl->commits[i - 1].told &&
		    tl->commits[i - 1].decision == number)
			return &tl->commits[i - 1];
	}
	return NULL;
}

/*
 * The commit an event tells of, if it is in HEAD's history: a commit event
 * "NAME committed 1a2b3c4: MESSAGE" names the first 7 digits of its id,
 * an accepted or rejected one "NAME accepted ADR-0007: TITLE" the
 * Decision-Id of its commit. The oldest such commit not told of by an
 * earlier event is the one.
 */
static struct timeline_commit *
timeline_match(struct timeline *tl, const struct timeline_item *it)
{
	const char *needle, *p, *end;
	struct timeline_commit *tc;
	unsigned n;

	switch (it->kind) {
	case JOURNAL_EV_COMMIT:
		needle = " committed ";
		break;
	case JOURNAL_EV_ACCEPTED:
		needle = " accepted ";
		break;
	case JOURNAL_EV_REJECTED:
		needle = " rejected ";
		break;
	default:
		return NULL;
	}
	for (p = it->text; (p = strstr(p, needle)) != NULL; p++) {
		end = p + strlen(needle);
		if (it->kind == JOURNAL_EV_COMMIT) {
			if (strspn(end, "0123456789abcdef") < 7 ||
			    strncmp(end + 7, ": ", 2) != 0)
				continue;
			tc = timeline_find_id(tl, end);
		} else {
			if ((n = carry_id_number(end, &end)) == 0 ||
			    *end != ':')
				continue;
			tc = timeline_find_decision(tl, n);
		}
		if (tc != NULL) {
			tc->told = 1;
			return tc;
		}
	}
	return NULL;
}

/* ---------------------------------------------------------------------
 * The log.
 */

static const struct timeline_kind *
timeline_kind(int kind)
{
	size_t i;

	for (i = 0; i < sizeof timeline_kinds / sizeof timeline_kinds[0]; i++) {
		if (timeline_kinds[i].kind == kind)
			return &timeline_kinds[i];
	}
	return NULL;
}

/* The name of whoever an item is by, NULL when not known. */
static const char *
timeline_who(const struct timeline *tl, const struct timeline_item *it)
{
	size_t i;

	if (it->kind == TIMELINE_GIT)
		return it->commit->author;
	for (i = 0; i < tl->npeople; i++) {
		if (strcmp(tl->people[i].author, it->author) == 0)
			return tl->people[i].name;
	}
	return NULL;
}

static int
timeline_item_cmp(const void *a, const void *b)
{
	const struct timeline_item *ia = a, *ib = b;

	if (ia->time != ib->time)
		return ia->time < ib->time ? -1 : 1;
	return ia->seq < ib->seq ? -1 : ia->seq > ib->seq;
}

/* The item's sentence: the kind's prefix and its text (caller frees). */
static char *
timeline_sentence(const struct timeline_item *it)
{
	const struct timeline_kind *k = timeline_kind(it->kind);
	char *s;

	xasprintf(&s, "%s%s", k != NULL ? k->prefix : "", it->text);
	return s;
}

/* What git adds to a line: " (commit 1a2b3c4, Refs: ADR-0001)", or "". */
static char *
timeline_suffix(const struct timeline_item *it)
{
	const struct timeline_commit *tc = it->commit;
	char *s = xstrdup(""), *t;
	size_t i;

	if (tc == NULL)
		return s;
	if (it->kind != JOURNAL_EV_COMMIT && it->kind != TIMELINE_GIT) {
		free(s);
		xasprintf(&s, "commit %.7s", tc->id);
	}
	if (it->kind == TIMELINE_GIT && tc->decision != 0) {
		free(s);
		xasprintf(&s, "Decision-Id: ADR-%04u", tc->decision);
	}
	for (i = 0; i < tc->nrefs; i++) {
		t = s;
		xasprintf(&s, "%s%s%sADR-%04u", t,
		    i == 0 && *t != '\0' ? ", " : "", i == 0 ? "Refs: " : ", ",
		    tc->refs[i]);
		free(t);
	}
	if (*s == '\0')
		return s;
	t = s;
	xasprintf(&s, " (%s)", t);
	free(t);
	return s;
}

static void
timeline_print_text(const struct timeline *tl)
{
	const struct timeline_item *it;
	char date[TIMELINE_DATE_SIZE], *sentence, *suffix;
	size_t i;

	for (i = 0; i < tl->nitems; i++) {
		it = &tl->items[i];
		timeline_date(it->time, date);
		sentence = timeline_sentence(it);
		suffix = timeline_suffix(it);
		printf("%s  ", date);
		why_put(stdout, sentence);
		fputs(suffix, stdout);
		putchar('\n');
		free(suffix);
		free(sentence);
	}
}

static void
timeline_print_json(const struct timeline *tl)
{
	const struct timeline_item *it;
	const struct timeline_kind *k;
	char id[32], *sentence;
	size_t i, r;

	putchar('[');
	for (i = 0; i < tl->nitems; i++) {
		it = &tl->items[i];
		k = timeline_kind(it->kind);
		fputs(i == 0 ? "\n{" : ",\n{", stdout);
		json_key(stdout, "time", 1);
		json_time(stdout, it->time / 1000);
		json_key(stdout, "kind", 0);
		json_str(stdout, k != NULL ? k->word : "event");
		json_key(stdout, "who", 0);
		json_str(stdout, timeline_who(tl, it));
		json_key(stdout, "text", 0);
		sentence = timeline_sentence(it);
		json_str(stdout, sentence);
		free(sentence);
		json_key(stdout, "from", 0);
		json_str(stdout, it->kind == TIMELINE_GIT ? "git" : "journal");
		json_key(stdout, "commit", 0);
		json_id(stdout, it->commit != NULL ? it->commit->id : NULL);
		json_key(stdout, "decision", 0);
		if (it->commit != NULL && it->commit->decision != 0) {
			snprintf(
			    id, sizeof id, "ADR-%04u", it->commit->decision);
			json_str(stdout, id);
		} else
			fputs("null", stdout);
		json_key(stdout, "refs", 0);
		putchar('[');
		for (r = 0; it->commit != NULL && r < it->commit->nrefs; r++) {
			snprintf(
			    id, sizeof id, "ADR-%04u", it->commit->refs[r]);
			if (r > 0)
				putchar(',');
			json_str(stdout, id);
		}
		fputs("]}", stdout);
	}
	fputs(tl->nitems > 0 ? "\n]\n" : "]\n", stdout);
}

/*
 * From when the log starts for --for NAME (ms; 0 when NAME was never
 * present), and NAME's keys marked in *mine. -1 when no one of that name
 * is known (said on stderr).
 */
static int
timeline_for(struct timeline *tl, const char *name, int64_t *from, int *mine)
{
	size_t i, found = 0;

	*from = 0;
	for (i = 0; i < tl->npeople; i++) {
		mine[i] = tl->people[i].name != NULL &&
		          strcmp(tl->people[i].name, name) == 0;
		if (!mine[i])
			continue;
		found++;
		if (tl->people[i].visit > *from)
			*from = tl->people[i].visit;
	}
	if (found > 0)
		return 0;
	fprintf(stderr, "moot log: no such person '");
	why_put(stderr, name);
	fprintf(stderr, "'");
	for (i = 0, found = 0; i < tl->npeople; i++) {
		if (tl->people[i].name == NULL)
			continue;
		fputs(found++ == 0 ? " (known: " : ", ", stderr);
		why_put(stderr, tl->people[i].name);
	}
	fputs(found > 0 ? ")\n" : "; the journal knows no one\n", stderr);
	return -1;
}

/* Keep the events from `from` on (not those of mine, with --for), tie
 * them to their commits, and add the commits no event tells of. */
static void
timeline_build(struct timeline *tl, int64_t from, const int *mine)
{
	struct timeline_item *it, *kept = NULL;
	struct timeline_commit *tc;
	size_t i, k, n = 0;
	int skip;

	if (tl->nitems > 1)
		qsort(tl->items, tl->nitems, sizeof *tl->items,
		    timeline_item_cmp);
	for (i = 0; i < tl->nitems; i++) {
		it = &tl->items[i];
		it->commit = timeline_match(tl, it);
		skip = it->time < from;
		for (k = 0; mine != NULL && k < tl->npeople && !skip; k++)
			skip = mine[k] &&
			       strcmp(tl->people[k].author, it->author) == 0;
		if (skip) {
			free(it->author);
			free(it->text);
			continue;
		}
		kept = xreallocarray(kept, n + 1, sizeof *kept);
		kept[n++] = *it;
	}
	free(tl->items);
	tl->items = kept;
	tl->nitems = n;
	/* Oldest first: a parent before its child within one second (the
	 * walk gives a child before its parent). */
	for (i = tl->ncommits; i > 0; i--) {
		tc = &tl->commits[i - 1];
		if (tc->told || (from != INT64_MIN && tc->time < from / 1000))
			continue;
		it = timeline_add(tl, tc->time * 1000, TIMELINE_GIT, "");
		xasprintf(&it->text, "%s committed %.7s: %s", tc->author,
		    tc->id, tc->summary);
		it->commit = tc;
	}
	if (tl->nitems > 1)
		qsort(tl->items, tl->nitems, sizeof *tl->items,
		    timeline_item_cmp);
}

static void
timeline_free(struct timeline *tl)
{
	size_t i;

	for (i = 0; i < tl->nitems; i++) {
		free(tl->items[i].author);
		free(tl->items[i].text);
	}
	free(tl->items);
	for (i = 0; i < tl->ncommits; i++) {
		free(tl->commits[i].author);
		free(tl->commits[i].summary);
		free(tl->commits[i].refs);
	}
	free(tl->commits);
	for (i = 0; i < tl->npeople; i++) {
		free(tl->people[i].author);
		free(tl->people[i].name);
	}
	free(tl->people);
}

static int64_t
timeline_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
timeline_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"since", required_argument, NULL, 's'},
	    {"for", required_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	struct timeline tl;
	struct repo *r;
	const char *dir = NULL, *since = NULL, *name = NULL;
	int64_t from = 0;
	int ch, json = 0, rc = 0, bounded, *mine = NULL;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "C:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			dir = optarg;
			break;
		case 's':
			since = optarg;
			break;
		case 'f':
			name = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			timeline_help();
			return 0;
		default:
			timeline_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "moot log: unexpected argument '");
		why_put(stderr, argv[optind]);
		fprintf(stderr, "'\n");
		timeline_usage(stderr);
		return 2;
	}
	if (since != NULL && name != NULL) {
		fprintf(stderr, "moot log: --since and --for do not go "
		                "together\n");
		timeline_usage(stderr);
		return 2;
	}
	if (since != NULL &&
	    timeline_parse_since(since, timeline_now(), &from) != 0) {
		fprintf(stderr, "moot log: not a date: '");
		why_put(stderr, since);
		fprintf(stderr, "' (give YYYY-MM-DD, 'YYYY-MM-DD HH:MM' in "
		                "UTC, or 90m, 2h, 3d, 1w)\n");
		return 2;
	}
	if ((r = why_open("log", dir)) == NULL)
		return 1;
	memset(&tl, 0, sizeof tl);
	if (timeline_journal(r, &tl) != 0) {
		rc = 1;
		goto out;
	}
	if (name != NULL) {
		mine = xcalloc(tl.npeople + 1, sizeof *mine);
		if (timeline_for(&tl, name, &from, mine) != 0) {
			rc = 2;
			goto out;
		}
	}
	/* Without a start (or for someone never here): the journal's first
	 * event, or all of history when the journal has none. */
	bounded = since != NULL || from != 0 || tl.first != 0;
	if (since == NULL && from == 0)
		from = tl.first;
	if (timeline_git(r, bounded, from / 1000, &tl) != 0) {
		rc = 1;
		goto out;
	}
	timeline_build(&tl, bounded ? from : INT64_MIN, mine);
	if (json)
		timeline_print_json(&tl);
	else
		timeline_print_text(&tl);
	fflush(stdout);
out:
	free(mine);
	timeline_free(&tl);
	repo_free(r);
	return rc;
}
