/* cmdtime - run a command N times (sequentially, fork+execvp, output to /dev/null) and print the
 * wall-clock latency distribution of each run: start of fork to the child's exit.
 *   cmdtime [-n N] [-w WARMUP] [-e] -- CMD ARGS...
 *   -e  require exit status 0 for every run (count failures otherwise)
 * output: "runs=N ok=N fail=N p50_us=.. p90_us=.. p99_us=.. min_us=.. max_us=.. mean_us=.."
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <time.h>
#include <sys/wait.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int run_once(char **argv, double *us) {
    double t0 = now_us();
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_RDWR);
        if (fd >= 0) { dup2(fd, 0); dup2(fd, 1); dup2(fd, 2); }
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {}
    *us = now_us() - t0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv) {
    int n = 50, warm = 3, need_zero = 0, o;
    while ((o = getopt(argc, argv, "n:w:e")) != -1) {
        switch (o) {
        case 'n': n = atoi(optarg); break;
        case 'w': warm = atoi(optarg); break;
        case 'e': need_zero = 1; break;
        default: fprintf(stderr, "usage: cmdtime [-n N] [-w WARMUP] [-e] -- CMD ARGS...\n"); return 2;
        }
    }
    if (optind >= argc || n <= 0) { fprintf(stderr, "usage: cmdtime [-n N] [-w WARMUP] [-e] -- CMD ARGS...\n"); return 2; }
    char **cmd = argv + optind;
    double *v = calloc((size_t)n, sizeof *v), us, sum = 0;
    int ok = 0, fail = 0;
    for (int i = 0; i < warm; i++) run_once(cmd, &us);
    for (int i = 0; i < n; i++) {
        int rc = run_once(cmd, &us);
        v[i] = us; sum += us;
        if (rc == 0 || (!need_zero && rc > 0 && rc < 128)) ok++; else fail++;
    }
    qsort(v, (size_t)n, sizeof *v, cmp);
#define P(q) v[(int)((q) * (n - 1) + 0.5)]
    printf("runs=%d ok=%d fail=%d p50_us=%.0f p90_us=%.0f p99_us=%.0f min_us=%.0f max_us=%.0f mean_us=%.0f\n",
           n, ok, fail, P(0.5), P(0.9), P(0.99), v[0], v[n - 1], sum / n);
    return fail ? 1 : 0;
}
