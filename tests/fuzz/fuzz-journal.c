/* fuzz-journal.c: libFuzzer target for journal recovery and undo_load.
 * Each input is read as a journal file and recovered, then as a history. */

/*
 * `make fuzz` builds it; by hand, from the top of the tree (config.h made):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -I. \
 *       -o tests/fuzz/fuzz-journal tests/fuzz/fuzz-journal.c \
 *       src/journal.c src/undo.c src/buffer.c src/bytes.c \
 *       src/xmalloc.c src/log.c $(pkg-config --cflags --libs sqlite3)
 *
 * Run, with a seed journal written first (random bytes rarely make an
 * sqlite file, let alone a moot journal):
 *
 *   mkdir -p /tmp/corpus-journal
 *   FUZZ_JOURNAL_SEED=/tmp/corpus-journal/seed tests/fuzz/fuzz-journal \
 *       -runs=0
 *   tests/fuzz/fuzz-journal -max_total_time=60 /tmp/corpus-journal
 *
 * Journal files go to a directory made once per process under TMPDIR (else
 * /dev/shm when it exists, else /tmp), removed at exit.
 */
#include "moot.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buffer.h"
#include "bytes.h"
#include "journal.h"
#include "undo.h"

#define MAX_STEPS 4 /* undos, then redos, tried on a loaded history */

static char fuzz_dir[256];
static char *fuzz_path; /* the journal */

static void
check(int ok)
{
	if (!ok)
		abort();
}

/* Remove the journal and its -wal and -shm. */
static void
fuzz_remove(void)
{
	char *side;

	unlink(fuzz_path);
	xasprintf(&side, "%s-wal", fuzz_path);
	unlink(side);
	free(side);
	xasprintf(&side, "%s-shm", fuzz_path);
	unlink(side);
	free(side);
}

static void
fuzz_cleanup(void)
{
	fuzz_remove();
	rmdir(fuzz_dir);
}

/*
 * What recovery keeps: the document being replayed (the journal gives one
 * document at a time: its doc, then its histories, then its ops).
 */
struct recovery {
	char *path;
	char *author; /* of the last history */
	struct buffer *buf;
	int64_t last_seq;
	int have_seq;
	size_t problems;

	/* Which kind of record came last (enum phase): kinds come in order. */
	int phase;
	int64_t last_chat;     /* the last chat seq (0: none yet) */
	int64_t last_question; /* the last question id (0: none yet) */
};

/* The order replay tells things in. */
enum phase {
	PHASE_DOCS,
	PHASE_CURSORS,
	PHASE_PEOPLE,
	PHASE_SET,
	PHASE_CHAT,
	PHASE_EVENT,
	PHASE_VISIT,
	PHASE_QUESTION,
	PHASE_DRAFT,
	PHASE_EDITOR,
	PHASE_SAVED
};

/* A record of kind phase came: never after a later kind. */
static void
recovery_phase(struct recovery *r, enum phase phase)
{
	check(r->phase <= (int)phase);
	r->phase = phase;
}

static void
recovery_done(struct recovery *r)
{
	free(r->path);
	r->path = NULL;
	free(r->author);
	r->author = NULL;
	if (r->buf != NULL)
		buffer_free(r->buf);
	r->buf = NULL;
}

static void
recover_doc(void *arg, const char *path, const char *base, size_t len)
{
	struct recovery *r = arg;

	/* Each document once, in path order. */
	recovery_phase(r, PHASE_DOCS);
	check(path != NULL && base != NULL);
	check(r->path == NULL || strcmp(path, r->path) > 0);
	recovery_done(r);
	r->path = xstrdup(path);
	r->buf = buffer_from(base, len);
	r->have_seq = 0;
}

static void
recover_undo(void *arg, const char *path, const char *author, const void *data,
    size_t len)
{
	struct recovery *r = arg;
	struct undo *u;

	/* A history comes after its document and before its ops. */
	check(r->path != NULL && strcmp(path, r->path) == 0);
	check(author != NULL && data != NULL);
	check(!r->have_seq);
	/* One history per author, in author order. */
	check(r->author == NULL || strcmp(author, r->author) > 0);
	free(r->author);
	r->author = xstrdup(author);
	u = undo_load(data, len, buffer_length(r->buf));
	if (u == NULL) {
		r->problems++;
		return;
	}
	undo_free(u);
}

static int
recover_op(void *arg, const struct journal_rec *rec)
{
	struct recovery *r = arg;
	size_t len;
	char *old;
	int same;

	/* What the journal promises about every op it hands over. */
	check(r->path != NULL && strcmp(rec->path, r->path) == 0);
	check(rec->author != NULL && rec->del != NULL && rec->ins != NULL);
	check(rec->kind == JOURNAL_EDIT || rec->kind == JOURNAL_UNDO ||
	      rec->kind == JOURNAL_REDO);
	check(rec->boundary == 0 || rec->boundary == 1);
	check(!r->have_seq || rec->seq > r->last_seq);
	r->last_seq = rec->seq;
	r->have_seq = 1;

	if (rec->kind != JOURNAL_EDIT)
		return 0;

	/* The daemon's checks: in range, and deleting what is there. */
	len = buffer_length(r->buf);
	if (rec->pos > len || rec->del_len > len - rec->pos)
		return -1;
	old = xmalloc(rec->del_len + 1);
	check(buffer_copy(r->buf, rec->pos, rec->del_len, old) == rec->del_len);
	same = memcmp(old, rec->del, rec->del_len) == 0;
	free(old);
	if (!same)
		return -1;
	buffer_delete(r->buf, rec->pos, rec->del_len);
	buffer_insert(r->buf, rec->pos, rec->ins, rec->ins_len);
	return 0;
}

static void
recover_cursor(void *arg, const char *author, const char *path, uint64_t pos)
{
	recovery_phase(arg, PHASE_CURSORS);
	check(author != NULL && path != NULL);
}

static void
recover_person(
    void *arg, const char *author, const char *name, const char *email)
{
	recovery_phase(arg, PHASE_PEOPLE);
	check(author != NULL && name != NULL && email != NULL);
}

static void
recover_set(void *arg, const char *key, const char *value)
{
	recovery_phase(arg, PHASE_SET);
	check(key != NULL && value != NULL);
}

static void
recover_chat(void *arg, int64_t seq, int64_t time, const char *author,
    const char *name, const char *text)
{
	struct recovery *r = arg;

	/* Numbered from 1, in order, each once. */
	recovery_phase(r, PHASE_CHAT);
	check(seq >= 1 && seq > r->last_chat);
	r->last_chat = seq;
	check(author != NULL && name != NULL && text != NULL);
}

static void
recover_event(void *arg, int64_t time, int kind, const char *author,
    const char *text, const char *place)
{
	recovery_phase(arg, PHASE_EVENT);
	check(kind >= 1 && kind <= 255);
	check(author != NULL && text != NULL);
}

static void
recover_visit(void *arg, const char *author, int64_t time)
{
	recovery_phase(arg, PHASE_VISIT);
	check(author != NULL);
}

static void
recover_question(
    void *arg, int64_t id, int64_t time, const char *author, const char *text)
{
	struct recovery *r = arg;

	recovery_phase(r, PHASE_QUESTION);
	check(id >= 1 && id > r->last_question);
	r->last_question = id;
	check(author != NULL && text != NULL);
}

static void
recover_draft(void *arg, const struct journal_draft *d)
{
	recovery_phase(arg, PHASE_DRAFT);
	check(d->path != NULL && d->title != NULL && d->author != NULL &&
	      d->present != NULL && d->ranges != NULL && d->head != NULL);
	check(d->chat_first >= 0 && d->chat_last >= 0);
}

static void
recover_editor(void *arg, const char *path, const char *author)
{
	recovery_phase(arg, PHASE_EDITOR);
	check(path != NULL && author != NULL);
}

static void
recover_saved(void *arg, const char *path)
{
	recovery_phase(arg, PHASE_SAVED);
	check(path != NULL);
}

static void
recover_problem(void *arg, const char *message)
{
	struct recovery *r = arg;

	check(message != NULL && *message != '\0');
	r->problems++;
}

static const struct journal_replay recover = {
    .doc = recover_doc,
    .undo = recover_undo,
    .op = recover_op,
    .cursor = recover_cursor,
    .person = recover_person,
    .chat = recover_chat,
    .event = recover_event,
    .visit = recover_visit,
    .question = recover_question,
    .draft = recover_draft,
    .editor = recover_editor,
    .saved = recover_saved,
    .set = recover_set,
    .problem = recover_problem,
};

/* Replay j into a fresh recovery; it either works or says why not. */
static void
fuzz_replay(struct journal *j)
{
	struct recovery r;
	char *err = NULL;

	memset(&r, 0, sizeof r);
	if (journal_replay(j, &recover, &r, &err) != 0) {
		check(err != NULL);
		free(err);
	}
	recovery_done(&r);
}

/*
 * (a) The input as a journal file: open it read-only (as `moot decisions`
 * does) and recover what it holds, then open it as the daemon does (which
 * may add the session tables) and recover it again.
 */
static void
fuzz_journal(const uint8_t *data, size_t size)
{
	struct journal *j;
	char *err = NULL;
	int fd;

	fuzz_remove();
	fd = open(fuzz_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	check(fd != -1);
	check(size == 0 || write(fd, data, size) == (ssize_t)size);
	close(fd);

	if ((j = journal_open_readonly(fuzz_path, &err)) != NULL) {
		check(err == NULL);
		fuzz_replay(j);
		journal_close(j);
	} else
		free(err);
	err = NULL;

	if ((j = journal_open(fuzz_path, 0, &err)) == NULL) {
		check(err != NULL);
		free(err);
		return;
	}
	check(err == NULL);
	fuzz_replay(j);
	journal_close(j);
}

/* Apply a history's edits to buf as the daemon does, telling the history. */
static void
fuzz_apply(struct undo *u, struct buffer *buf, struct undo_edit *edits,
    size_t n, enum undo_kind kind)
{
	size_t i, len;
	char *old;

	for (i = 0; i < n; i++) {
		/* Each edit is valid once those before it are applied. */
		len = buffer_length(buf);
		check(edits[i].pos <= len &&
		      edits[i].del_len <= len - edits[i].pos);
		old = xmalloc(edits[i].del_len + 1);
		buffer_copy(buf, edits[i].pos, edits[i].del_len, old);
		buffer_delete(buf, edits[i].pos, edits[i].del_len);
		buffer_insert(
		    buf, edits[i].pos, edits[i].ins, edits[i].ins_len);
		undo_op(u, edits[i].pos, old, edits[i].del_len, edits[i].ins,
		    edits[i].ins_len, 1, kind, 0);
		free(old);
	}
	undo_edits_free(edits, n);
}

/* (b) The input as a saved history: two bytes of document length first. */
static void
fuzz_undo(const uint8_t *data, size_t size)
{
	struct undo *u, *again;
	struct bytes one, two;
	struct buffer *buf;
	struct undo_edit *edits;
	size_t doc_len, n, i;
	char *text;

	if (size < 2)
		return;
	doc_len = data[0] | (size_t)data[1] << 8;
	if ((u = undo_load(data + 2, size - 2, doc_len)) == NULL)
		return;

	/* What loads saves, and what it saves loads the same. */
	bytes_init(&one);
	bytes_init(&two);
	undo_save(u, &one);
	again = undo_load(bytes_ptr(&one), bytes_len(&one), doc_len);
	check(again != NULL);
	undo_save(again, &two);
	check(bytes_len(&one) == bytes_len(&two));
	check(memcmp(bytes_ptr(&one), bytes_ptr(&two), bytes_len(&one)) == 0);
	undo_free(again);
	bytes_free(&one);
	bytes_free(&two);

	/* Its edits apply to a document of doc_len bytes. */
	text = xmalloc(doc_len + 1);
	for (i = 0; i < doc_len; i++)
		text[i] = 'a' + i % 26;
	buf = buffer_from(text, doc_len);
	free(text);
	for (i = 0; i < MAX_STEPS; i++) {
		if (undo_undo(u, &edits, &n) != 1)
			break;
		fuzz_apply(u, buf, edits, n, UNDO_UNDO);
	}
	for (i = 0; i < MAX_STEPS; i++) {
		if (undo_redo(u, &edits, &n) != 1)
			break;
		fuzz_apply(u, buf, edits, n, UNDO_REDO);
	}
	buffer_free(buf);
	undo_free(u);
}

/* Write a small, valid journal to path: a seed for the corpus. */
static void
fuzz_seed(const char *path)
{
	struct journal *j;
	struct journal_rec rec;
	struct journal_draft draft;
	struct undo *u;
	struct bytes b;
	sqlite3 *db;
	char *err = NULL, *data;
	FILE *f;
	size_t len;
	int fd;

	if ((j = journal_open(fuzz_path, 0, &err)) == NULL)
		fatalx("%s", err);
	journal_base(j, "README", "hello\n", 6);
	memset(&rec, 0, sizeof rec);
	rec.path = "README";
	rec.author = "SHA256:seed";
	rec.kind = JOURNAL_EDIT;
	rec.boundary = 1;
	rec.pos = 5;
	rec.del = "";
	rec.ins = ", world";
	rec.ins_len = 7;
	rec.time = 1;
	journal_append(j, &rec);
	rec.pos = 0;
	rec.del = "h";
	rec.del_len = 1;
	rec.ins = "H";
	rec.ins_len = 1;
	journal_append(j, &rec);
	rec.kind = JOURNAL_UNDO;
	rec.del_len = rec.ins_len = 0;
	journal_append(j, &rec);

	/* A history for the compacted text "Hello, world\n". */
	u = undo_create();
	undo_op(u, 5, "", 0, ", world", 7, 1, UNDO_EDIT, 1);
	undo_op(u, 0, "h", 1, "H", 1, 1, UNDO_EDIT, 1);
	bytes_init(&b);
	undo_save(u, &b);
	journal_base(j, "notes.md", "Hello, world\n", 13);
	journal_undo(
	    j, "notes.md", "SHA256:seed", bytes_ptr(&b), bytes_len(&b));
	bytes_free(&b);
	undo_free(u);

	journal_cursor(j, "SHA256:seed", "README", 3);
	journal_person(j, "SHA256:seed", "Seed", "seed@example.org");

	/* One of each session record. */
	journal_set(j, "next", "2");
	journal_chat(j, 2, "SHA256:seed", "Seed", "use \x1b[1mWAL\x1b[m?");
	journal_chat(j, 3, "SHA256:seed", "Seed", "yes");
	journal_event(
	    j, 4, JOURNAL_EV_DRAFT, "SHA256:seed", "Seed started", "d/0001.md");
	journal_visit(j, "SHA256:seed", 5);
	journal_question(j, 6, "SHA256:seed", "NFS?");
	journal_question_done(j, journal_question(j, 7, "SHA256:seed", "x"));
	memset(&draft, 0, sizeof draft);
	draft.path = "docs/decisions/0001-use-wal.md";
	draft.number = 1;
	draft.title = "Use WAL";
	draft.author = "SHA256:seed";
	draft.present = "SHA256:seed\n";
	draft.ranges = "README:1-1@0000000\n";
	draft.chat_first = 1;
	draft.chat_last = 2;
	draft.head = "";
	draft.time = 8;
	journal_draft(j, &draft);
	journal_editor(j, "README", "SHA256:seed");
	journal_saved(j, "README");
	if (journal_flush(j, &err) != 0)
		fatalx("%s", err);
	journal_close(j); /* checkpoints: the main file holds everything */

	/* Small pages make a small seed, quicker to mutate. */
	if (sqlite3_open(fuzz_path, &db) != SQLITE_OK ||
	    sqlite3_exec(db,
	        "PRAGMA journal_mode = DELETE; PRAGMA page_size = 512; VACUUM",
	        NULL, NULL, NULL) != SQLITE_OK)
		fatalx("shrinking the seed: %s", sqlite3_errmsg(db));
	sqlite3_close(db);

	if ((fd = open(fuzz_path, O_RDONLY)) == -1)
		fatal("open");
	len = (size_t)lseek(fd, 0, SEEK_END);
	data = xmalloc(len);
	if (pread(fd, data, len, 0) != (ssize_t)len)
		fatal("read");
	close(fd);
	if ((f = fopen(path, "wb")) == NULL || fwrite(data, 1, len, f) != len ||
	    fclose(f) != 0)
		fatal("%s", path);
	free(data);
	fuzz_remove();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp, *seed;
	struct stat sb;

	if ((tmp = getenv("TMPDIR")) == NULL) {
		if (stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode))
			tmp = "/dev/shm";
		else
			tmp = "/tmp";
	}
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/fuzz-journal-XXXXXX", tmp);
	if (mkdtemp(fuzz_dir) == NULL)
		fatal("mkdtemp %s", fuzz_dir);
	xasprintf(&fuzz_path, "%s/%s", fuzz_dir, JOURNAL_FILE);
	atexit(fuzz_cleanup);

	if ((seed = getenv("FUZZ_JOURNAL_SEED")) != NULL)
		fuzz_seed(seed);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_journal(data, size);
	fuzz_undo(data, size);
	return 0;
}
