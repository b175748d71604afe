/* repo.h: the git repository the session serves (libgit2).
 * Finding it, listing its files, and the demo repository. */
#ifndef MOOT_REPO_H
#define MOOT_REPO_H

#include <stddef.h>

#include <stdint.h>

/* The largest file or blob read when nobody said (moot why, moot
 * decisions); moot serve sets max_file from --max-file-size. */
#define REPO_MAX_FILE (512ULL * 1024 * 1024)

struct repo {
	void *git;         /* git_repository * */
	char *workdir;     /* absolute, ending in '/' (for messages, hooks) */
	int root;          /* the working tree's descriptor: every file of it
	                      is reached from here (workdir.h, file.h) */
	char *state;       /* .git/moot/, absolute, ending in '/' */
	uint64_t max_file; /* bytes of the largest file or blob read
	                      (--max-file-size) */
};

/* Open the repository containing dir; NULL with *err set if there is none. */
struct repo *repo_open(const char *dir, char **err);
void repo_free(struct repo *);
/* Tracked files in index order (caller frees each and the array). */
char **repo_files(struct repo *, size_t *n);
/* The file to show first: README* if tracked, else the first one. */
char *repo_first_file(struct repo *);
/* Whether rel is a well formed relative path: no empty, "." or ".."
 * component, no ".git" component. */
int repo_path_ok(const char *rel);
/* The directory hooks run from (core.hooksPath, else .git/hooks), as
 * configured; caller frees. */
char *repo_hooks_dir(struct repo *);
/* A string of the repository's git configuration, or NULL (caller frees). */
char *repo_config_string(struct repo *, const char *key);
/* Where an absolute path resolves in the work tree (relative, "" for the
 * top; caller frees), or NULL: outside, in the git directory, missing. */
char *repo_tree_path(struct repo *, const char *abs);
/* Why rel may not be changed through the session ("moot's access list",
 * "a git hook"), or NULL. */
const char *repo_protected(struct repo *, const char *rel);

/* repo-git.c: reading HEAD and making commits (libgit2, which runs no hooks:
 * the caller runs the commit-msg hook between prepare and finish). */

#define REPO_MOVED (-2) /* repo_commit: HEAD is not what the caller saw */

/* Where HEAD is. */
struct repo_head {
	int unborn;   /* no commit yet (the branch has no commit) */
	int detached; /* HEAD names a commit, not a branch */
	char id[41];  /* full hex id; "" when unborn */
	char *branch; /* short name ("main"), NULL when detached */
};
/* 0, or -1 with *err set. */
int repo_head(struct repo *, struct repo_head *, char **err);
void repo_head_clear(struct repo_head *);
/* The size of a blob without reading it (0, or -1 on a git error). */
struct git_oid;
int repo_blob_size(struct repo *, const struct git_oid *, uint64_t *);
/* The bytes of path in HEAD's tree: NULL with *err NULL when HEAD is
 * unborn or has no such file; NULL with *err set on a real error (a blob
 * larger than max_file, or no memory for it, is one). */
char *repo_head_file(struct repo *, const char *path, size_t *len, char **err);
/* Names (not paths) of the blobs directly in dir in HEAD's tree, sorted;
 * NULL and *n = 0 when unborn or no such directory. */
char **repo_head_dir(struct repo *, const char *dir, size_t *n);
/* Does dir exist as a directory in the working tree? (record_dir's
 * exists() callback; arg is the struct repo.) */
int repo_dir_exists(const char *dir, void *arg);
/* Why no commit can be made now, as a sentence (caller frees), or NULL:
 * a merge, rebase, cherry-pick, revert or bisect in progress, or
 * index.lock held by another git process. */
char *repo_busy(struct repo *);

/* A commit to make: exactly these paths, as they are in the working tree
 * (a path missing from the working tree is removed from the tree). */
struct repo_commit {
	const char *const *paths;
	size_t npaths;
	const char *name;  /* author and committer */
	const char *email; /* must be non-empty */
	const char *message;
	const char *expect; /* HEAD id the caller built on; "" = unborn; NULL:
	                       do not check */
};
/*
 * A commit in two steps, so that its commit-msg hook can run as a job of
 * the daemon's loop in between:
 *
 * repo_commit_prepare checks the commit (input, message, the state of the
 * repository, HEAD against c->expect) and finds the commit-msg hook
 * (core.hooksPath or .git/hooks, when executable); if there is one, the
 * message is written to .git/COMMIT_EDITMSG for it. Returns 0 with *prep;
 * REPO_MOVED when HEAD is not c->expect; -1 with *err set. Nothing is
 * committed or staged.
 *
 * The caller then runs prep->hook (if it wants: hook_in_tree says editors
 * can change it) as prep->hook_argv in the working tree with
 * prep->hook_env, and gives what it did to repo_commit_finish, or NULL
 * when it did not run it.
 *
 * repo_commit_finish commits on top of HEAD (or as the first commit of the
 * branch HEAD names; or on a detached HEAD, moving it): the new tree is
 * HEAD's tree with only the paths changed, whatever else is staged. The
 * index entries of these paths are updated to match (others untouched) so
 * `git status` stays clean. A hook that exited non-zero or was stopped
 * refuses the commit (*err carries its output); the hook may have
 * rewritten the message. Returns 0 and the new id in id (41 bytes);
 * REPO_MOVED when HEAD is no longer c->expect (nothing done); -1 with *err
 * set (nothing done, or only the index of these paths updated).
 */
#define REPO_HOOK_SECONDS 60  /* a commit-msg hook running longer is stopped */
#define REPO_HOOK_OUTPUT 4096 /* bytes of its output shown */
struct repo_prep {
	char *hook;       /* the commit-msg hook to run, NULL: none */
	char *hook_shown; /* that file as people see it (relative to the
	                     working tree when in it) */
	int hook_in_tree; /* it lives in the working tree (resolved: through
	                     core.hooksPath or a symlink), which editors change
	                   */
	const char *hook_argv[3]; /* hook, .git/COMMIT_EDITMSG, NULL */
	const char *hook_env[2];  /* "GIT_DIR=...", NULL */

	/* repo-git.c's own. */
	char *file;    /* .git/COMMIT_EDITMSG */
	char *git_dir; /* "GIT_DIR=..." */
	struct repo_commit c;
	char **paths;
	char *message; /* cleaned */
};
/* What the hook did. */
struct repo_hook_run {
	int status; /* as from waitpid */
	int late;   /* stopped after REPO_HOOK_SECONDS */
	const char *out;
	size_t outlen;
};
int repo_commit_prepare(
    struct repo *, const struct repo_commit *, struct repo_prep **, char **err);
int repo_commit_finish(struct repo *, struct repo_prep *,
    const struct repo_hook_run *, char id[41], char **err);
void repo_prep_free(struct repo_prep *);

/* demo.c: create a small demo repository; returns its path. */
char *demo_create(char **err);

#endif
