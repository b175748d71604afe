/* syntax.h: syntax definitions read from nano's syntax files, and the
 * colours they give one line of text. */
#ifndef MOOT_SYNTAX_H
#define MOOT_SYNTAX_H

#include <stddef.h>
#include <stdint.h>

/* Where the definitions are read from unless --syntax-dir says. */
#define SYNTAX_DIR "/usr/share/nano"

/*
 * The files are input: bounds on what is read. A file over a bound is
 * skipped whole, a rule over one is skipped (and logged).
 */
#define SYNTAX_FILES_MAX 256         /* *.nanorc files read */
#define SYNTAX_FILE_MAX (256 * 1024) /* bytes of one file */
#define SYNTAX_REGEX_MAX 2048        /* bytes of one regular expression */
#define SYNTAX_REGEXES_MAX 8192      /* regular expressions in all */
#define SYNTAX_RULES_MAX 512         /* colour rules of one syntax */
#define SYNTAX_MULTI_MAX 32          /* start/end rules of one syntax */
#define SYNTAX_LINE_MAX 4096         /* bytes of a line that get colours */
#define SYNTAX_REPEAT_MAX 1024       /* counted repetitions {m,n}, multiplied */

/* A line's colours: bytes [start, end) have colour (a 256-colour index). */
struct syntax_span {
	uint16_t start, end;
	uint8_t colour;
};
/* The most spans one line can have. */
#define SYNTAX_SPANS_MAX SYNTAX_LINE_MAX

struct syntax;
struct syntax_set;

/* Read every *.nanorc of dir (sorted by name). Never fails: what cannot
 * be read is logged and left out, so the set may be empty. */
struct syntax_set *syntax_load(const char *dir);
/* An empty set, and one file's text added to it (tests, the fuzzer).
 * Returns the rules skipped as bad. */
struct syntax_set *syntax_set_create(void);
int syntax_parse(
    struct syntax_set *, const char *name, const char *text, size_t len);
void syntax_set_free(struct syntax_set *);
size_t syntax_count(const struct syntax_set *);

/* The syntax for a file: by its path, else by its first line (nano's
 * "header"); NULL for none. */
const struct syntax *syntax_find(const struct syntax_set *, const char *path,
    const char *first, size_t first_len);
/* The i-th syntax read (tests, the fuzzer); NULL past the last. */
const struct syntax *syntax_get(const struct syntax_set *, size_t i);
const char *syntax_name(const struct syntax *);
/* A number no other syntax ever has, even after this one is freed. */
uint64_t syntax_id(const struct syntax *);
/* Start/end rules: the state bits a line can start in. */
unsigned syntax_multi(const struct syntax *);
/* The rules, for tests: how many there are. */
unsigned syntax_rules(const struct syntax *);

/*
 * Colour one line (its first SYNTAX_LINE_MAX bytes; no newline) that
 * starts in state (bit k: inside start/end rule k). Spans go to spans
 * (room for SYNTAX_SPANS_MAX), their number to *nspans; with spans NULL
 * only the state is computed. Returns the state at the end of the line.
 */
uint32_t syntax_line(const struct syntax *, const char *line, size_t len,
    uint32_t state, struct syntax_span *spans, size_t *nspans);

/* A colour name of nano's ("red", "brightblue", "lagoon", "#0af"...) as
 * a 256-colour index; -1 for "normal" (the default), -2 if unknown. */
int syntax_colour(const char *name);

#endif
