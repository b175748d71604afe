/* repo-git.c: reading HEAD and making commits through libgit2.
 * A commit takes exactly the named paths; its caller runs the commit-msg hook.
 */
#include "moot.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "file.h"
#include "inert.h"
#include "repo.h"
#include "workdir.h"

#define REPO_GIT_MESSAGE_MAX 65536 /* longest message read back */
#define REPO_GIT_SYMREF_DEPTH 10   /* symbolic references followed */

/* HEAD as a commit needs it: where it is and which reference to move. */
struct repo_git_at {
	struct repo_head head;
	git_oid oid; /* HEAD's commit, zero when unborn */
	char *ref;   /* the reference to move: a branch, or "HEAD" */
};

/* The last libgit2 error as text. */
static const char *
repo_git_error(void)
{
	const git_error *e = git_error_last();

	if (e == NULL || e->message == NULL)
		return "unknown error";
	return e->message;
}

/* A copy of dir without trailing slashes; "" for the top ("" or "."). */
static char *
repo_git_dir_name(const char *dir)
{
	char *copy;
	size_t len;

	if (dir == NULL)
		return xstrdup("");
	copy = xstrdup(dir);
	len = strlen(copy);
	while (len > 0 && copy[len - 1] == '/')
		copy[--len] = '\0';
	if (strcmp(copy, ".") == 0)
		copy[0] = '\0';
	return copy;
}

/*
 * Follow HEAD: through symbolic references to the commit, or to the
 * branch that does not exist yet (unborn). With ref non-NULL, also give
 * the name of the reference a commit must move.
 */
static int
repo_git_resolve(
    struct repo *r, struct repo_head *h, git_oid *oid, char **ref, char **err)
{
	git_reference *found;
	char *name;
	const char *target;
	int depth, error;

	memset(h, 0, sizeof *h);
	memset(oid, 0, sizeof *oid);
	if (ref != NULL)
		*ref = NULL;
	name = xstrdup("HEAD");
	for (depth = 0;; depth++) {
		if (depth == REPO_GIT_SYMREF_DEPTH) {
			xasprintf(err,
			    "HEAD is a chain of symbolic references too long "
			    "to follow");
			goto fail;
		}
		error = git_reference_lookup(&found, r->git, name);
		if (error == GIT_ENOTFOUND && depth > 0) {
			/* HEAD names a branch with no commit yet. */
			h->unborn = 1;
			break;
		}
		if (error != 0) {
			xasprintf(
			    err, "cannot read %s: %s", name, repo_git_error());
			goto fail;
		}
		if (git_reference_type(found) == GIT_REFERENCE_DIRECT) {
			git_oid_cpy(oid, git_reference_target(found));
			git_oid_tostr(h->id, sizeof h->id, oid);
			if (depth == 0)
				h->detached = 1;
			git_reference_free(found);
			break;
		}
		target = git_reference_symbolic_target(found);
		if (depth == 0) {
			/* The branch is what HEAD itself names. */
			if (strncmp(target, "refs/heads/", 11) == 0)
				h->branch = xstrdup(target + 11);
			else
				h->branch = xstrdup(target);
		}
		free(name);
		name = xstrdup(target);
		git_reference_free(found);
	}
	if (ref != NULL)
		*ref = name;
	else
		free(name);
	return 0;

fail:
	free(name);
	free(h->branch);
	h->branch = NULL;
	return -1;
}

int
repo_head(struct repo *r, struct repo_head *h, char **err)
{
	git_oid oid;

	*err = NULL;
	return repo_git_resolve(r, h, &oid, NULL, err);
}

void
repo_head_clear(struct repo_head *h)
{
	if (h == NULL)
		return;
	free(h->branch);
	memset(h, 0, sizeof *h);
}

/* HEAD's tree: 0 with *tree NULL when unborn, or -1 with *err set. */
static int
repo_git_head_tree(struct repo *r, git_tree **tree, char **err)
{
	struct repo_head h;
	git_oid oid;
	git_commit *commit;

	*tree = NULL;
	if (repo_git_resolve(r, &h, &oid, NULL, err) != 0)
		return -1;
	if (h.unborn) {
		repo_head_clear(&h);
		return 0;
	}
	if (git_commit_lookup(&commit, r->git, &oid) != 0) {
		xasprintf(err, "cannot read HEAD's commit %s: %s", h.id,
		    repo_git_error());
		repo_head_clear(&h);
		return -1;
	}
	if (git_commit_tree(tree, commit) != 0) {
		xasprintf(err, "cannot read the tree of HEAD's commit %s: %s",
		    h.id, repo_git_error());
		*tree = NULL;
		git_commit_free(commit);
		repo_head_clear(&h);
		return -1;
	}
	git_commit_free(commit);
	repo_head_clear(&h);
	return 0;
}

int
repo_blob_size(struct repo *r, const git_oid *id, uint64_t *size)
{
	git_odb *odb;
	git_object_t type;
	size_t len;
	int error;

	if (git_repository_odb(&odb, r->git) != 0)
		return -1;
	error = git_odb_read_header(&len, &type, odb, id);
	git_odb_free(odb);
	if (error != 0)
		return -1;
	*size = len;
	return 0;
}

char *
repo_head_file(struct repo *r, const char *path, size_t *len, char **err)
{
	git_tree *tree;
	git_tree_entry *entry;
	git_blob *blob;
	uint64_t size;
	char *out, have[32], limit[32];
	int error;

	*err = NULL;
	if (len != NULL)
		*len = 0;
	if (!repo_path_ok(path)) {
		xasprintf(err, "%s is not a path in the repository",
		    path != NULL ? path : "(null)");
		return NULL;
	}
	if (repo_git_head_tree(r, &tree, err) != 0 || tree == NULL)
		return NULL;
	error = git_tree_entry_bypath(&entry, tree, path);
	git_tree_free(tree);
	if (error == GIT_ENOTFOUND)
		return NULL;
	if (error != 0) {
		xasprintf(err, "cannot look up %s in HEAD: %s", path,
		    repo_git_error());
		return NULL;
	}
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		/* A directory or a submodule is not a file. */
		git_tree_entry_free(entry);
		return NULL;
	}
	/* Its size first: a blob is read whole into memory. */
	if (repo_blob_size(r, git_tree_entry_id(entry), &size) == -1) {
		xasprintf(err, "cannot read %s from HEAD: %s", path,
		    repo_git_error());
		git_tree_entry_free(entry);
		return NULL;
	}
	if (size >= SIZE_MAX || size > r->max_file) {
		file_size_text(size, have, sizeof have);
		file_size_text(r->max_file, limit, sizeof limit);
		xasprintf(err,
		    "%s in HEAD is %s, over the %s limit (--max-file-size)",
		    path, have, limit);
		git_tree_entry_free(entry);
		return NULL;
	}
	error = git_blob_lookup(&blob, r->git, git_tree_entry_id(entry));
	git_tree_entry_free(entry);
	if (error != 0) {
		xasprintf(err, "cannot read %s from HEAD: %s", path,
		    repo_git_error());
		return NULL;
	}
	size = git_blob_rawsize(blob);
	/* One byte more, so that text can be used as a string. */
	if ((out = xtrymalloc((size_t)size + 1)) == NULL) {
		xasprintf(
		    err, "%s in HEAD: not enough memory to read it", path);
		git_blob_free(blob);
		return NULL;
	}
	if (size > 0)
		memcpy(out, git_blob_rawcontent(blob), (size_t)size);
	out[size] = '\0';
	if (len != NULL)
		*len = (size_t)size;
	git_blob_free(blob);
	return out;
}

static int
repo_git_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
repo_head_dir(struct repo *r, const char *dir, size_t *n)
{
	git_tree *tree = NULL, *sub = NULL;
	git_tree_entry *entry;
	const git_tree_entry *e;
	char *name, *err = NULL, **names = NULL;
	size_t i, count, used = 0;

	*n = 0;
	name = repo_git_dir_name(dir);
	if (*name != '\0' && !repo_path_ok(name))
		goto out;
	if (repo_git_head_tree(r, &tree, &err) != 0 || tree == NULL)
		goto out;
	if (*name == '\0') {
		sub = tree;
		tree = NULL;
	} else {
		if (git_tree_entry_bypath(&entry, tree, name) != 0)
			goto out;
		if (git_tree_entry_type(entry) == GIT_OBJECT_TREE &&
		    git_tree_lookup(&sub, r->git, git_tree_entry_id(entry)) !=
		        0)
			sub = NULL;
		git_tree_entry_free(entry);
		if (sub == NULL)
			goto out;
	}

	count = git_tree_entrycount(sub);
	for (i = 0; i < count; i++) {
		e = git_tree_entry_byindex(sub, i);
		if (e == NULL || git_tree_entry_type(e) != GIT_OBJECT_BLOB)
			continue;
		if (names == NULL)
			names = xcalloc(count + 1, sizeof *names);
		names[used++] = xstrdup(git_tree_entry_name(e));
	}
	if (used > 0)
		qsort(names, used, sizeof *names, repo_git_cmp);
	*n = used;

out:
	git_error_clear();
	free(err);
	free(name);
	git_tree_free(sub);
	git_tree_free(tree);
	return names;
}

int
repo_dir_exists(const char *dir, void *arg)
{
	struct repo *r = arg;
	struct workdir_at at;
	char *name;
	int yes;

	name = repo_git_dir_name(dir);
	if (*name == '\0') {
		free(name);
		return 1; /* the top of the working tree */
	}
	/* Confined to the working tree, links inside it followed. */
	yes =
	    workdir_walk(r->root, name, WORKDIR_DIR | WORKDIR_FOLLOW, &at) == 0;
	if (yes)
		workdir_close(&at);
	free(name);
	return yes;
}

char *
repo_busy(struct repo *r)
{
	const char *why = NULL;
	char *lock;
	struct stat sb;

	switch (git_repository_state(r->git)) {
	case GIT_REPOSITORY_STATE_NONE:
		break;
	case GIT_REPOSITORY_STATE_MERGE:
		why = "a merge is in progress (finish it or run git merge "
		      "--abort)";
		break;
	case GIT_REPOSITORY_STATE_REVERT:
	case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
		why = "a revert is in progress (finish it with git revert "
		      "--continue or run git revert --abort)";
		break;
	case GIT_REPOSITORY_STATE_CHERRYPICK:
	case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
		why = "a cherry-pick is in progress (finish it with git "
		      "cherry-pick --continue or run git cherry-pick --abort)";
		break;
	case GIT_REPOSITORY_STATE_BISECT:
		why = "a bisect is in progress (end it with git bisect reset)";
		break;
	case GIT_REPOSITORY_STATE_REBASE:
	case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
	case GIT_REPOSITORY_STATE_REBASE_MERGE:
		why = "a rebase is in progress (finish it with git rebase "
		      "--continue or run git rebase --abort)";
		break;
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX:
		why = "git am is in progress (finish it with git am --continue "
		      "or run git am --abort)";
		break;
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE:
		why = "a rebase or git am is in progress (finish it, or run "
		      "git rebase --abort or git am --abort)";
		break;
	default:
		why = "another git operation is in progress (finish it first)";
		break;
	}
	if (why != NULL)
		return xstrdup(why);

	xasprintf(&lock, "%sindex.lock", git_repository_path(r->git));
	if (lstat(lock, &sb) == 0) {
		free(lock);
		return xstrdup("another git process holds .git/index.lock; "
		               "try again when it finishes (or remove the file "
		               "if no git is running)");
	}
	free(lock);
	return NULL;
}

/* The commit's fields that need no repository: -1 with *err if unusable. */
static int
repo_git_check_input(const struct repo_commit *c, char **err)
{
	size_t i;

	if (c->name == NULL || *c->name == '\0') {
		xasprintf(err, "a commit needs an author name");
		return -1;
	}
	if (c->email == NULL || *c->email == '\0') {
		xasprintf(err,
		    "%s has no email: the comment of their SSH key must "
		    "read \"Name <email>\" for moot to commit as them",
		    c->name);
		return -1;
	}
	if (c->paths == NULL || c->npaths == 0) {
		xasprintf(err, "nothing to commit: no files were named");
		return -1;
	}
	for (i = 0; i < c->npaths; i++) {
		if (!repo_path_ok(c->paths[i])) {
			xasprintf(err, "%s is not a file of the working tree",
			    c->paths[i] != NULL ? c->paths[i] : "(null)");
			return -1;
		}
	}
	return 0;
}

/* The message as git writes it: trailing spaces and extra blank lines
 * gone, one final newline; NULL when nothing is left. */
static char *
repo_git_clean_message(const char *message)
{
	git_buf buf = GIT_BUF_INIT;
	char *out = NULL;

	if (message == NULL)
		return NULL;
	if (git_message_prettify(&buf, message, 0, '#') == 0 &&
	    buf.ptr != NULL && buf.size > 0)
		out = xstrdup(buf.ptr);
	git_error_clear();
	git_buf_dispose(&buf);
	return out;
}

/*
 * Where HEAD is now, checked against what the caller expects: 0,
 * REPO_MOVED, or -1 with *err set (also when a commit cannot be made at
 * all just now).
 */
static int
repo_git_at(
    struct repo *r, const char *expect, struct repo_git_at *at, char **err)
{
	char *busy;

	memset(at, 0, sizeof *at);
	if ((busy = repo_busy(r)) != NULL) {
		*err = busy;
		return -1;
	}
	if (repo_git_resolve(r, &at->head, &at->oid, &at->ref, err) != 0)
		return -1;
	if (expect != NULL && strcmp(expect, at->head.id) != 0)
		return REPO_MOVED;
	return 0;
}

static void
repo_git_at_clear(struct repo_git_at *at)
{
	repo_head_clear(&at->head);
	free(at->ref);
	at->ref = NULL;
}

/* Write text to path (created or emptied). */
static int
repo_git_write_file(const char *path, const char *text, char **err)
{
	size_t len = strlen(text), done = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) ==
	    -1) {
		xasprintf(err, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	while (done < len) {
		n = write(fd, text + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(
			    err, "cannot write %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	if (close(fd) == -1) {
		xasprintf(err, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The contents of path as a string; NULL with *err set. */
static char *
repo_git_read_file(const char *path, char **err)
{
	char *buf;
	size_t used = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(err, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(REPO_GIT_MESSAGE_MAX + 1);
	for (;;) {
		n = read(fd, buf + used, REPO_GIT_MESSAGE_MAX + 1 - used);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(
			    err, "cannot read %s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > REPO_GIT_MESSAGE_MAX) {
			xasprintf(err, "%s is longer than %d bytes", path,
			    REPO_GIT_MESSAGE_MAX);
			goto fail;
		}
	}
	close(fd);
	buf[used] = '\0';
	return buf;

fail:
	close(fd);
	free(buf);
	return NULL;
}

/*
 * Find the commit-msg hook (core.hooksPath, else .git/hooks), when it is
 * an executable file (git ignores others too), and say whether it lives
 * in the working tree: through its directory or through the file itself
 * (a symlink from .git/hooks into the tree counts as in the tree).
 * libgit2 runs no hooks at all, and moot runs only this one: pre-commit,
 * prepare-commit-msg and post-commit are not run (the files are the
 * session's and the message is moot's).
 */
static void
repo_git_find_hook(struct repo *r, struct repo_prep *p)
{
	struct stat sb;
	char *dir, *hook, *in_dir, *in_hook;
	size_t wlen = strlen(r->workdir);

	dir = repo_hooks_dir(r);
	xasprintf(&hook, "%s/commit-msg", dir);
	if (stat(hook, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    access(hook, X_OK) != 0) {
		free(hook);
		free(dir);
		return;
	}
	p->hook = hook;
	in_dir = repo_tree_path(r, dir);
	in_hook = repo_tree_path(r, hook);
	p->hook_in_tree = in_dir != NULL || in_hook != NULL;
	/* Shown as the file an editor would change. */
	if (in_hook != NULL)
		p->hook_shown = xstrdup(in_hook);
	else if (strncmp(hook, r->workdir, wlen) == 0)
		p->hook_shown = xstrdup(hook + wlen);
	else
		p->hook_shown = xstrdup(hook);
	free(in_hook);
	free(in_dir);
	free(dir);
}

/* Why the hook refused the commit, from what it did; NULL if it did not.
 * Its output is made inert as one line (inert.h) and trimmed. */
static char *
repo_git_hook_refusal(const struct repo_hook_run *ran)
{
	char *out, *start, *end, *why = NULL;
	size_t len = ran->outlen, need;

	if (len > REPO_HOOK_OUTPUT)
		len = REPO_HOOK_OUTPUT;
	need = inert_write(INERT_LINE, ran->out, len, NULL, 0);
	out = xmalloc(need + 1);
	inert_write(INERT_LINE, ran->out, len, out, need + 1);
	for (start = out; *start == ' '; start++)
		;
	end = start + strlen(start);
	while (end > start && end[-1] == ' ')
		*--end = '\0';

	if (ran->late) {
		xasprintf(&why,
		    "commit-msg hook refused the commit: it did not finish "
		    "within %d seconds and was stopped",
		    REPO_HOOK_SECONDS);
	} else if (!WIFEXITED(ran->status) || WEXITSTATUS(ran->status) != 0) {
		if (*start != '\0')
			xasprintf(&why,
			    "commit-msg hook refused the commit: %s", start);
		else if (WIFEXITED(ran->status))
			xasprintf(&why,
			    "commit-msg hook refused the commit: it exited "
			    "with status %d and said nothing",
			    WEXITSTATUS(ran->status));
		else
			xasprintf(&why,
			    "commit-msg hook refused the commit: it was "
			    "killed by signal %d",
			    WTERMSIG(ran->status));
	}
	free(out);
	return why;
}

/* The index entry's stat fields from the file read. */
static void
repo_git_entry_stat(git_index_entry *e, const struct stat *sb)
{
	e->ctime.seconds = (int32_t)sb->st_ctim.tv_sec;
	e->ctime.nanoseconds = (uint32_t)sb->st_ctim.tv_nsec;
	e->mtime.seconds = (int32_t)sb->st_mtim.tv_sec;
	e->mtime.nanoseconds = (uint32_t)sb->st_mtim.tv_nsec;
	e->dev = (uint32_t)sb->st_dev;
	e->ino = (uint32_t)sb->st_ino;
	e->uid = (uint32_t)sb->st_uid;
	e->gid = (uint32_t)sb->st_gid;
	e->file_size = (uint32_t)sb->st_size;
}

/* The mode git gives a regular file: its executable bit, unless
 * core.fileMode is off (then what the index had). */
static uint32_t
repo_git_file_mode(
    struct repo *r, git_index *index, const char *path, const struct stat *sb)
{
	const git_index_entry *old;
	git_config *config;
	int filemode = 1;

	if (git_repository_config_snapshot(&config, r->git) == 0) {
		if (git_config_get_bool(&filemode, config, "core.filemode") !=
		    0)
			filemode = 1;
		git_config_free(config);
	}
	git_error_clear();
	if (!filemode) {
		old = git_index_get_bypath(index, path, 0);
		if (old != NULL && old->mode == GIT_FILEMODE_BLOB_EXECUTABLE)
			return GIT_FILEMODE_BLOB_EXECUTABLE;
		return GIT_FILEMODE_BLOB;
	}
	return (sb->st_mode & S_IXUSR) ? GIT_FILEMODE_BLOB_EXECUTABLE
	                               : GIT_FILEMODE_BLOB;
}

/* The blob of len bytes, entered in the index as e says (its stat fields
 * those of the file, so that git status sees it unchanged). */
static int
repo_git_index_add(struct repo *r, git_index *index, git_index_entry *e,
    const void *bytes, size_t len)
{
	int error;

	if ((error = git_blob_create_from_buffer(&e->id, r->git, bytes, len)) !=
	    0)
		return error;
	/* Adding resolves a conflict, as git add does. */
	if (git_index_conflict_remove(index, e->path) != 0)
		git_error_clear();
	return git_index_add(index, e);
}

/*
 * Add what is at path (name in dfd) to the index: a symbolic link as a
 * link, a regular file read through the descriptor (with git's filters,
 * e.g. end of line conversion), never anything reached by path again.
 */
static int
repo_git_add(struct repo *r, git_index *index, int dfd, const char *name,
    const char *path, const struct stat *lsb, char **err)
{
	git_index_entry e;
	git_filter_list *filters = NULL;
	git_buf clean = GIT_BUF_INIT;
	struct stat sb;
	char *data = NULL, target[WORKDIR_PATH_MAX + 1], have[32], limit[32];
	const char *bytes;
	size_t len;
	ssize_t n;
	int error;

	memset(&e, 0, sizeof e);
	e.path = path;
	if (S_ISLNK(lsb->st_mode)) {
		if ((n = readlinkat(dfd, name, target, sizeof target)) == -1 ||
		    (size_t)n >= sizeof target) {
			xasprintf(err, "cannot read %s: %s", path,
			    n == -1 ? strerror(errno) : "link too long");
			return -1;
		}
		repo_git_entry_stat(&e, lsb);
		e.mode = GIT_FILEMODE_LINK;
		error = repo_git_index_add(r, index, &e, target, (size_t)n);
		goto added;
	}
	if (file_read_at(dfd, name, path, r->max_file, &data, &len, &sb, err) ==
	    -1) {
		if (errno == EFBIG) {
			free(*err);
			file_size_text((uint64_t)sb.st_size, have, sizeof have);
			file_size_text(r->max_file, limit, sizeof limit);
			xasprintf(err,
			    "%s is %s, over the %s limit (--max-file-size)",
			    path, have, limit);
		}
		return -1;
	}
	repo_git_entry_stat(&e, &sb);
	e.mode = repo_git_file_mode(r, index, path, &sb);
	bytes = data;
	error = git_filter_list_load(&filters, r->git, NULL, path,
	    GIT_FILTER_TO_ODB, GIT_FILTER_DEFAULT);
	if (error == 0 && filters != NULL) {
		error =
		    git_filter_list_apply_to_buffer(&clean, filters, data, len);
		bytes = clean.ptr;
		len = clean.size;
	}
	if (error == 0)
		error = repo_git_index_add(r, index, &e, bytes, len);
	git_filter_list_free(filters);
	git_buf_dispose(&clean);
	free(data);

added:
	if (error != 0) {
		xasprintf(err, "cannot stage %s: %s", path, repo_git_error());
		return -1;
	}
	return 0;
}

/*
 * Make the index entry of path match the working tree: the file (or
 * symlink) with its content and mode, or no entry when it is absent. Like
 * git, never look beyond a symbolic link; the walk and every read go
 * through descriptors (workdir.h), so nothing outside is ever staged.
 */
static int
repo_git_stage(struct repo *r, git_index *index, const char *path, char **err)
{
	struct workdir_at at;
	struct stat sb;
	int absent = 0, rc = -1;

	if (workdir_walk(r->root, path, 0, &at) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			absent = 1;
		else if (errno == ELOOP) {
			xasprintf(err, "%s is beyond a symbolic link", path);
			return -1;
		} else if (workdir_refused(errno)) {
			xasprintf(
			    err, "%s is not a file of the working tree", path);
			return -1;
		} else {
			xasprintf(
			    err, "cannot read %s: %s", path, strerror(errno));
			return -1;
		}
	} else if (fstatat(at.dfd, at.name, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno != ENOENT && errno != ENOTDIR) {
			xasprintf(
			    err, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		absent = 1;
	}
	if (absent) {
		if (git_index_remove_bypath(index, path) != 0) {
			xasprintf(
			    err, "cannot stage %s: %s", path, repo_git_error());
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		xasprintf(err, "%s is a directory, not a file", path);
		goto out;
	}
	if (!S_ISREG(sb.st_mode) && !S_ISLNK(sb.st_mode)) {
		xasprintf(err, "%s is %s, not a regular file", path,
		    file_kind(sb.st_mode));
		goto out;
	}
	rc = repo_git_add(r, index, at.dfd, at.name, path, &sb, err);
out:
	workdir_close(&at);
	return rc;
}

/* Did an earlier path in the list name the same file? */
static int
repo_git_seen(const struct repo_commit *c, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++) {
		if (strcmp(c->paths[j], c->paths[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * Make the commit of c with message (already cleaned, hook done): on top
 * of HEAD as it is now, if it is still what c expects.
 */
static int
repo_git_make(struct repo *r, const struct repo_commit *c, const char *message,
    char id[41], char **err)
{
	struct repo_git_at at;
	git_index *index = NULL;
	const git_index_entry *ie;
	git_tree *base = NULL, *tree = NULL;
	git_tree_entry *te;
	git_tree_update *updates = NULL;
	git_commit *parent = NULL;
	const git_commit *parents[1];
	git_signature *sig = NULL;
	git_reference *moved = NULL;
	git_oid tree_oid, commit_oid, zero;
	char *reflog = NULL, *name = NULL, *email = NULL, *text = NULL;
	size_t i, nupdates = 0;
	int rc = -1, error, unchanged, index_dirty = 0;

	/* HEAD now (the hook took time): build on it if it is as expected. */
	if ((rc = repo_git_at(r, c->expect, &at, err)) != 0) {
		repo_git_at_clear(&at);
		return rc;
	}
	rc = -1;
	if (!at.head.unborn) {
		if (git_commit_lookup(&parent, r->git, &at.oid) != 0 ||
		    git_commit_tree(&base, parent) != 0) {
			xasprintf(err, "cannot read HEAD's commit %s: %s",
			    at.head.id, repo_git_error());
			goto out;
		}
	}

	/*
	 * Stage the paths in memory, and take the new tree from those index
	 * entries: the commit then has exactly what the index will have,
	 * from a single read of each file. The index is written only once
	 * the commit object exists; until then a failure forgets these
	 * changes by reading the index again.
	 */
	if (git_repository_index(&index, r->git) != 0) {
		xasprintf(
		    err, "cannot open the git index: %s", repo_git_error());
		goto out;
	}
	if (git_index_read(index, 1) != 0) {
		xasprintf(
		    err, "cannot read the git index: %s", repo_git_error());
		goto out;
	}
	index_dirty = 1;
	updates = xcalloc(c->npaths, sizeof *updates);
	for (i = 0; i < c->npaths; i++) {
		if (repo_git_seen(c, i))
			continue;
		if (repo_git_stage(r, index, c->paths[i], err) != 0)
			goto out;
		ie = git_index_get_bypath(index, c->paths[i], 0);
		if (ie != NULL) {
			updates[nupdates].action = GIT_TREE_UPDATE_UPSERT;
			git_oid_cpy(&updates[nupdates].id, &ie->id);
			updates[nupdates].filemode = (git_filemode_t)ie->mode;
			updates[nupdates].path = c->paths[i];
			nupdates++;
		} else if (base != NULL &&
		           git_tree_entry_bypath(&te, base, c->paths[i]) == 0) {
			git_tree_entry_free(te);
			updates[nupdates].action = GIT_TREE_UPDATE_REMOVE;
			updates[nupdates].path = c->paths[i];
			nupdates++;
		}
		/* Else it is in neither: nothing to change in the tree. */
	}
	git_error_clear();
	if (git_tree_create_updated(
	        &tree_oid, r->git, base, nupdates, updates) != 0 ||
	    git_tree_lookup(&tree, r->git, &tree_oid) != 0) {
		xasprintf(err, "cannot make the tree to commit: %s",
		    repo_git_error());
		goto out;
	}
	if (base != NULL)
		unchanged = git_oid_equal(&tree_oid, git_tree_id(base));
	else
		unchanged = git_tree_entrycount(tree) == 0;
	if (unchanged) {
		if (c->npaths == 1) {
			xasprintf(err,
			    "nothing to commit: %s is the same as in the last "
			    "commit",
			    c->paths[0]);
		} else {
			xasprintf(err, "nothing to commit: the files are the "
			               "same as in the last commit");
		}
		goto out;
	}

	/*
	 * Names and emails come from key comments, the message from what
	 * people typed and what the hook made of it: git gets them inert
	 * (inert.h), so `git log` never prints a control, bidi or invalid
	 * byte of theirs.
	 */
	name = inert_ident(c->name);
	email = inert_ident(c->email);
	if (git_signature_now(&sig, name, email) != 0) {
		xasprintf(err, "cannot commit as %s <%s>: %s", name, email,
		    repo_git_error());
		goto out;
	}
	text = inert_body(message);
	parents[0] = parent;
	if (git_commit_create(&commit_oid, r->git, NULL, sig, sig, NULL, text,
	        tree, parent != NULL ? 1 : 0, parents) != 0) {
		xasprintf(err, "cannot make the commit: %s", repo_git_error());
		goto out;
	}

	/* The commit exists but nothing points to it yet: write the index,
	 * then move the reference. */
	if ((error = git_index_write(index)) != 0) {
		if (error == GIT_ELOCKED) {
			xasprintf(err,
			    "another git process holds .git/index.lock; try "
			    "again when it finishes (or remove the file if no "
			    "git is running)");
		} else {
			xasprintf(err, "cannot write the git index: %s",
			    repo_git_error());
		}
		goto out;
	}
	index_dirty = 0;

	/* The reflog says what git says, with the committer as identity. */
	xasprintf(&reflog, "commit%s: %.*s", at.head.unborn ? " (initial)" : "",
	    (int)strcspn(text, "\n"), text);
	memset(&zero, 0, sizeof zero);
	git_repository_set_ident(r->git, name, email);
	/* Only if the reference is still where it was (absent if unborn). */
	error = git_reference_create_matching(&moved, r->git, at.ref,
	    &commit_oid, 1, at.head.unborn ? &zero : &at.oid, reflog);
	git_repository_set_ident(r->git, NULL, NULL);
	if (error == GIT_EMODIFIED || error == GIT_EEXISTS) {
		xasprintf(err,
		    "%s moved while the commit was being made (someone else "
		    "committed at the same moment); nothing was committed "
		    "(the files are staged), try again",
		    at.head.detached ? "HEAD" : at.head.branch);
		goto out;
	}
	if (error == GIT_ELOCKED) {
		xasprintf(err,
		    "another git process holds the lock on %s; nothing was "
		    "committed (the files are staged), try again when it "
		    "finishes",
		    at.ref);
		goto out;
	}
	if (error != 0) {
		xasprintf(err,
		    "cannot move %s to the new commit: %s; nothing was "
		    "committed (the files are staged)",
		    at.ref, repo_git_error());
		goto out;
	}
	git_oid_tostr(id, 41, &commit_oid);
	rc = 0;

out:
	if (index_dirty)
		git_index_read(index, 1); /* forget the staging */
	git_error_clear();
	git_reference_free(moved);
	git_signature_free(sig);
	git_commit_free(parent);
	git_tree_free(tree);
	git_tree_free(base);
	git_index_free(index);
	free(updates);
	free(reflog);
	free(text);
	free(email);
	free(name);
	repo_git_at_clear(&at);
	return rc;
}

void
repo_prep_free(struct repo_prep *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->hook);
	free(p->hook_shown);
	free(p->file);
	free(p->git_dir);
	for (i = 0; i < p->c.npaths; i++)
		free(p->paths[i]);
	free(p->paths);
	free((char *)p->c.name);
	free((char *)p->c.email);
	free((char *)p->c.expect);
	free(p->message);
	free(p);
}

int
repo_commit_prepare(struct repo *r, const struct repo_commit *c,
    struct repo_prep **out, char **err)
{
	struct repo_git_at at;
	struct repo_prep *p;
	char *message, *gitdir;
	size_t i, len;
	int rc;

	*err = NULL;
	*out = NULL;
	if (repo_git_check_input(c, err) != 0)
		return -1;
	if ((message = repo_git_clean_message(c->message)) == NULL) {
		xasprintf(err, "the commit message is empty");
		return -1;
	}
	/* Refuse early, before the hook, if it cannot work anyway. */
	rc = repo_git_at(r, c->expect, &at, err);
	repo_git_at_clear(&at);
	if (rc != 0) {
		free(message);
		return rc;
	}

	p = xcalloc(1, sizeof *p);
	p->message = message;
	p->paths = xcalloc(c->npaths, sizeof *p->paths);
	for (i = 0; i < c->npaths; i++)
		p->paths[i] = xstrdup(c->paths[i]);
	p->c.paths = (const char *const *)p->paths;
	p->c.npaths = c->npaths;
	p->c.name = xstrdup(c->name);
	p->c.email = xstrdup(c->email);
	p->c.expect = c->expect != NULL ? xstrdup(c->expect) : NULL;

	repo_git_find_hook(r, p);
	if (p->hook != NULL) {
		xasprintf(
		    &p->file, "%sCOMMIT_EDITMSG", git_repository_path(r->git));
		if (repo_git_write_file(p->file, p->message, err) != 0) {
			repo_prep_free(p);
			return -1;
		}
		gitdir = xstrdup(git_repository_path(r->git));
		len = strlen(gitdir);
		if (len > 1 && gitdir[len - 1] == '/')
			gitdir[len - 1] = '\0';
		xasprintf(&p->git_dir, "GIT_DIR=%s", gitdir);
		free(gitdir);
		p->hook_env[0] = p->git_dir;
		p->hook_argv[0] = p->hook;
		p->hook_argv[1] = p->file;
	}
	*out = p;
	return 0;
}

int
repo_commit_finish(struct repo *r, struct repo_prep *p,
    const struct repo_hook_run *ran, char id[41], char **err)
{
	char *message, *text;
	int rc;

	*err = NULL;
	id[0] = '\0';
	if (ran == NULL || p->hook == NULL)
		return repo_git_make(r, &p->c, p->message, id, err);

	if ((*err = repo_git_hook_refusal(ran)) != NULL)
		return -1;
	/* The hook may have rewritten the message. */
	if ((text = repo_git_read_file(p->file, err)) == NULL)
		return -1;
	message = repo_git_clean_message(text);
	free(text);
	if (message == NULL) {
		xasprintf(err, "the commit message is empty (after the "
		               "commit-msg hook)");
		return -1;
	}
	rc = repo_git_make(r, &p->c, message, id, err);
	free(message);
	return rc;
}
