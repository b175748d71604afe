/* control.h: the control socket under .git/moot/: requests from the account
 * running the session (`moot invite`), one line in and one reply out. */
#ifndef MOOT_CONTROL_H
#define MOOT_CONTROL_H

#include <sys/types.h>

#include <stddef.h>

#define CONTROL_FILE "control"  /* under .git/moot/, mode 0600 */
#define CONTROL_LINE_MAX 512    /* bytes of a request, newline included */
#define CONTROL_TIMEOUT_MS 2000 /* to send the whole request */
#define CONTROL_CONNS_MAX 8     /* requests being read at once */
#define CONTROL_REPLY_MAX 4096  /* bytes of a reply */

/* One kind of request: a row of the table in control.c. */
struct control_request {
	const char *name; /* the first word of the line: "invite" */
	/* The reply ("ok\n..." or "error\n..."; caller frees) to the rest
	 * of the line (spaces after the name skipped, "" if none). */
	char *(*handler)(const char *args);
	/* Or, for a request that keeps its connection (`attach`): the
	 * connection's descriptor (now the handler's, blocking) and the
	 * peer's uid; the handler answers on it itself. */
	void (*take)(int fd, const char *args, uid_t uid);
};

/*
 * Parse a request: the bytes read (len of them) must be one line of
 * printable ASCII ended by a newline. Returns 1 with *req and *args (a
 * copy of the rest, caller frees), 0 if more bytes are needed, -1 with
 * *err a sentence.
 */
int control_parse(const char *buf, size_t len,
    const struct control_request **req, char **args, const char **err);

/* The daemon: listen on statedir/control (a stale socket is replaced);
 * -1 if it cannot (logged: the session goes on without it). */
int control_start(const char *statedir);
void control_stop(void);

/*
 * The command line: send a request to the session of statedir and read
 * its reply. 0 with *reply (caller frees; the reply's first line is "ok"
 * or "error"), -1 when no session answers (*err says why, caller frees).
 */
int control_ask(
    const char *statedir, const char *line, char **reply, char **err);
/* The command line: a connection to the session of statedir (blocking),
 * or -1 with *err (caller frees) when none answers. */
int control_connect(const char *statedir, char **err);

#endif
