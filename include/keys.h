/* keys.h: decoding the bytes a terminal sends into key events.
 * Runs in the frontend; pure and incremental, so it can be fuzzed. */
#ifndef MOOT_KEYS_H
#define MOOT_KEYS_H

#include <stddef.h>
#include <stdint.h>

enum keyc {
	KEYC_NONE = 0,
	KEYC_CHAR, /* a printable code point in cp */
	KEYC_CTRL, /* Ctrl + letter: cp is 'a'..'z' (also '@' '[' '\\' ']' '^'
	              '_') */
	KEYC_UP,
	KEYC_DOWN,
	KEYC_LEFT,
	KEYC_RIGHT,
	KEYC_HOME,
	KEYC_END,
	KEYC_PGUP,
	KEYC_PGDN,
	KEYC_INSERT,
	KEYC_DELETE,
	KEYC_BACKSPACE,
	KEYC_ENTER,
	KEYC_TAB,
	KEYC_BTAB, /* Shift-Tab */
	KEYC_ESC,
	KEYC_F,           /* function key, number in cp (1..24) */
	KEYC_PASTE_START, /* bracketed paste begins */
	KEYC_PASTE_END,
	KEYC_INVALID, /* an invalid byte where text was expected; byte in cp */
	KEYC_UNKNOWN, /* an escape sequence we do not know (ignored) */
	KEYC_MOUSE    /* a mouse report (SGR 1006): mouse, button, x, y */
	/* On the wire (docs/protocol.md): new codes only ever at the end. */
};

/* What a KEYC_MOUSE says happened. */
enum keys_mouse {
	KEYS_MOUSE_NONE = 0,
	KEYS_MOUSE_PRESS,   /* a button went down */
	KEYS_MOUSE_DRAG,    /* moved with a button down */
	KEYS_MOUSE_RELEASE, /* a button went up */
	KEYS_MOUSE_WHEEL_UP,
	KEYS_MOUSE_WHEEL_DOWN
};
#define KEYS_MOUSE_LAST KEYS_MOUSE_WHEEL_DOWN
#define KEYS_BUTTON_LEFT 0
#define KEYS_BUTTON_MIDDLE 1
#define KEYS_BUTTON_RIGHT 2

#define KEYC_MOD_SHIFT 0x01
#define KEYC_MOD_ALT 0x02
#define KEYC_MOD_CTRL 0x04

struct key_event {
	uint16_t code; /* enum keyc */
	uint8_t mods;
	uint32_t cp;
	/* KEYC_MOUSE only (else 0): enum keys_mouse, the button
	 * (KEYS_BUTTON_*; 0 for the wheel) and the cell, from 0, 0 at the
	 * top left. */
	uint8_t mouse;
	uint8_t button;
	uint16_t x, y;
};

typedef void (*keys_cb)(const struct key_event *, void *);
/* Bytes of a bracketed paste, exactly as the terminal sent them. */
typedef void (*keys_paste_cb)(const unsigned char *, size_t, void *);

struct keys {
	unsigned char pending[64];
	size_t npending;

	keys_paste_cb paste_cb; /* NULL: pastes are decoded as keys */
	void *paste_arg;
	int paste;      /* inside a bracketed paste */
	size_t nmarker; /* bytes of a possible end marker held back */
};

void keys_init(struct keys *);
/* Feed bytes; complete keys are passed to cb. An incomplete sequence is
 * kept until more bytes come or keys_flush() is called (after a short
 * timeout: a lone ESC is the Esc key, ESC + key is Alt + key). */
void keys_feed(struct keys *, const unsigned char *, size_t, keys_cb, void *);
/* Inside a paste there is no timeout: keys_flush() keeps a partial end
 * marker held back (it may be the start of ESC[201~). */
void keys_flush(struct keys *, keys_cb, void *);
/* Is there an incomplete key that keys_flush() would resolve? (Never
 * inside a paste.) */
int keys_pending(const struct keys *);
/*
 * Take bracketed pastes out of the key stream. With a paste callback set,
 * ESC[200~ is reported as KEYC_PASTE_START; every byte after it up to
 * ESC[201~ goes to the paste callback, in pieces as it arrives (an ESC or
 * a control byte there is text, not a key; no piece is empty); then
 * ESC[201~ is reported as KEYC_PASTE_END. An ESC[201~ outside a paste is
 * then KEYC_UNKNOWN, so each PASTE_END follows a PASTE_START. Without a
 * paste callback (NULL, the default) the bytes of a paste are decoded as
 * keys between PASTE_START and PASTE_END. Set it before the first feed,
 * never from inside a callback; clearing it inside a paste leaves the
 * paste, dropping any part of an end marker held back.
 */
void keys_set_paste(struct keys *, keys_paste_cb, void *);
/* A short name for a key ("C-s", "Up", "S-Left", "a"), for logs and tests. */
const char *keys_name(const struct key_event *, char *buf, size_t len);

#endif
