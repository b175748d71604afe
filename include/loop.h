/* loop.h: the daemon's event loop: file descriptors and timers over poll().
 * One pass handles every ready descriptor, then the before-poll hooks run. */
#ifndef MOOT_LOOP_H
#define MOOT_LOOP_H

#include <stdint.h>

#define LOOP_READ 0x1
#define LOOP_WRITE 0x2

struct loop;
struct loop_timer;
typedef void (*loop_fd_cb)(int fd, int events, void *arg);
typedef void (*loop_cb)(void *arg);

struct loop *loop_create(void);
void loop_free(struct loop *);
void loop_add(struct loop *, int fd, int events, loop_fd_cb, void *arg);
void loop_set(struct loop *, int fd, int events);
void loop_del(struct loop *, int fd);
/* Run cb once, ms milliseconds from now. The timer is freed once it has
 * fired; until then loop_timer_del can cancel it. */
struct loop_timer *loop_timer(struct loop *, uint64_t ms, loop_cb, void *arg);
void loop_timer_del(struct loop *, struct loop_timer *);
/* Run cb before each poll (after all events of a pass are handled). */
void loop_before(struct loop *, loop_cb, void *arg);
void loop_run(struct loop *);
void loop_stop(struct loop *);
uint64_t loop_now(void); /* monotonic milliseconds */

#endif
