/* bytes.h: a growable byte queue (append at the end, drain from the front).
 * Used for socket input and output and for encoding messages. */
#ifndef MOOT_BYTES_H
#define MOOT_BYTES_H

#include <stddef.h>
#include <stdint.h>

struct bytes {
	uint8_t *data;
	size_t off; /* start of unread data */
	size_t len; /* bytes of unread data */
	size_t cap;
};

void bytes_init(struct bytes *);
void bytes_free(struct bytes *);
void bytes_clear(struct bytes *);
static inline const uint8_t *
bytes_ptr(const struct bytes *b)
{
	return b->data + b->off;
}
static inline size_t
bytes_len(const struct bytes *b)
{
	return b->len;
}
void bytes_add(struct bytes *, const void *, size_t);
void bytes_add_u8(struct bytes *, uint8_t);
void bytes_add_u16(struct bytes *, uint16_t);     /* big-endian */
void bytes_add_u32(struct bytes *, uint32_t);     /* big-endian */
void bytes_add_varint(struct bytes *, uint32_t);  /* LEB128 */
void bytes_add_str(struct bytes *, const char *); /* u16 length + bytes */
/* Space for n more bytes at the end; commit with bytes_commit. */
uint8_t *bytes_reserve(struct bytes *, size_t n);
void bytes_commit(struct bytes *, size_t n);
void bytes_drain(struct bytes *, size_t);

/* A bounds-checked reader over a byte range; any overrun sets err. */
struct reader {
	const uint8_t *p;
	size_t left;
	int err;
};
void reader_init(struct reader *, const void *, size_t);
uint8_t reader_u8(struct reader *);
uint16_t reader_u16(struct reader *);
uint32_t reader_u32(struct reader *);
uint32_t reader_varint(struct reader *);
/* A u16-length string, copied into a new NUL-ended allocation (NUL bytes
 * inside make err); NULL on error. */
char *reader_str(struct reader *);
const uint8_t *reader_bytes(struct reader *, size_t);

#endif
