/* test-syntax.c: syntax colours. The nanorc parser on good and bad files,
 * and what a person sees in their terminal (real daemon, SSH, libvterm). */
#include "moot.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "syntax.h"

#define SHORT 3000 /* ms for anything that should be immediate */
#define LONG 8000  /* ms for joining (key exchange, fork) */

/* The colours a syntax gives a line from state 0: one char per byte, '.'
 * for none, else 'a' + the colour's index modulo 26 (tests use few). */
static char *
paint(const struct syntax *syn, const char *line, uint32_t *state)
{
	static struct syntax_span spans[SYNTAX_SPANS_MAX];
	size_t len = strlen(line), n, i, j;
	char *out = xmalloc(len + 1);
	uint32_t st = state != NULL ? *state : 0;

	memset(out, '.', len);
	out[len] = '\0';
	st = syntax_line(syn, line, len, st, spans, &n);
	for (i = 0; i < n; i++) {
		for (j = spans[i].start; j < spans[i].end; j++)
			out[j] = 'a' + spans[i].colour % 26;
	}
	if (state != NULL)
		*state = st;
	return out;
}

#define assert_paint(syn, line, want)                                          \
	do {                                                                   \
		char *got_ = paint(syn, line, NULL);                           \
		assert_string_equal(got_, want);                               \
		free(got_);                                                    \
	} while (0)

static const char good[] = "## Two syntaxes, nano's way.\n"
                           "syntax \"c\" \"\\.c$\" \"\\.h$\"\n"
                           "header \"-\\*- C -\\*-\"\n"
                           "magic \"C source\"\n"
                           "comment \"//\"\n"
                           "  # an indented comment\n"
                           "color green \"\\<int\\>\"\n"
                           "icolor bold,red \"\\<todo\\>\"\n"
                           "color ,green \"[[:space:]]+$\"\n"
                           "color blue \"\"[^\"]*\"\" \"'.'\"\n"
                           "color normal \"\\<plain\\>\"\n"
                           "color brightblue start=\"/\\*\" end=\"\\*/\"\n"
                           "\n"
                           "syntax makefile \"/Makefile$\"\n"
                           "color cyan \"^#.*\"\n"
                           "include \"/somewhere/else.nanorc\"\n"
                           "linter whatever\n";

/* A good file: two syntaxes, found by path or first line; the rules. */
static void
test_nanorc_good(void **state)
{
	struct syntax_set *set = syntax_set_create();
	const struct syntax *c, *mk;
	uint32_t st = 0;
	char *got;

	assert_int_equal(
	    syntax_parse(set, "good.nanorc", good, strlen(good)), 0);
	assert_int_equal(syntax_count(set), 2);
	c = syntax_find(set, "src/x.c", "", 0);
	assert_non_null(c);
	assert_string_equal(syntax_name(c), "c");
	assert_ptr_equal(syntax_find(set, "x.h", "", 0), c);
	/* By its first line (nano's header). */
	assert_ptr_equal(syntax_find(set, "x.txt", "/* -*- C -*- */", 15), c);
	assert_null(syntax_find(set, "x.txt", "hello", 5));
	/* Paths are matched with a leading slash, as nano's whole paths. */
	mk = syntax_find(set, "Makefile", "", 0);
	assert_non_null(mk);
	assert_string_equal(syntax_name(mk), "makefile");
	assert_ptr_equal(syntax_find(set, "sub/Makefile", "", 0), mk);
	/* Rules, one per regex: the background-only one is left out. */
	assert_int_equal(syntax_rules(c), 6);
	assert_int_equal(syntax_multi(c), 1);

	/* int green (2 'c'), TODO in any case red (1 'b'), strings and
	 * quoted chars blue (4 'e'), "normal" back to none. */
	assert_paint(c, "int x; // Todo", "ccc.......bbbb");
	assert_paint(c, "x = \"a int\" 'q'", "....eeeeeee.eee");
	assert_paint(c, "todo ToDo", "bbbb.bbbb");
	assert_paint(c, "\"plain\"", "e.....e");
	/* \< sees the byte before where the search resumes. */
	assert_paint(c, "intint int", ".......ccc");
	/* ^ only at the start of the line. */
	assert_paint(mk, "# x", "ggg");
	assert_paint(mk, "a# x", "....");

	/* A comment over lines: the state says it is open (brightblue,
	 * 12 'm'). */
	got = paint(c, "int /* open", &st);
	assert_string_equal(got, "ccc.mmmmmmm");
	free(got);
	assert_int_equal(st, 1);
	got = paint(c, "int still", &st);
	assert_string_equal(got, "mmmmmmmmm");
	free(got);
	assert_int_equal(st, 1);
	got = paint(c, "done */ int", &st);
	assert_string_equal(got, "mmmmmmm.ccc");
	free(got);
	assert_int_equal(st, 0);
	syntax_set_free(set);
}

/* Bad rules are skipped one by one; the good ones around them stay. */
static void
test_nanorc_bad(void **state)
{
	static const char bad[] =
	    "color red \"x\"\n" /* outside a syntax */
	    "header \"x\"\n"    /* so is this */
	    "syntax c \"\\.c$\"\n"
	    "color red \"a(b\"\n"               /* bad regex */
	    "color red \"[z-a]\"\n"             /* bad regex */
	    "color red \"unterminated\n"        /* unterminated */
	    "color red \"x\"y\n"                /* no blank after */
	    "color chartreuse \"\\<int\\>\"\n"  /* unknown colour */
	    "color red,mud \"\\<int\\>\"\n"     /* unknown background */
	    "color red,blue,green \"x\"\n"      /* too many */
	    "color red unquoted\n"              /* not quoted */
	    "color red\n"                       /* nothing to colour */
	    "color red start=\"a\"\n"           /* start without end */
	    "color red start=\"(\" end=\"b\"\n" /* bad start */
	    "color red start=\"a\" end=\"(\"\n" /* bad end */
	    "color red \"(a*)*\\1\"\n"          /* back-reference */
	    "color red \"a+++\"\n"              /* repeated repetition */
	    "color red \"(a{1,100}){1,100}\"\n" /* counts too large */
	    "color red \"a{1025}\"\n"           /* count too large */
	    "color red \"[+*]+x{2}\"\n"         /* fine */
	    "color red \"\\\\1\"\n"             /* not one: kept */
	    "color green \"\\<int\\>\"\n"
	    "\x01\xff garbage \"\n"
	    "color yellow \"\\<if\\>\" \"(\" \"\\<else\\>\"\n"
	    "syntax c \"\\.h$\"\n" /* defined twice */
	    "color red \"int\"\n"; /* so outside one */
	struct syntax_set *set = syntax_set_create();
	const struct syntax *c;
	int skipped;

	skipped = syntax_parse(set, "bad.nanorc", bad, strlen(bad));
	assert_int_equal(skipped, 21);
	assert_int_equal(syntax_count(set), 1);
	c = syntax_find(set, "x.c", "", 0);
	assert_non_null(c);
	assert_null(syntax_find(set, "x.h", "", 0));
	/* What was good: "a" start/end... none; "int" green; "if" and
	 * "else" yellow (3 'd') around the bad "(". */
	assert_int_equal(syntax_rules(c), 5);
	assert_paint(c, "if int else \\1 *+xx", "dd.ccc.dddd.bb.bbbb");
	syntax_set_free(set);
}

/* Write name in dir with len bytes of text. */
static void
write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char *path;
	FILE *f;

	xasprintf(&path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	free(path);
}

/*
 * The bounds: a file over SYNTAX_FILE_MAX is skipped whole (in a
 * directory, the others are still read); a syntax keeps at most
 * SYNTAX_MULTI_MAX start/end rules; a regex over SYNTAX_REGEX_MAX bytes
 * is skipped. Only *.nanorc files are read; a missing directory is an
 * empty set.
 */
static void
test_nanorc_limits(void **state)
{
	size_t size = SYNTAX_FILE_MAX + 1, i, len;
	struct syntax_set *set;
	char *huge, *dir, *many;

	huge = xmalloc(size);
	memset(huge, '#', size);
	memcpy(huge, "syntax big \"\\.big$\"\n", 20);
	set = syntax_set_create();
	assert_int_equal(syntax_parse(set, "huge.nanorc", huge, size), 1);
	assert_int_equal(syntax_count(set), 0);
	syntax_set_free(set);

	dir = h_tmpdir("syntax");
	write_file(dir, "huge.nanorc", huge, size);
	write_file(dir, "good.nanorc", good, strlen(good));
	write_file(dir, "other.txt", "syntax txt \"\\.txt$\"\n", 20);
	set = syntax_load(dir);
	assert_int_equal(syntax_count(set), 2);
	assert_null(syntax_find(set, "a.big", "", 0));
	assert_null(syntax_find(set, "a.txt", "", 0));
	assert_non_null(syntax_find(set, "a.c", "", 0));
	syntax_set_free(set);
	free(huge);

	set = syntax_load("/nonexistent/syntax/dir");
	assert_int_equal(syntax_count(set), 0);
	syntax_set_free(set);

	/* 40 start/end rules: 32 kept. A regex too long: skipped. */
	many = xmalloc(64 * 40 + SYNTAX_REGEX_MAX + 64);
	len = sprintf(many, "syntax m \"\\.m$\"\n");
	for (i = 0; i < 40; i++)
		len += sprintf(
		    many + len, "color red start=\"<%zu\" end=\">\"\n", i);
	len += sprintf(many + len, "color red \"");
	memset(many + len, 'x', SYNTAX_REGEX_MAX + 1);
	len += SYNTAX_REGEX_MAX + 1;
	len += sprintf(many + len, "\"\n");
	set = syntax_set_create();
	assert_int_equal(syntax_parse(set, "many.nanorc", many, len), 9);
	assert_int_equal(syntax_multi(syntax_get(set, 0)), SYNTAX_MULTI_MAX);
	syntax_set_free(set);
	free(many);
	h_pass();
}

/* A syntax directory for the daemon with a C definition; its path. */
static char *
syntax_dir(void)
{
	static const char c[] =
	    "syntax c \"\\.c$\"\n"
	    "color green \"\\<(int|return)\\>\"\n"
	    "color brightblue start=\"/\\*\" end=\"\\*/\"\n"
	    "color lagoon \"\\<long\\>\"\n"
	    "color #f80 \"\\<char\\>\"\n";
	char *dir = h_tmpdir("syntax");

	write_file(dir, "c.nanorc", c, strlen(c));
	return dir;
}

/* The cell's foreground is the palette index want (-1: the default). */
struct fg_at {
	int x, y, want;
};

static int
fg_is(struct h_client *c, void *arg)
{
	struct fg_at *a = arg;
	struct h_cell cell;

	h_cell(c, a->x, a->y, &cell);
	if (a->want < 0)
		return cell.fg_default;
	return !cell.fg_default && cell.fg == a->want;
}

/*
 * Over SSH: a keyword shows green (palette index 2) and a comment over
 * two lines bright blue (12) in a 256-colour terminal; `syntax off` in
 * the palette takes them off that person's screen and not the other's;
 * `syntax on` brings them back.
 */
static void
test_syntax_ssh(void **state)
{
	const char *text = "int a; /* one\ntwo */ int\n";
	char *repo, *key, *dir = syntax_dir();
	struct h_daemon *d;
	struct h_client *alice, *bob;
	struct fg_at at;

	repo = h_repo_create("a.c", text, NULL);
	key = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start_args(repo, "--syntax-dir", dir, NULL);
	alice = h_join(h_daemon_port(d), key, "alice");
	bob = h_join(h_daemon_port(d), key, "bob");
	h_wait_row(alice, 0, "int a; /* one", LONG);
	h_wait_row(bob, 1, "two */ int", LONG);

	at.x = 1, at.y = 0, at.want = 2;
	h_wait_pred(alice, fg_is, &at, "int in green", SHORT);
	at.x = 8, at.y = 0, at.want = 12;
	h_wait_pred(alice, fg_is, &at, "the comment in bright blue", SHORT);
	at.x = 1, at.y = 1, at.want = 12;
	h_wait_pred(alice, fg_is, &at, "the comment's second line", SHORT);
	at.x = 8, at.y = 1, at.want = 2;
	h_wait_pred(alice, fg_is, &at, "int after the comment", SHORT);
	at.x = 5, at.y = 0, at.want = -1;
	h_wait_pred(alice, fg_is, &at, "a plain", SHORT);

	h_palette(alice, "syntax off", SHORT);
	at.x = 1, at.y = 0, at.want = -1;
	h_wait_pred(alice, fg_is, &at, "int plain after syntax off", SHORT);
	at.x = 1, at.y = 1, at.want = -1;
	h_wait_pred(alice, fg_is, &at, "the comment plain", SHORT);
	h_pump_all(200);
	at.x = 8, at.y = 1, at.want = 2;
	h_wait_pred(bob, fg_is, &at, "Bob still sees colours", SHORT);

	h_palette(alice, "syntax on", SHORT);
	at.x = 1, at.y = 0, at.want = 2;
	h_wait_pred(alice, fg_is, &at, "int green again", SHORT);

	h_client_close(alice);
	h_client_close(bob);
	assert_int_equal(h_daemon_stop(d), 0);
	h_pass();
}

/* --no-syntax: no colours for anyone, whatever the directory holds. */
static void
test_syntax_none(void **state)
{
	char *repo, *key, *dir = syntax_dir();
	struct h_daemon *d;
	struct h_client *alice;
	struct fg_at at;

	repo = h_repo_create("a.c", "int a;\n", NULL);
	key = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start_args(repo, "--syntax-dir", dir, "--no-syntax", NULL);
	alice = h_join(h_daemon_port(d), key, "alice");
	h_wait_row(alice, 0, "int a;", LONG);
	h_pump_all(300);
	at.x = 1, at.y = 0, at.want = -1;
	assert_true(fg_is(alice, &at));
	h_client_close(alice);
	assert_int_equal(h_daemon_stop(d), 0);
	h_pass();
}

/* Colours beyond the sixteen (nano's names and #rgb, 256-colour indexes
 * in frames since protocol 3) reach a 256-colour terminal as they are. */
static void
test_syntax_256(void **state)
{
	char *repo, *key, *dir = syntax_dir();
	struct h_daemon *d;
	struct h_client *alice;
	struct fg_at at;

	repo = h_repo_create("a.c", "long char x;\n", NULL);
	key = h_key_create(repo, "Alice <alice@example.com>");
	d = h_daemon_start_args(repo, "--syntax-dir", dir, NULL);
	alice = h_join(h_daemon_port(d), key, "alice");
	h_wait_row(alice, 0, "long char x;", LONG);
	at.x = 1, at.y = 0, at.want = 38;
	h_wait_pred(alice, fg_is, &at, "long in lagoon (38)", SHORT);
	at.x = 6, at.y = 0, at.want = 214;
	h_wait_pred(alice, fg_is, &at, "char in #f80 (214)", SHORT);
	at.x = 10, at.y = 0, at.want = -1;
	h_wait_pred(alice, fg_is, &at, "x plain", SHORT);
	h_client_close(alice);
	assert_int_equal(h_daemon_stop(d), 0);
	h_pass();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nanorc_good),
	    cmocka_unit_test(test_nanorc_bad),
	    cmocka_unit_test_setup_teardown(
	        test_nanorc_limits, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_syntax_ssh, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_syntax_none, h_setup, h_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_syntax_256, h_setup, h_teardown),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	if (getenv("E2E_FILTER") != NULL)
		cmocka_set_test_filter(getenv("E2E_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
