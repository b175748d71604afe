/* control.c: the control socket under .git/moot/: requests from the account
 * running the session (`moot invite`, `kill-session`, `attach`). */
#include "moot.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "invite.h"
#include "loop.h"
#include "server.h"

/*
 * The daemon's side is one more descriptor in its loop, and nothing here
 * may stall it: the socket is mode 0600 and each connection's peer must
 * be the daemon's own user (SO_PEERCRED); a request is read without
 * blocking, at most CONTROL_LINE_MAX bytes within CONTROL_TIMEOUT_MS, at
 * most CONTROL_CONNS_MAX at once (more are closed at once); the reply is
 * written once, without blocking (it is small: a socket buffer holds it),
 * and the connection closed. One request per connection.
 */
struct control_conn {
	int fd;
	uid_t uid; /* the peer's (SO_PEERCRED): the daemon's own */
	char buf[CONTROL_LINE_MAX];
	size_t len;
	struct loop_timer *timer;
	TAILQ_ENTRY(control_conn) entry;
};
TAILQ_HEAD(control_conns, control_conn);

static char *control_invite(const char *);
static char *control_kill(const char *);

static const struct control_request control_table[] = {
    {"invite", control_invite, NULL},
    {"kill-session", control_kill, NULL},
    {"attach", NULL, server_attach},
};

static int control_fd = -1;
static char *control_path;
static struct control_conns control_conns =
    TAILQ_HEAD_INITIALIZER(control_conns);
static unsigned control_nconns;

int
control_parse(const char *buf, size_t len, const struct control_request **req,
    char **args, const char **err)
{
	const char *nl, *p;
	size_t i, n;

	if ((nl = memchr(buf, '\n', len)) == NULL) {
		if (len >= CONTROL_LINE_MAX) {
			*err = "request too long";
			return -1;
		}
		return 0;
	}
	if (nl + 1 != buf + len) {
		*err = "one request per connection";
		return -1;
	}
	for (p = buf; p < nl; p++) {
		if (*p < 0x20 || *p > 0x7e) {
			*err = "a request is printable ASCII";
			return -1;
		}
	}
	n = strcspn(buf, " \n");
	for (i = 0; i < sizeof control_table / sizeof control_table[0]; i++) {
		if (strlen(control_table[i].name) == n &&
		    strncmp(control_table[i].name, buf, n) == 0)
			break;
	}
	if (i == sizeof control_table / sizeof control_table[0]) {
		*err = "no such request";
		return -1;
	}
	for (p = buf + n; *p == ' '; p++)
		;
	*req = &control_table[i];
	*args = xstrndup(p, nl - p);
	return 1;
}

static int64_t
control_wallclock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* `moot invite`: the same words as the palette's invite; its author is
 * the host account (no key). */
static char *
control_invite(const char *args)
{
	struct invite_request req;
	struct invite *inv;
	char token[INVITE_TOKEN_LEN + 1], *err, *line, *summary, *reply;
	int64_t now = control_wallclock();

	if (invite_parse(args, &req, &err) != 0 ||
	    (inv = invite_create(&server->invites, &req, "", "the host account",
	         now, token, &err)) == NULL) {
		xasprintf(&reply, "error\n%s\n", err);
		free(err);
		return reply;
	}
	line = invite_join_line(token, server->listen);
	summary = invite_summary(inv, now);
	log_info("control: the host account made %s", summary);
	xasprintf(&reply, "ok\n%s\n%s\n", line, summary);
	explicit_bzero(token, sizeof token);
	explicit_bzero(line, strlen(line));
	free(line);
	free(summary);
	return reply;
}

/*
 * `moot kill-session`: "ok", the pid, then who is still in (one name a
 * line, as the session shows them); the session then ends as on SIGTERM
 * (everyone told, the journal flushed). The client waits for the pid.
 */
static char *
control_kill(const char *args)
{
	struct client *c;
	char *reply, *s;

	xasprintf(&reply, "ok\n%ld\n", (long)getpid());
	TAILQ_FOREACH (c, &server->clients, entry) {
		if (!c->ready || c->closing || c->name == NULL)
			continue;
		if (strlen(reply) + strlen(c->name) + 2 > CONTROL_REPLY_MAX)
			break;
		xasprintf(&s, "%s%s\n", reply, c->name);
		free(reply);
		reply = s;
	}
	log_info("control: the host account ended the session");
	server_shutdown();
	return reply;
}

static void
control_close(struct control_conn *cc)
{
	if (cc->timer != NULL)
		loop_timer_del(server->loop, cc->timer);
	if (cc->fd != -1) {
		loop_del(server->loop, cc->fd);
		close(cc->fd);
	}
	TAILQ_REMOVE(&control_conns, cc, entry);
	control_nconns--;
	free(cc);
}

/* Write the reply once, without waiting; what does not fit is lost (a
 * reply is far smaller than a socket buffer). */
static void
control_reply(struct control_conn *cc, const char *reply)
{
	size_t len = strlen(reply);

	if (len > CONTROL_REPLY_MAX)
		len = CONTROL_REPLY_MAX;
	if (send(cc->fd, reply, len, MSG_DONTWAIT | MSG_NOSIGNAL) == -1)
		log_info("control: cannot reply: %s", strerror(errno));
	control_close(cc);
}

static void
control_timeout(void *arg)
{
	struct control_conn *cc = arg;

	cc->timer = NULL;
	log_info("control: no whole request within %d ms; closed",
	    CONTROL_TIMEOUT_MS);
	control_close(cc);
}

static void
control_read(int fd, int events, void *arg)
{
	struct control_conn *cc = arg;
	const struct control_request *req;
	const char *err;
	char *args, *reply;
	ssize_t n;
	uid_t uid;
	int rc;

	n = recv(fd, cc->buf + cc->len, sizeof cc->buf - cc->len, MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		control_close(cc);
		return;
	}
	cc->len += n;
	uid = cc->uid;
	if ((rc = control_parse(cc->buf, cc->len, &req, &args, &err)) == 0)
		return;
	if (rc == 1 && req->take != NULL) {
		/* The connection is the handler's from here on. */
		fd = cc->fd;
		cc->fd = -1;
		loop_del(server->loop, fd);
		control_close(cc);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		req->take(fd, args, uid);
		free(args);
		return;
	}
	if (rc == -1) {
		log_info("control: refused a request: %s", err);
		xasprintf(&reply, "error\n%s\n", err);
	} else {
		reply = req->handler(args);
		free(args);
	}
	control_reply(cc, reply);
	free(reply);
}

static void
control_accept(int fd, int events, void *arg)
{
	struct control_conn *cc;
	struct ucred cred;
	socklen_t len = sizeof cred;
	int conn;

	if ((conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) ==
	    -1)
		return;
	/* Only the account running the session (the mode says so too). */
	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    cred.uid != geteuid()) {
		log_info("control: refused a request from uid %ld (pid %ld): "
		         "not the session's user",
		    len == sizeof cred ? (long)cred.uid : -1L,
		    len == sizeof cred ? (long)cred.pid : -1L);
		send(conn, "error\nnot the session's user\n", 29,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		close(conn);
		return;
	}
	if (control_nconns >= CONTROL_CONNS_MAX) {
		log_info("control: %d requests at once already; refused one",
		    CONTROL_CONNS_MAX);
		send(conn, "error\nbusy\n", 11, MSG_DONTWAIT | MSG_NOSIGNAL);
		close(conn);
		return;
	}
	cc = xcalloc(1, sizeof *cc);
	cc->fd = conn;
	cc->uid = cred.uid;
	TAILQ_INSERT_TAIL(&control_conns, cc, entry);
	control_nconns++;
	cc->timer =
	    loop_timer(server->loop, CONTROL_TIMEOUT_MS, control_timeout, cc);
	loop_add(server->loop, conn, LOOP_READ, control_read, cc);
}

/* The socket's address; -1 if the path does not fit in one. */
static int
control_addr(const char *statedir, struct sockaddr_un *sun, char **path)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	xasprintf(path, "%s%s", statedir, CONTROL_FILE);
	if (strlen(*path) >= sizeof sun->sun_path)
		return -1;
	memcpy(sun->sun_path, *path, strlen(*path) + 1);
	return 0;
}

int
control_start(const char *statedir)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd;

	if (control_addr(statedir, &sun, &control_path) == -1) {
		log_warn("control: %s is too long a path for a socket; "
		         "moot invite will not work",
		    control_path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	         0)) == -1) {
		log_warn("control: socket: %s", strerror(errno));
		return -1;
	}
	/* A socket left by a session that ended without cleaning up. */
	if (unlink(control_path) == -1 && errno != ENOENT)
		log_warn("control: cannot remove %s: %s", control_path,
		    strerror(errno));
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1 ||
	    chmod(control_path, 0600) == -1 || listen(fd, 16) == -1) {
		umask(old);
		log_warn("control: cannot listen on %s: %s", control_path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	control_fd = fd;
	loop_add(server->loop, fd, LOOP_READ, control_accept, NULL);
	return 0;
}

void
control_stop(void)
{
	struct control_conn *cc;

	while ((cc = TAILQ_FIRST(&control_conns)) != NULL)
		control_close(cc);
	if (control_fd != -1) {
		loop_del(server->loop, control_fd);
		close(control_fd);
		unlink(control_path);
		control_fd = -1;
	}
	free(control_path);
	control_path = NULL;
}

int
control_connect(const char *statedir, char **err)
{
	struct sockaddr_un sun;
	char *path;
	int fd;

	*err = NULL;
	if (control_addr(statedir, &sun, &path) == -1) {
		xasprintf(err, "%s is too long a path for a socket", path);
		free(path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			xasprintf(err, "no session is running here (start "
			               "one with moot serve, or moot alone)");
		else
			xasprintf(err, "cannot reach the session at %s: %s",
			    path, strerror(errno));
		free(path);
		close(fd);
		return -1;
	}
	free(path);
	return fd;
}

int
control_ask(const char *statedir, const char *line, char **reply, char **err)
{
	struct pollfd pfd;
	char *req, buf[CONTROL_REPLY_MAX + 1];
	size_t len = 0;
	ssize_t n;
	int fd;

	*reply = NULL;
	if ((fd = control_connect(statedir, err)) == -1)
		return -1;
	xasprintf(&req, "%s\n", line);
	n = send(fd, req, strlen(req), MSG_NOSIGNAL);
	free(req);
	/* The session answers at once; a frozen one is not waited for. */
	while (n != -1 && len < CONTROL_REPLY_MAX) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 10000) <= 0) {
			n = -1;
			break;
		}
		if ((n = read(fd, buf + len, CONTROL_REPLY_MAX - len)) <= 0)
			break;
		len += n;
	}
	close(fd);
	if (n == -1 || len == 0) {
		xasprintf(err, "the session did not answer");
		return -1;
	}
	buf[len] = '\0';
	*reply = xstrdup(buf);
	return 0;
}
