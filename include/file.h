/* file.h: reading and atomically writing working-tree files.
 * Byte-exact both ways; a failed save leaves the old file untouched. */
#ifndef MOOT_FILE_H
#define MOOT_FILE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct buffer;
struct stat;

/* What a file on disk looked like: enough to notice it changed. */
struct file_stamp {
	int exists;
	mode_t mode; /* type and permissions (not compared) */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct timespec ctime;
};

/*
 * Every function here reaches the file through workdir_walk from root,
 * the descriptor of the working tree, and only ever reads regular files:
 * without blocking (a FIFO or a device is never opened for reading) and
 * at most max bytes of them. Errors come back as a sentence naming rel in
 * *err and an errno: ENOENT when the file is missing from a directory that
 * exists, ENOTDIR when a directory of its path is missing, EFBIG when it is
 * larger than max (the stamp's size says how large), ENODEV when it is not a
 * regular file, ENOMEM when there is no memory for it, EINVAL/EXDEV/EPERM when
 * workdir_walk refuses the path.
 */

/* Read the whole file, NUL-terminated (flags: workdir_walk's, e.g.
 * WORKDIR_FOLLOW). Its stamp comes from the descriptor read. */
int file_load(int root, const char *rel, int flags, uint64_t max, char **data,
    size_t *len, struct file_stamp *st, char **err);
/* The same for name in the directory dfd, already reached (what names
 * it in messages); *sb is what fstat said of the file read. */
int file_read_at(int dfd, const char *name, const char *what, uint64_t max,
    char **data, size_t *len, struct stat *sb, char **err);
/* Write the text of b as rel (links inside the tree followed, so a link
 * saves its target): a temporary file in the same directory, written from
 * the buffer's own pieces (no copy of the text is made), fsync'd and
 * given mode, renamed over the file, then the directory fsync'd. Nothing
 * but a regular file (or nothing) is replaced; no temporary file is left
 * on any failure. *st is the stamp of the file written. */
int file_save(int root, const char *rel, const struct buffer *b, mode_t mode,
    struct file_stamp *st, char **err);
/* Stat rel (links inside the tree followed) into st; a missing file gives
 * exists = 0. Returns -1 (errno set) only for a refused path or another
 * error. */
int file_stamp(int root, const char *rel, struct file_stamp *st);
/* Remove rel itself (a link, not its target). 0, or -1 with errno. */
int file_remove(int root, const char *rel);

int file_stamp_equal(const struct file_stamp *, const struct file_stamp *);
/* Whether data looks binary: a NUL byte in its first 8000 bytes (as git
 * decides). */
int file_is_binary(const char *data, size_t len);
/* What a file that is not a regular one is, for messages: "a named pipe
 * (FIFO)", "a directory", ... */
const char *file_kind(mode_t);
/* A size for people: "900 bytes", "512K", "1.5G" (powers of 1024, as
 * the size options take them). */
void file_size_text(uint64_t, char *buf, size_t size);

#endif
