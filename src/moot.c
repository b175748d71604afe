/* moot.c: the command line: `moot serve`, `decisions`, `why`, `--help`.
 * Parses options and hands over to the part that does the work. */
#include "moot.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "why.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: moot serve [-C DIR] [--listen ADDR:PORT] [--demo] [-v]\n"
	    "       moot decisions [-C DIR] [--open]\n"
	    "       moot why FILE:LINE [-C DIR]\n"
	    "       moot --help | --version\n"
	    "\n"
	    "  serve     share the git repository containing DIR (default: "
	    "the\n"
	    "            current directory) over SSH; everyone joins with\n"
	    "            ssh -p PORT HOST and edits its files together\n"
	    "  decisions list the decision records: number, status, date,\n"
	    "            title; --open lists the questions still open\n"
	    "  why       the recorded decisions behind a line of a file\n"
	    "\n"
	    "  -C DIR              use the repository containing DIR\n"
	    "  --listen ADDR:PORT  where to listen (default 127.0.0.1:2222;\n"
	    "                      port 0 picks a free one)\n"
	    "  --demo              make a small demo repository and serve it\n"
	    "  --open              (decisions) the open questions instead\n"
	    "  --durable           make each journal write survive power loss\n"
	    "                      (slower; default: survive a crash of moot)\n"
	    "  -v, --verbose       log more to standard error\n"
	    "\n"
	    "See moot(1).\n");
}

static int
moot_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"demo", no_argument, NULL, 'd'},
	    {"durable", no_argument, NULL, 'D'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct server_options o;
	int ch;

	memset(&o, 0, sizeof o);
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
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "moot serve: unexpected argument '%s'\n",
		    argv[optind]);
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

int
main(int argc, char **argv)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
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
	if (strcmp(argv[1], "decisions") == 0)
		return why_decisions_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "why") == 0)
		return why_main(argc - 1, argv + 1);
	fprintf(stderr, "moot: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
