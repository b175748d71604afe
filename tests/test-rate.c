/* test-rate.c: unit tests of rate limits (rate.c) and of the log's limit.
 * Buckets driven with made-up times; the log read back from a file. */
#include "moot.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "rate.h"

/* A full bucket gives burst tokens at once, then one per interval. */
static void
test_burst_then_pace(void **state)
{
	struct rate r;
	int i;

	memset(&r, 0, sizeof r);
	for (i = 0; i < 10; i++)
		assert_int_equal(rate_take(&r, 5000, 10, 2000), 0);
	/* Empty: the next token comes 2 s later, however often one asks. */
	assert_int_equal(rate_take(&r, 5000, 10, 2000), 2000);
	assert_int_equal(rate_take(&r, 5001, 10, 2000), 1999);
	assert_int_equal(rate_take(&r, 6999, 10, 2000), 1);
	assert_int_equal(rate_take(&r, 7000, 10, 2000), 0);
	assert_int_equal(rate_take(&r, 7000, 10, 2000), 2000);
	/* A steady pace of one per interval never runs out. */
	for (i = 1; i <= 100; i++)
		assert_int_equal(rate_take(&r, 7000 + i * 2000, 10, 2000), 0);
}

/* Quiet time fills the bucket again, never beyond burst. */
static void
test_refill(void **state)
{
	struct rate r;
	int i;

	memset(&r, 0, sizeof r);
	for (i = 0; i < 3; i++)
		assert_int_equal(rate_take(&r, 100, 3, 1000), 0);
	assert_int_not_equal(rate_take(&r, 100, 3, 1000), 0);
	/* An hour later: three again, not 3600. */
	for (i = 0; i < 3; i++)
		assert_int_equal(rate_take(&r, 3600100, 3, 1000), 0);
	assert_int_equal(rate_take(&r, 3600100, 3, 1000), 1000);
	/* Half refilled: one token after 1 s, two after 2 s. */
	assert_int_equal(rate_take(&r, 3601100, 3, 1000), 0);
	assert_int_not_equal(rate_take(&r, 3601100, 3, 1000), 0);
	assert_int_equal(rate_take(&r, 3603100, 3, 1000), 0);
	assert_int_equal(rate_take(&r, 3603100, 3, 1000), 0);
	assert_int_not_equal(rate_take(&r, 3603100, 3, 1000), 0);
}

/* A refused action is not counted: asking often does not delay more. */
static void
test_refused_not_counted(void **state)
{
	struct rate r;
	uint64_t t;

	memset(&r, 0, sizeof r);
	assert_int_equal(rate_take(&r, 0, 1, 500), 0);
	for (t = 0; t < 500; t += 10)
		assert_int_equal(rate_take(&r, t, 1, 500), 500 - t);
	assert_int_equal(rate_take(&r, 500, 1, 500), 0);
}

/* Lines of a file that contain s. */
static int
count_lines(const char *text, const char *s)
{
	const char *p, *nl;
	int n = 0;

	for (p = text; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		if (memmem(p, nl - p, s, strlen(s)) != NULL)
			n++;
	}
	return n;
}

/* Read all of a file descriptor from its start. */
static char *
read_all(int fd)
{
	char *text = NULL;
	size_t len = 0;
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	for (;;) {
		text = xrealloc(text, len + 4097);
		if ((n = read(fd, text + len, 4096)) <= 0)
			break;
		len += n;
	}
	text[len] = '\0';
	return text;
}

/*
 * A flood of information lines: about 100 are written, the rest counted;
 * warnings all get through; when lines flow again, one line says how many
 * were dropped.
 */
static void
test_log_limit(void **state)
{
	char path[] = "/tmp/moot-test-rate-XXXXXX", *text, *p;
	struct timespec ts = {0, 250 * 1000 * 1000};
	int fd, saved, i, info, dropped;

	fd = mkstemp(path);
	assert_true(fd != -1);
	unlink(path);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);

	log_open("test", 1);
	for (i = 0; i < 1000; i++) {
		log_info("flood %d", i);
		log_debug("debug %d", i);
		if (i % 100 == 0)
			log_warn("warning %d", i);
	}
	nanosleep(&ts, NULL);
	log_info("after the flood");
	fflush(stderr);

	dup2(saved, STDERR_FILENO);
	close(saved);
	text = read_all(fd);
	close(fd);

	info = count_lines(text, "flood ") + count_lines(text, "debug ");
	/* 100 at once, then 10 a second: a slow machine adds a few. */
	if (info < 100 || info > 150)
		fail_msg("%d information lines written:\n%s", info, text);
	assert_int_equal(count_lines(text, "warning: warning "), 10);
	assert_int_equal(count_lines(text, "after the flood"), 1);
	/* Every line dropped is counted once, in a line written before the
	 * next one that got through. */
	dropped = 0;
	for (p = text; (p = strstr(p, "]: log: ")) != NULL; p++) {
		dropped += atoi(p + 8);
		assert_non_null(
		    strstr(p, " dropped (more than 10 a second)\n"));
	}
	assert_int_equal(dropped, 2000 - info);
	assert_int_equal(count_lines(text, "dropped (more than"),
	    count_lines(text, "]: log: "));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_burst_then_pace),
	    cmocka_unit_test(test_refill),
	    cmocka_unit_test(test_refused_not_counted),
	    cmocka_unit_test(test_log_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
