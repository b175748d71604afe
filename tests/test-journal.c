/* test-journal.c: unit tests for the session journal (journal.c).
 * Real sqlite files in a temporary directory: round trips, failures, damage. */
#include "moot.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "journal.h"

/* Each test gets its own directory and journal path. */
struct fixture {
	char dir[64];
	char *path;
};

static int
setup(void **state)
{
	struct fixture *f;
	const char *tmp;

	f = xcalloc(1, sizeof *f);
	if ((tmp = getenv("TMPDIR")) == NULL || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(f->dir, sizeof f->dir, "%s/test-journal-XXXXXX", tmp);
	if (mkdtemp(f->dir) == NULL)
		return -1;
	xasprintf(&f->path, "%s/%s", f->dir, JOURNAL_FILE);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct dirent *de;
	DIR *d;
	char *name;

	if ((d = opendir(f->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			xasprintf(&name, "%s/%s", f->dir, de->d_name);
			unlink(name);
			free(name);
		}
		closedir(d);
	}
	rmdir(f->dir);
	free(f->path);
	free(f);
	return 0;
}

/*
 * What replay said, one line per callback, so a test compares everything
 * with one exact string. Bytes outside printable ASCII are shown as \xNN.
 */
struct seen {
	char *text;
	size_t len;
	size_t size;   /* allocated */
	int ops;       /* op callbacks so far */
	int refuse_at; /* the op callback that returns -1 (0: none) */
};

static void
seen_add(struct seen *s, const char *data, size_t len)
{
	if (s->len + len + 1 > s->size) {
		s->size = (s->len + len + 1) * 2;
		s->text = xrealloc(s->text, s->size);
	}
	memcpy(s->text + s->len, data, len);
	s->len += len;
	s->text[s->len] = '\0';
}

static void seen_printf(struct seen *, const char *, ...) __printflike(2, 3);

static void
seen_printf(struct seen *s, const char *fmt, ...)
{
	va_list ap;
	char *line;
	int n;

	va_start(ap, fmt);
	n = xvasprintf(&line, fmt, ap);
	va_end(ap);
	seen_add(s, line, n);
	free(line);
}

static void
seen_bytes(struct seen *s, const char *data, size_t len)
{
	size_t i;
	unsigned char c;

	seen_add(s, "[", 1);
	for (i = 0; i < len; i++) {
		c = data[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			seen_add(s, (const char *)&c, 1);
		else
			seen_printf(s, "\\x%02x", c);
	}
	seen_add(s, "]", 1);
}

static void
seen_doc(void *arg, const char *path, const char *base, size_t len)
{
	struct seen *s = arg;

	/* Never NULL, even when empty. */
	assert_non_null(base);
	seen_printf(s, "doc %s ", path);
	seen_bytes(s, base, len);
	seen_add(s, "\n", 1);
}

static void
seen_undo(void *arg, const char *path, const char *author, const void *data,
    size_t len)
{
	struct seen *s = arg;

	assert_non_null(data);
	seen_printf(s, "undo %s %s ", path, author);
	seen_bytes(s, data, len);
	seen_add(s, "\n", 1);
}

static int
seen_op(void *arg, const struct journal_rec *rec)
{
	struct seen *s = arg;

	assert_non_null(rec->del);
	assert_non_null(rec->ins);
	seen_printf(s, "op %lld %s %s %c %d %llu ", (long long)rec->seq,
	    rec->path, rec->author, rec->kind, rec->boundary,
	    (unsigned long long)rec->pos);
	seen_bytes(s, rec->del, rec->del_len);
	seen_add(s, " ", 1);
	seen_bytes(s, rec->ins, rec->ins_len);
	seen_printf(s, " %lld\n", (long long)rec->time);
	if (++s->ops == s->refuse_at)
		return -1;
	return 0;
}

static void
seen_cursor(void *arg, const char *author, const char *path, uint64_t pos)
{
	struct seen *s = arg;

	seen_printf(
	    s, "cursor %s %s %llu\n", author, path, (unsigned long long)pos);
}

static void
seen_person(void *arg, const char *author, const char *name, const char *email)
{
	struct seen *s = arg;

	seen_printf(s, "person %s %s <%s>\n", author, name, email);
}

static void
seen_problem(void *arg, const char *message)
{
	struct seen *s = arg;

	seen_printf(s, "problem %s\n", message);
}

static void
seen_chat(void *arg, int64_t seq, int64_t time, const char *author,
    const char *name, const char *text)
{
	struct seen *s = arg;

	seen_printf(s, "chat %lld %lld %s %s ", (long long)seq, (long long)time,
	    author, name);
	seen_bytes(s, text, strlen(text));
	seen_add(s, "\n", 1);
}

static void
seen_event(void *arg, int64_t time, int kind, const char *author,
    const char *text, const char *place)
{
	struct seen *s = arg;

	seen_printf(s, "event %lld %c %s %s%s%s\n", (long long)time, kind,
	    author, text, place != NULL ? " @" : "",
	    place != NULL ? place : "");
}

static void
seen_visit(void *arg, const char *author, int64_t time)
{
	struct seen *s = arg;

	seen_printf(s, "visit %s %lld\n", author, (long long)time);
}

static void
seen_question(
    void *arg, int64_t id, int64_t time, const char *author, const char *text)
{
	struct seen *s = arg;

	seen_printf(s, "question %lld %lld %s %s\n", (long long)id,
	    (long long)time, author, text);
}

static void
seen_draft(void *arg, const struct journal_draft *d)
{
	struct seen *s = arg;

	seen_printf(s, "draft %s %u [%s] %s %u ", d->path, d->number, d->title,
	    d->author, d->supersedes);
	seen_bytes(s, d->present, strlen(d->present));
	seen_add(s, " ", 1);
	seen_bytes(s, d->ranges, strlen(d->ranges));
	seen_printf(s, " %lld..%lld [%s] %lld\n", (long long)d->chat_first,
	    (long long)d->chat_last, d->head, (long long)d->time);
}

static void
seen_editor(void *arg, const char *path, const char *author)
{
	struct seen *s = arg;

	seen_printf(s, "editor %s %s\n", path, author);
}

static void
seen_saved(void *arg, const char *path)
{
	struct seen *s = arg;

	seen_printf(s, "saved %s\n", path);
}

static void
seen_set(void *arg, const char *key, const char *value)
{
	struct seen *s = arg;

	seen_printf(s, "set %s=%s\n", key, value);
}

static void
seen_member(void *arg, const struct journal_member *m)
{
	struct seen *s = arg;

	seen_printf(s, "member %s %d [%s] %lld %lld\n", m->author, m->role,
	    m->name, (long long)m->invite, (long long)m->time);
}

static void
seen_invite(void *arg, const struct journal_invite *inv)
{
	struct seen *s = arg;

	seen_printf(s, "invite %lld %s %d %u %lld %s [%s] %lld\n",
	    (long long)inv->id, inv->hash, inv->role, inv->uses,
	    (long long)inv->expires, inv->author, inv->name,
	    (long long)inv->time);
}

static const struct journal_replay seen_replay = {
    .doc = seen_doc,
    .undo = seen_undo,
    .op = seen_op,
    .cursor = seen_cursor,
    .person = seen_person,
    .chat = seen_chat,
    .event = seen_event,
    .visit = seen_visit,
    .question = seen_question,
    .draft = seen_draft,
    .editor = seen_editor,
    .saved = seen_saved,
    .set = seen_set,
    .member = seen_member,
    .invite = seen_invite,
    .problem = seen_problem,
};

/* Replay the journal into a string (caller frees); replay must succeed. */
static char *
replay_text(struct journal *j, int refuse_at)
{
	struct seen s;
	char *err = NULL;

	memset(&s, 0, sizeof s);
	s.refuse_at = refuse_at;
	seen_add(&s, "", 0);
	assert_int_equal(journal_replay(j, &seen_replay, &s, &err), 0);
	assert_null(err);
	return s.text;
}

/* Open the journal at path, which must work. */
static struct journal *
must_open(const char *path, int durable)
{
	struct journal *j;
	char *err = NULL;

	j = journal_open(path, durable, &err);
	if (j == NULL)
		fail_msg("journal_open: %s", err);
	assert_null(err);
	return j;
}

/* Reopen and replay: what a restarted daemon would see. */
static char *
reopen_text(const char *path)
{
	struct journal *j;
	char *text;

	j = must_open(path, 0);
	text = replay_text(j, 0);
	journal_close(j);
	return text;
}

/* Queue one edit. */
static void
edit(struct journal *j, const char *path, const char *author, int boundary,
    uint64_t pos, const char *del, const char *ins, int64_t time)
{
	struct journal_rec rec;

	memset(&rec, 0, sizeof rec);
	rec.path = path;
	rec.author = author;
	rec.kind = JOURNAL_EDIT;
	rec.boundary = boundary;
	rec.pos = pos;
	rec.del = del;
	rec.del_len = strlen(del);
	rec.ins = ins;
	rec.ins_len = strlen(ins);
	rec.time = time;
	journal_append(j, &rec);
}

static void
must_flush(struct journal *j)
{
	char *err = NULL;

	if (journal_flush(j, &err) != 0)
		fail_msg("journal_flush: %s", err);
	assert_null(err);
	assert_int_equal(journal_queued(j), 0);
}

/* A second, plain connection to the same file. */
static sqlite3 *
db_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static void
db_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* The first column of the first row, as text (caller frees). */
static char *
db_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	const unsigned char *s;
	char *out;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	s = sqlite3_column_text(st, 0);
	out = xstrdup(s != NULL ? (const char *)s : "(null)");
	sqlite3_finalize(st);
	return out;
}

static void
assert_db_text(sqlite3 *db, const char *sql, const char *want)
{
	char *got;

	got = db_text(db, sql);
	assert_string_equal(got, want);
	free(got);
}

static void
assert_mode(const char *path, mode_t want)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		fail_msg("stat %s: %s", path, strerror(errno));
	assert_int_equal(sb.st_mode & 07777, want);
}

static int
exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

/* Remove a journal and its -wal and -shm. */
static void
remove_journal(const char *path)
{
	char *side;

	unlink(path);
	xasprintf(&side, "%s-wal", path);
	unlink(side);
	free(side);
	xasprintf(&side, "%s-shm", path);
	unlink(side);
	free(side);
}

static void
write_file(const char *path, const void *data, size_t len)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/*
 * Fill a journal in a child that then dies without closing it, as the
 * daemon would under kill -9: the -wal and -shm files stay behind.
 */
static void
crash_after(const char *path, void (*fill)(struct journal *))
{
	struct journal *j;
	pid_t pid;
	int status;
	char *err = NULL;

	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		if ((j = journal_open(path, 0, &err)) == NULL)
			_exit(2);
		fill(j);
		if (journal_flush(j, &err) != 0)
			_exit(3);
		kill(getpid(), SIGKILL);
		_exit(4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

/* A little of everything, for tests that need a filled journal. */
static void
fill_small(struct journal *j)
{
	journal_base(j, "a.txt", "hello\n", 6);
	edit(j, "a.txt", "alice", 1, 5, "", "!", 1000);
	edit(j, "a.txt", "bob", 1, 0, "h", "H", 1001);
	journal_cursor(j, "alice", "a.txt", 6);
	journal_person(j, "alice", "Alice", "alice@example.org");
}

static const char small_text[] = "doc a.txt [hello\\x0a]\n"
                                 "op 1 a.txt alice e 1 5 [] [!] 1000\n"
                                 "op 2 a.txt bob e 1 0 [h] [H] 1001\n"
                                 "cursor alice a.txt 6\n"
                                 "person alice Alice <alice@example.org>\n";

/* A new journal: the file, its stamps and an empty replay. */
static void
test_new(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	sqlite3 *db;
	char *text;

	assert_false(exists(f->path));
	j = must_open(f->path, 0);
	assert_true(exists(f->path));
	assert_int_equal(journal_queued(j), 0);
	text = replay_text(j, 0);
	assert_string_equal(text, "");
	free(text);

	db = db_open(f->path);
	assert_db_text(db, "PRAGMA application_id", "1836019572");
	assert_db_text(db, "PRAGMA user_version", "1");
	assert_db_text(db, "PRAGMA journal_mode", "wal");
	assert_db_text(db,
	    "SELECT group_concat(name, ' ') FROM (SELECT name FROM "
	    "sqlite_master WHERE type = 'table' ORDER BY name)",
	    "chat cursors docs drafts editors events invites members meta "
	    "ops people places questions saved undo visits");
	sqlite3_close(db);
	journal_close(j);

	/* Opening it again keeps it as it is. */
	j = must_open(f->path, 1);
	text = replay_text(j, 0);
	assert_string_equal(text, "");
	free(text);
	journal_close(j);
}

/* Every record type survives flush, close, reopen and replay. */
static void
test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	struct journal_rec rec;
	char *text, *err = NULL;
	static const char base[] = "one\0two\n";
	static const char blob[] = {0, 1, 2, (char)0xff};

	j = must_open(f->path, 0);
	journal_base(j, "dir/b.c", base, sizeof base - 1);
	journal_base(j, "empty", "", 0);
	memset(&rec, 0, sizeof rec);
	rec.path = "dir/b.c";
	rec.author = "SHA256:abc";
	rec.kind = JOURNAL_EDIT;
	rec.boundary = 1;
	rec.pos = 3;
	rec.del = "\0";
	rec.del_len = 1;
	rec.ins = "\0\0X";
	rec.ins_len = 3;
	rec.time = 1767225600123LL;
	journal_append(j, &rec);
	memset(&rec, 0, sizeof rec);
	rec.path = "dir/b.c";
	rec.author = "SHA256:abc";
	rec.kind = JOURNAL_UNDO;
	rec.time = -1;
	journal_append(j, &rec);
	rec.kind = JOURNAL_REDO;
	rec.time = 7;
	journal_append(j, &rec);
	edit(j, "empty", "", 0, 0, "", "reloaded", 8);
	journal_undo(j, "dir/b.c", "SHA256:abc", blob, sizeof blob);
	journal_undo(j, "empty", "SHA256:abc", NULL, 0);
	journal_cursor(j, "SHA256:abc", "dir/b.c", 4);
	journal_cursor(j, "SHA256:def", "empty", 0);
	journal_person(j, "SHA256:abc", "Ada Lovelace", "ada@example.org");
	journal_person(j, "SHA256:def", "", "");
	assert_int_equal(journal_queued(j), 12);
	assert_int_equal(journal_flush(j, &err), 0);
	assert_null(err);
	assert_int_equal(journal_queued(j), 0);
	/* Nothing is queued, so a second flush writes nothing. */
	assert_int_equal(journal_flush(j, &err), 0);
	journal_close(j);

	text = reopen_text(f->path);
	assert_string_equal(text,
	    "doc dir/b.c [one\\x00two\\x0a]\n"
	    "undo dir/b.c SHA256:abc [\\x00\\x01\\x02\\xff]\n"
	    "op 1 dir/b.c SHA256:abc e 1 3 [\\x00] [\\x00\\x00X] "
	    "1767225600123\n"
	    "op 2 dir/b.c SHA256:abc u 0 0 [] [] -1\n"
	    "op 3 dir/b.c SHA256:abc r 0 0 [] [] 7\n"
	    "doc empty []\n"
	    "undo empty SHA256:abc []\n"
	    "op 4 empty  e 0 0 [] [reloaded] 8\n"
	    "cursor SHA256:abc dir/b.c 4\n"
	    "cursor SHA256:def empty 0\n"
	    "person SHA256:abc Ada Lovelace <ada@example.org>\n"
	    "person SHA256:def  <>\n");
	free(text);
}

/* Ops come back in the order they were made, per document by path. */
static void
test_order(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *text;
	int i;

	j = must_open(f->path, 0);
	journal_base(j, "z", "", 0);
	journal_base(j, "m", "", 0);
	journal_base(j, "a", "", 0);
	for (i = 0; i < 3; i++) {
		edit(j, "z", "p", 0, i, "", "z", i);
		edit(j, "a", "p", 0, i, "", "a", i);
		/* Some flushed one at a time, some together. */
		if (i != 1)
			must_flush(j);
	}
	edit(j, "m", "p", 1, 0, "", "m", 9);
	must_flush(j);
	journal_close(j);

	text = reopen_text(f->path);
	assert_string_equal(text, "doc a []\n"
	                          "op 2 a p e 0 0 [] [a] 0\n"
	                          "op 4 a p e 0 1 [] [a] 1\n"
	                          "op 6 a p e 0 2 [] [a] 2\n"
	                          "doc m []\n"
	                          "op 7 m p e 1 0 [] [m] 9\n"
	                          "doc z []\n"
	                          "op 1 z p e 0 0 [] [z] 0\n"
	                          "op 3 z p e 0 1 [] [z] 1\n"
	                          "op 5 z p e 0 2 [] [z] 2\n");
	free(text);
}

/* The latest base, cursor, person and history win. */
static void
test_latest_wins(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *text;

	j = must_open(f->path, 0);
	journal_base(j, "a", "first", 5);
	journal_cursor(j, "alice", "a", 1);
	journal_person(j, "alice", "A", "a@old");
	journal_undo(j, "a", "alice", "u1", 2);
	must_flush(j);
	journal_base(j, "a", "second", 6);
	journal_cursor(j, "alice", "b", 2);
	journal_person(j, "alice", "Alice", "a@new");
	journal_undo(j, "a", "alice", "u2", 2);
	journal_undo(j, "a", "bob", "u3", 2);
	must_flush(j);
	journal_close(j);

	text = reopen_text(f->path);
	assert_string_equal(text, "doc a [second]\n"
	                          "undo a alice [u2]\n"
	                          "undo a bob [u3]\n"
	                          "cursor alice b 2\n"
	                          "person alice Alice <a@new>\n");
	free(text);
}

/*
 * While the journal cannot be written, people keep moving and coming and
 * going: what waits in the queue stays one cursor, one person and one visit
 * per author, and what is written is the latest of each, in its place
 * after what came before it (a forgotten document's cursor goes).
 */
static void
test_latest_queued_once(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *text;
	int i;

	j = must_open(f->path, 0);
	journal_base(j, "a", "abc", 3);
	journal_base(j, "b", "xyz", 3);
	journal_cursor(j, "carol", "b", 1);
	for (i = 0; i < 1000; i++) {
		journal_cursor(j, "alice", "a", i);
		journal_cursor(j, "bob", "b", 2 * i);
		journal_person(j, "alice", "Alice", i % 2 ? "odd" : "even");
		journal_visit(j, "alice", i);
		journal_visit(j, "bob", 3 * i);
	}
	/* Bases, carol, and one of each of the others. */
	assert_int_equal(journal_queued(j), 2 + 1 + 2 + 1 + 2);
	journal_forget(j, "b");
	journal_cursor(j, "bob", "a", 7);
	assert_int_equal(journal_queued(j), 9);
	must_flush(j);
	journal_close(j);

	text = reopen_text(f->path);
	assert_string_equal(text, "doc a [abc]\n"
	                          "cursor alice a 999\n"
	                          "cursor bob a 7\n"
	                          "person alice Alice <odd>\n"
	                          "visit alice 999\n"
	                          "visit bob 2997\n");
	free(text);
}

/* Compaction drops a document's ops and histories and sets its base. */
static void
test_compact(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *text;

	j = must_open(f->path, 0);
	journal_base(j, "a", "abc", 3);
	journal_base(j, "b", "xyz", 3);
	edit(j, "a", "p", 1, 3, "", "d", 1);
	edit(j, "b", "p", 1, 0, "x", "", 2);
	journal_undo(j, "a", "p", "old", 3);
	journal_undo(j, "a", "q", "old", 3);
	journal_undo(j, "b", "p", "keep", 4);
	must_flush(j);

	/* A save: a's text is now abcd, p's history follows. */
	journal_compact(j, "a", "abcd", 4);
	journal_undo(j, "a", "p", "new", 3);
	must_flush(j);
	text = replay_text(j, 0);
	assert_string_equal(text, "doc a [abcd]\n"
	                          "undo a p [new]\n"
	                          "doc b [xyz]\n"
	                          "undo b p [keep]\n"
	                          "op 2 b p e 1 0 [x] [] 2\n");
	free(text);

	/* In one flush, in order: an op before the compaction goes, one
	 * after it stays (seq 3 again: the highest seq left is 2). */
	edit(j, "a", "p", 0, 4, "", "e", 3);
	journal_compact(j, "a", "abcde", 5);
	edit(j, "a", "p", 0, 5, "", "f", 4);
	must_flush(j);
	journal_close(j);

	text = reopen_text(f->path);
	assert_string_equal(text, "doc a [abcde]\n"
	                          "op 3 a p e 0 5 [] [f] 4\n"
	                          "doc b [xyz]\n"
	                          "undo b p [keep]\n"
	                          "op 2 b p e 1 0 [x] [] 2\n");
	free(text);
}

/* Forgetting a document removes everything about it, and only that. */
static void
test_forget(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *text;

	j = must_open(f->path, 0);
	journal_base(j, "a", "A", 1);
	journal_base(j, "b", "B", 1);
	edit(j, "a", "p", 1, 0, "", "1", 1);
	edit(j, "b", "p", 1, 0, "", "2", 2);
	journal_undo(j, "a", "p", "h", 1);
	journal_cursor(j, "p", "a", 1);
	journal_cursor(j, "q", "b", 1);
	journal_person(j, "p", "P", "p@x");
	must_flush(j);
	journal_forget(j, "a");
	must_flush(j);
	/* Forgetting what is not there is no error. */
	journal_forget(j, "nothing");
	must_flush(j);
	journal_close(j);

	text = reopen_text(f->path);
	assert_string_equal(text, "doc b [B]\n"
	                          "op 2 b p e 1 0 [] [2] 2\n"
	                          "cursor q b 1\n"
	                          "person p P <p@x>\n");
	free(text);
}

/* Closing drops what was queued and not flushed. */
static void
test_close_drops_queue(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *text;

	j = must_open(f->path, 0);
	fill_small(j);
	must_flush(j);
	edit(j, "a.txt", "alice", 0, 6, "", "never", 2000);
	journal_cursor(j, "bob", "a.txt", 1);
	assert_int_equal(journal_queued(j), 2);
	journal_close(j);

	text = reopen_text(f->path);
	assert_string_equal(text, small_text);
	free(text);
}

/* A daemon killed after a flush loses nothing: the WAL holds it. */
static void
test_crash(void **state)
{
	struct fixture *f = *state;
	char *text, *wal;

	crash_after(f->path, fill_small);
	xasprintf(&wal, "%s-wal", f->path);
	assert_true(exists(wal));
	free(wal);
	text = reopen_text(f->path);
	assert_string_equal(text, small_text);
	free(text);
}

/* Count the rows of a table through a second connection. */
static void
assert_rows(const char *path, const char *table, const char *want)
{
	sqlite3 *db;
	char *sql;

	db = db_open(path);
	xasprintf(&sql, "SELECT count(*) FROM %s", table);
	assert_db_text(db, sql, want);
	free(sql);
	sqlite3_close(db);
}

/*
 * The journal's own sqlite connection, caught as it opens through an
 * automatic extension: some settings (synchronous, max_page_count) belong
 * to one connection and cannot be seen or changed from another.
 */
static sqlite3 *last_db;

static int
remember_db(sqlite3 *db, const char **msg, const sqlite3_api_routines *api)
{
	last_db = db;
	return SQLITE_OK;
}

/* Open a journal and catch its connection in *db. */
static struct journal *
open_caught(const char *path, int durable, sqlite3 **db)
{
	struct journal *j;

	last_db = NULL;
	assert_int_equal(
	    sqlite3_auto_extension((void (*)(void))remember_db), SQLITE_OK);
	j = must_open(path, durable);
	sqlite3_cancel_auto_extension((void (*)(void))remember_db);
	assert_non_null(last_db);
	*db = last_db;
	return j;
}

/*
 * A database that may not grow (max_page_count on the journal's own
 * connection): a statement in the middle of the flush fails, the whole
 * transaction is rolled back, everything stays queued, and once there is
 * room the same flush writes it all.
 */
static void
test_flush_page_limit(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	sqlite3 *db;
	char *err = NULL, *want, *pages, *sql, *text, big[65536];

	j = open_caught(f->path, 0, &db);
	fill_small(j);
	must_flush(j);
	pages = db_text(db, "PRAGMA page_count");
	xasprintf(&sql, "PRAGMA max_page_count = %s", pages);
	assert_db_text(db, sql, pages);
	free(sql);
	free(pages);

	edit(j, "a.txt", "bob", 0, 0, "", "1", 3000);
	memset(big, 'b', sizeof big);
	journal_base(j, "big", big, sizeof big);
	edit(j, "a.txt", "bob", 0, 1, "", "2", 3001);
	assert_string_equal(journal_reason(j), "");
	assert_int_equal(journal_flush(j, &err), -1);
	xasprintf(&want, "cannot write %s: database or disk is full", f->path);
	assert_string_equal(err, want);
	/* sqlite's "full" is a full disk for the journal (it sets no page
	 * limit of its own). */
	assert_string_equal(journal_reason(j), strerror(ENOSPC));
	free(want);
	free(err);
	err = NULL;
	assert_int_equal(journal_queued(j), 3);
	/* No transaction left open, and the first op is not in it. */
	assert_int_equal(sqlite3_get_autocommit(db), 1);
	assert_db_text(db, "SELECT count(*) FROM ops", "2");

	/* A second failure changes nothing either. */
	assert_int_equal(journal_flush(j, &err), -1);
	free(err);
	err = NULL;
	assert_int_equal(journal_queued(j), 3);

	assert_db_text(db, "PRAGMA max_page_count = 1000000", "1000000");
	must_flush(j);
	journal_close(j);
	text = reopen_text(f->path);
	assert_non_null(strstr(text, "op 2 a.txt bob e 1 0 [h] [H] 1001\n"
	                             "op 3 a.txt bob e 0 0 [] [1] 3000\n"
	                             "op 4 a.txt bob e 0 1 [] [2] 3001\n"
	                             "doc big [bbbb"));
	free(text);
}

/*
 * A row refused in the middle of a flush (a trigger another connection
 * added): sqlite keeps the transaction open, the journal must roll it back.
 */
static void
test_flush_row_refused(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	sqlite3 *db, *other;
	char *err = NULL, *want, *text;

	j = open_caught(f->path, 0, &db);
	other = db_open(f->path);
	db_exec(other, "CREATE TRIGGER no_people BEFORE INSERT ON people "
	               "BEGIN SELECT RAISE(ABORT, 'no people'); END");
	fill_small(j);
	assert_int_equal(journal_flush(j, &err), -1);
	xasprintf(&want, "cannot write %s: no people", f->path);
	assert_string_equal(err, want);
	assert_string_equal(journal_reason(j), "no people");
	free(want);
	free(err);
	err = NULL;
	assert_int_equal(journal_queued(j), 5);
	assert_int_equal(sqlite3_get_autocommit(db), 1);
	assert_db_text(db, "SELECT count(*) FROM ops", "0");
	assert_db_text(db, "SELECT count(*) FROM docs", "0");

	db_exec(other, "DROP TRIGGER no_people");
	sqlite3_close(other);
	must_flush(j);
	journal_close(j);
	text = reopen_text(f->path);
	assert_string_equal(text, small_text);
	free(text);
}

/*
 * A full disk (the file size limit stands in for it): the flush fails,
 * writes nothing, keeps everything queued, and the next one writes it all.
 */
static void
test_flush_disk_full(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	struct rlimit old, rl;
	struct stat sb;
	char *wal, *err = NULL, *want, *text, big[8192];
	int rc, i;

	j = must_open(f->path, 0);
	fill_small(j);
	must_flush(j);
	xasprintf(&wal, "%s-wal", f->path);
	assert_int_equal(stat(wal, &sb), 0);
	assert_true(sb.st_size > 0);

	/* More than a page, so the commit must grow the WAL. */
	memset(big, 'x', sizeof big);
	journal_base(j, "big", big, sizeof big);
	for (i = 0; i < 3; i++)
		edit(j, "a.txt", "bob", 0, 1, "", "y", 2000 + i);
	journal_person(j, "bob", "Bob", "bob@example.org");
	assert_int_equal(journal_queued(j), 5);

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	rl = old;
	rl.rlim_cur = sb.st_size;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
	rc = journal_flush(j, &err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);

	assert_int_equal(rc, -1);
	xasprintf(&want, "cannot write %s: disk I/O error", f->path);
	assert_string_equal(err, want);
	/* What people are told: the system's reason. */
	assert_string_equal(journal_reason(j), strerror(EFBIG));
	free(want);
	free(err);
	err = NULL;
	assert_int_equal(journal_queued(j), 5);
	/* Nothing of it reached the file. */
	assert_rows(f->path, "ops", "2");
	assert_rows(f->path, "docs", "1");

	/* Space again: the same flush writes all of it, once. */
	must_flush(j);
	assert_rows(f->path, "ops", "5");
	journal_close(j);
	text = reopen_text(f->path);
	assert_int_equal(strncmp(text, "doc a.txt [hello\\x0a]\n", 22), 0);
	assert_non_null(strstr(text, "op 2 a.txt bob e 1 0 [h] [H] 1001\n"
	                             "op 3 a.txt bob e 0 1 [] [y] 2000\n"
	                             "op 4 a.txt bob e 0 1 [] [y] 2001\n"
	                             "op 5 a.txt bob e 0 1 [] [y] 2002\n"
	                             "doc big [xxxx"));
	assert_non_null(strstr(text, "xxx]\n"
	                             "cursor alice a.txt 6\n"
	                             "person alice Alice <alice@example.org>\n"
	                             "person bob Bob <bob@example.org>\n"));
	free(text);
	free(wal);
}

/* Another writer holding the lock: the flush fails after the busy
 * timeout, keeps its queue, and succeeds once the lock is gone. */
static void
test_flush_locked(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	sqlite3 *db;
	char *err = NULL, *want, *text;

	j = must_open(f->path, 0);
	db = db_open(f->path);
	db_exec(db, "BEGIN IMMEDIATE");
	fill_small(j);
	assert_int_equal(journal_flush(j, &err), -1);
	xasprintf(&want, "cannot write %s: database is locked", f->path);
	assert_string_equal(err, want);
	free(want);
	free(err);
	err = NULL;
	assert_int_equal(journal_queued(j), 5);
	db_exec(db, "COMMIT");
	sqlite3_close(db);

	must_flush(j);
	journal_close(j);
	text = reopen_text(f->path);
	assert_string_equal(text, small_text);
	free(text);
}

/* The journal and its -wal and -shm are 0600 whatever the umask. */
static void
test_modes(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *wal, *shm;
	mode_t old;

	xasprintf(&wal, "%s-wal", f->path);
	xasprintf(&shm, "%s-shm", f->path);
	old = umask(0);
	j = must_open(f->path, 0);
	assert_mode(f->path, 0600);
	assert_mode(wal, 0600);
	assert_mode(shm, 0600);
	fill_small(j);
	must_flush(j);
	assert_mode(f->path, 0600);
	assert_mode(wal, 0600);
	assert_mode(shm, 0600);
	journal_close(j);
	assert_mode(f->path, 0600);

	/* Files someone left readable are made private again. */
	crash_after(f->path, fill_small);
	assert_int_equal(chmod(f->path, 0644), 0);
	assert_int_equal(chmod(wal, 0644), 0);
	assert_int_equal(chmod(shm, 0666), 0);
	j = must_open(f->path, 0);
	assert_mode(f->path, 0600);
	assert_mode(wal, 0600);
	assert_mode(shm, 0600);
	journal_close(j);
	remove_journal(f->path);

	/* A umask that would take the owner's write bit. */
	umask(0277);
	j = must_open(f->path, 0);
	assert_mode(f->path, 0600);
	assert_mode(wal, 0600);
	assert_mode(shm, 0600);
	journal_close(j);
	umask(old);
	free(wal);
	free(shm);
}

static void
check_synchronous(const char *path, int durable, const char *want)
{
	struct journal *j;
	sqlite3 *db;

	j = open_caught(path, durable, &db);
	assert_db_text(db, "PRAGMA synchronous", want);
	assert_db_text(db, "PRAGMA journal_mode", "wal");
	journal_close(j);

	/* WAL mode is in the file: a second connection sees it. */
	db = db_open(path);
	assert_db_text(db, "PRAGMA journal_mode", "wal");
	sqlite3_close(db);
}

static void
test_pragmas(void **state)
{
	struct fixture *f = *state;

	check_synchronous(f->path, 0, "1"); /* NORMAL */
	check_synchronous(f->path, 1, "2"); /* FULL */
}

/* Expect journal_open to fail with exactly want. */
static void
assert_open_fails(const char *path, const char *want)
{
	struct journal *j;
	char *err = NULL;

	j = journal_open(path, 0, &err);
	assert_null(j);
	assert_non_null(err);
	assert_string_equal(err, want);
	free(err);
}

/* Files that are not moot journals are refused, and left alone. */
static void
test_not_a_journal(void **state)
{
	struct fixture *f = *state;
	char garbage[4096], back[4096], *want;
	int fd;
	sqlite3 *db;
	size_t i;
	struct stat sb;

	xasprintf(&want, "%s is not a moot journal (not an sqlite database)",
	    f->path);
	for (i = 0; i < sizeof garbage; i++)
		garbage[i] = "garbage\n"[i % 8];
	write_file(f->path, garbage, sizeof garbage);
	assert_open_fails(f->path, want);
	/* Left exactly as it was. */
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_size, sizeof garbage);
	fd = open(f->path, O_RDONLY);
	assert_true(fd != -1);
	assert_int_equal(read(fd, back, sizeof back), sizeof back);
	close(fd);
	assert_memory_equal(back, garbage, sizeof garbage);
	/* Shorter than an sqlite header. */
	write_file(f->path, "garbage\n", 8);
	assert_open_fails(f->path, want);
	free(want);
	unlink(f->path);

	/* Some other program's database. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	db_exec(db, "CREATE TABLE t (x)");
	sqlite3_close(db);
	xasprintf(
	    &want, "%s is not a moot journal (application id 0)", f->path);
	assert_open_fails(f->path, want);
	free(want);
	unlink(f->path);

	/* A journal from a newer moot. */
	journal_close(must_open(f->path, 0));
	db = db_open(f->path);
	db_exec(db, "PRAGMA user_version = 2");
	sqlite3_close(db);
	xasprintf(&want,
	    "%s was written by a newer moot (journal version 2; this one reads "
	    "1)",
	    f->path);
	assert_open_fails(f->path, want);
	free(want);

	/* Ours, but a table replaced by a view. */
	db = db_open(f->path);
	db_exec(db, "PRAGMA user_version = 1; DROP TABLE people; "
	            "CREATE VIEW people AS SELECT 1 AS author, 2 AS name, "
	            "3 AS email");
	sqlite3_close(db);
	xasprintf(&want, "%s is not a moot journal (tables missing)", f->path);
	assert_open_fails(f->path, want);
	free(want);

	/* Ours, but a column missing. */
	db = db_open(f->path);
	db_exec(db, "DROP VIEW people; CREATE TABLE people (author, name)");
	sqlite3_close(db);
	xasprintf(&want,
	    "%s is not a moot journal (table people has no column named "
	    "email)",
	    f->path);
	assert_open_fails(f->path, want);
	free(want);
}

/* Make a journal big enough to span many pages. */
static void
fill_big(struct journal *j)
{
	char text[200], path[32];
	int i, d;

	memset(text, 'w', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	for (d = 0; d < 4; d++) {
		snprintf(path, sizeof path, "doc%d", d);
		journal_base(j, path, text, sizeof text - 1);
		for (i = 0; i < 500; i++)
			edit(j, path, "author", i % 7 == 0, i, "", text, i);
	}
	journal_person(j, "author", "A", "a@x");
}

/* Truncate a file to half its size. */
static void
halve(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 8192);
	assert_int_equal(truncate(path, sb.st_size / 2), 0);
}

/* Expect journal_open to fail saying path is damaged, on one line. */
static void
assert_damaged(const char *path)
{
	struct journal *j;
	char *err = NULL, *want;

	j = journal_open(path, 0, &err);
	assert_null(j);
	assert_non_null(err);
	xasprintf(&want, "%s is damaged: ", path);
	assert_int_equal(strncmp(err, want, strlen(want)), 0);
	/* What sqlite found (it names a page), then nothing more. */
	assert_true(strlen(err) > strlen(want) + 5);
	assert_null(strchr(err, '\n'));
	free(want);
	free(err);
}

/* A journal cut in half is reported as damaged at open. */
static void
test_truncated(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *text, *wal;

	/* Checkpointed (closed cleanly), then cut. */
	j = must_open(f->path, 0);
	fill_big(j);
	must_flush(j);
	journal_close(j);
	halve(f->path);
	assert_damaged(f->path);
	/* Still damaged, never half-repaired by the failed open. */
	assert_damaged(f->path);
	remove_journal(f->path);

	/* Killed with everything in the -wal, then the -wal cut: the last
	 * transaction lost its commit frame, so it never happened; what is
	 * left is a valid, empty journal. */
	xasprintf(&wal, "%s-wal", f->path);
	crash_after(f->path, fill_big);
	halve(wal);
	free(wal);
	text = reopen_text(f->path);
	assert_string_equal(text, "");
	free(text);
	remove_journal(f->path);

	/* Killed after a checkpoint, then the main file cut with its -wal
	 * kept. */
	crash_after(f->path, fill_big);
	journal_close(must_open(f->path, 0));
	crash_after(f->path, fill_small);
	halve(f->path);
	assert_damaged(f->path);
}

/* Damage that appears while the journal is open: replay says so. */
static void
test_damaged_while_open(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	struct seen s;
	char *err = NULL, *want;
	int i;

	j = must_open(f->path, 0);
	for (i = 0; i < 8; i++)
		fill_big(j);
	must_flush(j);
	journal_close(j);

	/* Open (and checked), then most of the file disappears. */
	j = must_open(f->path, 0);
	assert_int_equal(truncate(f->path, 8192), 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(journal_replay(j, &seen_replay, &s, &err), -1);
	xasprintf(
	    &want, "cannot read %s: database disk image is malformed", f->path);
	assert_string_equal(err, want);
	free(want);
	free(err);
	free(s.text);
	journal_close(j);
}

/* Rows sqlite holds but moot never writes are reported and skipped. */
static void
test_bad_rows(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	sqlite3 *db;
	sqlite3_stmt *st;
	char *text;

	j = must_open(f->path, 0);
	journal_base(j, "a", "", 0);
	journal_base(j, "b", "", 0);
	journal_base(j, "c", "", 0);
	journal_base(j, "d", "", 0);
	journal_base(j, "e", "", 0);
	journal_base(j, "f", "", 0);
	edit(j, "a", "p", 1, 0, "", "1", 1);
	must_flush(j);
	journal_close(j);

	db = db_open(f->path);
	db_exec(db,
	    /* a: a good op, then a negative position, then a good op. */
	    "INSERT INTO ops VALUES (10, 'a', 'p', 'e', 0, -1, x'', x'', 2);"
	    "INSERT INTO ops VALUES (11, 'a', 'p', 'e', 0, 0, x'', x'32', 3);"
	    /* b: a BLOB author. */
	    "INSERT INTO ops VALUES (12, 'b', x'70', 'e', 0, 0, x'', x'', 4);"
	    /* c: an unknown kind; d: a NULL del; e: a REAL position. */
	    "INSERT INTO ops VALUES (13, 'c', 'p', 'x', 0, 0, x'', x'', 5);"
	    "INSERT INTO ops VALUES (14, 'd', 'p', 'e', 0, 0, NULL, x'', 6);"
	    "INSERT INTO ops VALUES (15, 'e', 'p', 'e', 0, 1.5, x'', x'', 7);"
	    /* f: a huge position is fine here (the op callback judges). */
	    "INSERT INTO ops VALUES (16, 'f', 'p', 'e', 0, "
	    " 9223372036854775807, x'', x'', 8);"
	    /* Ops of a document the journal has no base for. */
	    "INSERT INTO ops VALUES (17, 'ghost', 'p', 'e', 0, 0, x'', x'', 9);"
	    "INSERT INTO ops VALUES (18, 'ghost', 'p', 'e', 0, 0, x'', x'', 9);"
	    "INSERT INTO ops VALUES (19, NULL, 'p', 'e', 0, 0, x'', x'', 9);"
	    /* A document whose base is not bytes, with one op. */
	    "INSERT INTO docs VALUES ('g', NULL);"
	    "INSERT INTO ops VALUES (20, 'g', 'p', 'e', 0, 0, x'', x'', 9);"
	    /* A document whose name is a BLOB, and its op. */
	    "INSERT INTO docs VALUES (x'68', x'');"
	    "INSERT INTO ops VALUES (21, x'68', 'p', 'e', 0, 0, x'', x'', 9);"
	    /* A document with no name: op 19 is its. And an op whose path
	     * is a BLOB no document has. */
	    "INSERT INTO docs VALUES (NULL, x'');"
	    "INSERT INTO ops VALUES (22, x'69', 'p', 'e', 0, 0, x'', x'', 9);"
	    /* Histories: one good, one with no data. */
	    "INSERT INTO undo VALUES ('b', 'p', x'00');"
	    "INSERT INTO undo VALUES ('b', 'q', NULL);"
	    /* Cursors and people: good ones and bad ones. */
	    "INSERT INTO cursors VALUES ('p', 'a', 1);"
	    "INSERT INTO cursors VALUES ('q', x'61', 1);"
	    "INSERT INTO cursors VALUES ('r', 'a', -5);"
	    "INSERT INTO cursors VALUES (x'73', 'a', 1);"
	    "INSERT INTO people VALUES ('p', 'P', 'p@x');"
	    "INSERT INTO people VALUES ('q', 'Q', NULL);"
	    "INSERT INTO people VALUES ('r', x'52', 'r@x');");
	/* A path with a NUL byte inside. */
	assert_int_equal(
	    sqlite3_prepare_v2(
	        db, "INSERT INTO docs VALUES (?1, x'')", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(
	    sqlite3_bind_text(st, 1, "b\0x", 3, SQLITE_STATIC), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);

	text = reopen_text(f->path);
	assert_string_equal(text,
	    "problem a document record has a malformed name; 1 edit was "
	    "lost\n"
	    "doc a []\n"
	    "op 1 a p e 1 0 [] [1] 1\n"
	    "problem a: 2 edits could not be replayed (record 10 is "
	    "malformed: bad position)\n"
	    "doc b []\n"
	    "undo b p [\\x00]\n"
	    "problem b: an undo history is malformed (skipped)\n"
	    "problem b: 1 edit could not be replayed (record 12 is malformed: "
	    "bad author)\n"
	    "problem a document record has a malformed name; 0 edits were "
	    "lost\n"
	    "doc c []\n"
	    "problem c: 1 edit could not be replayed (record 13 is malformed: "
	    "unknown kind)\n"
	    "doc d []\n"
	    "problem d: 1 edit could not be replayed (record 14 is malformed: "
	    "bad deleted bytes)\n"
	    "doc e []\n"
	    "problem e: 1 edit could not be replayed (record 15 is malformed: "
	    "bad position)\n"
	    "doc f []\n"
	    "op 16 f p e 0 9223372036854775807 [] [] 8\n"
	    "problem g: its base text is malformed; 1 edit was lost\n"
	    "problem a document record has a malformed name; 1 edit was "
	    "lost\n"
	    "problem ghost: 2 edits were lost (no base text)\n"
	    "problem 1 edit of a document with a malformed name was lost\n"
	    "cursor p a 1\n"
	    "problem a cursor record is malformed (skipped)\n"
	    "problem a cursor record is malformed (skipped)\n"
	    "problem a cursor record is malformed (skipped)\n"
	    "person p P <p@x>\n"
	    "problem a person record is malformed (skipped)\n"
	    "problem a person record is malformed (skipped)\n");
	free(text);

	/* Without callbacks, the same journal replays quietly. */
	{
		struct journal_replay none;
		char *err = NULL;

		memset(&none, 0, sizeof none);
		j = must_open(f->path, 0);
		assert_int_equal(journal_replay(j, &none, NULL, &err), 0);
		assert_null(err);
		journal_close(j);
	}
}

/*
 * A damaged index that quick_check does not notice can give a document's
 * ops out of order: replay stops that document there and says so. The
 * damage is made by building ops_path on (path, time DESC) and then
 * declaring it to be on (path) alone.
 */
static void
test_ops_out_of_order(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	sqlite3 *db;
	char *text = NULL, *err;

	j = must_open(f->path, 0);
	journal_base(j, "a", "", 0);
	edit(j, "a", "p", 0, 0, "", "1", 10);
	edit(j, "a", "p", 0, 1, "", "2", 20);
	edit(j, "a", "p", 0, 2, "", "3", 30);
	must_flush(j);
	journal_close(j);

	db = db_open(f->path);
	db_exec(db, "DROP INDEX IF EXISTS ops_path;"
	            "CREATE INDEX ops_path ON ops (path, time DESC);"
	            "PRAGMA writable_schema = ON;"
	            "UPDATE sqlite_master SET sql = "
	            " 'CREATE INDEX ops_path ON ops (path)' "
	            " WHERE name = 'ops_path';");
	sqlite3_close(db);
	db = db_open(f->path);
	assert_db_text(db, "PRAGMA quick_check", "ok");
	sqlite3_close(db);

	/* quick_check misses it; the integrity_check at open does not. */
	err = NULL;
	assert_null(journal_open(f->path, 0, &err));
	assert_non_null(err);
	assert_non_null(strstr(err, "is damaged"));
	free(err);
	(void)text;
}

/* An op that cannot apply stops its document; the rest are counted. */
static void
test_op_refused(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *text;
	int i;

	j = must_open(f->path, 0);
	journal_base(j, "a", "", 0);
	journal_base(j, "b", "", 0);
	for (i = 0; i < 4; i++)
		edit(j, "a", "p", 0, i, "", "x", i);
	edit(j, "b", "p", 0, 0, "", "y", 9);
	must_flush(j);

	text = replay_text(j, 2);
	assert_string_equal(text, "doc a []\n"
	                          "op 1 a p e 0 0 [] [x] 0\n"
	                          "op 2 a p e 0 1 [] [x] 1\n"
	                          "problem a: 3 edits could not be replayed\n"
	                          "doc b []\n"
	                          "op 5 b p e 0 0 [] [y] 9\n");
	free(text);

	/* The last op refused: one edit lost. */
	text = replay_text(j, 4);
	assert_string_equal(text, "doc a []\n"
	                          "op 1 a p e 0 0 [] [x] 0\n"
	                          "op 2 a p e 0 1 [] [x] 1\n"
	                          "op 3 a p e 0 2 [] [x] 2\n"
	                          "op 4 a p e 0 3 [] [x] 3\n"
	                          "problem a: 1 edit could not be replayed\n"
	                          "doc b []\n"
	                          "op 5 b p e 0 0 [] [y] 9\n");
	free(text);
	journal_close(j);
}

/* Check a set-aside name: PATH.damaged-YYYYmmdd-HHMMSS then tail. */
static void
assert_aside_name(const char *name, const char *path, const char *tail)
{
	size_t plen = strlen(path), i;
	const char *p;

	assert_int_equal(strncmp(name, path, plen), 0);
	p = name + plen;
	assert_int_equal(strncmp(p, ".damaged-", 9), 0);
	p += 9;
	for (i = 0; i < 15; i++) {
		if (i == 8)
			assert_int_equal(p[i], '-');
		else
			assert_true(p[i] >= '0' && p[i] <= '9');
	}
	assert_string_equal(p + 15, tail);
}

/* A damaged journal moves aside with its -wal and -shm. */
static void
test_set_aside(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *name, *name2, *side, *text;

	crash_after(f->path, fill_small);
	name = journal_set_aside(f->path);
	assert_non_null(name);
	assert_aside_name(name, f->path, "");
	assert_false(exists(f->path));
	xasprintf(&side, "%s-wal", f->path);
	assert_false(exists(side));
	free(side);
	xasprintf(&side, "%s-wal", name);
	assert_true(exists(side));
	free(side);
	xasprintf(&side, "%s-shm", name);
	assert_true(exists(side));
	free(side);

	/* The -wal went with it: nothing of it is lost. */
	text = reopen_text(name);
	assert_string_equal(text, small_text);
	free(text);

	/* The new journal is empty; setting it aside again in the same
	 * second does not overwrite the first. */
	j = must_open(f->path, 0);
	text = replay_text(j, 0);
	assert_string_equal(text, "");
	free(text);
	journal_close(j);
	name2 = journal_set_aside(f->path);
	assert_non_null(name2);
	assert_string_not_equal(name, name2);
	assert_true(exists(name));
	assert_true(exists(name2));
	if (strncmp(name, name2, strlen(name)) == 0)
		assert_string_equal(name2 + strlen(name), "-2");

	/* Nothing there: NULL. */
	assert_null(journal_set_aside(f->path));
	free(name);
	free(name2);
}

/* A large base and many small records in one flush. */
static void
test_large(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	struct seen s;
	char *big, *err = NULL;
	size_t len = 3 * 1024 * 1024, i;

	big = xmalloc(len);
	for (i = 0; i < len; i++)
		big[i] = (char)(i * 7);
	j = must_open(f->path, 1);
	journal_base(j, "big", big, len);
	for (i = 0; i < 5000; i++)
		edit(j, "big", "p", 0, i, "", "k", i);
	assert_int_equal(journal_queued(j), 5001);
	must_flush(j);
	journal_close(j);

	j = must_open(f->path, 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(journal_replay(j, &seen_replay, &s, &err), 0);
	assert_int_equal(s.ops, 5000);
	assert_non_null(strstr(s.text, "op 5000 big p e 0 4999 [] [k] 4999\n"));
	free(s.text);
	journal_close(j);
	free(big);
}

/*
 * Session records (chat, events, visits, questions, drafts, editors, saved
 * files, named values).
 */

/* A draft with every field set; strings borrowed. */
static void
draft_fill(struct journal_draft *d, const char *path, unsigned number,
    const char *title)
{
	memset(d, 0, sizeof *d);
	d->path = path;
	d->number = number;
	d->title = title;
	d->author = "SHA256:alice";
	d->supersedes = 3;
	d->present = "SHA256:alice\nSHA256:bob\n";
	d->ranges = "src/a.c:10-20@0123abcd\nsrc/b.c:1-2@0123abcd";
	d->chat_first = 2;
	d->chat_last = 5;
	d->head = "0123abcd";
	d->time = 1767225600000LL;
}

/* One of each session record; what replay says of them. */
static void
fill_session(struct journal *j)
{
	struct journal_draft d;

	assert_int_equal(
	    journal_chat(j, 100, "SHA256:alice", "Alice", "hi"), 1);
	assert_int_equal(
	    journal_chat(j, 101, "SHA256:bob", "Bob", "use WAL?"), 2);
	journal_event(j, 102, JOURNAL_EV_DRAFT, "SHA256:alice",
	    "Alice started ADR-0007 Use WAL", NULL);
	journal_event(
	    j, 103, JOURNAL_EV_SAVED, "SHA256:bob", "Bob saved a.c", "a.c:3");
	journal_visit(j, "SHA256:bob", 104);
	journal_visit(j, "SHA256:alice", 105);
	assert_int_equal(
	    journal_question(j, 106, "SHA256:bob", "what about NFS?"), 1);
	draft_fill(&d, "docs/decisions/0007-use-wal.md", 7, "Use WAL");
	journal_draft(j, &d);
	journal_editor(j, "src/b.c", "SHA256:bob");
	journal_editor(j, "src/a.c", "SHA256:bob");
	journal_editor(j, "src/a.c", "SHA256:alice");
	journal_saved(j, "src/b.c");
	journal_saved(j, "src/a.c");
	journal_set(j, "next", "8");
	journal_set(j, "branch", "main");
}

static const char session_text[] =
    "set branch=main\n"
    "set next=8\n"
    "chat 1 100 SHA256:alice Alice [hi]\n"
    "chat 2 101 SHA256:bob Bob [use WAL?]\n"
    "event 102 d SHA256:alice Alice started ADR-0007 Use WAL\n"
    "event 103 s SHA256:bob Bob saved a.c @a.c:3\n"
    "visit SHA256:alice 105\n"
    "visit SHA256:bob 104\n"
    "question 1 106 SHA256:bob what about NFS?\n"
    "draft docs/decisions/0007-use-wal.md 7 [Use WAL] SHA256:alice 3 "
    "[SHA256:alice\\x0aSHA256:bob\\x0a] "
    "[src/a.c:10-20@0123abcd\\x0asrc/b.c:1-2@0123abcd] 2..5 [0123abcd] "
    "1767225600000\n"
    "editor src/a.c SHA256:alice\n"
    "editor src/a.c SHA256:bob\n"
    "editor src/b.c SHA256:bob\n"
    "saved src/a.c\n"
    "saved src/b.c\n";

/* Every session record survives flush, close, reopen and replay, after
 * the documents and people, each kind in its order. */
static void
test_session_round_trip(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *text, *want;

	j = must_open(f->path, 0);
	fill_small(j);
	fill_session(j);
	assert_int_equal(journal_queued(j), 5 + 15);
	must_flush(j);
	journal_close(j);

	text = reopen_text(f->path);
	xasprintf(&want, "%s%s", small_text, session_text);
	assert_string_equal(text, want);
	free(want);
	free(text);

	/* Without callbacks for them, replay still works and says nothing. */
	{
		struct journal_replay none;
		char *err = NULL;

		memset(&none, 0, sizeof none);
		j = must_open(f->path, 0);
		assert_int_equal(journal_replay(j, &none, NULL, &err), 0);
		assert_null(err);
		journal_close(j);
	}
}

/* Where events happened (the places table): a journal from before it
 * replays its events with none, read-only; opened to write, it gains the
 * table and keeps the places of new events. */
static void
test_event_places(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	sqlite3 *db;
	char *text, *err = NULL;

	j = must_open(f->path, 0);
	journal_event(j, 1, JOURNAL_EV_SAVED, "a", "a saved x.c", "x.c:12");
	journal_event(j, 2, JOURNAL_EV_COMMIT, "a", "a committed", NULL);
	must_flush(j);
	journal_close(j);
	text = reopen_text(f->path);
	assert_string_equal(text, "event 1 s a a saved x.c @x.c:12\n"
	                          "event 2 c a a committed\n");
	free(text);

	db = db_open(f->path);
	db_exec(db, "DROP TABLE places;");
	sqlite3_close(db);
	j = journal_open_readonly(f->path, &err);
	assert_non_null(j);
	text = replay_text(j, 0);
	assert_string_equal(
	    text, "event 1 s a a saved x.c\nevent 2 c a a committed\n");
	free(text);
	journal_close(j);

	j = must_open(f->path, 0);
	journal_event(j, 3, JOURNAL_EV_ACCEPTED, "b", "b accepted ADR-0001",
	    "doc/adr/0001-x.md");
	must_flush(j);
	journal_close(j);
	text = reopen_text(f->path);
	assert_string_equal(text, "event 1 s a a saved x.c\n"
	                          "event 2 c a a committed\n"
	                          "event 3 a b b accepted ADR-0001 "
	                          "@doc/adr/0001-x.md\n");
	free(text);
}

/* Members and invitations: the latest record of each wins, forgotten ones
 * are gone, malformed rows are skipped with a problem, and a journal
 * without the access tables gains them (read-only: replays none). */
static void
test_access_round_trip(void **state)
{
	struct fixture *f = *state;
	struct journal_member m;
	struct journal_invite inv;
	struct journal *j;
	sqlite3 *db;
	char *text, *err = NULL;

	j = must_open(f->path, 0);
	memset(&m, 0, sizeof m);
	m.author = "SHA256:b";
	m.role = 0;
	m.name = "Bob";
	m.invite = 2;
	m.time = 10;
	journal_member(j, &m);
	m.role = 1; /* promoted: this one wins */
	m.time = 11;
	journal_member(j, &m);
	m.author = "SHA256:c";
	m.name = "";
	m.invite = 0;
	journal_member(j, &m);
	journal_member_forget(j, "SHA256:c");
	memset(&inv, 0, sizeof inv);
	inv.id = 1;
	inv.hash = "h1";
	inv.role = 0;
	inv.uses = 3;
	inv.expires = 99;
	inv.author = "SHA256:a";
	inv.name = "Alice";
	inv.time = 5;
	journal_invite(j, &inv);
	inv.uses = 2; /* one used */
	journal_invite(j, &inv);
	inv.id = 2;
	inv.hash = "h2";
	inv.author = "";
	inv.name = "";
	journal_invite(j, &inv);
	journal_invite_forget(j, 2);
	must_flush(j);
	journal_close(j);

	text = reopen_text(f->path);
	assert_string_equal(text, "member SHA256:b 1 [Bob] 2 11\n"
	                          "invite 1 h1 0 2 99 SHA256:a [Alice] 5\n");
	free(text);

	db = db_open(f->path);
	db_exec(db,
	    "INSERT INTO members VALUES ('d', 3, '', 0, 1);"
	    "INSERT INTO members VALUES ('e', 1, NULL, 0, 1);"
	    "INSERT INTO members VALUES ('', 1, '', 0, 1);"
	    "INSERT INTO invites VALUES (5, 'h', 0, -1, 1, '', '', 1);"
	    "INSERT INTO invites VALUES (6, NULL, 0, 1, 1, '', '', 1);"
	    "INSERT INTO invites VALUES (7, 'h', 'x', 1, 1, '', '', 1);");
	sqlite3_close(db);
	text = reopen_text(f->path);
	assert_string_equal(text,
	    "problem a member record is malformed (skipped)\n"
	    "member SHA256:b 1 [Bob] 2 11\n"
	    "problem a member record is malformed (skipped)\n"
	    "problem a member record is malformed (skipped)\n"
	    "invite 1 h1 0 2 99 SHA256:a [Alice] 5\n"
	    "problem an invitation record is malformed (skipped)\n"
	    "problem an invitation record is malformed (skipped)\n"
	    "problem an invitation record is malformed (skipped)\n");
	free(text);

	/* A journal from before the access tables. */
	db = db_open(f->path);
	db_exec(db, "DROP TABLE members; DROP TABLE invites;");
	sqlite3_close(db);
	j = journal_open_readonly(f->path, &err);
	assert_non_null(j);
	text = replay_text(j, 0);
	assert_string_equal(text, "");
	free(text);
	journal_close(j);
	j = must_open(f->path, 0);
	memset(&m, 0, sizeof m);
	m.author = "SHA256:z";
	m.name = "Zed";
	journal_member(j, &m);
	must_flush(j);
	journal_close(j);
	text = reopen_text(f->path);
	assert_string_equal(text, "member SHA256:z 0 [Zed] 0 0\n");
	free(text);
}

/* Chat seqs and question ids go on after the largest in the file. */
static void
test_chat_seq(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *text;

	j = must_open(f->path, 0);
	assert_int_equal(journal_chat(j, 1, "a", "A", "one"), 1);
	assert_int_equal(journal_chat(j, 2, "a", "A", "two"), 2);
	must_flush(j);
	assert_int_equal(journal_chat(j, 3, "a", "A", "three"), 3);
	assert_int_equal(journal_question(j, 4, "a", "q1"), 1);
	assert_int_equal(journal_question(j, 5, "a", "q2"), 2);
	must_flush(j);
	journal_close(j);

	/* Reopened: on from 3 and 2. */
	j = must_open(f->path, 0);
	assert_int_equal(journal_chat(j, 6, "b", "B", "four"), 4);
	assert_int_equal(journal_question(j, 7, "b", "q3"), 3);
	must_flush(j);
	/* Queued and never flushed: those numbers were never used. */
	assert_int_equal(journal_chat(j, 8, "b", "B", "dropped"), 5);
	assert_int_equal(journal_question(j, 8, "b", "dropped"), 4);
	journal_close(j);

	j = must_open(f->path, 0);
	assert_int_equal(journal_chat(j, 9, "c", "C", "five"), 5);
	assert_int_equal(journal_chat(j, 10, "c", "C", "six"), 6);
	assert_int_equal(journal_question(j, 10, "c", "q4"), 4);
	must_flush(j);
	text = replay_text(j, 0);
	assert_string_equal(text, "chat 1 1 a A [one]\n"
	                          "chat 2 2 a A [two]\n"
	                          "chat 3 3 a A [three]\n"
	                          "chat 4 6 b B [four]\n"
	                          "chat 5 9 c C [five]\n"
	                          "chat 6 10 c C [six]\n"
	                          "question 1 4 a q1\n"
	                          "question 2 5 a q2\n"
	                          "question 3 7 b q3\n"
	                          "question 4 10 c q4\n");
	free(text);
	journal_close(j);
}

/* Questions done are not replayed, and their ids are not given again. */
static void
test_questions_done(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	sqlite3 *db;
	char *text;

	j = must_open(f->path, 0);
	assert_int_equal(journal_question(j, 1, "a", "first"), 1);
	assert_int_equal(journal_question(j, 2, "a", "second"), 2);
	assert_int_equal(journal_question(j, 3, "b", "third"), 3);
	must_flush(j);
	journal_question_done(j, 2);
	/* Asked and done in one flush. */
	assert_int_equal(journal_question(j, 4, "b", "fourth"), 4);
	journal_question_done(j, 4);
	/* Done twice, or never asked: nothing happens. */
	journal_question_done(j, 2);
	journal_question_done(j, 99);
	must_flush(j);
	journal_close(j);

	text = reopen_text(f->path);
	assert_string_equal(text, "question 1 1 a first\n"
	                          "question 3 3 b third\n");
	free(text);
	/* They are kept, marked done. */
	db = db_open(f->path);
	assert_db_text(db,
	    "SELECT group_concat(id || ':' || done, ' ') FROM "
	    "(SELECT id, done FROM questions ORDER BY id)",
	    "1:0 2:1 3:0 4:1");
	sqlite3_close(db);

	/* The last one asked was done: still the next id is 5. */
	j = must_open(f->path, 0);
	assert_int_equal(journal_question(j, 5, "c", "fifth"), 5);
	journal_question_done(j, 1);
	journal_question_done(j, 3);
	must_flush(j);
	text = replay_text(j, 0);
	assert_string_equal(text, "question 5 5 c fifth\n");
	free(text);
	journal_close(j);
}

/* A draft is replaced by path; draft_done removes it. */
static void
test_drafts(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	struct journal_draft d;
	char *text;

	j = must_open(f->path, 0);
	draft_fill(&d, "docs/decisions/0008-b.md", 8, "B");
	journal_draft(j, &d);
	draft_fill(&d, "docs/decisions/0007-a.md", 7, "A");
	journal_draft(j, &d);
	draft_fill(&d, "docs/decisions/0009-c.md", 9, "C");
	journal_draft(j, &d);
	must_flush(j);

	/* 0007 changes: every field is the new one. */
	memset(&d, 0, sizeof d);
	d.path = "docs/decisions/0007-a.md";
	d.number = UINT_MAX;
	d.title = "A, retitled";
	d.author = "SHA256:bob";
	d.supersedes = 0;
	d.present = "";
	d.ranges = "";
	d.chat_first = 0;
	d.chat_last = 0;
	d.head = "";
	d.time = -5;
	journal_draft(j, &d);
	/* 0009 is accepted; a draft that is not there is no error. */
	journal_draft_done(j, "docs/decisions/0009-c.md");
	journal_draft_done(j, "docs/decisions/none.md");
	must_flush(j);
	journal_close(j);

	text = reopen_text(f->path);
	assert_string_equal(text,
	    "draft docs/decisions/0007-a.md 4294967295 [A, retitled] "
	    "SHA256:bob 0 [] [] 0..0 [] -5\n"
	    "draft docs/decisions/0008-b.md 8 [B] SHA256:alice 3 "
	    "[SHA256:alice\\x0aSHA256:bob\\x0a] "
	    "[src/a.c:10-20@0123abcd\\x0asrc/b.c:1-2@0123abcd] 2..5 "
	    "[0123abcd] 1767225600000\n");
	free(text);

	/* Done, then started again under the same path: it is back. */
	j = must_open(f->path, 0);
	journal_draft_done(j, "docs/decisions/0008-b.md");
	draft_fill(&d, "docs/decisions/0008-b.md", 8, "B again");
	journal_draft(j, &d);
	journal_draft_done(j, "docs/decisions/0007-a.md");
	must_flush(j);
	journal_close(j);
	text = reopen_text(f->path);
	assert_string_equal(text,
	    "draft docs/decisions/0008-b.md 8 [B again] SHA256:alice 3 "
	    "[SHA256:alice\\x0aSHA256:bob\\x0a] "
	    "[src/a.c:10-20@0123abcd\\x0asrc/b.c:1-2@0123abcd] 2..5 "
	    "[0123abcd] 1767225600000\n");
	free(text);
}

/* Editors are kept once per pair; a commit forgets a path's editors and
 * its saved mark, and only that path's. */
static void
test_editors_committed(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	sqlite3 *db;
	char *text;

	j = must_open(f->path, 0);
	journal_editor(j, "a.c", "bob");
	journal_editor(j, "a.c", "alice");
	journal_editor(j, "a.c", "bob");
	journal_editor(j, "b.c", "bob");
	journal_saved(j, "a.c");
	journal_saved(j, "b.c");
	journal_saved(j, "a.c");
	must_flush(j);
	/* Again in a later flush: still once. */
	journal_editor(j, "a.c", "alice");
	journal_saved(j, "b.c");
	must_flush(j);
	journal_close(j);

	db = db_open(f->path);
	assert_db_text(db, "SELECT count(*) FROM editors", "3");
	assert_db_text(db, "SELECT count(*) FROM saved", "2");
	sqlite3_close(db);
	text = reopen_text(f->path);
	assert_string_equal(text, "editor a.c alice\n"
	                          "editor a.c bob\n"
	                          "editor b.c bob\n"
	                          "saved a.c\n"
	                          "saved b.c\n");
	free(text);

	/* a.c committed; someone types in it again afterwards, in the same
	 * flush; committing what has no editors is no error. */
	j = must_open(f->path, 0);
	journal_committed(j, "a.c");
	journal_editor(j, "a.c", "carol");
	journal_committed(j, "nothing.c");
	must_flush(j);
	journal_close(j);
	text = reopen_text(f->path);
	assert_string_equal(text, "editor a.c carol\n"
	                          "editor b.c bob\n"
	                          "saved b.c\n");
	free(text);
}

/* The latest visit per author wins, even one with an earlier time; the
 * latest value per key wins. */
static void
test_visits_and_set(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	char *text;

	j = must_open(f->path, 0);
	journal_visit(j, "alice", 10);
	journal_visit(j, "bob", 20);
	journal_visit(j, "alice", 30);
	journal_set(j, "k", "one");
	journal_set(j, "a", "x");
	journal_set(j, "k", "two");
	must_flush(j);
	journal_visit(j, "bob", 5);
	journal_set(j, "k", "");
	journal_set(j, "", "empty key");
	must_flush(j);
	journal_close(j);

	text = reopen_text(f->path);
	assert_string_equal(text, "set =empty key\n"
	                          "set a=x\n"
	                          "set k=\n"
	                          "visit alice 30\n"
	                          "visit bob 5\n");
	free(text);
}

/* Chat text is stored as given: escape sequences and bytes that are not
 * UTF-8 come back byte for byte. */
static void
test_chat_bytes(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	sqlite3 *db;
	char *text;
	static const char raw[] = "\x1b]0;owned\x07\x1b[2J\xff\xfe\xc3("
	                          "\xed\xa0\x80 ok\x1b";
	static const char name[] = "Ev\x1b[31mil\xc0\xaf";

	j = must_open(f->path, 0);
	assert_int_equal(journal_chat(j, 1, "SHA256:e", name, raw), 1);
	journal_question(j, 2, "SHA256:e", raw);
	journal_event(j, 3, JOURNAL_EV_QUESTION, "SHA256:e", raw, NULL);
	journal_set(j, raw, name);
	must_flush(j);
	journal_close(j);

	/* In the file, exactly those bytes, as TEXT. */
	db = db_open(f->path);
	assert_db_text(db, "SELECT hex(text) || ' ' || typeof(text) FROM chat",
	    "1B5D303B6F776E6564071B5B324AFFFEC328EDA080206F6B1B text");
	assert_db_text(
	    db, "SELECT hex(name) FROM chat", "45761B5B33316D696CC0AF");
	sqlite3_close(db);

	text = reopen_text(f->path);
	assert_string_equal(text,
	    "set \x1b]0;owned\x07\x1b[2J\xff\xfe\xc3(\xed\xa0\x80 ok\x1b="
	    "Ev\x1b[31mil\xc0\xaf\n"
	    "chat 1 1 SHA256:e Ev\x1b[31mil\xc0\xaf "
	    "[\\x1b]0;owned\\x07\\x1b[2J\\xff\\xfe\\xc3(\\xed\\xa0\\x80 "
	    "ok\\x1b]\n"
	    "event 3 q SHA256:e \x1b]0;owned\x07\x1b[2J\xff\xfe\xc3("
	    "\xed\xa0\x80 ok\x1b\n"
	    "question 1 2 SHA256:e \x1b]0;owned\x07\x1b[2J\xff\xfe\xc3("
	    "\xed\xa0\x80 ok\x1b\n");
	free(text);
}

/*
 * A flush that fails with session records queued keeps every one of them
 * (with the numbers already given), and the next one writes them once.
 */
static void
test_session_flush_fails(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	struct journal_draft d;
	sqlite3 *db, *other;
	char *err = NULL, *want, *text;

	j = open_caught(f->path, 0, &db);
	assert_int_equal(journal_chat(j, 1, "a", "A", "before"), 1);
	journal_editor(j, "x.c", "a");
	journal_saved(j, "x.c");
	must_flush(j);

	other = db_open(f->path);
	db_exec(other, "CREATE TRIGGER no_meta BEFORE INSERT ON meta "
	               "BEGIN SELECT RAISE(ABORT, 'no meta'); END");
	assert_int_equal(journal_chat(j, 2, "a", "A", "during"), 2);
	journal_event(j, 3, JOURNAL_EV_COMMIT, "a", "a committed", NULL);
	journal_visit(j, "a", 4);
	assert_int_equal(journal_question(j, 5, "a", "why?"), 1);
	journal_question_done(j, 1);
	assert_int_equal(journal_question(j, 6, "a", "how?"), 2);
	draft_fill(&d, "d.md", 1, "D");
	journal_draft(j, &d);
	journal_committed(j, "x.c");
	journal_editor(j, "y.c", "a");
	journal_saved(j, "y.c");
	journal_set(j, "k", "v");
	assert_int_equal(journal_queued(j), 11);
	assert_int_equal(journal_flush(j, &err), -1);
	xasprintf(&want, "cannot write %s: no meta", f->path);
	assert_string_equal(err, want);
	free(want);
	free(err);
	err = NULL;
	assert_int_equal(journal_queued(j), 11);
	/* Nothing of it is in the file; x.c is not committed. */
	assert_int_equal(sqlite3_get_autocommit(db), 1);
	assert_db_text(db, "SELECT count(*) FROM chat", "1");
	assert_db_text(db, "SELECT count(*) FROM events", "0");
	assert_db_text(db, "SELECT count(*) FROM questions", "0");
	assert_db_text(db, "SELECT count(*) FROM drafts", "0");
	assert_db_text(db, "SELECT group_concat(path) FROM editors", "x.c");
	assert_db_text(db, "SELECT group_concat(path) FROM saved", "x.c");

	/* A second failure changes nothing; numbers go on meanwhile. */
	assert_int_equal(journal_flush(j, &err), -1);
	free(err);
	err = NULL;
	assert_int_equal(journal_chat(j, 7, "a", "A", "after"), 3);
	assert_int_equal(journal_queued(j), 12);

	db_exec(other, "DROP TRIGGER no_meta");
	sqlite3_close(other);
	must_flush(j);
	/* Nothing more to write: a second flush adds nothing. */
	must_flush(j);
	journal_close(j);

	db = db_open(f->path);
	assert_db_text(db, "SELECT count(*) FROM chat", "3");
	assert_db_text(db, "SELECT count(*) FROM events", "1");
	assert_db_text(db, "SELECT count(*) FROM questions", "2");
	sqlite3_close(db);
	text = reopen_text(f->path);
	assert_string_equal(text,
	    "set k=v\n"
	    "chat 1 1 a A [before]\n"
	    "chat 2 2 a A [during]\n"
	    "chat 3 7 a A [after]\n"
	    "event 3 c a a committed\n"
	    "visit a 4\n"
	    "question 2 6 a how?\n"
	    "draft d.md 1 [D] SHA256:alice 3 "
	    "[SHA256:alice\\x0aSHA256:bob\\x0a] "
	    "[src/a.c:10-20@0123abcd\\x0asrc/b.c:1-2@0123abcd] 2..5 "
	    "[0123abcd] 1767225600000\n"
	    "editor y.c a\n"
	    "saved y.c\n");
	free(text);
}

/* Compaction and forgetting a document leave the session records alone. */
static void
test_session_kept(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	struct journal_draft d;
	char *text;

	j = must_open(f->path, 0);
	journal_base(j, "a.c", "x", 1);
	edit(j, "a.c", "p", 1, 1, "", "y", 1);
	journal_chat(j, 2, "p", "P", "hello");
	journal_editor(j, "a.c", "p");
	journal_saved(j, "a.c");
	draft_fill(&d, "a.c", 1, "D");
	journal_draft(j, &d);
	journal_set(j, "a.c", "v");
	must_flush(j);
	journal_compact(j, "a.c", "xy", 2);
	must_flush(j);
	journal_forget(j, "a.c");
	must_flush(j);
	journal_close(j);

	text = reopen_text(f->path);
	assert_string_equal(text,
	    "set a.c=v\n"
	    "chat 1 2 p P [hello]\n"
	    "draft a.c 1 [D] SHA256:alice 3 "
	    "[SHA256:alice\\x0aSHA256:bob\\x0a] "
	    "[src/a.c:10-20@0123abcd\\x0asrc/b.c:1-2@0123abcd] 2..5 "
	    "[0123abcd] 1767225600000\n"
	    "editor a.c p\n"
	    "saved a.c\n");
	free(text);
}

/* Malformed session rows are reported and skipped, one by one. */
static void
test_session_bad_rows(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	sqlite3 *db;
	char *text;

	j = must_open(f->path, 0);
	fill_session(j);
	must_flush(j);
	journal_close(j);

	db = db_open(f->path);
	db_exec(db,
	    /* A value that is not text; a key that is a BLOB. */
	    "INSERT INTO meta VALUES ('bad', NULL);"
	    "INSERT INTO meta VALUES (x'6b', 'v');"
	    /* Seq 0, a REAL time, a NULL name. */
	    "INSERT INTO chat VALUES (0, 1, 'a', 'A', 'zero');"
	    "INSERT INTO chat VALUES (10, 1.5, 'a', 'A', 't');"
	    "INSERT INTO chat VALUES (11, 1, 'a', NULL, 't');"
	    /* Kinds 0, 256 and text. */
	    "INSERT INTO events VALUES (10, 1, 0, 'a', 't');"
	    "INSERT INTO events VALUES (11, 1, 256, 'a', 't');"
	    "INSERT INTO events VALUES (12, 1, 'a', 'a', 't');"
	    "INSERT INTO events VALUES (13, 1, 255, 'a', 'top byte');"
	    "INSERT INTO visits VALUES ('c', 'soon');"
	    /* done 2 and done NULL: neither done nor open. */
	    "INSERT INTO questions VALUES (10, 1, 'a', 't', 2);"
	    "INSERT INTO questions VALUES (11, 1, 'a', 't', NULL);"
	    "INSERT INTO questions VALUES (12, 1, 'a', NULL, 0);"
	    "INSERT INTO questions VALUES (13, 1, 'a', 't', 1);"
	    /* A number too big, a negative chat seq, a NULL head. */
	    "INSERT INTO drafts VALUES ('d1', 4294967296, 't', 'a', 0, '', "
	    " '', 0, 0, '', 1);"
	    "INSERT INTO drafts VALUES ('d2', 1, 't', 'a', 0, '', '', -1, 0, "
	    " '', 1);"
	    "INSERT INTO drafts VALUES ('d3', 1, 't', 'a', 0, '', '', 0, 0, "
	    " NULL, 1);"
	    "INSERT INTO editors VALUES ('e', x'00');"
	    "INSERT INTO saved VALUES (x'73');");
	sqlite3_close(db);

	text = reopen_text(f->path);
	assert_string_equal(text,
	    "problem a named value is malformed (skipped)\n"
	    "set branch=main\n"
	    "set next=8\n"
	    "problem a named value is malformed (skipped)\n"
	    "problem a chat record is malformed (skipped)\n"
	    "chat 1 100 SHA256:alice Alice [hi]\n"
	    "chat 2 101 SHA256:bob Bob [use WAL?]\n"
	    "problem a chat record is malformed (skipped)\n"
	    "problem a chat record is malformed (skipped)\n"
	    "event 102 d SHA256:alice Alice started ADR-0007 Use WAL\n"
	    "event 103 s SHA256:bob Bob saved a.c @a.c:3\n"
	    "problem an event record is malformed (skipped)\n"
	    "problem an event record is malformed (skipped)\n"
	    "problem an event record is malformed (skipped)\n"
	    "event 1 \xff a top byte\n"
	    "visit SHA256:alice 105\n"
	    "visit SHA256:bob 104\n"
	    "problem a visit record is malformed (skipped)\n"
	    "question 1 106 SHA256:bob what about NFS?\n"
	    "problem a question record is malformed (skipped)\n"
	    "problem a question record is malformed (skipped)\n"
	    "problem a question record is malformed (skipped)\n"
	    "problem a draft record is malformed (skipped)\n"
	    "problem a draft record is malformed (skipped)\n"
	    "problem a draft record is malformed (skipped)\n"
	    "draft docs/decisions/0007-use-wal.md 7 [Use WAL] SHA256:alice 3 "
	    "[SHA256:alice\\x0aSHA256:bob\\x0a] "
	    "[src/a.c:10-20@0123abcd\\x0asrc/b.c:1-2@0123abcd] 2..5 "
	    "[0123abcd] 1767225600000\n"
	    "problem an editor record is malformed (skipped)\n"
	    "editor src/a.c SHA256:alice\n"
	    "editor src/a.c SHA256:bob\n"
	    "editor src/b.c SHA256:bob\n"
	    "saved src/a.c\n"
	    "saved src/b.c\n"
	    "problem a saved-file record is malformed (skipped)\n");
	free(text);

	/* A view in place of a session table is refused at open. */
	db = db_open(f->path);
	db_exec(db, "DROP TABLE meta; "
	            "CREATE VIEW meta AS SELECT 1 AS key, 2 AS value");
	sqlite3_close(db);
	{
		char *want;

		xasprintf(&want, "%s is not a moot journal (tables missing)",
		    f->path);
		assert_open_fails(f->path, want);
		free(want);
	}
}

/* Drop the session tables: a journal as the previous version wrote it. */
static void
make_old(const char *path)
{
	sqlite3 *db;

	db = db_open(path);
	db_exec(db, "DROP TABLE chat; DROP TABLE events; DROP TABLE visits; "
	            "DROP TABLE questions; DROP TABLE drafts; "
	            "DROP TABLE editors; DROP TABLE saved; DROP TABLE meta; "
	            "DROP TABLE members; DROP TABLE invites; "
	            "DROP TABLE places;");
	assert_db_text(db,
	    "SELECT group_concat(name, ' ') FROM (SELECT name FROM "
	    "sqlite_master WHERE type = 'table' ORDER BY name)",
	    "cursors docs ops people undo");
	assert_db_text(db, "PRAGMA user_version", "1");
	sqlite3_close(db);
}

/* A journal from before the session tables opens and gains them. */
static void
test_old_journal(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	sqlite3 *db;
	char *text, *err = NULL, *want;

	j = must_open(f->path, 0);
	fill_small(j);
	must_flush(j);
	journal_close(j);
	make_old(f->path);

	/* Read-only, it is read as it is: no session records, no change. */
	j = journal_open_readonly(f->path, &err);
	assert_non_null(j);
	assert_null(err);
	text = replay_text(j, 0);
	assert_string_equal(text, small_text);
	free(text);
	journal_close(j);
	db = db_open(f->path);
	assert_db_text(db,
	    "SELECT group_concat(name, ' ') FROM (SELECT name FROM "
	    "sqlite_master WHERE type = 'table' ORDER BY name)",
	    "cursors docs ops people undo");
	sqlite3_close(db);

	/* Opened to write: the tables are added, the rest kept. */
	j = must_open(f->path, 0);
	db = db_open(f->path);
	assert_db_text(db,
	    "SELECT group_concat(name, ' ') FROM (SELECT name FROM "
	    "sqlite_master WHERE type = 'table' ORDER BY name)",
	    "chat cursors docs drafts editors events invites members meta "
	    "ops people places questions saved undo visits");
	assert_db_text(db, "PRAGMA user_version", "1");
	assert_db_text(db, "PRAGMA application_id", "1836019572");
	sqlite3_close(db);
	text = replay_text(j, 0);
	assert_string_equal(text, small_text);
	free(text);
	fill_session(j);
	must_flush(j);
	journal_close(j);

	xasprintf(&want, "%s%s", small_text, session_text);
	text = reopen_text(f->path);
	assert_string_equal(text, want);
	free(text);
	free(want);

	/* Some session tables but not all: damage, not an old journal. */
	db = db_open(f->path);
	db_exec(db, "DROP TABLE saved");
	sqlite3_close(db);
	j = journal_open_readonly(f->path, &err);
	assert_null(j);
	xasprintf(&want, "%s is not a moot journal (tables missing)", f->path);
	assert_string_equal(err, want);
	free(err);
	err = NULL;
	/* Read-write, the missing one is made again. */
	j = must_open(f->path, 0);
	journal_saved(j, "back");
	must_flush(j);
	journal_close(j);
	j = journal_open_readonly(f->path, &err);
	assert_non_null(j);
	assert_null(err);
	journal_close(j);
	free(want);
}

/* Read-only: nothing there, not a journal, a newer one, an empty file. */
static void
test_readonly_open(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	sqlite3 *db;
	char *err = NULL, *want, *text;

	/* None: NULL and no error, and nothing made. */
	err = (char *)"untouched";
	assert_null(journal_open_readonly(f->path, &err));
	assert_null(err);
	assert_false(exists(f->path));
	assert_null(journal_open_readonly(f->path, NULL));

	/* Empty: a journal being made; there is none yet. */
	write_file(f->path, "", 0);
	assert_null(journal_open_readonly(f->path, &err));
	assert_null(err);
	unlink(f->path);

	/* Not a journal. */
	write_file(f->path, "garbage\n", 8);
	assert_null(journal_open_readonly(f->path, &err));
	xasprintf(&want, "%s is not a moot journal (not an sqlite database)",
	    f->path);
	assert_string_equal(err, want);
	free(want);
	free(err);
	err = NULL;
	unlink(f->path);

	/* A directory. */
	assert_int_equal(mkdir(f->path, 0700), 0);
	assert_null(journal_open_readonly(f->path, &err));
	xasprintf(&want, "cannot open %s: not a regular file", f->path);
	assert_string_equal(err, want);
	free(want);
	free(err);
	err = NULL;
	rmdir(f->path);

	/* A newer moot's. */
	j = must_open(f->path, 0);
	fill_session(j);
	must_flush(j);
	journal_close(j);
	db = db_open(f->path);
	db_exec(db, "PRAGMA user_version = 2");
	sqlite3_close(db);
	assert_null(journal_open_readonly(f->path, &err));
	xasprintf(&want,
	    "%s was written by a newer moot (journal version 2; this one reads "
	    "1)",
	    f->path);
	assert_string_equal(err, want);
	free(want);
	free(err);
	err = NULL;

	/* Ours: it replays, and anything queued on it is refused. */
	db = db_open(f->path);
	db_exec(db, "PRAGMA user_version = 1");
	sqlite3_close(db);
	j = journal_open_readonly(f->path, &err);
	assert_non_null(j);
	assert_null(err);
	text = replay_text(j, 0);
	assert_string_equal(text, session_text);
	free(text);
	journal_set(j, "k", "v");
	assert_int_equal(journal_flush(j, &err), -1);
	xasprintf(&want, "cannot write %s: it was opened read-only", f->path);
	assert_string_equal(err, want);
	free(want);
	free(err);
	journal_close(j);
	text = reopen_text(f->path);
	assert_string_equal(text, session_text);
	free(text);
}

/* Write one byte to fd; read one from fd (both must work). */
static void
pipe_put(int fd, char c)
{
	assert_true(write(fd, &c, 1) == 1);
}

static char
pipe_get(int fd)
{
	char c = 0;

	assert_true(read(fd, &c, 1) == 1);
	return c;
}

/*
 * The writer of test_readonly_wal, in a child: a daemon holding the
 * journal open. Steps on 'n' from the parent; says 'k' after each, or
 * exits non-zero.
 */
static void
wal_writer(const char *path, int in, int out)
{
	struct journal *j;
	sqlite3 *db;
	char c, *err = NULL;

	if ((j = journal_open(path, 0, &err)) == NULL)
		_exit(2);
	journal_chat(j, 1, "a", "A", "one");
	journal_set(j, "k", "1");
	if (journal_flush(j, &err) != 0)
		_exit(3);
	if (write(out, "k", 1) != 1 || read(in, &c, 1) != 1)
		_exit(4);

	/* More while the reader has the journal open. */
	journal_chat(j, 2, "a", "A", "two");
	journal_set(j, "k", "2");
	if (journal_flush(j, &err) != 0)
		_exit(5);
	if (write(out, "k", 1) != 1 || read(in, &c, 1) != 1)
		_exit(6);

	/* In the middle of writing: a transaction not yet committed. */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	        SQLITE_OK ||
	    sqlite3_exec(db,
	        "BEGIN IMMEDIATE; INSERT INTO chat VALUES (3, 3, 'a', 'A', "
	        "'uncommitted')",
	        NULL, NULL, NULL) != SQLITE_OK)
		_exit(7);
	if (write(out, "k", 1) != 1 || read(in, &c, 1) != 1)
		_exit(8);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);

	/* The reader has gone: the journal goes on as before. */
	journal_chat(j, 4, "a", "A", "three");
	if (journal_flush(j, &err) != 0)
		_exit(9);
	journal_close(j);
	_exit(0);
}

/* A read-only journal reads what another process, holding the journal
 * open and writing, has flushed, and nothing it has not. */
static void
test_readonly_wal(void **state)
{
	struct fixture *f = *state;
	struct journal *j;
	int down[2], up[2], status;
	pid_t pid;
	char *err = NULL, *text, *wal;

	assert_int_equal(pipe(down), 0);
	assert_int_equal(pipe(up), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		wal_writer(f->path, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);

	assert_int_equal(pipe_get(up[0]), 'k');
	j = journal_open_readonly(f->path, &err);
	assert_non_null(j);
	assert_null(err);
	text = replay_text(j, 0);
	assert_string_equal(text, "set k=1\n"
	                          "chat 1 1 a A [one]\n");
	free(text);

	pipe_put(down[1], 'n');
	assert_int_equal(pipe_get(up[0]), 'k');
	text = replay_text(j, 0);
	assert_string_equal(text, "set k=2\n"
	                          "chat 1 1 a A [one]\n"
	                          "chat 2 2 a A [two]\n");
	free(text);

	/* The writer holds the write lock: reading goes on, without what
	 * is not committed. */
	pipe_put(down[1], 'n');
	assert_int_equal(pipe_get(up[0]), 'k');
	text = replay_text(j, 0);
	assert_string_equal(text, "set k=2\n"
	                          "chat 1 1 a A [one]\n"
	                          "chat 2 2 a A [two]\n");
	free(text);
	journal_close(j);

	pipe_put(down[1], 'n');
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(down[1]);
	close(up[0]);

	text = reopen_text(f->path);
	assert_string_equal(text, "set k=2\n"
	                          "chat 1 1 a A [one]\n"
	                          "chat 2 2 a A [two]\n"
	                          "chat 3 4 a A [three]\n");
	free(text);

	/* A writer killed with everything in its -wal: read-only, all of it
	 * is read, and the -wal is left for the next daemon. */
	remove_journal(f->path);
	crash_after(f->path, fill_small);
	j = journal_open_readonly(f->path, &err);
	assert_non_null(j);
	assert_null(err);
	text = replay_text(j, 0);
	assert_string_equal(text, small_text);
	free(text);
	journal_close(j);
	xasprintf(&wal, "%s-wal", f->path);
	assert_true(exists(wal));
	assert_mode(wal, 0600);
	free(wal);
	text = reopen_text(f->path);
	assert_string_equal(text, small_text);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_new, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_latest_wins, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_latest_queued_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_compact, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forget, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_close_drops_queue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_flush_disk_full, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_flush_page_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_flush_row_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_flush_locked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pragmas, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_not_a_journal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_damaged_while_open, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_ops_out_of_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_op_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set_aside, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_large, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_session_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_event_places, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chat_seq, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_questions_done, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_drafts, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_editors_committed, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_visits_and_set, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chat_bytes, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_session_flush_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_session_kept, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_session_bad_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_access_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_old_journal, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_readonly_open, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_readonly_wal, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
