/* test-keys.c: unit tests for the terminal input decoder (keys.c).
 * Every sequence is also fed split at every point and byte by byte. */
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

#include "keys.h"

/* The keys seen, as names joined by spaces. */
struct seen {
	char text[4096];
	unsigned n;
};

static void
seen_cb(const struct key_event *ev, void *arg)
{
	struct seen *s = arg;
	char name[64];
	size_t len = strlen(s->text);

	keys_name(ev, name, sizeof name);
	snprintf(s->text + len, sizeof s->text - len, "%s%s",
	    s->n != 0 ? " " : "", name);
	s->n++;
}

/* Feed len bytes (split after the first cut bytes if cut < len), then
 * flush if asked; returns the names of the keys. */
static const char *
run_split(const char *in, size_t len, size_t cut, int flush)
{
	static struct seen s;
	struct keys k;

	memset(&s, 0, sizeof s);
	keys_init(&k);
	if (cut < len) {
		keys_feed(&k, (const unsigned char *)in, cut, seen_cb, &s);
		keys_feed(&k, (const unsigned char *)in + cut, len - cut,
		    seen_cb, &s);
	} else
		keys_feed(&k, (const unsigned char *)in, len, seen_cb, &s);
	if (flush)
		keys_flush(&k, seen_cb, &s);
	return s.text;
}

static const char *
run(const char *in, int flush)
{
	return run_split(in, strlen(in), (size_t)-1, flush);
}

/* Feed one byte at a time. */
static const char *
run_bytes(const char *in, size_t len, int flush)
{
	static struct seen s;
	struct keys k;
	size_t i;

	memset(&s, 0, sizeof s);
	keys_init(&k);
	for (i = 0; i < len; i++)
		keys_feed(&k, (const unsigned char *)in + i, 1, seen_cb, &s);
	if (flush)
		keys_flush(&k, seen_cb, &s);
	return s.text;
}

struct seq {
	const char *in;
	const char *keys;
};

static const struct seq sequences[] = {
    /* Cursor keys, CSI and SS3. */
    {"\033[A", "Up"},
    {"\033[B", "Down"},
    {"\033[C", "Right"},
    {"\033[D", "Left"},
    {"\033OA", "Up"},
    {"\033OB", "Down"},
    {"\033OC", "Right"},
    {"\033OD", "Left"},
    /* Home, End and the editing keys. */
    {"\033[H", "Home"},
    {"\033[F", "End"},
    {"\033OH", "Home"},
    {"\033OF", "End"},
    {"\033[1~", "Home"},
    {"\033[7~", "Home"},
    {"\033[4~", "End"},
    {"\033[8~", "End"},
    {"\033[2~", "Insert"},
    {"\033[3~", "Delete"},
    {"\033[5~", "PageUp"},
    {"\033[6~", "PageDown"},
    {"\033[Z", "BTab"},
    /* Modifiers. */
    {"\033[1;2A", "S-Up"},
    {"\033[1;3B", "M-Down"},
    {"\033[1;4C", "M-S-Right"},
    {"\033[1;5D", "C-Left"},
    {"\033[1;6A", "C-S-Up"},
    {"\033[1;7B", "C-M-Down"},
    {"\033[1;8C", "C-M-S-Right"},
    {"\033[1;2H", "S-Home"},
    {"\033[1;5F", "C-End"},
    {"\033[3;5~", "C-Delete"},
    {"\033[5;2~", "S-PageUp"},
    {"\033[6;3~", "M-PageDown"},
    {"\033[2;5~", "C-Insert"},
    {"\033O5P", "C-F1"},
    {"\033[1;5P", "C-F1"},
    /* Function keys. */
    {"\033OP", "F1"},
    {"\033OQ", "F2"},
    {"\033OR", "F3"},
    {"\033OS", "F4"},
    {"\033[11~", "F1"},
    {"\033[12~", "F2"},
    {"\033[13~", "F3"},
    {"\033[14~", "F4"},
    {"\033[15~", "F5"},
    {"\033[17~", "F6"},
    {"\033[18~", "F7"},
    {"\033[19~", "F8"},
    {"\033[20~", "F9"},
    {"\033[21~", "F10"},
    {"\033[23~", "F11"},
    {"\033[24~", "F12"},
    {"\033[15;2~", "S-F5"},
    {"\033[24;5~", "C-F12"},
    /* The linux console and rxvt. */
    {"\033[[A", "F1"},
    {"\033[[E", "F5"},
    {"\033[a", "S-Up"},
    {"\033[d", "S-Left"},
    {"\033Oa", "C-Up"},
    {"\033Oc", "C-Right"},
    {"\033[2$", "S-Insert"},
    {"\033[7^", "C-Home"},
    {"\033[3@", "C-S-Delete"},
    /* Keypad in application mode. */
    {"\033OM", "Enter"},
    {"\033Op", "0"},
    {"\033Oy", "9"},
    {"\033Ok", "+"},
    /* Bracketed paste. */
    {"\033[200~", "PasteStart"},
    {"\033[201~", "PasteEnd"},
    {"\033[200~a\r\033[201~", "PasteStart a Enter PasteEnd"},
    /* Alt. */
    {"\033x", "M-x"},
    {"\033X", "M-X"},
    {"\033 ", "M- "},
    {"\033\023", "C-M-s"},
    {"\033\r", "M-Enter"},
    {"\033\t", "M-Tab"},
    {"\033\177", "M-BSpace"},
    {"\033\303\251", "M-\303\251"},
    {"\033\033[A", "M-Up"},
    {"\033\033[1;5D", "C-M-Left"},
    /* UTF-8. */
    {"a", "a"},
    {"\303\251", "\303\251"},
    {"\344\270\255", "\344\270\255"},
    {"\360\237\230\200", "\360\237\230\200"},
    {"x\360\237\230\200y", "x \360\237\230\200 y"},
    /* Unknown sequences: one key, all of it used. */
    {"\033[99~", "Unknown"},
    {"\033[?1;2c", "Unknown"},
    {"\033[I", "Unknown"},
    {"\033[1;2;3;4;5A", "Unknown"},
    {"\033[1:5A", "Unknown"},
    {"\033[5A", "Unknown"},
    {"\033[1;99A", "Unknown"},
    {"\033[1 q", "Unknown"},
    {"\033Oz", "Unknown"},
    {"\033[[Z", "Unknown"},
    {"\033[99~x", "Unknown x"},
    /* The mouse (SGR 1006): press, drag, release, the wheel, from 0. */
    {"\033[<0;1;1M", "MouseDown1@0,0"},
    {"\033[<2;80;24M", "MouseDown3@79,23"},
    {"\033[<32;5;3M", "MouseDrag1@4,2"},
    {"\033[<0;5;3m", "MouseUp1@4,2"},
    {"\033[<64;10;2M", "WheelUp@9,1"},
    {"\033[<65;10;2M", "WheelDown@9,1"},
    {"\033[<4;2;3M", "S-MouseDown1@1,2"},
    {"\033[<24;2;3M", "C-M-MouseDown1@1,2"},
    {"\033[<1;1000;500M", "MouseDown2@999,499"},
    {"\033[<0;1;1Mx", "MouseDown1@0,0 x"},
    /* Malformed or not asked for: one unknown key, nothing typed. */
    {"\033[<0;0;1M", "Unknown"},
    {"\033[<0;1;0M", "Unknown"},
    {"\033[<0;1M", "Unknown"},
    {"\033[<0;1;1;1M", "Unknown"},
    {"\033[<0;1;1x", "Unknown"},
    {"\033[<;1;1M", "MouseDown1@0,0"},
    {"\033[<0;1;65536M", "Unknown"},
    {"\033[<35;5;5M", "Unknown"},  /* motion, no button */
    {"\033[<3;5;5M", "Unknown"},   /* old-style release */
    {"\033[<66;5;5M", "Unknown"},  /* wheel left */
    {"\033[<64;5;5m", "Unknown"},  /* a wheel "release" */
    {"\033[<128;5;5M", "Unknown"}, /* button 8 */
    {"\033[<0;1;1 M", "Unknown"},
    {"\033[0;1;1M", "Unknown"},
    /* The old X10 report: three raw bytes after ESC [ M, all taken. */
    {"\033[M !!", "Unknown"},
    {"\033[M#\177\377x", "Unknown x"},
    {"\033[M\033[A", "Unknown"},
    /* Several keys in one go. */
    {"ab\033[Ac", "a b Up c"},
    {"\033[A\033[B\033OP", "Up Down F1"},
};

static void
test_sequences(void **state)
{
	const struct seq *s;
	size_t i, len, cut;

	for (i = 0; i < sizeof sequences / sizeof sequences[0]; i++) {
		s = &sequences[i];
		len = strlen(s->in);
		assert_string_equal(run(s->in, 0), s->keys);
		/* Complete sequences need no flush. */
		assert_string_equal(run(s->in, 1), s->keys);
		for (cut = 0; cut <= len; cut++)
			assert_string_equal(
			    run_split(s->in, len, cut, 0), s->keys);
		assert_string_equal(run_bytes(s->in, len, 0), s->keys);
	}
}

static void
test_control_bytes(void **state)
{
	char in[2] = {0, 0}, want[8];
	struct seen s;
	struct keys k;
	int c;

	/* NUL (cannot be in a C string). */
	memset(&s, 0, sizeof s);
	keys_init(&k);
	keys_feed(&k, (const unsigned char *)"", 1, seen_cb, &s);
	assert_string_equal(s.text, "C-@");

	for (c = 0x01; c <= 0x1a; c++) {
		in[0] = c;
		if (c == 0x09)
			snprintf(want, sizeof want, "Tab");
		else if (c == 0x0a || c == 0x0d)
			snprintf(want, sizeof want, "Enter");
		else if (c == 0x08)
			snprintf(want, sizeof want, "BSpace");
		else
			snprintf(want, sizeof want, "C-%c", 'a' + c - 1);
		assert_string_equal(run(in, 0), want);
	}
	assert_string_equal(run("\034", 0), "C-\\");
	assert_string_equal(run("\035", 0), "C-]");
	assert_string_equal(run("\036", 0), "C-^");
	assert_string_equal(run("\037", 0), "C-_");
	assert_string_equal(run("\177", 0), "BSpace");
	assert_string_equal(run(" ~", 0), "  ~");
}

/* Events collected as values. */
struct events {
	struct key_event ev[16];
	unsigned n;
};

static void
events_cb(const struct key_event *ev, void *arg)
{
	struct events *e = arg;

	if (e->n < 16)
		e->ev[e->n] = *ev;
	e->n++;
}

static void
test_values(void **state)
{
	const char *in;
	struct events e;
	struct keys k;

	memset(&e, 0, sizeof e);
	keys_init(&k);
	in = "\023\033[1;6C\360\237\230\200\377\033[20~";
	keys_feed(&k, (const unsigned char *)in, strlen(in), events_cb, &e);
	assert_int_equal(e.n, 5);
	assert_int_equal(e.ev[0].code, KEYC_CTRL);
	assert_int_equal(e.ev[0].cp, 's');
	assert_int_equal(e.ev[0].mods, 0);
	assert_int_equal(e.ev[1].code, KEYC_RIGHT);
	assert_int_equal(e.ev[1].mods, KEYC_MOD_SHIFT | KEYC_MOD_CTRL);
	assert_int_equal(e.ev[2].code, KEYC_CHAR);
	assert_int_equal(e.ev[2].cp, 0x1f600);
	assert_int_equal(e.ev[3].code, KEYC_INVALID);
	assert_int_equal(e.ev[3].cp, 0xff);
	assert_int_equal(e.ev[4].code, KEYC_F);
	assert_int_equal(e.ev[4].cp, 9);
	assert_int_equal(keys_pending(&k), 0);
}

static void
test_flush(void **state)
{
	struct seen s;
	struct keys k;

	/* A lone ESC waits, then is Escape. */
	memset(&s, 0, sizeof s);
	keys_init(&k);
	keys_feed(&k, (const unsigned char *)"\033", 1, seen_cb, &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(keys_pending(&k), 1);
	keys_flush(&k, seen_cb, &s);
	assert_string_equal(s.text, "Escape");
	assert_int_equal(keys_pending(&k), 0);

	/* Flushing with nothing pending does nothing. */
	keys_flush(&k, seen_cb, &s);
	assert_int_equal(s.n, 1);

	/* ESC then a key in a later feed is still Alt + key... */
	memset(&s, 0, sizeof s);
	keys_feed(&k, (const unsigned char *)"\033", 1, seen_cb, &s);
	keys_feed(&k, (const unsigned char *)"x", 1, seen_cb, &s);
	assert_string_equal(s.text, "M-x");
	/* ...but not after a flush. */
	memset(&s, 0, sizeof s);
	keys_feed(&k, (const unsigned char *)"\033", 1, seen_cb, &s);
	keys_flush(&k, seen_cb, &s);
	keys_feed(&k, (const unsigned char *)"x", 1, seen_cb, &s);
	assert_string_equal(s.text, "Escape x");

	/* Incomplete sequences. */
	assert_string_equal(run("\033[", 0), "");
	assert_string_equal(run("\033[", 1), "M-[");
	assert_string_equal(run("\033O", 1), "M-O");
	assert_string_equal(run("\033[1;", 0), "");
	assert_string_equal(run("\033[1;", 1), "Unknown");
	assert_string_equal(run("\033[[", 1), "Unknown");
	assert_string_equal(run("\033\033", 0), "");
	assert_string_equal(run("\033\033", 1), "M-Escape");
	assert_string_equal(run("\033\033[", 1), "M-[");

	/* A sequence cut short by another byte. */
	assert_string_equal(run("\033[\003", 0), "M-[ C-c");
	assert_string_equal(run("\033[12\033[A", 0), "Unknown Up");
	assert_string_equal(run("\033[1\303\251", 0), "Unknown \303\251");

	/* Nothing left after a flush. */
	memset(&s, 0, sizeof s);
	keys_init(&k);
	keys_feed(&k, (const unsigned char *)"\033[1;5", 5, seen_cb, &s);
	assert_int_equal(keys_pending(&k), 1);
	keys_flush(&k, seen_cb, &s);
	assert_int_equal(keys_pending(&k), 0);
	keys_feed(&k, (const unsigned char *)"A", 1, seen_cb, &s);
	assert_string_equal(s.text, "Unknown A");
}

static void
test_utf8(void **state)
{
	struct seen s;
	struct keys k;

	/* A partial character waits for the rest. */
	memset(&s, 0, sizeof s);
	keys_init(&k);
	keys_feed(&k, (const unsigned char *)"\360\237", 2, seen_cb, &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(keys_pending(&k), 1);
	keys_feed(&k, (const unsigned char *)"\230", 1, seen_cb, &s);
	assert_int_equal(s.n, 0);
	keys_feed(&k, (const unsigned char *)"\200", 1, seen_cb, &s);
	assert_string_equal(s.text, "\360\237\230\200");

	/* ...and is invalid bytes if it never comes. */
	assert_string_equal(run("\344\270", 0), "");
	assert_string_equal(run("\344\270", 1), "\\xe4 \\xb8");
	assert_string_equal(run("\303", 1), "\\xc3");

	/* Invalid bytes, one key each, reported without waiting. */
	assert_string_equal(run("\377", 0), "\\xff");
	assert_string_equal(run("\200", 0), "\\x80");
	assert_string_equal(run("\300\257", 0), "\\xc0 \\xaf");
	assert_string_equal(run("\340\200\257", 0), "\\xe0 \\x80 \\xaf");
	assert_string_equal(run("\355\240\200", 0), "\\xed \\xa0 \\x80");
	assert_string_equal(
	    run("\364\220\200\200", 0), "\\xf4 \\x90 \\x80 \\x80");
	assert_string_equal(
	    run("\370\210\200\200\200", 0), "\\xf8 \\x88 \\x80 \\x80 \\x80");
	assert_string_equal(run("\344a", 0), "\\xe4 a");
	assert_string_equal(run("\344\270a", 0), "\\xe4 \\xb8 a");
	assert_string_equal(run("\033\377", 0), "Escape \\xff");

	/* A C1 control encoded in UTF-8 is not text. */
	assert_string_equal(run("\302\233", 0), "Unknown");
}

static void
test_overlong(void **state)
{
	char in[300];
	struct seen s;
	struct keys k;
	size_t i;

	/* A CSI too long for pending: one Unknown, the rest dropped. */
	in[0] = '\033';
	in[1] = '[';
	for (i = 2; i < 202; i++)
		in[i] = (i % 3 == 0) ? ';' : '1';
	in[202] = 'A';
	in[203] = 'x';
	in[204] = '\0';
	assert_string_equal(run(in, 0), "Unknown x");
	assert_string_equal(run_bytes(in, 204, 0), "Unknown x");
	for (i = 0; i <= 204; i += 7)
		assert_string_equal(run_split(in, 204, i, 0), "Unknown x");

	/* Exactly as long as pending: still fits. */
	in[0] = '\033';
	in[1] = '[';
	for (i = 2; i < 63; i++)
		in[i] = '0';
	in[63] = '~';
	in[64] = '\0';
	assert_string_equal(run(in, 0), "Unknown");

	/* Cut by a byte that is not part of a sequence. */
	in[0] = '\033';
	in[1] = '[';
	for (i = 2; i < 100; i++)
		in[i] = '1';
	in[100] = '\r';
	in[101] = '\0';
	assert_string_equal(run(in, 0), "Unknown Enter");

	/* Too long then a flush. */
	memset(&s, 0, sizeof s);
	keys_init(&k);
	keys_feed(&k, (const unsigned char *)in, 100, seen_cb, &s);
	assert_int_equal(keys_pending(&k), 1);
	keys_flush(&k, seen_cb, &s);
	assert_int_equal(keys_pending(&k), 0);
	keys_feed(&k, (const unsigned char *)"1A", 2, seen_cb, &s);
	assert_string_equal(s.text, "Unknown 1 A");
}

static void
test_junk(void **state)
{
	unsigned char buf[4096];
	struct seen s;
	struct keys k;
	uint32_t x = 12345;
	size_t i, off, n;
	int round;

	/* Pseudo-random bytes rich in ESC [ O ; and digits: no crash. */
	for (round = 0; round < 200; round++) {
		for (i = 0; i < sizeof buf; i++) {
			x = x * 1103515245 + 12345;
			switch ((x >> 16) % 8) {
			case 0:
				buf[i] = 0x1b;
				break;
			case 1:
				buf[i] = '[';
				break;
			case 2:
				buf[i] = ';';
				break;
			case 3:
				buf[i] = '0' + (x >> 8) % 10;
				break;
			default:
				buf[i] = x >> 24;
				break;
			}
		}
		keys_init(&k);
		for (off = 0; off < sizeof buf; off += n) {
			memset(&s, 0, sizeof s);
			n = 1 + (x >> (off % 24)) % 97;
			if (n > sizeof buf - off)
				n = sizeof buf - off;
			keys_feed(&k, buf + off, n, seen_cb, &s);
			assert_true(k.npending <= sizeof k.pending);
		}
		keys_flush(&k, seen_cb, &s);
		assert_int_equal(keys_pending(&k), 0);
	}
}

/* Keys and paste data seen with a paste callback. */
struct pasted {
	struct seen s;
	unsigned char *data;
	size_t len, size;
	unsigned pieces;
	int in_paste; /* between PasteStart and PasteEnd */
	int bad;      /* data outside a paste, an empty piece, ... */
};

static void
pasted_key(const struct key_event *ev, void *arg)
{
	struct pasted *p = arg;

	if (ev->code == KEYC_PASTE_START) {
		if (p->in_paste)
			p->bad = 1;
		p->in_paste = 1;
	} else if (ev->code == KEYC_PASTE_END) {
		if (!p->in_paste)
			p->bad = 1;
		p->in_paste = 0;
	} else if (p->in_paste)
		p->bad = 1; /* no keys inside a paste */
	seen_cb(ev, &p->s);
}

static void
pasted_data(const unsigned char *data, size_t len, void *arg)
{
	struct pasted *p = arg;

	if (!p->in_paste || len == 0)
		p->bad = 1;
	if (p->len + len > p->size) {
		p->size = (p->len + len) * 2;
		p->data = xrealloc(p->data, p->size);
	}
	memcpy(p->data + p->len, data, len);
	p->len += len;
	p->pieces++;
}

static void
pasted_init(struct pasted *p, struct keys *k)
{
	memset(p, 0, sizeof *p);
	keys_init(k);
	keys_set_paste(k, pasted_data, p);
}

static void
pasted_free(struct pasted *p)
{
	free(p->data);
}

static void
pasted_feed(struct pasted *p, struct keys *k, const char *in, size_t len)
{
	keys_feed(k, (const unsigned char *)in, len, pasted_key, p);
}

/* The paste data as a string (for the tables: no NUL in them). */
static const char *
pasted_text(struct pasted *p)
{
	static char text[4096];

	assert_true(p->len < sizeof text);
	if (p->len != 0)
		memcpy(text, p->data, p->len);
	text[p->len] = '\0';
	return text;
}

struct paste_seq {
	const char *in;
	const char *keys;
	const char *data;
};

static const struct paste_seq paste_sequences[] = {
    {"\033[200~\033[201~", "PasteStart PasteEnd", ""},
    {"\033[200~abc\033[201~", "PasteStart PasteEnd", "abc"},
    /* ESC, control bytes, CR LF and sequences are text inside. */
    {"x\033[200~a\033b\003\r\n\t\177\033[A\033OP\033[201~y",
        "x PasteStart PasteEnd y", "a\033b\003\r\n\t\177\033[A\033OP"},
    /* UTF-8, and bytes that are not UTF-8, pass unchanged. */
    {"\033[200~\303\251\344\270\255\360\237\230\200\377\300\033[201~",
        "PasteStart PasteEnd", "\303\251\344\270\255\360\237\230\200\377\300"},
    /* A UTF-8 character cut by the start marker is not waited for. */
    {"\344\033[200~z\033[201~", "\\xe4 PasteStart PasteEnd", "z"},
    /* Almost the end marker: text. */
    {"\033[200~\033[201x\033[20~\033[2\033[\033\033[201~",
        "PasteStart PasteEnd", "\033[201x\033[20~\033[2\033[\033"},
    {"\033[200~\033\033[201~", "PasteStart PasteEnd", "\033"},
    {"\033[200~\033[\033[201~", "PasteStart PasteEnd", "\033["},
    {"\033[200~\033[201;2~\033[201~", "PasteStart PasteEnd", "\033[201;2~"},
    /* A start marker inside is text. */
    {"\033[200~a\033[200~b\033[201~", "PasteStart PasteEnd", "a\033[200~b"},
    /* Two pastes, keys around them. */
    {"\033[A\033[200~one\033[201~\033[B\033[200~two\033[201~\033[C",
        "Up PasteStart PasteEnd Down PasteStart PasteEnd Right", "onetwo"},
    /* Alt in front of the start marker: Escape, then the paste. */
    {"\033\033[200~ab\033[201~", "Escape PasteStart PasteEnd", "ab"},
    /* An end marker outside a paste is no key. */
    {"\033[201~q", "Unknown q", ""},
    /* A paste that has not ended yet. */
    {"\033[200~abc", "PasteStart", "abc"},
    {"\033[200~abc\033[201", "PasteStart", "abc"},
};

/* Feed in two pieces (cut < len) or byte by byte (cut == (size_t)-1). */
static void
paste_run(const struct paste_seq *ps, size_t cut, int flush)
{
	struct pasted p;
	struct keys k;
	size_t len = strlen(ps->in), i;

	pasted_init(&p, &k);
	if (cut == (size_t)-1) {
		for (i = 0; i < len; i++)
			pasted_feed(&p, &k, ps->in + i, 1);
	} else if (cut < len) {
		pasted_feed(&p, &k, ps->in, cut);
		pasted_feed(&p, &k, ps->in + cut, len - cut);
	} else
		pasted_feed(&p, &k, ps->in, len);
	if (flush)
		keys_flush(&k, pasted_key, &p);
	if (strcmp(p.s.text, ps->keys) != 0 ||
	    strcmp(pasted_text(&p), ps->data) != 0 || p.bad)
		fail_msg(
		    "input %zu cut %zu flush %d: keys '%s' data '%s' bad %d",
		    (size_t)(ps - paste_sequences), cut, flush, p.s.text,
		    pasted_text(&p), p.bad);
	pasted_free(&p);
}

static void
test_paste(void **state)
{
	const struct paste_seq *ps;
	size_t i, len, cut;

	for (i = 0; i < sizeof paste_sequences / sizeof paste_sequences[0];
	     i++) {
		ps = &paste_sequences[i];
		len = strlen(ps->in);
		paste_run(ps, len, 0);
		paste_run(ps, len, 1);
		for (cut = 0; cut < len; cut++) {
			paste_run(ps, cut, 0);
			paste_run(ps, cut, 1);
		}
		paste_run(ps, (size_t)-1, 0);
		paste_run(ps, (size_t)-1, 1);
	}
}

/* Bytes with the NUL a C string cannot hold. */
static void
test_paste_nul(void **state)
{
	static const char in[] = "\033[200~a\0b\033[201~\0";
	struct pasted p;
	struct keys k;

	pasted_init(&p, &k);
	pasted_feed(&p, &k, in, sizeof in - 1);
	assert_string_equal(p.s.text, "PasteStart PasteEnd C-@");
	assert_int_equal(p.len, 3);
	assert_memory_equal(p.data, "a\0b", 3);
	assert_int_equal(p.pieces, 1);
	assert_int_equal(p.bad, 0);
	pasted_free(&p);
}

/* The end marker split at every point across two feeds; what may be the
 * marker is held back until it is known. */
static void
test_paste_marker_split(void **state)
{
	static const char marker[] = "\033[201~";
	struct pasted p;
	struct keys k;
	size_t cut;

	for (cut = 0; cut <= 6; cut++) {
		pasted_init(&p, &k);
		pasted_feed(&p, &k, "\033[200~data", 10);
		pasted_feed(&p, &k, marker, cut);
		/* Only "data" so far, whatever of the marker came. */
		assert_string_equal(pasted_text(&p), "data");
		assert_int_equal(p.pieces, 1);
		if (cut < 6) {
			assert_string_equal(p.s.text, "PasteStart");
			/* No timeout in a paste: a flush changes nothing. */
			assert_int_equal(keys_pending(&k), 0);
			keys_flush(&k, pasted_key, &p);
			assert_string_equal(p.s.text, "PasteStart");
			assert_string_equal(pasted_text(&p), "data");
		}
		pasted_feed(&p, &k, marker + cut, 6 - cut);
		pasted_feed(&p, &k, "z", 1);
		assert_string_equal(p.s.text, "PasteStart PasteEnd z");
		assert_string_equal(pasted_text(&p), "data");
		assert_int_equal(p.bad, 0);
		pasted_free(&p);
	}

	/* A held-back "ESC[20" that turns out to be text. */
	for (cut = 1; cut <= 5; cut++) {
		pasted_init(&p, &k);
		pasted_feed(&p, &k, "\033[200~ab", 8);
		pasted_feed(&p, &k, marker, cut);
		assert_string_equal(pasted_text(&p), "ab");
		pasted_feed(&p, &k, "x", 1);
		assert_int_equal(p.len, 2 + cut + 1);
		assert_memory_equal(p.data, "ab", 2);
		assert_memory_equal(p.data + 2, marker, cut);
		assert_int_equal(p.data[2 + cut], 'x');
		assert_string_equal(p.s.text, "PasteStart");
		pasted_free(&p);
	}

	/* Held back, then an ESC: the first part is text, the ESC may
	 * start the marker again. */
	pasted_init(&p, &k);
	pasted_feed(&p, &k, "\033[200~\033[20", 10);
	assert_string_equal(pasted_text(&p), "");
	assert_int_equal(p.pieces, 0);
	pasted_feed(&p, &k, "\033", 1);
	assert_string_equal(pasted_text(&p), "\033[20");
	pasted_feed(&p, &k, "[201~", 5);
	assert_string_equal(p.s.text, "PasteStart PasteEnd");
	assert_string_equal(pasted_text(&p), "\033[20");
	pasted_free(&p);

	/* A lone ESC at the end of a feed in a paste is not the Esc key,
	 * even after a flush. */
	pasted_init(&p, &k);
	pasted_feed(&p, &k, "\033[200~ab\033", 9);
	assert_int_equal(keys_pending(&k), 0);
	keys_flush(&k, pasted_key, &p);
	pasted_feed(&p, &k, "x\033[201~", 7);
	assert_string_equal(p.s.text, "PasteStart PasteEnd");
	assert_string_equal(pasted_text(&p), "ab\033x");
	pasted_free(&p);

	/* The start marker split: an ordinary pending key, flushable. */
	pasted_init(&p, &k);
	pasted_feed(&p, &k, "\033[20", 4);
	assert_int_equal(keys_pending(&k), 1);
	pasted_feed(&p, &k, "0~", 2);
	assert_int_equal(keys_pending(&k), 0);
	assert_string_equal(p.s.text, "PasteStart");
	pasted_free(&p);
}

/* A 1 MiB paste in random-sized feeds comes out exactly. */
static void
test_paste_large(void **state)
{
	const size_t size = 1024 * 1024;
	static const char start[] = "\033[200~", end[] = "\033[201~";
	unsigned char *in, *data;
	struct pasted p;
	struct keys k;
	uint32_t x = 4242;
	size_t i, len, off, n, feeds = 0;

	/* Rich in the marker's bytes, so partial markers are common. */
	data = xmalloc(size);
	for (i = 0; i < size; i++) {
		x = x * 1103515245 + 12345;
		switch ((x >> 16) % 10) {
		case 0:
			data[i] = 0x1b;
			break;
		case 1:
			data[i] = '[';
			break;
		case 2:
			data[i] = '0' + (x >> 8) % 3;
			break;
		case 3:
			data[i] = '~';
			break;
		default:
			data[i] = x >> 24;
			break;
		}
		/* Never the whole end marker. */
		if (i >= 5 && memcmp(data + i - 5, end, 6) == 0)
			data[i] = 'x';
	}

	len = 6 + size + 6 + 1;
	in = xmalloc(len);
	memcpy(in, start, 6);
	memcpy(in + 6, data, size);
	memcpy(in + 6 + size, end, 6);
	in[len - 1] = 'q';

	pasted_init(&p, &k);
	for (off = 0; off < len; off += n) {
		x = x * 1103515245 + 12345;
		/* Mostly short feeds, some long. */
		if ((x >> 28) == 0)
			n = 1 + (x >> 8) % 70000;
		else
			n = 1 + (x >> 16) % 300;
		if (n > len - off)
			n = len - off;
		keys_feed(&k, in + off, n, pasted_key, &p);
		feeds++;
	}
	assert_string_equal(p.s.text, "PasteStart PasteEnd q");
	assert_int_equal(p.bad, 0);
	assert_int_equal(p.len, size);
	assert_memory_equal(p.data, data, size);
	/* Passed on as it came: at most a piece of each feed, and the
	 * held-back bytes once in a while. */
	assert_true(p.pieces <= 2 * feeds);
	assert_true(p.pieces >= feeds / 2);

	pasted_free(&p);
	free(in);
	free(data);
}

/* Without a paste callback, a paste is keys, as it always was. */
static void
test_paste_off(void **state)
{
	struct pasted p;
	struct keys k;

	pasted_init(&p, &k);
	keys_set_paste(&k, NULL, NULL);
	pasted_feed(&p, &k, "\033[200~a\033[A\033", 11);
	assert_int_equal(keys_pending(&k), 1);
	keys_flush(&k, pasted_key, &p);
	pasted_feed(&p, &k, "\033[201~", 6);
	assert_string_equal(p.s.text, "PasteStart a Up Escape PasteEnd");
	assert_int_equal(p.len, 0);
	pasted_free(&p);

	/* Clearing it inside a paste: keys again, the held-back bytes
	 * dropped. */
	pasted_init(&p, &k);
	pasted_feed(&p, &k, "\033[200~ab\033[", 10);
	keys_set_paste(&k, NULL, NULL);
	pasted_feed(&p, &k, "c\033[B", 4);
	assert_string_equal(p.s.text, "PasteStart c Down");
	assert_string_equal(pasted_text(&p), "ab");
	pasted_free(&p);
}

static void
test_names(void **state)
{
	struct key_event ev;
	char buf[32], tiny[4];

	memset(&ev, 0, sizeof ev);
	ev.code = KEYC_CTRL;
	ev.cp = 's';
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "C-s");
	ev.code = KEYC_LEFT;
	ev.mods = KEYC_MOD_SHIFT;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "S-Left");
	ev.code = KEYC_CHAR;
	ev.mods = KEYC_MOD_ALT;
	ev.cp = 'x';
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "M-x");
	ev.mods = 0;
	ev.cp = 0x4e2d;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "\344\270\255");
	ev.code = KEYC_ENTER;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "Enter");
	ev.code = KEYC_TAB;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "Tab");
	ev.code = KEYC_BACKSPACE;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "BSpace");
	ev.code = KEYC_ESC;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "Escape");
	ev.code = KEYC_HOME;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "Home");
	ev.code = KEYC_END;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "End");
	ev.code = KEYC_PGUP;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "PageUp");
	ev.code = KEYC_PGDN;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "PageDown");
	ev.code = KEYC_DELETE;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "Delete");
	ev.code = KEYC_F;
	ev.cp = 5;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "F5");
	ev.code = KEYC_INVALID;
	ev.cp = 0xfe;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "\\xfe");

	/* Bad values and small buffers are safe. */
	ev.code = 999;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "Key999");
	ev.code = KEYC_CHAR;
	ev.cp = 0xd800;
	assert_string_equal(keys_name(&ev, buf, sizeof buf), "U+D800");
	ev.code = KEYC_PGDN;
	ev.mods = KEYC_MOD_CTRL;
	assert_string_equal(keys_name(&ev, tiny, sizeof tiny), "C-P");
	assert_string_equal(keys_name(&ev, tiny, 0), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sequences),
	    cmocka_unit_test(test_control_bytes),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_flush),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_overlong),
	    cmocka_unit_test(test_junk),
	    cmocka_unit_test(test_paste),
	    cmocka_unit_test(test_paste_nul),
	    cmocka_unit_test(test_paste_marker_split),
	    cmocka_unit_test(test_paste_large),
	    cmocka_unit_test(test_paste_off),
	    cmocka_unit_test(test_names),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
