/* doc.c: documents (files being edited) and the ops that change them.
 * Every edit is an op applied in arrival order; cursors shift with it. */
#include "moot.h"

#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "file.h"
#include "repo.h"
#include "server.h"

struct doc *
doc_find(const char *path)
{
	struct doc *d;

	TAILQ_FOREACH (d, &server->docs, entry) {
		if (strcmp(d->path, path) == 0)
			return d;
	}
	return NULL;
}

static struct doc *
doc_create(const char *path, const char *data, size_t len, mode_t mode)
{
	struct doc *d = xcalloc(1, sizeof *d);

	d->path = xstrdup(path);
	d->buf = buffer_from(data, len);
	d->mode = mode;
	TAILQ_INSERT_TAIL(&server->docs, d, entry);
	return d;
}

/* Open (or find) a document by its path in the working tree. A path that
 * leaves the tree is refused; a file that does not exist yet starts
 * empty. */
struct doc *
doc_open(const char *path, char **err)
{
	struct doc *d;
	char *abs, *data = NULL, *why = NULL;
	size_t len = 0;
	mode_t mode = 0644;
	int missing;

	if ((d = doc_find(path)) != NULL)
		return d;
	if ((abs = repo_abspath(server->repo, path)) == NULL) {
		xasprintf(err, "%s: outside the repository", path);
		return NULL;
	}
	if (file_load(abs, &data, &len, &mode, &missing, &why) == -1) {
		if (!missing) {
			xasprintf(err, "%s: %s", path, why);
			free(why);
			free(abs);
			return NULL;
		}
		free(why);
		data = NULL;
		len = 0;
		mode = 0644;
	}
	free(abs);
	d = doc_create(path, data != NULL ? data : "", len, mode);
	free(data);
	return d;
}

/* A document for a repository without files: not saved anywhere. */
struct doc *
doc_scratch(void)
{
	struct doc *d;

	if ((d = doc_find("")) != NULL)
		return d;
	return doc_create("", "", 0, 0644);
}

/* Apply one op: the only way a document's text changes. */
void
doc_apply(struct op *op)
{
	struct doc *d = op->doc;
	struct client *c;

	/*
	 * This is where the journal records the op (issue: crash-safe
	 * journal), before its effect reaches anyone's screen: frames are only
	 * rendered after the loop pass that applied it.
	 */
	if (op->del_len > 0)
		buffer_delete(d->buf, op->pos, op->del_len);
	if (op->ins_len > 0)
		buffer_insert(d->buf, op->pos, op->ins, op->ins_len);
	d->modified = 1;

	TAILQ_FOREACH (c, &server->clients, entry) {
		if (c->view.doc == d)
			view_shift(&c->view, op, c == op->author);
	}
	server_redraw_doc(d);
}

int
doc_save(struct doc *d, char **err)
{
	char *abs, *data, *why = NULL;
	size_t len;
	int rc;

	if (*d->path == '\0') {
		xasprintf(err, "this buffer has no file");
		return -1;
	}
	if ((abs = repo_abspath(server->repo, d->path)) == NULL) {
		xasprintf(err, "%s: outside the repository", d->path);
		return -1;
	}
	data = buffer_contents(d->buf, &len);
	rc = file_save(abs, data, len, d->mode, &why);
	free(data);
	free(abs);
	if (rc == -1) {
		xasprintf(err, "cannot save %s: %s", d->path, why);
		free(why);
		return -1;
	}
	d->modified = 0;
	return 0;
}
