/* json.h: writing JSON (RFC 8259) strings, keys and scalars.
 * Strings go out inert and plain ASCII: no raw control byte ever. */
#ifndef MOOT_JSON_H
#define MOOT_JSON_H

#include <stdint.h>
#include <stdio.h>

/* s as a JSON string (made inert, then escaped to plain ASCII), or null
 * for NULL. */
void json_str(FILE *, const char *s);

/* "key": (after a comma unless first). */
void json_key(FILE *, const char *key, int first);

/* A commit id as a string, or null when "" or NULL. */
void json_id(FILE *, const char *id);

/* A time in Unix seconds, or null for 0. */
void json_time(FILE *, int64_t t);

#endif
