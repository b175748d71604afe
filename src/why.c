/* why.c: reading decisions back: `moot decisions` and `moot why`.
 * Records come from the decision directory, reasons from git history. */
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
#include <unistd.h>

#include <git2.h>

#include "file.h"
#include "inert.h"
#include "journal.h"
#include "record.h"
#include "repo.h"
#include "why.h"
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

/* Set *err from libgit2's last error. */
static void
why_git_error(char **err, const char *what)
{
	const git_error *e = git_error_last();

	xasprintf(err, "%s: %s", what,
	    e != NULL && e->message != NULL ? e->message : "unknown error");
}

/* Print s made inert (inert_cli: shown as the editor shows names, ^[,
 * \xff, <U+0085>, <U+202E>); nothing for NULL. */
static void
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
static char *
why_lower(const char *s)
{
	char *out = xstrdup(s), *p;

	for (p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/*
 * The number of a decision id "ADR-0007" (case-insensitive) starting at s;
 * 0 when s does not start with one. *end is set after the digits.
 */
static unsigned
why_id_number(const char *s, const char **end)
{
	unsigned long n = 0;
	const char *p;

	if (strncasecmp(s, "ADR-", 4) != 0 || !isdigit((unsigned char)s[4]))
		return 0;
	for (p = s + 4; isdigit((unsigned char)*p); p++) {
		n = n * 10 + (unsigned long)(*p - '0');
		if (n > UINT_MAX)
			return 0;
	}
	if (end != NULL)
		*end = p;
	return (unsigned)n;
}

/* A trailer value that is exactly a decision id (spaces around allowed). */
static unsigned
why_id_value(const char *s)
{
	const char *end;
	unsigned n;

	while (*s == ' ' || *s == '\t')
		s++;
	if ((n = why_id_number(s, &end)) == 0)
		return 0;
	while (*end == ' ' || *end == '\t')
		end++;
	return *end == '\0' ? n : 0;
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
 * Carrying line ranges across diffs.
 */

/* The hunks of one diff, context 0, in order. */
struct why_hunks {
	git_diff_hunk *v;
	size_t n;
};

static int
why_hunk_cb(const git_diff_delta *delta, const git_diff_hunk *hunk, void *arg)
{
	struct why_hunks *h = arg;

	h->v = xreallocarray(h->v, h->n + 1, sizeof *h->v);
	h->v[h->n++] = *hunk;
	return 0;
}

static void
why_diff_options(git_diff_options *o)
{
	git_diff_options_init(o, GIT_DIFF_OPTIONS_VERSION);
	o->context_lines = 0;
	o->interhunk_lines = 0;
	o->flags |= GIT_DIFF_FORCE_TEXT;
}

/*
 * Does a span of count lines from line start (one side of a hunk) lie
 * wholly above line l? An empty span (a pure insertion or deletion seen
 * from the side that has no lines) sits after line start.
 */
static int
why_span_above(int start, int count, unsigned long l)
{
	if (count == 0)
		return (unsigned long)start < l;
	return (unsigned long)start + (unsigned long)count - 1 < l;
}

/* Does that span hold line l? */
static int
why_span_holds(int start, int count, unsigned long l)
{
	return count > 0 && (unsigned long)start <= l &&
	       l < (unsigned long)start + (unsigned long)count;
}

/* Where surviving old line l is on the new side. */
static unsigned long
why_map_line(const struct why_hunks *h, unsigned long l)
{
	long delta = 0;
	size_t i;

	for (i = 0; i < h->n; i++) {
		if (why_span_above(h->v[i].old_start, h->v[i].old_lines, l))
			delta +=
			    (long)h->v[i].new_lines - (long)h->v[i].old_lines;
	}
	return (unsigned long)((long)l + delta);
}

/*
 * Carry [*first, *last] of a text with oldn lines across the hunks: the
 * new range spans the lines that survive. Returns 0, or -1 when no line
 * of the range survives.
 */
static int
why_carry(const struct why_hunks *h, unsigned long oldn, unsigned long *first,
    unsigned long *last)
{
	unsigned long a = *first, b = *last;
	size_t i;

	if (b > oldn)
		b = oldn;
	if (a < 1 || a > b)
		return -1;
	/* The first survivor at or after a; hunks are in order and never
	 * touch each other. */
	for (i = 0; i < h->n; i++) {
		if (why_span_holds(h->v[i].old_start, h->v[i].old_lines, a))
			a = (unsigned long)h->v[i].old_start +
			    (unsigned long)h->v[i].old_lines;
	}
	/* The last survivor at or before b. */
	for (i = h->n; i-- > 0;) {
		if (b > 0 &&
		    why_span_holds(h->v[i].old_start, h->v[i].old_lines, b))
			b = (unsigned long)h->v[i].old_start - 1;
	}
	if (a > b || b == 0)
		return -1;
	*first = why_map_line(h, a);
	*last = why_map_line(h, b);
	return 0;
}

/*
 * The other way: which old line new line l was, or 0 when it is new
 * (inside an added or replaced hunk).
 */
static unsigned long
why_unmap_line(const struct why_hunks *h, unsigned long l)
{
	const git_diff_hunk *k;
	long delta = 0;
	size_t i;

	for (i = 0; i < h->n; i++) {
		k = &h->v[i];
		if (why_span_holds(k->new_start, k->new_lines, l))
			return 0;
		if (why_span_above(k->new_start, k->new_lines, l))
			delta += (long)k->old_lines - (long)k->new_lines;
	}
	return (unsigned long)((long)l + delta);
}

/* ---------------------------------------------------------------------
 * Decisions in history.
 */

/* A Code-Range trailer value taken apart. */
struct why_range {
	char *path;
	unsigned long first, last;
	char *commit; /* hex, maybe abbreviated; NULL: the parent of owner */
	char owner[GIT_OID_HEXSZ + 1]; /* the commit whose trailer it is */
};

/* The newest commit carrying a Decision-Id, and what its trailers say. */
struct why_dec {
	unsigned number;
	char commit[GIT_OID_HEXSZ + 1];
	char *subject;
	char *status;
	char *file;
	struct why_range *ranges;
	size_t nranges;
};

struct why_decs {
	struct why_dec *v;
	size_t n;
};

/* Is s (len bytes) something we take as a commit id: 4 to 40 hex? */
static int
why_is_hex(const char *s, size_t len)
{
	size_t i;

	if (len < 4 || len > GIT_OID_HEXSZ)
		return 0;
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
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

/*
 * "path:a-b@commit", "path:a-b", "path:a" (the path may hold ':' and '@').
 * Returns 0, or -1 when malformed.
 */
static int
why_range_parse(const char *value, struct why_range *rg)
{
	const char *v = value, *end, *at, *colon, *dash;
	const char *commit = NULL;
	size_t commitlen = 0;

	memset(rg, 0, sizeof *rg);
	while (*v == ' ' || *v == '\t')
		v++;
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;

	/* The commit, when what follows the last '@' is one. */
	for (at = end; at > v && at[-1] != '@'; at--)
		;
	if (at > v && why_is_hex(at, (size_t)(end - at))) {
		commit = at;
		commitlen = (size_t)(end - at);
		end = at - 1;
	} else if (at > v && at == end)
		end = at - 1; /* "path:a-b@": no commit */

	for (colon = end; colon > v && colon[-1] != ':'; colon--)
		;
	if (colon == v || colon - 1 == v)
		return -1; /* no ':', or no path */
	dash = memchr(colon, '-', (size_t)(end - colon));
	if (dash == NULL) {
		rg->first = why_parse_line(colon, (size_t)(end - colon));
		rg->last = rg->first;
	} else {
		rg->first = why_parse_line(colon, (size_t)(dash - colon));
		rg->last = why_parse_line(dash + 1, (size_t)(end - dash - 1));
	}
	if (rg->first == 0 || rg->last < rg->first)
		return -1;
	rg->path = xstrndup(v, (size_t)(colon - 1 - v));
	if (commit != NULL)
		rg->commit = xstrndup(commit, commitlen);
	return 0;
}

static void
why_decs_free(struct why_decs *decs)
{
	struct why_dec *d;
	size_t i, j;

	for (i = 0; i < decs->n; i++) {
		d = &decs->v[i];
		free(d->subject);
		free(d->status);
		free(d->file);
		for (j = 0; j < d->nranges; j++) {
			free(d->ranges[j].path);
			free(d->ranges[j].commit);
		}
		free(d->ranges);
	}
	free(decs->v);
	decs->v = NULL;
	decs->n = 0;
}

static struct why_dec *
why_decs_find(struct why_decs *decs, unsigned number)
{
	size_t i;

	for (i = 0; i < decs->n; i++) {
		if (decs->v[i].number == number)
			return &decs->v[i];
	}
	return NULL;
}

/*
 * Take in one commit carrying a Decision-Id. The walk goes newest first:
 * the newest commit of an id is the decision's, and what it says wins;
 * what it leaves out (a status change naming no Code-Range) is taken from
 * older commits of the same id.
 */
static void
why_decs_add(struct why_decs *decs, git_commit *c)
{
	git_message_trailer_array arr;
	struct why_dec *d = NULL;
	struct why_range rg;
	const char *msg, *subject, *key, *value;
	unsigned number = 0;
	int need_status, need_file, need_ranges;
	size_t i;

	if ((msg = git_commit_message(c)) == NULL)
		return;
	if (git_message_trailers(&arr, msg) != 0)
		return;
	for (i = 0; i < arr.count && number == 0; i++) {
		if (strcasecmp(arr.trailers[i].key, "Decision-Id") == 0)
			number = why_id_value(arr.trailers[i].value);
	}
	if (number == 0) {
		git_message_trailer_array_free(&arr);
		return;
	}

	if ((d = why_decs_find(decs, number)) == NULL) {
		decs->v = xreallocarray(decs->v, decs->n + 1, sizeof *decs->v);
		d = &decs->v[decs->n++];
		memset(d, 0, sizeof *d);
		d->number = number;
		git_oid_tostr(d->commit, sizeof d->commit, git_commit_id(c));
		subject = git_commit_summary(c);
		d->subject = xstrdup(subject != NULL ? subject : "");
	}
	need_status = d->status == NULL;
	need_file = d->file == NULL;
	need_ranges = d->nranges == 0;
	for (i = 0; i < arr.count; i++) {
		key = arr.trailers[i].key;
		value = arr.trailers[i].value;
		if (strcasecmp(key, "Decision-Status") == 0 && need_status &&
		    d->status == NULL)
			d->status = xstrdup(value);
		else if (strcasecmp(key, "Decision-File") == 0 && need_file &&
		         d->file == NULL)
			d->file = xstrdup(value);
		else if (strcasecmp(key, "Code-Range") == 0 && need_ranges &&
		         why_range_parse(value, &rg) == 0) {
			git_oid_tostr(
			    rg.owner, sizeof rg.owner, git_commit_id(c));
			d->ranges = xreallocarray(
			    d->ranges, d->nranges + 1, sizeof *d->ranges);
			d->ranges[d->nranges++] = rg;
		}
	}
	git_message_trailer_array_free(&arr);
}

/* Every decision commit reachable from HEAD, newest per id. */
static int
why_decs_collect(git_repository *git, struct why_decs *decs, char **err)
{
	git_revwalk *walk;
	git_commit *c;
	git_oid oid;
	int rc;

	if (git_revwalk_new(&walk, git) != 0) {
		why_git_error(err, "cannot walk the history");
		return -1;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (git_revwalk_push_head(walk) != 0) {
		why_git_error(err, "cannot walk the history");
		git_revwalk_free(walk);
		return -1;
	}
	while ((rc = git_revwalk_next(&oid, walk)) == 0) {
		if (git_commit_lookup(&c, git, &oid) != 0)
			continue;
		why_decs_add(decs, c);
		git_commit_free(c);
	}
	git_revwalk_free(walk);
	if (rc != GIT_ITEROVER) {
		why_git_error(err, "cannot walk the history");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Finding the decisions behind a line.
 */

/* What why_find works with. */
struct why_ctx {
	struct repo *r;
	git_repository *git;
	const char *path;
	unsigned long line;
	git_commit *head;
	git_tree *head_tree;
	git_blob *head_blob; /* path at HEAD, or NULL */
	unsigned long head_lines;
	struct why_hunks wt; /* HEAD -> the text asked about */
	struct why_record *recs;
	size_t nrecs;
	struct why_decs decs;
	struct why_hit *hits;
	size_t nhits;
};

/* The blob of path in a tree, or NULL (also when it is larger than the
 * file size limit: a blob is read whole into memory). */
static git_blob *
why_tree_blob(struct repo *r, git_tree *tree, const char *path)
{
	git_tree_entry *te;
	git_blob *blob = NULL;
	uint64_t size;

	if (git_tree_entry_bypath(&te, tree, path) != 0)
		return NULL;
	if (git_tree_entry_type(te) == GIT_OBJECT_BLOB &&
	    repo_blob_size(r, git_tree_entry_id(te), &size) == 0 &&
	    size <= r->max_file)
		git_blob_lookup(&blob, r->git, git_tree_entry_id(te));
	git_tree_entry_free(te);
	return blob;
}

static unsigned long
why_blob_lines(git_blob *blob)
{
	return why_count_lines(
	    git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
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
	if (why_id_number(p, &end) != 0 && *end == ' ')
		p = end + 1;
	return xstrdup(p);
}

/* Fill in a hit's title, status and file from its record. */
static void
why_hit_record(struct why_ctx *ctx, struct why_hit *hit, const char *file,
    const char *subject, const char *status)
{
	struct record rec;
	struct record *found = NULL;
	const char *foundfile = NULL;
	char *text = NULL;
	size_t i, len;

	memset(&rec, 0, sizeof rec);
	/* The file the decision names, as it is in the working tree. */
	if (file != NULL && repo_path_ok(file) &&
	    (text = why_read_file(ctx->r, file, WHY_RECORD_MAX, &len)) !=
	        NULL) {
		record_parse(&rec, text, len);
		found = &rec;
		foundfile = file;
	}
	free(text);
	/* Else the record with that number in the decision directory. */
	for (i = 0; found == NULL && i < ctx->nrecs; i++) {
		if (ctx->recs[i].number == hit->number) {
			found = &ctx->recs[i].rec;
			foundfile = ctx->recs[i].file;
		}
	}

	if (found != NULL && found->title != NULL)
		hit->title = xstrdup(found->title);
	else if (subject != NULL)
		hit->title = why_subject_title(subject);
	else
		hit->title = xstrdup("(no record)");

	if (found != NULL && found->state != RECORD_UNKNOWN &&
	    found->state != RECORD_OTHER)
		hit->status = xstrdup(record_state_name(found->state));
	else if (found != NULL && found->status != NULL)
		hit->status = why_lower(found->status);
	else if (status != NULL)
		hit->status = why_lower(status);
	else
		hit->status = xstrdup("unknown");

	hit->file = foundfile != NULL ? xstrdup(foundfile) : NULL;
	record_free(&rec);
}

static struct why_hit *
why_hit_new(struct why_ctx *ctx, unsigned number)
{
	struct why_hit *hit;

	ctx->hits = xreallocarray(ctx->hits, ctx->nhits + 1, sizeof *ctx->hits);
	hit = &ctx->hits[ctx->nhits++];
	memset(hit, 0, sizeof *hit);
	hit->number = number;
	xasprintf(&hit->id, "ADR-%04u", number);
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

/* The commit a range was taken at (the parent of the decision commit
 * naming it, when it names none), or NULL. */
static git_commit *
why_range_base(struct why_ctx *ctx, struct why_range *rg)
{
	git_commit *c = NULL, *parent = NULL;
	git_oid oid;

	if (rg->commit != NULL) {
		if (git_oid_fromstrn(&oid, rg->commit, strlen(rg->commit)) != 0)
			return NULL;
		if (git_commit_lookup_prefix(
		        &c, ctx->git, &oid, strlen(rg->commit)) != 0)
			return NULL;
		return c;
	}
	if (git_oid_fromstr(&oid, rg->owner) != 0 ||
	    git_commit_lookup(&c, ctx->git, &oid) != 0)
		return NULL;
	if (git_commit_parentcount(c) == 0 ||
	    git_commit_parent(&parent, c, 0) != 0)
		parent = NULL;
	git_commit_free(c);
	return parent;
}

/*
 * The path in base that was renamed to ctx->path by HEAD, if it is the one
 * a trailer names as shown (trailers hold paths made inert: inert.h).
 * NULL when there is none. Caller frees.
 */
static char *
why_renamed(struct why_ctx *ctx, git_tree *base, const char *shown)
{
	git_diff *diff;
	git_diff_find_options fo;
	const git_diff_delta *delta;
	size_t i, n;
	char *found = NULL, *old;

	if (git_diff_tree_to_tree(
	        &diff, ctx->git, base, ctx->head_tree, NULL) != 0)
		return NULL;
	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	fo.flags = GIT_DIFF_FIND_RENAMES;
	if (git_diff_find_similar(diff, &fo) == 0) {
		n = git_diff_num_deltas(diff);
		for (i = 0; i < n && found == NULL; i++) {
			delta = git_diff_get_delta(diff, i);
			if (delta->status != GIT_DELTA_RENAMED ||
			    strcmp(delta->new_file.path, ctx->path) != 0)
				continue;
			old = inert_line(delta->old_file.path);
			if (strcmp(old, shown) == 0)
				found = xstrdup(delta->old_file.path);
			free(old);
		}
	}
	git_diff_free(diff);
	return found;
}

/*
 * Carry one Code-Range to the text asked about. Returns 0 with the range
 * now, or -1 when it is gone or does not concern this file.
 */
static int
why_range_now(struct why_ctx *ctx, struct why_range *rg,
    char base_id[GIT_OID_HEXSZ + 1], unsigned long *first, unsigned long *last)
{
	git_diff_options o;
	git_commit *base;
	git_tree *tree = NULL;
	git_blob *blob = NULL, *other;
	struct why_hunks h = {NULL, 0};
	char *shown, *renamed = NULL;
	const char *path; /* the range's file, as named in its commit */
	int rc = -1, same;

	if (ctx->head_blob == NULL)
		return -1;
	/* The trailer names the file made inert: compare it so. */
	shown = inert_line(ctx->path);
	same = strcmp(rg->path, shown) == 0;
	free(shown);
	path = same ? ctx->path : rg->path;
	if (!same) {
		/* Another file: only if it was renamed to this one. */
		if ((other = why_tree_blob(ctx->r, ctx->head_tree, rg->path)) !=
		    NULL) {
			git_blob_free(other);
			return -1;
		}
	}
	if ((base = why_range_base(ctx, rg)) == NULL)
		return -1;
	git_oid_tostr(base_id, GIT_OID_HEXSZ + 1, git_commit_id(base));
	if (git_commit_tree(&tree, base) != 0)
		goto out;
	if (!same) {
		if ((renamed = why_renamed(ctx, tree, rg->path)) == NULL)
			goto out;
		path = renamed;
	}
	if ((blob = why_tree_blob(ctx->r, tree, path)) == NULL)
		goto out;

	why_diff_options(&o);
	if (git_diff_blobs(blob, path, ctx->head_blob, ctx->path, &o, NULL,
	        NULL, why_hunk_cb, NULL, &h) != 0)
		goto out;
	*first = rg->first;
	*last = rg->last;
	if (why_carry(&h, why_blob_lines(blob), first, last) != 0)
		goto out;
	if (why_carry(&ctx->wt, ctx->head_lines, first, last) != 0)
		goto out;
	rc = 0;
out:
	free(renamed);
	free(h.v);
	git_blob_free(blob);
	git_tree_free(tree);
	git_commit_free(base);
	return rc;
}

/* Decisions whose Code-Range covers the line. */
static void
why_find_ranges(struct why_ctx *ctx)
{
	struct why_dec *d;
	struct why_range *rg;
	struct why_hit *hit;
	char base_id[GIT_OID_HEXSZ + 1], *where;
	unsigned long first, last;
	size_t i, j;

	for (i = 0; i < ctx->decs.n; i++) {
		d = &ctx->decs.v[i];
		if (d->status == NULL || strcasecmp(d->status, "accepted") != 0)
			continue;
		for (j = 0; j < d->nranges; j++) {
			rg = &d->ranges[j];
			if (why_range_now(ctx, rg, base_id, &first, &last) != 0)
				continue;
			if (ctx->line < first || ctx->line > last)
				continue;
			hit = why_hit_new(ctx, d->number);
			hit->commit = xstrdup(d->commit);
			why_hit_record(
			    ctx, hit, d->file, d->subject, d->status);
			if (rg->first == rg->last)
				xasprintf(&where, "%lu", rg->first);
			else
				xasprintf(
				    &where, "%lu-%lu", rg->first, rg->last);
			if (first == last)
				xasprintf(&hit->how,
				    "Code-Range %s:%s@%.12s, now line %lu",
				    rg->path, where, base_id, first);
			else
				xasprintf(&hit->how,
				    "Code-Range %s:%s@%.12s, now lines %lu-%lu",
				    rg->path, where, base_id, first, last);
			free(where);
			break; /* one hit per decision */
		}
	}
}

/* Decisions named by Refs trailers of the commit that last changed the
 * line. */
static void
why_find_refs(struct why_ctx *ctx)
{
	git_blame_options bo;
	git_blame *blame = NULL;
	const git_blame_hunk *bh;
	git_commit *c = NULL;
	git_message_trailer_array arr;
	struct why_dec *d;
	struct why_hit *hit;
	const char *p, *end, *summary;
	char id[GIT_OID_HEXSZ + 1];
	unsigned long headline;
	unsigned number;
	size_t i;

	if (ctx->head_blob == NULL)
		return;
	if ((headline = why_unmap_line(&ctx->wt, ctx->line)) == 0 ||
	    headline > ctx->head_lines)
		return; /* not committed yet */

	git_blame_options_init(&bo, GIT_BLAME_OPTIONS_VERSION);
	bo.newest_commit = *git_commit_id(ctx->head);
	bo.min_line = headline;
	bo.max_line = headline;
	if (git_blame_file(&blame, ctx->git, ctx->path, &bo) != 0)
		return;
	bh = git_blame_get_hunk_byline(blame, headline);
	if (bh == NULL || git_oid_is_zero(&bh->final_commit_id) ||
	    git_commit_lookup(&c, ctx->git, &bh->final_commit_id) != 0)
		goto out;
	if (git_commit_message(c) == NULL ||
	    git_message_trailers(&arr, git_commit_message(c)) != 0)
		goto out;
	git_oid_tostr(id, sizeof id, git_commit_id(c));
	summary = git_commit_summary(c);
	for (i = 0; i < arr.count; i++) {
		if (strcasecmp(arr.trailers[i].key, "Refs") != 0)
			continue;
		/* "ADR-0007", "ADR-0007, ADR-0009": ids among commas and
		 * spaces; other references are not ours. */
		p = arr.trailers[i].value;
		while (*p != '\0') {
			while (*p == ',' || *p == ' ' || *p == '\t')
				p++;
			if (*p == '\0')
				break;
			number = why_id_number(p, &end);
			if (number == 0 || (*end != '\0' && *end != ',' &&
			                       *end != ' ' && *end != '\t')) {
				/* Not an id: skip the word. */
				while (*p != '\0' && *p != ',' && *p != ' ' &&
				       *p != '\t')
					p++;
				continue;
			}
			p = end;
			if (why_hit_known(ctx, number))
				continue;
			hit = why_hit_new(ctx, number);
			d = why_decs_find(&ctx->decs, number);
			hit->commit = xstrdup(d != NULL ? d->commit : "");
			why_hit_record(ctx, hit, d != NULL ? d->file : NULL,
			    d != NULL ? d->subject : NULL,
			    d != NULL ? d->status : NULL);
			xasprintf(&hit->how,
			    "Refs in %.12s (%s), which last changed this line",
			    id, summary != NULL ? summary : "");
		}
	}
	git_message_trailer_array_free(&arr);
out:
	git_commit_free(c);
	git_blame_free(blame);
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
	git_diff_options o;
	git_oid oid;
	char *file = NULL;
	const char *buf = text;
	size_t buflen = len;
	unsigned long lines;
	int rc = -1, unborn;

	*out = NULL;
	*n = 0;
	memset(&ctx, 0, sizeof ctx);
	ctx.r = r;
	ctx.git = r->git;
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

	unborn = git_repository_head_unborn(ctx.git);
	if (unborn == 1) {
		free(file);
		return 0; /* no history, no decisions */
	}
	if (unborn != 0 ||
	    git_reference_name_to_id(&oid, ctx.git, "HEAD") != 0 ||
	    git_commit_lookup(&ctx.head, ctx.git, &oid) != 0 ||
	    git_commit_tree(&ctx.head_tree, ctx.head) != 0) {
		why_git_error(err, "cannot read HEAD");
		goto out;
	}

	/* From HEAD to the text asked about. */
	ctx.head_blob = why_tree_blob(r, ctx.head_tree, path);
	if (ctx.head_blob != NULL) {
		ctx.head_lines = why_blob_lines(ctx.head_blob);
		why_diff_options(&o);
		if (git_diff_blob_to_buffer(ctx.head_blob, path, buf, buflen,
		        path, &o, NULL, NULL, why_hunk_cb, NULL,
		        &ctx.wt) != 0) {
			why_git_error(err, "cannot compare with HEAD");
			goto out;
		}
	}

	if (why_decs_collect(ctx.git, &ctx.decs, err) != 0)
		goto out;
	if (why_records(r, &ctx.recs, &ctx.nrecs, err) != 0) {
		/* Hits still come from history; titles from subjects. */
		free(*err);
		*err = NULL;
	}
	why_find_ranges(&ctx);
	why_find_refs(&ctx);
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
	why_decs_free(&ctx.decs);
	free(ctx.wt.v);
	git_blob_free(ctx.head_blob);
	git_tree_free(ctx.head_tree);
	git_commit_free(ctx.head);
	free(file);
	return rc;
}

void
why_hits_free(struct why_hit *hits, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(hits[i].id);
		free(hits[i].title);
		free(hits[i].status);
		free(hits[i].file);
		free(hits[i].how);
		free(hits[i].commit);
	}
	free(hits);
}

/* ---------------------------------------------------------------------
 * The command line.
 */

static void
why_decisions_usage(FILE *f)
{
	fprintf(f, "usage: moot decisions [-C DIR] [--open]\n");
}

static void
why_why_usage(FILE *f)
{
	fprintf(f, "usage: moot why FILE:LINE [-C DIR]\n");
}

/* Open the repository containing dir, or say why not. */
static struct repo *
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

/* The status word a record shows in the list. */
static const char *
why_record_status(const struct record *rec)
{
	if (rec->state == RECORD_UNKNOWN)
		return "unknown";
	if (rec->state == RECORD_OTHER && rec->status != NULL)
		return rec->status;
	return record_state_name(rec->state);
}

/* What `moot decisions --open` gathers from the journal. */
static void
why_no_doc(void *arg, const char *path, const char *base, size_t len)
{
}

static void
why_no_undo(void *arg, const char *path, const char *author, const void *data,
    size_t len)
{
}

static int
why_no_op(void *arg, const struct journal_rec *rec)
{
	return 0;
}

static void
why_no_cursor(void *arg, const char *author, const char *path, uint64_t pos)
{
}

static void
why_no_person(
    void *arg, const char *author, const char *name, const char *email)
{
}

static void
why_no_problem(void *arg, const char *message)
{
}

struct why_open_list {
	char **questions; /* "-     question" lines */
	size_t nquestions;
	char **drafts; /* "NNNN  draft: TITLE" lines */
	size_t ndrafts;
};

static void
why_open_question(
    void *arg, int64_t id, int64_t time, const char *author, const char *text)
{
	struct why_open_list *ol = arg;
	char *safe = inert_cli(text), *line;

	xasprintf(&line, "-     %s", safe);
	free(safe);
	ol->questions = xreallocarray(
	    ol->questions, ol->nquestions + 1, sizeof *ol->questions);
	ol->questions[ol->nquestions++] = line;
}

static void
why_open_draft(void *arg, const struct journal_draft *d)
{
	struct why_open_list *ol = arg;
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
why_open_journal(struct repo *r)
{
	struct journal_replay cb;
	struct why_open_list ol;
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
	memset(&cb, 0, sizeof cb);
	cb.doc = why_no_doc;
	cb.undo = why_no_undo;
	cb.op = why_no_op;
	cb.cursor = why_no_cursor;
	cb.person = why_no_person;
	cb.question = why_open_question;
	cb.draft = why_open_draft;
	cb.problem = why_no_problem;
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

int
why_decisions_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"open", no_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	struct why_record *recs;
	struct record *rec;
	struct repo *r;
	const char *dir = NULL;
	char *err = NULL;
	size_t n, i, q;
	int ch, open = 0, rc = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "C:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			dir = optarg;
			break;
		case 'o':
			open = 1;
			break;
		case 'h':
			why_decisions_usage(stdout);
			return 0;
		default:
			why_decisions_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "moot decisions: unexpected argument '");
		why_put(stderr, argv[optind]);
		fprintf(stderr, "'\n");
		why_decisions_usage(stderr);
		return 2;
	}
	if ((r = why_open("decisions", dir)) == NULL)
		return 1;
	if (why_records(r, &recs, &n, &err) != 0) {
		fprintf(stderr, "moot decisions: ");
		why_put(stderr, err);
		fputc('\n', stderr);
		free(err);
		repo_free(r);
		return 1;
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
		why_put(stdout, why_record_status(rec));
		fputs("  ", stdout);
		why_put(stdout, rec->date != NULL ? rec->date : "-");
		fputs("  ", stdout);
		why_put(stdout, rec->title != NULL ? rec->title : recs[i].file);
		putchar('\n');
	}
	why_records_free(recs, n);
	if (open && why_open_journal(r) != 0)
		rc = 1;
	repo_free(r);
	fflush(stdout);
	return rc;
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

int
why_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct why_hit *hits;
	struct repo *r;
	const char *dir = NULL, *arg, *colon;
	char *name, *rel, *err = NULL;
	unsigned long line;
	size_t n, i;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "C:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			dir = optarg;
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
		fprintf(stderr, "moot why: ");
		why_put(stderr, err);
		fputc('\n', stderr);
		free(err);
		free(rel);
		free(name);
		repo_free(r);
		return 1;
	}
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
		why_put(stdout, hits[i].file != NULL ? hits[i].file : "-");
		fputs("\n  ", stdout);
		why_put(stdout, hits[i].how);
		putchar('\n');
	}
	why_hits_free(hits, n);
	free(rel);
	free(name);
	repo_free(r);
	fflush(stdout);
	return 0;
}
