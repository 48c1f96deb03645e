namespace Summon.Units.Security;

/// <summary>
/// systemd 252's system-call groups as `systemd-analyze syscall-filter` prints them, reduced to what the exposure
/// checks need: for the eleven groups the checks name, all their calls in listing order; for every other group only
/// its calls that belong to one of those eleven (whether an allow or deny list lets them through is all that counts).
/// </summary>
internal static class ExposureSyscallGroups
{
    public static readonly Dictionary<string, string> Calls = new(StringComparer.Ordinal)
    {
        ["@default"] = "",
        ["@aio"] = "",
        ["@basic-io"] = "",
        ["@chown"] = "chown chown32 fchown fchown32 fchownat lchown lchown32",
        ["@clock"] = "adjtimex clock_adjtime clock_adjtime64 clock_settime clock_settime64 settimeofday",
        ["@cpu-emulation"] = "modify_ldt subpage_prot switch_endian vm86 vm86old",
        ["@debug"] = "lookup_dcookie perf_event_open pidfd_getfd ptrace rtas s390_runtime_instr sys_debug_setcontext",
        ["@file-system"] = "",
        ["@io-event"] = "",
        ["@ipc"] = "",
        ["@keyring"] = "",
        ["@memlock"] = "",
        ["@module"] = "delete_module finit_module init_module",
        ["@mount"] = "chroot fsconfig fsmount fsopen fspick mount mount_setattr move_mount open_tree pivot_root umount umount2",
        ["@network-io"] = "",
        ["@obsolete"] = "_sysctl afs_syscall bdflush break create_module ftime get_kernel_syms getpmsg gtty idle lock mpx prof profil putpmsg query_module security sgetmask ssetmask stime stty sysfs tuxcall ulimit uselib ustat vserver",
        ["@pkey"] = "",
        ["@privileged"] = "chown chown32 fchown fchown32 fchownat lchown lchown32 adjtimex clock_adjtime clock_adjtime64 clock_settime clock_settime64 settimeofday delete_module finit_module init_module ioperm iopl pciconfig_iobase pciconfig_read pciconfig_write s390_pci_mmio_read s390_pci_mmio_write kexec_file_load kexec_load reboot swapoff swapon _sysctl acct bpf capset chroot fanotify_init fanotify_mark nfsservctl open_by_handle_at pivot_root quotactl quotactl_fd setdomainname setfsuid setfsuid32 setgroups setgroups32 sethostname setresuid setresuid32 setreuid setreuid32 setuid setuid32 vhangup",
        ["@process"] = "",
        ["@raw-io"] = "ioperm iopl pciconfig_iobase pciconfig_read pciconfig_write s390_pci_mmio_read s390_pci_mmio_write",
        ["@reboot"] = "kexec_file_load kexec_load reboot",
        ["@resources"] = "ioprio_set mbind migrate_pages move_pages nice sched_setaffinity sched_setattr sched_setparam sched_setscheduler set_mempolicy set_mempolicy_home_node setpriority setrlimit",
        ["@setuid"] = "setgroups setgroups32 setresuid setresuid32 setreuid setreuid32 setuid setuid32",
        ["@signal"] = "",
        ["@swap"] = "swapoff swapon",
        ["@sync"] = "",
        ["@system-service"] = "chown chown32 fchown fchown32 fchownat lchown lchown32 ioprio_set mbind migrate_pages move_pages nice sched_setaffinity sched_setattr sched_setparam sched_setscheduler set_mempolicy set_mempolicy_home_node setpriority setrlimit setgroups setgroups32 setresuid setresuid32 setreuid setreuid32 setuid setuid32 capset setfsuid setfsuid32",
        ["@timer"] = "",
        ["@known"] = "_sysctl afs_syscall bdflush break create_module ftime get_kernel_syms getpmsg gtty idle lock mpx prof profil putpmsg query_module security sgetmask ssetmask stime stty sysfs tuxcall ulimit uselib ustat vserver acct adjtimex bpf capset chown chown32 chroot clock_adjtime clock_adjtime64 clock_settime clock_settime64 delete_module fanotify_init fanotify_mark fchown fchown32 fchownat finit_module fsconfig fsmount fsopen fspick init_module ioperm iopl ioprio_set kexec_file_load kexec_load lchown lchown32 lookup_dcookie mbind migrate_pages modify_ldt mount mount_setattr move_mount move_pages nice open_by_handle_at open_tree pciconfig_iobase pciconfig_read pciconfig_write perf_event_open pidfd_getfd pivot_root ptrace quotactl quotactl_fd reboot rtas s390_pci_mmio_read s390_pci_mmio_write s390_runtime_instr sched_setaffinity sched_setattr sched_setparam sched_setscheduler set_mempolicy set_mempolicy_home_node setdomainname setfsuid setfsuid32 setgroups setgroups32 sethostname setpriority setresuid setresuid32 setreuid setreuid32 setrlimit settimeofday setuid setuid32 subpage_prot swapoff swapon switch_endian sys_debug_setcontext umount umount2 vhangup vm86 vm86old",
    };

    /// <summary>The calls of <paramref name="item"/> (a group or one call) that matter here.</summary>
    public static IEnumerable<string> Expand(string item) =>
        item.StartsWith('@')
            ? Calls.TryGetValue(item, out string? calls) ? calls.Split(' ', StringSplitOptions.RemoveEmptyEntries) : []
            : [item];
}
