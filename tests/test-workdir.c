/* test-workdir.c: unit tests for the walk into the working tree (workdir.c)
 * and the file operations built on it (file.c), in a temporary directory. */
#include "moot.h"

#include <sys/resource.h>
#include <sys/stat.h>

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

#include "buffer.h"
#include "file.h"
#include "workdir.h"

/*
 * Each test gets a directory holding tree/ (the working tree, its
 * descriptor open) and out/ (outside it, with a secret file):
 *   tree/a/b/f.txt      "f\n"
 *   tree/c.txt          "c\n"
 *   tree/.git/config    "git\n"
 *   out/secret.txt      "secret\n"
 */
struct fx {
	char dir[64];
	char *tree;
	char *out;
	int root;
};

/* Make a file (parents must exist) under the test's directory. */
static void
put(struct fx *f, const char *rel, const char *text)
{
	char *path;
	int fd;

	xasprintf(&path, "%s/%s", f->dir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_int_not_equal(fd, -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	free(path);
}

static void
dir(struct fx *f, const char *rel)
{
	char *path;

	xasprintf(&path, "%s/%s", f->dir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
	free(path);
}

/* A symbolic link at rel (under the test's directory) holding target. */
static void
link_to(struct fx *f, const char *target, const char *rel)
{
	char *path;

	xasprintf(&path, "%s/%s", f->dir, rel);
	assert_int_equal(symlink(target, path), 0);
	free(path);
}

/* The contents of a file under the test's directory ("" if missing). */
static char *
get(struct fx *f, const char *rel)
{
	char *path, *buf = xcalloc(1, 4096);
	int fd;

	xasprintf(&path, "%s/%s", f->dir, rel);
	if ((fd = open(path, O_RDONLY)) != -1) {
		assert_true(read(fd, buf, 4095) >= 0);
		close(fd);
	}
	free(path);
	return buf;
}

/* Entries of a directory under the test's directory whose name holds
 * ".moot-": temporary files. */
static int
temps(struct fx *f, const char *rel)
{
	char *path;
	DIR *d;
	struct dirent *de;
	int n = 0;

	xasprintf(&path, "%s/%s", f->dir, rel);
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".moot-") != NULL)
			n++;
	}
	closedir(d);
	free(path);
	return n;
}

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	const char *tmp;

	if ((tmp = getenv("TMPDIR")) == NULL || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(f->dir, sizeof f->dir, "%s/test-workdir-XXXXXX", tmp);
	if (mkdtemp(f->dir) == NULL)
		return -1;
	xasprintf(&f->tree, "%s/tree", f->dir);
	xasprintf(&f->out, "%s/out", f->dir);
	dir(f, "tree");
	dir(f, "tree/a");
	dir(f, "tree/a/b");
	dir(f, "tree/.git");
	dir(f, "out");
	put(f, "tree/a/b/f.txt", "f\n");
	put(f, "tree/c.txt", "c\n");
	put(f, "tree/.git/config", "git\n");
	put(f, "out/secret.txt", "secret\n");
	if ((f->root = workdir_open(f->tree)) == -1)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char *cmd;

	close(f->root);
	xasprintf(&cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(cmd);
	free(f->tree);
	free(f->out);
	free(f);
	return 0;
}

/* Walk rel; expect success and that (dfd, name) is the file at want
 * (relative to the test's directory; NULL: a name that does not exist,
 * given as want_name). */
static void
walk_ok(struct fx *f, const char *rel, int flags, const char *want,
    const char *want_name)
{
	struct workdir_at at;
	struct stat got, sb;
	char *path;

	if (workdir_walk(f->root, rel, flags, &at) != 0)
		fail_msg("walking %s: %s", rel, strerror(errno));
	if (want_name != NULL)
		assert_string_equal(at.name, want_name);
	if (want != NULL) {
		xasprintf(&path, "%s/%s", f->dir, want);
		assert_int_equal(lstat(path, &sb), 0);
		assert_int_equal(
		    fstatat(at.dfd, at.name, &got, AT_SYMLINK_NOFOLLOW), 0);
		assert_true(got.st_ino == sb.st_ino && got.st_dev == sb.st_dev);
		free(path);
	} else
		assert_int_equal(
		    fstatat(at.dfd, at.name, &got, AT_SYMLINK_NOFOLLOW), -1);
	workdir_close(&at);
}

/* Walk rel; expect failure with error. */
static void
walk_fails(struct fx *f, const char *rel, int flags, int error)
{
	struct workdir_at at;

	if (workdir_walk(f->root, rel, flags, &at) == 0) {
		workdir_close(&at);
		fail_msg("walking %s succeeded", rel);
	}
	if (errno != error)
		fail_msg("walking %s: %s, expected %s", rel, strerror(errno),
		    strerror(error));
	assert_int_equal(at.dfd, -1);
}

/* Plain paths, new names, missing directories, malformed paths. */
static void
test_plain(void **state)
{
	struct fx *f = *state;

	walk_ok(f, "a/b/f.txt", 0, "tree/a/b/f.txt", "f.txt");
	walk_ok(f, "c.txt", WORKDIR_FOLLOW, "tree/c.txt", "c.txt");
	walk_ok(f, "a/b", WORKDIR_DIR, "tree/a/b", ".");
	walk_ok(f, "", WORKDIR_DIR, "tree", ".");
	/* A new file: its directory exists, the name does not. */
	walk_ok(f, "a/new.txt", WORKDIR_FOLLOW, NULL, "new.txt");
	walk_fails(f, "nope/x.txt", WORKDIR_FOLLOW, ENOENT);
	walk_fails(f, "c.txt/x", WORKDIR_FOLLOW, ENOTDIR);
	walk_fails(f, "", 0, EINVAL);
	walk_fails(f, "/etc/passwd", WORKDIR_FOLLOW, EINVAL);
	walk_fails(f, "../out/secret.txt", WORKDIR_FOLLOW, EINVAL);
	walk_fails(f, "a/../c.txt", WORKDIR_FOLLOW, EINVAL);
	walk_fails(f, "./c.txt", WORKDIR_FOLLOW, EINVAL);
	walk_fails(f, "a//b/f.txt", WORKDIR_FOLLOW, EINVAL);
	walk_fails(f, "a/b/", WORKDIR_FOLLOW, EINVAL);
	assert_true(workdir_refused(EINVAL) && workdir_refused(EXDEV) &&
	            workdir_refused(EPERM) && !workdir_refused(ENOENT));
}

/* .git, in any case, in the path or reached through a link. */
static void
test_git(void **state)
{
	struct fx *f = *state;

	walk_fails(f, ".git/config", WORKDIR_FOLLOW, EPERM);
	walk_fails(f, ".GIT/config", WORKDIR_FOLLOW, EPERM);
	walk_fails(f, "a/.Git", WORKDIR_FOLLOW, EPERM);
	link_to(f, ".git", "tree/cfg");
	walk_fails(f, "cfg/config", WORKDIR_FOLLOW, EPERM);
	link_to(f, ".git/config", "tree/conf");
	walk_fails(f, "conf", WORKDIR_FOLLOW, EPERM);
	link_to(f, "../.git", "tree/a/up");
	walk_fails(f, "a/up/config", WORKDIR_FOLLOW, EPERM);
	/* Without following, the link itself is the name. */
	walk_ok(f, "conf", 0, "tree/conf", "conf");
}

/* Links: inside the tree followed; absolute or climbing out refused;
 * loops and chains bounded. */
static void
test_links(void **state)
{
	struct fx *f = *state;
	char *abs;
	int i;

	link_to(f, "a/b/f.txt", "tree/lf");
	walk_ok(f, "lf", WORKDIR_FOLLOW, "tree/a/b/f.txt", "f.txt");
	link_to(f, "a/b", "tree/lb");
	walk_ok(f, "lb/f.txt", WORKDIR_FOLLOW, "tree/a/b/f.txt", "f.txt");
	/* ".." inside a link is physical: from where the link points. */
	link_to(f, "../../c.txt", "tree/a/b/up");
	walk_ok(f, "a/b/up", WORKDIR_FOLLOW, "tree/c.txt", "c.txt");
	link_to(f, "b/..", "tree/a/self");
	walk_ok(f, "a/self/b/f.txt", WORKDIR_FOLLOW, "tree/a/b/f.txt", NULL);
	/* A link to a missing name inside: a new file there. */
	link_to(f, "a/b/later.txt", "tree/dangling");
	walk_ok(f, "dangling", WORKDIR_FOLLOW, NULL, "later.txt");

	/* Out of the tree. */
	link_to(f, "../out/secret.txt", "tree/rel-out");
	walk_fails(f, "rel-out", WORKDIR_FOLLOW, EXDEV);
	link_to(f, "../../../out", "tree/a/b/dir-out");
	walk_fails(f, "a/b/dir-out/secret.txt", WORKDIR_FOLLOW, EXDEV);
	xasprintf(&abs, "%s/secret.txt", f->out);
	link_to(f, abs, "tree/abs-out");
	walk_fails(f, "abs-out", WORKDIR_FOLLOW, EXDEV);
	free(abs);
	xasprintf(&abs, "%s/a", f->tree);
	link_to(f, abs, "tree/abs-in");
	walk_fails(f, "abs-in/b/f.txt", WORKDIR_FOLLOW, EXDEV);
	free(abs);

	/* Without WORKDIR_FOLLOW no link is crossed. */
	walk_fails(f, "lb/f.txt", 0, ELOOP);
	walk_fails(f, "lb", WORKDIR_DIR, ELOOP);

	/* Loops, and chains longer than WORKDIR_LINKS. */
	link_to(f, "loop2", "tree/loop1");
	link_to(f, "loop1", "tree/loop2");
	walk_fails(f, "loop1", WORKDIR_FOLLOW, ELOOP);
	walk_fails(f, "loop1/x", WORKDIR_FOLLOW, ELOOP);
	link_to(f, "me/me", "tree/me");
	walk_fails(f, "me", WORKDIR_FOLLOW, ELOOP);
	link_to(f, "c.txt", "tree/chain0");
	for (i = 1; i <= WORKDIR_LINKS + 1; i++) {
		char target[32], name[32];

		snprintf(target, sizeof target, "chain%d", i - 1);
		snprintf(name, sizeof name, "tree/chain%d", i);
		link_to(f, target, name);
	}
	walk_ok(f, "chain39", WORKDIR_FOLLOW, "tree/c.txt", "c.txt");
	walk_fails(f, "chain41", WORKDIR_FOLLOW, ELOOP);
}

/* Making directories: never through a link, nor over a file. */
static void
test_mkdir(void **state)
{
	struct fx *f = *state;
	struct stat sb;
	char *path;

	walk_ok(f, "m/n/o", WORKDIR_DIR | WORKDIR_MKDIR, "tree/m/n/o", ".");
	walk_ok(f, "p/q/new.md", WORKDIR_MKDIR, NULL, "new.md");
	xasprintf(&path, "%s/p/q", f->tree);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	free(path);
	link_to(f, "../out", "tree/ext");
	walk_fails(f, "ext/adr", WORKDIR_DIR | WORKDIR_MKDIR, ELOOP);
	walk_fails(f, "c.txt/adr", WORKDIR_DIR | WORKDIR_MKDIR, ENOTDIR);
	walk_fails(f, ".git/adr", WORKDIR_DIR | WORKDIR_MKDIR, EPERM);
	xasprintf(&path, "%s/adr", f->out);
	assert_int_equal(access(path, F_OK), -1);
	free(path);
}

/*
 * What the walk is for: once a directory is reached, swapping it for a
 * link to outside cannot move what is done next.
 */
static void
test_swap_after_walk(void **state)
{
	struct fx *f = *state;
	struct workdir_at at;
	char *from, *to;
	int fd;

	assert_int_equal(workdir_walk(f->root, "a/b/new.txt", 0, &at), 0);
	xasprintf(&from, "%s/a/b", f->tree);
	xasprintf(&to, "%s/a/b-moved", f->tree);
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(symlink(f->out, from), 0);
	fd = openat(at.dfd, at.name, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_int_not_equal(fd, -1);
	close(fd);
	workdir_close(&at);
	free(from);
	free(to);
	xasprintf(&from, "%s/new.txt", f->out);
	assert_int_equal(access(from, F_OK), -1);
	free(from);
	xasprintf(&from, "%s/a/b-moved/new.txt", f->tree);
	assert_int_equal(access(from, F_OK), 0);
	free(from);
}

/* Loading: regular files only, without blocking, at most max bytes. */
static void
test_load(void **state)
{
	struct fx *f = *state;
	struct file_stamp st;
	char *data, *err = NULL, *path;

	assert_int_equal(file_load(f->root, "a/b/f.txt", WORKDIR_FOLLOW, 100,
	                     &data, &(size_t){0}, &st, &err),
	    0);
	assert_string_equal(data, "f\n");
	assert_true(st.exists && S_ISREG(st.mode) && st.size == 2);
	free(data);

	/* A FIFO: refused at once, named (alarm: a hang fails the test). */
	xasprintf(&path, "%s/fifo", f->tree);
	assert_int_equal(mkfifo(path, 0644), 0);
	free(path);
	alarm(10);
	assert_int_equal(file_load(f->root, "fifo", WORKDIR_FOLLOW, 100, &data,
	                     &(size_t){0}, &st, &err),
	    -1);
	assert_int_equal(errno, ENODEV);
	assert_string_equal(
	    err, "fifo is a named pipe (FIFO), not a regular file");
	free(err);
	/* And through a link to it. */
	link_to(f, "fifo", "tree/to-fifo");
	assert_int_equal(file_load(f->root, "to-fifo", WORKDIR_FOLLOW, 100,
	                     &data, &(size_t){0}, &st, &err),
	    -1);
	assert_string_equal(
	    err, "to-fifo is a named pipe (FIFO), not a regular file");
	free(err);
	alarm(0);
	assert_int_equal(file_load(f->root, "a", WORKDIR_FOLLOW, 100, &data,
	                     &(size_t){0}, &st, &err),
	    -1);
	assert_string_equal(err, "a is a directory, not a regular file");
	free(err);
	/* Without following, a link is not a file. */
	assert_int_equal(file_load(f->root, "to-fifo", 0, 100, &data,
	                     &(size_t){0}, &st, &err),
	    -1);
	assert_string_equal(
	    err, "to-fifo is a symbolic link, not a regular file");
	free(err);

	/* Too large: EFBIG, with the size. */
	assert_int_equal(file_load(f->root, "a/b/f.txt", WORKDIR_FOLLOW, 1,
	                     &data, &(size_t){0}, &st, &err),
	    -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(st.size, 2);
	free(err);
	/* Missing, and refused. */
	assert_int_equal(file_load(f->root, "nope/x", WORKDIR_FOLLOW, 100,
	                     &data, &(size_t){0}, &st, &err),
	    -1);
	assert_int_equal(errno, ENOTDIR);
	free(err);
	assert_int_equal(file_load(f->root, "a/nope", WORKDIR_FOLLOW, 100,
	                     &data, &(size_t){0}, &st, &err),
	    -1);
	assert_int_equal(errno, ENOENT);
	free(err);
	assert_int_equal(file_load(f->root, ".git/config", WORKDIR_FOLLOW, 100,
	                     &data, &(size_t){0}, &st, &err),
	    -1);
	assert_true(workdir_refused(errno));
	assert_string_equal(err, ".git/config: outside the repository");
	free(err);
}

/* file_save with a text. */
static int
save(struct fx *f, const char *rel, const char *text, mode_t mode,
    struct file_stamp *st, char **err)
{
	struct buffer *b = buffer_from(text, strlen(text));
	int rc;

	rc = file_save(f->root, rel, b, mode, st, err);
	buffer_free(b);
	return rc;
}

/* Saving: through an in-tree link to its target; never outside; never a
 * temporary file left, even when writing fails. */
static void
test_save(void **state)
{
	struct fx *f = *state;
	struct file_stamp st, now;
	struct stat sb;
	struct rlimit old, small;
	char *err = NULL, *text, *path;
	static const char big[] = "more than sixteen bytes of text\n";

	link_to(f, "a/b/f.txt", "tree/lf");
	assert_int_equal(save(f, "lf", "L\n", 0640, &st, &err), 0);
	text = get(f, "tree/a/b/f.txt");
	assert_string_equal(text, "L\n");
	free(text);
	xasprintf(&path, "%s/lf", f->tree);
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	free(path);
	xasprintf(&path, "%s/a/b/f.txt", f->tree);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	free(path);
	/* The stamp given is the file's as it is now. */
	assert_int_equal(file_stamp(f->root, "lf", &now), 0);
	assert_true(file_stamp_equal(&st, &now));

	/* A new file, and refusals. */
	assert_int_equal(save(f, "a/new.txt", "n\n", 0644, &st, &err), 0);
	text = get(f, "tree/a/new.txt");
	assert_string_equal(text, "n\n");
	free(text);
	link_to(f, "../out/secret.txt", "tree/evil");
	assert_int_equal(save(f, "evil", "x", 0644, &st, &err), -1);
	assert_string_equal(err, "cannot save evil: outside the repository");
	free(err);
	text = get(f, "out/secret.txt");
	assert_string_equal(text, "secret\n");
	free(text);
	xasprintf(&path, "%s/fifo", f->tree);
	assert_int_equal(mkfifo(path, 0644), 0);
	free(path);
	assert_int_equal(save(f, "fifo", "x", 0644, &st, &err), -1);
	assert_string_equal(err, "cannot save fifo: it is a named pipe (FIFO), "
	                         "not a regular file");
	free(err);

	/* Writing fails half way (a file size limit): nothing is left. */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 16;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_equal(save(f, "a/b/f.txt", big, 0644, &st, &err), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_non_null(strstr(err, "cannot write a temporary file"));
	free(err);
	text = get(f, "tree/a/b/f.txt");
	assert_string_equal(text, "L\n");
	free(text);
	assert_int_equal(temps(f, "tree/a/b"), 0);
	assert_int_equal(temps(f, "tree/a"), 0);
	assert_int_equal(temps(f, "tree"), 0);
}

/* Sizes for people, as the size options write them. */
static void
test_size_text(void **state)
{
	char buf[32];

	(void)state;
	file_size_text(900, buf, sizeof buf);
	assert_string_equal(buf, "900 bytes");
	file_size_text(512 * 1024, buf, sizeof buf);
	assert_string_equal(buf, "512K");
	file_size_text(1024ULL * 1024 * 1024, buf, sizeof buf);
	assert_string_equal(buf, "1G");
	file_size_text(100ULL * 1024 * 1024 * 1024, buf, sizeof buf);
	assert_string_equal(buf, "100G");
	file_size_text(1536ULL * 1024 * 1024, buf, sizeof buf);
	assert_string_equal(buf, "1.5G");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_plain, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_git, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_links, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mkdir, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_swap_after_walk, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_load, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_save, setup, teardown),
	    cmocka_unit_test(test_size_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
