/* server.h: the session daemon's state: documents, people, their views.
 * Everything here lives in the single-threaded daemon process. */
#ifndef MOOT_SERVER_H
#define MOOT_SERVER_H

#include <sys/types.h>

#include <stdint.h>
#include <time.h>

#include "bytes.h"
#include "frame.h"
#include "keys.h"

struct buffer;
struct repo;
struct loop;

#define SERVER_NOTICE_MS 4000 /* how long a notice stays on screen */
#define SERVER_MIN_COLS 20    /* smaller terminals get "terminal too small" */
#define SERVER_MIN_ROWS 5

/* One file of the repository, shared by everyone viewing it. */
struct doc {
	char *path; /* relative to the working tree */
	struct buffer *buf;
	int modified;
	mode_t mode; /* of the file on disk, kept on save */
	TAILQ_ENTRY(doc) entry;
};
TAILQ_HEAD(docs, doc);

/* An edit: everything is an op, applied in arrival order. */
struct op {
	struct doc *doc;
	struct client *author;
	size_t pos;
	const char *del; /* bytes removed at pos */
	size_t del_len;
	const char *ins; /* bytes inserted at pos */
	size_t ins_len;
};

/* Where one person is in one document. */
struct view {
	struct doc *doc;
	size_t cursor; /* byte offset */
	size_t goal;   /* wanted screen column for up/down */
	size_t top;    /* first line shown */
	size_t left;   /* first screen column shown */
};

enum client_mode { CLIENT_EDIT, CLIENT_PICKER };

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
};

extern struct server *server;

/* server.c */
struct server_options {
	const char *dir;
	const char *listen;
	int demo;
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
void doc_apply(struct op *);
int doc_save(struct doc *, char **err);

/* view.c */
char *view_line_bytes(const struct buffer *, size_t line, size_t *len);
void view_set_doc(struct view *, struct doc *);
void view_shift(struct view *, const struct op *, int mine);
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
