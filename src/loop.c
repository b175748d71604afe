/* loop.c: a small poll(2) event loop for the single-threaded daemon.
 * Descriptors with read/write interest, one-shot timers, before-poll hooks. */
#include "moot.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loop.h"

struct loop_fd {
	int fd;
	int events;
	loop_fd_cb cb;
	void *arg;
};

struct loop_timer {
	uint64_t when;
	loop_cb cb;
	void *arg;
	TAILQ_ENTRY(loop_timer) entry;
};
TAILQ_HEAD(loop_timers, loop_timer);

struct loop_hook {
	loop_cb cb;
	void *arg;
	TAILQ_ENTRY(loop_hook) entry;
};
TAILQ_HEAD(loop_hooks, loop_hook);

struct loop {
	struct loop_fd *fds; /* dense array; order is poll order */
	size_t nfds, capfds;
	struct pollfd *pfds;
	struct loop_timers timers; /* sorted by when */
	struct loop_hooks hooks;
	int stop;
};

uint64_t
loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct loop *
loop_create(void)
{
	struct loop *l = xcalloc(1, sizeof *l);

	TAILQ_INIT(&l->timers);
	TAILQ_INIT(&l->hooks);
	return l;
}

void
loop_free(struct loop *l)
{
	struct loop_timer *t, *t1;
	struct loop_hook *h, *h1;

	TAILQ_FOREACH_SAFE (t, &l->timers, entry, t1)
		free(t);
	TAILQ_FOREACH_SAFE (h, &l->hooks, entry, h1)
		free(h);
	free(l->fds);
	free(l->pfds);
	free(l);
}

static struct loop_fd *
loop_find(struct loop *l, int fd)
{
	size_t i;

	for (i = 0; i < l->nfds; i++) {
		if (l->fds[i].fd == fd)
			return &l->fds[i];
	}
	return NULL;
}

void
loop_add(struct loop *l, int fd, int events, loop_fd_cb cb, void *arg)
{
	struct loop_fd *e;

	if (loop_find(l, fd) != NULL)
		fatalx("loop_add: fd %d already added", fd);
	if (l->nfds == l->capfds) {
		l->capfds = l->capfds ? l->capfds * 2 : 16;
		l->fds = xreallocarray(l->fds, l->capfds, sizeof *l->fds);
		l->pfds = xreallocarray(l->pfds, l->capfds, sizeof *l->pfds);
	}
	e = &l->fds[l->nfds++];
	e->fd = fd;
	e->events = events;
	e->cb = cb;
	e->arg = arg;
}

void
loop_set(struct loop *l, int fd, int events)
{
	struct loop_fd *e;

	if ((e = loop_find(l, fd)) != NULL)
		e->events = events;
}

/* Removing marks the slot dead (fd -1); loop_run compacts between passes,
 * so a callback may remove any descriptor, itself included. */
void
loop_del(struct loop *l, int fd)
{
	struct loop_fd *e;

	if ((e = loop_find(l, fd)) != NULL)
		e->fd = -1;
}

struct loop_timer *
loop_timer(struct loop *l, uint64_t ms, loop_cb cb, void *arg)
{
	struct loop_timer *t, *t1;

	t = xcalloc(1, sizeof *t);
	t->when = loop_now() + ms;
	t->cb = cb;
	t->arg = arg;
	TAILQ_FOREACH (t1, &l->timers, entry) {
		if (t1->when > t->when) {
			TAILQ_INSERT_BEFORE(t1, t, entry);
			return t;
		}
	}
	TAILQ_INSERT_TAIL(&l->timers, t, entry);
	return t;
}

/* Forget a timer that has not fired yet (one that has is already gone). */
void
loop_timer_del(struct loop *l, struct loop_timer *t)
{
	TAILQ_REMOVE(&l->timers, t, entry);
	free(t);
}

void
loop_before(struct loop *l, loop_cb cb, void *arg)
{
	struct loop_hook *h = xcalloc(1, sizeof *h);

	h->cb = cb;
	h->arg = arg;
	TAILQ_INSERT_TAIL(&l->hooks, h, entry);
}

void
loop_stop(struct loop *l)
{
	l->stop = 1;
}

static void
loop_compact(struct loop *l)
{
	size_t i, j = 0;

	for (i = 0; i < l->nfds; i++) {
		if (l->fds[i].fd != -1)
			l->fds[j++] = l->fds[i];
	}
	l->nfds = j;
}

static void
loop_run_timers(struct loop *l)
{
	struct loop_timer *t;
	uint64_t now = loop_now();

	while ((t = TAILQ_FIRST(&l->timers)) != NULL && t->when <= now) {
		TAILQ_REMOVE(&l->timers, t, entry);
		t->cb(t->arg);
		free(t);
	}
}

void
loop_run(struct loop *l)
{
	struct loop_hook *h;
	struct loop_timer *t;
	size_t i, n;
	int timeout, events, ev;
	uint64_t now;

	while (!l->stop) {
		TAILQ_FOREACH (h, &l->hooks, entry)
			h->cb(h->arg);
		if (l->stop)
			break;

		loop_compact(l);
		n = l->nfds;
		for (i = 0; i < n; i++) {
			l->pfds[i].fd = l->fds[i].fd;
			l->pfds[i].events = 0;
			if (l->fds[i].events & LOOP_READ)
				l->pfds[i].events |= POLLIN;
			if (l->fds[i].events & LOOP_WRITE)
				l->pfds[i].events |= POLLOUT;
			l->pfds[i].revents = 0;
		}

		timeout = -1;
		if ((t = TAILQ_FIRST(&l->timers)) != NULL) {
			now = loop_now();
			timeout = t->when > now ? (int)(t->when - now) : 0;
		}
		if (poll(l->pfds, n, timeout) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fatal("poll");
		}

		for (i = 0; i < n; i++) {
			ev = l->pfds[i].revents;
			if (ev == 0 || l->fds[i].fd != l->pfds[i].fd)
				continue;
			events = 0;
			if (ev & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
				events |= LOOP_READ;
			if (ev & (POLLOUT | POLLERR))
				events |= LOOP_WRITE;
			l->fds[i].cb(l->fds[i].fd, events, l->fds[i].arg);
		}
		loop_run_timers(l);
	}
}
