/* frontend.h: the per-connection frontend process and what it uses.
 * SSH (libssh), identities and host key, drawing frames with ncurses. */
#ifndef MOOT_FRONTEND_H
#define MOOT_FRONTEND_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "frame.h"

/* auth.c: who may join. */
struct authkey {
	void *key;           /* ssh_key */
	char *name;          /* from the comment "Name <email>", or NULL */
	char *email;         /* or NULL */
	char *source;        /* file it came from */
	int home;            /* from the account's own ~/.ssh */
	char *line;          /* the line as written (for a frontend) */
	char *fingerprint;   /* computed when first needed, or NULL */
	struct authopt *opt; /* the line's options (authopt.h) */
	const char *bad;     /* why the options did not parse, or NULL */
	int logged;          /* a refusal of this line was logged */
};
struct authkeys {
	struct authkey *keys;
	size_t n;
};
/* Load every key the session accepts (see docs); files that do not exist
 * are skipped. root: the working tree's descriptor (-1: none). Returns the
 * number of keys. */
size_t auth_load(struct authkeys *, const char *home, int root);
/* An empty list; one authorized_keys line added to it (as auth_load
 * does: a line that is no key is skipped). */
void auth_init(struct authkeys *);
void auth_add_line(
    struct authkeys *, const char *line, const char *source, int home);
void auth_free(struct authkeys *);
/* The first line of that key that lets it in from addr (numeric, NULL if
 * unknown) at now. If none does: NULL, with *refused the first line of that
 * key (NULL: not listed) and *why its reason. */
struct authkey *auth_find(const struct authkeys *, void *ssh_key,
    const char *addr, time_t now, struct authkey **refused, const char **why);
/* The first line of the key with that fingerprint that lets it in from
 * addr at now, or NULL. */
struct authkey *auth_find_fingerprint(
    const struct authkeys *, const char *fp, const char *addr, time_t now);
/* Split a key comment "Name <email>" (either part may be missing). */
void auth_parse_comment(const char *comment, char **name, char **email);
/* Whether two names read the same (ASCII case and spacing ignored). */
int auth_same_name(const char *, const char *);
/* A key's SHA256 fingerprint as ssh shows it (caller frees), or NULL. */
char *auth_fingerprint(void *ssh_key);
/* The first key, in the files' order, whose comment gives that name. */
const struct authkey *auth_owner(const struct authkeys *, const char *name);

/* hostkey.c */
void *hostkey_load(const char *statedir, char **fingerprint);

/* A list of strings (a kind of field of frontend_args). */
struct frontend_strings {
	char **v;
	size_t n;
};

/*
 * What a frontend is started with. The descriptors are its own; the
 * rest is what the daemon tells it (frontend-args.c): a field added here
 * is added to frontend_args_fields too, and nothing else changes.
 */
struct frontend_args {
	int sock;   /* accepted TCP connection, or the local unix socket */
	int daemon; /* socketpair end to the daemon */

	char *hostkey; /* the host's private key, base64 (secret) */
	struct authkeys keys;
	unsigned grace;     /* seconds to authenticate and ask for a shell */
	unsigned max_tries; /* failed authentications before the cut */
	unsigned
	    ka_interval;   /* seconds of silence before a keepalive; 0: off */
	unsigned ka_count; /* unanswered keepalives before the cut */
	/* Fingerprints of the keys the session remembers (members: people
	 * who came by invitation or were given a role), which may join
	 * under any user name as the key files' keys may. */
	struct frontend_strings members;
	/* 1: sock is a local `moot attach` on the unix socket (relay.h's
	 * frames, no SSH, no host key); 0: an SSH connection. */
	unsigned local;
};

/* frontend-args.c: the fields as bytes, at most FRONTEND_ARGS_MAX. */
#define FRONTEND_ARGS_MAX (16 * 1024 * 1024)
struct bytes;
void frontend_args_init(struct frontend_args *);
/* Append the fields to b: 0, or -1 if they are above FRONTEND_ARGS_MAX. */
int frontend_args_write(const struct frontend_args *, struct bytes *);
/* Fill a (the descriptors -1): 0, or -1 with *err set (a is then empty). */
int frontend_args_read(
    const void *, size_t, struct frontend_args *, const char **err);
/* Free the fields (the descriptors are left alone). */
void frontend_args_free(struct frontend_args *);

/* frontend-exec.c: a frontend is the moot program run afresh. */
#define FRONTEND_EXEC_ARG "--frontend" /* the hidden entry: moot --frontend */
/* The daemon, at start: keep its own program open, make the frontend's
 * environment. */
void frontend_exec_init(void);
/* The daemon: start a frontend on sock and daemon (both closed here in
 * the daemon's copy by the caller); its pid, or -1 (logged). */
pid_t frontend_exec_spawn(int sock, int daemon, const struct frontend_args *);
/* The frontend's entry, from main: read what the daemon sent, run. */
__dead void frontend_exec_main(void);

/* frontend.c */
__dead void frontend_main(struct frontend_args *);

/* tty.c: one ncurses SCREEN per frontend process. */
struct tty;
struct tty *tty_open(
    const char *term, unsigned cols, unsigned rows, char **notice);
void tty_close(struct tty *);
int tty_colours(struct tty *);
void tty_resize(struct tty *, unsigned cols, unsigned rows);
/* Draw rows of f marked in changed (NULL: all) and the cursor. */
void tty_draw(
    struct tty *, const struct frame *, const uint16_t *rows, size_t nrows);
/* Terminal output produced since the last call (escape sequences). */
const char *tty_output(struct tty *, size_t *len);
void tty_output_done(struct tty *);
void tty_end(struct tty *);
void tty_mouse(struct tty *, int on);

/* colour.c */
int colour_for_key(const char *fingerprint, const int *taken, int ntaken);
void colour_map(int colour, int ncolours, short *c, int *bright);
void colour_syntax_map(int index, int ncolours, short *c, int *bright);
int colour_rgb_to_256(int r, int g, int b);
void colour_cell_map(uint32_t colour, int ncolours, short *c, int *bright);

#endif
