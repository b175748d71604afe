/* utf8.c: UTF-8 decoding, encoding and display widths.
 * Decoding is strict; each invalid byte becomes one inert unit. */
#include "moot.h"

#include <wchar.h>

#include "utf8.h"

size_t
utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c, min;
	size_t need, i;

	*cp = UTF8_INVALID;
	if (len == 0)
		return 0;

	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 1; /* continuation byte, 0xc0, 0xc1 or 0xf5-0xff */

	if (len < need)
		return 1; /* truncated: one invalid byte */
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 1;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 1; /* overlong, too large or a surrogate */
	*cp = c;
	return need;
}

size_t
utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = 0xc0 | (cp >> 6);
		o[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	if (cp < 0x10000) {
		o[0] = 0xe0 | (cp >> 12);
		o[1] = 0x80 | ((cp >> 6) & 0x3f);
		o[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	if (cp <= 0x10ffff) {
		o[0] = 0xf0 | (cp >> 18);
		o[1] = 0x80 | ((cp >> 12) & 0x3f);
		o[2] = 0x80 | ((cp >> 6) & 0x3f);
		o[3] = 0x80 | (cp & 0x3f);
		return 4;
	}
	return 0;
}

/*
 * Code points that can reorder or hide text, sorted: every format
 * character (general category Cf, Unicode 15.1), every default-ignorable
 * code point (the property Unicode gives what renderers show as nothing,
 * assigned or not), and the line and paragraph separators. A terminal or
 * a viewer of git history may act on these (bidi reordering) or draw them
 * as nothing at all; moot shows each as <U+XXXX> instead, whatever the C
 * library's wcwidth thinks (glibc gives most of them 0, so they would
 * combine with the character before, and U+00AD 1).
 */
static const struct utf8_range {
	uint32_t first, last;
} utf8_invisible_table[] = {
    {0x00ad, 0x00ad},   /* soft hyphen */
    {0x034f, 0x034f},   /* combining grapheme joiner */
    {0x0600, 0x0605},   /* Arabic number signs */
    {0x061c, 0x061c},   /* Arabic letter mark (bidi) */
    {0x06dd, 0x06dd},   /* Arabic end of ayah */
    {0x070f, 0x070f},   /* Syriac abbreviation mark */
    {0x0890, 0x0891},   /* Arabic pound and piastre marks above */
    {0x08e2, 0x08e2},   /* Arabic disputed end of ayah */
    {0x115f, 0x1160},   /* Hangul choseong and jungseong fillers */
    {0x17b4, 0x17b5},   /* Khmer inherent vowels */
    {0x180b, 0x180f},   /* Mongolian variation selectors, vowel separator */
    {0x200b, 0x200f},   /* zero width space, ZWNJ, ZWJ, LRM, RLM */
    {0x2028, 0x202e},   /* line and paragraph separators, LRE..RLO */
    {0x2060, 0x206f},   /* word joiner, invisible operators, LRI..PDI,
                           deprecated format characters */
    {0x3164, 0x3164},   /* Hangul filler */
    {0xfe00, 0xfe0f},   /* variation selectors 1-16 */
    {0xfeff, 0xfeff},   /* zero width no-break space (BOM) */
    {0xffa0, 0xffa0},   /* halfwidth Hangul filler */
    {0xfff0, 0xfffb},   /* unassigned, interlinear annotation */
    {0x110bd, 0x110bd}, /* Kaithi number sign */
    {0x110cd, 0x110cd}, /* Kaithi number sign above */
    {0x13430, 0x1343f}, /* Egyptian hieroglyph format controls */
    {0x1bca0, 0x1bca3}, /* shorthand format controls */
    {0x1d173, 0x1d17a}, /* musical symbol format controls */
    {0xe0000, 0xe0fff}, /* tags, variation selectors 17-256, unassigned */
};

int
utf8_invisible(uint32_t cp)
{
	size_t lo = 0, hi, mid;

	hi = sizeof utf8_invisible_table / sizeof utf8_invisible_table[0];
	if (cp < utf8_invisible_table[0].first)
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cp < utf8_invisible_table[mid].first)
			hi = mid;
		else if (cp > utf8_invisible_table[mid].last)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

int
utf8_width(uint32_t cp)
{
	int w;

	/* C0 controls, DEL and C1 controls. */
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return -1;
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	if (cp < 0x7f)
		return 1;
	if (utf8_invisible(cp))
		return -1;
	w = wcwidth((wchar_t)cp);
	if (w < 0)
		return -1;
	if (w > 2)
		w = 2;
	return w;
}
