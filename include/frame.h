/* frame.h: a frame is what one person's terminal should show.
 * A grid of cells (text, colours, attributes) and the cursor position. */
#ifndef MOOT_FRAME_H
#define MOOT_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* Colours in a cell are abstract: 0 is the terminal's default, 1 to
 * MOOT_NCOLOURS are the person colours (or, with CELL_SYNTAX, fg is a
 * syntax colour). The frontend maps them to what the terminal has
 * (colour.c). */
#define FRAME_DEFAULT 0

#define CELL_BOLD 0x01
#define CELL_REVERSE 0x02
#define CELL_UNDERLINE 0x04
#define CELL_DIM 0x08
/* fg is a syntax colour, a 256-colour index (0-255), not a person colour;
 * anything drawn over the cell (a cursor, a selection) clears it. */
#define CELL_SYNTAX 0x10
#define CELL_WIDE 0x40 /* first half of a two-column character */
#define CELL_CONT 0x80 /* second half of a two-column character (ch 0) */

struct cell {
	uint32_t ch;   /* code point; ' ' for blank; 0 only with CELL_CONT */
	uint32_t comb; /* one combining mark, or 0 */
	uint8_t fg, bg;
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
    uint32_t comb, uint8_t fg, uint8_t bg, uint8_t attr);
/* Write UTF-8 text (already inert: no control characters) from x, up to
 * column limit (exclusive); returns the column after the last written. */
unsigned frame_puts(struct frame *, unsigned x, unsigned y, unsigned limit,
    const char *, uint8_t fg, uint8_t bg, uint8_t attr);
/* Fill columns [x, limit) of row y with blanks of the given style. */
void frame_fill(struct frame *, unsigned x, unsigned y, unsigned limit,
    uint8_t fg, uint8_t bg, uint8_t attr);
int frame_row_equal(const struct frame *, const struct frame *, unsigned y);
void frame_copy(struct frame *dst, const struct frame *src); /* same size */
/* A frame as plain text rows joined by '\n' (tests and debugging). */
char *frame_text(const struct frame *);

#endif
