namespace Summon.Processes;

/// <summary>
/// The fallback for services that must see their own pid in LISTEN_PID or SYSTEMD_EXEC_PID, or need credentials or
/// limits applied, when the in-process spawn routine (<see cref="ProcessSpawner.InProcessAvailable"/>, a C child
/// started with clone that writes its pid and execs the service) is not there, or when a request names a helper:
/// posix_spawn cannot run code in the child and the pid is only known after it returns, so an intermediate program
/// sets the variables to its own pid and execs the service (keeping the pid). systemd ≥ 255 does the same with
/// systemd-executor.
/// <para>
/// Implementations: <see cref="Shell"/> (/bin/sh -c trampoline) and <see cref="Self"/> (the summon executable
/// re-run in a hidden mode that calls <see cref="Run"/>; it can also apply User=, Limit*= and friends). The shell is
/// the default because it is the cheaper exec: dash starts faster than the .NET runtime, NativeAOT or not
/// (docs/performance.md, 'Measured design decisions'). The in-process routine costs no extra exec at all.
/// </para>
/// </summary>
internal abstract partial class ExecHelper
{
    private protected ExecHelper()
    {
    }

    /// <summary>The /bin/sh trampoline (bash for argv[0] ≠ path); see <see cref="ShellExecHelper"/>.</summary>
    public static ExecHelper Shell { get; } = new ShellExecHelper("/bin/sh", File.Exists("/bin/bash") ? "/bin/bash" : null);

    /// <summary>
    /// The summon executable as helper: runs <c>executable leadingArguments… [--listen-pid] [--exec-pid]
    /// [--ignore-sigpipe] [credential/limit flags, see ExecHelperArguments] -- ARGV0 PATH ARGS…</c>, whose entry point must call <see cref="Run"/> with the
    /// arguments after <paramref name="leadingArguments"/>. E.g. <c>Self("/usr/bin/summon", "__exec")</c>.
    /// </summary>
    public static ExecHelper Self(string executable, params string[] leadingArguments) =>
        new SelfExecHelper(executable, leadingArguments);

    /// <summary>For logs: "sh", "self".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The hidden verb the summon executable runs <see cref="Run"/> under; <see cref="ProcessSpawner.CredentialExecHelper"/>
    /// re-runs the current executable with it.
    /// </summary>
    public const string SelfVerb = "__exec";

    /// <summary>
    /// True when the helper can apply <see cref="SpawnRequest.NeedsPrivilegedSetup"/> settings (User=, Limit*=, …)
    /// before exec. The shell trampoline cannot drop privileges portably; the self-helper can.
    /// </summary>
    internal virtual bool CanApplySetup => false;

    /// <summary>The executable, argv prefix and tail layout to start the service described by <paramref name="options"/>.</summary>
    internal abstract HelperInvocation Describe(in ExecHelperOptions options);
}
