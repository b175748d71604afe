/* json.c: writing JSON (RFC 8259) strings, keys and scalars.
 * Strings go out inert and plain ASCII: no raw control byte ever. */
#include "moot.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inert.h"
#include "json.h"
#include "utf8.h"

/*
 * s as a JSON string, or null for NULL. It is made inert first, as the
 * command line shows it (^[, <U+0085>, <U+202E>, \xff), then escaped:
 * '"' and '\\' with a backslash, and everything outside printable ASCII
 * as \uXXXX (a surrogate pair beyond U+FFFF). The output is plain ASCII:
 * never a raw control byte, C1 control or bidi override.
 */
void
json_str(FILE *f, const char *s)
{
	const unsigned char *p;
	char *safe;
	size_t len, off, n;
	uint32_t cp;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	safe = inert_cli(s);
	p = (const unsigned char *)safe;
	len = strlen(safe);
	fputc('"', f);
	for (off = 0; off < len; off += n) {
		n = utf8_decode(p + off, len - off, &cp);
		if (cp == UTF8_INVALID)
			cp = 0xfffd; /* inert text has none; never raw */
		if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (int)cp);
		else if (cp >= 0x20 && cp < 0x7f)
			fputc((int)cp, f);
		else if (cp < 0x10000)
			fprintf(f, "\\u%04x", (unsigned)cp);
		else {
			cp -= 0x10000;
			fprintf(f, "\\u%04x\\u%04x",
			    0xd800 + (unsigned)(cp >> 10),
			    0xdc00 + (unsigned)(cp & 0x3ff));
		}
	}
	fputc('"', f);
	free(safe);
}

/* "key": */
void
json_key(FILE *f, const char *key, int first)
{
	fprintf(f, "%s\"%s\":", first ? "" : ",", key);
}

/* A commit id, or null when "" or NULL. */
void
json_id(FILE *f, const char *id)
{
	json_str(f, id != NULL && *id != '\0' ? id : NULL);
}

/* A time in Unix seconds, or null for 0. */
void
json_time(FILE *f, int64_t t)
{
	if (t == 0)
		fputs("null", f);
	else
		fprintf(f, "%lld", (long long)t);
}
