/* workdir.h: reaching the files of the working tree without races.
 * A path is walked one name at a time from a descriptor of the tree. */
#ifndef MOOT_WORKDIR_H
#define MOOT_WORKDIR_H

#include <limits.h>

#define WORKDIR_LINKS 40      /* symbolic links followed in one walk */
#define WORKDIR_DEPTH 256     /* directories below the top a walk may reach */
#define WORKDIR_PATH_MAX 4096 /* bytes of a path, links expanded */

/* How to walk (workdir_walk's flags). */
#define WORKDIR_FOLLOW 0x1 /* follow symbolic links that stay inside */
#define WORKDIR_DIR 0x2    /* the path names a directory: open it too */
#define WORKDIR_MKDIR 0x4  /* make missing directories (mode 0755) */

/*
 * Where a path of the working tree is: the directory that holds its last
 * name, opened by the walk, and that name (after symbolic links, with
 * WORKDIR_FOLLOW). With WORKDIR_DIR the path's own directory, and ".".
 */
struct workdir_at {
	int dfd;
	char name[NAME_MAX + 1];
	char path[WORKDIR_PATH_MAX + 1]; /* where that is: the path from the
	                                    top, links resolved ("." for the
	                                    top itself) */
};

/* A descriptor of the top of the working tree (path: a directory), or -1
 * with errno set. */
int workdir_open(const char *path);

/*
 * Walk rel (relative to the directory root) one name at a time: each
 * directory opened with O_NOFOLLOW relative to the one before, so that no
 * rename or symlink swap can take the walk elsewhere once a step is made.
 * Symbolic links met on the way are refused (ELOOP), or with
 * WORKDIR_FOLLOW resolved here when they are relative and stay inside
 * (WORKDIR_LINKS at most), the last name's too. Returns 0 with *at filled
 * (close with workdir_close), or -1 with errno:
 *   EINVAL  rel is not a well formed path (empty, absolute, "." or "..")
 *   EXDEV   a link is absolute, or climbs above the top
 *   EPERM   a name is ".git" (any case), in rel or in a link
 *   ELOOP   a link (without WORKDIR_FOLLOW), or too many
 *   ENOENT, ENOTDIR, ENAMETOOLONG, EACCES ... from the system
 * The last name itself may be missing (a new file); a missing directory
 * on the way is ENOENT, unless WORKDIR_MKDIR makes it.
 */
int workdir_walk(int root, const char *rel, int flags, struct workdir_at *at);
void workdir_close(struct workdir_at *);

/* Whether an errno from workdir_walk means the path is refused (leaves the
 * tree, enters .git, is malformed), not that something is missing. */
int workdir_refused(int error);

#endif
