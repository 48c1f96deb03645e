/*
 * summon_spawn: start one service process in the way systemd's exec child does, from inside the manager, with no
 * intermediate exec. The managed side (Summon.Processes.ProcessSpawner) prepares everything: path, argv, envp,
 * fd map, credentials and limits, all in native memory. This file only runs the child.
 *
 * Why C: the service must see its own pid in LISTEN_PID/SYSTEMD_EXEC_PID, which only code running in the child
 * between clone and execve can write. posix_spawn cannot run caller code there, and managed code must not run in a
 * child of a multi-threaded .NET process (a GC suspension in flight at clone time is never completed in the child,
 * and the first GC poll would hang it forever). So the child is this C function, started by clone(CLONE_VM) on a
 * stack of its own: no page tables are copied.
 *
 * Two modes:
 *  - synchronous (CLONE_VFORK, as glibc's posix_spawn): the calling thread waits until the child has called execve
 *    or exited, and a failed step comes back from this call.
 *  - asynchronous (no CLONE_VFORK): the calling thread goes on at once; the kernel zeroes the slot's ctid word when
 *    the child has left our memory (CLONE_CHILD_CLEARTID, done at execve and at exit), and only then is the slot
 *    (stack and the child's copy of the arguments) used again. A failed step is read back with
 *    summon_spawn_take_failure() once the child is reaped; its exit status already says which step (203 EXEC, ...).
 *    This is systemd's own model (it forks and reports "Failed at step EXEC" when the child exits) and keeps the
 *    manager's thread off the child's way to execve: under load that wait was the manager's single largest stall,
 *    and a child held before execve (a FIFO open, a hung mount, SIGSTOP) would hold the manager with it. The
 *    manager uses this mode for every spawn, and it never waits. How many such children are still on their way to
 *    execve is summon_spawn_pending(), a child held there longer than STUCK_NS no longer counted; the manager stops
 *    accepting connections while that reaches summon_spawn_depth() (4 x CPUs), so the throttle is back-pressure on
 *    the listen backlog, not a wait. A caller that must know when execve happened (Type=exec) passes exec_fd and
 *    watches the pipe's other end.
 *
 * The child runs beside the parent's threads in the same memory, so it makes raw system calls only: no glibc
 * wrapper, which could write errno (the parent thread's TLS) or take a lock; credentials in particular must not go
 * through glibc's setxid broadcast to every thread of the (shared) parent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Keep in step with Interop/Interop.SummonSpawn.cs. */
enum
{
    SUMMON_SPAWN_SETSID = 1,
    SUMMON_SPAWN_IGNORE_SIGPIPE = 2,
    SUMMON_SPAWN_UMASK = 4,
    SUMMON_SPAWN_NICE = 8,
    SUMMON_SPAWN_UID = 16,
    SUMMON_SPAWN_GID = 32,
    SUMMON_SPAWN_GROUPS = 64,
    SUMMON_SPAWN_SETPGID = 128,
    SUMMON_SPAWN_ATTRS = 256,      /* args->attrs is set: the process attributes below (issue 13); without it the
                                    * child does not look at them */
    SUMMON_SPAWN_KEYRING = 512,    /* a session keyring of its own (KeyringMode=private/shared, systemd's default) */
    SUMMON_SPAWN_CTTY = 1024,      /* fd 0 (StandardInput=tty*) becomes the controlling terminal (TIOCSCTTY) */
    SUMMON_SPAWN_CTTY_FORCE = 2048, /* ... taken from another session if need be (StandardInput=tty-force) */
    SUMMON_SPAWN_TTY_RESET = 4096, /* TTYReset=: args->tty_path back to sane settings before the streams are opened */
    SUMMON_SPAWN_TTY_VHANGUP = 8192, /* TTYVHangup=: args->tty_path hung up first */
    SUMMON_SPAWN_MOUNTS = 16384,   /* args->mounts: the mount namespace of the sandbox (summon_mounts.c) */
    SUMMON_SPAWN_PRIVILEGES = 32768, /* args->privileges: namespaces, capabilities, no_new_privs (summon_privileges.c) */
    SUMMON_SPAWN_SECCOMP = 65536,  /* args->seccomp: system-call filters (summon_seccomp.c) */
};

/* The step that failed in the child, numbered as systemd's exit status for it (EXIT_CHDIR, EXIT_EXEC, ...): the child
 * exits with the step's own number, and the manager names it from the one exit-status table. */
enum
{
    SUMMON_STEP_NONE = 0,
    SUMMON_STEP_CHDIR = 200,
    SUMMON_STEP_NICE = 201,
    SUMMON_STEP_FDS = 202,
    SUMMON_STEP_EXEC = 203,
    SUMMON_STEP_LIMITS = 205,
    SUMMON_STEP_OOM_ADJUST = 206,
    SUMMON_STEP_SIGNAL_MASK = 207,
    SUMMON_STEP_STDIN = 208,
    SUMMON_STEP_STDOUT = 209,
    SUMMON_STEP_IOPRIO = 211,
    SUMMON_STEP_TIMERSLACK = 212,
    SUMMON_STEP_SECUREBITS = 213,
    SUMMON_STEP_SETSCHEDULER = 214,
    SUMMON_STEP_CPUAFFINITY = 215,
    SUMMON_STEP_GROUP = 216,
    SUMMON_STEP_USER = 217,
    SUMMON_STEP_SETSID = 220,
    SUMMON_STEP_STDERR = 222,
    SUMMON_STEP_PERSONALITY = 230,
    SUMMON_STEP_KEYRING = 237,
    SUMMON_STEP_NUMA_POLICY = 242,
    SUMMON_STEP_CGROUP = 219,
};

/* fds[i] values below zero: what the child puts on slot i instead of one of the manager's fds. */
enum
{
    SUMMON_FD_NULL = -1,           /* /dev/null, read-only for 0, write-only otherwise */
    SUMMON_FD_OPEN = -2,           /* opens[i] (stdio slots only), opened by the child: a FIFO or a hung mount stops
                                    * the child, never the manager, as systemd's exec child opens them */
    SUMMON_FD_SAME_AS_1 = -3,      /* a copy of the child's fd 1 (stderr following a file on stdout) */
};

struct summon_open
{
    const char *path;
    int32_t flags;                 /* open(2) flags; O_CLOEXEC and O_NOCTTY are added */
    uint32_t mode;
};

struct summon_rlimit
{
    int32_t resource;
    int32_t padding;
    uint64_t soft;
    uint64_t hard;
};

/* Which members of struct summon_attrs are set; keep in step with Interop.SummonSpawn.cs. */
enum
{
    SUMMON_ATTR_OOM = 1,
    SUMMON_ATTR_SCHED = 2,
    SUMMON_ATTR_CPUS = 4,
    SUMMON_ATTR_NUMA = 8,
    SUMMON_ATTR_IOPRIO = 16,
    SUMMON_ATTR_TIMERSLACK = 32,
    SUMMON_ATTR_PERSONALITY = 64,
    SUMMON_ATTR_SECUREBITS = 128,
    SUMMON_ATTR_KEYRING_SHARED = 256,  /* with SUMMON_SPAWN_KEYRING: link the user's keyring into the new session one */
};

#define SUMMON_MASK_WORDS 16           /* CPUs and NUMA nodes 0..1023 */

/* The process attributes of systemd.exec(5) the child applies (OOMScoreAdjust=, CPUSchedulingPolicy=, CPUAffinity=,
 * NUMAPolicy=, IOSchedulingClass=, TimerSlackNSec=, Personality=, SecureBits=, KeyringMode=shared): fixed size, so
 * the slot copies it in one piece. */
struct summon_attrs
{
    int32_t set;                   /* SUMMON_ATTR_* */
    int32_t oom_score_adjust;
    int32_t sched_policy;          /* SCHED_*, SCHED_RESET_ON_FORK or'ed in */
    int32_t sched_priority;
    int32_t ioprio;                /* IOPRIO_PRIO_VALUE(class, data) */
    int32_t securebits;
    uint32_t personality;
    int32_t numa_policy;           /* MPOL_* */
    uint64_t timer_slack_ns;
    uint64_t cpus[SUMMON_MASK_WORDS];
    uint64_t numa_nodes[SUMMON_MASK_WORDS];
};

struct summon_spawn_args
{
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *cwd;               /* NULL: keep the manager's */
    const int32_t *fds;            /* fds[i] becomes fd i; below zero: SUMMON_FD_* */
    int32_t nfds;
    int32_t flags;                 /* SUMMON_SPAWN_* */
    char *pid_digits[2];           /* where the child writes its pid in decimal, NUL-terminated; NULL: unused */
    uint32_t umask_value;
    int32_t nice_value;
    uint32_t uid;
    uint32_t gid;
    const uint32_t *groups;
    int32_t ngroups;
    int32_t nlimits;
    const struct summon_rlimit *limits;
    const struct summon_open *opens; /* 3 entries, for the stdio slots whose fds[i] is SUMMON_FD_OPEN; else NULL */
    int32_t exec_fd;               /* -1, or the write end of a close-on-exec pipe, above the map, that the child keeps
                                    * to execve: its EOF tells the manager the child has left (failed_step first) */
    int32_t padding;
    /* out, written by the child when a step fails (the memory is shared until execve) */
    int32_t failed_step;
    int32_t failed_errno;
    /* From here on: the steps added after the first layout, each read only when its flag is set. */
    const struct summon_attrs *attrs; /* SUMMON_SPAWN_ATTRS */
    const char *tty_path;          /* SUMMON_SPAWN_TTY_RESET, SUMMON_SPAWN_TTY_VHANGUP: TTYPath= */
    /* control groups (in): the child starts in cgroup_fd's cgroup2 cgroup (clone3 CLONE_INTO_CGROUP), or, where the
     * kernel cannot do that, writes itself into cgroup_procs_fd (that cgroup's cgroup.procs) first thing; it also
     * joins each of more_procs (cgroup.procs of the v1 hierarchies of a hybrid layout). -1 / 0: none. */
    int32_t cgroup_fd;
    int32_t cgroup_procs_fd;
    const int32_t *more_procs;
    int32_t nmore_procs;
    int32_t padding2;
    /* the sandbox (summon_sandbox.h), each read only when its flag is set */
    const struct summon_mounts *mounts;         /* SUMMON_SPAWN_MOUNTS */
    const struct summon_privileges *privileges; /* SUMMON_SPAWN_PRIVILEGES */
    const struct summon_seccomp *seccomp;       /* SUMMON_SPAWN_SECCOMP */
};

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* Modes of summon_spawn(); keep in step with Interop.SummonSpawn.cs. */
enum
{
    SUMMON_MODE_ASYNC = 1,
};

/* ---- raw system calls: summon_raw.h ------------------------------------------------------------------------ */

#include "summon_raw.h"
#include "summon_sandbox.h"

/*
 * clone3(2) with a child function, for CLONE_CLEAR_SIGHAND (Linux 5.5: the kernel resets every handled signal to
 * SIG_DFL in the child, which otherwise costs the child 62 rt_sigaction calls). glibc has no public clone3 wrapper.
 * The child starts on its new stack with the parent's registers: it calls fn(arg) and exits with its result.
 *   long summon_clone3(struct clone_args *args, size_t size, int (*fn)(void *), void *arg)  -> pid, 0 never, -errno
 */
#if defined(__x86_64__)
#define SUMMON_HAVE_CLONE3 1
__asm__(".text\n"
        ".p2align 4\n"
        ".globl summon_clone3\n"         /* for summon_privileges.c's writer of a user namespace's maps */
        ".hidden summon_clone3\n"
        ".type summon_clone3, @function\n"
        "summon_clone3:\n"
        "    mov %rdx, %r8\n"          /* fn: r8 and r9 survive the syscall and are copied to the child */
        "    mov %rcx, %r9\n"          /* arg */
        "    mov $435, %eax\n"         /* SYS_clone3 */
        "    syscall\n"
        "    test %rax, %rax\n"
        "    jnz 1f\n"
        "    xor %ebp, %ebp\n"         /* child: outermost frame */
        "    mov %r9, %rdi\n"
        "    call *%r8\n"
        "    mov %eax, %edi\n"
        "    mov $231, %eax\n"         /* SYS_exit_group */
        "    syscall\n"
        "    hlt\n"
        "1:  ret\n"
        ".size summon_clone3, .-summon_clone3\n");
#elif defined(__aarch64__)
#define SUMMON_HAVE_CLONE3 1
__asm__(".text\n"
        ".p2align 2\n"
        ".globl summon_clone3\n"
        ".hidden summon_clone3\n"
        ".type summon_clone3, %function\n"
        "summon_clone3:\n"
        "    mov x8, #435\n"           /* SYS_clone3; x2 (fn) and x3 (arg) are copied to the child */
        "    svc #0\n"
        "    cbnz x0, 1f\n"
        "    mov x29, xzr\n"           /* child: outermost frame */
        "    mov x30, xzr\n"
        "    mov x0, x3\n"
        "    blr x2\n"
        "    mov x8, #94\n"            /* SYS_exit_group */
        "    svc #0\n"
        "    brk #0\n"
        "1:  ret\n"
        ".size summon_clone3, .-summon_clone3\n");
#else
#define SUMMON_HAVE_CLONE3 0
#endif

#if SUMMON_HAVE_CLONE3
long summon_clone3(void *args, size_t size, int (*fn)(void *), void *arg) __attribute__((visibility("hidden")));

/* struct clone_args as of Linux 5.3 (CLONE_ARGS_SIZE_VER0), then 5.7's set_tid and cgroup (CLONE_ARGS_SIZE_VER2). */
struct summon_clone_args
{
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
    uint64_t set_tid;
    uint64_t set_tid_size;
    uint64_t cgroup;
};
#define SUMMON_CLONE_ARGS_SIZE_VER0 64
#endif

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* The kernel's struct sigaction for rt_sigaction (x86_64 and arm64 both have sa_restorer). */
struct kernel_sigaction
{
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};

/* ---- the child ------------------------------------------------------------------------------------------------- */

/* error is a negative kernel return value. */
static _Noreturn void child_fail(struct summon_spawn_args *a, int step, long error)
{
    a->failed_errno = (int32_t)-error;
    __atomic_store_n(&a->failed_step, step, __ATOMIC_RELEASE);
    if (a->exec_fd >= 0)
    {
        int32_t report[2] = { step, (int32_t)-error };
        raw3(SYS_write, a->exec_fd, report, sizeof report);
    }
    for (;;)
        raw1(SYS_exit_group, step);
}

static void write_pid(char *dest, long pid)
{
    char digits[16];
    int n = 0;
    do
    {
        digits[n++] = (char)('0' + pid % 10);
        pid /= 10;
    } while (pid > 0);
    while (n > 0)
        *dest++ = digits[--n];
    *dest = '\0';
}

/* prlimit, settling for the current hard limit on EPERM as systemd's setrlimit_closest() does. 0 or -errno. */
static long set_limit_closest(const struct summon_rlimit *l)
{
    struct rlimit wanted = { .rlim_cur = l->soft, .rlim_max = l->hard };
    long r = raw4(SYS_prlimit64, 0, l->resource, &wanted, NULL);
    if (r != -EPERM)
        return r;
    struct rlimit highest;
    long g = raw4(SYS_prlimit64, 0, l->resource, NULL, &highest);
    if (g != 0)
        return g;
    if (highest.rlim_max == RLIM_INFINITY)
        return -EPERM;
    struct rlimit closest = {
        .rlim_cur = l->soft < highest.rlim_max ? l->soft : highest.rlim_max,
        .rlim_max = l->hard < highest.rlim_max ? l->hard : highest.rlim_max,
    };
    if (closest.rlim_cur == highest.rlim_cur && closest.rlim_max == highest.rlim_max)
        return 0;
    return raw4(SYS_prlimit64, 0, l->resource, &closest, NULL);
}

/* Closes every fd from `lowest` up but `keep` (-1: none): close_range (Linux 5.9) where it exists, else one close
 * per possible fd. */
static long close_from(int lowest, int keep)
{
    long r;
    if (keep >= lowest)
    {
        r = keep > lowest ? raw3(SYS_close_range, (unsigned)lowest, (unsigned)keep - 1, 0) : 0;
        if (r == 0)
            r = raw3(SYS_close_range, (unsigned)keep + 1, ~0U, 0);
    }
    else
        r = raw3(SYS_close_range, (unsigned)lowest, ~0U, 0);
    if (r != -ENOSYS)
        return r;
    struct rlimit nofile;
    if (raw4(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &nofile) != 0 || nofile.rlim_cur > (1u << 20))
        nofile.rlim_cur = 1u << 20;
    for (long fd = lowest; fd < (long)nofile.rlim_cur; fd++)
    {
        if (fd != keep)
            raw1(SYS_close, fd);
    }
    return 0;
}

/* Opens path as fd `slot` (without FD_CLOEXEC); 0 or -errno. */
static long place_opened(int slot, const char *path, int flags, uint32_t mode)
{
    long fd = raw4(SYS_openat, AT_FDCWD, path, flags | O_CLOEXEC, mode);
    if (fd < 0)
        return fd;
    if (fd == slot)
        return raw3(SYS_fcntl, slot, F_SETFD, 0);
    long r = raw3(SYS_dup3, fd, slot, 0);
    raw1(SYS_close, fd);
    return r < 0 ? r : 0;
}

/* The step a stdio slot's own open fails at, numbered as systemd's. */
static int open_step(int slot)
{
    return slot == 0 ? SUMMON_STEP_STDIN : slot == 1 ? SUMMON_STEP_STDOUT : SUMMON_STEP_STDERR;
}

/* ---- the terminal (TTYPath=, TTYReset=, TTYVHangup=, StandardInput=tty*) ------------------------------------- */

#ifndef TIOCSCTTY
#define TIOCSCTTY 0x540E
#endif
#ifndef TIOCVHANGUP
#define TIOCVHANGUP 0x5437
#endif
#ifndef TIOCNXCL
#define TIOCNXCL 0x540D
#endif
#ifndef TCGETS
#define TCGETS 0x5401
#endif
#ifndef TCSETS
#define TCSETS 0x5402
#endif
#ifndef TCFLSH
#define TCFLSH 0x540B
#endif

/* The kernel's struct termios (TCGETS/TCSETS), not glibc's larger one. */
struct kernel_termios
{
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
};

/* TTYVHangup= and TTYReset= on the terminal before the child opens its streams, as systemd's exec_context_tty_reset():
 * best effort, a terminal that cannot be opened or set is left as it is. The reset is reset_terminal_fd()'s: no
 * exclusive mode, sane line settings and control characters, pending input and output dropped. */
static void step_tty_reset(const struct summon_spawn_args *a)
{
    long fd = raw4(SYS_openat, AT_FDCWD, a->tty_path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK, 0);
    if (fd < 0)
        return;
    if (a->flags & SUMMON_SPAWN_TTY_VHANGUP)
        raw3(SYS_ioctl, fd, TIOCVHANGUP, 0);
    struct kernel_termios t;
    if ((a->flags & SUMMON_SPAWN_TTY_RESET) && raw3(SYS_ioctl, fd, TCGETS, &t) == 0)
    {
        raw3(SYS_ioctl, fd, TIOCNXCL, 0);
        t.c_iflag &= ~(uint32_t)(IGNBRK | BRKINT | ISTRIP | INLCR | IGNCR | IUCLC);
        t.c_iflag |= ICRNL | IMAXBEL | IUTF8;
        t.c_oflag |= ONLCR | OPOST;
        t.c_cflag |= CREAD;
        t.c_lflag = ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE;
        static const uint8_t cc[][2] = {
            { VINTR, 3 }, { VQUIT, 28 }, { VERASE, 127 }, { VKILL, 21 }, { VEOF, 4 }, { VSTART, 17 }, { VSTOP, 19 },
            { VSUSP, 26 }, { VLNEXT, 22 }, { VWERASE, 23 }, { VREPRINT, 18 }, { VEOL, 0 }, { VEOL2, 0 },
            { VTIME, 0 }, { VMIN, 1 },
        };
        for (size_t i = 0; i < sizeof cc / sizeof cc[0]; i++)
            t.c_cc[cc[i][0]] = cc[i][1];
        raw3(SYS_ioctl, fd, TCSETS, &t);
        raw3(SYS_ioctl, fd, TCFLSH, TCIOFLUSH);
    }
    raw1(SYS_close, fd);
}

/* ---- process attributes: one function per step, each 0 or the failed step with *error (-errno) ---------------- */

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#define SUMMON_PR_SET_TIMERSLACK 29
#define SUMMON_PR_GET_SECUREBITS 27
#define SUMMON_PR_SET_SECUREBITS 28
#define SUMMON_IOPRIO_WHO_PROCESS 1
#define SUMMON_KEYCTL_JOIN_SESSION_KEYRING 1
#define SUMMON_KEYCTL_CHOWN 4
#define SUMMON_KEYCTL_LINK 8
#define SUMMON_KEY_SPEC_SESSION_KEYRING (-3)
#define SUMMON_KEY_SPEC_USER_KEYRING (-4)
#define SUMMON_MPOL_DEFAULT 0
#define SUMMON_MPOL_LOCAL 4

/* What systemd treats as "not allowed here" or "not supported here" for the steps it lets pass in a container. */
static int refused(long error)
{
    return error == -EPERM || error == -EACCES || error == -ENOSYS || error == -EOPNOTSUPP || error == -EROFS;
}

/* OOMScoreAdjust=: /proc/self/oom_score_adj. Refused (a container without CAP_SYS_RESOURCE lowering it) is passed
 * over, as systemd's "assuming containerized execution" does. */
static int step_oom_score(const struct summon_attrs *t, long *error)
{
    char text[16];
    int n = 0;
    long v = t->oom_score_adjust;
    if (v < 0)
    {
        text[n++] = '-';
        v = -v;
    }
    char digits[8];
    int d = 0;
    do
    {
        digits[d++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (d > 0)
        text[n++] = digits[--d];
    long fd = raw4(SYS_openat, AT_FDCWD, "/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC, 0);
    long r = fd < 0 ? fd : raw3(SYS_write, fd, text, n);
    if (fd >= 0)
        raw1(SYS_close, fd);
    if (r < 0 && !refused(r))
    {
        *error = r;
        return SUMMON_STEP_OOM_ADJUST;
    }
    return 0;
}

/* CPUSchedulingPolicy=/Priority=/ResetOnFork=, CPUAffinity=, NUMAPolicy=/NUMAMask=, IOSchedulingClass=/Priority=,
 * TimerSlackNSec=, Personality=, in systemd's order. */
static int step_placement(const struct summon_attrs *t, long *error)
{
    long r;
    if (t->set & SUMMON_ATTR_SCHED)
    {
        struct sched_param param = { .sched_priority = t->sched_priority };
        if ((r = raw3(SYS_sched_setscheduler, 0, t->sched_policy, &param)) < 0)
            return *error = r, SUMMON_STEP_SETSCHEDULER;
    }
    if ((t->set & SUMMON_ATTR_CPUS) && (r = raw3(SYS_sched_setaffinity, 0, sizeof t->cpus, t->cpus)) < 0)
        return *error = r, SUMMON_STEP_CPUAFFINITY;
    if (t->set & SUMMON_ATTR_NUMA)
    {
        int nodeless = t->numa_policy == SUMMON_MPOL_DEFAULT || t->numa_policy == SUMMON_MPOL_LOCAL;
        r = raw3(SYS_set_mempolicy, t->numa_policy, nodeless ? NULL : t->numa_nodes,
                 nodeless ? 0 : SUMMON_MASK_WORDS * 64 + 1);
        if (r < 0 && r != -ENOSYS && r != -EOPNOTSUPP)
            return *error = r, SUMMON_STEP_NUMA_POLICY;
    }
    if ((t->set & SUMMON_ATTR_IOPRIO) && (r = raw3(SYS_ioprio_set, SUMMON_IOPRIO_WHO_PROCESS, 0, t->ioprio)) < 0)
        return *error = r, SUMMON_STEP_IOPRIO;
    if ((t->set & SUMMON_ATTR_TIMERSLACK) &&
        (r = raw2(SYS_prctl, SUMMON_PR_SET_TIMERSLACK, (unsigned long)t->timer_slack_ns)) < 0)
        return *error = r, SUMMON_STEP_TIMERSLACK;
    if ((t->set & SUMMON_ATTR_PERSONALITY) && (r = raw1(SYS_personality, (unsigned long)t->personality)) < 0)
        return *error = r, SUMMON_STEP_PERSONALITY;
    return 0;
}

/* Set once a child found the kernel keyring refused (Docker's default seccomp profile refuses keyctl): later children
 * skip the call. Written by a child in the manager's memory, which it shares until execve. */
static _Atomic int keyring_refused;

/* KeyringMode=private/shared: a new anonymous session keyring, owned by the service's user; shared links the user's
 * own keyring into it (looked up as that user). Refused or unsupported is passed over, as systemd does. */
static int step_keyring(const struct summon_attrs *t, int shared, long uid, long gid, long *error)
{
    if (atomic_load_explicit(&keyring_refused, memory_order_relaxed))
        return 0;
    long keyring = raw2(SYS_keyctl, SUMMON_KEYCTL_JOIN_SESSION_KEYRING, NULL);
    if (keyring < 0)
    {
        if (refused(keyring) || keyring == -EDQUOT)
        {
            atomic_store_explicit(&keyring_refused, 1, memory_order_relaxed);
            return 0;
        }
        return *error = keyring, SUMMON_STEP_KEYRING;
    }
    (void)t;
    long r;
    if (shared)
    {
        /* The user keyring is the real uid's: become the service's user for the link, then root again. */
        if (gid >= 0 && (r = raw3(SYS_setresgid, gid, -1, -1)) < 0)
            return *error = r, SUMMON_STEP_KEYRING;
        if (uid >= 0 && (r = raw3(SYS_setresuid, uid, -1, -1)) < 0)
            return *error = r, SUMMON_STEP_KEYRING;
        r = raw3(SYS_keyctl, SUMMON_KEYCTL_LINK, SUMMON_KEY_SPEC_USER_KEYRING, SUMMON_KEY_SPEC_SESSION_KEYRING);
        if (uid >= 0)
            raw3(SYS_setresuid, 0, -1, -1);
        if (gid >= 0)
            raw3(SYS_setresgid, 0, -1, -1);
        if (r < 0)
            return *error = r, SUMMON_STEP_KEYRING;
    }
    if ((uid >= 0 || gid >= 0) && (r = raw4(SYS_keyctl, SUMMON_KEYCTL_CHOWN, keyring, uid, gid)) < 0)
        return *error = r, SUMMON_STEP_KEYRING;
    return 0;
}

/* SecureBits=, after the uid change as systemd sets them; only when they differ, since setting them is privileged. */
static int step_securebits(const struct summon_attrs *t, long *error)
{
    long current = raw1(SYS_prctl, SUMMON_PR_GET_SECUREBITS);
    long r;
    if (current != t->securebits && (r = raw2(SYS_prctl, SUMMON_PR_SET_SECUREBITS, t->securebits)) < 0)
        return *error = r, SUMMON_STEP_SECUREBITS;
    return 0;
}

/* The attribute steps before the credentials change (phase 1) or after it (phase 2); 0 or the failed step. */
static int apply_attrs(const struct summon_attrs *t, int keyring, int phase, long uid, long gid, long *error)
{
    int step = 0;
    if (phase == 1)
    {
        if (t != NULL && (t->set & SUMMON_ATTR_OOM) && (step = step_oom_score(t, error)) != 0)
            return step;
        if (t != NULL && (step = step_placement(t, error)) != 0)
            return step;
        if (keyring && (step = step_keyring(t, t != NULL && (t->set & SUMMON_ATTR_KEYRING_SHARED), uid, gid, error)) != 0)
            return step;
    }
    else if (t != NULL && (t->set & SUMMON_ATTR_SECUREBITS))
    {
        step = step_securebits(t, error);
    }
    return step;
}

/*
 * For the exec helper (`summon __exec`, the fallback without the in-process routine): the same attribute steps in
 * the calling thread, which then execs. 0, or the failed step with *error_out (an errno).
 */
int summon_apply_attrs(const struct summon_attrs *t, int32_t keyring, int32_t phase, int64_t uid, int64_t gid,
                       int32_t *error_out)
{
    long error = 0;
    int step = apply_attrs(t, keyring, phase, (long)uid, (long)gid, &error);
    *error_out = (int32_t)-error;
    return step;
}

/* ---- slots: the child's stack and its own copy of the arguments ------------------------------------------------ */

/* One mapping per child in flight: this header, the copied arguments, then the stack up to the end. */
struct slot
{
    _Atomic int32_t ctid;          /* 1 while the child may use the slot; the kernel zeroes it (CLONE_CHILD_CLEARTID) */
    int32_t pid;
    int32_t handlers_cleared;      /* the child was started with CLONE_CLEAR_SIGHAND */
    uint64_t ignored;              /* bit sig-1: SIG_IGN in the manager (CLONE_CLEAR_SIGHAND keeps those) */
    int64_t started_ns;            /* CLOCK_MONOTONIC at clone: a child past STUCK_NS stops counting toward the depth */
    size_t size;
    struct summon_spawn_args args; /* the child's copy; its pointers point into this mapping */
    int32_t into_cgroup;           /* clone3 placed the child in args.cgroup_fd's cgroup already */
};

#define CHILD_STACK_SIZE (64 * 1024)
#define SLOT_STANDARD_SIZE (CHILD_STACK_SIZE + 16 * 1024)
#define MAX_FREE 8
#define MAX_FAILED_KEPT 16
/* How long a child on its way to execve counts toward summon_spawn_depth(). A child that takes longer is held by something
 * outside the manager (a FIFO open, a hung mount, SIGSTOP), not by the run queue the depth exists for. Nothing waits
 * on this bound (the manager only stops accepting while the depth is reached), so it can be generous: one second is
 * far past any run-queue wait under saturation, so a healthy child keeps counting, and short enough that held
 * children delay a socket's next connection by at most that. */
#define STUCK_NS (1000 * 1000 * 1000LL)

/* The child's control groups, before anything else it does, so that every later step and all it forks are
 * accounted and killed with the unit: cgroup.procs of each v1 hierarchy, then the cgroup2 one unless clone3 put the
 * child there already. "0" is the writing process itself. */
static void join_cgroups(struct slot *slot)
{
    struct summon_spawn_args *a = &slot->args;
    long r;
    for (int i = 0; i < a->nmore_procs; i++)
    {
        if ((r = raw3(SYS_write, a->more_procs[i], "0", 1)) < 0)
            child_fail(a, SUMMON_STEP_CGROUP, r);
    }
    if (!slot->into_cgroup && a->cgroup_procs_fd >= 0 && (r = raw3(SYS_write, a->cgroup_procs_fd, "0", 1)) < 0)
        child_fail(a, SUMMON_STEP_CGROUP, r);
}

static int child_main(void *arg)
{
    struct slot *slot = arg;
    struct summon_spawn_args *a = &slot->args;
    long pid = raw0(SYS_getpid);
    long r;
    int step;

    join_cgroups(slot);

    /* Signals: the manager's handlers must never run here. Everything to SIG_DFL as systemd's exec child does,
     * except SIGPIPE when it stays ignored (IgnoreSIGPIPE=yes); the mask (all blocked by the parent) is emptied once
     * that is done. With CLONE_CLEAR_SIGHAND the kernel has reset the handled ones already; the ignored ones
     * (slot->ignored, taken from the manager) are left. */
    struct kernel_sigaction dfl = { .handler = SIG_DFL }, ign = { .handler = SIG_IGN };
    if (slot->handlers_cleared)
    {
        uint64_t ignored = slot->ignored;
        if (a->flags & SUMMON_SPAWN_IGNORE_SIGPIPE)
        {
            if (!(ignored & (1ULL << (SIGPIPE - 1))))
                raw4(SYS_rt_sigaction, SIGPIPE, &ign, NULL, sizeof(uint64_t));
            ignored &= ~(1ULL << (SIGPIPE - 1));
        }
        for (int sig = 1; ignored != 0; sig++, ignored >>= 1)
        {
            if (ignored & 1)
                raw4(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(uint64_t));
        }
    }
    else
    {
        for (int sig = 1; sig <= 64; sig++)
        {
            if (sig == SIGKILL || sig == SIGSTOP)
                continue;
            const struct kernel_sigaction *want = sig == SIGPIPE && (a->flags & SUMMON_SPAWN_IGNORE_SIGPIPE) ? &ign : &dfl;
            raw4(SYS_rt_sigaction, sig, want, NULL, sizeof(uint64_t));
        }
    }
    if ((a->flags & SUMMON_SPAWN_SETSID) && (r = raw0(SYS_setsid)) < 0)
        child_fail(a, SUMMON_STEP_SETSID, r);
    if ((a->flags & SUMMON_SPAWN_SETPGID) && (r = raw2(SYS_setpgid, 0, 0)) < 0)
        child_fail(a, SUMMON_STEP_SETSID, r);

    /* Every handler is SIG_DFL or SIG_IGN now, so signals may reach this child: a `stop` of a child held before
     * execve (a FIFO that nobody opens, a hung mount) ends it with SIGTERM, as it would systemd's exec child. */
    uint64_t none = 0;
    if ((r = raw4(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none)) < 0)
        child_fail(a, SUMMON_STEP_SIGNAL_MASK, r);

    if (a->flags & (SUMMON_SPAWN_TTY_RESET | SUMMON_SPAWN_TTY_VHANGUP))
        step_tty_reset(a);

    /* The fd map. Sources that sit inside 0..nfds-1 on another slot were moved above the map by the caller, so
     * the dup3s in order never clobber a source still to be read. A source already in place only loses
     * FD_CLOEXEC. */
    for (int i = 0; i < a->nfds; i++)
    {
        long source = a->fds[i];
        if (source == SUMMON_FD_OPEN || source == SUMMON_FD_SAME_AS_1)
            continue;
        if (source == i)
        {
            if ((r = raw3(SYS_fcntl, i, F_SETFD, 0)) < 0)
                child_fail(a, SUMMON_STEP_FDS, r);
            continue;
        }
        if (source < 0 && (r = place_opened(i, "/dev/null", i == 0 ? O_RDONLY : O_WRONLY, 0)) < 0)
            child_fail(a, SUMMON_STEP_FDS, r);
        if (source < 0)
            continue;
        if ((r = raw3(SYS_dup3, source, i, 0)) < 0)
            child_fail(a, SUMMON_STEP_FDS, r);
    }
    if ((r = close_from(a->nfds, a->exec_fd)) < 0)
        child_fail(a, SUMMON_STEP_FDS, r);

    /* The files the child opens itself, once it holds none of the manager's fds: one held in open() by a FIFO
     * without a peer must not keep the manager's connections (a control client waiting for EOF) open. In slot order,
     * so stderr can copy stdout's. */
    for (int i = 0; i < a->nfds && i < 3; i++)
    {
        if (a->fds[i] == SUMMON_FD_OPEN)
        {
            const struct summon_open *o = &a->opens[i];
            if ((r = place_opened(i, o->path, o->flags | O_NOCTTY, o->mode)) < 0)
                child_fail(a, open_step(i), r);
        }
        else if (a->fds[i] == SUMMON_FD_SAME_AS_1 && (r = raw3(SYS_dup3, 1, i, 0)) < 0)
            child_fail(a, SUMMON_STEP_FDS, r);
    }

    /* StandardInput=tty*: the terminal just opened as fd 0 becomes this session's controlling terminal, as systemd's
     * acquire_terminal() makes it; a terminal another session holds fails the step unless forced. */
    if ((a->flags & SUMMON_SPAWN_CTTY) && (r = raw3(SYS_ioctl, 0, TIOCSCTTY, (a->flags & SUMMON_SPAWN_CTTY_FORCE) ? 1 : 0)) < 0)
        child_fail(a, SUMMON_STEP_STDIN, r);

    /* The sandbox's namespaces and mounts come before the process attributes and credentials, as in systemd. */
    if ((a->flags & SUMMON_SPAWN_PRIVILEGES) && (step = summon_privileges_enter(a->privileges, &r)) != 0)
        child_fail(a, step, r);
    if ((a->flags & SUMMON_SPAWN_MOUNTS) && (step = summon_mounts_apply(a->mounts, &r)) != 0)
        child_fail(a, step, r);

    /* WorkingDirectory= is resolved in the service's own view of the file system, after its mounts. */
    if (a->cwd != NULL && (r = raw1(SYS_chdir, a->cwd)) < 0)
        child_fail(a, SUMMON_STEP_CHDIR, r);

    /* systemd's order: limits, umask, OOM score, nice, scheduling and placement, keyring, then credentials (groups,
     * gid, then the sandbox's user namespace and bounding set, uid last), then secure bits. */
    for (int i = 0; i < a->nlimits; i++)
    {
        if ((r = set_limit_closest(&a->limits[i])) < 0)
            child_fail(a, SUMMON_STEP_LIMITS, r);
    }
    if (a->flags & SUMMON_SPAWN_UMASK)
        raw1(SYS_umask, a->umask_value);
    const struct summon_attrs *attrs = (a->flags & SUMMON_SPAWN_ATTRS) ? a->attrs : NULL;
    long attr_uid = (a->flags & SUMMON_SPAWN_UID) ? (long)a->uid : -1, attr_gid = (a->flags & SUMMON_SPAWN_GID) ? (long)a->gid : -1;
    if (attrs != NULL && (attrs->set & SUMMON_ATTR_OOM) && (step = step_oom_score(attrs, &r)) != 0)
        child_fail(a, step, r);
    if ((a->flags & SUMMON_SPAWN_NICE) && (r = raw3(SYS_setpriority, PRIO_PROCESS, 0, a->nice_value)) < 0)
        child_fail(a, SUMMON_STEP_NICE, r);
    if (attrs != NULL && (step = step_placement(attrs, &r)) != 0)
        child_fail(a, step, r);
    if ((a->flags & SUMMON_SPAWN_KEYRING) &&
        (step = step_keyring(attrs, attrs != NULL && (attrs->set & SUMMON_ATTR_KEYRING_SHARED), attr_uid, attr_gid, &r)) != 0)
        child_fail(a, step, r);
    if ((a->flags & SUMMON_SPAWN_GROUPS) && (r = raw2(SYS_setgroups, a->ngroups, a->groups)) < 0)
        child_fail(a, SUMMON_STEP_GROUP, r);
    if ((a->flags & SUMMON_SPAWN_GID) && (r = raw3(SYS_setresgid, a->gid, a->gid, a->gid)) < 0)
        child_fail(a, SUMMON_STEP_GROUP, r);
    if ((a->flags & SUMMON_SPAWN_PRIVILEGES) && (step = summon_privileges_before_user(a->privileges, &r)) != 0)
        child_fail(a, step, r);
    if ((a->flags & SUMMON_SPAWN_UID) && (r = raw3(SYS_setresuid, a->uid, a->uid, a->uid)) < 0)
        child_fail(a, SUMMON_STEP_USER, r);
    if (attrs != NULL && (step = apply_attrs(attrs, 0, 2, attr_uid, attr_gid, &r)) != 0)
        child_fail(a, step, r);
    if ((a->flags & SUMMON_SPAWN_PRIVILEGES) && (step = summon_privileges_after_user(a->privileges, &r)) != 0)
        child_fail(a, step, r);
    if ((a->flags & SUMMON_SPAWN_SECCOMP) && (step = summon_seccomp_apply(a->seccomp, &r)) != 0)
        child_fail(a, step, r);

    for (int i = 0; i < 2; i++)
    {
        if (a->pid_digits[i] != NULL)
            write_pid(a->pid_digits[i], pid);
    }

    r = raw3(SYS_execve, a->path, a->argv, a->envp);
    child_fail(a, SUMMON_STEP_EXEC, r);
}

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
#if SUMMON_HAVE_CLONE3
static _Atomic int clone3_state;          /* 0: try clone3, -1: it failed with ENOSYS/EINVAL/EPERM, use clone */
#endif
static struct slot *free_slots[MAX_FREE];
static int free_count;
static struct slot **busy;               /* async children that have not yet been seen leaving the slot */
static int busy_count, busy_capacity;   /* the table grows: a full table must never make a spawn wait */

static int child_done(struct slot *s)
{
    return __atomic_load_n(&s->ctid, __ATOMIC_ACQUIRE) == 0;
}

static void release_locked(struct slot *s)
{
    if (s->size == SLOT_STANDARD_SIZE && free_count < MAX_FREE)
        free_slots[free_count++] = s;
    else
        munmap(s, s->size);
}

static void drop_busy_locked(int i)
{
    busy[i] = busy[--busy_count];
}

/* Gives back the slots of children that have execed. Failed ones stay until summon_spawn_take_failure(), but only
 * the newest few: a manager that never asks must not fill the table. */
static void reclaim_locked(void)
{
    int failed = 0;
    for (int i = busy_count - 1; i >= 0; i--)
    {
        struct slot *s = busy[i];
        if (!child_done(s))
            continue;
        if (s->args.failed_step == SUMMON_STEP_NONE || ++failed > MAX_FAILED_KEPT)
        {
            release_locked(s);
            drop_busy_locked(i);
        }
    }
}

static struct slot *take_slot(size_t need)
{
    struct slot *s = NULL;
    size_t size = need <= SLOT_STANDARD_SIZE ? SLOT_STANDARD_SIZE : (need + 4095) & ~(size_t)4095;
    pthread_mutex_lock(&pool_lock);
    reclaim_locked();
    if (size == SLOT_STANDARD_SIZE && free_count > 0)
        s = free_slots[--free_count];
    pthread_mutex_unlock(&pool_lock);
    if (s != NULL)
        return s;
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    s = m;
    s->size = size;
    return s;
}

static void give_back(struct slot *s)
{
    pthread_mutex_lock(&pool_lock);
    release_locked(s);
    pthread_mutex_unlock(&pool_lock);
}

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static size_t vector_length(char *const *v)
{
    size_t n = 0;
    while (v[n] != NULL)
        n++;
    return n;
}

/* Copies the vector and its strings to *cursor; returns the copy. */
static char **copy_vector(char *const *v, size_t n, char **cursor)
{
    char **copy = (char **)*cursor;
    *cursor += (n + 1) * sizeof(char *);
    for (size_t i = 0; i < n; i++)
    {
        size_t len = strlen(v[i]) + 1;
        memcpy(*cursor, v[i], len);
        copy[i] = *cursor;
        *cursor += len;
    }
    copy[n] = NULL;
    *cursor = (char *)align8((size_t)*cursor);
    return copy;
}

static size_t vector_bytes(char *const *v, size_t n)
{
    size_t bytes = (n + 1) * sizeof(char *);
    for (size_t i = 0; i < n; i++)
        bytes += strlen(v[i]) + 1;
    return align8(bytes);
}

static char *copy_string(const char *str, char **cursor)
{
    if (str == NULL)
        return NULL;
    size_t len = strlen(str) + 1;
    char *copy = memcpy(*cursor, str, len);
    *cursor = (char *)align8((size_t)*cursor + len);
    return copy;
}

/* The pid placeholder inside envp[] moved to the copy: same string, same offset. */
static char *relocate_digits(const struct summon_spawn_args *a, char **envp_copy, size_t envc, char *digits)
{
    if (digits == NULL)
        return NULL;
    for (size_t i = 0; i < envc; i++)
    {
        const char *e = a->envp[i];
        if (digits >= e && digits < e + strlen(e) + 1)
            return envp_copy[i] + (digits - e);
    }
    return NULL;
}

/* Fills a fresh slot with a copy of *a; returns the slot or NULL with errno set. */
static struct slot *prepare_slot(const struct summon_spawn_args *a)
{
    size_t argc = vector_length(a->argv), envc = vector_length(a->envp);
    size_t need = align8(sizeof(struct slot)) + vector_bytes(a->argv, argc) + vector_bytes(a->envp, envc) +
                  align8(strlen(a->path) + 1) + (a->cwd != NULL ? align8(strlen(a->cwd) + 1) : 0) +
                  align8((size_t)a->nfds * sizeof(int32_t)) + align8((size_t)a->ngroups * sizeof(uint32_t)) +
                  (size_t)a->nlimits * sizeof(struct summon_rlimit) + CHILD_STACK_SIZE +
                  align8((size_t)a->nmore_procs * sizeof(int32_t));
    if (a->flags & SUMMON_SPAWN_ATTRS)
        need += align8(sizeof(struct summon_attrs));
    if (a->tty_path != NULL)
        need += align8(strlen(a->tty_path) + 1);
    if (a->flags & SUMMON_SPAWN_SECCOMP)
        need += align8(summon_seccomp_size(a->seccomp));
    if (a->flags & SUMMON_SPAWN_MOUNTS)
        need += align8(*(const uint32_t *)a->mounts);   /* the block's first member is its size (summon_mounts.c) */
    if (a->flags & SUMMON_SPAWN_PRIVILEGES)
        need += align8(summon_privileges_size());
    if (a->opens != NULL)
    {
        need += align8(3 * sizeof(struct summon_open));
        for (int i = 0; i < 3; i++)
            need += a->opens[i].path != NULL ? align8(strlen(a->opens[i].path) + 1) : 0;
    }
    struct slot *s = take_slot(need);
    if (s == NULL)
        return NULL;

    char *cursor = (char *)s + align8(sizeof(struct slot));
    struct summon_spawn_args *c = &s->args;
    *c = *a;
    c->argv = copy_vector(a->argv, argc, &cursor);
    char **envp = copy_vector(a->envp, envc, &cursor);
    c->envp = envp;
    c->path = copy_string(a->path, &cursor);
    c->cwd = copy_string(a->cwd, &cursor);
    for (int i = 0; i < 2; i++)
    {
        c->pid_digits[i] = relocate_digits(a, envp, envc, a->pid_digits[i]);
        if (a->pid_digits[i] != NULL && c->pid_digits[i] == NULL)
        {
            give_back(s);
            errno = EINVAL;
            return NULL;
        }
    }
    c->fds = memcpy(cursor, a->fds, (size_t)a->nfds * sizeof(int32_t));
    cursor += align8((size_t)a->nfds * sizeof(int32_t));
    c->groups = memcpy(cursor, a->groups, (size_t)a->ngroups * sizeof(uint32_t));
    cursor += align8((size_t)a->ngroups * sizeof(uint32_t));
    c->limits = memcpy(cursor, a->limits, (size_t)a->nlimits * sizeof(struct summon_rlimit));
    cursor += align8((size_t)a->nlimits * sizeof(struct summon_rlimit));
    if (a->opens != NULL)
    {
        struct summon_open *opens = memcpy(cursor, a->opens, 3 * sizeof(struct summon_open));
        cursor += align8(3 * sizeof(struct summon_open));
        for (int i = 0; i < 3; i++)
            opens[i].path = copy_string(a->opens[i].path, &cursor);
        c->opens = opens;
    }
    if (a->flags & SUMMON_SPAWN_ATTRS)
    {
        c->attrs = memcpy(cursor, a->attrs, sizeof(struct summon_attrs));
        cursor += align8(sizeof(struct summon_attrs));
    }
    if (a->flags & SUMMON_SPAWN_SECCOMP)
    {
        c->seccomp = memcpy(cursor, a->seccomp, summon_seccomp_size(a->seccomp));
        cursor += align8(summon_seccomp_size(a->seccomp));
    }
    c->tty_path = copy_string(a->tty_path, &cursor);
    if (a->flags & SUMMON_SPAWN_MOUNTS)
    {
        uint32_t size = *(const uint32_t *)a->mounts;
        c->mounts = memcpy(cursor, a->mounts, size);
        cursor += align8(size);
    }
    if (a->flags & SUMMON_SPAWN_PRIVILEGES)
    {
        c->privileges = memcpy(cursor, a->privileges, summon_privileges_size());
        cursor += align8(summon_privileges_size());
    }
    c->more_procs = memcpy(cursor, a->more_procs, (size_t)a->nmore_procs * sizeof(int32_t));
    cursor += align8((size_t)a->nmore_procs * sizeof(int32_t));
    c->failed_step = SUMMON_STEP_NONE;
    c->failed_errno = 0;
    s->into_cgroup = 0;
    s->pid = 0;
    atomic_store(&s->ctid, 1);
    return s;
}

#if SUMMON_HAVE_CLONE3
/* The signals the manager ignores, read once: only the runtime's start-up and ResetInheritedSignalDispositions set
 * dispositions to SIG_IGN (SIGPIPE), both before the first spawn; everything later installs handlers. */
static uint64_t ignored_signals(void)
{
    static _Atomic uint64_t cached;
    static _Atomic int known;
    if (atomic_load_explicit(&known, memory_order_acquire))
        return atomic_load_explicit(&cached, memory_order_relaxed);
    uint64_t mask = 0;
    for (int sig = 1; sig <= 64; sig++)
    {
        struct sigaction old;
        if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN &&
            !(old.sa_flags & SA_SIGINFO))
            mask |= 1ULL << (sig - 1);
    }
    atomic_store_explicit(&cached, mask, memory_order_relaxed);
    atomic_store_explicit(&known, 1, memory_order_release);
    return mask;
}
#endif

/* Reads what the first spawn would (the ignored signals): the daemon calls it once its dispositions are set, so that
 * a cold start's spawn does not query every signal on its way to the child's execve. */
void summon_spawn_prepare(void)
{
#if SUMMON_HAVE_CLONE3
    (void)ignored_signals();
#endif
}

/* SUMMON_SPAWN_VFORK=1 in the manager's environment: every spawn waits for the child's execve (CLONE_VFORK), as
 * tools that emulate clone() need: valgrind supports CLONE_VM only together with CLONE_VFORK or CLONE_THREAD, and
 * aborts the whole process on anything else (bench/hot-order.sh runs the daemon under callgrind). */
static int vfork_only(void)
{
    static _Atomic int state;   /* 0 unknown, 1 no, 2 yes */
    int v = atomic_load_explicit(&state, memory_order_relaxed);
    if (v == 0)
    {
        const char *e = getenv("SUMMON_SPAWN_VFORK");
        v = e != NULL && e[0] == '1' ? 2 : 1;
        atomic_store_explicit(&state, v, memory_order_relaxed);
    }
    return v == 2;
}

static int64_t monotonic_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Room for one more entry in the table of busy slots; 0 or ENOMEM. */
static int reserve_busy_locked(void)
{
    if (busy_count < busy_capacity)
        return 0;
    int capacity = busy_capacity == 0 ? 64 : 2 * busy_capacity;
    struct slot **grown = realloc(busy, (size_t)capacity * sizeof *grown);
    if (grown == NULL)
        return ENOMEM;
    busy = grown;
    busy_capacity = capacity;
    return 0;
}

/* How many asynchronous children may be on their way to execve before the manager stops accepting: four per CPU.
 * On an idle machine a child gets there almost at once and the bound is never reached. Under CPU saturation the
 * children wait in the run queue, and without a bound the manager keeps accepting and starting more of them, all
 * time-sharing the CPUs, so every connection finishes late. Not accepting until earlier ones have execed leaves new
 * connections queued in the listen backlog, in arrival order. Four per CPU because that bound cuts the tail latency under saturation at no measurable cost in
 * throughput, while a tighter one cost throughput at moderate load (bench/decisions.md, 'Measured design
 * decisions'). */
int summon_spawn_depth(void)
{
    static _Atomic int cached;
    int v = atomic_load_explicit(&cached, memory_order_relaxed);
    if (v == 0)
    {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        v = cpus > 1 ? (int)(4 * cpus) : 4;
        atomic_store_explicit(&cached, v, memory_order_relaxed);
    }
    return v;
}

/* ---- the entry points ------------------------------------------------------------------------------------------ */

/*
 * Starts the child. Returns 0 with *pid_out and *pidfd_out (-1 when the kernel gave none: the caller opens one), or
 * an errno: from clone itself (a->failed_step stays 0) or, in synchronous mode, from the child's failed step
 * (a->failed_step/failed_errno set; the child has already been reaped).
 */
int summon_spawn(struct summon_spawn_args *a, int32_t mode, int32_t *pid_out, int32_t *pidfd_out)
{
    a->failed_step = SUMMON_STEP_NONE;
    a->failed_errno = 0;
    *pidfd_out = -1;
    int async = (mode & SUMMON_MODE_ASYNC) && SUMMON_HAVE_RAW && !vfork_only();

    if (async)
    {
        pthread_mutex_lock(&pool_lock);
        int reserved = reserve_busy_locked();
        pthread_mutex_unlock(&pool_lock);
        if (reserved != 0)
            return reserved;
    }
    struct slot *s = prepare_slot(a);
    if (s == NULL)
        return errno;
    s->started_ns = monotonic_ns();

    /* No signal handler of ours may run on the child's stack, nor in the child at all: everything stays blocked in
     * the child until it has reset the dispositions. */
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);

    int flags = CLONE_VM | CLONE_CHILD_CLEARTID | (async ? 0 : CLONE_VFORK);
    int pidfd = -1;
    pid_t pid = -1;
    int clone_errno = ENOSYS;
#if SUMMON_HAVE_CLONE3
    if (atomic_load_explicit(&clone3_state, memory_order_relaxed) >= 0)
    {
        struct summon_clone_args ca = {
            .flags = (uint64_t)flags | CLONE_PIDFD | CLONE_CLEAR_SIGHAND,
            .pidfd = (uint64_t)(uintptr_t)&pidfd,
            .child_tid = (uint64_t)(uintptr_t)&s->ctid,
            .exit_signal = SIGCHLD,
            .stack = (uint64_t)(uintptr_t)s,
            .stack_size = s->size,
        };
        s->handlers_cleared = 1;
        s->ignored = ignored_signals();
        long r = -ENOSYS;
        if (a->cgroup_fd >= 0)
        {
            /* Placed by the kernel at fork: no window in which the child (or anything it forks) is outside. A kernel
             * before 5.7, or a cgroup it refuses, leaves it to the child's own write of cgroup.procs. */
            ca.flags |= CLONE_INTO_CGROUP;
            ca.cgroup = (uint64_t)a->cgroup_fd;
            s->into_cgroup = 1;
            r = summon_clone3(&ca, sizeof ca, child_main, s);
            if (r <= 0)
            {
                ca.flags &= ~CLONE_INTO_CGROUP;
                s->into_cgroup = 0;
                pidfd = -1;
            }
        }
        if (r <= 0)
            r = summon_clone3(&ca, SUMMON_CLONE_ARGS_SIZE_VER0, child_main, s);
        if (r > 0)
            pid = (pid_t)r;
        else if (r == -ENOSYS || r == -EINVAL || r == -EPERM)
            atomic_store_explicit(&clone3_state, -1, memory_order_relaxed);   /* old kernel, or a seccomp filter */
        else
            clone_errno = (int)-r;
    }
#endif
    if (pid < 0 && clone_errno == ENOSYS)
    {
        pidfd = -1;
        s->handlers_cleared = 0;
        pid = clone(child_main, (char *)s + s->size, flags | SIGCHLD | CLONE_PIDFD, s, &pidfd, NULL, &s->ctid);
        if (pid < 0 && errno == EINVAL)
        {
            pidfd = -1;
            pid = clone(child_main, (char *)s + s->size, flags | SIGCHLD, s, NULL, NULL, &s->ctid);
        }
        if (pid < 0 && errno == EINVAL && async)
        {
            /* CLONE_VM without CLONE_VFORK refused (an emulating sandbox): the synchronous way. */
            async = 0;
            flags |= CLONE_VFORK;
            pid = clone(child_main, (char *)s + s->size, flags | SIGCHLD, s, NULL, NULL, &s->ctid);
        }
        clone_errno = errno;
    }
    pthread_sigmask(SIG_SETMASK, &saved, NULL);

    if (pid < 0)
    {
        give_back(s);
        return clone_errno;
    }

    if (!async)
    {
        /* CLONE_VFORK: the child has execed or exited, and left the slot (ctid is cleared before the vfork
         * completion). */
        int step = s->args.failed_step, error = s->args.failed_errno;
        give_back(s);
        if (step != SUMMON_STEP_NONE)
        {
            a->failed_step = step;
            a->failed_errno = error;
            while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
            {
            }
            if (pidfd >= 0)
                close(pidfd);
            return error != 0 ? error : EIO;
        }
        *pid_out = pid;
        *pidfd_out = pidfd;
        return 0;
    }

    s->pid = pid;
    pthread_mutex_lock(&pool_lock);
    /* A slot kept for an earlier child with this pid is stale: that child was reaped, or the pid could not be
     * reused. */
    for (int i = busy_count - 1; i >= 0; i--)
    {
        if (busy[i]->pid == pid && child_done(busy[i]))
        {
            release_locked(busy[i]);
            drop_busy_locked(i);
        }
    }
    if (reserve_busy_locked() == 0)
    {
        busy[busy_count++] = s;
        s = NULL;
    }
    pthread_mutex_unlock(&pool_lock);
    if (s != NULL)
    {
        /* The room reserved before the clone was taken by another thread's spawn and the table cannot grow: this
         * child cannot be tracked, so it ends now. SIGKILL ends it even stopped or held in an open, so the wait for
         * its slot is short. */
        kill(pid, SIGKILL);
        int32_t v;
        while ((v = atomic_load(&s->ctid)) != 0)
            syscall(SYS_futex, &s->ctid, FUTEX_WAIT, v, NULL, NULL, 0);
        while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
        {
        }
        if (pidfd >= 0)
            close(pidfd);
        give_back(s);
        return ENOMEM;
    }
    *pid_out = pid;
    *pidfd_out = pidfd;
    return 0;
}

/*
 * For an asynchronous child that has been reaped: the step that failed in it (SUMMON_STEP_*, with *error_out), or
 * SUMMON_STEP_NONE when it reached execve or is unknown. Gives its slot back.
 */
int summon_spawn_take_failure(int32_t pid, int32_t *error_out)
{
    int step = SUMMON_STEP_NONE;
    *error_out = 0;
    pthread_mutex_lock(&pool_lock);
    for (int i = busy_count - 1; i >= 0; i--)
    {
        struct slot *s = busy[i];
        if (s->pid != pid || !child_done(s))
            continue;
        step = s->args.failed_step;
        *error_out = s->args.failed_errno;
        release_locked(s);
        drop_busy_locked(i);
        break;
    }
    pthread_mutex_unlock(&pool_lock);
    return step;
}

/* How many asynchronous children are on their way to execve, not counting one held there longer than STUCK_NS: the
 * manager compares it with summon_spawn_depth() before accepting a connection. One pass over the busy table under the
 * lock, which holds the children in flight and a few failed ones. */
int summon_spawn_pending(void)
{
    int64_t now = monotonic_ns();
    int pending = 0;
    pthread_mutex_lock(&pool_lock);
    for (int i = 0; i < busy_count; i++)
    {
        struct slot *s = busy[i];
        if (!child_done(s) && now - s->started_ns < STUCK_NS)
            pending++;
    }
    pthread_mutex_unlock(&pool_lock);
    return pending;
}

/* Lets the managed side check that this library is loaded and is the version it was written against. */
int summon_spawn_abi(void)
{
    return (int)sizeof(struct summon_spawn_args);
}
