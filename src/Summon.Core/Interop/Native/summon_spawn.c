/*
 * summon_spawn: start one service process in the way systemd's exec child does, from inside the manager, with no
 * intermediate exec. The managed side (Summon.Processes.ProcessSpawner) prepares everything: path, argv, envp,
 * fd map, credentials and limits, all in native memory. This file only runs the child.
 *
 * Why C: the service must see its own pid in LISTEN_PID/SYSTEMD_EXEC_PID, which only code running in the child
 * between clone and execve can write. posix_spawn cannot run caller code there, and managed code must not run in a
 * child of a multi-threaded .NET process (a GC suspension in flight at clone time is never completed in the child,
 * and the first GC poll would hang it forever). So the child is this C function, started by clone(CLONE_VM |
 * CLONE_VFORK) on its own stack, as glibc's posix_spawn does: no page tables are copied and the parent thread waits
 * until the child has called execve or _exit.
 *
 * The child may only call async-signal-safe functions and must not touch the parent's locks. Credentials are
 * changed with raw syscalls: glibc's setresuid/setgroups would broadcast to every thread of the (shared) parent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <pthread.h>
#include <sys/wait.h>
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
};

/* The step that failed in the child: systemd's exit status names. */
enum
{
    SUMMON_STEP_NONE = 0,
    SUMMON_STEP_FDS = 1,
    SUMMON_STEP_CHDIR = 2,
    SUMMON_STEP_LIMITS = 3,
    SUMMON_STEP_NICE = 4,
    SUMMON_STEP_GROUP = 5,
    SUMMON_STEP_USER = 6,
    SUMMON_STEP_EXEC = 7,
    SUMMON_STEP_SIGNAL_MASK = 8,
    SUMMON_STEP_SETSID = 9,
};

struct summon_rlimit
{
    int32_t resource;
    int32_t padding;
    uint64_t soft;
    uint64_t hard;
};

struct summon_spawn_args
{
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *cwd;               /* NULL: keep the manager's */
    const int32_t *fds;            /* fds[i] becomes fd i; -1: /dev/null (read-only for 0, write-only otherwise) */
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
    /* out, written by the child when a step fails (the memory is shared until execve) */
    int32_t failed_step;
    int32_t failed_errno;
};

#define CHILD_STACK_SIZE (64 * 1024)

static int child_fail(struct summon_spawn_args *a, int step, int error)
{
    a->failed_step = step;
    a->failed_errno = error;
    _exit(127);
}

static void write_pid(char *dest, pid_t pid)
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

/* setrlimit, settling for the current hard limit on EPERM as systemd's setrlimit_closest() does. */
static int set_limit_closest(const struct summon_rlimit *l)
{
    struct rlimit wanted = { .rlim_cur = l->soft, .rlim_max = l->hard };
    if (setrlimit(l->resource, &wanted) == 0)
        return 0;
    if (errno != EPERM)
        return errno;
    struct rlimit highest;
    if (getrlimit(l->resource, &highest) != 0)
        return errno;
    if (highest.rlim_max == RLIM_INFINITY)
        return EPERM;
    struct rlimit closest = {
        .rlim_cur = l->soft < highest.rlim_max ? l->soft : highest.rlim_max,
        .rlim_max = l->hard < highest.rlim_max ? l->hard : highest.rlim_max,
    };
    if (closest.rlim_cur == highest.rlim_cur && closest.rlim_max == highest.rlim_max)
        return 0;
    return setrlimit(l->resource, &closest) == 0 ? 0 : errno;
}

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* Closes every fd from `lowest` up. close_range (Linux 5.9) where it exists, else one close per possible fd. */
static int close_from(int lowest)
{
    if (syscall(SYS_close_range, (unsigned)lowest, ~0U, 0) == 0)
        return 0;
    if (errno != ENOSYS)
        return -1;
    long max = sysconf(_SC_OPEN_MAX);
    for (long fd = lowest; fd < max; fd++)
        close((int)fd);
    return 0;
}

static int child_main(void *arg)
{
    struct summon_spawn_args *a = arg;
    pid_t pid = (pid_t)syscall(SYS_getpid);

    /* Signals: the manager's handlers must never run here. Everything to SIG_DFL except SIGPIPE when it stays
     * ignored (IgnoreSIGPIPE=yes); the mask (all blocked by the parent) is emptied right before execve. 32 and 33
     * are glibc's internal signals, which it refuses to change. */
    struct sigaction dfl, ign, old;
    memset(&dfl, 0, sizeof dfl);
    memset(&ign, 0, sizeof ign);
    dfl.sa_handler = SIG_DFL;
    ign.sa_handler = SIG_IGN;
    for (int sig = 1; sig < NSIG; sig++)
    {
        if (sig == SIGKILL || sig == SIGSTOP || sig == 32 || sig == 33)
            continue;
        if (sigaction(sig, NULL, &old) != 0)
            continue;
        const struct sigaction *want = sig == SIGPIPE && (a->flags & SUMMON_SPAWN_IGNORE_SIGPIPE) ? &ign : &dfl;
        if (old.sa_handler != want->sa_handler || (old.sa_flags & SA_SIGINFO))
            sigaction(sig, want, NULL);
    }

    if ((a->flags & SUMMON_SPAWN_SETSID) && setsid() < 0)
        child_fail(a, SUMMON_STEP_SETSID, errno);

    /* The fd map. Sources that sit inside 0..nfds-1 on another slot were moved above the map by the caller, so
     * the dup2s in order never clobber a source still to be read. dup2(x, x) would keep FD_CLOEXEC: clear it. */
    for (int i = 0; i < a->nfds; i++)
    {
        int source = a->fds[i];
        if (source == i)
        {
            int fl = fcntl(i, F_GETFD);
            if (fl < 0 || fcntl(i, F_SETFD, fl & ~FD_CLOEXEC) < 0)
                child_fail(a, SUMMON_STEP_FDS, errno);
            continue;
        }
        if (source < 0)
        {
            source = open("/dev/null", (i == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
            if (source < 0)
                child_fail(a, SUMMON_STEP_FDS, errno);
            if (source == i)
            {
                if (fcntl(i, F_SETFD, 0) < 0)
                    child_fail(a, SUMMON_STEP_FDS, errno);
                continue;
            }
        }
        if (dup2(source, i) < 0)
            child_fail(a, SUMMON_STEP_FDS, errno);
        if (a->fds[i] < 0)
            close(source);
    }
    if (close_from(a->nfds) != 0)
        child_fail(a, SUMMON_STEP_FDS, errno);

    if (a->cwd != NULL && chdir(a->cwd) != 0)
        child_fail(a, SUMMON_STEP_CHDIR, errno);

    /* systemd's order: limits, umask, nice, then credentials (groups, gid, uid last). */
    for (int i = 0; i < a->nlimits; i++)
    {
        int r = set_limit_closest(&a->limits[i]);
        if (r != 0)
            child_fail(a, SUMMON_STEP_LIMITS, r);
    }
    if (a->flags & SUMMON_SPAWN_UMASK)
        umask((mode_t)a->umask_value);
    if ((a->flags & SUMMON_SPAWN_NICE) && setpriority(PRIO_PROCESS, 0, a->nice_value) != 0)
        child_fail(a, SUMMON_STEP_NICE, errno);
    if ((a->flags & SUMMON_SPAWN_GROUPS) && syscall(SYS_setgroups, (size_t)a->ngroups, a->groups) != 0)
        child_fail(a, SUMMON_STEP_GROUP, errno);
    if ((a->flags & SUMMON_SPAWN_GID) && syscall(SYS_setresgid, a->gid, a->gid, a->gid) != 0)
        child_fail(a, SUMMON_STEP_GROUP, errno);
    if ((a->flags & SUMMON_SPAWN_UID) && syscall(SYS_setresuid, a->uid, a->uid, a->uid) != 0)
        child_fail(a, SUMMON_STEP_USER, errno);

    for (int i = 0; i < 2; i++)
    {
        if (a->pid_digits[i] != NULL)
            write_pid(a->pid_digits[i], pid);
    }

    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0)
        child_fail(a, SUMMON_STEP_SIGNAL_MASK, errno);

    execve(a->path, a->argv, a->envp);
    return child_fail(a, SUMMON_STEP_EXEC, errno);
}

/* One child stack kept for the next spawn: an mmap+munmap per spawn (and the page faults of fresh pages) is most of
 * the parent's own cost on the Accept=yes path. Taken and given back with an atomic exchange, so concurrent spawns on
 * other threads simply map their own. The child is done with the stack when clone(CLONE_VFORK) returns. */
static void *_Atomic cached_stack;

static void *take_stack(void)
{
    void *stack = atomic_exchange(&cached_stack, NULL);
    if (stack != NULL)
        return stack;
    stack = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    return stack == MAP_FAILED ? NULL : stack;
}

static void return_stack(void *stack)
{
    void *expected = NULL;
    if (!atomic_compare_exchange_strong(&cached_stack, &expected, stack))
        munmap(stack, CHILD_STACK_SIZE);
}

/* Returns 0 and the child's pid, or an errno: from clone itself (failed_step stays 0) or from the child's failed
 * step (failed_step/failed_errno set; the child has already been reaped). */
int summon_spawn(struct summon_spawn_args *a, int32_t *pid_out)
{
    a->failed_step = SUMMON_STEP_NONE;
    a->failed_errno = 0;

    void *stack = take_stack();
    if (stack == NULL)
        return errno;

    /* No signal handler of ours may run on the child's stack, nor in the child at all: block everything until the
     * child has reset the dispositions. */
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);

    pid_t pid = clone(child_main, (char *)stack + CHILD_STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD, a);
    int clone_errno = errno;

    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    return_stack(stack);

    if (pid < 0)
        return clone_errno;
    if (a->failed_step != SUMMON_STEP_NONE)
    {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        {
        }
        return a->failed_errno != 0 ? a->failed_errno : EIO;
    }
    *pid_out = pid;
    return 0;
}

/* Lets the managed side check that this library is loaded and is the version it was written against. */
int summon_spawn_abi(void)
{
    return (int)sizeof(struct summon_spawn_args);
}
