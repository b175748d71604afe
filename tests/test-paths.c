/* test-paths.c: end-to-end tests of how the daemon reaches working-tree
 * files: symlink races, FIFOs, huge files, links out of the tree. */
#include "moot.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

#define SHORT 3000 /* ms for anything that should be immediate */
#define LONG 8000  /* ms for joining (key exchange, fork) */

#define RACE_SAVES 100  /* saves while the swapper runs */
#define RACE_SECONDS 8  /* the swapper stops by itself after this */
#define DISK_CHECK 4000 /* ms: the daemon looks at open files each second */

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static const char readme[] = "# Demo\nline two\n";

#define wait_status(c, s, ms) h_wait_status(c, h_status_row(c), s, ms)

/* Alice and Bob, both in README.md. */
static void
join_two(struct h_daemon *d, const char *ka, const char *kb,
    struct h_client **a, struct h_client **b)
{
	*a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(*a, 0, "# Demo", LONG);
	*b = h_join(h_daemon_port(d), kb, "bob");
	h_wait_row(*b, 0, "# Demo", LONG);
	h_wait_row_has(*a, h_presence_row(*a), "Bob", LONG);
}

/* Bob's typing shows on his screen (and Alice's, when a is not NULL) at
 * once: the daemon answers. The text is typed at the top of README.md and
 * removed. */
static void
echo_works(struct h_client *a, struct h_client *b, const char *mark)
{
	char *row;

	xasprintf(&row, "%s# Demo", mark);
	h_send(b, mark);
	h_wait_row(b, 0, row, SHORT);
	if (a != NULL)
		h_wait_row(a, 0, row, SHORT);
	free(row);
	h_key(b, "BSpace");
	h_wait_row(b, 0, "# Demo", SHORT);
}

/* Names under dir (recursively, links not followed, .git skipped) that
 * hold ".moot-": temporary files of saves. Each is reported. */
static int
count_temps(const char *dir)
{
	DIR *d;
	struct dirent *de;
	struct stat sb;
	char *path;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".git") == 0)
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		if (strstr(de->d_name, ".moot-") != NULL) {
			fprintf(stderr, "temporary file left: %s\n", path);
			n++;
		}
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			n += count_temps(path);
		free(path);
	}
	closedir(d);
	return n;
}

/* Every entry of a directory, each reported; their number. */
static int
count_entries(const char *dir)
{
	DIR *d;
	struct dirent *de;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		fail_msg("opendir %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		fprintf(stderr, "written outside the repository: %s/%s\n", dir,
		    de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static volatile sig_atomic_t swapper_stop;

static void
swapper_term(int sig)
{
	(void)sig;
	swapper_stop = 1;
}

/*
 * The attacker: a local process exchanging a and b (a directory and a
 * symlink to a directory outside) in a tight loop until told to stop or
 * RACE_SECONDS pass. Writes how many exchanges it made to fd.
 */
static pid_t
swapper_start(const char *a, const char *b, int fd)
{
	struct sigaction sa;
	unsigned long n = 0;
	long long until;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid != 0)
		return pid;
	alarm(0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = swapper_term;
	sigaction(SIGTERM, &sa, NULL);
	until = h_now_ms() + RACE_SECONDS * 1000;
	while (!swapper_stop) {
		if (syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b,
		        RENAME_EXCHANGE) == 0)
			n++;
		if ((n & 1023) == 0 && h_now_ms() > until)
			break;
	}
	if (write(fd, &n, sizeof n) != (ssize_t)sizeof n)
		_exit(1);
	_exit(0);
}

static int
status_clean(struct h_client *c, void *arg)
{
	(void)arg;
	return strstr(h_row(c, h_status_row(c)), "[+]") == NULL;
}

/*
 * Item 2 of the hardening issue: a local process swaps a directory of the
 * saved file's path with a symlink to a directory outside, in a tight
 * loop, while Alice saves again and again. Nothing may be written
 * outside, and no temporary file may be left anywhere.
 */
static void
test_save_race(void **state)
{
	struct h_client *a;
	struct h_daemon *d;
	struct stat sb;
	unsigned long swaps = 0;
	char *repo, *out, *ka, *dir, *link, *row, *text;
	static const char marks[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	int i, p[2], status;
	pid_t pid;
	size_t len;

	repo = h_repo_create("README.md", readme, "d/f.txt", "text\n", NULL);
	out = h_tmpdir("outside");
	xasprintf(&dir, "%s/d", repo);
	xasprintf(&link, "%s/x", repo);
	assert_int_equal(symlink(out, link), 0);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start(repo);
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(a, 0, "# Demo", LONG);
	h_open(a, "d/f.txt", SHORT);
	h_wait_row(a, 0, "text", SHORT);
	wait_status(a, " d/f.txt", SHORT);

	assert_int_equal(pipe(p), 0);
	pid = swapper_start(dir, link, p[1]);
	close(p[1]);
	/*
	 * Each round changes the first character and saves: the echo of the
	 * next round's character means the daemon handled this round's
	 * Ctrl-S (keys are handled in order).
	 */
	for (i = 0; i < RACE_SAVES; i++) {
		if (i > 0)
			h_key(a, "BSpace");
		h_send_bytes(a, &marks[i % (sizeof marks - 1)], 1);
		xasprintf(&row, "%ctext", marks[i % (sizeof marks - 1)]);
		h_wait_row(a, 0, row, SHORT);
		free(row);
		h_key(a, "C-s");
	}
	h_until(a, status_clean, NULL, 500);
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(read(p[0], &swaps, sizeof swaps), sizeof swaps);
	close(p[0]);
	/* Put the directory back where it was. */
	assert_int_equal(lstat(dir, &sb), 0);
	if (S_ISLNK(sb.st_mode))
		assert_int_equal(syscall(SYS_renameat2, AT_FDCWD, dir, AT_FDCWD,
		                     link, RENAME_EXCHANGE),
		    0);
	if (swaps < 1000)
		fail_msg("the swapper made only %lu exchanges", swaps);

	/* Nothing outside; no temporary file anywhere. */
	if (count_entries(out) != 0)
		fail_msg("a save was redirected outside the repository "
		         "(%lu exchanges)",
		    swaps);
	if (count_temps(repo) != 0)
		fail_msg("temporary files were left in the repository");

	/* Saving works again once the swapping stops. */
	h_key(a, "BSpace");
	h_send(a, "Z");
	h_wait_row(a, 0, "Ztext", SHORT);
	/* (The disk check may have seen the swaps: then a second Ctrl-S
	 * confirms.) */
	h_key(a, "C-s");
	if (!h_until(a, status_clean, NULL, 1500))
		h_key(a, "C-s");
	h_wait_pred(a, status_clean, NULL, "the save", SHORT);
	text = h_read_file(repo, "d/f.txt", &len);
	assert_string_equal(text, "Ztext\n");
	free(text);
	assert_int_equal(count_entries(out), 0);
	assert_int_equal(count_temps(repo), 0);
	free(dir);
	free(link);
	h_pass();
}

/* Item 4: Ctrl-O on a FIFO is refused at once, and the daemon answers. */
static void
test_fifo_open(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo, *ka, *kb, *path;

	repo = h_repo_create("README.md", readme, NULL);
	xasprintf(&path, "%s/pipe", repo);
	assert_int_equal(mkfifo(path, 0644), 0);
	free(path);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	d = h_daemon_start(repo);
	join_two(d, ka, kb, &a, &b);

	h_open(a, "pipe", SHORT);
	h_wait(a, "pipe is a named pipe (FIFO), not a regular file", SHORT);
	h_close_picker(a, SHORT);
	echo_works(a, b, "B");
	wait_status(a, " README.md", SHORT);

	/* A link in the tree to it is refused the same way. */
	xasprintf(&path, "%s/to-pipe", repo);
	assert_int_equal(symlink("pipe", path), 0);
	free(path);
	h_open(a, "to-pipe", SHORT);
	h_wait(a, "to-pipe is a named pipe (FIFO), not a regular file", SHORT);
	h_close_picker(a, SHORT);
	echo_works(a, b, "C");

	/* A new joiner still gets in. */
	h_client_close(b);
	b = h_join(h_daemon_port(d), kb, "bob");
	h_wait_row(b, 0, "# Demo", LONG);
	h_pass();
}

/*
 * Item 4: the file Alice has open is replaced on disk by a FIFO. The
 * daemon's check of open files must not block: Bob's typing still
 * echoes, Alice is told, and her save does not replace the FIFO.
 */
static void
test_fifo_replaces_file(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	struct stat sb;
	char *repo, *ka, *kb, *path;

	repo = h_repo_create(
	    "README.md", readme, "notes.md", "some notes\n", NULL);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	d = h_daemon_start(repo);
	/* Alice's terminal is wide: the notices are long. */
	a = h_client_connect(
	    h_daemon_port(d), ka, "alice", 132, 24, "xterm-256color");
	h_wait_row(a, 0, "# Demo", LONG);
	b = h_join(h_daemon_port(d), kb, "bob");
	h_wait_row(b, 0, "# Demo", LONG);
	h_open(a, "notes.md", SHORT);
	h_wait_row(a, 0, "some notes", SHORT);

	xasprintf(&path, "%s/notes.md", repo);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0644), 0);
	h_wait(a, "notes.md is a named pipe (FIFO), not a regular file",
	    DISK_CHECK);
	echo_works(NULL, b, "B");
	h_wait_row_has(a, h_status_row(a), "[changed on disk]", SHORT);
	/* The file list (git status over the tracked FIFO) does not block. */
	h_key(a, "C-o");
	h_wait_row(a, 0, "Open:", SHORT);
	h_wait(a, "README.md", SHORT);
	h_key(a, "Escape");
	h_wait_gone(a, "Open:", SHORT);
	echo_works(NULL, b, "D");
	/* Alice's text is still there, and is not saved over the FIFO. */
	h_wait_row(a, 0, "some notes", SHORT);
	h_send(a, "A");
	h_wait_row(a, 0, "Asome notes", SHORT);
	h_key(a, "C-s");
	h_wait(a, "changed on disk: Ctrl-S again overwrites", SHORT);
	h_key(a, "C-s");
	h_wait(a,
	    "cannot save notes.md: it is a named pipe (FIFO), not a regular "
	    "file",
	    SHORT);
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISFIFO(sb.st_mode));
	free(path);
	echo_works(NULL, b, "C");
	h_pass();
}

/* A sparse file of size bytes (ftruncate: no disk used). */
static void
sparse(const char *repo, const char *name, off_t size)
{
	char *path;
	int fd;

	xasprintf(&path, "%s/%s", repo, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_int_not_equal(fd, -1);
	assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
	free(path);
}

/* Item 5: a 100 GB file is refused with the limit; everyone goes on. */
static void
test_huge_file(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo, *ka, *kb;

	repo = h_repo_create("README.md", readme, NULL);
	sparse(repo, "huge.bin", 100LL * 1024 * 1024 * 1024);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	d = h_daemon_start(repo);
	join_two(d, ka, kb, &a, &b);

	h_open(a, "huge.bin", SHORT);
	/* (The default limit is moot serve's: not named here.) */
	h_wait(a, "huge.bin is 100G, over the ", SHORT);
	h_wait(a, " limit (--max-file-size)", SHORT);
	h_close_picker(a, SHORT);
	echo_works(a, b, "B");
	wait_status(a, " README.md", SHORT);
	h_pass();
}

/* Item 5: --max-file-size 1M refuses 2 MB and opens 512 KB. */
static void
test_max_file_size(void **state)
{
	struct h_client *a;
	struct h_daemon *d;
	char *repo, *ka, *text;
	size_t n = 512 * 1024, i;

	repo = h_repo_create("README.md", readme, NULL);
	text = xmalloc(2 * 1024 * 1024);
	for (i = 0; i < 2 * 1024 * 1024; i++)
		text[i] = i % 64 == 63 ? '\n' : 'a' + (char)(i % 64 % 26);
	memcpy(text, "half\n", 5);
	h_write_file(repo, "half.txt", text, n);
	memcpy(text, "two\n", 4);
	h_write_file(repo, "two.txt", text, 2 * 1024 * 1024);
	free(text);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start_args(repo, "--max-file-size", "1M", NULL);
	a = h_join(h_daemon_port(d), ka, "alice");
	h_wait_row(a, 0, "# Demo", LONG);

	h_open(a, "two.txt", SHORT);
	h_wait(a, "two.txt is 2M, over the 1M limit (--max-file-size)", SHORT);
	h_close_picker(a, SHORT);
	wait_status(a, " README.md", SHORT);
	h_open(a, "half.txt", SHORT);
	h_wait_row(a, 0, "half", SHORT);
	wait_status(a, " half.txt", SHORT);
	h_pass();
}

/* Bytes of address space process pid uses now. */
static uint64_t
vm_bytes(pid_t pid)
{
	unsigned long long pages = 0;
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/statm", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	if (fscanf(f, "%llu", &pages) != 1)
		fail_msg("%s: no size", path);
	fclose(f);
	return pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Let the daemon grow by at most extra bytes of address space. */
static void
limit_daemon(struct h_daemon *d, uint64_t extra)
{
	struct rlimit rl;
	pid_t pid = h_daemon_pid(d);

	assert_int_equal(prlimit(pid, RLIMIT_AS, NULL, &rl), 0);
	rl.rlim_cur = vm_bytes(pid) + extra;
	assert_int_equal(prlimit(pid, RLIMIT_AS, &rl, NULL), 0);
}

/*
 * Item 5: a file under the size limit for which memory runs out, while
 * reading it or while building its text: the open is refused and the
 * session goes on. The daemon's address space is limited (prlimit)
 * around a 500 MB file; AddressSanitizer cannot run under such a limit.
 */
static void
test_no_memory(void **state)
{
	struct h_client *a, *b;
	struct h_daemon *d;
	char *repo, *ka, *kb;

#ifdef TEST_ASAN
	skip();
#endif
	repo = h_repo_create("README.md", readme, NULL);
	sparse(repo, "big.txt", 500LL * 1024 * 1024);
	ka = h_key_create(repo, "Alice <alice@example.com>");
	kb = h_key_create(repo, "Bob <bob@example.com>");
	d = h_daemon_start(repo);
	join_two(d, ka, kb, &a, &b);

	/* Room for the bytes read, not for the text built from them. */
	limit_daemon(d, 700ULL * 1024 * 1024);
	h_open(a, "big.txt", SHORT);
	h_wait(a, "big.txt: not enough memory to open it", LONG);
	h_close_picker(a, SHORT);
	echo_works(a, b, "B");

	/* Not even room to read it. */
	limit_daemon(d, 200ULL * 1024 * 1024);
	h_open(a, "big.txt", SHORT);
	h_wait(a, "big.txt: not enough memory to read it", LONG);
	h_close_picker(a, SHORT);
	echo_works(a, b, "C");
	wait_status(a, " README.md", SHORT);
	h_pass();
}

/*
 * Links out of the tree (absolute, "../"), and into a .git directory
 * (the repository's or a nested one's) stay refused; a link inside the
 * tree still opens and saves its target.
 */
static void
test_links(void **state)
{
	static const char *refused[] = {"abs.md", "rel.md", "sub/up.md",
	    "gitcfg", "cfgdir/config", "nested/config"};
	struct h_client *a;
	struct h_daemon *d;
	struct stat sb;
	char *repo, *out, *ka, *path, *target, *want, *text;
	size_t i, len;

	repo = h_repo_create("README.md", readme, "notes/a.md", "note a\n",
	    "sub/keep.md", "keep\n", NULL);
	out = h_tmpdir("outside");
	h_write_file(out, "secret.md", "secret\n", 7);
	h_write_file(repo, "vendor/lib/.git/config", "[core]\n", 7);
	xasprintf(&target, "%s/secret.md", out);
	xasprintf(&path, "%s/abs.md", repo);
	assert_int_equal(symlink(target, path), 0);
	free(path);
	free(target);
	xasprintf(&target, "../%s/secret.md", strrchr(out, '/') + 1);
	xasprintf(&path, "%s/rel.md", repo);
	assert_int_equal(symlink(target, path), 0);
	free(path);
	free(target);
	xasprintf(&target, "../../%s/secret.md", strrchr(out, '/') + 1);
	xasprintf(&path, "%s/sub/up.md", repo);
	assert_int_equal(symlink(target, path), 0);
	free(path);
	free(target);
	xasprintf(&path, "%s/gitcfg", repo);
	assert_int_equal(symlink(".git/config", path), 0);
	free(path);
	xasprintf(&path, "%s/cfgdir", repo);
	assert_int_equal(symlink(".git", path), 0);
	free(path);
	xasprintf(&path, "%s/nested", repo);
	assert_int_equal(symlink("vendor/lib/.git", path), 0);
	free(path);
	xasprintf(&path, "%s/link.md", repo);
	assert_int_equal(symlink("notes/a.md", path), 0);

	ka = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start(repo);
	/* Alice's terminal is wide: the notices are long. */
	a = h_client_connect(
	    h_daemon_port(d), ka, "alice", 132, 24, "xterm-256color");
	h_wait_row(a, 0, "# Demo", LONG);

	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		h_open(a, refused[i], SHORT);
		xasprintf(&want, "%s: outside the repository", refused[i]);
		h_wait(a, want, SHORT);
		free(want);
		h_close_picker(a, SHORT);
		wait_status(a, " README.md", SHORT);
	}

	/* The link inside opens its target and saves it, staying a link. */
	h_open(a, "link.md", SHORT);
	h_wait_row(a, 0, "note a", SHORT);
	h_send(a, "L");
	h_wait_row(a, 0, "Lnote a", SHORT);
	h_key(a, "C-s");
	h_wait(a, "saved by Alice", SHORT);
	h_wait_pred(a, status_clean, NULL, "the save", SHORT);
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	free(path);
	text = h_read_file(repo, "notes/a.md", &len);
	assert_string_equal(text, "Lnote a\n");
	free(text);
	text = h_read_file(out, "secret.md", &len);
	assert_string_equal(text, "secret\n");
	free(text);
	text = h_read_file(repo, "vendor/lib/.git/config", &len);
	assert_string_equal(text, "[core]\n");
	free(text);

	/* An open file whose directory becomes a link out of the tree:
	 * its viewers are told, and a save goes nowhere outside. */
	h_open(a, "sub/keep.md", SHORT);
	h_wait_row(a, 0, "keep", SHORT);
	h_write_file(out, "keep.md", "outside\n", 8);
	xasprintf(&path, "%s/sub", repo);
	xasprintf(&target, "%s/sub-real", repo);
	assert_int_equal(rename(path, target), 0);
	assert_int_equal(symlink(out, path), 0);
	free(path);
	free(target);
	h_wait(a, "sub/keep.md cannot be reached on disk", DISK_CHECK);
	h_wait_row_has(a, h_status_row(a), "[changed on disk]", SHORT);
	h_wait_row(a, 0, "keep", SHORT);
	h_send(a, "K");
	h_wait_row(a, 0, "Kkeep", SHORT);
	h_key(a, "C-s");
	h_wait(a, "changed on disk: Ctrl-S again overwrites", SHORT);
	h_key(a, "C-s");
	h_wait(a, "cannot save sub/keep.md: outside the repository", SHORT);
	text = h_read_file(out, "keep.md", &len);
	assert_string_equal(text, "outside\n");
	free(text);
	text = h_read_file(repo, "sub-real/keep.md", &len);
	assert_string_equal(text, "keep\n");
	free(text);
	assert_int_equal(count_temps(repo), 0);
	assert_int_equal(count_temps(out), 0);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_save_race, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_fifo_open, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_fifo_replaces_file, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_huge_file, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_max_file_size, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_no_memory, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(test_links, h_setup, h_teardown),
	};

	/* E2E_FILTER=test_huge_file runs one test (a glob). */
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
