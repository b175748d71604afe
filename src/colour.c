/* colour.c: each person's colour, stable per identity and distinct.
 * Also how a person colour is shown on 8- and 256-colour terminals. */
#include "moot.h"

#include <string.h>

#include "frame.h"

#include "frontend.h"

/*
 * The palette: twelve colours that read well as text on a dark or light
 * background and as a cursor cell behind black text. On a 256-colour
 * terminal each has its own colour; on an 8-colour terminal the first six
 * are the six non-grey ANSI colours and the second six are the same six
 * made bold (so still twelve distinct looks).
 */
static const struct {
	short c256;
	short c8;
	int bright;
} colour_table[MOOT_NCOLOURS] = {
    {196, 1, 0}, /* red */
    {40, 2, 0},  /* green */
    {33, 4, 0},  /* blue */
    {214, 3, 0}, /* orange / yellow */
    {170, 5, 0}, /* magenta */
    {44, 6, 0},  /* cyan */
    {226, 3, 1}, /* yellow */
    {129, 5, 1}, /* purple */
    {118, 2, 1}, /* lime */
    {39, 4, 1},  /* sky */
    {211, 1, 1}, /* pink */
    {87, 6, 1},  /* aqua */
};

/* FNV-1a over the key fingerprint: the same key, the same colour. */
static unsigned
colour_hash(const char *s)
{
	unsigned h = 2166136261U;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 16777619U;
	}
	return h;
}

/* The colour (1..MOOT_NCOLOURS) for a key; if its own is taken by someone
 * present, the next free one, so up to MOOT_NCOLOURS people all differ. */
int
colour_for_key(const char *fingerprint, const int *taken, int ntaken)
{
	int want, i, c, j, used;

	want = colour_hash(fingerprint) % MOOT_NCOLOURS;
	for (i = 0; i < MOOT_NCOLOURS; i++) {
		c = (want + i) % MOOT_NCOLOURS + 1;
		used = 0;
		for (j = 0; j < ntaken; j++) {
			if (taken[j] == c)
				used = 1;
		}
		if (!used)
			return c;
	}
	return want + 1;
}

/* How colour (1..MOOT_NCOLOURS) looks on a terminal with ncolours. */
void
colour_map(int colour, int ncolours, short *c, int *bright)
{
	if (colour < 1 || colour > MOOT_NCOLOURS) {
		*c = -1;
		*bright = 0;
		return;
	}
	if (ncolours >= 256) {
		*c = colour_table[colour - 1].c256;
		*bright = 0;
	} else {
		*c = colour_table[colour - 1].c8;
		*bright = colour_table[colour - 1].bright;
	}
}

/*
 * How a syntax colour (a 256-colour index, as nano's names give) looks on
 * a terminal with ncolours: itself on 256 colours; on 8, the nearest of
 * the eight, bright ones (8-15, and light mixes) made bold as nano does.
 */
void
colour_syntax_map(int index, int ncolours, short *c, int *bright)
{
	int r, g, b, top, grey;

	*bright = 0;
	if (index < 0 || index > 255 || ncolours < 8) {
		*c = -1;
		return;
	}
	if (ncolours >= 256) {
		*c = index;
		return;
	}
	if (index < 8) {
		*c = index;
		return;
	}
	if (index < 16) {
		*c = index - 8;
		*bright = 1;
		return;
	}
	if (index >= 232) {
		/* The grey ramp: dark greys bold black, light ones white. */
		grey = index - 232;
		*c = grey < 12 ? 0 : 7;
		*bright = grey < 12 || grey >= 18;
		return;
	}
	/* The 6x6x6 cube: each channel on if it is near the strongest. */
	index -= 16;
	r = index / 36;
	g = index / 6 % 6;
	b = index % 6;
	top = r > g ? r : g;
	top = top > b ? top : b;
	if (top == 0) {
		*c = 0;
		*bright = 1;
		return;
	}
	*c = (r * 2 > top ? 1 : 0) | (g * 2 > top ? 2 : 0) |
	     (b * 2 > top ? 4 : 0);
	*bright = top >= 4;
}

/* The nearest of xterm's six levels of a cube channel to v (0-255). */
static int
colour_level(int v)
{
	static const int level[6] = {0, 95, 135, 175, 215, 255};
	int i;

	for (i = 0; i < 5; i++) {
		if (v < (level[i] + level[i + 1]) / 2)
			return i;
	}
	return 5;
}

/* The nearest of the 256 colours to an RGB one: of the 6x6x6 cube or of
 * the grey ramp, whichever is closer (xterm's levels). */
int
colour_rgb_to_256(int r, int g, int b)
{
	static const int level[6] = {0, 95, 135, 175, 215, 255};
	int ri = colour_level(r), gi = colour_level(g), bi = colour_level(b);
	int grey, gv, dc, dg;

	grey = ((r + g + b) / 3 - 3) / 10;
	if (grey < 0)
		grey = 0;
	if (grey > 23)
		grey = 23;
	gv = 8 + 10 * grey;
	dc = (level[ri] - r) * (level[ri] - r) +
	     (level[gi] - g) * (level[gi] - g) +
	     (level[bi] - b) * (level[bi] - b);
	dg = (gv - r) * (gv - r) + (gv - g) * (gv - g) + (gv - b) * (gv - b);
	if (dg < dc)
		return 232 + grey;
	return 16 + 36 * ri + 6 * gi + bi;
}

/*
 * How a cell's colour (COLOUR_*, frame.h) looks on a terminal with
 * ncolours: the default as -1; a person colour as colour_map; a 256-colour
 * one as colour_syntax_map; an RGB one as its nearest 256-colour one.
 */
void
colour_cell_map(uint32_t colour, int ncolours, short *c, int *bright)
{
	*c = -1;
	*bright = 0;
	switch (COLOUR_TAG(colour)) {
	case COLOUR_T_PERSON:
		colour_map((int)COLOUR_INDEX(colour), ncolours, c, bright);
		break;
	case COLOUR_T_256:
		colour_syntax_map(
		    (int)COLOUR_INDEX(colour), ncolours, c, bright);
		break;
	case COLOUR_T_RGB:
		colour_syntax_map(
		    colour_rgb_to_256((int)COLOUR_R(colour),
		        (int)COLOUR_G(colour), (int)COLOUR_B(colour)),
		    ncolours, c, bright);
		break;
	}
}
