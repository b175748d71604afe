/* bench-flood.c: joins and echo under a flood of connections that never
 * log in, against moot serve and, when installed, a private OpenSSH sshd. */
#include "moot.h"

#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "../harness.h"
#include "bench-util.h"

#define FLOOD 2000         /* connections that never log in */
#define QUICK_FLOOD 300    /* the same with --quick */
#define JOINS 10           /* tries to join under the flood */
#define QUICK_JOINS 3      /* the same with --quick */
#define QUIET_JOINS 3      /* tries to join before it, the baseline */
#define ECHOES 200         /* keystrokes per typist, with and without */
#define QUICK_ECHOES 40    /* the same with --quick */
#define ECHO_PAUSE 20      /* ms between two rounds of keystrokes */
#define TYPISTS 3          /* people in before the flood, typing */
#define JOIN_LIMIT 2000    /* ms: a join counts when in within this */
#define JOIN_TIMEOUT 10000 /* ms a join is given before it is a failure */
#define ECHO_TIMEOUT 10000 /* ms a keystroke may take to come back */
#define JOIN_GAP 500       /* ms between two tries to join */
#define BANNER_EVERY 4     /* one flood connection in 4 sends a banner */
#define REOPEN_MS 1000     /* a flood connection closed is reopened after */
#define RAMP_MS 3000       /* ms from the flood's start to measuring */
#define SETTLE_MS 1000     /* ms after a flood ends, before the next cycle */
#define CYCLES 4           /* rounds of without and with the flood */
#define SOURCES 1          /* flood source addresses, from 127.0.0.2 */
#define MAXSOURCES 200
#define WATCHDOG 900 /* seconds the whole benchmark may take */
#define COLS 80
#define ROWS 24
#define TERM "xterm-256color"

static const char file_text[] = "# Flood benchmark\n"
                                "line for typist 1\n"
                                "line for typist 2\n"
                                "line for typist 3\n";
#define LINE_LEN 17 /* "line for typist N" */

/* What one flood process saw, sent to the benchmark when it stops. */
struct flood_stats {
	long long connects; /* connect() calls */
	long long opened;   /* connections established */
	long long failed;   /* connect() or socket() refused */
	long long closed;   /* established ones the server closed */
	long long banners;  /* SSH banners sent */
	long long open_sum; /* sum over the samples of those open */
	long long samples;
	long long open_max;
};

struct flood {
	pid_t pid;
	int fd; /* the stats come back here */
	struct flood_stats st;
};

/* One server as the benchmark sees it (moot or sshd). */
struct server_run {
	const char *name;
	int port;
	int ok; /* the run happened */
	long long quiet_join[QUIET_JOINS];
	int nquiet_join;
	long long *join; /* ms per try under the flood, -1: failed */
	int njoin;
	long long *echo_quiet, *echo_flood; /* us per keystroke */
	size_t nquiet, nflood;
	struct flood_stats flood;
	int typists_left;  /* typists still connected at the end */
	int frontends_max; /* moot: frontends during the flood, at most */
};

static void bench_fail(const char *, ...) __dead __printflike(1, 2);

/* Give up with a message; the exit handler stops what was started. */
static void
bench_fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "bench-flood: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static int flood_n = FLOOD, joins_n = JOINS, echoes_n = ECHOES;
static int sources_n = SOURCES, reopen_ms = REOPEN_MS;

/* Raise the soft limit of descriptors to the hard one: the flood process
 * and the servers (which inherit it) hold thousands of sockets. The
 * limit, or -1 if unknown. */
static long
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 &&
	    getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	return (long)rl.rlim_cur;
}

/* -------- The flood: a process holding connections that never log in. */

enum { SLOT_IDLE, SLOT_CONNECTING, SLOT_OPEN };

struct slot {
	int fd;
	int state;
	long long at; /* SLOT_IDLE: when to open again (ms) */
	int next;     /* SLOT_IDLE: the next slot waiting to reopen, or -1 */
};

/*
 * The flood process's state. It uses epoll and a queue of the slots
 * waiting to reopen (in the order they closed, which is the order they
 * are due), so that its own CPU grows with what happens, not with the
 * number of connections: it shares the machine with the servers.
 */
struct flooder {
	struct slot *slot;
	int n, port, ep;
	int head, tail; /* the queue of idle slots */
	int open;       /* established right now */
	struct flood_stats st;
};

static volatile sig_atomic_t flood_stop;

static void
flood_on_term(int sig)
{
	flood_stop = 1;
}

/* Slot i waits reopen_ms (from now) to open again. */
static void
flood_idle(struct flooder *fl, int i)
{
	struct slot *s = &fl->slot[i];

	s->fd = -1;
	s->state = SLOT_IDLE;
	s->at = h_now_ms() + reopen_ms;
	s->next = -1;
	if (fl->tail == -1)
		fl->head = i;
	else
		fl->slot[fl->tail].next = i;
	fl->tail = i;
}

/* Open slot i's connection from its source address, non-blocking. */
static void
flood_open(struct flooder *fl, int i)
{
	struct slot *s = &fl->slot[i];
	struct sockaddr_in src, dst;
	struct epoll_event ev;
	int fd, one = 1;

	fl->st.connects++;
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		goto fail;
#ifdef IP_BIND_ADDRESS_NO_PORT
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
	memset(&src, 0, sizeof src);
	src.sin_family = AF_INET;
	src.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1 + i % sources_n);
	if (bind(fd, (struct sockaddr *)&src, sizeof src) == -1)
		goto fail;
	memset(&dst, 0, sizeof dst);
	dst.sin_family = AF_INET;
	dst.sin_port = htons(fl->port);
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&dst, sizeof dst) == -1 &&
	    errno != EINPROGRESS)
		goto fail;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLOUT;
	ev.data.u32 = i;
	if (epoll_ctl(fl->ep, EPOLL_CTL_ADD, fd, &ev) == -1)
		goto fail;
	s->fd = fd;
	s->state = SLOT_CONNECTING;
	return;
fail:
	if (fd != -1)
		close(fd);
	fl->st.failed++;
	flood_idle(fl, i);
}

static void
flood_close(struct flooder *fl, int i)
{
	if (fl->slot[i].state == SLOT_OPEN)
		fl->open--;
	close(fl->slot[i].fd); /* which also takes it out of the epoll set */
	flood_idle(fl, i);
}

/* An event on slot i's connection. */
static void
flood_event(struct flooder *fl, int i)
{
	static const char banner[] = "SSH-2.0-flood\r\n";
	struct slot *s = &fl->slot[i];
	struct epoll_event ev;
	socklen_t len;
	char buf[512];
	ssize_t r;
	int err = 0;

	if (s->state == SLOT_CONNECTING) {
		len = sizeof err;
		getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0) {
			fl->st.failed++;
			flood_close(fl, i);
			return;
		}
		s->state = SLOT_OPEN;
		fl->open++;
		fl->st.opened++;
		if (i % BANNER_EVERY == 0 &&
		    write(s->fd, banner, sizeof banner - 1) > 0)
			fl->st.banners++;
		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		epoll_ctl(fl->ep, EPOLL_CTL_MOD, s->fd, &ev);
		return;
	}
	while ((r = read(s->fd, buf, sizeof buf)) > 0)
		; /* the server's banner: dropped */
	if (r == -1 && errno == EAGAIN)
		return;
	fl->st.closed++;
	flood_close(fl, i);
}

/* The flood process: n connections to port, reopened when closed, until
 * SIGTERM; then its figures go to out. */
static __dead void
flood_main(int port, int n, int out)
{
	struct epoll_event ev[256];
	struct flooder fl;
	long long now, next_sample = 0;
	int i, k, timeout;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGTERM, flood_on_term);
	memset(&fl, 0, sizeof fl);
	fl.n = n;
	fl.port = port;
	fl.head = fl.tail = -1;
	if ((fl.ep = epoll_create1(0)) == -1)
		_exit(1);
	fl.slot = xcalloc(n, sizeof *fl.slot);
	for (i = 0; i < n; i++)
		flood_open(&fl, i);
	while (!flood_stop) {
		now = h_now_ms();
		while (fl.head != -1 && fl.slot[fl.head].at <= now) {
			i = fl.head;
			if ((fl.head = fl.slot[i].next) == -1)
				fl.tail = -1;
			flood_open(&fl, i);
		}
		if (now >= next_sample) {
			fl.st.open_sum += fl.open;
			fl.st.samples++;
			if (fl.open > fl.st.open_max)
				fl.st.open_max = fl.open;
			next_sample = now + 100;
		}
		timeout = 100;
		if (fl.head != -1 && fl.slot[fl.head].at - now < timeout)
			timeout = (int)(fl.slot[fl.head].at - now);
		k = epoll_wait(fl.ep, ev, 256, timeout < 0 ? 0 : timeout);
		for (i = 0; i < k; i++)
			flood_event(&fl, ev[i].data.u32);
	}
	if (write(out, &fl.st, sizeof fl.st) != (ssize_t)sizeof fl.st)
		_exit(1);
	_exit(0);
}

static void
flood_start(struct flood *f, int port)
{
	int p[2];

	if (pipe(p) != 0)
		bench_fail("pipe: %s", strerror(errno));
	fflush(NULL);
	if ((f->pid = fork()) == -1)
		bench_fail("fork: %s", strerror(errno));
	if (f->pid == 0) {
		close(p[0]);
		flood_main(port, flood_n, p[1]);
	}
	close(p[1]);
	f->fd = p[0];
}

static void
flood_end(struct flood *f)
{
	int status;

	kill(f->pid, SIGTERM);
	memset(&f->st, 0, sizeof f->st);
	if (read(f->fd, &f->st, sizeof f->st) != (ssize_t)sizeof f->st)
		memset(&f->st, 0, sizeof f->st);
	close(f->fd);
	waitpid(f->pid, &status, 0);
}

/* -------- Joining: a fresh libssh connection, up to what a person sees. */

static ssh_session
session_open(int port, const char *user, long timeout_s)
{
	ssh_session s;
	unsigned int uport = port;
	int verbosity = SSH_LOG_NOLOG, yes = 1;
	bool no = false;

	s = ssh_new();
	ssh_options_set(s, SSH_OPTIONS_HOST, "127.0.0.1");
	ssh_options_set(s, SSH_OPTIONS_PORT, &uport);
	ssh_options_set(s, SSH_OPTIONS_USER, user);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout_s);
	ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
	ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
	ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes);
	if (ssh_connect(s) != SSH_OK) {
		ssh_free(s);
		return NULL;
	}
	return s;
}

/* Authenticate with key, open a session channel with a pty; then a shell
 * (cmd NULL) or cmd. NULL if any step fails. */
static ssh_channel
session_login(ssh_session s, const char *keyfile, const char *cmd)
{
	ssh_channel ch;
	ssh_key key = NULL;
	int rc;

	if (ssh_pki_import_privkey_file(keyfile, NULL, NULL, NULL, &key) !=
	    SSH_OK)
		bench_fail("cannot read key %s", keyfile);
	rc = ssh_userauth_publickey(s, NULL, key);
	ssh_key_free(key);
	if (rc != SSH_AUTH_SUCCESS)
		return NULL;
	if ((ch = ssh_channel_new(s)) == NULL)
		return NULL;
	if (ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_pty_size(ch, TERM, COLS, ROWS) != SSH_OK ||
	    (cmd == NULL ? ssh_channel_request_shell(ch)
	                 : ssh_channel_request_exec(ch, cmd)) != SSH_OK) {
		ssh_channel_free(ch);
		return NULL;
	}
	return ch;
}

/* Read ch until its output holds want or until (ms): 1 if it did. */
static int
channel_wait(ssh_channel ch, const char *want, long long until)
{
	static char buf[262144];
	size_t len = 0;
	int r;

	while (h_now_ms() < until) {
		if (len > sizeof buf - 4096) {
			memmove(buf, buf + len - 1024, 1024);
			len = 1024;
		}
		r = ssh_channel_read_timeout(
		    ch, buf + len, sizeof buf - len - 1, 0, 20);
		if (r == SSH_ERROR || (r == 0 && ssh_channel_is_eof(ch)))
			return 0;
		if (r <= 0)
			continue;
		len += r;
		buf[len] = '\0';
		if (memmem(buf, len, want, strlen(want)) != NULL)
			return 1;
	}
	return 0;
}

/*
 * One try to join: from the TCP connect to the moment the person sees
 * want (moot: its status line; sshd: the answer of a command typed into
 * the shell). Milliseconds, or -1 if it failed or took over JOIN_TIMEOUT.
 */
static long long
join_once(int port, const char *keyfile, const char *user, const char *type,
    const char *want)
{
	long long t0 = h_now_ms(), t = -1;
	ssh_session s;
	ssh_channel ch = NULL;

	if ((s = session_open(port, user, JOIN_TIMEOUT / 1000)) == NULL)
		return -1;
	if ((ch = session_login(s, keyfile, NULL)) == NULL)
		goto out;
	if (type != NULL)
		ssh_channel_write(ch, type, strlen(type));
	if (channel_wait(ch, want, t0 + JOIN_TIMEOUT))
		t = h_now_ms() - t0;
	ssh_channel_close(ch);
	ssh_channel_free(ch);
out:
	ssh_disconnect(s);
	ssh_free(s);
	return t;
}

/* -------- Echo: people already in type; the time until they see it. */

/* Typists (the server's kind) type count rounds; the times go to out. */
typedef size_t (*echo_fn)(void *typists, int n, int count, long long *out);

/* moot: people are harness clients; the status line says where each
 * cursor is, drawn in the same frame as the character. */
struct at {
	long line, col;
};

static int
status_at(struct h_client *c, void *arg)
{
	struct at *at = arg;

	return bench_status_at(c, at->line, at->col);
}

/* Each typist, in turn, types x then erases it: two keystrokes timed
 * until their own screen shows them; ECHO_PAUSE ms between rounds, so
 * that a phase spans seconds of the flood, as people type. */
static size_t
moot_echo(void *arg, int n, int count, long long *out)
{
	struct h_client **t = arg;
	struct at at;
	long long t0;
	size_t nout = 0;
	int i, k;

	for (k = 0; k < count; k++) {
		for (i = 0; i < n; i++) {
			at.line = i + 2;
			at.col = LINE_LEN + 1 + (k % 2 == 0);
			t0 = bench_now_us();
			if (k % 2 == 0)
				h_send(t[i], "x");
			else
				h_key(t[i], "BSpace");
			if (!h_until(t[i], status_at, &at, ECHO_TIMEOUT))
				bench_fail("typist %d: no echo in %d ms", i + 1,
				    ECHO_TIMEOUT);
			out[nout++] = bench_now_us() - t0;
		}
		h_pump_all(ECHO_PAUSE);
	}
	return nout;
}

/* sshd: people type into `cat` on a pty; the terminal driver echoes x,
 * and the erase as "\b \b". */
static size_t
sshd_echo(void *arg, int n, int count, long long *out)
{
	ssh_channel *t = arg;
	long long t0;
	size_t nout = 0;
	int i, k;

	for (k = 0; k < count; k++) {
		for (i = 0; i < n; i++) {
			t0 = bench_now_us();
			ssh_channel_write(t[i], k % 2 == 0 ? "x" : "\177", 1);
			if (!channel_wait(t[i], k % 2 == 0 ? "x" : "\b \b",
			        h_now_ms() + ECHO_TIMEOUT))
				bench_fail("sshd typist %d: no echo in %d ms",
				    i + 1, ECHO_TIMEOUT);
			out[nout++] = bench_now_us() - t0;
		}
		usleep(ECHO_PAUSE * 1000);
	}
	return nout;
}

/* -------- The two servers. */

/* Frontends of a moot daemon right now. */
static int
moot_frontends(pid_t daemon)
{
	static pid_t kids[4096];

	return h_children(daemon, kids, 4096);
}

static void
pump_for(int ms, pid_t daemon, int *max)
{
	long long until = h_now_ms() + ms;
	int n;

	while (h_now_ms() < until) {
		h_pump_all(100);
		if (daemon > 0 && (n = moot_frontends(daemon)) > *max)
			*max = n;
	}
}

/* Joins under the flood, JOIN_GAP apart. */
static void
run_joins(struct server_run *r, const char *key, const char *user,
    const char *type, const char *want, pid_t daemon)
{
	int i;

	r->join = xcalloc(joins_n, sizeof *r->join);
	for (i = 0; i < joins_n; i++) {
		r->join[i] = join_once(r->port, key, user, type, want);
		printf("%s: join %d under the flood: %s\n", r->name, i + 1,
		    r->join[i] >= 0 ? bench_fig(r->join[i], "%.0f ms")
		                    : "failed");
		r->njoin++;
		pump_for(JOIN_GAP, daemon, &r->frontends_max);
	}
}

static void
flood_add(struct flood_stats *to, const struct flood_stats *st)
{
	to->connects += st->connects;
	to->opened += st->opened;
	to->failed += st->failed;
	to->closed += st->closed;
	to->banners += st->banners;
	to->open_sum += st->open_sum;
	to->samples += st->samples;
	if (st->open_max > to->open_max)
		to->open_max = st->open_max;
}

/*
 * The measures, in CYCLES cycles so that whatever else the machine does
 * weighs on both sides alike: the typists type without the flood, then
 * with it (RAMP_MS after it starts); in the last cycle, the tries to join
 * follow, under the same flood. Each flood ends before the next cycle.
 */
static void
run_cycles(struct server_run *r, echo_fn echo, void *typists, const char *key,
    const char *user, const char *type, const char *want, pid_t daemon)
{
	struct flood f;
	int c, count = echoes_n / CYCLES;

	count += count % 2; /* each cycle ends with the line as it began */
	r->echo_quiet = xcalloc(TYPISTS * count * CYCLES, sizeof(long long));
	r->echo_flood = xcalloc(TYPISTS * count * CYCLES, sizeof(long long));
	for (c = 0; c < CYCLES; c++) {
		r->nquiet +=
		    echo(typists, TYPISTS, count, r->echo_quiet + r->nquiet);
		flood_start(&f, r->port);
		pump_for(RAMP_MS, daemon, &r->frontends_max);
		r->nflood +=
		    echo(typists, TYPISTS, count, r->echo_flood + r->nflood);
		if (c == CYCLES - 1)
			run_joins(r, key, user, type, want, daemon);
		flood_end(&f);
		flood_add(&r->flood, &f.st);
		pump_for(SETTLE_MS, daemon, &r->frontends_max);
	}
}

static void
run_moot(struct server_run *r)
{
	struct h_client *t[TYPISTS];
	struct h_daemon *d;
	struct at at;
	char *repo, *key[TYPISTS], *joiner, name[64];
	int i, k;

	r->name = "moot";
	repo = h_repo_create("README.md", file_text, NULL);
	for (i = 0; i < TYPISTS; i++) {
		snprintf(name, sizeof name, "Typist%d <t%d@example.com>", i + 1,
		    i + 1);
		key[i] = h_key_create(repo, name);
	}
	joiner = h_key_create(repo, "Joiner <joiner@example.com>");
	d = bench_daemon_start(repo);
	r->port = h_daemon_port(d);

	for (i = 0; i < TYPISTS; i++) {
		snprintf(name, sizeof name, "t%d", i + 1);
		t[i] = h_join(r->port, key[i], name);
		h_wait_status(t[i], h_status_row(t[i]), " README.md", 10000);
		for (k = 0; k <= i; k++)
			h_key(t[i], "Down");
		h_key(t[i], "End");
		at.line = i + 2;
		at.col = LINE_LEN + 1;
		h_wait_pred(t[i], status_at, &at, "the typist's line", 10000);
	}
	for (i = 0; i < QUIET_JOINS; i++)
		r->quiet_join[r->nquiet_join++] =
		    join_once(r->port, joiner, "joiner", NULL, "README.md");

	run_cycles(r, moot_echo, t, joiner, "joiner", NULL, "README.md",
	    h_daemon_pid(d));

	h_pump_all(200);
	for (i = 0; i < TYPISTS; i++)
		r->typists_left += !h_client_closed(t[i]);
	for (i = 0; i < TYPISTS; i++)
		h_client_close(t[i]);
	bench_daemon_stop(d);
	r->ok = 1;
}

static void
run_sshd(struct server_run *r)
{
	ssh_session ts[TYPISTS];
	ssh_channel t[TYPISTS];
	struct passwd *pw;
	char *dir, *key, *line, *authorized;
	const char *type = "echo joined-$((6*7))\n", *want = "joined-42";
	pid_t pid;
	FILE *af;
	int i, status;

	r->name = "sshd";
	if ((pw = getpwuid(getuid())) == NULL)
		bench_fail("no user name");
	dir = h_tmpdir("sshd");
	free(h_sh(dir, "mkdir .git")); /* where h_key_new puts keys */
	key = h_key_new(dir);
	line = h_key_line(key, "bench-flood");
	xasprintf(&authorized, "%s/authorized_keys", dir);
	if ((af = fopen(authorized, "w")) == NULL)
		bench_fail("%s: %s", authorized, strerror(errno));
	fprintf(af, "%s\n", line);
	fclose(af);
	free(line);
	r->port = bench_free_port();
	pid = bench_sshd_start(dir, r->port, authorized);
	if (!bench_sshd_ready(r->port, 10000))
		bench_fail("sshd did not start (see its log in %s)", dir);

	for (i = 0; i < TYPISTS; i++) {
		if ((ts[i] = session_open(r->port, pw->pw_name, 10)) == NULL ||
		    (t[i] = session_login(ts[i], key, "cat")) == NULL)
			bench_fail("sshd: typist %d cannot log in", i + 1);
	}
	for (i = 0; i < QUIET_JOINS; i++)
		r->quiet_join[r->nquiet_join++] =
		    join_once(r->port, key, pw->pw_name, type, want);

	run_cycles(r, sshd_echo, t, key, pw->pw_name, type, want, 0);

	for (i = 0; i < TYPISTS; i++) {
		r->typists_left += ssh_channel_is_open(t[i]) != 0;
		ssh_channel_close(t[i]);
		ssh_channel_free(t[i]);
		ssh_disconnect(ts[i]);
		ssh_free(ts[i]);
	}
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	free(authorized);
	r->ok = 1;
}

/* -------- Results. */

static double
median_ms(const long long *v, int n)
{
	long long s[64];
	int i, k = 0;

	for (i = 0; i < n && k < 64; i++) {
		if (v[i] >= 0)
			s[k++] = v[i] * 1000; /* bench_pct wants us */
	}
	if (k == 0)
		return -1;
	qsort(s, k, sizeof *s, bench_cmp_ll);
	return bench_pct(s, k, 50);
}

static double
max_ms(const long long *v, int n)
{
	long long m = -1;
	int i;

	for (i = 0; i < n; i++) {
		if (v[i] > m)
			m = v[i];
	}
	return (double)m;
}

static int
joins_within(const long long *v, int n)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += v[i] >= 0 && v[i] <= JOIN_LIMIT;
	return k;
}

/* Prints one server's figures; 1 if it meets the acceptance point. */
static int
print_run(struct server_run *r)
{
	const struct flood_stats *st = &r->flood;
	double q50, q99, f50, f99;
	int in;

	qsort(r->echo_quiet, r->nquiet, sizeof *r->echo_quiet, bench_cmp_ll);
	qsort(r->echo_flood, r->nflood, sizeof *r->echo_flood, bench_cmp_ll);
	q50 = bench_pct(r->echo_quiet, r->nquiet, 50);
	q99 = bench_pct(r->echo_quiet, r->nquiet, 99);
	f50 = bench_pct(r->echo_flood, r->nflood, 50);
	f99 = bench_pct(r->echo_flood, r->nflood, 99);
	in = joins_within(r->join, r->njoin);

	printf("\n%s (port %d)\n", r->name, r->port);
	printf("  flood: %lld connects, %lld established, %lld closed by the "
	       "server, %lld refused at connect; open at once: mean %.0f, "
	       "max %lld; %lld banners sent\n",
	    st->connects, st->opened, st->closed, st->failed,
	    st->samples > 0 ? (double)st->open_sum / st->samples : 0.0,
	    st->open_max, st->banners);
	if (r->frontends_max > 0)
		printf("  frontends during the flood: at most %d\n",
		    r->frontends_max);
	printf("  joins before the flood: median %s ms, max %s ms "
	       "(%d tries)\n",
	    bench_fig(median_ms(r->quiet_join, r->nquiet_join), "%.0f"),
	    bench_fig(max_ms(r->quiet_join, r->nquiet_join), "%.0f"),
	    r->nquiet_join);
	printf("  joins under the flood: %d/%d within %d ms; time of those "
	       "in: median %s ms, max %s ms\n",
	    in, r->njoin, JOIN_LIMIT,
	    bench_fig(median_ms(r->join, r->njoin), "%.0f"),
	    bench_fig(max_ms(r->join, r->njoin), "%.0f"));
	printf("  echo (%zu keystrokes in each phase): without the flood p50 "
	       "%s ms, "
	       "p99 %s ms; with it p50 %s ms, p99 %s ms; p99 ratio %s\n",
	    r->nquiet, bench_fig(q50, "%.2f"), bench_fig(q99, "%.2f"),
	    bench_fig(f50, "%.2f"), bench_fig(f99, "%.2f"),
	    bench_ratio(f99, q99, "%.2f"));
	printf(
	    "  typists still in at the end: %d/%d\n", r->typists_left, TYPISTS);
	return in * 10 >= r->njoin * 9 && q99 > 0 && f99 <= 2 * q99 &&
	       r->typists_left == TYPISTS;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-flood [--quick] [--connections N] "
	                "[--sources N] [--reopen-ms MS] [--no-sshd]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"quick", no_argument, NULL, 'q'},
	    {"connections", required_argument, NULL, 'n'},
	    {"sources", required_argument, NULL, 's'},
	    {"reopen-ms", required_argument, NULL, 'r'},
	    {"no-sshd", no_argument, NULL, 'S'}, {NULL, 0, NULL, 0}};
	struct server_run moot, sshd;
	char *clients;
	long long start;
	int ch, quick = 0, no_sshd = 0, n = -1, pass;
	long nofile;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q':
			quick = 1;
			break;
		case 'n':
			n = atoi(optarg);
			if (n < 1 || n > 15000)
				usage();
			break;
		case 's':
			sources_n = atoi(optarg);
			if (sources_n < 1 || sources_n > MAXSOURCES)
				usage();
			break;
		case 'r':
			reopen_ms = atoi(optarg);
			if (reopen_ms < 0 || reopen_ms > 600000)
				usage();
			break;
		case 'S':
			no_sshd = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (quick) {
		flood_n = QUICK_FLOOD;
		joins_n = QUICK_JOINS;
		echoes_n = QUICK_ECHOES;
	}
	if (n > 0)
		flood_n = n;

	if ((nofile = raise_nofile()) >= 0 && nofile < flood_n + 64)
		bench_fail("%d connections need a descriptor limit above %ld "
		           "(ulimit -Hn)",
		    flood_n, nofile);
	bench_init("bench-flood", WATCHDOG);
	ssh_init();
	xasprintf(&clients,
	    "clients:  libssh %s, %dx%d, TERM=%s, from 127.0.0.1; %d typists "
	    "in before the flood, about %d keystrokes each without it and as "
	    "many with it, in %d cycles of both; %d tries to join\n"
	    "flood:    %d connections from %d address%s (127.0.0.2 on) that "
	    "never log in, one in %d sending an SSH banner, each reopened "
	    "%d ms after the server closes it; descriptors: %ld",
	    ssh_version(0), COLS, ROWS, TERM, TYPISTS, echoes_n, CYCLES,
	    joins_n, flood_n, sources_n, sources_n == 1 ? "" : "es",
	    BANNER_EVERY, reopen_ms, nofile);
	bench_print_header("moot flood benchmark", clients, argc, argv);
	free(clients);
	start = h_now_ms();

	memset(&moot, 0, sizeof moot);
	memset(&sshd, 0, sizeof sshd);
	run_moot(&moot);
	if (!no_sshd && access(BENCH_SSHD, X_OK) == 0)
		run_sshd(&sshd);

	pass = print_run(&moot);
	printf("  acceptance (>= 9/10 joins within %d ms, echo p99 ratio "
	       "<= 2): %s\n",
	    JOIN_LIMIT, pass ? "met" : "NOT met");
	if (sshd.ok)
		print_run(&sshd);
	else
		printf("\nsshd: not run (%s)\n",
		    no_sshd ? "--no-sshd" : BENCH_SSHD " is not installed");
	printf("\n");
	bench_print_end(start);
	ssh_finalize();
	return pass ? 0 : 1;
}
