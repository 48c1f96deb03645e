/*
 * sandbox-probe [-o FILE] [-t PATH] [-d DEVICE] [-c ADDRESS:PORT] [-S SETUID-COPY] [-w DIR] [-p DIR] [-P PID] [-s SECONDS]: reports what the sandbox
 * around it allows, one key=value line per probe, on stdout and (with -o) in FILE (written whole, then renamed).
 * A value is "ok" when the operation succeeded, otherwise the errno name (EPERM, EACCES, ENOENT, EROFS, ...); a few
 * keys report a number or a list instead (cap_*, uid, gid, dev_entries, proc_pids, net_ifaces, ns_*).
 *
 *   write_usr write_etc write_home   create and remove a file in /usr, /etc, /root (ProtectSystem=, ProtectHome=)
 *   read_home read_home_entries      list /root (ProtectHome=): opendir's answer and the number of entries
 *   tmp_marker                       open the file -t PATH (another service's /tmp file: PrivateTmp=); else skipped
 *   tmp_write                        create and remove a file in /tmp
 *   open_dev open_dev_path           open -d DEVICE, or the first of /dev/sda, /dev/vda, /dev/nvme0n1, /dev/xvda,
 *                                    /dev/loop0, /dev/mem that opens (else the first one's errno; ENOENT when none
 *                                    exists) (PrivateDevices=, DevicePolicy=)
 *   open_null                        open /dev/null for reading and writing (DevicePolicy=closed keeps it)
 *   dev_entries                      entries in /dev
 *   connect                          a TCP connect to -c IPV4-ADDRESS:PORT, ETIMEDOUT after two seconds
 *                                    (IPAddressDeny=: the SYN is dropped); else skipped
 *   write_proc_sys write_sys         open /proc/sys/kernel/printk and a /sys/kernel file for writing
 *                                    (ProtectKernelTunables=); nothing is written
 *   ptrace                           PTRACE_TRACEME in a child (SystemCallFilter=~@debug)
 *   personality                      switch to PER_LINUX32 and back (LockPersonality=)
 *   mmap_wx                          an anonymous PROT_WRITE|PROT_EXEC mapping (MemoryDenyWriteExecute=)
 *   socket_packet socket_inet socket_unix   socket(2) per family (RestrictAddressFamilies=, CAP_NET_RAW)
 *   unshare_user unshare_net unshare_mnt    unshare(2) in a child (RestrictNamespaces=)
 *   sched_fifo                       SCHED_FIFO in a child (RestrictRealtime=)
 *   setuid_chmod                     chmod u+s on a file it creates in -w DIR or /tmp (RestrictSUIDSGID=)
 *   setuid_gain                      runs -S SETUID-COPY (a setuid-root copy of this program the caller prepared):
 *                                    ok when it ran with euid 0, EPERM when not (NoNewPrivileges=); else skipped
 *   cap_eff cap_prm cap_bnd cap_amb cap_inh  the hex masks of /proc/self/status
 *   no_new_privs seccomp             PR_GET_NO_NEW_PRIVS and the Seccomp: field of /proc/self/status
 *   net_ifaces                       interface names from /proc/net/dev, comma-separated (PrivateNetwork=)
 *   hostname_set                     sethostname(2) to the current name (ProtectHostname=)
 *   clock_set                        clock_settime(CLOCK_REALTIME) to now (ProtectClock=)
 *   kmsg                             open /dev/kmsg for reading (ProtectKernelLogs=)
 *   modules modules_entries          open and list /usr/lib/modules, else /lib/modules (ProtectKernelModules=)
 *   cgroup_write                     open the own cgroup's cgroup.procs (cgroup2) for writing (ProtectControlGroups=)
 *   proc_pids                        numeric entries in /proc (ProtectProc=, PrivatePIDs=)
 *   uid gid euid egid groups         the credentials it runs with
 *   ns_mnt ns_user ns_net ns_uts ns_ipc ns_pid ns_cgroup  the /proc/self/ns links (compare with the manager's)
 *   write_home_dir                   create and remove a file in /home (ProtectHome=)
 *   securebits                       PR_GET_SECUREBITS in hex (SecureBits=)
 *   path_entries path_write path_exec   for -p DIR (else skipped): its entry count or opendir's errno, creating a
 *                                    file in it, running DIR/exec-me --euid if the caller put a copy of this program
 *                                    there (ReadOnlyPaths=, InaccessiblePaths=, NoExecPaths=, TemporaryFileSystem=,
 *                                    BindPaths=, ...)
 *   syscall_x32                      an x32-ABI getpid in a child: ENOSYS on a kernel without x32, signal-31 when a
 *                                    filter kills foreign ABIs (SystemCallArchitectures=native)
 *   udp_send_lo                      sendto(2) one UDP datagram to 127.0.0.1:9 (PrivateNetwork= keeps lo up,
 *                                    IPAddressDeny=)
 *   kmsg_read                        read one record of /dev/kmsg (non-blocking): ok, "empty" when the file opens but
 *                                    holds nothing (a mask over it), else the errno (ProtectKernelLogs=)
 *   proc_other                       open /proc/PID/cmdline of -P PID, another user's process (ProtectProc=); else skipped
 *   proc_sys proc_self               open /proc/sys (ProcSubset=) and /proc/self/status (a working /proc: MountAPIVFS=)
 *   root_entries                     entries in / (RootDirectory=)
 *
 * `sandbox-probe --euid` prints the effective uid and exits: what the setuid copy answers for setuid_gain.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>

static char s_report[16384];
static size_t s_length;

static void put(const char *key, const char *value)
{
    int n = snprintf(s_report + s_length, sizeof s_report - s_length, "%s=%s\n", key, value);
    if (n > 0 && (size_t)n < sizeof s_report - s_length)
    {
        s_length += (size_t)n;
    }
}

static void put_long(const char *key, long value)
{
    char text[32];
    snprintf(text, sizeof text, "%ld", value);
    put(key, text);
}

static const char *errno_name(int error)
{
    static char unknown[16];
    if (error == 0)
    {
        return "ok";
    }
    const char *name = strerrorname_np(error);
    if (name != NULL)
    {
        return name;
    }
    snprintf(unknown, sizeof unknown, "E%d", error);
    return unknown;
}

/* ok, or the errno name of a failed call (result < 0). */
static void put_result(const char *key, long result)
{
    put(key, errno_name(result < 0 ? errno : 0));
}

/* Creates DIR/.sandbox-probe-PID and removes it again. */
static void probe_write(const char *key, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/.sandbox-probe-%d", dir, (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
    {
        put(key, errno_name(errno));
        return;
    }
    close(fd);
    unlink(path);
    put(key, "ok");
}

/* Opens DIR and counts its entries (without . and .., and without the files of probe_write and probe_setuid_chmod, which
 * other probes running at the same time create and remove): -1 with errno set when it cannot be opened. */
static long count_entries(const char *dir, int numeric_only)
{
    DIR *d = opendir(dir);
    if (d == NULL)
    {
        return -1;
    }
    long count = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL)
    {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0 || strncmp(entry->d_name, ".sandbox-probe-", 15) == 0)
        {
            continue;
        }
        if (numeric_only && strspn(entry->d_name, "0123456789") != strlen(entry->d_name))
        {
            continue;
        }
        count++;
    }
    closedir(d);
    return count;
}

static void probe_list(const char *key, const char *entries_key, const char *dir)
{
    long count = count_entries(dir, 0);
    put(key, errno_name(count < 0 ? errno : 0));
    put_long(entries_key, count < 0 ? 0 : count);
}

static void probe_open(const char *key, const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
    {
        put(key, errno_name(errno));
        return;
    }
    close(fd);
    put(key, "ok");
}

/* Runs STEP in a forked child, which exits with 0 or the errno of the failed call: nothing it changes stays here. */
static void probe_in_child(const char *key, int (*step)(void))
{
    pid_t pid = fork();
    if (pid < 0)
    {
        put(key, errno_name(errno));
        return;
    }
    if (pid == 0)
    {
        _exit(step() < 0 ? (errno & 0xff) : 0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    {
    }
    if (WIFEXITED(status))
    {
        put(key, errno_name(WEXITSTATUS(status)));
    }
    else
    {
        char text[32];
        snprintf(text, sizeof text, "signal-%d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        put(key, text);
    }
}

static int step_traceme(void) { return (int)ptrace(PTRACE_TRACEME, 0, NULL, NULL); }
static int step_unshare_user(void) { return unshare(CLONE_NEWUSER); }
static int step_unshare_net(void) { return unshare(CLONE_NEWNET); }
static int step_unshare_mnt(void) { return unshare(CLONE_NEWNS); }

static int step_fifo(void)
{
    struct sched_param param = { .sched_priority = 1 };
    return sched_setscheduler(0, SCHED_FIFO, &param);
}

static void probe_personality(void)
{
    int previous = personality(0xffffffff);
    if (personality(PER_LINUX32) < 0)
    {
        put("personality", errno_name(errno));
        return;
    }
    personality((unsigned long)previous);
    put("personality", "ok");
}

static void probe_mmap_wx(void)
{
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
    {
        put("mmap_wx", errno_name(errno));
        return;
    }
    munmap(page, 4096);
    put("mmap_wx", "ok");
}

static void probe_socket(const char *key, int family, int type)
{
    int fd = socket(family, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
    {
        put(key, errno_name(errno));
        return;
    }
    close(fd);
    put(key, "ok");
}

static void probe_setuid_chmod(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/.sandbox-probe-suid-%d", dir, (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
    if (fd < 0)
    {
        put("setuid_chmod", errno_name(errno));
        return;
    }
    int result = fchmod(fd, 04755);
    int error = errno;
    close(fd);
    unlink(path);
    put("setuid_chmod", errno_name(result < 0 ? error : 0));
}

static void probe_setuid_gain(const char *copy)
{
    if (copy == NULL)
    {
        put("setuid_gain", "skipped");
        return;
    }
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) < 0)
    {
        put("setuid_gain", errno_name(errno));
        return;
    }
    pid_t pid = fork();
    if (pid < 0)
    {
        put("setuid_gain", errno_name(errno));
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        return;
    }
    if (pid == 0)
    {
        dup2(pipe_fds[1], STDOUT_FILENO);
        execl(copy, copy, "--euid", (char *)NULL);
        _exit(127);
    }
    close(pipe_fds[1]);
    char text[32] = { 0 };
    ssize_t n = read(pipe_fds[0], text, sizeof text - 1);
    close(pipe_fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    {
    }
    if (n <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    {
        put("setuid_gain", "exec-failed");
        return;
    }
    put("setuid_gain", atol(text) == 0 ? "ok" : "EPERM");
}

/* The value of FIELD: in /proc/self/status, without the surrounding blanks ("" when missing). */
static void status_field(const char *field, char *value, size_t size)
{
    value[0] = '\0';
    FILE *f = fopen("/proc/self/status", "re");
    if (f == NULL)
    {
        return;
    }
    char line[512];
    size_t field_length = strlen(field);
    while (fgets(line, sizeof line, f) != NULL)
    {
        if (strncmp(line, field, field_length) == 0 && line[field_length] == ':')
        {
            const char *start = line + field_length + 1;
            start += strspn(start, " \t");
            snprintf(value, size, "%s", start);
            value[strcspn(value, "\n")] = '\0';
            break;
        }
    }
    fclose(f);
}

static void put_status(const char *key, const char *field)
{
    char value[256];
    status_field(field, value, sizeof value);
    put(key, value);
}

static void probe_net_ifaces(void)
{
    char names[1024] = "";
    FILE *f = fopen("/proc/net/dev", "re");
    if (f == NULL)
    {
        put("net_ifaces", errno_name(errno));
        return;
    }
    char line[512];
    size_t used = 0;
    while (fgets(line, sizeof line, f) != NULL)
    {
        char *colon = strchr(line, ':');
        if (colon == NULL)
        {
            continue;   /* the two header lines */
        }
        *colon = '\0';
        const char *name = line + strspn(line, " ");
        int n = snprintf(names + used, sizeof names - used, "%s%s", used ? "," : "", name);
        if (n > 0 && (size_t)n < sizeof names - used)
        {
            used += (size_t)n;
        }
    }
    fclose(f);
    put("net_ifaces", names);
}

static void probe_hostname(void)
{
    char name[256] = { 0 };
    if (gethostname(name, sizeof name - 1) < 0)
    {
        put("hostname_set", errno_name(errno));
        return;
    }
    put_result("hostname_set", sethostname(name, strlen(name)));
}

static void probe_clock(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    put_result("clock_set", clock_settime(CLOCK_REALTIME, &now));
}

/* -d DEVICE, else the first candidate that opens, else the first that exists (its errno), else ENOENT. */
static void probe_dev(const char *given)
{
    static const char *const candidates[] = { "/dev/sda", "/dev/vda", "/dev/nvme0n1", "/dev/xvda", "/dev/loop0", "/dev/mem" };
    if (given != NULL)
    {
        probe_open("open_dev", given, O_RDONLY);
        put("open_dev_path", given);
        return;
    }
    const char *first = NULL;
    int first_error = ENOENT;
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
    {
        int fd = open(candidates[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd >= 0)
        {
            close(fd);
            put("open_dev", "ok");
            put("open_dev_path", candidates[i]);
            return;
        }
        if (errno != ENOENT && first == NULL)
        {
            first = candidates[i];
            first_error = errno;
        }
    }
    put("open_dev", errno_name(first_error));
    put("open_dev_path", first != NULL ? first : "");
}

static void probe_modules(void)
{
    const char *dir = access("/usr/lib/modules", F_OK) == 0 || access("/lib/modules", F_OK) != 0 ? "/usr/lib/modules" : "/lib/modules";
    probe_list("modules", "modules_entries", dir);
}

/* The own cgroup's cgroup.procs under /sys/fs/cgroup (unified), else under /sys/fs/cgroup/unified (hybrid). */
static void probe_cgroup(void)
{
    char own[2048] = "";
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (f != NULL)
    {
        char line[2048];
        while (fgets(line, sizeof line, f) != NULL)
        {
            if (strncmp(line, "0::", 3) == 0)
            {
                line[strcspn(line, "\n")] = '\0';
                snprintf(own, sizeof own, "%s", strcmp(line + 3, "/") == 0 ? "" : line + 3);
            }
        }
        fclose(f);
    }
    char path[4096];
    snprintf(path, sizeof path, "/sys/fs/cgroup%s/cgroup.procs", own);
    if (access(path, F_OK) != 0)
    {
        snprintf(path, sizeof path, "/sys/fs/cgroup/unified%s/cgroup.procs", own);
    }
    probe_open("cgroup_write", path, O_WRONLY);
}

static void put_namespace(const char *key, const char *name)
{
    char link[64];
    char target[128] = "";
    snprintf(link, sizeof link, "/proc/self/ns/%s", name);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0)
    {
        put(key, errno_name(errno));
        return;
    }
    target[n] = '\0';
    put(key, target);
}

static void put_groups(void)
{
    gid_t groups[64];
    int count = getgroups(64, groups);
    char text[1024] = "";
    size_t used = 0;
    for (int i = 0; i < count; i++)
    {
        int n = snprintf(text + used, sizeof text - used, "%s%u", i ? "," : "", (unsigned)groups[i]);
        if (n > 0 && (size_t)n < sizeof text - used)
        {
            used += (size_t)n;
        }
    }
    put("groups", text);
}

/* Runs PROGRAM --euid in a child: ok when it ran, else the errno of execve (reported through a close-on-exec pipe). */
static void probe_exec(const char *key, const char *program)
{
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) < 0)
    {
        put(key, errno_name(errno));
        return;
    }
    pid_t pid = fork();
    if (pid < 0)
    {
        put(key, errno_name(errno));
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        return;
    }
    if (pid == 0)
    {
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (null >= 0)
        {
            dup2(null, STDOUT_FILENO);
        }
        execl(program, program, "--euid", (char *)NULL);
        int error = errno;
        if (write(pipe_fds[1], &error, sizeof error) < 0)
        {
            _exit(126);
        }
        _exit(127);
    }
    close(pipe_fds[1]);
    int error = 0;
    ssize_t n = read(pipe_fds[0], &error, sizeof error);
    close(pipe_fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    {
    }
    put(key, errno_name(n == (ssize_t)sizeof error ? error : 0));
}

static void probe_path(const char *dir)
{
    if (dir == NULL)
    {
        put("path_entries", "skipped");
        put("path_write", "skipped");
        put("path_exec", "skipped");
        return;
    }
    long count = count_entries(dir, 0);
    if (count < 0)
    {
        put("path_entries", errno_name(errno));
    }
    else
    {
        put_long("path_entries", count);
    }
    probe_write("path_write", dir);
    char program[4096];
    snprintf(program, sizeof program, "%s/exec-me", dir);
    if (access(program, F_OK) != 0)
    {
        put("path_exec", "skipped");
        return;
    }
    probe_exec("path_exec", program);
}

static int step_x32(void) { return (int)syscall(39 | 0x40000000); }

static void probe_udp_lo(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
    {
        put("udp_send_lo", errno_name(errno));
        return;
    }
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    long sent = sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof to);
    int error = errno;
    close(fd);
    put("udp_send_lo", errno_name(sent < 0 ? error : 0));
}

static void probe_kmsg_read(void)
{
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
    {
        put("kmsg_read", errno_name(errno));
        return;
    }
    char record[8192];
    ssize_t n = read(fd, record, sizeof record);
    int error = errno;
    close(fd);
    put("kmsg_read", n > 0 ? "ok" : n == 0 ? "empty" : errno_name(error));
}

static int write_report(const char *file)
{
    char temporary[4096];
    snprintf(temporary, sizeof temporary, "%s.tmp", file);
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, s_report, s_length) != (ssize_t)s_length || close(fd) != 0 || rename(temporary, file) != 0)
    {
        fprintf(stderr, "sandbox-probe: writing %s: %s\n", file, strerror(errno));
        return 1;
    }
    return 0;
}

/* -c ADDRESS:PORT: a TCP connection to an IPv4 address, closed at once. */
static void probe_connect(const char *target)
{
    if (target == NULL)
    {
        put("connect", "skipped");
        return;
    }
    char address[64];
    const char *colon = strrchr(target, ':');
    if (colon == NULL || (size_t)(colon - target) >= sizeof address)
    {
        put("connect", "EINVAL");
        return;
    }
    memcpy(address, target, (size_t)(colon - target));
    address[colon - target] = 0;
    struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(colon + 1)) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || inet_pton(AF_INET, address, &peer.sin_addr) != 1)
    {
        put("connect", fd < 0 ? errno_name(errno) : "EINVAL");
        return;
    }
    /* A dropped SYN is sent again and again rather than refused: after two seconds the answer is ETIMEDOUT. */
    fcntl(fd, F_SETFL, O_NONBLOCK);
    if (connect(fd, (struct sockaddr *)&peer, sizeof peer) == 0)
    {
        put("connect", "ok");
    }
    else if (errno != EINPROGRESS)
    {
        put("connect", errno_name(errno));
    }
    else
    {
        struct pollfd wait = { .fd = fd, .events = POLLOUT };
        int error = 0;
        socklen_t length = sizeof error;
        if (poll(&wait, 1, 2000) != 1)
        {
            put("connect", "ETIMEDOUT");
        }
        else
        {
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
            put("connect", error == 0 ? "ok" : errno_name(error));
        }
    }
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--euid") == 0)
    {
        printf("%u\n", (unsigned)geteuid());
        return 0;
    }
    const char *output = NULL, *marker = NULL, *device = NULL, *setuid_copy = NULL, *writable = "/tmp", *path = NULL, *other = NULL, *peer = NULL;
    int seconds = 0;
    int option;
    while ((option = getopt(argc, argv, "o:t:d:c:S:w:p:P:s:")) != -1)
    {
        switch (option)
        {
        case 'o': output = optarg; break;
        case 't': marker = optarg; break;
        case 'd': device = optarg; break;
        case 'c': peer = optarg; break;
        case 'S': setuid_copy = optarg; break;
        case 'w': writable = optarg; break;
        case 'p': path = optarg; break;
        case 's': seconds = atoi(optarg); break;
        case 'P': other = optarg; break;
        default:
            fprintf(stderr, "usage: %s [-o FILE] [-t PATH] [-d DEVICE] [-c ADDRESS:PORT] [-S SETUID-COPY] [-w DIR] [-p DIR] [-P PID] [-s SECONDS]\n", argv[0]);
            return 2;
        }
    }

    probe_write("write_usr", "/usr");
    probe_write("write_etc", "/etc");
    probe_write("write_home", "/root");
    probe_list("read_home", "read_home_entries", "/root");
    if (marker != NULL)
    {
        probe_open("tmp_marker", marker, O_RDONLY);
    }
    else
    {
        put("tmp_marker", "skipped");
    }
    probe_write("tmp_write", "/tmp");
    probe_dev(device);
    probe_open("open_null", "/dev/null", O_RDWR);
    probe_connect(peer);
    long dev_entries = count_entries("/dev", 0);
    if (dev_entries < 0)
    {
        put("dev_entries", errno_name(errno));
    }
    else
    {
        put_long("dev_entries", dev_entries);
    }
    probe_open("write_proc_sys", "/proc/sys/kernel/printk", O_WRONLY);
    probe_open("write_sys", "/sys/kernel/mm/transparent_hugepage/enabled", O_WRONLY);
    probe_in_child("ptrace", step_traceme);
    probe_personality();
    probe_mmap_wx();
    probe_socket("socket_packet", AF_PACKET, SOCK_RAW);
    probe_socket("socket_inet", AF_INET, SOCK_STREAM);
    probe_socket("socket_unix", AF_UNIX, SOCK_STREAM);
    probe_in_child("unshare_user", step_unshare_user);
    probe_in_child("unshare_net", step_unshare_net);
    probe_in_child("unshare_mnt", step_unshare_mnt);
    probe_in_child("sched_fifo", step_fifo);
    probe_setuid_chmod(writable);
    probe_setuid_gain(setuid_copy);
    put_status("cap_eff", "CapEff");
    put_status("cap_prm", "CapPrm");
    put_status("cap_bnd", "CapBnd");
    put_status("cap_amb", "CapAmb");
    put_status("cap_inh", "CapInh");
    put_long("no_new_privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    put_status("seccomp", "Seccomp");
    probe_net_ifaces();
    probe_hostname();
    probe_clock();
    probe_open("kmsg", "/dev/kmsg", O_RDONLY);
    probe_modules();
    probe_cgroup();
    long pids = count_entries("/proc", 1);
    put_long("proc_pids", pids < 0 ? 0 : pids);
    put_long("uid", (long)getuid());
    put_long("gid", (long)getgid());
    put_long("euid", (long)geteuid());
    put_long("egid", (long)getegid());
    put_groups();
    put_namespace("ns_mnt", "mnt");
    put_namespace("ns_user", "user");
    put_namespace("ns_net", "net");
    put_namespace("ns_uts", "uts");
    put_namespace("ns_ipc", "ipc");
    put_namespace("ns_pid", "pid");
    put_namespace("ns_cgroup", "cgroup");
    probe_write("write_home_dir", "/home");
    char bits[32];
    snprintf(bits, sizeof bits, "%x", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
    put("securebits", bits);
    probe_path(path);
    probe_in_child("syscall_x32", step_x32);
    probe_udp_lo();
    probe_kmsg_read();
    if (other != NULL)
    {
        char proc_path[64];
        snprintf(proc_path, sizeof proc_path, "/proc/%s/cmdline", other);
        probe_open("proc_other", proc_path, O_RDONLY);
    }
    else
    {
        put("proc_other", "skipped");
    }
    probe_open("proc_sys", "/proc/sys", O_RDONLY | O_DIRECTORY);
    probe_open("proc_self", "/proc/self/status", O_RDONLY);
    long root_entries = count_entries("/", 0);
    put_long("root_entries", root_entries < 0 ? 0 : root_entries);

    fwrite(s_report, 1, s_length, stdout);
    fflush(stdout);
    int rc = output != NULL ? write_report(output) : 0;
    if (seconds > 0)
    {
        sleep((unsigned)seconds);
    }
    return rc;
}
