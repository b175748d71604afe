/* server.h: the session daemon's state: documents, people, their views.
 * Everything here lives in the single-threaded daemon process. */
#ifndef MOOT_SERVER_H
#define MOOT_SERVER_H

#include <sys/types.h>

#include <stdint.h>
#include <time.h>

#include "bytes.h"
#include "file.h"
#include "frame.h"
#include "keys.h"

struct buffer;
struct repo;
struct loop;
struct journal;
struct undo;

#define SERVER_NOTICE_MS 4000 /* how long a notice stays on screen */
#define SERVER_MIN_COLS 20    /* smaller terminals get "terminal too small" */
#define SERVER_MIN_ROWS 5

/* One person's undo history in one document, kept after they leave. */
struct doc_history {
	char *author; /* key fingerprint */
	struct undo *undo;
	TAILQ_ENTRY(doc_history) entry;
};
TAILQ_HEAD(doc_histories, doc_history);

/* One file of the repository, shared by everyone viewing it. */
struct doc {
	char *path; /* relative to the working tree */
	struct buffer *buf;
	int modified;
	mode_t mode;   /* of the file on disk, kept on save */
	int readonly;  /* binary: shown, never changed */
	int journaled; /* its base is in the journal since the last compaction
	                */

	struct file_stamp disk; /* the file as last loaded or saved */
	int disk_changed;       /* the file changed behind the session */

	struct doc_histories histories;
	TAILQ_ENTRY(doc) entry;
};
TAILQ_HEAD(docs, doc);

/* An edit: everything is an op, applied in arrival order. */
struct op {
	struct doc *doc;
	struct client *author; /* NULL in recovery or for a reload from disk */
	const char *key;       /* the author's key fingerprint; "" for none */
	size_t pos;
	const char *del; /* bytes removed at pos */
	size_t del_len;
	const char *ins; /* bytes inserted at pos */
	size_t ins_len;
	int kind;     /* enum undo_kind: an edit, or applying an undo/redo */
	int boundary; /* an edit that starts a new undo group */
};

/* Where a person was, by key: where they land when they come back. */
struct place {
	char *key;
	char *path;
	size_t pos;
	TAILQ_ENTRY(place) entry;
};
TAILQ_HEAD(places, place);

/* Where one person is in one document. */
struct view {
	struct doc *doc;
	size_t cursor; /* byte offset */
	size_t goal;   /* wanted screen column for up/down */
	size_t top;    /* first line shown */
	size_t left;   /* first screen column shown */
	int selecting; /* a selection runs from anchor to cursor */
	size_t anchor; /* byte offset; shifts with ops like the cursor */
};

/* A one-line prompt on the status row (find, go to line). */
struct prompt {
	char text[256]; /* what the person typed, UTF-8 */
	size_t len;
	size_t origin; /* cursor when the prompt opened (Esc returns there) */
	size_t origin_top;
	int found; /* find: 1 a match is selected, 0 none, -1 not searched */
};

enum client_mode { CLIENT_EDIT, CLIENT_PICKER, CLIENT_FIND, CLIENT_GOTO };

/* A Ctrl-O file list: filter as you type. */
struct picker {
	char filter[256];
	size_t filter_len;
	char **files; /* every candidate */
	size_t nfiles;
	size_t *match; /* indexes into files of those that match */
	size_t nmatch;
	size_t sel; /* index into match */
	size_t top;
};

/* One person connected through one frontend process. */
struct client {
	unsigned id;
	pid_t pid;
	int fd; /* socketpair to the frontend */
	struct bytes in;
	struct bytes out;
	int ready; /* HELLO received */
	int closing;

	char *name;
	char *email;
	char *user;
	char *key;
	int colour;       /* 1 .. MOOT_NCOLOURS */
	uint16_t colours; /* what the terminal can show */

	unsigned cols, rows;
	uint16_t gen;

	struct view view;
	enum client_mode mode;
	struct picker picker;
	struct prompt prompt;
	char *find_last; /* the last text searched for */

	char *clipboard; /* this person's own: Ctrl-X/Ctrl-C fill it */
	size_t clipboard_len;
	struct bytes paste; /* a bracketed paste arriving */
	int pasting;        /* 1: a paste is arriving; -1: too large, dropped */

	uint64_t last_edit;   /* when they last typed (undo grouping) */
	size_t last_edit_end; /* where their last edit ended */
	struct doc *last_edit_doc;
	uint64_t save_confirm; /* until when Ctrl-S overwrites a changed file */
	struct doc *jdoc;      /* the place last written to the journal */
	size_t jcursor;

	char *notice; /* private notice (e.g. unknown TERM) */
	uint64_t notice_until;

	struct frame *sent; /* what the frontend has drawn */
	uint32_t seq;       /* last frame sent */
	uint32_t acked;     /* last frame the frontend drew */
	uint64_t sent_at;   /* when the unacknowledged frame went out */
	int dirty;
	int stalled;

	TAILQ_ENTRY(client) entry;
};
TAILQ_HEAD(clients, client);

struct server {
	struct loop *loop;
	struct repo *repo;
	int listen_fd;
	struct docs docs;
	struct clients clients;
	unsigned next_id;
	char *notice; /* notice for everyone */
	uint64_t notice_until;
	uint64_t now; /* ms, monotonic, updated each loop pass */

	struct journal *journal;
	int replaying;           /* recovery: ops are not journaled again */
	uint64_t journal_warned; /* when people were last told it failed */
	struct places places;
};

extern struct server *server;

/* server.c */
struct server_options {
	const char *dir;
	const char *listen;
	int demo;
	int durable; /* journal with synchronous=FULL */
	int verbose;
};
int server_main(const struct server_options *);
void server_redraw_all(void);
void server_redraw_doc(struct doc *);
void server_notice(const char *, ...) __printflike(1, 2);
void server_client_lost(struct client *);

/* server-client.c */
struct client *server_client_create(int fd, pid_t pid);
void server_client_free(struct client *);
void server_client_read(struct client *);
void server_client_key(struct client *, const struct key_event *);
void server_client_notice(struct client *, const char *, ...)
    __printflike(2, 3);
int server_client_flush(struct client *);

/* doc.c */
struct doc *doc_find(const char *path);
struct doc *doc_open(const char *path, char **err);
struct doc *doc_scratch(void);
void doc_free(struct doc *);
void doc_apply(struct op *);
int doc_undo(
    struct doc *, struct client *, const char *key, int redo, size_t *where);
int doc_save(struct doc *, int force, char **err);
int doc_reload(struct doc *, struct client *, char **err);
void doc_check_disk(struct doc *);
void doc_compact(struct doc *);
int doc_matches_disk(const struct doc *);
struct doc *doc_restore(const char *path, const char *base, size_t len);
void doc_attach_history(struct doc *, const char *key, struct undo *);

/* recover.c */
void recover_journal(const char *path, int durable);

/* server.c */
void server_place_set(const char *key, const char *path, size_t pos);
struct place *server_place_find(const char *key);

/* view.c */
char *view_line_bytes(const struct buffer *, size_t line, size_t *len);
void view_set_doc(struct view *, struct doc *);
void view_shift(struct view *, const struct op *, int mine);
size_t view_shift_offset(size_t, const struct op *);
size_t view_line(const struct view *);
size_t view_col(const struct view *);
void view_move_left(struct view *);
void view_move_right(struct view *);
void view_move_up(struct view *, size_t n);
void view_move_down(struct view *, size_t n);
void view_move_home(struct view *);
void view_move_end(struct view *);
void view_scroll_to_cursor(struct view *, unsigned width, unsigned height);
size_t view_prev_unit(const struct view *);
size_t view_next_unit(const struct view *);
/* Shift + a move: start a selection at the cursor unless one is on. */
void view_select_start(struct view *);
void view_select_clear(struct view *);
/* The selected bytes [*from, *to); 0 when nothing is selected. */
int view_selection(const struct view *, size_t *from, size_t *to);
/* Cursor to the start of line (0-based, clamped to the last line). */
void view_goto_line(struct view *, size_t line);

/* prompt.c */
void prompt_find(struct client *);
void prompt_goto(struct client *);
void prompt_key(struct client *, const struct key_event *);

/* render.c */
char *render_inert(const char *);
void render_client(
    const struct server *, const struct client *, struct frame *);

/* picker.c */
void picker_open(struct picker *, char **files, size_t nfiles);
void picker_free(struct picker *);
void picker_filter(struct picker *);
void picker_type(struct picker *, const char *utf8, size_t len);
void picker_backspace(struct picker *);
void picker_move(struct picker *, int delta);
const char *picker_selected(const struct picker *);

#endif
