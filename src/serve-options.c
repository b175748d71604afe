/* serve-options.c: the options of `moot serve`, in one table.
 * getopt_long's array, --help and .moot/config all come from it. */
#include "moot.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inert.h"
#include "journal.h"
#include "serve-options.h"
#include "server.h"

#define SERVE_OPT_ZERO 0x100 /* a count that may also be 0 (off) */

/* *err = what, then the value made inert in quotes. Returns -1. */
static int
serve_opt_bad(char **err, const char *what, const char *value)
{
	char *safe = inert_cli(value);

	xasprintf(err, "%s, not '%s'", what, safe);
	free(safe);
	return -1;
}

/* A flag: given alone on the command line; yes/no, on/off, true/false
 * in the file. */
static int
serve_opt_flag(struct server_options *o, const struct serve_opt *opt,
    const char *value, char **err)
{
	static const char *const yes[] = {"yes", "on", "true"};
	static const char *const no[] = {"no", "off", "false"};
	int *field = (int *)((char *)o + opt->off);
	size_t i;

	if (value == NULL) {
		*field = 1;
		return 0;
	}
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(value, yes[i]) == 0) {
			*field = 1;
			return 0;
		}
		if (strcmp(value, no[i]) == 0) {
			*field = 0;
			return 0;
		}
	}
	return serve_opt_bad(err, "wants yes or no", value);
}

/* Text kept as given (an address); the value must outlive the options. */
static int
serve_opt_string(struct server_options *o, const struct serve_opt *opt,
    const char *value, char **err)
{
	if (value == NULL || *value == '\0')
		return serve_opt_bad(err, "wants a value", "");
	*(const char **)((char *)o + opt->off) = value;
	return 0;
}

/* A size: digits, then K, M, G or T (powers of 1024), an optional B. */
static int
serve_opt_size(struct server_options *o, const struct serve_opt *opt,
    const char *value, char **err)
{
	unsigned long long n;
	const char *s = value != NULL ? value : "";
	char *end, *what;
	int shift = 0;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	n = strtoull(s, &end, 10);
	if (errno != 0)
		goto bad;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case 't':
	case 'T':
		shift = 40;
		break;
	}
	if (shift != 0)
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end != '\0' || n == 0 || n > (UINT64_MAX >> shift))
		goto bad;
	if (((uint64_t)n << shift) > opt->max) {
		xasprintf(&what, "can be at most %lluM",
		    (unsigned long long)(opt->max >> 20));
		serve_opt_bad(err, what, s);
		free(what);
		return -1;
	}
	*(uint64_t *)((char *)o + opt->off) = (uint64_t)n << shift;
	return 0;
bad:
	return serve_opt_bad(
	    err, "wants a size above 0 such as 512K, 16M or 1G", s);
}

/* A whole number from 1 (or 0, SERVE_OPT_ZERO) to max. */
static int
serve_opt_count(struct server_options *o, const struct serve_opt *opt,
    const char *value, char **err)
{
	unsigned long n;
	const char *s = value != NULL ? value : "";
	char *end, *what;
	unsigned long min = (opt->flags & SERVE_OPT_ZERO) ? 0 : 1;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	n = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > opt->max)
		goto bad;
	*(unsigned *)((char *)o + opt->off) = n;
	return 0;
bad:
	xasprintf(&what, "wants a number from %lu to %llu", min,
	    (unsigned long long)opt->max);
	serve_opt_bad(err, what, s);
	free(what);
	return -1;
}

/* --max-startups BEGIN[:RATE:FULL], as sshd's MaxStartups: BEGIN alone
 * drops every connection from BEGIN pending on. */
static int
serve_opt_startups(struct server_options *o, const struct serve_opt *opt,
    const char *value, char **err)
{
	unsigned long v[3];
	const char *s = value != NULL ? value : "", *p = s;
	char *end = NULL;
	int i, n = 0;

	(void)opt;
	for (i = 0; i < 3; i++) {
		if (*p < '0' || *p > '9')
			goto bad;
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (errno != 0 || v[i] > 100000)
			goto bad;
		n++;
		if (*end == '\0')
			break;
		if (*end != ':')
			goto bad;
		p = end + 1;
	}
	if (*end != '\0' || (n != 1 && n != 3))
		goto bad;
	if (n == 1) {
		v[1] = 100;
		v[2] = v[0];
	}
	if (v[0] == 0 || v[1] > 100 || v[2] < v[0])
		goto bad;
	o->startups_begin = v[0];
	o->startups_rate = v[1];
	o->startups_full = v[2];
	return 0;
bad:
	return serve_opt_bad(err,
	    "wants BEGIN or BEGIN:RATE:FULL (such as 10:30:100: from BEGIN "
	    "connections not yet logged in, drop RATE percent of new ones, "
	    "rising to all at FULL)",
	    s);
}

#define F(field) offsetof(struct server_options, field)

/*
 * Every option of `moot serve`. A new one is a row here (and a field of
 * struct server_options): the command line, --help, .moot/config and
 * the shell completion follow. SERVE_OPT_NOFILE marks what a committed
 * file must never set: whoever can commit could use it to run code or to
 * let themselves in.
 */
const struct serve_opt serve_opts[] = {
    {NULL, 'C', "DIR", serve_opt_string, F(dir), 0, SERVE_OPT_NOFILE,
        "use the repository containing DIR (default: the\n"
        "current directory)"},
    {"listen", 'l', "ADDR:PORT", serve_opt_string, F(listen), 0, 0,
        "where to listen (default 127.0.0.1:2222;\nport 0 picks a free one)"},
    {"demo", 'd', NULL, serve_opt_flag, F(demo), 0, SERVE_OPT_NOFILE,
        "make a small demo repository and serve it"},
    {"durable", 0, NULL, serve_opt_flag, F(durable), 0, 0,
        "make each journal write survive power loss\n"
        "(slower; default: survive a crash of moot)"},
    {"trust-tree-hooks", 0, NULL, serve_opt_flag, F(trust_tree_hooks), 0,
        SERVE_OPT_NOFILE,
        "run git hooks that live in the working tree\n"
        "(anyone who may edit can change them)"},
    {"max-file-size", 0, "SIZE", serve_opt_size, F(max_file_size),
        JOURNAL_TEXT_MAX, 0,
        "refuse to open larger files (default 512M,\nat most 953M)"},
    {"max-paste", 0, "SIZE", serve_opt_size, F(max_paste), UINT64_MAX, 0,
        "the largest paste one person may send\n(default 16M)"},
    {"paste-budget", 0, "SIZE", serve_opt_size, F(paste_budget), UINT64_MAX, 0,
        "unfinished pastes of everyone together\n(default 64M)"},
    {"login-grace-time", 0, "SECONDS", serve_opt_count, F(login_grace), 3600, 0,
        "time to log in before the connection is\nclosed (default 20)"},
    {"max-auth-tries", 0, "N", serve_opt_count, F(max_auth_tries), 1000, 0,
        "failed authentications before a connection\n"
        "is closed (default 6)"},
    {"max-startups", 0, "BEGIN:RATE:FULL", serve_opt_startups, 0, 0, 0,
        "connections not yet logged in before new\n"
        "ones are dropped: RATE percent at BEGIN, all\n"
        "at FULL (default 10:30:100)"},
    {"per-source-max-startups", 0, "N", serve_opt_count, F(per_source_startups),
        100000, 0,
        "connections not yet logged in from one\naddress (default 10)"},
    {"max-people", 0, "N", serve_opt_count, F(max_people), 100000, 0,
        "people in the session at once (default 200)"},
    {"keepalive-interval", 0, "SECONDS", serve_opt_count, F(keepalive_interval),
        3600, SERVE_OPT_ZERO,
        "after login, ask a silent client for an\n"
        "answer every SECONDS (default 15; 0: never)"},
    {"keepalive-count", 0, "N", serve_opt_count, F(keepalive_count), 1000, 0,
        "unanswered keepalives before the connection\nis closed (default 3)"},
    {"no-syntax", 0, NULL, serve_opt_flag, F(no_syntax), 0, 0,
        "no syntax colours for anyone (each person can\n"
        "also say `syntax off`)"},
    {"no-terminals", 0, NULL, serve_opt_flag, F(no_terminals), 0, 0,
        "no shared terminals: `term` is refused"},
    /* A committed file naming what the daemon reads (regexes it runs as
     * it draws) is refused, as key files are. */
    {"syntax-dir", 0, "DIR", serve_opt_string, F(syntax_dir), 0,
        SERVE_OPT_NOFILE,
        "read syntax colours from DIR/*.nanorc\n"
        "(default /usr/share/nano, nano's)"},
    {"verbose", 'v', NULL, serve_opt_flag, F(verbose), 0, 0,
        "log more to standard error"},
    {"help", 'h', NULL, NULL, 0, 0, SERVE_OPT_NOFILE, "show this help"},
};
const size_t serve_nopts = sizeof serve_opts / sizeof serve_opts[0];

#undef F

void
serve_options_init(struct server_options *o)
{
	memset(o, 0, sizeof *o);
	o->max_file_size = SERVER_MAX_FILE_SIZE;
	o->max_paste = SERVER_MAX_PASTE;
	o->paste_budget = SERVER_PASTE_BUDGET;
	o->login_grace = SERVER_LOGIN_GRACE;
	o->max_auth_tries = SERVER_MAX_AUTH_TRIES;
	o->startups_begin = SERVER_STARTUPS_BEGIN;
	o->startups_rate = SERVER_STARTUPS_RATE;
	o->startups_full = SERVER_STARTUPS_FULL;
	o->per_source_startups = SERVER_PER_SOURCE_STARTUPS;
	o->max_people = SERVER_MAX_PEOPLE;
	o->keepalive_interval = SERVER_KEEPALIVE_INTERVAL;
	o->keepalive_count = SERVER_KEEPALIVE_COUNT;
}

const struct serve_opt *
serve_options_find(const char *name)
{
	size_t i;

	for (i = 0; i < serve_nopts; i++) {
		if (serve_opts[i].name != NULL &&
		    strcmp(serve_opts[i].name, name) == 0)
			return &serve_opts[i];
	}
	return NULL;
}

struct option *
serve_options_getopt(char **shortopts)
{
	struct option *lo = xcalloc(serve_nopts + 1, sizeof *lo);
	char *s = xmalloc(2 * serve_nopts + 1), *p = s;
	size_t i, n = 0;

	for (i = 0; i < serve_nopts; i++) {
		const struct serve_opt *opt = &serve_opts[i];

		if (opt->short_name != 0) {
			*p++ = (char)opt->short_name;
			if (opt->arg != NULL)
				*p++ = ':';
		}
		if (opt->name == NULL)
			continue;
		lo[n].name = opt->name;
		lo[n].has_arg =
		    opt->arg != NULL ? required_argument : no_argument;
		lo[n].val = SERVE_OPT_VAL + (int)i;
		n++;
	}
	*p = '\0';
	*shortopts = s;
	return lo;
}

const struct serve_opt *
serve_options_by_val(int ch)
{
	size_t i;

	if (ch >= SERVE_OPT_VAL && (size_t)(ch - SERVE_OPT_VAL) < serve_nopts)
		return &serve_opts[ch - SERVE_OPT_VAL];
	for (i = 0; ch > 0 && i < serve_nopts; i++) {
		if (serve_opts[i].short_name == ch)
			return &serve_opts[i];
	}
	return NULL;
}

#define SERVE_HELP_COLUMN 26 /* where the help text starts */

void
serve_options_usage(FILE *f)
{
	const struct serve_opt *opt;
	const char *h, *nl;
	char label[64];
	size_t i;
	int n, first;

	fprintf(f, "usage: moot serve [-C DIR] [OPTION]...\n"
	           "\n"
	           "Share the git repository containing DIR over SSH; everyone "
	           "joins\n"
	           "with ssh -p PORT HOST and edits its files together.\n"
	           "\n");
	for (i = 0; i < serve_nopts; i++) {
		opt = &serve_opts[i];
		if (opt->name != NULL && opt->short_name != 0)
			n = snprintf(label, sizeof label, "-%c, --%s",
			    opt->short_name, opt->name);
		else if (opt->name != NULL)
			n = snprintf(label, sizeof label, "--%s", opt->name);
		else
			n = snprintf(
			    label, sizeof label, "-%c", opt->short_name);
		if (opt->arg != NULL && n >= 0 && (size_t)n < sizeof label)
			snprintf(label + n, sizeof label - n, " %s", opt->arg);
		n = fprintf(f, "  %s", label);
		first = 1;
		for (h = opt->help; *h != '\0'; h = nl + (*nl != '\0')) {
			nl = strchr(h, '\n');
			if (nl == NULL)
				nl = h + strlen(h);
			if (!first || n >= SERVE_HELP_COLUMN - 1) {
				fputc('\n', f);
				n = 0;
			}
			fprintf(f, "%*s%.*s", SERVE_HELP_COLUMN - n, "",
			    (int)(nl - h), h);
			first = 0;
			n = 0;
		}
		fputc('\n', f);
	}
	fprintf(f, "\nEvery option but");
	for (i = 0, n = 0; i < serve_nopts; i++) {
		opt = &serve_opts[i];
		if (!(opt->flags & SERVE_OPT_NOFILE))
			continue;
		fprintf(f, "%s", n++ == 0 ? " " : ", ");
		if (opt->name != NULL)
			fprintf(f, "--%s", opt->name);
		else
			fprintf(f, "-%c", opt->short_name);
	}
	fprintf(f, "\nmay also be a line of .moot/config in the repository: "
	           "key = value,\na flag as key = yes or no. The command line "
	           "wins. See moot(1).\n");
}
