/* test-colindex.c: unit tests of the column index of long lines.
 * Random text, random edits, random queries against layout.c's walk. */
#include "moot.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buffer.h"
#include "colindex.h"
#include "layout.h"

/* Pieces of text: every kind of unit, and sequences an edit can split. */
static const char *pieces[] = {
    "a",
    "b",
    "xyz",
    "\t",
    "\t",
    "\x1b",
    "\x7f",
    "\r",
    "\xff",
    "\x80",
    "\xe6\xbc",          /* a wide character cut short */
    "\xe6\xbc\xa2",      /* a wide character */
    "\xcc\x81",          /* a combining mark */
    "e\xcc\x81\xcc\x81", /* two marks: the second is inert */
    "\xc2\x85",          /* a C1 control */
    "\xc3\xa9",          /* a two-byte character */
    "\xf0\x9f\x98\x80",  /* an emoji */
    "\xf0\x9f\x98",      /* an emoji cut short */
    "\xef\xbf\xbf",      /* a noncharacter */
    "\xe2\x80\xae",      /* a bidi control */
    "\xc0\xaf",          /* an overlong form */
    "\xed\xa0\x80",      /* a surrogate */
    "1234567",
};
#define NPIECES (sizeof pieces / sizeof pieces[0])

static uint64_t seed;

static uint32_t
rnd(uint32_t n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return n > 0 ? (uint32_t)(seed % n) : 0;
}

/* The text as the test knows it, beside the buffer. */
struct model {
	char *text;
	size_t len;
	size_t cap;
	struct buffer *b;
	struct colindex *ci;
	unsigned ops;
};

static void
model_init(struct model *m, struct colindex *ci)
{
	memset(m, 0, sizeof *m);
	m->cap = 64;
	m->text = xmalloc(m->cap);
	m->b = buffer_create();
	m->ci = ci;
}

static void
model_free(struct model *m)
{
	buffer_free(m->b);
	colindex_free(m->ci);
	free(m->text);
}

/* One op, applied as doc_apply does. */
static void
model_op(struct model *m, size_t pos, size_t del_len, const char *ins,
    size_t ins_len)
{
	uint64_t stamp = buffer_stamp(m->b);
	char *del = xmalloc(del_len + 1);

	memcpy(del, m->text + pos, del_len);
	if (m->len - del_len + ins_len > m->cap) {
		m->cap = (m->len - del_len + ins_len) * 2;
		m->text = xrealloc(m->text, m->cap);
	}
	memmove(m->text + pos + ins_len, m->text + pos + del_len,
	    m->len - pos - del_len);
	memcpy(m->text + pos, ins, ins_len);
	m->len = m->len - del_len + ins_len;

	if (del_len > 0)
		buffer_delete(m->b, pos, del_len);
	if (ins_len > 0)
		buffer_insert(m->b, pos, ins, ins_len);
	colindex_op(m->ci, m->b, stamp, pos, del, del_len, ins, ins_len);
	free(del);
	m->ops++;
}

/* Random text of about n bytes; newlines one piece in nl (0: none). */
static char *
random_text(size_t n, unsigned nl, size_t *len)
{
	char *s = xmalloc(n + 16);
	const char *p;

	*len = 0;
	while (*len < n) {
		if (nl > 0 && rnd(nl) == 0)
			p = "\n";
		else if (rnd(2) == 0)
			p = &"abcdefg"[rnd(7)]; /* plain text, mostly */
		else
			p = pieces[rnd(NPIECES)];
		memcpy(s + *len, p, strlen(p));
		*len += strlen(p);
	}
	return s;
}

/* A random edit: mostly small, inside sequences as often as not. */
static void
model_random_op(struct model *m, unsigned nl)
{
	size_t pos, del = 0, ins = 0;
	char *text;

	pos = rnd((uint32_t)m->len + 1);
	switch (rnd(8)) {
	case 0: /* a big insert */
		text = random_text(1 + rnd(600), nl * 20, &ins);
		break;
	case 1: /* a big delete */
		del = rnd(400);
		text = random_text(0, 0, &ins);
		break;
	case 2:
	case 3: /* a delete of a few bytes */
		del = 1 + rnd(6);
		text = random_text(0, 0, &ins);
		break;
	default: /* typing, or replacing */
		if (rnd(3) == 0)
			del = rnd(4);
		text = random_text(1 + rnd(4), nl, &ins);
		break;
	}
	if (del > m->len - pos)
		del = m->len - pos;
	model_op(m, pos, del, text, ins);
	free(text);
}

/* Where line starts in the model, and its length. */
static const char *
model_line(const struct model *m, size_t line, size_t *len)
{
	const char *s = m->text, *end = m->text + m->len, *nl;

	while (line > 0) {
		nl = memchr(s, '\n', end - s);
		assert_non_null(nl);
		s = nl + 1;
		line--;
	}
	nl = memchr(s, '\n', end - s);
	*len = (nl != NULL ? nl : end) - s;
	return s;
}

#define CHECK(got, want, what, arg)                                            \
	do {                                                                   \
		size_t g_ = (got), w_ = (want);                                \
		if (g_ != w_)                                                  \
			fail_msg("%s(%zu) on line %zu (%zu bytes) after %u "   \
			         "ops: %zu, want %zu",                         \
			    what, (size_t)(arg), line, len, m->ops, g_, w_);   \
	} while (0)

/* Compare a walk from column col with the plain units from there: the
 * first n units, or all of them to the end of the line when n is 0. */
static void
check_walk(struct model *m, size_t line, const char *s, size_t len, size_t col,
    size_t n)
{
	struct colindex_walk w;
	struct layout_unit u, v;
	size_t off = 0, c = 0, k;
	int more;

	/* The plain walk to the unit holding col. */
	while ((more = layout_next(s, len, off, c, &v)) &&
	       v.col + v.width <= col) {
		off += v.len;
		c += v.width;
	}
	colindex_walk(m->ci, m->b, line, col, &w);
	for (k = 0; more; k++) {
		if (n != 0 && k == n)
			return;
		assert_true(colindex_walk_next(&w, &u));
		CHECK(u.off, v.off, "walk off", col);
		CHECK(u.len, v.len, "walk len", col);
		CHECK(u.col, v.col, "walk col", col);
		CHECK(u.width, v.width, "walk width", col);
		CHECK(u.kind, v.kind, "walk kind", col);
		CHECK(u.cp, v.cp, "walk cp", col);
		CHECK(u.comb, v.comb, "walk comb", col);
		assert_string_equal(u.glyph, v.glyph);
		off += v.len;
		c += v.width;
		more = layout_next(s, len, off, c, &v);
	}
	assert_false(colindex_walk_next(&w, &u));
}

/* The plain walk's answers for one line, from its units. */
struct plain {
	const char *s;
	size_t len;
	size_t width;
	struct layout_unit *u;
	size_t n;
	size_t *at; /* at[x]: the unit holding byte x */
};

static void
plain_init(struct plain *p, const char *s, size_t len)
{
	size_t off = 0, col = 0, x;

	/* Kept from line to line: thousands of lines are checked. */
	static struct layout_unit *units;
	static size_t *at, cap;

	if (len + 1 > cap) {
		cap = (len + 1) * 2;
		units = xreallocarray(units, cap, sizeof *units);
		at = xreallocarray(at, cap, sizeof *at);
	}
	memset(p, 0, sizeof *p);
	p->s = s;
	p->len = len;
	p->u = units;
	p->at = at;
	while (layout_next(s, len, off, col, &p->u[p->n])) {
		for (x = off; x < off + p->u[p->n].len; x++)
			p->at[x] = p->n;
		off += p->u[p->n].len;
		col += p->u[p->n].width;
		p->n++;
	}
	p->width = col;
}

/* layout_col_of, layout_prev, layout_next_off, layout_off_at. */
static size_t
plain_col_of(const struct plain *p, size_t x)
{
	return x < p->len ? p->u[p->at[x]].col : p->width;
}

static size_t
plain_prev(const struct plain *p, size_t x)
{
	if (x > p->len)
		x = p->len;
	if (x == 0)
		return 0;
	return p->u[p->at[x - 1]].off;
}

static size_t
plain_next_off(const struct plain *p, size_t x)
{
	const struct layout_unit *u;

	if (x >= p->len)
		return p->len;
	u = &p->u[p->at[x]];
	return u->off + u->len;
}

static size_t
plain_off_at(const struct plain *p, size_t col)
{
	size_t lo = 0, hi = p->n, mid;

	if (col >= p->width)
		return p->len;
	/* The last unit starting at or before col. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (p->u[mid].col <= col)
			lo = mid;
		else
			hi = mid;
	}
	return p->u[lo].off;
}

/* Query line of m at random places (everywhere when all), comparing the
 * index with the plain walk of the model's bytes, and now and then with
 * layout.c's own functions. */
static void
check_line(struct model *m, size_t line, int all)
{
	struct plain p;
	size_t len, width, i, k, x;
	const char *s = model_line(m, line, &len);

	plain_init(&p, s, len);
	width = p.width;
	CHECK(colindex_width(m->ci, m->b, line), width, "width", 0);
	x = rnd((uint32_t)len + 3);
	CHECK(plain_col_of(&p, x), layout_col_of(s, len, x), "plain", x);
	CHECK(plain_prev(&p, x), layout_prev(s, len, x), "plain", x);
	CHECK(plain_next_off(&p, x), layout_next_off(s, len, x), "plain", x);
	x = rnd((uint32_t)width + 3);
	CHECK(plain_off_at(&p, x), layout_off_at(s, len, x), "plain", x);

	for (k = 0; k < (all ? len + 3 : 8); k++) {
		x = all ? k : rnd((uint32_t)len + 3);
		CHECK(colindex_col_of(m->ci, m->b, line, x),
		    plain_col_of(&p, x), "col_of", x);
		CHECK(colindex_prev(m->ci, m->b, line, x), plain_prev(&p, x),
		    "prev", x);
		CHECK(colindex_next_off(m->ci, m->b, line, x),
		    plain_next_off(&p, x), "next_off", x);
	}
	for (k = 0; k < (all ? width + 3 : 8); k++) {
		x = all ? k : rnd((uint32_t)width + 3);
		CHECK(colindex_off_at(m->ci, m->b, line, x),
		    plain_off_at(&p, x), "off_at", x);
	}
	for (i = 0; i < (all ? 4 : 1); i++)
		check_walk(
		    m, line, s, len, rnd((uint32_t)width + 2), all ? 0 : 200);
}

/*
 * The model check: a document of random text, thousands of random edits
 * (many cut sequences, tabs and marks in two), random queries after each
 * and every query on a line now and then (every rounds), everything
 * compared with layout.c's walk of the line from its start.
 */
static void
model_run(size_t min_line, size_t spacing, size_t size, unsigned nl,
    unsigned rounds, unsigned every, uint64_t s0)
{
	struct model m;
	char *text;
	size_t len, lines, r, maxlines = 0;

	seed = s0;
	model_init(&m, colindex_create(min_line, spacing));
	text = random_text(size, nl, &len);
	model_op(&m, 0, 0, text, len);
	free(text);

	for (r = 0; r < rounds; r++) {
		model_random_op(&m, nl);
		/* Keep the document about its size. */
		if (m.len > size * 2)
			model_op(
			    &m, rnd((uint32_t)(m.len / 2)), m.len / 2, "", 0);
		lines = buffer_lines(m.b);
		check_line(&m, rnd((uint32_t)lines), r % every == 0);
		/* The line just edited, often the one with the index. */
		check_line(
		    &m, buffer_line_of(m.b, rnd((uint32_t)m.len + 1)), 0);
		if (colindex_lines(m.ci) > maxlines)
			maxlines = colindex_lines(m.ci);
	}
	/* The index was used, not only the plain walk. */
	if (min_line <= size / 4)
		assert_true(maxlines > 0);
	model_free(&m);
}

/* A checkpoint at every unit: every stretch summary is composed. */
static void
test_model_every_unit(void **state)
{
	model_run(1, 1, 300, 40, 3000, 50, 1);
}

/* Small stretches and lines: checkpoints near every edit. */
static void
test_model_small(void **state)
{
	model_run(1, 5, 600, 60, 4000, 100, 2);
	model_run(16, 17, 1500, 200, 3000, 200, 3);
}

/* Long lines, few newlines, stretches as long as edits. */
static void
test_model_long(void **state)
{
	model_run(64, 64, 2500, 0, 1500, 500, 4);
	model_run(200, 256, 3000, 800, 1500, 500, 5);
}

/* With no index at all the same functions walk the line. */
static void
test_model_plain(void **state)
{
	struct model m;
	char *text;
	size_t len, r;

	seed = 6;
	model_init(&m, NULL);
	text = random_text(800, 50, &len);
	model_op(&m, 0, 0, text, len);
	free(text);
	for (r = 0; r < 500; r++) {
		model_random_op(&m, 50);
		if (m.len > 1600)
			model_op(&m, 0, m.len / 2, "", 0);
		check_line(&m, rnd((uint32_t)buffer_lines(m.b)), r % 50 == 0);
	}
	model_free(&m);
}

/* Text changed without telling the index: it notices and starts over. */
static void
test_untold(void **state)
{
	struct model m;
	char *text;
	size_t len, line = 0, r;

	seed = 7;
	model_init(&m, colindex_create(1, 8));
	text = random_text(500, 0, &len);
	model_op(&m, 0, 0, text, len);
	free(text);
	for (r = 0; r < 200; r++) {
		check_line(&m, 0, 0);
		assert_int_equal(colindex_lines(m.ci), 1);
		/* Behind the index's back: the buffer alone, then the model. */
		len = rnd((uint32_t)m.len);
		if (m.len + 3 > m.cap) {
			m.cap = (m.len + 3) * 2;
			m.text = xrealloc(m.text, m.cap);
		}
		if (r % 2 == 0) {
			buffer_insert(m.b, len, "\t\xe6\xbc\xa2", 4);
			buffer_delete(m.b, len, 1);
			memmove(m.text + len + 3, m.text + len, m.len - len);
			memcpy(m.text + len, "\xe6\xbc\xa2", 3);
			m.len += 3;
		} else {
			/* The same length: only the stamp tells. */
			buffer_delete(m.b, len, 1);
			buffer_insert(m.b, len, "\t", 1);
			m.text[len] = '\t';
		}
		/* An op told before anyone looks must not hide it. */
		if (r % 3 == 0)
			model_op(&m, rnd((uint32_t)m.len), 0, "\xcc\x81", 2);
		check_line(&m, line, r % 20 == 0);
	}
	model_free(&m);
}

/* Bytes the index read for one op. */
static size_t
op_reads(struct model *m, size_t pos, size_t del_len, const char *ins)
{
	size_t before = colindex_read(m->ci);

	model_op(m, pos, del_len, ins, strlen(ins));
	return colindex_read(m->ci) - before;
}

/*
 * Newlines typed into a 200 KB indexed line and removed again: the lines
 * on either side keep their checkpoints, only the text around the op is
 * walked (a few windows, not the line), and every answer stays right.
 */
static void
test_newline(void **state)
{
	struct model m;
	char *text;
	size_t len, line, nl;
	const size_t budget = 3 * COLINDEX_WINDOW;

	seed = 8;
	model_init(&m, colindex_create(COLINDEX_MIN_LINE, COLINDEX_SPACING));
	text = random_text(200000, 0, &len);
	model_op(&m, 0, 0, text, len);
	free(text);
	check_line(&m, 0, 0);
	assert_int_equal(colindex_lines(m.ci), 1);

	/* Split in two. */
	assert_true(op_reads(&m, 100000, 0, "\n") <= budget);
	assert_int_equal(colindex_lines(m.ci), 2);
	check_line(&m, 0, 0);
	check_line(&m, 1, 0);

	/* Joined again. */
	nl = buffer_line_end(m.b, 0);
	assert_true(op_reads(&m, nl, 1, "") <= budget);
	assert_int_equal(colindex_lines(m.ci), 1);
	check_line(&m, 0, 0);

	/* Lines pasted in the middle: the short one between is not kept. */
	assert_true(op_reads(&m, 50001, 0, "ab\tc\nd\ne\xcc\x81") <= budget);
	assert_int_equal(colindex_lines(m.ci), 2);
	for (line = 0; line < 3; line++)
		check_line(&m, line, 0);

	/* A cut from inside the first line to inside the third. */
	nl = buffer_line_end(m.b, 1);
	assert_true(op_reads(&m, 40000, nl + 3 - 40000, "\t") <= budget);
	assert_int_equal(colindex_lines(m.ci), 1);
	assert_int_equal(buffer_lines(m.b), 1);
	check_line(&m, 0, 0);

	/* A newline at the very start, at the very end, then both gone. */
	assert_true(op_reads(&m, 0, 0, "\n") <= budget);
	assert_true(op_reads(&m, m.len, 0, "\n") <= budget);
	for (line = 0; line < 3; line++)
		check_line(&m, line, 0);
	assert_int_equal(colindex_lines(m.ci), 1);
	assert_true(op_reads(&m, m.len - 1, 1, "") <= budget);
	assert_true(op_reads(&m, 0, 1, "") <= budget);
	check_line(&m, 0, 0);

	/* Joined to a long line nobody looked at: laid out when someone
	 * does, not now. */
	text = random_text(100000, 0, &len);
	model_op(&m, 0, 0, "\n", 1);
	model_op(&m, 0, 0, text, len);
	free(text);
	assert_int_equal(colindex_lines(m.ci), 1);
	assert_true(op_reads(&m, buffer_line_end(m.b, 0), 1, "") <= budget);
	assert_int_equal(colindex_lines(m.ci), 0);
	check_line(&m, 0, 0);

	/* An op before a line moves it without walking it. */
	model_op(&m, 0, 0, "top\n\n", 5);
	check_line(&m, 2, 0);
	line = colindex_read(m.ci);
	model_op(&m, 1, 2, "\n\n\n", 3);
	model_op(&m, 0, 4, "", 0);
	assert_int_equal(colindex_read(m.ci), line);
	check_line(&m, buffer_lines(m.b) - 1, 0);
	model_free(&m);
}

/* At most COLINDEX_MAX_LINES lines keep checkpoints. */
static void
test_lru(void **state)
{
	struct model m;
	char *text;
	size_t len, i;

	seed = 9;
	model_init(&m, colindex_create(20, 8));
	for (i = 0; i < COLINDEX_MAX_LINES * 2; i++) {
		text = random_text(40, 0, &len);
		model_op(&m, m.len, 0, text, len);
		model_op(&m, m.len, 0, "\n", 1);
		free(text);
	}
	for (i = 0; i < COLINDEX_MAX_LINES * 2; i++) {
		check_line(&m, i, 0);
		assert_true(colindex_lines(m.ci) <= COLINDEX_MAX_LINES);
	}
	assert_int_equal(colindex_lines(m.ci), COLINDEX_MAX_LINES);
	model_free(&m);
}

/*
 * What a query costs does not depend on the line's length: on a 2 MB line
 * (the default sizes), after the one walk that builds the checkpoints,
 * queries near the end and edits anywhere read a few windows each.
 */
static void
test_bounded(void **state)
{
	struct model m;
	struct colindex_walk w;
	struct layout_unit u;
	char *text;
	size_t len, before, width, i, k;
	const size_t size = 2 * 1024 * 1024;
	const size_t budget = 3 * COLINDEX_WINDOW;

	seed = 10;
	model_init(&m, colindex_create(COLINDEX_MIN_LINE, COLINDEX_SPACING));
	text = random_text(size, 0, &len);
	model_op(&m, 0, 0, text, len);
	free(text);

	width = colindex_width(m.ci, m.b, 0);
	assert_int_equal(width, layout_width(m.text, m.len));
	for (i = 0; i < 200; i++) {
		/* Someone types at the start, someone at the end. */
		before = colindex_read(m.ci);
		model_op(
		    &m, i % 2 == 0 ? rnd(100) : m.len - rnd(100), 0, "x\t", 2);
		assert_true(colindex_read(m.ci) - before <= budget);

		/* Screens and cursors near the end. */
		width = colindex_width(m.ci, m.b, 0);
		before = colindex_read(m.ci);
		colindex_col_of(m.ci, m.b, 0, m.len - rnd(500));
		colindex_off_at(m.ci, m.b, 0, width - rnd(500));
		colindex_prev(m.ci, m.b, 0, m.len - rnd(500));
		colindex_next_off(m.ci, m.b, 0, m.len - rnd(500));
		colindex_walk(m.ci, m.b, 0, width - 80 - rnd(500), &w);
		for (k = 0; k < 80 && colindex_walk_next(&w, &u); k++)
			/* nothing */;
		assert_true(colindex_read(m.ci) - before <= 5 * budget);
	}
	/* And the answers are right. */
	for (i = 0; i < 3; i++) {
		k = m.len - rnd(3000);
		assert_int_equal(colindex_col_of(m.ci, m.b, 0, k),
		    layout_col_of(m.text, m.len, k));
	}
	model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_model_every_unit),
	    cmocka_unit_test(test_model_small),
	    cmocka_unit_test(test_model_long),
	    cmocka_unit_test(test_model_plain),
	    cmocka_unit_test(test_untold),
	    cmocka_unit_test(test_newline),
	    cmocka_unit_test(test_lru),
	    cmocka_unit_test(test_bounded),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	if (getenv("TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
