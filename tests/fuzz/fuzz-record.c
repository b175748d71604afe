/* fuzz-record.c: libFuzzer target for decision records (record.c).
 * Parses, edits and summarises any bytes, and checks what edits promise. */
#include "moot.h"

#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "utf8.h"

static void
fuzz_check(int ok)
{
	if (!ok)
		abort();
}

/* Is s[0..n) free of needle (ignoring ASCII case)? */
static int
fuzz_lacks(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i, j;
	int c1, c2;

	for (i = 0; k <= n && i <= n - k; i++) {
		for (j = 0; j < k; j++) {
			c1 = (unsigned char)s[i + j];
			c2 = (unsigned char)needle[j];
			if (c1 >= 'A' && c1 <= 'Z')
				c1 += 'a' - 'A';
			if (c1 != c2)
				break;
		}
		if (j == k)
			return 0;
	}
	return 1;
}

/* Is a a subsequence of b: every byte of a kept, in order? */
static int
fuzz_kept(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j;

	for (j = 0; j < bn && i < an; j++) {
		if (a[i] == b[j])
			i++;
	}
	return i == an;
}

/* Check a record's strings are readable. */
static void
fuzz_record(const struct record *r)
{
	size_t i, sum = 0;

	if (r->title != NULL)
		sum += strlen(r->title);
	if (r->status != NULL)
		sum += strlen(r->status);
	if (r->date != NULL)
		sum += strlen(r->date);
	if (r->deciders != NULL)
		sum += strlen(r->deciders);
	for (i = 0; i < r->nquestions; i++)
		sum += strlen(r->questions[i]);
	for (i = 0; i < r->nsupersedes; i++)
		fuzz_check(r->supersedes[i] != 0);
	fuzz_check(r->status != NULL || r->state == RECORD_UNKNOWN);
	(void)sum;
}

/*
 * Is a commit message free of what must never reach git (inert.h): C0
 * controls but '\n', DEL, C1 controls, invisible code points, invalid
 * UTF-8? And is its last paragraph exactly the one trailer line given?
 */
static int
fuzz_commit_safe(const char *m)
{
	const unsigned char *p = (const unsigned char *)m;
	size_t len = strlen(m), i, n;
	const char *last;
	uint32_t cp;

	for (i = 0; i < len; i += n) {
		n = utf8_decode(p + i, len - i, &cp);
		if (cp == UTF8_INVALID || (cp < 0x20 && cp != '\n') ||
		    (cp >= 0x7f && cp < 0xa0) || utf8_invisible(cp))
			return 0;
	}
	if ((last = strstr(m, "\n\nDecided-by:")) == NULL)
		return 0;
	while (strstr(last + 1, "\n\nDecided-by:") != NULL)
		last = strstr(last + 1, "\n\nDecided-by:");
	last += 2;
	return strchr(last, '\n') == last + strlen(last) - 1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* As moot itself runs: UTF-8 text is printable. */
	setlocale(LC_CTYPE, "C.UTF-8");
	return 0;
}

/*
 * A draft quoting the input's lines as chat messages (at most 400, each
 * at most 2000 bytes, so that both limits of record_quoted are reached):
 * it quotes at most RECORD_QUOTE_MAX, says so when it leaves some out,
 * and reads back.
 */
static void
fuzz_draft(const char *text, size_t size)
{
	struct record_message m[400];
	struct record_draft d;
	struct record r;
	char *copy, *p, *nl, *out;
	const char *disc;
	size_t n = 0, quoted, len;

	copy = xmalloc(size + 1);
	memcpy(copy, text, size);
	copy[size] = '\0';
	for (p = copy; n < 400 && p < copy + size; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		*nl = '\0';
		if (strlen(p) > 2000)
			p[2000] = '\0';
		m[n].name = n % 2 ? "Ann" : p;
		m[n].time = (int64_t)n * 59999 - 1000;
		m[n].text = p;
		n++;
	}
	quoted = record_quoted(m, n);
	fuzz_check(quoted <= n && quoted <= RECORD_QUOTE_MAX);
	memset(&d, 0, sizeof d);
	d.number = 3;
	d.title = copy;
	d.messages = m;
	d.nmessages = n;
	out = record_draft_text(&d, &len);
	fuzz_check(strlen(out) == len);
	/* After the heading: quotes, or first the line about the rest. */
	disc = strstr(out, "\nDiscussion:\n\n");
	fuzz_check((disc != NULL) == (n > 0));
	if (disc != NULL) {
		disc += strlen("\nDiscussion:\n\n");
		if (quoted == n)
			fuzz_check(disc[0] == '>' && disc[1] == ' ');
		else
			fuzz_check(disc[0] >= '1' && disc[0] <= '9' &&
			           strstr(disc, " not quoted here: ") != NULL);
	}
	record_parse(&r, out, len);
	fuzz_record(&r);
	record_free(&r);
	free(out);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct record_range rg = {"src/a.c", 3, 9, "0123456789abcdef"};
	struct record r;
	size_t n, i;
	struct record_trailer tr;
	char *out, *body, *s;
	int plain, found;

	/* Inputs where the edits' promises can be checked exactly: no
	 * comments or fences to hide lines, no control bytes (which reading
	 * leaves out) but newlines and tabs; supersession is checked below. */
	plain = fuzz_lacks(text, size, "<!--") &&
	        fuzz_lacks(text, size, "```") && fuzz_lacks(text, size, "~~~");
	for (i = 0; i < size; i++) {
		if ((data[i] < 0x20 && data[i] != '\n' && data[i] != '\t') ||
		    data[i] == 0x7f)
			plain = 0;
	}

	record_parse(&r, text, size);
	fuzz_record(&r);
	record_free(&r);

	body = record_commit_body(text, size);
	fuzz_check(body != NULL);
	free(body);

	out = record_set_status(text, size, "accepted", &n);
	record_parse(&r, out, n);
	fuzz_record(&r);
	if (plain && fuzz_lacks(text, size, "supersed") &&
	    fuzz_lacks(text, size, "superced"))
		fuzz_check(r.state == RECORD_ACCEPTED);
	record_free(&r);
	free(out);

	out = record_add_question(text, size, "fuzz question?", &n);
	record_parse(&r, out, n);
	fuzz_record(&r);
	if (plain) {
		found = 0;
		for (i = 0; i < r.nquestions; i++) {
			if (strcmp(r.questions[i], "fuzz question?") == 0)
				found = 1;
		}
		fuzz_check(found);
		if (fuzz_lacks(text, size, "none yet"))
			fuzz_check(fuzz_kept(text, size, out, n));
	}
	record_free(&r);
	free(out);

	out = record_add_range(text, size, &rg, &n);
	if (plain && fuzz_lacks(text, size, "none"))
		fuzz_check(fuzz_kept(text, size, out, n));
	free(out);

	/* Any bytes as subject, body and a trailer's value: the message
	 * holds nothing a terminal could act on, and the value stays on
	 * its one trailer line. */
	s = xstrndup(text, size);
	tr.key = "Decided-by";
	tr.value = s;
	out = record_commit_message(s, s, &tr, 1);
	fuzz_check(fuzz_commit_safe(out));
	free(out);
	free(s);

	fuzz_draft(text, size);
	return 0;
}
