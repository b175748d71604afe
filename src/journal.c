/* journal.c: the session journal, an sqlite database in WAL mode.
 * Records queue in memory and are written in one transaction per flush. */
#include "moot.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "journal.h"

#define JOURNAL_APPLICATION_ID 0x6d6f6f74 /* "moot" */
#define JOURNAL_VERSION 1                 /* PRAGMA user_version */
#define JOURNAL_BUSY_TIMEOUT 1000         /* ms to wait for another writer */

/*
 * The schema. Columns carry no NOT NULL or type constraints: replay checks
 * every value itself, because a damaged or foreign file may hold anything.
 * Every page a keystroke's transaction touches costs time between
 * keystrokes, when caches are cold: ops has no index on path (replay and
 * compaction scan it, and a save keeps it short) and cursors keeps its rows
 * in its key's b-tree (WITHOUT ROWID), so a keystroke writes two pages.
 */
/* One line per column (clang-format would align them to the name). */
/* clang-format off */
static const char journal_schema[] =
    "CREATE TABLE IF NOT EXISTS docs ("
    " path TEXT PRIMARY KEY,"
    " base BLOB);"
    "CREATE TABLE IF NOT EXISTS ops ("
    " seq INTEGER PRIMARY KEY,"
    " path TEXT,"
    " author TEXT,"
    " kind TEXT,"
    " boundary INTEGER,"
    " pos INTEGER,"
    " del BLOB,"
    " ins BLOB,"
    " time INTEGER);"
    "CREATE TABLE IF NOT EXISTS undo ("
    " path TEXT,"
    " author TEXT,"
    " data BLOB,"
    " PRIMARY KEY (path, author));"
    "CREATE TABLE IF NOT EXISTS cursors ("
    " author TEXT PRIMARY KEY,"
    " path TEXT,"
    " pos INTEGER) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS people ("
    " author TEXT PRIMARY KEY,"
    " name TEXT,"
    " email TEXT);";

/*
 * The session's tables (chat, events, visits, questions, drafts, who edited
 * and saved what, named values). They came after the tables above, in the
 * same version: a journal without them gains them when it is opened, and an
 * older moot reading a journal with them leaves them alone.
 */
static const char journal_session_schema[] =
    "CREATE TABLE IF NOT EXISTS chat ("
    " seq INTEGER PRIMARY KEY,"
    " time INTEGER,"
    " author TEXT,"
    " name TEXT,"
    " text TEXT);"
    "CREATE TABLE IF NOT EXISTS events ("
    " seq INTEGER PRIMARY KEY,"
    " time INTEGER,"
    " kind INTEGER,"
    " author TEXT,"
    " text TEXT);"
    "CREATE TABLE IF NOT EXISTS visits ("
    " author TEXT PRIMARY KEY,"
    " time INTEGER) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS questions ("
    " id INTEGER PRIMARY KEY,"
    " time INTEGER,"
    " author TEXT,"
    " text TEXT,"
    " done INTEGER DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS drafts ("
    " path TEXT PRIMARY KEY,"
    " number INTEGER,"
    " title TEXT,"
    " author TEXT,"
    " supersedes INTEGER,"
    " present TEXT,"
    " ranges TEXT,"
    " chat_first INTEGER,"
    " chat_last INTEGER,"
    " head TEXT,"
    " time INTEGER);"
    "CREATE TABLE IF NOT EXISTS editors ("
    " path TEXT,"
    " author TEXT,"
    " PRIMARY KEY (path, author)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS saved ("
    " path TEXT PRIMARY KEY) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS meta ("
    " key TEXT PRIMARY KEY,"
    " value TEXT) WITHOUT ROWID;";

/*
 * Who may do what (issue 11): people whose role the session remembers by
 * key (given with `role`, or who joined by invitation), and invitations
 * (their tokens only as hashes). A third group, added like the session
 * tables: an older journal gains them when opened, and replays them as
 * empty when opened read-only.
 */
static const char journal_access_schema[] =
    "CREATE TABLE IF NOT EXISTS members ("
    " author TEXT PRIMARY KEY,"
    " role INTEGER,"
    " name TEXT,"
    " invite INTEGER,"
    " time INTEGER) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS invites ("
    " id INTEGER PRIMARY KEY,"
    " hash TEXT,"
    " role INTEGER,"
    " uses INTEGER,"
    " expires INTEGER,"
    " author TEXT,"
    " name TEXT,"
    " time INTEGER);";

/*
 * Where an event happened (issue 14): what Enter on it opens in a
 * catch-up, "path" or "path:line", by the event's seq. A fourth group,
 * added like the others.
 */
static const char journal_places_schema[] =
    "CREATE TABLE IF NOT EXISTS places ("
    " seq INTEGER PRIMARY KEY,"
    " place TEXT);";
/* clang-format on */

/* How many tables each schema makes, and their names (for the check that
 * they are tables, not views). */
#define JOURNAL_TABLES 5
#define JOURNAL_SESSION_TABLES 8
static const char journal_tables[] =
    "'docs', 'ops', 'undo', 'cursors', 'people'";
static const char journal_session_tables[] =
    "'chat', 'events', 'visits', 'questions', 'drafts', 'editors', "
    "'saved', 'meta'";
#define JOURNAL_ACCESS_TABLES 2
static const char journal_access_tables[] = "'members', 'invites'";
#define JOURNAL_PLACES_TABLES 1
static const char journal_places_tables[] = "'places'";

/* The prepared statements, kept for the life of the journal. */
enum journal_stmt {
	S_BEGIN,
	S_BEGIN_READ,
	S_COMMIT,
	S_ROLLBACK,
	S_DOC_SET,
	S_OP_ADD,
	S_CURSOR_SET,
	S_PERSON_SET,
	S_UNDO_SET,
	S_OPS_DELETE,
	S_UNDO_DELETE,
	S_DOC_DELETE,
	S_CURSORS_DELETE,
	S_DOCS_LIST,
	S_UNDO_LIST,
	S_OPS_LIST,
	S_OPS_COUNT,
	S_OPS_LOST,
	S_CURSORS_LIST,
	S_PEOPLE_LIST,
	S_CHAT_ADD,
	S_EVENT_ADD,
	S_PLACE_ADD,
	S_VISIT_SET,
	S_QUESTION_ADD,
	S_QUESTION_DONE,
	S_DRAFT_SET,
	S_DRAFT_DELETE,
	S_EDITOR_ADD,
	S_SAVED_ADD,
	S_EDITORS_DELETE,
	S_SAVED_DELETE,
	S_META_SET,
	S_META_LIST,
	S_CHAT_LIST,
	S_EVENTS_LIST,
	S_EVENTS_PLACES_LIST,
	S_VISITS_LIST,
	S_QUESTIONS_LIST,
	S_DRAFTS_LIST,
	S_EDITORS_LIST,
	S_SAVED_LIST,
	S_MEMBER_SET,
	S_MEMBER_DELETE,
	S_INVITE_SET,
	S_INVITE_DELETE,
	S_MEMBERS_LIST,
	S_INVITES_LIST,
	S_NSTMT
};
static const char *journal_sql[S_NSTMT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_BEGIN_READ] = "BEGIN",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_DOC_SET] = "INSERT OR REPLACE INTO docs (path, base) VALUES (?1, ?2)",
    [S_OP_ADD] = "INSERT INTO ops (path, author, kind, boundary, pos, del, "
                 "ins, time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [S_CURSOR_SET] = "INSERT OR REPLACE INTO cursors (author, path, pos) "
                     "VALUES (?1, ?2, ?3)",
    [S_PERSON_SET] = "INSERT OR REPLACE INTO people (author, name, email) "
                     "VALUES (?1, ?2, ?3)",
    [S_UNDO_SET] = "INSERT OR REPLACE INTO undo (path, author, data) "
                   "VALUES (?1, ?2, ?3)",
    [S_OPS_DELETE] = "DELETE FROM ops WHERE path = ?1",
    [S_UNDO_DELETE] = "DELETE FROM undo WHERE path = ?1",
    [S_DOC_DELETE] = "DELETE FROM docs WHERE path = ?1",
    [S_CURSORS_DELETE] = "DELETE FROM cursors WHERE path = ?1",
    [S_DOCS_LIST] = "SELECT path, base FROM docs ORDER BY path",
    [S_UNDO_LIST] = "SELECT author, data FROM undo WHERE path IS ?1 "
                    "ORDER BY author",
    [S_OPS_LIST] = "SELECT seq, author, kind, boundary, pos, del, ins, time "
                   "FROM ops WHERE path IS ?1 ORDER BY seq",
    [S_OPS_COUNT] = "SELECT count(*) FROM ops WHERE path IS ?1",
    [S_OPS_LOST] = "SELECT path, count(*) FROM ops AS o WHERE NOT EXISTS "
                   "(SELECT 1 FROM docs AS d WHERE d.path IS o.path) "
                   "GROUP BY path ORDER BY path",
    [S_CURSORS_LIST] = "SELECT author, path, pos FROM cursors "
                       "ORDER BY author",
    [S_PEOPLE_LIST] = "SELECT author, name, email FROM people "
                      "ORDER BY author",
    [S_CHAT_ADD] = "INSERT OR REPLACE INTO chat (seq, time, author, name, "
                   "text) VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_EVENT_ADD] = "INSERT INTO events (time, kind, author, text) "
                    "VALUES (?1, ?2, ?3, ?4)",
    [S_PLACE_ADD] = "INSERT OR REPLACE INTO places (seq, place) "
                    "VALUES (last_insert_rowid(), ?1)",
    [S_VISIT_SET] = "INSERT OR REPLACE INTO visits (author, time) "
                    "VALUES (?1, ?2)",
    [S_QUESTION_ADD] = "INSERT OR REPLACE INTO questions (id, time, author, "
                       "text, done) VALUES (?1, ?2, ?3, ?4, 0)",
    [S_QUESTION_DONE] = "UPDATE questions SET done = 1 WHERE id = ?1",
    [S_DRAFT_SET] = "INSERT OR REPLACE INTO drafts (path, number, title, "
                    "author, supersedes, present, ranges, chat_first, "
                    "chat_last, head, time) VALUES (?1, ?2, ?3, ?4, ?5, "
                    "?6, ?7, ?8, ?9, ?10, ?11)",
    [S_DRAFT_DELETE] = "DELETE FROM drafts WHERE path = ?1",
    [S_EDITOR_ADD] = "INSERT OR IGNORE INTO editors (path, author) "
                     "VALUES (?1, ?2)",
    [S_SAVED_ADD] = "INSERT OR IGNORE INTO saved (path) VALUES (?1)",
    [S_EDITORS_DELETE] = "DELETE FROM editors WHERE path = ?1",
    [S_SAVED_DELETE] = "DELETE FROM saved WHERE path = ?1",
    [S_META_SET] = "INSERT OR REPLACE INTO meta (key, value) "
                   "VALUES (?1, ?2)",
    [S_META_LIST] = "SELECT key, value FROM meta ORDER BY key",
    [S_CHAT_LIST] = "SELECT seq, time, author, name, text FROM chat "
                    "ORDER BY seq",
    [S_EVENTS_LIST] = "SELECT time, kind, author, text FROM events "
                      "ORDER BY seq",
    [S_EVENTS_PLACES_LIST] = "SELECT e.time, e.kind, e.author, e.text, "
                             "p.place FROM events AS e LEFT JOIN places "
                             "AS p ON p.seq = e.seq ORDER BY e.seq",
    [S_VISITS_LIST] = "SELECT author, time FROM visits ORDER BY author",
    [S_QUESTIONS_LIST] = "SELECT id, time, author, text, done FROM "
                         "questions WHERE done IS NOT 1 ORDER BY id",
    [S_DRAFTS_LIST] = "SELECT path, number, title, author, supersedes, "
                      "present, ranges, chat_first, chat_last, head, time "
                      "FROM drafts ORDER BY path",
    [S_EDITORS_LIST] = "SELECT path, author FROM editors "
                       "ORDER BY path, author",
    [S_SAVED_LIST] = "SELECT path FROM saved ORDER BY path",
    [S_MEMBER_SET] = "INSERT OR REPLACE INTO members (author, role, name, "
                     "invite, time) VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_MEMBER_DELETE] = "DELETE FROM members WHERE author = ?1",
    [S_INVITE_SET] = "INSERT OR REPLACE INTO invites (id, hash, role, uses, "
                     "expires, author, name, time) VALUES (?1, ?2, ?3, ?4, "
                     "?5, ?6, ?7, ?8)",
    [S_INVITE_DELETE] = "DELETE FROM invites WHERE id = ?1",
    [S_MEMBERS_LIST] = "SELECT author, role, name, invite, time FROM members "
                       "ORDER BY author",
    [S_INVITES_LIST] = "SELECT id, hash, role, uses, expires, author, name, "
                       "time FROM invites ORDER BY id",
};

/*
 * What a statement needs. A read-only journal prepares only those replay
 * uses (STMT_READ); one that lacks the session tables (an older journal
 * opened read-only, which cannot gain them) prepares none of those that
 * use them (STMT_SESSION) and replays them as empty.
 */
#define STMT_READ 0x1
#define STMT_SESSION 0x2
#define STMT_ACCESS 0x4 /* uses the access tables (members, invites) */
#define STMT_PLACES 0x8 /* uses the places table */
static const int journal_stmt_flags[S_NSTMT] = {
    [S_BEGIN_READ] = STMT_READ,
    [S_COMMIT] = STMT_READ,
    [S_ROLLBACK] = STMT_READ,
    [S_DOCS_LIST] = STMT_READ,
    [S_UNDO_LIST] = STMT_READ,
    [S_OPS_LIST] = STMT_READ,
    [S_OPS_COUNT] = STMT_READ,
    [S_OPS_LOST] = STMT_READ,
    [S_CURSORS_LIST] = STMT_READ,
    [S_PEOPLE_LIST] = STMT_READ,
    [S_CHAT_ADD] = STMT_SESSION,
    [S_EVENT_ADD] = STMT_SESSION,
    [S_PLACE_ADD] = STMT_SESSION | STMT_PLACES,
    [S_VISIT_SET] = STMT_SESSION,
    [S_QUESTION_ADD] = STMT_SESSION,
    [S_QUESTION_DONE] = STMT_SESSION,
    [S_DRAFT_SET] = STMT_SESSION,
    [S_DRAFT_DELETE] = STMT_SESSION,
    [S_EDITOR_ADD] = STMT_SESSION,
    [S_SAVED_ADD] = STMT_SESSION,
    [S_EDITORS_DELETE] = STMT_SESSION,
    [S_SAVED_DELETE] = STMT_SESSION,
    [S_META_SET] = STMT_SESSION,
    [S_META_LIST] = STMT_READ | STMT_SESSION,
    [S_CHAT_LIST] = STMT_READ | STMT_SESSION,
    [S_EVENTS_LIST] = STMT_READ | STMT_SESSION,
    [S_EVENTS_PLACES_LIST] = STMT_READ | STMT_SESSION | STMT_PLACES,
    [S_VISITS_LIST] = STMT_READ | STMT_SESSION,
    [S_QUESTIONS_LIST] = STMT_READ | STMT_SESSION,
    [S_DRAFTS_LIST] = STMT_READ | STMT_SESSION,
    [S_EDITORS_LIST] = STMT_READ | STMT_SESSION,
    [S_SAVED_LIST] = STMT_READ | STMT_SESSION,
    [S_MEMBER_SET] = STMT_ACCESS,
    [S_MEMBER_DELETE] = STMT_ACCESS,
    [S_INVITE_SET] = STMT_ACCESS,
    [S_INVITE_DELETE] = STMT_ACCESS,
    [S_MEMBERS_LIST] = STMT_READ | STMT_ACCESS,
    [S_INVITES_LIST] = STMT_READ | STMT_ACCESS,
};

/* What a queued record does when it is written. */
enum journal_entry_type {
	E_BASE,
	E_OP,
	E_CURSOR,
	E_PERSON,
	E_COMPACT,
	E_UNDO,
	E_FORGET,
	E_CHAT,
	E_EVENT,
	E_VISIT,
	E_QUESTION,
	E_QUESTION_DONE,
	E_DRAFT,
	E_DRAFT_DONE,
	E_EDITOR,
	E_SAVED,
	E_COMMITTED,
	E_SET,
	E_MEMBER,
	E_MEMBER_FORGET,
	E_INVITE,
	E_INVITE_FORGET
};

/* One queued record, with its own copies of every string and byte. */
struct journal_entry {
	enum journal_entry_type type;
	/* The document, or the file of E_DRAFT to E_COMMITTED, or the place
	 * of E_EVENT (NULL: none); NULL for E_PERSON, E_CHAT, E_VISIT,
	 * E_QUESTION* and E_SET. */
	char *path;
	/* E_OP, E_CURSOR, E_PERSON, E_UNDO, E_CHAT, E_EVENT, E_VISIT,
	 * E_QUESTION, E_DRAFT, E_EDITOR */
	char *author;
	char *name;   /* E_PERSON, E_CHAT; the key of E_SET */
	char *email;  /* E_PERSON */
	int kind;     /* E_OP, E_EVENT */
	int boundary; /* E_OP */
	uint64_t pos; /* E_OP, E_CURSOR */
	char *data;   /* base or compact text, undo data, or the op's del */
	size_t len;
	char *ins; /* E_OP */
	size_t ins_len;
	int64_t time; /* E_OP, E_CHAT, E_EVENT, E_VISIT, E_QUESTION, E_DRAFT */
	int64_t seq;  /* E_CHAT; the id of E_QUESTION, E_QUESTION_DONE */
	char *text;   /* E_CHAT, E_EVENT, E_QUESTION; the value of E_SET;
	                 the hash of E_INVITE */

	/* E_MEMBER: author, name, time, and these; E_MEMBER_FORGET: author.
	 * E_INVITE: seq (its id), text, name, author, time, and these;
	 * E_INVITE_FORGET: seq. */
	int role;
	int64_t invite;  /* E_MEMBER: the invitation they joined by, or 0 */
	unsigned uses;   /* E_INVITE: uses left */
	int64_t expires; /* E_INVITE: ms since the epoch */

	/* E_DRAFT: the rest of struct journal_draft. */
	unsigned number;
	unsigned supersedes;
	char *title;
	char *present;
	char *ranges;
	int64_t chat_first;
	int64_t chat_last;
	char *head;

	TAILQ_ENTRY(journal_entry) entry;
};
TAILQ_HEAD(journal_entries, journal_entry);

struct journal {
	char *path;
	sqlite3 *db;
	sqlite3_stmt *stmt[S_NSTMT];
	char *error;  /* sqlite's message for the last failed step */
	char *reason; /* why the last flush failed, for people */
	int syserr;   /* errno of a failed file access in the last step */
	int modes_fixed;
	int readonly; /* opened by journal_open_readonly */
	int session;  /* the session tables are there */
	int access;   /* the access tables are there */
	int places;   /* the places table is there */

	int64_t chat_seq;    /* the last chat seq given */
	int64_t question_id; /* the last question id given */

	struct journal_entries queue;
	size_t queued;
};

/* A copy of a string; NULL is kept as "". */
static char *
journal_strdup(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

/* A copy of len bytes (never NULL, even for len 0). */
static char *
journal_memdup(const void *data, size_t len)
{
	char *p;

	p = xmalloc(len + 1);
	if (len != 0)
		memcpy(p, data, len);
	p[len] = '\0';
	return p;
}

static void journal_error(char **, const char *, ...) __printflike(2, 3);
static void journal_problem(const struct journal_replay *, void *, const char *,
    ...) __printflike(3, 4);

/* Set *err to a formatted message. */
static void
journal_error(char **err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(err, fmt, ap);
	va_end(ap);
}

/*
 * Give a file ours alone (0600) when it exists and is a regular file. By
 * path, never by opening it: closing a descriptor of a file sqlite has open
 * would drop sqlite's POSIX locks on it.
 */
static void
journal_restrict(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) == -1 || !S_ISREG(sb.st_mode))
		return;
	if ((sb.st_mode & 07777) != 0600 && chmod(path, 0600) == -1)
		log_warn("chmod %s: %s", path, strerror(errno));
}

/* Make sure the -wal and -shm files (sqlite makes them) are 0600 too. */
static void
journal_fix_modes(struct journal *j)
{
	char *name;

	xasprintf(&name, "%s-wal", j->path);
	journal_restrict(name);
	free(name);
	xasprintf(&name, "%s-shm", j->path);
	journal_restrict(name);
	free(name);
}

/*
 * The system's error behind the last failure, when it was a file that
 * could not be written or read (a full disk, a file size limit, an I/O
 * error); 0 for other failures (a constraint, a lock), whose sqlite message
 * says it better. sqlite reports a full disk as SQLITE_FULL, with no errno:
 * that is ENOSPC (its other cause, a page limit, is never set on the
 * journal). For an I/O error it often keeps none either (3.40 does not for
 * a failed write), so the errno the failing call left (saved, cleared
 * before the call) stands in.
 */
static int
journal_syserr(struct journal *j, int saved)
{
	switch (sqlite3_extended_errcode(j->db) & 0xff) {
	case SQLITE_FULL:
		return ENOSPC;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		if (sqlite3_system_errno(j->db) != 0)
			return sqlite3_system_errno(j->db);
		return saved;
	}
	return 0;
}

/*
 * Step a statement that returns no rows and reset it. Returns 0, or -1 with
 * sqlite's message kept in j->error.
 */
static int
journal_run(struct journal *j, enum journal_stmt s)
{
	sqlite3_stmt *st = j->stmt[s];
	int rc, saved;

	errno = 0;
	rc = sqlite3_step(st);
	saved = errno;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		free(j->error);
		j->error = xstrdup(sqlite3_errmsg(j->db));
		j->syserr = journal_syserr(j, saved);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

/* Remember sqlite's message for a failure seen outside journal_run. */
static void
journal_keep_error(struct journal *j)
{
	free(j->error);
	j->error = xstrdup(sqlite3_errmsg(j->db));
	j->syserr = journal_syserr(j, 0);
}

/* Reset every statement and leave any open transaction. */
static void
journal_abandon(struct journal *j)
{
	int i;

	for (i = 0; i < S_NSTMT; i++) {
		if (j->stmt[i] != NULL)
			sqlite3_reset(j->stmt[i]);
	}
	if (!sqlite3_get_autocommit(j->db) && j->stmt[S_ROLLBACK] != NULL)
		sqlite3_step(j->stmt[S_ROLLBACK]);
	if (j->stmt[S_ROLLBACK] != NULL)
		sqlite3_reset(j->stmt[S_ROLLBACK]);
}

/*
 * Run one statement of setup SQL that returns at most one row and give its
 * first column: as an integer in *value and as text in buf. Returns the
 * sqlite result code (SQLITE_ROW or SQLITE_DONE on success).
 */
static int
journal_query(
    sqlite3 *db, const char *sql, long long *value, char *buf, size_t size)
{
	sqlite3_stmt *st;
	const unsigned char *text;
	int rc;

	if (value != NULL)
		*value = 0;
	if (buf != NULL && size > 0)
		buf[0] = '\0';
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (value != NULL)
			*value = sqlite3_column_int64(st, 0);
		text = sqlite3_column_text(st, 0);
		if (buf != NULL && size > 0 && text != NULL)
			snprintf(buf, size, "%s", (const char *)text);
	}
	/* A statement's error shows in finalize when stepping failed. */
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		sqlite3_finalize(st);
	else if (sqlite3_finalize(st) != SQLITE_OK)
		rc = sqlite3_errcode(db);
	return rc;
}

/*
 * Make integrity_check's first complaint one line: it may start with a header
 * naming the database and span lines.
 */
static const char *
journal_tidy(char *msg)
{
	static const char header[] = "*** in database main ***";
	char *p;

	if (strncmp(msg, header, sizeof header - 1) == 0) {
		msg += sizeof header - 1;
		while (*msg == '\n' || *msg == ' ')
			msg++;
	}
	for (p = msg; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	}
	return msg;
}

/* The reason for a failure at open, in words. */
static void
journal_open_error(
    const char *path, sqlite3 *db, int rc, const char *what, char **err)
{
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		journal_error(err, "%s is not a moot journal (%s)", path,
		    "not an sqlite database");
		break;
	case SQLITE_CORRUPT:
		journal_error(
		    err, "%s is damaged: %s", path, sqlite3_errmsg(db));
		break;
	default:
		journal_error(
		    err, "cannot %s %s: %s", what, path, sqlite3_errmsg(db));
		break;
	}
}

/*
 * Run setup SQL (schema statements) in one transaction: all of it or none.
 * Returns 0, or -1 with *err set.
 */
static int
journal_setup(struct journal *j, const char *sql, const char *what, char **err)
{
	char *all, *msg = NULL;
	int rc;

	xasprintf(&all, "BEGIN IMMEDIATE;%sCOMMIT;", sql);
	rc = sqlite3_exec(j->db, all, NULL, NULL, &msg);
	free(all);
	if (rc != SQLITE_OK) {
		journal_error(err, "cannot %s %s: %s", what, j->path,
		    msg != NULL ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		if (!sqlite3_get_autocommit(j->db))
			sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* Write the schema and its stamps into a new, empty file. */
static int
journal_create(struct journal *j, char **err)
{
	char *sql;
	int rc;

	xasprintf(&sql,
	    "%s%s%s%sPRAGMA application_id = %d;"
	    "PRAGMA user_version = %d;",
	    journal_schema, journal_session_schema, journal_access_schema,
	    journal_places_schema, JOURNAL_APPLICATION_ID, JOURNAL_VERSION);
	rc = journal_setup(j, sql, "create", err);
	free(sql);
	return rc;
}

/*
 * Count the tables (not views or anything else) among names. Returns the
 * sqlite result code (SQLITE_ROW on success).
 */
static int
journal_count_tables(sqlite3 *db, const char *names, long long *n)
{
	char *sql;
	int rc;

	xasprintf(&sql,
	    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	    "name IN (%s)",
	    names);
	rc = journal_query(db, sql, n, NULL, 0);
	free(sql);
	return rc;
}

/*
 * A group of tables that came after the first ones (the session tables,
 * the access tables): a journal written before they existed gains them
 * now, all together; read-only, it replays them as empty. *have says
 * whether they are there. Returns 0, or -1 with *err set.
 */
static int
journal_check_group(struct journal *j, const char *schema, const char *names,
    long long count, int *have, char **err)
{
	long long tables;
	int rc;

	*have = 0;
	rc = journal_count_tables(j->db, names, &tables);
	if (rc == SQLITE_ROW && tables != count && !j->readonly) {
		if (journal_setup(j, schema, "upgrade", err) != 0)
			return -1;
		rc = journal_count_tables(j->db, names, &tables);
	}
	if (rc != SQLITE_ROW) {
		journal_open_error(j->path, j->db, rc, "read", err);
		return -1;
	}
	if (tables == count)
		*have = 1;
	else if (tables != 0 || !j->readonly) {
		journal_error(
		    err, "%s is not a moot journal (tables missing)", j->path);
		return -1;
	}
	return 0;
}

/*
 * Check that the file is a moot journal of a version we read, creating the
 * schema in a new (empty) file and adding the session tables to one that
 * lacks them; a read-only journal is only checked. Returns 0, 1 when the
 * file is empty and read-only (no journal yet), or -1 with *err set.
 */
static int
journal_check(struct journal *j, int durable, char **err)
{
	sqlite3 *db = j->db;
	char buf[256];
	long long app, version, objects, tables;
	int rc;

	/*
	 * A damaged file is reported here, before anything is written.
	 * integrity_check, not quick_check: a damaged index can return ops
	 * out of order or lose some while quick_check says ok. Compaction
	 * keeps the journal small, so the full check is cheap.
	 */
	rc = journal_query(
	    db, "PRAGMA integrity_check(1)", NULL, buf, sizeof buf);
	if (rc != SQLITE_ROW) {
		journal_open_error(j->path, db, rc, "read", err);
		return -1;
	}
	if (strcmp(buf, "ok") != 0) {
		journal_error(
		    err, "%s is damaged: %s", j->path, journal_tidy(buf));
		return -1;
	}

	rc = journal_query(db, "PRAGMA application_id", &app, NULL, 0);
	if (rc == SQLITE_ROW) {
		rc =
		    journal_query(db, "PRAGMA user_version", &version, NULL, 0);
	}
	if (rc == SQLITE_ROW) {
		rc = journal_query(db, "SELECT count(*) FROM sqlite_master",
		    &objects, NULL, 0);
	}
	if (rc != SQLITE_ROW) {
		journal_open_error(j->path, db, rc, "read", err);
		return -1;
	}
	if (app != JOURNAL_APPLICATION_ID && (app != 0 || objects != 0)) {
		journal_error(err, "%s is not a moot journal (%s %#llx)",
		    j->path, "application id", app);
		return -1;
	}
	/* Empty: a journal that is being created, with nothing in it yet. */
	if (app == 0 && j->readonly)
		return 1;
	if (app == JOURNAL_APPLICATION_ID && version > JOURNAL_VERSION) {
		journal_error(err,
		    "%s was written by a newer moot (journal version %lld; "
		    "this one reads %d)",
		    j->path, version, JOURNAL_VERSION);
		return -1;
	}
	if (app == JOURNAL_APPLICATION_ID && version < 1) {
		journal_error(err, "%s is damaged: journal version %lld",
		    j->path, version);
		return -1;
	}

	if (!j->readonly) {
		rc = journal_query(
		    db, "PRAGMA journal_mode = WAL", NULL, buf, sizeof buf);
		if (rc != SQLITE_ROW) {
			journal_open_error(j->path, db, rc, "use", err);
			return -1;
		}
		if (strcasecmp(buf, "wal") != 0) {
			journal_error(err,
			    "%s cannot use WAL mode (journal mode %s)", j->path,
			    buf);
			return -1;
		}
		rc = journal_query(db,
		    durable ? "PRAGMA synchronous = FULL"
		            : "PRAGMA synchronous = NORMAL",
		    NULL, NULL, 0);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
			journal_open_error(j->path, db, rc, "use", err);
			return -1;
		}
	}

	if (app == 0) {
		/* A new journal: the schema and its stamps in one go. */
		if (journal_create(j, err) != 0)
			return -1;
	}

	/* Views in place of tables would run arbitrary queries. */
	rc = journal_count_tables(db, journal_tables, &tables);
	if (rc != SQLITE_ROW) {
		journal_open_error(j->path, db, rc, "read", err);
		return -1;
	}
	if (tables != JOURNAL_TABLES) {
		journal_error(
		    err, "%s is not a moot journal (tables missing)", j->path);
		return -1;
	}

	if (journal_check_group(j, journal_session_schema,
	        journal_session_tables, JOURNAL_SESSION_TABLES, &j->session,
	        err) != 0)
		return -1;
	if (journal_check_group(j, journal_access_schema, journal_access_tables,
	        JOURNAL_ACCESS_TABLES, &j->access, err) != 0)
		return -1;
	return journal_check_group(j, journal_places_schema,
	    journal_places_tables, JOURNAL_PLACES_TABLES, &j->places, err);
}

/*
 * Read where the chat seqs and question ids go on: after the largest in the
 * file (never below 0). Returns 0, or -1 with *err set.
 */
static int
journal_counters(struct journal *j, char **err)
{
	long long chat, question;
	int rc;

	rc = journal_query(j->db, "SELECT max(seq) FROM chat", &chat, NULL, 0);
	if (rc == SQLITE_ROW) {
		rc = journal_query(
		    j->db, "SELECT max(id) FROM questions", &question, NULL, 0);
	}
	if (rc != SQLITE_ROW) {
		journal_open_error(j->path, j->db, rc, "read", err);
		return -1;
	}
	j->chat_seq = chat > 0 ? chat : 0;
	j->question_id = question > 0 ? question : 0;
	return 0;
}

/* Prepare every statement. Returns 0, or -1 with *err set. */
static int
journal_prepare(struct journal *j, char **err)
{
	int i, rc;

	for (i = 0; i < S_NSTMT; i++) {
		if (j->readonly && (journal_stmt_flags[i] & STMT_READ) == 0)
			continue;
		if (!j->session && (journal_stmt_flags[i] & STMT_SESSION) != 0)
			continue;
		if (!j->access && (journal_stmt_flags[i] & STMT_ACCESS) != 0)
			continue;
		if (!j->places && (journal_stmt_flags[i] & STMT_PLACES) != 0)
			continue;
		rc = sqlite3_prepare_v3(j->db, journal_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &j->stmt[i], NULL);
		if (rc != SQLITE_OK) {
			journal_error(err, "%s is not a moot journal (%s)",
			    j->path, sqlite3_errmsg(j->db));
			return -1;
		}
	}
	return 0;
}

/*
 * Open the sqlite file at path (made already, when not read-only) and check
 * it. Returns the journal, or NULL with *err set, or NULL with *err left
 * alone when it is read-only and empty.
 */
static struct journal *
journal_start(const char *path, int readonly, int durable, char **err)
{
	struct journal *j;
	int rc, flags;

	j = xcalloc(1, sizeof *j);
	j->path = xstrdup(path);
	j->readonly = readonly;
	TAILQ_INIT(&j->queue);

	flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
#ifdef SQLITE_OPEN_NOFOLLOW
	flags |= SQLITE_OPEN_NOFOLLOW;
#endif
	rc = sqlite3_open_v2(path, &j->db, flags, NULL);
	if (rc != SQLITE_OK) {
		if (j->db == NULL)
			journal_error(
			    err, "cannot open %s: out of memory", path);
		else
			journal_open_error(path, j->db, rc, "open", err);
		goto fail;
	}
	if (!readonly && sqlite3_db_readonly(j->db, "main") == 1) {
		journal_error(err, "cannot open %s: it is read-only", path);
		goto fail;
	}
	sqlite3_extended_result_codes(j->db, 1);
	sqlite3_busy_timeout(j->db, JOURNAL_BUSY_TIMEOUT);
	/* Nothing in the file may run code or rewrite the schema. */
	sqlite3_db_config(j->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
#ifdef SQLITE_DBCONFIG_TRUSTED_SCHEMA
	sqlite3_db_config(j->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
#endif

	rc = journal_check(j, durable, err);
	if (rc == 1) {
		journal_close(j);
		return NULL;
	}
	if (rc != 0)
		goto fail;
	if (j->session && journal_counters(j, err) != 0)
		goto fail;
	if (journal_prepare(j, err) != 0)
		goto fail;
	return j;

fail:
	journal_close(j);
	return NULL;
}

struct journal *
journal_open(const char *path, int durable, char **err)
{
	struct journal *j;
	int fd;

	/* Create the file ourselves so its mode is 0600 whatever the umask. */
	fd = open(
	    path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd != -1) {
		if (fchmod(fd, 0600) == -1) {
			journal_error(
			    err, "cannot chmod %s: %s", path, strerror(errno));
			close(fd);
			return NULL;
		}
		close(fd);
	} else if (errno == EEXIST) {
		/* It holds everyone's text: ours alone, even if it was not. */
		journal_restrict(path);
	} else {
		journal_error(
		    err, "cannot create %s: %s", path, strerror(errno));
		return NULL;
	}

	if ((j = journal_start(path, 0, durable, err)) == NULL)
		return NULL;
	journal_fix_modes(j);
	return j;
}

/*
 * A read-only connection reads a WAL journal another process is writing:
 * sqlite shares the -shm (wal-index) with it and each read transaction sees
 * the last commit. It never checkpoints (it cannot lock the file to write)
 * and changes nothing in the file.
 */
struct journal *
journal_open_readonly(const char *path, char **err)
{
	struct stat sb;

	if (err != NULL)
		*err = NULL;
	if (lstat(path, &sb) == -1) {
		if (errno == ENOENT)
			return NULL;
		journal_error(err, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(sb.st_mode)) {
		journal_error(err, "cannot open %s: not a regular file", path);
		return NULL;
	}
	return journal_start(path, 1, 0, err);
}

/* Free one queued record. */
static void
journal_entry_free(struct journal_entry *e)
{
	free(e->path);
	free(e->author);
	free(e->name);
	free(e->email);
	free(e->data);
	free(e->ins);
	free(e->text);
	free(e->title);
	free(e->present);
	free(e->ranges);
	free(e->head);
	free(e);
}

/* Drop everything queued. */
static void
journal_clear(struct journal *j)
{
	struct journal_entry *e, *e1;

	TAILQ_FOREACH_SAFE (e, &j->queue, entry, e1) {
		TAILQ_REMOVE(&j->queue, e, entry);
		journal_entry_free(e);
	}
	j->queued = 0;
}

void
journal_close(struct journal *j)
{
	int i;

	if (j == NULL)
		return;
	journal_clear(j);
	for (i = 0; i < S_NSTMT; i++)
		sqlite3_finalize(j->stmt[i]);
	if (j->db != NULL && sqlite3_close(j->db) != SQLITE_OK)
		log_warn("closing %s: %s", j->path, sqlite3_errmsg(j->db));
	free(j->error);
	free(j->reason);
	free(j->path);
	free(j);
}

char *
journal_set_aside(const char *path)
{
	struct stat sb;
	struct tm tm;
	time_t now;
	char stamp[32], *to, *from, *to_side;
	const char *side[] = {"-wal", "-shm"};
	size_t i;
	int n;

	now = time(NULL);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm) == 0)
		return NULL;

	/* Two in the same second get a number, never overwrite. */
	xasprintf(&to, "%s.damaged-%s", path, stamp);
	for (n = 2; lstat(to, &sb) == 0 && n < 100; n++) {
		free(to);
		xasprintf(&to, "%s.damaged-%s-%d", path, stamp, n);
	}
	if (lstat(to, &sb) == 0 || rename(path, to) == -1) {
		free(to);
		return NULL;
	}

	/*
	 * The -wal belongs to the damaged file: left behind, a new journal
	 * of the same name could take its pages.
	 */
	for (i = 0; i < sizeof side / sizeof side[0]; i++) {
		xasprintf(&from, "%s%s", path, side[i]);
		xasprintf(&to_side, "%s%s", to, side[i]);
		if (rename(from, to_side) == -1 && errno != ENOENT) {
			log_warn("rename %s: %s", from, strerror(errno));
			free(from);
			free(to_side);
			free(to);
			return NULL;
		}
		free(from);
		free(to_side);
	}
	return to;
}

/* Add a record to the end of the queue. */
static struct journal_entry *
journal_add(struct journal *j, enum journal_entry_type type, const char *path)
{
	struct journal_entry *e;

	e = xcalloc(1, sizeof *e);
	e->type = type;
	if (path != NULL)
		e->path = journal_strdup(path);
	TAILQ_INSERT_TAIL(&j->queue, e, entry);
	j->queued++;
	return e;
}

void
journal_base(struct journal *j, const char *path, const char *text, size_t len)
{
	struct journal_entry *e;

	e = journal_add(j, E_BASE, path);
	e->data = journal_memdup(text, len);
	e->len = len;
}

void
journal_append(struct journal *j, const struct journal_rec *rec)
{
	struct journal_entry *e;

	e = journal_add(j, E_OP, rec->path);
	e->author = journal_strdup(rec->author);
	e->kind = rec->kind;
	e->boundary = rec->boundary != 0;
	e->pos = rec->pos;
	e->data = journal_memdup(rec->del, rec->del_len);
	e->len = rec->del_len;
	e->ins = journal_memdup(rec->ins, rec->ins_len);
	e->ins_len = rec->ins_len;
	e->time = rec->time;
}

/*
 * Before queueing a record of which the latest per author wins (a cursor,
 * who someone is, a visit): drop the one still queued for that author. The
 * result once written is the same, and what waits in the queue while the
 * journal cannot be written stays bounded by the number of people, however
 * often they move or come and go.
 */
static void
journal_drop_older(
    struct journal *j, enum journal_entry_type type, const char *author)
{
	struct journal_entry *e;

	if (author == NULL)
		author = "";
	TAILQ_FOREACH (e, &j->queue, entry) {
		if (e->type == type && strcmp(e->author, author) == 0) {
			/* There is never more than one. */
			TAILQ_REMOVE(&j->queue, e, entry);
			journal_entry_free(e);
			j->queued--;
			return;
		}
	}
}

void
journal_cursor(
    struct journal *j, const char *author, const char *path, uint64_t pos)
{
	struct journal_entry *e;

	journal_drop_older(j, E_CURSOR, author);
	e = journal_add(j, E_CURSOR, path);
	e->author = journal_strdup(author);
	e->pos = pos;
}

void
journal_person(
    struct journal *j, const char *author, const char *name, const char *email)
{
	struct journal_entry *e;

	journal_drop_older(j, E_PERSON, author);
	e = journal_add(j, E_PERSON, NULL);
	e->author = journal_strdup(author);
	e->name = journal_strdup(name);
	e->email = journal_strdup(email);
}

void
journal_compact(
    struct journal *j, const char *path, const char *text, size_t len)
{
	struct journal_entry *e;

	e = journal_add(j, E_COMPACT, path);
	e->data = journal_memdup(text, len);
	e->len = len;
}

void
journal_undo(struct journal *j, const char *path, const char *author,
    const void *data, size_t len)
{
	struct journal_entry *e;

	e = journal_add(j, E_UNDO, path);
	e->author = journal_strdup(author);
	e->data = journal_memdup(data, len);
	e->len = len;
}

void
journal_forget(struct journal *j, const char *path)
{
	journal_add(j, E_FORGET, path);
}

int64_t
journal_chat(struct journal *j, int64_t time, const char *author,
    const char *name, const char *text)
{
	struct journal_entry *e;

	e = journal_add(j, E_CHAT, NULL);
	/* Only a journal edited by hand could have used them all. */
	if (j->chat_seq < INT64_MAX)
		j->chat_seq++;
	e->seq = j->chat_seq;
	e->time = time;
	e->author = journal_strdup(author);
	e->name = journal_strdup(name);
	e->text = journal_strdup(text);
	return e->seq;
}

void
journal_event(struct journal *j, int64_t time, int kind, const char *author,
    const char *text, const char *place)
{
	struct journal_entry *e;

	e = journal_add(j, E_EVENT, place);
	e->time = time;
	e->kind = kind;
	e->author = journal_strdup(author);
	e->text = journal_strdup(text);
}

void
journal_visit(struct journal *j, const char *author, int64_t time)
{
	struct journal_entry *e;

	journal_drop_older(j, E_VISIT, author);
	e = journal_add(j, E_VISIT, NULL);
	e->author = journal_strdup(author);
	e->time = time;
}

int64_t
journal_question(
    struct journal *j, int64_t time, const char *author, const char *text)
{
	struct journal_entry *e;

	e = journal_add(j, E_QUESTION, NULL);
	if (j->question_id < INT64_MAX)
		j->question_id++;
	e->seq = j->question_id;
	e->time = time;
	e->author = journal_strdup(author);
	e->text = journal_strdup(text);
	return e->seq;
}

void
journal_question_done(struct journal *j, int64_t id)
{
	struct journal_entry *e;

	e = journal_add(j, E_QUESTION_DONE, NULL);
	e->seq = id;
}

void
journal_draft(struct journal *j, const struct journal_draft *d)
{
	struct journal_entry *e;

	e = journal_add(j, E_DRAFT, d->path);
	e->number = d->number;
	e->title = journal_strdup(d->title);
	e->author = journal_strdup(d->author);
	e->supersedes = d->supersedes;
	e->present = journal_strdup(d->present);
	e->ranges = journal_strdup(d->ranges);
	e->chat_first = d->chat_first;
	e->chat_last = d->chat_last;
	e->head = journal_strdup(d->head);
	e->time = d->time;
}

void
journal_draft_done(struct journal *j, const char *path)
{
	journal_add(j, E_DRAFT_DONE, path);
}

void
journal_editor(struct journal *j, const char *path, const char *author)
{
	struct journal_entry *e;

	e = journal_add(j, E_EDITOR, path);
	e->author = journal_strdup(author);
}

void
journal_saved(struct journal *j, const char *path)
{
	journal_add(j, E_SAVED, path);
}

void
journal_committed(struct journal *j, const char *path)
{
	journal_add(j, E_COMMITTED, path);
}

void
journal_set(struct journal *j, const char *key, const char *value)
{
	struct journal_entry *e;

	e = journal_add(j, E_SET, NULL);
	e->name = journal_strdup(key);
	e->text = journal_strdup(value);
}

void
journal_member(struct journal *j, const struct journal_member *m)
{
	struct journal_entry *e;

	journal_drop_older(j, E_MEMBER, m->author);
	journal_drop_older(j, E_MEMBER_FORGET, m->author);
	e = journal_add(j, E_MEMBER, NULL);
	e->author = journal_strdup(m->author);
	e->role = m->role;
	e->name = journal_strdup(m->name);
	e->invite = m->invite;
	e->time = m->time;
}

void
journal_member_forget(struct journal *j, const char *author)
{
	struct journal_entry *e;

	journal_drop_older(j, E_MEMBER, author);
	journal_drop_older(j, E_MEMBER_FORGET, author);
	e = journal_add(j, E_MEMBER_FORGET, NULL);
	e->author = journal_strdup(author);
}

void
journal_invite(struct journal *j, const struct journal_invite *inv)
{
	struct journal_entry *e;

	e = journal_add(j, E_INVITE, NULL);
	e->seq = inv->id;
	e->text = journal_strdup(inv->hash);
	e->role = inv->role;
	e->uses = inv->uses;
	e->expires = inv->expires;
	e->author = journal_strdup(inv->author);
	e->name = journal_strdup(inv->name);
	e->time = inv->time;
}

void
journal_invite_forget(struct journal *j, int64_t id)
{
	struct journal_entry *e;

	e = journal_add(j, E_INVITE_FORGET, NULL);
	e->seq = id;
}

size_t
journal_queued(const struct journal *j)
{
	return j->queued;
}

/* Bind bytes as a BLOB (a zero-length BLOB, not NULL, when len is 0). */
static int
journal_bind_bytes(sqlite3_stmt *st, int col, const char *data, size_t len)
{
	if (len > INT32_MAX)
		return SQLITE_TOOBIG;
	return sqlite3_bind_blob(st, col, data, (int)len, SQLITE_STATIC);
}

/* Bind a string as TEXT. */
static int
journal_bind_str(sqlite3_stmt *st, int col, const char *s)
{
	return sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
}

/*
 * Bind a position. Positions past INT64_MAX cannot be stored; they cannot
 * happen either (no document is that long), and would be read back as
 * malformed rather than wrong.
 */
static int
journal_bind_pos(sqlite3_stmt *st, int col, uint64_t pos)
{
	if (pos > INT64_MAX)
		return sqlite3_bind_int64(st, col, -1);
	return sqlite3_bind_int64(st, col, (sqlite3_int64)pos);
}

/* Run statement s with path as its only parameter. */
static int
journal_run_path(struct journal *j, enum journal_stmt s, const char *path)
{
	if (journal_bind_str(j->stmt[s], 1, path) != SQLITE_OK) {
		journal_keep_error(j);
		return -1;
	}
	return journal_run(j, s);
}

/* Write one queued record inside the flush's transaction. */
static int
journal_write(struct journal *j, const struct journal_entry *e)
{
	sqlite3_stmt *st;
	char kind[2];
	int rc = SQLITE_OK;

	switch (e->type) {
	case E_BASE:
	case E_COMPACT:
		if (e->type == E_COMPACT) {
			if (journal_run_path(j, S_OPS_DELETE, e->path) != 0 ||
			    journal_run_path(j, S_UNDO_DELETE, e->path) != 0)
				return -1;
		}
		st = j->stmt[S_DOC_SET];
		if ((rc = journal_bind_str(st, 1, e->path)) == SQLITE_OK)
			rc = journal_bind_bytes(st, 2, e->data, e->len);
		if (rc != SQLITE_OK)
			break;
		return journal_run(j, S_DOC_SET);
	case E_OP:
		st = j->stmt[S_OP_ADD];
		kind[0] = (char)e->kind;
		kind[1] = '\0';
		if ((rc = journal_bind_str(st, 1, e->path)) == SQLITE_OK)
			rc = journal_bind_str(st, 2, e->author);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 3, kind);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int(st, 4, e->boundary);
		if (rc == SQLITE_OK)
			rc = journal_bind_pos(st, 5, e->pos);
		if (rc == SQLITE_OK)
			rc = journal_bind_bytes(st, 6, e->data, e->len);
		if (rc == SQLITE_OK)
			rc = journal_bind_bytes(st, 7, e->ins, e->ins_len);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 8, e->time);
		if (rc != SQLITE_OK)
			break;
		return journal_run(j, S_OP_ADD);
	case E_CURSOR:
		st = j->stmt[S_CURSOR_SET];
		if ((rc = journal_bind_str(st, 1, e->author)) == SQLITE_OK)
			rc = journal_bind_str(st, 2, e->path);
		if (rc == SQLITE_OK)
			rc = journal_bind_pos(st, 3, e->pos);
		if (rc != SQLITE_OK)
			break;
		return journal_run(j, S_CURSOR_SET);
	case E_PERSON:
		st = j->stmt[S_PERSON_SET];
		if ((rc = journal_bind_str(st, 1, e->author)) == SQLITE_OK)
			rc = journal_bind_str(st, 2, e->name);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 3, e->email);
		if (rc != SQLITE_OK)
			break;
		return journal_run(j, S_PERSON_SET);
	case E_UNDO:
		st = j->stmt[S_UNDO_SET];
		if ((rc = journal_bind_str(st, 1, e->path)) == SQLITE_OK)
			rc = journal_bind_str(st, 2, e->author);
		if (rc == SQLITE_OK)
			rc = journal_bind_bytes(st, 3, e->data, e->len);
		if (rc != SQLITE_OK)
			break;
		return journal_run(j, S_UNDO_SET);
	case E_FORGET:
		if (journal_run_path(j, S_OPS_DELETE, e->path) != 0 ||
		    journal_run_path(j, S_UNDO_DELETE, e->path) != 0 ||
		    journal_run_path(j, S_CURSORS_DELETE, e->path) != 0)
			return -1;
		return journal_run_path(j, S_DOC_DELETE, e->path);
	case E_CHAT:
		st = j->stmt[S_CHAT_ADD];
		if ((rc = sqlite3_bind_int64(st, 1, e->seq)) == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 2, e->time);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 3, e->author);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 4, e->name);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 5, e->text);
		if (rc != SQLITE_OK)
			break;
		return journal_run(j, S_CHAT_ADD);
	case E_EVENT:
		st = j->stmt[S_EVENT_ADD];
		if ((rc = sqlite3_bind_int64(st, 1, e->time)) == SQLITE_OK)
			rc = sqlite3_bind_int(st, 2, e->kind);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 3, e->author);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 4, e->text);
		if (rc != SQLITE_OK)
			break;
		if (journal_run(j, S_EVENT_ADD) != 0)
			return -1;
		/* Right after its event: last_insert_rowid() is its seq. */
		if (e->path == NULL || j->stmt[S_PLACE_ADD] == NULL)
			return 0;
		st = j->stmt[S_PLACE_ADD];
		if ((rc = journal_bind_str(st, 1, e->path)) != SQLITE_OK)
			break;
		return journal_run(j, S_PLACE_ADD);
	case E_VISIT:
		st = j->stmt[S_VISIT_SET];
		if ((rc = journal_bind_str(st, 1, e->author)) == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 2, e->time);
		if (rc != SQLITE_OK)
			break;
		return journal_run(j, S_VISIT_SET);
	case E_QUESTION:
		st = j->stmt[S_QUESTION_ADD];
		if ((rc = sqlite3_bind_int64(st, 1, e->seq)) == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 2, e->time);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 3, e->author);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 4, e->text);
		if (rc != SQLITE_OK)
			break;
		return journal_run(j, S_QUESTION_ADD);
	case E_QUESTION_DONE:
		st = j->stmt[S_QUESTION_DONE];
		if ((rc = sqlite3_bind_int64(st, 1, e->seq)) != SQLITE_OK)
			break;
		return journal_run(j, S_QUESTION_DONE);
	case E_DRAFT:
		st = j->stmt[S_DRAFT_SET];
		if ((rc = journal_bind_str(st, 1, e->path)) == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 2, e->number);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 3, e->title);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 4, e->author);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 5, e->supersedes);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 6, e->present);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 7, e->ranges);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 8, e->chat_first);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 9, e->chat_last);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 10, e->head);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 11, e->time);
		if (rc != SQLITE_OK)
			break;
		return journal_run(j, S_DRAFT_SET);
	case E_DRAFT_DONE:
		return journal_run_path(j, S_DRAFT_DELETE, e->path);
	case E_EDITOR:
		st = j->stmt[S_EDITOR_ADD];
		if ((rc = journal_bind_str(st, 1, e->path)) == SQLITE_OK)
			rc = journal_bind_str(st, 2, e->author);
		if (rc != SQLITE_OK)
			break;
		return journal_run(j, S_EDITOR_ADD);
	case E_SAVED:
		return journal_run_path(j, S_SAVED_ADD, e->path);
	case E_COMMITTED:
		if (journal_run_path(j, S_EDITORS_DELETE, e->path) != 0)
			return -1;
		return journal_run_path(j, S_SAVED_DELETE, e->path);
	case E_SET:
		st = j->stmt[S_META_SET];
		if ((rc = journal_bind_str(st, 1, e->name)) == SQLITE_OK)
			rc = journal_bind_str(st, 2, e->text);
		if (rc != SQLITE_OK)
			break;
		return journal_run(j, S_META_SET);
	case E_MEMBER:
		st = j->stmt[S_MEMBER_SET];
		if ((rc = journal_bind_str(st, 1, e->author)) == SQLITE_OK)
			rc = sqlite3_bind_int(st, 2, e->role);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 3, e->name);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 4, e->invite);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 5, e->time);
		if (rc != SQLITE_OK)
			break;
		return journal_run(j, S_MEMBER_SET);
	case E_MEMBER_FORGET:
		st = j->stmt[S_MEMBER_DELETE];
		if ((rc = journal_bind_str(st, 1, e->author)) != SQLITE_OK)
			break;
		return journal_run(j, S_MEMBER_DELETE);
	case E_INVITE:
		st = j->stmt[S_INVITE_SET];
		if ((rc = sqlite3_bind_int64(st, 1, e->seq)) == SQLITE_OK)
			rc = journal_bind_str(st, 2, e->text);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int(st, 3, e->role);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 4, e->uses);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 5, e->expires);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 6, e->author);
		if (rc == SQLITE_OK)
			rc = journal_bind_str(st, 7, e->name);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_int64(st, 8, e->time);
		if (rc != SQLITE_OK)
			break;
		return journal_run(j, S_INVITE_SET);
	case E_INVITE_FORGET:
		st = j->stmt[S_INVITE_DELETE];
		if ((rc = sqlite3_bind_int64(st, 1, e->seq)) != SQLITE_OK)
			break;
		return journal_run(j, S_INVITE_DELETE);
	}

	/* A bind failed (a record too big for sqlite). */
	free(j->error);
	j->error = xstrdup(sqlite3_errstr(rc));
	j->syserr = 0;
	return -1;
}

int
journal_flush(struct journal *j, char **err)
{
	struct journal_entry *e;

	if (TAILQ_EMPTY(&j->queue))
		return 0;
	if (j->readonly) {
		journal_error(
		    err, "cannot write %s: it was opened read-only", j->path);
		free(j->reason);
		j->reason = xstrdup("opened read-only");
		return -1;
	}
	j->syserr = 0;
	if (journal_run(j, S_BEGIN) != 0)
		goto fail;
	TAILQ_FOREACH (e, &j->queue, entry) {
		if (journal_write(j, e) != 0)
			goto fail;
	}
	if (journal_run(j, S_COMMIT) != 0)
		goto fail;
	journal_clear(j);

	/* The first write may have made a new -wal or -shm. */
	if (!j->modes_fixed) {
		journal_fix_modes(j);
		j->modes_fixed = 1;
	}
	return 0;

fail:
	/* Nothing of it stays written; all of it stays queued. */
	journal_error(err, "cannot write %s: %s", j->path,
	    j->error != NULL ? j->error : "unknown error");
	free(j->reason);
	if (j->syserr != 0)
		j->reason = xstrdup(strerror(j->syserr));
	else
		j->reason =
		    xstrdup(j->error != NULL ? j->error : "unknown error");
	journal_abandon(j);
	return -1;
}

const char *
journal_reason(const struct journal *j)
{
	return j->reason != NULL ? j->reason : "";
}

/*
 * Replay: every value is checked before a callback sees it.
 */

/* A column that must be a string: TEXT without NUL bytes; NULL if not. */
static const char *
journal_column_str(sqlite3_stmt *st, int col)
{
	const unsigned char *s;
	int n;

	if (sqlite3_column_type(st, col) != SQLITE_TEXT)
		return NULL;
	s = sqlite3_column_text(st, col);
	n = sqlite3_column_bytes(st, col);
	if (s == NULL || n < 0 || strlen((const char *)s) != (size_t)n)
		return NULL;
	return (const char *)s;
}

/* A column that must be bytes (a BLOB). Returns 0 if it is not. */
static int
journal_column_bytes(sqlite3_stmt *st, int col, const char **data, size_t *len)
{
	const void *p;
	int n;

	if (sqlite3_column_type(st, col) != SQLITE_BLOB)
		return 0;
	p = sqlite3_column_blob(st, col);
	n = sqlite3_column_bytes(st, col);
	if (n < 0 || (p == NULL && n != 0))
		return 0;
	*data = (n == 0) ? "" : p;
	*len = (size_t)n;
	return 1;
}

/* A column that must be an integer, at least min. Returns 0 if not. */
static int
journal_column_int(sqlite3_stmt *st, int col, int64_t min, int64_t *value)
{
	if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
		return 0;
	*value = sqlite3_column_int64(st, col);
	return *value >= min;
}

/* Tell problem a formatted sentence. */
static void
journal_problem(const struct journal_replay *r, void *arg, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (r->problem == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	r->problem(arg, msg);
	free(msg);
}

/* "edit" or "edits". */
static const char *
journal_edits(long long n)
{
	return n == 1 ? "edit" : "edits";
}

/*
 * Count the ops of a document that will not be replayed (its doc row is
 * unusable). The path is given as the docs row's own value, whatever type
 * it has. Returns -1 if the database cannot be read.
 */
static long long
journal_count_ops(struct journal *j, sqlite3_value *path)
{
	sqlite3_stmt *st = j->stmt[S_OPS_COUNT];
	long long n;

	if (sqlite3_bind_value(st, 1, path) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		journal_keep_error(j);
		sqlite3_reset(st);
		return -1;
	}
	n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/*
 * Replay a document's histories: one per author, in author order (a file
 * whose index is damaged could give a row twice). Returns -1 if the
 * database cannot be read.
 */
static int
journal_replay_undo(struct journal *j, const struct journal_replay *r,
    void *arg, sqlite3_value *value, const char *path)
{
	sqlite3_stmt *st = j->stmt[S_UNDO_LIST];
	const char *author, *data;
	char *last = NULL;
	size_t len;
	int rc;

	if (sqlite3_bind_value(st, 1, value) != SQLITE_OK) {
		journal_keep_error(j);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		author = journal_column_str(st, 0);
		if (author == NULL ||
		    !journal_column_bytes(st, 1, &data, &len)) {
			journal_problem(r, arg,
			    "%s: an undo history is malformed (skipped)", path);
			continue;
		}
		if (last != NULL && strcmp(author, last) <= 0) {
			journal_problem(r, arg,
			    "%s: an undo history is out of order (skipped)",
			    path);
			continue;
		}
		free(last);
		last = xstrdup(author);
		if (r->undo != NULL)
			r->undo(arg, path, author, data, len);
	}
	free(last);
	if (rc != SQLITE_DONE) {
		journal_keep_error(j);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

/*
 * Check the op row st is on and fill rec. Returns NULL, or what is wrong
 * with it.
 */
static const char *
journal_column_op(sqlite3_stmt *st, const char *path, struct journal_rec *rec)
{
	const char *kind;
	int64_t value;

	memset(rec, 0, sizeof *rec);
	rec->path = path;
	rec->seq = -1;
	if (!journal_column_int(st, 0, INT64_MIN, &rec->seq))
		return "bad sequence number";
	if ((rec->author = journal_column_str(st, 1)) == NULL)
		return "bad author";
	kind = journal_column_str(st, 2);
	if (kind == NULL || strlen(kind) != 1 ||
	    (kind[0] != JOURNAL_EDIT && kind[0] != JOURNAL_UNDO &&
	        kind[0] != JOURNAL_REDO))
		return "unknown kind";
	rec->kind = kind[0];
	if (!journal_column_int(st, 3, 0, &value) || value > 1)
		return "bad boundary";
	rec->boundary = (int)value;
	if (!journal_column_int(st, 4, 0, &value))
		return "bad position";
	rec->pos = (uint64_t)value;
	if (!journal_column_bytes(st, 5, &rec->del, &rec->del_len))
		return "bad deleted bytes";
	if (!journal_column_bytes(st, 6, &rec->ins, &rec->ins_len))
		return "bad inserted bytes";
	if (!journal_column_int(st, 7, INT64_MIN, &rec->time))
		return "bad time";
	return NULL;
}

/*
 * Replay a document's ops in seq order. The first malformed, misplaced or
 * refused op stops the document; it and those after it are counted and
 * reported. Returns -1 if the database cannot be read.
 */
static int
journal_replay_ops(struct journal *j, const struct journal_replay *r, void *arg,
    sqlite3_value *value, const char *path)
{
	sqlite3_stmt *st = j->stmt[S_OPS_LIST];
	struct journal_rec rec;
	const char *why;
	char *reason = NULL;
	long long lost = 0;
	int64_t last = 0;
	int have_last = 0, rc;

	if (sqlite3_bind_value(st, 1, value) != SQLITE_OK) {
		journal_keep_error(j);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (lost > 0) {
			lost++;
			continue;
		}
		why = journal_column_op(st, path, &rec);
		/* Only a damaged index could give them out of order. */
		if (why == NULL && have_last && rec.seq <= last)
			why = "out of order";
		if (why != NULL) {
			if (rec.seq != -1) {
				xasprintf(&reason, " (record %lld is %s: %s)",
				    (long long)rec.seq, "malformed", why);
			} else {
				xasprintf(&reason, " (a record is %s: %s)",
				    "malformed", why);
			}
			lost = 1;
			continue;
		}
		last = rec.seq;
		have_last = 1;
		if (r->op != NULL && r->op(arg, &rec) == -1)
			lost = 1;
	}
	if (rc != SQLITE_DONE) {
		journal_keep_error(j);
		sqlite3_reset(st);
		free(reason);
		return -1;
	}
	sqlite3_reset(st);
	if (lost > 0) {
		journal_problem(r, arg, "%s: %lld %s could not be replayed%s",
		    path, lost, journal_edits(lost),
		    reason != NULL ? reason : "");
	}
	free(reason);
	return 0;
}

/* Replay every document. Returns -1 if the database cannot be read. */
static int
journal_replay_docs(
    struct journal *j, const struct journal_replay *r, void *arg)
{
	sqlite3_stmt *st = j->stmt[S_DOCS_LIST];
	sqlite3_value *value;
	const char *path, *base;
	char *last = NULL;
	size_t len;
	long long n;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		value = sqlite3_column_value(st, 0);
		path = journal_column_str(st, 0);
		if (path == NULL) {
			if ((n = journal_count_ops(j, value)) == -1)
				goto fail;
			journal_problem(r, arg,
			    "a document record has a malformed name; %lld %s "
			    "lost",
			    n, n == 1 ? "edit was" : "edits were");
			continue;
		}
		/*
		 * The rows are sorted, so a repeated path is the one before;
		 * one that sorts before it means a damaged index. Either way
		 * a document is replayed once, in path order.
		 */
		if (last != NULL && strcmp(path, last) <= 0) {
			journal_problem(r, arg, "%s: %s (skipped)", path,
			    strcmp(path, last) == 0
			        ? "a second document record"
			        : "a document record out of order");
			continue;
		}
		free(last);
		last = xstrdup(path);
		if (!journal_column_bytes(st, 1, &base, &len)) {
			if ((n = journal_count_ops(j, value)) == -1)
				goto fail;
			journal_problem(r, arg,
			    "%s: its base text is malformed; %lld %s lost",
			    path, n, n == 1 ? "edit was" : "edits were");
			continue;
		}
		if (r->doc != NULL)
			r->doc(arg, path, base, len);
		if (journal_replay_undo(j, r, arg, value, path) != 0 ||
		    journal_replay_ops(j, r, arg, value, path) != 0)
			goto fail;
	}
	if (rc != SQLITE_DONE) {
		journal_keep_error(j);
		goto fail;
	}
	sqlite3_reset(st);
	free(last);
	return 0;

fail:
	sqlite3_reset(st);
	free(last);
	return -1;
}

/* Report ops whose document has no base text. */
static int
journal_replay_lost(
    struct journal *j, const struct journal_replay *r, void *arg)
{
	sqlite3_stmt *st = j->stmt[S_OPS_LOST];
	const char *path;
	long long n;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 1);
		if ((path = journal_column_str(st, 0)) != NULL) {
			journal_problem(r, arg,
			    "%s: %lld %s lost (no base text)", path, n,
			    n == 1 ? "edit was" : "edits were");
		} else {
			journal_problem(r, arg,
			    "%lld %s of a document with a malformed name %s "
			    "lost",
			    n, journal_edits(n), n == 1 ? "was" : "were");
		}
	}
	if (rc != SQLITE_DONE) {
		journal_keep_error(j);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

/* Replay cursors, then people; malformed rows are skipped. */
static int
journal_replay_people(
    struct journal *j, const struct journal_replay *r, void *arg)
{
	sqlite3_stmt *st;
	const char *author, *a, *b;
	int64_t pos;
	int rc;

	st = j->stmt[S_CURSORS_LIST];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		author = journal_column_str(st, 0);
		a = journal_column_str(st, 1);
		if (author == NULL || a == NULL ||
		    !journal_column_int(st, 2, 0, &pos)) {
			journal_problem(
			    r, arg, "a cursor record is malformed (skipped)");
			continue;
		}
		if (r->cursor != NULL)
			r->cursor(arg, author, a, (uint64_t)pos);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_reset(st);

	st = j->stmt[S_PEOPLE_LIST];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		author = journal_column_str(st, 0);
		a = journal_column_str(st, 1);
		b = journal_column_str(st, 2);
		if (author == NULL || a == NULL || b == NULL) {
			journal_problem(
			    r, arg, "a person record is malformed (skipped)");
			continue;
		}
		if (r->person != NULL)
			r->person(arg, author, a, b);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_reset(st);
	return 0;

fail:
	journal_keep_error(j);
	sqlite3_reset(st);
	return -1;
}

/*
 * The session tables' rows: each function checks the row st is on and tells
 * its callback. Returns 0, or -1 when the row is malformed.
 */
static int
journal_row_set(sqlite3_stmt *st, const struct journal_replay *r, void *arg)
{
	const char *key, *value;

	if ((key = journal_column_str(st, 0)) == NULL ||
	    (value = journal_column_str(st, 1)) == NULL)
		return -1;
	if (r->set != NULL)
		r->set(arg, key, value);
	return 0;
}

static int
journal_row_chat(sqlite3_stmt *st, const struct journal_replay *r, void *arg)
{
	const char *author, *name, *text;
	int64_t seq, time;

	if (!journal_column_int(st, 0, 1, &seq) ||
	    !journal_column_int(st, 1, INT64_MIN, &time) ||
	    (author = journal_column_str(st, 2)) == NULL ||
	    (name = journal_column_str(st, 3)) == NULL ||
	    (text = journal_column_str(st, 4)) == NULL)
		return -1;
	if (r->chat != NULL)
		r->chat(arg, seq, time, author, name, text);
	return 0;
}

static int
journal_row_event(sqlite3_stmt *st, const struct journal_replay *r, void *arg)
{
	const char *author, *text, *place = NULL;
	int64_t time, kind;

	/* A kind is one byte, never NUL. */
	if (!journal_column_int(st, 0, INT64_MIN, &time) ||
	    !journal_column_int(st, 1, 1, &kind) || kind > 255 ||
	    (author = journal_column_str(st, 2)) == NULL ||
	    (text = journal_column_str(st, 3)) == NULL)
		return -1;
	/* Its place, where the journal has them: none, or text. */
	if (sqlite3_column_count(st) > 4 &&
	    sqlite3_column_type(st, 4) != SQLITE_NULL &&
	    (place = journal_column_str(st, 4)) == NULL)
		return -1;
	if (r->event != NULL)
		r->event(arg, time, (int)kind, author, text, place);
	return 0;
}

static int
journal_row_visit(sqlite3_stmt *st, const struct journal_replay *r, void *arg)
{
	const char *author;
	int64_t time;

	if ((author = journal_column_str(st, 0)) == NULL ||
	    !journal_column_int(st, 1, INT64_MIN, &time))
		return -1;
	if (r->visit != NULL)
		r->visit(arg, author, time);
	return 0;
}

static int
journal_row_question(
    sqlite3_stmt *st, const struct journal_replay *r, void *arg)
{
	const char *author, *text;
	int64_t id, time, done;

	/* The statement leaves out those done; done is 0 or it is damage. */
	if (!journal_column_int(st, 0, 1, &id) ||
	    !journal_column_int(st, 1, INT64_MIN, &time) ||
	    (author = journal_column_str(st, 2)) == NULL ||
	    (text = journal_column_str(st, 3)) == NULL ||
	    !journal_column_int(st, 4, 0, &done) || done != 0)
		return -1;
	if (r->question != NULL)
		r->question(arg, id, time, author, text);
	return 0;
}

static int
journal_row_draft(sqlite3_stmt *st, const struct journal_replay *r, void *arg)
{
	struct journal_draft d;
	int64_t number, supersedes;

	memset(&d, 0, sizeof d);
	if ((d.path = journal_column_str(st, 0)) == NULL ||
	    !journal_column_int(st, 1, 0, &number) || number > UINT_MAX ||
	    (d.title = journal_column_str(st, 2)) == NULL ||
	    (d.author = journal_column_str(st, 3)) == NULL ||
	    !journal_column_int(st, 4, 0, &supersedes) ||
	    supersedes > UINT_MAX ||
	    (d.present = journal_column_str(st, 5)) == NULL ||
	    (d.ranges = journal_column_str(st, 6)) == NULL ||
	    !journal_column_int(st, 7, 0, &d.chat_first) ||
	    !journal_column_int(st, 8, 0, &d.chat_last) ||
	    (d.head = journal_column_str(st, 9)) == NULL ||
	    !journal_column_int(st, 10, INT64_MIN, &d.time))
		return -1;
	d.number = (unsigned)number;
	d.supersedes = (unsigned)supersedes;
	if (r->draft != NULL)
		r->draft(arg, &d);
	return 0;
}

static int
journal_row_editor(sqlite3_stmt *st, const struct journal_replay *r, void *arg)
{
	const char *path, *author;

	if ((path = journal_column_str(st, 0)) == NULL ||
	    (author = journal_column_str(st, 1)) == NULL)
		return -1;
	if (r->editor != NULL)
		r->editor(arg, path, author);
	return 0;
}

static int
journal_row_saved(sqlite3_stmt *st, const struct journal_replay *r, void *arg)
{
	const char *path;

	if ((path = journal_column_str(st, 0)) == NULL)
		return -1;
	if (r->saved != NULL)
		r->saved(arg, path);
	return 0;
}

/* A role as stored: one of the values of enum role (role.h), 0 to 2. */
static int
journal_column_role(sqlite3_stmt *st, int col, int *role)
{
	int64_t v;

	if (!journal_column_int(st, col, 0, &v) || v > 2)
		return 0;
	*role = (int)v;
	return 1;
}

static int
journal_row_member(sqlite3_stmt *st, const struct journal_replay *r, void *arg)
{
	struct journal_member m;

	memset(&m, 0, sizeof m);
	if ((m.author = journal_column_str(st, 0)) == NULL ||
	    *m.author == '\0' || !journal_column_role(st, 1, &m.role) ||
	    (m.name = journal_column_str(st, 2)) == NULL ||
	    !journal_column_int(st, 3, 0, &m.invite) ||
	    !journal_column_int(st, 4, 0, &m.time))
		return -1;
	if (r->member != NULL)
		r->member(arg, &m);
	return 0;
}

static int
journal_row_invite(sqlite3_stmt *st, const struct journal_replay *r, void *arg)
{
	struct journal_invite inv;
	int64_t uses;

	memset(&inv, 0, sizeof inv);
	if (!journal_column_int(st, 0, 1, &inv.id) ||
	    (inv.hash = journal_column_str(st, 1)) == NULL ||
	    !journal_column_role(st, 2, &inv.role) ||
	    !journal_column_int(st, 3, 0, &uses) || uses > UINT_MAX ||
	    !journal_column_int(st, 4, 0, &inv.expires) ||
	    (inv.author = journal_column_str(st, 5)) == NULL ||
	    (inv.name = journal_column_str(st, 6)) == NULL ||
	    !journal_column_int(st, 7, 0, &inv.time))
		return -1;
	inv.uses = (unsigned)uses;
	if (r->invite != NULL)
		r->invite(arg, &inv);
	return 0;
}

/* The session tables in the order replay tells them, after people. */
static const struct {
	enum journal_stmt stmt;
	const char *what; /* for "... is malformed (skipped)" */
	int (*row)(sqlite3_stmt *, const struct journal_replay *, void *);
} journal_session_rows[] = {
    {S_META_LIST, "a named value", journal_row_set},
    {S_CHAT_LIST, "a chat record", journal_row_chat},
    {S_EVENTS_LIST, "an event record", journal_row_event},
    {S_VISITS_LIST, "a visit record", journal_row_visit},
    {S_QUESTIONS_LIST, "a question record", journal_row_question},
    {S_DRAFTS_LIST, "a draft record", journal_row_draft},
    {S_EDITORS_LIST, "an editor record", journal_row_editor},
    {S_SAVED_LIST, "a saved-file record", journal_row_saved},
    {S_MEMBERS_LIST, "a member record", journal_row_member},
    {S_INVITES_LIST, "an invitation record", journal_row_invite},
};

/*
 * Replay the session tables; malformed rows are skipped. A journal without
 * them (an older one opened read-only) has none to tell. Returns -1 if the
 * database cannot be read.
 */
static int
journal_replay_session(
    struct journal *j, const struct journal_replay *r, void *arg)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	for (i = 0;
	     i < sizeof journal_session_rows / sizeof journal_session_rows[0];
	     i++) {
		st = j->stmt[journal_session_rows[i].stmt];
		/* Events with their places, where the journal has them. */
		if (journal_session_rows[i].stmt == S_EVENTS_LIST &&
		    j->stmt[S_EVENTS_PLACES_LIST] != NULL)
			st = j->stmt[S_EVENTS_PLACES_LIST];
		if (st == NULL)
			continue;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (journal_session_rows[i].row(st, r, arg) != 0) {
				journal_problem(r, arg,
				    "%s is malformed (skipped)",
				    journal_session_rows[i].what);
			}
		}
		if (rc != SQLITE_DONE) {
			journal_keep_error(j);
			sqlite3_reset(st);
			return -1;
		}
		sqlite3_reset(st);
	}
	return 0;
}

int
journal_replay(
    struct journal *j, const struct journal_replay *r, void *arg, char **err)
{
	/* One read transaction: one consistent view of the file. */
	if (journal_run(j, S_BEGIN_READ) != 0)
		goto fail;
	if (journal_replay_docs(j, r, arg) != 0 ||
	    journal_replay_lost(j, r, arg) != 0 ||
	    journal_replay_people(j, r, arg) != 0 ||
	    journal_replay_session(j, r, arg) != 0)
		goto fail;
	if (journal_run(j, S_COMMIT) != 0)
		goto fail;
	return 0;

fail:
	journal_error(err, "cannot read %s: %s", j->path,
	    j->error != NULL ? j->error : "unknown error");
	journal_abandon(j);
	return -1;
}
