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
#include "invite.h"
#include "keys.h"
#include "marks.h"
#include "rate.h"
#include "role.h"
#include "split.h"

struct buffer;
struct colindex;
struct highlight;
struct syntax_set;
struct repo;
struct loop;
struct journal;
struct undo;
struct journal_draft;
struct server;
struct client;

#define SERVER_NOTICE_MS 4000 /* how long a notice stays on screen */
#define SERVER_MIN_COLS 20    /* smaller terminals get "terminal too small" */
#define SERVER_MIN_ROWS 5
#define CHAT_TEXT_MAX 1000 /* bytes of one chat message */
#define SERVER_NAME_MAX 40 /* bytes of a name an invited person gives */
/* Ctrl letters the editor takes (or the terminal sends as other keys):
 * not for a pane prefix. */
#define SERVER_EDITOR_CTRL_KEYS "cdfghijmopqrstvxyz"
#define SERVER_PASTE_TYPED_MAX                                                 \
	256 /* characters a paste types into a prompt                          \
	     */

/*
 * What each person may do that everyone sees (CMD_BROADCAST: a chat
 * message, question, decide, accept, reject, supersede, commit, a save, a
 * reload): SERVER_BROADCAST_BURST at once, then one every
 * SERVER_BROADCAST_MS. People talking never get near it (ten messages in
 * a row, then one every two seconds for as long as they like); a script
 * gets 30 a minute instead of thousands.
 */
#define SERVER_BROADCAST_BURST 10
#define SERVER_BROADCAST_MS 2000

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
	struct colindex *colindex; /* columns of its long lines; may be NULL */
	struct highlight *highlight; /* its syntax colours; NULL for none */
	int modified;
	size_t changed;        /* while modified: the first byte changed */
	mode_t mode;           /* of the file on disk, kept on save */
	int readonly;          /* binary or protected: shown, never changed */
	const char *protected; /* why the session may not change it (see
	                          repo_protected), or NULL */
	int journaled; /* its base is in the journal since the last compaction
	                */

	struct file_stamp disk; /* the file as last loaded or saved */
	int disk_changed;       /* the file changed behind the session */

	struct doc_histories histories;

	/* The margin: lines covered by accepted decisions (lookup.c computes
	 * them off the loop, doc_apply keeps them in step with edits). */
	struct marks marks;
	char marks_head[41]; /* the HEAD they were computed at; "" none */
	int marks_asking;    /* a computation is running */

	TAILQ_ENTRY(doc) entry;
};
TAILQ_HEAD(docs, doc);

/* An edit: everything is an op, applied in arrival order. */
struct op {
	struct doc *doc;
	struct client *author; /* NULL in recovery or for a reload from disk */
	struct view *view;     /* the author's view it came from, or NULL */
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

/* Someone who has been here, by key: for trailers and `since`. */
struct person {
	char *key;
	char *name;
	char *email;   /* "" when none is known */
	int64_t visit; /* ms since the epoch they were last here; 0 never */
	int mouse_off; /* said `mouse off` (kept for the session) */
	struct rate broadcast; /* what they show everyone (all connections) */
	char *panes;     /* their layout (server_pane_save's text), or NULL */
	uint32_t prefix; /* their prefix key's letter, 0 for Ctrl-B */
	TAILQ_ENTRY(person) entry;
};
TAILQ_HEAD(people, person);

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

/*
 * A pane: one rectangle of a person's text area and what it shows, drawn
 * and driven through its mode (a small table of operations, as tmux's
 * window_mode). Document panes have their own view: cursor, selection
 * and scroll. A person's panes are the leaves of their split tree
 * (split.h); each pane has a title row on top when there are several.
 */
struct pane;
struct pane_mode {
	const char *name; /* "document" */
	/* Draw into the pane's rectangle of f (x, y, sx, sy), never out. */
	void (*draw)(const struct server *, const struct client *,
	    const struct pane *, struct frame *);
	/* What its title row says (caller frees). */
	char *(*title)(const struct client *, const struct pane *);
	void (*free)(struct pane *);
	/* A key (after the prefix's own), a paste, a mouse event on it, when
	 * it is c's focused pane (the mouse: the pane under the pointer). */
	void (*key)(struct client *, struct pane *, const struct key_event *);
	void (*paste)(struct client *, struct pane *, const char *, size_t);
	void (*mouse)(struct client *, struct pane *, const struct key_event *);
	/* Its text area changed size (tsx x tsy, maybe 0 when hidden), or
	 * NULL. */
	void (*resize)(struct client *, struct pane *);
};
struct pane {
	unsigned id; /* per person: 1, 2, ... */
	const struct pane_mode *mode;
	/* A document pane's view; a terminal pane keeps the view it had (the
	 * document it showed last), which follows edits as any view. */
	struct view view;
	struct server_term *term; /* a terminal pane's; NULL once ended */
	char *term_name;          /* its name (kept when it has ended) */
	unsigned scroll; /* a terminal pane: lines back in the scrollback
	                    shown (0: the live screen; prefix [ or the wheel) */
	/* A terminal pane's copy mode (prefix [): a cursor at column cx of
	 * row cy (as term_cell counts rows: negative in the scrollback), and
	 * the mark Space set, if any. */
	int copy;
	int cy, my;
	unsigned cx, mx;
	int marked;
	int dragged;         /* a drag of the mouse made the selection */
	struct split *split; /* its leaf in the person's tree */
	/* Where it is (after server_pane_layout): the whole rectangle, and
	 * the text in it (below the title row, if any). */
	unsigned x, y, sx, sy;
	unsigned tx, ty, tsx, tsy;
	int hidden; /* too small to show, or another pane is zoomed */
	TAILQ_ENTRY(pane) entry;
};
TAILQ_HEAD(panes, pane);

/* A shared terminal (server-term.c; term.c runs and emulates it). */
#define SERVER_TERM_NAME_MAX 32
#define SERVER_TERM_NAME_CHARS                                                 \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
struct server_term {
	char *name;
	struct term *term;
	int ended;      /* its shell has exited (status) */
	int status;     /* waitpid's */
	char *typist;   /* the name of who typed last, "" if no one yet */
	int shared_all; /* editors may type in it */
	TAILQ_ENTRY(server_term) entry;
};
TAILQ_HEAD(server_terms, server_term);

/* A one-line prompt on the status row (find, go to line). */
struct prompt {
	char text[1024]; /* what the person typed, UTF-8 (chat: 1000 bytes) */
	size_t len;
	size_t origin; /* cursor when the prompt opened (Esc returns there) */
	size_t origin_top;
	int found; /* find: 1 a match is selected, 0 none, -1 not searched */
};

/*
 * An overlay takes a person's keys over their panes (tmux's per-client
 * overlays and modes): the file picker, find, go to line, the palette,
 * chat, the commit message, a pop-up, the name prompt. One row each
 * (overlay.c), with its own callbacks; a client's overlay is NULL when
 * keys go to the focused pane.
 */
struct overlay {
	const char *name;
	/* What it takes, said when a key it has no use for is typed. */
	const char *hint;
	void (*key)(struct client *, const struct key_event *);
	/* Drawn over the text area (height rows); NULL: the panes show. */
	void (*draw)(const struct server *, const struct client *,
	    struct frame *, unsigned height);
	/* A one-line prompt on the status row: its label, and what it says
	 * on the right (NULL: notices), or NULL for the usual status. */
	const char *label;
	void (*info)(const struct client *, char *, size_t);
	/* A bracketed paste (NULL: typed in, as keys). */
	void (*paste)(struct client *, const char *, size_t);
	void (*mouse)(struct client *, const struct key_event *); /* or NULL */
	void (*close)(struct client *); /* what it holds is freed (or NULL) */
	int whole; /* it takes the whole screen (the name prompt) */
};
extern const struct overlay overlay_picker, overlay_find, overlay_goto,
    overlay_palette, overlay_chat, overlay_commit, overlay_popup, overlay_name;
void overlay_open(struct client *, const struct overlay *);
int overlay_is_hint(const char *);
const char *overlay_hint(const struct client *);
void overlay_close(struct client *);

/*
 * What a key or a palette command needs, checked at one place
 * (server_client_allowed) before it runs: a refused one does nothing and
 * the person is told why.
 */
#define CMD_EDIT 0x1      /* changes the text of the document in view */
#define CMD_JOURNAL 0x2   /* adds session records (chat, drafts, ...) */
#define CMD_BROADCAST 0x4 /* shows something to everyone (rate-limited) */
#define CMD_COMMIT 0x8    /* makes a git commit: one at a time */
/* Who may (role.h): CMD_EDIT implies CMD_EDITOR, since nothing that
 * changes a document's text is for viewers. */
#define CMD_EDITOR 0x10 /* needs the editor role at least: not viewers */
#define CMD_HOST 0x20   /* hosts only */

/* A palette command: one row of the table in cmd.c. */
struct cmd_entry {
	const char *name; /* "decide" */
	const char *args; /* "[TITLE]", "TEXT", "NAME", "" */
	const char *help; /* one line */
	int flags;        /* CMD_* */
	void (*handler)(struct client *, const char *arg); /* arg: "" if none */
};

/* The Ctrl-P palette: the typed text and the commands matching its first
 * word. */
struct palette {
	char text[256]; /* "decide Use WAL" */
	size_t len;
	size_t match[64]; /* indexes into the command table */
	size_t nmatch;
	size_t sel; /* index into match */
	size_t top;
};

/* A pop-up: lines over the text area, scrolled with the arrows, closed with
 * Esc; any key it has no use for closes it and goes on (popup_key). Each
 * line is UTF-8 text (made inert when drawn); a line starting with
 * POPUP_BOLD is a heading. A line can have an action, run with Enter when
 * it is selected (the arrows move among such lines). */
#define POPUP_BOLD '\001'
struct client;
typedef void (*popup_cb)(struct client *, const char *arg);
struct popup_act {
	popup_cb fn; /* NULL: the line has none */
	char *arg;
};
struct popup {
	unsigned id; /* a new one each popup_open: which pop-up is shown */
	char *title;
	char **lines;
	struct popup_act *acts; /* one per line */
	size_t nlines;
	size_t nacts; /* lines with an action */
	size_t top;   /* first line shown */
	size_t sel;   /* the selected line (when nacts > 0) */
};
/* What a key does to a pop-up (popup_key). */
enum popup_result {
	POPUP_KEPT,  /* used: the pop-up stays */
	POPUP_CLOSE, /* Esc: close it, the key is spent */
	POPUP_OPEN,  /* Enter on a line with an action: close it, run that */
	POPUP_PASS   /* no use for it: close it, the key does what it would */
};

/* A chat message; the whole history is kept (journal and memory). */
struct chat_msg {
	int64_t seq;
	int64_t time; /* ms since the epoch */
	char *author; /* key fingerprint */
	char *name;
	int colour; /* of the author when sent */
	char *text;
	TAILQ_ENTRY(chat_msg) entry;
};
TAILQ_HEAD(chat_msgs, chat_msg);

/* Something that happened, for people who were away (`since`). */
struct event {
	int64_t time;
	int kind; /* enum journal_event_kind */
	char *author;
	char *text;
	char *place; /* what a catch-up opens: "path" or "path:line"; or NULL */
	TAILQ_ENTRY(event) entry;
};
TAILQ_HEAD(events, event);

/* An open question asked with no draft. */
struct question {
	int64_t id;
	int64_t time;
	char *author;
	char *text;
	TAILQ_ENTRY(question) entry;
};
TAILQ_HEAD(questions, question);

/* A decision draft in progress (its text is the document at path). */
struct draft {
	char *path; /* the record file */
	unsigned number;
	char *title;
	char *author; /* key of who ran decide */
	unsigned supersedes;
	char *present; /* keys, one per line */
	char *ranges;  /* "path:a-b@commit", one per line */
	int64_t chat_first, chat_last;
	char *head; /* HEAD id it was built on; "" unborn */
	int64_t time;
	TAILQ_ENTRY(draft) entry;
};
TAILQ_HEAD(drafts, draft);

/* Who typed in a file since it was last committed; saved marks it too. */
struct editor {
	char *path;
	char *author;
	TAILQ_ENTRY(editor) entry;
};
TAILQ_HEAD(editors, editor);

/* A Ctrl-O file list: filter as you type. */
struct picker {
	char filter[256];
	size_t filter_len;
	char **files; /* every candidate: terminals first ("term NAME") */
	size_t nfiles;
	size_t nterms; /* how many of files are terminals */
	size_t *match; /* indexes into files of those that match */
	size_t nmatch;
	size_t sel; /* index into match */
	size_t top;
};

/* A bracketed paste arriving from a person. */
enum client_paste {
	CLIENT_PASTE_NONE = 0,
	CLIENT_PASTE_GATHERING,   /* held in client.paste until it ends */
	CLIENT_PASTE_TOO_LARGE,   /* over --max-paste: the rest is dropped */
	CLIENT_PASTE_OVER_BUDGET, /* over --paste-budget: the same */
};

/* Who a person attached on the unix socket is, as the daemon decided. */
struct client_local {
	char *name;  /* git config user.name, else the login name */
	char *email; /* git config user.email, else "" */
	char *key;   /* "local:LOGIN": their identity in the session */
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
	char addr[64]; /* the client's address (numeric) */
	/* Attached on the unix socket (moot attach): the daemon says who
	 * they are (server_attach), not the frontend; NULL for SSH. */
	struct client_local *local;

	char *name;
	char *email;
	char *user;
	char *key;
	enum role role;   /* what they may do (role.h) */
	int colour;       /* 1 .. MOOT_NCOLOURS */
	uint16_t colours; /* what the terminal can show */
	int syntax_off;   /* `syntax off`: no syntax colours on my screen */
	int mouse_off;    /* `mouse off`: my terminal sends no mouse reports */
	int mouse_drag;   /* the left button went down in the text: drags
	                     select */
	/* The left button went down on a pane border: drags move it. Kept
	 * as the border's cell, found again in the tree at each drag. */
	int border_drag;
	unsigned border_x, border_y;

	unsigned cols, rows;
	uint16_t gen;

	/* Panes: the split tree, every pane, the focused one, and its view
	 * (a terminal pane keeps the document view it had: what the status
	 * row, presence and follow use; never NULL). */
	struct split *split;
	struct panes panes;
	struct pane *pane;
	struct view *view;
	unsigned pane_ids; /* the last pane id given */
	int zoomed;        /* the focused pane takes the whole text area */
	int prefixed;      /* the prefix key was pressed: a pane key follows */
	uint32_t prefix;   /* the prefix key: a Ctrl letter ('b') */
	const struct overlay *overlay; /* NULL: keys go to the focused pane */
	struct picker picker;
	struct prompt prompt;
	char *find_last; /* the last text searched for */

	char *clipboard; /* this person's own: Ctrl-X/Ctrl-C fill it */
	size_t clipboard_len;
	struct bytes paste;        /* a bracketed paste arriving */
	enum client_paste pasting; /* and what becomes of it */

	uint64_t last_edit;   /* when they last typed (undo grouping) */
	size_t last_edit_end; /* where their last edit ended */
	struct doc *last_edit_doc;
	uint64_t save_confirm; /* until when Ctrl-S overwrites a changed file */
	struct doc *jdoc;      /* the place last written to the journal */
	size_t jcursor;

	struct palette palette;
	struct popup popup;
	int why_asking;           /* a `why` is being looked up (lookup.c) */
	struct client *following; /* my view tracks theirs (NULL: no one) */
	int64_t last_visit;       /* ms; their previous visit, 0 if none */

	/* Entering by invitation (overlay_name): what HELLO said, kept until
	 * they have given their name. */
	char *hello_notice;
	char *hello_term;
	int64_t invite;      /* the invitation they came by */
	uint64_t name_until; /* when the name prompt gives up (loop_now) */

	char *notice; /* private notice (e.g. unknown TERM) */
	uint64_t notice_until;
	struct rate broadcast; /* when they have no person (no key) */
	uint64_t slow_told;    /* when told to slow down; 0: not refused */

	struct frame *sent;  /* what the frontend has drawn */
	struct frame *spare; /* the next frame is drawn in this one */
	uint32_t seq;        /* last frame sent */
	uint32_t acked;      /* last frame the frontend drew */
	uint64_t sent_at;    /* when the unacknowledged frame went out */
	uint64_t frames;     /* frames rendered for them (logged at the end) */
	int dirty;
	/* Only a terminal they show changed: drawn at most every
	 * SERVER_TERM_FRAME_MS, however fast its program prints. */
	int term_dirty;
	int stalled;

	TAILQ_ENTRY(client) entry;
};
TAILQ_HEAD(clients, client);

/* The command line of `moot serve` (moot.c fills in the defaults). */
#define SERVER_MAX_FILE_SIZE (512ULL * 1024 * 1024) /* --max-file-size */
#define SERVER_MAX_PASTE (16ULL * 1024 * 1024)      /* --max-paste */
#define SERVER_PASTE_BUDGET (64ULL * 1024 * 1024)   /* --paste-budget */
/* Limits before login, as sshd's LoginGraceTime, MaxAuthTries, MaxStartups
 * and PerSourceMaxStartups; and how many people may be in at once. */
#define SERVER_LOGIN_GRACE 20         /* --login-grace-time, seconds */
#define SERVER_MAX_AUTH_TRIES 6       /* --max-auth-tries */
#define SERVER_STARTUPS_BEGIN 10      /* --max-startups BEGIN:rate:full */
#define SERVER_STARTUPS_RATE 30       /* percent dropped at BEGIN */
#define SERVER_STARTUPS_FULL 100      /* all dropped from here */
#define SERVER_PER_SOURCE_STARTUPS 10 /* --per-source-max-startups */
#define SERVER_MAX_PEOPLE 200         /* --max-people */
/* After login, as sshd's ClientAliveInterval and ClientAliveCountMax: a
 * client silent for interval * (count + 1) seconds is gone (60 s). */
#define SERVER_KEEPALIVE_INTERVAL 15 /* --keepalive-interval, seconds */
#define SERVER_KEEPALIVE_COUNT 3     /* --keepalive-count */
struct server_options {
	const char *dir;
	const char *listen;
	int demo;
	int durable; /* journal with synchronous=FULL */
	int verbose;
	int trust_tree_hooks;   /* run git hooks that live in the work tree */
	uint64_t max_file_size; /* larger files are refused */
	uint64_t max_paste;     /* bytes of one person's unfinished paste */
	uint64_t paste_budget;  /* bytes of everyone's unfinished pastes */
	unsigned login_grace; /* seconds to authenticate and ask for a shell */
	unsigned max_auth_tries; /* failed authentications per connection */
	unsigned startups_begin; /* pending connections before drops start */
	unsigned startups_rate;  /* percent dropped at startups_begin */
	unsigned startups_full;  /* pending connections when all are dropped */
	unsigned per_source_startups; /* pending connections from one address */
	unsigned max_people;          /* people in the session at once */
	unsigned keepalive_interval;  /* silent seconds before a keepalive */
	unsigned keepalive_count;     /* unanswered keepalives before the cut */
	const char *syntax_dir; /* nano's syntax files; NULL: SYNTAX_DIR */
	int no_syntax;          /* no syntax colours for anyone */
	int no_terminals;       /* no shared terminals (`term` refused) */
};

struct server {
	struct server_options opts; /* the command line, with defaults */
	struct loop *loop;
	struct server_terms terms;     /* shared terminals */
	struct loop_timer *term_frame; /* a terminal's frame is due then */
	int terms_shared_all; /* `share all`: editors type in every one */
	struct repo *repo;
	struct syntax_set *syntaxes; /* read at start; NULL with --no-syntax */
	int listen_fd;
	struct docs docs;
	struct clients clients;
	unsigned next_id;
	char *notice; /* notice for everyone */
	uint64_t notice_until;
	uint64_t now; /* ms, monotonic, updated each loop pass */

	struct journal *journal;
	int replaying; /* recovery: ops are not journaled again */
	/* While the journal cannot be written the session is read-only: why,
	 * as people are told it (NULL when it can be written). */
	char *readonly;
	uint64_t journal_retry; /* when to try writing it again */
	struct places places;

	struct chat_msgs chat; /* oldest first */
	size_t nchat;
	size_t chat_held;     /* the newest messages, said since the journal was
	                         last written: nobody sees them until it is */
	int64_t chat_decided; /* seq of the last message quoted by a draft */
	struct events events;
	struct questions questions;
	struct drafts drafts;
	struct editors editors; /* who typed in what since its last commit */
	struct editors saved;   /* files saved since their last commit (author
	                           = who saved) */
	char *accepted;         /* "ADR-0007\nADR-0009\n": accepted since the
	                           last `commit` */
	uint64_t paste_held;    /* bytes of everyone's unfinished pastes */
	struct people people;
	struct members members; /* roles remembered by key (role.c) */
	struct invites invites; /* live invitations (invite.c) */
	char *listen;           /* the address listened on, as shown */
};

extern struct server *server;

/* server.c */
int server_main(const struct server_options *);
void server_redraw_all(void);
/* End the session as on SIGTERM: everyone told, the loop stopped. */
void server_shutdown(void);
/* control.c's `attach`: start a local frontend on fd, a unix socket whose
 * peer has uid (checked to be the daemon's). */
void server_attach(int fd, const char *args, uid_t uid);
void server_redraw_doc(struct doc *);
void server_op_applied(const struct op *);
void server_notice(const char *, ...) __printflike(1, 2);
void server_client_lost(struct client *);

/* startups.c */
const char *startups_refuse(const char *addr);
void startups_log_refused(const char *, ...) __printflike(1, 2);

/* server-client.c */
struct client *server_client_create(int fd, pid_t pid);
void server_client_free(struct client *);
void server_client_read(struct client *);
void server_client_key(struct client *, const struct key_event *);
void server_client_notice(struct client *, const char *, ...)
    __printflike(2, 3);
int server_client_allowed(struct client *, int flags);
void server_client_name_expire(void);
/* The same for a palette command: what (its name) goes in the refusal. */
int server_client_allowed_cmd(struct client *, int flags, const char *what);
/* End c's connection; why is shown on their terminal ("" for nothing). */
void server_client_bye(struct client *, const char *why);
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
void doc_marks_op(struct doc *, const struct op *);

/* hold.c: edits held back from screens while the journal cannot be
 * written. */
void hold_op(const struct op *);
void hold_clear(void);
void hold_forget(struct doc *);
int hold_held(void);
void hold_take_out(void);
void hold_put_back(void);

/* recover.c */
size_t recover_journal(const char *path, int durable);

/* server.c */
void server_place_set(const char *key, const char *path, size_t pos);
struct place *server_place_find(const char *key);

/* server.c */
void server_person_set(const char *key, const char *name, const char *email);
struct person *server_person_find(const char *key);
int64_t server_wallclock(void);

/* server-client.c */
void server_client_show(struct client *, struct doc *);
void server_client_replace(struct client *, size_t from, size_t to,
    const char *s, size_t len, int group);
void server_client_popup(struct client *);
void server_client_detach(struct client *);
void server_client_palette(struct client *);
void server_client_hint(struct client *);
void server_client_ask(struct client *, const struct overlay *);

/* doc.c */
void doc_replace(struct doc *, struct client *, const char *, size_t);

/* server-pane.c: a person's panes (split.h has the tree). */
extern const struct pane_mode server_pane_doc_mode;
void server_pane_init(struct client *);
void server_pane_free_all(struct client *);
void server_pane_focus(struct client *, struct pane *);
void server_pane_layout(struct client *);
void server_pane_split(struct client *, enum split_type);
void server_pane_close(struct client *);
void server_pane_select(struct client *, enum split_dir);
void server_pane_next(struct client *);
void server_pane_zoom(struct client *);
void server_pane_resize(struct client *, enum split_dir);
int server_pane_border_mouse(struct client *, const struct key_event *);
void server_pane_show(struct client *, struct doc *);
void server_pane_show_term(struct client *, struct server_term *);
/* Rows of the overlay and pane mode tables (overlay.c, server-pane.c,
 * server-term.c) and what they call. */
void server_client_picker_key(struct client *, const struct key_event *);
void server_client_palette_key(struct client *, const struct key_event *);
void server_client_ask_key(struct client *, const struct key_event *);
void server_client_popup_key(struct client *, const struct key_event *);
void server_client_name_key(struct client *, const struct key_event *);
void server_client_doc_key(
    struct client *, struct pane *, const struct key_event *);
void server_client_paste_doc(
    struct client *, struct pane *, const char *, size_t);
void server_client_paste_line(struct client *, const char *, size_t);
void server_client_paste_popup(struct client *, const char *, size_t);
void prompt_find_key(struct client *, const struct key_event *);
void prompt_goto_key(struct client *, const struct key_event *);
void prompt_find_close(struct client *);
void render_find_info(const struct client *, char *, size_t);
void render_picker(
    const struct server *, const struct client *, struct frame *, unsigned);
void render_palette(
    const struct server *, const struct client *, struct frame *, unsigned);
void render_popup(
    const struct server *, const struct client *, struct frame *, unsigned);
void render_name(
    const struct server *, const struct client *, struct frame *, unsigned);
void server_mouse_popup(struct client *, const struct key_event *);
void server_mouse_doc(struct client *, struct pane *, const struct key_event *);
void server_mouse_term(
    struct client *, struct pane *, const struct key_event *);
void server_term_resize(struct client *, struct pane *);
void server_term_copy_enter(struct client *, struct pane *);
void server_term_copy_mouse(
    struct client *, struct pane *, const struct key_event *);
extern const struct overlay overlay_term_find;
char **server_term_names(size_t *);
void server_pane_shift(
    struct client *, struct doc *, const struct op *, const struct view *);
void server_pane_replace_doc(struct client *, struct doc *, struct doc *);
void server_pane_save(struct client *);
int server_pane_restore(struct client *, const char *);
int server_pane_key(struct client *, const struct key_event *, int *);
void server_pane_prefix(struct client *, uint32_t);
void server_pane_enter(struct client *);
void server_pane_recover(const char *key, const char *value);

/* server-term.c: shared terminals. */
extern const struct pane_mode server_term_mode;
void server_term_open(struct client *, const char *name);
void server_term_key(struct client *, struct pane *, const struct key_event *);
void server_term_scroll(struct client *, struct pane *, int lines);
void server_term_paste(struct client *, struct pane *, const char *, size_t);
void server_term_share(struct client *, const char *name, int on);
void server_term_free(struct server_term *);
void server_term_free_all(void);

/* presence.c: when each person was last here (catch-ups start there). */
void presence_touch(void);
void presence_join(struct client *);
void presence_leave(struct client *);
void presence_end(void);
void presence_restore(const char *);
void presence_start(size_t);
const char *presence_restarted(const struct client *);

/* chat.c: the chat line, what happened, and who was here when. */
void chat_say(struct client *, const char *text);
struct chat_msg *chat_add(int64_t seq, int64_t time, const char *author,
    const char *name, const char *text);
void chat_history(struct client *);
void chat_event(int kind, const char *author, const char *place,
    const char *fmt, ...) __printflike(4, 5);
void chat_event_add(int64_t time, int kind, const char *author,
    const char *text, const char *place);
/* c joined or left (JOURNAL_EV_JOINED, _LEFT), for `moot log`. */
void chat_presence(struct client *, int kind);
void chat_question_add(
    int64_t id, int64_t time, const char *author, const char *text);
void chat_since(struct client *, int on_join);
/* Accepted decisions whose code changed since someone's last visit: found
 * off the loop (lookup.c), shown by `since` (chat.c). */
enum since_state { SINCE_LOOKING, SINCE_KNOWN, SINCE_FAILED };
struct since_dec {
	unsigned number;
	char *title;
	unsigned long changed, decided; /* lines changed; lines decided */
	unsigned commits, authors;      /* commits since, their authors */
	int64_t time;                   /* the newest change, Unix seconds */
	int gone;                       /* none of its code is left */
};
struct since_decs {
	enum since_state state;
	struct since_dec *v; /* newest change first */
	size_t n;
};
/* (Re)build c's `since` pop-up with what is known of those decisions;
 * returns the pop-up's id, 0 when none was opened (on joining with
 * nothing to show). */
unsigned chat_since_show(
    struct client *, int on_join, const struct since_decs *);

/* decision.c: decision drafts, accepting them, committing code. */
void decision_start(struct client *, const char *title, unsigned supersedes);
void decision_question(struct client *, const char *text);
void decision_link(struct client *);
void decision_finish(struct client *, int accept);
void decision_open(struct client *);
void decision_commit_ask(struct client *);
void decision_commit(struct client *, const char *message);
int decision_committing(void);
struct draft *decision_find(const char *path);
void decision_restore(const struct journal_draft *);
void decision_edited(struct doc *, const char *key);
void decision_open_path(struct client *, const char *path);
void decision_open_record(struct client *, unsigned);
void decision_saved(struct doc *, const char *key, int announce, size_t line);
void decision_editor_add(
    struct editors *, const char *path, const char *author);

/* lookup.c: what the editor asks of git history, computed in forked
 * children off the loop. */
void lookup_why(struct client *);
void lookup_marks(struct doc *);
void lookup_tick(void);
int lookup_since(struct client *, int on_join, unsigned popup);
void lookup_forget_doc(struct doc *);

/* view.c */
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

/* render.c */
void render_client(
    const struct server *, const struct client *, struct frame *);

/* render.c: rows for panes or an overlay (the terminal less the status,
 * presence and chat rows). */
unsigned render_overlay_height(const struct server *, const struct client *);
/* Rows and columns of text in the focused pane (less the title row and
 * the margin's gutter). */
unsigned render_text_height(const struct server *, const struct client *);
unsigned render_text_width(const struct server *, const struct client *);
/* How many chat rows show above the status row. */
unsigned render_chat_rows(const struct server *, const struct client *);
unsigned render_pane_gutter(const struct pane *);
/* A document pane, into its rectangle (pane_mode draw). */
void render_pane_doc(const struct server *, const struct client *,
    const struct pane *, struct frame *);

/* palette.c */
void palette_open(struct palette *, const struct cmd_entry *, size_t n);
void palette_filter(struct palette *, const struct cmd_entry *, size_t n);
void palette_type(struct palette *, const struct cmd_entry *, size_t n,
    const char *utf8, size_t len);
void palette_backspace(struct palette *, const struct cmd_entry *, size_t n);
void palette_move(struct palette *, int delta, unsigned height);
/* The command Enter runs: the one whose name equals the first word, else
 * the selected match; NULL when none. *arg points into p->text: the rest
 * after the first word, leading spaces skipped. */
const struct cmd_entry *palette_chosen(const struct palette *,
    const struct cmd_entry *, size_t n, const char **arg);

/* popup.c */
void popup_open(struct popup *, const char *title);
void popup_add(struct popup *, const char *fmt, ...) __printflike(2, 3);
void popup_act(struct popup *, popup_cb, const char *arg);
void popup_free(struct popup *);
void popup_select(struct popup *, size_t line, unsigned height);
enum popup_result popup_key(
    struct popup *, const struct key_event *, unsigned height);

/* server-mouse.c */
void server_mouse_key(struct client *, const struct key_event *);

/* cmd.c */
extern const struct cmd_entry cmd_table[];
extern const size_t cmd_count;
void cmd_run(struct client *, const char *line);
void cmd_exec(struct client *, const struct cmd_entry *, const char *arg);

/* picker.c */
void picker_open(struct picker *, char **files, size_t nfiles);
void picker_open_terms(
    struct picker *, char **files, size_t nfiles, char **terms, size_t nterms);
void picker_free(struct picker *);
void picker_filter(struct picker *);
void picker_type(struct picker *, const char *utf8, size_t len);
void picker_backspace(struct picker *);
void picker_move(struct picker *, int delta);
const char *picker_selected(const struct picker *);
/* The terminal's name when the chosen entry is a terminal, else NULL. */
const char *picker_selected_term(const struct picker *);

#endif
