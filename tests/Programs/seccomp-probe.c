/* seccomp-probe: tries what the system-call filters of issue 14 refuse and prints one "name=result" line per probe
 * (0 when the call worked, else its errno number), then "done". A probe the filter kills ends the program there.
 *   call:NR          syscall NR with every argument -1 (fails harmlessly unless filtered: EFAULT, EBADF, EINVAL)
 *   personality      personality(PER_LINUX32), then back
 *   mmap-wx          an anonymous PROT_WRITE|PROT_EXEC mapping
 *   mprotect-x       an anonymous writable mapping made executable
 *   socket-packet    socket(AF_PACKET, SOCK_RAW, 0);  socket-unix: socket(AF_UNIX, SOCK_STREAM, 0)
 *   unshare-user     unshare(CLONE_NEWUSER);  unshare-net: unshare(CLONE_NEWNET)
 *   sched-fifo       sched_setscheduler(SCHED_FIFO, 1), then back to SCHED_OTHER
 *   chmod-suid:PATH  creates PATH (0600) and chmods it 04755;  chmod-plain:PATH the same with 0755
 *   sethostname      sets the host name to the one it has
 *   status           the Seccomp: and NoNewPrivs: fields of /proc/self/status */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *name, long r)
{
    printf("%s=%d\n", name, r < 0 ? errno : 0);
    fflush(stdout);
}

static void status(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
    {
        if (strncmp(line, "Seccomp:", 8) == 0 || strncmp(line, "NoNewPrivs:", 11) == 0)
        {
            char *colon = strchr(line, ':');
            *colon = '\0';
            printf("%s=%ld\n", line, strtol(colon + 1, NULL, 10));
        }
    }
    if (f != NULL)
        fclose(f);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
    {
        const char *p = argv[i];
        if (strncmp(p, "call:", 5) == 0)
        {
            errno = 0;
            long r = syscall(strtol(p + 5, NULL, 10), -1L, -1L, -1L, -1L, -1L, -1L);
            report(p, r);
        }
        else if (strcmp(p, "personality") == 0)
        {
            int r = personality(PER_LINUX32);
            report(p, r);
            if (r >= 0)
                personality(PER_LINUX);
        }
        else if (strcmp(p, "mmap-wx") == 0)
        {
            void *m = mmap(NULL, 4096, PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            report(p, m == MAP_FAILED ? -1 : 0);
        }
        else if (strcmp(p, "mprotect-x") == 0)
        {
            void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            report(p, m == MAP_FAILED ? -1 : mprotect(m, 4096, PROT_READ | PROT_EXEC));
        }
        else if (strcmp(p, "socket-packet") == 0 || strcmp(p, "socket-unix") == 0)
        {
            int fd = strcmp(p, "socket-unix") == 0 ? socket(AF_UNIX, SOCK_STREAM, 0) : socket(AF_PACKET, SOCK_RAW, 0);
            report(p, fd);
            if (fd >= 0)
                close(fd);
        }
        else if (strcmp(p, "unshare-user") == 0 || strcmp(p, "unshare-net") == 0)
        {
            report(p, unshare(strcmp(p, "unshare-user") == 0 ? CLONE_NEWUSER : CLONE_NEWNET));
        }
        else if (strcmp(p, "sched-fifo") == 0)
        {
            struct sched_param param = {.sched_priority = 1};
            int r = sched_setscheduler(0, SCHED_FIFO, &param);
            report(p, r);
            param.sched_priority = 0;
            if (r == 0)
                sched_setscheduler(0, SCHED_OTHER, &param);
        }
        else if (strncmp(p, "chmod-suid:", 11) == 0 || strncmp(p, "chmod-plain:", 12) == 0)
        {
            const char *path = strchr(p, ':') + 1;
            int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd >= 0)
                close(fd);
            report(p, chmod(path, strncmp(p, "chmod-suid:", 11) == 0 ? 04755 : 0755));
            unlink(path);
        }
        else if (strcmp(p, "sethostname") == 0)
        {
            char name[256] = {0};
            gethostname(name, sizeof name - 1);
            report(p, sethostname(name, strlen(name)));
        }
        else if (strcmp(p, "status") == 0)
        {
            status();
        }
        else
        {
            fprintf(stderr, "seccomp-probe: unknown probe %s\n", p);
            return 2;
        }
    }
    printf("done\n");
    return 0;
}
