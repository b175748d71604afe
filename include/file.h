/* file.h: reading and atomically writing working-tree files.
 * Byte-exact both ways; a failed save leaves the old file untouched. */
#ifndef MOOT_FILE_H
#define MOOT_FILE_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

/* What a file on disk looked like: enough to notice it changed. */
struct file_stamp {
	int exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct timespec ctime;
};

/* Read a whole regular file. Returns 0, or -1 with *err set. A file that
 * does not exist is an error (ENOENT in *missing when not NULL). */
int file_load(const char *path, char **data, size_t *len, mode_t *mode,
    int *missing, char **err);
/* Write data to path through a temporary file in the same directory:
 * write, fsync, fchmod(mode), rename, fsync the directory. */
int file_save(
    const char *path, const char *data, size_t len, mode_t mode, char **err);

/* Stat path (following symlinks) into st; a missing file gives
 * exists = 0. Returns -1 only for other errors. */
int file_stamp(const char *path, struct file_stamp *st);
int file_stamp_equal(const struct file_stamp *, const struct file_stamp *);
/* Whether data looks binary: a NUL byte in its first 8000 bytes (as git
 * decides). */
int file_is_binary(const char *data, size_t len);

#endif
