/* test-buffer.c: unit tests for the document buffer (buffer.c).
 * Fixed cases, then many random edits checked against a naive model. */
#include "moot.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buffer.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

/* Check that the buffer holds exactly len bytes of want. */
static void
check_text(const struct buffer *b, const char *want, size_t len)
{
	char *got;
	size_t got_len = 12345;

	assert_int_equal(buffer_length(b), len);
	got = buffer_contents(b, &got_len);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, want, len);
	assert_int_equal(got[len], '\0');
	free(got);
}

/*
 * The naive model: the text in a plain array, lines found by scanning it
 * again every time. Everything the buffer says is checked against it.
 */
struct model {
	char *text;
	size_t len;
	size_t size; /* allocated, when more than len + 1 */
};

static void
model_insert(struct model *m, size_t off, const char *data, size_t len)
{
	if (m->len + len + 1 > m->size) {
		m->size = 2 * (m->len + len + 1);
		m->text = xrealloc(m->text, m->size);
	}
	memmove(m->text + off + len, m->text + off, m->len - off);
	memcpy(m->text + off, data, len);
	m->len += len;
}

static void
model_delete(struct model *m, size_t off, size_t len)
{
	memmove(m->text + off, m->text + off + len, m->len - off - len);
	m->len -= len;
}

/* Every line query for every line and offset, and the bytes. */
static void
check_model(const struct buffer *b, const struct model *m)
{
	size_t line = 0, start = 0, off, i, n;
	char *got;

	check_text(b, m->text, m->len);

	for (off = 0; off <= m->len; off++) {
		assert_int_equal(buffer_line_of(b, off), line);
		if (off == m->len || m->text[off] == '\n') {
			/* The end of line: check it, then start the next. */
			assert_int_equal(buffer_line_start(b, line), start);
			assert_int_equal(buffer_line_end(b, line), off);
			line++;
			start = off + 1;
		}
	}
	assert_int_equal(buffer_lines(b), line);

	for (i = 0; i < m->len; i++)
		assert_int_equal(buffer_byte(b, i), (unsigned char)m->text[i]);

	/* A few copies, including ones running off the end. */
	got = xmalloc(m->len + 1);
	for (i = 0; i < 8 && m->len != 0; i++) {
		off = (i * 7919) % (m->len + 1);
		n = buffer_copy(b, off, m->len, got);
		assert_int_equal(n, m->len - off);
		assert_memory_equal(got, m->text + off, n);
	}
	free(got);
}

/* A small fixed-seed generator, so the random test is the same everywhere. */
static uint64_t rng_state;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* The code points of len bytes: bytes that are not 10xxxxxx. */
static size_t
naive_chars(const char *p, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)p[i] & 0xc0) != 0x80)
			n++;
	}
	return n;
}

static size_t
naive_newlines(const char *p, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '\n')
			n++;
	}
	return n;
}

/* The offset of code point ch of the model, or its length. */
static size_t
model_char_offset(const struct model *m, size_t ch)
{
	size_t i;

	for (i = 0; i < m->len; i++) {
		if (((unsigned char)m->text[i] & 0xc0) != 0x80) {
			if (ch == 0)
				return i;
			ch--;
		}
	}
	assert_int_equal(ch, 0);
	return m->len;
}

/* The start of line (which must exist), by scanning for newlines. */
static size_t
model_line_start(const struct model *m, size_t line)
{
	const char *p = m->text, *end = m->text + m->len, *nl;

	while (line > 0) {
		nl = memchr(p, '\n', end - p);
		assert_non_null(nl);
		p = nl + 1;
		line--;
	}
	return p - m->text;
}

/* The search buffer_search does, one position at a time. */
static size_t
naive_search(const char *text, size_t len, size_t off, const char *needle,
    size_t nlen, int backward)
{
	size_t i;

	if (nlen == 0 || nlen > len)
		return BUFFER_NONE;
	if (!backward) {
		for (i = off; i + nlen <= len; i++) {
			if (memcmp(text + i, needle, nlen) == 0)
				return i;
		}
		return BUFFER_NONE;
	}
	i = off;
	if (i > len - nlen + 1)
		i = len - nlen + 1;
	while (i > 0) {
		i--;
		if (memcmp(text + i, needle, nlen) == 0)
			return i;
	}
	return BUFFER_NONE;
}

/* Walk the spans from start to end: they must put the text back together. */
static void
check_spans(const struct buffer *b, const char *want, size_t len)
{
	const char *span;
	size_t off = 0, n;

	while (off < len) {
		span = buffer_span(b, off, &n);
		assert_true(n >= 1);
		assert_true(n <= len - off);
		assert_memory_equal(span, want + off, n);
		off += n;
	}
	assert_int_equal(off, len);
}

/*
 * A check of a big buffer against the model that costs O(n log n): the
 * bytes, the spans, every line's start and end, line_of at both ends of each
 * line and inside it, and every code point (or every step-th).
 */
static void
check_big(const struct buffer *b, const struct model *m, size_t step)
{
	size_t line = 0, start = 0, off, ch = 0;

	check_text(b, m->text, m->len);
	check_spans(b, m->text, m->len);
	assert_int_equal(buffer_chars(b), naive_chars(m->text, m->len));

	for (off = 0; off <= m->len; off++) {
		if (off == m->len || m->text[off] == '\n') {
			assert_int_equal(buffer_line_start(b, line), start);
			assert_int_equal(buffer_line_end(b, line), off);
			assert_int_equal(buffer_line_of(b, start), line);
			assert_int_equal(buffer_line_of(b, off), line);
			assert_int_equal(
			    buffer_line_of(b, start + (off - start) / 2), line);
			line++;
			start = off + 1;
		}
		if (off == m->len ||
		    ((unsigned char)m->text[off] & 0xc0) != 0x80) {
			if (ch % step == 0 || off == m->len)
				assert_int_equal(
				    buffer_char_offset(b, ch), off);
			ch++;
		}
	}
	assert_int_equal(buffer_lines(b), line);
	assert_int_equal(buffer_chars(b) + 1, ch);
}

/* Fill data with len random bytes: letters, newlines, CRLF and UTF-8. */
static void
random_text(char *data, size_t len)
{
	static const char *const pieces[] = {"a", "b", "c", "x", "y", " ", "\n",
	    "\r\n", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80",
	    "\0"};
	size_t i = 0, n, k;
	const char *piece;

	while (i < len) {
		k = rng() % 20;
		piece = pieces[k < 13 ? k : k % 5];
		n = strlen(piece);
		if (k == 12)
			n = 1; /* the NUL */
		if (n > len - i)
			n = len - i;
		memcpy(data + i, piece, n);
		i += n;
	}
}

static void
test_empty(void **state)
{
	struct buffer *b = buffer_create();
	char out[4];

	check_text(b, "", 0);
	assert_int_equal(buffer_lines(b), 1);
	assert_int_equal(buffer_line_start(b, 0), 0);
	assert_int_equal(buffer_line_end(b, 0), 0);
	assert_int_equal(buffer_line_of(b, 0), 0);
	assert_int_equal(buffer_copy(b, 0, 4, out), 0);
	buffer_free(b);

	b = buffer_from("", 0);
	assert_int_equal(buffer_lines(b), 1);
	check_text(b, "", 0);
	buffer_free(b);

	buffer_free(NULL);
}

static void
test_insert_places(void **state)
{
	struct buffer *b = buffer_create();

	buffer_insert(b, 0, "middle", 6);
	check_text(b, "middle", 6);
	buffer_insert(b, 0, "start ", 6);
	check_text(b, "start middle", 12);
	buffer_insert(b, 12, " end", 4);
	check_text(b, "start middle end", 16);
	buffer_insert(b, 9, "--", 2);
	check_text(b, "start mid--dle end", 18);
	buffer_insert(b, 9, "", 0);
	check_text(b, "start mid--dle end", 18);
	assert_int_equal(buffer_lines(b), 1);
	assert_int_equal(buffer_line_end(b, 0), 18);
	buffer_free(b);
}

static void
test_delete_places(void **state)
{
	struct buffer *b = buffer_from("0123456789", 10);

	buffer_delete(b, 0, 2);
	check_text(b, "23456789", 8);
	buffer_delete(b, 6, 2);
	check_text(b, "234567", 6);
	buffer_delete(b, 2, 2);
	check_text(b, "2367", 4);
	buffer_delete(b, 2, 0);
	check_text(b, "2367", 4);
	buffer_delete(b, 0, 4);
	check_text(b, "", 0);
	assert_int_equal(buffer_lines(b), 1);
	buffer_free(b);
}

/* Edits on both sides of the previous edit, and deletes spanning it. */
static void
test_across_gap(void **state)
{
	struct buffer *b = buffer_from("abcdefghij", 10);
	char out[32];

	/* The gap goes to 5, then a delete spans it going forwards. */
	buffer_insert(b, 5, "XY", 2);
	check_text(b, "abcdeXYfghij", 12);
	buffer_delete(b, 3, 6);
	check_text(b, "abchij", 6);

	/* An insert after the gap, then one before it. */
	buffer_insert(b, 5, "1", 1);
	check_text(b, "abchi1j", 7);
	buffer_insert(b, 1, "2", 1);
	check_text(b, "a2bchi1j", 8);

	/* A delete ending exactly where the gap is, then one starting there. */
	buffer_insert(b, 4, "ZZ", 2);
	check_text(b, "a2bcZZhi1j", 10);
	buffer_delete(b, 2, 4);
	check_text(b, "a2hi1j", 6);
	buffer_delete(b, 2, 2);
	check_text(b, "a21j", 4);

	/* Copies and bytes on both sides of the gap. */
	assert_int_equal(buffer_copy(b, 1, 2, out), 2);
	assert_memory_equal(out, "21", 2);
	assert_int_equal(buffer_copy(b, 0, 100, out), 4);
	assert_memory_equal(out, "a21j", 4);
	assert_int_equal(buffer_copy(b, 4, 100, out), 0);
	assert_int_equal(buffer_byte(b, 0), 'a');
	assert_int_equal(buffer_byte(b, 3), 'j');
	buffer_free(b);
}

/* A trailing newline makes an empty last line. */
static void
test_lines(void **state)
{
	struct buffer *b = buffer_from("ab\ncd\n", 6);

	assert_int_equal(buffer_lines(b), 3);
	assert_int_equal(buffer_line_start(b, 0), 0);
	assert_int_equal(buffer_line_end(b, 0), 2);
	assert_int_equal(buffer_line_start(b, 1), 3);
	assert_int_equal(buffer_line_end(b, 1), 5);
	assert_int_equal(buffer_line_start(b, 2), 6);
	assert_int_equal(buffer_line_end(b, 2), 6);
	assert_int_equal(buffer_line_of(b, 0), 0);
	assert_int_equal(buffer_line_of(b, 2), 0); /* the '\n' itself */
	assert_int_equal(buffer_line_of(b, 3), 1);
	assert_int_equal(buffer_line_of(b, 5), 1);
	assert_int_equal(buffer_line_of(b, 6), 2);
	buffer_free(b);

	b = buffer_from("\n\n\n", 3);
	assert_int_equal(buffer_lines(b), 4);
	assert_int_equal(buffer_line_start(b, 3), 3);
	assert_int_equal(buffer_line_end(b, 1), 1);
	assert_int_equal(buffer_line_of(b, 2), 2);
	assert_int_equal(buffer_line_of(b, 3), 3);
	buffer_free(b);
}

/* CRLF: the '\r' is an ordinary byte at the end of its line. */
static void
test_crlf(void **state)
{
	struct buffer *b = buffer_from("a\r\nbc\r\n", 7);

	assert_int_equal(buffer_lines(b), 3);
	assert_int_equal(buffer_line_end(b, 0), 2);
	assert_int_equal(buffer_line_start(b, 1), 3);
	assert_int_equal(buffer_line_end(b, 1), 6);
	assert_int_equal(buffer_byte(b, 1), '\r');
	/* Deleting only the '\n' joins the lines and keeps the '\r'. */
	buffer_delete(b, 2, 1);
	check_text(b, "a\rbc\r\n", 6);
	assert_int_equal(buffer_lines(b), 2);
	assert_int_equal(buffer_line_end(b, 0), 5);
	assert_int_equal(buffer_line_start(b, 1), 6);
	buffer_free(b);
}

/* Inserting and deleting text that holds newlines. */
static void
test_newline_edits(void **state)
{
	struct buffer *b = buffer_from("one\ntwo\nthree", 13);

	/* Split "two" into three lines. */
	buffer_insert(b, 5, "X\nY\nZ", 5);
	check_text(b, "one\ntX\nY\nZwo\nthree", 18);
	assert_int_equal(buffer_lines(b), 5);
	assert_int_equal(buffer_line_start(b, 1), 4);
	assert_int_equal(buffer_line_end(b, 1), 6);
	assert_int_equal(buffer_line_start(b, 2), 7);
	assert_int_equal(buffer_line_start(b, 3), 9);
	assert_int_equal(buffer_line_end(b, 3), 12);
	assert_int_equal(buffer_line_start(b, 4), 13);
	assert_int_equal(buffer_line_end(b, 4), 18);

	/* Insert just after a newline: the line start there stays. */
	buffer_insert(b, 4, "\n", 1);
	check_text(b, "one\n\ntX\nY\nZwo\nthree", 19);
	assert_int_equal(buffer_lines(b), 6);
	assert_int_equal(buffer_line_start(b, 1), 4);
	assert_int_equal(buffer_line_end(b, 1), 4);
	assert_int_equal(buffer_line_start(b, 2), 5);

	/* Delete from inside line 0 to inside line 4: one line is left. */
	buffer_delete(b, 2, 9);
	check_text(b, "onwo\nthree", 10);
	assert_int_equal(buffer_lines(b), 2);
	assert_int_equal(buffer_line_end(b, 0), 4);
	assert_int_equal(buffer_line_start(b, 1), 5);
	assert_int_equal(buffer_line_of(b, 10), 1);

	/* Delete a whole last line with its newline. */
	buffer_delete(b, 4, 6);
	check_text(b, "onwo", 4);
	assert_int_equal(buffer_lines(b), 1);

	/* Insert text ending in a newline at the end. */
	buffer_insert(b, 4, "\n", 1);
	assert_int_equal(buffer_lines(b), 2);
	assert_int_equal(buffer_line_start(b, 1), 5);
	assert_int_equal(buffer_line_end(b, 1), 5);
	buffer_free(b);
}

/* NUL bytes and invalid UTF-8 are kept exactly. */
static void
test_binary(void **state)
{
	static const char data[] = "a\0b\n\xff\xfe\0\n\xe6\xbc";
	size_t len = sizeof data - 1;
	struct buffer *b = buffer_from(data, len);
	char out[16];

	check_text(b, data, len);
	assert_int_equal(buffer_lines(b), 3);
	assert_int_equal(buffer_line_end(b, 0), 3);
	assert_int_equal(buffer_line_end(b, 1), 7);
	assert_int_equal(buffer_byte(b, 1), 0);
	assert_int_equal(buffer_byte(b, 4), 0xff);

	buffer_insert(b, 2, "\0\0", 2);
	assert_int_equal(buffer_length(b), len + 2);
	assert_int_equal(buffer_copy(b, 0, 6, out), 6);
	assert_memory_equal(out, "a\0\0\0b\n", 6);
	assert_int_equal(buffer_line_start(b, 1), 6);
	buffer_delete(b, 1, 3);
	check_text(b, "ab\n\xff\xfe\0\n\xe6\xbc", len - 1);
	buffer_free(b);
}

/* Random edits, at random places, checked fully against the model. */
static void
test_random(void **state)
{
	static const char alphabet[] = "ab\n\n\r\0\xff\xe6";
	struct buffer *b = buffer_create();
	struct model m = {xmalloc(1), 0, 1};
	char data[256];
	size_t off, len, i;
	unsigned op;

	rng_state = 0x6d6f6f74U; /* fixed seed */
	for (op = 0; op < 5000; op++) {
		if (rng() % 3 != 0 || m.len == 0) {
			/* Mostly short inserts, sometimes long ones. */
			len = rng() % 8;
			if (rng() % 10 == 0)
				len = rng() % 200;
			/* Keep the text from growing forever. */
			if (m.len > 3000)
				len = 0;
			for (i = 0; i < len; i++)
				data[i] =
				    alphabet[rng() % (sizeof alphabet - 1)];
			off = rng() % (m.len + 1);
			buffer_insert(b, off, data, len);
			model_insert(&m, off, data, len);
		} else {
			off = rng() % (m.len + 1);
			len = rng() % (m.len - off + 1);
			if (len > 64 && rng() % 4 != 0)
				len = 64;
			buffer_delete(b, off, len);
			model_delete(&m, off, len);
		}
		check_model(b, &m);
	}

	/* Delete everything, back to a single empty line. */
	buffer_delete(b, 0, m.len);
	m.len = 0;
	check_model(b, &m);
	assert_int_equal(buffer_lines(b), 1);

	free(m.text);
	buffer_free(b);
}

/* Building a 10 MB buffer counts its lines. */
static void
test_large(void **state)
{
	size_t size = 10 * 1024 * 1024, i, lines = 1, line;
	char *data = xmalloc(size);
	struct buffer *b;

	/* Lines of 1 to 100 bytes. */
	for (i = 0; i < size; i++) {
		if (i % 101 == 100 || i % 997 == 0) {
			data[i] = '\n';
			lines++;
		} else
			data[i] = 'a' + i % 26;
	}

	b = buffer_from(data, size);
	assert_int_equal(buffer_length(b), size);
	assert_int_equal(buffer_lines(b), lines);
	assert_int_equal(buffer_line_of(b, 0), 0);
	assert_int_equal(buffer_line_of(b, size), lines - 1);
	assert_int_equal(buffer_line_start(b, 1), 1); /* data[0] is '\n' */
	line = buffer_line_of(b, size / 2);
	assert_true(buffer_line_start(b, line) <= size / 2);
	assert_true(buffer_line_end(b, line) >= size / 2);

	/* An edit at the very start shifts every line. */
	buffer_insert(b, 0, "x\n", 2);
	assert_int_equal(buffer_lines(b), lines + 1);
	assert_int_equal(buffer_line_of(b, size + 2), lines);
	assert_int_equal(buffer_line_end(b, lines), size + 2);
	buffer_delete(b, 0, 2);
	assert_int_equal(buffer_lines(b), lines);
	check_text(b, data, size);

	buffer_free(b);
	free(data);
}

/* Code points: every byte that is not a continuation byte starts one. */
static void
test_chars(void **state)
{
	/* a, e-acute (2 bytes), euro (3), an emoji (4), newline. */
	static const char text[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n";
	struct buffer *b = buffer_from(text, 11);

	assert_int_equal(buffer_chars(b), 5);
	assert_int_equal(buffer_char_offset(b, 0), 0);
	assert_int_equal(buffer_char_offset(b, 1), 1);
	assert_int_equal(buffer_char_offset(b, 2), 3);
	assert_int_equal(buffer_char_offset(b, 3), 6);
	assert_int_equal(buffer_char_offset(b, 4), 10);
	assert_int_equal(buffer_char_offset(b, 5), 11);

	/* Deleting half a sequence leaves a stray continuation byte. */
	buffer_delete(b, 1, 1);
	check_text(b, "a\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n", 10);
	assert_int_equal(buffer_chars(b), 4);
	assert_int_equal(buffer_char_offset(b, 1), 2);
	assert_int_equal(buffer_char_offset(b, 4), 10);

	/* Continuation bytes at the very start belong to no code point. */
	buffer_insert(b, 0, "\x80\x80", 2);
	assert_int_equal(buffer_chars(b), 4);
	assert_int_equal(buffer_char_offset(b, 0), 2);
	assert_int_equal(buffer_char_offset(b, 1), 4);
	buffer_free(b);

	b = buffer_create();
	assert_int_equal(buffer_chars(b), 0);
	assert_int_equal(buffer_char_offset(b, 0), 0);
	buffer_free(b);

	b = buffer_from("\x80\xbf", 2);
	assert_int_equal(buffer_chars(b), 0);
	assert_int_equal(buffer_char_offset(b, 0), 2);
	buffer_free(b);
}

/* A big UTF-8 text: code point offsets across many chunks. */
static void
test_chars_large(void **state)
{
	/* A repeating line of 1, 2, 3 and 4 byte characters: 16 bytes. */
	static const char unit[] =
	    "ab\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80xyzw\n";
	size_t reps = 40000, len = 16 * reps, i, ch;
	char *data = xmalloc(len);
	struct buffer *b;

	assert_int_equal(sizeof unit - 1, 16);
	for (i = 0; i < reps; i++)
		memcpy(data + 16 * i, unit, 16);
	b = buffer_from(data, len);
	assert_int_equal(buffer_chars(b), 10 * reps);
	assert_int_equal(buffer_lines(b), reps + 1);

	/* Code point 10r + k is at 16r + (0 1 2 4 7 11 12 13 14 15)[k]. */
	for (ch = 0; ch < 10 * reps; ch += 7) {
		static const size_t at[] = {0, 1, 2, 4, 7, 11, 12, 13, 14, 15};

		assert_int_equal(
		    buffer_char_offset(b, ch), 16 * (ch / 10) + at[ch % 10]);
	}
	assert_int_equal(buffer_char_offset(b, 10 * reps), len);
	assert_int_equal(buffer_line_start(b, 1234), 16 * 1234);
	assert_int_equal(buffer_line_end(b, 1234), 16 * 1234 + 15);
	assert_int_equal(buffer_line_of(b, 16 * 1234 + 15), 1234);
	assert_int_equal(buffer_line_of(b, 16 * 1234 + 16), 1235);
	buffer_free(b);
	free(data);
}

/* Spans point into the text and cover it exactly. */
static void
test_span(void **state)
{
	struct buffer *b = buffer_from("hello\nworld", 11);
	const char *span;
	size_t len, size = 300000, off, i;
	char *data;

	span = buffer_span(b, 0, &len);
	assert_int_equal(len, 11);
	assert_memory_equal(span, "hello\nworld", 11);
	span = buffer_span(b, 6, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(span, "world", 5);
	span = buffer_span(b, 10, &len);
	assert_int_equal(len, 1);
	assert_int_equal(*span, 'd');
	buffer_free(b);

	/* Big enough for many chunks: any offset gives the bytes there. */
	data = xmalloc(size);
	for (i = 0; i < size; i++)
		data[i] = 'A' + i % 53;
	b = buffer_from(data, size);
	check_spans(b, data, size);
	for (i = 0; i < 1000; i++) {
		off = (i * 7919 + 13) % size;
		span = buffer_span(b, off, &len);
		assert_true(len >= 1 && len <= size - off);
		assert_memory_equal(span, data + off, len);
	}
	buffer_free(b);
	free(data);
}

/* Search: forward from off, backward before it, exact bytes. */
static void
test_search(void **state)
{
	struct buffer *b = buffer_from("abcabcab", 8);

	/* Forward: the first match at or after off. */
	assert_int_equal(buffer_search(b, 0, "abc", 3, 0), 0);
	assert_int_equal(buffer_search(b, 1, "abc", 3, 0), 3);
	assert_int_equal(buffer_search(b, 3, "abc", 3, 0), 3);
	assert_int_equal(buffer_search(b, 4, "abc", 3, 0), BUFFER_NONE);
	assert_int_equal(buffer_search(b, 4, "ab", 2, 0), 6);
	assert_int_equal(buffer_search(b, 7, "b", 1, 0), 7);
	assert_int_equal(buffer_search(b, 8, "b", 1, 0), BUFFER_NONE);
	assert_int_equal(buffer_search(b, 0, "abd", 3, 0), BUFFER_NONE);
	assert_int_equal(buffer_search(b, 0, "bcab", 4, 0), 1);

	/* Backward: the last match starting strictly before off. */
	assert_int_equal(buffer_search(b, 8, "abc", 3, 1), 3);
	assert_int_equal(buffer_search(b, 3, "abc", 3, 1), 0);
	assert_int_equal(buffer_search(b, 4, "abc", 3, 1), 3);
	assert_int_equal(buffer_search(b, 0, "abc", 3, 1), BUFFER_NONE);
	assert_int_equal(buffer_search(b, 8, "ab", 2, 1), 6);
	assert_int_equal(buffer_search(b, 1, "a", 1, 1), 0);
	/* A match may run past off. */
	assert_int_equal(buffer_search(b, 1, "abcabcab", 8, 1), 0);
	assert_int_equal(buffer_search(b, 7, "cab", 3, 1), 5);

	/* Nothing to find, or too long to fit. */
	assert_int_equal(buffer_search(b, 0, "", 0, 0), BUFFER_NONE);
	assert_int_equal(buffer_search(b, 8, "", 0, 1), BUFFER_NONE);
	assert_int_equal(buffer_search(b, 0, "abcabcabc", 9, 0), BUFFER_NONE);
	assert_int_equal(buffer_search(b, 8, "abcabcabc", 9, 1), BUFFER_NONE);
	buffer_free(b);

	/* Overlapping matches and partial matches that fall back. */
	b = buffer_from("aaaa\0aab\naabaabaac", 18);
	assert_int_equal(buffer_search(b, 1, "aa", 2, 0), 1);
	assert_int_equal(buffer_search(b, 3, "aa", 2, 0), 5);
	assert_int_equal(buffer_search(b, 4, "aa", 2, 1), 2);
	assert_int_equal(buffer_search(b, 2, "aa", 2, 1), 1);
	assert_int_equal(buffer_search(b, 0, "\0aab\n", 5, 0), 4);
	assert_int_equal(buffer_search(b, 0, "aabaac", 6, 0), 12);
	assert_int_equal(buffer_search(b, 18, "aabaa", 5, 1), 12);
	assert_int_equal(buffer_search(b, 12, "aabaa", 5, 1), 9);
	assert_int_equal(buffer_search(b, 18, "aaaa", 4, 1), 0);
	buffer_free(b);

	b = buffer_create();
	assert_int_equal(buffer_search(b, 0, "a", 1, 0), BUFFER_NONE);
	assert_int_equal(buffer_search(b, 0, "a", 1, 1), BUFFER_NONE);
	buffer_free(b);
}

/*
 * Search in a big text of few letters, where partial matches abound and
 * matches cross chunk boundaries, against the naive search: short and long
 * needles (longer than a chunk), found and not.
 */
static void
test_search_large(void **state)
{
	size_t size = 200000, i, off, nlen, start, want;
	char *data = xmalloc(size), *needle = xmalloc(size);
	struct buffer *b;
	int backward;

	rng_state = 0x73656172U;
	for (i = 0; i < size; i++)
		data[i] = "ab"[rng() % 16 == 0];
	b = buffer_from(data, size);
	/* Edits, so the chunks are of all sizes. */
	for (i = 0; i < 200; i++) {
		off = rng() % size;
		buffer_insert(b, off, "b", 1);
		memmove(data + off + 1, data + off, size - off - 1);
		data[off] = 'b';
		buffer_delete(b, size, 1);
	}
	check_text(b, data, size);

	for (i = 0; i < 600; i++) {
		if (i % 100 == 99)
			nlen = 5000 + rng() % 10000;
		else
			nlen = 1 + rng() % 24;
		start = rng() % (size - nlen + 1);
		memcpy(needle, data + start, nlen);
		if (i % 3 == 0) /* likely not there */
			needle[rng() % nlen] = 'c' - (rng() % 2) * 2;
		off = rng() % (size + 1);
		backward = rng() % 2;
		want = naive_search(data, size, off, needle, nlen, backward);
		assert_int_equal(
		    buffer_search(b, off, needle, nlen, backward), want);
	}
	buffer_free(b);
	free(needle);
	free(data);
}

/*
 * 20,000 random edits of random sizes, some of many kilobytes, with UTF-8,
 * CRLF and NULs, on a text of up to half a megabyte (so a tree of several
 * levels). After every edit, the totals and one random lookup are checked
 * against the naive model; every 500 edits, everything.
 */
static void
test_model(void **state)
{
	struct buffer *b = buffer_create();
	struct model m = {xmalloc(1), 0, 1};
	size_t off, len, i, want, ch, line, nl = 0, chars = 0, last = 0;
	size_t max = 500000;
	char *data = xmalloc(65536), *needle;
	unsigned op, r;

	rng_state = 0x6d6f64656cU;
	for (op = 0; op < 20000; op++) {
		r = rng() % 100;
		if (m.len == 0 || (m.len < max && r < 60) ||
		    (m.len >= max && r < 20)) {
			/* Inserts: typing, pastes, and now and then a file. */
			r = rng() % 100;
			if (r < 60)
				len = 1 + rng() % 8;
			else if (r < 85)
				len = rng() % 200;
			else if (r < 97)
				len = rng() % 5000;
			else
				len = rng() % 65536;
			random_text(data, len);
			/* Half the time, go on where the last edit was. */
			if (rng() % 2 == 0 && last <= m.len)
				off = last;
			else
				off = rng() % (m.len + 1);
			buffer_insert(b, off, data, len);
			model_insert(&m, off, data, len);
			nl += naive_newlines(data, len);
			chars += naive_chars(data, len);
			last = off + len;
		} else {
			off = rng() % (m.len + 1);
			r = rng() % 100;
			if (r < 70)
				len = 1 + rng() % 4;
			else if (r < 95)
				len = rng() % 3000;
			else
				len = rng() % 100000;
			if (rng() % 2 == 0 && last <= m.len && last != 0) {
				/* Backspace at the last edit. */
				off = last - (len < last ? len : last);
			}
			if (len > m.len - off)
				len = m.len - off;
			nl -= naive_newlines(m.text + off, len);
			chars -= naive_chars(m.text + off, len);
			buffer_delete(b, off, len);
			model_delete(&m, off, len);
			last = off;
		}
		assert_int_equal(buffer_length(b), m.len);
		assert_int_equal(buffer_lines(b), nl + 1);
		assert_int_equal(buffer_chars(b), chars);

		/* One lookup, so the cursor moves between edits. */
		switch (rng() % 5) {
		case 0:
			ch = rng() % (chars + 1);
			want = model_char_offset(&m, ch);
			assert_int_equal(buffer_char_offset(b, ch), want);
			break;
		case 1:
			line = rng() % (nl + 1);
			want = model_line_start(&m, line);
			assert_int_equal(buffer_line_start(b, line), want);
			assert_int_equal(buffer_line_of(b, want), line);
			break;
		case 2:
			off = rng() % (m.len + 1);
			want = naive_newlines(m.text, off);
			assert_int_equal(buffer_line_of(b, off), want);
			break;
		case 3:
			if (m.len != 0) {
				off = rng() % m.len;
				assert_int_equal(buffer_byte(b, off),
				    (unsigned char)m.text[off]);
			}
			break;
		case 4:
			if (m.len != 0) {
				off = rng() % m.len;
				len = 1 + rng() % 12;
				if (len > m.len - off)
					len = m.len - off;
				needle = m.text + off;
				off = rng() % (m.len + 1);
				r = rng() % 2;
				want = naive_search(
				    m.text, m.len, off, needle, len, r);
				assert_int_equal(
				    buffer_search(b, off, needle, len, r),
				    want);
			}
			break;
		}

		if (op % 500 == 499) {
			check_big(b, &m, 1);
			for (i = 0; i < 20; i++) {
				off = rng() % (m.len + 1);
				assert_int_equal(buffer_line_of(b, off),
				    naive_newlines(m.text, off));
			}
		}
	}

	/* Delete everything, in big pieces from the middle. */
	while (m.len > 0) {
		off = m.len / 3;
		len = 1 + rng() % 70000;
		if (len > m.len - off)
			len = m.len - off;
		buffer_delete(b, off, len);
		model_delete(&m, off, len);
		check_text(b, m.text, m.len);
	}
	assert_int_equal(buffer_lines(b), 1);
	assert_int_equal(buffer_chars(b), 0);

	free(data);
	free(m.text);
	buffer_free(b);
}

/*
 * Lookups of every kind in random order, with no edit between them, on a
 * UTF-8 text of many chunks: each one moves the cursor, and none may trust
 * what another left behind for a different chunk. Most land near the one
 * before, where chunk boundaries are crossed in both directions.
 */
static void
test_lookups(void **state)
{
	size_t size = 400000, i, at = 0, off, len, ch, line, end;
	size_t *char_at, *char_of, *line_at, nchars = 0, nlines = 1;
	char *text = xmalloc(size), out[300];
	const char *span;
	struct buffer *b;

	rng_state = 0x6c6f6f6bU;
	random_text(text, size);
	/* Where each code point and line starts; the code point of a byte. */
	char_at = xreallocarray(NULL, size + 1, sizeof *char_at);
	char_of = xreallocarray(NULL, size + 1, sizeof *char_of);
	line_at = xreallocarray(NULL, size + 1, sizeof *line_at);
	line_at[0] = 0;
	for (i = 0; i < size; i++) {
		char_of[i] = nchars;
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			char_at[nchars++] = i;
		if (text[i] == '\n')
			line_at[nlines++] = i + 1;
	}
	char_at[nchars] = size;
	char_of[size] = nchars;
	b = buffer_from(text, size);
	assert_int_equal(buffer_chars(b), nchars);
	assert_int_equal(buffer_lines(b), nlines);

	for (i = 0; i < 300000; i++) {
		/* A place near the last, or now and then anywhere. */
		if (rng() % 10 == 0)
			at = rng() % size;
		else {
			at += rng() % 6001;
			at = at < 3000 ? 0 : at - 3000;
			if (at >= size)
				at = size - 1;
		}
		switch (rng() % 7) {
		case 0:
			ch = char_of[at];
			assert_int_equal(
			    buffer_char_offset(b, ch), char_at[ch]);
			break;
		case 1:
			line = buffer_line_of(b, at);
			assert_true(line_at[line] <= at);
			assert_true(
			    line + 1 == nlines || line_at[line + 1] > at);
			assert_int_equal(
			    buffer_line_start(b, line), line_at[line]);
			if (line + 1 < nlines) {
				assert_int_equal(buffer_line_end(b, line),
				    line_at[line + 1] - 1);
			}
			break;
		case 2:
			assert_int_equal(
			    buffer_byte(b, at), (unsigned char)text[at]);
			break;
		case 3:
			len = rng() % sizeof out;
			if (len > size - at)
				len = size - at;
			assert_int_equal(buffer_copy(b, at, len, out), len);
			assert_memory_equal(out, text + at, len);
			break;
		case 4:
			span = buffer_span(b, at, &len);
			assert_memory_equal(span, text + at, len);
			break;
		case 5:
			/* Forward to a needle a little way on. */
			off = at + rng() % 3000;
			if (off > size - 6)
				off = size - 6;
			assert_int_equal(buffer_search(b, at, text + off, 6, 0),
			    naive_search(text, size, at, text + off, 6, 0));
			break;
		case 6:
			/* Backward to a needle a little way back. */
			off = at < 3000 ? 0 : at - rng() % 3000;
			if (off > size - 6)
				off = size - 6;
			end = off + 1 + rng() % 2000;
			if (end > size)
				end = size;
			assert_int_equal(
			    buffer_search(b, end, text + off, 6, 1),
			    naive_search(text, size, end, text + off, 6, 1));
			break;
		}
	}
	buffer_free(b);
	free(line_at);
	free(char_of);
	free(char_at);
	free(text);
}

/* Text taken from the buffer itself can be inserted back into it. */
#define LEAF_SPAN_MAX 100000 /* more than any chunk */
static void
test_insert_self(void **state)
{
	struct buffer *b = buffer_from("abcdef", 6);
	struct model m = {xmalloc(1), 0, 1};
	const char *span;
	size_t len, i, off, n, to;
	char *piece;

	span = buffer_span(b, 1, &len);
	buffer_insert(b, 0, span, 3);
	check_text(b, "bcdabcdef", 9);
	span = buffer_span(b, 0, &len);
	buffer_insert(b, 9, span, len);
	check_text(b, "bcdabcdefbcdabcdef", 18);
	buffer_free(b);

	/* Pieces of all sizes, from anywhere, to anywhere. */
	b = buffer_create();
	piece = xmalloc(LEAF_SPAN_MAX);
	rng_state = 0x73656c66U;
	for (i = 0; i < 3000; i++) {
		if (m.len < 10) {
			buffer_insert(b, 0, "0123456789\n", 11);
			model_insert(&m, 0, "0123456789\n", 11);
			continue;
		}
		if (m.len > 200000) {
			buffer_delete(b, 0, 100000);
			model_delete(&m, 0, 100000);
		}
		off = rng() % m.len;
		span = buffer_span(b, off, &len);
		n = 1 + rng() % len;
		if (n > LEAF_SPAN_MAX)
			n = LEAF_SPAN_MAX;
		to = rng() % (m.len + 1);
		if (rng() % 2 == 0) /* often into the same piece */
			to = off + rng() % (len + 1);
		memcpy(piece, span, n);
		buffer_insert(b, to, span, n);
		model_insert(&m, to, piece, n);
		assert_int_equal(buffer_length(b), m.len);
	}
	check_big(b, &m, 1);
	buffer_free(b);
	free(piece);
	free(m.text);
}

/* Typing a long text a byte at a time, then backspacing it all. */
static void
test_typing(void **state)
{
	struct buffer *b = buffer_from("[]", 2);
	struct model m = {xmalloc(3), 0, 3};
	size_t i, n = 150000;
	char c;

	model_insert(&m, 0, "[]", 2);
	for (i = 0; i < n; i++) {
		c = (i % 61 == 60) ? '\n' : 'a' + i % 26;
		buffer_insert(b, 1 + i, &c, 1);
		model_insert(&m, 1 + i, &c, 1);
		if (i % 50000 == 0)
			check_big(b, &m, 3);
	}
	check_big(b, &m, 1);
	assert_int_equal(buffer_lines(b), n / 61 + 1);

	/* Backspace from the end of the typing, with a lookup each time. */
	for (i = n; i > 0; i--) {
		buffer_delete(b, i, 1);
		model_delete(&m, i, 1);
		assert_int_equal(buffer_line_of(b, i), (i - 1) / 61);
		if (i % 50000 == 0)
			check_big(b, &m, 3);
	}
	check_text(b, "[]", 2);
	free(m.text);
	buffer_free(b);
}

/* Buffers of every size around the chunk sizes come out whole. */
static void
test_from_sizes(void **state)
{
	size_t size, i;
	char *data = xmalloc(20000);
	struct buffer *b;
	struct model m;

	for (i = 0; i < 20000; i++)
		data[i] = (i % 7 == 3) ? '\n' : "xy\xc3\xa9"[i % 4];
	for (size = 0; size <= 20000; size += 1 + size / 8) {
		b = buffer_from(data, size);
		m.text = data;
		m.len = size;
		m.size = 0;
		check_big(b, &m, 1);
		buffer_free(b);
	}
	free(data);
}

/*
 * An 8 MB input: counts of lines and code points, exact line boundaries,
 * then big edits (a megabyte pasted in the middle, long deletions across
 * many chunks, nearly everything deleted) checked against the model.
 */
static void
test_build_large(void **state)
{
	size_t size = 8 * 1024 * 1024, i, lines = 1, chars = 0, n, off, len;
	size_t *starts, line;
	struct model m;
	struct buffer *b;
	char *paste;

	m.text = xmalloc(size);
	m.len = size;
	m.size = size;
	starts = xreallocarray(NULL, size + 1, sizeof *starts);
	starts[0] = 0;
	/*
	 * Lines end where a hash of the offset matches the length so far (so
	 * lines of any length, most under a few hundred bytes); every 9th byte
	 * of a line is a 2-byte character.
	 */
	n = 0;
	for (i = 0; i < size; i++) {
		if (n == (i * 2654435761U >> 7) % 121) {
			m.text[i] = '\n';
			starts[lines++] = i + 1;
			n = 0;
			chars++;
			continue;
		}
		if (n % 9 == 8 && i + 1 < size) {
			m.text[i++] = '\xc3';
			m.text[i] = '\xa9';
			n += 2;
			chars++;
			continue;
		}
		m.text[i] = 'a' + n % 26;
		n++;
		chars++;
	}

	b = buffer_from(m.text, size);
	assert_int_equal(buffer_length(b), size);
	assert_int_equal(buffer_lines(b), lines);
	assert_int_equal(buffer_chars(b), chars);
	assert_int_equal(buffer_chars(b), naive_chars(m.text, size));
	for (line = 0; line < lines; line += 1 + line % 97) {
		assert_int_equal(buffer_line_start(b, line), starts[line]);
		assert_int_equal(buffer_line_of(b, starts[line]), line);
		if (line + 1 < lines) {
			assert_int_equal(
			    buffer_line_end(b, line), starts[line + 1] - 1);
		}
	}
	assert_int_equal(buffer_line_end(b, lines - 1), size);
	assert_int_equal(buffer_line_of(b, size), lines - 1);
	check_big(b, &m, 101);
	free(starts);

	/* A megabyte pasted in the middle, and at both ends. */
	paste = xmalloc(1024 * 1024);
	rng_state = 0x6c61726765U;
	random_text(paste, 1024 * 1024);
	model_insert(&m, m.len / 2, paste, 1024 * 1024);
	buffer_insert(b, size / 2, paste, 1024 * 1024);
	model_insert(&m, 0, paste, 12345);
	buffer_insert(b, 0, paste, 12345);
	model_insert(&m, m.len, paste, 777777);
	buffer_insert(b, buffer_length(b), paste, 777777);
	check_big(b, &m, 101);

	/* Long deletions, then short ones all over. */
	for (i = 0; i < 60; i++) {
		off = rng() % (m.len + 1);
		len = rng() % (i < 20 ? 600000 : 20000);
		if (len > m.len - off)
			len = m.len - off;
		buffer_delete(b, off, len);
		model_delete(&m, off, len);
		assert_int_equal(buffer_length(b), m.len);
	}
	check_big(b, &m, 101);

	/* Nearly everything, leaving a few bytes at each end. */
	len = m.len - 10;
	buffer_delete(b, 3, len);
	model_delete(&m, 3, len);
	check_big(b, &m, 1);
	buffer_insert(b, 5, paste, 300000);
	model_insert(&m, 5, paste, 300000);
	check_big(b, &m, 7);

	buffer_free(b);
	free(paste);
	free(m.text);
}

/* Out-of-range arguments are bugs: fatalx, exit status 1. */
enum bad_call {
	BAD_INSERT,
	BAD_DELETE,
	BAD_DELETE_WRAP,
	BAD_COPY,
	BAD_BYTE,
	BAD_LINE_START,
	BAD_LINE_END,
	BAD_LINE_OF,
	BAD_CHAR_OFFSET,
	BAD_SPAN,
	BAD_SEARCH
};

static void
bad_call(enum bad_call what)
{
	struct buffer *b = buffer_from("ab\ncd", 5);
	char out[8];
	size_t len;

	switch (what) {
	case BAD_INSERT:
		buffer_insert(b, 6, "x", 1);
		break;
	case BAD_DELETE:
		buffer_delete(b, 3, 3);
		break;
	case BAD_DELETE_WRAP:
		buffer_delete(b, 1, SIZE_MAX);
		break;
	case BAD_COPY:
		buffer_copy(b, 6, 1, out);
		break;
	case BAD_BYTE:
		buffer_byte(b, 5);
		break;
	case BAD_LINE_START:
		buffer_line_start(b, 2);
		break;
	case BAD_LINE_END:
		buffer_line_end(b, 2);
		break;
	case BAD_LINE_OF:
		buffer_line_of(b, 6);
		break;
	case BAD_CHAR_OFFSET:
		buffer_char_offset(b, 6);
		break;
	case BAD_SPAN:
		buffer_span(b, 5, &len);
		break;
	case BAD_SEARCH:
		buffer_search(b, 6, "a", 1, 0);
		break;
	}
	buffer_free(b);
}

static void
test_out_of_range(void **state)
{
	enum bad_call what;
	pid_t pid;
	int status;

	for (what = BAD_INSERT; what <= BAD_SEARCH; what++) {
		fflush(NULL);
		pid = fork();
		assert_true(pid != -1);
		if (pid == 0) {
			/* The child: its message is not wanted in the output.
			 */
			if (freopen("/dev/null", "w", stderr) == NULL)
				_exit(3);
			bad_call(what);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 1);
	}
}

/* The address space in use now, in bytes (0 if unknown). */
static size_t
vm_size(void)
{
	unsigned long pages = 0;
	FILE *f;

	if ((f = fopen("/proc/self/statm", "r")) == NULL)
		return 0;
	if (fscanf(f, "%lu", &pages) != 1)
		pages = 0;
	fclose(f);
	return pages * (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * buffer_try_from with too little memory for the tree: NULL, not the end
 * of the process, and the buffer works afterwards. In a child, under an
 * address space limit (which AddressSanitizer cannot run under).
 */
static void
test_try_from_no_memory(void **state)
{
	size_t size = 64 * 1024 * 1024, base, i;
	struct rlimit rl;
	struct buffer *b;
	char *text;
	int status;
	pid_t pid;

	(void)state;
#ifdef TEST_ASAN
	skip();
#endif
	text = xmalloc(size);
	for (i = 0; i < size; i++)
		text[i] = i % 80 == 79 ? '\n' : 'a' + (char)(i % 26);
	if ((pid = fork()) == 0) {
		if ((base = vm_size()) == 0)
			_exit(2);
		rl.rlim_cur = rl.rlim_max = base + 16 * 1024 * 1024;
		if (setrlimit(RLIMIT_AS, &rl) != 0)
			_exit(3);
		if ((b = buffer_try_from(text, size)) != NULL)
			_exit(4);
		if ((b = buffer_try_from(text, 1024 * 1024)) == NULL)
			_exit(5);
		if (buffer_length(b) != 1024 * 1024 ||
		    buffer_lines(b) != 1024 * 1024 / 80 + 1)
			_exit(6);
		buffer_free(b);
		_exit(0);
	}
	assert_int_not_equal(pid, -1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_insert_places),
	    cmocka_unit_test(test_delete_places),
	    cmocka_unit_test(test_across_gap),
	    cmocka_unit_test(test_lines),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_newline_edits),
	    cmocka_unit_test(test_binary),
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_large),
	    cmocka_unit_test(test_chars),
	    cmocka_unit_test(test_chars_large),
	    cmocka_unit_test(test_span),
	    cmocka_unit_test(test_search),
	    cmocka_unit_test(test_search_large),
	    cmocka_unit_test(test_model),
	    cmocka_unit_test(test_lookups),
	    cmocka_unit_test(test_insert_self),
	    cmocka_unit_test(test_typing),
	    cmocka_unit_test(test_from_sizes),
	    cmocka_unit_test(test_build_large),
	    cmocka_unit_test(test_try_from_no_memory),
	    cmocka_unit_test(test_out_of_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
