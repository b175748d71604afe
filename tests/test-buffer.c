/* test-buffer.c: unit tests for the document buffer (buffer.c).
 * Fixed cases, then thousands of random edits checked against a naive model. */
#include "moot.h"

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
};

static void
model_insert(struct model *m, size_t off, const char *data, size_t len)
{
	m->text = xrealloc(m->text, m->len + len + 1);
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
	struct model m = {xmalloc(1), 0};
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

/* Out-of-range arguments are bugs: fatalx, exit status 1. */
enum bad_call {
	BAD_INSERT,
	BAD_DELETE,
	BAD_DELETE_WRAP,
	BAD_COPY,
	BAD_BYTE,
	BAD_LINE_START,
	BAD_LINE_END,
	BAD_LINE_OF
};

static void
bad_call(enum bad_call what)
{
	struct buffer *b = buffer_from("ab\ncd", 5);
	char out[8];

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
	}
	buffer_free(b);
}

static void
test_out_of_range(void **state)
{
	enum bad_call what;
	pid_t pid;
	int status;

	for (what = BAD_INSERT; what <= BAD_LINE_OF; what++) {
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
	    cmocka_unit_test(test_out_of_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
