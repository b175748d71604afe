/* view.c: one person's place in a document: cursor, selection, scroll.
 * Movement steps over whole display units (see layout.c). */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "colindex.h"
#include "server.h"

void
view_set_doc(struct view *v, struct doc *d)
{
	memset(v, 0, sizeof *v);
	v->doc = d;
}

size_t
view_line(const struct view *v)
{
	return buffer_line_of(v->doc->buf, v->cursor);
}

size_t
view_col(const struct view *v)
{
	const struct buffer *b = v->doc->buf;
	size_t line = buffer_line_of(b, v->cursor);

	return colindex_col_of(
	    v->doc->colindex, b, line, v->cursor - buffer_line_start(b, line));
}

static size_t
view_count_newlines(const char *s, size_t len)
{
	size_t n = 0;

	while (len > 0) {
		if (*s++ == '\n')
			n++;
		len--;
	}
	return n;
}

/* Move an offset the way an op moves the text around it. An offset at the
 * insertion point stays before the inserted text, so two people typing at
 * the same place each keep their own characters together. */
size_t
view_shift_offset(size_t x, const struct op *op)
{
	if (x <= op->pos)
		return x;
	if (x <= op->pos + op->del_len)
		return op->pos;
	return x - op->del_len + op->ins_len;
}

/* Follow an op applied to v's document (after the buffer changed). */
void
view_shift(struct view *v, const struct op *op, int mine)
{
	const struct buffer *b = v->doc->buf;
	size_t line, added, removed;

	if (mine) {
		v->cursor = op->pos + op->ins_len;
		v->goal = view_col(v);
	} else
		v->cursor = view_shift_offset(v->cursor, op);

	/*
	 * The anchor moves with the text around it whoever made the op. When
	 * someone else deletes everything selected, anchor and cursor both
	 * land at op->pos: the selection is empty but stays on, and grows
	 * again from there with Shift + a move.
	 */
	v->anchor = view_shift_offset(v->anchor, op);

	/* Keep the same text at the top when lines come or go above it. */
	line = buffer_line_of(b, op->pos);
	if (line < v->top) {
		added = view_count_newlines(op->ins, op->ins_len);
		removed = view_count_newlines(op->del, op->del_len);
		if (added >= removed)
			v->top += added - removed;
		else if (v->top - line > removed - added)
			v->top -= removed - added;
		else
			v->top = line;
	}
	if (v->top >= buffer_lines(b))
		v->top = buffer_lines(b) - 1;
}

size_t
view_prev_unit(const struct view *v)
{
	const struct buffer *b = v->doc->buf;
	size_t line = buffer_line_of(b, v->cursor), start;

	start = buffer_line_start(b, line);
	if (v->cursor == start)
		return line > 0 ? v->cursor - 1 : v->cursor;
	return start +
	       colindex_prev(v->doc->colindex, b, line, v->cursor - start);
}

size_t
view_next_unit(const struct view *v)
{
	const struct buffer *b = v->doc->buf;
	size_t line = buffer_line_of(b, v->cursor), start, end;

	start = buffer_line_start(b, line);
	end = buffer_line_end(b, line);
	if (v->cursor == end)
		return end < buffer_length(b) ? end + 1 : end;
	return start +
	       colindex_next_off(v->doc->colindex, b, line, v->cursor - start);
}

void
view_move_left(struct view *v)
{
	v->cursor = view_prev_unit(v);
	v->goal = view_col(v);
}

void
view_move_right(struct view *v)
{
	v->cursor = view_next_unit(v);
	v->goal = view_col(v);
}

/* Cursor to line, as near the goal column as the line allows. */
static void
view_goto_goal(struct view *v, size_t line)
{
	const struct buffer *b = v->doc->buf;

	v->cursor = buffer_line_start(b, line) +
	            colindex_off_at(v->doc->colindex, b, line, v->goal);
}

void
view_move_up(struct view *v, size_t n)
{
	size_t line = view_line(v);

	if (line == 0) {
		v->cursor = 0;
		v->goal = 0;
		return;
	}
	view_goto_goal(v, line > n ? line - n : 0);
}

void
view_move_down(struct view *v, size_t n)
{
	const struct buffer *b = v->doc->buf;
	size_t line = view_line(v), last = buffer_lines(b) - 1;

	if (line == last) {
		v->cursor = buffer_length(b);
		v->goal = view_col(v);
		return;
	}
	view_goto_goal(v, line + n < last ? line + n : last);
}

void
view_move_home(struct view *v)
{
	v->cursor = buffer_line_start(v->doc->buf, view_line(v));
	v->goal = 0;
}

void
view_move_end(struct view *v)
{
	v->cursor = buffer_line_end(v->doc->buf, view_line(v));
	v->goal = view_col(v);
}

void
view_scroll_to_cursor(struct view *v, unsigned width, unsigned height)
{
	size_t line = view_line(v), col = view_col(v);

	if (height == 0 || width == 0)
		return;
	if (line < v->top)
		v->top = line;
	else if (line >= v->top + height)
		v->top = line - height + 1;
	if (col < v->left)
		v->left = col > width / 4 ? col - width / 4 : 0;
	else if (col >= v->left + width)
		v->left = col - width + width / 4 + 1;
}

/* Shift + a move: the selection starts where the cursor is now, unless
 * one is already on (then it keeps its anchor and grows). */
void
view_select_start(struct view *v)
{
	if (v->selecting)
		return;
	v->selecting = 1;
	v->anchor = v->cursor;
}

void
view_select_clear(struct view *v)
{
	v->selecting = 0;
	v->anchor = v->cursor;
}

int
view_selection(const struct view *v, size_t *from, size_t *to)
{
	size_t len = buffer_length(v->doc->buf), a = v->anchor, c = v->cursor;

	if (!v->selecting)
		return 0;
	/* Never trust offsets beyond the text. */
	if (a > len)
		a = len;
	if (c > len)
		c = len;
	if (a == c)
		return 0;
	*from = a < c ? a : c;
	*to = a < c ? c : a;
	return 1;
}

void
view_goto_line(struct view *v, size_t line)
{
	const struct buffer *b = v->doc->buf;
	size_t last = buffer_lines(b) - 1;

	if (line > last)
		line = last;
	v->cursor = buffer_line_start(b, line);
	v->goal = 0;
}
