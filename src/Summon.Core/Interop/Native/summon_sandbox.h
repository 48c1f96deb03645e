/*
 * summon_sandbox.h: the sandbox steps of the spawn routine's child (issue 14), each in a file of its own and each
 * read only when its SUMMON_SPAWN_* flag is set. A step returns 0, or the systemd exit status of the step that failed
 * with the negative kernel error in *error (226/NAMESPACE, 218/CAPABILITIES, 228/SECCOMP, ...). They run in
 * systemd's exec_child order: namespaces, mounts, then (around the credentials change) capabilities, then
 * no_new_privs, then seccomp last, just before execve.
 */
#ifndef SUMMON_SANDBOX_H
#define SUMMON_SANDBOX_H
#include <stddef.h>

struct summon_mounts;       /* summon_mounts.c */
struct summon_privileges;   /* summon_privileges.c */
struct summon_seccomp;      /* summon_seccomp.c */

/* sizeof(struct summon_privileges): the spawn routine copies it into the child's slot; the managed side checks its layout. */
unsigned long summon_privileges_size(void);
/* Namespaces other than the mount one (user, network, IPC, UTS): first, so the mount namespace belongs to them. */
int summon_privileges_enter(const struct summon_privileges *p, long *error) __attribute__((visibility("hidden")));
/* The mount namespace and the file-system view (ProtectSystem=, PrivateTmp=, ...). */
int summon_mounts_apply(const struct summon_mounts *m, long *error) __attribute__((visibility("hidden")));
/* After the groups and gid are set, before the uid: the system manager's user namespace (setgroups is denied in it),
 * the capability bounding set (a new user namespace resets it), and keeping capabilities across the uid change for
 * the ambient set. */
int summon_privileges_before_user(const struct summon_privileges *p, long *error) __attribute__((visibility("hidden")));
/* After the uid/gid change and SecureBits=: ambient capabilities, then no_new_privs. */
int summon_privileges_after_user(const struct summon_privileges *p, long *error) __attribute__((visibility("hidden")));
/* The seccomp filters, last before execve. */
int summon_seccomp_apply(const struct summon_seccomp *s, long *error) __attribute__((visibility("hidden")));
/* Bytes of the prepared filter block: the spawn slot keeps a copy, so a child not yet at execve never reads the
 * manager's (a reload may drop it). */
size_t summon_seccomp_size(const struct summon_seccomp *s) __attribute__((visibility("hidden")));

#endif
