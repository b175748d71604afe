/* carry-cache.c: the carried decisions of some commits, kept in
 * .git/moot/carry-cache so `why` need not walk history every time. */
#include "moot.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carry.h"
#include "repo.h"

/*
 * The file: a first line "moot-carry-cache VERSION", then sets, each
 * followed by "sum HASH" (FNV-1a, 64 bits, of the set's lines, in hex).
 * A set:
 *   set HEAD NDECS NREFS
 *   then per decision, and then per Refs entry (carry.h):
 *   dec NUMBER COMMIT TIME DECIDED CHANGED COMMITS CHANGED_TIME
 *       CHANGED_COMMIT NRANGES NSPANS NAUTHORS
 *   text SUBJECT STATUS FILE
 *   range PATH FIRST LAST BASE      (NRANGES of them)
 *   span PATH FIRST LAST HOW        (NSPANS of them)
 *   author HASH                     (NAUTHORS of them)
 * Words are separated by one space; in a word every byte up to ' ',
 * '%' and DEL are written %XX; an absent word (no status, no base) is
 * "-", a word that is "-" is written %2D. Everything read is checked:
 * a cache that is not exactly this is ignored whole.
 */
#define CARRY_CACHE_MAGIC "moot-carry-cache"
#define CARRY_CACHE_DECS 1000000      /* decisions in a set */
#define CARRY_CACHE_LIST 1000000      /* ranges, spans or authors of one */
#define CARRY_CACHE_LINE 2000000000UL /* largest line number */

/* A growing text. */
struct carry_out {
	char *buf;
	size_t len, size;
};

static void
carry_out_add(struct carry_out *o, const char *s, size_t len)
{
	if (o->len + len + 1 > o->size) {
		o->size = (o->len + len + 1) * 2;
		o->buf = xrealloc(o->buf, o->size);
	}
	memcpy(o->buf + o->len, s, len);
	o->len += len;
	o->buf[o->len] = '\0';
}

static void carry_out_printf(struct carry_out *, const char *, ...)
    __printflike(2, 3);

static void
carry_out_printf(struct carry_out *o, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	carry_out_add(o, s, (size_t)n);
	free(s);
}

/* A word: " " first, then s escaped ("-" for NULL). */
static void
carry_out_word(struct carry_out *o, const char *s)
{
	char hex[4];

	carry_out_add(o, " ", 1);
	if (s == NULL) {
		carry_out_add(o, "-", 1);
		return;
	}
	if (strcmp(s, "-") == 0) {
		carry_out_add(o, "%2D", 3);
		return;
	}
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= ' ' || *s == '%' || *s == 0x7f) {
			snprintf(hex, sizeof hex, "%%%02X", (unsigned char)*s);
			carry_out_add(o, hex, 3);
		} else
			carry_out_add(o, s, 1);
	}
}

static void
carry_format_dec(struct carry_out *o, const struct carry_dec *d)
{
	size_t j;

	carry_out_printf(o,
	    "dec %u %s %" PRId64 " %lu %lu %u %" PRId64 " %s %zu %zu %zu\n",
	    d->number, d->commit, d->time, d->decided, d->changed, d->commits,
	    d->changed_time,
	    *d->changed_commit != '\0' ? d->changed_commit : "-", d->nranges,
	    d->nspans, d->nauthor_ids);
	carry_out_add(o, "text", 4);
	carry_out_word(o, d->subject);
	carry_out_word(o, d->status);
	carry_out_word(o, d->file);
	carry_out_add(o, "\n", 1);
	for (j = 0; j < d->nranges; j++) {
		carry_out_add(o, "range", 5);
		carry_out_word(o, d->ranges[j].path);
		carry_out_printf(o, " %lu %lu %s\n", d->ranges[j].first,
		    d->ranges[j].last,
		    *d->ranges[j].base != '\0' ? d->ranges[j].base : "-");
	}
	for (j = 0; j < d->nspans; j++) {
		carry_out_add(o, "span", 4);
		carry_out_word(o, d->spans[j].path);
		carry_out_printf(o, " %lu %lu %u\n", d->spans[j].first,
		    d->spans[j].last, d->spans[j].how);
	}
	for (j = 0; j < d->nauthor_ids; j++)
		carry_out_printf(
		    o, "author %016" PRIx64 "\n", d->author_ids[j]);
}

char *
carry_cache_format(const struct carry_set *set, size_t *len)
{
	struct carry_out o = {NULL, 0, 0};
	size_t i;

	carry_out_printf(&o, "set %s %zu %zu\n", set->head, set->n, set->nrefs);
	for (i = 0; i < set->n; i++)
		carry_format_dec(&o, &set->v[i]);
	for (i = 0; i < set->nrefs; i++)
		carry_format_dec(&o, &set->refs[i]);
	*len = o.len;
	return o.buf;
}

/* ---------------------------------------------------------------------
 * Reading it back, as hostile bytes.
 */

#define CARRY_WORDS 12

struct carry_in {
	const char *p, *end;
	char *w[CARRY_WORDS]; /* the words of the current line */
	size_t n;
};

static void
carry_in_clear(struct carry_in *in)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		free(in->w[i]);
	in->n = 0;
}

/* Unescape one word (len bytes); NULL when malformed. */
static char *
carry_in_word(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), hex[3];
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] != '%') {
			if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
				goto bad;
			out[n++] = s[i];
			continue;
		}
		if (i + 2 >= len)
			goto bad;
		if (!isxdigit((unsigned char)s[i + 1]) ||
		    !isxdigit((unsigned char)s[i + 2]))
			goto bad;
		hex[0] = s[i + 1];
		hex[1] = s[i + 2];
		hex[2] = '\0';
		out[n] = (char)strtoul(hex, NULL, 16);
		if (out[n] == '\0')
			goto bad;
		n++;
		i += 2;
	}
	out[n] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* The next line into words; its first word must be key and it must have
 * exactly nwords words after it. Returns 0 or -1. */
static int
carry_in_line(struct carry_in *in, const char *key, size_t nwords)
{
	const char *nl, *s, *sp;
	char *w;

	carry_in_clear(in);
	if (in->p >= in->end ||
	    (nl = memchr(in->p, '\n', (size_t)(in->end - in->p))) == NULL)
		return -1;
	s = in->p;
	in->p = nl + 1;
	for (;;) {
		sp = memchr(s, ' ', (size_t)(nl - s));
		if (sp == NULL)
			sp = nl;
		if (in->n == CARRY_WORDS)
			return -1;
		if (sp - s == 1 && *s == '-')
			w = NULL; /* absent */
		else if ((w = carry_in_word(s, (size_t)(sp - s))) == NULL)
			return -1;
		in->w[in->n++] = w;
		if (sp == nl)
			break;
		s = sp + 1;
	}
	if (in->n != nwords + 1 || in->w[0] == NULL ||
	    strcmp(in->w[0], key) != 0)
		return -1;
	return 0;
}

static int
carry_in_ulong(const char *s, unsigned long max, unsigned long *v)
{
	unsigned long n = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 19)
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		n = n * 10 + (unsigned long)(*s - '0');
		if (n > max)
			return -1;
	}
	*v = n;
	return 0;
}

static int
carry_in_time(const char *s, int64_t *v)
{
	unsigned long n;
	int neg;

	if (s == NULL)
		return -1;
	neg = *s == '-';
	if (carry_in_ulong(s + neg, 1UL << 62, &n) != 0)
		return -1;
	*v = neg ? -(int64_t)n : (int64_t)n;
	return 0;
}

/* A full commit id, or "-" (allowed when dash) for none. */
static int
carry_in_oid(const char *s, int dash, char out[CARRY_OID_HEX + 1])
{
	size_t i;

	if (s == NULL) {
		out[0] = '\0';
		return dash ? 0 : -1;
	}
	if (strlen(s) != CARRY_OID_HEX)
		return -1;
	for (i = 0; i < CARRY_OID_HEX; i++) {
		if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i]))
			return -1;
	}
	memcpy(out, s, CARRY_OID_HEX + 1);
	return 0;
}

/* A word that may be absent. */
static char *
carry_in_maybe(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static int
carry_in_lines(struct carry_in *in, unsigned long *first, unsigned long *last)
{
	if (carry_in_ulong(in->w[2], CARRY_CACHE_LINE, first) != 0 ||
	    carry_in_ulong(in->w[3], CARRY_CACHE_LINE, last) != 0 ||
	    *first == 0 || *last < *first)
		return -1;
	return 0;
}

static int
carry_in_dec(struct carry_in *in, struct carry_dec *d, unsigned prev)
{
	unsigned long v, nranges, nspans, nauthors, first, last;
	size_t j;

	if (carry_in_line(in, "dec", 11) != 0 ||
	    carry_in_ulong(in->w[1], UINT32_MAX, &v) != 0 || v == 0 ||
	    v <= prev)
		return -1;
	d->number = (unsigned)v;
	if (carry_in_oid(in->w[2], 0, d->commit) != 0 ||
	    carry_in_time(in->w[3], &d->time) != 0 ||
	    carry_in_ulong(in->w[4], CARRY_CACHE_LINE, &d->decided) != 0 ||
	    carry_in_ulong(in->w[5], CARRY_CACHE_LINE, &d->changed) != 0 ||
	    carry_in_ulong(in->w[6], UINT32_MAX, &v) != 0)
		return -1;
	d->commits = (unsigned)v;
	if (carry_in_time(in->w[7], &d->changed_time) != 0 ||
	    carry_in_oid(in->w[8], 1, d->changed_commit) != 0 ||
	    carry_in_ulong(in->w[9], CARRY_CACHE_LIST, &nranges) != 0 ||
	    carry_in_ulong(in->w[10], CARRY_CACHE_LIST, &nspans) != 0 ||
	    carry_in_ulong(in->w[11], CARRY_CACHE_LIST, &nauthors) != 0)
		return -1;

	if (carry_in_line(in, "text", 3) != 0)
		return -1;
	d->subject = xstrdup(in->w[1] != NULL ? in->w[1] : "");
	d->status = carry_in_maybe(in->w[2]);
	d->file = carry_in_maybe(in->w[3]);

	for (j = 0; j < nranges; j++) {
		if (carry_in_line(in, "range", 4) != 0 || in->w[1] == NULL ||
		    carry_in_lines(in, &first, &last) != 0)
			return -1;
		d->ranges =
		    xreallocarray(d->ranges, d->nranges + 1, sizeof *d->ranges);
		memset(&d->ranges[d->nranges], 0, sizeof *d->ranges);
		if (carry_in_oid(in->w[4], 1, d->ranges[d->nranges].base) != 0)
			return -1;
		d->ranges[d->nranges].path = xstrdup(in->w[1]);
		d->ranges[d->nranges].first = first;
		d->ranges[d->nranges].last = last;
		d->nranges++;
	}
	for (j = 0; j < nspans; j++) {
		if (carry_in_line(in, "span", 4) != 0 ||
		    carry_in_lines(in, &first, &last) != 0 ||
		    carry_in_ulong(in->w[4], 0xf, &v) != 0 ||
		    in->w[1] == NULL || !repo_path_ok(in->w[1]))
			return -1;
		/* Sorted, never overlapping. */
		if (d->nspans > 0) {
			struct carry_span *p = &d->spans[d->nspans - 1];
			int c = strcmp(p->path, in->w[1]);

			if (c > 0 || (c == 0 && p->last >= first))
				return -1;
		}
		d->spans =
		    xreallocarray(d->spans, d->nspans + 1, sizeof *d->spans);
		d->spans[d->nspans].path = xstrdup(in->w[1]);
		d->spans[d->nspans].first = first;
		d->spans[d->nspans].last = last;
		d->spans[d->nspans].how = (unsigned)v;
		d->nspans++;
	}
	for (j = 0; j < nauthors; j++) {
		char *end;

		if (carry_in_line(in, "author", 1) != 0 || in->w[1] == NULL ||
		    strlen(in->w[1]) != 16)
			return -1;
		d->author_ids = xreallocarray(
		    d->author_ids, d->nauthor_ids + 1, sizeof *d->author_ids);
		errno = 0;
		d->author_ids[d->nauthor_ids++] =
		    (uint64_t)strtoull(in->w[1], &end, 16);
		if (*end != '\0' || errno != 0)
			return -1;
	}
	d->authors = (unsigned)nauthors;
	return 0;
}

/* One set from in; -1 when malformed (what was read is freed). */
static int
carry_in_set(struct carry_in *in, struct carry_set *set)
{
	unsigned long n, nrefs, i;
	unsigned prev = 0;

	memset(set, 0, sizeof *set);
	if (carry_in_line(in, "set", 3) != 0 ||
	    carry_in_oid(in->w[1], 0, set->head) != 0 ||
	    carry_in_ulong(in->w[2], CARRY_CACHE_DECS, &n) != 0 ||
	    carry_in_ulong(in->w[3], CARRY_CACHE_DECS, &nrefs) != 0)
		goto bad;
	for (i = 0; i < n; i++) {
		set->v = xreallocarray(set->v, set->n + 1, sizeof *set->v);
		memset(&set->v[set->n], 0, sizeof *set->v);
		set->n++;
		if (carry_in_dec(in, &set->v[set->n - 1], prev) != 0)
			goto bad;
		prev = set->v[set->n - 1].number;
	}
	for (i = 0; i < nrefs; i++) {
		set->refs =
		    xreallocarray(set->refs, set->nrefs + 1, sizeof *set->refs);
		memset(&set->refs[set->nrefs], 0, sizeof *set->refs);
		set->nrefs++;
		if (carry_in_dec(in, &set->refs[set->nrefs - 1], 0) != 0)
			goto bad;
	}
	carry_in_clear(in);
	return 0;
bad:
	carry_in_clear(in);
	carry_set_free(set);
	return -1;
}

int
carry_cache_parse(const char *text, size_t len, struct carry_set *set)
{
	struct carry_in in;

	memset(&in, 0, sizeof in);
	in.p = text;
	in.end = text + len;
	if (carry_in_set(&in, set) != 0)
		return -1;
	if (in.p != in.end) {
		carry_set_free(set);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * The file.
 */

static uint64_t
carry_cache_sum(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static char *
carry_cache_path(struct repo *r)
{
	char *path;

	xasprintf(&path, "%s%s", r->state, CARRY_CACHE_FILE);
	return path;
}

void
carry_cache_load(struct repo *r, struct carry_set **out, size_t *n)
{
	struct carry_set *sets = NULL, set;
	struct stat st;
	char *path, *buf = NULL, *end, want[64], *p, *nl, *sum;
	size_t nsets = 0, len = 0;
	ssize_t got;
	int fd;

	*out = NULL;
	*n = 0;
	path = carry_cache_path(r);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > CARRY_CACHE_MAX)
		goto out;
	buf = xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		got = read(fd, buf + len, (size_t)st.st_size - len);
		if (got <= 0)
			goto out;
		len += (size_t)got;
	}
	buf[len] = '\0';
	end = buf + len;
	snprintf(
	    want, sizeof want, "%s %d\n", CARRY_CACHE_MAGIC, CARRY_VERSION);
	if (len < strlen(want) || memcmp(buf, want, strlen(want)) != 0)
		goto out;
	p = buf + strlen(want);
	while (p < end && nsets < CARRY_CACHE_KEEP) {
		/* The set runs to the line "sum ...". */
		sum = NULL;
		for (nl = p; nl < end;) {
			if ((size_t)(end - nl) > 4 &&
			    memcmp(nl, "sum ", 4) == 0) {
				sum = nl;
				break;
			}
			if ((nl = memchr(nl, '\n', (size_t)(end - nl))) == NULL)
				break;
			nl++;
		}
		if (sum == NULL)
			goto bad;
		snprintf(want, sizeof want, "sum %016" PRIx64 "\n",
		    carry_cache_sum(p, (size_t)(sum - p)));
		if ((size_t)(end - sum) < strlen(want) ||
		    memcmp(sum, want, strlen(want)) != 0)
			goto bad;
		if (carry_cache_parse(p, (size_t)(sum - p), &set) != 0)
			goto bad;
		sets = xreallocarray(sets, nsets + 1, sizeof *sets);
		sets[nsets++] = set;
		p = sum + strlen(want);
	}
	*out = sets;
	*n = nsets;
	sets = NULL;
	goto out;
bad:
	/* Damaged: as good as none. */
	while (nsets > 0)
		carry_set_free(&sets[--nsets]);
	free(sets);
	sets = NULL;
out:
	free(buf);
	close(fd);
}

int
carry_cache_save(struct repo *r, const struct carry_set *sets, size_t n)
{
	struct carry_out o = {NULL, 0, 0};
	char *path, *tmp, *text;
	size_t len, i, off = 0;
	ssize_t put;
	int fd, rc = -1;

	if (mkdir(r->state, 0700) != 0 && errno != EEXIST)
		return -1;
	carry_out_printf(&o, "%s %d\n", CARRY_CACHE_MAGIC, CARRY_VERSION);
	for (i = 0; i < n && i < CARRY_CACHE_KEEP; i++) {
		text = carry_cache_format(&sets[i], &len);
		carry_out_add(&o, text, len);
		carry_out_printf(
		    &o, "sum %016" PRIx64 "\n", carry_cache_sum(text, len));
		free(text);
	}
	path = carry_cache_path(r);
	xasprintf(&tmp, "%s.%ld", path, (long)getpid());
	fd = open(
	    tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		goto out;
	while (off < o.len) {
		put = write(fd, o.buf + off, o.len - off);
		if (put <= 0)
			break;
		off += (size_t)put;
	}
	if (close(fd) != 0 || off != o.len || rename(tmp, path) != 0) {
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(path);
	free(o.buf);
	return rc;
}
