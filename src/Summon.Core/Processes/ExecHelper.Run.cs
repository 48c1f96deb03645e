using System.Globalization;
using Summon.Interop;

namespace Summon.Processes;

public abstract partial class ExecHelper
{
    /// <summary>
    /// The self-helper's body (wire it as the first thing the summon executable does for its hidden verb, before any
    /// other start-up work): put the signal state back to what posix_spawn set up (the .NET runtime ignores SIGPIPE at
    /// start-up), set LISTEN_PID/SYSTEMD_EXEC_PID to this process's pid in libc's environ, and execv() the service,
    /// which keeps the pid. Returns only on failure: 2 for a bad command line, 203 (systemd's EXIT_EXEC) when exec
    /// fails, with a message on stderr.
    /// </summary>
    /// <param name="args">The arguments after the hidden verb: <c>[--listen-pid] [--exec-pid] [--ignore-sigpipe] -- ARGV0 PATH ARGS…</c>.</param>
    public static unsafe int Run(string[] args)
    {
        ExecHelperArguments? parsed = ExecHelperArguments.Parse(args, out string? error);
        if (parsed is null)
        {
            Console.Error.WriteLine($"summon exec helper: {error}");
            return 2;
        }

        ResetSignalsForExec(parsed.IgnoreSigpipe);

        string pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        if (parsed.ListenPid)
            SetEnv("LISTEN_PID", pid);
        if (parsed.ListenPid || parsed.ExecPid)
            SetEnv("SYSTEMD_EXEC_PID", pid);

        using var block = NativeArgBlock.Create(parsed.Path, parsed.Argv, []);
        Libc.Execv(block.Path, block.Argv);
        int errno = Errno.Last;
        Console.Error.WriteLine($"Failed at step EXEC spawning {parsed.Path}: {Errno.Describe(errno)}");
        return ExitStatusNames.Exec;
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
            if (signal is Libc.SIGKILL or Libc.SIGSTOP or 32 or 33)
                continue;
            if (Libc.Sigaction(signal, null, &old) != 0)
                continue;
            nint wanted = signal == Libc.SIGPIPE && ignoreSigpipe ? Libc.SIG_IGN : Libc.SIG_DFL;
            // Handlers are reset by exec anyway; only SIG_IGN survives it, so only fix that (and SIGPIPE both ways).
            if (old.Handler == wanted || (old.Handler != Libc.SIG_IGN && signal != Libc.SIGPIPE))
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
