/* proto.c: encoding and decoding the messages of the moot protocol.
 * Decoding trusts nothing: every field is checked before it is used. */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "frame.h"
#include "keys.h"
#include "proto.h"
#include "utf8.h"

/*
 * docs/protocol.md describes the wire format. In short: each message is
 * a u32 big-endian length (of what follows), a u8 type and the payload.
 *
 * A frame row is a list of cell items, each starting with a flags byte.
 * Colours and attributes carry over from one item to the next (each row
 * starts from 0, 0, 0), so a row of plain text costs about one byte a
 * cell, and a run of identical cells is one item.
 */
#define ITEM_SPACE 0x01 /* ch is ' ' (else a varint ch follows) */
#define ITEM_FG 0x02    /* a u32 foreground colour follows */
#define ITEM_BG 0x04    /* a u32 background colour follows */
#define ITEM_ATTR 0x08  /* a u8 of attributes follows */
#define ITEM_COMB 0x10  /* a varint combining mark follows */
#define ITEM_WIDE 0x20  /* a two-column character (both columns) */
#define ITEM_RUN 0x40   /* a varint follows: how many more times */
#define ITEM_RESERVED 0x80

/* Attributes a cell item may carry (not the wide-character halves). */
#define PROTO_ATTR_MASK ((uint8_t) ~(CELL_WIDE | CELL_CONT))

/* One cell item, as sent: a character of one or two columns. */
struct proto_item {
	uint32_t ch, comb;
	uint32_t fg, bg;
	uint8_t attr;
	int wide;
};

static void
proto_set_err(const char **err, const char *why)
{
	if (err != NULL)
		*err = why;
}

/* May this code point be sent as a cell's character or mark? Never a
 * control, nor one that can reorder or hide text (utf8_invisible). */
static int
proto_cp_ok(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	return cp <= 0x10ffff && !utf8_invisible(cp);
}

static int
proto_size_ok(unsigned cols, unsigned rows)
{
	return cols >= 1 && cols <= PROTO_MAX_COLS && rows >= 1 &&
	       rows <= PROTO_MAX_ROWS;
}

/* Start a message: room for the length, then the type. */
static size_t
proto_begin(struct bytes *out, uint8_t type)
{
	size_t start = bytes_len(out);

	bytes_add_u32(out, 0);
	bytes_add_u8(out, type);
	return start;
}

/* Fill in the length of the message started at start. */
static void
proto_end(struct bytes *out, size_t start)
{
	uint8_t *p = out->data + out->off + start;
	size_t n = bytes_len(out) - start - 4;

	p[0] = n >> 24;
	p[1] = n >> 16;
	p[2] = n >> 8;
	p[3] = n;
}

/* Patch a u16 written earlier at offset at. */
static void
proto_patch_u16(struct bytes *out, size_t at, uint16_t v)
{
	uint8_t *p = out->data + out->off + at;

	p[0] = v >> 8;
	p[1] = v;
}

/*
 * The item for the cell at x of a row, made well formed: a wide character
 * takes its second column along; a lone half becomes a blank; a code
 * point that must not be sent becomes '?', a colour that is none the
 * default. Returns the columns used.
 */
static unsigned
proto_item_at(
    const struct cell *row, unsigned cols, unsigned x, struct proto_item *it)
{
	const struct cell *c = &row[x];

	it->ch = c->ch;
	it->comb = c->comb;
	it->fg = c->fg;
	it->bg = c->bg;
	it->attr = c->attr & PROTO_ATTR_MASK;
	if (!colour_valid(it->fg, MOOT_NCOLOURS))
		it->fg = COLOUR_DEFAULT;
	if (!colour_valid(it->bg, MOOT_NCOLOURS))
		it->bg = COLOUR_DEFAULT;
	it->wide = (c->attr & CELL_WIDE) && x + 1 < cols;
	if (!it->wide && (c->attr & (CELL_WIDE | CELL_CONT))) {
		it->ch = ' ';
		it->comb = 0;
	}
	if (!proto_cp_ok(it->ch))
		it->ch = '?';
	if (it->comb != 0 && !proto_cp_ok(it->comb))
		it->comb = 0;
	return it->wide ? 2 : 1;
}

static int
proto_item_equal(const struct proto_item *a, const struct proto_item *b)
{
	return a->ch == b->ch && a->comb == b->comb && a->fg == b->fg &&
	       a->bg == b->bg && a->attr == b->attr && a->wide == b->wide;
}

/* Encode one row of cols cells. */
static void
proto_put_row(struct bytes *out, const struct cell *row, unsigned cols)
{
	struct proto_item it, next;
	uint32_t fg = COLOUR_DEFAULT, bg = COLOUR_DEFAULT;
	uint8_t attr = 0, flags;
	unsigned x, w, nx, more;

	x = 0;
	while (x < cols) {
		w = proto_item_at(row, cols, x, &it);

		/* How many identical items follow? */
		more = 0;
		nx = x + w;
		while (nx < cols) {
			if (proto_item_at(row, cols, nx, &next) != w ||
			    !proto_item_equal(&it, &next))
				break;
			more++;
			nx += w;
		}

		flags = 0;
		if (it.ch == ' ')
			flags |= ITEM_SPACE;
		if (it.fg != fg)
			flags |= ITEM_FG;
		if (it.bg != bg)
			flags |= ITEM_BG;
		if (it.attr != attr)
			flags |= ITEM_ATTR;
		if (it.comb != 0)
			flags |= ITEM_COMB;
		if (it.wide)
			flags |= ITEM_WIDE;
		if (more != 0)
			flags |= ITEM_RUN;

		bytes_add_u8(out, flags);
		if (~flags & ITEM_SPACE)
			bytes_add_varint(out, it.ch);
		if (flags & ITEM_FG)
			bytes_add_u32(out, it.fg);
		if (flags & ITEM_BG)
			bytes_add_u32(out, it.bg);
		if (flags & ITEM_ATTR)
			bytes_add_u8(out, it.attr);
		if (flags & ITEM_COMB)
			bytes_add_varint(out, it.comb);
		if (flags & ITEM_RUN)
			bytes_add_varint(out, more);

		fg = it.fg;
		bg = it.bg;
		attr = it.attr;
		x = nx;
	}
}

/* Decode one row of cols cells into row; -1 on bad input. */
static int
proto_get_row(struct reader *r, struct cell *row, unsigned cols)
{
	uint32_t fg = COLOUR_DEFAULT, bg = COLOUR_DEFAULT;
	uint8_t attr = 0, flags;
	uint32_t ch, comb, more, i;
	unsigned x, w;
	struct cell *c;

	x = 0;
	while (x < cols) {
		flags = reader_u8(r);
		if (r->err || (flags & ITEM_RESERVED))
			return -1;
		ch = ' ';
		if (~flags & ITEM_SPACE)
			ch = reader_varint(r);
		if (flags & ITEM_FG)
			fg = reader_u32(r);
		if (flags & ITEM_BG)
			bg = reader_u32(r);
		if (flags & ITEM_ATTR)
			attr = reader_u8(r);
		comb = 0;
		if (flags & ITEM_COMB)
			comb = reader_varint(r);
		more = 0;
		if (flags & ITEM_RUN)
			more = reader_varint(r);
		if (r->err)
			return -1;

		if (!proto_cp_ok(ch))
			return -1;
		if ((flags & ITEM_COMB) && !proto_cp_ok(comb))
			return -1;
		if (attr & ~PROTO_ATTR_MASK)
			return -1;
		if (!colour_valid(fg, MOOT_NCOLOURS) ||
		    !colour_valid(bg, MOOT_NCOLOURS))
			return -1;
		if ((flags & ITEM_RUN) && more == 0)
			return -1;
		w = (flags & ITEM_WIDE) ? 2 : 1;
		/* Items must end exactly at the last column. */
		if (more >= cols || (size_t)(more + 1) * w > cols - x)
			return -1;

		for (i = 0; i <= more; i++) {
			c = &row[x];
			c->ch = ch;
			c->comb = comb;
			c->fg = fg;
			c->bg = bg;
			c->attr = attr;
			if (w == 2) {
				c->attr |= CELL_WIDE;
				c = &row[x + 1];
				c->ch = 0;
				c->comb = 0;
				c->fg = fg;
				c->bg = bg;
				c->attr = attr | CELL_CONT;
			}
			x += w;
		}
	}
	return 0;
}

/* The frame header, up to and including nrows. */
static void
proto_put_frame_header(struct bytes *out, uint32_t seq, uint16_t gen,
    unsigned cols, unsigned rows, unsigned cx, unsigned cy, int visible,
    int mouse)
{
	/* Keep the cursor inside the frame. */
	if (cols != 0 && cx >= cols)
		cx = cols - 1;
	if (rows != 0 && cy >= rows)
		cy = rows - 1;

	bytes_add_u32(out, seq);
	bytes_add_u16(out, gen);
	bytes_add_u16(out, cols);
	bytes_add_u16(out, rows);
	bytes_add_u16(out, cx);
	bytes_add_u16(out, cy);
	bytes_add_u8(out, visible ? 1 : 0);
	bytes_add_u8(out, mouse ? 1 : 0);
}

void
proto_put(struct bytes *out, const struct proto_msg *msg)
{
	const struct proto_hello *h;
	const struct proto_frame *pf;
	size_t start;
	unsigned i;

	start = proto_begin(out, msg->type);
	switch (msg->type) {
	case PROTO_HELLO:
		h = &msg->u.hello;
		bytes_add_u16(out, h->version);
		bytes_add_u16(out, h->cols);
		bytes_add_u16(out, h->rows);
		bytes_add_u16(out, h->colours);
		bytes_add_str(out, h->term != NULL ? h->term : "");
		bytes_add_str(out, h->notice != NULL ? h->notice : "");
		bytes_add_str(out, h->user != NULL ? h->user : "");
		bytes_add_str(out, h->name != NULL ? h->name : "");
		bytes_add_str(out, h->email != NULL ? h->email : "");
		bytes_add_str(out, h->key != NULL ? h->key : "");
		break;
	case PROTO_KEY:
		bytes_add_u16(out, msg->u.key.code);
		bytes_add_u8(out, msg->u.key.mods);
		bytes_add_u32(out, msg->u.key.cp);
		bytes_add_u8(out, msg->u.key.mouse);
		bytes_add_u8(out, msg->u.key.button);
		bytes_add_u16(out, msg->u.key.x);
		bytes_add_u16(out, msg->u.key.y);
		break;
	case PROTO_RESIZE:
		bytes_add_u16(out, msg->u.resize.gen);
		bytes_add_u16(out, msg->u.resize.cols);
		bytes_add_u16(out, msg->u.resize.rows);
		break;
	case PROTO_ACK:
		bytes_add_u32(out, msg->u.ack);
		break;
	case PROTO_PASTE:
		/* The sender cuts a paste into pieces; more is a bug. */
		if (msg->u.paste.len > PROTO_PASTE_MAX)
			fatalx("proto_put: paste piece of %lu bytes",
			    (unsigned long)msg->u.paste.len);
		bytes_add_u8(out, msg->u.paste.last ? 1 : 0);
		bytes_add_u32(out, msg->u.paste.len);
		bytes_add(out, msg->u.paste.data, msg->u.paste.len);
		break;
	case PROTO_WELCOME:
		bytes_add_u16(out, msg->u.welcome);
		break;
	case PROTO_FRAME:
		/* A decoded frame message, sent again as it is. */
		pf = &msg->u.frame;
		proto_put_frame_header(out, pf->seq, pf->gen, pf->cols,
		    pf->rows, pf->cx, pf->cy, pf->cursor_visible, pf->mouse);
		bytes_add_u16(out, pf->nrows);
		for (i = 0; i < pf->nrows; i++) {
			bytes_add_u16(out, pf->row[i]);
			proto_put_row(
			    out, pf->cells + (size_t)i * pf->cols, pf->cols);
		}
		break;
	case PROTO_BYE:
		bytes_add_str(out, msg->u.bye != NULL ? msg->u.bye : "");
		break;
	default:
		fatalx("proto_put: unknown message type %u", msg->type);
	}
	proto_end(out, start);
}

unsigned
proto_put_frame(struct bytes *out, uint32_t seq, uint16_t gen,
    const struct frame *now, const struct frame *prev)
{
	size_t start, at;
	unsigned y, n = 0;
	int all;

	all = (prev == NULL || prev->cols != now->cols ||
	       prev->rows != now->rows);

	start = proto_begin(out, PROTO_FRAME);
	proto_put_frame_header(out, seq, gen, now->cols, now->rows, now->cx,
	    now->cy, now->cursor_visible, now->mouse);
	at = bytes_len(out);
	bytes_add_u16(out, 0); /* nrows, filled in below */
	for (y = 0; y < now->rows; y++) {
		if (!all && frame_row_equal(now, prev, y))
			continue;
		bytes_add_u16(out, y);
		proto_put_row(out, frame_cell(now, 0, y), now->cols);
		n++;
	}
	proto_patch_u16(out, at, n);
	proto_end(out, start);
	return n;
}

/* The payload of a HELLO. */
static const char *
proto_get_hello(struct reader *r, struct proto_hello *h)
{
	char **s[] = {
	    &h->term, &h->notice, &h->user, &h->name, &h->email, &h->key};
	size_t i;

	h->version = reader_u16(r);
	if (r->err)
		return "message too short";
	if (h->version != PROTO_VERSION) {
		/*
		 * Another version: only the version is read, so the daemon
		 * can answer with BYE; the rest is left empty.
		 */
		reader_bytes(r, r->left);
		for (i = 0; i < sizeof s / sizeof s[0]; i++)
			*s[i] = xstrdup("");
		return NULL;
	}
	h->cols = reader_u16(r);
	h->rows = reader_u16(r);
	h->colours = reader_u16(r);
	if (r->err)
		return "message too short";
	if (!proto_size_ok(h->cols, h->rows))
		return "bad terminal size";
	for (i = 0; i < sizeof s / sizeof s[0]; i++) {
		*s[i] = reader_str(r);
		if (*s[i] == NULL)
			return "bad or truncated string";
	}
	return NULL;
}

/* The payload of a PASTE. */
static const char *
proto_get_paste(struct reader *r, struct proto_paste *pp)
{
	const uint8_t *p;

	pp->last = reader_u8(r);
	pp->len = reader_u32(r);
	if (r->err)
		return "message too short";
	if (pp->last > 1)
		return "bad paste flag";
	if (pp->len > PROTO_PASTE_MAX)
		return "paste piece too long";
	if ((p = reader_bytes(r, pp->len)) == NULL)
		return "message too short";
	pp->data = xmalloc(pp->len != 0 ? pp->len : 1);
	if (pp->len != 0)
		memcpy(pp->data, p, pp->len);
	return NULL;
}

/* The payload of a FRAME. */
static const char *
proto_get_frame(struct reader *r, struct proto_frame *pf)
{
	unsigned i;
	uint8_t visible, mouse;

	pf->seq = reader_u32(r);
	pf->gen = reader_u16(r);
	pf->cols = reader_u16(r);
	pf->rows = reader_u16(r);
	pf->cx = reader_u16(r);
	pf->cy = reader_u16(r);
	visible = reader_u8(r);
	mouse = reader_u8(r);
	pf->nrows = reader_u16(r);
	if (r->err)
		return "message too short";
	if (!proto_size_ok(pf->cols, pf->rows))
		return "bad frame size";
	if (pf->cx >= pf->cols || pf->cy >= pf->rows || visible > 1)
		return "bad cursor";
	pf->cursor_visible = visible;
	if (mouse > 1)
		return "bad mouse flag";
	pf->mouse = mouse;
	if (pf->nrows > pf->rows)
		return "bad row count";
	/* Each row takes at least three bytes: do not allocate for more. */
	if ((size_t)pf->nrows * 3 > r->left)
		return "message too short";

	pf->row = xcalloc(pf->nrows, sizeof *pf->row);
	pf->cells = xcalloc((size_t)pf->nrows * pf->cols, sizeof *pf->cells);
	for (i = 0; i < pf->nrows; i++) {
		pf->row[i] = reader_u16(r);
		if (r->err)
			return "message too short";
		if (pf->row[i] >= pf->rows ||
		    (i > 0 && pf->row[i] <= pf->row[i - 1]))
			return "bad row index";
		if (proto_get_row(
		        r, pf->cells + (size_t)i * pf->cols, pf->cols) != 0)
			return r->err ? "message too short" : "bad cell";
	}
	return NULL;
}

/* A key's mouse fields: a whole mouse event, or none at all. */
static int
proto_mouse_ok(const struct proto_key *k)
{
	if (k->code != KEYC_MOUSE)
		return k->mouse == 0 && k->button == 0 && k->x == 0 &&
		       k->y == 0;
	if (k->mouse < KEYS_MOUSE_PRESS || k->mouse > KEYS_MOUSE_LAST ||
	    k->button > KEYS_BUTTON_RIGHT || k->cp != 0)
		return 0;
	return k->mouse < KEYS_MOUSE_WHEEL_UP || k->button == 0;
}

static int
proto_type_known(uint8_t type)
{
	switch (type) {
	case PROTO_HELLO:
	case PROTO_KEY:
	case PROTO_RESIZE:
	case PROTO_ACK:
	case PROTO_PASTE:
	case PROTO_WELCOME:
	case PROTO_FRAME:
	case PROTO_BYE:
		return 1;
	}
	return 0;
}

int
proto_get(const uint8_t *in, size_t len, struct proto_msg *msg, size_t *used,
    const char **err)
{
	struct reader r;
	const char *why = NULL;
	uint32_t n;

	memset(msg, 0, sizeof *msg);
	if (used != NULL)
		*used = 0;
	if (len < 4)
		return 0;
	n = ((uint32_t)in[0] << 24) | ((uint32_t)in[1] << 16) |
	    ((uint32_t)in[2] << 8) | in[3];
	if (n < 1 || n > PROTO_MAX_MSG) {
		proto_set_err(err, "bad message length");
		return -1;
	}
	if (len >= 5 && !proto_type_known(in[4])) {
		proto_set_err(err, "unknown message type");
		return -1;
	}
	if (len - 4 < n)
		return 0;

	msg->type = in[4];
	reader_init(&r, in + 5, n - 1);
	switch (msg->type) {
	case PROTO_HELLO:
		why = proto_get_hello(&r, &msg->u.hello);
		break;
	case PROTO_KEY:
		msg->u.key.code = reader_u16(&r);
		msg->u.key.mods = reader_u8(&r);
		msg->u.key.cp = reader_u32(&r);
		msg->u.key.mouse = reader_u8(&r);
		msg->u.key.button = reader_u8(&r);
		msg->u.key.x = reader_u16(&r);
		msg->u.key.y = reader_u16(&r);
		if (r.err)
			why = "message too short";
		else if (msg->u.key.code > KEYC_MOUSE ||
		         (msg->u.key.mods & ~(KEYC_MOD_SHIFT | KEYC_MOD_ALT |
		                                KEYC_MOD_CTRL)) ||
		         msg->u.key.cp > 0x10ffff)
			why = "bad key";
		else if (!proto_mouse_ok(&msg->u.key))
			why = "bad mouse event";
		break;
	case PROTO_RESIZE:
		msg->u.resize.gen = reader_u16(&r);
		msg->u.resize.cols = reader_u16(&r);
		msg->u.resize.rows = reader_u16(&r);
		if (r.err)
			why = "message too short";
		else if (!proto_size_ok(msg->u.resize.cols, msg->u.resize.rows))
			why = "bad terminal size";
		break;
	case PROTO_ACK:
		msg->u.ack = reader_u32(&r);
		if (r.err)
			why = "message too short";
		break;
	case PROTO_PASTE:
		why = proto_get_paste(&r, &msg->u.paste);
		break;
	case PROTO_WELCOME:
		msg->u.welcome = reader_u16(&r);
		if (r.err)
			why = "message too short";
		break;
	case PROTO_FRAME:
		why = proto_get_frame(&r, &msg->u.frame);
		break;
	case PROTO_BYE:
		msg->u.bye = reader_str(&r);
		if (msg->u.bye == NULL)
			why = "bad or truncated string";
		break;
	}
	if (why == NULL && r.left != 0)
		why = "trailing bytes in message";
	if (why != NULL) {
		proto_msg_free(msg);
		proto_set_err(err, why);
		return -1;
	}
	if (used != NULL)
		*used = 4 + (size_t)n;
	return 1;
}

void
proto_msg_free(struct proto_msg *msg)
{
	struct proto_hello *h = &msg->u.hello;

	switch (msg->type) {
	case PROTO_HELLO:
		free(h->term);
		free(h->notice);
		free(h->user);
		free(h->name);
		free(h->email);
		free(h->key);
		break;
	case PROTO_PASTE:
		free(msg->u.paste.data);
		break;
	case PROTO_FRAME:
		free(msg->u.frame.row);
		free(msg->u.frame.cells);
		break;
	case PROTO_BYE:
		free(msg->u.bye);
		break;
	}
	memset(msg, 0, sizeof *msg);
}

void
proto_apply_frame(const struct proto_frame *pf, struct frame *f)
{
	unsigned i;

	if (f->cols != pf->cols || f->rows != pf->rows)
		return;
	for (i = 0; i < pf->nrows; i++) {
		if (pf->row[i] >= f->rows)
			continue;
		memcpy(frame_row(f, pf->row[i]),
		    pf->cells + (size_t)i * pf->cols,
		    (size_t)pf->cols * sizeof *pf->cells);
	}
	f->cx = pf->cx;
	f->cy = pf->cy;
	f->cursor_visible = pf->cursor_visible;
	f->mouse = pf->mouse;
}
