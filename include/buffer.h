/* buffer.h: the text of one document, as bytes.
 * Byte offsets everywhere; lines are separated by '\n'. */
#ifndef MOOT_BUFFER_H
#define MOOT_BUFFER_H

#include <stddef.h>
#include <stdint.h>

struct buffer;

struct buffer *buffer_create(void);
struct buffer *buffer_from(const char *data, size_t len);
/* The same, but NULL when memory runs out (for sizes input decides). */
struct buffer *buffer_try_from(const char *data, size_t len);
void buffer_free(struct buffer *);

size_t buffer_length(const struct buffer *);
/* A number that changes whenever the text changes (an insert or delete of
 * at least one byte) and is never the same for two buffers or two states
 * of one buffer: what a cache of the text checks it is still current. */
uint64_t buffer_stamp(const struct buffer *);
/* Insert len bytes at off (0 <= off <= length). */
void buffer_insert(struct buffer *, size_t off, const char *data, size_t len);
/* Delete len bytes at off (off + len <= length). */
void buffer_delete(struct buffer *, size_t off, size_t len);
/* Copy up to len bytes at off into out; returns bytes copied. */
size_t buffer_copy(const struct buffer *, size_t off, size_t len, char *out);
/* Bytes buffer_copy has copied out of any buffer so far: how tests check
 * that drawing a screen reads a bounded part of a long line. */
size_t buffer_copied(void);
/* The byte at off (off < length). */
unsigned char buffer_byte(const struct buffer *, size_t off);
/* The whole text as one contiguous allocation of length bytes (caller frees).
 */
char *buffer_contents(const struct buffer *, size_t *len);

/* Lines: a buffer always has at least one line (newlines + 1). */
size_t buffer_lines(const struct buffer *);
/* Offset of the first byte of line (0-based, line < buffer_lines). */
size_t buffer_line_start(const struct buffer *, size_t line);
/* Offset of the '\n' ending line, or the length for the last line. */
size_t buffer_line_end(const struct buffer *, size_t line);
/* The line containing off (off <= length). */
size_t buffer_line_of(const struct buffer *, size_t off);

/* Code points (bytes that are not UTF-8 continuation bytes 10xxxxxx). */
size_t buffer_chars(const struct buffer *);
/* Byte offset of code point ch (ch <= buffer_chars; ch == chars gives the
 * length): the offset of the ch-th byte that is not a continuation byte. */
size_t buffer_char_offset(const struct buffer *, size_t ch);

/* Contiguous bytes at off (off < length): returns a pointer into the buffer
 * and sets *len to how many bytes follow it in the same piece (>= 1). Valid
 * until the buffer next changes. */
const char *buffer_span(const struct buffer *, size_t off, size_t *len);

/* Find needle (nlen >= 1 bytes, exact bytes) starting at off: forward finds
 * the first match beginning at or after off; backward the last match
 * beginning strictly before off. Returns the match offset or BUFFER_NONE. */
#define BUFFER_NONE ((size_t)-1)
size_t buffer_search(const struct buffer *, size_t off, const char *needle,
    size_t nlen, int backward);

#endif
