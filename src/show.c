/* show.c: `moot show ADR-NNNN`: one decision whole, its record's text,
 * its code as decided and now, and the commits that cite it. */
#include "moot.h"

#include <ctype.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <git2.h>

#include "carry.h"
#include "inert.h"
#include "record.h"
#include "repo.h"
#include "why.h"
#include "why-int.h"

/* Set *err from libgit2's last error. */
static void
show_git_error(char **err, const char *what)
{
	const git_error *e = git_error_last();

	xasprintf(err, "%s: %s", what,
	    e != NULL && e->message != NULL ? e->message : "unknown error");
}

static void
show_usage(FILE *f)
{
	fprintf(f, "usage: moot show ADR-NNNN [-C DIR]\n");
}

/* "ADR-0007", "adr-7", "0007" or "7": its number; 0 when malformed. */
static unsigned
show_number(const char *s)
{
	size_t len = strlen(s);
	char *id;
	unsigned n;

	if (len == 0 || isspace((unsigned char)s[0]) ||
	    isspace((unsigned char)s[len - 1]))
		return 0;
	if (!isdigit((unsigned char)*s))
		return carry_id_value(s);
	xasprintf(&id, "ADR-%s", s);
	n = carry_id_value(id);
	free(id);
	return n;
}

/* One commit that cites a decision. */
struct show_cite {
	char id[GIT_OID_HEXSZ + 1];
	int64_t time;
	char *kind; /* its Decision-Status in lower case, "decision", or
	               "refs" */
	char *subject;
	char *author;
};

struct show_cites {
	struct show_cite *v;
	size_t n;
};

static void
show_cites_free(struct show_cites *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		free(cs->v[i].kind);
		free(cs->v[i].subject);
		free(cs->v[i].author);
	}
	free(cs->v);
}

/* If commit c cites decision number (its Decision-Id, or a Refs trailer
 * naming it), add it. */
static void
show_cites_add(struct show_cites *cs, git_commit *c, unsigned number)
{
	git_message_trailer_array arr;
	const git_signature *who;
	const char *msg, *key, *value, *status = NULL, *p, *summary;
	struct show_cite *ct;
	int decided = 0, refs = 0;
	char *lower;
	unsigned n;
	size_t i;

	if ((msg = git_commit_message(c)) == NULL ||
	    git_message_trailers(&arr, msg) != 0)
		return;
	for (i = 0; i < arr.count; i++) {
		key = arr.trailers[i].key;
		value = arr.trailers[i].value;
		if (strcasecmp(key, "Decision-Id") == 0 &&
		    carry_id_value(value) == number)
			decided = 1;
		else if (strcasecmp(key, "Decision-Status") == 0 &&
		         status == NULL)
			status = value;
		else if (strcasecmp(key, "Refs") == 0) {
			p = value;
			while ((n = carry_refs_next(&p)) != 0) {
				if (n == number)
					refs = 1;
			}
		}
	}
	if (decided || refs) {
		cs->v = xreallocarray(cs->v, cs->n + 1, sizeof *cs->v);
		ct = &cs->v[cs->n++];
		git_oid_tostr(ct->id, sizeof ct->id, git_commit_id(c));
		ct->time = (int64_t)git_commit_time(c);
		lower = why_lower(decided && status != NULL ? status
		                  : decided                 ? "decision"
		                                            : "refs");
		if (decided && refs)
			xasprintf(&ct->kind, "%s, refs", lower);
		else
			ct->kind = xstrdup(lower);
		free(lower);
		summary = git_commit_summary(c);
		ct->subject = xstrdup(summary != NULL ? summary : "");
		who = git_commit_author(c);
		ct->author =
		    xstrdup(who != NULL && who->name != NULL ? who->name : "");
	}
	git_message_trailer_array_free(&arr);
}

/* Every commit reachable from HEAD that cites decision number, oldest
 * first. Returns 0, or -1 with *err set. */
static int
show_cites_collect(
    struct repo *r, unsigned number, struct show_cites *cs, char **err)
{
	git_revwalk *walk;
	git_commit *c;
	git_oid oid;
	int rc;

	memset(cs, 0, sizeof *cs);
	if (git_repository_head_unborn(r->git) == 1)
		return 0;
	if (git_revwalk_new(&walk, r->git) != 0) {
		show_git_error(err, "cannot walk the history");
		return -1;
	}
	git_revwalk_sorting(
	    walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
	if (git_revwalk_push_head(walk) != 0) {
		show_git_error(err, "cannot walk the history");
		git_revwalk_free(walk);
		return -1;
	}
	while ((rc = git_revwalk_next(&oid, walk)) == 0) {
		if (git_commit_lookup(&c, r->git, &oid) != 0)
			continue;
		show_cites_add(cs, c, number);
		git_commit_free(c);
	}
	git_revwalk_free(walk);
	if (rc != GIT_ITEROVER) {
		show_git_error(err, "cannot walk the history");
		show_cites_free(cs);
		memset(cs, 0, sizeof *cs);
		return -1;
	}
	return 0;
}

/* The record's text made inert (its line breaks kept), each line
 * indented by four. */
static void
show_text(const char *text, size_t len)
{
	char *safe, *p;
	size_t need, n;

	need = inert_write(INERT_BODY, text, len, NULL, 0);
	safe = xmalloc(need + 1);
	inert_write(INERT_BODY, text, len, safe, need + 1);
	for (p = safe; *p != '\0'; p += n + (p[n] == '\n')) {
		n = strcspn(p, "\n");
		if (n > 0)
			printf("    %.*s", (int)n, p);
		putchar('\n');
	}
	free(safe);
}

/* Print decision number: d (NULL: not in history), its record fd. */
static void
show_print(unsigned number, const struct carry_dec *d,
    const struct why_found *fd, const char *status, const char *title,
    const struct why_change *change, const struct show_cites *cs)
{
	char date[WHY_DATE_SIZE], *s;
	size_t i;

	printf("ADR-%04u  ", number);
	why_put(stdout, status);
	fputs("  ", stdout);
	why_put(stdout, title);
	fputs("\nRecord: ", stdout);
	why_put(stdout, fd->file != NULL ? fd->file : "none");
	if (d != NULL) {
		why_date(d->time, date);
		printf("\nDecided: %.12s  %s  ", d->commit, date);
		why_put(stdout, d->subject);
	} else
		fputs("\nDecided: no commit with its Decision-Id", stdout);
	fputs("\n\n", stdout);
	if (fd->file != NULL && fd->len > 0) {
		show_text(fd->text, fd->len);
		putchar('\n');
	}

	fputs("Code as decided:\n", stdout);
	for (i = 0; d != NULL && i < d->nranges; i++) {
		s = why_range_text(&d->ranges[i]);
		fputs("  ", stdout);
		why_put(stdout, s);
		putchar('\n');
		free(s);
	}
	if (d == NULL || d->nranges == 0)
		fputs("  none\n", stdout);
	else {
		fputs("Code now:\n", stdout);
		for (i = 0; i < d->nspans; i++) {
			s = why_lines_text(d->spans[i].path, d->spans[i].first,
			    d->spans[i].last);
			fputs("  ", stdout);
			why_put(stdout, s);
			free(s);
			s = why_carry_phrase(d->spans[i].how);
			printf("  %s\n", s);
			free(s);
		}
		if (d->nspans == 0)
			fputs("  none: all of it is gone\n", stdout);
		if (change->any) {
			s = why_change_text(change);
			printf("Since decided: %s", s);
			free(s);
			if (change->time != 0) {
				why_date(change->time, date);
				printf(", newest %s (%.12s)", date,
				    change->commit);
			}
			putchar('\n');
		} else
			fputs("Since decided: unchanged\n", stdout);
	}

	fputs("Commits:\n", stdout);
	for (i = 0; i < cs->n; i++) {
		why_date(cs->v[i].time, date);
		printf("  %.12s  %s  ", cs->v[i].id, date);
		why_put(stdout, cs->v[i].kind);
		fputs("  ", stdout);
		why_put(stdout, cs->v[i].subject);
		fputs("  (", stdout);
		why_put(stdout, cs->v[i].author);
		fputs(")\n", stdout);
	}
	if (cs->n == 0)
		fputs("  none\n", stdout);
}

int
show_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct why_record *recs = NULL;
	struct carry_set set;
	struct carry_dec *d;
	struct why_found fd;
	struct why_change change;
	struct show_cites cs;
	struct repo *r;
	const char *dir = NULL;
	char *err = NULL, *status, *title;
	size_t nrecs = 0;
	unsigned number;
	int ch, rc = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "C:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			dir = optarg;
			break;
		case 'h':
			show_usage(stdout);
			return 0;
		default:
			show_usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		show_usage(stderr);
		return 2;
	}
	if ((number = show_number(argv[optind])) == 0) {
		fprintf(stderr, "moot show: '");
		why_put(stderr, argv[optind]);
		fprintf(stderr, "' is not a decision id such as ADR-0007\n");
		show_usage(stderr);
		return 2;
	}
	if ((r = why_open("show", dir)) == NULL)
		return 1;
	if (why_records(r, &recs, &nrecs, &err) != 0) {
		why_fail("show", err);
		repo_free(r);
		return 1;
	}
	if (carry_head(r, &set, &err) != 0) {
		why_fail("show", err);
		why_records_free(recs, nrecs);
		repo_free(r);
		return 1;
	}
	d = why_set_find(&set, number);
	why_found_get(r, recs, nrecs, number, d != NULL ? d->file : NULL, &fd);
	if (d == NULL && fd.file == NULL) {
		fprintf(stderr,
		    "moot show: no decision ADR-%04u: no record of it, and no "
		    "commit with its Decision-Id\n",
		    number);
		goto out;
	}
	memset(&change, 0, sizeof change);
	if (d != NULL) {
		why_change_of(d, &change);
		why_carry_tree(r, &set, &number, 1, NULL);
		d = why_set_find(&set, number);
	}
	if (show_cites_collect(r, number, &cs, &err) != 0) {
		why_fail("show", err);
		goto out;
	}
	status = why_status(
	    fd.file != NULL ? &fd.rec : NULL, d != NULL ? d->status : NULL);
	title = why_title(
	    fd.file != NULL ? &fd.rec : NULL, d != NULL ? d->subject : NULL);
	show_print(number, d, &fd, status, title, &change, &cs);
	free(status);
	free(title);
	show_cites_free(&cs);
	rc = 0;
out:
	why_found_free(&fd);
	carry_set_free(&set);
	why_records_free(recs, nrecs);
	repo_free(r);
	fflush(stdout);
	return rc;
}
