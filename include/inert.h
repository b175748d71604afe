/* inert.h: untrusted text made harmless for where it goes.
 * One function, one rule per destination: screen, log, command line, git. */
#ifndef MOOT_INERT_H
#define MOOT_INERT_H

#include <stddef.h>

/*
 * Where text goes. Everywhere, what a terminal or a viewer could act on
 * is shown as the editor shows it in a document, so nothing is lost: a C0
 * control or DEL as ^X (^[, ^?), an invalid UTF-8 byte as \xNN, a C1
 * control, a code point that can reorder or hide text (utf8_invisible), a
 * lone or second combining mark and any other unprintable code point as
 * <U+XXXX>. The destinations differ only in line breaks and tabs.
 */
enum inert_dest {
	INERT_SCREEN, /* a frame: names, paths, chat, notices (one line) */
	INERT_LOG,    /* one log line: a newline cannot start another */
	INERT_CLI,    /* what `moot why`/`moot decisions` print (one line) */
	INERT_LINE,   /* one-line commit text: subject, trailer value; a
	                 line break becomes a space */
	INERT_BODY,   /* a commit message body: line breaks kept (CRLF as
	                 LF), tabs as spaces to the next tab stop */
	INERT_IDENT   /* a name or email in a git identity (author,
	                 committer, a person in a trailer): as INERT_LINE,
	                 but code points as [U+XXXX], '<' and '>' too */
};

/*
 * s (len bytes) made inert for dest, into out (size bytes, NUL-ended
 * when size > 0; a unit that does not fit is left out whole, with all
 * after it). Returns the length the whole result needs, as snprintf does.
 * Never allocates: the log uses it on its way to fatal().
 */
size_t inert_write(
    enum inert_dest dest, const char *s, size_t len, char *out, size_t size);
/* s made inert for dest, allocated ("" for NULL). Caller frees. */
char *inert_text(enum inert_dest dest, const char *s);

/* The same for each destination. Caller frees. */
char *inert_screen(const char *);
char *inert_cli(const char *);
char *inert_line(const char *);
char *inert_body(const char *);
char *inert_ident(const char *);

#endif
