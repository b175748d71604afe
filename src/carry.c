/* carry.c: the code each decision concerns, carried through history commit
 * by commit: kept lines, moves, edits in place, renames. */
#include "moot.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "carry.h"
#include "inert.h"
#include "linematch.h"
#include "repo.h"

#define CARRY_NONE UINT32_MAX
#define CARRY_CHECKPOINT 1024 /* commits between sets kept while walking */
#define CARRY_REFS_MAX 16     /* decisions one commit's Refs cite */
#define CARRY_RANGES_MAX 64   /* Code-Range trailers read from a commit */

/* Who made a commit a step is carried across; NULL for carrying that
 * is no change of anyone's (a range taken at an older commit). */
struct carry_who {
	char id[CARRY_OID_HEX + 1];
	int64_t time;
	uint64_t author; /* hash of the author's e-mail */
};

/* What a walk works with. */
struct carry_ctx {
	struct repo *r;
	git_repository *git;
	unsigned trace; /* the decision whose path is told, 0: none */
	void (*cb)(void *, const char *);
	void *arg;
};

/* One file across a step. */
struct carry_file {
	char *oldpath, *newpath; /* NULL: no such side */
	git_blob *oldblob, *newblob;
	const char *oldbuf, *newbuf; /* the texts (blobs or given) */
	size_t oldlen, newlen;
	struct linematch_text old, new;
	struct linematch_pair pair;
	uint8_t *want; /* old lines some decision covers */
};

/* A line of a decision after a step. */
struct carry_line {
	const char *path;
	unsigned long line;
	unsigned how;
};

/* ---------------------------------------------------------------------
 * Sets of decisions.
 */

/* Decisions and Refs lines alike, by one index. */
static size_t
carry_count(const struct carry_set *set)
{
	return set->n + set->nrefs;
}

static struct carry_dec *
carry_nth(const struct carry_set *set, size_t i)
{
	return i < set->n ? &set->v[i] : &set->refs[i - set->n];
}

/* Do any spans of the set concern path? */
static int
carry_set_covers_path(const struct carry_set *set, const char *path)
{
	const struct carry_dec *d;
	size_t i, j;

	for (i = 0; i < carry_count(set); i++) {
		d = carry_nth(set, i);
		for (j = 0; j < d->nspans; j++) {
			if (strcmp(d->spans[j].path, path) == 0)
				return 1;
		}
	}
	return 0;
}

static int
carry_set_empty(const struct carry_set *set)
{
	size_t i;

	for (i = 0; i < carry_count(set); i++) {
		if (carry_nth(set, i)->nspans > 0)
			return 0;
	}
	return 1;
}

/* ---------------------------------------------------------------------
 * Texts and diffs.
 */

static void
carry_git_error(char **err, const char *what)
{
	const git_error *e = git_error_last();

	xasprintf(err, "%s: %s", what,
	    e != NULL && e->message != NULL ? e->message : "unknown error");
}

static int
carry_hunk_cb(const git_diff_delta *delta, const git_diff_hunk *hunk, void *arg)
{
	struct {
		struct linematch_hunk *v;
		size_t n;
	} *h = arg;

	(void)delta;
	h->v = xreallocarray(h->v, h->n + 1, sizeof *h->v);
	h->v[h->n].old_start = (unsigned long)hunk->old_start;
	h->v[h->n].old_lines = (unsigned long)hunk->old_lines;
	h->v[h->n].new_start = (unsigned long)hunk->new_start;
	h->v[h->n].new_lines = (unsigned long)hunk->new_lines;
	h->n++;
	return 0;
}

/* linematch's diff: libgit2's (xdiff), no context, always as text. */
static int
carry_diff(const char *a, size_t alen, const char *b, size_t blen,
    struct linematch_hunk **out, size_t *n, void *arg)
{
	git_diff_options o;
	struct {
		struct linematch_hunk *v;
		size_t n;
	} h = {NULL, 0};

	(void)arg;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.context_lines = 0;
	o.interhunk_lines = 0;
	o.flags |= GIT_DIFF_FORCE_TEXT | GIT_DIFF_INDENT_HEURISTIC;
	if (git_diff_buffers(a, alen, NULL, b, blen, NULL, &o, NULL, NULL,
	        carry_hunk_cb, NULL, &h) != 0) {
		free(h.v);
		return -1;
	}
	*out = h.v;
	*n = h.n;
	return 0;
}

/* The text blob of path in tree, or NULL (missing, not a blob, larger
 * than the file size limit, binary). */
static git_blob *
carry_tree_blob(struct carry_ctx *ctx, git_tree *tree, const char *path)
{
	git_tree_entry *te;
	git_blob *blob = NULL;
	uint64_t size;

	if (tree == NULL || git_tree_entry_bypath(&te, tree, path) != 0)
		return NULL;
	if (git_tree_entry_type(te) == GIT_OBJECT_BLOB &&
	    repo_blob_size(ctx->r, git_tree_entry_id(te), &size) == 0 &&
	    size <= ctx->r->max_file)
		git_blob_lookup(&blob, ctx->git, git_tree_entry_id(te));
	git_tree_entry_free(te);
	if (blob != NULL && git_blob_is_binary(blob)) {
		git_blob_free(blob);
		blob = NULL;
	}
	return blob;
}

static const char *
carry_blob_text(git_blob *blob, size_t *len)
{
	const char *s;

	*len = (size_t)git_blob_rawsize(blob);
	s = git_blob_rawcontent(blob);
	if (s == NULL)
		*len = 0;
	return s != NULL ? s : "";
}

static void
carry_file_free(struct carry_file *f)
{
	free(f->oldpath);
	free(f->newpath);
	if (f->old.off != NULL)
		linematch_text_free(&f->old);
	if (f->new.off != NULL)
		linematch_text_free(&f->new);
	linematch_pair_free(&f->pair);
	git_blob_free(f->oldblob);
	git_blob_free(f->newblob);
	free(f->want);
}

/* Take both sides apart and match them in place. */
static int
carry_file_match(struct carry_file *f, uint32_t index)
{
	if (f->oldbuf != NULL) {
		linematch_text_init(&f->old, f->oldbuf, f->oldlen);
		f->pair.old = &f->old;
	}
	if (f->newbuf != NULL) {
		linematch_text_init(&f->new, f->newbuf, f->newlen);
		f->pair.new = &f->new;
	}
	return linematch_file(&f->pair, index, carry_diff, NULL);
}

/* ---------------------------------------------------------------------
 * Carrying a set across matched files.
 */

/* The how of d's span holding line of path, or -1 when none does. */
static int
carry_span_how(const struct carry_dec *d, const char *path, unsigned long line)
{
	const struct carry_span *sp = carry_covers(d, path, line);

	return sp != NULL ? (int)sp->how : -1;
}

static int
carry_line_cmp(const void *a, const void *b)
{
	const struct carry_line *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void
carry_span_add(struct carry_span **v, size_t *n, const char *path,
    unsigned long line, unsigned how)
{
	struct carry_span *last = *n > 0 ? &(*v)[*n - 1] : NULL;

	if (last != NULL && last->how == how && last->last + 1 == line &&
	    strcmp(last->path, path) == 0) {
		last->last = line;
		return;
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[*n].path = xstrdup(path);
	(*v)[*n].first = (*v)[*n].last = line;
	(*v)[*n].how = how;
	(*n)++;
}

static int
carry_span_cmp(const void *a, const void *b)
{
	const struct carry_span *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c != 0)
		return c;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* "src/a.c:40-52, src/b.c:3" of a decision's spans, merged across how. */
static char *
carry_spans_text(const struct carry_span *v, size_t n)
{
	char *out = xstrdup(""), *next;
	unsigned long first, last;
	size_t i = 0;

	if (n == 0)
		return xstrdup("nothing");
	while (i < n) {
		first = v[i].first;
		last = v[i].last;
		while (i + 1 < n && strcmp(v[i + 1].path, v[i].path) == 0 &&
		       v[i + 1].first == last + 1)
			last = v[++i].last;
		if (first == last)
			xasprintf(&next, "%s%s%s:%lu", out,
			    *out != '\0' ? ", " : "", v[i].path, first);
		else
			xasprintf(&next, "%s%s%s:%lu-%lu", out,
			    *out != '\0' ? ", " : "", v[i].path, first, last);
		free(out);
		out = next;
		i++;
	}
	return out;
}

static int
carry_spans_equal(const struct carry_span *a, size_t na,
    const struct carry_span *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		if (a[i].first != b[i].first || a[i].last != b[i].last ||
		    a[i].how != b[i].how || strcmp(a[i].path, b[i].path) != 0)
			return 0;
	}
	return 1;
}

/* Count the author once. */
static void
carry_dec_author(struct carry_dec *d, uint64_t author)
{
	size_t i;

	for (i = 0; i < d->nauthor_ids; i++) {
		if (d->author_ids[i] == author)
			return;
	}
	d->author_ids = xreallocarray(
	    d->author_ids, d->nauthor_ids + 1, sizeof *d->author_ids);
	d->author_ids[d->nauthor_ids++] = author;
	d->authors = (unsigned)d->nauthor_ids;
}

static unsigned long
carry_dec_changed(const struct carry_dec *d)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < d->nspans; i++) {
		if (d->spans[i].how & (CARRY_EDITED | CARRY_ADDED))
			n += d->spans[i].last - d->spans[i].first + 1;
	}
	return n;
}

/* Add word to the list in buf, after a comma when it is not the first. */
static void
carry_word(char *buf, size_t size, const char *word)
{
	size_t used = strlen(buf);

	snprintf(buf + used, size - used, "%s%s", used > 0 ? ", " : "", word);
}

/* Tell the traced decision's step. */
static void
carry_tell(struct carry_ctx *ctx, const struct carry_who *who,
    const struct carry_span *before, size_t nbefore, const struct carry_dec *d,
    unsigned step, unsigned long lost, unsigned long added)
{
	char *from, *to, *line, what[128];

	if (ctx == NULL || ctx->cb == NULL || ctx->trace != d->number ||
	    who == NULL)
		return;
	what[0] = '\0';
	if (d->nspans == 0)
		carry_word(what, sizeof what, "removed");
	if (step & CARRY_MOVED)
		carry_word(what, sizeof what, "moved");
	if (step & CARRY_RENAMED)
		carry_word(what, sizeof what, "renamed");
	if (step & CARRY_EDITED)
		carry_word(what, sizeof what, "edited");
	if (added > 0) {
		snprintf(what + strlen(what), sizeof what - strlen(what),
		    "%sgrew by %lu line%s", *what ? ", " : "", added,
		    added == 1 ? "" : "s");
	}
	if (lost > 0 && d->nspans > 0) {
		snprintf(what + strlen(what), sizeof what - strlen(what),
		    "%slost %lu line%s", *what ? ", " : "", lost,
		    lost == 1 ? "" : "s");
	}
	if (*what == '\0')
		carry_word(what, sizeof what, "shifted");
	from = carry_spans_text(before, nbefore);
	to = carry_spans_text(d->spans, d->nspans);
	xasprintf(&line, "%.7s %s %s \xe2\x86\x92 %s", who->id, what, from, to);
	ctx->cb(ctx->arg, line);
	free(line);
	free(from);
	free(to);
}

/* The lines a step deleted (old lines left without descendants, not
 * blank), by their hash without white space, sorted. */
struct carry_gone {
	uint64_t *v;
	size_t n;
};

static int
carry_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
carry_gone_build(
    struct carry_gone *g, const struct carry_file *files, size_t nfiles)
{
	unsigned long l;
	size_t k;

	g->v = NULL;
	g->n = 0;
	for (k = 0; k < nfiles; k++) {
		if (files[k].pair.old == NULL || files[k].pair.kept == NULL)
			continue;
		for (l = 1; l <= files[k].old.n; l++) {
			if (files[k].pair.kept[l] || files[k].old.solid[l] == 0)
				continue;
			g->v = xreallocarray(g->v, g->n + 1, sizeof *g->v);
			g->v[g->n++] = files[k].old.hash[l];
		}
	}
	if (g->n > 1)
		qsort(g->v, g->n, sizeof *g->v, carry_u64_cmp);
}

/*
 * Are new lines a..b of f mostly lines the step deleted elsewhere (code
 * moved in, not written there)? Then they do not join the decision they
 * land inside.
 */
static int
carry_moved_in(const struct carry_gone *g, const struct carry_file *f,
    unsigned long a, unsigned long b)
{
	unsigned long j, solid = 0, found = 0;

	if (g == NULL || g->n == 0)
		return 0;
	for (j = a; j <= b; j++) {
		if (f->new.solid[j] == 0)
			continue;
		solid++;
		if (bsearch(&f->new.hash[j], g->v, g->n, sizeof *g->v,
		        carry_u64_cmp) != NULL)
			found++;
	}
	return solid > 0 && found * 2 > solid;
}

/*
 * Carry decision d across the matched files (their old paths are where
 * d's spans are now): its spans on those paths are replaced by the lines
 * descending from them, plus lines added between two of them.
 */
static void
carry_dec_remap(struct carry_ctx *ctx, struct carry_dec *d,
    struct carry_file *files, size_t nfiles, const struct carry_gone *gone,
    const struct carry_who *who, int refs)
{
	struct carry_line *lines = NULL;
	struct carry_span *spans = NULL, *before;
	struct carry_file *f, *p;
	size_t nlines = 0, nspans = 0, i, k, nbefore;
	unsigned long j, l, lost = 0, added = 0;
	unsigned step = 0, how;
	int h, touched = 0, inside;

	for (k = 0; k < nfiles; k++) {
		if (files[k].oldpath == NULL)
			continue;
		for (i = 0; i < d->nspans; i++) {
			if (strcmp(d->spans[i].path, files[k].oldpath) != 0)
				continue;
			touched = 1;
			for (l = d->spans[i].first; l <= d->spans[i].last;
			     l++) {
				if (files[k].pair.kept == NULL ||
				    l > files[k].old.n ||
				    !files[k].pair.kept[l])
					lost++;
			}
		}
	}
	if (!touched)
		return;

	/* The lines descending from d's. */
	for (k = 0; k < nfiles; k++) {
		f = &files[k];
		if (f->newpath == NULL || f->pair.to == NULL)
			continue;
		for (j = 1; j <= f->new.n; j++) {
			if (f->pair.to[j].pair == CARRY_NONE)
				continue;
			p = &files[f->pair.to[j].pair];
			if (p->oldpath == NULL ||
			    (h = carry_span_how(
			         d, p->oldpath, f->pair.to[j].line)) < 0)
				continue;
			how = 0;
			if (f->pair.to[j].how & LINEMATCH_EDITED) {
				if (refs)
					continue; /* changed since: not its */
				how |= CARRY_EDITED;
			}
			if (f->pair.to[j].how & LINEMATCH_MOVED)
				how |= CARRY_MOVED;
			else if (strcmp(p->oldpath, f->newpath) != 0)
				how |= CARRY_RENAMED;
			step |= how;
			lines = xreallocarray(lines, nlines + 1, sizeof *lines);
			lines[nlines].path = f->newpath;
			lines[nlines].line = j;
			lines[nlines].how = (unsigned)h | how;
			nlines++;
		}
	}
	if (nlines > 1)
		qsort(lines, nlines, sizeof *lines, carry_line_cmp);

	/* Spans on other paths stay; the new ones join them. */
	for (i = 0; i < d->nspans; i++) {
		for (k = 0; k < nfiles; k++) {
			if (files[k].oldpath != NULL &&
			    strcmp(d->spans[i].path, files[k].oldpath) == 0)
				break;
		}
		if (k < nfiles)
			continue;
		spans = xreallocarray(spans, nspans + 1, sizeof *spans);
		spans[nspans] = d->spans[i];
		spans[nspans].path = xstrdup(d->spans[i].path);
		nspans++;
	}
	for (i = 0; i < nlines; i++) {
		if (i > 0 && lines[i].line == lines[i - 1].line &&
		    strcmp(lines[i].path, lines[i - 1].path) == 0)
			continue; /* two of d's lines joined into one */
		/* Lines added between two of d's lines are d's too. */
		if (!refs && i > 0 &&
		    strcmp(lines[i].path, lines[i - 1].path) == 0 &&
		    lines[i].line > lines[i - 1].line + 1) {
			for (k = 0; k < nfiles; k++) {
				if (files[k].newpath == lines[i].path)
					break;
			}
			inside = k < nfiles;
			for (j = lines[i - 1].line + 1;
			     inside && j < lines[i].line; j++) {
				if (files[k].pair.to[j].pair != CARRY_NONE)
					inside = 0;
			}
			if (inside &&
			    carry_moved_in(gone, &files[k],
			        lines[i - 1].line + 1, lines[i].line - 1))
				inside = 0;
			for (j = lines[i - 1].line + 1;
			     inside && j < lines[i].line; j++) {
				carry_span_add(&spans, &nspans, lines[i].path,
				    j, CARRY_ADDED);
				added++;
			}
		}
		carry_span_add(&spans, &nspans, lines[i].path, lines[i].line,
		    lines[i].how);
	}
	free(lines);
	if (nspans > 1)
		qsort(spans, nspans, sizeof *spans, carry_span_cmp);

	before = d->spans;
	nbefore = d->nspans;
	d->spans = spans;
	d->nspans = nspans;
	if (!refs && !carry_spans_equal(before, nbefore, spans, nspans)) {
		if (who != NULL && (step != 0 || lost > 0 || added > 0)) {
			d->commits++;
			carry_dec_author(d, who->author);
			if (who->time >= d->changed_time) {
				d->changed_time = who->time;
				memcpy(d->changed_commit, who->id,
				    sizeof d->changed_commit);
			}
		}
		carry_tell(ctx, who, before, nbefore, d, step, lost, added);
	}
	d->changed = carry_dec_changed(d);
	for (i = 0; i < nbefore; i++)
		free(before[i].path);
	free(before);
}

/* Carry the Refs lines; drop those left with none. */
static void
carry_refs_remap(struct carry_set *set, struct carry_file *files, size_t nfiles)
{
	size_t i, o = 0;

	for (i = 0; i < set->nrefs; i++) {
		carry_dec_remap(
		    NULL, &set->refs[i], files, nfiles, NULL, NULL, 1);
		if (set->refs[i].nspans == 0) {
			carry_dec_clear(&set->refs[i]);
			continue;
		}
		set->refs[o++] = set->refs[i];
	}
	set->nrefs = o;
}

/* Mark in each file's want the old lines the set covers. */
static void
carry_want(const struct carry_set *set, struct carry_file *files, size_t nfiles)
{
	const struct carry_span *sp;
	const struct carry_dec *d;
	size_t i, j, k;
	unsigned long l;

	for (k = 0; k < nfiles; k++) {
		if (files[k].oldpath == NULL || files[k].pair.old == NULL)
			continue;
		files[k].want = xcalloc(files[k].old.n + 1, 1);
		for (i = 0; i < carry_count(set); i++) {
			d = carry_nth(set, i);
			for (j = 0; j < d->nspans; j++) {
				sp = &d->spans[j];
				if (strcmp(sp->path, files[k].oldpath) != 0)
					continue;
				for (l = sp->first;
				     l <= sp->last && l <= files[k].old.n; l++)
					files[k].want[l] = 1;
			}
		}
	}
}

/* Some wanted old line left without a descendant? */
static int
carry_lost(const struct carry_file *files, size_t nfiles)
{
	size_t k;
	unsigned long l;

	for (k = 0; k < nfiles; k++) {
		if (files[k].want == NULL)
			continue;
		for (l = 1; l <= files[k].old.n; l++) {
			if (files[k].want[l] && !files[k].pair.kept[l])
				return 1;
		}
	}
	return 0;
}

/* Did a decided file get a block of new lines (code written, or moved
 * in from a file not read yet)? */
static int
carry_inserted(const struct carry_file *files, size_t nfiles)
{
	unsigned long j, run;
	size_t k;

	for (k = 0; k < nfiles; k++) {
		if (files[k].pair.to == NULL)
			continue;
		for (j = 1, run = 0; j <= files[k].new.n; j++) {
			run = files[k].pair.to[j].pair == CARRY_NONE ? run + 1
			                                             : 0;
			if (run == LINEMATCH_MOVE_MIN)
				return 1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * One step: a set carried from one tree to another.
 */

static int
carry_delta_has_new(const git_diff_delta *dd)
{
	return dd->status != GIT_DELTA_DELETED &&
	       dd->status != GIT_DELTA_UNMODIFIED &&
	       dd->status != GIT_DELTA_IGNORED &&
	       dd->status != GIT_DELTA_UNTRACKED &&
	       dd->status != GIT_DELTA_UNREADABLE &&
	       dd->new_file.mode != GIT_FILEMODE_COMMIT;
}

static void
carry_file_load(struct carry_ctx *ctx, struct carry_file *f,
    const git_diff_delta *dd, git_tree *from, git_tree *to, int with_old)
{
	memset(f, 0, sizeof *f);
	if (with_old) {
		f->oldpath = xstrdup(dd->old_file.path);
		if ((f->oldblob = carry_tree_blob(ctx, from, f->oldpath)) !=
		    NULL)
			f->oldbuf = carry_blob_text(f->oldblob, &f->oldlen);
	}
	if (carry_delta_has_new(dd)) {
		f->newpath = xstrdup(dd->new_file.path);
		if ((f->newblob = carry_tree_blob(ctx, to, f->newpath)) != NULL)
			f->newbuf = carry_blob_text(f->newblob, &f->newlen);
		if (f->newbuf == NULL) {
			free(f->newpath);
			f->newpath = NULL;
		}
	}
}

/*
 * Carry the decisions and Refs lines of set from tree from to tree to.
 * who: the commit doing it, for the figures and the trace; NULL when
 * none.
 */
static int
carry_step(struct carry_ctx *ctx, struct carry_set *set, git_tree *from,
    git_tree *to, const struct carry_who *who, char **err)
{
	git_diff *diff = NULL;
	git_diff_find_options fo;
	const git_diff_delta *dd;
	struct carry_file *files = NULL;
	struct carry_gone gone;
	struct linematch_pair *pairs;
	const uint8_t **want = NULL;
	size_t nfiles = 0, nd, i, k;
	int deleted = 0, rc = -1, lost;
	uint8_t *taken = NULL;

	if (carry_set_empty(set) ||
	    (from != NULL && to != NULL &&
	        git_oid_equal(git_tree_id(from), git_tree_id(to))))
		return 0;
	if (git_diff_tree_to_tree(&diff, ctx->git, from, to, NULL) != 0) {
		carry_git_error(err, "cannot compare trees");
		return -1;
	}
	nd = git_diff_num_deltas(diff);
	for (i = 0; i < nd; i++) {
		dd = git_diff_get_delta(diff, i);
		if (!carry_set_covers_path(set, dd->old_file.path))
			continue;
		if (dd->status == GIT_DELTA_DELETED ||
		    dd->status == GIT_DELTA_TYPECHANGE)
			deleted = 1;
		break;
	}
	if (i == nd) {
		git_diff_free(diff);
		return 0; /* nothing decided changed */
	}
	if (!deleted) {
		for (; i < nd && !deleted; i++) {
			dd = git_diff_get_delta(diff, i);
			if (carry_set_covers_path(set, dd->old_file.path) &&
			    dd->status == GIT_DELTA_DELETED)
				deleted = 1;
		}
	}
	if (deleted) {
		/* A decided file is gone: renamed, maybe. */
		git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
		fo.flags = GIT_DIFF_FIND_RENAMES;
		if (git_diff_find_similar(diff, &fo) != 0) {
			carry_git_error(err, "cannot find renames");
			goto out;
		}
		nd = git_diff_num_deltas(diff);
	}

	/* The decided files first. */
	taken = xcalloc(nd + 1, 1);
	for (i = 0; i < nd; i++) {
		dd = git_diff_get_delta(diff, i);
		if (dd->status == GIT_DELTA_ADDED ||
		    !carry_set_covers_path(set, dd->old_file.path))
			continue;
		files = xreallocarray(files, nfiles + 1, sizeof *files);
		carry_file_load(ctx, &files[nfiles], dd, from, to, 1);
		if (carry_file_match(&files[nfiles], (uint32_t)nfiles) != 0) {
			nfiles++;
			carry_git_error(err, "cannot compare files");
			goto out;
		}
		nfiles++;
		taken[i] = 1;
	}
	carry_want(set, files, nfiles);
	lost = carry_lost(files, nfiles);
	if (lost || carry_inserted(files, nfiles)) {
		/* Lines went missing: moved to another file? Every file this
		 * step writes is a place they may have gone. A block came in:
		 * from another file? Every file it changes may have lost it. */
		for (i = 0; i < nd; i++) {
			dd = git_diff_get_delta(diff, i);
			if (taken[i] || !carry_delta_has_new(dd))
				continue;
			files = xreallocarray(files, nfiles + 1, sizeof *files);
			carry_file_load(ctx, &files[nfiles], dd, from, to,
			    dd->status != GIT_DELTA_ADDED &&
			        dd->status != GIT_DELTA_RENAMED &&
			        dd->status != GIT_DELTA_COPIED);
			if (files[nfiles].oldpath != NULL &&
			    carry_set_covers_path(set, files[nfiles].oldpath)) {
				/* A second side of a decided file: never. */
				carry_file_free(&files[nfiles]);
				continue;
			}
			if (carry_file_match(
			        &files[nfiles], (uint32_t)nfiles) != 0) {
				nfiles++;
				carry_git_error(err, "cannot compare files");
				goto out;
			}
			nfiles++;
		}
	}
	want = xreallocarray(NULL, nfiles + 1, sizeof *want);
	pairs = xreallocarray(NULL, nfiles + 1, sizeof *pairs);
	for (k = 0; k < nfiles; k++) {
		want[k] = files[k].want;
		/* Pairs point at their texts: set again after realloc. */
		files[k].pair.old =
		    files[k].oldbuf != NULL ? &files[k].old : NULL;
		files[k].pair.new =
		    files[k].newbuf != NULL ? &files[k].new : NULL;
		pairs[k] = files[k].pair; /* to, kept and gaps shared */
	}
	if (lost)
		linematch_moves(pairs, nfiles, want);
	linematch_finish(pairs, nfiles, want);
	free(pairs);

	carry_gone_build(&gone, files, nfiles);
	for (i = 0; i < set->n; i++)
		carry_dec_remap(ctx, &set->v[i], files, nfiles, &gone, who, 0);
	free(gone.v);
	carry_refs_remap(set, files, nfiles);
	rc = 0;
out:
	for (k = 0; k < nfiles; k++)
		carry_file_free(&files[k]);
	free(files);
	free(want);
	free(taken);
	git_diff_free(diff);
	return rc;
}

/* ---------------------------------------------------------------------
 * Decisions as commits state them.
 */

/* Is s (len bytes) something we take as a commit id: 4 to 40 hex? */
static int
carry_is_hex(const char *s, size_t len)
{
	size_t i;

	if (len < 4 || len > CARRY_OID_HEX)
		return 0;
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* A decimal line number; 0 when not one. */
static unsigned long
carry_parse_line(const char *s, size_t len)
{
	unsigned long n = 0;
	size_t i;

	if (len == 0 || len > 10)
		return 0;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		n = n * 10 + (unsigned long)(s[i] - '0');
	}
	return n <= 2000000000UL ? n : 0;
}

/*
 * A Code-Range value: "path:a-b@commit", "path:a-b", "path:a" (the path
 * may hold ':' and '@'). Returns 0 with *commit (maybe NULL; caller
 * frees) and the range's path (caller frees), or -1 when malformed.
 */
static int
carry_range_parse(const char *value, struct carry_range *rg, char **commit)
{
	const char *v = value, *end, *at, *colon, *dash;

	memset(rg, 0, sizeof *rg);
	*commit = NULL;
	while (*v == ' ' || *v == '\t')
		v++;
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (at = end; at > v && at[-1] != '@'; at--)
		;
	if (at > v && carry_is_hex(at, (size_t)(end - at))) {
		*commit = xstrndup(at, (size_t)(end - at));
		end = at - 1;
	} else if (at > v && at == end)
		end = at - 1;
	for (colon = end; colon > v && colon[-1] != ':'; colon--)
		;
	if (colon == v || colon - 1 == v)
		goto bad;
	dash = memchr(colon, '-', (size_t)(end - colon));
	if (dash == NULL) {
		rg->first = carry_parse_line(colon, (size_t)(end - colon));
		rg->last = rg->first;
	} else {
		rg->first = carry_parse_line(colon, (size_t)(dash - colon));
		rg->last = carry_parse_line(dash + 1, (size_t)(end - dash - 1));
	}
	if (rg->first == 0 || rg->last < rg->first)
		goto bad;
	rg->path = xstrndup(v, (size_t)(colon - 1 - v));
	return 0;
bad:
	free(*commit);
	*commit = NULL;
	return -1;
}

static uint64_t
carry_author_id(const git_signature *sig)
{
	uint64_t h = 14695981039346656037ULL;
	const char *p;

	if (sig == NULL || sig->email == NULL)
		return 0;
	for (p = sig->email; *p != '\0'; p++) {
		h ^= (unsigned char)tolower((unsigned char)*p);
		h *= 1099511628211ULL;
	}
	return h;
}

static void
carry_who_init(struct carry_who *who, git_commit *c)
{
	git_oid_tostr(who->id, sizeof who->id, git_commit_id(c));
	who->time = (int64_t)git_commit_time(c);
	who->author = carry_author_id(git_commit_author(c));
}

/* Sort a decision's spans, cut what two ranges both hold, and join
 * neighbours. */
static void
carry_spans_tidy(struct carry_dec *d)
{
	size_t i, o = 0;

	if (d->nspans > 1)
		qsort(d->spans, d->nspans, sizeof *d->spans, carry_span_cmp);
	for (i = 0; i < d->nspans; i++) {
		if (o > 0 &&
		    strcmp(d->spans[o - 1].path, d->spans[i].path) == 0 &&
		    d->spans[i].first <= d->spans[o - 1].last) {
			if (d->spans[i].last <= d->spans[o - 1].last) {
				free(d->spans[i].path);
				continue;
			}
			d->spans[i].first = d->spans[o - 1].last + 1;
		}
		/* Neighbours carried alike are one span. */
		if (o > 0 &&
		    strcmp(d->spans[o - 1].path, d->spans[i].path) == 0 &&
		    d->spans[i].first == d->spans[o - 1].last + 1 &&
		    d->spans[i].how == d->spans[o - 1].how) {
			d->spans[o - 1].last = d->spans[i].last;
			free(d->spans[i].path);
			continue;
		}
		d->spans[o++] = d->spans[i];
	}
	d->nspans = o;
}

/* Looking for the file a Code-Range names in its inert form. */
struct carry_find {
	const char *shown;
	char *found;
};

static int
carry_find_cb(const char *root, const git_tree_entry *te, void *arg)
{
	struct carry_find *cf = arg;
	char *full, *shown;

	if (git_tree_entry_type(te) != GIT_OBJECT_BLOB)
		return 0;
	xasprintf(&full, "%s%s", root, git_tree_entry_name(te));
	shown = inert_line(full);
	if (strcmp(shown, cf->shown) == 0) {
		free(shown);
		cf->found = full;
		return -1; /* found: stop */
	}
	free(shown);
	free(full);
	return 0;
}

/*
 * The file of tree a Code-Range names. moot writes paths into trailers
 * made inert (inert.h: "x<U+202E>y.c" for a name holding U+202E), so when
 * the tree has no file of that name and the name could be an inert form
 * of another, the file whose inert form it is. Caller frees.
 */
static char *
carry_range_path(git_tree *tree, const char *written)
{
	struct carry_find cf = {written, NULL};
	git_tree_entry *te;

	if (tree == NULL || strpbrk(written, "^<\\") == NULL)
		return xstrdup(written);
	if (git_tree_entry_bypath(&te, tree, written) == 0) {
		git_tree_entry_free(te);
		return xstrdup(written);
	}
	git_tree_walk(tree, GIT_TREEWALK_PRE, carry_find_cb, &cf);
	return cf.found != NULL ? cf.found : xstrdup(written);
}

/*
 * One Code-Range of decision d, stated by commit c (tree ctree): the
 * lines at its base commit, carried to c.
 */
static void
carry_range_take(struct carry_ctx *ctx, struct carry_dec *d, git_commit *c,
    git_tree *ctree, struct carry_range *rg, const char *commit)
{
	struct carry_set one;
	struct carry_dec *od;
	git_commit *base = NULL;
	git_tree *btree = NULL;
	git_blob *blob;
	git_oid oid;
	size_t len, i;
	unsigned long n;
	char *err = NULL, *path = NULL;
	const char *text;

	if (commit != NULL) {
		if (git_oid_fromstrn(&oid, commit, strlen(commit)) != 0 ||
		    git_commit_lookup_prefix(
		        &base, ctx->git, &oid, strlen(commit)) != 0)
			base = NULL;
	} else if (git_commit_parentcount(c) > 0) {
		if (git_commit_parent(&base, c, 0) != 0)
			base = NULL;
	}
	if (base != NULL) {
		git_oid_tostr(rg->base, sizeof rg->base, git_commit_id(base));
		if (git_commit_tree(&btree, base) != 0)
			btree = NULL;
	} else if (commit == NULL) {
		/* A root commit: the range is of its own tree. */
		git_oid_tostr(rg->base, sizeof rg->base, git_commit_id(c));
	}
	if (base != NULL && btree == NULL)
		goto out;
	path = carry_range_path(btree != NULL ? btree : ctree, rg->path);
	blob = carry_tree_blob(ctx, btree != NULL ? btree : ctree, path);
	if (blob == NULL)
		goto out;
	text = carry_blob_text(blob, &len);
	n = 0;
	for (i = 0; i < len; i++)
		n += text[i] == '\n';
	if (len > 0 && text[len - 1] != '\n')
		n++;
	git_blob_free(blob);
	if (rg->first > n)
		goto out;

	memset(&one, 0, sizeof one);
	od = carry_dec_get(&one, d->number);
	od->spans = xmalloc(sizeof *od->spans);
	od->spans[0].path = path;
	path = NULL;
	od->spans[0].first = rg->first;
	od->spans[0].last = rg->last < n ? rg->last : n;
	od->spans[0].how = 0;
	od->nspans = 1;
	d->decided += od->spans[0].last - od->spans[0].first + 1;
	if (btree != NULL &&
	    carry_step(ctx, &one, btree, ctree, NULL, &err) != 0) {
		free(err);
		carry_set_free(&one);
		goto out;
	}
	od = &one.v[0];
	d->spans = xreallocarray(
	    d->spans, d->nspans + od->nspans + 1, sizeof *d->spans);
	for (i = 0; i < od->nspans; i++) {
		d->spans[d->nspans++] = od->spans[i];
		od->spans[i].path = NULL;
	}
	carry_set_free(&one);
out:
	free(path);
	git_tree_free(btree);
	git_commit_free(base);
}

/* The decision ids a Refs value names: "ADR-0007, ADR-0009" (other
 * references are not ours), into ids (at most max, no repeats). */
static size_t
carry_refs_ids(const char *value, unsigned *ids, size_t n, size_t max)
{
	const char *p = value;
	unsigned v;
	size_t i;

	while (n < max && (v = carry_refs_next(&p)) != 0) {
		for (i = 0; i < n && ids[i] != v; i++)
			;
		if (i == n)
			ids[n++] = v;
	}
	return n;
}

/*
 * Commit c cites decisions in Refs trailers: the lines it added or
 * changed (against its only parent; every line of a first commit)
 * become Refs lines of each.
 */
static void
carry_refs_take(struct carry_ctx *ctx, struct carry_set *set, git_commit *c,
    git_tree *ctree, const unsigned *ids, size_t nids)
{
	git_commit *parent = NULL;
	git_tree *ptree = NULL;
	git_diff *diff = NULL;
	const git_diff_delta *dd;
	struct carry_file f;
	struct carry_span *spans = NULL;
	struct carry_dec *r;
	size_t nspans = 0, nd, i, k;
	unsigned long j;
	const char *subject;

	if (git_commit_parentcount(c) > 1)
		return; /* a merge changed nothing of its own */
	if (git_commit_parentcount(c) == 1 &&
	    (git_commit_parent(&parent, c, 0) != 0 ||
	        git_commit_tree(&ptree, parent) != 0))
		goto out;
	if (git_diff_tree_to_tree(&diff, ctx->git, ptree, ctree, NULL) != 0)
		goto out;
	nd = git_diff_num_deltas(diff);
	for (i = 0; i < nd; i++) {
		dd = git_diff_get_delta(diff, i);
		if (!carry_delta_has_new(dd))
			continue;
		carry_file_load(ctx, &f, dd, ptree, ctree,
		    dd->status == GIT_DELTA_MODIFIED);
		if (f.newpath != NULL && carry_file_match(&f, 0) == 0) {
			linematch_finish(&f.pair, 1, NULL);
			for (j = 1; j <= f.new.n; j++) {
				if (f.pair.to[j].pair == CARRY_NONE ||
				    (f.pair.to[j].how & LINEMATCH_EDITED))
					carry_span_add(
					    &spans, &nspans, f.newpath, j, 0);
			}
		}
		carry_file_free(&f);
	}
	if (nspans == 0)
		goto out;
	subject = git_commit_summary(c);
	for (k = 0; k < nids; k++) {
		set->refs =
		    xreallocarray(set->refs, set->nrefs + 1, sizeof *set->refs);
		r = &set->refs[set->nrefs++];
		memset(r, 0, sizeof *r);
		r->number = ids[k];
		git_oid_tostr(r->commit, sizeof r->commit, git_commit_id(c));
		r->time = (int64_t)git_commit_time(c);
		r->subject = xstrdup(subject != NULL ? subject : "");
		r->spans = xreallocarray(NULL, nspans, sizeof *r->spans);
		for (i = 0; i < nspans; i++) {
			r->spans[i] = spans[i];
			r->spans[i].path = xstrdup(spans[i].path);
		}
		r->nspans = nspans;
	}
out:
	for (i = 0; i < nspans; i++)
		free(spans[i].path);
	free(spans);
	git_diff_free(diff);
	git_tree_free(ptree);
	git_commit_free(parent);
}

/*
 * What commit c (tree ctree) says of decisions: the newest commit of an
 * id is the decision's; what it leaves out (a status change naming no
 * Code-Range) stays as older commits said. New ranges start the
 * decision's figures afresh.
 */
static void
carry_commit_apply(struct carry_ctx *ctx, struct carry_set *set, git_commit *c,
    git_tree *ctree)
{
	git_message_trailer_array arr;
	struct carry_range rg;
	struct carry_dec *d;
	const char *msg, *key, *value, *subject;
	char *commit, *text, id[CARRY_OID_HEX + 1];
	unsigned number = 0, ids[CARRY_REFS_MAX];
	int ranges = 0;
	size_t i, j, nids = 0;

	if ((msg = git_commit_message(c)) == NULL ||
	    (strcasestr(msg, "decision-id") == NULL &&
	        strcasestr(msg, "refs") == NULL))
		return;
	if (git_message_trailers(&arr, msg) != 0)
		return;
	for (i = 0; i < arr.count; i++) {
		if (strcasecmp(arr.trailers[i].key, "Refs") == 0)
			nids = carry_refs_ids(
			    arr.trailers[i].value, ids, nids, CARRY_REFS_MAX);
	}
	if (nids > 0)
		carry_refs_take(ctx, set, c, ctree, ids, nids);
	for (i = 0; i < arr.count && number == 0; i++) {
		if (strcasecmp(arr.trailers[i].key, "Decision-Id") == 0)
			number = carry_id_value(arr.trailers[i].value);
	}
	if (number == 0) {
		git_message_trailer_array_free(&arr);
		return;
	}
	d = carry_dec_get(set, number);
	git_oid_tostr(d->commit, sizeof d->commit, git_commit_id(c));
	d->time = (int64_t)git_commit_time(c);
	free(d->subject);
	subject = git_commit_summary(c);
	d->subject = xstrdup(subject != NULL ? subject : "");
	for (i = 0; i < arr.count; i++) {
		key = arr.trailers[i].key;
		value = arr.trailers[i].value;
		if (strcasecmp(key, "Code-Range") == 0)
			ranges = 1;
		else if (strcasecmp(key, "Decision-Status") == 0) {
			free(d->status);
			d->status = xstrdup(value);
		} else if (strcasecmp(key, "Decision-File") == 0) {
			free(d->file);
			d->file = xstrdup(value);
		}
	}
	if (ranges) {
		for (j = 0; j < d->nranges; j++)
			free(d->ranges[j].path);
		free(d->ranges);
		d->ranges = NULL;
		d->nranges = 0;
		for (j = 0; j < d->nspans; j++)
			free(d->spans[j].path);
		free(d->spans);
		d->spans = NULL;
		d->nspans = 0;
		free(d->author_ids);
		d->author_ids = NULL;
		d->nauthor_ids = 0;
		d->decided = d->changed = 0;
		d->commits = d->authors = 0;
		d->changed_time = 0;
		d->changed_commit[0] = '\0';
		for (i = 0; i < arr.count; i++) {
			if (strcasecmp(arr.trailers[i].key, "Code-Range") !=
			        0 ||
			    d->nranges == CARRY_RANGES_MAX ||
			    carry_range_parse(
			        arr.trailers[i].value, &rg, &commit) != 0)
				continue;
			carry_range_take(ctx, d, c, ctree, &rg, commit);
			free(commit);
			d->ranges = xreallocarray(
			    d->ranges, d->nranges + 1, sizeof *d->ranges);
			d->ranges[d->nranges++] = rg;
		}
		carry_spans_tidy(d);
		if (ctx->cb != NULL && ctx->trace == number) {
			git_oid_tostr(id, sizeof id, git_commit_id(c));
			text = carry_spans_text(d->spans, d->nspans);
			xasprintf(&commit, "%.7s decided %s", id, text);
			ctx->cb(ctx->arg, commit);
			free(commit);
			free(text);
		}
	}
	git_message_trailer_array_free(&arr);
}

/* ---------------------------------------------------------------------
 * Walking history.
 */

/* A commit of a walk. */
struct carry_node {
	git_oid oid;
	size_t index;
};

static int
carry_node_cmp(const void *a, const void *b)
{
	const struct carry_node *x = a, *y = b;

	return git_oid_cmp(&x->oid, &y->oid);
}

static ssize_t
carry_node_find(const struct carry_node *v, size_t n, const git_oid *oid)
{
	struct carry_node key, *found;

	key.oid = *oid;
	found = bsearch(&key, v, n, sizeof *v, carry_node_cmp);
	return found != NULL ? (ssize_t)found->index : -1;
}

/* The decisions of src that dst lacks, carried from tree from to tree to
 * (a merge's other parent), added to dst. */
static int
carry_merge_in(struct carry_ctx *ctx, struct carry_set *dst,
    const struct carry_set *src, git_tree *from, git_tree *to,
    const struct carry_who *who, char **err)
{
	struct carry_set extra;
	size_t i, j;

	memset(&extra, 0, sizeof extra);
	for (i = 0; i < src->n; i++) {
		if (carry_dec_find(dst, src->v[i].number) != NULL)
			continue;
		extra.v = xreallocarray(extra.v, extra.n + 1, sizeof *extra.v);
		carry_dec_copy(&extra.v[extra.n++], &src->v[i]);
	}
	for (i = 0; i < src->nrefs; i++) {
		for (j = 0; j < dst->nrefs; j++) {
			if (dst->refs[j].number == src->refs[i].number &&
			    strcmp(dst->refs[j].commit, src->refs[i].commit) ==
			        0)
				break;
		}
		if (j < dst->nrefs)
			continue;
		extra.refs = xreallocarray(
		    extra.refs, extra.nrefs + 1, sizeof *extra.refs);
		carry_dec_copy(&extra.refs[extra.nrefs++], &src->refs[i]);
	}
	if (extra.n == 0 && extra.nrefs == 0)
		return 0;
	if (carry_step(ctx, &extra, from, to, who, err) != 0) {
		carry_set_free(&extra);
		return -1;
	}
	for (i = 0; i < extra.n; i++) {
		*carry_dec_get(dst, extra.v[i].number) = extra.v[i];
		memset(&extra.v[i], 0, sizeof extra.v[i]);
	}
	dst->refs = xreallocarray(
	    dst->refs, dst->nrefs + extra.nrefs + 1, sizeof *dst->refs);
	for (i = 0; i < extra.nrefs; i++) {
		dst->refs[dst->nrefs++] = extra.refs[i];
		memset(&extra.refs[i], 0, sizeof extra.refs[i]);
	}
	carry_set_free(&extra);
	return 0;
}

/*
 * Carry from the set at start (the commit hidden, or the empty history
 * when start is NULL) to head, commit by commit, oldest first. Returns
 * 0 with *out, 1 when the commits after start do not all descend from
 * it alone (then walk from the start of history), -1 with *err. Sets at
 * every CARRY_CHECKPOINT-th commit are added to *keep.
 */
static int
carry_walk(struct carry_ctx *ctx, const git_oid *head,
    const struct carry_set *start, struct carry_set *out,
    struct carry_set **keep, size_t *nkeep, char **err)
{
	git_revwalk *walk = NULL;
	git_oid oid, startoid;
	struct carry_node *nodes = NULL;
	git_oid *order = NULL;
	struct carry_set **sets = NULL, *cur;
	unsigned *children = NULL;
	git_commit *c = NULL, *pc;
	git_tree *tree = NULL, *ptree;
	struct carry_who who;
	size_t n = 0, k, p, np;
	ssize_t pi;
	int rc = -1, walkrc;

	memset(out, 0, sizeof *out);
	if (git_revwalk_new(&walk, ctx->git) != 0)
		goto giterr;
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if (git_revwalk_push(walk, head) != 0)
		goto giterr;
	if (start != NULL) {
		if (git_oid_fromstr(&startoid, start->head) != 0 ||
		    git_revwalk_hide(walk, &startoid) != 0)
			goto giterr;
	}
	while ((walkrc = git_revwalk_next(&oid, walk)) == 0) {
		order = xreallocarray(order, n + 1, sizeof *order);
		order[n++] = oid;
	}
	if (walkrc != GIT_ITEROVER)
		goto giterr;
	nodes = xreallocarray(NULL, n + 1, sizeof *nodes);
	for (k = 0; k < n; k++) {
		nodes[k].oid = order[k];
		nodes[k].index = k;
	}
	qsort(nodes, n, sizeof *nodes, carry_node_cmp);
	sets = xcalloc(n + 1, sizeof *sets);
	children = xcalloc(n + 1, sizeof *children);

	/* How many children each commit has in the walk. */
	for (k = 0; k < n; k++) {
		if (git_commit_lookup(&c, ctx->git, &order[k]) != 0)
			goto giterr;
		np = git_commit_parentcount(c);
		for (p = 0; p < np; p++) {
			pi = carry_node_find(
			    nodes, n, git_commit_parent_id(c, (unsigned)p));
			if (pi >= 0)
				children[pi]++;
			else if (start == NULL ||
			         !git_oid_equal(
			             git_commit_parent_id(c, (unsigned)p),
			             &startoid)) {
				if (start != NULL && p == 0) {
					rc = 1; /* from before start */
					goto done;
				}
			}
		}
		git_commit_free(c);
		c = NULL;
	}

	for (k = 0; k < n; k++) {
		if (git_commit_lookup(&c, ctx->git, &order[k]) != 0 ||
		    git_commit_tree(&tree, c) != 0)
			goto giterr;
		carry_who_init(&who, c);
		cur = xcalloc(1, sizeof *cur);
		np = git_commit_parentcount(c);
		for (p = 0; p < np; p++) {
			const git_oid *poid =
			    git_commit_parent_id(c, (unsigned)p);
			const struct carry_set *ps = NULL;

			pi = carry_node_find(nodes, n, poid);
			if (pi >= 0)
				ps = sets[pi];
			else if (start != NULL &&
			         git_oid_equal(poid, &startoid))
				ps = start;
			if (ps == NULL)
				continue; /* beyond a shallow or hidden edge */
			if (git_commit_parent(&pc, c, (unsigned)p) != 0)
				goto giterr;
			if (git_commit_tree(&ptree, pc) != 0) {
				git_commit_free(pc);
				goto giterr;
			}
			if (p == 0 && pi >= 0 && children[pi] == 1) {
				/* Its only child: take the set, no copy. */
				*cur = *sets[pi];
				free(sets[pi]);
				sets[pi] = NULL;
				rc = carry_step(
				    ctx, cur, ptree, tree, &who, err);
			} else if (p == 0) {
				carry_set_copy(cur, ps);
				rc = carry_step(
				    ctx, cur, ptree, tree, &who, err);
			} else
				rc = carry_merge_in(
				    ctx, cur, ps, ptree, tree, &who, err);
			git_tree_free(ptree);
			git_commit_free(pc);
			if (rc != 0) {
				carry_set_free(cur);
				free(cur);
				rc = -1;
				goto done;
			}
			if (pi >= 0 && --children[pi] == 0 &&
			    sets[pi] != NULL) {
				carry_set_free(sets[pi]);
				free(sets[pi]);
				sets[pi] = NULL;
			}
		}
		carry_commit_apply(ctx, cur, c, tree);
		git_oid_tostr(cur->head, sizeof cur->head, &order[k]);
		sets[k] = cur;
		if (keep != NULL && k + 1 < n &&
		    (k + 1) % CARRY_CHECKPOINT == 0) {
			*keep = xreallocarray(*keep, *nkeep + 1, sizeof **keep);
			carry_set_copy(&(*keep)[(*nkeep)++], cur);
		}
		if (children[k] == 0 && k != n - 1) {
			carry_set_free(sets[k]);
			free(sets[k]);
			sets[k] = NULL;
		}
		git_tree_free(tree);
		tree = NULL;
		git_commit_free(c);
		c = NULL;
	}
	if (n == 0 && start != NULL)
		carry_set_copy(out, start);
	else if (n > 0 && sets[n - 1] != NULL) {
		*out = *sets[n - 1];
		free(sets[n - 1]);
		sets[n - 1] = NULL;
	}
	rc = 0;
	goto done;

giterr:
	carry_git_error(err, "cannot walk the history");
	rc = -1;
done:
	git_tree_free(tree);
	git_commit_free(c);
	if (sets != NULL) {
		for (k = 0; k < n; k++) {
			if (sets[k] != NULL) {
				carry_set_free(sets[k]);
				free(sets[k]);
			}
		}
	}
	free(sets);
	free(children);
	free(nodes);
	free(order);
	git_revwalk_free(walk);
	return rc;
}

/* The commit HEAD names; 1 when HEAD is unborn, -1 with *err. */
static int
carry_head_oid(struct carry_ctx *ctx, git_oid *oid, char **err)
{
	int unborn = git_repository_head_unborn(ctx->git);

	if (unborn == 1)
		return 1;
	if (unborn != 0 ||
	    git_reference_name_to_id(oid, ctx->git, "HEAD") != 0) {
		carry_git_error(err, "cannot read HEAD");
		return -1;
	}
	return 0;
}

int
carry_head(struct repo *r, struct carry_set *set, char **err)
{
	struct carry_ctx ctx;
	struct carry_set *cache = NULL, *keep = NULL, *save;
	size_t ncache = 0, nkeep = 0, nsave, i, from = SIZE_MAX;
	git_oid head, oid;
	char hex[CARRY_OID_HEX + 1];
	int rc;

	memset(set, 0, sizeof *set);
	memset(&ctx, 0, sizeof ctx);
	ctx.r = r;
	ctx.git = r->git;
	if ((rc = carry_head_oid(&ctx, &head, err)) != 0)
		return rc == 1 ? 0 : -1;
	git_oid_tostr(hex, sizeof hex, &head);

	carry_cache_load(r, &cache, &ncache);
	for (i = 0; i < ncache; i++) {
		if (strcmp(cache[i].head, hex) == 0) {
			carry_set_copy(set, &cache[i]);
			goto out;
		}
	}
	/* The newest kept set of an ancestor of HEAD: walk on from it. */
	for (i = 0; i < ncache && from == SIZE_MAX; i++) {
		if (git_oid_fromstr(&oid, cache[i].head) == 0 &&
		    git_graph_descendant_of(ctx.git, &head, &oid) == 1)
			from = i;
	}
	rc = 1;
	if (from != SIZE_MAX)
		rc = carry_walk(
		    &ctx, &head, &cache[from], set, &keep, &nkeep, err);
	if (rc == 1)
		rc = carry_walk(&ctx, &head, NULL, set, &keep, &nkeep, err);
	if (rc != 0) {
		rc = -1;
		goto out;
	}
	memcpy(set->head, hex, sizeof set->head);

	/* Keep HEAD's set first, then the checkpoints newest first, then
	 * what the cache had. */
	save = xreallocarray(NULL, 1 + nkeep + ncache, sizeof *save);
	nsave = 0;
	save[nsave++] = *set;
	for (i = nkeep; i-- > 0 && nsave < CARRY_CACHE_KEEP;)
		save[nsave++] = keep[i];
	for (i = 0; i < ncache && nsave < CARRY_CACHE_KEEP; i++)
		save[nsave++] = cache[i];
	carry_cache_save(r, save, nsave);
	free(save);
	rc = 0;
out:
	for (i = 0; i < nkeep; i++)
		carry_set_free(&keep[i]);
	free(keep);
	for (i = 0; i < ncache; i++)
		carry_set_free(&cache[i]);
	free(cache);
	return rc;
}

int
carry_text(struct repo *r, struct carry_set *set, const char *path,
    const char *text, size_t len, char **err)
{
	struct carry_ctx ctx;
	struct carry_file f;
	struct carry_gone gone;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_oid oid;
	const uint8_t *want[1];
	size_t i;
	int rc = -1;

	if (!carry_set_covers_path(set, path))
		return 0;
	memset(&ctx, 0, sizeof ctx);
	ctx.r = r;
	ctx.git = r->git;
	memset(&f, 0, sizeof f);
	if (git_oid_fromstr(&oid, set->head) != 0 ||
	    git_commit_lookup(&c, ctx.git, &oid) != 0 ||
	    git_commit_tree(&tree, c) != 0) {
		carry_git_error(err, "cannot read HEAD");
		goto out;
	}
	f.oldpath = xstrdup(path);
	f.newpath = xstrdup(path);
	if ((f.oldblob = carry_tree_blob(&ctx, tree, path)) != NULL)
		f.oldbuf = carry_blob_text(f.oldblob, &f.oldlen);
	f.newbuf = text != NULL ? text : "";
	f.newlen = text != NULL ? len : 0;
	if (carry_file_match(&f, 0) != 0) {
		carry_git_error(err, "cannot compare with HEAD");
		goto out;
	}
	carry_want(set, &f, 1);
	want[0] = f.want;
	if (carry_lost(&f, 1))
		linematch_moves(&f.pair, 1, want);
	linematch_finish(&f.pair, 1, want);
	carry_gone_build(&gone, &f, 1);
	for (i = 0; i < set->n; i++)
		carry_dec_remap(&ctx, &set->v[i], &f, 1, &gone, NULL, 0);
	free(gone.v);
	carry_refs_remap(set, &f, 1);
	rc = 0;
out:
	carry_file_free(&f);
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}

int
carry_trace(struct repo *r, unsigned number,
    void (*cb)(void *arg, const char *line), void *arg, char **err)
{
	struct carry_ctx ctx;
	struct carry_set set;
	git_oid head;
	int rc;

	memset(&ctx, 0, sizeof ctx);
	ctx.r = r;
	ctx.git = r->git;
	ctx.trace = number;
	ctx.cb = cb;
	ctx.arg = arg;
	if ((rc = carry_head_oid(&ctx, &head, err)) != 0)
		return rc == 1 ? 0 : -1;
	if (carry_walk(&ctx, &head, NULL, &set, NULL, NULL, err) != 0)
		return -1;
	carry_set_free(&set);
	return 0;
}
