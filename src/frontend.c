/* frontend.c: one process per connection, started by the daemon: SSH
 * (libssh key exchange, public-key auth) or a local attach; keys up, frames
 * down. */
#include "moot.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "frontend.h"
#include "inert.h"
#include "invite.h"
#include "keys.h"
#include "loop.h"
#include "proto.h"
#include "relay.h"
#include "sandbox.h"

/* A lone ESC after this long is the Esc key, not the start of a sequence.
 * Longer than TCP's 40 ms delayed acknowledgement, so a key sequence split
 * across two packets by a client that leaves Nagle on still decodes. */
#define FRONTEND_ESC_MS 100

struct frontend;

/*
 * How a frontend talks to the person's terminal: SSH (libssh, a TCP
 * connection) or local (`moot attach` on the unix socket, relay.c's
 * frames). Everything else (keys, frames, the daemon) is the same code.
 */
struct frontend_transport {
	const char *name;
	/* Before the sandbox: what needs files (the host key). */
	void (*open)(struct frontend *, struct frontend_args *);
	/* Until the person's terminal is known: fe->term, cols, rows. */
	void (*login)(struct frontend *, struct frontend_args *);
	/* The loop is about to begin: poll the daemon too. */
	void (*start)(struct frontend *);
	/* Wait at most ms for the terminal or the daemon; handle both. */
	void (*wait)(struct frontend *, int ms);
	/* Terminal output, written whole (or fe->closed set). */
	void (*write)(struct frontend *, const char *, size_t);
	/* End the connection with a status and the daemon's words. */
	__dead void (*finish)(struct frontend *, int status, const char *why);
};

struct frontend {
	const struct frontend_transport *ops;
	ssh_bind bind;
	ssh_session session;
	ssh_channel channel;
	ssh_event event;
	const struct authkeys *keys;
	const struct authkey *who;
	char addr[INET6_ADDRSTRLEN]; /* the peer's address ("": unknown) */
	char *user;
	char *fingerprint;
	char peer[64];     /* the client's address, for the log */
	unsigned failures; /* failed authentications (not "none") */
	unsigned max_tries;
	char **members; /* fingerprints of remembered keys */
	size_t nmembers;

	int pty;
	int shell;
	char *exec; /* a refused exec request */
	int subsystem;
	int closed;
	char term[64];
	unsigned cols, rows;
	int resized;

	int daemon;
	struct bytes in;
	int daemon_gone;
	char *bye;

	struct keys decoder;
	struct bytes early; /* typed before the editor was ready */
	int hello_sent;
	uint64_t last_input;

	struct tty *tty;
	struct frame *frame;
	uint16_t gen;

	int sock;             /* the TCP connection */
	unsigned ka_interval; /* --keepalive-interval (0: off) */
	unsigned ka_count;    /* --keepalive-count */
	uint64_t heard;       /* when the client last sent anything */
	unsigned probes;      /* keepalives sent since then */

	struct bytes relay_in; /* local: frames from `moot attach` */
	int got_term, got_size;
	int local_broken; /* local: the socket cannot be written */
};

static int frontend_daemon_cb(socket_t, int, void *);

static void
frontend_send(struct frontend *fe, const struct proto_msg *m)
{
	struct bytes b;
	ssize_t n;

	bytes_init(&b);
	proto_put(&b, m);
	while (bytes_len(&b) > 0 && !fe->daemon_gone) {
		n = write(fe->daemon, bytes_ptr(&b), bytes_len(&b));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			fe->daemon_gone = 1;
			break;
		}
		bytes_drain(&b, n);
	}
	bytes_free(&b);
}

/*
 * A failed authentication, counted as sshd counts them (every refused
 * request but "none", a refused public-key query included) and logged;
 * once there are --max-auth-tries, the loop in frontend_ssh_login closes the
 * connection. The log is rate-limited per process (log.c), and a
 * connection cannot fail more than max_tries times, so a flood of wrong
 * keys cannot flood the log.
 */
static void
frontend_auth_failed(
    struct frontend *fe, const char *user, const char *key, const char *what)
{
	fe->failures++;
	/* A token is not written to the log. */
	if (user != NULL && invite_is_join(user))
		user = INVITE_PREFIX "...";
	/* The user name last: it is the client's, and however it is made
	 * inert it cannot pass for a part of the line after it. */
	log_info("failed authentication %u of %u from %s%s%s%s: %s for user %s",
	    fe->failures, fe->max_tries, fe->peer, key != NULL ? " (key " : "",
	    key != NULL ? key : "", key != NULL ? ")" : "", what,
	    user != NULL ? user : "?");
}

static void
frontend_key_failed(struct frontend *fe, const char *user,
    struct ssh_key_struct *key, const char *what)
{
	char *fp = auth_fingerprint(key);

	frontend_auth_failed(fe, user, fp != NULL ? fp : "?", what);
	free(fp);
}

/*
 * A key no key file lets in may still join: a member's (the session
 * remembers it), or any key under the user name join-TOKEN. The frontend
 * knows no token (it has no journal): the daemon checks it at HELLO and
 * turns away a wrong one. Such a key joins with no name from the files.
 */
static const struct authkey frontend_guest;

static int
frontend_is_member(struct frontend *fe, struct ssh_key_struct *key)
{
	char *fp;
	size_t i;
	int found = 0;

	if (fe->nmembers == 0 || (fp = auth_fingerprint(key)) == NULL)
		return 0;
	for (i = 0; i < fe->nmembers && !found; i++)
		found = strcmp(fe->members[i], fp) == 0;
	free(fp);
	return found;
}

static int
frontend_auth_pubkey(ssh_session session, const char *user,
    struct ssh_key_struct *key, char signature_state, void *arg)
{
	struct frontend *fe = arg;
	struct authkey *k, *refused;
	const char *why;
	char *fp;

	k = auth_find(fe->keys, key, *fe->addr != '\0' ? fe->addr : NULL,
	    time(NULL), &refused, &why);
	if (k == NULL && (frontend_is_member(fe, key) ||
	                     (user != NULL && invite_is_join(user))))
		k = (struct authkey *)&frontend_guest;
	if (k == NULL && refused != NULL) {
		/* Listed, but its options keep it out: say why, once. */
		if (!refused->logged) {
			refused->logged = 1;
			fp = auth_fingerprint(key);
			log_info("refused key %s from %s (%s): %s",
			    fp != NULL ? fp : "?", refused->source,
			    *fe->addr != '\0' ? fe->addr : "?", why);
			free(fp);
		}
		frontend_key_failed(fe, user, key, "refused by its options");
		return SSH_AUTH_DENIED;
	}
	if (k == NULL) {
		frontend_key_failed(fe, user, key, "refused an unknown key");
		return SSH_AUTH_DENIED;
	}
	if (signature_state == SSH_PUBLICKEY_STATE_NONE)
		return SSH_AUTH_SUCCESS; /* yes, that key would do */
	if (signature_state != SSH_PUBLICKEY_STATE_VALID) {
		frontend_key_failed(
		    fe, user, key, "refused a key with a bad signature");
		return SSH_AUTH_DENIED;
	}

	fe->who = k;
	free(fe->user);
	fe->user = xstrdup(user);
	free(fe->fingerprint);
	fe->fingerprint = auth_fingerprint(key);
	return SSH_AUTH_SUCCESS;
}

/* A terminal larger than a screen can show is drawn at the largest size
 * (PROTO_MAX_COLS x PROTO_MAX_ROWS), in its top left corner. */
static void
frontend_clamp(struct frontend *fe)
{
	if (fe->cols > PROTO_MAX_COLS)
		fe->cols = PROTO_MAX_COLS;
	if (fe->rows > PROTO_MAX_ROWS)
		fe->rows = PROTO_MAX_ROWS;
}

static int
frontend_pty_request(ssh_session session, ssh_channel channel, const char *term,
    int cols, int rows, int px, int py, void *arg)
{
	struct frontend *fe = arg;

	snprintf(fe->term, sizeof fe->term, "%s", term != NULL ? term : "");
	fe->cols = cols > 0 ? cols : 80;
	fe->rows = rows > 0 ? rows : 24;
	frontend_clamp(fe);
	fe->pty = 1;
	return 0;
}

static int
frontend_window_change(ssh_session session, ssh_channel channel, int cols,
    int rows, int px, int py, void *arg)
{
	struct frontend *fe = arg;

	if (cols < 1 || rows < 1)
		return 0;
	fe->cols = cols;
	fe->rows = rows;
	frontend_clamp(fe);
	fe->resized = 1;
	return 0;
}

static int
frontend_shell_request(ssh_session session, ssh_channel channel, void *arg)
{
	struct frontend *fe = arg;

	if (fe->shell || fe->exec != NULL)
		return 1;
	fe->shell = 1;
	return 0;
}

/* Accepted only so that the person is told why in words, then closed. */
static int
frontend_exec_request(
    ssh_session session, ssh_channel channel, const char *command, void *arg)
{
	struct frontend *fe = arg;

	if (fe->shell || fe->exec != NULL)
		return 1;
	fe->exec = xstrdup(command != NULL ? command : "");
	return 0;
}

static int
frontend_subsystem_request(
    ssh_session session, ssh_channel channel, const char *subsystem, void *arg)
{
	struct frontend *fe = arg;

	log_info("refused subsystem request '%s'", subsystem);
	fe->subsystem = 1;
	return 1;
}

/* One PASTE message: a piece of at most PROTO_PASTE_MAX bytes. */
static void
frontend_paste_send(
    struct frontend *fe, const unsigned char *data, size_t len, int last)
{
	struct proto_msg m;

	memset(&m, 0, sizeof m);
	m.type = PROTO_PASTE;
	m.u.paste.last = last;
	m.u.paste.len = len;
	m.u.paste.data = (uint8_t *)data;
	frontend_send(fe, &m);
}

/*
 * Bytes of a bracketed paste from the decoder, sent on as they come, in
 * pieces the protocol accepts. Each message is written whole before the
 * next (frontend_send blocks), and the daemon decodes each as soon as it
 * is complete, so a paste of any size goes through in bounded memory.
 */
static void
frontend_paste(const unsigned char *data, size_t len, void *arg)
{
	struct frontend *fe = arg;
	size_t n;

	while (len > 0 && !fe->daemon_gone) {
		n = len > PROTO_PASTE_MAX ? PROTO_PASTE_MAX : len;
		frontend_paste_send(fe, data, n, 0);
		data += n;
		len -= n;
	}
}

static void
frontend_key(const struct key_event *k, void *arg)
{
	struct frontend *fe = arg;
	struct proto_msg m;

	if (k->code == KEYC_UNKNOWN || k->code == KEYC_NONE)
		return;
	/* The end of a paste is its last PASTE message, not a key. */
	if (k->code == KEYC_PASTE_END) {
		frontend_paste_send(fe, NULL, 0, 1);
		return;
	}
	memset(&m, 0, sizeof m);
	m.type = PROTO_KEY;
	m.u.key.code = k->code;
	m.u.key.mods = k->mods;
	m.u.key.cp = k->cp;
	m.u.key.mouse = k->mouse;
	m.u.key.button = k->button;
	m.u.key.x = k->x;
	m.u.key.y = k->y;
	frontend_send(fe, &m);
}

/* Bytes the person typed, from either transport. */
static void
frontend_input(struct frontend *fe, const void *data, size_t len)
{
	/* Not before HELLO: the daemon takes nothing else first (writing
	 * to the terminal before it may already bring keys here). */
	if (fe->tty == NULL || !fe->hello_sent) {
		if (bytes_len(&fe->early) + len <= 65536)
			bytes_add(&fe->early, data, len);
		return;
	}
	keys_feed(&fe->decoder, data, len, frontend_key, fe);
	fe->last_input = loop_now();
}

static int
frontend_data(ssh_session session, ssh_channel channel, void *data,
    uint32_t len, int is_stderr, void *arg)
{
	frontend_input(arg, data, len);
	return len;
}

static void
frontend_channel_close(ssh_session session, ssh_channel channel, void *arg)
{
	struct frontend *fe = arg;

	fe->closed = 1;
}

static struct ssh_channel_callbacks_struct frontend_channel_cb = {
    .channel_data_function = frontend_data,
    .channel_close_function = frontend_channel_close,
    .channel_pty_request_function = frontend_pty_request,
    .channel_shell_request_function = frontend_shell_request,
    .channel_pty_window_change_function = frontend_window_change,
    .channel_exec_request_function = frontend_exec_request,
    .channel_subsystem_request_function = frontend_subsystem_request,
};

static ssh_channel
frontend_channel_open(ssh_session session, void *arg)
{
	struct frontend *fe = arg;

	if (fe->channel != NULL || fe->who == NULL)
		return NULL; /* one session channel per connection */
	fe->channel = ssh_channel_new(session);
	frontend_channel_cb.userdata = fe;
	ssh_callbacks_init(&frontend_channel_cb);
	ssh_set_channel_callbacks(fe->channel, &frontend_channel_cb);
	return fe->channel;
}

/* What the log calls a refused channel type or request (libssh's
 * numbers); those libssh does not know are "unknown". */
static const char *frontend_channel_names[] = {
    [SSH_CHANNEL_UNKNOWN] = "unknown",
    [SSH_CHANNEL_SESSION] = "session",
    [SSH_CHANNEL_DIRECT_TCPIP] = "direct-tcpip",
    [SSH_CHANNEL_FORWARDED_TCPIP] = "forwarded-tcpip",
    [SSH_CHANNEL_X11] = "x11",
    [SSH_CHANNEL_AUTH_AGENT] = "auth-agent",
};
static const char *frontend_request_names[] = {
    [SSH_CHANNEL_REQUEST_UNKNOWN] = "unknown",
    [SSH_CHANNEL_REQUEST_PTY] = "pty-req",
    [SSH_CHANNEL_REQUEST_EXEC] = "exec",
    [SSH_CHANNEL_REQUEST_SHELL] = "shell",
    [SSH_CHANNEL_REQUEST_ENV] = "env",
    [SSH_CHANNEL_REQUEST_SUBSYSTEM] = "subsystem",
    [SSH_CHANNEL_REQUEST_WINDOW_CHANGE] = "window-change",
    [SSH_CHANNEL_REQUEST_X11] = "x11-req",
};
static const char *frontend_global_names[] = {
    [SSH_GLOBAL_REQUEST_UNKNOWN] = "unknown",
    [SSH_GLOBAL_REQUEST_TCPIP_FORWARD] = "tcpip-forward",
    [SSH_GLOBAL_REQUEST_CANCEL_TCPIP_FORWARD] = "cancel-tcpip-forward",
    [SSH_GLOBAL_REQUEST_KEEPALIVE] = "keepalive",
};
#define frontend_name(table, n)                                                \
	((n) >= 0 && (size_t)(n) < sizeof(table) / sizeof *(table) &&          \
	            (table)[n] != NULL                                         \
	        ? (table)[n]                                                   \
	        : "unknown")

/* Everything not handled above (port forwarding, agent and X11
 * forwarding, other channel types) gets libssh's default: refused. */
static int
frontend_other_message(ssh_session session, ssh_message msg, void *arg)
{
	struct frontend *fe = arg;
	int type = ssh_message_type(msg), subtype = ssh_message_subtype(msg);

	switch (type) {
	case SSH_REQUEST_AUTH:
		/* "none" probes, passwords, keyboard-interactive: only
		 * "none" (what every client asks first) is not a failure. */
		if (subtype == SSH_AUTH_METHOD_NONE)
			log_debug("refused authentication method none");
		else
			frontend_auth_failed(fe, ssh_message_auth_user(msg),
			    NULL,
			    subtype == SSH_AUTH_METHOD_PASSWORD
			        ? "refused a password (public keys only)"
			        : "refused a method other than public key");
		break;
	case SSH_REQUEST_CHANNEL_OPEN:
		log_info("refused a channel of type %s (forwarding is off)",
		    frontend_name(frontend_channel_names, subtype));
		break;
	case SSH_REQUEST_CHANNEL:
		log_info("refused a channel request of type %s",
		    frontend_name(frontend_request_names, subtype));
		break;
	case SSH_REQUEST_GLOBAL:
		log_debug("refused a global request of type %s",
		    frontend_name(frontend_global_names, subtype));
		break;
	default:
		log_debug("refused an SSH message of type %d", type);
		break;
	}
	return 1; /* libssh sends the default reply: failure */
}

/*
 * Keepalives, as sshd's ClientAliveInterval and ClientAliveCountMax: once
 * the client has been silent for ka_interval seconds, it is sent the
 * global request "keepalive@openssh.com" with want_reply, which every
 * client answers; after ka_count of them unanswered (silent for
 * ka_interval * (ka_count + 1) seconds) its network is taken for gone and
 * the connection is closed, so the daemon drops the person. Any byte from
 * the client counts as life, not only the answer: the time it last sent
 * something is noted when its socket polls readable, and where the kernel
 * keeps it (TCP_INFO) taken from there, which also sees what libssh reads
 * while blocked in a write.
 */
static void
frontend_keepalive_send(struct frontend *fe)
{
	/*
	 * libssh waits for the answer in ssh_send_keepalive unless the
	 * session is non-blocking; the answer itself is handled by libssh
	 * whenever it arrives. libssh keeps one global request at a time:
	 * a call while one is answered only clears it, so a second call
	 * sends (and a second call while one is unanswered sends nothing,
	 * which changes nothing here: silence is what is counted).
	 */
	ssh_set_blocking(fe->session, 0);
	ssh_send_keepalive(fe->session);
	ssh_send_keepalive(fe->session);
	ssh_set_blocking(fe->session, 1);
}

static int
frontend_heard_cb(socket_t fd, int revents, void *arg)
{
	struct frontend *fe = arg;

	fe->heard = loop_now();
	fe->probes = 0;
	return 0;
}

/* When the next keepalive (or the cut) is due. */
static uint64_t
frontend_keepalive_due(struct frontend *fe)
{
	return fe->heard + (uint64_t)fe->ka_interval * 1000 * (fe->probes + 1);
}

/* Send a keepalive if one is due; close a client that stopped answering. */
static void
frontend_keepalive(struct frontend *fe)
{
	uint64_t now = loop_now();
	long quiet;

	if (fe->ka_interval == 0 || fe->closed ||
	    now < frontend_keepalive_due(fe))
		return;
	/* Due by what poll saw: ask the socket whether libssh read bytes
	 * since (only now, not on every pass of the loop). */
	quiet = compat_tcp_quiet_ms(fe->sock);
	if (quiet >= 0 && (uint64_t)quiet <= now &&
	    now - (uint64_t)quiet > fe->heard) {
		fe->heard = now - (uint64_t)quiet;
		fe->probes = 0;
	}
	if (now < frontend_keepalive_due(fe))
		return;
	if (fe->probes >= fe->ka_count) {
		log_info("%s answered none of %u keepalives in %u s; closing",
		    fe->peer, fe->probes, (unsigned)((now - fe->heard) / 1000));
		fe->closed = 1;
		return;
	}
	frontend_keepalive_send(fe);
	fe->probes++;
}

/* How long the SSH loop may wait: at most ms, less if a keepalive is due. */
static int
frontend_poll_ms(struct frontend *fe, int ms)
{
	uint64_t now = loop_now(), due;

	if (fe->ka_interval != 0) {
		due = frontend_keepalive_due(fe);
		if (due <= now)
			return 0;
		if (due - now < (uint64_t)ms)
			ms = (int)(due - now);
	}
	return ms;
}

static void
frontend_write(struct frontend *fe, const char *data, size_t len)
{
	fe->ops->write(fe, data, len);
}

static void
frontend_ssh_write(struct frontend *fe, const char *data, size_t len)
{
	int n;

	while (len > 0 && !fe->closed) {
		n = ssh_channel_write(fe->channel, data, len);
		if (n == SSH_ERROR) {
			fe->closed = 1;
			return;
		}
		/* Nothing written for libssh's timeout: the client's window
		 * stays shut. Is it still there at all? */
		if (n == 0)
			frontend_keepalive(fe);
		data += n;
		len -= n;
	}
}

static void
frontend_flush_tty(struct frontend *fe)
{
	const char *out;
	size_t len;

	out = tty_output(fe->tty, &len);
	frontend_write(fe, out, len);
	tty_output_done(fe->tty);
}

/* The terminal put back, then the transport's end. */
static __dead void
frontend_finish(struct frontend *fe, int status, const char *why)
{
	if (fe->tty != NULL) {
		tty_end(fe->tty);
		frontend_flush_tty(fe);
	}
	fe->ops->finish(fe, status, why);
}

/* End the channel with a status and words for the person. */
static __dead void
frontend_ssh_finish(struct frontend *fe, int status, const char *why)
{
	uint64_t until;
	char *safe = NULL;

	if (fe->channel != NULL && !fe->closed) {
		if (why != NULL && *why != '\0') {
			/* The words come from the daemon: shown inert. */
			safe = inert_screen(why);
			why = safe;
			if (fe->tty != NULL) {
				frontend_write(fe, why, strlen(why));
				frontend_write(fe, "\r\n", 2);
			} else {
				ssh_channel_write_stderr(
				    fe->channel, why, strlen(why));
				ssh_channel_write_stderr(fe->channel, "\n", 1);
			}
		}
		ssh_channel_request_send_exit_status(fe->channel, status);
		ssh_channel_send_eof(fe->channel);
		ssh_channel_close(fe->channel);
		/* Let the client read it all before the connection goes. */
		until = loop_now() + 2000;
		while (!fe->closed && loop_now() < until &&
		       ssh_is_connected(fe->session))
			ssh_event_dopoll(fe->event, 100);
	}
	free(safe);
	ssh_disconnect(fe->session);
	_exit(status);
}

static void
frontend_hello(struct frontend *fe, const char *notice)
{
	struct proto_msg m;
	const char *name = fe->who->name, *email = fe->who->email;

	memset(&m, 0, sizeof m);
	m.type = PROTO_HELLO;
	m.u.hello.version = PROTO_VERSION;
	m.u.hello.cols = fe->cols;
	m.u.hello.rows = fe->rows;
	m.u.hello.colours = tty_colours(fe->tty);
	m.u.hello.term = fe->term;
	m.u.hello.notice = (char *)(notice != NULL ? notice : "");
	m.u.hello.user = fe->user;
	m.u.hello.name = (char *)(name != NULL ? name : fe->user);
	m.u.hello.email = (char *)(email != NULL ? email : "");
	m.u.hello.key = fe->fingerprint != NULL ? fe->fingerprint : "";
	frontend_send(fe, &m);
	fe->hello_sent = 1;
}

static void
frontend_resize(struct frontend *fe)
{
	struct proto_msg m;

	fe->resized = 0;
	tty_resize(fe->tty, fe->cols, fe->rows);
	frame_free(fe->frame);
	fe->frame = frame_create(fe->cols, fe->rows);
	fe->gen++;
	memset(&m, 0, sizeof m);
	m.type = PROTO_RESIZE;
	m.u.resize.gen = fe->gen;
	m.u.resize.cols = fe->cols;
	m.u.resize.rows = fe->rows;
	frontend_send(fe, &m);
}

static void
frontend_frame(struct frontend *fe, const struct proto_frame *pf)
{
	struct proto_msg ack;

	if (pf->gen == fe->gen && pf->cols == fe->frame->cols &&
	    pf->rows == fe->frame->rows) {
		proto_apply_frame(pf, fe->frame);
		tty_mouse(fe->tty, fe->frame->mouse);
		tty_draw(fe->tty, fe->frame, pf->row, pf->nrows);
		frontend_flush_tty(fe);
	}
	memset(&ack, 0, sizeof ack);
	ack.type = PROTO_ACK;
	ack.u.ack = pf->seq;
	frontend_send(fe, &ack);
}

static int
frontend_daemon_cb(socket_t fd, int revents, void *arg)
{
	struct frontend *fe = arg;
	uint8_t *p;
	ssize_t n;

	p = bytes_reserve(&fe->in, 65536);
	n = read(fd, p, 65536);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		fe->daemon_gone = 1;
		return 0;
	}
	bytes_commit(&fe->in, n);
	return 0;
}

/* Handle every whole message from the daemon. */
static void
frontend_daemon_messages(struct frontend *fe)
{
	struct proto_msg m;
	const char *err;
	size_t used;
	int rc;

	while ((rc = proto_get(bytes_ptr(&fe->in), bytes_len(&fe->in), &m,
	            &used, &err)) == 1) {
		bytes_drain(&fe->in, used);
		switch (m.type) {
		case PROTO_WELCOME:
			break;
		case PROTO_FRAME:
			frontend_frame(fe, &m.u.frame);
			break;
		case PROTO_BYE:
			free(fe->bye);
			fe->bye = xstrdup(m.u.bye);
			break;
		default:
			break;
		}
		proto_msg_free(&m);
		if (fe->bye != NULL)
			return;
	}
	if (rc == -1) {
		log_warn("bad message from the daemon: %s", err);
		fe->daemon_gone = 1;
	}
}

/* The numeric address of the peer, for from= in authorized_keys (left
 * empty if the socket cannot say). */
static void
frontend_peer(struct frontend *fe, int sock)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	*fe->addr = '\0';
	if (getpeername(sock, (struct sockaddr *)&ss, &len) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, len, fe->addr, sizeof fe->addr,
	        NULL, 0, NI_NUMERICHOST) != 0)
		*fe->addr = '\0';
}

/* The line the alarm writes: made before, as a signal handler may only
 * write(2) it. */
static char frontend_grace_line[128];

static void
frontend_on_alarm(int sig)
{
	if (write(STDERR_FILENO, frontend_grace_line,
	        strlen(frontend_grace_line)) == -1) {
		/* nothing to do: the process ends anyway */
	}
	_exit(0);
}

/*
 * The SSH side of the server: the host key (libssh's key exchange signs
 * with it, so the frontend must hold it) in a bind of its own. The text
 * of the key is wiped once imported.
 */
static ssh_bind
frontend_bind(struct frontend_args *a)
{
	ssh_bind bind;
	ssh_key key;
	int process_config = 0;

	ssh_init();
	if (ssh_pki_import_privkey_base64(a->hostkey, NULL, NULL, NULL, &key) !=
	    SSH_OK)
		fatalx("cannot read the host key from the daemon");
	explicit_bzero(a->hostkey, strlen(a->hostkey));
	bind = ssh_bind_new();
	ssh_bind_options_set(
	    bind, SSH_BIND_OPTIONS_PROCESS_CONFIG, &process_config);
	/* The bind owns the key from here on. */
	if (ssh_bind_options_set(bind, SSH_BIND_OPTIONS_IMPORT_KEY, key) !=
	    SSH_OK)
		fatalx("cannot use the host key: %s", ssh_get_error(bind));
	return bind;
}

/* The login grace time (--login-grace-time), as sshd's LoginGraceTime:
 * an alarm that ends the process, whatever it is blocked in. */
static void
frontend_grace(unsigned grace)
{
	snprintf(frontend_grace_line, sizeof frontend_grace_line,
	    "moot-frontend[%ld]: no login within %u s; closing\n",
	    (long)getpid(), grace);
	signal(SIGALRM, frontend_on_alarm);
	alarm(grace);
}

static void
frontend_ssh_login(struct frontend *fe, struct frontend_args *a)
{
	static struct ssh_server_callbacks_struct cb = {
	    .auth_pubkey_function = frontend_auth_pubkey,
	    .channel_open_request_session_function = frontend_channel_open,
	};
	uint64_t deadline;

	fe->session = ssh_new();
	if (ssh_bind_accept_fd(fe->bind, fe->session, a->sock) != SSH_OK)
		fatalx("ssh accept: %s", ssh_get_error(fe->bind));
	cb.userdata = fe;
	ssh_callbacks_init(&cb);
	ssh_set_server_callbacks(fe->session, &cb);
	ssh_set_message_callback(fe->session, frontend_other_message, fe);
	/*
	 * The login grace time (--login-grace-time) runs from the accept to
	 * the shell request, as sshd's LoginGraceTime. A peer that stalls in
	 * the key exchange (which blocks), or never sends a byte, is cut off
	 * by the alarm; after it, the loop below keeps the same deadline.
	 */
	deadline = loop_now() + (uint64_t)a->grace * 1000;
	frontend_grace(a->grace);
	if (ssh_handle_key_exchange(fe->session) != SSH_OK) {
		log_info("key exchange failed: %s", ssh_get_error(fe->session));
		_exit(0);
	}
	/* Public keys only: no password, no keyboard-interactive. */
	ssh_set_auth_methods(fe->session, SSH_AUTH_METHOD_PUBLICKEY);

	fe->event = ssh_event_new();
	ssh_event_add_session(fe->event, fe->session);
	while (!fe->shell && fe->exec == NULL) {
		if (ssh_event_dopoll(fe->event, 200) == SSH_ERROR ||
		    !ssh_is_connected(fe->session) || fe->closed)
			_exit(0);
		if (fe->failures >= fe->max_tries && fe->who == NULL) {
			log_info("too many failed authentications (%u) from "
			         "%s; closing",
			    fe->failures, fe->peer);
			ssh_session_set_disconnect_message(
			    fe->session, "Too many authentication failures");
			ssh_disconnect(fe->session);
			_exit(0);
		}
		if (loop_now() > deadline) {
			log_info("no login within %u s; closing", a->grace);
			ssh_disconnect(fe->session);
			_exit(0);
		}
	}
	alarm(0);
	if (fe->exec != NULL) {
		log_info("refused exec request from %s: %s",
		    fe->who->name != NULL      ? fe->who->name
		    : invite_is_join(fe->user) ? INVITE_PREFIX "..."
		                               : fe->user,
		    fe->exec);
		frontend_finish(fe, 1,
		    "moot: exec requests are refused; "
		    "this server only runs the shared editor (join with a "
		    "plain ssh, no command)");
	}
	if (!fe->pty)
		frontend_finish(fe, 1,
		    "moot: a terminal is needed; join "
		    "with ssh -t");
}

static void
frontend_ssh_open(struct frontend *fe, struct frontend_args *a)
{
	fe->bind = frontend_bind(a);
}

static void
frontend_ssh_start(struct frontend *fe)
{
	ssh_event_add_fd(fe->event, fe->daemon, POLLIN, frontend_daemon_cb, fe);
	/* Beside libssh's own poll of the connection: notes life. */
	ssh_event_add_fd(fe->event, fe->sock, POLLIN, frontend_heard_cb, fe);
	fe->heard = loop_now();
}

static void
frontend_ssh_wait(struct frontend *fe, int ms)
{
	if (ssh_event_dopoll(fe->event, frontend_poll_ms(fe, ms)) == SSH_ERROR)
		fe->closed = 1;
	frontend_keepalive(fe);
	if (!ssh_is_connected(fe->session))
		fe->closed = 1;
}

static const struct frontend_transport frontend_ssh = {
    .name = "ssh",
    .open = frontend_ssh_open,
    .login = frontend_ssh_login,
    .start = frontend_ssh_start,
    .wait = frontend_ssh_wait,
    .write = frontend_ssh_write,
    .finish = frontend_ssh_finish,
};

/*
 * The local transport: `moot attach` holds the person's terminal and
 * relays its bytes as relay.c's frames on the unix socket the daemon
 * accepted (docs/protocol.md). The daemon checked the peer's uid and
 * decides who they are; the frontend is told nothing of it.
 */
static void
frontend_local_open(struct frontend *fe, struct frontend_args *a)
{
}

/* Every whole frame from the client. */
static void
frontend_local_frames(struct frontend *fe)
{
	struct relay_frame f;
	const char *err;
	size_t used, i;
	int rc;

	while ((rc = relay_get(bytes_ptr(&fe->relay_in),
	            bytes_len(&fe->relay_in), &f, &used, &err)) == 1) {
		switch (f.type) {
		case RELAY_DATA:
			frontend_input(fe, f.data, f.len);
			break;
		case RELAY_SIZE:
			if (relay_size(&f, &fe->cols, &fe->rows) == -1)
				break;
			frontend_clamp(fe);
			if (fe->got_size)
				fe->resized = 1;
			fe->got_size = 1;
			break;
		case RELAY_TERM:
			if (fe->got_term)
				break;
			/* A name of printable ASCII, or none. */
			for (i = 0;
			     i < f.len && f.data[i] > 0x20 && f.data[i] < 0x7f;
			     i++)
				;
			if (i == f.len)
				snprintf(fe->term, sizeof fe->term, "%.*s",
				    (int)f.len, (const char *)f.data);
			fe->got_term = 1;
			break;
		default: /* END is the frontend's */
			break;
		}
		bytes_drain(&fe->relay_in, used);
	}
	if (rc == -1) {
		log_info("bad frame from moot attach: %s", err);
		fe->closed = 1;
	}
}

static void
frontend_local_read(struct frontend *fe)
{
	uint8_t *p;
	ssize_t n;

	p = bytes_reserve(&fe->relay_in, RELAY_HEADER + RELAY_MAX);
	n = read(fe->sock, p, RELAY_HEADER + RELAY_MAX);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		fe->closed = 1;
		return;
	}
	bytes_commit(&fe->relay_in, n);
	frontend_local_frames(fe);
}

static void
frontend_local_wait(struct frontend *fe, int ms)
{
	struct pollfd pfd[2];
	int n = fe->tty != NULL ? 2 : 1;

	pfd[0].fd = fe->sock;
	pfd[0].events = POLLIN;
	pfd[1].fd = fe->daemon;
	pfd[1].events = POLLIN;
	if (poll(pfd, n, ms) <= 0)
		return;
	if (pfd[0].revents != 0)
		frontend_local_read(fe);
	if (n == 2 && pfd[1].revents != 0)
		frontend_daemon_cb(fe->daemon, pfd[1].revents, fe);
}

/* Until the client has said its TERM and its window size. */
static void
frontend_local_login(struct frontend *fe, struct frontend_args *a)
{
	fe->who = &frontend_guest;
	fe->user = xstrdup("");
	frontend_grace(a->grace);
	while (!fe->got_term || !fe->got_size) {
		frontend_local_wait(fe, 1000);
		if (fe->closed)
			_exit(0);
	}
	alarm(0);
	if (*fe->term == '\0')
		snprintf(fe->term, sizeof fe->term, "dumb");
}

static void
frontend_local_start(struct frontend *fe)
{
}

/*
 * Frames written whole (blocking: the client not reading holds this
 * frontend, as an SSH window does). Written even once the client has
 * shut its side (fe->closed): a client leaving on a signal waits for the
 * terminal to be put back, and the END.
 */
static void
frontend_local_send(struct frontend *fe, struct bytes *b)
{
	ssize_t n;

	while (bytes_len(b) > 0 && !fe->local_broken) {
		n = write(fe->sock, bytes_ptr(b), bytes_len(b));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			fe->local_broken = 1;
			fe->closed = 1;
			break;
		}
		bytes_drain(b, n);
	}
}

static void
frontend_local_write(struct frontend *fe, const char *data, size_t len)
{
	struct bytes b;

	bytes_init(&b);
	relay_put_data(&b, data, len);
	frontend_local_send(fe, &b);
	bytes_free(&b);
}

/* The END frame: the status, and the daemon's words (the client shows
 * them inert; none: the person detached). */
static __dead void
frontend_local_finish(struct frontend *fe, int status, const char *why)
{
	struct bytes b;
	size_t len = why != NULL ? strlen(why) : 0;
	uint8_t *p;

	if (len > RELAY_MAX - 1)
		len = RELAY_MAX - 1;
	bytes_init(&b);
	p = xmalloc(len + 1);
	p[0] = status;
	if (len > 0)
		memcpy(p + 1, why, len);
	relay_put(&b, RELAY_END, p, len + 1);
	free(p);
	frontend_local_send(fe, &b);
	bytes_free(&b);
	_exit(status);
}

static const struct frontend_transport frontend_local = {
    .name = "local",
    .open = frontend_local_open,
    .login = frontend_local_login,
    .start = frontend_local_start,
    .wait = frontend_local_wait,
    .write = frontend_local_write,
    .finish = frontend_local_finish,
};

/* A frontend, from frontend_exec_main: a exists until the process ends. */
__dead void
frontend_main(struct frontend_args *a)
{
	struct frontend fe;
	char *notice = NULL;

	log_open("moot-frontend", 0);
	compat_set_name("moot-frontend");
	memset(&fe, 0, sizeof fe);
	fe.ops = a->local ? &frontend_local : &frontend_ssh;
	fe.keys = &a->keys;
	fe.max_tries = a->max_tries;
	fe.sock = a->sock;
	fe.ka_interval = a->ka_interval;
	fe.ka_count = a->ka_count;
	fe.members = a->members.v;
	fe.nmembers = a->members.n;
	if (a->local)
		snprintf(fe.peer, sizeof fe.peer, "local");
	else {
		frontend_peer(&fe, a->sock);
		snprintf(fe.peer, sizeof fe.peer, "%s",
		    *fe.addr != '\0' ? fe.addr : "?");
	}
	fe.daemon = a->daemon;
	bytes_init(&fe.in);
	bytes_init(&fe.early);
	bytes_init(&fe.relay_in);
	keys_init(&fe.decoder);
	keys_set_paste(&fe.decoder, frontend_paste, &fe);

	fe.ops->open(&fe, a);
	sandbox_enter(); /* before the key exchange */
	fe.ops->login(&fe, a);

	fe.tty = tty_open(fe.term, fe.cols, fe.rows, &notice);
	frontend_flush_tty(&fe); /* bracketed paste on, before any typing */
	sandbox_lock();          /* terminfo is read: no more files */
	fe.frame = frame_create(fe.cols, fe.rows);
	frontend_hello(&fe, notice);
	free(notice);
	keys_feed(&fe.decoder, bytes_ptr(&fe.early), bytes_len(&fe.early),
	    frontend_key, &fe);
	bytes_free(&fe.early);
	fe.ops->start(&fe);

	for (;;) {
		fe.ops->wait(
		    &fe, keys_pending(&fe.decoder) ? FRONTEND_ESC_MS : 1000);
		if (keys_pending(&fe.decoder) &&
		    loop_now() - fe.last_input >= FRONTEND_ESC_MS)
			keys_flush(&fe.decoder, frontend_key, &fe);
		if (fe.resized)
			frontend_resize(&fe);
		frontend_daemon_messages(&fe);

		if (fe.bye != NULL)
			frontend_finish(&fe, 0, fe.bye);
		if (fe.daemon_gone)
			frontend_finish(&fe, 1, "moot: the session has ended");
		if (fe.closed) {
			struct proto_msg m;

			memset(&m, 0, sizeof m);
			m.type = PROTO_BYE;
			m.u.bye = "";
			frontend_send(&fe, &m);
			frontend_finish(&fe, 0, NULL);
		}
	}
}
