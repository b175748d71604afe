/* why.c: reading decisions back: records, the decisions behind a line,
 * `moot why`, and what decisions.c and show.c share (why-int.h). */
#include "moot.h"

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "carry.h"
#include "file.h"
#include "inert.h"
#include "json.h"
#include "record.h"
#include "repo.h"
#include "why.h"
#include "why-int.h"
#include "workdir.h"

#define WHY_RECORD_MAX (1024 * 1024)     /* bytes of a record read */
#define WHY_FILE_MAX (256 * 1024 * 1024) /* bytes of a source file read */
#define WHY_ADR_DIR_MAX 4096             /* bytes of .adr-dir read */

/* ---------------------------------------------------------------------
 * Small helpers.
 */

/*
 * Read a regular file of the working tree whole, NUL-terminated (links
 * inside the tree followed); NULL (errno set) when it is missing, not a
 * regular file, outside, or larger than max.
 */
static char *
why_read_file(struct repo *r, const char *rel, size_t max, size_t *len)
{
	struct file_stamp st;
	char *data, *err = NULL;
	int saved;

	if (file_load(r->root, rel, WORKDIR_FOLLOW, max, &data, len, &st,
	        &err) == -1) {
		saved = errno;
		free(err);
		errno = saved == ENODEV ? ENOENT : saved;
		return NULL;
	}
	return data;
}

/* Print s made inert (inert_cli: shown as the editor shows names, ^[,
 * \xff, <U+0085>, <U+202E>); nothing for NULL. */
void
why_put(FILE *f, const char *s)
{
	char *safe = inert_cli(s);

	fputs(safe, f);
	free(safe);
}

/* Lines of a text: a last line without '\n' counts. */
static unsigned long
why_count_lines(const char *text, size_t len)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (text[i] == '\n')
			n++;
	}
	if (len > 0 && text[len - 1] != '\n')
		n++;
	return n;
}

/* Lower-case copy. */
char *
why_lower(const char *s)
{
	char *out = xstrdup(s), *p;

	for (p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* Parse a decimal line number; 0 when not one. */
static unsigned long
why_parse_line(const char *s, size_t len)
{
	unsigned long n = 0;
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		if (n > (ULONG_MAX - 9) / 10)
			return 0;
		n = n * 10 + (unsigned long)(s[i] - '0');
	}
	return n;
}

/* A time as "YYYY-MM-DD" (UTC), "-" for 0. */
void
why_date(int64_t t, char buf[WHY_DATE_SIZE])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, WHY_DATE_SIZE, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, WHY_DATE_SIZE, "-");
}

/* "s" when n is not 1. */
static const char *
why_plural(unsigned long n)
{
	return n == 1 ? "" : "s";
}

/* ---------------------------------------------------------------------
 * Records of the decision directory.
 */

/* Does the name look like a record: digits, '-', anything, ".md"? */
static int
why_record_name(const char *name)
{
	const char *p = name;
	size_t len = strlen(name);

	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p != '-')
		return 0;
	return len > 3 && (size_t)(p - name) + 1 <= len - 3 &&
	       strcmp(name + len - 3, ".md") == 0;
}

static int
why_record_cmp(const void *a, const void *b)
{
	const struct why_record *ra = a, *rb = b;

	if (ra->number != rb->number)
		return ra->number < rb->number ? -1 : 1;
	return strcmp(ra->file, rb->file);
}

/* The decision directory, relative to the repository (caller frees). */
static char *
why_record_dir(struct repo *r)
{
	char *contents, *dir;
	size_t len;

	contents = why_read_file(r, ".adr-dir", WHY_ADR_DIR_MAX, &len);
	if (contents != NULL) {
		/* adr-tools writes the name and a newline. */
		while (len > 0 && isspace((unsigned char)contents[len - 1]))
			contents[--len] = '\0';
	}
	dir = record_dir(contents, repo_dir_exists, r);
	free(contents);
	return dir;
}

int
why_records(struct repo *r, struct why_record **out, size_t *n, char **err)
{
	struct why_record *list = NULL, *w;
	struct workdir_at at;
	struct dirent *de;
	size_t used = 0, alloc = 0, len;
	char *dir, *rel, *text;
	DIR *d;

	*out = NULL;
	*n = 0;
	dir = why_record_dir(r);
	if (workdir_walk(r->root, dir, WORKDIR_DIR | WORKDIR_FOLLOW, &at) ==
	    -1) {
		if (errno == ENOENT || errno == ENOTDIR ||
		    workdir_refused(errno)) {
			free(dir);
			return 0; /* nothing there that we may read */
		}
		xasprintf(err, "cannot read %s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	if ((d = fdopendir(at.dfd)) == NULL) {
		xasprintf(err, "cannot read %s: %s", dir, strerror(errno));
		workdir_close(&at);
		free(dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!why_record_name(de->d_name))
			continue;
		xasprintf(&rel, "%s/%s", dir, de->d_name);
		/* Symlinks must stay inside the working tree. */
		if ((text = why_read_file(r, rel, WHY_RECORD_MAX, &len)) ==
		    NULL) {
			free(rel);
			continue;
		}
		if (used == alloc) {
			alloc = alloc == 0 ? 16 : alloc * 2;
			list = xreallocarray(list, alloc, sizeof *list);
		}
		w = &list[used++];
		memset(w, 0, sizeof *w);
		w->file = rel;
		record_parse(&w->rec, text, len);
		free(text);
		w->number = w->rec.number != 0 ? w->rec.number
		                               : record_file_number(de->d_name);
	}
	closedir(d); /* and at.dfd with it */
	free(dir);
	if (used > 0)
		qsort(list, used, sizeof *list, why_record_cmp);
	*out = list;
	*n = used;
	return 0;
}

void
why_records_free(struct why_record *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].file);
		record_free(&list[i].rec);
	}
	free(list);
}

/* ---------------------------------------------------------------------
 * Saying how code was carried (carry.h's CARRY_* bits).
 */

/* Each bit as a word (JSON's "via") and as a phrase ("carried through
 * a move and a rename"), in the order they are said. */
static const struct why_carry_name {
	unsigned bit;
	const char *word;
	const char *phrase;
} why_carry_names[] = {
    {CARRY_MOVED, "moved", "a move"},
    {CARRY_EDITED, "edited", "edited lines"},
    {CARRY_ADDED, "added", "added lines"},
    {CARRY_RENAMED, "renamed", "a rename"},
};
#define WHY_NCARRY (sizeof why_carry_names / sizeof why_carry_names[0])

/* One word for how code was carried: "moved" (a move) before "edited"
 * (lines edited or added) before "exact" (shifted, maybe renamed). */
const char *
why_carry_word(unsigned how)
{
	if (how & CARRY_MOVED)
		return "moved";
	if (how & (CARRY_EDITED | CARRY_ADDED))
		return "edited";
	return "exact";
}

/* "carried exactly", "carried exactly through a rename", "carried
 * through a move, edited lines and a rename". Caller frees. */
char *
why_carry_phrase(unsigned how)
{
	const char *said[WHY_NCARRY];
	size_t n = 0, i;
	char *s, *t;

	if ((how & ~(unsigned)CARRY_RENAMED) == 0) {
		return xstrdup(how & CARRY_RENAMED
		                   ? "carried exactly through a rename"
		                   : "carried exactly");
	}
	for (i = 0; i < WHY_NCARRY; i++) {
		if (how & why_carry_names[i].bit)
			said[n++] = why_carry_names[i].phrase;
	}
	s = xstrdup("carried through");
	for (i = 0; i < n; i++) {
		xasprintf(&t, "%s%s%s", s,
		    i == 0 ? " " : (i + 1 == n ? " and " : ", "), said[i]);
		free(s);
		s = t;
	}
	return s;
}

/* JSON: the words of the bits, as a list. */
static void
why_json_via(FILE *f, unsigned how)
{
	size_t i;
	int first = 1;

	fputc('[', f);
	for (i = 0; i < WHY_NCARRY; i++) {
		if (how & why_carry_names[i].bit) {
			fprintf(f, "%s\"%s\"", first ? "" : ",",
			    why_carry_names[i].word);
			first = 0;
		}
	}
	fputc(']', f);
}

/* "path:a-b" or "path:a" (caller frees). */
char *
why_lines_text(const char *path, unsigned long first, unsigned long last)
{
	char *s;

	if (first == last)
		xasprintf(&s, "%s:%lu", path, first);
	else
		xasprintf(&s, "%s:%lu-%lu", path, first, last);
	return s;
}

/* A Code-Range as decided: "path:a-b@1a2b3c4d5e6f" (no "@..." when its
 * commit is unknown). Caller frees. */
char *
why_range_text(const struct carry_range *rg)
{
	char *where, *s;

	where = why_lines_text(rg->path, rg->first, rg->last);
	if (rg->base[0] == '\0')
		return where;
	xasprintf(&s, "%s@%.12s", where, rg->base);
	free(where);
	return s;
}

/*
 * The Code-Range a span most likely descends from: one on the same file
 * (as the trailer names it: inert) nearest the span, else the first. The
 * engine does not say which range a span came from; this guess can only
 * be wrong for a decision with several ranges whose code moved between
 * files.
 */
static const struct carry_range *
why_range_of(const struct carry_dec *d, const struct carry_span *sp)
{
	const struct carry_range *rg, *found = NULL;
	unsigned long dist, best = 0;
	char *shown;
	size_t i;

	if (d->nranges == 0)
		return NULL;
	shown = inert_line(sp->path);
	for (i = 0; i < d->nranges; i++) {
		rg = &d->ranges[i];
		if (strcmp(rg->path, shown) != 0)
			continue;
		if (rg->last < sp->first)
			dist = sp->first - rg->last;
		else if (sp->last < rg->first)
			dist = rg->first - sp->last;
		else
			dist = 0;
		if (found == NULL || dist < best) {
			found = rg;
			best = dist;
		}
	}
	free(shown);
	return found != NULL ? found : &d->ranges[0];
}

/* The lines of d's code around span sp that follow each other in its
 * file, however each was carried: what a person calls "the range now". */
static void
why_extent(const struct carry_dec *d, const struct carry_span *sp,
    unsigned long *first, unsigned long *last)
{
	size_t at = (size_t)(sp - d->spans), i;

	*first = sp->first;
	*last = sp->last;
	for (i = at; i > 0 && strcmp(d->spans[i - 1].path, sp->path) == 0 &&
	             d->spans[i - 1].last + 1 == *first;
	     i--)
		*first = d->spans[i - 1].first;
	for (i = at + 1;
	     i < d->nspans && strcmp(d->spans[i].path, sp->path) == 0 &&
	     d->spans[i].first == *last + 1;
	     i++)
		*last = d->spans[i].last;
}

/* The how of a carried hit: "carried exactly from src/a.c:40-52@1a2b3c4d5e6f,
 * now lines 43-55" (the phrase is the line's, the lines the whole piece
 * of code it is in). Caller frees. */
static char *
why_carry_how(const struct carry_dec *d, const struct carry_span *sp)
{
	const struct carry_range *rg = why_range_of(d, sp);
	char *phrase, *from = NULL, *how;
	unsigned long first, last;

	phrase = why_carry_phrase(sp->how);
	if (rg != NULL)
		from = why_range_text(rg);
	why_extent(d, sp, &first, &last);
	if (first == last)
		xasprintf(&how, "%s%s%s, now line %lu", phrase,
		    from != NULL ? " from " : "", from != NULL ? from : "",
		    first);
	else
		xasprintf(&how, "%s%s%s, now lines %lu-%lu", phrase,
		    from != NULL ? " from " : "", from != NULL ? from : "",
		    first, last);
	free(phrase);
	free(from);
	return how;
}

/* ---------------------------------------------------------------------
 * How much a decision's code changed since it was decided.
 */

/* The figures of d, from its spans at HEAD (before carrying them on to
 * the working tree). */
void
why_change_of(const struct carry_dec *d, struct why_change *c)
{
	unsigned long kept = 0;
	size_t i;

	memset(c, 0, sizeof *c);
	c->known = 1;
	c->decided = d->decided;
	c->changed = d->changed;
	for (i = 0; i < d->nspans; i++) {
		if ((d->spans[i].how & CARRY_ADDED) == 0)
			kept += d->spans[i].last - d->spans[i].first + 1;
	}
	c->gone = kept < d->decided ? d->decided - kept : 0;
	if (d->decided > 0) {
		/* Rounded down, but never 0% for a change. */
		c->percent = (unsigned)(d->changed * 100 / d->decided);
		if (c->percent == 0 && d->changed > 0)
			c->percent = 1;
	}
	c->commits = d->commits;
	c->authors = d->authors;
	c->time = d->changed_time;
	memcpy(c->commit, d->changed_commit, sizeof c->commit);
	c->any = d->commits > 0 || d->changed > 0 || c->gone > 0 ||
	         (d->nranges > 0 && d->nspans == 0);
}

/* Is a decision stale: accepted in its commit and as shown (its record),
 * and its code changed since? */
int
why_stale(
    const struct carry_dec *d, const struct why_change *c, const char *status)
{
	return d != NULL && c->any && d->status != NULL &&
	       strcasecmp(d->status, "accepted") == 0 &&
	       strcmp(status, "accepted") == 0;
}

/* "40% of 5 lines changed, 1 gone, 3 commits by 2 authors" (caller
 * frees). */
char *
why_change_text(const struct why_change *c)
{
	char *s;

	xasprintf(&s,
	    "%u%% of %lu line%s changed, %lu gone, %u commit%s by "
	    "%u author%s",
	    c->percent, c->decided, why_plural(c->decided), c->gone, c->commits,
	    why_plural(c->commits), c->authors, why_plural(c->authors));
	return s;
}

/* JSON: the figures, or null. */
static void
why_json_change(FILE *f, const struct why_change *c)
{
	char date[WHY_DATE_SIZE];

	if (c == NULL || !c->known) {
		fputs("null", f);
		return;
	}
	why_date(c->time, date);
	fprintf(f,
	    "{\"decided\":%lu,\"changed\":%lu,\"gone\":%lu,\"percent\":%u,"
	    "\"commits\":%u,\"authors\":%u,\"time\":",
	    c->decided, c->changed, c->gone, c->percent, c->commits,
	    c->authors);
	json_time(f, c->time);
	json_key(f, "date", 0);
	json_str(f, c->time != 0 ? date : NULL);
	json_key(f, "commit", 0);
	json_id(f, c->commit);
	fprintf(f, ",\"stale\":%s}", c->stale ? "true" : "false");
}

/* ---------------------------------------------------------------------
 * A decision's record, and what it says.
 */

/*
 * Find the record of decision number: the file its Decision-File trailer
 * names (decfile, may be NULL), when the working tree has it; else the
 * record of the decision directory (recs) with its number.
 */
void
why_found_get(struct repo *r, const struct why_record *recs, size_t nrecs,
    unsigned number, const char *decfile, struct why_found *fd)
{
	size_t i;

	memset(fd, 0, sizeof *fd);
	if (decfile != NULL && repo_path_ok(decfile) &&
	    (fd->text = why_read_file(r, decfile, WHY_RECORD_MAX, &fd->len)) !=
	        NULL)
		fd->file = xstrdup(decfile);
	for (i = 0; fd->file == NULL && i < nrecs; i++) {
		if (recs[i].number != number)
			continue;
		fd->text =
		    why_read_file(r, recs[i].file, WHY_RECORD_MAX, &fd->len);
		if (fd->text != NULL)
			fd->file = xstrdup(recs[i].file);
	}
	if (fd->file != NULL)
		record_parse(&fd->rec, fd->text, fd->len);
}

void
why_found_free(struct why_found *fd)
{
	free(fd->file);
	free(fd->text);
	record_free(&fd->rec);
}

/* The title a decision commit's subject gives: "docs(adr): ADR-0007 T"
 * gives "T". */
static char *
why_subject_title(const char *subject)
{
	const char *p = subject, *colon, *end;

	colon = strstr(p, "): ");
	if (colon != NULL)
		p = colon + 3;
	if (carry_id_number(p, &end) != 0 && *end == ' ')
		p = end + 1;
	return xstrdup(p);
}

/* A decision's title: its record's, else its commit subject's. Caller
 * frees. */
char *
why_title(const struct record *rec, const char *subject)
{
	if (rec != NULL && rec->title != NULL)
		return xstrdup(rec->title);
	if (subject != NULL)
		return why_subject_title(subject);
	return xstrdup("(no record)");
}

/* A decision's status, lower case: its record's, else its commit's
 * Decision-Status, else "unknown". Caller frees. */
char *
why_status(const struct record *rec, const char *status)
{
	if (rec != NULL && rec->state != RECORD_UNKNOWN &&
	    rec->state != RECORD_OTHER)
		return xstrdup(record_state_name(rec->state));
	if (rec != NULL && rec->status != NULL)
		return why_lower(rec->status);
	if (status != NULL)
		return why_lower(status);
	return xstrdup("unknown");
}

/* The decision with that number in a set, or NULL. */
struct carry_dec *
why_set_find(struct carry_set *set, unsigned number)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		if (set->v[i].number == number)
			return &set->v[i];
	}
	return NULL;
}

/*
 * Carry the spans of the files of some decisions (numbers, n of them;
 * every decision when numbers is NULL) on to the working tree, the file
 * skip excepted. A file gone from the working tree takes its spans with
 * it; a file that cannot be read, or that the engine cannot carry, keeps
 * them as at HEAD.
 */
void
why_carry_tree(struct repo *r, struct carry_set *set, const unsigned *numbers,
    size_t n, const char *skip)
{
	struct carry_dec *d;
	char **paths = NULL, *text, *err = NULL;
	size_t npaths = 0, i, j, k, len;
	int want;

	for (i = 0; i < set->n; i++) {
		d = &set->v[i];
		want = numbers == NULL;
		for (k = 0; !want && k < n; k++)
			want = numbers[k] == d->number;
		for (j = 0; want && j < d->nspans; j++) {
			if (skip != NULL && strcmp(d->spans[j].path, skip) == 0)
				continue;
			for (k = 0; k < npaths; k++) {
				if (strcmp(paths[k], d->spans[j].path) == 0)
					break;
			}
			if (k == npaths) {
				paths = xreallocarray(
				    paths, npaths + 1, sizeof *paths);
				paths[npaths++] = xstrdup(d->spans[j].path);
			}
		}
	}
	for (k = 0; k < npaths; k++) {
		text = why_read_file(r, paths[k], WHY_FILE_MAX, &len);
		if (text == NULL && errno == ENOENT) {
			text = xstrdup("");
			len = 0;
		}
		if (text != NULL &&
		    carry_text(r, set, paths[k], text, len, &err) != 0) {
			free(err);
			err = NULL;
		}
		free(text);
		free(paths[k]);
	}
	free(paths);
}

/* ---------------------------------------------------------------------
 * Finding the decisions behind a line.
 */

/* What why_find works with. */
struct why_ctx {
	struct repo *r;
	const char *path;
	unsigned long line;
	struct why_record *recs;
	size_t nrecs;
	struct carry_set set;       /* every decision, carried */
	struct why_change *changes; /* of each of set.v, at HEAD */
	struct why_hit *hits;
	size_t nhits;
};

/* A new hit for decision number, d its decision in history (or NULL):
 * title, status, record and date from its record, commit and figures
 * from d. */
static struct why_hit *
why_hit_new(struct why_ctx *ctx, unsigned number, const struct carry_dec *d)
{
	struct why_found fd;
	struct why_hit *hit;

	ctx->hits = xreallocarray(ctx->hits, ctx->nhits + 1, sizeof *ctx->hits);
	hit = &ctx->hits[ctx->nhits++];
	memset(hit, 0, sizeof *hit);
	hit->number = number;
	xasprintf(&hit->id, "ADR-%04u", number);

	why_found_get(ctx->r, ctx->recs, ctx->nrecs, number,
	    d != NULL ? d->file : NULL, &fd);
	hit->title = why_title(
	    fd.file != NULL ? &fd.rec : NULL, d != NULL ? d->subject : NULL);
	hit->status = why_status(
	    fd.file != NULL ? &fd.rec : NULL, d != NULL ? d->status : NULL);
	hit->file = fd.file != NULL ? xstrdup(fd.file) : NULL;
	hit->date = fd.rec.date != NULL ? xstrdup(fd.rec.date) : NULL;
	why_found_free(&fd);

	hit->commit = xstrdup(d != NULL ? d->commit : "");
	if (d != NULL) {
		hit->time = d->time;
		hit->change = ctx->changes[d - ctx->set.v];
	}
	return hit;
}

static int
why_hit_known(struct why_ctx *ctx, unsigned number)
{
	size_t i;

	for (i = 0; i < ctx->nhits; i++) {
		if (ctx->hits[i].number == number)
			return 1;
	}
	return 0;
}

/* Decisions, accepted, whose carried code covers the line. */
static void
why_find_carried(struct why_ctx *ctx)
{
	const struct carry_span *sp;
	struct carry_dec *d;
	struct why_hit *hit;
	size_t i;

	for (i = 0; i < ctx->set.n; i++) {
		d = &ctx->set.v[i];
		if (d->status == NULL || strcasecmp(d->status, "accepted") != 0)
			continue;
		if ((sp = carry_covers(d, ctx->path, ctx->line)) == NULL)
			continue;
		hit = why_hit_new(ctx, d->number, d);
		hit->carry = sp->how;
		hit->span = *sp;
		hit->span.path = xstrdup(sp->path);
		hit->how = why_carry_how(d, sp);
	}
}

/*
 * Decisions named by Refs trailers of the commit that last changed the
 * line: the engine carries the lines each such commit wrote, as it
 * carries decisions' lines (a line edited since, even in the text asked
 * about, is no longer that commit's), so no blame is run.
 */
static void
why_find_refs(struct why_ctx *ctx)
{
	const struct carry_dec *rf;
	struct why_hit *hit;
	size_t i;

	for (i = 0; i < ctx->set.nrefs; i++) {
		rf = &ctx->set.refs[i];
		if (carry_covers(rf, ctx->path, ctx->line) == NULL ||
		    why_hit_known(ctx, rf->number))
			continue;
		hit = why_hit_new(
		    ctx, rf->number, why_set_find(&ctx->set, rf->number));
		hit->refs = 1;
		hit->refs_commit = xstrdup(rf->commit);
		hit->refs_subject =
		    xstrdup(rf->subject != NULL ? rf->subject : "");
		xasprintf(&hit->how,
		    "Refs in %.12s (%s), which last changed this line",
		    rf->commit, hit->refs_subject);
	}
}

/* Every hit's code as decided and now: the file asked about as given,
 * the others carried on to the working tree. */
static void
why_hits_code(struct why_ctx *ctx)
{
	const struct carry_dec *d;
	struct why_hit *hit;
	unsigned *numbers;
	size_t i, j;

	numbers = xreallocarray(NULL, ctx->nhits + 1, sizeof *numbers);
	for (i = 0; i < ctx->nhits; i++)
		numbers[i] = ctx->hits[i].number;
	why_carry_tree(ctx->r, &ctx->set, numbers, ctx->nhits, ctx->path);
	free(numbers);

	for (i = 0; i < ctx->nhits; i++) {
		hit = &ctx->hits[i];
		if ((d = why_set_find(&ctx->set, hit->number)) == NULL)
			continue;
		hit->ranges =
		    xreallocarray(NULL, d->nranges + 1, sizeof *hit->ranges);
		for (j = 0; j < d->nranges; j++) {
			hit->ranges[j] = d->ranges[j];
			hit->ranges[j].path = xstrdup(d->ranges[j].path);
		}
		hit->nranges = d->nranges;
		hit->now = xreallocarray(NULL, d->nspans + 1, sizeof *hit->now);
		for (j = 0; j < d->nspans; j++) {
			hit->now[j] = d->spans[j];
			hit->now[j].path = xstrdup(d->spans[j].path);
		}
		hit->nnow = d->nspans;
	}
}

static int
why_hit_cmp(const void *a, const void *b)
{
	const struct why_hit *ha = a, *hb = b;

	if (ha->number != hb->number)
		return ha->number > hb->number ? -1 : 1;
	return 0;
}

int
why_find(struct repo *r, const char *path, unsigned long line, const char *text,
    size_t len, struct why_hit **out, size_t *n, char **err)
{
	struct why_ctx ctx;
	char *file = NULL;
	const char *buf = text;
	size_t buflen = len, i;
	unsigned long lines;
	int rc = -1;

	*out = NULL;
	*n = 0;
	memset(&ctx, 0, sizeof ctx);
	ctx.r = r;
	ctx.path = path;
	ctx.line = line;

	/* The file and the line must exist. */
	if (!repo_path_ok(path)) {
		xasprintf(err, "%s: no such file in the repository", path);
		return -1;
	}
	if (text == NULL) {
		file = why_read_file(r, path, WHY_FILE_MAX, &buflen);
		if (file == NULL) {
			if (errno == EFBIG)
				xasprintf(err, "%s: too large", path);
			else
				xasprintf(err,
				    "%s: no such file in the repository", path);
			return -1;
		}
		buf = file;
	}
	lines = why_count_lines(buf, buflen);
	if (line == 0 || line > lines) {
		xasprintf(err, "%s has %lu line%s", path, lines,
		    lines == 1 ? "" : "s");
		free(file);
		return -1;
	}

	/* Every decision's code at HEAD, then this file's on to the text. */
	if (carry_head(r, &ctx.set, err) != 0)
		goto out;
	ctx.changes = xreallocarray(NULL, ctx.set.n + 1, sizeof *ctx.changes);
	for (i = 0; i < ctx.set.n; i++)
		why_change_of(&ctx.set.v[i], &ctx.changes[i]);
	if (carry_text(r, &ctx.set, path, buf, buflen, err) != 0)
		goto out;

	if (why_records(r, &ctx.recs, &ctx.nrecs, err) != 0) {
		/* Hits still come from history; titles from subjects. */
		free(*err);
		*err = NULL;
	}
	why_find_carried(&ctx);
	why_find_refs(&ctx);
	why_hits_code(&ctx);
	for (i = 0; i < ctx.nhits; i++) {
		ctx.hits[i].change.stale =
		    why_stale(why_set_find(&ctx.set, ctx.hits[i].number),
		        &ctx.hits[i].change, ctx.hits[i].status);
	}
	if (ctx.nhits > 1)
		qsort(ctx.hits, ctx.nhits, sizeof *ctx.hits, why_hit_cmp);
	*out = ctx.hits;
	*n = ctx.nhits;
	ctx.hits = NULL;
	ctx.nhits = 0;
	rc = 0;
out:
	why_hits_free(ctx.hits, ctx.nhits);
	why_records_free(ctx.recs, ctx.nrecs);
	carry_set_free(&ctx.set);
	free(ctx.changes);
	free(file);
	return rc;
}

void
why_hits_free(struct why_hit *hits, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		free(hits[i].id);
		free(hits[i].title);
		free(hits[i].status);
		free(hits[i].file);
		free(hits[i].date);
		free(hits[i].how);
		free(hits[i].commit);
		free(hits[i].refs_commit);
		free(hits[i].refs_subject);
		free(hits[i].span.path);
		for (j = 0; j < hits[i].nranges; j++)
			free(hits[i].ranges[j].path);
		free(hits[i].ranges);
		for (j = 0; j < hits[i].nnow; j++)
			free(hits[i].now[j].path);
		free(hits[i].now);
	}
	free(hits);
}

/* ---------------------------------------------------------------------
 * The command line.
 */

static void
why_why_usage(FILE *f)
{
	fprintf(f, "usage: moot why FILE:LINE [-C DIR] [--trace] [--json]\n");
}

/* "moot CMD: ERR" on standard error, made inert; frees err. */
void
why_fail(const char *cmd, char *err)
{
	fprintf(stderr, "moot %s: ", cmd);
	why_put(stderr, err);
	fputc('\n', stderr);
	free(err);
}

/* Open the repository containing dir, or say why not. */
struct repo *
why_open(const char *cmd, const char *dir)
{
	struct repo *r;
	char *err = NULL;

	if ((r = repo_open(dir != NULL ? dir : ".", &err)) == NULL) {
		fprintf(stderr, "moot %s: ", cmd);
		why_put(stderr, err);
		fputc('\n', stderr);
		free(err);
	}
	return r;
}

/* ---------------------------------------------------------------------
 * One decision as JSON: the schema is in docs/decisions.md, "Machine-
 * readable output". Every key is always there (null when it does not
 * apply), in this order.
 */
void
why_json_dec(FILE *f, const struct why_json_dec *j)
{
	char id[32];
	size_t i;

	snprintf(id, sizeof id, "ADR-%04u", j->number);
	fputc('{', f);
	json_key(f, "id", 1);
	json_str(f, id);
	fprintf(f, ",\"number\":%u", j->number);
	json_key(f, "status", 0);
	json_str(f, j->status);
	json_key(f, "title", 0);
	json_str(f, j->title);
	json_key(f, "record", 0);
	json_str(f, j->record);
	json_key(f, "date", 0);
	json_str(f, j->date);
	json_key(f, "commit", 0);
	json_id(f, j->commit);
	json_key(f, "time", 0);
	json_time(f, j->time);
	json_key(f, "how", 0);
	json_str(f, j->how);
	json_key(f, "via", 0);
	why_json_via(f, j->via);
	json_key(f, "span", 0);
	if (j->span == NULL)
		fputs("null", f);
	else {
		fputs("{\"path\":", f);
		json_str(f, j->span->path);
		fprintf(f, ",\"first\":%lu,\"last\":%lu}", j->span->first,
		    j->span->last);
	}
	json_key(f, "refs", 0);
	if (j->refs_commit == NULL)
		fputs("null", f);
	else {
		fputs("{\"commit\":", f);
		json_id(f, j->refs_commit);
		json_key(f, "subject", 0);
		json_str(f, j->refs_subject);
		fputc('}', f);
	}
	json_key(f, "ranges", 0);
	fputc('[', f);
	for (i = 0; i < j->nranges; i++) {
		fputs(i == 0 ? "{\"path\":" : ",{\"path\":", f);
		json_str(f, j->ranges[i].path);
		fprintf(f,
		    ",\"first\":%lu,\"last\":%lu,\"base\":", j->ranges[i].first,
		    j->ranges[i].last);
		json_id(f, j->ranges[i].base);
		fputc('}', f);
	}
	fputc(']', f);
	json_key(f, "now", 0);
	fputc('[', f);
	for (i = 0; i < j->nnow; i++) {
		fputs(i == 0 ? "{\"path\":" : ",{\"path\":", f);
		json_str(f, j->now[i].path);
		fprintf(f,
		    ",\"first\":%lu,\"last\":%lu,\"how\":", j->now[i].first,
		    j->now[i].last);
		why_json_via(f, j->now[i].how);
		fputc('}', f);
	}
	fputc(']', f);
	json_key(f, "changes", 0);
	why_json_change(f, j->change);
	json_key(f, "trace", 0);
	if (!j->traced)
		fputs("null", f);
	else {
		fputc('[', f);
		for (i = 0; i < j->ntrace; i++) {
			if (i > 0)
				fputc(',', f);
			json_str(f, j->trace[i]);
		}
		fputc(']', f);
	}
	fputc('}', f);
}

/*
 * The repository-relative path of a file the user named at rel_to (a
 * directory, or NULL for the current one), or NULL when it is not a file
 * of the working tree.
 */
static char *
why_resolve_at(struct repo *r, const char *rel_to, const char *name)
{
	char *full, *dir, *base, *slash, real[PATH_MAX], *rel = NULL, *abs;
	size_t wlen = strlen(r->workdir);
	struct file_stamp st;

	if (*name == '/' || rel_to == NULL)
		full = xstrdup(name);
	else
		xasprintf(&full, "%s/%s", rel_to, name);
	/* The directory made real; the name itself kept (it may be a link
	 * git tracks). */
	if ((slash = strrchr(full, '/')) == NULL) {
		dir = xstrdup(".");
		base = xstrdup(full);
	} else {
		dir = slash == full ? xstrdup("/")
		                    : xstrndup(full, (size_t)(slash - full));
		base = xstrdup(slash + 1);
	}
	if (realpath(dir, real) != NULL) {
		xasprintf(
		    &abs, "%s/%s", strcmp(real, "/") == 0 ? "" : real, base);
		if (strncmp(abs, r->workdir, wlen) == 0) {
			rel = xstrdup(abs + wlen);
			free(abs);
			/* It must be a file that stays inside the tree. */
			if (file_stamp(r->root, rel, &st) != 0 || !st.exists ||
			    !S_ISREG(st.mode)) {
				free(rel);
				rel = NULL;
			}
		} else
			free(abs);
	}
	free(dir);
	free(base);
	free(full);
	return rel;
}

/* Like git: relative to the current directory (or -C DIR); failing that,
 * relative to the top of the repository. */
static char *
why_resolve(struct repo *r, const char *dir, const char *name)
{
	char *rel;

	if (*name == '\0')
		return NULL;
	if ((rel = why_resolve_at(r, dir, name)) != NULL)
		return rel;
	if (*name == '/')
		return NULL;
	return why_resolve_at(r, r->workdir, name);
}

/* Lines collected from carry_trace, made inert. */
struct why_lines {
	char **v;
	size_t n;
};

static void
why_lines_add(void *arg, const char *line)
{
	struct why_lines *l = arg;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = inert_cli(line);
}

static void
why_lines_free(struct why_lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* moot why --json: one document. */
static void
why_why_json(struct repo *r, const char *rel, unsigned long line,
    const struct why_hit *hits, size_t n, const struct why_lines *traces)
{
	struct repo_head head;
	struct why_json_dec j;
	char *err = NULL;
	size_t i;

	fputs("{\"head\":", stdout);
	if (repo_head(r, &head, &err) != 0) {
		free(err);
		fputs("null", stdout);
	} else {
		json_id(stdout, head.id);
		repo_head_clear(&head);
	}
	json_key(stdout, "file", 0);
	json_str(stdout, rel);
	printf(",\"line\":%lu,\"decisions\":[", line);
	for (i = 0; i < n; i++) {
		memset(&j, 0, sizeof j);
		j.number = hits[i].number;
		j.status = hits[i].status;
		j.title = hits[i].title;
		j.record = hits[i].file;
		j.date = hits[i].date;
		j.commit = hits[i].commit;
		j.time = hits[i].time;
		j.how = hits[i].refs ? "refs" : why_carry_word(hits[i].carry);
		j.via = hits[i].refs ? 0 : hits[i].carry;
		j.span = hits[i].refs ? NULL : &hits[i].span;
		j.refs_commit = hits[i].refs_commit;
		j.refs_subject = hits[i].refs_subject;
		j.ranges = hits[i].ranges;
		j.nranges = hits[i].nranges;
		j.now = hits[i].now;
		j.nnow = hits[i].nnow;
		j.change = &hits[i].change;
		if (traces != NULL) {
			j.traced = 1;
			j.trace = traces[i].v;
			j.ntrace = traces[i].n;
		}
		if (i > 0)
			putchar(',');
		why_json_dec(stdout, &j);
	}
	fputs("]}\n", stdout);
}

int
why_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"trace", no_argument, NULL, 't'}, {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct why_hit *hits;
	struct why_lines *traces = NULL;
	struct repo *r;
	const char *dir = NULL, *arg, *colon;
	char *name, *rel, *err = NULL;
	unsigned long line;
	size_t n, i, k;
	int ch, trace = 0, json = 0, rc = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "C:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			dir = optarg;
			break;
		case 't':
			trace = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			why_why_usage(stdout);
			return 0;
		default:
			why_why_usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		why_why_usage(stderr);
		return 2;
	}
	arg = argv[optind];
	colon = strrchr(arg, ':');
	if (colon == NULL || colon == arg || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1)) {
		why_why_usage(stderr);
		return 2;
	}
	line = why_parse_line(colon + 1, strlen(colon + 1));
	if (line == 0 && strspn(colon + 1, "0") != strlen(colon + 1))
		line = ULONG_MAX; /* too many digits: beyond any file */
	name = xstrndup(arg, (size_t)(colon - arg));

	if ((r = why_open("why", dir)) == NULL) {
		free(name);
		return 1;
	}
	if ((rel = why_resolve(r, dir, name)) == NULL) {
		fprintf(stderr, "moot why: ");
		why_put(stderr, name);
		fprintf(stderr, ": no such file in the repository\n");
		free(name);
		repo_free(r);
		return 1;
	}
	if (why_find(r, rel, line, NULL, 0, &hits, &n, &err) != 0) {
		why_fail("why", err);
		free(rel);
		free(name);
		repo_free(r);
		return 1;
	}
	/* Every trace before anything is printed: a failure prints none. */
	if (trace) {
		traces = xcalloc(n + 1, sizeof *traces);
		for (i = 0; i < n && rc == 0; i++) {
			if (carry_trace(r, hits[i].number, why_lines_add,
			        &traces[i], &err) != 0) {
				why_fail("why", err);
				rc = 1;
			}
		}
	}
	if (rc == 0 && json)
		why_why_json(r, rel, line, hits, n, traces);
	else if (rc == 0) {
		if (n == 0) {
			printf("no recorded decision covers ");
			why_put(stdout, name);
			printf(":%lu\n", line);
		}
		for (i = 0; i < n; i++) {
			why_put(stdout, hits[i].id);
			fputs("  ", stdout);
			why_put(stdout, hits[i].status);
			fputs("  ", stdout);
			why_put(stdout, hits[i].title);
			fputs("\n  ", stdout);
			why_put(
			    stdout, hits[i].file != NULL ? hits[i].file : "-");
			fputs("\n  ", stdout);
			why_put(stdout, hits[i].how);
			putchar('\n');
			if (traces == NULL)
				continue;
			for (k = 0; k < traces[i].n; k++)
				printf("    %s\n", traces[i].v[k]);
		}
	}
	for (i = 0; traces != NULL && i < n; i++)
		why_lines_free(&traces[i]);
	free(traces);
	why_hits_free(hits, n);
	free(rel);
	free(name);
	repo_free(r);
	fflush(stdout);
	return rc;
}
