/* frame.h: a frame is what one person's terminal should show.
 * A grid of cells (text, colours, attributes) and the cursor position. */
#ifndef MOOT_FRAME_H
#define MOOT_FRAME_H

#include <stddef.h>
#include <stdint.h>

/*
 * A colour in a cell is a uint32_t: a tag in the top byte, its value in the
 * low 24 bits. COLOUR_DEFAULT (0) is the terminal's default; a person
 * colour is 1 to MOOT_NCOLOURS; a 256-colour index is 0-255 (syntax
 * colours are these); an RGB colour is 24 bits. The frontend maps each to
 * what the terminal has (colour.c). Equal colours are equal numbers.
 */
#define COLOUR_DEFAULT 0U
#define COLOUR_T_PERSON 1U
#define COLOUR_T_256 2U
#define COLOUR_T_RGB 3U
#define COLOUR_PERSON(n) ((COLOUR_T_PERSON << 24) | ((uint32_t)(n)&0xff))
#define COLOUR_256(i) ((COLOUR_T_256 << 24) | ((uint32_t)(i)&0xff))
#define COLOUR_RGB(r, g, b)                                                    \
	((COLOUR_T_RGB << 24) | (((uint32_t)(r)&0xff) << 16) |                 \
	    (((uint32_t)(g)&0xff) << 8) | ((uint32_t)(b)&0xff))
#define COLOUR_TAG(c) ((uint32_t)(c) >> 24)
#define COLOUR_INDEX(c) ((uint32_t)(c)&0xff) /* person n or 256 index */
#define COLOUR_R(c) (((uint32_t)(c) >> 16) & 0xff)
#define COLOUR_G(c) (((uint32_t)(c) >> 8) & 0xff)
#define COLOUR_B(c) ((uint32_t)(c)&0xff)
#define FRAME_DEFAULT COLOUR_DEFAULT

/* Is c a colour as above (what a frame may carry)? */
static inline int
colour_valid(uint32_t c, unsigned npersons)
{
	switch (COLOUR_TAG(c)) {
	case 0:
		return c == COLOUR_DEFAULT;
	case COLOUR_T_PERSON:
		return COLOUR_INDEX(c) >= 1 && (c & 0xffffff) <= npersons;
	case COLOUR_T_256:
		return (c & 0xffffff) <= 0xff;
	case COLOUR_T_RGB:
		return 1;
	}
	return 0;
}

#define CELL_BOLD 0x01
#define CELL_REVERSE 0x02
#define CELL_UNDERLINE 0x04
#define CELL_DIM 0x08
#define CELL_WIDE 0x40 /* first half of a two-column character */
#define CELL_CONT 0x80 /* second half of a two-column character (ch 0) */

struct cell {
	uint32_t ch;     /* code point; ' ' for blank; 0 only with CELL_CONT */
	uint32_t comb;   /* one combining mark, or 0 */
	uint32_t fg, bg; /* colours (COLOUR_*) */
	uint8_t attr;
};

/*
 * A frame is made for every person after every change, and a terminal may
 * be 1000 columns wide and 500 rows high, so what costs in proportion to
 * its size must not be done for blanks: each row knows how many of its
 * first cells may be other than the blanks frame_clear makes (used), and
 * clearing and comparing stop there. Every change to a cell goes through
 * frame_put (and the calls built on it), frame_touch or frame_row, which
 * keep used.
 */
struct frame {
	unsigned cols, rows;
	unsigned cx, cy; /* terminal cursor */
	int cursor_visible;
	int mouse;          /* ask the terminal for mouse reports */
	struct cell *cells; /* rows * cols */
	unsigned *used;     /* per row: cells from this column on are blanks */
};

struct frame *frame_create(unsigned cols, unsigned rows);
void frame_free(struct frame *);
/* Fill with blanks, cursor at 0,0 visible. */
void frame_clear(struct frame *);
/* A cell, to read. */
static inline const struct cell *
frame_cell(const struct frame *f, unsigned x, unsigned y)
{
	return &f->cells[(size_t)y * f->cols + x];
}
/* A cell, to change (x < cols, y < rows). */
struct cell *frame_touch(struct frame *, unsigned x, unsigned y);
/* The cells of row y, to change all of them. */
struct cell *frame_row(struct frame *, unsigned y);
/* Set one cell (a wide ch takes two: x and x + 1; if it does not fit, a
 * blank is put instead). Out-of-range writes are ignored. Returns columns
 * used. */
unsigned frame_put(struct frame *, unsigned x, unsigned y, uint32_t ch,
    uint32_t comb, uint32_t fg, uint32_t bg, uint8_t attr);
/* Write UTF-8 text (already inert: no control characters) from x, up to
 * column limit (exclusive); returns the column after the last written. */
unsigned frame_puts(struct frame *, unsigned x, unsigned y, unsigned limit,
    const char *, uint32_t fg, uint32_t bg, uint8_t attr);
/* Fill columns [x, limit) of row y with blanks of the given style. */
void frame_fill(struct frame *, unsigned x, unsigned y, unsigned limit,
    uint32_t fg, uint32_t bg, uint8_t attr);
int frame_row_equal(const struct frame *, const struct frame *, unsigned y);
void frame_copy(struct frame *dst, const struct frame *src); /* same size */
/* A frame as plain text rows joined by '\n' (tests and debugging). */
char *frame_text(const struct frame *);

#endif
