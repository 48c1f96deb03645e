/*
 * idle-count - what one IdleStopSec= check costs: counting the established TCP connections of one listening port
 * with NETLINK_SOCK_DIAG (inet_diag, filtered by source port in the kernel) against reading and parsing
 * /proc/net/tcp. Opens a listener on 127.0.0.1, N connections to it (accepted), then times R checks of each way.
 *
 * usage: idle-count N [R]      prints: conns=N netlink_us=... proc_us=... (mean per check, microseconds)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int count_netlink(int nl, unsigned short port) {
    struct { struct nlmsghdr h; struct inet_diag_req_v2 r; } req;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.r.sdiag_family = AF_INET;
    req.r.sdiag_protocol = IPPROTO_TCP;
    req.r.idiag_states = 1u << TCP_ESTABLISHED;
    req.r.id.idiag_sport = htons(port);
    if (send(nl, &req, sizeof req, 0) < 0) { perror("send"); exit(1); }
    static char buf[65536];
    int n = 0;
    for (;;) {
        ssize_t r = recv(nl, buf, sizeof buf, 0);
        if (r <= 0) { perror("recv"); exit(1); }
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)r); h = NLMSG_NEXT(h, r)) {
            if (h->nlmsg_type == NLMSG_DONE) return n;
            if (h->nlmsg_type == NLMSG_ERROR) { fprintf(stderr, "nlmsg error\n"); exit(1); }
            n++;
        }
    }
}

static int count_proc(unsigned short port) {
    static char buf[1 << 20];
    FILE *f = fopen("/proc/net/tcp", "r");
    if (!f) { perror("/proc/net/tcp"); exit(1); }
    setvbuf(f, NULL, _IOFBF, 65536);
    int n = 0;
    while (fgets(buf, sizeof buf, f)) {
        unsigned lport, st;
        if (sscanf(buf, " %*d: %*x:%x %*x:%*x %x", &lport, &st) == 2 && lport == port && st == 1)
            n++;
    }
    fclose(f);
    return n;
}

int main(int argc, char **argv) {
    int conns = argc > 1 ? atoi(argv[1]) : 1, rounds = argc > 2 ? atoi(argv[2]) : 1000;
    struct rlimit rl = { 65536, 65536 };
    setrlimit(RLIMIT_NOFILE, &rl);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 4096) || getsockname(l, (struct sockaddr *)&a, &al)) { perror("listen"); return 1; }
    for (int i = 0; i < conns; i++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&a, sizeof a)) { perror("connect"); return 1; }
        if (accept(l, NULL, NULL) < 0) { perror("accept"); return 1; }
    }
    unsigned short port = ntohs(a.sin_port);
    int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    int seen_nl = count_netlink(nl, port), seen_proc = count_proc(port);
    double t0 = now_us();
    for (int i = 0; i < rounds; i++) count_netlink(nl, port);
    double t1 = now_us();
    for (int i = 0; i < rounds; i++) count_proc(port);
    double t2 = now_us();
    printf("conns=%d seen_netlink=%d seen_proc=%d netlink_us=%.1f proc_us=%.1f\n", conns, seen_nl, seen_proc,
           (t1 - t0) / rounds, (t2 - t1) / rounds);
    return 0;
}
