/* fuzz-invite.c: libFuzzer target for the invitation token path (invite.c)
 * and the control socket's request line (control.c). */
#include "moot.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "invite.h"
#include "server.h"

/* control.c reads the daemon's state: a small one of our own. */
struct server *server;

/* What control.c's kill-session and attach rows call in the daemon:
 * nothing to end or start here. */
void
server_shutdown(void)
{
}

void
server_attach(int fd, const char *args, uid_t uid)
{
	(void)fd;
	(void)args;
	(void)uid;
	abort(); /* take rows are never run here: they need a socket */
}

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

/*
 * The first byte picks what the rest is fed to:
 *	0	an SSH user name: token, hash, lookup among three invitations
 *		(one of them the name's own token when it has one), at a time
 *		from the next bytes;
 *	1	the palette's invite arguments;
 *	2	a duration;
 *	3	a control request as read from the socket (and run when whole);
 *	4	the line to hand over, from a token and a listen address.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct invite_request req;
	struct invite *inv;
	const struct control_request *creq;
	const char *err, *why, *tok;
	char *s, *args, *e, *line, token[INVITE_TOKEN_LEN + 1], left[32];
	int64_t ms, now = 0;
	size_t i;
	int rc;

	if (size < 1)
		return 0;
	if (server == NULL) {
		server = xcalloc(1, sizeof *server);
		invite_init(&server->invites, NULL);
		server->listen = xstrdup("127.0.0.1:2222");
	}
	s = xmalloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	switch (data[0] % 5) {
	case 0:
		for (i = 0; i < 8 && i + 1 < size; i++)
			now = (int64_t)((uint64_t)now << 8 | data[1 + i]);
		req.role = ROLE_VIEWER;
		req.expires = INVITE_EXPIRES_DEFAULT;
		req.uses = 2;
		for (i = 0; i < 3; i++)
			fuzz_check(invite_create(&server->invites, &req, "",
			               "fuzz", 1000, token, &e) != NULL);
		tok = invite_user_token(s);
		if (tok != NULL) {
			fuzz_check(strlen(tok) == INVITE_TOKEN_LEN);
			fuzz_check(invite_is_join(s));
			/* Its own invitation, made by hand: it is found. */
			inv = TAILQ_FIRST(&server->invites.list);
			invite_hash(tok, strlen(tok), inv->hash);
		}
		inv = invite_find(&server->invites, s, now, &why);
		fuzz_check((inv == NULL) == (why != NULL));
		if (inv != NULL) {
			fuzz_check(tok != NULL && now < 1000 + req.expires);
			invite_use(&server->invites, inv);
		} else if (tok != NULL && now < 1000 + req.expires)
			abort();
		invite_expire(&server->invites, now);
		invite_free_all(&server->invites);
		break;
	case 1:
		if (invite_parse(s, &req, &e) == 0) {
			fuzz_check(
			    req.role == ROLE_VIEWER || req.role == ROLE_EDITOR);
			fuzz_check(
			    req.uses >= 1 && req.uses <= INVITE_USES_MAX);
			fuzz_check(req.expires >= INVITE_EXPIRES_MIN &&
			           req.expires <= INVITE_EXPIRES_MAX);
		} else {
			fuzz_check(e != NULL);
			free(e);
		}
		break;
	case 2:
		if (invite_duration(s, &ms, &err) == 0)
			fuzz_check(ms >= INVITE_EXPIRES_MIN &&
			           ms <= INVITE_EXPIRES_MAX && err == NULL);
		else
			fuzz_check(err != NULL);
		break;
	case 3:
		rc = control_parse(
		    (const char *)data + 1, size - 1, &creq, &args, &err);
		fuzz_check(rc >= -1 && rc <= 1);
		if (rc == 1) {
			fuzz_check(memchr(data + 1, '\n', size - 1) ==
			           data + size - 1);
			/* A row that keeps its connection (attach) needs a
			 * socket: only its parse is fuzzed. */
			fuzz_check(
			    (creq->handler == NULL) != (creq->take == NULL));
			if (creq->handler != NULL) {
				line = creq->handler(args);
				fuzz_check(strncmp(line, "ok\n", 3) == 0 ||
				           strncmp(line, "error\n", 6) == 0);
				free(line);
			}
			free(args);
			invite_free_all(&server->invites);
		} else if (rc == 0)
			fuzz_check(size - 1 < CONTROL_LINE_MAX);
		break;
	case 4:
		i = strlen(s);
		line = invite_join_line(s, i + 1 < size - 1 ? s + i + 1 : s);
		fuzz_check(strncmp(line, "ssh ", 4) == 0);
		free(line);
		for (i = 0; i < 8 && i + 1 < size; i++)
			now = (int64_t)((uint64_t)now << 8 | data[1 + i]);
		invite_left(0, now, left, sizeof left);
		invite_left(now, 0, left, sizeof left);
		break;
	}
	free(s);
	return 0;
}
