/* test-readonly.c: end-to-end tests of a session whose journal cannot be
 * written (a full disk, a file size limit): nothing anyone saw is lost. */
#include "moot.h"

#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define SHORT 3000 /* ms for anything that should be immediate */
#define LONG 8000  /* ms for joining (key exchange, fork) */
#define COLS 160   /* wide enough for the whole read-only notice */

#define PASTE_START "\033[200~"
#define PASTE_END "\033[201~"

#define NOTICE_FULL                                                            \
	"the journal cannot be written (No space left on device): the "        \
	"session is read-only until it can; nothing you saw is lost"
#define NOTICE_BIG "the journal cannot be written (File too large)"
#define NOTICE_BACK "the journal is written again"

/* Whether this process has a mount namespace of its own (set by main). */
static int ro_private;
static char ro_why[256]; /* why not */
/* The tmpfs the running test mounted (unmounted by ro_teardown). */
static char *ro_mnt;

/* Write a short text to a file of /proc; 0 or -1. */
static int
ro_proc_write(const char *path, const char *text)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_WRONLY)) == -1)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * A mount namespace of our own, so the tests can mount a tmpfs that nobody
 * else sees; the daemons and clients the tests start are children and share
 * it. Root unshares it directly; anyone else with a user namespace in which
 * they keep their own uid and gid (so that the daemon does not think it is
 * root). Returns 0, or -1 with ro_why set.
 */
static int
ro_unshare(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (uid == 0) {
		if (unshare(CLONE_NEWNS) == -1) {
			snprintf(ro_why, sizeof ro_why,
			    "unshare(CLONE_NEWNS): %s", strerror(errno));
			return -1;
		}
	} else {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) == -1) {
			snprintf(ro_why, sizeof ro_why,
			    "unshare(CLONE_NEWUSER|CLONE_NEWNS): %s",
			    strerror(errno));
			return -1;
		}
		snprintf(map, sizeof map, "%lu %lu 1\n", (unsigned long)uid,
		    (unsigned long)uid);
		if (ro_proc_write("/proc/self/uid_map", map) == -1) {
			snprintf(ro_why, sizeof ro_why, "uid_map: %s",
			    strerror(errno));
			return -1;
		}
		/* A gid map needs setgroups off first (where there is one). */
		ro_proc_write("/proc/self/setgroups", "deny");
		snprintf(map, sizeof map, "%lu %lu 1\n", (unsigned long)gid,
		    (unsigned long)gid);
		if (ro_proc_write("/proc/self/gid_map", map) == -1) {
			snprintf(ro_why, sizeof ro_why, "gid_map: %s",
			    strerror(errno));
			return -1;
		}
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
		snprintf(ro_why, sizeof ro_why, "making / private: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* A small tmpfs on REPO/.git/moot (before the daemon makes anything there),
 * or skip the test when this process cannot mount one. */
static void
ro_mount(const char *repo)
{
	char *dir;

	if (!ro_private) {
		fprintf(stderr, "skipped: no mount namespace (%s)\n", ro_why);
		h_pass();
		skip();
	}
	xasprintf(&dir, "%s/.git/moot", repo);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", dir, strerror(errno));
	if (mount("moot-test", dir, "tmpfs", MS_NOSUID | MS_NODEV,
	        "size=4m,mode=0700") == -1)
		fail_msg("mount tmpfs on %s: %s", dir, strerror(errno));
	ro_mnt = dir;
}

/* Fill the tmpfs to its last byte: returns the filler's path. */
static char *
ro_fill(const char *repo)
{
	static char chunk[65536];
	char *path;
	ssize_t n;
	size_t total = 0;
	int fd;

	xasprintf(&path, "%s/.git/moot/filler", repo);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		fail_msg("open %s: %s", path, strerror(errno));
	memset(chunk, 'f', sizeof chunk);
	for (;;) {
		n = write(fd, chunk, sizeof chunk);
		if (n > 0) {
			total += n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == ENOSPC)
			break;
		fail_msg("filling %s: %s", path, strerror(errno));
	}
	close(fd);
	if (total == 0)
		fail_msg("the tmpfs was full already");
	return path;
}

static int
ro_setup(void **state)
{
	ro_mnt = NULL;
	return h_setup(state);
}

/* Unmount the test's tmpfs (lazily: a killed daemon's frontends may still
 * have it open), then the harness removes what is left. */
static int
ro_teardown(void **state)
{
	if (ro_mnt != NULL) {
		if (umount2(ro_mnt, MNT_DETACH) == -1)
			fprintf(
			    stderr, "umount %s: %s\n", ro_mnt, strerror(errno));
		free(ro_mnt);
		ro_mnt = NULL;
	}
	return h_teardown(state);
}

static struct h_client *
ro_join(int port, const char *key, const char *user)
{
	return h_client_connect(port, key, user, COLS, 24, "xterm-256color");
}

/* Every distinct line a screen showed in its text area. */
struct ro_seen {
	char **lines;
	size_t n;
};

/* A daemon on repo with Alice and Bob in README.md ("tail"), each seeing
 * both; c[0] and c[1] are theirs. */
static struct h_daemon *
ro_start_two(
    const char *repo, const char *ka, const char *kb, struct h_client **c)
{
	struct h_daemon *d;

	d = h_daemon_start(repo);
	c[0] = ro_join(h_daemon_port(d), ka, "alice");
	h_wait_row(c[0], 0, "tail", LONG);
	c[1] = ro_join(h_daemon_port(d), kb, "bob");
	h_wait_row(c[1], h_presence_row(c[1]),
	    "Alice README.md:1  Bob README.md:1", LONG);
	h_wait_row(c[0], h_presence_row(c[0]),
	    "Alice README.md:1  Bob README.md:1", LONG);
	h_pump_all(200);
	return d;
}

static void
ro_seen_add(struct ro_seen *s, const char *line)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (strcmp(s->lines[i], line) == 0)
			return;
	}
	s->lines = xreallocarray(s->lines, s->n + 1, sizeof *s->lines);
	s->lines[s->n++] = xstrdup(line);
}

/* Note what c's text rows show now. */
static void
ro_seen_screen(struct ro_seen *s, struct h_client *c)
{
	char *row;
	size_t len;
	int y;

	for (y = 0; y < h_status_row(c); y++) {
		row = xstrdup(h_row(c, y));
		len = strlen(row);
		while (len > 0 && row[len - 1] == ' ')
			row[--len] = '\0';
		if (len > 0)
			ro_seen_add(s, row);
		free(row);
	}
}

static void
ro_seen_free(struct ro_seen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->lines[i]);
	free(s->lines);
}

/* Whether text has line as one of its lines. */
static int
ro_has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; p != NULL; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* The status row contains a text now. */
static int
ro_status_has(struct h_client *c, const char *text)
{
	return strstr(h_row(c, h_status_row(c)), text) != NULL;
}

static int
ro_closed(struct h_client *c, void *arg)
{
	return h_client_closed(c);
}

/* kill -9 the daemon; its frontends end. */
static void
ro_kill9(struct h_daemon *d, struct h_client **c, int n)
{
	int i;

	assert_int_equal(kill(h_daemon_pid(d), SIGKILL), 0);
	assert_int_equal(h_daemon_stop(d), -1);
	for (i = 0; i < n; i++) {
		h_until(c[i], ro_closed, NULL, LONG);
		h_client_close(c[i]);
	}
}

/*
 * What a new daemon on the same repository recovers of README.md: someone
 * joins and saves, and the file is read back. The caller frees.
 */
static char *
ro_recovered(const char *repo, const char *key, const char *first)
{
	struct h_daemon *d;
	struct h_client *c;
	char *text;
	size_t len;

	d = h_daemon_start(repo);
	c = ro_join(h_daemon_port(d), key, "alice");
	h_wait_row(c, 0, first, LONG);
	h_key(c, "C-s");
	h_wait_row_has(c, h_status_row(c), "saved by Alice", SHORT);
	text = h_read_file(repo, "README.md", &len);
	if (text == NULL)
		fail_msg("cannot read README.md back");
	h_client_close(c);
	h_daemon_stop(d);
	return text;
}

/*
 * The attack: .git/moot on a full disk, one person types 200 lines, another
 * watches; the daemon is killed. Every line either screen ever showed must
 * come back: an edit the journal cannot keep never reaches a screen, and
 * both are told the session is read-only.
 */
static void
test_full_disk_nothing_seen_lost(void **state)
{
	struct ro_seen seen = {NULL, 0};
	struct h_client *c[2];
	struct h_daemon *d;
	char *repo, *ka, *kb, *filler, *text, line[16];
	long long t0;
	int n, told_a = 0, told_b = 0;
	size_t i;

	repo = h_repo_create("README.md", "tail\n", NULL);
	ro_mount(repo);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	d = ro_start_two(repo, ka, kb, c);

	filler = ro_fill(repo);

	/* 200 short lines, as fast as keys go, Bob's screen noted as they
	 * come. */
	for (n = 0; n < 200; n++) {
		snprintf(line, sizeof line, "l%03d\r", n);
		h_send(c[0], line);
		if (n % 10 == 9) {
			h_pump_all(1);
			ro_seen_screen(&seen, c[0]);
			ro_seen_screen(&seen, c[1]);
			told_a |= ro_status_has(c[0], NOTICE_FULL);
			told_b |= ro_status_has(c[1], NOTICE_FULL);
		}
	}
	/* Then a while longer: every retry of the write, still failing. */
	t0 = h_now_ms();
	while (h_now_ms() - t0 < 2500) {
		h_pump_all(20);
		ro_seen_screen(&seen, c[0]);
		ro_seen_screen(&seen, c[1]);
		told_a |= ro_status_has(c[0], NOTICE_FULL);
		told_b |= ro_status_has(c[1], NOTICE_FULL);
	}

	ro_kill9(d, c, 2);
	if (unlink(filler) != 0)
		fail_msg("unlink %s: %s", filler, strerror(errno));
	text = ro_recovered(repo, ka, "tail");
	for (i = 0; i < seen.n; i++) {
		if (!ro_has_line(text, seen.lines[i]))
			fail_msg("`%s` was on a screen and did not survive "
			         "kill -9 (%zu lines seen); recovered:\n%s",
			    seen.lines[i], seen.n, text);
	}
	if (!told_a || !told_b)
		fail_msg("the read-only notice did not show (Alice %d, Bob %d)",
		    told_a, told_b);
	ro_seen_free(&seen);
	free(text);
	free(filler);
	h_pass();
}

/*
 * Disk full, then space again: an edit made as the disk filled is held,
 * shown to no one; editing is refused with the notice while moving,
 * finding and joining work; once there is space the session resumes by
 * itself, the held edit appears, typing works, and after kill -9 all of it
 * is there.
 */
static void
test_full_disk_resumes(void **state)
{
	struct h_client *c[3];
	struct h_daemon *d;
	char *repo, *ka, *kb, *kc, *filler, *text, *disk;
	size_t len;

	repo = h_repo_create("README.md", "tail\n", NULL);
	ro_mount(repo);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	kc = h_key_create(repo, "Carol <carol@example.com>");
	d = ro_start_two(repo, ka, kb, c);

	filler = ro_fill(repo);

	/* A paste: one edit, in the pass whose write fails. */
	h_send(c[0], PASTE_START "held one\rheld two\r" PASTE_END);
	h_wait_row_has(c[0], h_status_row(c[0]), NOTICE_FULL, SHORT);
	h_wait_row_has(c[1], h_status_row(c[1]), NOTICE_FULL, SHORT);
	h_pump_all(300);
	h_wait_row(c[0], 0, "tail", SHORT);
	h_wait_row(c[1], 0, "tail", SHORT);

	/* Editing is refused, with the notice; moving and finding work. */
	h_send(c[0], "x");
	h_key(c[1], "C-s");
	h_key(c[0], "Down");
	h_wait_status(c[0], h_status_row(c[0]), "README.md [+] 2:1", SHORT);
	h_key(c[0], "Up");
	h_wait_status(c[0], h_status_row(c[0]), "README.md [+] 1:1", SHORT);
	h_key(c[1], "C-f");
	h_send(c[1], "ai");
	h_wait_row_has(c[1], h_status_row(c[1]), "1 of 1", SHORT);
	h_key(c[1], "Escape");
	h_pump_all(300);
	h_wait_row(c[0], 0, "tail", SHORT);
	h_wait_row(c[1], 0, "tail", SHORT);
	h_wait_row_has(c[0], h_status_row(c[0]), NOTICE_FULL, SHORT);
	disk = h_read_file(repo, "README.md", &len);
	assert_string_equal(disk, "tail\n");
	free(disk);

	/* Someone can still join, and sees what the journal has. */
	c[2] = ro_join(h_daemon_port(d), kc, "carol");
	h_wait_row(c[2], 0, "tail", LONG);
	/* After "welcome, Carol" (4 s), the notice comes back. */
	h_wait_row_has(c[2], h_status_row(c[2]), NOTICE_FULL, LONG);

	/* Space again: the session resumes by itself. */
	if (unlink(filler) != 0)
		fail_msg("unlink %s: %s", filler, strerror(errno));
	h_wait_row_has(c[1], h_status_row(c[1]), NOTICE_BACK, LONG);
	h_wait_row(c[1], 0, "held one", SHORT);
	h_wait_row(c[1], 1, "held two", SHORT);
	h_wait_row(c[1], 2, "tail", SHORT);
	h_wait_row(c[2], 0, "held one", SHORT);
	h_wait_status(c[0], h_status_row(c[0]), "README.md [+] 3:1", SHORT);
	h_send(c[0], "after");
	h_wait_row(c[1], 2, "aftertail", SHORT);
	h_pump_all(100);

	ro_kill9(d, c, 3);
	text = ro_recovered(repo, ka, "held one");
	assert_string_equal(text, "held one\nheld two\naftertail\n");
	free(text);
	free(filler);
	h_pass();
}

/* Whether a row of a screen holds text (row 0 to the last). */
static int
ro_screen_has(struct h_client *c, const char *text)
{
	int y;

	for (y = 0; y < h_rows(c); y++) {
		if (strstr(h_row(c, y), text) != NULL)
			return 1;
	}
	return 0;
}

/*
 * Chat said in the pass whose journal write fails is not shown either:
 * it shows, to everyone, once it is written, and survives kill -9.
 */
static void
test_full_disk_chat(void **state)
{
	struct h_client *c[2];
	struct h_daemon *d;
	char *repo, *ka, *kb, *filler;
	long long until;

	repo = h_repo_create("README.md", "tail\n", NULL);
	ro_mount(repo);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	d = ro_start_two(repo, ka, kb, c);
	h_key(c[0], "C-t");
	h_wait_row_has(c[0], h_status_row(c[0]), "Say:", SHORT);
	h_send(c[0], "unwritten words");
	h_wait_row_has(c[0], h_status_row(c[0]), "unwritten words", SHORT);
	h_pump_all(200);

	filler = ro_fill(repo);
	h_key(c[0], "Enter");
	h_wait_row_has(c[1], h_status_row(c[1]), NOTICE_FULL, SHORT);
	h_wait_row_has(c[0], h_status_row(c[0]), NOTICE_FULL, SHORT);
	/* A while read-only: the words are on no screen. */
	for (until = h_now_ms() + 1500; h_now_ms() < until;) {
		h_pump_all(100);
		if (ro_screen_has(c[1], "unwritten words") ||
		    (ro_screen_has(c[0], "unwritten words") &&
		        !ro_status_has(c[0], "Say:")))
			fail_msg("chat the journal does not have is shown");
	}

	if (unlink(filler) != 0)
		fail_msg("unlink %s: %s", filler, strerror(errno));
	h_wait_row_has(c[1], h_status_row(c[1]), NOTICE_BACK, LONG);
	h_wait(c[1], "Alice: unwritten words", SHORT);

	ro_kill9(d, c, 2);
	d = h_daemon_start(repo);
	c[0] = ro_join(h_daemon_port(d), kb, "bob");
	h_wait(c[0], "Alice: unwritten words", LONG);
	free(filler);
	h_pass();
}

/* The size of a file (0 if it is not there). */
static off_t
ro_size(const char *dir, const char *name)
{
	struct stat sb;
	char *path;
	off_t size = 0;

	xasprintf(&path, "%s/%s", dir, name);
	if (stat(path, &sb) == 0)
		size = sb.st_size;
	free(path);
	return size;
}

static int
ro_told_big(struct h_client *c, void *arg)
{
	return h_client_closed(c) || ro_status_has(c, NOTICE_BIG);
}

/*
 * A file size limit on the daemon (RLIMIT_FSIZE): writing past it raises
 * SIGXFSZ, whose default ends the process. The session must go read-only
 * (EFBIG), hold the edit, and resume when the limit is lifted.
 */
static void
test_file_size_limit(void **state)
{
	struct h_client *c[2];
	struct h_daemon *d;
	struct rlimit rl;
	char *repo, *ka, *kb, *state_dir, *text;
	off_t wal, db;

	repo = h_repo_create("README.md", "tail\n", NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	d = ro_start_two(repo, ka, kb, c);

	/* No file of the journal may grow from here on. */
	xasprintf(&state_dir, "%s/.git/moot", repo);
	wal = ro_size(state_dir, "journal.db-wal");
	db = ro_size(state_dir, "journal.db");
	assert_true(wal > 0);
	if (getrlimit(RLIMIT_FSIZE, &rl) != 0)
		fail_msg("getrlimit: %s", strerror(errno));
	assert_true(db <= wal); /* nothing but a checkpoint writes it */
	rl.rlim_cur = wal;
	if (prlimit(h_daemon_pid(d), RLIMIT_FSIZE, &rl, NULL) != 0)
		fail_msg("prlimit: %s", strerror(errno));

	h_send(c[0], "x");
	h_until(c[0], ro_told_big, NULL, SHORT);
	if (h_client_closed(c[0]))
		fail_msg("the session ended at the file size limit (the "
		         "daemon's exit status: %d)",
		    h_daemon_stop(d));
	h_wait_row_has(c[0], h_status_row(c[0]), NOTICE_BIG, SHORT);
	h_wait_row_has(c[1], h_status_row(c[1]), NOTICE_BIG, SHORT);
	h_send(c[0], "y");
	h_pump_all(300);
	h_wait_row(c[1], 0, "tail", SHORT);
	h_wait_row(c[0], 0, "tail", SHORT);
	assert_int_equal(kill(h_daemon_pid(d), 0), 0);

	/* The limit goes: the held x shows, y was refused, z works. */
	rl.rlim_cur = rl.rlim_max;
	if (prlimit(h_daemon_pid(d), RLIMIT_FSIZE, &rl, NULL) != 0)
		fail_msg("prlimit: %s", strerror(errno));
	h_wait_row_has(c[1], h_status_row(c[1]), NOTICE_BACK, LONG);
	h_wait_row(c[1], 0, "xtail", SHORT);
	h_send(c[0], "z");
	h_wait_row(c[1], 0, "xztail", SHORT);
	h_pump_all(100);

	ro_kill9(d, c, 2);
	text = ro_recovered(repo, ka, "xztail");
	assert_string_equal(text, "xztail\n");
	free(text);
	free(state_dir);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_full_disk_nothing_seen_lost, ro_setup, ro_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_full_disk_resumes, ro_setup, ro_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_full_disk_chat, ro_setup, ro_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_file_size_limit, ro_setup, ro_teardown),
	};

	/* Before anything starts a thread: unshare needs a single thread. */
	ro_private = ro_unshare() == 0;
	/* E2E_FILTER=test_file_size_limit runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
