/* summon_privileges: namespaces, capabilities and no_new_privs of the sandbox (issue 14). Runs in the spawn routine's
 * child: raw system calls only (summon_raw.h). */
#define _GNU_SOURCE
#include <stdint.h>
#include "summon_raw.h"
#include "summon_sandbox.h"

int summon_privileges_enter(const struct summon_privileges *p, long *error)
{
    (void)p;
    (void)error;
    return 0;
}

int summon_privileges_before_user(const struct summon_privileges *p, long *error)
{
    (void)p;
    (void)error;
    return 0;
}

int summon_privileges_after_user(const struct summon_privileges *p, long *error)
{
    (void)p;
    (void)error;
    return 0;
}
