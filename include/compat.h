/* compat.h: portability in one place.
 * Everything that differs between systems is hidden behind this header. */
#ifndef MOOT_COMPAT_H
#define MOOT_COMPAT_H

#include "config.h"

#include <sys/queue.h>

#include <stddef.h>

#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)                             \
	for ((var) = TAILQ_FIRST(head);                                        \
	     (var) && ((tvar) = TAILQ_NEXT(var, field), 1); (var) = (tvar))
#endif

#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif
#ifndef __printflike
#define __printflike(a, b) __attribute__((format(printf, a, b)))
#endif

/* Name the process for ps and top (where the system allows it). */
void compat_set_name(const char *name);

/* Forbid gaining privileges through exec (where the system allows it). */
void compat_no_new_privs(void);

/* Close every descriptor from lowfd up. */
void compat_closefrom(int lowfd);

/* Give memory the allocator keeps but no longer uses back to the system
 * (where the allocator can). */
void compat_release_memory(void);

/* An anonymous file (memfd where there is one, else tmpfile). */
int compat_anon_fd(const char *name);

/* Milliseconds since data last arrived on a TCP socket, as the kernel
 * counts it (Linux's TCP_INFO), or -1 where the system cannot say. */
long compat_tcp_quiet_ms(int fd);

/* Write all of len bytes to a blocking fd, through EINTR and short
 * writes; 0, or -1 with errno set (EIO if write(2) wrote nothing). */
int compat_write_all(int fd, const void *data, size_t len);

#endif
