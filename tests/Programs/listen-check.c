/*
 * listen-check: a socket-activated test service that checks what its manager handed it (the sd_listen_fds(3)
 * protocol) and speaks sd_notify(3), so integration tests can see both sides of the contract from a real peer.
 *
 * Usage: listen-check [-r FILE] [-e NAME]... [-k FILE] [-n COUNT] [-x CODE] [ACTION]...
 *   -r FILE   also write the report to FILE (written to FILE.tmp, then renamed, so readers never see half of it)
 *   -e NAME   add ENV_NAME=value (or ENV_NAME unset) to the report
 *   -k FILE   append SIGTERM / SIGINT / SIGHUP / SIGUSR1 / SIGUSR2 to FILE as each arrives
 *   -n COUNT  serve COUNT connections (or datagrams), then exit 0
 *   -x CODE   exit with CODE right after the actions, serving nothing
 * Actions, carried out in command-line order after the report is written:
 *   -N MSG    send MSG (e.g. READY=1, STATUS=text) as one datagram to $NOTIFY_SOCKET
 *   -g FILE   wait until FILE exists (a gate the test opens)
 *
 * The report is KEY=VALUE lines:
 *   PID, PPID, LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES, NOTIFY_SOCKET, SYSTEMD_EXEC_PID, INVOCATION_ID,
 *   FD<n>=FAMILY TYPE listening|bound BLOCKING ADDRESS   for each passed fd (FAMILY inet|inet6|unix|fifo|…),
 *   OPEN_FDS=0,1,2,3                                       every fd open at start,
 *   CHECK=ok  or  CHECK=fail: reason; reason               the protocol check (see check_protocol).
 * Then it serves: every stream connection accepted on a listening fd gets the report plus SERVED_FD=n and
 * CONNECTION=k and is closed; a datagram gets the same as a reply. SIGTERM or SIGINT: STOPPING=1 when
 * $NOTIFY_SOCKET is set, then exit 0. A CHECK failure does not change the exit code: the report says it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 64
#define MAX_ACTIONS 64
#define REPORT_SIZE 16384

static char report[REPORT_SIZE];
static size_t report_len;
static int check_failed;
static char check_reasons[2048];

static volatile sig_atomic_t stop_requested;
static const char *signal_log;

static void add(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int n = vsnprintf(report + report_len, sizeof report - report_len, format, args);
    va_end(args);
    if (n > 0)
        report_len += (size_t)n < sizeof report - report_len ? (size_t)n : sizeof report - report_len - 1;
}

static void fail(const char *format, ...)
{
    size_t used = strlen(check_reasons);
    if (used > 0 && used + 2 < sizeof check_reasons) {
        strcat(check_reasons, "; ");
        used += 2;
    }
    va_list args;
    va_start(args, format);
    vsnprintf(check_reasons + used, sizeof check_reasons - used, format, args);
    va_end(args);
    check_failed = 1;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *value = getenv(name);
    return value ? value : fallback;
}

static void on_signal(int signo)
{
    if (signal_log) {
        const char *name = signo == SIGTERM ? "SIGTERM\n" : signo == SIGINT ? "SIGINT\n" : signo == SIGHUP ? "SIGHUP\n"
                         : signo == SIGUSR1 ? "SIGUSR1\n" : "SIGUSR2\n";
        int fd = open(signal_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0) {
            ssize_t ignored = write(fd, name, strlen(name));
            (void)ignored;
            close(fd);
        }
    }
    if (signo == SIGTERM || signo == SIGINT)
        stop_requested = 1;
}

static void describe_address(const struct sockaddr_storage *address, socklen_t length, char *out, size_t size)
{
    char text[INET6_ADDRSTRLEN];
    if (address->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)address;
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        snprintf(out, size, "%s:%u", text, ntohs(in->sin_port));
    } else if (address->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)address;
        inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        snprintf(out, size, "[%s]:%u", text, ntohs(in6->sin6_port));
    } else if (address->ss_family == AF_UNIX) {
        const struct sockaddr_un *un = (const struct sockaddr_un *)address;
        size_t path_length = length > offsetof(struct sockaddr_un, sun_path) ? length - offsetof(struct sockaddr_un, sun_path) : 0;
        if (path_length == 0)
            snprintf(out, size, "(unnamed)");
        else if (un->sun_path[0] == '\0')
            snprintf(out, size, "@%.*s", (int)path_length - 1, un->sun_path + 1);
        else
            snprintf(out, size, "%s", un->sun_path);
    } else {
        snprintf(out, size, "(family %d)", address->ss_family);
    }
}

static const char *family_name(int family)
{
    switch (family) {
    case AF_INET: return "inet";
    case AF_INET6: return "inet6";
    case AF_UNIX: return "unix";
    case AF_NETLINK: return "netlink";
    default: return "other";
    }
}

static const char *type_name(int type)
{
    switch (type) {
    case SOCK_STREAM: return "stream";
    case SOCK_DGRAM: return "dgram";
    case SOCK_SEQPACKET: return "seqpacket";
    case SOCK_RAW: return "raw";
    default: return "other";
    }
}

/* Passed fd: one FD<n>= line; returns 1 when it is a socket we can serve (listening stream/seqpacket or dgram). */
static int describe_fd(int fd, int *servable_type)
{
    struct stat st;
    *servable_type = 0;
    if (fstat(fd, &st) != 0) {
        add("FD%d=closed\n", fd);
        fail("fd %d is not open", fd);
        return 0;
    }

    int flags = fcntl(fd, F_GETFL);
    const char *blocking = flags >= 0 && (flags & O_NONBLOCK) ? "nonblocking" : "blocking";
    if (S_ISFIFO(st.st_mode)) {
        add("FD%d=fifo - - %s -\n", fd, blocking);
        return 0;
    }
    if (!S_ISSOCK(st.st_mode)) {
        add("FD%d=file - - %s -\n", fd, blocking);
        fail("fd %d is neither a socket nor a FIFO", fd);
        return 0;
    }

    int type = 0, listening = 0;
    socklen_t length = sizeof type;
    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length);
    length = sizeof listening;
    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length);
    struct sockaddr_storage address;
    memset(&address, 0, sizeof address);
    length = sizeof address;
    char text[256] = "?";
    if (getsockname(fd, (struct sockaddr *)&address, &length) == 0)
        describe_address(&address, length, text, sizeof text);
    add("FD%d=%s %s %s %s %s\n", fd, family_name(address.ss_family), type_name(type),
        listening ? "listening" : "bound", blocking, text);
    /* The socket options the manager applied, as getsockopt(2) reads them back. */
    int keepalive = 0, reuseport = 0, reuseaddr = 0, rcvbuf = 0, sndbuf = 0, mark = 0, priority = 0, passcred = 0, nodelay = -1, defer = -1;
    length = sizeof(int); getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &keepalive, &length);
    length = sizeof(int); getsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &reuseport, &length);
    length = sizeof(int); getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuseaddr, &length);
    length = sizeof(int); getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &length);
    length = sizeof(int); getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &length);
    length = sizeof(int); getsockopt(fd, SOL_SOCKET, SO_MARK, &mark, &length);
    length = sizeof(int); getsockopt(fd, SOL_SOCKET, SO_PRIORITY, &priority, &length);
    length = sizeof(int); getsockopt(fd, SOL_SOCKET, SO_PASSCRED, &passcred, &length);
    if (address.ss_family == AF_INET || address.ss_family == AF_INET6) {
        length = sizeof(int); getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &length);
        length = sizeof(int); getsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer, &length);
    }
    add("OPT%d=keepalive=%d reuseport=%d reuseaddr=%d rcvbuf=%d sndbuf=%d mark=%d priority=%d passcred=%d nodelay=%d deferaccept=%d\n",
        fd, keepalive, reuseport, reuseaddr, rcvbuf, sndbuf, mark, priority, passcred, nodelay, defer);
    if ((type == SOCK_STREAM || type == SOCK_SEQPACKET) && listening) {
        *servable_type = type;
        return 1;
    }
    if (type == SOCK_DGRAM) {
        *servable_type = type;
        return 1;
    }
    if (type == SOCK_STREAM || type == SOCK_SEQPACKET)
        fail("fd %d is a %s socket that is not listening", fd, type_name(type));
    return 0;
}

/* Every fd open now, as "0,1,2,3"; flags any fd above the passed range. */
static void list_open_fds(int passed)
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) {
        add("OPEN_FDS=?\n");
        fail("cannot list /proc/self/fd");
        return;
    }
    int own = dirfd(dir);
    int fds[1024], count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && count < 1024) {
        if (entry->d_name[0] == '.')
            continue;
        int fd = atoi(entry->d_name);
        if (fd != own)
            fds[count++] = fd;
    }
    closedir(dir);
    for (int i = 1; i < count; i++)
        for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
            int t = fds[j];
            fds[j] = fds[j - 1];
            fds[j - 1] = t;
        }
    add("OPEN_FDS=");
    for (int i = 0; i < count; i++)
        add(i ? ",%d" : "%d", fds[i]);
    add("\n");
    for (int i = 0; i < count; i++)
        if (fds[i] >= 3 + passed)
            fail("unexpected fd %d is open", fds[i]);
}

/* The sd_listen_fds(3) contract: LISTEN_PID is our pid, LISTEN_FDS a count, LISTEN_FDNAMES one name per fd. */
static int check_protocol(void)
{
    const char *listen_pid = getenv("LISTEN_PID");
    const char *listen_fds = getenv("LISTEN_FDS");
    const char *names = getenv("LISTEN_FDNAMES");
    int passed = 0;
    if (!listen_fds) {
        if (listen_pid)
            fail("LISTEN_PID without LISTEN_FDS");
        return 0;
    }
    char *end;
    long n = strtol(listen_fds, &end, 10);
    if (*listen_fds == '\0' || *end != '\0' || n < 0 || n > MAX_FDS) {
        fail("LISTEN_FDS=%s is not a count", listen_fds);
        return 0;
    }
    passed = (int)n;
    if (!listen_pid)
        fail("LISTEN_PID is unset");
    else if (strtol(listen_pid, NULL, 10) != (long)getpid())
        fail("LISTEN_PID=%s but pid is %d", listen_pid, (int)getpid());
    if (names) {
        int count = 1;
        for (const char *p = names; *p; p++)
            count += *p == ':';
        if (count != passed)
            fail("LISTEN_FDNAMES has %d names for %d fds", count, passed);
    }
    return passed;
}

static void write_report_file(const char *path)
{
    char temporary[4096];
    snprintf(temporary, sizeof temporary, "%s.tmp", path);
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "listen-check: cannot write %s: %s\n", temporary, strerror(errno));
        return;
    }
    ssize_t ignored = write(fd, report, report_len);
    (void)ignored;
    close(fd);
    if (rename(temporary, path) != 0)
        fprintf(stderr, "listen-check: cannot rename to %s: %s\n", path, strerror(errno));
}

static void notify(const char *message)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (!path || !*path) {
        fprintf(stderr, "listen-check: NOTIFY_SOCKET unset, not sending %s\n", message);
        return;
    }
    struct sockaddr_un address;
    memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    size_t length = strlen(path);
    if (length >= sizeof address.sun_path) {
        fprintf(stderr, "listen-check: NOTIFY_SOCKET too long\n");
        return;
    }
    memcpy(address.sun_path, path, length);
    if (path[0] == '@')
        address.sun_path[0] = '\0';
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    if (sendto(fd, message, strlen(message), MSG_NOSIGNAL, (struct sockaddr *)&address,
               (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length)) < 0)
        fprintf(stderr, "listen-check: sending %s to %s: %s\n", message, path, strerror(errno));
    close(fd);
}

static void wait_for_file(const char *path)
{
    struct timespec tick = { 0, 20 * 1000 * 1000 };
    while (!stop_requested && access(path, F_OK) != 0)
        nanosleep(&tick, NULL);
}

static void write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t n = send(fd, data, length, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        data += n;
        length -= (size_t)n;
    }
}

/* Reads what the client still sends (up to its EOF, at most 2 s), so closing does not reset the connection and
 * discard the report before the client has read it. */
static void drain_and_close(int fd)
{
    char buffer[1024];
    struct pollfd p = { fd, POLLIN, 0 };
    while (poll(&p, 1, 2000) > 0) {
        ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
            break;
    }
    close(fd);
}

int main(int argc, char **argv)
{
    const char *report_path = NULL;
    const char *env_names[MAX_ACTIONS];
    int env_count = 0;
    char action_kind[MAX_ACTIONS];
    const char *action_arg[MAX_ACTIONS];
    int actions = 0;
    long serve_count = -1;
    int exit_code = -1;
    int option;

    while ((option = getopt(argc, argv, "r:e:k:n:x:N:g:")) != -1) {
        switch (option) {
        case 'r': report_path = optarg; break;
        case 'e': if (env_count < MAX_ACTIONS) env_names[env_count++] = optarg; break;
        case 'k': signal_log = optarg; break;
        case 'n': serve_count = strtol(optarg, NULL, 10); break;
        case 'x': exit_code = atoi(optarg); break;
        case 'N':
        case 'g':
            if (actions < MAX_ACTIONS) {
                action_kind[actions] = (char)option;
                action_arg[actions++] = optarg;
            }
            break;
        default:
            fprintf(stderr, "usage: %s [-r FILE] [-e NAME]... [-k FILE] [-n COUNT] [-x CODE] [-N MSG | -g FILE]...\n", argv[0]);
            return 2;
        }
    }

    /* Look before anything of ours opens an fd. */
    int passed = check_protocol();
    add("PID=%d\n", (int)getpid());
    add("PPID=%d\n", (int)getppid());
    add("LISTEN_PID=%s\n", env_or("LISTEN_PID", ""));
    add("LISTEN_FDS=%s\n", env_or("LISTEN_FDS", ""));
    add("LISTEN_FDNAMES=%s\n", env_or("LISTEN_FDNAMES", ""));
    add("NOTIFY_SOCKET=%s\n", env_or("NOTIFY_SOCKET", ""));
    add("SYSTEMD_EXEC_PID=%s\n", env_or("SYSTEMD_EXEC_PID", ""));
    add("INVOCATION_ID=%s\n", env_or("INVOCATION_ID", ""));
    for (int i = 0; i < env_count; i++) {
        const char *value = getenv(env_names[i]);
        if (value)
            add("ENV_%s=%s\n", env_names[i], value);
        else
            add("ENV_%s (unset)\n", env_names[i]);
    }
    int servable[MAX_FDS], servable_type[MAX_FDS], servable_count = 0;
    for (int fd = 3; fd < 3 + passed; fd++) {
        int type;
        if (describe_fd(fd, &type)) {
            servable[servable_count] = fd;
            servable_type[servable_count++] = type;
        }
    }
    list_open_fds(passed);
    if (check_failed)
        add("CHECK=fail: %s\n", check_reasons);
    else
        add("CHECK=ok\n");

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;   /* no SA_RESTART: poll and nanosleep return EINTR */
    sigemptyset(&action.sa_mask);
    int handled[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };
    for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++)
        sigaction(handled[i], &action, NULL);

    fwrite(report, 1, report_len, stdout);
    fflush(stdout);
    if (report_path)
        write_report_file(report_path);

    for (int i = 0; i < actions && !stop_requested; i++) {
        if (action_kind[i] == 'N')
            notify(action_arg[i]);
        else
            wait_for_file(action_arg[i]);
    }

    if (exit_code >= 0)
        return exit_code;

    long served = 0;
    struct pollfd polls[MAX_FDS];
    for (int i = 0; i < servable_count; i++) {
        polls[i].fd = servable[i];
        polls[i].events = POLLIN;
    }
    while (!stop_requested && (serve_count < 0 || served < serve_count)) {
        if (servable_count == 0) {
            pause();
            continue;
        }
        int ready = poll(polls, (nfds_t)servable_count, -1);
        if (ready < 0)
            continue;   /* EINTR: a signal; the loop condition decides */
        for (int i = 0; i < servable_count && (serve_count < 0 || served < serve_count); i++) {
            if (!(polls[i].revents & POLLIN))
                continue;
            char tail[128];
            if (servable_type[i] == SOCK_DGRAM) {
                char buffer[2048];
                struct sockaddr_storage peer;
                socklen_t peer_length = sizeof peer;
                ssize_t n = recvfrom(servable[i], buffer, sizeof buffer, MSG_DONTWAIT, (struct sockaddr *)&peer, &peer_length);
                if (n < 0)
                    continue;
                served++;
                snprintf(tail, sizeof tail, "SERVED_FD=%d\nCONNECTION=%ld\n", servable[i], served);
                char reply[REPORT_SIZE + 128];
                int length = snprintf(reply, sizeof reply, "%.*s%s", (int)report_len, report, tail);
                if (peer_length > 0)
                    sendto(servable[i], reply, (size_t)length, MSG_NOSIGNAL, (struct sockaddr *)&peer, peer_length);
                continue;
            }
            int connection = accept4(servable[i], NULL, NULL, SOCK_CLOEXEC);
            if (connection < 0)
                continue;   /* EAGAIN on a non-blocking fd another poller emptied, or EINTR */
            served++;
            snprintf(tail, sizeof tail, "SERVED_FD=%d\nCONNECTION=%ld\n", servable[i], served);
            write_all(connection, report, report_len);
            write_all(connection, tail, strlen(tail));
            shutdown(connection, SHUT_WR);
            drain_and_close(connection);
        }
    }

    if (stop_requested && getenv("NOTIFY_SOCKET"))
        notify("STOPPING=1");
    return 0;
}
