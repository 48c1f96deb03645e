/* summon_mounts: the mount namespace of the sandbox (issue 14). Runs in the spawn routine's child: raw system calls
 * only (summon_raw.h). */
#define _GNU_SOURCE
#include <stdint.h>
#include "summon_raw.h"
#include "summon_sandbox.h"

int summon_mounts_apply(const struct summon_mounts *m, long *error)
{
    (void)m;
    (void)error;
    return 0;
}
