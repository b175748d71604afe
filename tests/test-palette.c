/* test-palette.c: unit tests of the command palette and of pop-ups.
 * Filters the real command table by hand and scrolls pop-ups with keys. */
#include "moot.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "keys.h"
#include "server.h"

/* The names of the matches, space-separated ("decide decisions"). */
static char *
names(const struct palette *p)
{
	char *out = xcalloc(1, 1024);
	size_t i, used = 0;

	for (i = 0; i < p->nmatch; i++) {
		assert_true(p->match[i] < cmd_count);
		used += snprintf(out + used, 1024 - used, "%s%s",
		    i > 0 ? " " : "", cmd_table[p->match[i]].name);
		assert_true(used < 1024);
	}
	return out;
}

static void
assert_names(const struct palette *p, const char *want)
{
	char *got = names(p);

	assert_string_equal(got, want);
	free(got);
}

static void
type(struct palette *p, const char *s)
{
	palette_type(p, cmd_table, cmd_count, s, strlen(s));
}

static void
backspace(struct palette *p)
{
	palette_backspace(p, cmd_table, cmd_count);
}

/* Every command, in table order (the order the contract gives). */
#define ALL                                                                    \
	"decide question link accept reject supersede draft commit why "       \
	"decisions follow who since chat invite invites revoke help syntax "   \
	"mouse role kick split vsplit close zoom prefix term share unshare"

static void
test_open_lists_all(void **state)
{
	struct palette p;

	memset(&p, 0xff, sizeof p);
	palette_open(&p, cmd_table, cmd_count);
	assert_int_equal(cmd_count, 30);
	assert_int_equal(p.len, 0);
	assert_string_equal(p.text, "");
	assert_int_equal(p.nmatch, 30);
	assert_int_equal(p.sel, 0);
	assert_int_equal(p.top, 0);
	assert_names(&p, ALL);
}

/* Names starting with the word first, then those containing it. */
static void
test_prefix_then_substring(void **state)
{
	struct palette p;

	palette_open(&p, cmd_table, cmd_count);
	type(&p, "de");
	assert_names(&p, "decide decisions supersede");
	backspace(&p);
	backspace(&p);
	type(&p, "s");
	assert_names(&p, "supersede since syntax split share question "
	                 "decisions invites mouse vsplit close unshare");
	backspace(&p);
	type(&p, "i");
	assert_names(&p, "invite invites decide question link commit decisions "
	                 "since kick split vsplit prefix");
	backspace(&p);
	type(&p, "ch");
	assert_names(&p, "chat");
	backspace(&p);
	backspace(&p);
	type(&p, "w");
	assert_names(&p, "why who follow");
}

/* Only the first word counts; case does not matter. */
static void
test_case_and_first_word(void **state)
{
	struct palette p;

	palette_open(&p, cmd_table, cmd_count);
	type(&p, "DE");
	assert_names(&p, "decide decisions supersede");
	backspace(&p);
	backspace(&p);
	type(&p, "FoLLow bob the builder");
	assert_names(&p, "follow");
	backspace(&p);
	assert_names(&p, "follow");

	/* A leading space: the first word is empty, everything matches. */
	palette_open(&p, cmd_table, cmd_count);
	type(&p, " who");
	assert_names(&p, ALL);
}

static void
test_no_match(void **state)
{
	struct palette p;
	const char *arg = NULL;

	palette_open(&p, cmd_table, cmd_count);
	type(&p, "xyz rest");
	assert_int_equal(p.nmatch, 0);
	assert_int_equal(p.sel, 0);
	assert_null(palette_chosen(&p, cmd_table, cmd_count, &arg));
	assert_non_null(arg);
	assert_string_equal(arg, "rest");
	/* Moving in an empty list does nothing. */
	palette_move(&p, 1, 10);
	palette_move(&p, -1, 10);
	assert_int_equal(p.sel, 0);
	assert_int_equal(p.top, 0);
	/* The word longer than any name. */
	palette_open(&p, cmd_table, cmd_count);
	type(&p, "decisionsx");
	assert_int_equal(p.nmatch, 0);
}

/* Typing is UTF-8 and at most 255 bytes; Backspace removes a whole
 * character. */
static void
test_type_backspace_utf8(void **state)
{
	struct palette p;
	char big[300];

	palette_open(&p, cmd_table, cmd_count);
	type(&p, "d");
	type(&p, "\xc3\xa9"); /* é */
	assert_int_equal(p.len, 3);
	assert_int_equal(p.nmatch, 0);
	type(&p, "\xe2\x82\xac");     /* € */
	type(&p, "\xf0\x9f\x98\x80"); /* 😀 */
	assert_int_equal(p.len, 10);
	assert_string_equal(p.text, "d\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	backspace(&p);
	assert_int_equal(p.len, 6);
	assert_string_equal(p.text, "d\xc3\xa9\xe2\x82\xac");
	backspace(&p);
	assert_int_equal(p.len, 3);
	backspace(&p);
	assert_int_equal(p.len, 1);
	assert_string_equal(p.text, "d");
	assert_names(&p, "decide draft decisions supersede");
	backspace(&p);
	assert_int_equal(p.len, 0);
	assert_names(&p, ALL);
	/* Nothing left: nothing happens. */
	backspace(&p);
	assert_int_equal(p.len, 0);
	assert_string_equal(p.text, "");

	/* 255 bytes fit, more is ignored whole. */
	memset(big, 'a', 254);
	big[254] = '\0';
	type(&p, big);
	assert_int_equal(p.len, 254);
	type(&p, "\xc3\xa9");
	assert_int_equal(p.len, 254);
	type(&p, "b");
	assert_int_equal(p.len, 255);
	assert_int_equal(p.text[255], '\0');
	type(&p, "c");
	assert_int_equal(p.len, 255);
	assert_int_equal(p.text[254], 'b');
}

/* Typing or erasing chooses the first match again. */
static void
test_type_resets_sel(void **state)
{
	struct palette p;

	palette_open(&p, cmd_table, cmd_count);
	palette_move(&p, 12, 5);
	assert_int_equal(p.sel, 12);
	type(&p, "c");
	assert_int_equal(p.sel, 0);
	assert_int_equal(p.top, 0);
	assert_names(
	    &p, "commit chat close decide accept reject decisions since kick");
	palette_move(&p, 3, 5);
	backspace(&p);
	assert_int_equal(p.sel, 0);
	assert_int_equal(p.top, 0);

	/* Filtering again keeps the selection within the list. */
	palette_move(&p, 10, 5);
	assert_int_equal(p.sel, 10);
	memcpy(p.text, "wh", 3);
	p.len = 2;
	palette_filter(&p, cmd_table, cmd_count);
	assert_names(&p, "why who");
	assert_int_equal(p.sel, 1);
	assert_true(p.top <= p.sel);
	memcpy(p.text, "q", 2);
	p.len = 1;
	palette_filter(&p, cmd_table, cmd_count);
	assert_int_equal(p.sel, 0);
	assert_int_equal(p.top, 0);
	memcpy(p.text, "zz", 3);
	p.len = 2;
	palette_filter(&p, cmd_table, cmd_count);
	assert_int_equal(p.sel, 0);
	assert_int_equal(p.top, 0);
}

/* Up and Down: clamped at both ends; the top follows, height - 1 rows of
 * commands showing under the typed text. */
static void
test_move_and_top(void **state)
{
	struct palette p;

	palette_open(&p, cmd_table, cmd_count);
	palette_move(&p, -1, 5);
	assert_int_equal(p.sel, 0);
	assert_int_equal(p.top, 0);
	palette_move(&p, 3, 5);
	assert_int_equal(p.sel, 3);
	assert_int_equal(p.top, 0);
	palette_move(&p, 1, 5);
	assert_int_equal(p.sel, 4);
	assert_int_equal(p.top, 1);
	palette_move(&p, 1, 5);
	assert_int_equal(p.sel, 5);
	assert_int_equal(p.top, 2);
	palette_move(&p, -3, 5);
	assert_int_equal(p.sel, 2);
	assert_int_equal(p.top, 2);
	palette_move(&p, -1, 5);
	assert_int_equal(p.sel, 1);
	assert_int_equal(p.top, 1);
	palette_move(&p, 100, 5);
	assert_int_equal(p.sel, 29);
	assert_int_equal(p.top, 26);
	palette_move(&p, 1, 5);
	assert_int_equal(p.sel, 29);
	assert_int_equal(p.top, 26);
	palette_move(&p, -100, 5);
	assert_int_equal(p.sel, 0);
	assert_int_equal(p.top, 0);
	/* A taller overlay: everything fits, the top stays. */
	palette_move(&p, 17, 40);
	assert_int_equal(p.sel, 17);
	assert_int_equal(p.top, 0);
	/* A tiny one: one row, the top is the selection. */
	palette_move(&p, -2, 1);
	assert_int_equal(p.sel, 15);
	assert_int_equal(p.top, 15);
}

static void
assert_chosen(const struct palette *p, const char *name, const char *arg)
{
	const struct cmd_entry *e;
	const char *got = NULL;

	e = palette_chosen(p, cmd_table, cmd_count, &got);
	assert_non_null(e);
	assert_string_equal(e->name, name);
	assert_non_null(got);
	assert_string_equal(got, arg);
	/* arg points into the typed text. */
	assert_true(got >= p->text && got <= p->text + p->len);
}

/* Enter: the command named by the first word, else the chosen one; the
 * argument is the rest with leading spaces skipped. */
static void
test_chosen(void **state)
{
	struct palette p;

	palette_open(&p, cmd_table, cmd_count);
	assert_chosen(&p, "decide", "");
	palette_move(&p, 11, 10);
	assert_chosen(&p, "who", "");

	palette_open(&p, cmd_table, cmd_count);
	type(&p, "follow bob");
	assert_chosen(&p, "follow", "bob");
	backspace(&p);
	backspace(&p);
	backspace(&p);
	type(&p, "    bob  the builder ");
	assert_chosen(&p, "follow", "bob  the builder ");

	palette_open(&p, cmd_table, cmd_count);
	type(&p, "de");
	assert_chosen(&p, "decide", "");
	palette_move(&p, 1, 10);
	assert_chosen(&p, "decisions", "");
	type(&p, "cisions");
	assert_chosen(&p, "decisions", "");

	palette_open(&p, cmd_table, cmd_count);
	type(&p, "decide Use WAL mode");
	assert_chosen(&p, "decide", "Use WAL mode");
	/* Case does not matter for the exact name either. */
	palette_open(&p, cmd_table, cmd_count);
	type(&p, "WHO");
	assert_chosen(&p, "who", "");
	/* A partial word: the chosen match, with its argument. */
	palette_open(&p, cmd_table, cmd_count);
	type(&p, "sup 3");
	assert_chosen(&p, "supersede", "3");
	/* arg may be NULL. */
	assert_non_null(palette_chosen(&p, cmd_table, cmd_count, NULL));
}

/* With a table where one name holds another, the exact name wins over
 * the chosen match. */
static void
test_chosen_exact_wins(void **state)
{
	static const struct cmd_entry table[] = {
	    {"undo", "", "u", 0, NULL},
	    {"dot", "", "t", 0, NULL},
	    {"do", "X", "d", 0, NULL},
	};
	const struct cmd_entry *e;
	struct palette p;
	const char *arg;

	palette_open(&p, table, 3);
	assert_int_equal(p.nmatch, 3);
	palette_type(&p, table, 3, "do it", 5);
	assert_int_equal(p.nmatch, 3);
	assert_int_equal(p.match[0], 1); /* dot: a prefix */
	assert_int_equal(p.match[1], 2); /* do */
	assert_int_equal(p.match[2], 0); /* undo: elsewhere */
	e = palette_chosen(&p, table, 3, &arg);
	assert_ptr_equal(e, &table[2]);
	assert_string_equal(arg, "it");
	palette_move(&p, 2, 10);
	e = palette_chosen(&p, table, 3, &arg);
	assert_ptr_equal(e, &table[2]);
	/* Not a whole name: the chosen one. */
	palette_backspace(&p, table, 3);
	palette_backspace(&p, table, 3);
	palette_backspace(&p, table, 3);
	palette_backspace(&p, table, 3);
	assert_string_equal(p.text, "d");
	palette_move(&p, 2, 10);
	e = palette_chosen(&p, table, 3, &arg);
	assert_ptr_equal(e, &table[0]);
	assert_string_equal(arg, "");
}

/* At most 64 matches, whatever the table. */
static void
test_many_commands(void **state)
{
	struct cmd_entry table[100];
	char name[100][8];
	struct palette p;
	size_t i;

	for (i = 0; i < 100; i++) {
		snprintf(name[i], sizeof name[i], "c%zu", i);
		table[i].name = name[i];
		table[i].args = "";
		table[i].help = "";
		table[i].handler = NULL;
	}
	palette_open(&p, table, 100);
	assert_int_equal(p.nmatch, 64);
	assert_int_equal(p.match[63], 63);
	palette_type(&p, table, 100, "9", 1);
	/* No name starts with "9"; it is inside c9, c19, ..., c89 and
	 * c90 to c99. */
	assert_int_equal(p.nmatch, 19);
	assert_int_equal(p.match[0], 9);
	assert_int_equal(p.match[1], 19);
	palette_move(&p, 1000, 10);
	assert_int_equal(p.sel, 18);
}

static void
test_popup_add(void **state)
{
	struct popup p;

	memset(&p, 0, sizeof p);
	popup_open(&p, "Help");
	assert_string_equal(p.title, "Help");
	assert_int_equal(p.nlines, 0);
	popup_add(&p, "%cKeys:", POPUP_BOLD);
	popup_add(&p, "%d of %s", 3, "them");
	popup_add(&p, "a\nb\n\nc");
	popup_add(&p, "ends\n");
	popup_add(&p, "%s", "");
	popup_add(&p, "\n");
	assert_int_equal(p.nlines, 9);
	assert_string_equal(p.lines[0], "\001Keys:");
	assert_string_equal(p.lines[1], "3 of them");
	assert_string_equal(p.lines[2], "a");
	assert_string_equal(p.lines[3], "b");
	assert_string_equal(p.lines[4], "");
	assert_string_equal(p.lines[5], "c");
	assert_string_equal(p.lines[6], "ends");
	assert_string_equal(p.lines[7], "");
	assert_string_equal(p.lines[8], "");

	/* Opening again starts afresh (the old lines are freed). */
	p.top = 4;
	popup_open(&p, "Who is here");
	assert_string_equal(p.title, "Who is here");
	assert_int_equal(p.nlines, 0);
	assert_null(p.lines);
	assert_int_equal(p.top, 0);
	popup_add(&p, "Alice");
	popup_free(&p);
	assert_null(p.title);
	assert_null(p.lines);
	assert_int_equal(p.nlines, 0);
	/* Freeing twice is harmless. */
	popup_free(&p);
}

static enum popup_result
key(struct popup *p, enum keyc code, unsigned height)
{
	struct key_event k;

	memset(&k, 0, sizeof k);
	k.code = code;
	if (code == KEYC_CHAR)
		k.cp = 'q';
	return popup_key(p, &k, height);
}

/* 20 lines in a pop-up of 10 rows: 8 show, the top is 0 to 12. */
static void
test_popup_scroll(void **state)
{
	struct popup p;
	int i;

	memset(&p, 0, sizeof p);
	popup_open(&p, "Chat");
	for (i = 1; i <= 20; i++)
		popup_add(&p, "line %d", i);
	assert_int_equal(key(&p, KEYC_UP, 10), POPUP_KEPT);
	assert_int_equal(p.top, 0);
	assert_int_equal(key(&p, KEYC_DOWN, 10), POPUP_KEPT);
	assert_int_equal(p.top, 1);
	assert_int_equal(key(&p, KEYC_PGDN, 10), POPUP_KEPT);
	assert_int_equal(p.top, 9);
	assert_int_equal(key(&p, KEYC_PGDN, 10), POPUP_KEPT);
	assert_int_equal(p.top, 12);
	assert_int_equal(key(&p, KEYC_DOWN, 10), POPUP_KEPT);
	assert_int_equal(p.top, 12);
	assert_int_equal(key(&p, KEYC_PGUP, 10), POPUP_KEPT);
	assert_int_equal(p.top, 4);
	assert_int_equal(key(&p, KEYC_PGUP, 10), POPUP_KEPT);
	assert_int_equal(p.top, 0);
	assert_int_equal(key(&p, KEYC_END, 10), POPUP_KEPT);
	assert_int_equal(p.top, 12);
	assert_int_equal(key(&p, KEYC_HOME, 10), POPUP_KEPT);
	assert_int_equal(p.top, 0);

	/* Esc closes; any other key is not the pop-up's: it goes on. */
	p.top = 5;
	assert_int_equal(key(&p, KEYC_ESC, 10), POPUP_CLOSE);
	assert_int_equal(key(&p, KEYC_ENTER, 10), POPUP_PASS);
	assert_int_equal(key(&p, KEYC_CHAR, 10), POPUP_PASS);
	assert_int_equal(key(&p, KEYC_LEFT, 10), POPUP_PASS);
	assert_int_equal(key(&p, KEYC_F, 10), POPUP_PASS);
	assert_int_equal(p.top, 5);

	/* A top past the end (scrolled "to the end" by the caller) is
	 * brought back first. */
	p.top = 1000;
	assert_int_equal(key(&p, KEYC_UP, 10), POPUP_KEPT);
	assert_int_equal(p.top, 11);

	/* The terminal grew: the last page is full again. */
	assert_int_equal(key(&p, KEYC_DOWN, 20), POPUP_KEPT);
	assert_int_equal(p.top, 2);

	/* Tiny pop-ups scroll a line at a time. */
	p.top = 0;
	assert_int_equal(key(&p, KEYC_PGDN, 2), POPUP_KEPT);
	assert_int_equal(p.top, 1);
	assert_int_equal(key(&p, KEYC_END, 0), POPUP_KEPT);
	assert_int_equal(p.top, 19);

	/* Fewer lines than rows: nothing to scroll, so the arrows and pages
	 * go on to the text too. */
	popup_open(&p, "Who is here");
	popup_add(&p, "Alice\nBob\nCarol");
	assert_int_equal(key(&p, KEYC_END, 10), POPUP_PASS);
	assert_int_equal(key(&p, KEYC_DOWN, 10), POPUP_PASS);
	assert_int_equal(p.top, 0);
	assert_int_equal(key(&p, KEYC_ESC, 10), POPUP_CLOSE);
	popup_free(&p);

	/* Empty. */
	popup_open(&p, "Nothing");
	assert_int_equal(key(&p, KEYC_END, 10), POPUP_PASS);
	assert_int_equal(p.top, 0);
	popup_free(&p);
}

static void
act_none(struct client *c, const char *arg)
{
}

/* Lines with actions: the first is selected, the arrows move among them
 * (headings skipped), the selection stays in view, Enter opens. */
static void
test_popup_actions(void **state)
{
	struct popup p;
	char arg[16];
	int i;

	memset(&p, 0, sizeof p);
	popup_open(&p, "Since your last visit");
	popup_add(&p, "You were last here yesterday.");
	popup_add(&p, "%cFiles changed:", POPUP_BOLD);
	for (i = 0; i < 10; i++) {
		popup_add(&p, "  file%d", i);
		snprintf(arg, sizeof arg, "file%d:1", i);
		popup_act(&p, act_none, arg);
	}
	popup_add(&p, "%cOpen questions:", POPUP_BOLD);
	popup_add(&p, "  - why?");
	popup_act(&p, act_none, "42");
	popup_add(&p, "  (not to open)");
	assert_int_equal(p.nacts, 11);
	assert_int_equal(p.sel, 2);
	assert_string_equal(p.acts[p.sel].arg, "file0:1");
	assert_null(p.acts[0].fn);

	/* Up at the first stays; the top shows the headings above. */
	assert_int_equal(key(&p, KEYC_UP, 10), POPUP_KEPT);
	assert_int_equal(p.sel, 2);
	assert_int_equal(p.top, 0);
	for (i = 0; i < 9; i++)
		assert_int_equal(key(&p, KEYC_DOWN, 10), POPUP_KEPT);
	assert_int_equal(p.sel, 11);
	assert_int_equal(p.top, 4); /* 8 lines show: 4..11 */
	/* Down skips the heading to the question, then stays. */
	assert_int_equal(key(&p, KEYC_DOWN, 10), POPUP_KEPT);
	assert_int_equal(p.sel, 13);
	assert_string_equal(p.acts[p.sel].arg, "42");
	assert_int_equal(key(&p, KEYC_DOWN, 10), POPUP_KEPT);
	assert_int_equal(p.sel, 13);
	assert_int_equal(key(&p, KEYC_HOME, 10), POPUP_KEPT);
	assert_int_equal(p.sel, 2);
	assert_int_equal(p.top, 0);
	assert_int_equal(key(&p, KEYC_END, 10), POPUP_KEPT);
	assert_int_equal(p.sel, 13);
	assert_int_equal(key(&p, KEYC_PGUP, 10), POPUP_KEPT);
	assert_int_equal(p.sel, 5);

	assert_int_equal(key(&p, KEYC_ENTER, 10), POPUP_OPEN);
	assert_int_equal(key(&p, KEYC_CHAR, 10), POPUP_PASS);
	assert_int_equal(key(&p, KEYC_ESC, 10), POPUP_CLOSE);
	popup_free(&p);
	assert_int_equal(p.nacts, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_lists_all),
	    cmocka_unit_test(test_prefix_then_substring),
	    cmocka_unit_test(test_case_and_first_word),
	    cmocka_unit_test(test_no_match),
	    cmocka_unit_test(test_type_backspace_utf8),
	    cmocka_unit_test(test_type_resets_sel),
	    cmocka_unit_test(test_move_and_top),
	    cmocka_unit_test(test_chosen),
	    cmocka_unit_test(test_chosen_exact_wins),
	    cmocka_unit_test(test_many_commands),
	    cmocka_unit_test(test_popup_add),
	    cmocka_unit_test(test_popup_scroll),
	    cmocka_unit_test(test_popup_actions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
