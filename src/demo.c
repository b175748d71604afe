/* demo.c: `moot serve --demo` makes a small git repository to play in.
 * It lives in a new temporary directory, outside the source tree. */
#include "moot.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "repo.h"

static const struct {
	const char *path;
	const char *text;
} demo_files[] = {
    {"README.md",
        "# moot demo\n"
        "\n"
        "This repository was made by `moot serve --demo` so you can try\n"
        "moot together. Everyone who joins edits the same files live.\n"
        "\n"
        "Keys:\n"
        "\n"
        "- arrows, Home/End, PgUp/PgDn move; type to insert\n"
        "- Ctrl-S saves the file, Ctrl-O opens another file\n"
        "- Ctrl-Q leaves (the session goes on for the others)\n"
        "\n"
        "Each person's cursor shows in their colour; the bottom line\n"
        "says who is here and where.\n"},
    {"src/hello.c", "/* hello.c: the smallest program in the demo. */\n"
                    "#include <stdio.h>\n"
                    "\n"
                    "int\n"
                    "main(void)\n"
                    "{\n"
                    "\tprintf(\"hello, moot\\n\");\n"
                    "\treturn 0;\n"
                    "}\n"},
    {"docs/notes.md", "# Notes\n"
                      "\n"
                      "Write down here what the team decides.\n"
                      "Unicode works too: 漢字, café, naïve.\n"},
};

static int
demo_write(const char *root, const char *path, const char *text)
{
	char *full, *slash;
	FILE *f;
	int ok;

	xasprintf(&full, "%s/%s", root, path);
	for (slash = strchr(full + strlen(root) + 1, '/'); slash != NULL;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(full, 0755) == -1 && errno != EEXIST) {
			free(full);
			return -1;
		}
		*slash = '/';
	}
	if ((f = fopen(full, "w")) == NULL) {
		free(full);
		return -1;
	}
	ok = fputs(text, f) >= 0;
	ok = (fclose(f) == 0) && ok;
	free(full);
	return ok ? 0 : -1;
}

static int
demo_commit(git_repository *git)
{
	git_index *index = NULL;
	git_oid tree_id, commit_id;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	size_t i;
	int rc = -1;

	if (git_repository_index(&index, git) != 0)
		goto out;
	for (i = 0; i < sizeof demo_files / sizeof demo_files[0]; i++) {
		if (git_index_add_bypath(index, demo_files[i].path) != 0)
			goto out;
	}
	if (git_index_write(index) != 0 ||
	    git_index_write_tree(&tree_id, index) != 0 ||
	    git_tree_lookup(&tree, git, &tree_id) != 0)
		goto out;
	if (git_signature_now(&sig, "moot demo", "demo@moot.invalid") != 0)
		goto out;
	if (git_commit_create_v(&commit_id, git, "HEAD", sig, sig, NULL,
	        "Demo repository for moot\n", tree, 0) != 0)
		goto out;
	rc = 0;
out:
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(index);
	return rc;
}

char *
demo_create(char **err)
{
	const char *tmp = getenv("TMPDIR");
	char *root;
	git_repository *git = NULL;
	git_repository_init_options opts;
	size_t i;

	git_libgit2_init();
	xasprintf(
	    &root, "%s/moot-demo-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
	if (mkdtemp(root) == NULL) {
		xasprintf(
		    err, "cannot create a demo directory: %s", strerror(errno));
		free(root);
		return NULL;
	}
	for (i = 0; i < sizeof demo_files / sizeof demo_files[0]; i++) {
		if (demo_write(root, demo_files[i].path, demo_files[i].text)) {
			xasprintf(err, "cannot write %s/%s: %s", root,
			    demo_files[i].path, strerror(errno));
			free(root);
			return NULL;
		}
	}
	git_repository_init_options_init(
	    &opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	opts.flags = GIT_REPOSITORY_INIT_MKPATH;
	opts.initial_head = "main";
	if (git_repository_init_ext(&git, root, &opts) != 0 ||
	    demo_commit(git) != 0) {
		xasprintf(err, "cannot make the demo repository in %s: %s",
		    root, git_error_last() ? git_error_last()->message : "?");
		git_repository_free(git);
		free(root);
		return NULL;
	}
	git_repository_free(git);
	return root;
}
