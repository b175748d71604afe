/* colour.c: each person's colour, stable per identity and distinct.
 * Also how a person colour is shown on 8- and 256-colour terminals. */
#include "moot.h"

#include <string.h>

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
