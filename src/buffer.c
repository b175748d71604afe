/* buffer.c: the bytes of one document, in a gap buffer, with a line index.
 * Byte-exact: no encoding is interpreted; only '\n' separates lines. */
#include "moot.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"

/*
 * The text is held in one allocation of size bytes with a gap in it: the
 * bytes [0, gap_start) are the start of the text and [gap_end, size) the
 * rest. Edits move the gap to where they happen, so a run of typing at one
 * place costs nothing but the bytes typed.
 *
 * Beside the bytes there is an index of line starts: starts[i] is the offset
 * of the first byte of line i (starts[0] is always 0, and every other start
 * is one past a '\n'). Lookups are binary searches over it; an edit shifts
 * the starts after it. Everything about the representation stays in this
 * file, so it can be replaced (by a piece tree, say) without callers noticing.
 */

#define BUFFER_MIN_GAP 4096

struct buffer {
	char *data;
	size_t size;      /* bytes allocated for data */
	size_t gap_start; /* first byte of the gap */
	size_t gap_end;   /* first byte after the gap */

	size_t *starts; /* line start offsets, ascending */
	size_t nlines;  /* used entries in starts (>= 1) */
	size_t nalloc;  /* allocated entries in starts */
};

/* Make room for at least n entries in the line index. */
static void
buffer_index_reserve(struct buffer *b, size_t n)
{
	size_t want;

	if (n <= b->nalloc)
		return;
	want = b->nalloc * 2;
	if (want < n)
		want = n;
	if (want < 64)
		want = 64;
	b->starts = xreallocarray(b->starts, want, sizeof *b->starts);
	b->nalloc = want;
}

/* Append the starts of the lines after each '\n' in data (which will live
 * at offset base) to the end of the index. */
static void
buffer_index_append(struct buffer *b, size_t base, const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;

	while (p < end && (nl = memchr(p, '\n', end - p)) != NULL) {
		buffer_index_reserve(b, b->nlines + 1);
		b->starts[b->nlines++] = base + (nl - data) + 1;
		p = nl + 1;
	}
}

/* Count the '\n' bytes in data. */
static size_t
buffer_count_newlines(const char *data, size_t len)
{
	const char *p = data, *end = data + len, *nl;
	size_t n = 0;

	while (p < end && (nl = memchr(p, '\n', end - p)) != NULL) {
		n++;
		p = nl + 1;
	}
	return n;
}

/* Index of the last line start <= off. */
static size_t
buffer_index_find(const struct buffer *b, size_t off)
{
	size_t lo = 0, hi = b->nlines, mid;

	/* starts[lo] <= off always holds (starts[0] is 0); find the last. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (b->starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Update the index for len bytes of data inserted at off. */
static void
buffer_index_insert(struct buffer *b, size_t off, const char *data, size_t len)
{
	size_t line, first, n, i, added;
	const char *p, *end, *nl;

	/* Starts after off move along; a start equal to off stays put. */
	line = buffer_index_find(b, off);
	first = line + 1;
	for (i = first; i < b->nlines; i++)
		b->starts[i] += len;

	/* Open a hole after line for the new lines and fill it in order. */
	added = buffer_count_newlines(data, len);
	if (added == 0)
		return;
	buffer_index_reserve(b, b->nlines + added);
	n = b->nlines - first;
	memmove(b->starts + first + added, b->starts + first,
	    n * sizeof *b->starts);
	b->nlines += added;

	p = data;
	end = data + len;
	i = first;
	while (p < end && (nl = memchr(p, '\n', end - p)) != NULL) {
		b->starts[i++] = off + (nl - data) + 1;
		p = nl + 1;
	}
}

/* Update the index for len bytes deleted at off. */
static void
buffer_index_delete(struct buffer *b, size_t off, size_t len)
{
	size_t first, last, i, n;

	/*
	 * The starts in (off, off + len] follow a deleted '\n' and go; the
	 * ones after move back. first is the first start > off and last the
	 * first start > off + len.
	 */
	first = buffer_index_find(b, off) + 1;
	last = buffer_index_find(b, off + len) + 1;
	n = b->nlines - last;
	if (last != first) {
		memmove(
		    b->starts + first, b->starts + last, n * sizeof *b->starts);
		b->nlines -= last - first;
	}
	for (i = first; i < b->nlines; i++)
		b->starts[i] -= len;
}

/* Move the gap so it starts at off (a text offset). */
static void
buffer_move_gap(struct buffer *b, size_t off)
{
	size_t n;

	if (off < b->gap_start) {
		/* Bytes [off, gap_start) go to just before gap_end. */
		n = b->gap_start - off;
		memmove(b->data + b->gap_end - n, b->data + off, n);
		b->gap_start -= n;
		b->gap_end -= n;
	} else if (off > b->gap_start) {
		/* Bytes from gap_end go to gap_start. */
		n = off - b->gap_start;
		memmove(b->data + b->gap_start, b->data + b->gap_end, n);
		b->gap_start += n;
		b->gap_end += n;
	}
}

/* Make the gap at least need bytes. */
static void
buffer_grow_gap(struct buffer *b, size_t need)
{
	size_t length = buffer_length(b), size, tail;

	if (b->gap_end - b->gap_start >= need)
		return;
	if (need > SIZE_MAX / 2 - length - BUFFER_MIN_GAP)
		fatalx("buffer too large (%zu + %zu bytes)", length, need);
	size = b->size * 2;
	if (size < length + need + BUFFER_MIN_GAP)
		size = length + need + BUFFER_MIN_GAP;

	/* Grow, then move the part after the gap to the new end. */
	tail = b->size - b->gap_end;
	b->data = xrealloc(b->data, size);
	memmove(b->data + size - tail, b->data + b->gap_end, tail);
	b->gap_end = size - tail;
	b->size = size;
}

struct buffer *
buffer_create(void)
{
	return buffer_from(NULL, 0);
}

/* A buffer holding a copy of data; one pass over it builds the index. */
struct buffer *
buffer_from(const char *data, size_t len)
{
	struct buffer *b;

	if (len > SIZE_MAX / 2 - BUFFER_MIN_GAP)
		fatalx("buffer too large (%zu bytes)", len);

	b = xcalloc(1, sizeof *b);
	b->size = len + BUFFER_MIN_GAP;
	b->data = xmalloc(b->size);
	if (len != 0)
		memcpy(b->data, data, len);
	/* The gap is at the end, where the next edit is least likely. */
	b->gap_start = len;
	b->gap_end = b->size;

	buffer_index_reserve(b, 1);
	b->starts[0] = 0;
	b->nlines = 1;
	if (len != 0)
		buffer_index_append(b, 0, data, len);
	return b;
}

void
buffer_free(struct buffer *b)
{
	if (b == NULL)
		return;
	free(b->data);
	free(b->starts);
	free(b);
}

size_t
buffer_length(const struct buffer *b)
{
	return b->size - (b->gap_end - b->gap_start);
}

void
buffer_insert(struct buffer *b, size_t off, const char *data, size_t len)
{
	size_t length = buffer_length(b);

	if (off > length)
		fatalx("buffer_insert at %zu beyond length %zu", off, length);
	if (len == 0)
		return;

	buffer_move_gap(b, off);
	buffer_grow_gap(b, len);
	memcpy(b->data + b->gap_start, data, len);
	b->gap_start += len;

	buffer_index_insert(b, off, data, len);
}

void
buffer_delete(struct buffer *b, size_t off, size_t len)
{
	size_t length = buffer_length(b);

	if (off > length || len > length - off) {
		fatalx("buffer_delete of %zu at %zu beyond length %zu", len,
		    off, length);
	}
	if (len == 0)
		return;

	/* With the gap at off, deleting is widening the gap. */
	buffer_move_gap(b, off);
	b->gap_end += len;

	buffer_index_delete(b, off, len);
}

size_t
buffer_copy(const struct buffer *b, size_t off, size_t len, char *out)
{
	size_t length = buffer_length(b), n, total;

	if (off > length)
		fatalx("buffer_copy at %zu beyond length %zu", off, length);
	if (len > length - off)
		len = length - off;
	total = len;

	/* The part before the gap, then the part after it. */
	if (off < b->gap_start) {
		n = b->gap_start - off;
		if (n > len)
			n = len;
		memcpy(out, b->data + off, n);
		out += n;
		off += n;
		len -= n;
	}
	if (len != 0)
		memcpy(out, b->data + b->gap_end + (off - b->gap_start), len);
	return total;
}

unsigned char
buffer_byte(const struct buffer *b, size_t off)
{
	size_t length = buffer_length(b);

	if (off >= length)
		fatalx("buffer_byte at %zu beyond length %zu", off, length);
	if (off < b->gap_start)
		return (unsigned char)b->data[off];
	return (unsigned char)b->data[b->gap_end + (off - b->gap_start)];
}

/* The whole text, NUL-ended as a convenience (the text may hold NULs). */
char *
buffer_contents(const struct buffer *b, size_t *len)
{
	size_t length = buffer_length(b);
	char *out = xmalloc(length + 1);

	buffer_copy(b, 0, length, out);
	out[length] = '\0';
	if (len != NULL)
		*len = length;
	return out;
}

size_t
buffer_lines(const struct buffer *b)
{
	return b->nlines;
}

size_t
buffer_line_start(const struct buffer *b, size_t line)
{
	if (line >= b->nlines)
		fatalx("buffer_line_start of line %zu of %zu", line, b->nlines);
	return b->starts[line];
}

size_t
buffer_line_end(const struct buffer *b, size_t line)
{
	if (line >= b->nlines)
		fatalx("buffer_line_end of line %zu of %zu", line, b->nlines);
	if (line + 1 == b->nlines)
		return buffer_length(b);
	return b->starts[line + 1] - 1;
}

size_t
buffer_line_of(const struct buffer *b, size_t off)
{
	size_t length = buffer_length(b);

	if (off > length)
		fatalx("buffer_line_of %zu beyond length %zu", off, length);
	return buffer_index_find(b, off);
}
