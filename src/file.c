/* file.c: reading and atomically writing working-tree files.
 * Reached through workdir_walk; saves go through a temporary file. */
#include "moot.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffer.h"
#include "file.h"
#include "workdir.h"

#define FILE_TEMP_TRIES 100 /* names tried for a temporary file */
#define FILE_TEMP_KEEP 200  /* bytes of the file's name kept in the temp's */

const char *
file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a named pipe (FIFO)";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFLNK:
		return "a symbolic link";
	default:
		return "not a file";
	}
}

void
file_size_text(uint64_t n, char *buf, size_t size)
{
	static const char units[] = "KMGTPE";
	uint64_t unit = 1024;
	int i = 0;

	if (n < 1024) {
		snprintf(buf, size, "%llu bytes", (unsigned long long)n);
		return;
	}
	while (units[i + 1] != '\0' && n / unit >= 1024) {
		unit *= 1024;
		i++;
	}
	if (n % unit == 0)
		snprintf(buf, size, "%llu%c", (unsigned long long)(n / unit),
		    units[i]);
	else
		snprintf(
		    buf, size, "%.1f%c", (double)n / (double)unit, units[i]);
}

/* Say why workdir_walk refused rel, or what else went wrong. A missing
 * directory on the way is ENOTDIR: ENOENT is kept for a missing file in a
 * directory that exists (where a new file can be made). */
static void
file_walk_error(const char *rel, char **err)
{
	int saved = errno;

	if (workdir_refused(errno))
		xasprintf(err, "%s: outside the repository", rel);
	else if (errno == ENOENT || errno == ENOTDIR) {
		xasprintf(err, "%s: no such directory", rel);
		saved = ENOTDIR;
	} else
		xasprintf(err, "%s: %s", rel, strerror(errno));
	errno = saved;
}

static void
file_stamp_from(struct file_stamp *st, const struct stat *sb)
{
	memset(st, 0, sizeof *st);
	st->exists = 1;
	st->mode = sb->st_mode;
	st->dev = sb->st_dev;
	st->ino = sb->st_ino;
	st->size = sb->st_size;
	st->mtime = sb->st_mtim;
	st->ctime = sb->st_ctim;
}

/* Refuse anything but a regular file, naming what it is. */
static int
file_regular(const char *what, const struct stat *sb, char **err)
{
	if (S_ISREG(sb->st_mode))
		return 0;
	xasprintf(
	    err, "%s is %s, not a regular file", what, file_kind(sb->st_mode));
	errno = ENODEV;
	return -1;
}

int
file_read_at(int dfd, const char *name, const char *what, uint64_t max,
    char **data, size_t *len, struct stat *sb, char **err)
{
	size_t got = 0, size;
	ssize_t n;
	char *buf;
	int fd, saved;

	*data = NULL;
	*len = 0;
	/* Look before opening: a device is never opened at all. */
	if (fstatat(dfd, name, sb, AT_SYMLINK_NOFOLLOW) == -1) {
		saved = errno;
		if (errno == ENOENT)
			xasprintf(err, "%s: no such file", what);
		else
			xasprintf(err, "%s: %s", what, strerror(errno));
		errno = saved;
		return -1;
	}
	if (file_regular(what, sb, err) == -1)
		return -1;
	/* Non-blocking, so that whatever took its place meanwhile (a
	 * FIFO) cannot hang us before fstat says what it is. */
	fd = openat(dfd, name,
	    O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		saved = errno;
		xasprintf(err, "%s: cannot open: %s", what, strerror(errno));
		errno = saved;
		return -1;
	}
	if (fstat(fd, sb) == -1) {
		saved = errno;
		xasprintf(err, "%s: %s", what, strerror(errno));
		close(fd);
		errno = saved;
		return -1;
	}
	if (file_regular(what, sb, err) == -1) {
		close(fd);
		errno = ENODEV;
		return -1;
	}
	if ((uint64_t)sb->st_size > max || (uint64_t)sb->st_size >= SIZE_MAX) {
		xasprintf(err, "%s is too large", what);
		close(fd);
		errno = EFBIG;
		return -1;
	}
	size = (size_t)sb->st_size;
	if ((buf = xtrymalloc(size + 1)) == NULL) {
		xasprintf(err, "%s: not enough memory to read it", what);
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	/* The file may change size under us: read at most what we sized. */
	while (got < size) {
		n = read(fd, buf + got, size - got);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1) {
			saved = errno;
			xasprintf(
			    err, "%s: cannot read: %s", what, strerror(errno));
			free(buf);
			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int
file_load(int root, const char *rel, int flags, uint64_t max, char **data,
    size_t *len, struct file_stamp *st, char **err)
{
	struct workdir_at at;
	struct stat sb;
	int rc, saved;

	memset(st, 0, sizeof *st);
	*data = NULL;
	*len = 0;
	if (workdir_walk(root, rel, flags, &at) == -1) {
		file_walk_error(rel, err);
		return -1;
	}
	rc = file_read_at(at.dfd, at.name, rel, max, data, len, &sb, err);
	saved = errno;
	if (rc == 0 || saved == EFBIG || saved == ENODEV)
		file_stamp_from(st, &sb);
	workdir_close(&at);
	errno = saved;
	return rc;
}

/* The text, written span by span (no copy of it is made), durable, with
 * the file's mode. */
static int
file_fill(int fd, const struct buffer *b, mode_t mode)
{
	size_t off, len = buffer_length(b), n;
	const char *p;

	for (off = 0; off < len; off += n) {
		p = buffer_span(b, off, &n);
		if (compat_write_all(fd, p, n) == -1)
			return -1;
	}
	if (fsync(fd) == -1 || fchmod(fd, mode) == -1)
		return -1;
	return 0;
}

/* A fresh temporary name beside name: "NAME.moot-XXXXXX". */
static void
file_temp_name(const char *name, char *tmp, size_t size)
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                            "abcdefghijklmnopqrstuvwxyz0123456789";
	static unsigned counter;
	unsigned char r[6];
	char suffix[7];
	size_t i;

	if (getentropy(r, sizeof r) == -1) {
		/* Unpredictable is better; unique is enough with O_EXCL. */
		for (i = 0; i < sizeof r; i++)
			r[i] = (unsigned char)((getpid() >> (i * 3)) +
			                       counter++ + i * 7);
	}
	for (i = 0; i < sizeof r; i++)
		suffix[i] = chars[r[i] % (sizeof chars - 1)];
	suffix[6] = '\0';
	snprintf(tmp, size, "%.*s.moot-%s", FILE_TEMP_KEEP, name, suffix);
}

/*
 * A named temporary file beside name in dfd holding b's text (written,
 * fsync'd, mode set): its descriptor, its name in tmp. O_TMPFILE first,
 * given a name only once complete (a crash before leaves nothing); else
 * created with O_EXCL. Returns -1 with errno, leaving nothing behind.
 */
static int
file_temp(int dfd, const char *name, const struct buffer *b, mode_t mode,
    char *tmp, size_t size)
{
	char proc[64];
	int fd, tries, saved;

	if ((fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600)) !=
	    -1) {
		if (file_fill(fd, b, mode) == -1) {
			saved = errno;
			close(fd); /* it has no name: it is gone */
			errno = saved;
			return -1;
		}
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
		for (tries = 0; tries < FILE_TEMP_TRIES; tries++) {
			file_temp_name(name, tmp, size);
			if (linkat(AT_FDCWD, proc, dfd, tmp,
			        AT_SYMLINK_FOLLOW) == 0)
				return fd;
			if (errno != EEXIST)
				break;
		}
		/* No /proc, or no luck: a named file from the start. */
		close(fd);
	}

	for (tries = 0; tries < FILE_TEMP_TRIES; tries++) {
		file_temp_name(name, tmp, size);
		fd = openat(dfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			break;
	}
	if (fd == -1)
		return -1;
	if (file_fill(fd, b, mode) == -1) {
		saved = errno;
		unlinkat(dfd, tmp, 0);
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
file_save(int root, const char *rel, const struct buffer *b, mode_t mode,
    struct file_stamp *st, char **err)
{
	struct workdir_at at;
	struct stat sb;
	char tmp[NAME_MAX + 1];
	int fd, saved;

	memset(st, 0, sizeof *st);
	if (workdir_walk(root, rel, WORKDIR_FOLLOW, &at) == -1) {
		if (workdir_refused(errno))
			xasprintf(
			    err, "cannot save %s: outside the repository", rel);
		else
			xasprintf(
			    err, "cannot save %s: %s", rel, strerror(errno));
		return -1;
	}
	/* Only a regular file is replaced: never a directory, a FIFO ... */
	if (fstatat(at.dfd, at.name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(sb.st_mode)) {
		xasprintf(err, "cannot save %s: it is %s, not a regular file",
		    rel, file_kind(sb.st_mode));
		workdir_close(&at);
		return -1;
	}
	if ((fd = file_temp(at.dfd, at.name, b, mode, tmp, sizeof tmp)) == -1) {
		xasprintf(err,
		    "cannot save %s: cannot write a temporary file: %s", rel,
		    strerror(errno));
		workdir_close(&at);
		return -1;
	}
	/* Within the one directory we hold: no path is looked up again. */
	if (renameat(at.dfd, tmp, at.dfd, at.name) == -1) {
		saved = errno;
		unlinkat(at.dfd, tmp, 0);
		close(fd);
		xasprintf(err, "cannot save %s: cannot replace the file: %s",
		    rel, strerror(saved));
		workdir_close(&at);
		return -1;
	}
	if (fstat(fd, &sb) == 0)
		file_stamp_from(st, &sb);
	close(fd);
	/* Make the rename itself durable. */
	fsync(at.dfd);
	workdir_close(&at);
	return 0;
}

int
file_stamp(int root, const char *rel, struct file_stamp *st)
{
	struct workdir_at at;
	struct stat sb;
	int rc = 0;

	memset(st, 0, sizeof *st);
	if (workdir_walk(root, rel, WORKDIR_FOLLOW, &at) == -1)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	if (fstatat(at.dfd, at.name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		file_stamp_from(st, &sb);
	else if (errno != ENOENT && errno != ENOTDIR)
		rc = -1;
	workdir_close(&at);
	return rc;
}

int
file_remove(int root, const char *rel)
{
	struct workdir_at at;
	int rc;

	if (workdir_walk(root, rel, 0, &at) == -1)
		return -1;
	rc = unlinkat(at.dfd, at.name, 0);
	workdir_close(&at);
	return rc;
}

int
file_stamp_equal(const struct file_stamp *a, const struct file_stamp *b)
{
	if (a->exists != b->exists)
		return 0;
	if (!a->exists)
		return 1;
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec &&
	       a->ctime.tv_nsec == b->ctime.tv_nsec;
}

int
file_is_binary(const char *data, size_t len)
{
	return memchr(data, '\0', len < 8000 ? len : 8000) != NULL;
}
