/* summon_seccomp: the system-call filters of the sandbox (issue 14), installed last before execve. Runs in the spawn
 * routine's child: raw system calls only (summon_raw.h). The filters were compiled by the manager
 * (Processes/SeccompFilter.cs) into one block (struct summon_seccomp) that the spawn slot holds a copy of. */
#define _GNU_SOURCE
#include <stdint.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include "summon_raw.h"
#include "summon_sandbox.h"

/* Keep in step with Processes/SeccompProgram.cs. */
struct summon_seccomp_filter
{
    uint16_t len;        /* instructions */
    uint16_t status;     /* systemd's exit status when the kernel refuses it: 228 SECCOMP, 232 ADDRESS_FAMILIES */
    uint32_t padding;
    struct sock_filter insns[];
};

struct summon_seccomp
{
    uint32_t size;       /* bytes of the whole block, this header included */
    uint32_t count;      /* filters, in install order */
    /* struct summon_seccomp_filter, count times */
};

#define SUMMON_STEP_SECCOMP 228

size_t summon_seccomp_size(const struct summon_seccomp *s)
{
    return s->size;
}

/* The kernel takes a filter from a process without CAP_SYS_ADMIN only under no_new_privs: systemd implies
 * NoNewPrivileges= then, and so do we, looking at the child's own effective set after its uid change. */
static int has_sys_admin(void)
{
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    if (raw2(SYS_capget, &header, data) < 0)
        return 0;
    return (data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32))) != 0;
}

int summon_seccomp_apply(const struct summon_seccomp *s, long *error)
{
    long r;
    if (s->count == 0)
        return 0;
    if (!has_sys_admin() && (r = raw5(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) < 0)
    {
        *error = r;
        return SUMMON_STEP_SECCOMP;
    }

    const char *at = (const char *)s + sizeof(*s);
    for (uint32_t i = 0; i < s->count; i++)
    {
        const struct summon_seccomp_filter *f = (const struct summon_seccomp_filter *)at;
        struct sock_fprog prog = {f->len, (struct sock_filter *)f->insns};
        if ((r = raw3(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) < 0)
        {
            *error = r;
            return f->status;
        }
        at += sizeof(*f) + (size_t)f->len * sizeof(struct sock_filter);
    }
    return 0;
}
