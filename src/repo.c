/* repo.c: the git repository the session serves, through libgit2.
 * Finds it from a directory, lists tracked files, checks paths. */
#include "moot.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <git2.h>

#include "repo.h"
#include "workdir.h"

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
	r->max_file = REPO_MAX_FILE;
	if (realpath(git_repository_workdir(git), real) != NULL)
		r->workdir = repo_with_slash(real);
	else
		r->workdir = repo_with_slash(git_repository_workdir(git));
	/* Every file of the working tree is reached from here. */
	if ((r->root = workdir_open(r->workdir)) == -1) {
		xasprintf(err, "cannot open the working tree %s: %s",
		    r->workdir, strerror(errno));
		repo_free(r);
		return NULL;
	}
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
	if (r->root != -1)
		close(r->root);
	free(r->workdir);
	free(r->state);
	free(r);
}

static int
repo_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Tracked files in index order, then untracked files that are not ignored,
 * sorted. */
char **
repo_files(struct repo *r, size_t *n)
{
	git_index *index;
	const git_index_entry *e;
	git_status_options opts;
	git_status_list *status;
	const git_status_entry *se;
	char **files = NULL;
	size_t i, count, used = 0, tracked, nstatus = 0;

	*n = 0;
	if (git_repository_index(&index, r->git) != 0)
		return NULL;
	git_index_read(index, 0);
	count = git_index_entrycount(index);

	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
	             GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	if (git_status_list_new(&status, r->git, &opts) != 0)
		status = NULL;
	else
		nstatus = git_status_list_entrycount(status);

	files = xcalloc(count + nstatus + 1, sizeof *files);
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

	tracked = used;
	for (i = 0; i < nstatus; i++) {
		se = git_status_byindex(status, i);
		if (se == NULL || se->status != GIT_STATUS_WT_NEW ||
		    se->index_to_workdir == NULL)
			continue;
		files[used++] = xstrdup(se->index_to_workdir->new_file.path);
	}
	if (status != NULL)
		git_status_list_free(status);
	qsort(files + tracked, used - tracked, sizeof *files, repo_cmp);
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

/* Whether a relative path is well formed: no empty, "." or ".."
 * component, not absolute, and no ".git" component in any case (git's own
 * files, a submodule's, are not for editing or committing). */
int
repo_path_ok(const char *rel)
{
	const char *p = rel, *slash;
	size_t len;

	if (rel == NULL || *rel == '\0' || *rel == '/')
		return 0;
	for (;;) {
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (len == 4 && strncasecmp(p, ".git", 4) == 0)
			return 0;
		if (slash == NULL)
			return 1;
		p = slash + 1;
	}
}

/*
 * The directory git runs hooks from: core.hooksPath (relative to the work
 * tree, where git runs hooks), else hooks/ of the common git directory;
 * absolute, as configured (links not resolved). Caller frees.
 */
char *
repo_hooks_dir(struct repo *r)
{
	git_config *config;
	git_buf buf = GIT_BUF_INIT;
	char *dir = NULL;

	if (git_repository_config_snapshot(&config, r->git) == 0) {
		if (git_config_get_path(&buf, config, "core.hooksPath") == 0 &&
		    buf.ptr != NULL && *buf.ptr != '\0') {
			if (*buf.ptr == '/')
				dir = xstrdup(buf.ptr);
			else
				xasprintf(&dir, "%s%s", r->workdir, buf.ptr);
		}
		git_buf_dispose(&buf);
		git_config_free(config);
	}
	git_error_clear();
	if (dir == NULL)
		xasprintf(&dir, "%shooks", git_repository_commondir(r->git));
	return dir;
}

/* A string of the repository's git configuration (user.name), or NULL;
 * caller frees. */
char *
repo_config_string(struct repo *r, const char *key)
{
	git_config *config;
	git_buf buf = GIT_BUF_INIT;
	char *v = NULL;

	if (git_repository_config_snapshot(&config, r->git) == 0) {
		if (git_config_get_string_buf(&buf, config, key) == 0 &&
		    buf.ptr != NULL && *buf.ptr != '\0')
			v = xstrdup(buf.ptr);
		git_buf_dispose(&buf);
		git_config_free(config);
	}
	git_error_clear();
	return v;
}

/*
 * Where an absolute path is in the work tree once symbolic links and ".."
 * are resolved: relative to the tree ("" for the top itself), or NULL when
 * it resolves outside, into the git directory, or not at all. Only for
 * paths the host configures (hooks): files people open are reached with
 * workdir_walk.
 */
char *
repo_tree_path(struct repo *r, const char *abs)
{
	char real[PATH_MAX], git[PATH_MAX];
	size_t wlen = strlen(r->workdir), glen;
	const char *dirs[2];
	int i;

	if (realpath(abs, real) == NULL)
		return NULL;
	/* The top itself, or below it (workdir ends in '/'). */
	if (strncmp(real, r->workdir, wlen - 1) != 0 ||
	    (real[wlen - 1] != '\0' && real[wlen - 1] != '/'))
		return NULL;
	dirs[0] = git_repository_path(r->git);
	dirs[1] = git_repository_commondir(r->git);
	for (i = 0; i < 2; i++) {
		if (dirs[i] == NULL || realpath(dirs[i], git) == NULL)
			continue;
		glen = strlen(git);
		if (strncmp(real, git, glen) == 0 &&
		    (real[glen] == '\0' || real[glen] == '/'))
			return NULL;
	}
	return xstrdup(real[wlen - 1] == '\0' ? "" : real + wlen);
}

/* Whether rel is dir or lies below it ("" is the top: everything is). */
static int
repo_below(const char *rel, const char *dir)
{
	size_t len = strlen(dir);

	if (len == 0)
		return 1;
	return strncmp(rel, dir, len) == 0 &&
	       (rel[len] == '\0' || rel[len] == '/');
}

/*
 * Why a file of the work tree must not be changed through the session, or
 * NULL: moot's access list (everything under .moot/) and the git hooks
 * that live in the tree: the hooks directory when core.hooksPath puts it
 * there (for husky's .husky/_, the whole of .husky, whose scripts the
 * hooks run), and a commit-msg hook elsewhere that is a link into the
 * tree. Anyone who could edit these could let strangers in or run
 * commands as the account running moot; they are changed with git outside
 * the session. rel is compared as given and as resolved through links.
 */
const char *
repo_protected(struct repo *r, const char *rel)
{
	struct workdir_at at;
	const char *why = NULL, *paths[2];
	char *dir, *hooks, *hook, *file, *slash;
	size_t i;

	paths[0] = rel;
	paths[1] = NULL;
	if (workdir_walk(r->root, rel, WORKDIR_FOLLOW, &at) == 0) {
		paths[1] = at.path;
		workdir_close(&at);
	}
	dir = repo_hooks_dir(r);
	if ((hooks = repo_tree_path(r, dir)) != NULL &&
	    (slash = strrchr(hooks, '/')) != NULL && strcmp(slash, "/_") == 0)
		*slash = '\0'; /* husky: .husky/_ runs the scripts in .husky */
	xasprintf(&file, "%s/commit-msg", dir);
	hook = repo_tree_path(r, file);
	for (i = 0; i < 2 && why == NULL; i++) {
		if (paths[i] == NULL)
			continue;
		if (repo_below(paths[i], ".moot"))
			why = "moot's access list";
		else if ((hooks != NULL && repo_below(paths[i], hooks)) ||
		         (hook != NULL && strcmp(paths[i], hook) == 0))
			why = "a git hook";
	}
	free(file);
	free(hook);
	free(hooks);
	free(dir);
	return why;
}
