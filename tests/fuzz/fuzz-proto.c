/* fuzz-proto.c: libFuzzer target for the protocol decoder.
 * Every message decoded is encoded again and must decode the same. */
#include "moot.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "frame.h"
#include "proto.h"

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
check_str(const char *a, const char *b)
{
	check(a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
check_cells(const struct cell *a, const struct cell *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		check(a[i].ch == b[i].ch);
		check(a[i].comb == b[i].comb);
		check(a[i].fg == b[i].fg);
		check(a[i].bg == b[i].bg);
		check(a[i].attr == b[i].attr);
	}
}

static void
check_equal(const struct proto_msg *a, const struct proto_msg *b)
{
	const struct proto_hello *ha = &a->u.hello, *hb = &b->u.hello;
	const struct proto_frame *fa = &a->u.frame, *fb = &b->u.frame;
	unsigned i;

	check(a->type == b->type);
	switch (a->type) {
	case PROTO_HELLO:
		check(ha->version == hb->version);
		check(ha->cols == hb->cols && ha->rows == hb->rows);
		check(ha->colours == hb->colours);
		check_str(ha->term, hb->term);
		check_str(ha->notice, hb->notice);
		check_str(ha->user, hb->user);
		check_str(ha->name, hb->name);
		check_str(ha->email, hb->email);
		check_str(ha->key, hb->key);
		break;
	case PROTO_KEY:
		check(a->u.key.code == b->u.key.code);
		check(a->u.key.mods == b->u.key.mods);
		check(a->u.key.cp == b->u.key.cp);
		check(a->u.key.mouse == b->u.key.mouse);
		check(a->u.key.button == b->u.key.button);
		check(a->u.key.x == b->u.key.x);
		check(a->u.key.y == b->u.key.y);
		break;
	case PROTO_RESIZE:
		check(a->u.resize.gen == b->u.resize.gen);
		check(a->u.resize.cols == b->u.resize.cols);
		check(a->u.resize.rows == b->u.resize.rows);
		break;
	case PROTO_ACK:
		check(a->u.ack == b->u.ack);
		break;
	case PROTO_PASTE:
		check(a->u.paste.last == b->u.paste.last);
		check(a->u.paste.last <= 1);
		check(a->u.paste.len == b->u.paste.len);
		check(a->u.paste.len <= PROTO_PASTE_MAX);
		check(a->u.paste.data != NULL && b->u.paste.data != NULL);
		check(memcmp(a->u.paste.data, b->u.paste.data,
		          a->u.paste.len) == 0);
		break;
	case PROTO_WELCOME:
		check(a->u.welcome == b->u.welcome);
		break;
	case PROTO_BYE:
		check_str(a->u.bye, b->u.bye);
		break;
	case PROTO_FRAME:
		check(fa->seq == fb->seq && fa->gen == fb->gen);
		check(fa->cols == fb->cols && fa->rows == fb->rows);
		check(fa->cx == fb->cx && fa->cy == fb->cy);
		check(fa->cursor_visible == fb->cursor_visible);
		check(fa->mouse == fb->mouse);
		check(fa->nrows == fb->nrows);
		for (i = 0; i < fa->nrows; i++)
			check(fa->row[i] == fb->row[i]);
		check_cells(fa->cells, fb->cells, (size_t)fa->nrows * fa->cols);
		break;
	default:
		check(0);
	}
}

/* Encode msg again and decode it: the same message must come back. */
static void
round_trip(const struct proto_msg *msg)
{
	struct proto_msg again, third;
	struct frame *f, *g;
	struct bytes b;
	size_t used;
	const char *err;
	unsigned y;

	bytes_init(&b);
	proto_put(&b, msg);
	check(
	    proto_get(bytes_ptr(&b), bytes_len(&b), &again, &used, &err) == 1);
	check(used == bytes_len(&b));
	check_equal(msg, &again);
	proto_msg_free(&again);

	if (msg->type == PROTO_FRAME) {
		/* Apply to a frame, send that whole, apply again: same. */
		f = frame_create(msg->u.frame.cols, msg->u.frame.rows);
		proto_apply_frame(&msg->u.frame, f);
		bytes_clear(&b);
		check(proto_put_frame(&b, 1, 2, f, NULL) == f->rows);
		check(proto_get(bytes_ptr(&b), bytes_len(&b), &third, &used,
		          &err) == 1);
		g = frame_create(f->cols, f->rows);
		proto_apply_frame(&third.u.frame, g);
		for (y = 0; y < f->rows; y++)
			check(frame_row_equal(f, g, y));
		check(f->cx == g->cx && f->cy == g->cy);
		proto_msg_free(&third);
		free(frame_text(g));
		frame_free(f);
		frame_free(g);
	}
	bytes_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_msg msg;
	const char *err;
	size_t off = 0, used;

	while (off < size) {
		if (proto_get(data + off, size - off, &msg, &used, &err) != 1)
			break;
		check(used > 0 && used <= size - off);
		round_trip(&msg);
		proto_msg_free(&msg);
		off += used;
	}
	return 0;
}
