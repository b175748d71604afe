/* workdir.c: reaching the files of the working tree without races.
 * Paths are walked one name at a time from a descriptor of the tree. */
#include "moot.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "workdir.h"

/*
 * Why a walk: a path is a string, and any directory in it may be swapped
 * for a symbolic link (rename, RENAME_EXCHANGE) between a check such as
 * realpath() and the use of the string. Here each step opens one name
 * relative to the directory the step before opened, with O_NOFOLLOW, so
 * a step once made cannot be moved elsewhere by a swap. A symbolic link
 * met on the way is read with readlinkat() and resolved by the walk
 * itself, by the same rules as the path: relative, never above the top,
 * never through a ".git". Whatever is done with the result is done
 * relative to the descriptor of the directory that holds it (openat,
 * renameat, fstatat ...), never through a path string again.
 */

/* How a directory of the walk is opened: never through a link, never
 * blocking (O_DIRECTORY fails on a FIFO before it could). */
#define WORKDIR_OPEN_DIR                                                       \
	(O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |         \
	    O_CLOEXEC)

/* A walk in progress. */
struct workdir_walk {
	int fd[WORKDIR_DEPTH + 1]; /* fd[0] the top (not ours) ... fd[depth] */
	size_t depth;
	char left[2][WORKDIR_PATH_MAX + 1]; /* what is left to walk (a link's
	                                       target goes in the other) */
	int cur;                            /* which of left is in use */
	const char *p;                      /* the next name in left[cur] */
	int links;                          /* links followed so far */
	char path[WORKDIR_PATH_MAX + 1];    /* the directories walked into */
	size_t plen[WORKDIR_DEPTH + 1];     /* path's length at each depth */
};

int
workdir_open(const char *path)
{
	return open(path, WORKDIR_OPEN_DIR & ~O_NOFOLLOW);
}

/* A path as callers give it: relative, no empty, "." or ".." name ("" is
 * the top itself, for a directory). */
static int
workdir_rel_ok(const char *rel, int flags)
{
	const char *p = rel;
	size_t len;

	if (rel == NULL || *rel == '/')
		return 0;
	if (*rel == '\0')
		return (flags & WORKDIR_DIR) != 0;
	for (;;) {
		len = strcspn(p, "/");
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (p[len] == '\0')
			return 1;
		p += len + 1;
	}
}

/*
 * The next name of what is left, into name (skipping empty and "."
 * names, which links may hold): 1 with *last set when nothing follows it,
 * 0 when nothing is left, -1 with errno for a name too long.
 */
static int
workdir_next(struct workdir_walk *w, char *name, int *last)
{
	const char *p = w->p;
	size_t len;

	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0') {
			w->p = p;
			return 0;
		}
		len = strcspn(p, "/");
		if (len != 1 || p[0] != '.')
			break;
		p += len;
	}
	if (len > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(name, p, len);
	name[len] = '\0';
	p += len;
	while (*p == '/')
		p++;
	w->p = p;
	*last = *p == '\0';
	return 1;
}

/* A link met on the way, with n bytes of target: what is left becomes
 * the target, then the rest. 0, or -1 with errno. */
static int
workdir_link(struct workdir_walk *w, char *target, ssize_t n)
{
	char *next = w->left[!w->cur];
	size_t rest = strlen(w->p);

	if (++w->links > WORKDIR_LINKS) {
		errno = ELOOP;
		return -1;
	}
	if ((size_t)n >= WORKDIR_PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	target[n] = '\0';
	if (n == 0) {
		errno = ENOENT;
		return -1;
	}
	if (target[0] == '/') {
		errno = EXDEV; /* absolute: it may point anywhere */
		return -1;
	}
	if ((size_t)n + 1 + rest > WORKDIR_PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(next, target, (size_t)n);
	next[n] = '/';
	memcpy(next + n + 1, w->p, rest + 1);
	w->cur = !w->cur;
	w->p = next;
	return 0;
}

/* Close every directory the walk opened; errno is kept. */
static void
workdir_unwind(struct workdir_walk *w)
{
	int saved = errno;

	while (w->depth > 0)
		close(w->fd[w->depth--]);
	errno = saved;
}

/* The walk ends in the directory it stands in, with name: hand over the
 * descriptor (a copy of the top's). */
static int
workdir_finish(struct workdir_walk *w, const char *name, struct workdir_at *at)
{
	size_t len = w->plen[w->depth];
	int fd;

	/* Where it is: the directories, then the name. */
	if (strcmp(name, ".") == 0)
		snprintf(at->path, sizeof at->path, "%.*s",
		    len > 0 ? (int)len : 1, len > 0 ? w->path : ".");
	else if (snprintf(at->path, sizeof at->path, "%.*s%s%s", (int)len,
	             w->path, len > 0 ? "/" : "",
	             name) >= (int)sizeof at->path) {
		errno = ENAMETOOLONG;
		return -1;
	}

	if (w->depth == 0) {
		if ((fd = fcntl(w->fd[0], F_DUPFD_CLOEXEC, 0)) == -1)
			return -1;
	} else
		fd = w->fd[w->depth--];
	workdir_unwind(w);
	at->dfd = fd;
	memcpy(at->name, name, strlen(name) + 1); /* at most NAME_MAX */
	return 0;
}

/*
 * One directory of the walk: open name in the current directory, or find
 * that it is a link (its target in target, its length returned). Returns
 * the new descriptor with *n = -1, or -1 with *n the link's length, or -1
 * with *n = -1 and errno on failure.
 */
static int
workdir_step(struct workdir_walk *w, const char *name, int flags, char *target,
    ssize_t *n)
{
	int cur = w->fd[w->depth], fd, made = 0;

	*n = -1;
	for (;;) {
		if ((fd = openat(cur, name, WORKDIR_OPEN_DIR)) != -1)
			return fd;
		if (errno == ENOENT && (flags & WORKDIR_MKDIR) && !made) {
			if (mkdirat(cur, name, 0755) == -1 && errno != EEXIST)
				return -1;
			made = 1;
			continue;
		}
		if (errno != ELOOP && errno != ENOTDIR)
			return -1;
		/* A link, or something that is not a directory. */
		*n = readlinkat(cur, name, target, WORKDIR_PATH_MAX);
		if (*n >= 0)
			return -1;
		if (errno == EINVAL)
			errno = ENOTDIR;
		return -1;
	}
}

int
workdir_walk(int root, const char *rel, int flags, struct workdir_at *at)
{
	struct workdir_walk *w;
	char name[NAME_MAX + 1], target[WORKDIR_PATH_MAX + 1];
	ssize_t n;
	size_t plen;
	int fd, last, more, rc = -1;

	at->dfd = -1;
	at->name[0] = '\0';
	at->path[0] = '\0';
	if (!workdir_rel_ok(rel, flags)) {
		errno = EINVAL;
		return -1;
	}
	if (strlen(rel) > WORKDIR_PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	w = xcalloc(1, sizeof *w);
	w->fd[0] = root;
	memcpy(w->left[0], rel, strlen(rel) + 1);
	w->p = w->left[0];

	for (;;) {
		if ((more = workdir_next(w, name, &last)) == -1)
			break;
		if (more == 0) {
			/* Nothing left: the path is the directory we are in. */
			rc = workdir_finish(w, ".", at);
			break;
		}
		if (strcmp(name, "..") == 0) {
			if (w->depth == 0) {
				errno = EXDEV;
				break;
			}
			close(w->fd[w->depth--]);
			w->path[w->plen[w->depth]] = '\0';
			continue;
		}
		if (strcasecmp(name, ".git") == 0) {
			errno = EPERM;
			break;
		}

		if (last && !(flags & WORKDIR_DIR)) {
			/* The last name: follow it if it is a link, else it
			 * is the caller's (present or not). */
			if (flags & WORKDIR_FOLLOW) {
				n = readlinkat(w->fd[w->depth], name, target,
				    WORKDIR_PATH_MAX);
				if (n >= 0) {
					if (workdir_link(w, target, n) == -1)
						break;
					continue;
				}
				if (errno != EINVAL && errno != ENOENT)
					break;
			}
			rc = workdir_finish(w, name, at);
			break;
		}

		/* A directory on the way. */
		if ((fd = workdir_step(w, name, flags, target, &n)) == -1) {
			if (n < 0)
				break;
			if (!(flags & WORKDIR_FOLLOW)) {
				errno = ELOOP;
				break;
			}
			if (workdir_link(w, target, n) == -1)
				break;
			continue;
		}
		plen = w->plen[w->depth] + (w->depth > 0) + strlen(name);
		if (w->depth == WORKDIR_DEPTH || plen > WORKDIR_PATH_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			break;
		}
		if (w->depth > 0)
			strcat(w->path, "/");
		strcat(w->path, name);
		w->fd[++w->depth] = fd;
		w->plen[w->depth] = plen;
	}
	workdir_unwind(w);
	free(w);
	return rc;
}

void
workdir_close(struct workdir_at *at)
{
	if (at->dfd != -1)
		close(at->dfd);
	at->dfd = -1;
}

int
workdir_refused(int error)
{
	return error == EINVAL || error == EXDEV || error == EPERM;
}
