/* sandbox.c: what a frontend process may still do once it talks to strangers.
 * Privileges, chroot, rlimits and two seccomp stages; the daemon's side. */
#include "moot.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>

#include <seccomp.h>

#include "sandbox.h"

/*
 * Sanitizer builds: ASan and UBSan make system calls of their own (an
 * alternate signal stack, prctl, /proc/self/exe when they report), and
 * ASan reserves terabytes of address space. Those builds allow the few
 * extra calls (at the end of the table) and set no address space limit; the
 * plain build's filter stays as tight as the table says.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZERS 1
#endif
#endif

#define SANDBOX_L 0x1 /* allowed in SANDBOX_LOGIN */
#define SANDBOX_S 0x2 /* allowed in SANDBOX_SESSION */
#define SANDBOX_LS (SANDBOX_L | SANDBOX_S)

/* Opening a file in any of these ways kills the frontend. */
#define SANDBOX_WRITE_FLAGS                                                    \
	((uint64_t)(O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND))

enum sandbox_cmp {
	SANDBOX_ANY,     /* any arguments */
	SANDBOX_EQ,      /* argument arg == value */
	SANDBOX_NONE_OF, /* argument arg has none of the bits of value */
	SANDBOX_ALL_OF,  /* argument arg has all the bits of value */
};

struct sandbox_call {
	const char *name; /* resolved for this architecture by libseccomp */
	int stages;
	enum sandbox_cmp cmp;
	unsigned arg;
	uint64_t value;
	int fail; /* 0: allowed; else fails with this errno, harmlessly */
	const char *note;
};

/*
 * Every system call a frontend makes. A call not listed (socket, connect,
 * execve, fork, clone, ptrace, kill, mount, ...) or listed with other
 * arguments kills the process (SIGSYS). A name this architecture does not
 * have is skipped.
 */
static const struct sandbox_call sandbox_calls[] = {
    /* Its two sockets, the log, the terminal's output buffer. */
    {"read", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "SSH and daemon input"},
    {"write", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "output, the log"},
    {"readv", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "stdio"},
    {"writev", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "stdio"},
    {"pread64", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "tty.c reads its output"},
    {"recvfrom", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "libssh reads"},
    {"sendto", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "libssh writes"},
    {"poll", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "ssh_event_dopoll"},
    {"ppoll", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "poll on some libcs"},
    {"close", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "closing the connection"},
    {"shutdown", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "ending the connection"},
    {"lseek", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "ftell, rewind of the buffer"},
    {"ftruncate", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "emptying the buffer"},
    {"fcntl", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "non-blocking sockets"},
    {"getsockopt", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "libssh"},
    {"setsockopt", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "libssh"},
    {"getpeername", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "libssh"},
    {"getsockname", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "libssh"},
    {"fstat", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "stdio buffers"},
    {"newfstatat", SANDBOX_S, SANDBOX_ALL_OF, 3, AT_EMPTY_PATH, 0,
        "fstat, not stat, once in session"},
    {"ioctl", SANDBOX_LS, SANDBOX_EQ, 1, TCGETS, 0, "isatty"},
    {"ioctl", SANDBOX_LS, SANDBOX_EQ, 1, TIOCGWINSZ, 0, "ncurses' size"},
    {"ioctl", SANDBOX_LS, SANDBOX_EQ, 1, FIONREAD, 0, "libssh"},
    /* ncurses sets terminal modes on its output, which is no terminal
     * (the tty's buffer): refused, as it would be anyway; standard error
     * may be the host's terminal. */
    {"ioctl", SANDBOX_LS, SANDBOX_EQ, 1, TCSETS, ENOTTY, "tcsetattr"},
    {"ioctl", SANDBOX_LS, SANDBOX_EQ, 1, TCSETSW, ENOTTY, "tcsetattr"},
    {"ioctl", SANDBOX_LS, SANDBOX_EQ, 1, TCSETSF, ENOTTY, "tcsetattr"},

    /* Memory. */
    {"brk", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "malloc"},
    /* No executable memory: no code injected at run time (W^X). */
    {"mmap", SANDBOX_LS, SANDBOX_NONE_OF, 2, PROT_EXEC, 0, "malloc"},
    {"munmap", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "free"},
    {"mremap", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "realloc"},
    {"mprotect", SANDBOX_LS, SANDBOX_NONE_OF, 2, PROT_EXEC, 0, "malloc arenas"},
    {"madvise", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "free"},
    {"futex", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "libc and OpenSSL locks"},
    {"getrandom", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "key exchange"},

    /* Time and signals. */
    {"clock_gettime", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "loop_now"},
    {"gettimeofday", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "time"},
    {"time", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "time"},
    {"clock_nanosleep", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "usleep"},
    {"nanosleep", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "usleep"},
    {"alarm", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "the login grace time"},
    {"setitimer", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "alarm on some systems"},
    {"rt_sigaction", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "ncurses' handlers"},
    {"rt_sigprocmask", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "ncurses"},
    {"rt_sigreturn", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "end of a handler"},

    /* Who it is, and ending. */
    {"getpid", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "log lines"},
    {"getuid", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "ncurses"},
    {"geteuid", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "ncurses"},
    {"getgid", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "ncurses"},
    {"getegid", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "ncurses"},
    {"exit", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "ending"},
    {"exit_group", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "ending"},

    /* Login only: ncurses reads the terminal's description after
     * authentication, from files, and the tty's buffer is made. */
    {"open", SANDBOX_L, SANDBOX_NONE_OF, 1, SANDBOX_WRITE_FLAGS, 0,
        "terminfo, read-only"},
    {"openat", SANDBOX_L, SANDBOX_NONE_OF, 2, SANDBOX_WRITE_FLAGS, 0,
        "terminfo, read-only"},
    {"access", SANDBOX_L, SANDBOX_ANY, 0, 0, 0, "terminfo directories"},
    {"faccessat", SANDBOX_L, SANDBOX_ANY, 0, 0, 0, "terminfo directories"},
    {"faccessat2", SANDBOX_L, SANDBOX_ANY, 0, 0, 0, "terminfo directories"},
    {"stat", SANDBOX_L, SANDBOX_ANY, 0, 0, 0, "terminfo directories"},
    {"newfstatat", SANDBOX_L, SANDBOX_ANY, 0, 0, 0, "terminfo directories"},
    {"memfd_create", SANDBOX_L, SANDBOX_ANY, 0, 0, 0, "tty.c's buffer"},
    {"chroot", SANDBOX_L, SANDBOX_ANY, 0, 0, 0, "sandbox_lock, as root"},
    {"chdir", SANDBOX_L, SANDBOX_ANY, 0, 0, 0, "sandbox_lock, as root"},
    {"capset", SANDBOX_L, SANDBOX_ANY, 0, 0, 0, "dropping CAP_SYS_CHROOT"},
    {"seccomp", SANDBOX_L, SANDBOX_ANY, 0, 0, 0, "adding the session stage"},

#ifdef SANDBOX_SANITIZERS
    /* Sanitizer builds only (see above). */
    {"sigaltstack", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "sanitizers"},
    {"prctl", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "sanitizers"},
    {"readlink", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "sanitizer reports"},
    {"readlinkat", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "sanitizer reports"},
    {"sched_yield", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "sanitizer locks"},
    {"gettid", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "sanitizers"},
    {"getrlimit", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "sanitizers"},
    {"prlimit64", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "sanitizers"},
    {"sched_getaffinity", SANDBOX_LS, SANDBOX_ANY, 0, 0, 0, "sanitizers"},
#endif
};

/*
 * Limits of a frontend. The address space limit is what the frontend has
 * at the time (the moot program freshly run, its libraries mapped: some
 * 16 MB, whatever the daemon holds) plus SANDBOX_AS_MORE: libssh, ncurses
 * and two frames of the largest terminal take far less. No file size
 * limit: the log (standard error) may be a file that already is large,
 * and nothing but the log and the tty's anonymous buffer is written.
 */
#define SANDBOX_NOFILE 16                   /* 5 kept + ncurses + libssh */
#define SANDBOX_AS_MORE (512 * 1024 * 1024) /* above the size at start */

struct sandbox_limit {
	int resource;
	rlim_t value;
	const char *note;
};

static const struct sandbox_limit sandbox_limits[] = {
    {RLIMIT_CORE, 0, "no core file with the host key in it"},
    {RLIMIT_NOFILE, SANDBOX_NOFILE, "descriptors"},
    {RLIMIT_NPROC, 0, "no new process (the filter kills fork too)"},
    {RLIMIT_MEMLOCK, 0, "no locked memory"},
    {RLIMIT_MSGQUEUE, 0, "no POSIX message queue"},
    {RLIMIT_LOCKS, 0, "no file lock"},
};

/* Set by sandbox_enter when the frontend keeps CAP_SYS_CHROOT for
 * sandbox_lock. */
static int sandbox_chroot;

/* Whether MOOT_SANDBOX_DEBUG is set: see sandbox_debug_on_sigsys. */
static int sandbox_debug;

/* The daemon's frontends, for the log when one is reaped. */
struct sandbox_child {
	pid_t pid;
	char addr[64];
	TAILQ_ENTRY(sandbox_child) entry;
};
static TAILQ_HEAD(, sandbox_child) sandbox_children = TAILQ_HEAD_INITIALIZER(
    sandbox_children);

void
sandbox_prepare(void)
{
	struct stat sb;
	struct dirent *de;
	DIR *d;

	if (geteuid() != 0)
		return;
	if (mkdir(SANDBOX_EMPTY_DIR, 0755) == -1 && errno != EEXIST)
		fatal("mkdir %s", SANDBOX_EMPTY_DIR);
	if (lstat(SANDBOX_EMPTY_DIR, &sb) == -1)
		fatal("%s", SANDBOX_EMPTY_DIR);
	if (!S_ISDIR(sb.st_mode) || sb.st_uid != 0 || (sb.st_mode & 022) != 0)
		fatalx("%s must be a directory owned by root and writable "
		       "by nobody else (frontends are confined there)",
		    SANDBOX_EMPTY_DIR);
	if ((d = opendir(SANDBOX_EMPTY_DIR)) == NULL)
		fatal("%s", SANDBOX_EMPTY_DIR);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			fatalx("%s must be empty (frontends are confined "
			       "there)",
			    SANDBOX_EMPTY_DIR);
	}
	closedir(d);
}

/* The capabilities of this process: only CAP_SYS_CHROOT, or none. */
static int
sandbox_caps(int chroot_only)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct data[2];

	memset(&h, 0, sizeof h);
	memset(data, 0, sizeof data);
	h.version = _LINUX_CAPABILITY_VERSION_3;
	h.pid = 0;
	if (chroot_only) {
		data[0].effective = 1U << CAP_SYS_CHROOT;
		data[0].permitted = 1U << CAP_SYS_CHROOT;
	}
	return syscall(SYS_capset, &h, data);
}

/*
 * As root, become "nobody" before the key exchange, keeping one
 * capability, CAP_SYS_CHROOT, until sandbox_lock: ncurses reads the
 * terminal's description from files once TERM is known (after
 * authentication), so the chroot to an empty directory can only come
 * then. Not root: nothing to drop.
 */
static void
sandbox_drop_privileges(void)
{
	struct passwd *pw;

	compat_no_new_privs();
	if (geteuid() != 0)
		return;
	if ((pw = getpwnam("nobody")) == NULL) {
		/* Root still loses every capability in sandbox_lock. */
		log_warn("no user 'nobody': the frontend keeps root");
		sandbox_chroot = 1;
		return;
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1)
		fatal("PR_SET_KEEPCAPS");
	if (setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1)
		fatal("cannot drop privileges to nobody");
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1)
		fatal("PR_SET_KEEPCAPS");
	if (sandbox_caps(1) == -1)
		fatal("cannot keep CAP_SYS_CHROOT");
	if (setuid(0) != -1)
		fatalx("dropped privileges but could become root again");
	sandbox_chroot = 1;
}

static void
sandbox_rlimits(void)
{
	const struct sandbox_limit *l;
	struct rlimit rl;
	size_t i;
#ifndef SANDBOX_SANITIZERS
	unsigned long pages;
	FILE *f;

	/* The address space: what there is now, and room to work. */
	if ((f = fopen("/proc/self/statm", "r")) != NULL) {
		if (fscanf(f, "%lu", &pages) == 1) {
			rl.rlim_cur = rl.rlim_max =
			    (rlim_t)pages * sysconf(_SC_PAGESIZE) +
			    SANDBOX_AS_MORE;
			if (setrlimit(RLIMIT_AS, &rl) == -1)
				fatal("setrlimit RLIMIT_AS");
		}
		fclose(f);
	}
#endif
	for (i = 0; i < sizeof sandbox_limits / sizeof *sandbox_limits; i++) {
		l = &sandbox_limits[i];
		rl.rlim_cur = rl.rlim_max = l->value;
		if (setrlimit(l->resource, &rl) == -1)
			fatal("setrlimit (%s)", l->note);
	}
}

/*
 * MOOT_SANDBOX_DEBUG (for debugging only): a forbidden call traps here
 * instead of killing at once, so the log names it; then the process is
 * killed by SIGSYS all the same (a second forbidden call while SIGSYS is
 * blocked in this handler kills it).
 */
static void
sandbox_debug_on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	char line[128];
	int n;

	n = snprintf(line, sizeof line,
	    "moot-frontend[%ld]: sandbox: forbidden system call %d\n",
	    (long)getpid(), si->si_syscall);
	if (n > 0 && write(STDERR_FILENO, line, n) == -1) {
		/* the process ends anyway */
	}
	syscall(SYS_socket, -1, -1, -1);
	_exit(1);
}

static int
sandbox_rule(
    scmp_filter_ctx ctx, uint32_t action, int nr, const struct sandbox_call *c)
{
	struct scmp_arg_cmp a;

	memset(&a, 0, sizeof a);
	a.arg = c->arg;
	switch (c->cmp) {
	case SANDBOX_ANY:
		return seccomp_rule_add(ctx, action, nr, 0);
	case SANDBOX_EQ:
		a.op = SCMP_CMP_EQ;
		a.datum_a = c->value;
		break;
	case SANDBOX_NONE_OF:
		a.op = SCMP_CMP_MASKED_EQ;
		a.datum_a = c->value;
		a.datum_b = 0;
		break;
	case SANDBOX_ALL_OF:
		a.op = SCMP_CMP_MASKED_EQ;
		a.datum_a = c->value;
		a.datum_b = c->value;
		break;
	}
	return seccomp_rule_add_array(ctx, action, nr, 1, &a);
}

int
sandbox_filter(enum sandbox_stage stage)
{
	const struct sandbox_call *c;
	scmp_filter_ctx ctx;
	uint32_t deny;
	size_t i;
	int nr, rc = -1;

	deny = sandbox_debug ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS;
	if ((ctx = seccomp_init(deny)) == NULL)
		return -1;
	/* No new privileges is already set (sandbox_drop_privileges, or a
	 * test); the session stage could not call prctl. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) != 0)
		goto out;
	for (i = 0; i < sizeof sandbox_calls / sizeof *sandbox_calls; i++) {
		c = &sandbox_calls[i];
		if ((c->stages & stage) == 0)
			continue;
		nr = seccomp_syscall_resolve_name(c->name);
		if (nr == __NR_SCMP_ERROR || nr < 0)
			continue; /* not on this architecture */
		if (sandbox_rule(ctx,
		        c->fail != 0 ? SCMP_ACT_ERRNO(c->fail) : SCMP_ACT_ALLOW,
		        nr, c) != 0)
			goto out;
	}
	rc = seccomp_load(ctx) == 0 ? 0 : -1;
out:
	seccomp_release(ctx);
	return rc;
}

#ifdef SANDBOX_SANITIZERS
/* LeakSanitizer's check at exit() starts a tracer thread, which the
 * filter forbids: a frontend ending by exit() ends here instead. */
static void
sandbox_on_exit(int status, void *arg)
{
	_exit(status);
}
#endif

void
sandbox_enter(void)
{
	struct sigaction sa;

	sandbox_debug = getenv("MOOT_SANDBOX_DEBUG") != NULL;
	/* Log lines carry local time: read the zone now, while files can
	 * be read. */
	tzset();
	sandbox_drop_privileges();
	sandbox_rlimits();
#ifdef SANDBOX_SANITIZERS
	on_exit(sandbox_on_exit, NULL);
#endif
	if (sandbox_debug) {
		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = sandbox_debug_on_sigsys;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSYS, &sa, NULL);
	}
	if (sandbox_filter(SANDBOX_LOGIN) == -1)
		fatalx("cannot apply the sandbox (seccomp)");
}

void
sandbox_lock(void)
{
	if (sandbox_chroot) {
		if (chroot(SANDBOX_EMPTY_DIR) == -1 || chdir("/") == -1)
			fatal("chroot %s", SANDBOX_EMPTY_DIR);
		if (sandbox_caps(0) == -1)
			fatal("cannot drop CAP_SYS_CHROOT");
		sandbox_chroot = 0;
	}
	if (sandbox_filter(SANDBOX_SESSION) == -1)
		fatalx("cannot apply the sandbox (seccomp)");
}

void
sandbox_track(pid_t pid, const char *addr)
{
	struct sandbox_child *sc = xcalloc(1, sizeof *sc);

	sc->pid = pid;
	snprintf(sc->addr, sizeof sc->addr, "%s", addr);
	TAILQ_INSERT_TAIL(&sandbox_children, sc, entry);
}

int
sandbox_reaped(pid_t pid, int status)
{
	struct sandbox_child *sc;

	TAILQ_FOREACH (sc, &sandbox_children, entry) {
		if (sc->pid == pid)
			break;
	}
	if (sc == NULL)
		return 0;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		log_warn("frontend %ld (%s) was killed by its sandbox "
		         "(SIGSYS): it made a forbidden system call",
		    (long)pid, sc->addr);
	else if (WIFSIGNALED(status))
		log_info("frontend %ld (%s) was killed by signal %d", (long)pid,
		    sc->addr, WTERMSIG(status));
	else
		log_debug("frontend %ld exited", (long)pid);
	TAILQ_REMOVE(&sandbox_children, sc, entry);
	free(sc);
	return 1;
}
