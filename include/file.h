/* file.h: reading and atomically writing working-tree files.
 * Byte-exact both ways; a failed save leaves the old file untouched. */
#ifndef MOOT_FILE_H
#define MOOT_FILE_H

#include <sys/types.h>

#include <stddef.h>

/* Read a whole regular file. Returns 0, or -1 with *err set. A file that
 * does not exist is an error (ENOENT in *missing when not NULL). */
int file_load(const char *path, char **data, size_t *len, mode_t *mode,
    int *missing, char **err);
/* Write data to path through a temporary file in the same directory:
 * write, fsync, fchmod(mode), rename, fsync the directory. */
int file_save(
    const char *path, const char *data, size_t len, mode_t mode, char **err);

#endif
