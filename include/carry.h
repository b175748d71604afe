/* carry.h: the code each decision concerns, carried through history commit
 * by commit (kept lines, moves, edits in place, renames) and cached. */
#ifndef MOOT_CARRY_H
#define MOOT_CARRY_H

#include <stddef.h>
#include <stdint.h>

struct repo;

#define CARRY_OID_HEX 40

/* How the lines of a span came to be where they are (bits; 0: carried
 * exactly, only shifted by edits elsewhere). */
#define CARRY_EDITED 0x1  /* edited in place or reformatted since decided */
#define CARRY_MOVED 0x2   /* moved as a block, in its file or to another */
#define CARRY_RENAMED 0x4 /* its file was renamed (git's similarity) */
#define CARRY_ADDED 0x8   /* inserted inside the decided code afterwards */

/* Lines first..last (1-based, inclusive) of path, all carried the same
 * way. Spans of one decision never overlap; they are sorted by path, then
 * line. Neighbouring lines carried differently are separate spans. */
struct carry_span {
	char *path;
	unsigned long first, last;
	unsigned how; /* CARRY_* */
};

/* A Code-Range trailer as the decision commit wrote it. */
struct carry_range {
	char *path; /* as written (inert form of the path) */
	unsigned long first, last;
	char base[CARRY_OID_HEX + 1]; /* the commit it was taken at, full hex;
	                                 "" when that commit is unknown */
};

/* One decision (a Decision-Id reachable from HEAD), and its code now. */
struct carry_dec {
	unsigned number;
	char commit[CARRY_OID_HEX + 1]; /* newest commit with its Decision-Id */
	int64_t time;                   /* that commit's time, Unix seconds */
	char *subject;                  /* that commit's subject */
	char *status;                   /* Decision-Status as written; NULL */
	char *file;                     /* Decision-File as written; NULL */
	struct carry_range *ranges;     /* its Code-Range trailers */
	size_t nranges;
	struct carry_span *spans; /* where that code is now; none when gone */
	size_t nspans;
	unsigned long decided; /* lines the ranges held when decided */
	unsigned long changed; /* lines of spans now EDITED or ADDED */
	unsigned commits;      /* commits since the decision that changed,
	                          moved or removed any of its lines */
	unsigned authors;      /* distinct author e-mails of those */
	int64_t changed_time;  /* the newest of them: Unix seconds, 0 none */
	char changed_commit[CARRY_OID_HEX + 1]; /* its id; "" none */
	uint64_t *author_ids; /* (for counting) hashes of those e-mails */
	size_t nauthor_ids;
};

/*
 * Every decision at one commit, by number ascending; and the lines last
 * changed by commits citing a decision in a Refs trailer (as git blame
 * would name that commit, but moved blocks followed): in refs, number is
 * the decision cited, commit, time and subject are the citing commit's,
 * spans its lines now (a line edited since is no longer its).
 */
struct carry_set {
	char head[CARRY_OID_HEX + 1]; /* the commit; "" for an unborn HEAD */
	struct carry_dec *v;
	size_t n;
	struct carry_dec *refs;
	size_t nrefs;
};

/*
 * Every decision reachable from HEAD with its code carried to HEAD. Reads
 * and refreshes the cache under .git/moot/ (carry-cache.c); a cache that
 * is missing, damaged, or made from another history is rebuilt. Returns
 * 0, or -1 with *err set. An unborn HEAD gives an empty set.
 */
int carry_head(struct repo *, struct carry_set *, char **err);

/*
 * Carry the spans of path in the set (at set->head) on to text, the file
 * as it is now (working tree or editor; len bytes): the same matching as
 * between commits, moves within the file included. Spans of other paths
 * are left alone. Returns 0, or -1 with *err set.
 */
int carry_text(struct repo *, struct carry_set *, const char *path,
    const char *text, size_t len, char **err);

/* carry-set.c: a decision by number in a set (sorted by number); get
 * adds an empty one where it belongs when there is none. */
struct carry_dec *carry_dec_find(struct carry_set *, unsigned number);
struct carry_dec *carry_dec_get(struct carry_set *, unsigned number);
void carry_dec_copy(struct carry_dec *dst, const struct carry_dec *src);
void carry_dec_clear(struct carry_dec *);

/* Decision ids (carry-set.c). carry_id_number: "ADR-0007" (any case) at
 * the start of s gives 7 and *end after the digits; 0 when s does not
 * start with one. carry_id_value: a trailer value that is exactly an id,
 * spaces around allowed. carry_refs_next: the next id of a Refs value
 * at *pp ("ADR-0007, ADR-0009"; words that are not ids are skipped),
 * moving *pp after it; 0 at the end. */
unsigned carry_id_number(const char *s, const char **end);
unsigned carry_id_value(const char *s);
unsigned carry_refs_next(const char **pp);

/* The spans of dec covering line of path, NULL when none. */
const struct carry_span *carry_covers(
    const struct carry_dec *, const char *path, unsigned long line);

/*
 * The path of decision number's code commit by commit, oldest first: cb
 * gets one line per commit that shifted, edited, moved, renamed or
 * removed any of it, e.g. "abc1234 moved src/a.c:40-52 → src/b.c:10-22"
 * (paths as git has them; the caller makes them inert). Walks history,
 * not the cache. Returns 0 (nothing when no such decision), or -1 with
 * *err set.
 */
int carry_trace(struct repo *, unsigned number,
    void (*cb)(void *arg, const char *line), void *arg, char **err);

void carry_set_free(struct carry_set *);

/* carry-cache.c: the sets of some commits kept in .git/moot/carry-cache
 * (mode 0600). CARRY_VERSION changes whenever carrying does. */
#define CARRY_VERSION 1
#define CARRY_CACHE_FILE "carry-cache"
#define CARRY_CACHE_KEEP 16          /* sets kept, newest first */
#define CARRY_CACHE_MAX (256u << 20) /* bytes of the file read */

/* The sets in the cache (newest first); none when it is missing or
 * damaged (a damaged cache is as good as none). */
void carry_cache_load(struct repo *, struct carry_set **out, size_t *n);
/* Write sets (newest first, at most CARRY_CACHE_KEEP) as the cache;
 * -1 when it cannot be written (the caller goes on without). */
int carry_cache_save(struct repo *, const struct carry_set *, size_t n);
/* One set as the cache writes it, and back (for tests and fuzzing):
 * parse returns 0, or -1 when the text is not exactly one set. */
char *carry_cache_format(const struct carry_set *, size_t *len);
int carry_cache_parse(const char *text, size_t len, struct carry_set *);
void carry_set_copy(struct carry_set *dst, const struct carry_set *src);

#endif
