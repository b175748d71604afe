/* config-file.c: .moot/config, the session defaults a team commits.
 * Each line is read through the table of serve-options.c, as argv is. */
#include "moot.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config-file.h"
#include "inert.h"
#include "serve-options.h"
#include "server.h"

/* *err = "NAME:LINE: " (or "NAME: " for line 0) then the message;
 * every argument from the file is made inert by the caller. Returns -1. */
static int __printflike(4, 5) config_fail(
    char **err, const char *name, unsigned line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (line != 0)
		xasprintf(err, "%s:%u: %s", name, line, msg);
	else
		xasprintf(err, "%s: %s", name, msg);
	free(msg);
	return -1;
}

/* config_fail with one text from the file, made inert, as its %s. */
static int
config_fail_text(char **err, const char *name, unsigned line, const char *fmt,
    const char *text)
{
	char *safe = inert_cli(text);

	config_fail(err, name, line, fmt, safe);
	free(safe);
	return -1;
}

/* Blanks; a CR is one only at the end of a line (checked before). */
static int
config_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* s without the white space at both ends (changed in place). */
static char *
config_trim(char *s)
{
	char *e;

	while (config_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && config_space(e[-1]))
		*--e = '\0';
	return s;
}

/* One line (NUL-ended, no '\n'), number line. */
static int
config_line(struct server_options *o, char *s, unsigned line, unsigned *seen,
    const char *name, char **err)
{
	const struct serve_opt *opt;
	char *eq, *key, *value, *why = NULL;
	size_t i;

	/* Tabs are blanks; a CR only ends a line (CRLF files). */
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' &&
		        (c != '\r' || s[i + 1] != '\0')) ||
		    c == 0x7f)
			return config_fail_text(
			    err, name, line, "a control character in '%s'", s);
	}
	s = config_trim(s);
	if (*s == '\0' || *s == '#')
		return 0;
	if ((eq = strchr(s, '=')) == NULL || eq == s)
		return config_fail_text(
		    err, name, line, "expected key = value, not '%s'", s);
	*eq = '\0';
	key = config_trim(s);
	value = config_trim(eq + 1);
	if ((opt = serve_options_find(key)) == NULL)
		return config_fail_text(
		    err, name, line, "unknown key '%s'", key);
	if (opt->flags & SERVE_OPT_NOFILE)
		return config_fail(err, name, line,
		    "%s: only the command line may set this (anyone who "
		    "can commit writes this file)",
		    opt->name);
	i = (size_t)(opt - serve_opts);
	if (seen[i] != 0)
		return config_fail(err, name, line,
		    "%s: given twice (first on line %u)", opt->name, seen[i]);
	seen[i] = line;
	if (*value == '\0')
		return config_fail(
		    err, name, line, "%s: wants a value", opt->name);
	if (opt->set(o, opt, value, &why) != 0) {
		/* why has the value made inert already. */
		config_fail(err, name, line, "%s: %s", opt->name, why);
		free(why);
		return -1;
	}
	return 0;
}

int
config_parse(struct server_options *o, char *buf, size_t len, const char *name,
    char **err)
{
	unsigned *seen, line = 0;
	char *p = buf, *end = buf + len, *nl;
	int rc = 0;

	if (len > CONFIG_MAX_SIZE) {
		return config_fail(
		    err, name, 0, "larger than %d bytes", CONFIG_MAX_SIZE);
	}
	seen = xcalloc(serve_nopts, sizeof *seen);
	while (rc == 0 && p < end) {
		line++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		if (nl - p > CONFIG_MAX_LINE) {
			rc = config_fail(err, name, line,
			    "a line longer than %d bytes", CONFIG_MAX_LINE);
			break;
		}
		if (memchr(p, '\0', nl - p) != NULL) {
			rc = config_fail(err, name, line, "a NUL byte");
			break;
		}
		*nl = '\0'; /* at end, the byte after buf[len - 1] */
		rc = config_line(o, p, line, seen, name, err);
		p = nl + 1;
	}
	free(seen);
	return rc;
}

/* Why name could not be opened: a symbolic link, or errno's reason. */
static int
config_open_fail(int dir, const char *name, int error, char **err)
{
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		return config_fail(err, CONFIG_PATH, 0,
		    "%s is a symbolic link; moot reads only a plain file",
		    name);
	return config_fail(err, CONFIG_PATH, 0, "%s", strerror(error));
}

int
config_load(int root, struct server_options *o, char **bufp, char **err)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t len = 0;
	int dir, fd;

	*bufp = NULL;
	dir = openat(
	    root, ".moot", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir == -1) {
		if (errno == ENOENT)
			return 0;
		return config_open_fail(root, ".moot", errno, err);
	}
	fd = openat(
	    dir, "config", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT) {
			close(dir);
			return 0;
		}
		config_open_fail(dir, "config", errno, err);
		close(dir);
		return -1;
	}
	close(dir);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return config_fail(err, CONFIG_PATH, 0, "not a plain file");
	}
	/* One byte more than allowed, to see a file that is too large. */
	buf = xmalloc(CONFIG_MAX_SIZE + 2);
	while (len < CONFIG_MAX_SIZE + 1) {
		n = read(fd, buf + len, CONFIG_MAX_SIZE + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			close(fd);
			free(buf);
			return config_fail(
			    err, CONFIG_PATH, 0, "%s", strerror(errno));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (config_parse(o, buf, len, CONFIG_PATH, err) != 0) {
		free(buf);
		return -1;
	}
	*bufp = buf;
	return 0;
}
