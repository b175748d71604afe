/* hold.c: edits held back from every screen while the journal cannot be
 * written: taken out of the text, put back once the journal has them. */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "highlight.h"
#include "server.h"

/*
 * Every op applied to a journaled document since the journal was last
 * written, oldest first. Normally the list lives for one loop pass: the
 * journal flush writes the pass's records and the list is emptied. When the
 * flush fails, these ops are on no screen yet (frames go out after the
 * flush) and not in the journal: they are taken out of the text, newest
 * first, and held until a flush writes them, then put back in order.
 *
 * The undo histories are not told either way. They saw each op when it was
 * applied and describe the text with the held ops in it. While the ops are
 * out the session is read-only: nobody can undo or redo and no op reaches
 * doc_apply, so no history is read or changed; once the ops are back the
 * text is again exactly what the histories describe. The same holds for
 * what else doc_apply recorded (the document's modified flag, who edited
 * which file): it stays true of the text the journal will have.
 */
struct hold_op {
	struct doc *doc;
	unsigned author; /* client id of who made it; 0 for no one */
	size_t pos;
	char *del; /* the bytes it removed (NULL when none) */
	size_t del_len;
	char
	    *ins; /* the bytes it inserted: read from the text when taken out */
	size_t ins_len;
	int out; /* taken out of the text */
	TAILQ_ENTRY(hold_op) entry;
};
TAILQ_HEAD(hold_ops, hold_op);

static struct hold_ops hold_ops = TAILQ_HEAD_INITIALIZER(hold_ops);
static size_t hold_nout; /* how many are out of the text */

static void
hold_free(struct hold_op *h)
{
	TAILQ_REMOVE(&hold_ops, h, entry);
	if (h->out)
		hold_nout--;
	free(h->del);
	free(h->ins);
	free(h);
}

/* Remember an op doc_apply is about to apply to a journaled document. */
void
hold_op(const struct op *op)
{
	struct hold_op *h;

	h = xcalloc(1, sizeof *h);
	h->doc = op->doc;
	h->author = op->author != NULL ? op->author->id : 0;
	h->pos = op->pos;
	if (op->del_len > 0) {
		h->del = xmalloc(op->del_len);
		memcpy(h->del, op->del, op->del_len);
	}
	h->del_len = op->del_len;
	h->ins_len = op->ins_len;
	TAILQ_INSERT_TAIL(&hold_ops, h, entry);
}

/* The journal has every op: forget them. */
void
hold_clear(void)
{
	struct hold_op *h;

	while ((h = TAILQ_FIRST(&hold_ops)) != NULL)
		hold_free(h);
}

/* A document goes away: its ops go with it. */
void
hold_forget(struct doc *d)
{
	struct hold_op *h, *h1;

	TAILQ_FOREACH_SAFE (h, &hold_ops, entry, h1) {
		if (h->doc == d)
			hold_free(h);
	}
}

/* Whether some ops are out of the text. */
int
hold_held(void)
{
	return hold_nout > 0;
}

/*
 * Follow a change of the text made here (not through doc_apply) the way
 * doc_apply does: the margin's marks, everyone's cursor and selection in
 * that document, where their last edit ended, where people who left were. The
 * author's cursor goes after the inserted text if it is where the text goes in.
 */
static void
hold_shift(const struct op *held, unsigned author)
{
	struct client *c;
	struct place *p;
	struct op o = *held, *op = &o;

	doc_marks_op(op->doc, op);
	if (op->doc->highlight != NULL)
		highlight_edited(
		    op->doc->highlight, buffer_line_of(op->doc->buf, op->pos));
	/* The author's focused view, if its cursor is where the text goes
	 * in, is the one it came from. */
	op->view = NULL;
	TAILQ_FOREACH (c, &server->clients, entry) {
		if (author != 0 && c->id == author && c->view->doc == op->doc &&
		    c->view->cursor == op->pos)
			op->view = c->view;
	}
	TAILQ_FOREACH (c, &server->clients, entry) {
		server_pane_shift(c, op->doc, op, op->view);
		if (c->last_edit_doc == op->doc)
			c->last_edit_end =
			    view_shift_offset(c->last_edit_end, op);
	}
	TAILQ_FOREACH (p, &server->places, entry) {
		if (strcmp(p->path, op->doc->path) == 0)
			p->pos = view_shift_offset(p->pos, op);
	}
	server_redraw_doc(op->doc);
}

/*
 * The journal could not be written: take every op still in the text out
 * of it, newest first, so the text is what the journal has. Each is undone
 * at the buffer level (delete what it inserted, insert what it deleted)
 * and cursors follow. Everyone's next edit starts a new undo group.
 */
void
hold_take_out(void)
{
	struct hold_op *h;
	struct client *c;
	struct buffer *b;
	struct op inv;

	TAILQ_FOREACH_REVERSE (h, &hold_ops, hold_ops, entry) {
		if (h->out)
			continue;
		b = h->doc->buf;
		if (h->pos > buffer_length(b) ||
		    h->ins_len > buffer_length(b) - h->pos) {
			log_warn("%s: held edit at %zu does not fit the text",
			    h->doc->path, h->pos);
			continue;
		}
		free(h->ins);
		h->ins = xmalloc(h->ins_len + 1);
		buffer_copy(b, h->pos, h->ins_len, h->ins);
		buffer_delete(b, h->pos, h->ins_len);
		buffer_insert(b, h->pos, h->del, h->del_len);
		h->out = 1;
		hold_nout++;

		memset(&inv, 0, sizeof inv);
		inv.doc = h->doc;
		inv.pos = h->pos;
		inv.del = h->ins;
		inv.del_len = h->ins_len;
		inv.ins = h->del;
		inv.ins_len = h->del_len;
		hold_shift(&inv, 0);
	}
	TAILQ_FOREACH (c, &server->clients, entry)
		c->last_edit = 0;
}

/*
 * The journal has been written, held ops included: put them back in the
 * text, oldest first, as they were first applied, and forget them.
 */
void
hold_put_back(void)
{
	struct hold_op *h;
	struct buffer *b;
	struct op op;

	TAILQ_FOREACH (h, &hold_ops, entry) {
		if (!h->out)
			continue;
		b = h->doc->buf;
		if (h->pos > buffer_length(b) ||
		    h->del_len > buffer_length(b) - h->pos) {
			log_warn("%s: held edit at %zu does not fit the text",
			    h->doc->path, h->pos);
			continue;
		}
		buffer_delete(b, h->pos, h->del_len);
		buffer_insert(b, h->pos, h->ins, h->ins_len);
		h->out = 0;
		hold_nout--;

		memset(&op, 0, sizeof op);
		op.doc = h->doc;
		op.pos = h->pos;
		op.del = h->del;
		op.del_len = h->del_len;
		op.ins = h->ins;
		op.ins_len = h->ins_len;
		hold_shift(&op, h->author);
	}
	hold_clear();
}
