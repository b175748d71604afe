/* bench-journal.c: how many keystroke records per second the journal takes.
 * One op per transaction against group commit, synchronous NORMAL and FULL. */
#include "moot.h"

#include <sys/stat.h>
#include <sys/utsname.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "journal.h"

#define PATH "src/journal.c"
#define AUTHOR "SHA256:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg"
#define WORD 8 /* keystrokes per undo group (a boundary every WORD) */

/* One configuration: durability, ops per transaction, how many ops. */
struct config {
	int durable;
	int group;
	int count;
};

static const struct config configs[] = {
    {0, 1, 20000},   /* the baseline */
    {0, 10, 20000},  /* group commit */
    {0, 100, 20000}, /* group commit */
    {1, 1, 2000},    /* FULL syncs every commit: fewer ops */
    {1, 10, 20000},  /* group commit */
    {1, 100, 20000}, /* group commit */
};
#define NCONFIGS (sizeof configs / sizeof configs[0])

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Remove the journal files and the directory. */
static void
cleanup(const char *dir)
{
	static const char *names[] = {
	    JOURNAL_FILE, JOURNAL_FILE "-wal", JOURNAL_FILE "-shm"};
	char *path;
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		xasprintf(&path, "%s/%s", dir, names[i]);
		unlink(path);
		free(path);
	}
	if (rmdir(dir) != 0)
		log_warn("cannot remove %s", dir);
}

/*
 * Type count keystrokes, one 1-byte insert each, flushing every group;
 * returns the seconds taken from the first append to the last commit.
 */
static double
run(const struct config *c, const char *dir)
{
	struct journal *j;
	struct journal_rec rec;
	char *path, *err = NULL, ch;
	double start, end;
	int i;

	xasprintf(&path, "%s/%s", dir, JOURNAL_FILE);
	if ((j = journal_open(path, c->durable, &err)) == NULL)
		fatalx("%s", err);
	journal_base(j, PATH, "", 0);
	journal_person(j, AUTHOR, "Ada Lovelace", "ada@example.org");
	if (journal_flush(j, &err) != 0)
		fatalx("%s", err);

	memset(&rec, 0, sizeof rec);
	rec.path = PATH;
	rec.author = AUTHOR;
	rec.kind = JOURNAL_EDIT;
	rec.del = "";
	rec.ins = &ch;
	rec.ins_len = 1;

	start = now();
	for (i = 0; i < c->count; i++) {
		ch = 'a' + i % 26;
		rec.boundary = (i % WORD == 0);
		rec.pos = i;
		rec.time = (int64_t)(start * 1000) + i;
		journal_append(j, &rec);
		if ((i + 1) % c->group == 0 || i == c->count - 1) {
			if (journal_flush(j, &err) != 0)
				fatalx("%s", err);
		}
	}
	end = now();

	journal_close(j);
	unlink(path);
	free(path);
	return end - start;
}

int
main(void)
{
	struct utsname u;
	char dir[] = "./bench-journal-XXXXXX";
	double secs[NCONFIGS], rate, base = 0;
	size_t i;

	/* In the build tree: the same disk as the working directory, where
	 * the real journal lives (tmpfs would flatter fsync). */
	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp");
	for (i = 0; i < NCONFIGS; i++)
		secs[i] = run(&configs[i], dir);
	cleanup(dir);

	if (uname(&u) == 0)
		printf("%s %s %s, ", u.sysname, u.release, u.machine);
	printf("sqlite %s, %ld cores\n", sqlite3_libversion(),
	    sysconf(_SC_NPROCESSORS_ONLN));
	printf("journal: 1-byte keystroke records (path, author), WAL, in "
	       "./bench-journal-*\n\n");
	printf("%-12s %8s %8s %9s %12s %12s %9s\n", "synchronous", "ops/txn",
	    "ops", "seconds", "ops/s", "ms/commit", "vs base");
	for (i = 0; i < NCONFIGS; i++) {
		rate = configs[i].count / secs[i];
		if (i == 0)
			base = rate;
		printf("%-12s %8d %8d %9.3f %12.0f %12.3f %8.2fx%s\n",
		    configs[i].durable ? "FULL" : "NORMAL", configs[i].group,
		    configs[i].count, secs[i], rate,
		    1000.0 * secs[i] /
		        ((configs[i].count + configs[i].group - 1) /
		            configs[i].group),
		    rate / base, i == 0 ? " (baseline)" : "");
	}
	return 0;
}
