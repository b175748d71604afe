/* repo.h: the git repository the session serves (libgit2).
 * Finding it, listing its files, and the demo repository. */
#ifndef MOOT_REPO_H
#define MOOT_REPO_H

#include <stddef.h>

struct repo {
	void *git;     /* git_repository * */
	char *workdir; /* absolute, ending in '/' */
	char *state;   /* .git/moot/, absolute, ending in '/' */
};

/* Open the repository containing dir; NULL with *err set if there is none. */
struct repo *repo_open(const char *dir, char **err);
void repo_free(struct repo *);
/* Tracked files in index order (caller frees each and the array). */
char **repo_files(struct repo *, size_t *n);
/* The file to show first: README* if tracked, else the first one. */
char *repo_first_file(struct repo *);
/* Resolve a path relative to the working tree; NULL unless it stays inside
 * the working tree after following symlinks. */
char *repo_abspath(struct repo *, const char *rel);

/* demo.c: create a small demo repository; returns its path. */
char *demo_create(char **err);

#endif
