using System.Globalization;
using Summon.Interop;
using Summon.Manager.Sandbox;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.Exec;

/// <summary>
/// A unit's privilege settings (<see cref="SandboxPrivilegeSettings"/>) as what the child applies
/// (<see cref="SandboxPrivileges"/>): the bounding set with the capabilities PrivateDevices=, ProtectKernelModules=,
/// ProtectKernelLogs= and ProtectClock= take out, the namespaces, and under a user manager the user namespace those
/// need (systemd's user manager implies PrivateUsers= the same way). Under <see cref="SandboxMode.BestEffort"/> what
/// this environment cannot do is left out and named in <see cref="SandboxContext.NotApplied"/>; in strict mode it
/// stays in and the child fails with the step's status. Nothing set costs nothing: null without allocating.
/// </summary>
internal static class PrivilegePlan
{
    /// <summary>CAP_SYS_MODULE; CAP_SYSLOG; CAP_SYS_TIME and CAP_WAKE_ALARM; CAP_MKNOD and CAP_SYS_RAWIO.</summary>
    private const int SysModule = 16, Syslog = 34, SysTime = 25, WakeAlarm = 35, Mknod = 27, SysRawio = 17;

    private static ulong? s_kernelMask;

    /// <summary>What the child applies, or null when the unit asks for nothing of this part.</summary>
    public static SandboxPrivileges? Of(SandboxPrivilegeSettings s, ExecCredentials credentials, SandboxContext context)
    {
        if (!s.Any)
            return null;
        ulong known = s_kernelMask ??= KernelMask();
        ulong bounding = s.CapabilityBoundingSet & Drops(s);
        bool namespaces = s.PrivateNetwork || s.PrivateIpc || s.ProtectHostname;
        bool userNamespace = s.PrivateUsers || (context.UserManager && (namespaces || (bounding & known) != known));
        var env = context.Environment;
        if (context.Mode == SandboxMode.BestEffort)
        {
            if (userNamespace && !env.UserNamespaces)
            {
                userNamespace = false;
                context.NotApplied.Add(s.PrivateUsers ? "PrivateUsers=yes (no user namespaces here)" : "PrivateUsers= implied by the user manager (no user namespaces here)");
                if (context.UserManager)
                {
                    NotApplied(context, s, namespaces, bounding, known);
                    return s.EffectiveNoNewPrivileges || s.AmbientCapabilities != 0
                        ? new SandboxPrivileges { NoNewPrivileges = s.EffectiveNoNewPrivileges }
                        : null;
                }
            }

            if (namespaces && !env.OtherNamespaces && !userNamespace)
            {
                NotApplied(context, s, namespaces, 0, 0);
                namespaces = false;
            }
        }

        bool network = namespaces && s.PrivateNetwork, ipc = namespaces && s.PrivateIpc, uts = namespaces && s.ProtectHostname;
        return new SandboxPrivileges
        {
            BoundingSet = (bounding & known) == known ? null : bounding & known,
            AmbientSet = s.AmbientCapabilities & known,
            NoNewPrivileges = s.EffectiveNoNewPrivileges,
            UserNamespace = userNamespace,
            // Without CAP_SYS_ADMIN only a user namespace of the child's own lets it make the others.
            UserNamespaceFirst = userNamespace && (context.UserManager || !env.CapSysAdmin),
            OuterUid = Libc.GetEUid(),
            OuterGid = Libc.GetEGid(),
            Uid = credentials.Uid ?? Libc.GetEUid(),
            Gid = credentials.Gid ?? Libc.GetEGid(),
            NetworkNamespace = network,
            IpcNamespace = ipc,
            UtsNamespace = uts,
        };
    }

    /// <summary>The bounding set without the capabilities the Protect*= keys take away (systemd.exec(5)).</summary>
    private static ulong Drops(SandboxPrivilegeSettings s)
    {
        ulong drop = 0;
        if (s.ProtectKernelModules)
            drop |= 1UL << SysModule;
        if (s.ProtectKernelLogs)
            drop |= 1UL << Syslog;
        if (s.ProtectClock)
            drop |= (1UL << SysTime) | (1UL << WakeAlarm);
        if (s.PrivateDevices)
            drop |= (1UL << Mknod) | (1UL << SysRawio);
        return ~drop;
    }

    /// <summary>One entry per key left out for want of namespaces.</summary>
    private static void NotApplied(SandboxContext context, SandboxPrivilegeSettings s, bool namespaces, ulong bounding, ulong known)
    {
        if (namespaces && s.PrivateNetwork)
            context.NotApplied.Add("PrivateNetwork=yes (no network namespace here)");
        if (namespaces && s.PrivateIpc)
            context.NotApplied.Add("PrivateIPC=yes (no IPC namespace here)");
        if (namespaces && s.ProtectHostname)
            context.NotApplied.Add("ProtectHostname=yes (no UTS namespace here)");
        if ((bounding & known) != known)
            context.NotApplied.Add("CapabilityBoundingSet= (a user manager cannot change its children's bounding set without a user namespace)");
    }

    /// <summary>Bits 0..cap_last_cap: the capabilities this kernel knows.</summary>
    private static ulong KernelMask()
    {
        try
        {
            int last = int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), CultureInfo.InvariantCulture);
            return last >= 63 ? ulong.MaxValue : (1UL << (last + 1)) - 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return (1UL << 41) - 1;   // systemd 252's table
        }
    }
}
