/* server.c: the session daemon: listens, starts a frontend per connection,
 * and runs the one event loop that owns every document and person. */
#include "moot.h"

#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "control.h"
#include "frontend.h"
#include "inert.h"
#include "job.h"
#include "journal.h"
#include "loop.h"
#include "proto.h"
#include "repo.h"
#include "sandbox.h"
#include "term.h"
#include "server.h"
#include "syntax.h"

#define SERVER_STALL_MS 1000 /* unacknowledged frame: the client is stalled */
/* A terminal's output is drawn at most this often for each person (a
 * flood would otherwise cost every watcher's frontend a frame per
 * read); what they type is drawn at once. */
#define SERVER_TERM_FRAME_MS 50
#define SERVER_DISK_MS 1000 /* how often files are checked for changes */
#define SERVER_JOURNAL_RETRY_MS 1000 /* after a failed journal write */
/* Screens with more cells than a big terminal (256x100) get their frames
 * after everyone else's. */
#define SERVER_BIG_CELLS (256 * 100)

struct server *server;

static int server_signal_pipe[2] = {-1, -1};
/* The host key as text, for frontends (frontend_args). */
static char *server_hostkey;

static void
server_on_signal(int sig)
{
	unsigned char c = sig;
	int saved = errno;

	if (write(server_signal_pipe[1], &c, 1) == -1) {
		/* nothing to do: a signal is already pending */
	}
	errno = saved;
}

/* SIGXFSZ: nothing to do; the write that went past the limit fails. */
static void
server_on_xfsz(int sig)
{
}

static void
server_set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		fatal("fcntl");
}

/*
 * Connections the kernel holds until they are accepted. A flood keeps the
 * queue full (each refused connection comes back); a short one then drops
 * a person's SYN, and their ssh tries again only after 1 s, then 3 s. The
 * kernel caps it at net.core.somaxconn.
 */
#define SERVER_LISTEN_BACKLOG 4096
#define SERVER_LOCK_FILE "session.lock" /* under .git/moot/, mode 0600 */

/* Parse "ADDR:PORT" (ADDR may be [v6]); listen on it. */
static int
server_listen(const char *spec, char **shown)
{
	struct addrinfo hints, *res, *ai;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof ss;
	char *copy, *host, *port, hbuf[NI_MAXHOST], pbuf[NI_MAXSERV];
	int fd = -1, one = 1, rc;

	copy = xstrdup(spec);
	if ((port = strrchr(copy, ':')) == NULL)
		fatalx("--listen wants ADDR:PORT, not '%s'", spec);
	*port++ = '\0';
	host = copy;
	if (*host == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		host++;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(*host ? host : NULL, port, &hints, &res)) != 0)
		fatalx("--listen %s: %s", spec, gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, SERVER_LISTEN_BACKLOG) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		fatal("cannot listen on %s", spec);
	free(copy);

	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, sslen, hbuf, sizeof hbuf, pbuf,
	        sizeof pbuf, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		fatal("getsockname");
	if (ss.ss_family == AF_INET6)
		xasprintf(shown, "[%s]:%s", hbuf, pbuf);
	else
		xasprintf(shown, "%s:%s", hbuf, pbuf);
	server_set_nonblock(fd);
	return fd;
}

static void
server_client_cb(int fd, int events, void *arg)
{
	struct client *c = arg;

	if (events & LOOP_READ)
		server_client_read(c);
	else if (events & LOOP_WRITE)
		server_client_flush(c);
}

/* A new connection: start its frontend (frontend-exec.c), which gets the
 * TCP socket, its end of a socketpair and what frontend_args carries. */
static void
server_accept(int fd, int events, void *arg)
{
	struct frontend_args fa;
	struct member *m;
	struct client *c;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof ss;
	char addr[64];
	const char *why;
	int sock, sp[2], one = 1;
	pid_t pid;

	if ((sock = accept4(
	         fd, (struct sockaddr *)&ss, &sslen, SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("accept: %s", strerror(errno));
		return;
	}
	if (getnameinfo((struct sockaddr *)&ss, sslen, addr, sizeof addr, NULL,
	        0, NI_NUMERICHOST) != 0)
		snprintf(addr, sizeof addr, "?");
	/* Too many pending: closed at once, before any fork. */
	if ((why = startups_refuse(addr)) != NULL) {
		startups_log_refused(
		    "refused a connection from %s: %s", addr, why);
		close(sock);
		return;
	}
	/* Keystrokes and screen updates are small: send them at once, as
	 * sshd does for interactive sessions, not after a delayed ACK. */
	setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1) {
		log_warn("socketpair: %s", strerror(errno));
		close(sock);
		return;
	}
	frontend_args_init(&fa);
	/* fa owns its fields (frontend_args_free), but for the host key,
	 * which is the daemon's. */
	fa.hostkey = server_hostkey;
	/* Keys are read at each connection so new ones work at once, and
	 * so are the keys the session remembers (members). */
	auth_load(&fa.keys, getenv("HOME"), server->repo->root);
	TAILQ_FOREACH (m, &server->members, entry) {
		if (!member_admits(m))
			continue;
		fa.members.v = xreallocarray(
		    fa.members.v, fa.members.n + 1, sizeof *fa.members.v);
		fa.members.v[fa.members.n++] = xstrdup(m->key);
	}
	fa.grace = server->opts.login_grace;
	fa.max_tries = server->opts.max_auth_tries;
	fa.ka_interval = server->opts.keepalive_interval;
	fa.ka_count = server->opts.keepalive_count;
	pid = frontend_exec_spawn(sock, sp[1], &fa);
	fa.hostkey = NULL;
	frontend_args_free(&fa);
	close(sock);
	close(sp[1]);
	if (pid == -1) {
		close(sp[0]);
		return;
	}
	server_set_nonblock(sp[0]);
	sandbox_track(pid, addr);
	c = server_client_create(sp[0], pid);
	snprintf(c->addr, sizeof c->addr, "%s", addr);
	loop_add(server->loop, c->fd, LOOP_READ, server_client_cb, c);
	log_debug("client %u: frontend pid %ld", c->id, (long)pid);
}

/*
 * The person at the machine (`moot attach` on the control socket, whose
 * uid control.c checked): a frontend as for a TCP connection, in local
 * mode (frontend.c's local transport), with no host key and no key list.
 * Who they are is decided here: git config user.name and user.email of
 * the repository, else the login name of their uid; they join as host.
 */
void
server_attach(int fd, const char *args, uid_t uid)
{
	struct frontend_args fa;
	struct client_local *l;
	struct client *c;
	struct passwd *pw;
	char *login;
	int sp[2];
	pid_t pid;

	if (*args != '\0' ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1) {
		send(fd, "error\ncannot attach\n", 20, MSG_NOSIGNAL);
		close(fd);
		return;
	}
	/* The client waits for this line before its first frame. */
	send(fd, "ok\n", 3, MSG_NOSIGNAL);
	frontend_args_init(&fa);
	fa.local = 1;
	fa.grace = server->opts.login_grace;
	fa.max_tries = server->opts.max_auth_tries;
	pid = frontend_exec_spawn(fd, sp[1], &fa);
	frontend_args_free(&fa);
	close(fd);
	close(sp[1]);
	if (pid == -1) {
		close(sp[0]);
		return;
	}
	server_set_nonblock(sp[0]);
	sandbox_track(pid, "local");
	c = server_client_create(sp[0], pid);
	snprintf(c->addr, sizeof c->addr, "local");
	l = c->local = xcalloc(1, sizeof *c->local);
	if ((pw = getpwuid(uid)) != NULL && *pw->pw_name != '\0')
		login = xstrdup(pw->pw_name);
	else
		xasprintf(&login, "uid%ld", (long)uid);
	if ((l->name = repo_config_string(server->repo, "user.name")) == NULL)
		l->name = xstrdup(login);
	if ((l->email = repo_config_string(server->repo, "user.email")) == NULL)
		l->email = xstrdup("");
	xasprintf(&l->key, "local:%s", login);
	free(login);
	loop_add(server->loop, c->fd, LOOP_READ, server_client_cb, c);
	log_info("client %u: attached locally (uid %ld), frontend pid %ld",
	    c->id, (long)uid, (long)pid);
}

void
server_shutdown(void)
{
	struct client *c;
	struct proto_msg m;

	memset(&m, 0, sizeof m);
	m.type = PROTO_BYE;
	m.u.bye = "the moot session has ended";
	TAILQ_FOREACH (c, &server->clients, entry) {
		proto_put(&c->out, &m);
		server_client_flush(c);
	}
	loop_stop(server->loop);
}

static void
server_signal_cb(int fd, int events, void *arg)
{
	unsigned char sigs[32];
	ssize_t n, i;
	pid_t pid;
	int status;

	n = read(fd, sigs, sizeof sigs);
	for (i = 0; i < n; i++) {
		switch (sigs[i]) {
		case SIGCHLD:
			/* Frontends and jobs (hooks): a job's status ends
			 * the job. */
			while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
				if (!job_reaped(pid, status) &&
				    !term_reaped(pid, status) &&
				    !sandbox_reaped(pid, status))
					log_debug(
					    "child %ld exited", (long)pid);
			}
			break;
		case SIGTERM:
		case SIGINT:
		case SIGHUP:
			log_info("signal %d: ending the session", sigs[i]);
			server_shutdown();
			break;
		}
	}
}

void
server_redraw_all(void)
{
	struct client *c;

	TAILQ_FOREACH (c, &server->clients, entry)
		c->dirty = 1;
}

/* Everyone's presence line shows where everyone is, so any change to a
 * document or a cursor redraws everyone; frames are only made once per
 * loop pass and only when the frontend has drawn the previous one. */
void
server_redraw_doc(struct doc *d)
{
	(void)d;
	server_redraw_all();
}

static void
server_notice_expired(void *arg)
{
	server_redraw_all();
}

/* Set a notice (everyone's or one person's) and redraw when it ends. */
static void
server_set_notice(char **text, uint64_t *until, const char *fmt, va_list ap)
{
	free(*text);
	xvasprintf(text, fmt, ap);
	*until = loop_now() + SERVER_NOTICE_MS;
	loop_timer(
	    server->loop, SERVER_NOTICE_MS + 5, server_notice_expired, NULL);
}

void
server_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	server_set_notice(&server->notice, &server->notice_until, fmt, ap);
	va_end(ap);
	server_redraw_all();
}

void
server_client_notice(struct client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	server_set_notice(&c->notice, &c->notice_until, fmt, ap);
	va_end(ap);
	c->dirty = 1;
}

void
server_client_lost(struct client *c)
{
	int was_ready = c->ready && !c->closing; /* Ctrl-Q announced it */
	char *name = c->name != NULL ? xstrdup(c->name) : NULL;

	struct client *o;

	if (c->ready && c->key != NULL && c->view->doc != NULL &&
	    *c->view->doc->path != '\0')
		server_place_set(c->key, c->view->doc->path, c->view->cursor);
	if (!c->closing)
		server_pane_save(c);
	chat_presence(c, JOURNAL_EV_LEFT);
	if (c->ready && !c->closing)
		presence_leave(c);
	TAILQ_FOREACH (o, &server->clients, entry) {
		if (o->following == c) {
			o->following = NULL;
			server_client_notice(
			    o, "stopped following %s: they left", c->name);
		}
	}
	loop_del(server->loop, c->fd);
	TAILQ_REMOVE(&server->clients, c, entry);
	server_client_free(c);
	if (was_ready && name != NULL)
		server_notice("%s left", name);
	free(name);
	server_redraw_all();
}

/*
 * An op was applied to a document (doc_apply): every pane showing it
 * follows (the one it came from puts its cursor after what was typed),
 * so do the places of people away, the decisions hear who typed, and the
 * screens showing it are redrawn.
 */
void
server_op_applied(const struct op *op)
{
	struct doc *d = op->doc;
	const char *key = op->key != NULL ? op->key : "";
	const struct view *from = op->view;
	struct client *c;
	struct place *p;

	/* An op without its view is its author's focused one's. */
	if (from == NULL && op->author != NULL && op->author->view->doc == d)
		from = op->author->view;
	if (*key != '\0')
		decision_edited(d, key);
	TAILQ_FOREACH (c, &server->clients, entry) {
		server_pane_shift(c, d, op, from);
		/* Someone else's edit before mine does not end my group. */
		if (c->last_edit_doc == d && c != op->author)
			c->last_edit_end =
			    view_shift_offset(c->last_edit_end, op);
	}
	/* The places of people away move with the text too: they come
	 * back where they were, not to an offset that now means another
	 * line. */
	TAILQ_FOREACH (p, &server->places, entry) {
		if (strcmp(p->path, d->path) == 0)
			p->pos = view_shift_offset(p->pos, op);
	}
	server_redraw_doc(d);
}

void
server_place_set(const char *key, const char *path, size_t pos)
{
	struct place *p;

	if (*key == '\0')
		return;
	if ((p = server_place_find(key)) == NULL) {
		p = xcalloc(1, sizeof *p);
		p->key = xstrdup(key);
		TAILQ_INSERT_TAIL(&server->places, p, entry);
	} else
		free(p->path);
	p->path = xstrdup(path);
	p->pos = pos;
}

/* Who a key is: the latest name and email it came with. */
void
server_person_set(const char *key, const char *name, const char *email)
{
	struct person *p;

	if (*key == '\0')
		return;
	if ((p = server_person_find(key)) == NULL) {
		p = xcalloc(1, sizeof *p);
		p->key = xstrdup(key);
		TAILQ_INSERT_TAIL(&server->people, p, entry);
	} else {
		free(p->name);
		free(p->email);
	}
	p->name = xstrdup(name);
	p->email = xstrdup(email != NULL ? email : "");
}

struct person *
server_person_find(const char *key)
{
	struct person *p;

	TAILQ_FOREACH (p, &server->people, entry) {
		if (strcmp(p->key, key) == 0)
			return p;
	}
	return NULL;
}

/* Milliseconds since the epoch (for records people read, not timers). */
int64_t
server_wallclock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct place *
server_place_find(const char *key)
{
	struct place *p;

	TAILQ_FOREACH (p, &server->places, entry) {
		if (strcmp(p->key, key) == 0)
			return p;
	}
	return NULL;
}

/* A timer that only makes the loop go round once more. */
static void
server_wake(void *arg)
{
}

/*
 * The journal could not be written: the session becomes read-only. The ops
 * of this pass are on no screen yet and not in the journal: they are taken
 * out of the text (hold.c) and held. Everyone is told, and the status row
 * keeps saying it (render.c) until writing works again.
 */
static void
server_readonly_start(const char *why)
{
	hold_take_out();
	xasprintf(&server->readonly,
	    "the journal cannot be written (%s): the session is read-only "
	    "until it can; nothing you saw is lost",
	    why);
	log_warn(
	    "journal: cannot be written (%s): the session is read-only", why);
	server_notice("%s", server->readonly);
}

/* The journal was written, held ops included: they go back in the text
 * (and show with the next frames), and editing works again. */
static void
server_readonly_end(void)
{
	hold_put_back();
	free(server->readonly);
	server->readonly = NULL;
	log_info("journal: written again: the session can be edited again");
	server_notice("the journal is written again: the session can be "
	              "edited again");
}

/*
 * Before each poll, and before any frame: write this pass's ops (and where
 * everyone's cursor is) to the journal in one transaction, so that a frame
 * shows only what the journal has. If it cannot be written, the session is
 * read-only until it can: a timer retries, and what waits meanwhile is
 * written first.
 */
static void
server_flush_journal(void *arg)
{
	struct client *c;
	char *err = NULL;
	const char *why;

	if (server->journal == NULL)
		return;
	/* Positions while edits are held are not the journal's: the next
	 * pass after they are back records them. */
	TAILQ_FOREACH (c, &server->clients, entry) {
		if (server->readonly != NULL)
			break;
		if (!c->ready || c->view->doc == NULL ||
		    *c->view->doc->path == '\0')
			continue;
		if (c->jdoc == c->view->doc && c->jcursor == c->view->cursor)
			continue;
		journal_cursor(server->journal, c->key, c->view->doc->path,
		    c->view->cursor);
		c->jdoc = c->view->doc;
		c->jcursor = c->view->cursor;
	}
	server->now = loop_now();
	if (server->readonly != NULL && server->now < server->journal_retry)
		return;
	if (journal_queued(server->journal) == 0 && server->readonly == NULL) {
		server->chat_held = 0;
		return;
	}
	if (journal_flush(server->journal, &err) == 0) {
		server->chat_held = 0;
		if (server->readonly != NULL)
			server_readonly_end();
		else
			hold_clear();
		return;
	}
	why = journal_reason(server->journal);
	if (server->readonly == NULL)
		server_readonly_start(why);
	else
		log_debug("journal: %s", err);
	free(err);
	server->journal_retry = server->now + SERVER_JOURNAL_RETRY_MS;
	loop_timer(server->loop, SERVER_JOURNAL_RETRY_MS, server_wake, NULL);
}

/* Files changed behind the session's back (a git pull, another editor). */
static void
server_check_disk(void *arg)
{
	struct doc *d;

	/* Not while read-only: a reload is an edit, and would show. */
	if (server->readonly == NULL) {
		TAILQ_FOREACH (d, &server->docs, entry)
			doc_check_disk(d);
	}
	/* And HEAD: the margin marks are computed again when it moved. */
	lookup_tick();
	loop_timer(server->loop, SERVER_DISK_MS, server_check_disk, NULL);
}

/* A follower's focused pane shows what the followed person's does: the
 * same terminal, or the same document, scroll and cursor. */
static void
server_follow(struct client *c)
{
	struct client *o = c->following;

	if (o == NULL)
		return;
	if (o->pane->term != NULL) {
		if (c->pane->term != o->pane->term)
			server_pane_show_term(c, o->pane->term);
		return;
	}
	if (c->pane->mode != &server_pane_doc_mode ||
	    c->view->doc != o->view->doc)
		server_client_show(c, o->view->doc);
	c->view->cursor = o->view->cursor;
	c->view->top = o->view->top;
	c->view->left = o->view->left;
	c->view->selecting = 0;
}

/*
 * Render and send c's frame. Two frames per person are kept and swapped:
 * the one their frontend has drawn (to diff against) and the one drawn
 * into next, so a frame costs no allocation; only rows that changed are
 * sent.
 */
static void
server_send_frame(struct client *c)
{
	struct frame *f = c->spare;
	unsigned height;

	server_pane_layout(c);
	height = render_text_height(server, c);
	if (height == 0)
		height = 1;
	server_follow(c);
	if (c->overlay == NULL && c->view == &c->pane->view)
		view_scroll_to_cursor(
		    c->view, render_text_width(server, c), height);
	if (f == NULL || f->cols != c->cols || f->rows != c->rows) {
		frame_free(f);
		f = frame_create(c->cols, c->rows);
	}
	c->spare = NULL;
	render_client(server, c, f);
	c->frames++;
	c->seq++;
	proto_put_frame(&c->out, c->seq, c->gen, f, c->sent);
	c->spare = c->sent;
	c->sent = f;
	c->sent_at = server->now;
	c->dirty = 0;
	c->term_dirty = 0;
	server_client_flush(c);
}

/*
 * Before each poll: send a frame to everyone whose screen changed and
 * whose frontend has drawn the last one. A frame costs in proportion to
 * what it shows, and a big screen can show much more than others, so
 * screens over SERVER_BIG_CELLS go after everyone else's: a huge terminal
 * never delays the others' frames of the same pass.
 */
/* The poll wakes up when a terminal's frame is due. */
static void
server_term_frame_due(void *arg)
{
	server->term_frame = NULL;
}

/* Is c's terminal-only change to be drawn now? If not yet, the loop is
 * woken up when it is. */
static int
server_term_frame_now(struct client *c)
{
	uint64_t due = c->sent_at + SERVER_TERM_FRAME_MS;

	if (server->now >= due)
		return 1;
	if (server->term_frame == NULL)
		server->term_frame = loop_timer(server->loop, due - server->now,
		    server_term_frame_due, NULL);
	return 0;
}

static void
server_flush_frames(void *arg)
{
	struct client *c;
	int big, pass;

	server->now = loop_now();
	/* Passes: screens that changed otherwise than by a terminal's
	 * output (what someone typed) first, then the rest; in each, big
	 * screens last. */
	for (pass = 0; pass < 4; pass++) {
		big = pass % 2;
		TAILQ_FOREACH (c, &server->clients, entry) {
			if ((!c->ready && c->overlay != &overlay_name) ||
			    c->closing)
				continue;
			if (pass < 2
			        ? !c->dirty
			        : !c->term_dirty || !server_term_frame_now(c))
				continue;
			if (((size_t)c->cols * c->rows > SERVER_BIG_CELLS) !=
			    big)
				continue;
			if (c->seq != c->acked) {
				if (!c->stalled && server->now - c->sent_at >
				                       SERVER_STALL_MS) {
					c->stalled = 1;
					log_info("client %u (%s): output "
					         "stalled; holding frames "
					         "until it catches up",
					    c->id, c->name);
				}
				continue;
			}
			server_send_frame(c);
		}
	}
}

/* A stalled client may need a poll timeout to be noticed. */
static void
server_tick(void *arg)
{
	server_client_name_expire();
	loop_timer(server->loop, SERVER_STALL_MS, server_tick, NULL);
}

static void
server_print_start(const char *listen, const char *fingerprint, size_t nkeys)
{
	const char *port = strrchr(listen, ':') + 1;
	char *host = xstrndup(listen, port - 1 - listen);

	printf("moot %s: serving %.*s\n", PACKAGE_VERSION,
	    (int)strlen(server->repo->workdir) - 1, server->repo->workdir);
	printf("Host key: %s (ed25519)\n", fingerprint);
	printf("Listening on %s\n", listen);
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "[::]") == 0)
		printf("Join with:  ssh -p %s HOST\n", port);
	else if (strcmp(port, "22") == 0)
		printf("Join with:  ssh %s\n", host);
	else
		printf("Join with:  ssh -p %s %s\n", port, host);
	if (nkeys == 0) {
		printf("No key may join yet. Make yours (it may join at once, "
		       "no restart needed):\n"
		       "    ssh-keygen -t ed25519 -C 'Your Name "
		       "<you@example.com>'\n"
		       "Other people's public keys go in "
		       "~/.ssh/authorized_keys or in\n"
		       "%s.moot/authorized_keys.\n",
		    server->repo->workdir);
	} else
		printf("%zu key%s may join (~/.ssh/authorized_keys, "
		       "~/.ssh/id_*.pub, .moot/authorized_keys).\n",
		    nkeys, nkeys == 1 ? "" : "s");
	fflush(stdout);
	free(host);
}

/* An error on standard error before the session starts (it may hold a
 * path from the repository: made inert). */
static void
server_say_error(const char *err)
{
	char *safe = inert_cli(err);

	fprintf(stderr, "moot: %s\n", safe);
	free(safe);
}

/*
 * One session per repository: two daemons would each replay and write the
 * journal, and the second would take the control socket from the first.
 * The lock is held by an open descriptor for the daemon's life (flock: the
 * kernel lets go of it however the daemon ends). 0, or -1 when another
 * session holds it.
 */
static int
server_lock(const char *statedir)
{
	char *path;
	int fd;

	xasprintf(&path, "%s%s", statedir, SERVER_LOCK_FILE);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1)
		fatal("open %s", path);
	free(path);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK)
			fatal("flock");
		close(fd);
		return -1;
	}
	return 0; /* fd stays open, and the lock with it */
}

/*
 * The syntax colours' definitions, read once at start (syntax.c): from
 * --syntax-dir, which must be a directory we can read, or else nano's,
 * where a missing directory (nano not installed) only means no colours.
 */
static int
server_syntax(const struct server_options *o)
{
	DIR *dir;

	if (o->no_syntax)
		return 0;
	if (o->syntax_dir != NULL) {
		if ((dir = opendir(o->syntax_dir)) == NULL) {
			fprintf(stderr, "moot serve: --syntax-dir %s: %s\n",
			    o->syntax_dir, strerror(errno));
			return -1;
		}
		closedir(dir);
	}
	server->syntaxes =
	    syntax_load(o->syntax_dir != NULL ? o->syntax_dir : SYNTAX_DIR);
	return 0;
}

int
server_main(const struct server_options *o)
{
	struct authkeys keys;
	struct sigaction sa;
	char *err = NULL, *dir, *fingerprint, *shown;
	ssh_key hostkey;
	struct client *c;
	size_t nkeys, problems;

	log_open("moot", o->verbose);
	setvbuf(stdout, NULL, _IOLBF, 0);

	/*
	 * A file size limit must fail the write (EFBIG: the journal cannot be
	 * written, the session goes read-only), not end the session, recovery
	 * included. A handler that does nothing rather than SIG_IGN: programs
	 * the daemon runs get the default back.
	 */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = server_on_xfsz;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGXFSZ, &sa, NULL);

	if (o->demo) {
		if ((dir = demo_create(&err)) == NULL) {
			server_say_error(err);
			return 1;
		}
		printf("Demo repository: %s (kept after the session)\n", dir);
	} else
		dir = xstrdup(o->dir != NULL ? o->dir : ".");

	server = xcalloc(1, sizeof *server);
	server->opts = *o;
	if (server_syntax(o) == -1)
		return 1;
	TAILQ_INIT(&server->docs);
	TAILQ_INIT(&server->terms);
	TAILQ_INIT(&server->clients);
	TAILQ_INIT(&server->places);
	TAILQ_INIT(&server->chat);
	TAILQ_INIT(&server->events);
	TAILQ_INIT(&server->questions);
	TAILQ_INIT(&server->drafts);
	TAILQ_INIT(&server->editors);
	TAILQ_INIT(&server->saved);
	TAILQ_INIT(&server->people);
	TAILQ_INIT(&server->members);
	invite_init(&server->invites, NULL);
	if ((server->repo = repo_open(dir, &err)) == NULL) {
		server_say_error(err);
		free(err);
		return 1;
	}
	free(dir);
	server->repo->max_file = o->max_file_size;
	if (server_lock(server->repo->state) == -1) {
		server_say_error("a session already runs for this repository "
		                 "(moot attach joins it, moot kill-session "
		                 "ends it)");
		return 1;
	}

	/* Bring back what the last session had, before anyone can join. */
	xasprintf(&dir, "%s%s", server->repo->state, JOURNAL_FILE);
	problems = recover_journal(dir, o->durable);
	free(dir);
	/* Invitations are written to the journal from here on; those that
	 * expired while no session ran go. */
	server->invites.journal = server->journal;
	invite_expire(&server->invites, server_wallclock());

	sandbox_prepare(); /* frontends of a root daemon: the empty dir */
	ssh_init();
	hostkey = hostkey_load(server->repo->state, &fingerprint);
	/* The daemon does no SSH: frontends, the moot program run afresh,
	 * are told the host key (they do the key exchange). */
	if (ssh_pki_export_privkey_base64(
	        hostkey, NULL, NULL, NULL, &server_hostkey) != SSH_OK)
		fatalx("cannot export the host key for frontends");
	ssh_key_free(hostkey);
	frontend_exec_init();

	server->listen_fd = server_listen(
	    o->listen != NULL ? o->listen : "127.0.0.1:2222", &shown);

	if (pipe2(server_signal_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe2");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = server_on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	server->loop = loop_create();
	loop_add(
	    server->loop, server->listen_fd, LOOP_READ, server_accept, NULL);
	loop_add(server->loop, server_signal_pipe[0], LOOP_READ,
	    server_signal_cb, NULL);
	/* The journal is written before frames show anyone its edits. */
	loop_before(server->loop, server_flush_journal, NULL);
	loop_before(server->loop, server_flush_frames, NULL);
	server_tick(NULL);
	loop_timer(server->loop, SERVER_DISK_MS, server_check_disk, NULL);
	presence_start(problems);
	server->listen = xstrdup(shown);
	/* `moot invite` talks to the session here (control.c). */
	control_start(server->repo->state);

	nkeys = auth_load(&keys, getenv("HOME"), server->repo->root);
	auth_free(&keys);
	server_print_start(shown, fingerprint, nkeys);
	free(shown);
	free(fingerprint);

	loop_run(server->loop);
	control_stop();
	job_kill_all();         /* a hook still running is stopped */
	server_term_free_all(); /* every shell gets SIGHUP */

	/* Frontends see the goodbye (or EOF) and end on their own; a frozen
	 * one must not hold up the exit, so nothing here blocks. */
	TAILQ_FOREACH (c, &server->clients, entry) {
		server_client_flush(c);
		shutdown(c->fd, SHUT_WR);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	TAILQ_FOREACH (c, &server->clients, entry)
		server_pane_save(c); /* where each pane is, for next time */
	presence_end();
	if (journal_flush(server->journal, &err) == -1) {
		log_warn("journal: %s", err);
		free(err);
	}
	journal_close(server->journal);
	explicit_bzero(server_hostkey, strlen(server_hostkey));
	ssh_string_free_char(server_hostkey);
	ssh_finalize();
	return 0;
}
