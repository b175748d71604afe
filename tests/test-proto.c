/* test-proto.c: unit tests for the protocol codec, frames and bytes.
 * Round trips, frame diffs, truncated and corrupted input. */
#include "moot.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bytes.h"
#include "frame.h"
#include "keys.h"
#include "proto.h"
#include "utf8.h"

/* Decode exactly one message from b, which must hold nothing else. */
static void
decode_one(const struct bytes *b, struct proto_msg *msg)
{
	const char *err = NULL;
	size_t used = 0;

	assert_int_equal(
	    proto_get(bytes_ptr(b), bytes_len(b), msg, &used, &err), 1);
	assert_null(err);
	assert_int_equal(used, bytes_len(b));
}

/* Decoding data must fail, with a reason containing want. */
#define assert_bad(data, len, want) assert_bad_at(data, len, want, __LINE__)
static void
assert_bad_at(const uint8_t *data, size_t len, const char *want, int line)
{
	struct proto_msg msg;
	const char *err = NULL;
	size_t used = 99;

	if (proto_get(data, len, &msg, &used, &err) != -1)
		fail_msg("line %d: decoded, wanted '%s'", line, want);
	assert_non_null(err);
	if (strstr(err, want) == NULL)
		fail_msg("line %d: error '%s', wanted '%s'", line, err, want);
	/* Nothing to free is left behind. */
	assert_int_equal(msg.type, 0);
}

/* Build a message: u32 length, type and the payload given. */
static void
raw_msg(struct bytes *b, uint8_t type, const void *payload, size_t len)
{
	bytes_clear(b);
	bytes_add_u32(b, len + 1);
	bytes_add_u8(b, type);
	bytes_add(b, payload, len);
}

static void
test_bytes(void **state)
{
	static const uint32_t varints[] = {0, 1, 127, 128, 300, 16383, 16384,
	    0x10ffff, 0x7fffffff, 0xffffffff};
	struct bytes b;
	struct reader r;
	uint8_t *p;
	size_t i;
	char *s;

	bytes_init(&b);
	assert_int_equal(bytes_len(&b), 0);
	bytes_add_u8(&b, 0xab);
	bytes_add_u16(&b, 0x1234);
	bytes_add_u32(&b, 0xdeadbeef);
	bytes_add_str(&b, "hello");
	assert_int_equal(bytes_len(&b), 1 + 2 + 4 + 2 + 5);
	assert_memory_equal(
	    bytes_ptr(&b), "\xab\x12\x34\xde\xad\xbe\xef\x00\x05hello", 14);
	for (i = 0; i < sizeof varints / sizeof varints[0]; i++)
		bytes_add_varint(&b, varints[i]);

	reader_init(&r, bytes_ptr(&b), bytes_len(&b));
	assert_int_equal(reader_u8(&r), 0xab);
	assert_int_equal(reader_u16(&r), 0x1234);
	assert_int_equal(reader_u32(&r), 0xdeadbeef);
	s = reader_str(&r);
	assert_string_equal(s, "hello");
	free(s);
	for (i = 0; i < sizeof varints / sizeof varints[0]; i++)
		assert_int_equal(reader_varint(&r), varints[i]);
	assert_int_equal(r.left, 0);
	assert_int_equal(r.err, 0);
	/* Overrun: zero and err, and err sticks. */
	assert_int_equal(reader_u8(&r), 0);
	assert_int_equal(r.err, 1);
	assert_null(reader_bytes(&r, 0));

	/* Varint encoding sizes. */
	bytes_clear(&b);
	bytes_add_varint(&b, 127);
	assert_int_equal(bytes_len(&b), 1);
	bytes_add_varint(&b, 128);
	assert_int_equal(bytes_len(&b), 3);
	bytes_add_varint(&b, 0xffffffff);
	assert_int_equal(bytes_len(&b), 8);

	/* Varints too long or too large. */
	reader_init(&r, "\x80\x80\x80\x80\x80\x01", 6);
	reader_varint(&r);
	assert_int_equal(r.err, 1);
	reader_init(&r, "\xff\xff\xff\xff\x1f", 5);
	reader_varint(&r);
	assert_int_equal(r.err, 1);
	reader_init(&r, "\xff\xff\xff\xff\x0f", 5);
	assert_int_equal(reader_varint(&r), 0xffffffff);
	assert_int_equal(r.err, 0);
	reader_init(&r, "\x80", 1);
	reader_varint(&r);
	assert_int_equal(r.err, 1);

	/* Strings: NUL inside, too short. */
	reader_init(&r,
	    "\x00\x03"
	    "a\0b",
	    5);
	assert_null(reader_str(&r));
	assert_int_equal(r.err, 1);
	reader_init(&r,
	    "\x00\x04"
	    "abc",
	    5);
	assert_null(reader_str(&r));
	assert_int_equal(r.err, 1);
	reader_init(&r, "\x00\x00", 2);
	s = reader_str(&r);
	assert_string_equal(s, "");
	free(s);

	/* Draining moves the start; draining all resets it. */
	bytes_clear(&b);
	bytes_add(&b, "abcdef", 6);
	bytes_drain(&b, 2);
	assert_int_equal(bytes_len(&b), 4);
	assert_memory_equal(bytes_ptr(&b), "cdef", 4);
	assert_int_equal(b.off, 2);
	bytes_drain(&b, 100);
	assert_int_equal(bytes_len(&b), 0);
	assert_int_equal(b.off, 0);

	/* Reserve and commit. */
	p = bytes_reserve(&b, 3);
	memcpy(p, "xyz", 3);
	bytes_commit(&b, 2);
	assert_int_equal(bytes_len(&b), 2);
	assert_memory_equal(bytes_ptr(&b), "xy", 2);

	/* A queue used as a pipe stays small and keeps the order. */
	bytes_clear(&b);
	for (i = 0; i < 100000; i++) {
		bytes_add_u32(&b, i);
		if (bytes_len(&b) >= 40) {
			reader_init(&r, bytes_ptr(&b), 4);
			assert_int_equal(reader_u32(&r), i - 9);
			bytes_drain(&b, 4);
		}
	}
	assert_true(b.cap <= 128);

	/* Growth keeps the data. */
	bytes_clear(&b);
	for (i = 0; i < 300000; i++)
		bytes_add_u8(&b, i & 0xff);
	assert_int_equal(bytes_len(&b), 300000);
	for (i = 0; i < 300000; i += 997)
		assert_int_equal(bytes_ptr(&b)[i], i & 0xff);
	bytes_free(&b);
	assert_int_equal(b.cap, 0);

	/* An empty queue still has a pointer, reserve 0 is fine. */
	bytes_init(&b);
	assert_non_null(bytes_ptr(&b));
	assert_non_null(bytes_reserve(&b, 0));
	bytes_drain(&b, 0);
	assert_int_equal(bytes_len(&b), 0);
	bytes_free(&b);
	bytes_free(&b);
}

static void
test_round_trip(void **state)
{
	struct proto_msg in, out;
	struct bytes b;

	bytes_init(&b);

	memset(&in, 0, sizeof in);
	in.type = PROTO_HELLO;
	in.u.hello.version = PROTO_VERSION;
	in.u.hello.cols = 80;
	in.u.hello.rows = 24;
	in.u.hello.colours = 256;
	in.u.hello.term = "xterm-256color";
	in.u.hello.notice = "";
	in.u.hello.user = "alice";
	in.u.hello.name = "Alice Liddell \303\251";
	in.u.hello.email = "alice@example.org";
	in.u.hello.key = "SHA256:abc";
	proto_put(&b, &in);
	decode_one(&b, &out);
	assert_int_equal(out.type, PROTO_HELLO);
	assert_int_equal(out.u.hello.version, PROTO_VERSION);
	assert_int_equal(out.u.hello.cols, 80);
	assert_int_equal(out.u.hello.rows, 24);
	assert_int_equal(out.u.hello.colours, 256);
	assert_string_equal(out.u.hello.term, "xterm-256color");
	assert_string_equal(out.u.hello.notice, "");
	assert_string_equal(out.u.hello.user, "alice");
	assert_string_equal(out.u.hello.name, "Alice Liddell \303\251");
	assert_string_equal(out.u.hello.email, "alice@example.org");
	assert_string_equal(out.u.hello.key, "SHA256:abc");
	proto_msg_free(&out);
	assert_null(out.u.hello.term);

	/* Another version: only the version is read. */
	bytes_clear(&b);
	in.u.hello.version = PROTO_VERSION + 1;
	proto_put(&b, &in);
	bytes_add_u8(&b, 0x99); /* unknown later fields */
	b.data[b.off + 3]++;
	decode_one(&b, &out);
	assert_int_equal(out.u.hello.version, PROTO_VERSION + 1);
	assert_int_equal(out.u.hello.cols, 0);
	assert_string_equal(out.u.hello.term, "");
	assert_string_equal(out.u.hello.key, "");
	proto_msg_free(&out);

	bytes_clear(&b);
	memset(&in, 0, sizeof in);
	in.type = PROTO_KEY;
	in.u.key.code = KEYC_CHAR;
	in.u.key.mods = KEYC_MOD_ALT | KEYC_MOD_CTRL;
	in.u.key.cp = 0x1f600;
	proto_put(&b, &in);
	assert_int_equal(bytes_len(&b), 4 + 1 + 2 + 1 + 4 + 1 + 1 + 2 + 2);
	decode_one(&b, &out);
	assert_int_equal(out.type, PROTO_KEY);
	assert_int_equal(out.u.key.code, KEYC_CHAR);
	assert_int_equal(out.u.key.mods, KEYC_MOD_ALT | KEYC_MOD_CTRL);
	assert_int_equal(out.u.key.cp, 0x1f600);
	assert_int_equal(out.u.key.mouse, 0);
	proto_msg_free(&out);

	/* A mouse event (version 3). */
	bytes_clear(&b);
	memset(&in, 0, sizeof in);
	in.type = PROTO_KEY;
	in.u.key.code = KEYC_MOUSE;
	in.u.key.mods = KEYC_MOD_SHIFT;
	in.u.key.mouse = KEYS_MOUSE_DRAG;
	in.u.key.button = KEYS_BUTTON_RIGHT;
	in.u.key.x = 999;
	in.u.key.y = 65535;
	proto_put(&b, &in);
	decode_one(&b, &out);
	assert_int_equal(out.u.key.code, KEYC_MOUSE);
	assert_int_equal(out.u.key.mods, KEYC_MOD_SHIFT);
	assert_int_equal(out.u.key.mouse, KEYS_MOUSE_DRAG);
	assert_int_equal(out.u.key.button, KEYS_BUTTON_RIGHT);
	assert_int_equal(out.u.key.x, 999);
	assert_int_equal(out.u.key.y, 65535);
	proto_msg_free(&out);

	bytes_clear(&b);
	in.type = PROTO_RESIZE;
	in.u.resize.gen = 65535;
	in.u.resize.cols = 1000;
	in.u.resize.rows = 1;
	proto_put(&b, &in);
	decode_one(&b, &out);
	assert_int_equal(out.type, PROTO_RESIZE);
	assert_int_equal(out.u.resize.gen, 65535);
	assert_int_equal(out.u.resize.cols, 1000);
	assert_int_equal(out.u.resize.rows, 1);
	proto_msg_free(&out);

	bytes_clear(&b);
	in.type = PROTO_ACK;
	in.u.ack = 0xfedcba98;
	proto_put(&b, &in);
	assert_memory_equal(bytes_ptr(&b), "\0\0\0\5\4\xfe\xdc\xba\x98", 9);
	decode_one(&b, &out);
	assert_int_equal(out.type, PROTO_ACK);
	assert_int_equal(out.u.ack, 0xfedcba98);
	proto_msg_free(&out);

	bytes_clear(&b);
	in.type = PROTO_WELCOME;
	in.u.welcome = PROTO_VERSION;
	proto_put(&b, &in);
	decode_one(&b, &out);
	assert_int_equal(out.type, PROTO_WELCOME);
	assert_int_equal(out.u.welcome, PROTO_VERSION);
	proto_msg_free(&out);

	bytes_clear(&b);
	in.type = PROTO_BYE;
	in.u.bye = "version 7 is not supported";
	proto_put(&b, &in);
	decode_one(&b, &out);
	assert_int_equal(out.type, PROTO_BYE);
	assert_string_equal(out.u.bye, "version 7 is not supported");
	proto_msg_free(&out);

	bytes_clear(&b);
	in.u.bye = NULL; /* sent as "" */
	proto_put(&b, &in);
	decode_one(&b, &out);
	assert_string_equal(out.u.bye, "");
	proto_msg_free(&out);

	bytes_free(&b);
}

/* Are two frames the same, cell by cell and cursor? */
static void
assert_frame_equal(const struct frame *a, const struct frame *b)
{
	unsigned y;

	assert_int_equal(a->cols, b->cols);
	assert_int_equal(a->rows, b->rows);
	assert_int_equal(a->cx, b->cx);
	assert_int_equal(a->cy, b->cy);
	assert_int_equal(a->cursor_visible, b->cursor_visible);
	assert_int_equal(a->mouse, b->mouse);
	for (y = 0; y < a->rows; y++)
		assert_true(frame_row_equal(a, b, y));
}

/* Send now (diffed against prev) and apply it to have; returns rows. */
static unsigned
send_frame(const struct frame *now, const struct frame *prev,
    struct frame *have, struct proto_msg *out)
{
	struct bytes b;
	unsigned n;

	bytes_init(&b);
	n = proto_put_frame(&b, 7, 3, now, prev);
	decode_one(&b, out);
	assert_int_equal(out->type, PROTO_FRAME);
	assert_int_equal(out->u.frame.seq, 7);
	assert_int_equal(out->u.frame.gen, 3);
	assert_int_equal(out->u.frame.cols, now->cols);
	assert_int_equal(out->u.frame.rows, now->rows);
	assert_int_equal(out->u.frame.nrows, n);
	proto_apply_frame(&out->u.frame, have);
	bytes_free(&b);
	return n;
}

static void
test_paste(void **state)
{
	struct proto_msg in, out;
	struct bytes b;
	uint8_t *big;
	size_t i;

	bytes_init(&b);
	assert_int_equal(PROTO_VERSION, 3);
	assert_int_equal(PROTO_PASTE, 5);
	assert_int_equal(PROTO_PASTE_MAX, 65536);

	/* Bytes exactly as given: NUL, ESC, CR, invalid UTF-8. */
	memset(&in, 0, sizeof in);
	in.type = PROTO_PASTE;
	in.u.paste.last = 0;
	in.u.paste.len = 6;
	in.u.paste.data = (uint8_t *)"a\0\033\r\n\377";
	proto_put(&b, &in);
	assert_int_equal(bytes_len(&b), 4 + 1 + 1 + 4 + 6);
	assert_memory_equal(
	    bytes_ptr(&b), "\0\0\0\014\5\0\0\0\0\6a\0\033\r\n\377", 16);
	decode_one(&b, &out);
	assert_int_equal(out.type, PROTO_PASTE);
	assert_int_equal(out.u.paste.last, 0);
	assert_int_equal(out.u.paste.len, 6);
	assert_memory_equal(out.u.paste.data, "a\0\033\r\n\377", 6);
	proto_msg_free(&out);
	assert_null(out.u.paste.data);

	/* The last piece, empty: data is still not NULL. */
	bytes_clear(&b);
	in.u.paste.last = 1;
	in.u.paste.len = 0;
	in.u.paste.data = NULL;
	proto_put(&b, &in);
	assert_memory_equal(bytes_ptr(&b), "\0\0\0\6\5\1\0\0\0\0", 10);
	assert_int_equal(bytes_len(&b), 10);
	decode_one(&b, &out);
	assert_int_equal(out.u.paste.last, 1);
	assert_int_equal(out.u.paste.len, 0);
	assert_non_null(out.u.paste.data);
	proto_msg_free(&out);

	/* A last flag of any nonzero value is sent as 1. */
	bytes_clear(&b);
	in.u.paste.last = 7;
	proto_put(&b, &in);
	decode_one(&b, &out);
	assert_int_equal(out.u.paste.last, 1);
	proto_msg_free(&out);

	/* The largest piece. */
	big = xmalloc(PROTO_PASTE_MAX);
	for (i = 0; i < PROTO_PASTE_MAX; i++)
		big[i] = (uint8_t)(i * 7 + (i >> 8));
	bytes_clear(&b);
	in.u.paste.last = 0;
	in.u.paste.len = PROTO_PASTE_MAX;
	in.u.paste.data = big;
	proto_put(&b, &in);
	assert_int_equal(bytes_len(&b), 4 + 1 + 1 + 4 + PROTO_PASTE_MAX);
	decode_one(&b, &out);
	assert_int_equal(out.u.paste.last, 0);
	assert_int_equal(out.u.paste.len, PROTO_PASTE_MAX);
	assert_memory_equal(out.u.paste.data, big, PROTO_PASTE_MAX);
	proto_msg_free(&out);

	/* Every prefix of it: need more, nothing decoded. */
	for (i = 0; i < bytes_len(&b); i += (i < 64 ? 1 : 4093)) {
		assert_int_equal(
		    proto_get(bytes_ptr(&b), i, &out, NULL, NULL), 0);
		assert_int_equal(out.type, 0);
	}
	free(big);
	bytes_free(&b);
}

static void
test_frame_diff(void **state)
{
	struct frame *a, *b, *have, *other;
	struct proto_msg out;
	struct bytes bb;

	a = frame_create(40, 10);
	b = frame_create(40, 10);
	have = frame_create(40, 10);

	frame_puts(a, 0, 0, 40, "hello", COLOUR_PERSON(1), 0, CELL_BOLD);
	frame_puts(a, 5, 9, 40, "world", 0, COLOUR_256(196), CELL_REVERSE);
	frame_puts(a, 20, 9, 40, "rgb", COLOUR_RGB(0x12, 0x34, 0x56),
	    COLOUR_RGB(0xff, 0, 0x80), 0);
	a->cx = 7;
	a->cy = 9;
	a->cursor_visible = 0;
	a->mouse = 1;

	/* No previous frame: every row. */
	assert_int_equal(send_frame(a, NULL, have, &out), 10);
	proto_msg_free(&out);
	assert_frame_equal(a, have);

	/* Previous of another size: every row. */
	other = frame_create(40, 11);
	assert_int_equal(send_frame(a, other, have, &out), 10);
	proto_msg_free(&out);
	frame_free(other);

	/* Only the changed rows. */
	frame_copy(b, a);
	frame_puts(b, 3, 4, 40, "changed", COLOUR_PERSON(3), 0, 0);
	frame_put(b, 39, 9, 'z', 0, 0, 0, 0);
	b->cx = 1;
	b->cy = 2;
	b->cursor_visible = 1;
	assert_int_equal(send_frame(b, a, have, &out), 2);
	assert_int_equal(out.u.frame.row[0], 4);
	assert_int_equal(out.u.frame.row[1], 9);
	assert_int_equal(out.u.frame.cx, 1);
	assert_int_equal(out.u.frame.cy, 2);
	assert_int_equal(out.u.frame.cursor_visible, 1);
	proto_msg_free(&out);
	assert_frame_equal(b, have);

	/* Nothing changed: no rows, but the cursor still goes. */
	b->cx = 5;
	assert_int_equal(send_frame(b, b, have, &out), 0);
	proto_msg_free(&out);
	assert_int_equal(have->cx, 5);

	/* A frame of another size is not applied. */
	other = frame_create(20, 10);
	bytes_init(&bb);
	proto_put_frame(&bb, 1, 1, other, NULL);
	decode_one(&bb, &out);
	proto_apply_frame(&out.u.frame, have);
	proto_msg_free(&out);
	assert_frame_equal(b, have);
	bytes_free(&bb);
	frame_free(other);

	/* Blank rows are cheap: a run each. */
	bytes_init(&bb);
	other = frame_create(200, 60);
	proto_put_frame(&bb, 1, 1, other, NULL);
	assert_true(bytes_len(&bb) < 30 + 60 * 5);
	/* Plain text costs about a byte a cell. */
	bytes_clear(&bb);
	frame_puts(other, 0, 0, 200,
	    "The quick brown fox jumps over the "
	    "lazy dog",
	    0, 0, 0);
	assert_int_equal(proto_put_frame(&bb, 2, 1, other, NULL), 60);
	assert_true(bytes_len(&bb) < 30 + 60 * 5 + 44 * 2);
	bytes_free(&bb);
	frame_free(other);

	frame_free(a);
	frame_free(b);
	frame_free(have);
}

static void
test_frame_wide(void **state)
{
	struct frame *f, *have;
	struct proto_msg out;
	const struct cell *c;
	char *text;

	f = frame_create(10, 3);
	have = frame_create(10, 3);

	/* Wide characters, a combining mark, a run of wide ones. */
	frame_puts(f, 0, 0, 10, "a\344\270\255b", COLOUR_PERSON(1),
	    COLOUR_RGB(1, 2, 3), CELL_UNDERLINE);
	frame_put(f, 4, 0, 'e', 0x301, 0, 0, 0);
	frame_puts(
	    f, 0, 1, 10, "\344\270\255\344\270\255\344\270\255x", 0, 0, 0);
	frame_puts(f, 0, 2, 10, "\360\237\230\200e\314\201", COLOUR_256(4),
	    COLOUR_256(4), CELL_DIM | CELL_BOLD);
	c = frame_cell(f, 1, 0);
	assert_int_equal(c->ch, 0x4e2d);
	assert_int_equal(c->attr, CELL_UNDERLINE | CELL_WIDE);
	c = frame_cell(f, 2, 0);
	assert_int_equal(c->ch, 0);
	assert_int_equal(c->attr, CELL_UNDERLINE | CELL_CONT);
	assert_int_equal(c->fg, COLOUR_PERSON(1));
	assert_int_equal(c->bg, COLOUR_RGB(1, 2, 3));
	c = frame_cell(f, 2, 2);
	assert_int_equal(c->ch, 'e');
	assert_int_equal(c->comb, 0x301);

	assert_int_equal(send_frame(f, NULL, have, &out), 3);
	proto_msg_free(&out);
	assert_frame_equal(f, have);
	c = frame_cell(have, 2, 1);
	assert_int_equal(c->ch, 0x4e2d);
	assert_int_equal(c->attr, CELL_WIDE);
	c = frame_cell(have, 3, 1);
	assert_int_equal(c->attr, CELL_CONT);

	text = frame_text(have);
	assert_string_equal(text, "a\344\270\255be\314\201     \n"
	                          "\344\270\255\344\270\255\344\270\255x   \n"
	                          "\360\237\230\200e\314\201       ");
	free(text);

	/* Broken cells are sent well formed: lone halves become blanks. */
	frame_clear(f);
	frame_touch(f, 3, 0)->attr = CELL_CONT;
	frame_touch(f, 3, 0)->ch = 0;
	frame_touch(f, 9, 0)->attr = CELL_WIDE;
	frame_touch(f, 9, 0)->ch = 0x4e2d;
	frame_touch(f, 5, 0)->ch = 0x07;
	frame_touch(f, 6, 0)->ch = 'q';
	frame_touch(f, 6, 0)->comb = 0x1b;
	f->cx = 50;
	f->cy = 50;
	assert_int_equal(send_frame(f, NULL, have, &out), 3);
	proto_msg_free(&out);
	text = frame_text(have);
	assert_string_equal(text, "     ?q   \n          \n          ");
	free(text);
	assert_int_equal(have->cx, 9);
	assert_int_equal(have->cy, 2);

	frame_free(f);
	frame_free(have);
}

/* Every cell of row y the same in a and b, field by field (not frame_row_
 * equal, which trusts the frames' used widths). */
static int
cells_equal(const struct frame *a, const struct frame *b, unsigned y)
{
	const struct cell *ca, *cb;
	unsigned x;

	for (x = 0; x < a->cols; x++) {
		ca = frame_cell(a, x, y);
		cb = frame_cell(b, x, y);
		if (ca->ch != cb->ch || ca->comb != cb->comb ||
		    ca->fg != cb->fg || ca->bg != cb->bg ||
		    ca->attr != cb->attr)
			return 0;
	}
	return 1;
}

/*
 * Clearing and comparing only look at the used part of each row; what is
 * past it is blank, whatever was there before, and a change anywhere
 * (frame_put, frame_touch, frame_row) shows in the comparison.
 */
static void
test_frame_used(void **state)
{
	struct frame *a, *b, *have;
	struct proto_msg out;
	unsigned y;

	a = frame_create(40, 3);
	b = frame_create(40, 3);
	have = frame_create(40, 3);
	for (y = 0; y < 3; y++)
		assert_int_equal(a->used[y], 0);

	frame_puts(a, 0, 0, 40, "thirty columns of text, at last", 0, 0, 0);
	assert_int_equal(a->used[0], 31);
	frame_fill(a, 0, 2, 40, 0, 0, CELL_REVERSE);
	assert_int_equal(a->used[2], 40);
	assert_false(frame_row_equal(a, b, 0));
	assert_true(frame_row_equal(a, b, 1));
	assert_false(frame_row_equal(a, b, 2));
	assert_int_equal(send_frame(a, NULL, have, &out), 3);
	proto_msg_free(&out);

	/* Cleared and drawn shorter: the rest of the row is blank. */
	frame_clear(a);
	assert_int_equal(a->used[0], 0);
	frame_puts(a, 0, 0, 40, "short", 0, 0, 0);
	frame_puts(b, 0, 0, 40, "short", 0, 0, 0);
	for (y = 0; y < 3; y++) {
		assert_true(frame_row_equal(a, b, y));
		assert_true(cells_equal(a, b, y));
	}
	/* Against what was drawn before, rows 0 and 2 changed. */
	assert_int_equal(send_frame(a, have, have, &out), 2);
	proto_msg_free(&out);
	for (y = 0; y < 3; y++)
		assert_true(cells_equal(a, have, y));

	/* A cell past the used part, changed by hand. */
	frame_touch(a, 35, 1)->bg = COLOUR_PERSON(3);
	assert_int_equal(a->used[1], 36);
	assert_false(frame_row_equal(a, b, 1));
	assert_false(frame_row_equal(b, a, 1));
	assert_int_equal(send_frame(a, have, have, &out), 1);
	proto_msg_free(&out);
	assert_true(cells_equal(a, have, 1));
	assert_int_equal(have->used[1], 40); /* a row set whole */

	/* frame_copy keeps the used widths. */
	frame_copy(b, a);
	for (y = 0; y < 3; y++) {
		assert_int_equal(b->used[y], a->used[y]);
		assert_true(frame_row_equal(a, b, y));
	}
	frame_free(a);
	frame_free(b);
	frame_free(have);
}

static void
test_frame_put(void **state)
{
	struct frame *f, *g;
	const struct cell *c;
	char *text;

	f = frame_create(6, 2);
	text = frame_text(f);
	assert_string_equal(text, "      \n      ");
	free(text);
	assert_int_equal(f->cursor_visible, 1);

	/* A wide character at the last column: a blank instead. */
	assert_int_equal(frame_put(f, 5, 0, 0x4e2d, 0, 1, 2, 0), 1);
	c = frame_cell(f, 5, 0);
	assert_int_equal(c->ch, ' ');
	assert_int_equal(c->attr, 0);
	assert_int_equal(c->bg, 2);

	/* Out of range: ignored. */
	assert_int_equal(frame_put(f, 6, 0, 'x', 0, 0, 0, 0), 0);
	assert_int_equal(frame_put(f, 0, 2, 'x', 0, 0, 0, 0), 0);

	/* Overwriting the first half blanks the second. */
	assert_int_equal(frame_put(f, 0, 0, 0x4e2d, 0, 0, 0, 0), 2);
	assert_int_equal(frame_put(f, 0, 0, 'a', 0, 0, 0, 0), 1);
	c = frame_cell(f, 1, 0);
	assert_int_equal(c->ch, ' ');
	assert_int_equal(c->attr, 0);

	/* Overwriting the second half blanks the first. */
	frame_put(f, 2, 0, 0x4e2d, 0, 0, 0, CELL_BOLD);
	frame_put(f, 3, 0, 'b', 0, 0, 0, 0);
	c = frame_cell(f, 2, 0);
	assert_int_equal(c->ch, ' ');
	assert_int_equal(c->attr, CELL_BOLD);

	/* A wide character over the second half of another. */
	frame_clear(f);
	frame_put(f, 0, 0, 0x4e2d, 0, 0, 0, 0);
	frame_put(f, 2, 0, 0x4e2e, 0, 0, 0, 0);
	frame_put(f, 1, 0, 0x4e2f, 0, 0, 0, 0);
	text = frame_text(f);
	assert_string_equal(text, " \344\270\257   \n      ");
	free(text);
	assert_int_equal(frame_cell(f, 3, 0)->attr, 0);
	assert_int_equal(frame_cell(f, 3, 0)->ch, ' ');

	/* Controls become '?', a lone mark sits on a blank, attributes
	 * cannot fake halves. */
	frame_clear(f);
	frame_put(f, 0, 0, 0x1b, 0, 0, 0, 0);
	frame_put(f, 1, 0, 0x301, 0, 0, 0, 0);
	frame_put(f, 2, 0, 'x', 'y', 0, 0, CELL_WIDE | CELL_CONT | CELL_BOLD);
	c = frame_cell(f, 2, 0);
	assert_int_equal(c->attr, CELL_BOLD);
	assert_int_equal(c->comb, 0);
	text = frame_text(f);
	assert_string_equal(text, "? \314\201x   \n      ");
	free(text);

	/* frame_puts: invalid bytes, controls, limits. */
	frame_clear(f);
	assert_int_equal(frame_puts(f, 0, 0, 6, "a\377b\tc", 0, 0, 0), 5);
	text = frame_text(f);
	assert_string_equal(text, "a\357\277\275b?c \n      ");
	free(text);
	assert_int_equal(frame_puts(f, 1, 1, 3, "wxyz", 0, 0, 0), 3);
	/* A wide character that does not fit before the limit. */
	assert_int_equal(frame_puts(f, 3, 1, 5, "a\344\270\255z", 0, 0, 0), 5);
	text = frame_text(f);
	assert_string_equal(text, "a\357\277\275b?c \n wxa  ");
	free(text);
	/* A limit past the edge is the edge; y out of range is nothing. */
	assert_int_equal(frame_puts(f, 4, 0, 100, "123456", 0, 0, 0), 6);
	assert_int_equal(frame_puts(f, 0, 5, 6, "abc", 0, 0, 0), 0);
	/* A combining mark first in the string sits on a blank. */
	frame_clear(f);
	assert_int_equal(
	    frame_puts(f, 0, 0, 6, "\314\201a\314\201\314\202", 0, 0, 0), 2);
	assert_int_equal(frame_cell(f, 0, 0)->ch, ' ');
	assert_int_equal(frame_cell(f, 0, 0)->comb, 0x301);
	assert_int_equal(frame_cell(f, 1, 0)->comb, 0x301);

	/* frame_fill. */
	frame_clear(f);
	frame_puts(f, 0, 1, 6, "abcdef", 0, 0, 0);
	frame_put(f, 0, 1, 0x4e2d, 0, 0, 0, 0);
	frame_fill(f, 1, 1, 4, 3, 4, CELL_REVERSE);
	c = frame_cell(f, 0, 1);
	assert_int_equal(c->ch, ' ');
	c = frame_cell(f, 3, 1);
	assert_int_equal(c->bg, 4);
	assert_int_equal(c->attr, CELL_REVERSE);
	text = frame_text(f);
	assert_string_equal(text, "      \n    ef");
	free(text);

	/* frame_copy and frame_row_equal. */
	g = frame_create(6, 2);
	assert_false(frame_row_equal(f, g, 1));
	assert_true(frame_row_equal(f, g, 0));
	assert_false(frame_row_equal(f, g, 2));
	frame_copy(g, f);
	assert_true(frame_row_equal(f, g, 1));
	frame_free(g);
	g = frame_create(3, 1);
	frame_copy(g, f);
	assert_int_equal(g->cols, 6);
	assert_int_equal(g->rows, 2);
	assert_true(frame_row_equal(f, g, 1));
	frame_free(g);

	frame_free(f);
}

/* Several valid messages in one buffer. */
static void
put_samples(struct bytes *b)
{
	struct proto_msg m;
	struct frame *f;

	memset(&m, 0, sizeof m);
	m.type = PROTO_HELLO;
	m.u.hello.version = PROTO_VERSION;
	m.u.hello.cols = 20;
	m.u.hello.rows = 5;
	m.u.hello.term = "xterm";
	m.u.hello.notice = "hi";
	m.u.hello.user = "u";
	m.u.hello.name = "N";
	m.u.hello.email = "";
	m.u.hello.key = "k";
	proto_put(b, &m);
	memset(&m, 0, sizeof m);
	m.type = PROTO_KEY;
	m.u.key.code = KEYC_UP;
	proto_put(b, &m);
	m.type = PROTO_RESIZE;
	m.u.resize.gen = 2;
	m.u.resize.cols = 20;
	m.u.resize.rows = 5;
	proto_put(b, &m);
	m.type = PROTO_ACK;
	m.u.ack = 1;
	proto_put(b, &m);
	m.type = PROTO_PASTE;
	m.u.paste.last = 0;
	m.u.paste.len = 3;
	m.u.paste.data = (uint8_t *)"a\033b";
	proto_put(b, &m);
	m.u.paste.last = 1;
	m.u.paste.len = 0;
	m.u.paste.data = NULL;
	proto_put(b, &m);
	m.type = PROTO_WELCOME;
	m.u.welcome = 1;
	proto_put(b, &m);
	m.type = PROTO_BYE;
	m.u.bye = "bye";
	proto_put(b, &m);

	f = frame_create(20, 5);
	frame_puts(f, 0, 1, 20, "x\344\270\255y\314\201", COLOUR_PERSON(2),
	    COLOUR_RGB(9, 8, 7), CELL_BOLD);
	proto_put_frame(b, 1, 2, f, NULL);
	frame_free(f);
}

static void
test_truncated(void **state)
{
	struct proto_msg msg;
	struct bytes b;
	const uint8_t *p;
	size_t len, used, whole, cut, n = 0;
	const char *err;

	bytes_init(&b);
	put_samples(&b);
	p = bytes_ptr(&b);
	len = bytes_len(&b);
	while (len > 0) {
		/* Every prefix of a message: need more. */
		assert_int_equal(proto_get(p, len, &msg, &used, &err), 1);
		proto_msg_free(&msg);
		whole = used;
		for (cut = 0; cut < whole; cut++) {
			err = NULL;
			assert_int_equal(
			    proto_get(p, cut, &msg, &used, &err), 0);
			assert_null(err);
			assert_int_equal(used, 0);
		}
		assert_int_equal(proto_get(p, len, &msg, &used, &err), 1);
		proto_msg_free(&msg);
		p += used;
		len -= used;
		n++;
	}
	assert_int_equal(n, 9);
	bytes_free(&b);
}

/* A frame message with the given header and raw row bytes. */
static void
raw_frame(struct bytes *b, unsigned cols, unsigned rows, unsigned cx,
    unsigned cy, unsigned visible, unsigned nrows, const void *body, size_t len)
{
	struct bytes p;

	bytes_init(&p);
	bytes_add_u32(&p, 1);
	bytes_add_u16(&p, 0);
	bytes_add_u16(&p, cols);
	bytes_add_u16(&p, rows);
	bytes_add_u16(&p, cx);
	bytes_add_u16(&p, cy);
	bytes_add_u8(&p, visible);
	bytes_add_u8(&p, 0); /* mouse */
	bytes_add_u16(&p, nrows);
	bytes_add(&p, body, len);
	raw_msg(b, PROTO_FRAME, bytes_ptr(&p), bytes_len(&p));
	bytes_free(&p);
}

static void
test_corrupt(void **state)
{
	struct proto_msg msg;
	struct bytes b;
	size_t used;
	const char *err;

	bytes_init(&b);

	/* Framing. */
	assert_bad((const uint8_t *)"\0\0\0\0\1", 5, "length");
	assert_bad((const uint8_t *)"\x01\0\0\x01\1", 5, "length");
	assert_bad((const uint8_t *)"\0\0\0\1\x63", 5, "unknown message type");
	assert_bad((const uint8_t *)"\0\0\0\1\0", 5, "unknown message type");
	/* An unknown type is found before the whole message is there. */
	assert_bad(
	    (const uint8_t *)"\0\0\0\x50\x06", 5, "unknown message type");

	/* Too short and too long payloads. */
	raw_msg(&b, PROTO_KEY, "\0\3\0\0\0", 5);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "too short");
	raw_msg(&b, PROTO_KEY, "\0\3\0\0\0\0\x41\0\0\0\0\0", 12);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "too short");
	raw_msg(&b, PROTO_KEY, "\0\3\0\0\0\0\x41\0\0\0\0\0\0\0", 14);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "trailing");
	raw_msg(&b, PROTO_ACK, "", 0);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "too short");
	raw_msg(&b, PROTO_WELCOME, "\0\1\0", 3);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "trailing");
	raw_msg(&b, PROTO_BYE, "\0\5ab", 4);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "string");
	raw_msg(&b, PROTO_BYE, "\0\3a\0b", 5);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "string");

	/* Keys. */
	raw_msg(&b, PROTO_KEY, "\0\x63\0\0\0\0\x41\0\0\0\0\0\0", 13);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "bad key");
	raw_msg(&b, PROTO_KEY, "\0\1\x08\0\0\0\x41\0\0\0\0\0\0", 13);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "bad key");
	raw_msg(&b, PROTO_KEY, "\0\1\0\0\x11\0\0\0\0\0\0\0\0", 13);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "bad key");
	/* Mouse fields: a whole mouse event, or none. */
	raw_msg(&b, PROTO_KEY, "\0\1\0\0\0\0\x41\0\0\0\1\0\0", 13);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "mouse"); /* char at x 1 */
	raw_msg(&b, PROTO_KEY, "\0\x17\0\0\0\0\0\0\0\0\1\0\2", 13);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "mouse"); /* what? */
	raw_msg(&b, PROTO_KEY, "\0\x17\0\0\0\0\0\6\0\0\1\0\2", 13);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "mouse"); /* 6 */
	raw_msg(&b, PROTO_KEY, "\0\x17\0\0\0\0\0\1\3\0\1\0\2", 13);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "mouse"); /* button 3 */
	raw_msg(&b, PROTO_KEY, "\0\x17\0\0\0\0\0\4\1\0\1\0\2", 13);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "mouse"); /* wheel button */
	raw_msg(&b, PROTO_KEY, "\0\x17\0\0\0\0\x41\1\0\0\1\0\2", 13);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "mouse"); /* a cp */
	raw_msg(&b, PROTO_KEY, "\0\x17\0\0\0\0\0\3\1\0\1\0\2", 13);
	assert_int_equal(
	    proto_get(bytes_ptr(&b), bytes_len(&b), &msg, &used, &err), 1);
	assert_int_equal(msg.u.key.mouse, KEYS_MOUSE_RELEASE);
	assert_int_equal(msg.u.key.x, 1);
	assert_int_equal(msg.u.key.y, 2);
	proto_msg_free(&msg);

	/* Pastes. */
	raw_msg(&b, PROTO_PASTE, "\0\0\0\0\2ab", 7);
	assert_int_equal(
	    proto_get(bytes_ptr(&b), bytes_len(&b), &msg, &used, &err), 1);
	assert_int_equal(msg.u.paste.len, 2);
	proto_msg_free(&msg);
	raw_msg(&b, PROTO_PASTE, "", 0);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "too short");
	raw_msg(&b, PROTO_PASTE, "\1\0\0\0", 4);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "too short");
	raw_msg(&b, PROTO_PASTE, "\0\0\0\0\3ab", 7); /* length > data */
	assert_bad(bytes_ptr(&b), bytes_len(&b), "too short");
	raw_msg(&b, PROTO_PASTE, "\0\0\0\0\1ab", 7); /* length < data */
	assert_bad(bytes_ptr(&b), bytes_len(&b), "trailing");
	raw_msg(&b, PROTO_PASTE, "\2\0\0\0\0", 5);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "paste flag");
	raw_msg(&b, PROTO_PASTE, "\xff\0\0\0\0", 5);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "paste flag");
	/* One byte over the limit, with all its bytes there. */
	{
		uint8_t *over = xcalloc(1, 5 + PROTO_PASTE_MAX + 1);

		over[2] = 0x01; /* length 0x00010001 */
		over[4] = 0x01;
		raw_msg(&b, PROTO_PASTE, over, 5 + PROTO_PASTE_MAX + 1);
		assert_bad(bytes_ptr(&b), bytes_len(&b), "too long");
		/* Like any message, checked once it is all there. */
		assert_int_equal(
		    proto_get(bytes_ptr(&b), 4 + 1 + 5, &msg, &used, &err), 0);
		free(over);
	}
	raw_msg(&b, PROTO_PASTE, "\0\xff\xff\xff\xff", 5);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "too long");

	/* Sizes. */
	raw_msg(&b, PROTO_RESIZE, "\0\1\0\0\0\5", 6);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "size");
	raw_msg(&b, PROTO_RESIZE, "\0\1\x03\xe9\0\5", 6);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "size");
	/* At most PROTO_MAX_COLS x PROTO_MAX_ROWS: 1000 x 500. */
	raw_msg(&b, PROTO_RESIZE, "\0\1\x03\xe8\x01\xf4", 6);
	assert_int_equal(
	    proto_get(bytes_ptr(&b), bytes_len(&b), &msg, &used, &err), 1);
	assert_int_equal(msg.u.resize.cols, 1000);
	assert_int_equal(msg.u.resize.rows, 500);
	proto_msg_free(&msg);
	raw_msg(&b, PROTO_RESIZE, "\0\1\x03\xe8\x01\xf5", 6);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "size");
	/* (HELLOs of this version, 3.) */
	raw_msg(&b, PROTO_HELLO, "\0\3\0\x50\0\0\0\0", 8);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "size");
	raw_msg(&b, PROTO_HELLO, "\0\3\0\x50\0\x18\0\0\0\0", 10);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "string");

	/* A good frame to start from: 3 x 2, row 1 is "abc". */
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\1\0\x61\0\x62\0\x63", 8);
	assert_int_equal(
	    proto_get(bytes_ptr(&b), bytes_len(&b), &msg, &used, &err), 1);
	assert_int_equal(msg.u.frame.cells[2].ch, 'c');
	proto_msg_free(&msg);

	/* Frame header. */
	raw_frame(&b, 0, 2, 0, 0, 1, 0, "", 0);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "frame size");
	raw_frame(&b, 3, 1001, 0, 0, 1, 0, "", 0);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "frame size");
	raw_frame(&b, 3, 501, 0, 0, 1, 0, "", 0);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "frame size");
	raw_frame(&b, 1001, 3, 0, 0, 1, 0, "", 0);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "frame size");
	raw_frame(&b, 3, 2, 3, 0, 1, 0, "", 0);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cursor");
	raw_frame(&b, 3, 2, 0, 2, 1, 0, "", 0);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cursor");
	raw_frame(&b, 3, 2, 0, 0, 2, 0, "", 0);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cursor");
	raw_frame(&b, 3, 2, 0, 0, 1, 3, "\0\0\x41\2\0\1\x41\2\0\1\x41\2", 12);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "row count");
	raw_frame(&b, 3, 2, 0, 0, 1, 2, "\0\0\x41\2", 4);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "too short");

	/* Row indexes. */
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\2\x41\2", 4);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "row index");
	raw_frame(&b, 3, 2, 0, 0, 1, 2, "\0\1\x41\2\0\1\x41\2", 8);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "row index");
	raw_frame(&b, 3, 2, 0, 0, 1, 2, "\0\1\x41\2\0\0\x41\2", 8);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "row index");

	/* Cells. */
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x41\3", 4); /* run too long */
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell");
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x41\1", 4); /* run too short */
	assert_bad(bytes_ptr(&b), bytes_len(&b), "too short");
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x41\0\1\1", 6); /* run of 0 */
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell");
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x81\1\1", 5); /* reserved */
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell");
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\1\1\x21", 5); /* wide at end */
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell");
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x41\1\0\x07", 6); /* control */
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell");
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x41\1\0\x80\x80\x44", 8);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell"); /* > U+10FFFF */
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x41\1\0\x80\xb0\x03", 8);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell"); /* surrogate */
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x41\1\0\xae\x40", 7);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell"); /* U+202E */
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x41\1\x10\x61\xae\x40", 8);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell"); /* mark U+202E */
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x41\1\x10\x61\x81\x06", 8);
	assert_int_equal(
	    proto_get(bytes_ptr(&b), bytes_len(&b), &msg, &used, &err),
	    1); /* mark U+0301 */
	assert_int_equal(msg.u.frame.cells[2].comb, 0x301);
	proto_msg_free(&msg);
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x49\x40\2", 5); /* WIDE attr */
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell");
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x51\0\2", 5); /* comb 0 */
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell");
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x41\2\0", 5); /* trailing */
	assert_bad(bytes_ptr(&b), bytes_len(&b), "trailing");

	/* The mouse flag is 0 or 1. */
	raw_frame(&b, 3, 2, 0, 0, 1, 0, "", 0);
	b.data[b.off + 4 + 1 + 4 + 2 * 5 + 1] = 2;
	assert_bad(bytes_ptr(&b), bytes_len(&b), "mouse");

	/* Colours: a tag and its value, nothing else. */
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x43\0\0\0\1\2", 8);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell"); /* untagged 1 */
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x45\4\0\0\0\2", 8);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell"); /* tag 4 */
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x43\1\0\0\0\2", 8);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell"); /* person 0 */
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x43\1\0\0\x0d\2", 8);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell"); /* person 13 */
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x45\2\0\1\0\2", 8);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "cell"); /* index 256 */
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x43\3\xff\x80\0", 7);
	assert_bad(bytes_ptr(&b), bytes_len(&b), "too short");
	raw_frame(&b, 3, 2, 0, 0, 1, 1, "\0\0\x47\3\xff\x80\0\1\0\0\x0c\2", 12);
	assert_int_equal(
	    proto_get(bytes_ptr(&b), bytes_len(&b), &msg, &used, &err), 1);
	assert_int_equal(msg.u.frame.cells[2].fg, COLOUR_RGB(0xff, 0x80, 0));
	assert_int_equal(msg.u.frame.cells[2].bg, COLOUR_PERSON(12));
	proto_msg_free(&msg);

	/* Good again: a wide char and a run (to the byte). */
	raw_frame(&b, 3, 2, 2, 1, 0, 1, "\0\0\x20\xa4\x9c\1\x03\2\0\0\x2a", 11);
	assert_int_equal(
	    proto_get(bytes_ptr(&b), bytes_len(&b), &msg, &used, &err), 1);
	assert_int_equal(msg.u.frame.cells[0].ch, 0x4e24);
	assert_int_equal(msg.u.frame.cells[0].attr, CELL_WIDE);
	assert_int_equal(msg.u.frame.cells[1].attr, CELL_CONT);
	assert_int_equal(msg.u.frame.cells[2].ch, ' ');
	assert_int_equal(msg.u.frame.cells[2].fg, COLOUR_256(42));
	assert_int_equal(msg.u.frame.cursor_visible, 0);
	proto_msg_free(&msg);

	bytes_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bytes),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_paste),
	    cmocka_unit_test(test_frame_diff),
	    cmocka_unit_test(test_frame_wide),
	    cmocka_unit_test(test_frame_put),
	    cmocka_unit_test(test_frame_used),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_corrupt),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
