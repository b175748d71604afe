/* attach.h: `moot attach`, `moot` alone, `moot --demo` and `moot
 * kill-session`: the terminal of the person at the machine, on the unix socket.
 */
#ifndef MOOT_ATTACH_H
#define MOOT_ATTACH_H

#define ATTACH_LOG "daemon.log"    /* under .git/moot/, mode 0600 */
#define ATTACH_START_MS 15000      /* for a daemon started by moot to answer */
#define ATTACH_KILL_MS 30000       /* for a killed session's daemon to exit */
#define ATTACH_LEAVE_MS 2000       /* for the frontend to restore, leaving */
#define ATTACH_OUT_MAX (64 * 1024) /* typed bytes not yet sent: input waits */

/* `moot attach [-C DIR]` (argv[0] is "attach"). */
int attach_main(int argc, char **argv);
/* `moot [-C DIR] [--listen ADDR:PORT]` and `moot --demo [--listen ...]`:
 * start the session in the background when none runs, then attach
 * (argv[0] is the program). */
int attach_start_main(int argc, char **argv);
/* `moot kill-session [-C DIR]` (argv[0] is "kill-session"). */
int attach_kill_main(int argc, char **argv);

#endif
