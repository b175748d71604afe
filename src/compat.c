/* compat.c: portability helpers declared in compat.h.
 * Kept small: Linux first, with plain POSIX fallbacks. */
#include "moot.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
#ifdef HAVE_MEMFD_CREATE
#include <sys/mman.h>
#endif
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

int
compat_anon_fd(const char *name)
{
	FILE *f;
	int fd;

#ifdef HAVE_MEMFD_CREATE
	if ((fd = memfd_create(name, MFD_CLOEXEC)) != -1)
		return fd;
#endif
	(void)name;
	if ((f = tmpfile()) == NULL)
		return -1;
	fd = dup(fileno(f));
	fclose(f);
	return fd;
}

void
compat_set_name(const char *name)
{
#if defined(HAVE_SYS_PRCTL_H) && defined(PR_SET_NAME)
	prctl(PR_SET_NAME, name, 0, 0, 0);
#else
	(void)name;
#endif
}

void
compat_closefrom(int lowfd)
{
	long max, fd;

#ifdef HAVE_CLOSE_RANGE
	if (close_range(lowfd, ~0U, 0) == 0)
		return;
#endif
	if ((max = sysconf(_SC_OPEN_MAX)) < 0 || max > 65536)
		max = 65536;
	for (fd = lowfd; fd < max; fd++)
		close(fd);
}

void
compat_no_new_privs(void)
{
#if defined(HAVE_SYS_PRCTL_H) && defined(PR_SET_NO_NEW_PRIVS)
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
#endif
}

void
compat_release_memory(void)
{
#ifdef HAVE_MALLOC_TRIM
	malloc_trim(0);
#endif
}

long
compat_tcp_quiet_ms(int fd)
{
#if defined(__linux__) && defined(TCP_INFO)
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
	    len >= offsetof(struct tcp_info, tcpi_last_data_recv) +
	               sizeof ti.tcpi_last_data_recv)
		return ti.tcpi_last_data_recv;
#else
	(void)fd;
#endif
	return -1;
}

int
compat_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
