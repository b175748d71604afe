/* test-record.c: unit tests for decision records (record.c).
 * Records by moot, adr-tools, MADR and log4brains, edits and commits. */
#include "moot.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "record.h"
#include "utf8.h"

/* 2026-11-27 14:02:00 UTC, in ms since the epoch. */
#define T1402 1795788120000LL

/* The draft of the brief's example: ADR 7, superseding ADR 3. */
static const char draft_full[] =
    "# 7. Use WAL for the journal\n"
    "\n"
    "- Status: proposed\n"
    "- Date: 2026-11-27\n"
    "- Deciders: Alice Liddell\n"
    "- Participants: Alice Liddell, Bob Stone\n"
    "- Supersedes: [3. Old title](0003-old-title.md)\n"
    "\n"
    "## Status\n"
    "\n"
    "Proposed\n"
    "\n"
    "## Context\n"
    "\n"
    "<!-- What is the issue that motivates this decision? -->\n"
    "\n"
    "## Considered Options\n"
    "\n"
    "- <!-- option 1 -->\n"
    "\n"
    "## Decision Outcome\n"
    "\n"
    "Chosen option: <!-- which one, and why -->\n"
    "\n"
    "## Consequences\n"
    "\n"
    "<!-- What becomes easier or harder because of this change? -->\n"
    "\n"
    "## Open Questions\n"
    "\n"
    "- How big can a checkpoint get?\n"
    "\n"
    "## More Information\n"
    "\n"
    "Participants: Alice Liddell <alice@example.com>, "
    "Bob Stone <bob@example.com>\n"
    "\n"
    "Code:\n"
    "\n"
    "- `src/journal.c` lines 40\xe2\x80\x93"
    "52 at 1a2b3c4d5e6f\n"
    "\n"
    "Discussion:\n"
    "\n"
    "> Alice Liddell (14:02): should the journal use WAL?\n"
    "> Bob Stone (14:03): yes, readers never block\n";

/* The same draft with nothing in its lists. */
static const char draft_empty[] =
    "# 8. Pick a licence\n"
    "\n"
    "- Status: proposed\n"
    "- Date: 2026-11-28\n"
    "- Deciders:\n"
    "- Participants:\n"
    "\n"
    "## Status\n"
    "\n"
    "Proposed\n"
    "\n"
    "## Context\n"
    "\n"
    "<!-- What is the issue that motivates this decision? -->\n"
    "\n"
    "## Considered Options\n"
    "\n"
    "- <!-- option 1 -->\n"
    "\n"
    "## Decision Outcome\n"
    "\n"
    "Chosen option: <!-- which one, and why -->\n"
    "\n"
    "## Consequences\n"
    "\n"
    "<!-- What becomes easier or harder because of this change? -->\n"
    "\n"
    "## Open Questions\n"
    "\n"
    "<!-- none yet -->\n"
    "\n"
    "## More Information\n"
    "\n"
    "Participants: none\n"
    "\n"
    "Code:\n"
    "\n"
    "- none\n";

static const char adr_tools[] =
    "# 1. Record architecture decisions\n"
    "\n"
    "Date: 2016-02-12\n"
    "\n"
    "## Status\n"
    "\n"
    "Accepted\n"
    "\n"
    "Superceded by [3. Use WAL](0003-use-wal.md)\n"
    "\n"
    "## Context\n"
    "\n"
    "We need to record the architectural decisions made on this project.\n"
    "\n"
    "## Decision\n"
    "\n"
    "We will use Architecture Decision Records, as described by Michael "
    "Nygard.\n"
    "\n"
    "## Consequences\n"
    "\n"
    "See Michael Nygard's article, linked above.\n";

static const char madr2[] =
    "# Use Markdown Architectural Decision Records\n"
    "\n"
    "* Status: accepted\n"
    "* Deciders: Oliver Kopp, Stefan Kapferer\n"
    "* Date: 2020-01-01\n"
    "\n"
    "Technical Story: we want to record decisions <!-- optional -->\n"
    "\n"
    "## Context and Problem Statement\n"
    "\n"
    "We want to record architectural decisions made in this project.\n"
    "Which format and structure should these records follow?\n"
    "\n"
    "## Considered Options\n"
    "\n"
    "* [MADR](https://adr.github.io/madr/) 2.1.2 - The Markdown "
    "Architectural Decision Records\n"
    "* [Michael Nygard's template](http://thinkrelevance.com/) - The first "
    "incarnation of the term \"ADR\"\n"
    "* Formless - No conventions for file format and structure\n"
    "\n"
    "## Decision Outcome\n"
    "\n"
    "Chosen option: \"MADR 2.1.2\", because\n"
    "\n"
    "* Implicit assumptions should be made explicit.\n"
    "\n"
    "### Positive Consequences <!-- optional -->\n"
    "\n"
    "* Everyone knows the format\n";

static const char madr3[] =
    "---\n"
    "status: \"superseded by [ADR-0005](0005-example.md)\"\n"
    "date: 2022-12-01\n"
    "deciders:\n"
    "  - Alice\n"
    "  - 'Bob Stone'\n"
    "---\n"
    "# Use plain JUnit5 for advanced test assertions\n"
    "\n"
    "## Context and Problem Statement\n"
    "\n"
    "How to write readable test assertions?\n";

/* Parse a C string. */
static void
parse(struct record *r, const char *text)
{
	record_parse(r, text, strlen(text));
}

/* The record's questions joined with '|'. */
static const char *
questions(const struct record *r)
{
	static char buf[1024];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < r->nquestions; i++) {
		if (i != 0)
			strncat(buf, "|", sizeof buf - strlen(buf) - 1);
		strncat(buf, r->questions[i], sizeof buf - strlen(buf) - 1);
	}
	return buf;
}

/* The draft of the example (supersedes 0 to leave it out). */
static char *
example_draft(unsigned supersedes, size_t *len)
{
	static const struct record_person deciders[] = {
	    {"Alice Liddell", "alice@example.com"}};
	static const struct record_person participants[] = {
	    {"Alice Liddell", "alice@example.com"},
	    {"Bob Stone", "bob@example.com"}};
	static const struct record_range ranges[] = {{"src/journal.c", 40, 52,
	    "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d"}};
	static const struct record_message messages[] = {
	    {"Alice Liddell", T1402, "should the journal use WAL?"},
	    {"Bob Stone", T1402 + 60999, "yes, readers never block"}};
	static const char *const qs[] = {"How big can a checkpoint get?"};
	struct record_draft d;

	memset(&d, 0, sizeof d);
	d.number = 7;
	d.title = "Use WAL for the journal";
	d.date = "2026-11-27";
	d.deciders = deciders;
	d.ndeciders = 1;
	d.participants = participants;
	d.nparticipants = 2;
	d.ranges = ranges;
	d.nranges = 1;
	d.messages = messages;
	d.nmessages = 2;
	d.questions = qs;
	d.nquestions = 1;
	d.supersedes = supersedes;
	d.supersedes_title = "Old title";
	d.supersedes_file = "0003-old-title.md";
	return record_draft_text(&d, len);
}

static void
test_draft_text(void **state)
{
	size_t len;
	char *t = example_draft(3, &len);

	assert_string_equal(t, draft_full);
	assert_int_equal(len, strlen(draft_full));
	free(t);
}

static void
test_draft_empty(void **state)
{
	struct record_draft d;
	size_t len;
	char *t;

	memset(&d, 0, sizeof d);
	d.number = 8;
	d.title = "Pick a licence";
	d.date = "2026-11-28";
	t = record_draft_text(&d, &len);
	assert_string_equal(t, draft_empty);
	assert_int_equal(len, strlen(draft_empty));
	free(t);
}

static void
test_draft_hostile(void **state)
{
	static const struct record_person people[] = {
	    {"Mal\x1b]0;pwned\x07lory", "m\nx@evil"}, {"", NULL}};
	static const struct record_range ranges[] = {
	    {"a`b.c", 1, 1, NULL}, {"x\ny.c", 5, 9, ""}};
	static const struct record_message messages[] = {
	    {"Bob\r", -1, "line one\r\nline two <!-- hidden"}};
	static const char *const qs[] = {"--- yaml?", "\t\n", "ok\x7f?"};
	struct record_draft d;
	size_t len;
	char *t;

	memset(&d, 0, sizeof d);
	d.number = 12;
	d.title = "---\n# Injected\x1b[2J";
	d.date = "2026-01-02\n";
	d.deciders = people;
	d.ndeciders = 2;
	d.participants = people;
	d.nparticipants = 2;
	d.ranges = ranges;
	d.nranges = 2;
	d.messages = messages;
	d.nmessages = 1;
	d.questions = qs;
	d.nquestions = 3;
	d.supersedes = 2;
	d.supersedes_title = "A [weird] one";
	d.supersedes_file = NULL;
	t = record_draft_text(&d, &len);
	assert_string_equal(t,
	    "# 12. --- # Injected^[[2J\n"
	    "\n"
	    "- Status: proposed\n"
	    "- Date: 2026-01-02\n"
	    "- Deciders: Mal^[]0;pwned^Glory\n"
	    "- Participants: Mal^[]0;pwned^Glory\n"
	    "- Supersedes: [2. A \\[weird\\] one](0002-a-weird-one.md)\n"
	    "\n"
	    "## Status\n"
	    "\n"
	    "Proposed\n"
	    "\n"
	    "## Context\n"
	    "\n"
	    "<!-- What is the issue that motivates this decision? -->\n"
	    "\n"
	    "## Considered Options\n"
	    "\n"
	    "- <!-- option 1 -->\n"
	    "\n"
	    "## Decision Outcome\n"
	    "\n"
	    "Chosen option: <!-- which one, and why -->\n"
	    "\n"
	    "## Consequences\n"
	    "\n"
	    "<!-- What becomes easier or harder because of this change? -->\n"
	    "\n"
	    "## Open Questions\n"
	    "\n"
	    "- --- yaml?\n"
	    "- ok^??\n"
	    "\n"
	    "## More Information\n"
	    "\n"
	    "Participants: Mal^[]0;pwned^Glory <m x@evil>\n"
	    "\n"
	    "Code:\n"
	    "\n"
	    "- `` a`b.c `` lines 1\xe2\x80\x93"
	    "1 at (uncommitted)\n"
	    "- `x y.c` lines 5\xe2\x80\x93"
	    "9 at (uncommitted)\n"
	    "\n"
	    "Discussion:\n"
	    "\n"
	    "> Bob (23:59): line one line two <\\!-- hidden\n");
	assert_int_equal(len, strlen(t));
	assert_null(strstr(t, "\n---"));
	free(t);
}

/* The empty draft with these messages. Caller frees. */
static char *
draft_with(const struct record_message *m, size_t n, size_t *len)
{
	struct record_draft d;

	memset(&d, 0, sizeof d);
	d.number = 8;
	d.title = "Pick a licence";
	d.date = "2026-11-28";
	d.messages = m;
	d.nmessages = n;
	return record_draft_text(&d, len);
}

/* Does text end with tail? */
static void
assert_ends_with(const char *text, const char *tail)
{
	size_t n = strlen(text), k = strlen(tail);

	if (n < k || strcmp(text + n - k, tail) != 0)
		fail_msg(
		    "expected the text to end with:\n%s\ngot:\n%s", tail, text);
}

/*
 * 150 messages: the newest RECORD_QUOTE_MAX (100) are quoted, after a
 * line saying how many are not and where they are.
 */
static void
test_draft_quote_count(void **state)
{
	struct record_message m[150];
	char text[150][8], *t, *want, *line;
	size_t len, i;

	for (i = 0; i < 150; i++) {
		snprintf(text[i], sizeof text[i], "m%03zu", i);
		m[i].name = "Ann";
		m[i].time = T1402 + (int64_t)i * 1000;
		m[i].text = text[i];
	}
	assert_int_equal(record_quoted(m, 150), 100);
	assert_int_equal(record_quoted(m, 100), 100);
	assert_int_equal(record_quoted(m, 3), 3);
	assert_int_equal(record_quoted(m, 0), 0);

	want = xstrdup(draft_empty);
	line = want;
	xasprintf(&want,
	    "%s\n"
	    "Discussion:\n"
	    "\n"
	    "50 earlier messages are not quoted here: `chat` in the "
	    "session's palette shows them all, and the session's journal "
	    "keeps them (.git/moot/journal.db).\n"
	    "\n",
	    line);
	free(line);
	for (i = 50; i < 150; i++) {
		line = want;
		xasprintf(
		    &want, "%s> Ann (14:%02zu): m%03zu\n", line, 2 + i / 60, i);
		free(line);
	}
	t = draft_with(m, 150, &len);
	assert_string_equal(t, want);
	assert_int_equal(len, strlen(want));
	free(t);
	free(want);
}

/*
 * Long messages: the quote lines stop before RECORD_QUOTE_BYTES (32 KiB).
 * Each line here is 1015 bytes: 32 fit (32480), 33 would not (33495).
 * One message too long to quote at all leaves only the line about it.
 */
static void
test_draft_quote_bytes(void **state)
{
	struct record_message m[40];
	char *big, *huge, *t, *want, *line;
	size_t len, i;

	big = xmalloc(1001);
	memset(big, 'x', 1000);
	big[1000] = '\0';
	for (i = 0; i < 40; i++) {
		m[i].name = "Bo";
		m[i].time = T1402;
		m[i].text = big;
	}
	assert_int_equal(record_quoted(m, 40), 32);

	xasprintf(&want,
	    "\nDiscussion:\n"
	    "\n"
	    "8 earlier messages are not quoted here: `chat` in the "
	    "session's palette shows them all, and the session's journal "
	    "keeps them (.git/moot/journal.db).\n"
	    "\n");
	for (i = 0; i < 32; i++) {
		line = want;
		xasprintf(&want, "%s> Bo (14:02): %s\n", line, big);
		free(line);
	}
	t = draft_with(m, 40, &len);
	assert_ends_with(t, want);
	assert_int_equal(strlen(t), strlen(draft_empty) + strlen(want));
	assert_int_equal(len, strlen(t));
	free(t);
	free(want);

	huge = xmalloc(RECORD_QUOTE_BYTES + 1);
	memset(huge, 'y', RECORD_QUOTE_BYTES);
	huge[RECORD_QUOTE_BYTES] = '\0';
	m[0].text = huge;
	assert_int_equal(record_quoted(m, 1), 0);
	t = draft_with(m, 1, &len);
	assert_ends_with(t,
	    "- none\n"
	    "\n"
	    "Discussion:\n"
	    "\n"
	    "1 earlier message is not quoted here: `chat` in the "
	    "session's palette shows them all, and the session's journal "
	    "keeps them (.git/moot/journal.db).\n"
	    "\n");
	free(t);
	free(huge);
	free(big);
}

static void
test_parse_draft(void **state)
{
	struct record r;
	size_t len;
	char *t = example_draft(3, &len);

	record_parse(&r, t, len);
	assert_int_equal(r.number, 7);
	assert_string_equal(r.title, "Use WAL for the journal");
	assert_string_equal(r.status, "proposed");
	assert_int_equal(r.state, RECORD_PROPOSED);
	assert_string_equal(r.date, "2026-11-27");
	assert_string_equal(r.deciders, "Alice Liddell");
	assert_int_equal(r.superseded_by, 0);
	assert_int_equal(r.nsupersedes, 1);
	assert_int_equal(r.supersedes[0], 3);
	assert_string_equal(questions(&r), "How big can a checkpoint get?");
	record_free(&r);
	free(t);

	/* Nothing to ask yet: the placeholder is no question. */
	parse(&r, draft_empty);
	assert_int_equal(r.number, 8);
	assert_int_equal(r.nquestions, 0);
	assert_null(r.deciders);
	assert_int_equal(r.nsupersedes, 0);
	record_free(&r);
}

static void
test_parse_adr_tools(void **state)
{
	struct record r;

	parse(&r, adr_tools);
	assert_int_equal(r.number, 1);
	assert_string_equal(r.title, "Record architecture decisions");
	assert_string_equal(r.status, "Accepted");
	assert_int_equal(r.state, RECORD_SUPERSEDED);
	assert_int_equal(r.superseded_by, 3);
	assert_string_equal(r.date, "2016-02-12");
	assert_null(r.deciders);
	assert_int_equal(r.nsupersedes, 0);
	assert_int_equal(r.nquestions, 0);
	record_free(&r);

	/* After adr-tools removed "Accepted" from the superseded record. */
	parse(&r, "# 2. Use X\n\nDate: 2016-03-01\n\n## Status\n\n"
	          "Superseded by [12. Use Y](0012-use-y.md)\n\n## Context\n");
	assert_int_equal(r.number, 2);
	assert_string_equal(
	    r.status, "Superseded by [12. Use Y](0012-use-y.md)");
	assert_int_equal(r.state, RECORD_SUPERSEDED);
	assert_int_equal(r.superseded_by, 12);
	record_free(&r);
}

static void
test_parse_adr_tools_links(void **state)
{
	struct record r;

	parse(&r, "# 3. Use WAL\n"
	          "\n"
	          "Date: 2016-04-01\n"
	          "\n"
	          "## Status\n"
	          "\n"
	          "Accepted\n"
	          "\n"
	          "Supercedes [1. Record architecture decisions]"
	          "(0001-record-architecture-decisions.md)\n"
	          "\n"
	          "Supersedes [2. Use X](0002-use-x.md)\n"
	          "\n"
	          "Amended by [4. Tune WAL](0004-tune-wal.md)\n"
	          "\n"
	          "## Context\n"
	          "\n"
	          "Supersedes [9. Not a link](0009-no.md)\n");
	assert_int_equal(r.number, 3);
	assert_string_equal(r.status, "Accepted");
	assert_int_equal(r.state, RECORD_ACCEPTED);
	assert_int_equal(r.superseded_by, 0);
	assert_int_equal(r.nsupersedes, 2);
	assert_int_equal(r.supersedes[0], 1);
	assert_int_equal(r.supersedes[1], 2);
	record_free(&r);

	/* Links first in the section are not the status; a file name gives
	 * the number when the link text has none. */
	parse(&r, "# 5. B\n\n## Status\n\nAmends [4. A](0004-a.md)\n\n"
	          "Superceded by [the new one](decisions/0006-new.md)\n");
	assert_string_equal(
	    r.status, "Superceded by [the new one](decisions/0006-new.md)");
	assert_int_equal(r.state, RECORD_SUPERSEDED);
	assert_int_equal(r.superseded_by, 6);
	assert_int_equal(r.nsupersedes, 0);
	record_free(&r);

	/* Links (a bare number only counts when there is none), an "ADR-"
	 * link text, a target in <...>. */
	parse(&r, "# 5. B\n\n- Supersedes: 2, [ADR-0003](x.md), "
	          "[old](<old/0004 the old one.md>)\n\n## Status\n\n"
	          "Supercedes 9\n\nSuperseded by ADR-0011\n");
	assert_int_equal(r.nsupersedes, 3);
	assert_int_equal(r.supersedes[0], 3);
	assert_int_equal(r.supersedes[1], 4);
	assert_int_equal(r.supersedes[2], 9);
	assert_int_equal(r.superseded_by, 11);
	assert_string_equal(r.status, "Superseded by ADR-0011");
	assert_int_equal(r.state, RECORD_SUPERSEDED);
	record_free(&r);
}

static void
test_parse_madr2(void **state)
{
	struct record r;

	parse(&r, madr2);
	assert_int_equal(r.number, 0);
	assert_string_equal(
	    r.title, "Use Markdown Architectural Decision Records");
	assert_string_equal(r.status, "accepted");
	assert_int_equal(r.state, RECORD_ACCEPTED);
	assert_string_equal(r.date, "2020-01-01");
	assert_string_equal(r.deciders, "Oliver Kopp, Stefan Kapferer");
	assert_int_equal(r.superseded_by, 0);
	record_free(&r);

	/* The status bullet wins over the section. */
	parse(&r, "# Title\n\n* Status: superseded by "
	          "[ADR-0005](0005-example.md) <!-- optional -->\n\n"
	          "## Status\n\nAccepted\n");
	assert_string_equal(
	    r.status, "superseded by [ADR-0005](0005-example.md)");
	assert_int_equal(r.state, RECORD_SUPERSEDED);
	assert_int_equal(r.superseded_by, 5);
	record_free(&r);
}

static void
test_parse_madr3(void **state)
{
	struct record r;

	parse(&r, madr3);
	assert_int_equal(r.number, 0);
	assert_string_equal(
	    r.title, "Use plain JUnit5 for advanced test assertions");
	assert_string_equal(
	    r.status, "superseded by [ADR-0005](0005-example.md)");
	assert_int_equal(r.state, RECORD_SUPERSEDED);
	assert_int_equal(r.superseded_by, 5);
	assert_string_equal(r.date, "2022-12-01");
	assert_string_equal(r.deciders, "Alice, Bob Stone");
	record_free(&r);

	/* Plain values, a comment, and front matter that never ends. */
	parse(&r, "---\nstatus: accepted # for now\ndate: '2023-01-02'\n"
	          "deciders: [Ann]\n---\n\n# 4. T\n");
	assert_string_equal(r.status, "accepted");
	assert_int_equal(r.state, RECORD_ACCEPTED);
	assert_string_equal(r.date, "2023-01-02");
	assert_string_equal(r.deciders, "[Ann]");
	assert_int_equal(r.number, 4);
	record_free(&r);

	parse(&r, "---\nstatus: accepted\n# 4. T\n");
	assert_string_equal(r.status, "accepted"); /* a "Status:" line */
	assert_int_equal(r.state, RECORD_ACCEPTED);
	assert_string_equal(r.title, "T");
	record_free(&r);
}

static void
test_parse_log4brains(void **state)
{
	struct record r;

	parse(&r, "# Use Log4brains to manage the ADRs\n"
	          "\n"
	          "- Status: accepted\n"
	          "- Date: 2020-11-17\n"
	          "- Tags: doc\n"
	          "\n"
	          "## Context and Problem Statement\n"
	          "\n"
	          "We want to record architectural decisions.\n");
	assert_string_equal(r.title, "Use Log4brains to manage the ADRs");
	assert_string_equal(r.status, "accepted");
	assert_string_equal(r.date, "2020-11-17");
	assert_int_equal(r.state, RECORD_ACCEPTED);
	record_free(&r);

	parse(&r, "---\ndate: 2021-02-03\nstatus: draft\ntags: [a]\n---\n\n"
	          "# Use pnpm\n\n## Context\n\nx\n");
	assert_string_equal(r.title, "Use pnpm");
	assert_string_equal(r.status, "draft");
	assert_int_equal(r.state, RECORD_PROPOSED);
	assert_string_equal(r.date, "2021-02-03");
	record_free(&r);
}

static void
test_parse_crlf(void **state)
{
	static const char text[] =
	    "\xef\xbb\xbf# 9. Windows line ends\r\n\r\n"
	    "* Status: Rejected\r\n* Date: 2024-05-06\r\n\r\n"
	    "## Status\r\n\r\nAccepted\r\n\r\n"
	    "## OPEN QUESTIONS\r\n\r\n- first?\r\n* second?\r\n"
	    "## Next\r\n- not a question\r\n";
	struct record r;

	parse(&r, text);
	assert_int_equal(r.number, 9);
	assert_string_equal(r.title, "Windows line ends");
	assert_string_equal(r.status, "Rejected");
	assert_int_equal(r.state, RECORD_REJECTED);
	assert_string_equal(r.date, "2024-05-06");
	assert_string_equal(questions(&r), "first?|second?");
	record_free(&r);
}

static void
test_parse_questions(void **state)
{
	struct record r;

	parse(&r, "# 2. Q\n"
	          "\n"
	          "## Open questions:\n"
	          "\n"
	          "- <!-- none yet -->\n"
	          "-\n"
	          "*   spaced   out  \n"
	          "- has <!-- a comment --> inside\n"
	          "- long question\n"
	          "  that wraps\n"
	          "<!--\n"
	          "- hidden\n"
	          "-->\n"
	          "```\n"
	          "- in code\n"
	          "## not a heading\n"
	          "```\n"
	          "+ last\n"
	          "\n"
	          "Some closing words.\n"
	          "### Sub heading\n"
	          "\n"
	          "- after the section\n");
	assert_string_equal(questions(&r),
	    "spaced   out|has  inside|long question that wraps|last");
	record_free(&r);
}

static void
test_parse_garbage(void **state)
{
	static const char bin[] = "\x00\xff\xfe# 1. \x00x\n## Status\n\x01\n";
	static const char *const texts[] = {"", "#", "# ", "#\n##\n###",
	    "# 4294967296. Big\n", "# 123456789. Nine digits\n", "## Status\n",
	    "- Status:\n- Status: \n", "---\n---\n", "<!--\n# 1. Hidden\n",
	    "[[[[](((", "Superseded by [", "## Status\n\nSuperseded by ["};
	struct record r;
	size_t i;

	record_parse(&r, NULL, 0);
	assert_null(r.title);
	assert_int_equal(r.state, RECORD_UNKNOWN);
	record_free(&r);

	record_parse(&r, bin, sizeof bin - 1);
	assert_null(r.title);
	assert_null(r.status);
	record_free(&r);

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		parse(&r, texts[i]);
		record_free(&r);
	}

	parse(&r, "# 4294967296. Big\n");
	assert_int_equal(r.number, 0);
	assert_string_equal(r.title, "4294967296. Big");
	record_free(&r);
	parse(&r, "# 123456789. Nine digits\n");
	assert_int_equal(r.number, 123456789);
	record_free(&r);
	parse(&r, "- Status:\n- Status: \n## Status\n\n  deprecated  \n");
	assert_string_equal(r.status, "deprecated");
	assert_int_equal(r.state, RECORD_DEPRECATED);
	record_free(&r);
	parse(&r, "<!--\n# 1. Hidden\n");
	assert_null(r.title);
	record_free(&r);
	parse(&r, "## Status\n\nSuperseded by [\n");
	assert_int_equal(r.state, RECORD_SUPERSEDED);
	assert_int_equal(r.superseded_by, 0);
	record_free(&r);
	parse(&r, "# 3. Still\n\n- Status: Under review\n");
	assert_int_equal(r.state, RECORD_OTHER);
	assert_string_equal(r.status, "Under review");
	record_free(&r);
}

static void
test_state(void **state)
{
	assert_int_equal(record_state_of(NULL), RECORD_UNKNOWN);
	assert_int_equal(record_state_of("  "), RECORD_UNKNOWN);
	assert_int_equal(record_state_of("Accepted"), RECORD_ACCEPTED);
	assert_int_equal(record_state_of("ACCEPTED."), RECORD_ACCEPTED);
	assert_int_equal(record_state_of("proposed"), RECORD_PROPOSED);
	assert_int_equal(
	    record_state_of("[proposed | accepted]"), RECORD_PROPOSED);
	assert_int_equal(record_state_of("Rejected"), RECORD_REJECTED);
	assert_int_equal(record_state_of("Superceded by [2. X](0002-x.md)"),
	    RECORD_SUPERSEDED);
	assert_int_equal(record_state_of("superseded"), RECORD_SUPERSEDED);
	assert_int_equal(record_state_of("Deprecated"), RECORD_DEPRECATED);
	assert_int_equal(
	    record_state_of("Supercedes [1. A](0001-a.md)"), RECORD_OTHER);
	assert_int_equal(record_state_of("accepteded"), RECORD_OTHER);
	assert_int_equal(record_state_of("\xc3\xa9tabli"), RECORD_OTHER);
	assert_string_equal(record_state_name(RECORD_UNKNOWN), "unknown");
	assert_string_equal(record_state_name(RECORD_PROPOSED), "proposed");
	assert_string_equal(record_state_name(RECORD_ACCEPTED), "accepted");
	assert_string_equal(record_state_name(RECORD_REJECTED), "rejected");
	assert_string_equal(record_state_name(RECORD_SUPERSEDED), "superseded");
	assert_string_equal(record_state_name(RECORD_DEPRECATED), "deprecated");
	assert_string_equal(record_state_name(RECORD_OTHER), "other");
	assert_string_equal(
	    record_state_name((enum record_state)99), "unknown");
}

static void
test_numbering(void **state)
{
	char *names[] = {
	    "0001-a.md", "0012-b.md", "README.md", "template.md", "0003-c.md"};
	char *none[] = {"README.md", "index.md"};

	assert_int_equal(record_file_number("0007-use-wal.md"), 7);
	assert_int_equal(record_file_number("12.md"), 12);
	assert_int_equal(record_file_number("README.md"), 0);
	assert_int_equal(record_file_number(""), 0);
	assert_int_equal(record_file_number(NULL), 0);
	assert_int_equal(record_file_number("0000000000001-x.md"), 0);
	assert_int_equal(record_next_number(names, 5), 13);
	assert_int_equal(record_next_number(names, 1), 2);
	assert_int_equal(record_next_number(none, 2), 1);
	assert_int_equal(record_next_number(NULL, 0), 1);
}

static void
test_slug(void **state)
{
	char *s;

	s = record_slug("Use WAL for the journal");
	assert_string_equal(s, "use-wal-for-the-journal");
	free(s);
	s = record_slug("  --Hello,   World!!  (v2.0) -- ");
	assert_string_equal(s, "hello-world-v2-0");
	free(s);
	s = record_slug("Caf\xc3\xa9 na\xc3\xafve \xe6\x97\xa5\xe6\x9c\xac");
	assert_string_equal(s, "caf-na-ve");
	free(s);
	s = record_slug("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	assert_string_equal(s, "decision");
	free(s);
	s = record_slug("");
	assert_string_equal(s, "decision");
	free(s);
	s = record_slug(NULL);
	assert_string_equal(s, "decision");
	free(s);
	s = record_slug("Use a very long title that goes on and on well past "
	                "the sixty byte limit of slugs");
	assert_string_equal(
	    s, "use-a-very-long-title-that-goes-on-and-on-well-past-the");
	assert_true(strlen(s) <= RECORD_SLUG_MAX);
	free(s);
	/* A dash is never the last byte, even at the limit. */
	s = record_slug(
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "a bcd");
	assert_string_equal(
	    s, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	free(s);
	s = record_slug(
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    " yyyy");
	assert_string_equal(
	    s, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	free(s);
	s = record_slug(
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    " abc d");
	assert_string_equal(
	    s, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-abc");
	assert_int_equal(strlen(s), RECORD_SLUG_MAX);
	free(s);

	s = record_file_name(7, "Use WAL for the journal");
	assert_string_equal(s, "0007-use-wal-for-the-journal.md");
	free(s);
	s = record_file_name(12345, "!!!");
	assert_string_equal(s, "12345-decision.md");
	free(s);
}

/* An exists() callback: yes for the directories named in arg, which is
 * a list of names ending in NULL; counts its calls. */
static int exists_calls;

static int
exists_in(const char *dir, void *arg)
{
	const char *const *names = arg;

	exists_calls++;
	for (; names != NULL && *names != NULL; names++) {
		if (strcmp(*names, dir) == 0)
			return 1;
	}
	return 0;
}

static void
test_record_dir(void **state)
{
	const char *docs_adr[] = {"docs/adr", "docs/decisions", NULL};
	const char *decisions[] = {"docs/decisions", NULL};
	const char *both[] = {"doc/adr", "docs/adr", NULL};
	char *d;

	d = record_dir("docs/architecture/decisions\n", exists_in, NULL);
	assert_string_equal(d, "docs/architecture/decisions");
	free(d);
	d = record_dir("./adr/ \r\n", exists_in, NULL);
	assert_string_equal(d, "adr");
	free(d);

	exists_calls = 0;
	d = record_dir("../x\n", exists_in, docs_adr);
	assert_string_equal(d, "docs/adr");
	assert_int_equal(exists_calls, 2);
	free(d);
	d = record_dir("docs/../../etc", exists_in, NULL);
	assert_string_equal(d, "doc/adr");
	free(d);
	d = record_dir("/etc/adr\n", exists_in, decisions);
	assert_string_equal(d, "docs/decisions");
	free(d);
	d = record_dir("\n  \n", exists_in, both);
	assert_string_equal(d, "doc/adr");
	free(d);
	d = record_dir(".", exists_in, NULL);
	assert_string_equal(d, "doc/adr");
	free(d);
	d = record_dir("a\x1b[2Jb", exists_in, NULL);
	assert_string_equal(d, "doc/adr");
	free(d);
	d = record_dir(NULL, NULL, NULL);
	assert_string_equal(d, RECORD_DIR_DEFAULT);
	free(d);
}

/* set_status on s, as a C string. */
static char *
set_status(const char *s, const char *status)
{
	size_t len;
	char *out = record_set_status(s, strlen(s), status, &len);

	assert_int_equal(len, strlen(out));
	return out;
}

/* Replace the first from in s by to. Caller frees. */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	char *out;

	assert_non_null(at);
	xasprintf(&out, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return out;
}

static void
test_set_status_draft(void **state)
{
	struct record r;
	char *out, *want, *tmp;

	out = set_status(draft_full, "accepted");
	tmp = replace(draft_full, "- Status: proposed", "- Status: accepted");
	want = replace(tmp, "\nProposed\n", "\nAccepted\n");
	assert_string_equal(out, want);
	free(want);
	free(tmp);
	parse(&r, out);
	assert_int_equal(r.state, RECORD_ACCEPTED);
	record_free(&r);
	free(out);

	out = set_status(draft_full, "superseded by [8. New](0008-new.md)");
	tmp = replace(draft_full, "- Status: proposed",
	    "- Status: superseded by [8. New](0008-new.md)");
	want = replace(
	    tmp, "\nProposed\n", "\nSuperseded by [8. New](0008-new.md)\n");
	assert_string_equal(out, want);
	free(want);
	free(tmp);
	parse(&r, out);
	assert_int_equal(r.state, RECORD_SUPERSEDED);
	assert_int_equal(r.superseded_by, 8);
	assert_int_equal(r.nsupersedes, 1);
	record_free(&r);
	free(out);

	/* Nothing can break out of the line. */
	out = set_status("# 1. T\n\n- Status: x\n\n## Status\n\nX\n",
	    "# evil\n---\x1b <!-- more");
	assert_string_equal(out,
	    "# 1. T\n\n- Status: # evil ---^[ <\\!-- more\n\n## Status\n\n"
	    "\\# evil ---^[ <\\!-- more\n");
	free(out);
}

static void
test_set_status_adr_tools(void **state)
{
	struct record r;
	char *out, *want;

	out = set_status(adr_tools, "deprecated");
	want = replace(adr_tools, "\nAccepted\n", "\nDeprecated\n");
	assert_string_equal(out, want);
	free(want);
	free(out);

	/* A status of several lines; links after it stay. */
	out = set_status(
	    "# 2. X\n\nDate: 2016-01-01\n\n## Status\n\n"
	    "Proposed, pending\na review\nSupercedes [1. A](0001-a.md)"
	    "\n\n## Context\n\nc\n",
	    "accepted");
	assert_string_equal(out,
	    "# 2. X\n\nDate: 2016-01-01\n\n## Status\n\nAccepted\n"
	    "Supercedes [1. A](0001-a.md)\n\n## Context\n\nc\n");
	free(out);

	/* An empty Status section gets the status; "Status:" lines too. */
	out = set_status(
	    "# 3. Y\nStatus: draft\n## Status\n## Context\n", "rejected");
	assert_string_equal(out,
	    "# 3. Y\nStatus: rejected\n## Status\n\nRejected\n\n## Context\n");
	parse(&r, out);
	assert_int_equal(r.state, RECORD_REJECTED);
	record_free(&r);
	free(out);
}

static void
test_set_status_front_matter(void **state)
{
	struct record r;
	char *out, *want;

	out = set_status(madr3, "accepted");
	want = replace(madr3,
	    "status: \"superseded by [ADR-0005](0005-example.md)\"",
	    "status: accepted");
	assert_string_equal(out, want);
	free(want);
	free(out);

	out = set_status("---\nstatus: accepted\n---\n# T\n",
	    "superseded by [ADR-0009](0009-x.md)");
	assert_string_equal(out,
	    "---\nstatus: \"superseded by [ADR-0009](0009-x.md)\"\n---\n# T\n");
	parse(&r, out);
	assert_string_equal(r.status, "superseded by [ADR-0009](0009-x.md)");
	assert_int_equal(r.superseded_by, 9);
	record_free(&r);
	free(out);

	out = set_status("---\nStatus:\n---\n", "say \"hi\" \\o/");
	assert_string_equal(
	    out, "---\nStatus: \"say \\\"hi\\\" \\\\o/\"\n---\n");
	parse(&r, out);
	assert_string_equal(r.status, "say \"hi\" \\o/");
	record_free(&r);
	free(out);
}

static void
test_set_status_added(void **state)
{
	char *out;

	out = set_status("# 4. Title\n\nSome text.\n", "accepted");
	assert_string_equal(
	    out, "# 4. Title\n\n## Status\n\nAccepted\n\nSome text.\n");
	free(out);
	out = set_status("# 4. Title\nSome text.\n", "accepted");
	assert_string_equal(
	    out, "# 4. Title\n\n## Status\n\nAccepted\n\nSome text.\n");
	free(out);
	out = set_status("# 4. Title", "accepted");
	assert_string_equal(out, "# 4. Title\n\n## Status\n\nAccepted\n");
	free(out);
	out = set_status("", "accepted");
	assert_string_equal(out, "## Status\n\nAccepted\n");
	free(out);
	out = set_status("No title here.\n", "accepted");
	assert_string_equal(out, "## Status\n\nAccepted\n\nNo title here.\n");
	free(out);
	out = set_status("---\ndate: 2020-01-01\n---\n# T\n", "accepted");
	assert_string_equal(
	    out, "---\ndate: 2020-01-01\n---\n# T\n\n## Status\n\nAccepted\n");
	free(out);
}

static void
test_set_status_comments(void **state)
{
	struct record r;
	char *out;

	/* A comment that ends on the status line keeps its end. */
	out = set_status("# 6. C\n\n## Status\n\n<!-- was\nproposed --> "
	                 "Accepted\n\n## Context\n",
	    "rejected");
	assert_string_equal(out, "# 6. C\n\n## Status\n\n<!-- was\nproposed "
	                         "-->Rejected\n\n## Context\n");
	free(out);

	/* One the status line opens stays open. */
	out = set_status(
	    "## Status\n\nAccepted <!--\n\n## Hidden\n-->\n", "rejected");
	assert_string_equal(
	    out, "## Status\n\nRejected <!--\n\n## Hidden\n-->\n");
	parse(&r, out);
	assert_string_equal(r.status, "Rejected");
	record_free(&r);
	free(out);

	/* A bullet with a comment is written again whole. */
	out = set_status(
	    "# 6. C\n\n- Status: accepted <!-- or not -->\n", "deprecated");
	assert_string_equal(out, "# 6. C\n\n- Status: deprecated\n");
	free(out);

	/* Lines in comments and code are not the status. */
	out =
	    set_status("# 6. C\n<!--\n- Status: x\n-->\n```\nStatus: y\n```\n",
	        "accepted");
	assert_string_equal(out, "# 6. C\n\n## Status\n\nAccepted\n\n<!--\n"
	                         "- Status: x\n-->\n```\nStatus: y\n```\n");
	free(out);
}

static void
test_set_status_crlf(void **state)
{
	static const char text[] = "# 5. T\r\n\r\n* Status: proposed\r\n\r\n"
	                           "## Status\r\n\r\nProposed\r\n";
	char *out;

	out = set_status(text, "accepted");
	assert_string_equal(out, "# 5. T\r\n\r\n* Status: accepted\r\n\r\n"
	                         "## Status\r\n\r\nAccepted\r\n");
	free(out);
	out = set_status("# 5. T\r\n", "accepted");
	assert_string_equal(out, "# 5. T\r\n\r\n## Status\r\n\r\nAccepted\r\n");
	free(out);
}

/* add_question on s, as a C string. */
static char *
add_question(const char *s, const char *q)
{
	size_t len;
	char *out = record_add_question(s, strlen(s), q, &len);

	assert_int_equal(len, strlen(out));
	return out;
}

static void
test_add_question(void **state)
{
	struct record r;
	char *out, *want, *more;

	out = add_question(draft_empty, "What about\nGPL\x1b?");
	want = replace(draft_empty, "<!-- none yet -->", "- What about GPL^[?");
	assert_string_equal(out, want);
	free(want);

	more = add_question(out, "And MIT?");
	want = replace(
	    out, "- What about GPL^[?\n", "- What about GPL^[?\n- And MIT?\n");
	assert_string_equal(more, want);
	parse(&r, more);
	assert_string_equal(questions(&r), "What about GPL^[?|And MIT?");
	record_free(&r);
	free(want);
	free(more);
	free(out);

	/* After the last item and its wrapped line, not the paragraph. */
	out = add_question("## Open Questions\n- a\n  b\n## Next\n", "c");
	assert_string_equal(
	    out, "## Open Questions\n- a\n  b\n- c\n\n## Next\n");
	free(out);
	out = add_question("## Open Questions\n\nNone so far.\n", "c");
	assert_string_equal(out, "## Open Questions\n\nNone so far.\n- c\n");
	free(out);
	out = add_question("## Open Questions", "c");
	assert_string_equal(out, "## Open Questions\n\n- c\n");
	free(out);

	/* No section: before More Information, or at the end. */
	out = add_question("# 1. T\n\n## More Information\n\nx\n", "q?");
	assert_string_equal(out, "# 1. T\n\n## Open Questions\n\n- q?\n\n"
	                         "## More Information\n\nx\n");
	free(out);
	out = add_question("# 1. T\n## More Information\n", "q?");
	assert_string_equal(out,
	    "# 1. T\n\n## Open Questions\n\n- q?\n\n## More Information\n");
	free(out);
	out = add_question("# 1. T\r\n\r\nText", "q?");
	assert_string_equal(
	    out, "# 1. T\r\n\r\nText\r\n\r\n## Open Questions\r\n\r\n- q?\r\n");
	free(out);
	out = add_question("", "q?");
	assert_string_equal(out, "## Open Questions\n\n- q?\n");
	free(out);
}

/* add_range on s, as a C string. */
static char *
add_range(const char *s, const struct record_range *rg)
{
	size_t len;
	char *out = record_add_range(s, strlen(s), rg, &len);

	assert_int_equal(len, strlen(out));
	return out;
}

static void
test_add_range(void **state)
{
	static const struct record_range r1 = {
	    "src/a.c", 3, 9, "0123456789abcdef0123456789abcdef01234567"};
	static const struct record_range r2 = {"b.c", 1, 2, NULL};
	size_t len;
	char *out, *more, *want;

	out = record_add_range(draft_empty, strlen(draft_empty), &r1, &len);
	want = replace(draft_empty, "- none\n",
	    "- `src/a.c` lines 3\xe2\x80\x93"
	    "9 at 0123456789ab\n");
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
	free(want);

	more = record_add_range(out, len, &r2, &len);
	want = replace(out, "0123456789ab\n",
	    "0123456789ab\n- `b.c` lines 1\xe2\x80\x93"
	    "2 at (uncommitted)\n");
	assert_string_equal(more, want);
	free(want);
	free(more);
	free(out);

	/* In the example draft: after the range, before the discussion. */
	out = record_add_range(draft_full, strlen(draft_full), &r2, &len);
	want = replace(draft_full, "1a2b3c4d5e6f\n",
	    "1a2b3c4d5e6f\n- `b.c` lines 1\xe2\x80\x93"
	    "2 at (uncommitted)\n");
	assert_string_equal(out, want);
	free(want);
	free(out);

	out = add_range("## More Information\n\nCode:\n## X\n", &r2);
	assert_string_equal(out, "## More Information\n\nCode:\n\n"
	                         "- `b.c` lines 1\xe2\x80\x93"
	                         "2 at (uncommitted)\n\n## X\n");
	free(out);
	out = add_range("## More Information\n\nSee the wiki.\n", &r2);
	assert_string_equal(out, "## More Information\n\nSee the wiki.\n\n"
	                         "Code:\n\n- `b.c` lines 1\xe2\x80\x93"
	                         "2 at (uncommitted)\n");
	free(out);
	out = add_range("# 1. T\n", &r2);
	assert_string_equal(out, "# 1. T\n\n## More Information\n\nCode:\n\n"
	                         "- `b.c` lines 1\xe2\x80\x93"
	                         "2 at (uncommitted)\n");
	free(out);
}

static const struct record_trailer trailers[] = {
    {"Decision-Id", "ADR-0007"},
    {"Decision-Status", "accepted"},
    {"Decision-File", "doc/adr/0007-use-wal-for-the-journal.md"},
    {"Decided-by", "Alice Liddell <alice@example.com>"},
    {"Participant", "Alice Liddell <alice@example.com>"},
    {"Participant", "Bob Stone\n<bob@example.com>\x1b"},
    {"Code-Range", "src/journal.c:40-52@1a2b3c4d5e6f"},
    {"Discussion", "2 messages, 14:02\xe2\x80\x93"
                   "14:03"},
    {"Co-authored-by", "Bob Stone <bob@example.com>"},
};
#define NTRAILERS (sizeof trailers / sizeof trailers[0])

/* What git must read back from the trailers above. */
static const char trailers_text[] =
    "Decision-Id: ADR-0007\n"
    "Decision-Status: accepted\n"
    "Decision-File: doc/adr/0007-use-wal-for-the-journal.md\n"
    "Decided-by: Alice Liddell <alice@example.com>\n"
    "Participant: Alice Liddell <alice@example.com>\n"
    "Participant: Bob Stone <bob@example.com>^[\n"
    "Code-Range: src/journal.c:40-52@1a2b3c4d5e6f\n"
    "Discussion: 2 messages, 14:02\xe2\x80\x93"
    "14:03\n"
    "Co-authored-by: Bob Stone <bob@example.com>\n";

static void
test_commit_message(void **state)
{
	char *m;

	m = record_commit_message("docs(adr): ADR-0007\nUse WAL",
	    "\n\nChosen option: WAL\n\nNote: x\nRejected: y\n\n", trailers,
	    NTRAILERS);
	assert_string_equal(m,
	    "docs(adr): ADR-0007 Use WAL\n"
	    "\n"
	    "Chosen option: WAL\n"
	    "\n"
	    "Note: x\n"
	    "Rejected: y\n"
	    "\n"
	    "Decision-Id: ADR-0007\n"
	    "Decision-Status: accepted\n"
	    "Decision-File: doc/adr/0007-use-wal-for-the-"
	    "journal.md\n"
	    "Decided-by: Alice Liddell <alice@example.com>\n"
	    "Participant: Alice Liddell <alice@example.com>\n"
	    "Participant: Bob Stone <bob@example.com>^[\n"
	    "Code-Range: src/journal.c:40-52@1a2b3c4d5e6f\n"
	    "Discussion: 2 messages, 14:02\xe2\x80\x93"
	    "14:03\n"
	    "Co-authored-by: Bob Stone <bob@example.com>\n");
	free(m);

	m = record_commit_message("s", "", trailers, 1);
	assert_string_equal(m, "s\n\nDecision-Id: ADR-0007\n");
	free(m);
	m = record_commit_message("s", NULL, NULL, 0);
	assert_string_equal(m, "s\n");
	free(m);
	m = record_commit_message("s", "b\r\n---\nc", NULL, 0);
	assert_string_equal(m, "s\n\nb\n ---\nc\n");
	free(m);
}

/* What `git interpret-trailers --parse` reads in message (outside any
 * repository and configuration). Caller frees. */
static char *
git_trailers(const char *message)
{
	const char *tmp = getenv("TMPDIR");
	char *path, *cmd, buf[4096];
	FILE *f;
	size_t n;
	int fd;

	xasprintf(&path, "%s/test-record-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	fd = mkstemp(path);
	assert_int_not_equal(fd, -1);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(message, f);
	assert_int_equal(fclose(f), 0);

	xasprintf(&cmd,
	    "cd / && GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null "
	    "git interpret-trailers --parse '%s'",
	    path);
	f = popen(cmd, "r");
	free(cmd);
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	assert_int_equal(pclose(f), 0);
	unlink(path);
	free(path);
	return xstrdup(buf);
}

static void
test_commit_message_git(void **state)
{
	static const char *const bodies[] = {
	    "Chosen option: WAL\n\nNote: x\nRejected: y",
	    "Why: a\nSigned-off-by: Nobody <n@example.com>",
	    "Line\n---\nafter a divider\n--- and more", "", "Key: value"};
	char *m, *got;
	size_t i;

	/* Without git there is nothing to ask. */
	if (system("git --version >/dev/null 2>&1") != 0)
		skip();

	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		m = record_commit_message("docs(adr): ADR-0007 Use WAL",
		    bodies[i], trailers, NTRAILERS);
		got = git_trailers(m);
		assert_string_equal(got, trailers_text);
		free(got);
		free(m);
	}

	/* A subject that looks like a divider. */
	m = record_commit_message("--- x", "y", trailers, 1);
	assert_string_equal(m, " --- x\n\ny\n\nDecision-Id: ADR-0007\n");
	got = git_trailers(m);
	assert_string_equal(got, "Decision-Id: ADR-0007\n");
	free(got);
	free(m);
}

/* Does a message hold a C0 control other than '\n', DEL, a C1 control,
 * one of the invisible code points given, or invalid UTF-8? */
static int
message_unsafe(const char *m, const uint32_t *bad, size_t nbad)
{
	const unsigned char *p = (const unsigned char *)m;
	size_t len = strlen(m), i, n, k;
	uint32_t cp;

	for (i = 0; i < len; i += n) {
		n = utf8_decode(p + i, len - i, &cp);
		if (cp == UTF8_INVALID || (cp < 0x20 && cp != '\n') ||
		    (cp >= 0x7f && cp < 0xa0))
			return 1;
		for (k = 0; k < nbad; k++) {
			if (cp == bad[k])
				return 1;
		}
	}
	return 0;
}

/*
 * Untrusted text in a commit message (a title, names, the body): C0 and
 * C1 controls (the raw byte 0x9b and U+009B), DEL, bidi controls and
 * invalid UTF-8 are shown as on screen, never written; git still reads
 * the trailers back.
 */
static void
test_commit_message_inert(void **state)
{
	static const uint32_t bad[] = {0x202e, 0x200f, 0x2066, 0xfeff};
	static const struct record_trailer hostile[] = {
	    {"Decision-Id", "ADR-0007"},
	    {"Decided-by", "Mal\xe2\x80\xaelory\xc2\x9b\n"
	                   "<mal\x9b@example.com>\x7f"},
	    {"Participant", "Eve\xe2\x80\x8f\x1b[2J\r\n"
	                    "<eve\xe2\x81\xa6@example.com>\xef\xbb\xbf"},
	};
	static const char want_trailers[] =
	    "Decision-Id: ADR-0007\n"
	    "Decided-by: Mal<U+202E>lory<U+009B> <mal\\x9b@example.com>^?\n"
	    "Participant: Eve<U+200F>^[[2J <eve<U+2066>@example.com><U+FEFF>\n";
	char *m, *got;

	m = record_commit_message(
	    "Use\x01 WAL\x1b[31m \xc2\x9b\x9b\x7f\xe2\x80\xae\xff\tend",
	    "Why\xe2\x80\x8f:\ttab\r\nline\x1b]0;x\x07\rmore\xc2\x9d\n"
	    "\xe2\x81\xa6last\xc2\x85",
	    hostile, sizeof hostile / sizeof hostile[0]);
	assert_false(message_unsafe(m, bad, sizeof bad / sizeof bad[0]));
	assert_string_equal(m,
	    "Use^A WAL^[[31m <U+009B>\\x9b^?<U+202E>\\xff end\n"
	    "\n"
	    "Why<U+200F>:    tab\n"
	    "line^[]0;x^G^Mmore<U+009D>\n"
	    "<U+2066>last<U+0085>\n"
	    "\n"
	    "Decision-Id: ADR-0007\n"
	    "Decided-by: Mal<U+202E>lory<U+009B> <mal\\x9b@example.com>^?\n"
	    "Participant: Eve<U+200F>^[[2J "
	    "<eve<U+2066>@example.com><U+FEFF>\n");
	if (system("git --version >/dev/null 2>&1") == 0) {
		got = git_trailers(m);
		assert_string_equal(got, want_trailers);
		free(got);
	}
	free(m);
}

/* commit_body on s, as a C string. */
static char *
commit_body(const char *s)
{
	return record_commit_body(s, strlen(s));
}

static void
test_commit_body(void **state)
{
	static const char text[] =
	    "# 7. Use WAL for the journal\n"
	    "\n"
	    "- Status: proposed\n"
	    "\n"
	    "## Context\n"
	    "\n"
	    "We need crash safety.\n"
	    "\n"
	    "## Considered Options\n"
	    "\n"
	    "- WAL\n"
	    "- rollback journal\n"
	    "\n"
	    "## Decision Outcome\n"
	    "\n"
	    "Chosen option: WAL, because readers never block\n"
	    "\n"
	    "## Consequences\n"
	    "\n"
	    "<!-- What becomes easier or harder because of this change? -->\n"
	    "\n"
	    "## Open Questions\n"
	    "\n"
	    "- checkpoint size?\n";
	char *b;

	b = record_commit_body(text, strlen(text));
	assert_string_equal(b,
	    "Chosen option: WAL, because readers never block\n"
	    "\n"
	    "Why: We need crash safety.\n"
	    "\n"
	    "Rejected: rollback journal\n"
	    "\n"
	    "Open question: checkpoint size?\n");
	free(b);

	/* A fresh draft says nothing but its questions. */
	b = record_commit_body(draft_empty, strlen(draft_empty));
	assert_string_equal(b, "");
	free(b);
	b = record_commit_body(draft_full, strlen(draft_full));
	assert_string_equal(
	    b, "Open question: How big can a checkpoint get?\n");
	free(b);
	b = record_commit_body(NULL, 0);
	assert_string_equal(b, "");
	free(b);
}

static void
test_commit_body_others(void **state)
{
	char *b;

	/* MADR: options named by their link text; only the first paragraph
	 * of the context; the outcome up to its sub-heading. */
	b = record_commit_body(madr2, strlen(madr2));
	assert_string_equal(b,
	    "Chosen option: \"MADR 2.1.2\", because\n"
	    "\n"
	    "* Implicit assumptions should be made explicit.\n"
	    "\n"
	    "Why: We want to record architectural decisions made in this "
	    "project.\n"
	    "Which format and structure should these records follow?\n"
	    "\n"
	    "Rejected: [Michael Nygard's template](http://thinkrelevance.com/) "
	    "- The first incarnation of the term \"ADR\"\n"
	    "Rejected: Formless - No conventions for file format and "
	    "structure\n");
	free(b);

	/* adr-tools: "## Decision" is the outcome. */
	b = record_commit_body(adr_tools, strlen(adr_tools));
	assert_string_equal(b,
	    "We will use Architecture Decision Records, as described by "
	    "Michael Nygard.\n"
	    "\n"
	    "Why: We need to record the architectural decisions made on this "
	    "project.\n");
	free(b);

	/* Whole words only; CRLF; a comment spanning lines. */
	b = commit_body("## Considered Options\r\n\r\n- Go\r\n"
	                "- Rust\r\n\r\n## Decision Outcome\r\n\r\n"
	                "We chose Rust, not Gopher.\r\n<!-- a\r\nb -->\r\n"
	                "Done.\r\n");
	assert_string_equal(b, "We chose Rust, not Gopher.\nDone.\n\n"
	                       "Rejected: Go\n");
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_draft_text),
	    cmocka_unit_test(test_draft_empty),
	    cmocka_unit_test(test_draft_hostile),
	    cmocka_unit_test(test_draft_quote_count),
	    cmocka_unit_test(test_draft_quote_bytes),
	    cmocka_unit_test(test_parse_draft),
	    cmocka_unit_test(test_parse_adr_tools),
	    cmocka_unit_test(test_parse_adr_tools_links),
	    cmocka_unit_test(test_parse_madr2),
	    cmocka_unit_test(test_parse_madr3),
	    cmocka_unit_test(test_parse_log4brains),
	    cmocka_unit_test(test_parse_crlf),
	    cmocka_unit_test(test_parse_questions),
	    cmocka_unit_test(test_parse_garbage),
	    cmocka_unit_test(test_state),
	    cmocka_unit_test(test_numbering),
	    cmocka_unit_test(test_slug),
	    cmocka_unit_test(test_record_dir),
	    cmocka_unit_test(test_set_status_draft),
	    cmocka_unit_test(test_set_status_adr_tools),
	    cmocka_unit_test(test_set_status_front_matter),
	    cmocka_unit_test(test_set_status_added),
	    cmocka_unit_test(test_set_status_comments),
	    cmocka_unit_test(test_set_status_crlf),
	    cmocka_unit_test(test_add_question),
	    cmocka_unit_test(test_add_range),
	    cmocka_unit_test(test_commit_message),
	    cmocka_unit_test(test_commit_message_git),
	    cmocka_unit_test(test_commit_message_inert),
	    cmocka_unit_test(test_commit_body),
	    cmocka_unit_test(test_commit_body_others),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
