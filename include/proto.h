/* proto.h: the versioned binary protocol between daemon and frontends.
 * docs/protocol.md describes the wire format; this is its codec. */
#ifndef MOOT_PROTO_H
#define MOOT_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "frame.h"

#define PROTO_VERSION 3 /* 2: PASTE; 3: wide colours, the mouse */
#define PROTO_MAX_MSG (16U * 1024 * 1024) /* longest message accepted */
#define PROTO_PASTE_MAX (64U * 1024)      /* most bytes in one PASTE */

/*
 * The largest terminal: what a screen can show. An 8K display (7680x4320
 * pixels) filled with a small 8x16 pixel font shows 960 columns by 270
 * rows, or 540 by 480 turned on its side. A terminal that says it is
 * larger is drawn at this size, in its top left corner.
 */
#define PROTO_MAX_COLS 1000
#define PROTO_MAX_ROWS 500

enum proto_type {
	/* frontend -> daemon */
	PROTO_HELLO = 1,
	PROTO_KEY = 2,
	PROTO_RESIZE = 3,
	PROTO_ACK = 4,
	PROTO_PASTE = 5,
	/* daemon -> frontend */
	PROTO_WELCOME = 16,
	PROTO_FRAME = 17,
	/* both ways */
	PROTO_BYE = 32
};

struct proto_hello {
	uint16_t version;
	uint16_t cols, rows;
	uint16_t colours; /* colours the terminal has: 8, 256, ... (0: none) */
	char *term;       /* TERM in use */
	char *notice;     /* something to tell the person ("" if nothing) */
	char *user;       /* SSH user name */
	char *name;       /* display name */
	char *email;      /* "" if unknown */
	char *key;        /* key fingerprint (SHA256:...) */
};

struct proto_key {
	uint16_t code;
	uint8_t mods;
	uint32_t cp;
	/* KEYC_MOUSE only, else 0 (struct key_event, keys.h). */
	uint8_t mouse;
	uint8_t button;
	uint16_t x, y;
};

/* A piece of a bracketed paste; the bytes are exactly what the terminal
 * sent (ESC, NUL, CR included). */
struct proto_paste {
	uint8_t last;  /* 1: the paste ends with this piece; 0: more follows */
	uint32_t len;  /* at most PROTO_PASTE_MAX */
	uint8_t *data; /* len bytes; decoded: never NULL, even if len is 0 */
};

struct proto_resize {
	uint16_t gen; /* increases with each resize */
	uint16_t cols, rows;
};

struct proto_frame {
	uint32_t seq;
	uint16_t gen; /* the resize generation this frame was made for */
	uint16_t cols, rows;
	uint16_t cx, cy;
	uint8_t cursor_visible;
	uint8_t mouse;      /* 1: the terminal should send mouse reports */
	uint16_t nrows;     /* rows carried */
	uint16_t *row;      /* their indexes, ascending */
	struct cell *cells; /* nrows * cols */
};

struct proto_msg {
	uint8_t type;
	union {
		struct proto_hello hello;
		struct proto_key key;
		struct proto_resize resize;
		struct proto_paste paste;
		uint32_t ack;     /* PROTO_ACK: seq of the frame drawn */
		uint16_t welcome; /* PROTO_WELCOME: daemon's version */
		struct proto_frame frame;
		char *bye; /* PROTO_BYE: reason shown to the person ("" if none)
		            */
	} u;
};

/* Append an encoded message to out. For PROTO_FRAME use proto_put_frame. */
void proto_put(struct bytes *out, const struct proto_msg *);
/* Append a frame message carrying the rows of now that differ from prev
 * (every row when prev is NULL or of another size). Returns the number of
 * rows carried. */
unsigned proto_put_frame(struct bytes *out, uint32_t seq, uint16_t gen,
    const struct frame *now, const struct frame *prev);
/* Decode one message from the front of in[0..len). Returns 1 and sets
 * *used when a whole message was decoded into msg (free with
 * proto_msg_free), 0 when more bytes are needed, -1 on malformed input
 * (*err says why, a static string). */
int proto_get(const uint8_t *in, size_t len, struct proto_msg *msg,
    size_t *used, const char **err);
void proto_msg_free(struct proto_msg *);
/* Apply a decoded frame message to f (which must be cols x rows). */
void proto_apply_frame(const struct proto_frame *, struct frame *f);

#endif
