/* moot.c: the command line: `moot serve`, `decisions`, `why`, `show`.
 * Parses options and hands over to the part that does the work. */
#include "moot.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "frontend.h"
#include "inert.h"
#include "journal.h"
#include "repo.h"
#include "server.h"
#include "why.h"

/* "what 'arg'" on standard error, the argument made inert. */
static void
moot_say(const char *what, const char *arg)
{
	char *safe = inert_cli(arg);

	fprintf(stderr, "%s '%s'\n", what, safe);
	free(safe);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: moot serve [-C DIR] [--listen ADDR:PORT] [--demo] [-v]\n"
	    "                  [--durable] [--trust-tree-hooks] "
	    "[--max-file-size SIZE]\n"
	    "                  [--max-paste SIZE] [--paste-budget SIZE]\n"
	    "                  [--login-grace-time SECONDS] [--max-auth-tries "
	    "N]\n"
	    "                  [--max-startups BEGIN:RATE:FULL]\n"
	    "                  [--per-source-max-startups N] [--max-people N]\n"
	    "                  [--keepalive-interval SECONDS] "
	    "[--keepalive-count N]\n"
	    "       moot invite [-C DIR] [--role viewer|editor] [--expires "
	    "24h]\n"
	    "                   [--uses 1]\n"
	    "       moot decisions [-C DIR] [--open | --stale] [--json]\n"
	    "       moot why FILE:LINE [-C DIR] [--trace] [--json]\n"
	    "       moot show ADR-NNNN [-C DIR]\n"
	    "       moot --help | --version\n"
	    "\n"
	    "  serve     share the git repository containing DIR (default: "
	    "the\n"
	    "            current directory) over SSH; everyone joins with\n"
	    "            ssh -p PORT HOST and edits its files together\n"
	    "  invite    while the session runs: print a line that lets one\n"
	    "            more person join (ssh ... join-TOKEN@HOST)\n"
	    "  decisions list the decision records: number, status, date,\n"
	    "            title; --open lists the questions still open,\n"
	    "            --stale the accepted decisions whose code changed\n"
	    "  why       the recorded decisions behind a line of a file\n"
	    "  show      one decision: its record, its code as decided and\n"
	    "            now, and the commits that cite it\n"
	    "\n"
	    "  -C DIR              use the repository containing DIR\n"
	    "  --listen ADDR:PORT  where to listen (default 127.0.0.1:2222;\n"
	    "                      port 0 picks a free one)\n"
	    "  --demo              make a small demo repository and serve it\n"
	    "  --open              (decisions) the open questions instead\n"
	    "  --stale             (decisions) the accepted decisions whose "
	    "code\n"
	    "                      changed since, newest change first\n"
	    "  --json              (decisions, why) one JSON document; see\n"
	    "                      docs/decisions.md\n"
	    "  --trace             (why) the path of each decision's code, "
	    "commit\n"
	    "                      by commit\n"
	    "  --durable           make each journal write survive power loss\n"
	    "                      (slower; default: survive a crash of moot)\n"
	    "  --trust-tree-hooks  run git hooks that live in the working "
	    "tree\n"
	    "                      (anyone who may edit can change them)\n"
	    "  --max-file-size SIZE  refuse to open larger files (default "
	    "512M,\n"
	    "                      at most 953M)\n"
	    "  --max-paste SIZE    the largest paste one person may send\n"
	    "                      (default 16M)\n"
	    "  --paste-budget SIZE unfinished pastes of everyone together\n"
	    "                      (default 64M)\n"
	    "  --login-grace-time SECONDS  time to log in before the "
	    "connection\n"
	    "                      is closed (default 20)\n"
	    "  --max-auth-tries N  failed authentications before a connection\n"
	    "                      is closed (default 6)\n"
	    "  --max-startups BEGIN:RATE:FULL  connections not yet logged in\n"
	    "                      before new ones are dropped: RATE percent\n"
	    "                      at BEGIN, all at FULL (default 10:30:100)\n"
	    "  --per-source-max-startups N  connections not yet logged in\n"
	    "                      from one address (default 10)\n"
	    "  --max-people N      people in the session at once (default "
	    "200)\n"
	    "  --keepalive-interval SECONDS  after login, ask a silent client "
	    "for\n"
	    "                      an answer every SECONDS (default 15; 0: "
	    "never)\n"
	    "  --keepalive-count N unanswered keepalives before the "
	    "connection is\n"
	    "                      closed (default 3)\n"
	    "  -v, --verbose       log more to standard error\n"
	    "\n"
	    "See moot(1).\n");
}

/* A size: digits, then K, M, G or T (powers of 1024), an optional B. */
static int
moot_size(const char *opt, const char *s, uint64_t *out)
{
	unsigned long long n;
	char *end;
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
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	case 't':
	case 'T':
		shift = 40;
		end++;
		break;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end != '\0' || n == 0 || n > (UINT64_MAX >> shift))
		goto bad;
	*out = (uint64_t)n << shift;
	return 0;
bad:
	fprintf(stderr,
	    "moot serve: %s wants a size above 0 such as 512K, 16M or 1G, "
	    "not '%s'\n",
	    opt, s);
	return -1;
}

/* A whole number from 1 to max (a count or seconds). */
static int
moot_count(const char *opt, const char *s, unsigned max, unsigned *out)
{
	unsigned long n;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	n = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || n == 0 || n > max)
		goto bad;
	*out = n;
	return 0;
bad:
	fprintf(stderr,
	    "moot serve: %s wants a number from 1 to %u, not '%s'\n", opt, max,
	    s);
	return -1;
}

/* --max-startups BEGIN[:RATE:FULL], as sshd's MaxStartups: BEGIN alone
 * drops every connection from BEGIN pending on. */
static int
moot_startups(const char *s, struct server_options *o)
{
	unsigned long v[3];
	const char *p = s;
	char *end;
	int i, n = 0;

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
	fprintf(stderr,
	    "moot serve: --max-startups wants BEGIN or BEGIN:RATE:FULL "
	    "(such as 10:30:100: from BEGIN connections not yet logged in, "
	    "drop RATE percent of new ones, rising to all at FULL), not "
	    "'%s'\n",
	    s);
	return -1;
}

static int
moot_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"demo", no_argument, NULL, 'd'},
	    {"durable", no_argument, NULL, 'D'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"trust-tree-hooks", no_argument, NULL, 'H'},
	    {"max-file-size", required_argument, NULL, 'F'},
	    {"max-paste", required_argument, NULL, 'P'},
	    {"paste-budget", required_argument, NULL, 'B'},
	    {"login-grace-time", required_argument, NULL, 'G'},
	    {"max-auth-tries", required_argument, NULL, 'A'},
	    {"max-startups", required_argument, NULL, 'S'},
	    {"per-source-max-startups", required_argument, NULL, 's'},
	    {"max-people", required_argument, NULL, 'p'},
	    {"keepalive-interval", required_argument, NULL, 'K'},
	    {"keepalive-count", required_argument, NULL, 'k'},
	    {"syntax-dir", required_argument, NULL, 'Y'},
	    {"no-syntax", no_argument, NULL, 'N'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct server_options o;
	int ch;

	memset(&o, 0, sizeof o);
	o.max_file_size = SERVER_MAX_FILE_SIZE;
	o.max_paste = SERVER_MAX_PASTE;
	o.paste_budget = SERVER_PASTE_BUDGET;
	o.login_grace = SERVER_LOGIN_GRACE;
	o.max_auth_tries = SERVER_MAX_AUTH_TRIES;
	o.startups_begin = SERVER_STARTUPS_BEGIN;
	o.startups_rate = SERVER_STARTUPS_RATE;
	o.startups_full = SERVER_STARTUPS_FULL;
	o.per_source_startups = SERVER_PER_SOURCE_STARTUPS;
	o.max_people = SERVER_MAX_PEOPLE;
	o.keepalive_interval = SERVER_KEEPALIVE_INTERVAL;
	o.keepalive_count = SERVER_KEEPALIVE_COUNT;
	optind = 1;
	while (
	    (ch = getopt_long(argc, argv, "C:l:dvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			o.dir = optarg;
			break;
		case 'l':
			o.listen = optarg;
			break;
		case 'd':
			o.demo = 1;
			break;
		case 'D':
			o.durable = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'H':
			o.trust_tree_hooks = 1;
			break;
		case 'F':
			if (moot_size("--max-file-size", optarg,
			        &o.max_file_size) == -1)
				return 2;
			if (o.max_file_size > JOURNAL_TEXT_MAX) {
				fprintf(stderr,
				    "moot serve: --max-file-size can be at "
				    "most %lluM: the journal keeps a file's "
				    "text as one value of at most %llu "
				    "bytes\n",
				    JOURNAL_TEXT_MAX >> 20, JOURNAL_TEXT_MAX);
				return 2;
			}
			break;
		case 'P':
			if (moot_size("--max-paste", optarg, &o.max_paste) ==
			    -1)
				return 2;
			break;
		case 'B':
			if (moot_size("--paste-budget", optarg,
			        &o.paste_budget) == -1)
				return 2;
			break;
		case 'G':
			if (moot_count("--login-grace-time", optarg, 3600,
			        &o.login_grace) == -1)
				return 2;
			break;
		case 'A':
			if (moot_count("--max-auth-tries", optarg, 1000,
			        &o.max_auth_tries) == -1)
				return 2;
			break;
		case 'S':
			if (moot_startups(optarg, &o) == -1)
				return 2;
			break;
		case 's':
			if (moot_count("--per-source-max-startups", optarg,
			        100000, &o.per_source_startups) == -1)
				return 2;
			break;
		case 'p':
			if (moot_count("--max-people", optarg, 100000,
			        &o.max_people) == -1)
				return 2;
			break;
		case 'K':
			/* As sshd's ClientAliveInterval, 0 turns them off. */
			if (strcmp(optarg, "0") == 0)
				o.keepalive_interval = 0;
			else if (moot_count("--keepalive-interval", optarg,
			             3600, &o.keepalive_interval) == -1)
				return 2;
			break;
		case 'k':
			if (moot_count("--keepalive-count", optarg, 1000,
			        &o.keepalive_count) == -1)
				return 2;
			break;
		case 'Y':
			o.syntax_dir = optarg;
			break;
		case 'N':
			o.no_syntax = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		moot_say("moot serve: unexpected argument", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (o.demo && o.dir != NULL) {
		fprintf(stderr, "moot serve: --demo makes its own repository; "
		                "drop -C\n");
		return 2;
	}
	return server_main(&o);
}

/* A value of `moot invite` passed on to the session: one word. */
static int
moot_invite_word(const char *opt, const char *s)
{
	const char *p;

	for (p = s; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			break;
	}
	if (*s != '\0' && *p == '\0')
		return 0;
	moot_say("moot invite: bad value for", opt);
	return -1;
}

/*
 * moot invite: ask the running session (its control socket) for an
 * invitation, made by the host account. The session checks the values
 * (the same words as the palette's invite); the line to hand over goes
 * to standard output, what it gives to standard error.
 */
static int
moot_invite(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"role", required_argument, NULL, 'r'},
	    {"expires", required_argument, NULL, 'e'},
	    {"uses", required_argument, NULL, 'u'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	const char *dir = ".", *role = "viewer", *expires = "24h", *uses = "1";
	char *line, *reply, *err, *nl;
	struct repo *r;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "C:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			dir = optarg;
			break;
		case 'r':
			role = optarg;
			break;
		case 'e':
			expires = optarg;
			break;
		case 'u':
			uses = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		moot_say("moot invite: unexpected argument", argv[optind]);
		return 2;
	}
	if (moot_invite_word("--role", role) != 0 ||
	    moot_invite_word("--expires", expires) != 0 ||
	    moot_invite_word("--uses", uses) != 0)
		return 2;
	if ((r = repo_open(dir, &err)) == NULL) {
		moot_say("moot invite: no repository:", err);
		free(err);
		return 1;
	}
	xasprintf(&line, "invite %s for %s uses %s", role, expires, uses);
	rc = control_ask(r->state, line, &reply, &err);
	free(line);
	repo_free(r);
	if (rc != 0) {
		fprintf(stderr, "moot invite: %s\n", err);
		free(err);
		return 1;
	}
	/* "ok\nLINE\nSUMMARY\n" or "error\nWHY\n". */
	nl = strchr(reply, '\n');
	if (nl != NULL && strncmp(reply, "ok\n", 3) == 0 &&
	    strchr(nl + 1, '\n') != NULL) {
		line = nl + 1;
		nl = strchr(line, '\n');
		*nl = '\0';
		printf("%s\n", line);
		fprintf(stderr, "%s", nl + 1);
		rc = 0;
	} else {
		line = nl != NULL ? nl + 1 : reply;
		line[strcspn(line, "\n")] = '\0';
		err = inert_cli(line);
		fprintf(stderr, "moot invite: %s\n", err);
		free(err);
		rc = 1;
	}
	explicit_bzero(reply, strlen(reply));
	free(reply);
	return rc;
}

int
main(int argc, char **argv)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	/* A frontend, as the daemon starts it (frontend-exec.c); not in
	 * --help: nobody runs it by hand. */
	if (argc == 2 && strcmp(argv[1], FRONTEND_EXEC_ARG) == 0)
		frontend_exec_main();
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("moot %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "serve") == 0)
		return moot_serve(argc - 1, argv + 1);
	if (strcmp(argv[1], "invite") == 0)
		return moot_invite(argc - 1, argv + 1);
	if (strcmp(argv[1], "decisions") == 0)
		return decisions_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "why") == 0)
		return why_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return show_main(argc - 1, argv + 1);
	moot_say("moot: unknown command", argv[1]);
	usage(stderr);
	return 2;
}
