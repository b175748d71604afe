/* doc.c: documents (files being edited) and the ops that change them.
 * Every edit is an op: journaled, applied, then followed by cursors and
 * every person's undo history. */
#include "moot.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buffer.h"
#include "colindex.h"
#include "file.h"
#include "highlight.h"
#include "journal.h"
#include "repo.h"
#include "server.h"
#include "undo.h"
#include "workdir.h"

/* Ops derived from a journaled undo or redo are not journaled themselves:
 * recovery derives them again from the same record. */
static int doc_derived;

static struct doc_history *doc_history(struct doc *, const char *, int);
static void doc_tell(struct doc *, const char *, ...) __printflike(2, 3);

struct doc *
doc_find(const char *path)
{
	struct doc *d;

	TAILQ_FOREACH (d, &server->docs, entry) {
		if (strcmp(d->path, path) == 0)
			return d;
	}
	return NULL;
}

/* The syntax colours of a document: by its path, or its first line. */
static struct highlight *
doc_highlight(const char *path, const struct buffer *b)
{
	const struct syntax *syn;
	char first[SYNTAX_LINE_MAX];
	size_t len;

	if (server->syntaxes == NULL)
		return NULL;
	len = buffer_line_end(b, 0);
	if (len > sizeof first)
		len = sizeof first;
	len = buffer_copy(b, 0, len, first);
	if ((syn = syntax_find(server->syntaxes, path, first, len)) == NULL)
		return NULL;
	return highlight_create(syn);
}

/* A document holding the text b (now its own). */
static struct doc *
doc_create(const char *path, struct buffer *b, mode_t mode)
{
	struct doc *d = xcalloc(1, sizeof *d);

	d->path = xstrdup(path);
	d->buf = b;
	d->colindex = colindex_create(COLINDEX_MIN_LINE, COLINDEX_SPACING);
	d->highlight = doc_highlight(path, b);
	d->mode = mode;
	marks_init(&d->marks);
	TAILQ_INIT(&d->histories);
	TAILQ_INSERT_TAIL(&server->docs, d, entry);
	return d;
}

void
doc_free(struct doc *d)
{
	struct doc_history *h, *h1;

	TAILQ_FOREACH_SAFE (h, &d->histories, entry, h1) {
		TAILQ_REMOVE(&d->histories, h, entry);
		undo_free(h->undo);
		free(h->author);
		free(h);
	}
	hold_forget(d);
	lookup_forget_doc(d);
	marks_free(&d->marks);
	TAILQ_REMOVE(&server->docs, d, entry);
	colindex_free(d->colindex);
	highlight_free(d->highlight);
	buffer_free(d->buf);
	free(d->path);
	free(d);
}

/* Binary files and protected ones (the access list, hooks in the tree)
 * are shown but never changed through the session. */
static void
doc_set_readonly(struct doc *d, const char *data, size_t len)
{
	d->readonly = d->protected != NULL || file_is_binary(data, len);
}

/* Read a document's file; a file that does not exist yet is empty. Only
 * a regular file inside the tree, of at most --max-file-size bytes. */
static int
doc_read(const char *path, char **data, size_t *len, mode_t *mode,
    struct file_stamp *st, char **err)
{
	char *why = NULL, size[32], limit[32];

	if (file_load(server->repo->root, path, WORKDIR_FOLLOW,
	        server->repo->max_file, data, len, st, &why) == 0) {
		*mode = st->mode & 07777;
		return 0;
	}
	if (errno == ENOENT) {
		free(why);
		*data = xstrdup("");
		*len = 0;
		*mode = 0644;
		memset(st, 0, sizeof *st);
		return 0;
	}
	if (errno == EFBIG) {
		free(why);
		file_size_text((uint64_t)st->size, size, sizeof size);
		file_size_text(server->repo->max_file, limit, sizeof limit);
		xasprintf(err, "%s is %s, over the %s limit (--max-file-size)",
		    path, size, limit);
		return -1;
	}
	*err = why;
	return -1;
}

/* Open (or find) a document by its path in the working tree. A path that
 * leaves the tree is refused; a file that does not exist yet starts
 * empty; a binary file is read-only. */
struct doc *
doc_open(const char *path, char **err)
{
	struct doc *d;
	struct buffer *b;
	struct file_stamp st;
	char *data;
	size_t len;
	mode_t mode;

	if ((d = doc_find(path)) != NULL)
		return d;
	if (doc_read(path, &data, &len, &mode, &st, err) == -1)
		return NULL;
	/* The text's tree is as large again: that may fail too. */
	if ((b = buffer_try_from(data, len)) == NULL) {
		xasprintf(err, "%s: not enough memory to open it", path);
		free(data);
		return NULL;
	}
	d = doc_create(path, b, mode);
	d->disk = st;
	d->protected = repo_protected(server->repo, path);
	doc_set_readonly(d, data, len);
	free(data);
	return d;
}

/* A document as the journal had it: its text is base (ops follow); the
 * file on disk is only looked at, never written. */
struct doc *
doc_restore(const char *path, const char *base, size_t len)
{
	struct file_stamp st;
	struct doc *d;
	mode_t mode = 0644;

	if (file_stamp(server->repo->root, path, &st) == -1) {
		if (workdir_refused(errno))
			return NULL;
		memset(&st, 0, sizeof st);
	}
	if (st.exists && S_ISREG(st.mode))
		mode = st.mode & 07777;
	d = doc_create(path, buffer_from(base, len), mode);
	d->disk = st;
	d->protected = repo_protected(server->repo, path);
	doc_set_readonly(d, base, len);
	d->journaled = 1;
	return d;
}

/* A history loaded from the journal (it replaces any the document has). */
void
doc_attach_history(struct doc *d, const char *key, struct undo *u)
{
	struct doc_history *h = doc_history(d, key, 1);

	undo_free(h->undo);
	h->undo = u;
}

/* A document for a repository without files: not saved anywhere. */
struct doc *
doc_scratch(void)
{
	struct doc *d;

	if ((d = doc_find("")) != NULL)
		return d;
	return doc_create("", buffer_create(), 0644);
}

static int64_t
doc_wallclock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether changes to d go to the journal now. */
static int
doc_journaling(const struct doc *d)
{
	return server->journal != NULL && !server->replaying &&
	       *d->path != '\0';
}

/* Before the first record of a document since its last compaction, the
 * journal needs its text as it is now. */
static void
doc_journal_base(struct doc *d)
{
	char *text;
	size_t len;

	if (d->journaled)
		return;
	text = buffer_contents(d->buf, &len);
	journal_base(server->journal, d->path, text, len);
	free(text);
	d->journaled = 1;
}

static struct doc_history *
doc_history(struct doc *d, const char *key, int create)
{
	struct doc_history *h;

	TAILQ_FOREACH (h, &d->histories, entry) {
		if (strcmp(h->author, key) == 0)
			return h;
	}
	if (!create)
		return NULL;
	h = xcalloc(1, sizeof *h);
	h->author = xstrdup(key);
	h->undo = undo_create();
	TAILQ_INSERT_TAIL(&d->histories, h, entry);
	return h;
}

/* The margin marks follow an op (applied to the buffer already) as cursors
 * do: lines added or removed above move them, edited lines in them are
 * marked changed. While marks are computed, the op is logged for them.
 * (hold.c calls it too, for the ops it takes out and puts back.) */
void
doc_marks_op(struct doc *d, const struct op *op)
{
	struct marks_change chg;
	size_t line, end = op->pos + op->ins_len;
	int at_start, at_end;

	if (d->marks.n == 0 && !d->marks.logging)
		return;
	line = buffer_line_of(d->buf, op->pos);
	at_start = op->pos == buffer_line_start(d->buf, line);
	at_end =
	    end == buffer_length(d->buf) || buffer_byte(d->buf, end) == '\n';
	marks_change(&chg, line, at_start, at_end, op->del, op->del_len,
	    op->ins, op->ins_len);
	marks_apply(&d->marks, &chg);
}

/* Apply one op: the only way a document's text changes. It is queued for
 * the journal first; the journal is written before the next frames go out
 * (see server.c), so nobody sees an edit the journal does not have. If
 * that write fails, the op is taken out of the text again until the
 * journal has it (hold.c): so it is remembered too. */
void
doc_apply(struct op *op)
{
	struct doc *d = op->doc;
	const char *key = op->key != NULL ? op->key : "";
	struct doc_history *h;
	struct journal_rec rec;
	uint64_t stamp;

	/* Never while edits are held: every way to an op is refused then. */
	if (hold_held())
		log_warn(
		    "%s: an edit while the journal cannot be written", d->path);
	if (doc_journaling(d))
		hold_op(op);
	if (doc_journaling(d) && !doc_derived) {
		doc_journal_base(d);
		memset(&rec, 0, sizeof rec);
		rec.path = d->path;
		rec.author = key;
		rec.kind = JOURNAL_EDIT;
		rec.boundary = op->boundary;
		rec.pos = op->pos;
		rec.del = op->del;
		rec.del_len = op->del_len;
		rec.ins = op->ins;
		rec.ins_len = op->ins_len;
		rec.time = doc_wallclock();
		journal_append(server->journal, &rec);
	}

	stamp = buffer_stamp(d->buf);
	if (op->del_len > 0)
		buffer_delete(d->buf, op->pos, op->del_len);
	if (op->ins_len > 0)
		buffer_insert(d->buf, op->pos, op->ins, op->ins_len);
	colindex_op(d->colindex, d->buf, stamp, op->pos, op->del, op->del_len,
	    op->ins, op->ins_len);
	doc_marks_op(d, op);
	if (d->highlight != NULL) {
		if ((op->del_len == 0 ||
		        memchr(op->del, '\n', op->del_len) == NULL) &&
		    (op->ins_len == 0 ||
		        memchr(op->ins, '\n', op->ins_len) == NULL))
			highlight_edited_line(d->highlight,
			    buffer_line_of(d->buf, op->pos), stamp,
			    buffer_stamp(d->buf));
		else
			highlight_edited(
			    d->highlight, buffer_line_of(d->buf, op->pos));
	}
	if (!d->modified || op->pos < d->changed)
		d->changed = op->pos;
	d->modified = 1;

	if (*key != '\0')
		doc_history(d, key, 1);
	TAILQ_FOREACH (h, &d->histories, entry) {
		undo_op(h->undo, op->pos, op->del, op->del_len, op->ins,
		    op->ins_len, strcmp(h->author, key) == 0, op->kind,
		    op->boundary);
	}
	/* Views, places, redrawing and decisions are the server's. */
	server_op_applied(op);
}

/*
 * Undo (or redo) the last change group of the person with key. Returns 1
 * with *where set to the end of the last edit, 0 when others had already
 * removed everything of that group, -1 when there is nothing to undo.
 */
int
doc_undo(
    struct doc *d, struct client *c, const char *key, int redo, size_t *where)
{
	struct doc_history *h;
	struct undo_edit *edits;
	struct journal_rec rec;
	struct op op;
	char *gone;
	size_t i, n;
	int rc;

	if ((h = doc_history(d, key, 0)) == NULL)
		return -1;
	if (doc_journaling(d))
		doc_journal_base(d);
	if (redo)
		rc = undo_redo(h->undo, &edits, &n);
	else
		rc = undo_undo(h->undo, &edits, &n);
	if (rc == -1)
		return -1;
	if (doc_journaling(d)) {
		memset(&rec, 0, sizeof rec);
		rec.path = d->path;
		rec.author = key;
		rec.kind = redo ? JOURNAL_REDO : JOURNAL_UNDO;
		rec.time = doc_wallclock();
		journal_append(server->journal, &rec);
	}
	if (rc == 0)
		return 0;

	doc_derived++;
	for (i = 0; i < n; i++) {
		if (edits[i].pos > buffer_length(d->buf) ||
		    edits[i].del_len > buffer_length(d->buf) - edits[i].pos) {
			log_warn("%s: undo edit %zu out of range", d->path, i);
			break;
		}
		gone = xmalloc(edits[i].del_len + 1);
		buffer_copy(d->buf, edits[i].pos, edits[i].del_len, gone);
		memset(&op, 0, sizeof op);
		op.doc = d;
		op.author = c;
		op.view = c != NULL && c->view->doc == d ? c->view : NULL;
		op.key = key;
		op.pos = edits[i].pos;
		op.del = gone;
		op.del_len = edits[i].del_len;
		op.ins = edits[i].ins;
		op.ins_len = edits[i].ins_len;
		op.kind = redo ? UNDO_REDO : UNDO_UNDO;
		doc_apply(&op);
		free(gone);
		*where = edits[i].pos + edits[i].ins_len;
	}
	doc_derived--;
	undo_edits_free(edits, n);
	return 1;
}

/* The document's text is now what the journal keeps as its base: ops go,
 * undo histories are kept as they are now. After a save, a reload and a
 * recovery. */
void
doc_compact(struct doc *d)
{
	struct doc_history *h;
	struct bytes b;
	char *text;
	size_t len;

	if (server->journal == NULL || *d->path == '\0')
		return;
	text = buffer_contents(d->buf, &len);
	journal_compact(server->journal, d->path, text, len);
	free(text);
	TAILQ_FOREACH (h, &d->histories, entry) {
		bytes_init(&b);
		undo_save(h->undo, &b);
		journal_undo(server->journal, d->path, h->author, bytes_ptr(&b),
		    bytes_len(&b));
		bytes_free(&b);
	}
	d->journaled = 1;
}

/* Whether the file on disk now holds exactly the document's text. */
static int
doc_same_as(const struct doc *d, const char *data, size_t len)
{
	const char *p;
	size_t off = 0, n;

	if (len != buffer_length(d->buf))
		return 0;
	while (off < len) {
		p = buffer_span(d->buf, off, &n);
		if (n > len - off)
			n = len - off;
		if (memcmp(p, data + off, n) != 0)
			return 0;
		off += n;
	}
	return 1;
}

/* Whether the file on disk holds exactly the document's text (a file that
 * cannot be read does not). */
int
doc_matches_disk(const struct doc *d)
{
	struct file_stamp st;
	char *data, *err = NULL;
	size_t len;
	mode_t mode;
	int same;

	if (doc_read(d->path, &data, &len, &mode, &st, &err) == -1) {
		free(err);
		return 0;
	}
	same = st.exists && doc_same_as(d, data, len);
	free(data);
	return same;
}

/* Tell everyone looking at d. */
static void
doc_tell(struct doc *d, const char *fmt, ...)
{
	struct client *c;
	va_list ap;
	char *text;

	va_start(ap, fmt);
	xvasprintf(&text, fmt, ap);
	va_end(ap);
	TAILQ_FOREACH (c, &server->clients, entry) {
		if (c->ready && c->view->doc == d)
			server_client_notice(c, "%s", text);
	}
	free(text);
	server_redraw_doc(d);
}

/*
 * Save d to its file. Unless force is set, a file that changed on disk
 * since it was loaded or saved is not overwritten: returns -2 with *err
 * saying so. Other failures return -1.
 */
int
doc_save(struct doc *d, int force, char **err)
{
	struct file_stamp st;

	if (*d->path == '\0') {
		xasprintf(err, "this buffer has no file");
		return -1;
	}
	if (d->protected != NULL) {
		xasprintf(err,
		    "%s is %s: read-only; change it with git outside the "
		    "session",
		    d->path, d->protected);
		return -1;
	}
	if (d->readonly) {
		xasprintf(err, "%s is read-only", d->path);
		return -1;
	}
	if (!force) {
		doc_check_disk(d);
		if (d->disk_changed) {
			xasprintf(err,
			    "%s changed on disk: Ctrl-S again overwrites, "
			    "Ctrl-R reloads",
			    d->path);
			return -2;
		}
	}
	if (file_save(server->repo->root, d->path, d->buf, d->mode, &st, err) ==
	    -1)
		return -1;
	d->disk = st;
	d->modified = 0;
	d->disk_changed = 0;
	doc_compact(d);
	return 0;
}

/* Replace the document's text with data as one op: only the part that
 * differs, so cursors elsewhere stay where they are. */
void
doc_replace(struct doc *d, struct client *c, const char *data, size_t len)
{
	size_t blen = buffer_length(d->buf), pre = 0, suf, n, i, j, off, end;
	const char *p;
	char *gone;
	struct op op;

	while (pre < blen && pre < len) {
		p = buffer_span(d->buf, pre, &n);
		for (i = 0; i < n && pre + i < len && p[i] == data[pre + i];
		     i++)
			;
		pre += i;
		if (i < n)
			break;
	}
	/* The common tail: scan forward over the stretch where it could
	 * start (spans, not a byte lookup per byte), noting the last
	 * mismatch. */
	n = blen - pre < len - pre ? blen - pre : len - pre;
	for (off = blen - n, end = off; off < blen; off += i) {
		p = buffer_span(d->buf, off, &i);
		for (j = 0; j < i; j++) {
			if (p[j] != data[off + j + len - blen])
				end = off + j + 1;
		}
	}
	suf = blen - end;
	if (pre == blen && pre == len)
		return;

	gone = xmalloc(blen - pre - suf + 1);
	buffer_copy(d->buf, pre, blen - pre - suf, gone);
	memset(&op, 0, sizeof op);
	op.doc = d;
	op.author = c;
	op.view = c != NULL && c->view->doc == d ? c->view : NULL;
	op.key = c != NULL ? c->key : "";
	op.pos = pre;
	op.del = gone;
	op.del_len = blen - pre - suf;
	op.ins = data + pre;
	op.ins_len = len - pre - suf;
	op.kind = UNDO_EDIT;
	op.boundary = 1;
	doc_apply(&op);
	free(gone);
}

/* Load the file again, dropping the session's unsaved edits (as an op the
 * person who asked can undo). */
int
doc_reload(struct doc *d, struct client *c, char **err)
{
	struct file_stamp st;
	char *data;
	size_t len;
	mode_t mode;

	if (*d->path == '\0') {
		xasprintf(err, "this buffer has no file");
		return -1;
	}
	if (doc_read(d->path, &data, &len, &mode, &st, err) == -1)
		return -1;
	doc_replace(d, c, data, len);
	doc_set_readonly(d, data, len);
	free(data);
	d->mode = mode;
	d->disk = st;
	d->modified = 0;
	d->disk_changed = 0;
	doc_compact(d);
	server_redraw_doc(d);
	return 0;
}

/*
 * Has the file changed behind the session's back? A document without
 * unsaved edits follows the file; one with unsaved edits is marked and
 * its viewers are told, once per change.
 */
/* Whether d became protected (or stopped being): the hooks directory is
 * in git's config, which can change while the document is open. */
static void
doc_check_protected(struct doc *d)
{
	const char *why = repo_protected(server->repo, d->path);
	char *data;
	size_t len;

	if ((why == NULL) == (d->protected == NULL))
		return;
	d->protected = why;
	data = buffer_contents(d->buf, &len);
	doc_set_readonly(d, data, len);
	free(data);
	if (why != NULL)
		doc_tell(d, "%s is %s now: read-only", d->path, why);
}

void
doc_check_disk(struct doc *d)
{
	struct file_stamp st, now;
	char *data, *err = NULL;
	size_t len;
	mode_t mode;

	if (*d->path == '\0')
		return;
	doc_check_protected(d);
	if (file_stamp(server->repo->root, d->path, &st) == -1) {
		/* It cannot even be reached now (a directory of its path
		 * became a link out of the tree ...): say so once. */
		if (!d->disk_changed || d->disk.exists) {
			memset(&d->disk, 0, sizeof d->disk);
			d->disk_changed = 1;
			doc_tell(d, "%s cannot be reached on disk: %s", d->path,
			    workdir_refused(errno) ? "outside the repository"
			                           : strerror(errno));
		}
		return;
	}
	if (file_stamp_equal(&st, &d->disk))
		return;
	if (!st.exists) {
		d->disk = st;
		d->disk_changed = 1;
		doc_tell(d, "%s was deleted on disk: Ctrl-S writes it again",
		    d->path);
		return;
	}
	now = st;
	if (doc_read(d->path, &data, &len, &mode, &st, &err) == -1) {
		/* Replaced by something that cannot be read (a FIFO, a
		 * device, a huge file): changed, and said once. */
		d->disk = now;
		d->disk_changed = 1;
		doc_tell(d, "%s", err);
		free(err);
		return;
	}
	if (doc_same_as(d, data, len)) {
		/* Touched, or saved elsewhere with the same text. */
		d->disk = st;
		d->disk_changed = 0;
		d->modified = 0;
	} else if (!d->modified) {
		doc_replace(d, NULL, data, len);
		doc_set_readonly(d, data, len);
		d->disk = st;
		d->modified = 0;
		d->disk_changed = 0;
		doc_compact(d);
		doc_tell(d, "%s reloaded from disk", d->path);
	} else {
		d->disk = st;
		d->disk_changed = 1;
		doc_tell(d, "%s changed on disk: Ctrl-R reloads", d->path);
	}
	free(data);
}
