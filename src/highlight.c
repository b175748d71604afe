/* highlight.c: a document's syntax colours for the lines on screen, with
 * the states and colours remembered so that typing does not redo them. */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "highlight.h"

/*
 * Two things are remembered.
 *
 * Per document, the state (which start/end regions are open) at the start
 * of every HIGHLIGHT_EVERY-th line, as far as it has been computed: an
 * edit on line L forgets those after L. To colour the screen from line
 * top, the walk starts at the nearest remembered state at or above top,
 * at most HIGHLIGHT_SYNC lines up; with none there, it starts
 * HIGHLIGHT_SYNC lines up assuming nothing is open.
 *
 * For everyone, the colours of a line: a function of its text, its
 * starting state and the syntax, so they are kept in a table keyed by
 * those (the text compared whole, so two lines never share by accident).
 * Typing on a line misses for that line only; the lines around, and
 * everyone else looking at them, hit.
 *
 * And per document, for the text as it is now (its buffer stamp), which
 * table entry and states each line of the last walk had: after a
 * keystroke every person looking at the document gets a frame of the
 * same lines, and only the first of them reads the lines from the text.
 */

/* One line of the last walk: its table entry (if it is still the one
 * written then) and its states. */
struct highlight_memo {
	uint32_t slot, gen;
	uint32_t in, out;
};

struct highlight {
	const struct syntax *syn;
	uint32_t *state; /* at the start of line i * HIGHLIGHT_EVERY */
	uint8_t *valid;
	size_t n;  /* allocated */
	size_t hi; /* 1 + the highest valid index (0 always is) */

	uint64_t memo_stamp; /* the text the memo is for; 0 for none */
	size_t memo_first;   /* the line of memo[0] */
	size_t memo_n;
	struct highlight_memo memo[HIGHLIGHT_MEMO];
};

struct highlight_entry {
	uint64_t syn;  /* syntax_id; 0 for an empty slot */
	uint64_t hash; /* of the text, state and syntax */
	uint32_t gen;  /* changes whenever the slot is written */
	uint32_t in, out;
	size_t len;
	char *text;
	struct syntax_span *spans;
	size_t nspans;
};

static struct highlight_entry highlight_cache[HIGHLIGHT_CACHE];
static uint64_t highlight_hits, highlight_misses;
static uint32_t highlight_gen;

/* Scratch for the line being coloured (the daemon has one thread). */
static char highlight_text[SYNTAX_LINE_MAX];
static struct syntax_span highlight_spans[SYNTAX_SPANS_MAX];
static char highlight_ahead[SYNTAX_LINE_MAX + 1]; /* a line and its end */

struct highlight *
highlight_create(const struct syntax *syn)
{
	struct highlight *h = xcalloc(1, sizeof *h);

	h->syn = syn;
	h->n = 16;
	h->state = xcalloc(h->n, sizeof *h->state);
	h->valid = xcalloc(h->n, sizeof *h->valid);
	h->valid[0] = 1;
	h->hi = 1;
	return h;
}

void
highlight_free(struct highlight *h)
{
	if (h == NULL)
		return;
	free(h->state);
	free(h->valid);
	free(h);
}

const struct syntax *
highlight_syntax(const struct highlight *h)
{
	return h->syn;
}

void
highlight_edited(struct highlight *h, size_t line)
{
	size_t idx;

	if (h == NULL)
		return;
	idx = line / HIGHLIGHT_EVERY;
	if (h->hi > idx + 1) {
		memset(h->valid + idx + 1, 0, h->hi - idx - 1);
		h->hi = idx + 1;
	}
	h->memo_stamp = 0;
}

void
highlight_edited_line(
    struct highlight *h, size_t line, uint64_t before, uint64_t after)
{
	int kept;

	if (h == NULL)
		return;
	kept = h->memo_stamp == before && before != 0;
	highlight_edited(h, line);
	if (!kept)
		return;
	/* Every other line of the memo has the same text at the same line
	 * number; this one's entry no longer matches (no written table slot
	 * has generation 0). A line below whose starting state changes is
	 * recomputed by highlight_memo_get's state check. */
	h->memo_stamp = after;
	if (line >= h->memo_first && line < h->memo_first + h->memo_n)
		h->memo[line - h->memo_first].gen = 0;
}

void
highlight_stats(uint64_t *hits, uint64_t *misses)
{
	*hits = highlight_hits;
	*misses = highlight_misses;
}

/* Room for checkpoint idx. */
static void
highlight_grow(struct highlight *h, size_t idx)
{
	size_t n = h->n;

	if (idx < n)
		return;
	while (n <= idx)
		n *= 2;
	h->state = xreallocarray(h->state, n, sizeof *h->state);
	h->valid = xreallocarray(h->valid, n, sizeof *h->valid);
	memset(h->state + h->n, 0, (n - h->n) * sizeof *h->state);
	memset(h->valid + h->n, 0, n - h->n);
	h->n = n;
}

static void
highlight_remember(struct highlight *h, size_t line, uint32_t state)
{
	size_t idx = line / HIGHLIGHT_EVERY;

	if (line % HIGHLIGHT_EVERY != 0)
		return;
	highlight_grow(h, idx);
	h->state[idx] = state;
	h->valid[idx] = 1;
	if (h->hi < idx + 1)
		h->hi = idx + 1;
}

static uint64_t
highlight_hash(const char *text, size_t len, uint32_t state, uint64_t syn)
{
	uint64_t x = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= (unsigned char)text[i];
		x *= 1099511628211ULL;
	}
	x ^= state;
	x *= 1099511628211ULL;
	x ^= syn;
	x *= 1099511628211ULL;
	return x;
}

/* The colours of one line of text starting in state: from the table, or
 * computed (and kept, if it is not too long). *slot is the table entry
 * that has them, or -1. */
static const struct syntax_span *
highlight_line(const struct syntax *syn, const char *text, size_t len,
    uint32_t state, uint32_t *out, size_t *n, long *slot)
{
	uint64_t id = syntax_id(syn),
	         hash = highlight_hash(text, len, state, id);
	struct highlight_entry *e = &highlight_cache[hash % HIGHLIGHT_CACHE];

	*slot = (long)(hash % HIGHLIGHT_CACHE);
	if (e->syn == id && e->hash == hash && e->in == state &&
	    e->len == len && memcmp(e->text, text, len) == 0) {
		highlight_hits++;
		*out = e->out;
		*n = e->nspans;
		return e->spans;
	}
	highlight_misses++;
	*out = syntax_line(syn, text, len, state, highlight_spans, n);
	if (len > HIGHLIGHT_CACHE_LINE) {
		*slot = -1;
		return highlight_spans;
	}
	free(e->text);
	free(e->spans);
	e->syn = id;
	e->hash = hash;
	e->gen = ++highlight_gen;
	e->in = state;
	e->out = *out;
	e->len = len;
	e->text = xmalloc(len > 0 ? len : 1);
	memcpy(e->text, text, len);
	e->nspans = *n;
	e->spans = xreallocarray(NULL, *n > 0 ? *n : 1, sizeof *e->spans);
	memcpy(e->spans, highlight_spans, *n * sizeof *e->spans);
	return e->spans;
}

/* Remember line of the walk in the memo for the text at stamp. */
static void
highlight_memo_put(struct highlight *h, uint64_t stamp, size_t line, long slot,
    uint32_t in, uint32_t out)
{
	struct highlight_memo *m;

	if (slot < 0)
		return;
	if (h->memo_stamp != stamp || line < h->memo_first ||
	    line > h->memo_first + h->memo_n ||
	    (line == h->memo_first + h->memo_n &&
	        h->memo_n == HIGHLIGHT_MEMO)) {
		h->memo_stamp = stamp;
		h->memo_first = line;
		h->memo_n = 0;
	}
	if (line == h->memo_first + h->memo_n)
		h->memo_n++;
	m = &h->memo[line - h->memo_first];
	m->slot = slot;
	m->gen = highlight_cache[slot].gen;
	m->in = in;
	m->out = out;
}

/* The memo's entry for line in state, if it has one still good. */
static const struct highlight_memo *
highlight_memo_get(
    const struct highlight *h, uint64_t stamp, size_t line, uint32_t in)
{
	const struct highlight_memo *m;

	if (h->memo_stamp != stamp || line < h->memo_first ||
	    line >= h->memo_first + h->memo_n)
		return NULL;
	m = &h->memo[line - h->memo_first];
	if (m->in != in || highlight_cache[m->slot].gen != m->gen)
		return NULL;
	return m;
}

const struct syntax_span *
highlight_next(struct highlight_walk *w, size_t start, size_t len, size_t *n)
{
	const struct highlight_memo *m;
	const struct highlight_entry *e;
	const struct syntax_span *spans;
	uint64_t stamp = buffer_stamp(w->b);
	uint32_t out;
	long slot;

	if ((m = highlight_memo_get(w->h, stamp, w->line, w->state)) != NULL) {
		highlight_hits++;
		e = &highlight_cache[m->slot];
		*n = e->nspans;
		spans = e->spans;
		out = m->out;
	} else {
		if (len > SYNTAX_LINE_MAX)
			len = SYNTAX_LINE_MAX;
		len = buffer_copy(w->b, start, len, highlight_text);
		spans = highlight_line(
		    w->h->syn, highlight_text, len, w->state, &out, n, &slot);
		highlight_memo_put(w->h, stamp, w->line, slot, w->state, out);
	}
	w->state = out;
	w->line++;
	highlight_remember(w->h, w->line, out);
	return spans;
}

void
highlight_walk(struct highlight *h, const struct buffer *b, size_t line,
    struct highlight_walk *w)
{
	size_t idx = line / HIGHLIGHT_EVERY, lo, j, n, start, len;
	const char *nl;

	w->h = h;
	w->b = b;
	/* The same text and a line of the last walk: its state is known. */
	if (h->memo_stamp == buffer_stamp(b) && line >= h->memo_first &&
	    line < h->memo_first + h->memo_n) {
		w->line = line;
		w->state = h->memo[line - h->memo_first].in;
		return;
	}
	lo = idx > HIGHLIGHT_SYNC / HIGHLIGHT_EVERY
	         ? idx - HIGHLIGHT_SYNC / HIGHLIGHT_EVERY
	         : 0;
	highlight_grow(h, idx);
	/* The nearest remembered state at or above line, not too far. */
	for (j = idx; j > lo && !(j < h->hi && h->valid[j]); j--)
		;
	if (!(j < h->hi && h->valid[j])) {
		/* None close enough: assume nothing is open there. */
		highlight_remember(h, j * HIGHLIGHT_EVERY, 0);
	}
	w->line = j * HIGHLIGHT_EVERY;
	w->state = h->state[j];
	/* Down to line, keeping the colours on the way (they are asked for
	 * again on the next frame). Each line's end is found in a copy of
	 * its first bytes, not looked up in the text's line index. */
	start = buffer_line_start(b, w->line);
	while (w->line < line) {
		len = buffer_copy(
		    b, start, sizeof highlight_ahead, highlight_ahead);
		if ((nl = memchr(highlight_ahead, '\n', len)) != NULL)
			len = nl - highlight_ahead;
		else if (len == sizeof highlight_ahead)
			len = buffer_line_end(b, w->line) - start;
		highlight_next(w, start, len, &n);
		start += len + 1;
	}
}
