/*
 * summon_mounts: the mount namespace of the sandbox (issue 14). Runs in the spawn routine's child: raw system calls
 * only (summon_raw.h), no allocation but one anonymous mapping for /proc/self/mountinfo, unmapped on every way out
 * (the child shares the manager's memory until execve).
 *
 * The managed side (Manager/Exec/MountPlan.cs) has already sorted and pruned the list as systemd's namespace.c does;
 * this file applies it in three rounds, as systemd does: every mount first (in list order, parents before children),
 * then the read-only round, then the noexec round. A read-only or noexec entry changes its own mount and every mount
 * below it except those below another entry of the list (systemd's deny list), so ReadWritePaths=/var/lib/x stays
 * writable under ProtectSystem=strict and keeps whatever the host gave it. With RootDirectory= the directory is made a
 * mount of its own first, every path of the list already lies below it, and once the rounds are done it is moved onto
 * "/" and chrooted into (systemd's mount_move_root()), so the service's ExecStart= and WorkingDirectory= are found there.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/stat.h>
#include "summon_raw.h"
#include "summon_sandbox.h"

#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif
#define SUMMON_ATTR_RDONLY 0x1ULL
#define SUMMON_ATTR_NOSUID 0x2ULL
#define SUMMON_ATTR_NODEV 0x4ULL
#define SUMMON_ATTR_NOEXEC 0x8ULL

/* The step numbers of summon_spawn.c's table this file reports. */
#define SUMMON_STEP_NAMESPACE 226

/* Keep in step with Processes/SandboxMounts.cs. */
enum
{
    SUMMON_MOUNT_INACCESSIBLE = 0,
    SUMMON_MOUNT_BIND = 1,
    SUMMON_MOUNT_PRIVATE_DEV = 2,
    SUMMON_MOUNT_READONLY = 3,
    SUMMON_MOUNT_READWRITE = 4,
    SUMMON_MOUNT_NOEXEC = 5,
    SUMMON_MOUNT_EXEC = 6,
    SUMMON_MOUNT_TMPFS = 7,
    SUMMON_MOUNT_PROCFS = 8,   /* a procfs instance of the service's own (options: ProtectProc='s hidepid=, ProcSubset=) */
    SUMMON_MOUNT_BIND_DEV = 9, /* the host's /dev, unless something is mounted there already (MountAPIVFS=) */
    SUMMON_MOUNT_SYSFS = 10,   /* the host's /sys, likewise */
    SUMMON_MOUNT_RUN = 11,     /* an empty tmpfs, likewise */
};

enum
{
    SUMMON_MOUNT_IGNORE_MISSING = 1, /* "-": a missing path is skipped */
    SUMMON_MOUNT_RECURSIVE = 2,      /* BIND: MS_REC */
    SUMMON_MOUNT_READ_ONLY = 4,      /* the entry is made read-only in the read-only round */
};

struct summon_mount_entry
{
    uint32_t path;      /* offsets of NUL-terminated strings from the start of struct summon_mounts; 0: none */
    uint32_t source;
    uint32_t options;
    uint16_t mode;      /* SUMMON_MOUNT_* */
    uint16_t flags;     /* SUMMON_MOUNT_IGNORE_MISSING, ... */
};

/* One block with its strings, self-relative, so that the slot copies it in one piece. */
struct summon_mounts
{
    uint32_t size;               /* of the whole block */
    uint32_t count;
    int32_t propagation;         /* MS_SHARED, MS_SLAVE or MS_PRIVATE: the service's mounts once the view is set up */
    uint32_t inaccessible_dir;   /* an empty directory of mode 0000 (InaccessiblePaths= over a directory) */
    uint32_t inaccessible_file;  /* an empty file of mode 0000 (over anything else) */
    uint32_t staging;            /* an empty directory where the private /dev is built before it is moved */
    uint32_t root;               /* RootDirectory=: moved onto "/" once the list is applied; 0: the host's root */
    struct summon_mount_entry entries[];
};

#define MAX_MOUNT_ENTRIES 512
#define MOUNTINFO_BYTES (8 << 20)

struct mount_attr_arg
{
    uint64_t attr_set;
    uint64_t attr_clr;
    uint64_t propagation;
    uint64_t userns_fd;
};

static const char *at(const struct summon_mounts *m, uint32_t offset)
{
    return offset == 0 ? 0 : (const char *)m + offset;
}

static long set_attr(const char *path, uint64_t attr, unsigned flags)
{
    struct mount_attr_arg a = {attr, 0, 0, 0};
    return raw5(SYS_mount_setattr, AT_FDCWD, path, flags, &a, sizeof a);
}

static long kind_of(const char *path, unsigned *mode)
{
    struct stat st;
    long r = raw4(SYS_newfstatat, AT_FDCWD, path, &st, 0);
    if (r == 0)
        *mode = st.st_mode & S_IFMT;
    return r;
}

static long is_mount_point(const char *path)
{
    struct statx stx;
    long r = raw5(SYS_statx, AT_FDCWD, path, AT_NO_AUTOMOUNT, 0, &stx);
    if (r < 0)
        return r;
    return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) ? 1 : 0;
}

static int length(const char *s)
{
    int n = 0;
    while (s[n] != 0)
        n++;
    return n;
}

/* dir + "/" + name into buf (PATH_MAX); -ENAMETOOLONG when it does not fit. */
static long join(char *buf, const char *dir, const char *name)
{
    int a = length(dir), b = length(name);
    if (a + 1 + b + 1 > 4096)
        return -ENAMETOOLONG;
    for (int i = 0; i < a; i++)
        buf[i] = dir[i];
    buf[a] = '/';
    for (int i = 0; i <= b; i++)
        buf[a + 1 + i] = name[i];
    return 0;
}

/* mkdir -p of path's parents, then the path itself as a directory or an empty file: a mount point that is missing, as
 * systemd makes them for BindPaths= and TemporaryFileSystem=. */
static long make_mount_point(const char *path, int directory)
{
    char buf[4096];
    int n = length(path);
    if (n >= (int)sizeof buf)
        return -ENAMETOOLONG;
    for (int i = 0; i <= n; i++)
        buf[i] = path[i];
    for (int i = 1; i < n; i++)
    {
        if (buf[i] != '/')
            continue;
        buf[i] = 0;
        long r = raw3(SYS_mkdirat, AT_FDCWD, buf, 0755);
        buf[i] = '/';
        if (r < 0 && r != -EEXIST)
            return r;
    }
    if (directory)
    {
        long r = raw3(SYS_mkdirat, AT_FDCWD, buf, 0755);
        return r == -EEXIST ? 0 : r;
    }
    long fd = raw4(SYS_openat, AT_FDCWD, buf, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0)
        return fd;
    raw1(SYS_close, fd);
    return 0;
}

/* The private /dev (PrivateDevices=): a tmpfs with the pseudo devices, the host's pts, shm, mqueue and hugepages
 * mounts and the usual symlinks, built in the staging directory and moved onto target (/dev, or the root's /dev). */
static long private_dev(const struct summon_mounts *m, const char *target)
{
    static const struct { const char *name; unsigned major, minor; } nodes[] = {
        {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
    };
    static const struct { const char *name, *target; } links[] = {
        {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
        {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},
    };
    static const struct { const char *name; unsigned mode; int optional; } binds[] = {
        {"pts", 0755, 0}, {"shm", 01777, 0}, {"mqueue", 0755, 1}, {"hugepages", 0755, 1},
    };
    const char *staging = at(m, m->staging);
    char path[4096], host[4096];
    long r = raw5(SYS_mount, "tmpfs", staging, "tmpfs", MS_NOSUID | MS_NOEXEC | MS_STRICTATIME, "mode=0755,size=4m,nr_inodes=64k");
    if (r < 0)
        return r;
    for (unsigned i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
    {
        if ((r = join(path, staging, nodes[i].name)) < 0)
            return r;
        r = raw4(SYS_mknodat, AT_FDCWD, path, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor));
        if (r == -EPERM)   /* no CAP_MKNOD (a user namespace): the host's node bound over an empty file instead */
        {
            if ((r = make_mount_point(path, 0)) < 0 || (r = join(host, "/dev", nodes[i].name)) < 0)
                return r;
            r = raw5(SYS_mount, host, path, 0, MS_BIND, 0);
        }
        if (r < 0)
            return r;
    }
    for (unsigned i = 0; i < sizeof binds / sizeof binds[0]; i++)
    {
        if ((r = join(path, staging, binds[i].name)) < 0 || (r = join(host, "/dev", binds[i].name)) < 0)
            return r;
        unsigned kind = 0;
        if (binds[i].optional && (kind_of(host, &kind) < 0 || kind != S_IFDIR))
            continue;
        if ((r = raw3(SYS_mkdirat, AT_FDCWD, path, binds[i].mode)) < 0)
            return r;
        r = raw5(SYS_mount, host, path, 0, MS_BIND | MS_REC, 0);
        if (r < 0 && !(binds[i].optional && r == -ENOENT))
            return r;
    }
    for (unsigned i = 0; i < sizeof links / sizeof links[0]; i++)
    {
        if ((r = join(path, staging, links[i].name)) < 0)
            return r;
        if ((r = raw3(SYS_symlinkat, links[i].target, AT_FDCWD, path)) < 0)
            return r;
    }
    if ((r = make_mount_point(target, 1)) < 0)
        return r;
    return raw5(SYS_mount, staging, target, 0, MS_MOVE, 0);
}

/* MountAPIVFS='s /dev, /sys and /run: nothing to do where a file system is mounted already. 1 when path needs its
 * mount, 0 when it has one, else -errno. */
static long needs_api_mount(const char *path)
{
    long r = make_mount_point(path, 1);
    if (r < 0)
        return r;
    r = is_mount_point(path);
    return r < 0 ? r : !r;
}

/* The service's own procfs: ProtectProc= and ProcSubset= are options of a procfs instance, so a new one is mounted
 * over whatever is at path. Without those options a process that may not mount procfs (a user namespace that does
 * not own the PID namespace) keeps the procfs it sees, as systemd's mount_procfs() does; with them it fails, since the
 * protection asked for could not be applied. */
static long mount_procfs(const char *path, const char *options)
{
    long r = make_mount_point(path, 1);
    if (r < 0)
        return r;
    r = raw5(SYS_mount, "proc", path, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, options);
    if (r == -EPERM && options == 0 && is_mount_point(path) > 0)
        return 0;
    return r;
}

/* "/proc/self/fd/N": a source opened before the first mount, so an entry mounted earlier in the list (a private /tmp
 * over the manager's runtime directory) cannot hide it. */
static const char *fd_path(char *buf, long fd)
{
    static const char prefix[] = "/proc/self/fd/";
    char digits[12];
    int n = 0, i = 0;
    do
        digits[n++] = (char)('0' + fd % 10);
    while ((fd /= 10) > 0);
    for (; prefix[i] != 0; i++)
        buf[i] = prefix[i];
    while (n > 0)
        buf[i++] = digits[--n];
    buf[i] = 0;
    return buf;
}

/* The sources of the list, opened O_PATH up front: fds[i] for entry i (-1: none or missing), and the inaccessible
 * nodes in fds[count], fds[count + 1]. */
static long open_sources(const struct summon_mounts *m, int *fds)
{
    for (uint32_t i = 0; i < m->count; i++)
    {
        const struct summon_mount_entry *e = &m->entries[i];
        fds[i] = -1;
        if (e->mode != SUMMON_MOUNT_BIND)
            continue;
        long fd = raw4(SYS_openat, AT_FDCWD, at(m, e->source), O_PATH | O_CLOEXEC, 0);
        if (fd < 0 && !(fd == -ENOENT && (e->flags & SUMMON_MOUNT_IGNORE_MISSING)))
            return fd;
        fds[i] = (int)fd;
    }
    for (int k = 0; k < 2; k++)
    {
        long fd = raw4(SYS_openat, AT_FDCWD, at(m, k == 0 ? m->inaccessible_dir : m->inaccessible_file), O_PATH | O_CLOEXEC, 0);
        if (fd < 0)
            return fd;
        fds[m->count + k] = (int)fd;
    }
    return 0;
}

static void close_sources(const struct summon_mounts *m, const int *fds)
{
    for (uint32_t i = 0; i < m->count + 2; i++)
    {
        if (fds[i] >= 0)
            raw1(SYS_close, fds[i]);
    }
}

/* First round: one entry's mount. 1 when a missing path is skipped ("-"), 0 when done, else -errno. */
static long apply_one(const struct summon_mounts *m, const struct summon_mount_entry *e, int source_fd, const int *nodes)
{
    char source_path[32];
    const char *path = at(m, e->path);
    int ignore = e->flags & SUMMON_MOUNT_IGNORE_MISSING;
    unsigned kind = 0;
    long r;
    switch (e->mode)
    {
    case SUMMON_MOUNT_INACCESSIBLE:
        if ((r = kind_of(path, &kind)) < 0)
            return r == -ENOENT && ignore ? 1 : r;
        r = raw5(SYS_mount, fd_path(source_path, nodes[kind == S_IFDIR ? 0 : 1]), path, 0, MS_BIND, 0);
        if (r < 0)
            return r;
        return set_attr(path, SUMMON_ATTR_RDONLY | SUMMON_ATTR_NOSUID | SUMMON_ATTR_NODEV | SUMMON_ATTR_NOEXEC, 0);
    case SUMMON_MOUNT_BIND:
    {
        if (source_fd < 0)
            return 1;   /* a missing "-" source */
        const char *source = fd_path(source_path, source_fd);
        if ((r = kind_of(source, &kind)) < 0)
            return r;
        unsigned target = 0;
        if ((r = kind_of(path, &target)) == -ENOENT)
            r = make_mount_point(path, kind == S_IFDIR);
        if (r < 0)
            return r;
        return raw5(SYS_mount, source, path, 0, MS_BIND | ((e->flags & SUMMON_MOUNT_RECURSIVE) ? MS_REC : 0), 0);
    }
    case SUMMON_MOUNT_PRIVATE_DEV:
        return private_dev(m, path);
    case SUMMON_MOUNT_PROCFS:
        return mount_procfs(path, at(m, e->options));
    case SUMMON_MOUNT_BIND_DEV:
    case SUMMON_MOUNT_SYSFS:
        if ((r = needs_api_mount(path)) <= 0)
            return r;
        return raw5(SYS_mount, e->mode == SUMMON_MOUNT_SYSFS ? "/sys" : "/dev", path, 0, MS_BIND | MS_REC, 0);
    case SUMMON_MOUNT_RUN:
        if ((r = needs_api_mount(path)) <= 0)
            return r;
        return raw5(SYS_mount, "tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_STRICTATIME, at(m, e->options));
    case SUMMON_MOUNT_TMPFS:
        if ((r = kind_of(path, &kind)) == -ENOENT)
            r = make_mount_point(path, 1);
        if (r < 0)
            return r;
        return raw5(SYS_mount, "tmpfs", path, "tmpfs",
                    MS_NODEV | MS_STRICTATIME | ((e->flags & SUMMON_MOUNT_READ_ONLY) ? MS_RDONLY : 0), at(m, e->options));
    default:   /* READONLY, READWRITE, NOEXEC, EXEC: the path becomes a mount of its own, so its flags can differ */
        if ((r = is_mount_point(path)) < 0)
            return r == -ENOENT && ignore ? 1 : r;
        if (r > 0)
            return 0;
        return raw5(SYS_mount, path, path, 0, MS_BIND | MS_REC, 0);
    }
}

/* path is top or below it. */
static int is_under(const char *path, const char *top)
{
    int i = 0;
    if (top[0] == '/' && top[1] == 0)
        return path[0] == '/';
    for (; top[i] != 0; i++)
    {
        if (path[i] != top[i])
            return 0;
    }
    return path[i] == 0 || path[i] == '/';
}

static int equal(const char *a, const char *b)
{
    int i = 0;
    for (; a[i] != 0 && a[i] == b[i]; i++)
        ;
    return a[i] == b[i];
}

/* True when mount point mp lies below another entry of the list that is itself below top: that entry decides for it. */
static int denied(const struct summon_mounts *m, const char *mp, const char *top)
{
    for (uint32_t i = 0; i < m->count; i++)
    {
        const char *other = at(m, m->entries[i].path);
        if (!equal(other, top) && is_under(other, top) && is_under(mp, other))
            return 1;
    }
    return 0;
}

/* The mount point of one /proc/self/mountinfo line (its fifth field) unescaped into buf; the line's end in *next. */
static int mount_point_of(const char *line, const char *end, char *buf, const char **next)
{
    const char *p = line;
    int field = 0, n = 0, ok = 0;
    while (p < end && *p != '\n')
    {
        if (*p == ' ')
        {
            field++;
            p++;
            continue;
        }
        if (field == 4)
        {
            char c = *p++;
            if (c == '\\' && end - p >= 3)
            {
                c = (char)(((p[0] - '0') << 6) | ((p[1] - '0') << 3) | (p[2] - '0'));
                p += 3;
            }
            if (n < 4095)
                buf[n++] = c;
            ok = 1;
            continue;
        }
        p++;
    }
    buf[n] = 0;
    *next = p < end ? p + 1 : end;
    return ok && n < 4095;
}

/* The read-only (or noexec) round for one entry: its own mount and the mounts below it but not below another entry. */
static long change_tree(const struct summon_mounts *m, const char *top, uint64_t attr, const char *info, long size)
{
    long r = set_attr(top, attr, 0);
    if (r < 0)
        return r;
    char mp[4096];
    const char *p = info, *end = info + size, *next;
    while (p < end)
    {
        int ok = mount_point_of(p, end, mp, &next);
        p = next;
        if (!ok || equal(mp, top) || !is_under(mp, top) || denied(m, mp, top))
            continue;
        r = set_attr(mp, attr, 0);
        /* Gone since mountinfo was read, or hidden under a mount that the list placed over it. */
        if (r < 0 && r != -ENOENT && r != -EINVAL && r != -ENOTDIR && r != -EACCES)
            return r;
    }
    return 0;
}

static long read_mountinfo(char *buf, long capacity)
{
    long fd = raw4(SYS_openat, AT_FDCWD, "/proc/self/mountinfo", O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0)
        return fd;
    long size = 0, r;
    while ((r = raw3(SYS_read, fd, buf + size, capacity - size)) > 0)
        size += r;
    raw1(SYS_close, fd);
    if (r < 0)
        return r;
    return size >= capacity ? -E2BIG : size;
}

static int read_only(const struct summon_mount_entry *e)
{
    return e->mode == SUMMON_MOUNT_READONLY || (e->flags & SUMMON_MOUNT_READ_ONLY);
}

static long rounds(const struct summon_mounts *m, unsigned char *skipped, int *fds)
{
    long r;
    int need_info = 0;
    for (uint32_t i = 0; i < m->count + 2; i++)
        fds[i] = -1;
    r = open_sources(m, fds);
    for (uint32_t i = 0; r == 0 && i < m->count; i++)
    {
        const struct summon_mount_entry *e = &m->entries[i];
        if ((r = apply_one(m, e, fds[i], fds + m->count)) < 0)
            break;
        skipped[i] = r == 1;
        if (!skipped[i] && (read_only(e) || e->mode == SUMMON_MOUNT_NOEXEC) && e->mode != SUMMON_MOUNT_TMPFS)
            need_info = 1;
        r = 0;
    }
    close_sources(m, fds);
    if (r < 0 || !need_info)
        return r;
    char *info = (char *)raw6(SYS_mmap, 0, MOUNTINFO_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ((long)info < 0 && (long)info > -4096)
        return (long)info;
    long size = read_mountinfo(info, MOUNTINFO_BYTES);
    r = size < 0 ? size : 0;
    for (uint32_t i = 0; r == 0 && i < m->count; i++)
    {
        const struct summon_mount_entry *e = &m->entries[i];
        if (!skipped[i] && read_only(e) && e->mode != SUMMON_MOUNT_TMPFS)
            r = change_tree(m, at(m, e->path), SUMMON_ATTR_RDONLY, info, size);
    }
    for (uint32_t i = 0; r == 0 && i < m->count; i++)
    {
        const struct summon_mount_entry *e = &m->entries[i];
        if (!skipped[i] && e->mode == SUMMON_MOUNT_NOEXEC)
            r = change_tree(m, at(m, e->path), SUMMON_ATTR_NOEXEC, info, size);
    }
    raw2(SYS_munmap, info, MOUNTINFO_BYTES);
    return r;
}

/* RootDirectory=: the directory becomes a mount of its own (MS_MOVE needs one), before anything is mounted below it. */
static long bind_root(const char *root)
{
    long r = is_mount_point(root);
    if (r < 0)
        return r;
    return r > 0 ? 0 : raw5(SYS_mount, root, root, 0, MS_BIND | MS_REC, 0);
}

/* mount_move_root(): the prepared root becomes "/" of this mount namespace and of the process. */
static long move_root(const char *root)
{
    long r;
    if ((r = raw1(SYS_chdir, root)) < 0 || (r = raw5(SYS_mount, root, "/", 0, MS_MOVE, 0)) < 0 || (r = raw1(SYS_chroot, ".")) < 0)
        return r;
    return raw1(SYS_chdir, "/");
}

int summon_mounts_apply(const struct summon_mounts *m, long *error)
{
    unsigned char skipped[MAX_MOUNT_ENTRIES];
    int fds[MAX_MOUNT_ENTRIES + 2];
    const char *root = at(m, m->root);
    long r;
    if (m->count > MAX_MOUNT_ENTRIES)
        r = -E2BIG;
    else if ((r = raw1(SYS_unshare, CLONE_NEWNS)) == 0 &&
             /* Nothing mounted here reaches the host; the host's later mounts still reach the service. */
             (r = raw5(SYS_mount, 0, "/", 0, MS_REC | MS_SLAVE, 0)) == 0 &&
             (root == 0 || (r = bind_root(root)) == 0) &&
             (r = rounds(m, skipped, fds)) == 0 &&
             (root == 0 || (r = move_root(root)) == 0))
        r = raw5(SYS_mount, 0, "/", 0, MS_REC | m->propagation, 0);
    if (r == 0)
        return 0;
    *error = r;
    return SUMMON_STEP_NAMESPACE;
}
