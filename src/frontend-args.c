/* frontend-args.c: what the daemon hands a new frontend, as bytes.
 * One table of fields; the daemon writes them, the frontend reads them. */
#include "moot.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "frontend.h"

/*
 * The format: FRONTEND_ARGS_MAGIC, then one record per value: a byte (the
 * field's place in frontend_args_fields), a 32-bit big-endian length, the
 * value. A list has one record per item. The writer and the reader are
 * the same program (the frontend is the daemon's own executable, kept
 * open), so the places need not be stable across versions; the magic
 * only catches a descriptor that is not ours.
 */
#define FRONTEND_ARGS_MAGIC "moot-frontend-args\n"

enum frontend_args_kind {
	FA_UINT,    /* unsigned */
	FA_STRING,  /* char *, no NUL inside; required */
	FA_STRINGS, /* struct frontend_strings: zero or more */
	FA_KEYS,    /* struct authkeys: zero or more lines */
};

struct frontend_args_field {
	const char *name;
	enum frontend_args_kind kind;
	size_t off;
};

/* Every field the frontend is told. A new one: a member of struct
 * frontend_args (frontend.h) and a line here. */
#define FA(name, kind)                                                         \
	{                                                                      \
#name, kind, offsetof(struct frontend_args, name)              \
	}
static const struct frontend_args_field frontend_args_fields[] = {
    FA(hostkey, FA_STRING),
    FA(keys, FA_KEYS),
    FA(grace, FA_UINT),
    FA(max_tries, FA_UINT),
    FA(ka_interval, FA_UINT),
    FA(ka_count, FA_UINT),
    FA(members, FA_STRINGS),
    FA(local, FA_UINT),
};
#undef FA
#define FRONTEND_ARGS_NFIELDS                                                  \
	(sizeof frontend_args_fields / sizeof *frontend_args_fields)

/* The member a field describes. */
static void *
frontend_args_member(
    struct frontend_args *a, const struct frontend_args_field *f)
{
	return (char *)a + f->off;
}

static void
frontend_args_record(struct bytes *b, size_t field, const void *v1, size_t l1,
    const void *v2, size_t l2)
{
	bytes_add_u8(b, field);
	bytes_add_u32(b, l1 + l2);
	bytes_add(b, v1, l1);
	if (l2 != 0)
		bytes_add(b, v2, l2);
}

int
frontend_args_write(const struct frontend_args *ca, struct bytes *b)
{
	struct frontend_args *a = (struct frontend_args *)ca;
	const struct frontend_args_field *f;
	const struct frontend_strings *sl;
	const struct authkeys *ak;
	struct bytes item;
	uint8_t u[4];
	unsigned v;
	const char *s;
	size_t i, j;

	bytes_add(b, FRONTEND_ARGS_MAGIC, strlen(FRONTEND_ARGS_MAGIC));
	for (i = 0; i < FRONTEND_ARGS_NFIELDS; i++) {
		f = &frontend_args_fields[i];
		switch (f->kind) {
		case FA_UINT:
			v = *(unsigned *)frontend_args_member(a, f);
			u[0] = v >> 24;
			u[1] = v >> 16;
			u[2] = v >> 8;
			u[3] = v;
			frontend_args_record(b, i, u, 4, NULL, 0);
			break;
		case FA_STRING:
			s = *(char **)frontend_args_member(a, f);
			if (s == NULL)
				s = "";
			frontend_args_record(b, i, s, strlen(s), NULL, 0);
			break;
		case FA_STRINGS:
			sl = frontend_args_member(a, f);
			for (j = 0; j < sl->n; j++) {
				frontend_args_record(
				    b, i, sl->v[j], strlen(sl->v[j]), NULL, 0);
			}
			break;
		case FA_KEYS:
			/* Each line: its home flag, its source and a NUL,
			 * the line as written. */
			ak = frontend_args_member(a, f);
			for (j = 0; j < ak->n; j++) {
				bytes_init(&item);
				bytes_add_u8(&item, ak->keys[j].home != 0);
				bytes_add(&item, ak->keys[j].source,
				    strlen(ak->keys[j].source) + 1);
				frontend_args_record(b, i, bytes_ptr(&item),
				    bytes_len(&item), ak->keys[j].line,
				    strlen(ak->keys[j].line));
				bytes_free(&item);
			}
			break;
		}
		if (bytes_len(b) > FRONTEND_ARGS_MAX)
			return -1;
	}
	return 0;
}

/* A value as a NUL-ended string; NULL if it has a NUL inside. */
static char *
frontend_args_string(const uint8_t *p, size_t len)
{
	if (memchr(p, '\0', len) != NULL)
		return NULL;
	return xstrndup((const char *)p, len);
}

/* One record into the struct; -1 with *err. */
static int
frontend_args_value(struct frontend_args *a,
    const struct frontend_args_field *f, const uint8_t *p, size_t len,
    const char **err)
{
	struct frontend_strings *sl;
	const uint8_t *nul;
	char *s, *line;

	switch (f->kind) {
	case FA_UINT:
		if (len != 4) {
			*err = "a number is not 4 bytes";
			return -1;
		}
		*(unsigned *)frontend_args_member(a, f) =
		    (unsigned)p[0] << 24 | (unsigned)p[1] << 16 |
		    (unsigned)p[2] << 8 | p[3];
		return 0;
	case FA_STRING:
		if ((s = frontend_args_string(p, len)) == NULL) {
			*err = "a NUL inside a string";
			return -1;
		}
		*(char **)frontend_args_member(a, f) = s;
		return 0;
	case FA_STRINGS:
		if ((s = frontend_args_string(p, len)) == NULL) {
			*err = "a NUL inside a string";
			return -1;
		}
		sl = frontend_args_member(a, f);
		sl->v = xreallocarray(sl->v, sl->n + 1, sizeof *sl->v);
		sl->v[sl->n++] = s;
		return 0;
	case FA_KEYS:
		if (len < 2 || (nul = memchr(p + 1, '\0', len - 1)) == NULL ||
		    (line = frontend_args_string(
		         nul + 1, len - (nul + 1 - p))) == NULL) {
			*err = "a key line is malformed";
			return -1;
		}
		auth_add_line(frontend_args_member(a, f), line,
		    (const char *)p + 1, p[0] != 0);
		free(line);
		return 0;
	}
	*err = "unknown field kind";
	return -1;
}

int
frontend_args_read(
    const void *buf, size_t len, struct frontend_args *a, const char **err)
{
	struct reader r;
	const uint8_t *p;
	uint8_t seen[FRONTEND_ARGS_NFIELDS];
	const struct frontend_args_field *f;
	size_t mlen = strlen(FRONTEND_ARGS_MAGIC), i;
	uint32_t vlen;
	uint8_t field;

	frontend_args_init(a);
	memset(seen, 0, sizeof seen);
	if (len > FRONTEND_ARGS_MAX) {
		*err = "too large";
		return -1;
	}
	reader_init(&r, buf, len);
	p = reader_bytes(&r, mlen);
	if (r.err || memcmp(p, FRONTEND_ARGS_MAGIC, mlen) != 0) {
		*err = "not a frontend's arguments";
		return -1;
	}
	while (r.left > 0) {
		field = reader_u8(&r);
		vlen = reader_u32(&r);
		p = reader_bytes(&r, vlen);
		if (r.err) {
			*err = "truncated";
			goto fail;
		}
		if (field >= FRONTEND_ARGS_NFIELDS) {
			*err = "unknown field";
			goto fail;
		}
		f = &frontend_args_fields[field];
		if ((f->kind == FA_UINT || f->kind == FA_STRING) &&
		    seen[field]) {
			*err = "a field given twice";
			goto fail;
		}
		seen[field] = 1;
		if (frontend_args_value(a, f, p, vlen, err) == -1)
			goto fail;
	}
	for (i = 0; i < FRONTEND_ARGS_NFIELDS; i++) {
		f = &frontend_args_fields[i];
		if ((f->kind == FA_UINT || f->kind == FA_STRING) && !seen[i]) {
			*err = "a field is missing";
			goto fail;
		}
	}
	return 0;

fail:
	frontend_args_free(a);
	return -1;
}

void
frontend_args_init(struct frontend_args *a)
{
	memset(a, 0, sizeof *a);
	a->sock = a->daemon = -1;
	auth_init(&a->keys);
}

void
frontend_args_free(struct frontend_args *a)
{
	const struct frontend_args_field *f;
	struct frontend_strings *sl;
	char **s;
	size_t i, j;

	for (i = 0; i < FRONTEND_ARGS_NFIELDS; i++) {
		f = &frontend_args_fields[i];
		switch (f->kind) {
		case FA_UINT:
			break;
		case FA_STRING:
			/* The host key among them: wiped, not only freed. */
			s = frontend_args_member(a, f);
			if (*s != NULL) {
				explicit_bzero(*s, strlen(*s));
				free(*s);
				*s = NULL;
			}
			break;
		case FA_STRINGS:
			sl = frontend_args_member(a, f);
			for (j = 0; j < sl->n; j++)
				free(sl->v[j]);
			free(sl->v);
			sl->v = NULL;
			sl->n = 0;
			break;
		case FA_KEYS:
			auth_free(frontend_args_member(a, f));
			break;
		}
	}
}
