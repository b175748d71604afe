/* bench-replay.c: real editing traces replayed into the document buffer.
 * Times buffer.c against a flat array and, where node is found, Yjs. */
#include "moot.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buffer.h"

/*
 * Usage: bench-replay [TRACES [YJS_SCRIPT]]
 *
 * TRACES is a copy of the editing-traces data set (its README tells the
 * format): every sequential_traces/NAME.json.gz in it is decompressed with
 * gzip -dc, parsed (not timed), then replayed patch by patch, RUNS times,
 * into a fresh buffer; the best time is kept and the final text must be the
 * trace's endContent byte for byte. The same patches go through a flat array
 * with memmove, the naive baseline. Then, unless MOOT_BENCH_NO_YJS is set,
 * Yjs is installed with npm into a temporary directory and YJS_SCRIPT
 * replays automerge-paper into a Y.Text, for a ratio.
 *
 * Last, a generated C-like file of 50 MB: the time to build a buffer from
 * it, the memory that takes, and single-byte inserts at random places.
 */

#define RUNS 5            /* replays of each trace; the best counts */
#define JSON_MAX_DEPTH 64 /* deeper nesting is refused */
#define BIG_SIZE (50 * 1024 * 1024)
#define BIG_INSERTS 10000
#define YJS_TRACE "automerge-paper"

/* The default data and script, found from this file's place in the tree. */
#define DEFAULT_TRACES "../../../shared/data/editing-traces"
#define DEFAULT_SCRIPT "yjs-replay.mjs"

/* A parsed JSON value. */
enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT
};

struct json {
	enum json_type type;
	double number;
	char *str;          /* a string's bytes, UTF-8, NUL-ended */
	size_t n;           /* string bytes, or array or object members */
	struct json *items; /* array members, or object values */
	struct json *keys;  /* object keys, strings */
};

struct parser {
	const char *start;
	const char *p;
	const char *end;
	const char *error; /* what went wrong, at p */
};

/* One splice: at code point pos, delete del code points, insert ins. */
struct patch {
	size_t pos;
	size_t del;
	const char *ins;
	size_t inslen;
};

struct trace {
	char name[64];
	struct json root; /* owns the strings the patches point to */
	struct patch *patches;
	size_t npatches;
	size_t ntxns;
	const char *start;
	size_t startlen;
	const char *end;
	size_t endlen;
};

/* The results for one trace. */
struct result {
	double rope_ms;
	double flat_ms;
	int ok;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A string quoted for sh: in single quotes, each ' as '\''. */
static char *
shell_quote(const char *s)
{
	size_t len = 3, i = 0;
	const char *p;
	char *out;

	for (p = s; *p != '\0'; p++)
		len += (*p == '\'') ? 4 : 1;
	out = xmalloc(len);
	out[i++] = '\'';
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'') {
			memcpy(out + i, "'\\''", 4);
			i += 4;
		} else
			out[i++] = *p;
	}
	out[i++] = '\'';
	out[i] = '\0';
	return out;
}

/* A path beside this source file (relative to where it was compiled). */
static char *
source_path(const char *rel)
{
	const char *slash = strrchr(__FILE__, '/');
	char *path;

	if (slash == NULL)
		xasprintf(&path, "%s", rel);
	else {
		xasprintf(
		    &path, "%.*s/%s", (int)(slash - __FILE__), __FILE__, rel);
	}
	return path;
}

/* Run a command and read all it writes; NULL if it fails. */
static char *
read_command(const char *cmd, size_t *len)
{
	size_t size = 1 << 20, used = 0, n;
	char *data = xmalloc(size);
	FILE *f;
	int status;

	f = popen(cmd, "r");
	if (f == NULL) {
		free(data);
		return NULL;
	}
	while ((n = fread(data + used, 1, size - used - 1, f)) > 0) {
		used += n;
		if (size - used < 2) {
			size *= 2;
			data = xrealloc(data, size);
		}
	}
	status = pclose(f);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(data);
		return NULL;
	}
	data[used] = '\0';
	*len = used;
	return data;
}

/*
 * A strict JSON parser (RFC 8259): objects, arrays, strings with every
 * escape (\u surrogate pairs become one UTF-8 sequence; a lone surrogate is
 * an error), numbers, true, false and null. Raw string bytes must be valid
 * UTF-8. Nesting is limited to JSON_MAX_DEPTH, so no input can exhaust the
 * stack.
 */
static int json_value(struct parser *, struct json *, int);

static void
json_free(struct json *v)
{
	size_t i;

	if (v->type == JSON_STRING)
		free(v->str);
	if (v->type == JSON_ARRAY || v->type == JSON_OBJECT) {
		for (i = 0; i < v->n; i++) {
			json_free(&v->items[i]);
			if (v->type == JSON_OBJECT)
				json_free(&v->keys[i]);
		}
		free(v->items);
		free(v->keys);
	}
}

static int
json_fail(struct parser *ps, const char *error)
{
	ps->error = error;
	return -1;
}

static void
json_space(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
	                              *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

/* Four hex digits of a \u escape. */
static int
json_hex4(struct parser *ps, unsigned *out)
{
	unsigned v = 0, d;
	int i;
	char c;

	if (ps->end - ps->p < 4)
		return json_fail(ps, "short \\u escape");
	for (i = 0; i < 4; i++) {
		c = *ps->p++;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return json_fail(ps, "bad \\u escape");
		v = v * 16 + d;
	}
	*out = v;
	return 0;
}

/* Write code point cp as UTF-8; returns the bytes written. */
static size_t
utf8_put(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The length of the valid UTF-8 sequence at p (before end), or 0. */
static size_t
utf8_valid(const unsigned char *p, const unsigned char *end)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		if (p[0] == 0xe0)
			lo = 0xa0; /* no overlong forms */
		if (p[0] == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		if (p[0] == 0xf4)
			hi = 0x8f; /* nothing past U+10FFFF */
	} else
		return 0;
	if (end - p < (ptrdiff_t)n)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	}
	return n;
}

static int
json_string(struct parser *ps, struct json *v)
{
	const char *p;
	size_t len = 0, n;
	unsigned cp, lo;
	char *out;
	unsigned char c;

	/* Decoding never makes a string longer than its JSON. */
	ps->p++;
	for (p = ps->p; p < ps->end && *p != '"'; p++) {
		if (*p == '\\' && p + 1 < ps->end)
			p++;
	}
	out = xmalloc(p - ps->p + 1);

	for (;;) {
		if (ps->p >= ps->end) {
			free(out);
			return json_fail(ps, "unterminated string");
		}
		c = (unsigned char)*ps->p;
		if (c == '"') {
			ps->p++;
			break;
		}
		if (c < 0x20) {
			free(out);
			return json_fail(ps, "control character in string");
		}
		if (c >= 0x80) {
			n = utf8_valid((const unsigned char *)ps->p,
			    (const unsigned char *)ps->end);
			if (n == 0) {
				free(out);
				return json_fail(ps, "invalid UTF-8 in string");
			}
			memcpy(out + len, ps->p, n);
			len += n;
			ps->p += n;
			continue;
		}
		if (c != '\\') {
			out[len++] = (char)c;
			ps->p++;
			continue;
		}

		/* An escape. */
		ps->p++;
		if (ps->p >= ps->end) {
			free(out);
			return json_fail(ps, "unterminated escape");
		}
		c = (unsigned char)*ps->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			out[len++] = (char)c;
			break;
		case 'b':
			out[len++] = '\b';
			break;
		case 'f':
			out[len++] = '\f';
			break;
		case 'n':
			out[len++] = '\n';
			break;
		case 'r':
			out[len++] = '\r';
			break;
		case 't':
			out[len++] = '\t';
			break;
		case 'u':
			if (json_hex4(ps, &cp) != 0) {
				free(out);
				return -1;
			}
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				free(out);
				return json_fail(ps, "lone low surrogate");
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				/* A high surrogate: a low one must follow. */
				if (ps->end - ps->p < 2 || ps->p[0] != '\\' ||
				    ps->p[1] != 'u') {
					free(out);
					return json_fail(
					    ps, "lone high surrogate");
				}
				ps->p += 2;
				if (json_hex4(ps, &lo) != 0) {
					free(out);
					return -1;
				}
				if (lo < 0xdc00 || lo > 0xdfff) {
					free(out);
					return json_fail(
					    ps, "bad low surrogate");
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			}
			len += utf8_put(out + len, cp);
			break;
		default:
			free(out);
			return json_fail(ps, "bad escape");
		}
	}
	out[len] = '\0';
	v->type = JSON_STRING;
	v->str = out;
	v->n = len;
	return 0;
}

static int
json_number(struct parser *ps, struct json *v)
{
	const char *start = ps->p, *p = ps->p, *end = ps->end;
	char copy[64];

	/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	} else
		return json_fail(ps, "bad number");
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return json_fail(ps, "bad fraction");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return json_fail(ps, "bad exponent");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if ((size_t)(p - start) >= sizeof copy)
		return json_fail(ps, "number too long");
	memcpy(copy, start, p - start);
	copy[p - start] = '\0';
	v->type = JSON_NUMBER;
	v->number = strtod(copy, NULL);
	ps->p = p;
	return 0;
}

static int
json_word(
    struct parser *ps, const char *word, enum json_type type, struct json *v)
{
	size_t len = strlen(word);

	if ((size_t)(ps->end - ps->p) < len || memcmp(ps->p, word, len) != 0)
		return json_fail(ps, "unexpected character");
	ps->p += len;
	v->type = type;
	return 0;
}

/* An array or an object: members parsed into growing arrays. */
static int
json_members(struct parser *ps, struct json *v, int depth, int object)
{
	size_t size = 0;
	char close = object ? '}' : ']';

	v->type = object ? JSON_OBJECT : JSON_ARRAY;
	ps->p++;
	json_space(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		if (v->n == size) {
			size = size == 0 ? 4 : size * 2;
			v->items =
			    xreallocarray(v->items, size, sizeof *v->items);
			if (object) {
				v->keys = xreallocarray(
				    v->keys, size, sizeof *v->keys);
			}
		}
		memset(&v->items[v->n], 0, sizeof v->items[v->n]);
		if (object) {
			memset(&v->keys[v->n], 0, sizeof v->keys[v->n]);
			json_space(ps);
			if (ps->p >= ps->end || *ps->p != '"')
				return json_fail(ps, "expected a key");
			if (json_string(ps, &v->keys[v->n]) != 0)
				return -1;
			json_space(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				json_free(&v->keys[v->n]);
				return json_fail(ps, "expected ':'");
			}
			ps->p++;
		}
		if (json_value(ps, &v->items[v->n], depth + 1) != 0) {
			if (object)
				json_free(&v->keys[v->n]);
			json_free(&v->items[v->n]);
			return -1;
		}
		v->n++;
		json_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return 0;
		}
		return json_fail(ps, "expected ',' or the end");
	}
}

static int
json_value(struct parser *ps, struct json *v, int depth)
{
	memset(v, 0, sizeof *v);
	if (depth > JSON_MAX_DEPTH)
		return json_fail(ps, "nested too deeply");
	json_space(ps);
	if (ps->p >= ps->end)
		return json_fail(ps, "unexpected end");
	switch (*ps->p) {
	case '{':
		return json_members(ps, v, depth, 1);
	case '[':
		return json_members(ps, v, depth, 0);
	case '"':
		return json_string(ps, v);
	case 't':
		return json_word(ps, "true", JSON_TRUE, v);
	case 'f':
		return json_word(ps, "false", JSON_FALSE, v);
	case 'n':
		return json_word(ps, "null", JSON_NULL, v);
	}
	return json_number(ps, v);
}

/* Parse a whole document: one value and nothing after it. */
static int
json_parse(
    const char *data, size_t len, struct json *v, char *error, size_t errlen)
{
	struct parser ps = {data, data, data + len, NULL};

	if (json_value(&ps, v, 0) == 0) {
		json_space(&ps);
		if (ps.p == ps.end)
			return 0;
		json_fail(&ps, "data after the value");
	}
	json_free(v);
	memset(v, 0, sizeof *v);
	snprintf(error, errlen, "%s at byte %zu", ps.error,
	    (size_t)(ps.p - ps.start));
	return -1;
}

/* The member of an object called key, or NULL. */
static const struct json *
json_get(const struct json *v, const char *key)
{
	size_t i;

	if (v->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < v->n; i++) {
		if (strcmp(v->keys[i].str, key) == 0)
			return &v->items[i];
	}
	return NULL;
}

/* A count: a whole number from 0 to 2^53. */
static int
json_count(const struct json *v, size_t *out)
{
	if (v->type != JSON_NUMBER || v->number < 0 ||
	    v->number > 9007199254740992.0 || v->number != (size_t)v->number)
		return -1;
	*out = (size_t)v->number;
	return 0;
}

/*
 * Decompress and parse a sequential trace into patches. Returns 0, 1 for a
 * concurrent trace (not for a buffer), or -1 with a message.
 */
static int
trace_load(const char *path, struct trace *t, char *error, size_t errlen)
{
	const struct json *txns, *txn, *patches, *pa, *start, *end, *kind;
	char *cmd, *quoted, *data;
	size_t len, i, j, n = 0;

	quoted = shell_quote(path);
	xasprintf(&cmd, "gzip -dc -- %s", quoted);
	data = read_command(cmd, &len);
	free(cmd);
	free(quoted);
	if (data == NULL) {
		snprintf(error, errlen, "gzip -dc failed");
		return -1;
	}
	if (json_parse(data, len, &t->root, error, errlen) != 0) {
		free(data);
		return -1;
	}
	free(data);

	kind = json_get(&t->root, "kind");
	if (kind != NULL && kind->type == JSON_STRING &&
	    strcmp(kind->str, "concurrent") == 0)
		return 1;

	start = json_get(&t->root, "startContent");
	end = json_get(&t->root, "endContent");
	txns = json_get(&t->root, "txns");
	if (start == NULL || start->type != JSON_STRING || end == NULL ||
	    end->type != JSON_STRING || txns == NULL ||
	    txns->type != JSON_ARRAY) {
		snprintf(error, errlen, "not a sequential trace");
		return -1;
	}
	t->start = start->str;
	t->startlen = start->n;
	t->end = end->str;
	t->endlen = end->n;
	t->ntxns = txns->n;

	/* Count, then collect, the patches of every transaction. */
	for (i = 0; i < txns->n; i++) {
		patches = json_get(&txns->items[i], "patches");
		if (patches == NULL || patches->type != JSON_ARRAY) {
			snprintf(error, errlen, "txn %zu has no patches", i);
			return -1;
		}
		n += patches->n;
	}
	t->patches = xreallocarray(NULL, n == 0 ? 1 : n, sizeof *t->patches);
	for (i = 0; i < txns->n; i++) {
		txn = &txns->items[i];
		patches = json_get(txn, "patches");
		for (j = 0; j < patches->n; j++) {
			pa = &patches->items[j];
			if (pa->type != JSON_ARRAY || pa->n != 3 ||
			    json_count(&pa->items[0],
			        &t->patches[t->npatches].pos) != 0 ||
			    json_count(&pa->items[1],
			        &t->patches[t->npatches].del) != 0 ||
			    pa->items[2].type != JSON_STRING) {
				snprintf(error, errlen,
				    "txn %zu patch %zu is not [pos, del, text]",
				    i, j);
				return -1;
			}
			t->patches[t->npatches].ins = pa->items[2].str;
			t->patches[t->npatches].inslen = pa->items[2].n;
			t->npatches++;
		}
	}
	return 0;
}

static void
trace_free(struct trace *t)
{
	json_free(&t->root);
	free(t->patches);
}

/*
 * Replay into a buffer: code points to bytes with buffer_char_offset, then
 * buffer_delete and buffer_insert. Returns the milliseconds taken, or -1 if
 * a patch is out of range.
 */
static double
replay_rope(const struct trace *t, struct buffer *b)
{
	const struct patch *pa;
	size_t i, off, end;
	double start = now_ms();

	for (i = 0; i < t->npatches; i++) {
		pa = &t->patches[i];
		if (pa->del > buffer_chars(b) ||
		    pa->pos > buffer_chars(b) - pa->del)
			return -1;
		off = buffer_char_offset(b, pa->pos);
		if (pa->del != 0) {
			end = buffer_char_offset(b, pa->pos + pa->del);
			buffer_delete(b, off, end - off);
		}
		if (pa->inslen != 0)
			buffer_insert(b, off, pa->ins, pa->inslen);
	}
	return now_ms() - start;
}

/*
 * The naive baseline: the text in one array, moved with memmove at every
 * edit. While the text is all ASCII, a code point is a byte; otherwise code
 * points are counted from the start.
 */
struct flat {
	char *data;
	size_t len;
	size_t size;
	size_t chars;
};

static size_t
flat_starts(const char *p, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)p[i] & 0xc0) != 0x80)
			n++;
	}
	return n;
}

static size_t
flat_char_offset(const struct flat *f, size_t ch)
{
	size_t i;

	if (f->chars == f->len)
		return ch;
	for (i = 0; i < f->len; i++) {
		if (((unsigned char)f->data[i] & 0xc0) != 0x80) {
			if (ch == 0)
				return i;
			ch--;
		}
	}
	return f->len;
}

static double
replay_flat(const struct trace *t, struct flat *f)
{
	const struct patch *pa;
	size_t i, off, end;
	double start = now_ms();

	for (i = 0; i < t->npatches; i++) {
		pa = &t->patches[i];
		if (pa->del > f->chars || pa->pos > f->chars - pa->del)
			return -1;
		off = flat_char_offset(f, pa->pos);
		if (pa->del != 0) {
			end = flat_char_offset(f, pa->pos + pa->del);
			f->chars -= flat_starts(f->data + off, end - off);
			memmove(f->data + off, f->data + end, f->len - end);
			f->len -= end - off;
		}
		if (pa->inslen != 0) {
			if (f->len + pa->inslen > f->size) {
				f->size = 2 * (f->len + pa->inslen);
				f->data = xrealloc(f->data, f->size);
			}
			memmove(f->data + off + pa->inslen, f->data + off,
			    f->len - off);
			memcpy(f->data + off, pa->ins, pa->inslen);
			f->len += pa->inslen;
			f->chars += flat_starts(pa->ins, pa->inslen);
		}
	}
	return now_ms() - start;
}

/* Replay a trace RUNS times each way, checking every final text. */
static void
bench_trace(const struct trace *t, struct result *r)
{
	struct buffer *b;
	struct flat f;
	double ms;
	size_t len;
	char *text;
	int run;

	r->rope_ms = r->flat_ms = -1;
	r->ok = 1;
	for (run = 0; run < RUNS && r->ok; run++) {
		b = buffer_from(t->start, t->startlen);
		ms = replay_rope(t, b);
		text = buffer_contents(b, &len);
		if (ms < 0 || len != t->endlen ||
		    memcmp(text, t->end, len) != 0)
			r->ok = 0;
		else if (r->rope_ms < 0 || ms < r->rope_ms)
			r->rope_ms = ms;
		free(text);
		buffer_free(b);
	}
	for (run = 0; run < RUNS && r->ok; run++) {
		f.size = t->startlen + 1;
		f.data = xmalloc(f.size);
		memcpy(f.data, t->start, t->startlen);
		f.len = t->startlen;
		f.chars = flat_starts(t->start, t->startlen);
		ms = replay_flat(t, &f);
		if (ms < 0 || f.len != t->endlen ||
		    memcmp(f.data, t->end, f.len) != 0)
			r->ok = 0;
		else if (r->flat_ms < 0 || ms < r->flat_ms)
			r->flat_ms = ms;
		free(f.data);
	}
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of the *.json.gz files in dir. */
static char **
list_traces(const char *dir, size_t *n)
{
	struct dirent *de;
	char **names = NULL;
	size_t len;
	DIR *d;

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 8 || strcmp(de->d_name + len - 8, ".json.gz") != 0)
			continue;
		names = xreallocarray(names, *n + 1, sizeof *names);
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n != 0)
		qsort(names, *n, sizeof *names, compare_names);
	return names;
}

/* Whether sh finds a program. */
static int
have_program(const char *name)
{
	char *cmd;
	int status;

	xasprintf(&cmd, "command -v %s >/dev/null 2>&1", name);
	status = system(cmd);
	free(cmd);
	return status == 0;
}

/*
 * Install Yjs in a temporary directory and replay the trace at path with
 * the script; returns its best time in ms, or -1 after printing why not.
 */
static double
bench_yjs(const char *script, const char *path, char *version, size_t vlen)
{
	char *dir, *qdir, *qscript, *qpath, *cmd, *out, *line;
	const char *tmp = getenv("TMPDIR");
	double ms = -1;
	size_t len;

	if (getenv("MOOT_BENCH_NO_YJS") != NULL) {
		printf("Yjs: skipped (MOOT_BENCH_NO_YJS is set)\n");
		return -1;
	}
	if (!have_program("node") || !have_program("npm")) {
		printf("Yjs: skipped (node or npm not found)\n");
		return -1;
	}
	if (access(script, R_OK) != 0) {
		printf("Yjs: skipped (no %s)\n", script);
		return -1;
	}
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	xasprintf(&dir, "%s/moot-yjs.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		printf("Yjs: skipped (mkdtemp: %s)\n", strerror(errno));
		free(dir);
		return -1;
	}
	qdir = shell_quote(dir);
	qscript = shell_quote(script);
	qpath = shell_quote(path);

	printf("Yjs: installing with npm ...\n");
	fflush(stdout);
	xasprintf(&cmd,
	    "npm install --prefix %s --no-audit --no-fund --silent yjs "
	    ">/dev/null 2>&1",
	    qdir);
	if (system(cmd) != 0) {
		printf("Yjs: skipped (npm install yjs failed)\n");
		goto out;
	}
	free(cmd);

	xasprintf(&cmd, "node %s %s %s 2>&1", qscript, qpath, qdir);
	out = read_command(cmd, &len);
	if (out == NULL) {
		printf("Yjs: skipped (the replay script failed)\n");
		goto out;
	}
	for (line = strtok(out, "\n"); line != NULL;
	     line = strtok(NULL, "\n")) {
		if (strncmp(line, "yjs-ms ", 7) == 0)
			ms = strtod(line + 7, NULL);
		else if (strncmp(line, "yjs-version ", 12) == 0)
			snprintf(version, vlen, "%s", line + 12);
	}
	free(out);
	if (ms <= 0)
		printf("Yjs: skipped (no time from the replay script)\n");

out:
	free(cmd);
	xasprintf(&cmd, "rm -rf -- %s", qdir);
	if (system(cmd) != 0)
		printf("Yjs: could not remove %s\n", dir);
	free(cmd);
	free(qdir);
	free(qscript);
	free(qpath);
	free(dir);
	return ms;
}

/* A small fixed-seed generator for the generated file. */
static uint64_t rng_state = 0x7265706c6179U;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* Fill size bytes with something like C: functions of indented lines. */
static void
make_c_file(char *data, size_t size)
{
	static const char *const lines[] = {
	    "\tif (ctx->flags & FLAG_%u)\n",
	    "\t\treturn (error_%u(ctx, \"bad value: %%s\", name));\n",
	    "\tfor (i = 0; i < n_%u; i++) {\n",
	    "\t\ttotal += values[i] * %u;\n",
	    "\t}\n",
	    "\t/* Keep the cache warm for the next %u lookups. */\n",
	    "\tstruct item *item = lookup(table, key + %u);\n",
	    "\n",
	};
	size_t off = 0, n;
	char line[128];
	unsigned k;

	while (off < size) {
		k = rng();
		if (k % 23 == 0) {
			n = (size_t)snprintf(line, sizeof line,
			    "}\n\nstatic int\nfunction_%u(struct ctx "
			    "*ctx)\n{\n",
			    k % 100000);
		} else {
			n = (size_t)snprintf(line, sizeof line,
			    lines[k % (sizeof lines / sizeof lines[0])],
			    k % 1000);
		}
		if (n > size - off)
			n = size - off;
		memcpy(data + off, line, n);
		off += n;
	}
}

/* Resident memory in bytes, where /proc tells; 0 elsewhere. */
static size_t
resident_bytes(void)
{
	unsigned long pages, resident;
	FILE *f;
	int n;

	if ((f = fopen("/proc/self/statm", "r")) == NULL)
		return 0;
	n = fscanf(f, "%lu %lu", &pages, &resident);
	fclose(f);
	if (n != 2)
		return 0;
	return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * Build from a 50 MB file, and insert single bytes at random places. This
 * runs first, so the memory the first build takes is fresh from the system
 * and shows in the resident size.
 */
static void
bench_big(void)
{
	char *data = xmalloc(BIG_SIZE), c = 'x';
	double ms, best = -1, start, per_mb = -1;
	size_t before, after, lines, i;
	struct buffer *b;
	int run;

	make_c_file(data, BIG_SIZE);
	for (run = 0; run < RUNS; run++) {
		before = resident_bytes();
		start = now_ms();
		b = buffer_from(data, BIG_SIZE);
		ms = now_ms() - start;
		after = resident_bytes();
		if (run == 0 && after > before) {
			per_mb = (double)(after - before) /
			         (BIG_SIZE / (1024.0 * 1024.0));
		}
		if (best < 0 || ms < best)
			best = ms;
		if (run != RUNS - 1)
			buffer_free(b);
	}
	lines = buffer_lines(b);

	start = now_ms();
	for (i = 0; i < BIG_INSERTS; i++)
		buffer_insert(b, rng() % (buffer_length(b) + 1), &c, 1);
	ms = now_ms() - start;

	printf("A generated C-like file of %d MB, %zu lines:\n",
	    BIG_SIZE / (1024 * 1024), lines);
	printf("  buffer_from: %.1f ms (best of %d)\n", best, RUNS);
	if (per_mb > 0) {
		printf("  memory: %.0f bytes per MiB of text, %.1f%% more "
		       "(resident growth)\n",
		    per_mb, 100 * (per_mb / (1024 * 1024) - 1));
	}
	printf("  %d single-byte inserts at random places: %.2f us each\n",
	    BIG_INSERTS, ms * 1e3 / BIG_INSERTS);
	if (buffer_length(b) != BIG_SIZE + BIG_INSERTS) {
		printf("  FAIL: length %zu\n", buffer_length(b));
		exit(1);
	}
	buffer_free(b);
	free(data);
}

int
main(int argc, char **argv)
{
	char *dir, *seqdir, *path, *script, **names, error[256];
	char version[64] = "?";
	double yjs_ms, yjs_rope_ms = -1;
	struct result r;
	struct trace t;
	size_t n, i;
	int failed = 0, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	dir = argc > 1 ? xstrdup(argv[1]) : source_path(DEFAULT_TRACES);
	script = argc > 2 ? xstrdup(argv[2]) : source_path(DEFAULT_SCRIPT);
	xasprintf(&seqdir, "%s/sequential_traces", dir);
	names = list_traces(seqdir, &n);
	if (names == NULL || n == 0) {
		printf(
		    "bench-replay: no traces in %s; nothing to do\n", seqdir);
		return 0;
	}

	bench_big();
	printf("\nEditing traces replayed into the buffer, best of %d runs.\n",
	    RUNS);
	printf(
	    "From %s (concurrent_traces skipped: they need a CRDT).\n", seqdir);
	printf("flat: the same edits in one array moved with memmove.\n\n");
	printf("%-22s %8s %10s %9s %12s %10s %9s %6s\n", "trace", "patches",
	    "final B", "rope ms", "edits/s", "flat ms", "flat/rope", "check");

	for (i = 0; i < n; i++) {
		memset(&t, 0, sizeof t);
		snprintf(t.name, sizeof t.name, "%.*s",
		    (int)(strlen(names[i]) - 8), names[i]);
		xasprintf(&path, "%s/%s", seqdir, names[i]);
		rc = trace_load(path, &t, error, sizeof error);
		if (rc != 0) {
			if (rc == 1)
				printf("%-22s skipped: concurrent\n", t.name);
			else {
				printf("%-22s FAIL: %s\n", t.name, error);
				failed = 1;
			}
			trace_free(&t);
			free(path);
			continue;
		}

		bench_trace(&t, &r);
		if (!r.ok) {
			printf("%-22s %8zu FAIL: the final text is not "
			       "endContent\n",
			    t.name, t.npatches);
			failed = 1;
		} else {
			printf("%-22s %8zu %10zu %9.2f %12.0f %10.2f %8.1fx "
			       "%6s\n",
			    t.name, t.npatches, t.endlen, r.rope_ms,
			    t.npatches / (r.rope_ms / 1e3), r.flat_ms,
			    r.flat_ms / r.rope_ms, "ok");
			if (strcmp(t.name, YJS_TRACE) == 0)
				yjs_rope_ms = r.rope_ms;
		}
		trace_free(&t);
		free(path);
	}

	if (yjs_rope_ms > 0) {
		xasprintf(&path, "%s/%s.json.gz", seqdir, YJS_TRACE);
		printf("\n");
		yjs_ms = bench_yjs(script, path, version, sizeof version);
		if (yjs_ms > 0) {
			printf("Yjs %s (node) on %s: %.2f ms, best of %d; "
			       "moot %.2f ms; Yjs/moot %.1fx\n",
			    version, YJS_TRACE, yjs_ms, RUNS, yjs_rope_ms,
			    yjs_ms / yjs_rope_ms);
		}
		free(path);
	}

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(seqdir);
	free(script);
	free(dir);
	if (failed) {
		printf("\nFAIL\n");
		return 1;
	}
	return 0;
}
