/* utf8.h: UTF-8 decoding and display widths.
 * Invalid bytes are never an error: they become one inert unit each. */
#ifndef MOOT_UTF8_H
#define MOOT_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_INVALID 0xffffffffU

/* Decode one unit at s (len > 0): a whole valid sequence, or one invalid
 * byte. Returns the bytes used (>= 1) and sets *cp (UTF8_INVALID for an
 * invalid byte; overlong forms, surrogates and > U+10FFFF are invalid). */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/* Encode cp into out (4 bytes room); returns the length, 0 if invalid. */
size_t utf8_encode(uint32_t cp, char *out);
/* Display width of a printable code point: 0 (combining), 1 or 2; -1 for
 * a control, an invisible (utf8_invisible) or unprintable code point. */
int utf8_width(uint32_t cp);
/* Can cp reorder or hide text (bidi and other format controls, joiners,
 * variation selectors, tags, fillers, U+2028/U+2029)? The set is in
 * utf8.c and docs/behaviour.md; such code points are always shown as
 * <U+XXXX>, never sent to a terminal or written into a commit. */
int utf8_invisible(uint32_t cp);

#endif
