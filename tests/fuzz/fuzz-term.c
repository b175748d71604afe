/* fuzz-term.c: libFuzzer target for the daemon's terminal emulator
 * (term.c): program output, resizes, keys and pastes on a small screen. */
#include "moot.h"

#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "term.h"
#include "utf8.h"

/*
 * The input: two bytes for the first size (columns 1..32, rows 1..16),
 * then output fed to the terminal in pieces. A piece ends at 0xff 0xfe
 * (rare in real output); the two bytes after it say what happens next:
 * a resize to (a % 32 + 1) x (b % 16 + 1) when a < 0x80, a key (code b,
 * the next byte its code point or mods) or a paste of the next b bytes
 * otherwise.
 */

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

static void
fuzz_check_cell(const struct term_cell *c)
{
	unsigned i;

	fuzz_check(c->width <= 2);
	if (c->width == 0)
		fuzz_check(c->cp[0] == 0);
	for (i = 0; i < TERM_CELL_CHARS && c->cp[i] != 0; i++) {
		fuzz_check(c->cp[i] >= 0x20);
		fuzz_check(!(c->cp[i] >= 0x7f && c->cp[i] < 0xa0));
		fuzz_check(c->cp[i] <= 0x10ffff);
		fuzz_check(!(c->cp[i] >= 0xd800 && c->cp[i] <= 0xdfff));
		fuzz_check(!utf8_invisible(c->cp[i]));
	}
	fuzz_check(c->fg.type <= TERM_COLOUR_RGB);
	fuzz_check(c->bg.type <= TERM_COLOUR_RGB);
}

/* The screen, and the newest lines of the scrollback (all when last). */
static void
fuzz_check_term(const struct term *t, int all)
{
	struct term_cell c;
	unsigned col, row, cols = term_cols(t), rows = term_rows(t);
	int r, top;

	fuzz_check(cols >= TERM_COLS_MIN && cols <= TERM_COLS_MAX);
	fuzz_check(rows >= 1 && rows <= TERM_ROWS_MAX);
	fuzz_check(term_scrollback(t) <= TERM_SCROLLBACK);
	term_cursor(t, &col, &row);
	fuzz_check(col < cols && row < rows);
	top = -(int)term_scrollback(t);
	if (!all && top < -4)
		top = -4;
	for (r = top - 1; r < (int)rows + 1; r++) {
		for (col = 0; col < cols + 1; col++) {
			term_cell(t, r, col, &c);
			fuzz_check_cell(&c);
		}
	}
}

/* Copy mode's reads: the text of everything holds no control byte and
 * is valid UTF-8; finding two bytes of the input ends, in both ways. */
static void
fuzz_check_copy(const struct term *t, const uint8_t *data, size_t size)
{
	char *text, needle[3];
	size_t len, i, n;
	unsigned col = 0;
	int row = (int)term_rows(t) - 1, k;
	uint32_t cp;

	text = term_text(t, -(int)term_scrollback(t) - 3, 0,
	    (int)term_rows(t) + 3, TERM_COLS_MAX, &len);
	fuzz_check(strlen(text) == len);
	for (i = 0; i < len; i += n) {
		fuzz_check((unsigned char)text[i] >= 0x20 || text[i] == '\n');
		fuzz_check(text[i] != 0x7f);
		n = utf8_decode((const unsigned char *)text + i, len - i, &cp);
		fuzz_check(n > 0 && cp != UTF8_INVALID);
	}
	free(text);
	needle[0] = (char)data[size / 2];
	needle[1] = (char)data[size - 1];
	needle[2] = '\0';
	for (k = 0; k < 4 && term_find(t, needle, &row, &col, 1); k++)
		;
	for (k = 0; k < 4 && term_find(t, needle, &row, &col, 0); k++)
		;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct key_event ke;
	struct term *t;
	const char *out;
	size_t i = 0, start, len;

	if (size < 2)
		return 0;
	t = term_new_detached(data[0] % 32 + 1, data[1] % 16 + 1);
	i = 2;
	while (i < size) {
		start = i;
		while (i < size && !(data[i] == 0xff && i + 1 < size &&
		                       data[i + 1] == 0xfe))
			i++;
		term_feed(t, (const char *)data + start, i - start);
		fuzz_check_term(t, 0);
		if (i >= size)
			break;
		i += 2; /* the marker */
		if (i + 2 > size)
			break;
		if (data[i] < 0x80)
			term_resize(t, data[i] % 32 + 1, data[i + 1] % 16 + 1);
		else if (data[i] < 0xc0) {
			memset(&ke, 0, sizeof ke);
			ke.code = data[i + 1] % (KEYC_MOUSE + 1);
			ke.mods = data[i] & 7;
			ke.cp = i + 2 < size ? data[i + 2] : 0;
			if (ke.code == KEYC_CHAR && i + 2 < size)
				ke.cp = (uint32_t)data[i + 2] * 0x101;
			term_key(t, &ke);
			i++;
		} else {
			len = data[i + 1];
			if (len > size - i - 2)
				len = size - i - 2;
			term_paste(t, (const char *)data + i + 2, len);
			i += len;
		}
		i += 2;
		fuzz_check_term(t, 0);
		out = term_output(t, &len);
		fuzz_check(len <= TERM_WRITE_MAX && (len == 0 || out != NULL));
	}
	fuzz_check_term(t, 1);
	fuzz_check_copy(t, data, size);
	term_free(t);
	return 0;
}
