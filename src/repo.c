/* repo.c: the git repository the session serves, through libgit2.
 * Finds it from a directory, lists tracked files, confines paths to it. */
#include "moot.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "repo.h"

static int repo_libgit2_ready;

static char *
repo_with_slash(const char *path)
{
	char *s;
	size_t len = strlen(path);

	if (len > 0 && path[len - 1] == '/')
		return xstrdup(path);
	xasprintf(&s, "%s/", path);
	return s;
}

struct repo *
repo_open(const char *dir, char **err)
{
	git_buf found = {0};
	git_repository *git;
	struct repo *r;
	char *state, real[PATH_MAX];
	const git_error *e;

	if (!repo_libgit2_ready) {
		git_libgit2_init();
		repo_libgit2_ready = 1;
	}
	if (git_repository_discover(&found, dir, 0, NULL) != 0) {
		xasprintf(err,
		    "%s is not in a git repository; run moot serve "
		    "inside one, use -C DIR, or try moot serve --demo",
		    dir);
		return NULL;
	}
	if (git_repository_open(&git, found.ptr) != 0) {
		e = git_error_last();
		xasprintf(err, "cannot open the git repository at %s: %s",
		    found.ptr, e != NULL ? e->message : "unknown error");
		git_buf_dispose(&found);
		return NULL;
	}
	git_buf_dispose(&found);
	if (git_repository_is_bare(git)) {
		xasprintf(err,
		    "%s is a bare repository; moot needs a working "
		    "tree",
		    git_repository_path(git));
		git_repository_free(git);
		return NULL;
	}

	r = xcalloc(1, sizeof *r);
	r->git = git;
	if (realpath(git_repository_workdir(git), real) != NULL)
		r->workdir = repo_with_slash(real);
	else
		r->workdir = repo_with_slash(git_repository_workdir(git));
	/* State lives in the common git directory, never the working tree. */
	xasprintf(&state, "%smoot", git_repository_commondir(git));
	if (mkdir(state, 0700) == -1 && errno != EEXIST) {
		xasprintf(err, "cannot create %s: %s", state, strerror(errno));
		free(state);
		repo_free(r);
		return NULL;
	}
	chmod(state, 0700);
	r->state = repo_with_slash(state);
	free(state);
	return r;
}

void
repo_free(struct repo *r)
{
	if (r == NULL)
		return;
	git_repository_free(r->git);
	free(r->workdir);
	free(r->state);
	free(r);
}

char **
repo_files(struct repo *r, size_t *n)
{
	git_index *index;
	const git_index_entry *e;
	char **files = NULL;
	size_t i, count, used = 0;

	*n = 0;
	if (git_repository_index(&index, r->git) != 0)
		return NULL;
	git_index_read(index, 0);
	count = git_index_entrycount(index);
	files = xcalloc(count + 1, sizeof *files);
	for (i = 0; i < count; i++) {
		e = git_index_get_byindex(index, i);
		if (e == NULL || GIT_INDEX_ENTRY_STAGE(e) > 1)
			continue;
		if (e->mode == GIT_FILEMODE_COMMIT)
			continue; /* submodules are not files */
		if (used > 0 && strcmp(files[used - 1], e->path) == 0)
			continue; /* conflict stages */
		files[used++] = xstrdup(e->path);
	}
	git_index_free(index);
	*n = used;
	return files;
}

char *
repo_first_file(struct repo *r)
{
	char **files, *first = NULL;
	size_t i, n;

	files = repo_files(r, &n);
	for (i = 0; i < n && first == NULL; i++) {
		if (strncasecmp(files[i], "README", 6) == 0)
			first = xstrdup(files[i]);
	}
	if (first == NULL && n > 0)
		first = xstrdup(files[0]);
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return first;
}

char *
repo_abspath(struct repo *r, const char *rel)
{
	char *path, *dir, *slash, real[PATH_MAX], *out;
	size_t wlen = strlen(r->workdir);

	if (*rel == '\0' || *rel == '/')
		return NULL;
	if (strcmp(rel, ".git") == 0 || strncmp(rel, ".git/", 5) == 0)
		return NULL; /* git's own files are not for editing */
	xasprintf(&path, "%s%s", r->workdir, rel);
	if (realpath(path, real) == NULL) {
		/* A new file: its directory must resolve inside. */
		dir = xstrdup(path);
		slash = strrchr(dir, '/');
		*slash = '\0';
		if (realpath(dir, real) == NULL) {
			free(dir);
			free(path);
			return NULL;
		}
		free(dir);
		strncat(real, "/", sizeof real - strlen(real) - 1);
	} else if (strlen(real) + 1 < sizeof real)
		strcat(real, "/");
	/* real now ends in '/'; it must lie strictly below the work tree. */
	if (strncmp(real, r->workdir, wlen) != 0 || strlen(real) <= wlen) {
		free(path);
		return NULL;
	}
	out = path;
	return out;
}
