/* highlight.h: a document's syntax colours for the lines on screen, with
 * the states and colours remembered so that typing does not redo them. */
#ifndef MOOT_HIGHLIGHT_H
#define MOOT_HIGHLIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "syntax.h"

struct buffer;

/* Lines between two remembered states of a document. */
#define HIGHLIGHT_EVERY 16
/*
 * Lines looked back from the first line asked for: if no remembered state
 * is that close, the state there is taken to be "nothing open" (as vim's
 * "sync minlines"), so jumping to the end of a 50 MB file reads about
 * this many lines, not the whole file.
 */
#define HIGHLIGHT_SYNC 1024
/* Lines' colours remembered, keyed by their text and starting state,
 * shared by all documents and people. */
#define HIGHLIGHT_CACHE 4096
/* Lines longer than this are coloured again each time they are shown. */
#define HIGHLIGHT_CACHE_LINE 1024
/* Lines of a document's last walk remembered until its text changes:
 * the frames of everyone else looking at the same lines reuse them. */
#define HIGHLIGHT_MEMO 128

struct highlight;

struct highlight *highlight_create(const struct syntax *);
void highlight_free(struct highlight *);
const struct syntax *highlight_syntax(const struct highlight *);
/* The text changed on line (and maybe below): forget the states after. */
void highlight_edited(struct highlight *, size_t line);
/* The same, for an edit within line that added or removed no line: the
 * text went from stamp before to after; the last walk's other lines keep
 * what they had (typing recolours one line, not the screen). */
void highlight_edited_line(
    struct highlight *, size_t line, uint64_t before, uint64_t after);

/* A walk down the lines of a document from a line. */
struct highlight_walk {
	struct highlight *h;
	const struct buffer *b;
	size_t line;
	uint32_t state;
};
void highlight_walk(struct highlight *, const struct buffer *, size_t line,
    struct highlight_walk *);
/* The colours of the walk's next line (line < the buffer's lines), which
 * starts at offset start and has len bytes (the caller has them from
 * drawing it): spans, valid until the next call, and their number. */
const struct syntax_span *highlight_next(
    struct highlight_walk *, size_t start, size_t len, size_t *n);

/* Cache hits and misses so far (tests). */
void highlight_stats(uint64_t *hits, uint64_t *misses);

#endif
