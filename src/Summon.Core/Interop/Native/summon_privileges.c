/* summon_privileges: namespaces, capabilities and no_new_privs of the sandbox (issue 14). Runs in the spawn routine's
 * child: raw system calls only (summon_raw.h).
 *
 * The user namespace (PrivateUsers=) needs its uid_map and gid_map written by a process outside it. The child clones
 * a writer before it unshares (CLONE_VM, on a stack in the child's own frame, so nothing is copied or allocated); the
 * writer waits on a pipe until the child has unshared, writes the maps of its parent, and exits with 0 or the errno;
 * the child reaps it before going on. This is systemd's own design (its exec child forks a helper for the maps), kept
 * inside the child so the manager's loop never takes part in a spawn. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include "summon_raw.h"
#include "summon_sandbox.h"

/* Keep in step with Processes/SandboxPrivileges.cs. */
enum
{
    SUMMON_PRIV_BOUNDING = 1,      /* drop every capability not in `bounding` from the bounding set */
    SUMMON_PRIV_AMBIENT = 2,       /* raise `ambient` (inheritable first), keeping them across the uid change */
    SUMMON_PRIV_NO_NEW_PRIVS = 4,  /* NoNewPrivileges= */
    SUMMON_PRIV_USERNS = 8,        /* PrivateUsers=: after the groups, before the uid (the system manager's order) */
    SUMMON_PRIV_USERNS_EARLY = 16, /* ... first of all instead, so it owns the other namespaces (a user manager) */
    SUMMON_PRIV_NETNS = 32,        /* PrivateNetwork=: a network namespace with `lo` up */
    SUMMON_PRIV_IPCNS = 64,        /* PrivateIPC= */
    SUMMON_PRIV_UTSNS = 128,       /* ProtectHostname= */
};

/* systemd's exit statuses of these steps. */
enum
{
    STEP_USER = 217,
    STEP_CAPABILITIES = 218,
    STEP_NETWORK = 225,
    STEP_NAMESPACE = 226,
    STEP_NO_NEW_PRIVILEGES = 227,
};

struct summon_privileges
{
    int32_t set;                   /* SUMMON_PRIV_* */
    uint32_t outer_uid;            /* the manager's uid and gid, mapped to themselves in the user namespace */
    uint32_t outer_gid;
    uint32_t uid;                  /* the service's, mapped to themselves too */
    uint32_t gid;
    int32_t padding;
    uint64_t bounding;             /* bit n: capability n stays in the bounding set */
    uint64_t ambient;              /* bit n: capability n is raised in the ambient set */
};

/* Fixed size: the spawn routine copies it into the child's slot in one piece. */
unsigned long summon_privileges_size(void)
{
    return sizeof(struct summon_privileges);
}

#if defined(__x86_64__) || defined(__aarch64__)
#define HAVE_WRITER 1
long summon_clone3(void *args, size_t size, int (*fn)(void *), void *arg) __attribute__((visibility("hidden")));
#else
#define HAVE_WRITER 0
#endif

struct map_job
{
    const struct summon_privileges *p;
    long target;                   /* the child's pid */
    long wait_fd;                  /* read end: one byte once the child has unshared, EOF if it gave up */
    long write_fd;                 /* the write end, which the writer's own copy of the fd table closes */
};

static char *put_text(char *at, const char *s)
{
    while (*s)
        *at++ = *s++;
    return at;
}

static char *put_number(char *at, unsigned long v)
{
    char digits[24];
    int n = 0;
    do
    {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n > 0)
        *at++ = digits[--n];
    return at;
}

/* Writes text to /proc/<pid>/<name>; 0 or -errno. */
static long write_proc(long pid, const char *name, const char *text, long length)
{
    char path[64];
    char *at = put_text(path, "/proc/");
    at = put_number(at, (unsigned long)pid);
    *at++ = '/';
    at = put_text(at, name);
    *at = '\0';
    long fd = raw4(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC, 0);
    if (fd < 0)
        return fd;
    long r = raw3(SYS_write, fd, text, length);
    raw1(SYS_close, fd);
    return r < 0 ? r : 0;
}

/* "outer outer 1\n" and, when the service's id differs, "id id 1\n": systemd's mapping of PrivateUsers=. */
static long map_line(char *text, uint32_t outer, uint32_t id)
{
    char *at = text;
    at = put_number(at, outer);
    *at++ = ' ';
    at = put_number(at, outer);
    at = put_text(at, " 1\n");
    if (id != outer)
    {
        at = put_number(at, id);
        *at++ = ' ';
        at = put_number(at, id);
        at = put_text(at, " 1\n");
    }
    return at - text;
}

/* The writer: runs on the child's stack beside it (CLONE_VM), outside the new namespace. */
static int write_maps(void *arg)
{
    struct map_job *job = arg;
    char byte;
    raw1(SYS_close, job->write_fd);
    if (raw3(SYS_read, job->wait_fd, &byte, 1) != 1)
        return 1;
    char text[64];
    long r = write_proc(job->target, "uid_map", text, map_line(text, job->p->outer_uid, job->p->uid));
    if (r == 0)
        r = write_proc(job->target, "setgroups", "deny", 4);
    if (r == 0)
        r = write_proc(job->target, "gid_map", text, map_line(text, job->p->outer_gid, job->p->gid));
    return (int)-r;
}

/* unshare(CLONE_NEWUSER) with the maps written by a writer outside; 0 or -errno. */
static long enter_user_namespace(const struct summon_privileges *p)
{
#if HAVE_WRITER
    int fds[2];
    long r = raw2(SYS_pipe2, fds, O_CLOEXEC);
    if (r < 0)
        return r;
    _Alignas(16) char stack[8192];
    struct map_job job = { .p = p, .target = raw0(SYS_getpid), .wait_fd = fds[0], .write_fd = fds[1] };
    uint64_t args[8] = { 0 };
    args[0] = CLONE_VM;                      /* flags */
    args[4] = SIGCHLD;                       /* exit_signal */
    args[5] = (uint64_t)(uintptr_t)stack;    /* stack */
    args[6] = sizeof stack;                  /* stack_size */
    long writer = summon_clone3(args, sizeof args, write_maps, &job);
    if (writer < 0)
    {
        raw1(SYS_close, fds[0]);
        raw1(SYS_close, fds[1]);
        return writer;
    }
    long shared = raw1(SYS_unshare, CLONE_NEWUSER);
    if (shared == 0)
        raw3(SYS_write, fds[1], "x", 1);
    raw1(SYS_close, fds[1]);   /* EOF for a writer that should give up */
    int status = 0;
    while ((r = raw4(SYS_wait4, writer, &status, __WALL, 0)) == -EINTR)
    {
    }
    raw1(SYS_close, fds[0]);
    if (shared < 0)
        return shared;
    if (r < 0)
        return r;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return WIFEXITED(status) ? -(long)WEXITSTATUS(status) : -ECHILD;
    return 0;
#else
    (void)p;
    return -ENOSYS;
#endif
}

/* `lo` up in the new network namespace, as systemd's loopback_setup() leaves it. */
static long loopback_up(void)
{
    long fd = raw3(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fd;
    struct ifreq req = { .ifr_name = "lo" };
    long r = raw3(SYS_ioctl, fd, SIOCGIFFLAGS, &req);
    if (r == 0 && (req.ifr_flags & (IFF_UP | IFF_RUNNING)) != (IFF_UP | IFF_RUNNING))
    {
        req.ifr_flags |= IFF_UP | IFF_RUNNING;
        r = raw3(SYS_ioctl, fd, SIOCSIFFLAGS, &req);
    }
    raw1(SYS_close, fd);
    return r;
}

int summon_privileges_enter(const struct summon_privileges *p, long *error)
{
    long r;
    if ((p->set & SUMMON_PRIV_USERNS_EARLY) && (r = enter_user_namespace(p)) < 0)
        return *error = r, STEP_USER;
    if (p->set & SUMMON_PRIV_NETNS)
    {
        if ((r = raw1(SYS_unshare, CLONE_NEWNET)) < 0 || (r = loopback_up()) < 0)
            return *error = r, STEP_NETWORK;
    }
    if ((p->set & SUMMON_PRIV_IPCNS) && (r = raw1(SYS_unshare, CLONE_NEWIPC)) < 0)
        return *error = r, STEP_NAMESPACE;
    if ((p->set & SUMMON_PRIV_UTSNS) && (r = raw1(SYS_unshare, CLONE_NEWUTS)) < 0)
        return *error = r, STEP_NAMESPACE;
    return 0;
}

/* The capabilities the running kernel knows are 0..n-1 where PR_CAPBSET_READ stops answering. */
static long drop_bounding(uint64_t keep)
{
    for (long cap = 0; cap < 64; cap++)
    {
        long present = raw2(SYS_prctl, PR_CAPBSET_READ, cap);
        if (present == -EINVAL)
            break;
        if (present < 0)
            return present;
        if (present == 1 && !(keep & (1ULL << cap)))
        {
            long r = raw2(SYS_prctl, PR_CAPBSET_DROP, cap);
            if (r < 0)
                return r;
        }
    }
    return 0;
}

int summon_privileges_before_user(const struct summon_privileges *p, long *error)
{
    long r;
    /* The system manager's user namespace comes after the groups are set (setgroups is denied inside) and before
     * the bounding set, which a new user namespace resets to full. */
    if ((p->set & SUMMON_PRIV_USERNS) && !(p->set & SUMMON_PRIV_USERNS_EARLY) && (r = enter_user_namespace(p)) < 0)
        return *error = r, STEP_USER;
    if ((p->set & SUMMON_PRIV_BOUNDING) && (r = drop_bounding(p->bounding)) < 0)
        return *error = r, STEP_CAPABILITIES;
    /* Ambient capabilities must outlive the change to a non-root uid, which otherwise clears the permitted set. */
    if ((p->set & SUMMON_PRIV_AMBIENT) && p->ambient != 0 && (r = raw2(SYS_prctl, PR_SET_KEEPCAPS, 1)) < 0)
        return *error = r, STEP_CAPABILITIES;
    return 0;
}

/* Inheritable gets the ambient set (a capability must be permitted and inheritable to be ambient), then each is
 * raised. */
static long raise_ambient(uint64_t ambient)
{
    struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2];
    long r = raw2(SYS_capget, &header, data);
    if (r < 0)
        return r;
    for (int i = 0; i < 2; i++)
    {
        uint32_t word = (uint32_t)(ambient >> (32 * i));
        data[i].inheritable |= word;
        data[i].effective = data[i].permitted;
    }
    if ((r = raw2(SYS_capset, &header, data)) < 0)
        return r;
    for (long cap = 0; cap < 64; cap++)
    {
        if ((ambient & (1ULL << cap)) && (r = raw5(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0)) < 0)
            return r;
    }
    return 0;
}

int summon_privileges_after_user(const struct summon_privileges *p, long *error)
{
    long r;
    if ((p->set & SUMMON_PRIV_AMBIENT) && p->ambient != 0 && (r = raise_ambient(p->ambient)) < 0)
        return *error = r, STEP_CAPABILITIES;
    if ((p->set & SUMMON_PRIV_NO_NEW_PRIVS) && (r = raw5(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) < 0)
        return *error = r, STEP_NO_NEW_PRIVILEGES;
    return 0;
}
