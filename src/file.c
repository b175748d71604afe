/* file.c: reading and atomically writing working-tree files.
 * Saves go through a temporary file, fsync and rename, keeping the mode. */
#include "moot.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"

int
file_load(const char *path, char **data, size_t *len, mode_t *mode,
    int *missing, char **err)
{
	struct stat sb;
	int fd;
	size_t got = 0;
	ssize_t n;
	char *buf;

	if (missing != NULL)
		*missing = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (missing != NULL && errno == ENOENT)
			*missing = 1;
		xasprintf(err, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		xasprintf(err, "not a regular file");
		close(fd);
		return -1;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	*mode = sb.st_mode & 07777;
	return 0;
}

static int
file_write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, data, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= n;
	}
	return 0;
}

int
file_save(
    const char *path, const char *data, size_t len, mode_t mode, char **err)
{
	char *tmp, *copy, *dir;
	int fd, dfd, saved;

	xasprintf(&tmp, "%s.moot-XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		xasprintf(
		    err, "cannot create a temporary file: %s", strerror(errno));
		free(tmp);
		return -1;
	}
	if (file_write_all(fd, data, len) == -1 || fsync(fd) == -1 ||
	    fchmod(fd, mode) == -1) {
		saved = errno;
		close(fd);
		unlink(tmp);
		xasprintf(err, "cannot write: %s", strerror(saved));
		free(tmp);
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		xasprintf(err, "cannot replace the file: %s", strerror(saved));
		free(tmp);
		return -1;
	}
	free(tmp);

	/* Make the rename itself durable. */
	copy = xstrdup(path);
	dir = dirname(copy);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	free(copy);
	return 0;
}

int
file_stamp(const char *path, struct file_stamp *st)
{
	struct stat sb;

	memset(st, 0, sizeof *st);
	if (stat(path, &sb) == -1)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	st->exists = 1;
	st->dev = sb.st_dev;
	st->ino = sb.st_ino;
	st->size = sb.st_size;
	st->mtime = sb.st_mtim;
	st->ctime = sb.st_ctim;
	return 0;
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
