/* test-layout.c: unit tests for line layout (layout.c).
 * Each kind of unit, its columns, and cursor stepping over it. */
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

#include "inert.h"
#include "layout.h"

#define MAX_UNITS 64

/* All the units of a line (a string literal, so sizeof gives its length). */
static size_t
units(const char *line, size_t len, struct layout_unit *u)
{
	size_t n = 0, off = 0, col = 0;

	while (n < MAX_UNITS && layout_next(line, len, off, col, &u[n])) {
		off += u[n].len;
		col += u[n].width;
		n++;
	}
	return n;
}

/* Check one unit completely. */
static void
check_unit(const struct layout_unit *u, enum layout_kind kind, size_t off,
    size_t len, size_t col, unsigned width, uint32_t cp, uint32_t comb,
    const char *glyph)
{
	assert_int_equal(u->kind, kind);
	assert_int_equal(u->off, off);
	assert_int_equal(u->len, len);
	assert_int_equal(u->col, col);
	assert_int_equal(u->width, width);
	assert_int_equal(u->cp, cp);
	assert_int_equal(u->comb, comb);
	assert_string_equal(u->glyph, glyph);
}

/* The one unit of a line holding a single unit. */
static void
one_unit(const char *line, size_t len, struct layout_unit *u)
{
	struct layout_unit all[MAX_UNITS];

	assert_int_equal(units(line, len, all), 1);
	*u = all[0];
}

#define LINE(s) (s), (sizeof(s) - 1)

static void
test_empty(void **state)
{
	struct layout_unit u;

	assert_int_equal(layout_next(LINE(""), 0, 0, &u), 0);
	assert_int_equal(layout_width(LINE("")), 0);
	assert_int_equal(layout_col_of(LINE(""), 0), 0);
	assert_int_equal(layout_off_at(LINE(""), 0), 0);
	assert_int_equal(layout_off_at(LINE(""), 5), 0);
	assert_int_equal(layout_prev(LINE(""), 0), 0);
	assert_int_equal(layout_next_off(LINE(""), 0), 0);
	/* Past the end of a line is the end. */
	assert_int_equal(layout_next(LINE("ab"), 2, 0, &u), 0);
}

static void
test_ascii(void **state)
{
	struct layout_unit u[MAX_UNITS];

	assert_int_equal(units(LINE("abc"), u), 3);
	check_unit(&u[0], LAYOUT_CHAR, 0, 1, 0, 1, 'a', 0, "");
	check_unit(&u[1], LAYOUT_CHAR, 1, 1, 1, 1, 'b', 0, "");
	check_unit(&u[2], LAYOUT_CHAR, 2, 1, 2, 1, 'c', 0, "");
	assert_int_equal(layout_width(LINE("abc")), 3);
	assert_int_equal(layout_col_of(LINE("abc"), 0), 0);
	assert_int_equal(layout_col_of(LINE("abc"), 2), 2);
	assert_int_equal(layout_col_of(LINE("abc"), 3), 3);
	assert_int_equal(layout_off_at(LINE("abc"), 1), 1);
	assert_int_equal(layout_off_at(LINE("abc"), 3), 3);
	assert_int_equal(layout_off_at(LINE("abc"), 100), 3);
	assert_int_equal(layout_prev(LINE("abc"), 2), 1);
	assert_int_equal(layout_next_off(LINE("abc"), 2), 3);

	/* A space and '~' are printable, width 1. */
	assert_int_equal(units(LINE(" ~"), u), 2);
	check_unit(&u[0], LAYOUT_CHAR, 0, 1, 0, 1, ' ', 0, "");
	check_unit(&u[1], LAYOUT_CHAR, 1, 1, 1, 1, '~', 0, "");
}

static void
test_tabs(void **state)
{
	struct layout_unit u[MAX_UNITS];

	/* At column 0 a tab is a whole tab stop. */
	assert_int_equal(units(LINE("\tx"), u), 2);
	check_unit(&u[0], LAYOUT_TAB, 0, 1, 0, 8, '\t', 0, "");
	check_unit(&u[1], LAYOUT_CHAR, 1, 1, 8, 1, 'x', 0, "");

	/* After one column, up to column 8. */
	assert_int_equal(units(LINE("a\tx"), u), 3);
	check_unit(&u[1], LAYOUT_TAB, 1, 1, 1, 7, '\t', 0, "");
	assert_int_equal(u[2].col, 8);

	/* One column before a stop: width 1; exactly at a stop: width 8. */
	assert_int_equal(units(LINE("1234567\t"), u), 8);
	check_unit(&u[7], LAYOUT_TAB, 7, 1, 7, 1, '\t', 0, "");
	assert_int_equal(units(LINE("12345678\t"), u), 9);
	check_unit(&u[8], LAYOUT_TAB, 8, 1, 8, 8, '\t', 0, "");
	assert_int_equal(layout_width(LINE("12345678\t")), 16);

	/* Two tabs, and a tab after a wide character. */
	assert_int_equal(layout_width(LINE("\t\t")), 16);
	assert_int_equal(units(LINE("\xe6\xbc\xa2\t"), u), 2);
	check_unit(&u[1], LAYOUT_TAB, 3, 1, 2, 6, '\t', 0, "");

	/* layout_next honours the column it is given. */
	assert_int_equal(layout_next(LINE("\t"), 0, 5, &u[0]), 1);
	assert_int_equal(u[0].width, 3);
	assert_int_equal(layout_next(LINE("\t"), 0, 13, &u[0]), 1);
	assert_int_equal(u[0].width, 3);

	/* Columns inside a tab give the tab. */
	assert_int_equal(layout_off_at(LINE("a\tb"), 4), 1);
	assert_int_equal(layout_off_at(LINE("a\tb"), 7), 1);
	assert_int_equal(layout_off_at(LINE("a\tb"), 8), 2);
	assert_int_equal(layout_col_of(LINE("a\tb"), 2), 8);
}

static void
test_wide(void **state)
{
	struct layout_unit u[MAX_UNITS];
	static const char s[] = "\xe6\xbc\xa2\xe5\xad\x97"; /* 漢字 */

	assert_int_equal(units(LINE(s), u), 2);
	check_unit(&u[0], LAYOUT_CHAR, 0, 3, 0, 2, 0x6f22, 0, "");
	check_unit(&u[1], LAYOUT_CHAR, 3, 3, 2, 2, 0x5b57, 0, "");
	assert_int_equal(layout_width(LINE(s)), 4);

	/* Columns inside a wide character give its start. */
	assert_int_equal(layout_off_at(LINE(s), 0), 0);
	assert_int_equal(layout_off_at(LINE(s), 1), 0);
	assert_int_equal(layout_off_at(LINE(s), 2), 3);
	assert_int_equal(layout_off_at(LINE(s), 3), 3);
	assert_int_equal(layout_off_at(LINE(s), 4), 6);

	/* Offsets inside it give its column. */
	assert_int_equal(layout_col_of(LINE(s), 1), 0);
	assert_int_equal(layout_col_of(LINE(s), 2), 0);
	assert_int_equal(layout_col_of(LINE(s), 3), 2);
	assert_int_equal(layout_col_of(LINE(s), 5), 2);
	assert_int_equal(layout_col_of(LINE(s), 6), 4);

	/* Stepping goes over the whole character. */
	assert_int_equal(layout_next_off(LINE(s), 0), 3);
	assert_int_equal(layout_next_off(LINE(s), 3), 6);
	assert_int_equal(layout_next_off(LINE(s), 1), 3);
	assert_int_equal(layout_prev(LINE(s), 6), 3);
	assert_int_equal(layout_prev(LINE(s), 3), 0);
	assert_int_equal(layout_prev(LINE(s), 4), 3);
}

static void
test_emoji(void **state)
{
	struct layout_unit u[MAX_UNITS];
	static const char s[] = "a\xf0\x9f\x98\x80z"; /* U+1F600 */

	assert_int_equal(units(LINE(s), u), 3);
	check_unit(&u[1], LAYOUT_CHAR, 1, 4, 1, 2, 0x1f600, 0, "");
	check_unit(&u[2], LAYOUT_CHAR, 5, 1, 3, 1, 'z', 0, "");
	assert_int_equal(layout_width(LINE(s)), 4);
	assert_int_equal(layout_off_at(LINE(s), 2), 1);
	assert_int_equal(layout_next_off(LINE(s), 1), 5);
	assert_int_equal(layout_prev(LINE(s), 5), 1);
}

static void
test_combining(void **state)
{
	struct layout_unit u[MAX_UNITS];

	/* e + U+0301: one unit of three bytes, one column. */
	assert_int_equal(units(LINE("e\xcc\x81x"), u), 2);
	check_unit(&u[0], LAYOUT_CHAR, 0, 3, 0, 1, 'e', 0x301, "");
	check_unit(&u[1], LAYOUT_CHAR, 3, 1, 1, 1, 'x', 0, "");
	assert_int_equal(layout_width(LINE("e\xcc\x81x")), 2);
	assert_int_equal(layout_next_off(LINE("e\xcc\x81x"), 0), 3);
	assert_int_equal(layout_prev(LINE("e\xcc\x81x"), 3), 0);
	assert_int_equal(layout_col_of(LINE("e\xcc\x81x"), 1), 0);
	assert_int_equal(layout_col_of(LINE("e\xcc\x81x"), 3), 1);

	/* A second mark is a unit of its own, shown as its code point. */
	assert_int_equal(units(LINE("e\xcc\x81\xcc\x82"), u), 2);
	check_unit(&u[0], LAYOUT_CHAR, 0, 3, 0, 1, 'e', 0x301, "");
	check_unit(&u[1], LAYOUT_UNPRINTABLE, 3, 2, 1, 8, 0x302, 0, "<U+0302>");

	/* A mark at the start of a line has no base. */
	assert_int_equal(units(LINE("\xcc\x81x"), u), 2);
	check_unit(&u[0], LAYOUT_UNPRINTABLE, 0, 2, 0, 8, 0x301, 0, "<U+0301>");
	check_unit(&u[1], LAYOUT_CHAR, 2, 1, 8, 1, 'x', 0, "");

	/* Nor can it combine with a tab, a control or an invalid byte. */
	assert_int_equal(units(LINE("\t\xcc\x81"), u), 2);
	assert_int_equal(u[1].kind, LAYOUT_UNPRINTABLE);
	assert_int_equal(units(LINE("\x1b\xcc\x81"), u), 2);
	assert_int_equal(u[1].kind, LAYOUT_UNPRINTABLE);
	assert_int_equal(units(LINE("\xff\xcc\x81"), u), 2);
	assert_int_equal(u[1].kind, LAYOUT_UNPRINTABLE);

	/* A wide base takes a mark too. */
	assert_int_equal(units(LINE("\xe6\xbc\xa2\xcc\x81"), u), 1);
	check_unit(&u[0], LAYOUT_CHAR, 0, 5, 0, 2, 0x6f22, 0x301, "");

	/* A mark cut short is invalid bytes, not a mark. */
	assert_int_equal(units(LINE("e\xcc"), u), 2);
	check_unit(&u[0], LAYOUT_CHAR, 0, 1, 0, 1, 'e', 0, "");
	check_unit(&u[1], LAYOUT_INVALID, 1, 1, 1, 4, 0xcc, 0, "\\xcc");
}

static void
test_invalid(void **state)
{
	struct layout_unit u[MAX_UNITS];

	one_unit(LINE("\xff"), &u[0]);
	check_unit(&u[0], LAYOUT_INVALID, 0, 1, 0, 4, 0xff, 0, "\\xff");

	/* A truncated sequence: each byte alone. */
	assert_int_equal(units(LINE("\xe6\xbc"), u), 2);
	check_unit(&u[0], LAYOUT_INVALID, 0, 1, 0, 4, 0xe6, 0, "\\xe6");
	check_unit(&u[1], LAYOUT_INVALID, 1, 1, 4, 4, 0xbc, 0, "\\xbc");
	assert_int_equal(layout_width(LINE("\xe6\xbc")), 8);

	/* Truncated before an ASCII byte, which is still itself. */
	assert_int_equal(units(LINE("\xe6\xbcz"), u), 3);
	check_unit(&u[2], LAYOUT_CHAR, 2, 1, 8, 1, 'z', 0, "");

	/* Overlong, surrogate, a lone continuation byte. */
	assert_int_equal(units(LINE("\xc0\x80"), u), 2);
	assert_string_equal(u[0].glyph, "\\xc0");
	assert_string_equal(u[1].glyph, "\\x80");
	assert_int_equal(units(LINE("\xed\xa0\x80"), u), 3);
	assert_string_equal(u[0].glyph, "\\xed");
	assert_int_equal(u[2].kind, LAYOUT_INVALID);
	one_unit(LINE("\x80"), &u[0]);
	check_unit(&u[0], LAYOUT_INVALID, 0, 1, 0, 4, 0x80, 0, "\\x80");

	/* Cursor over and inside an invalid byte's glyph. */
	assert_int_equal(layout_off_at(LINE("a\xffz"), 1), 1);
	assert_int_equal(layout_off_at(LINE("a\xffz"), 3), 1);
	assert_int_equal(layout_off_at(LINE("a\xffz"), 4), 1);
	assert_int_equal(layout_off_at(LINE("a\xffz"), 5), 2);
	assert_int_equal(layout_col_of(LINE("a\xffz"), 2), 5);
	assert_int_equal(layout_next_off(LINE("a\xffz"), 1), 2);
	assert_int_equal(layout_prev(LINE("a\xffz"), 2), 1);
}

static void
test_controls(void **state)
{
	struct layout_unit u[MAX_UNITS];

	one_unit(LINE("\x1b"), &u[0]);
	check_unit(&u[0], LAYOUT_CONTROL, 0, 1, 0, 2, 0x1b, 0, "^[");
	one_unit(LINE("\x7f"), &u[0]);
	check_unit(&u[0], LAYOUT_CONTROL, 0, 1, 0, 2, 0x7f, 0, "^?");
	one_unit(LINE("\x01"), &u[0]);
	check_unit(&u[0], LAYOUT_CONTROL, 0, 1, 0, 2, 0x01, 0, "^A");
	one_unit(LINE("\x1f"), &u[0]);
	check_unit(&u[0], LAYOUT_CONTROL, 0, 1, 0, 2, 0x1f, 0, "^_");

	/* A NUL byte inside the line. */
	assert_int_equal(units(LINE("a\0b"), u), 3);
	check_unit(&u[1], LAYOUT_CONTROL, 1, 1, 1, 2, 0, 0, "^@");
	check_unit(&u[2], LAYOUT_CHAR, 2, 1, 3, 1, 'b', 0, "");

	/* CRLF: the '\r' shows as ^M; a stray '\n' as ^J. */
	assert_int_equal(units(LINE("x\r"), u), 2);
	check_unit(&u[1], LAYOUT_CONTROL, 1, 1, 1, 2, '\r', 0, "^M");
	assert_int_equal(layout_width(LINE("x\r")), 3);
	one_unit(LINE("\n"), &u[0]);
	check_unit(&u[0], LAYOUT_CONTROL, 0, 1, 0, 2, '\n', 0, "^J");

	/* The cursor never lands inside ^[ (the line is "a", ESC, "z"). */
	assert_int_equal(layout_off_at(LINE("a\x1bz"), 1), 1);
	assert_int_equal(layout_off_at(LINE("a\x1bz"), 2), 1);
	assert_int_equal(layout_off_at(LINE("a\x1bz"), 3), 2);
	assert_int_equal(layout_col_of(LINE("a\x1bz"), 2), 3);
}

static void
test_unprintable(void **state)
{
	struct layout_unit u[MAX_UNITS];

	/* C1 controls. */
	one_unit(LINE("\xc2\x85"), &u[0]);
	check_unit(&u[0], LAYOUT_UNPRINTABLE, 0, 2, 0, 8, 0x85, 0, "<U+0085>");
	one_unit(LINE("\xc2\x9f"), &u[0]);
	check_unit(&u[0], LAYOUT_UNPRINTABLE, 0, 2, 0, 8, 0x9f, 0, "<U+009F>");
	/* U+00A0 is the first printable after them. */
	one_unit(LINE("\xc2\xa0"), &u[0]);
	check_unit(&u[0], LAYOUT_CHAR, 0, 2, 0, 1, 0xa0, 0, "");

	/* Six digits for the last code point (a noncharacter). */
	one_unit(LINE("\xf4\x8f\xbf\xbf"), &u[0]);
	check_unit(
	    &u[0], LAYOUT_UNPRINTABLE, 0, 4, 0, 10, 0x10ffff, 0, "<U+10FFFF>");

	/* Inside a glyph, the cursor goes to its start. */
	assert_int_equal(layout_off_at(LINE("a\xc2\x85z"), 5), 1);
	assert_int_equal(layout_off_at(LINE("a\xc2\x85z"), 8), 1);
	assert_int_equal(layout_off_at(LINE("a\xc2\x85z"), 9), 3);
	assert_int_equal(layout_col_of(LINE("a\xc2\x85z"), 2), 1);
	assert_int_equal(layout_col_of(LINE("a\xc2\x85z"), 3), 9);
	assert_int_equal(layout_width(LINE("a\xc2\x85z")), 10);
}

/* Code points that can reorder or hide text (docs/behaviour.md): each is
 * its own unit shown as <U+XXXX>, never folded into the character before
 * it. A sample from each range of the set, with both ends of most. */
static const uint32_t invisible[] = {0x00ad, 0x034f, 0x0600, 0x0605, 0x061c,
    0x06dd, 0x070f, 0x0890, 0x0891, 0x08e2, 0x115f, 0x1160, 0x17b4, 0x17b5,
    0x180b, 0x180e, 0x180f, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2028,
    0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060, 0x2061, 0x2064,
    0x2065, 0x2066, 0x2067, 0x2068, 0x2069, 0x206a, 0x206f, 0x3164, 0xfe00,
    0xfe0e, 0xfe0f, 0xfeff, 0xffa0, 0xfff0, 0xfff9, 0xfffb, 0x110bd, 0x110cd,
    0x13430, 0x1343f, 0x1bca0, 0x1bca3, 0x1d173, 0x1d17a, 0xe0000, 0xe0001,
    0xe0020, 0xe007f, 0xe0100, 0xe01ef, 0xe0fff};

/* Their neighbours stay what they are. */
static const uint32_t visible[] = {0x00ac, 0x00ae, 0x2010, 0x2027, 0x2030,
    0x205f, 0x2070, 0x3165, 0xfe10, 0xffa1, 0x1d16e};

static size_t
encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static void
test_invisible(void **state)
{
	struct layout_unit u[MAX_UNITS];
	char line[16], glyph[16];
	size_t i, n;

	/* "a", U+202E, "b": three units, the override shown. */
	assert_int_equal(units(LINE("a\xe2\x80\xae"
	                            "b"),
	                     u),
	    3);
	check_unit(&u[0], LAYOUT_CHAR, 0, 1, 0, 1, 'a', 0, "");
	check_unit(
	    &u[1], LAYOUT_UNPRINTABLE, 1, 3, 1, 8, 0x202e, 0, "<U+202E>");
	check_unit(&u[2], LAYOUT_CHAR, 4, 1, 9, 1, 'b', 0, "");
	assert_int_equal(layout_next_off(LINE("a\xe2\x80\xae"
	                                      "b"),
	                     0),
	    1);

	for (i = 0; i < sizeof invisible / sizeof invisible[0]; i++) {
		/* After a printable character... */
		line[0] = 'x';
		n = 1 + encode(invisible[i], line + 1);
		snprintf(
		    glyph, sizeof glyph, "<U+%04X>", (unsigned)invisible[i]);
		assert_int_equal(units(line, n, u), 2);
		check_unit(&u[0], LAYOUT_CHAR, 0, 1, 0, 1, 'x', 0, "");
		check_unit(&u[1], LAYOUT_UNPRINTABLE, 1, n - 1, 1,
		    strlen(glyph), invisible[i], 0, glyph);
		/* ... after a wide one, and alone. */
		n = encode(0x6f22, line);
		n += encode(invisible[i], line + n);
		assert_int_equal(units(line, n, u), 2);
		assert_int_equal(u[0].comb, 0);
		assert_string_equal(u[1].glyph, glyph);
		n = encode(invisible[i], line);
		one_unit(line, n, &u[0]);
		assert_string_equal(u[0].glyph, glyph);
	}
	for (i = 0; i < sizeof visible / sizeof visible[0]; i++) {
		n = encode(visible[i], line);
		one_unit(line, n, &u[0]);
		assert_int_equal(u[0].kind, LAYOUT_CHAR);
	}
}

/*
 * Emoji sequences (docs/behaviour.md): each emoji is a character, and the
 * joiner, variation selectors and tags between them are shown.
 */
static void
test_emoji_sequences(void **state)
{
	struct layout_unit u[MAX_UNITS];
	/* U+2764 U+FE0F: a red heart, emoji presentation. */
	static const char heart[] = "\xe2\x9d\xa4\xef\xb8\x8f";
	/* U+1F468 U+200D U+1F469: man, ZWJ, woman. */
	static const char pair[] =
	    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9";
	/* U+1F44D U+1F3FD: thumbs up, medium skin tone (no joiner). */
	static const char thumb[] = "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd";
	/* U+1F3F4 U+E0067 U+E007F: a black flag, tag g, cancel tag. */
	static const char flag[] =
	    "\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa7\xf3\xa0\x81"
	    "\xbf";

	assert_int_equal(units(LINE(heart), u), 2);
	check_unit(&u[0], LAYOUT_CHAR, 0, 3, 0, 1, 0x2764, 0, "");
	check_unit(
	    &u[1], LAYOUT_UNPRINTABLE, 3, 3, 1, 8, 0xfe0f, 0, "<U+FE0F>");

	assert_int_equal(units(LINE(pair), u), 3);
	check_unit(&u[0], LAYOUT_CHAR, 0, 4, 0, 2, 0x1f468, 0, "");
	check_unit(
	    &u[1], LAYOUT_UNPRINTABLE, 4, 3, 2, 8, 0x200d, 0, "<U+200D>");
	check_unit(&u[2], LAYOUT_CHAR, 7, 4, 10, 2, 0x1f469, 0, "");

	assert_int_equal(units(LINE(thumb), u), 2);
	check_unit(&u[0], LAYOUT_CHAR, 0, 4, 0, 2, 0x1f44d, 0, "");
	check_unit(&u[1], LAYOUT_CHAR, 4, 4, 2, 2, 0x1f3fd, 0, "");

	assert_int_equal(units(LINE(flag), u), 3);
	check_unit(&u[0], LAYOUT_CHAR, 0, 4, 0, 2, 0x1f3f4, 0, "");
	check_unit(
	    &u[1], LAYOUT_UNPRINTABLE, 4, 4, 2, 9, 0xe0067, 0, "<U+E0067>");
	check_unit(
	    &u[2], LAYOUT_UNPRINTABLE, 8, 4, 11, 9, 0xe007f, 0, "<U+E007F>");
}

/* inert_text for dest on s, compared with want. */
static void
check_inert(enum inert_dest dest, const char *s, const char *want)
{
	char *got = inert_text(dest, s);

	assert_string_equal(got, want);
	free(got);
}

/* Untrusted text for each destination (inert.c): the units above, with
 * line breaks and tabs as each destination wants them. */
static void
test_inert_destinations(void **state)
{
	static const char hostile[] = "a\x1b[2J\xc2\x9b\x9b\xe2\x80\xae"
	                              "b\tc\r\nd\re\n\x7f"
	                              "f\xcc\x81";
	static const enum inert_dest one_line[] = {
	    INERT_SCREEN, INERT_LOG, INERT_CLI};
	char out[16];
	size_t i;

	for (i = 0; i < sizeof one_line / sizeof one_line[0]; i++) {
		check_inert(one_line[i], hostile,
		    "a^[[2J<U+009B>\\x9b<U+202E>b c^M^Jd^Me^J^?f\xcc\x81");
	}
	check_inert(INERT_LINE, hostile,
	    "a^[[2J<U+009B>\\x9b<U+202E>b c d e ^?f\xcc\x81");
	check_inert(INERT_BODY, hostile,
	    "a^[[2J<U+009B>\\x9b<U+202E>b     c\nd^Me\n^?f\xcc\x81");
	check_inert(INERT_IDENT, hostile,
	    "a^[[2J[U+009B]\\x9b[U+202E]b c d e ^?f\xcc\x81");
	check_inert(INERT_SCREEN, NULL, "");
	check_inert(INERT_SCREEN, "caf\xc3\xa9 \xe6\xbc\xa2",
	    "caf\xc3\xa9 \xe6\xbc\xa2");

	/* An identity never holds an angle bracket; a mark folded into one
	 * is shown too. */
	check_inert(INERT_IDENT, "A <b>", "A [U+003C]b[U+003E]");
	check_inert(INERT_IDENT, "<\xcc\x81", "[U+003C][U+0301]");

	/* Tab stops count from the start of each line of a body. */
	check_inert(INERT_BODY, "ab\tc\n\td", "ab      c\n        d");

	/* Without room, no unit is cut: the size needed is returned. */
	assert_int_equal(
	    inert_write(INERT_LOG, "ab\xe2\x80\xae", 5, out, 6), 10);
	assert_string_equal(out, "ab");
	assert_int_equal(
	    inert_write(INERT_LOG, "ab\xe2\x80\xae", 5, out, 11), 10);
	assert_string_equal(out, "ab<U+202E>");
	assert_int_equal(
	    inert_write(INERT_LOG, "ab\xe2\x80\xae", 5, NULL, 0), 10);
}

/* One line with every kind of unit: stepping visits each boundary. */
static void
test_stepping(void **state)
{
	/* a, tab, 漢, e+mark, emoji, \xff, ESC, U+0085, lone mark, z */
	static const char s[] = "a\t\xe6\xbc\xa2"
	                        "e\xcc\x81\xf0\x9f\x98\x80\xff\x1b\xc2\x85"
	                        "\xcc\x81z";
	static const size_t bounds[] = {0, 1, 2, 5, 8, 12, 13, 14, 16, 18, 19};
	static const size_t cols[] = {0, 1, 8, 10, 11, 13, 17, 19, 27, 35, 36};
	size_t n = sizeof bounds / sizeof bounds[0], i, off;

	assert_int_equal(bounds[n - 1], sizeof s - 1);
	assert_int_equal(layout_width(LINE(s)), 36);

	for (i = 0; i < n; i++) {
		assert_int_equal(layout_col_of(LINE(s), bounds[i]), cols[i]);
		assert_int_equal(layout_off_at(LINE(s), cols[i]), bounds[i]);
		if (i + 1 < n) {
			assert_int_equal(
			    layout_next_off(LINE(s), bounds[i]), bounds[i + 1]);
			/* From inside a unit, to its end. */
			for (off = bounds[i] + 1; off < bounds[i + 1]; off++) {
				assert_int_equal(layout_next_off(LINE(s), off),
				    bounds[i + 1]);
				assert_int_equal(
				    layout_prev(LINE(s), off), bounds[i]);
				assert_int_equal(
				    layout_col_of(LINE(s), off), cols[i]);
			}
			/* Columns inside a unit give its start. */
			for (off = cols[i]; off < cols[i + 1]; off++) {
				assert_int_equal(
				    layout_off_at(LINE(s), off), bounds[i]);
			}
		}
		if (i > 0) {
			assert_int_equal(
			    layout_prev(LINE(s), bounds[i]), bounds[i - 1]);
		}
	}

	/* At the ends, the end itself. */
	assert_int_equal(layout_prev(LINE(s), 0), 0);
	assert_int_equal(layout_next_off(LINE(s), sizeof s - 1), sizeof s - 1);
	assert_int_equal(layout_off_at(LINE(s), 1000), sizeof s - 1);
	/* Past the end is not a crash. */
	assert_int_equal(layout_next_off(LINE(s), 1000), sizeof s - 1);
	assert_int_equal(layout_prev(LINE(s), 1000), 18);
	assert_int_equal(layout_col_of(LINE(s), 1000), 36);
}

/* Random bytes: the units always tile the line, and agree with each other. */
static void
test_random(void **state)
{
	static const char pieces[][5] = {"a", "\t", "\x1b", "\xff", "\xe6\xbc",
	    "\xa2", "\xcc\x81", "\xc2\x85", "\xf0\x9f\x98\x80", "\n", "\r"};
	size_t npieces = sizeof pieces / sizeof pieces[0];
	char line[256];
	struct layout_unit u;
	size_t len, off, col, k, p, c;
	uint32_t seed = 12345;
	unsigned round;

	for (round = 0; round < 2000; round++) {
		len = 0;
		for (k = 0; k < 20; k++) {
			seed = seed * 1103515245 + 12345;
			p = (seed >> 16) % npieces;
			memcpy(line + len, pieces[p], strlen(pieces[p]));
			len += strlen(pieces[p]);
		}

		off = col = 0;
		while (layout_next(line, len, off, col, &u)) {
			assert_int_equal(u.off, off);
			assert_int_equal(u.col, col);
			assert_true(u.len >= 1 && u.off + u.len <= len);
			assert_true(u.width >= 1);
			if (u.kind != LAYOUT_CHAR && u.kind != LAYOUT_TAB)
				assert_int_equal(strlen(u.glyph), u.width);
			assert_int_equal(layout_col_of(line, len, off), col);
			for (c = col; c < col + u.width; c++)
				assert_int_equal(
				    layout_off_at(line, len, c), off);
			assert_int_equal(
			    layout_next_off(line, len, off), off + u.len);
			assert_int_equal(
			    layout_prev(line, len, off + u.len), off);
			off += u.len;
			col += u.width;
		}
		assert_int_equal(off, len);
		assert_int_equal(layout_width(line, len), col);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_ascii),
	    cmocka_unit_test(test_tabs),
	    cmocka_unit_test(test_wide),
	    cmocka_unit_test(test_emoji),
	    cmocka_unit_test(test_combining),
	    cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_controls),
	    cmocka_unit_test(test_unprintable),
	    cmocka_unit_test(test_invisible),
	    cmocka_unit_test(test_emoji_sequences),
	    cmocka_unit_test(test_inert_destinations),
	    cmocka_unit_test(test_stepping),
	    cmocka_unit_test(test_random),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
