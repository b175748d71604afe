/* auth.c: which public keys may join, and the names they carry.
 * Reads authorized_keys-format files; only public keys are ever accepted. */
#include "moot.h"

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "authopt.h"
#include "file.h"
#include "frontend.h"
#include "workdir.h"

#define AUTH_FILE_MAX (1024 * 1024) /* bytes of .moot/authorized_keys read */

/* Split "Name <email>": either part may be missing. */
void
auth_parse_comment(const char *comment, char **name, char **email)
{
	const char *lt, *gt, *end;

	*name = *email = NULL;
	if (comment == NULL)
		return;
	while (isspace((unsigned char)*comment))
		comment++;
	lt = strchr(comment, '<');
	gt = lt != NULL ? strchr(lt, '>') : NULL;
	if (lt != NULL && gt != NULL && gt > lt + 1) {
		*email = xstrndup(lt + 1, gt - lt - 1);
		end = lt;
	} else
		end = comment + strlen(comment);
	while (end > comment && isspace((unsigned char)end[-1]))
		end--;
	/* A bare "user@host" comment (ssh-keygen's default) is not a name. */
	if (end > comment &&
	    (lt != NULL || memchr(comment, '@', end - comment) == NULL))
		*name = xstrndup(comment, end - comment);
}

/* Keep a key with its line's options; bad: why the options did not parse
 * (the key is then kept only to say so when it is offered). line: the
 * whole line, owned from here on. */
static void
auth_add(struct authkeys *ak, ssh_key key, const char *comment,
    const char *source, int home, const char *opts, char *line)
{
	struct authkey *k;
	const char *err;

	ak->keys = xreallocarray(ak->keys, ak->n + 1, sizeof *ak->keys);
	k = &ak->keys[ak->n++];
	memset(k, 0, sizeof *k);
	k->key = key;
	auth_parse_comment(comment, &k->name, &k->email);
	k->source = xstrdup(source);
	k->home = home;
	k->line = line; /* the caller's allocation */
	k->opt = xcalloc(1, sizeof *k->opt);
	if (opts != NULL && authopt_parse(opts, k->opt, &err) == -1)
		k->bad = err;
}

/* Whether the line starts with a key type (else options come first). */
static int
auth_is_keytype(const char *p)
{
	char word[64];
	size_t len = strcspn(p, " \t");

	if (len == 0 || len >= sizeof word)
		return 0;
	memcpy(word, p, len);
	word[len] = '\0';
	return ssh_key_type_from_name(word) != SSH_KEYTYPE_UNKNOWN;
}

/* One line: [options] type base64 [comment]. Options are parsed with
 * sshd's rules (authopt.c) and checked when the key is offered. The line
 * is kept as it was (for a frontend, which parses it again). */
void
auth_add_line(
    struct authkeys *ak, const char *text, const char *source, int home)
{
	char *line, *p, *type, *b64, *comment, *opts = NULL;
	enum ssh_keytypes_e kt;
	ssh_key key;
	int quoted = 0;

	p = line = xstrndup(text, strcspn(text, "\r\n"));
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#')
		goto out;
	if (!auth_is_keytype(p)) {
		/* Options run to the first blank outside double quotes. */
		opts = p;
		for (; *p != '\0' && (quoted || !isspace((unsigned char)*p));
		     p++) {
			if (*p == '\\' && quoted && p[1] == '"')
				p++;
			else if (*p == '"')
				quoted = !quoted;
		}
		if (*p != '\0')
			*p++ = '\0';
		while (isspace((unsigned char)*p))
			p++;
	}
	type = p;
	p += strcspn(p, " \t");
	if (*p != '\0')
		*p++ = '\0';
	if ((kt = ssh_key_type_from_name(type)) == SSH_KEYTYPE_UNKNOWN)
		goto out;
	while (isspace((unsigned char)*p))
		p++;
	b64 = p;
	p += strcspn(p, " \t");
	if (*p != '\0')
		*p++ = '\0';
	while (isspace((unsigned char)*p))
		p++;
	comment = p;
	if (ssh_pki_import_pubkey_base64(b64, kt, &key) != SSH_OK) {
		log_warn("%s: skipping a key that does not parse", source);
		goto out;
	}
	/* The line as it was: from its first non-blank, without the end. */
	while (isspace((unsigned char)*text))
		text++;
	auth_add(ak, key, comment, source, home, opts,
	    xstrndup(text, strcspn(text, "\r\n")));
out:
	free(line);
}

/* A file of the host's own (~/.ssh): only a regular file, opened without
 * blocking, so that a FIFO there cannot hang the daemon. */
static void
auth_file(struct authkeys *ak, const char *path)
{
	struct stat sb;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) ==
	    -1)
		return;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return;
	}
	while (getline(&line, &cap, f) != -1)
		auth_add_line(ak, line, path, 1);
	free(line);
	fclose(f);
}

/* The list in the working tree, read through workdir_walk (file.h). */
static void
auth_tree_file(struct authkeys *ak, int root)
{
	static const char rel[] = ".moot/authorized_keys";
	struct file_stamp st;
	char *data, *err = NULL, *line, *nl;
	size_t len;

	if (root == -1)
		return;
	if (file_load(root, rel, WORKDIR_FOLLOW, AUTH_FILE_MAX, &data, &len,
	        &st, &err) == -1) {
		if (errno != ENOENT && errno != ENOTDIR)
			log_warn("%s", err);
		free(err);
		return;
	}
	for (line = data; line < data + len; line = nl + 1) {
		if ((nl = memchr(line, '\n', data + len - line)) == NULL)
			nl = data + len;
		*nl = '\0';
		auth_add_line(ak, line, rel, 0);
	}
	free(data);
}

void
auth_init(struct authkeys *ak)
{
	ak->keys = NULL;
	ak->n = 0;
}

size_t
auth_load(struct authkeys *ak, const char *home, int root)
{
	char *path;
	DIR *d;
	struct dirent *de;
	size_t len;

	auth_init(ak);
	if (home != NULL && *home != '\0') {
		xasprintf(&path, "%s/.ssh/authorized_keys", home);
		auth_file(ak, path);
		free(path);
		xasprintf(&path, "%s/.ssh", home);
		d = opendir(path);
		free(path);
		while (d != NULL && (de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (strncmp(de->d_name, "id_", 3) != 0 || len < 4 ||
			    strcmp(de->d_name + len - 4, ".pub") != 0)
				continue;
			xasprintf(&path, "%s/.ssh/%s", home, de->d_name);
			auth_file(ak, path);
			free(path);
		}
		if (d != NULL)
			closedir(d);
	}
	auth_tree_file(ak, root);
	return ak->n;
}

void
auth_free(struct authkeys *ak)
{
	size_t i;

	for (i = 0; i < ak->n; i++) {
		ssh_key_free(ak->keys[i].key);
		free(ak->keys[i].name);
		free(ak->keys[i].email);
		free(ak->keys[i].source);
		free(ak->keys[i].line);
		free(ak->keys[i].fingerprint);
		authopt_free(ak->keys[i].opt);
		free(ak->keys[i].opt);
	}
	free(ak->keys);
	ak->keys = NULL;
	ak->n = 0;
}

/*
 * The first line of that key whose options let it in from addr at now.
 * As sshd, a line whose options refuse does not end the search: a later
 * line of the same key may still allow it. If none does, *refused is the
 * first line of that key (NULL: the key is not listed) and *why its reason.
 */
struct authkey *
auth_find(const struct authkeys *ak, void *key, const char *addr, time_t now,
    struct authkey **refused, const char **why)
{
	const char *reason;
	size_t i;

	*refused = NULL;
	*why = NULL;
	for (i = 0; i < ak->n; i++) {
		if (ssh_key_cmp(ak->keys[i].key, key, SSH_KEY_CMP_PUBLIC) != 0)
			continue;
		if (ak->keys[i].bad != NULL)
			reason = ak->keys[i].bad;
		else if (authopt_check(ak->keys[i].opt, addr, now, &reason) ==
		         0)
			return &ak->keys[i];
		if (*refused == NULL) {
			*refused = &ak->keys[i];
			*why = reason;
		}
	}
	return NULL;
}

/* The same as auth_find for a key known by its fingerprint (the daemon's
 * view: it never sees the key itself). */
struct authkey *
auth_find_fingerprint(
    const struct authkeys *ak, const char *fp, const char *addr, time_t now)
{
	struct authkey *k;
	const char *reason;
	size_t i;

	for (i = 0; i < ak->n; i++) {
		k = &ak->keys[i];
		if (k->fingerprint == NULL &&
		    (k->fingerprint = auth_fingerprint(k->key)) == NULL)
			continue;
		if (strcmp(k->fingerprint, fp) != 0 || k->bad != NULL)
			continue;
		if (authopt_check(k->opt, addr, now, &reason) == 0)
			return k;
	}
	return NULL;
}

/* The next character of a name as compared: spaces at the ends gone,
 * runs of spaces as one, ASCII letters in lower case. */
static const char *
auth_name_next(const char *p, int *ch)
{
	if (isspace((unsigned char)*p)) {
		while (isspace((unsigned char)*p))
			p++;
		*ch = *p != '\0' ? ' ' : '\0';
		return p;
	}
	*ch = tolower((unsigned char)*p);
	return *p != '\0' ? p + 1 : p;
}

/* Whether two names are the same to a reader: ignoring ASCII case and
 * spacing. */
int
auth_same_name(const char *a, const char *b)
{
	int ca, cb;

	while (isspace((unsigned char)*a))
		a++;
	while (isspace((unsigned char)*b))
		b++;
	for (;;) {
		a = auth_name_next(a, &ca);
		b = auth_name_next(b, &cb);
		if (ca != cb)
			return 0;
		if (ca == '\0')
			return 1;
	}
}

/* The SHA256 fingerprint of a key as ssh shows it ("SHA256:..."), or
 * NULL. Caller frees. */
char *
auth_fingerprint(void *key)
{
	unsigned char *hash = NULL;
	size_t hlen;
	char *fp, *out;

	if (ssh_get_publickey_hash(
	        key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) != 0)
		return NULL;
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	if (fp == NULL)
		return NULL;
	out = xstrdup(fp);
	ssh_string_free_char(fp);
	return out;
}

/* The first key in the files' order whose comment carries name; NULL if
 * none does. */
const struct authkey *
auth_owner(const struct authkeys *ak, const char *name)
{
	size_t i;

	for (i = 0; i < ak->n; i++) {
		if (ak->keys[i].name != NULL &&
		    auth_same_name(ak->keys[i].name, name))
			return &ak->keys[i];
	}
	return NULL;
}
