/* answer.c: the answer of a computation forked off the daemon's loop:
 * records of netstrings, written by the child, read back with bounds. */
#include "moot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "bytes.h"

void
answer_add(struct bytes *b, const void *p, size_t len)
{
	char n[32];

	snprintf(n, sizeof n, "%zu:", len);
	bytes_add(b, n, strlen(n));
	bytes_add(b, p, len);
	bytes_add(b, ",", 1);
}

void
answer_adds(struct bytes *b, const char *s)
{
	if (s == NULL)
		s = "";
	answer_add(b, s, strlen(s));
}

void
answer_addu(struct bytes *b, uint64_t u)
{
	char n[32];

	snprintf(n, sizeof n, "%llu", (unsigned long long)u);
	answer_adds(b, n);
}

void
answer_end(struct bytes *b)
{
	bytes_add(b, "\n", 1);
}

void
answer_reader_init(struct answer_reader *r, const void *p, size_t len)
{
	r->p = p;
	r->left = len;
}

/* One field at r: its bytes and length; -1 when it is not one. */
static int
answer_field(struct answer_reader *r, const char **f, size_t *len)
{
	size_t n = 0, i = 0;

	while (i < r->left && r->p[i] >= '0' && r->p[i] <= '9') {
		if (i == ANSWER_LEN_DIGITS || (i == 1 && r->p[0] == '0'))
			return -1;
		n = n * 10 + (size_t)(r->p[i] - '0');
		i++;
	}
	if (i == 0 || i >= r->left || r->p[i] != ':')
		return -1;
	i++;
	if (n > r->left - i || r->left - i - n < 1 || r->p[i + n] != ',')
		return -1;
	*f = r->p + i;
	*len = n;
	r->p += i + n + 1;
	r->left -= i + n + 1;
	return 0;
}

int
answer_next(struct answer_reader *r, struct answer_rec *rec)
{
	memset(rec, 0, sizeof *rec);
	if (r->left == 0)
		return 0;
	for (;;) {
		if (r->left == 0)
			return -1; /* a record cut short */
		if (*r->p == '\n') {
			r->p++;
			r->left--;
			return rec->n > 0 ? 1 : -1;
		}
		if (rec->n == ANSWER_FIELDS)
			return -1;
		if (answer_field(r, &rec->f[rec->n], &rec->len[rec->n]) == -1)
			return -1;
		rec->n++;
	}
}

int
answer_is(const struct answer_rec *rec, size_t i, const char *word)
{
	return i < rec->n && rec->len[i] == strlen(word) &&
	       memcmp(rec->f[i], word, rec->len[i]) == 0;
}

char *
answer_dup(const struct answer_rec *rec, size_t i)
{
	if (i >= rec->n)
		return xstrdup("");
	return xstrndup(rec->f[i], rec->len[i]);
}

int
answer_u64(const struct answer_rec *rec, size_t i, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t j;

	if (i >= rec->n || rec->len[i] == 0 || rec->len[i] > 19)
		return -1;
	for (j = 0; j < rec->len[i]; j++) {
		if (rec->f[i][j] < '0' || rec->f[i][j] > '9')
			return -1;
		v = v * 10 + (uint64_t)(rec->f[i][j] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}
