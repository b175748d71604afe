/* sandbox.h: what a frontend process may still do once it talks to strangers.
 * Privileges, chroot, rlimits and two seccomp stages; the daemon's side. */
#ifndef MOOT_SANDBOX_H
#define MOOT_SANDBOX_H

#include <sys/types.h>

/* The empty directory a frontend of a root daemon is confined to. */
#define SANDBOX_EMPTY_DIR "/var/empty"

/*
 * The filter stages. SANDBOX_LOGIN, from before the key exchange: no new
 * process, no socket, no file opened but read-only. SANDBOX_SESSION, once
 * the terminal is set up: no file opened at all, no chroot.
 */
enum sandbox_stage {
	SANDBOX_LOGIN = 1,
	SANDBOX_SESSION = 2,
};

/* The daemon, at start: when root, check (or make) the empty directory. */
void sandbox_prepare(void);

/* A frontend, before the key exchange: drop privileges (keeping only what
 * the later chroot needs), set rlimits, apply SANDBOX_LOGIN. */
void sandbox_enter(void);

/* A frontend, once the terminal is set up: chroot (as root), drop the
 * last privilege, apply SANDBOX_SESSION. */
void sandbox_lock(void);

/* Apply one filter stage to this process (the tests use it alone). */
int sandbox_filter(enum sandbox_stage);

/* The daemon: a frontend was forked for addr; a child was reaped (returns
 * whether it was a frontend; logs how it ended if its sandbox killed it). */
void sandbox_track(pid_t, const char *addr);
int sandbox_reaped(pid_t, int status);

#endif
