/* test-marks-unit.c: unit tests of the margin marks (marks.c) moved by
 * edits, and of the answers of forked computations (answer.c). */
#include "moot.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "answer.h"
#include "bytes.h"
#include "marks.h"

/* A text and its marks, edited as doc_apply edits a document. */
struct text {
	char *s;
	size_t len;
	struct marks m;
};

static void
text_init(struct text *t, const char *s)
{
	t->s = xstrdup(s);
	t->len = strlen(s);
	marks_init(&t->m);
}

static void
text_free(struct text *t)
{
	free(t->s);
	marks_free(&t->m);
}

static size_t
text_lines(const struct text *t)
{
	size_t i, n = 1;

	for (i = 0; i < t->len; i++)
		n += t->s[i] == '\n';
	return n;
}

/* The offset of the start of line (0-based). */
static size_t
text_line_start(const struct text *t, size_t line)
{
	size_t i;

	for (i = 0; i < t->len && line > 0; i++) {
		if (t->s[i] == '\n')
			line--;
	}
	assert_int_equal(line, 0);
	return i;
}

static size_t
text_line_end(const struct text *t, size_t line)
{
	size_t i = text_line_start(t, line);

	while (i < t->len && t->s[i] != '\n')
		i++;
	return i;
}

/* Replace del_len bytes at pos by ins, and follow it with the marks the
 * way doc.c does (the line of pos, at the start of it, ins followed by a
 * line's end). */
static void
text_edit(struct text *t, size_t pos, size_t del_len, const char *ins)
{
	struct marks_change chg;
	size_t ins_len = strlen(ins), line = 0, i, end;
	char *del = xstrndup(t->s + pos, del_len), *s;
	int at_start, at_end;

	assert_true(pos + del_len <= t->len);
	s = xmalloc(t->len - del_len + ins_len + 1);
	memcpy(s, t->s, pos);
	memcpy(s + pos, ins, ins_len);
	memcpy(s + pos + ins_len, t->s + pos + del_len, t->len - pos - del_len);
	t->len = t->len - del_len + ins_len;
	s[t->len] = '\0';
	free(t->s);
	t->s = s;

	for (i = 0; i < pos; i++)
		line += t->s[i] == '\n';
	at_start = pos == 0 || t->s[pos - 1] == '\n';
	end = pos + ins_len;
	at_end = end == t->len || t->s[end] == '\n';
	marks_change(&chg, line, at_start, at_end, del, del_len, ins, ins_len);
	marks_apply(&t->m, &chg);
	free(del);
}

/* The margin of the whole text: '.' no mark, 'd' decided, 'e' changed. */
static char *
margin(const struct marks *m, size_t nlines)
{
	enum marks_kind *k = xcalloc(nlines + 1, sizeof *k);
	char *s = xcalloc(nlines + 1, 1);
	size_t i;

	marks_rows(m, 0, nlines, k);
	for (i = 0; i < nlines; i++)
		s[i] = ".de"[k[i]];
	free(k);
	return s;
}

static void
assert_margin(struct text *t, const char *want)
{
	char *got = margin(&t->m, text_lines(t));

	if (strcmp(got, want) != 0)
		fail_msg("margin \"%s\", want \"%s\" (text \"%s\")", got, want,
		    t->s);
	free(got);
}

/* Eight lines "l1".."l8" and a final empty line; ADR 7 on lines 3-5. */
static void
eight(struct text *t)
{
	text_init(t, "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\n");
	marks_add(&t->m, 2, 4, 7, 0);
}

/* Lines typed above the decided ones move them down, unchanged. */
static void
test_lines_above(void **state)
{
	struct text t;

	eight(&t);
	assert_margin(&t, "..ddd....");
	text_edit(&t, 0, 0, "new\nnew\n");
	assert_margin(&t, "....ddd....");
	/* And gone again: back up. */
	text_edit(&t, 0, 8, "");
	assert_margin(&t, "..ddd....");
	/* Enter at the start of the first decided line: a line above. */
	text_edit(&t, text_line_start(&t, 2), 0, "\n");
	assert_margin(&t, "...ddd....");
	text_free(&t);
}

/* Lines added just after the last decided line stay out of it. */
static void
test_lines_below(void **state)
{
	struct text t;

	eight(&t);
	text_edit(&t, text_line_end(&t, 4), 0, "\n");
	assert_margin(&t, "..ddd.....");
	text_edit(&t, text_line_end(&t, 4), 0, "\nx\ny");
	assert_margin(&t, "..ddd.......");
	text_free(&t);
}

/* A line added between decided lines joins them, changed; so do lines
 * added at the end of a decided line that is not the last. */
static void
test_lines_inside(void **state)
{
	struct text t;

	eight(&t);
	text_edit(&t, text_line_start(&t, 3), 0, "x\n");
	assert_margin(&t, "..dedd....");
	text_edit(&t, text_line_end(&t, 4), 0, "\n");
	assert_margin(&t, "..deded....");
	text_free(&t);
}

/* Typing in a decided line marks that line changed, only it. */
static void
test_typing(void **state)
{
	struct text t;

	eight(&t);
	text_edit(&t, text_line_start(&t, 3) + 1, 0, "x");
	assert_margin(&t, "..ded....");
	/* Outside: nothing. */
	text_edit(&t, text_line_start(&t, 6) + 1, 0, "x");
	assert_margin(&t, "..ded....");
	/* Enter in the middle of the last decided line: both halves are
	 * changed lines of it. */
	text_edit(&t, text_line_start(&t, 4) + 1, 0, "\n");
	assert_margin(&t, "..deee....");
	text_free(&t);
}

/* Deleting decided lines shrinks the span; deleting them all ends it. */
static void
test_delete_lines(void **state)
{
	struct text t;

	eight(&t);
	text_edit(&t, text_line_start(&t, 3), 3, "");
	assert_margin(&t, "..dd....");
	/* Joining two decided lines: one changed line. */
	text_edit(&t, text_line_end(&t, 2), 1, "");
	assert_margin(&t, "..e....");
	text_edit(&t, text_line_start(&t, 2), 5, "");
	assert_margin(&t, "......");
	assert_int_equal(t.m.n, 0);
	text_free(&t);
}

/* A deletion across the first decided line: the line left is changed,
 * the decided lines after it move up. */
static void
test_delete_across(void **state)
{
	struct text t;

	eight(&t);
	text_edit(&t, text_line_start(&t, 1) + 1, 3, "");
	assert_margin(&t, ".edd....");
	text_free(&t);
}

/* A paste of whole lines over decided lines replaces them: changed. */
static void
test_replace_lines(void **state)
{
	struct text t;

	eight(&t);
	text_edit(&t, text_line_start(&t, 3), 6, "a\nb\nc\n");
	assert_margin(&t, "..deee....");
	text_free(&t);
}

/* marks_set_edited splits spans; neighbouring equal pieces merge back. */
static void
test_set_edited(void **state)
{
	struct marks m;
	char *s;

	marks_init(&m);
	marks_add(&m, 2, 6, 1, 0);
	marks_set_edited(&m, 4, 4);
	s = margin(&m, 9);
	assert_string_equal(s, "..ddedd..");
	free(s);
	assert_int_equal(m.n, 3);
	marks_set_edited(&m, 3, 5);
	s = margin(&m, 9);
	assert_string_equal(s, "..deeed..");
	free(s);
	assert_int_equal(m.n, 3);
	marks_set_edited(&m, 0, 8);
	assert_int_equal(m.n, 1);
	marks_free(&m);
}

/* Two decisions on overlapping lines: both are named, once each. */
static void
test_numbers(void **state)
{
	struct marks m;
	unsigned v[8];

	marks_init(&m);
	marks_add(&m, 2, 6, 9, 0);
	marks_add(&m, 4, 8, 3, 0);
	marks_add(&m, 10, 11, 9, 0);
	assert_int_equal(marks_numbers(&m, 1, v, 8), 0);
	assert_int_equal(marks_numbers(&m, 3, v, 8), 1);
	assert_int_equal(v[0], 9);
	assert_int_equal(marks_numbers(&m, 5, v, 8), 2);
	assert_int_equal(v[0], 3);
	assert_int_equal(v[1], 9);
	assert_int_equal(marks_numbers(&m, 5, v, 1), 1);
	marks_free(&m);
}

/* Lines gone from the text take their marks with them. */
static void
test_clip(void **state)
{
	struct marks m;

	marks_init(&m);
	marks_add(&m, 2, 6, 1, 0);
	marks_add(&m, 8, 9, 2, 0);
	marks_add(&m, 5, 3, 2, 0); /* backwards: ignored */
	assert_int_equal(m.n, 2);
	marks_clip(&m, 5);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.v[0].last, 4);
	marks_free(&m);
}

/*
 * A computation made on the text as it was when asked is brought up to
 * date by replaying the changes logged since: it lands where the marks
 * that followed the edits are.
 */
static void
test_log_replay(void **state)
{
	struct text t;
	struct marks fresh;
	char *a, *b;

	eight(&t);
	marks_log_start(&t.m);
	text_edit(&t, 0, 0, "a\nb\n");
	text_edit(&t, text_line_start(&t, 5) + 1, 0, "x");
	text_edit(&t, text_line_start(&t, 5), 0, "y\n");
	text_edit(&t, text_line_start(&t, 1), 2, "");

	marks_init(&fresh);
	marks_add(&fresh, 2, 4, 7, 0); /* what the child saw */
	assert_int_equal(marks_log_replay(&fresh, &t.m), 0);
	a = margin(&fresh, text_lines(&t));
	b = margin(&t.m, text_lines(&t));
	assert_string_equal(a, b);
	assert_string_equal(a, "...deed....");
	free(a);
	free(b);
	marks_log_stop(&t.m);
	assert_int_equal(t.m.nlog, 0);
	marks_free(&fresh);
	text_free(&t);
}

/* Past MARKS_LOG_MAX changes the log is useless: the caller asks again. */
static void
test_log_overflow(void **state)
{
	struct marks m, fresh;
	struct marks_change c = {0, 0, 1};
	size_t i;

	marks_init(&m);
	marks_init(&fresh);
	marks_log_start(&m);
	for (i = 0; i <= MARKS_LOG_MAX; i++)
		marks_apply(&m, &c);
	assert_true(m.overflow);
	assert_int_equal(marks_log_replay(&fresh, &m), -1);
	marks_free(&m);
	marks_free(&fresh);
}

/* At MARKS_MAX spans an edit inside one does not split it. */
static void
test_limit(void **state)
{
	struct marks m;
	struct marks_change c = {5, 1, 1};
	size_t i;

	marks_init(&m);
	for (i = 0; i < MARKS_MAX + 10; i++)
		marks_add(&m, 4 * i, 4 * i + 2, 1, 0);
	assert_int_equal(m.n, MARKS_MAX);
	marks_apply(&m, &c);
	assert_int_equal(m.n, MARKS_MAX);
	marks_set_edited(&m, 9, 9);
	assert_true(m.n <= MARKS_MAX);
	marks_free(&m);
}

/* ---------------------------------------------------------------------
 * Random edits against a model: each line knows which of two decisions
 * cover it, and which of those saw it changed.
 */

static uint64_t seed = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return n > 0 ? (uint32_t)(seed % n) : 0;
}

struct mline {
	unsigned cov; /* bit d - 1: decision d covers the line */
	unsigned ed;  /* bit d - 1: and it is changed for d */
};

struct model {
	struct mline *v; /* the text's lines, the final empty one too */
	size_t n;
};

static void
model_insert(struct model *md, size_t at, size_t k, const struct mline *l)
{
	size_t i;

	md->v = xreallocarray(md->v, md->n + k, sizeof *md->v);
	memmove(md->v + at + k, md->v + at, (md->n - at) * sizeof *md->v);
	for (i = 0; i < k; i++)
		md->v[at + i] = *l;
	md->n += k;
}

static void
model_delete(struct model *md, size_t at, size_t k)
{
	memmove(md->v + at, md->v + at + k, (md->n - at - k) * sizeof *md->v);
	md->n -= k;
}

/* New lines between lines a and b join what covers both. */
static struct mline
model_between(const struct model *md, size_t a, size_t b)
{
	struct mline l;

	l.cov = md->v[a].cov & md->v[b].cov;
	l.ed = l.cov;
	return l;
}

static char *
model_margin(const struct model *md)
{
	char *s = xcalloc(md->n + 1, 1);
	size_t i;

	for (i = 0; i < md->n; i++)
		s[i] = md->v[i].cov == 0                   ? '.'
		       : (md->v[i].ed & md->v[i].cov) != 0 ? 'e'
		                                           : 'd';
	return s;
}

/* Lines of text are never empty ("ab" and the like), so every kind of
 * edit below is told apart the same way by marks_change. */
static void
random_round(void)
{
	struct text t;
	struct model md;
	struct mline l, none = {0, 0};
	size_t nreal = 30, i, p, k, pos, from, to, nsaved;
	struct mark *saved;
	unsigned d, op, step;
	char *a, *b, *ins;

	text_init(&t, "");
	md.v = NULL;
	md.n = 0;
	free(t.s);
	t.s = xstrdup("");
	for (i = 0; i < nreal; i++) {
		a = t.s;
		xasprintf(&t.s, "%sab\n", a);
		free(a);
	}
	t.len = strlen(t.s);
	model_insert(&md, 0, nreal + 1, &none);
	for (d = 1; d <= 2; d++) {
		for (k = 0; k < 3; k++) {
			from = rnd(10) + 10 * k;
			to = from + rnd(8);
			if (to >= 10 * (k + 1))
				to = 10 * (k + 1) - 1;
			marks_add(&t.m, from, to, d, 0);
			for (i = from; i <= to; i++)
				md.v[i].cov |= 1u << (d - 1);
		}
	}

	for (step = 0; step < 300; step++) {
		nreal = md.n - 1;
		if (nreal < 3) {
			text_edit(&t, 0, 0, "ab\nab\nab\n");
			model_insert(&md, 0, 3, &none);
			continue;
		}
		p = rnd(nreal);
		op = rnd(8);
		saved = xreallocarray(NULL, t.m.n + 1, sizeof *saved);
		memcpy(saved, t.m.v, t.m.n * sizeof *saved);
		nsaved = t.m.n;
		switch (op) {
		case 0: /* whole lines typed before line p */
			k = 1 + rnd(3);
			ins = xstrdup("");
			for (i = 0; i < k; i++) {
				a = ins;
				xasprintf(&ins, "%sxy\n", a);
				free(a);
			}
			text_edit(&t, text_line_start(&t, p), 0, ins);
			free(ins);
			l = p > 0 ? model_between(&md, p - 1, p) : none;
			model_insert(&md, p, k, &l);
			break;
		case 1: /* a line after line p, typed at its end */
			text_edit(&t, text_line_end(&t, p), 0, "\nxy");
			l = model_between(&md, p, p + 1);
			model_insert(&md, p + 1, 1, &l);
			break;
		case 2: /* whole lines p .. p + k - 1 deleted */
			k = 1 + rnd(3);
			if (p + k > nreal)
				k = nreal - p;
			pos = text_line_start(&t, p);
			text_edit(
			    &t, pos, text_line_start(&t, p + k) - pos, "");
			model_delete(&md, p, k);
			break;
		case 3: /* typing inside line p */
			text_edit(&t, text_line_start(&t, p) + 1, 0, "z");
			md.v[p].ed |= md.v[p].cov;
			break;
		case 4: /* Enter inside line p: both halves changed */
			if (text_line_end(&t, p) - text_line_start(&t, p) < 2)
				break;
			text_edit(&t, text_line_start(&t, p) + 1, 0, "\n");
			md.v[p].ed |= md.v[p].cov;
			l = md.v[p];
			model_insert(&md, p + 1, 1, &l);
			break;
		case 5: /* lines p and p + 1 joined */
			if (p + 1 >= nreal)
				break;
			text_edit(&t, text_line_end(&t, p), 1, "");
			l.cov = md.v[p].cov | md.v[p + 1].cov;
			l.ed = l.cov;
			md.v[p] = l;
			model_delete(&md, p + 1, 1);
			break;
		case 6: /* a line after line p deleted from p's end */
			if (p + 1 >= nreal)
				break;
			pos = text_line_end(&t, p);
			text_edit(&t, pos, text_line_end(&t, p + 1) - pos, "");
			model_delete(&md, p + 1, 1);
			break;
		default: /* lines marked changed since HEAD */
			k = rnd(3);
			marks_set_edited(&t.m, p, p + k);
			for (i = p; i <= p + k && i < md.n; i++)
				md.v[i].ed |= md.v[i].cov;
			break;
		}
		assert_int_equal(text_lines(&t), md.n);
		a = margin(&t.m, md.n);
		b = model_margin(&md);
		if (strcmp(a, b) != 0) {
			for (i = 0; i < nsaved; i++)
				print_message("before %u %zu-%zu %u\n",
				    saved[i].number, saved[i].first,
				    saved[i].last, saved[i].flags);
			for (i = 0; i < t.m.n; i++)
				print_message("span %u %zu-%zu %u\n",
				    t.m.v[i].number, t.m.v[i].first,
				    t.m.v[i].last, t.m.v[i].flags);
			for (i = 0; i < md.n; i++)
				print_message("line %zu cov %u ed %u\n", i,
				    md.v[i].cov, md.v[i].ed);
			fail_msg("step %u (op %u at %zu): margin \"%s\", model "
			         "\"%s\"",
			    step, op, p, a, b);
		}
		free(a);
		free(b);
		free(saved);
	}
	free(md.v);
	text_free(&t);
}

static void
test_random(void **state)
{
	int round;

	for (round = 0; round < 200; round++)
		random_round();
}

/* ---------------------------------------------------------------------
 * answer.c
 */

static void
test_answer_round_trip(void **state)
{
	struct answer_reader r;
	struct answer_rec rec;
	struct bytes b;
	uint64_t u;
	char *s;

	bytes_init(&b);
	answer_adds(&b, "span");
	answer_addu(&b, 7);
	answer_add(&b, "a\0b,\n9:", 7);
	answer_adds(&b, NULL);
	answer_end(&b);
	answer_adds(&b, "end");
	answer_end(&b);
	assert_int_equal(bytes_len(&b), 32);
	assert_memory_equal(
	    bytes_ptr(&b), "4:span,1:7,7:a\0b,\n9:,0:,\n3:end,\n", 32);

	answer_reader_init(&r, bytes_ptr(&b), bytes_len(&b));
	assert_int_equal(answer_next(&r, &rec), 1);
	assert_int_equal(rec.n, 4);
	assert_true(answer_is(&rec, 0, "span"));
	assert_false(answer_is(&rec, 0, "spa"));
	assert_false(answer_is(&rec, 9, "span"));
	assert_int_equal(answer_u64(&rec, 1, 100, &u), 0);
	assert_int_equal(u, 7);
	assert_int_equal(answer_u64(&rec, 1, 6, &u), -1);
	assert_int_equal(answer_u64(&rec, 2, 100, &u), -1);
	assert_int_equal(answer_u64(&rec, 3, 100, &u), -1); /* empty */
	assert_int_equal(rec.len[2], 7);
	s = answer_dup(&rec, 2); /* cut at the NUL */
	assert_string_equal(s, "a");
	free(s);
	s = answer_dup(&rec, 12);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(answer_next(&r, &rec), 1);
	assert_true(answer_is(&rec, 0, "end"));
	assert_int_equal(answer_next(&r, &rec), 0);
	bytes_free(&b);
}

/* Damaged answers are refused, never read past their end. */
static void
test_answer_damaged(void **state)
{
	static const char *bad[] = {
	    "4:span,",         /* no end of record */
	    "5:span,\n",       /* a length past the field */
	    "4:span;\n",       /* no comma */
	    "04:span,\n",      /* a leading zero */
	    "1234567890:x,\n", /* too many digits */
	    ":,\n",            /* no length */
	    "\n",              /* an empty record */
	    "4:span",          /* cut short */
	    "99999999:x,\n",   /* a length past the end */
	    "1:a,1:b,1:c,1:d,1:e,1:f,1:g,1:h,1:i,1:j,1:k,1:l,1:m,1:n,1:o,"
	    "1:p,1:q,\n", /* too many fields */
	};
	struct answer_reader r;
	struct answer_rec rec;
	size_t i, len;
	char *copy;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		/* An exact copy, so a read past the end is seen (ASan). */
		len = strlen(bad[i]);
		copy = xmalloc(len);
		memcpy(copy, bad[i], len);
		answer_reader_init(&r, copy, len);
		if (answer_next(&r, &rec) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		free(copy);
	}
	answer_reader_init(&r, "0:,\n", 4);
	assert_int_equal(answer_next(&r, &rec), 1);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.len[0], 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lines_above),
	    cmocka_unit_test(test_lines_below),
	    cmocka_unit_test(test_lines_inside),
	    cmocka_unit_test(test_typing),
	    cmocka_unit_test(test_delete_lines),
	    cmocka_unit_test(test_delete_across),
	    cmocka_unit_test(test_replace_lines),
	    cmocka_unit_test(test_set_edited),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_clip),
	    cmocka_unit_test(test_log_replay),
	    cmocka_unit_test(test_log_overflow),
	    cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_answer_round_trip),
	    cmocka_unit_test(test_answer_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
