/* bytes.c: a growable byte queue and a bounds-checked reader.
 * The queue grows by doubling; draining only moves an offset. */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"

/*
 * An empty queue points at this byte rather than NULL, so bytes_ptr() is
 * always a valid pointer (arithmetic on NULL is undefined). Nothing is
 * ever written to it: its capacity is 0.
 */
static uint8_t bytes_empty[1];

void
bytes_init(struct bytes *b)
{
	b->data = bytes_empty;
	b->off = 0;
	b->len = 0;
	b->cap = 0;
}

void
bytes_free(struct bytes *b)
{
	if (b->data != bytes_empty)
		free(b->data);
	bytes_init(b);
}

void
bytes_clear(struct bytes *b)
{
	b->off = 0;
	b->len = 0;
}

uint8_t *
bytes_reserve(struct bytes *b, size_t n)
{
	size_t need, cap;

	if (n > SIZE_MAX - b->len)
		fatalx("bytes_reserve: %zu + %zu overflows", b->len, n);
	need = b->len + n;

	/* Enough room after the unread data already? */
	if (need <= b->cap - b->off)
		return b->data + b->off + b->len;

	/*
	 * Moving the unread data to the front is enough when it leaves the
	 * buffer at most half full: then at least as many bytes were drained
	 * as are moved, so moving costs amortised O(1) per byte.
	 */
	if (need <= b->cap / 2) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
		return b->data + b->len;
	}

	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			fatalx("bytes_reserve: %zu bytes is too many", need);
		cap *= 2;
	}
	if (b->off != 0) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	if (b->cap == 0) {
		/* Nothing allocated yet (bytes_empty, or zeroed). */
		b->data = xmalloc(cap);
	} else
		b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return b->data + b->len;
}

void
bytes_commit(struct bytes *b, size_t n)
{
	if (n > b->cap - b->off - b->len)
		fatalx("bytes_commit: %zu bytes not reserved", n);
	b->len += n;
}

void
bytes_add(struct bytes *b, const void *p, size_t n)
{
	uint8_t *to;

	if (n == 0)
		return;
	to = bytes_reserve(b, n);
	memcpy(to, p, n);
	b->len += n;
}

void
bytes_add_u8(struct bytes *b, uint8_t v)
{
	bytes_add(b, &v, 1);
}

void
bytes_add_u16(struct bytes *b, uint16_t v)
{
	uint8_t p[2];

	p[0] = v >> 8;
	p[1] = v;
	bytes_add(b, p, sizeof p);
}

void
bytes_add_u32(struct bytes *b, uint32_t v)
{
	uint8_t p[4];

	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
	bytes_add(b, p, sizeof p);
}

void
bytes_add_varint(struct bytes *b, uint32_t v)
{
	uint8_t p[5];
	size_t n = 0;

	/* Seven bits at a time, lowest first; the top bit says more follow. */
	while (v >= 0x80) {
		p[n++] = (v & 0x7f) | 0x80;
		v >>= 7;
	}
	p[n++] = v;
	bytes_add(b, p, n);
}

void
bytes_add_str(struct bytes *b, const char *s)
{
	size_t n;

	/* A string longer than a u16 length allows is cut short. */
	n = strlen(s);
	if (n > UINT16_MAX)
		n = UINT16_MAX;
	bytes_add_u16(b, n);
	bytes_add(b, s, n);
}

void
bytes_drain(struct bytes *b, size_t n)
{
	if (n >= b->len) {
		b->off = 0;
		b->len = 0;
		return;
	}
	b->off += n;
	b->len -= n;
}

void
reader_init(struct reader *r, const void *p, size_t len)
{
	r->p = p;
	r->left = len;
	r->err = 0;
}

const uint8_t *
reader_bytes(struct reader *r, size_t n)
{
	const uint8_t *p;

	if (r->err || n > r->left) {
		r->err = 1;
		return NULL;
	}
	p = r->p;
	r->p += n;
	r->left -= n;
	return p;
}

uint8_t
reader_u8(struct reader *r)
{
	const uint8_t *p;

	if ((p = reader_bytes(r, 1)) == NULL)
		return 0;
	return p[0];
}

uint16_t
reader_u16(struct reader *r)
{
	const uint8_t *p;

	if ((p = reader_bytes(r, 2)) == NULL)
		return 0;
	return (uint16_t)((p[0] << 8) | p[1]);
}

uint32_t
reader_u32(struct reader *r)
{
	const uint8_t *p;

	if ((p = reader_bytes(r, 4)) == NULL)
		return 0;
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

uint32_t
reader_varint(struct reader *r)
{
	uint32_t v = 0;
	uint8_t c;
	int shift;

	/* At most five bytes; the fifth may carry only the top four bits. */
	for (shift = 0; shift < 35; shift += 7) {
		c = reader_u8(r);
		if (r->err)
			return 0;
		if (shift == 28 && (c & 0xf0) != 0) {
			r->err = 1;
			return 0;
		}
		v |= (uint32_t)(c & 0x7f) << shift;
		if ((c & 0x80) == 0)
			return v;
	}
	return 0; /* not reached */
}

char *
reader_str(struct reader *r)
{
	const uint8_t *p;
	uint16_t n;

	n = reader_u16(r);
	if ((p = reader_bytes(r, n)) == NULL)
		return NULL;
	if (memchr(p, '\0', n) != NULL) {
		r->err = 1;
		return NULL;
	}
	return xstrndup((const char *)p, n);
}
