/* keys.c: decoding terminal input into key events.
 * Pure and incremental, so it can be fuzzed. */
#include "moot.h"

#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "utf8.h"

/*
 * Bytes are appended to k->pending one at a time and the front of pending
 * is parsed after each byte. A key is reported as soon as its bytes are
 * complete, so how the input is split between calls never matters.
 *
 * An escape sequence longer than pending is reported once as KEYC_UNKNOWN
 * when pending fills up; pending is then left full, which means "drop the
 * rest of this sequence": parameter and intermediate bytes are skipped
 * until its final byte (or any other byte, which is then parsed as usual).
 *
 * With a paste callback, KEYC_PASTE_START switches to paste mode: bytes
 * are no longer parsed but scanned for the end marker ESC[201~, and runs
 * of them are passed to the paste callback. Bytes that may be the start
 * of the marker are held back (only their count, k->nmarker: they are
 * always the first bytes of the marker) until the byte after them shows
 * whether they are the marker or text. A paste has no timeout, so
 * keys_flush leaves them held back: passing them on as text would turn a
 * marker that arrives in two pieces, a little late, into text and never
 * end the paste.
 */

/* The parsers return the bytes a key used, or this if it is incomplete. */
#define KEYS_MORE 0

/* The end of a bracketed paste. Only its first byte is ESC, so after a
 * mismatch the marker can only start again at an ESC. */
static const unsigned char keys_paste_end[] = "\033[201~";
#define KEYS_PASTE_END_LEN (sizeof keys_paste_end - 1)

/* A "~" (or rxvt "^" "$" "@") sequence number and its key. */
struct keys_tilde {
	unsigned number;
	enum keyc code;
	unsigned f; /* function key number for KEYC_F */
};

static const struct keys_tilde keys_tilde_table[] = {
    {1, KEYC_HOME, 0},
    {2, KEYC_INSERT, 0},
    {3, KEYC_DELETE, 0},
    {4, KEYC_END, 0},
    {5, KEYC_PGUP, 0},
    {6, KEYC_PGDN, 0},
    {7, KEYC_HOME, 0},
    {8, KEYC_END, 0},
    {11, KEYC_F, 1},
    {12, KEYC_F, 2},
    {13, KEYC_F, 3},
    {14, KEYC_F, 4},
    {15, KEYC_F, 5},
    {17, KEYC_F, 6},
    {18, KEYC_F, 7},
    {19, KEYC_F, 8},
    {20, KEYC_F, 9},
    {21, KEYC_F, 10},
    {23, KEYC_F, 11},
    {24, KEYC_F, 12},
    {25, KEYC_F, 13},
    {26, KEYC_F, 14},
    {28, KEYC_F, 15},
    {29, KEYC_F, 16},
    {31, KEYC_F, 17},
    {32, KEYC_F, 18},
    {33, KEYC_F, 19},
    {34, KEYC_F, 20},
    {200, KEYC_PASTE_START, 0},
    {201, KEYC_PASTE_END, 0},
};

static size_t keys_parse(
    const unsigned char *, size_t, int, int, struct key_event *);

void
keys_init(struct keys *k)
{
	memset(k, 0, sizeof *k);
}

int
keys_pending(const struct keys *k)
{
	if (k->paste)
		return 0; /* a paste has no timeout */
	return k->npending != 0;
}

void
keys_set_paste(struct keys *k, keys_paste_cb cb, void *arg)
{
	k->paste_cb = cb;
	k->paste_arg = arg;
	if (cb == NULL) {
		k->paste = 0;
		k->nmarker = 0;
	}
}

static void
keys_set(struct key_event *ev, enum keyc code, uint8_t mods, uint32_t cp)
{
	ev->code = code;
	ev->mods = mods;
	ev->cp = cp;
	ev->mouse = 0;
	ev->button = 0;
	ev->x = 0;
	ev->y = 0;
}

/* The modifiers of an xterm modifier parameter (2 is Shift, 5 Ctrl...). */
static int
keys_modifier(unsigned m, uint8_t *mods)
{
	*mods = 0;
	if (m <= 1)
		return 0;
	if (m > 16)
		return -1;
	m--;
	if (m & 1)
		*mods |= KEYC_MOD_SHIFT;
	if (m & 2)
		*mods |= KEYC_MOD_ALT;
	if (m & 4)
		*mods |= KEYC_MOD_CTRL;
	if (m & 8) /* Meta: treated as Alt */
		*mods |= KEYC_MOD_ALT;
	return 0;
}

/* A single byte below 0x80 that is not ESC. */
static void
keys_byte(unsigned char c, struct key_event *ev)
{
	static const char ctrl_high[] = {'\\', ']', '^', '_'};

	switch (c) {
	case 0x00:
		keys_set(ev, KEYC_CTRL, 0, '@');
		break;
	case 0x08:
	case 0x7f:
		keys_set(ev, KEYC_BACKSPACE, 0, 0);
		break;
	case 0x09:
		keys_set(ev, KEYC_TAB, 0, 0);
		break;
	case 0x0a:
	case 0x0d:
		keys_set(ev, KEYC_ENTER, 0, 0);
		break;
	default:
		if (c >= 0x01 && c <= 0x1a)
			keys_set(ev, KEYC_CTRL, 0, 'a' + c - 1);
		else if (c >= 0x1c && c <= 0x1f)
			keys_set(ev, KEYC_CTRL, 0, ctrl_high[c - 0x1c]);
		else
			keys_set(ev, KEYC_CHAR, 0, c);
		break;
	}
}

/* Could the n bytes at p (n >= 2) still become a valid UTF-8 sequence? */
static int
keys_utf8_prefix(const unsigned char *p, size_t n)
{
	size_t need, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		need = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (n >= need)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	}
	if (n >= 2) {
		/* Second bytes that make overlong, surrogate or too large. */
		if (p[0] == 0xe0 && p[1] < 0xa0)
			return 0;
		if (p[0] == 0xed && p[1] > 0x9f)
			return 0;
		if (p[0] == 0xf0 && p[1] < 0x90)
			return 0;
		if (p[0] == 0xf4 && p[1] > 0x8f)
			return 0;
	}
	return 1;
}

/* Text: one UTF-8 character or one invalid byte. */
static size_t
keys_parse_utf8(
    const unsigned char *p, size_t n, int flush, struct key_event *ev)
{
	uint32_t cp;
	size_t used;

	/* A lead byte alone, or a valid start: wait for the rest. */
	if (!flush) {
		if (n == 1 && p[0] >= 0xc2 && p[0] <= 0xf4)
			return KEYS_MORE;
		if (n > 1 && keys_utf8_prefix(p, n))
			return KEYS_MORE;
	}
	used = utf8_decode(p, n, &cp);
	if (cp == UTF8_INVALID)
		keys_set(ev, KEYC_INVALID, 0, p[0]);
	else if (cp >= 0x80 && cp < 0xa0)
		keys_set(ev, KEYC_UNKNOWN, 0, 0); /* a C1 control */
	else
		keys_set(ev, KEYC_CHAR, 0, cp);
	return used;
}

/* Parameters of a CSI or SS3 sequence: decimal numbers split by ';'. */
struct keys_params {
	unsigned n;
	unsigned v[4];
	int bad; /* something other than digits and ';' */
};

static void
keys_parse_params(const unsigned char *p, size_t n, struct keys_params *kp)
{
	size_t i;

	memset(kp, 0, sizeof *kp);
	if (n == 0)
		return;
	kp->n = 1;
	for (i = 0; i < n; i++) {
		if (p[i] == ';') {
			if (kp->n == 4) {
				kp->bad = 1;
				return;
			}
			kp->n++;
		} else if (p[i] >= '0' && p[i] <= '9') {
			/* Cap the value: no overflow, still unknown. */
			if (kp->v[kp->n - 1] < 100000)
				kp->v[kp->n - 1] =
				    kp->v[kp->n - 1] * 10 + (p[i] - '0');
		} else {
			kp->bad = 1;
			return;
		}
	}
}

/* Modifiers from the second parameter ("1;5A"); -1 if nonsense. */
static int
keys_params_mods(const struct keys_params *kp, uint8_t *mods)
{
	*mods = 0;
	if (kp->n > 2)
		return -1;
	if (kp->n == 2)
		return keys_modifier(kp->v[1], mods);
	return 0;
}

/* The key for the final byte of an SS3 or parameter-less-style CSI. */
static int
keys_letter(unsigned char final, int ss3, struct key_event *ev)
{
	switch (final) {
	case 'A':
		keys_set(ev, KEYC_UP, 0, 0);
		return 0;
	case 'B':
		keys_set(ev, KEYC_DOWN, 0, 0);
		return 0;
	case 'C':
		keys_set(ev, KEYC_RIGHT, 0, 0);
		return 0;
	case 'D':
		keys_set(ev, KEYC_LEFT, 0, 0);
		return 0;
	case 'H':
		keys_set(ev, KEYC_HOME, 0, 0);
		return 0;
	case 'F':
		keys_set(ev, KEYC_END, 0, 0);
		return 0;
	case 'P':
	case 'Q':
	case 'R':
	case 'S':
		keys_set(ev, KEYC_F, 0, 1 + final - 'P');
		return 0;
	}
	if (!ss3)
		return -1;

	/* SS3 only: the keypad in application mode, rxvt Ctrl arrows. */
	switch (final) {
	case 'M':
		keys_set(ev, KEYC_ENTER, 0, 0);
		return 0;
	case 'j':
		keys_set(ev, KEYC_CHAR, 0, '*');
		return 0;
	case 'k':
		keys_set(ev, KEYC_CHAR, 0, '+');
		return 0;
	case 'l':
		keys_set(ev, KEYC_CHAR, 0, ',');
		return 0;
	case 'm':
		keys_set(ev, KEYC_CHAR, 0, '-');
		return 0;
	case 'n':
		keys_set(ev, KEYC_CHAR, 0, '.');
		return 0;
	case 'o':
		keys_set(ev, KEYC_CHAR, 0, '/');
		return 0;
	case 'X':
		keys_set(ev, KEYC_CHAR, 0, '=');
		return 0;
	case 'a':
		keys_set(ev, KEYC_UP, KEYC_MOD_CTRL, 0);
		return 0;
	case 'b':
		keys_set(ev, KEYC_DOWN, KEYC_MOD_CTRL, 0);
		return 0;
	case 'c':
		keys_set(ev, KEYC_RIGHT, KEYC_MOD_CTRL, 0);
		return 0;
	case 'd':
		keys_set(ev, KEYC_LEFT, KEYC_MOD_CTRL, 0);
		return 0;
	}
	if (final >= 'p' && final <= 'y') {
		keys_set(ev, KEYC_CHAR, 0, '0' + final - 'p');
		return 0;
	}
	return -1;
}

/*
 * An SGR (1006) mouse report: CSI < b ; x ; y M (press, drag) or m
 * (release), x and y from 1. In b: the button in the low two bits (3: none),
 * 4 Shift, 8 Alt, 16 Ctrl, 32 motion, 64 the wheel (64 up, 65 down).
 * Anything else (other buttons, motion without a button, a wheel that
 * "releases", coordinates of 0 or too large) stays KEYC_UNKNOWN.
 */
static void
keys_sgr_mouse(const unsigned char *params, size_t nparams, unsigned char final,
    struct key_event *ev)
{
	struct keys_params kp;
	unsigned b, button;
	uint8_t mods = 0, what;

	keys_parse_params(params + 1, nparams - 1, &kp);
	if (kp.bad || kp.n != 3)
		return;
	b = kp.v[0];
	if (kp.v[1] < 1 || kp.v[1] > 0xffff || kp.v[2] < 1 ||
	    kp.v[2] > 0xffff || b > 127)
		return;
	if (b & 4)
		mods |= KEYC_MOD_SHIFT;
	if (b & 8)
		mods |= KEYC_MOD_ALT;
	if (b & 16)
		mods |= KEYC_MOD_CTRL;
	button = b & 3;
	if (b & 64) {
		if ((b & 32) || button > 1 || final != 'M')
			return;
		what =
		    button == 0 ? KEYS_MOUSE_WHEEL_UP : KEYS_MOUSE_WHEEL_DOWN;
		button = 0;
	} else if (button == 3)
		return; /* motion with no button, or an old-style release */
	else if (final == 'm')
		what = (b & 32) ? KEYS_MOUSE_NONE : KEYS_MOUSE_RELEASE;
	else
		what = (b & 32) ? KEYS_MOUSE_DRAG : KEYS_MOUSE_PRESS;
	if (what == KEYS_MOUSE_NONE)
		return;
	keys_set(ev, KEYC_MOUSE, mods, 0);
	ev->mouse = what;
	ev->button = button;
	ev->x = kp.v[1] - 1;
	ev->y = kp.v[2] - 1;
}

/* A complete CSI sequence: params, intermediates and final byte. */
static void
keys_csi(const unsigned char *params, size_t nparams, unsigned char inter,
    unsigned char final, struct key_event *ev)
{
	struct keys_params kp;
	uint8_t mods, extra;
	size_t i;

	keys_set(ev, KEYC_UNKNOWN, 0, 0);
	if (nparams > 0 && params[0] == '<') {
		if (inter == 0 && (final == 'M' || final == 'm'))
			keys_sgr_mouse(params, nparams, final, ev);
		return;
	}
	keys_parse_params(params, nparams, &kp);
	if (kp.bad)
		return;

	/* Intermediates only in rxvt's Shift form (CSI 2$). */
	if (inter != 0 && !(inter == '$' && final == '$'))
		return;

	switch (final) {
	case 'A':
	case 'B':
	case 'C':
	case 'D':
	case 'H':
	case 'F':
	case 'P':
	case 'Q':
	case 'R':
	case 'S':
		if (kp.n >= 1 && kp.v[0] > 1)
			return;
		if (keys_params_mods(&kp, &mods) != 0)
			return;
		if (keys_letter(final, 0, ev) != 0)
			return;
		ev->mods |= mods;
		return;
	case 'Z':
		if (kp.n == 0)
			keys_set(ev, KEYC_BTAB, 0, 0);
		return;
	case 'a':
	case 'b':
	case 'c':
	case 'd':
		/* rxvt Shift arrows. */
		if (kp.n == 0) {
			keys_letter(final - 'a' + 'A', 0, ev);
			ev->mods = KEYC_MOD_SHIFT;
		}
		return;
	case '~':
	case '^':
	case '$':
	case '@':
		break;
	default:
		return;
	}

	/* CSI number ~ and rxvt's ^ (Ctrl), $ (Shift), @ (Ctrl+Shift). */
	if (kp.n == 0 || keys_params_mods(&kp, &mods) != 0)
		return;
	if (final == '^')
		extra = KEYC_MOD_CTRL;
	else if (final == '$')
		extra = KEYC_MOD_SHIFT;
	else if (final == '@')
		extra = KEYC_MOD_CTRL | KEYC_MOD_SHIFT;
	else
		extra = 0;
	for (i = 0; i < sizeof keys_tilde_table / sizeof keys_tilde_table[0];
	     i++) {
		if (keys_tilde_table[i].number != kp.v[0])
			continue;
		if (keys_tilde_table[i].code == KEYC_PASTE_START ||
		    keys_tilde_table[i].code == KEYC_PASTE_END) {
			if (mods != 0 || extra != 0)
				return;
		}
		keys_set(ev, keys_tilde_table[i].code, mods | extra,
		    keys_tilde_table[i].f);
		return;
	}
}

/*
 * ESC [ or ESC O at p (n >= 2). Scans parameter bytes (0x30-0x3f) and
 * intermediate bytes (0x20-0x2f) up to a final byte (0x40-0x7e).
 */
static size_t
keys_parse_seq(
    const unsigned char *p, size_t n, int flush, struct key_event *ev)
{
	int ss3 = (p[1] == 'O');
	unsigned char c, inter = 0;
	size_t i, end_params = 0;
	struct keys_params kp;
	uint8_t mods;

	/* The linux console's F1-F5: ESC [ [ A to ESC [ [ E. */
	if (!ss3 && n >= 3 && p[2] == '[') {
		if (n == 3) {
			if (!flush)
				return KEYS_MORE;
			keys_set(ev, KEYC_UNKNOWN, 0, 0);
			return 3;
		}
		if (p[3] >= 'A' && p[3] <= 'E')
			keys_set(ev, KEYC_F, 0, 1 + p[3] - 'A');
		else if (p[3] >= 0x20 && p[3] <= 0x7e)
			keys_set(ev, KEYC_UNKNOWN, 0, 0);
		else {
			keys_set(ev, KEYC_UNKNOWN, 0, 0);
			return 3;
		}
		return 4;
	}

	/*
	 * The old X10 mouse report, ESC [ M and three raw bytes (button,
	 * column, row, each plus 32): never asked for, but a terminal left
	 * in that mode sends it. Its bytes are swallowed, not typed.
	 */
	if (!ss3 && n >= 3 && p[2] == 'M') {
		if (n < 6 && !flush)
			return KEYS_MORE;
		keys_set(ev, KEYC_UNKNOWN, 0, 0);
		return n < 6 ? n : 6;
	}

	for (i = 2; i < n; i++) {
		c = p[i];
		if (c >= 0x30 && c <= 0x3f) {
			/* After an intermediate: malformed, still consumed. */
			if (inter == 0)
				end_params = i + 1;
			continue;
		}
		/* rxvt ends CSI 2$ with '$', an intermediate byte. */
		if (c == '$' && !ss3 && inter == 0 && i > 2) {
			keys_csi(p + 2, i - 2, '$', '$', ev);
			if (ev->code != KEYC_UNKNOWN)
				return i + 1;
		}
		if (c >= 0x20 && c <= 0x2f) {
			inter = c;
			continue;
		}
		if (c >= 0x40 && c <= 0x7e) {
			if (end_params == 0)
				end_params = 2;
			if (!ss3) {
				keys_csi(p + 2, end_params - 2, inter, c, ev);
				return i + 1;
			}
			/* SS3, perhaps with a modifier ("ESC O 5 P"). */
			keys_parse_params(p + 2, end_params - 2, &kp);
			keys_set(ev, KEYC_UNKNOWN, 0, 0);
			if (inter != 0 || kp.bad || kp.n > 2)
				return i + 1;
			if (keys_modifier(
			        kp.v[kp.n == 0 ? 0 : kp.n - 1], &mods) != 0)
				return i + 1;
			if (keys_letter(c, 1, ev) != 0) {
				keys_set(ev, KEYC_UNKNOWN, 0, 0);
				return i + 1;
			}
			ev->mods |= mods;
			return i + 1;
		}

		/* Not part of a sequence: end here and parse c afterwards. */
		if (i == 2)
			keys_set(ev, KEYC_CHAR, KEYC_MOD_ALT, p[1]);
		else
			keys_set(ev, KEYC_UNKNOWN, 0, 0);
		return i;
	}

	/* Ran out of bytes before the final byte. */
	if (!flush)
		return KEYS_MORE;
	if (n == 2)
		keys_set(ev, KEYC_CHAR, KEYC_MOD_ALT, p[1]); /* M-[ or M-O */
	else
		keys_set(ev, KEYC_UNKNOWN, 0, 0);
	return n;
}

/*
 * Parse one key from the front of p (n >= 1). Returns the bytes used, or
 * KEYS_MORE if the key is not complete yet; with flush set, always uses
 * at least one byte. alt is zero inside an ESC prefix (no ESC ESC ESC).
 */
static size_t
keys_parse(
    const unsigned char *p, size_t n, int flush, int alt, struct key_event *ev)
{
	size_t used;

	if (p[0] != 0x1b) {
		if (p[0] < 0x80) {
			keys_byte(p[0], ev);
			return 1;
		}
		return keys_parse_utf8(p, n, flush, ev);
	}

	if (n == 1) {
		if (!flush)
			return KEYS_MORE;
		keys_set(ev, KEYC_ESC, 0, 0);
		return 1;
	}
	if (p[1] == '[' || p[1] == 'O')
		return keys_parse_seq(p, n, flush, ev);
	if (!alt) {
		keys_set(ev, KEYC_ESC, 0, 0);
		return 1;
	}

	/* ESC and another key: that key with Alt. */
	used = keys_parse(p + 1, n - 1, flush, 0, ev);
	if (used == KEYS_MORE)
		return KEYS_MORE;
	if (ev->code == KEYC_INVALID || ev->code == KEYC_UNKNOWN ||
	    ev->code == KEYC_PASTE_START || ev->code == KEYC_PASTE_END) {
		/* Nothing to add Alt to: ESC alone, the rest parsed later. */
		keys_set(ev, KEYC_ESC, 0, 0);
		return 1;
	}
	ev->mods |= KEYC_MOD_ALT;
	return 1 + used;
}

/* Report every complete key at the front of pending. */
static void
keys_run(struct keys *k, int flush, keys_cb cb, void *arg)
{
	struct key_event ev;
	size_t used;

	while (k->npending != 0) {
		memset(&ev, 0, sizeof ev);
		used = keys_parse(k->pending, k->npending, flush, 1, &ev);
		if (used == KEYS_MORE) {
			if (k->npending == sizeof k->pending) {
				/* Too long: report it; pending stays full. */
				keys_set(&ev, KEYC_UNKNOWN, 0, 0);
				cb(&ev, arg);
			}
			return;
		}
		if (used > k->npending)
			used = k->npending; /* cannot happen */
		k->npending -= used;
		memmove(k->pending, k->pending + used, k->npending);
		/* With a paste callback, an end marker outside a paste
		 * (typed by hand, or a stray) is not a key. */
		if (ev.code == KEYC_PASTE_END && k->paste_cb != NULL)
			keys_set(&ev, KEYC_UNKNOWN, 0, 0);
		if (ev.code == KEYC_PASTE_START && k->paste_cb != NULL) {
			/* What follows is paste data, not keys. */
			k->paste = 1;
			k->nmarker = 0;
			cb(&ev, arg);
			return;
		}
		cb(&ev, arg);
	}
}

/* Pass len bytes at p (if any) to the paste callback. */
static void
keys_paste_out(struct keys *k, const unsigned char *p, size_t len)
{
	if (len != 0)
		k->paste_cb(p, len, k->paste_arg);
}

/* The end marker is complete: leave paste mode and report it. */
static void
keys_paste_done(struct keys *k, keys_cb cb, void *arg)
{
	struct key_event ev;

	k->paste = 0;
	k->nmarker = 0;
	memset(&ev, 0, sizeof ev);
	keys_set(&ev, KEYC_PASTE_END, 0, 0);
	cb(&ev, arg);
}

/*
 * Bytes inside a paste: pass them on up to the end marker. Returns how
 * many were used: all of them, or those up to and including the marker
 * (paste mode is then over and the rest are keys again).
 */
static size_t
keys_paste_feed(
    struct keys *k, const unsigned char *buf, size_t len, keys_cb cb, void *arg)
{
	size_t i = 0, start;

	/* First a marker begun in an earlier feed: its bytes are not in buf
	 * but are the start of keys_paste_end. */
	while (k->nmarker != 0 && i < len) {
		if (buf[i] == keys_paste_end[k->nmarker]) {
			i++;
			if (++k->nmarker == KEYS_PASTE_END_LEN) {
				keys_paste_done(k, cb, arg);
				return i;
			}
			continue;
		}
		/* Not the marker after all: text. buf[i] is looked at below. */
		keys_paste_out(k, keys_paste_end, k->nmarker);
		k->nmarker = 0;
	}
	if (i == len)
		return len;

	/* From here the bytes of any marker are in buf, ending at i. */
	start = i;
	for (; i < len; i++) {
		if (buf[i] == keys_paste_end[k->nmarker]) {
			if (++k->nmarker == KEYS_PASTE_END_LEN) {
				keys_paste_out(k, buf + start,
				    i + 1 - KEYS_PASTE_END_LEN - start);
				keys_paste_done(k, cb, arg);
				return i + 1;
			}
		} else if (buf[i] == keys_paste_end[0])
			k->nmarker = 1;
		else
			k->nmarker = 0;
	}
	/* Hold back what may be the start of the marker. */
	keys_paste_out(k, buf + start, len - k->nmarker - start);
	return len;
}

/*
 * After keys_run: if a paste began, nothing should be left in pending, as
 * the '~' that ends ESC[200~ is always the last byte there (an ESC after
 * the first byte of pending completes the key before it). If something
 * were left, it would be the first bytes of the paste: feed them again.
 */
static void
keys_paste_left(struct keys *k, keys_cb cb, void *arg)
{
	unsigned char left[sizeof k->pending];
	size_t n;

	if (!k->paste || k->npending == 0)
		return;
	n = k->npending;
	memcpy(left, k->pending, n);
	k->npending = 0;
	keys_feed(k, left, n, cb, arg);
}

void
keys_feed(
    struct keys *k, const unsigned char *buf, size_t len, keys_cb cb, void *arg)
{
	size_t i;
	unsigned char c;

	i = 0;
	while (i < len) {
		if (k->paste) {
			i += keys_paste_feed(k, buf + i, len - i, cb, arg);
			continue;
		}
		c = buf[i++];
		if (k->npending == sizeof k->pending) {
			/* Dropping the rest of an over-long sequence. */
			if (c >= 0x20 && c <= 0x3f)
				continue;
			k->npending = 0;
			if (c >= 0x40 && c <= 0x7e)
				continue;
		}
		k->pending[k->npending++] = c;
		keys_run(k, 0, cb, arg);
		keys_paste_left(k, cb, arg);
	}
}

void
keys_flush(struct keys *k, keys_cb cb, void *arg)
{
	if (k->paste)
		return; /* no timeout: a held-back marker stays held back */
	if (k->npending == sizeof k->pending) {
		k->npending = 0; /* already reported as unknown */
		return;
	}
	keys_run(k, 1, cb, arg);
	keys_paste_left(k, cb, arg);
}

/* A mouse event: "MouseDown1@X,Y", "MouseDrag1", "MouseUp1",
 * "WheelUp", "WheelDown" (buttons from 1, cells from 0). */
static void
keys_mouse_name(const struct key_event *ev, char *buf, size_t len)
{
	static const char *what[] = {
	    [KEYS_MOUSE_NONE] = "Mouse",
	    [KEYS_MOUSE_PRESS] = "MouseDown",
	    [KEYS_MOUSE_DRAG] = "MouseDrag",
	    [KEYS_MOUSE_RELEASE] = "MouseUp",
	    [KEYS_MOUSE_WHEEL_UP] = "WheelUp",
	    [KEYS_MOUSE_WHEEL_DOWN] = "WheelDown",
	};
	const char *w =
	    ev->mouse <= KEYS_MOUSE_LAST ? what[ev->mouse] : "Mouse";

	if (ev->mouse >= KEYS_MOUSE_WHEEL_UP)
		snprintf(buf, len, "%s@%u,%u", w, ev->x, ev->y);
	else
		snprintf(
		    buf, len, "%s%u@%u,%u", w, ev->button + 1u, ev->x, ev->y);
}

/* The name of a key without its modifiers. */
static void
keys_base_name(const struct key_event *ev, char *buf, size_t len)
{
	static const char *names[] = {
	    [KEYC_NONE] = "None",
	    [KEYC_UP] = "Up",
	    [KEYC_DOWN] = "Down",
	    [KEYC_LEFT] = "Left",
	    [KEYC_RIGHT] = "Right",
	    [KEYC_HOME] = "Home",
	    [KEYC_END] = "End",
	    [KEYC_PGUP] = "PageUp",
	    [KEYC_PGDN] = "PageDown",
	    [KEYC_INSERT] = "Insert",
	    [KEYC_DELETE] = "Delete",
	    [KEYC_BACKSPACE] = "BSpace",
	    [KEYC_ENTER] = "Enter",
	    [KEYC_TAB] = "Tab",
	    [KEYC_BTAB] = "BTab",
	    [KEYC_ESC] = "Escape",
	    [KEYC_PASTE_START] = "PasteStart",
	    [KEYC_PASTE_END] = "PasteEnd",
	    [KEYC_UNKNOWN] = "Unknown",
	};
	char u[5];
	size_t n;

	switch (ev->code) {
	case KEYC_CHAR:
	case KEYC_CTRL:
		n = utf8_encode(ev->cp, u);
		if (n == 0 || ev->cp < 0x20 ||
		    (ev->cp >= 0x7f && ev->cp < 0xa0))
			snprintf(buf, len, "U+%04X", (unsigned)ev->cp);
		else {
			u[n] = '\0';
			snprintf(buf, len, "%s", u);
		}
		return;
	case KEYC_F:
		snprintf(buf, len, "F%u", (unsigned)ev->cp);
		return;
	case KEYC_INVALID:
		snprintf(buf, len, "\\x%02x", (unsigned)(ev->cp & 0xff));
		return;
	case KEYC_MOUSE:
		keys_mouse_name(ev, buf, len);
		return;
	}
	if (ev->code < sizeof names / sizeof names[0] &&
	    names[ev->code] != NULL)
		snprintf(buf, len, "%s", names[ev->code]);
	else
		snprintf(buf, len, "Key%u", (unsigned)ev->code);
}

const char *
keys_name(const struct key_event *ev, char *buf, size_t len)
{
	char base[32];
	int ctrl;

	if (len == 0)
		return "";
	keys_base_name(ev, base, sizeof base);
	ctrl = (ev->code == KEYC_CTRL) || (ev->mods & KEYC_MOD_CTRL);
	snprintf(buf, len, "%s%s%s%s", ctrl ? "C-" : "",
	    (ev->mods & KEYC_MOD_ALT) ? "M-" : "",
	    (ev->mods & KEYC_MOD_SHIFT) ? "S-" : "", base);
	return buf;
}
