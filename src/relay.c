/* relay.c: the framing between `moot attach` and its local frontend over
 * the unix socket: terminal bytes, window size, TERM, the reason at the end. */
#include "moot.h"

#include <string.h>

#include "bytes.h"
#include "relay.h"

void
relay_put(struct bytes *b, int type, const void *data, size_t len)
{
	uint8_t h[RELAY_HEADER];

	if (len > RELAY_MAX)
		fatalx("relay: a frame of %zu bytes", len);
	h[0] = type;
	h[1] = len >> 8;
	h[2] = len & 0xff;
	bytes_add(b, h, sizeof h);
	if (len > 0)
		bytes_add(b, data, len);
}

void
relay_put_data(struct bytes *b, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t n;

	while (len > 0) {
		n = len > RELAY_MAX ? RELAY_MAX : len;
		relay_put(b, RELAY_DATA, p, n);
		p += n;
		len -= n;
	}
}

void
relay_put_size(struct bytes *b, unsigned cols, unsigned rows)
{
	uint8_t s[4];

	s[0] = (cols >> 8) & 0xff;
	s[1] = cols & 0xff;
	s[2] = (rows >> 8) & 0xff;
	s[3] = rows & 0xff;
	relay_put(b, RELAY_SIZE, s, sizeof s);
}

int
relay_get(const void *buf, size_t len, struct relay_frame *f, size_t *used,
    const char **err)
{
	const uint8_t *p = buf;
	size_t n;

	if (len < RELAY_HEADER)
		return 0;
	n = (size_t)p[1] << 8 | p[2];
	switch (p[0]) {
	case RELAY_DATA:
	case RELAY_END:
		break;
	case RELAY_SIZE:
		if (n != 4) {
			*err = "a window size is 4 bytes";
			return -1;
		}
		break;
	case RELAY_TERM:
		if (n > RELAY_TERM_MAX) {
			*err = "TERM too long";
			return -1;
		}
		break;
	default:
		*err = "unknown frame type";
		return -1;
	}
	if (n > RELAY_MAX) {
		*err = "frame too long";
		return -1;
	}
	if (len < RELAY_HEADER + n)
		return 0;
	f->type = p[0];
	f->data = p + RELAY_HEADER;
	f->len = n;
	*used = RELAY_HEADER + n;
	return 1;
}

int
relay_size(const struct relay_frame *f, unsigned *cols, unsigned *rows)
{
	*cols = (unsigned)f->data[0] << 8 | f->data[1];
	*rows = (unsigned)f->data[2] << 8 | f->data[3];
	return *cols == 0 || *rows == 0 ? -1 : 0;
}
