/* relay.h: the framing between `moot attach` and its local frontend over
 * the unix socket: terminal bytes, window size, TERM, the reason at the end. */
#ifndef MOOT_RELAY_H
#define MOOT_RELAY_H

#include <stddef.h>
#include <stdint.h>

struct bytes;

/*
 * A frame: one byte of type, a 16-bit big-endian length, that many bytes
 * (at most RELAY_MAX). See docs/protocol.md.
 */
#define RELAY_HEADER 3
#define RELAY_MAX 16384   /* bytes of one frame's payload */
#define RELAY_TERM_MAX 63 /* bytes of TERM */

enum relay_type {
	RELAY_DATA = 'd', /* terminal bytes, either way */
	RELAY_SIZE = 'w', /* client: cols and rows, 16 bits each */
	RELAY_TERM = 't', /* client, first: the terminal's TERM */
	RELAY_END = 'e',  /* frontend, last: a status byte, then words */
};

struct relay_frame {
	int type;
	const uint8_t *data; /* into the caller's bytes */
	size_t len;
};

/* Append one frame (len at most RELAY_MAX). */
void relay_put(struct bytes *, int type, const void *, size_t len);
/* Append data as DATA frames of at most RELAY_MAX bytes each. */
void relay_put_data(struct bytes *, const void *, size_t len);
/* Append a SIZE frame. */
void relay_put_size(struct bytes *, unsigned cols, unsigned rows);
/*
 * The first whole frame of buf: 1 with *f (pointing into buf) and *used,
 * 0 if more bytes are needed, -1 with *err if the bytes are no frame (an
 * unknown type, a length above RELAY_MAX, a SIZE or TERM of a bad size).
 */
int relay_get(const void *buf, size_t len, struct relay_frame *f, size_t *used,
    const char **err);
/* A SIZE frame's numbers: 0, or -1 if either is 0. */
int relay_size(const struct relay_frame *, unsigned *cols, unsigned *rows);

#endif
