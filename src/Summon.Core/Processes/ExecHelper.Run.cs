using System.Globalization;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

internal abstract partial class ExecHelper
{
    /// <summary>
    /// The self-helper's body (wire it as the first thing the summon executable does for its hidden verb, before any
    /// other start-up work): put the signal state back to what posix_spawn set up (the .NET runtime ignores SIGPIPE at
    /// start-up); apply, in systemd's order, setrlimit (Limit*=), umask (UMask=), setpriority (Nice=), then drop
    /// privileges: setgroups, setresgid, setresuid; set LISTEN_PID/SYSTEMD_EXEC_PID to this process's pid in libc's
    /// environ, and execv() the service, which keeps the pid. Returns only on failure, with a message on stderr:
    /// 2 for a bad command line, systemd's exit status of the failed step otherwise (205 LIMITS, 201 NICE,
    /// 216 GROUP, 217 USER, 203 EXEC).
    /// </summary>
    /// <param name="args">The arguments after the hidden verb (see <see cref="ExecHelperArguments"/>):
    /// <c>[--listen-pid] [--exec-pid] [--ignore-sigpipe] [--rlimit R:S:H]… [--umask M] [--nice N] [--groups G,…]
    /// [--gid G] [--uid U] -- ARGV0 PATH ARGS…</c>.</param>
    public static unsafe int Run(string[] args)
    {
        ExecHelperArguments? parsed = ExecHelperArguments.Parse(args, out string? error);
        if (parsed is null)
        {
            Console.Error.WriteLine($"summon exec helper: {error}");
            return 2;
        }

        ResetSignalsForExec(parsed.IgnoreSigpipe);
        if (ApplySetup(parsed) is (int step, int failure))
            return Fail(new SpawnException(parsed.Path, failure, step));

        string pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        if (parsed.ListenPid)
            SetEnv("LISTEN_PID", pid);
        if (parsed.ListenPid || parsed.ExecPid)
            SetEnv("SYSTEMD_EXEC_PID", pid);

        using var block = NativeArgBlock.Create(parsed.Path, parsed.Argv, []);
        Libc.Execv(block.Path, block.Argv);
        return Fail(new SpawnException(parsed.Path, Errno.Last));
    }

    /// <summary>What the manager sees of a failed step: systemd's message on stderr, the step's exit status.</summary>
    private static int Fail(SpawnException e)
    {
        Console.Error.WriteLine(e.Message);
        return e.ExitStatus;
    }

    /// <summary>Applies the settings posix_spawn cannot; returns the failed step (its exit status) and errno, or null.</summary>
    private static unsafe (int Step, int Errno)? ApplySetup(ExecHelperArguments a)
    {
        foreach (ResourceLimit limit in a.ResourceLimits)
        {
            int r = SetLimitClosest(limit);
            if (r != 0)
                return (ExitStatusNames.Limits, r);
        }

        if (a.Umask is uint umask)
            Libc.Umask(umask);

        if (a.Nice is int nice && Libc.Setpriority(Libc.PRIO_PROCESS, 0, nice) != 0)
            return (ExitStatusNames.Nice, Errno.Last);

        if (ApplyAttributes(a, phase: 1) is { } placement)
            return placement;

        if (a.SupplementaryGroups is { } groups)
        {
            fixed (uint* list = groups)
            {
                if (Libc.Setgroups((nuint)groups.Length, list) != 0)
                    return (ExitStatusNames.Group, Errno.Last);
            }
        }

        if (a.Gid is uint gid && Libc.Setresgid(gid, gid, gid) != 0)
            return (ExitStatusNames.Group, Errno.Last);

        if (a.Uid is uint uid && Libc.Setresuid(uid, uid, uid) != 0)
            return (ExitStatusNames.User, Errno.Last);

        return ApplyAttributes(a, phase: 2);
    }

    /// <summary>
    /// The process attributes through the C steps the in-process child runs (summon_apply_attrs, one home for them):
    /// phase 1 before the credentials change (OOM score, scheduling and placement, the session keyring), phase 2
    /// after it (secure bits). This thread is the one that execs, so what is per thread carries over.
    /// </summary>
    private static unsafe (int Step, int Errno)? ApplyAttributes(ExecHelperArguments a, int phase)
    {
        if (a.Attributes is null && !a.NewSessionKeyring)
            return null;
        SummonSpawn.Attrs native;
        if (a.Attributes is { } attributes && !attributes.Fill(&native))
            return (ExitStatusNames.CpuAffinity, Errno.EINVAL);
        int errno;
        int step = SummonSpawn.ApplyAttrs(a.Attributes is null ? null : &native, a.NewSessionKeyring ? 1 : 0, phase,
            a.Uid is uint u ? u : -1, a.Gid is uint g ? g : -1, &errno);
        return step == 0 ? null : (step, errno);
    }

    /// <summary>
    /// setrlimit_closest(): on EPERM (raising the hard limit unprivileged) settle for the current hard limit, as
    /// systemd does; returns 0 or errno.
    /// </summary>
    private static unsafe int SetLimitClosest(ResourceLimit limit)
    {
        var wanted = new Libc.Rlimit { Current = limit.Soft, Maximum = limit.Hard };
        if (Libc.Setrlimit(limit.Resource, &wanted) == 0)
            return 0;
        int errno = Errno.Last;
        if (errno != Errno.EPERM)
            return errno;

        Libc.Rlimit highest;
        if (Libc.Getrlimit(limit.Resource, &highest) != 0)
            return Errno.Last;
        if (highest.Maximum == Libc.RLIM_INFINITY)
            return Errno.EPERM;
        var closest = new Libc.Rlimit
        {
            Current = Math.Min(limit.Soft, highest.Maximum),
            Maximum = Math.Min(limit.Hard, highest.Maximum),
        };
        if (closest.Current == highest.Current && closest.Maximum == highest.Maximum)
            return 0;
        return Libc.Setrlimit(limit.Resource, &closest) == 0 ? 0 : Errno.Last;
    }

    /// <summary>Empty signal mask; every ignored signal back to SIG_DFL except SIGPIPE when it should stay ignored.</summary>
    private static unsafe void ResetSignalsForExec(bool ignoreSigpipe)
    {
        long* set = stackalloc long[Libc.SigSetSize / sizeof(long)];
        Libc.SigEmptySet(set);
        Libc.Sigprocmask(Libc.SIG_SETMASK, set, null);

        Libc.SigactionStruct old = default, action = default;
        for (int signal = 1; signal <= Signals.SIGRTMAX; signal++)
        {
            if (signal is Signals.SIGKILL or Signals.SIGSTOP or Signals.NptlCancel or Signals.NptlSetxid)
                continue;
            if (Libc.Sigaction(signal, null, &old) != 0)
                continue;
            nint wanted = signal == Signals.SIGPIPE && ignoreSigpipe ? Libc.SIG_IGN : Libc.SIG_DFL;
            // Handlers are reset by exec anyway; only SIG_IGN survives it, so only fix that (and SIGPIPE both ways).
            if (old.Handler == wanted || (old.Handler != Libc.SIG_IGN && signal != Signals.SIGPIPE))
                continue;
            action.Handler = wanted;
            Libc.Sigaction(signal, &action, null);
        }
    }

    private static unsafe void SetEnv(string name, string value)
    {
        byte* n = stackalloc byte[64];
        byte* v = stackalloc byte[32];
        NativeArgBlock.WriteZ(name, new Span<byte>(n, 64));
        NativeArgBlock.WriteZ(value, new Span<byte>(v, 32));
        Libc.Setenv(n, v, 1);
    }
}
