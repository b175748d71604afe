/* moot.c: the command line: one table of subcommands (serve, invite,
 * decisions, why, show, help), each handing over to the part that works. */
#include "moot.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "config-file.h"
#include "control.h"
#include "frontend.h"
#include "inert.h"
#include "journal.h"
#include "repo.h"
#include "serve-options.h"
#include "server.h"
#include "timeline.h"
#include "why.h"

/* "what 'arg'" on standard error, the argument made inert. */
static void
moot_say(const char *what, const char *arg)
{
	char *safe = inert_cli(arg);

	fprintf(stderr, "%s '%s'\n", what, safe);
	free(safe);
}

/* One pass of getopt_long over serve's arguments into o; *help set on
 * --help. 0, or the exit status of a bad option. */
static int
moot_serve_args(int argc, char **argv, struct server_options *o, int *help)
{
	const struct serve_opt *opt;
	struct option *longopts;
	char *shortopts, *err;
	int ch, rc = 0;

	longopts = serve_options_getopt(&shortopts);
	optind = 1;
	while (rc == 0 && (ch = getopt_long(
	                       argc, argv, shortopts, longopts, NULL)) != -1) {
		if ((opt = serve_options_by_val(ch)) == NULL) {
			serve_options_usage(stderr);
			rc = 2;
		} else if (opt->set == NULL)
			*help = 1;
		else if (opt->set(o, opt, optarg, &err) != 0) {
			if (opt->name != NULL)
				fprintf(stderr, "moot serve: --%s %s\n",
				    opt->name, err);
			else
				fprintf(stderr, "moot serve: -%c %s\n",
				    opt->short_name, err);
			free(err);
			rc = 2;
		}
	}
	free(longopts);
	free(shortopts);
	return rc;
}

/*
 * moot serve. The options come from serve-options.c's table, first from
 * the command line, then from the repository's .moot/config, then from
 * the command line again: what it says wins over the file.
 */
static int
moot_serve(int argc, char **argv)
{
	struct server_options o;
	struct repo *r;
	char *buf = NULL, *err;
	int help = 0, rc;

	serve_options_init(&o);
	if ((rc = moot_serve_args(argc, argv, &o, &help)) != 0)
		return rc;
	if (help) {
		serve_options_usage(stdout);
		return 0;
	}
	if (optind != argc) {
		moot_say("moot serve: unexpected argument", argv[optind]);
		serve_options_usage(stderr);
		return 2;
	}
	if (o.demo && o.dir != NULL) {
		fprintf(stderr, "moot serve: --demo makes its own repository; "
		                "drop -C\n");
		return 2;
	}
	/* Not a repository: server_main says so. */
	if (!o.demo &&
	    (r = repo_open(o.dir != NULL ? o.dir : ".", &err)) != NULL) {
		serve_options_init(&o);
		rc = config_load(r->root, &o, &buf, &err);
		repo_free(r);
		if (rc != 0) {
			fprintf(stderr, "moot serve: %s\n", err);
			free(err);
			return 2;
		}
		/* The command line again, over the file; it read once
		 * already, so it cannot fail now. */
		moot_serve_args(argc, argv, &o, &help);
	} else if (!o.demo)
		free(err);
	rc = server_main(&o);
	free(buf);
	return rc;
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

static void
moot_invite_usage(FILE *f)
{
	fprintf(f,
	    "usage: moot invite [-C DIR] [--role viewer|editor] [--expires "
	    "24h]\n"
	    "                   [--uses 1]\n"
	    "\n"
	    "While the session of the repository containing DIR runs: print "
	    "a\n"
	    "line that lets one more person join (ssh ... join-TOKEN@HOST).\n"
	    "\n"
	    "  -C DIR            use the repository containing DIR\n"
	    "  --role ROLE       viewer (the default) or editor\n"
	    "  --expires TIME    how long it stays valid (default 24h)\n"
	    "  --uses N          how many people may use it (default 1)\n"
	    "  -h, --help        show this help\n");
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
			moot_invite_usage(stdout);
			return 0;
		default:
			moot_invite_usage(stderr);
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

static int moot_help(int, char **);

/*
 * The subcommands: `moot NAME ...` runs run(argc, argv) with argv[0] the
 * name; `moot NAME --help` and `moot help NAME` print its own help, `moot
 * --help` every row's synopsis and summary. A new subcommand is a row.
 */
static const struct moot_cmd {
	const char *name;
	const char *args;    /* its synopsis after the name */
	const char *summary; /* one line for `moot --help` */
	int (*run)(int, char **);
} moot_cmds[] = {
    {"attach", "[-C DIR]",
        "attach this terminal to the running session (Ctrl-Q detaches)",
        attach_main},
    {"kill-session", "[-C DIR]", "say who is still in, then end the session",
        attach_kill_main},
    {"serve", "[-C DIR] [OPTION]...",
        "share the repository over SSH; people join with ssh -p PORT HOST",
        moot_serve},
    {"invite", "[-C DIR] [--role viewer|editor] [--expires 24h] [--uses 1]",
        "print a line that lets one more person join the session", moot_invite},
    {"decisions", "[-C DIR] [--open | --stale] [--json]",
        "list the decision records (or the open questions, the stale ones)",
        decisions_main},
    {"why", "FILE:LINE [-C DIR] [--trace] [--json]",
        "the recorded decisions behind a line of a file", why_main},
    {"show", "ADR-NNNN [-C DIR]",
        "one decision: its record, its code then and now, its citations",
        show_main},
    {"log", "[-C DIR] [--since DATE | --for NAME] [--json]",
        "what happened: joins, questions, decisions, saves and commits",
        timeline_main},
    {"help", "[COMMAND]", "this list, or the options of one command",
        moot_help},
};
#define MOOT_NCMDS (sizeof moot_cmds / sizeof moot_cmds[0])

static const struct moot_cmd *
moot_cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < MOOT_NCMDS; i++) {
		if (strcmp(moot_cmds[i].name, name) == 0)
			return &moot_cmds[i];
	}
	return NULL;
}

/* `moot --help`: one paragraph per subcommand. */
static void
moot_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: moot [-C DIR] [--listen ADDR:PORT]\n"
	           "       moot --demo [--listen ADDR:PORT]\n"
	           "       moot COMMAND [ARG]...\n"
	           "       moot --help | --version\n"
	           "\n"
	           "With no command, moot attaches this terminal to the "
	           "session of the\nrepository, starting it in the background "
	           "if none runs (Ctrl-Q\ndetaches); --demo does so in a new "
	           "demo repository.\n"
	           "\n"
	           "Commands:\n");
	for (i = 0; i < MOOT_NCMDS; i++) {
		fprintf(
		    f, "  %-12s %s\n", moot_cmds[i].name, moot_cmds[i].summary);
		fprintf(f, "  %-12s moot %s %s\n", "", moot_cmds[i].name,
		    moot_cmds[i].args);
	}
	fprintf(f, "\n`moot help COMMAND` or `moot COMMAND --help` shows "
	           "the options of one\ncommand. See moot(1).\n");
}

/* moot help [COMMAND]: the command's own --help. */
static int
moot_help(int argc, char **argv)
{
	const struct moot_cmd *cmd;
	char *args[3];

	if (argc == 1) {
		moot_usage(stdout);
		return 0;
	}
	if (argc > 2 || (cmd = moot_cmd_find(argv[1])) == NULL) {
		moot_say("moot help: no such command", argv[argc > 2 ? 2 : 1]);
		moot_usage(stderr);
		return 2;
	}
	if (cmd->run == moot_help) {
		moot_usage(stdout);
		return 0;
	}
	args[0] = (char *)cmd->name;
	args[1] = (char *)"--help";
	args[2] = NULL;
	return cmd->run(2, args);
}

int
main(int argc, char **argv)
{
	const struct moot_cmd *cmd;

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");

	/* `moot` alone: attach, starting the session first if needed. */
	if (argc < 2)
		return attach_start_main(argc, argv);
	/* A frontend, as the daemon starts it (frontend-exec.c); not in
	 * --help: nobody runs it by hand. */
	if (argc == 2 && strcmp(argv[1], FRONTEND_EXEC_ARG) == 0)
		frontend_exec_main();
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		moot_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("moot %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (*argv[1] == '-')
		return attach_start_main(argc, argv);
	if ((cmd = moot_cmd_find(argv[1])) != NULL)
		return cmd->run(argc - 1, argv + 1);
	moot_say("moot: unknown command", argv[1]);
	moot_usage(stderr);
	return 2;
}
