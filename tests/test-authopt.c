/* test-authopt.c: unit tests of authorized_keys options (authopt.c).
 * sshd's quoting, every option, from= patterns and CIDR, expiry-time=. */
#include "moot.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "authopt.h"

/* Parse s, which must parse; the caller frees o. */
static void
parse_ok(const char *s, struct authopt *o)
{
	const char *err = NULL;

	if (authopt_parse(s, o, &err) != 0)
		fail_msg("%s: %s", s, err);
}

/* Parse s, which must not parse; returns the message. */
static const char *
parse_bad(const char *s)
{
	struct authopt o;
	const char *err = NULL;

	if (authopt_parse(s, &o, &err) == 0)
		fail_msg("%s parsed", s);
	assert_non_null(err);
	assert_null(o.from);
	return err;
}

/* Values in double quotes; \" is a quote, other backslashes stay. */
static void
test_quoting(void **state)
{
	struct authopt o;

	parse_ok("from=\"127.0.0.1\"", &o);
	assert_string_equal(o.from, "127.0.0.1");
	authopt_free(&o);
	/* Commas and blanks inside quotes belong to the value. */
	parse_ok("from=\"a, b,c\",no-pty", &o);
	assert_string_equal(o.from, "a, b,c");
	assert_non_null(o.refuse);
	authopt_free(&o);
	parse_ok("environment=\"A=\\\"x\\\" \\\\n\",from=\"*\"", &o);
	assert_string_equal(o.from, "*");
	assert_null(o.refuse);
	authopt_free(&o);
	/* An escaped quote does not end the value. */
	parse_ok("command=\"echo \\\"a,b\\\"\"", &o);
	assert_non_null(o.refuse);
	authopt_free(&o);
	parse_bad("from=127.0.0.1");
	parse_bad("from=\"127.0.0.1");
	parse_bad("command=\"x\\\"");
	parse_bad("from=\"*\"x");
}

/* Names in any case, as sshd. */
static void
test_case(void **state)
{
	struct authopt o;

	parse_ok("FROM=\"1.2.3.4\",No-Agent-Forwarding,VIEWER", &o);
	assert_string_equal(o.from, "1.2.3.4");
	assert_true(o.viewer);
	authopt_free(&o);
	parse_ok("ReStRiCt", &o);
	assert_string_equal(o.refuse, "restrict");
	authopt_free(&o);
	parse_ok("no-X11-forwarding,X11-Forwarding", &o);
	assert_null(o.refuse);
	authopt_free(&o);
}

/* Each option moot refuses, alone or among others. */
static void
test_refusing(void **state)
{
	static const char *lines[] = {
	    "command=\"gitolite-shell alice\"",
	    "restrict",
	    "no-pty",
	    "cert-authority",
	    "principals=\"alice\"",
	    "no-agent-forwarding,restrict,pty",
	    "from=\"*\",command=\"true\"",
	};
	struct authopt o;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		parse_ok(lines[i], &o);
		assert_non_null(o.refuse);
		assert_int_equal(authopt_check(&o, "127.0.0.1", 0, &why), -1);
		assert_ptr_equal(why, o.refuse);
		authopt_free(&o);
	}
}

/* The harmless ones are accepted and change nothing. */
static void
test_ignored(void **state)
{
	static const char *lines[] = {
	    "no-port-forwarding",
	    "no-agent-forwarding",
	    "no-X11-forwarding",
	    "no-user-rc",
	    "environment=\"A=b\"",
	    "permitopen=\"host:80\"",
	    "permitlisten=\"8080\"",
	    "tunnel=\"0\"",
	    "pty",
	    "port-forwarding",
	    "agent-forwarding",
	    "X11-forwarding",
	    "user-rc",
	    "no-touch-required",
	    "verify-required",
	    "no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-user-"
	    "rc",
	};
	struct authopt o;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		parse_ok(lines[i], &o);
		assert_null(o.refuse);
		assert_null(o.from);
		assert_false(o.expires || o.host || o.viewer);
		assert_int_equal(authopt_check(&o, "127.0.0.1", 0, &why), 0);
		authopt_free(&o);
	}
}

/* moot's own flags, for roles. */
static void
test_roles(void **state)
{
	struct authopt o;

	parse_ok("host", &o);
	assert_true(o.host);
	assert_false(o.viewer);
	authopt_free(&o);
	parse_ok("viewer,no-pty", &o);
	assert_true(o.viewer);
	authopt_free(&o);
	parse_bad("host,viewer");
}

/* Lines that are not options. */
static void
test_malformed(void **state)
{
	parse_bad("");
	parse_bad("frobnicate");
	parse_bad("no-pty,frobnicate=\"x\"");
	parse_bad("restrict,");
	parse_bad(",restrict");
	parse_bad("restrict,,no-pty");
	parse_bad("restrict=\"x\"");
	parse_bad("command");
	parse_bad("no-pty restrict");
	parse_bad("restrictx");
	parse_bad("from=\"1.2.3.4\",from=\"*\"");
	parse_bad("from=\"\"");
	parse_bad("from=\"a,,b\"");
	parse_bad("from=\"10.0.0.1/8\""); /* host bits set */
	parse_bad("expiry-time=\"2030\"");
	parse_bad("expiry-time=\"20301301\"");
	parse_bad("expiry-time=\"20300231\"");
	parse_bad("expiry-time=\"2030010112\"");
	parse_bad("expiry-time=\"2030-1-01\"");
	parse_bad("expiry-time=\"20300101ZZ\"");
}

/* Wildcards, negation, CIDR v4 and v6, as sshd's from=. */
static void
test_from(void **state)
{
	assert_int_equal(authopt_from_match("127.0.0.1", "127.0.0.1"), 1);
	assert_int_equal(authopt_from_match("127.0.0.2", "127.0.0.1"), 0);
	assert_int_equal(authopt_from_match("127.0.0.?", "127.0.0.1"), 1);
	assert_int_equal(authopt_from_match("127.*", "127.0.0.1"), 1);
	assert_int_equal(authopt_from_match("*", "::1"), 1);
	assert_int_equal(authopt_from_match("10.0.0.0/8", "10.200.1.1"), 1);
	assert_int_equal(authopt_from_match("10.0.0.0/8", "11.0.0.1"), 0);
	assert_int_equal(authopt_from_match("10.0.0.0/8", "127.0.0.1"), 0);
	assert_int_equal(
	    authopt_from_match("192.168.4.0/22", "192.168.7.9"), 1);
	assert_int_equal(
	    authopt_from_match("192.168.4.0/22", "192.168.8.1"), 0);
	assert_int_equal(authopt_from_match("0.0.0.0/0", "8.8.8.8"), 1);
	/* Negation: a negated match refuses whatever else matches. */
	assert_int_equal(authopt_from_match("!127.0.0.1,*", "127.0.0.1"), 0);
	assert_int_equal(authopt_from_match("*,!127.0.0.1", "127.0.0.1"), 0);
	assert_int_equal(authopt_from_match("!127.0.0.1,*", "127.0.0.2"), 1);
	assert_int_equal(authopt_from_match("!10.0.0.0/8,*", "10.1.1.1"), 0);
	assert_int_equal(authopt_from_match("!10.0.0.0/8", "11.1.1.1"), 0);
	/* IPv6, and IPv4 mapped into IPv6. */
	assert_int_equal(
	    authopt_from_match("2001:db8::/32", "2001:db8:1::5"), 1);
	assert_int_equal(authopt_from_match("2001:db8::/32", "2001:db9::5"), 0);
	assert_int_equal(authopt_from_match("::1", "::1"), 1);
	assert_int_equal(authopt_from_match("fe80::/10", "febf::1"), 1);
	assert_int_equal(authopt_from_match("fe80::/10", "fec0::1"), 0);
	assert_int_equal(authopt_from_match("2001:db8::/32", "10.0.0.1"), 0);
	assert_int_equal(
	    authopt_from_match("10.0.0.0/8", "::ffff:10.1.2.3"), 1);
	/* Unknown address: never a match. Malformed lists: -1. */
	assert_int_equal(authopt_from_match("*", NULL), 0);
	assert_int_equal(authopt_from_match("10.0.0.1/8", "10.0.0.1"), -1);
	assert_int_equal(authopt_from_match("2001:db8::1/32", "::1"), -1);
	assert_int_equal(authopt_from_match("a,", "a"), -1);
	assert_int_equal(authopt_from_match("!", "a"), -1);
	/* A bad mask is not CIDR: the entry is then a pattern, as sshd. */
	assert_int_equal(authopt_from_match("10.0.0.0/33", "10.0.0.1"), 0);
}

/* expiry-time: date, minutes, seconds; local time unless Z. */
static void
test_expiry(void **state)
{
	struct authopt o;
	const char *why;
	time_t t;

	assert_int_equal(authopt_time("20300102Z", &t), 0);
	assert_int_equal(t, 1893542400);
	assert_int_equal(authopt_time("203001020304Z", &t), 0);
	assert_int_equal(t, 1893542400 + 3 * 3600 + 4 * 60);
	assert_int_equal(authopt_time("20300102030405z", &t), 0);
	assert_int_equal(t, 1893542400 + 3 * 3600 + 4 * 60 + 5);
	/* Local time, here as TZ says. */
	setenv("TZ", "UTC+2", 1);
	tzset();
	assert_int_equal(authopt_time("20300102", &t), 0);
	assert_int_equal(t, 1893542400 + 2 * 3600);
	unsetenv("TZ");
	tzset();

	parse_ok("expiry-time=\"20300102Z\"", &o);
	assert_true(o.expires);
	assert_int_equal(authopt_check(&o, NULL, 1893542400, &why), 0);
	assert_int_equal(authopt_check(&o, NULL, 1893542401, &why), -1);
	authopt_free(&o);
	/* Of several, the earliest. */
	parse_ok("expiry-time=\"20310101Z\",expiry-time=\"20300102Z\"", &o);
	assert_int_equal(o.expiry, 1893542400);
	authopt_free(&o);
}

/* from= and expiry together, through authopt_check. */
static void
test_check(void **state)
{
	struct authopt o;
	const char *why;

	parse_ok("from=\"10.0.0.0/8\",expiry-time=\"20300102Z\"", &o);
	assert_int_equal(authopt_check(&o, "10.9.9.9", 1000, &why), 0);
	assert_int_equal(authopt_check(&o, "127.0.0.1", 1000, &why), -1);
	assert_non_null(strstr(why, "from="));
	assert_int_equal(authopt_check(&o, NULL, 1000, &why), -1);
	assert_int_equal(authopt_check(&o, "10.9.9.9", 1893542401, &why), -1);
	assert_non_null(strstr(why, "expiry"));
	authopt_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quoting),
	    cmocka_unit_test(test_case),
	    cmocka_unit_test(test_refusing),
	    cmocka_unit_test(test_ignored),
	    cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_from),
	    cmocka_unit_test(test_expiry),
	    cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
