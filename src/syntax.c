/* syntax.c: syntax definitions read from nano's syntax files (*.nanorc)
 * at start, and the colours they give one line of text. */
#include "moot.h"

#include <sys/queue.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "syntax.h"

/*
 * What is read of a nanorc file (nanorc(5)): "syntax NAME REGEX...",
 * "header REGEX...", and "color"/"icolor" rules, either "SPEC REGEX..."
 * (each match coloured) or "SPEC start=REGEX end=REGEX" (from a match of
 * start to the next match of end, across lines). Everything else (magic,
 * comment, linter, include, extendsyntax, ...) is ignored. Regular
 * expressions are POSIX extended ones, as nano compiles them. A rule
 * that does not parse or compile is logged and skipped; the rest of the
 * file still counts.
 */

struct syntax_rule {
	regex_t start; /* the match, or the start of a start/end rule */
	regex_t end;
	int multi;  /* the state bit of a start/end rule, or -1 */
	int colour; /* a 256-colour index, or -1 for the default */
};

struct syntax {
	uint64_t id; /* never the same for two syntaxes (caches key on it) */
	char *name;
	regex_t *files; /* on the file's path */
	size_t nfiles;
	regex_t *headers; /* on its first line */
	size_t nheaders;
	struct syntax_rule *rules; /* in file order: later ones paint over */
	unsigned nrules;
	unsigned nmulti;
	TAILQ_ENTRY(syntax) entry;
};

struct syntax_set {
	TAILQ_HEAD(, syntax) list;
	size_t n;
	size_t nregex; /* compiled, in all */
};

/* nano's colour names beyond the eight, as 256-colour indices. */
static const struct {
	const char *name;
	int index;
} syntax_names[] = {
    {"pink", 204},
    {"purple", 163},
    {"mauve", 134},
    {"lagoon", 38},
    {"mint", 48},
    {"lime", 148},
    {"peach", 215},
    {"orange", 208},
    {"latte", 137},
    {"rosy", 175},
    {"beet", 127},
    {"plum", 98},
    {"sea", 32},
    {"sky", 111},
    {"slate", 66},
    {"teal", 35},
    {"sage", 107},
    {"brown", 100},
    {"ocher", 142},
    {"sand", 186},
    {"tawny", 136},
    {"brick", 166},
    {"crimson", 161},
    {"grey", 8},
    {"gray", 8},
};

static uint64_t syntax_next_id;

static const char *syntax_basic[] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};

static int
syntax_hex(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int
syntax_colour(const char *name)
{
	const char *base = name;
	int bright = 0, r, g, b;
	size_t i;

	if (*name == '\0' || strcasecmp(name, "normal") == 0)
		return -1;
	if (name[0] == '#') {
		/* #rgb: the nearest colour of the 6x6x6 cube. */
		if (strlen(name) != 4 || (r = syntax_hex(name[1])) < 0 ||
		    (g = syntax_hex(name[2])) < 0 ||
		    (b = syntax_hex(name[3])) < 0)
			return -2;
		return 16 + 36 * ((r * 5 + 7) / 15) + 6 * ((g * 5 + 7) / 15) +
		       (b * 5 + 7) / 15;
	}
	for (i = 0; i < sizeof syntax_names / sizeof *syntax_names; i++) {
		if (strcasecmp(name, syntax_names[i].name) == 0)
			return syntax_names[i].index;
	}
	if (strncasecmp(name, "bright", 6) == 0) {
		base = name + 6;
		bright = 1;
	} else if (strncasecmp(name, "light", 5) == 0) {
		base = name + 5;
		bright = 1;
	}
	for (i = 0; i < 8; i++) {
		if (strcasecmp(base, syntax_basic[i]) == 0)
			return (int)i + (bright ? 8 : 0);
	}
	return -2;
}

struct syntax_set *
syntax_set_create(void)
{
	struct syntax_set *set = xcalloc(1, sizeof *set);

	TAILQ_INIT(&set->list);
	return set;
}

static void
syntax_free(struct syntax *s)
{
	size_t i;

	for (i = 0; i < s->nfiles; i++)
		regfree(&s->files[i]);
	for (i = 0; i < s->nheaders; i++)
		regfree(&s->headers[i]);
	for (i = 0; i < s->nrules; i++) {
		regfree(&s->rules[i].start);
		if (s->rules[i].multi >= 0)
			regfree(&s->rules[i].end);
	}
	free(s->files);
	free(s->headers);
	free(s->rules);
	free(s->name);
	free(s);
}

void
syntax_set_free(struct syntax_set *set)
{
	struct syntax *s;

	if (set == NULL)
		return;
	while ((s = TAILQ_FIRST(&set->list)) != NULL) {
		TAILQ_REMOVE(&set->list, s, entry);
		syntax_free(s);
	}
	free(set);
}

size_t
syntax_count(const struct syntax_set *set)
{
	return set != NULL ? set->n : 0;
}

/* Bad rules of one file said in the log; the rest are counted. */
#define SYNTAX_WARN_MAX 10

/* One file's parse: where it is, for the log. */
struct syntax_parse {
	struct syntax_set *set;
	const char *file;
	unsigned line;
	struct syntax *cur; /* the syntax rules go to, or NULL */
	int bad;            /* rules skipped */
};

static void
syntax_bad(struct syntax_parse *p, const char *what, const char *detail)
{
	char *safe, *q;

	p->bad++;
	if (p->bad > SYNTAX_WARN_MAX)
		return; /* counted, said at the end of the file */
	safe = xstrdup(detail != NULL ? detail : "");
	/* What the file says goes to the log: only printable ASCII. */
	for (q = safe; *q != '\0'; q++) {
		if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e)
			*q = '?';
	}
	if (strlen(safe) > 64)
		safe[64] = '\0';
	log_warn("%s:%u: %s%s%s; skipped", p->file, p->line, what,
	    *safe != '\0' ? ": " : "", safe);
	free(safe);
}

/* The next word of a line: a run of non-blanks. */
static char *
syntax_word(char **pp)
{
	char *p = *pp, *w;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0') {
		*pp = p;
		return NULL;
	}
	w = p;
	while (*p != '\0' && *p != ' ' && *p != '\t')
		p++;
	if (*p != '\0')
		*p++ = '\0';
	*pp = p;
	return w;
}

/*
 * A quoted argument, nano's way: from after the opening quote to the
 * first quote followed by a blank or the end of the line, so a regular
 * expression may hold quotes. *pp must point at the opening quote.
 * Returns NULL (and says why) if unterminated or too long.
 */
static char *
syntax_quoted(struct syntax_parse *p, char **pp)
{
	char *s = *pp + 1, *q;

	for (q = s; *q != '\0'; q++) {
		if (*q == '"' && (q[1] == '\0' || q[1] == ' ' || q[1] == '\t'))
			break;
	}
	if (*q == '\0') {
		syntax_bad(p, "unterminated quote", s);
		return NULL;
	}
	*q = '\0';
	*pp = q + 1;
	if (q - s > SYNTAX_REGEX_MAX) {
		syntax_bad(p, "regular expression too long", NULL);
		return NULL;
	}
	return s;
}

static void
syntax_blanks(char **pp)
{
	while (**pp == ' ' || **pp == '\t')
		(*pp)++;
}

/* The end of a bracket expression starting at q ("[...]"), or NULL. */
static const char *
syntax_bracket(const char *q)
{
	char c;

	q++;
	if (*q == '^')
		q++;
	if (*q == ']')
		q++;
	for (; *q != '\0' && *q != ']'; q++) {
		if (*q == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
			c = q[1];
			for (q += 2; *q != '\0' && !(*q == c && q[1] == ']');
			     q++)
				;
			if (*q == '\0')
				return NULL;
			q++;
		}
	}
	return *q == ']' ? q : NULL;
}

/*
 * Whether glibc may compile and run a regular expression in bounded time
 * and memory; why not in *why. It compiles a counted repetition x{m,n}
 * as n copies of x (nested ones multiply), a repetition of a repetition
 * (a+++) into a tree that doubles with each, and matches back-references
 * (\1 to \9, which it accepts in extended expressions) in exponential
 * time: so repetitions may not follow one another, the counts of all of
 * them multiplied may not pass SYNTAX_REPEAT_MAX, and back-references
 * are refused. nano's own files stay well inside (their largest count
 * is 8, and they have no back-reference).
 */
static int
syntax_tame(const char *q, const char **why)
{
	unsigned long product = 1, m, n;
	int quant = 0;
	char *end;

	for (; *q != '\0'; q++) {
		if (*q == '\\') {
			if (*++q == '\0')
				break;
			if (*q >= '1' && *q <= '9') {
				*why = "a back-reference";
				return 0;
			}
			quant = 0;
		} else if (*q == '[') {
			if ((q = syntax_bracket(q)) == NULL)
				return 1; /* regcomp says what is wrong */
			quant = 0;
		} else if (*q == '*' || *q == '+' || *q == '?') {
			if (quant) {
				*why = "a repetition of a repetition";
				return 0;
			}
			quant = 1;
		} else if (*q == '{' && q[1] >= '0' && q[1] <= '9') {
			if (quant) {
				*why = "a repetition of a repetition";
				return 0;
			}
			m = strtoul(q + 1, &end, 10);
			n = m;
			if (*end == ',' && end[1] >= '0' && end[1] <= '9')
				n = strtoul(end + 1, &end, 10);
			else if (*end == ',')
				end++;
			if (*end != '}')
				return 1;
			if (n < m)
				n = m;
			if (n > SYNTAX_REPEAT_MAX ||
			    (product *= n + 1) > SYNTAX_REPEAT_MAX) {
				*why = "repetition counts too large";
				return 0;
			}
			q = end;
			quant = 1;
		} else
			quant = 0;
	}
	return 1;
}

/*
 * regcomp in the C locale: glibc decides at compile time whether a
 * regular expression works on bytes or on characters of the locale, and
 * the daemon runs in a UTF-8 one, where every regexec first converts the
 * line to wide characters; that made colouring a typed line several
 * times dearer. On bytes, non-ASCII letters are not word characters
 * (nano's files are written for ASCII keywords) and a span may start
 * inside a character: a character is coloured as its first byte is.
 */
static int
syntax_regcomp(regex_t *re, const char *text, int flags)
{
	static locale_t c_locale;
	locale_t old;
	int rc;

	if (c_locale == (locale_t)0)
		c_locale = newlocale(LC_CTYPE_MASK, "C", (locale_t)0);
	if (c_locale == (locale_t)0)
		return regcomp(re, text, flags);
	old = uselocale(c_locale);
	rc = regcomp(re, text, flags);
	uselocale(old);
	return rc;
}

/* Compile one regular expression, within the set's bounds. */
static int
syntax_compile(struct syntax_parse *p, regex_t *re, const char *text, int flags)
{
	const char *why;
	char err[128];
	int rc;

	if (!syntax_tame(text, &why)) {
		syntax_bad(p, why, text);
		return -1;
	}
	if (p->set->nregex >= SYNTAX_REGEXES_MAX) {
		syntax_bad(p, "too many regular expressions", NULL);
		return -1;
	}
	if ((rc = syntax_regcomp(re, text, REG_EXTENDED | flags)) != 0) {
		regerror(rc, re, err, sizeof err);
		regfree(re);
		syntax_bad(p, "bad regular expression", err);
		return -1;
	}
	p->set->nregex++;
	return 0;
}

/* The next quoted regular expression of *rest, or NULL at the end of the
 * line or at something else (said, as a bad rule). */
static char *
syntax_next_pattern(struct syntax_parse *p, char **rest)
{
	syntax_blanks(rest);
	if (**rest == '\0')
		return NULL;
	if (**rest != '"') {
		syntax_bad(p, "a regular expression must be quoted", *rest);
		return NULL;
	}
	return syntax_quoted(p, rest);
}

/* The regular expressions that follow a keyword, into an array. */
static void
syntax_patterns(struct syntax_parse *p, char *rest, regex_t **res, size_t *n)
{
	regex_t re;
	char *text;

	while ((text = syntax_next_pattern(p, &rest)) != NULL) {
		if (syntax_compile(p, &re, text, REG_NOSUB) != 0)
			continue;
		*res = xreallocarray(*res, *n + 1, sizeof **res);
		(*res)[(*n)++] = re;
	}
}

static void
syntax_start(struct syntax_parse *p, char *rest)
{
	struct syntax *s;
	char *name;

	p->cur = NULL;
	syntax_blanks(&rest);
	if (*rest == '"') {
		if ((name = syntax_quoted(p, &rest)) == NULL)
			return;
	} else if ((name = syntax_word(&rest)) == NULL) {
		syntax_bad(p, "a syntax needs a name", NULL);
		return;
	}
	TAILQ_FOREACH (s, &p->set->list, entry) {
		if (strcmp(s->name, name) == 0) {
			syntax_bad(p, "syntax defined twice", name);
			return;
		}
	}
	s = xcalloc(1, sizeof *s);
	s->id = ++syntax_next_id;
	s->name = xstrdup(name);
	syntax_patterns(p, rest, &s->files, &s->nfiles);
	TAILQ_INSERT_TAIL(&p->set->list, s, entry);
	p->set->n++;
	p->cur = s;
}

/*
 * The colour of "color [bold,][italic,]FG[,BG]": FG as a 256-colour
 * index, -1 for the default. Only the foreground counts: backgrounds
 * would clash with people's cursors and selections. Returns -2 for a
 * rule with no foreground (nothing to do), -3 for a bad one.
 */
static int
syntax_spec(struct syntax_parse *p, char *spec)
{
	char *tok, *fg = NULL, *bg = NULL;
	int n = 0, c;

	while ((tok = strsep(&spec, ",")) != NULL) {
		if (n == 0 && (strcasecmp(tok, "bold") == 0 ||
		                  strcasecmp(tok, "italic") == 0))
			continue;
		if (n == 0)
			fg = tok;
		else if (n == 1)
			bg = tok;
		else {
			syntax_bad(p, "too many colours", tok);
			return -3;
		}
		n++;
	}
	if (fg == NULL) {
		syntax_bad(p, "no colour", NULL);
		return -3;
	}
	if (bg != NULL && *bg != '\0' && syntax_colour(bg) == -2) {
		syntax_bad(p, "unknown colour", bg);
		return -3;
	}
	if (*fg == '\0')
		return -2;
	if ((c = syntax_colour(fg)) == -2) {
		syntax_bad(p, "unknown colour", fg);
		return -3;
	}
	return c;
}

static void
syntax_add_rule(struct syntax_parse *p, const struct syntax_rule *r)
{
	struct syntax *s = p->cur;

	s->rules = xreallocarray(s->rules, s->nrules + 1, sizeof *s->rules);
	s->rules[s->nrules++] = *r;
}

/* "color SPEC REGEX..." or "color SPEC start=REGEX end=REGEX". */
static void
syntax_rule(struct syntax_parse *p, char *rest, int icase)
{
	struct syntax_rule r;
	char *spec, *start, *end, *text;
	int colour, flags = icase ? REG_ICASE : 0;

	if (p->cur == NULL) {
		syntax_bad(p, "a colour rule outside a syntax", NULL);
		return;
	}
	if ((spec = syntax_word(&rest)) == NULL) {
		syntax_bad(p, "a colour rule without a colour", NULL);
		return;
	}
	if ((colour = syntax_spec(p, spec)) == -3)
		return;
	syntax_blanks(&rest);
	if (*rest == '\0') {
		syntax_bad(
		    p, "a colour rule without a regular expression", NULL);
		return;
	}
	if (strncmp(rest, "start=\"", 7) == 0) {
		rest += 6;
		if ((start = syntax_quoted(p, &rest)) == NULL)
			return;
		syntax_blanks(&rest);
		if (strncmp(rest, "end=\"", 5) != 0) {
			syntax_bad(p, "start= without end=", NULL);
			return;
		}
		rest += 4;
		if ((end = syntax_quoted(p, &rest)) == NULL)
			return;
		if (colour == -2)
			return; /* a background only */
		if (p->cur->nrules >= SYNTAX_RULES_MAX ||
		    p->cur->nmulti >= SYNTAX_MULTI_MAX) {
			syntax_bad(p, "too many rules", p->cur->name);
			return;
		}
		memset(&r, 0, sizeof r);
		if (syntax_compile(p, &r.start, start, flags) != 0)
			return;
		if (syntax_compile(p, &r.end, end, flags) != 0) {
			regfree(&r.start);
			p->set->nregex--;
			return;
		}
		r.multi = p->cur->nmulti++;
		r.colour = colour;
		syntax_add_rule(p, &r);
		return;
	}
	while ((text = syntax_next_pattern(p, &rest)) != NULL) {
		if (colour == -2)
			continue;
		if (p->cur->nrules >= SYNTAX_RULES_MAX) {
			syntax_bad(p, "too many rules", p->cur->name);
			return;
		}
		memset(&r, 0, sizeof r);
		if (syntax_compile(p, &r.start, text, flags) != 0)
			continue;
		r.multi = -1;
		r.colour = colour;
		syntax_add_rule(p, &r);
	}
}

/* One line of a file (NUL-terminated, newline removed). */
static void
syntax_parse_line(struct syntax_parse *p, char *line)
{
	char *rest = line, *word;

	if ((word = syntax_word(&rest)) == NULL || *word == '#')
		return;
	if (strcmp(word, "syntax") == 0)
		syntax_start(p, rest);
	else if (strcmp(word, "header") == 0) {
		if (p->cur == NULL)
			syntax_bad(p, "a header outside a syntax", NULL);
		else
			syntax_patterns(
			    p, rest, &p->cur->headers, &p->cur->nheaders);
	} else if (strcmp(word, "color") == 0)
		syntax_rule(p, rest, 0);
	else if (strcmp(word, "icolor") == 0)
		syntax_rule(p, rest, 1);
	/* Anything else is nano's business (magic, comment, linter...). */
}

int
syntax_parse(
    struct syntax_set *set, const char *name, const char *text, size_t len)
{
	struct syntax_parse p;
	const char *nl, *end = text + len;
	char *line;

	memset(&p, 0, sizeof p);
	p.set = set;
	p.file = name;
	if (len > SYNTAX_FILE_MAX) {
		p.line = 0;
		syntax_bad(&p, "file too large", NULL);
		return p.bad;
	}
	while (text < end) {
		p.line++;
		if ((nl = memchr(text, '\n', end - text)) == NULL)
			nl = end;
		line = xstrndup(text, nl - text);
		/* A NUL byte ends the line where C sees it end. */
		syntax_parse_line(&p, line);
		free(line);
		text = nl < end ? nl + 1 : end;
	}
	if (p.bad > SYNTAX_WARN_MAX)
		log_warn("%s: %d more bad rules skipped", name,
		    p.bad - SYNTAX_WARN_MAX);
	return p.bad;
}

/* Read one file whole, within the size bound. */
static char *
syntax_read(const char *path, size_t *len)
{
	struct stat st;
	char *data;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > SYNTAX_FILE_MAX) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	data = xmalloc(SYNTAX_FILE_MAX + 1);
	while (got <= SYNTAX_FILE_MAX) {
		n = read(fd, data + got, SYNTAX_FILE_MAX + 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	if (got > SYNTAX_FILE_MAX) {
		free(data);
		errno = EFBIG;
		return NULL;
	}
	*len = got;
	return data;
}

static int
syntax_nanorc(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 7 && e->d_name[0] != '.' &&
	       strcmp(e->d_name + n - 7, ".nanorc") == 0;
}

struct syntax_set *
syntax_load(const char *dir)
{
	struct syntax_set *set = syntax_set_create();
	struct dirent **list;
	char *path, *data;
	size_t len;
	int n, i;

	if ((n = scandir(dir, &list, syntax_nanorc, alphasort)) == -1) {
		log_warn(
		    "syntax colours: cannot read %s: %s", dir, strerror(errno));
		return set;
	}
	for (i = 0; i < n; i++) {
		if (i >= SYNTAX_FILES_MAX) {
			if (i == SYNTAX_FILES_MAX)
				log_warn("syntax colours: only the first %d "
				         "files of %s are read",
				    SYNTAX_FILES_MAX, dir);
		} else {
			xasprintf(&path, "%s/%s", dir, list[i]->d_name);
			if ((data = syntax_read(path, &len)) == NULL)
				log_warn("syntax colours: %s: %s", path,
				    strerror(errno));
			else {
				syntax_parse(set, path, data, len);
				free(data);
			}
			free(path);
		}
		free(list[i]);
	}
	free(list);
	log_info("syntax colours: %zu definitions from %s", set->n, dir);
	return set;
}

/* Match re in line[from, len) (line NUL-terminated at len). */
static int
syntax_exec(
    const regex_t *re, const char *line, size_t len, size_t from, regmatch_t *m)
{
#ifdef REG_STARTEND
	m->rm_so = from;
	m->rm_eo = len;
	return regexec(re, line, 1, m, REG_STARTEND) == 0;
#else
	if (regexec(re, line + from, 1, m, from > 0 ? REG_NOTBOL : 0) != 0)
		return 0;
	m->rm_so += from;
	m->rm_eo += from;
	return 1;
#endif
}

const struct syntax *
syntax_find(const struct syntax_set *set, const char *path, const char *first,
    size_t first_len)
{
	const struct syntax *s;
	char *slashed, *head;
	size_t i;

	if (set == NULL)
		return NULL;
	/* A leading slash, as nano matches whole paths ("/Makefile$"). */
	xasprintf(&slashed, "/%s", path);
	TAILQ_FOREACH (s, &set->list, entry) {
		for (i = 0; i < s->nfiles; i++) {
			if (regexec(&s->files[i], slashed, 0, NULL, 0) == 0) {
				free(slashed);
				return s;
			}
		}
	}
	free(slashed);
	if (first_len > SYNTAX_LINE_MAX)
		first_len = SYNTAX_LINE_MAX;
	head = xstrndup(first, first_len);
	TAILQ_FOREACH (s, &set->list, entry) {
		for (i = 0; i < s->nheaders; i++) {
			if (regexec(&s->headers[i], head, 0, NULL, 0) == 0) {
				free(head);
				return s;
			}
		}
	}
	free(head);
	return NULL;
}

const struct syntax *
syntax_get(const struct syntax_set *set, size_t i)
{
	const struct syntax *s;

	if (set == NULL)
		return NULL;
	TAILQ_FOREACH (s, &set->list, entry) {
		if (i-- == 0)
			return s;
	}
	return NULL;
}

const char *
syntax_name(const struct syntax *s)
{
	return s->name;
}

uint64_t
syntax_id(const struct syntax *s)
{
	return s->id;
}

unsigned
syntax_multi(const struct syntax *s)
{
	return s->nmulti;
}

unsigned
syntax_rules(const struct syntax *s)
{
	return s->nrules;
}

static void
syntax_paint(int16_t *paint, size_t from, size_t to, int colour)
{
	while (from < to)
		paint[from++] = colour;
}

/* A single-line rule: every match, left to right. */
static void
syntax_single(
    const struct syntax_rule *r, const char *line, size_t len, int16_t *paint)
{
	regmatch_t m;
	size_t pos = 0;

	while (pos <= len && syntax_exec(&r->start, line, len, pos, &m)) {
		if (m.rm_eo <= m.rm_so) {
			pos = m.rm_so + 1; /* empty: look on */
			continue;
		}
		if (paint != NULL)
			syntax_paint(paint, m.rm_so, m.rm_eo, r->colour);
		pos = m.rm_eo;
	}
}

/* A start/end rule: from each start to the next end, or on past the end
 * of the line (then the next line starts inside). Returns inside. */
static int
syntax_region(const struct syntax_rule *r, const char *line, size_t len,
    int inside, int16_t *paint)
{
	regmatch_t s, e;
	size_t pos = 0;

	if (inside) {
		if (!syntax_exec(&r->end, line, len, 0, &e)) {
			if (paint != NULL)
				syntax_paint(paint, 0, len, r->colour);
			return 1;
		}
		if (paint != NULL)
			syntax_paint(paint, 0, e.rm_eo, r->colour);
		pos = e.rm_eo;
	}
	while (pos <= len && syntax_exec(&r->start, line, len, pos, &s)) {
		if (!syntax_exec(&r->end, line, len, s.rm_eo, &e)) {
			if (paint != NULL)
				syntax_paint(paint, s.rm_so, len, r->colour);
			return 1;
		}
		if (paint != NULL)
			syntax_paint(paint, s.rm_so, e.rm_eo, r->colour);
		pos = (size_t)e.rm_eo > pos ? (size_t)e.rm_eo : pos + 1;
	}
	return 0;
}

uint32_t
syntax_line(const struct syntax *syn, const char *text, size_t len,
    uint32_t state, struct syntax_span *spans, size_t *nspans)
{
	int16_t paint[SYNTAX_LINE_MAX];
	char line[SYNTAX_LINE_MAX + 1];
	const struct syntax_rule *r;
	uint32_t out = 0, bit;
	size_t i, j, n = 0;
	unsigned k;

	if (len > SYNTAX_LINE_MAX)
		len = SYNTAX_LINE_MAX;
	memcpy(line, text, len);
	line[len] = '\0';
	if (spans != NULL) {
		for (i = 0; i < len; i++)
			paint[i] = -1;
	}
	for (k = 0; k < syn->nrules; k++) {
		r = &syn->rules[k];
		if (r->multi < 0) {
			if (spans != NULL)
				syntax_single(r, line, len, paint);
			continue;
		}
		bit = (uint32_t)1 << r->multi;
		if (syntax_region(r, line, len, (state & bit) != 0,
		        spans != NULL ? paint : NULL))
			out |= bit;
	}
	if (spans == NULL)
		return out;
	for (i = 0; i < len; i = j) {
		for (j = i + 1; j < len && paint[j] == paint[i]; j++)
			;
		if (paint[i] < 0)
			continue;
		spans[n].start = i;
		spans[n].end = j;
		spans[n].colour = paint[i];
		n++;
	}
	*nspans = n;
	return out;
}
