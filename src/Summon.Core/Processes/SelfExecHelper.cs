namespace Summon.Processes;

/// <summary>
/// The summon executable re-run as helper (<see cref="ExecHelper.Run"/>): exact argv[0] and environment, and a
/// .NET process (a fresh exec, not a fork) that applies Limit*=, UMask=, Nice=, SupplementaryGroups=, Group= and
/// User= before the final exec.
/// </summary>
internal sealed class SelfExecHelper : ExecHelper
{
    private readonly string _executable;
    private readonly HelperInvocation[] _cache = new HelperInvocation[8];

    public SelfExecHelper(string executable, string[] leadingArguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(executable);
        _executable = executable;
        for (int key = 0; key < 8; key++)
        {
            var prefix = new List<string>(leadingArguments.Length + 5) { executable };
            prefix.AddRange(leadingArguments);
            if ((key & 1) != 0)
                prefix.Add(ExecHelperArguments.ListenPidFlag);
            if ((key & 2) != 0)
                prefix.Add(ExecHelperArguments.ExecPidFlag);
            if ((key & 4) != 0)
                prefix.Add(ExecHelperArguments.IgnoreSigpipeFlag);
            prefix.Add(ExecHelperArguments.EndOfOptions);
            _cache[key] = new HelperInvocation(executable, prefix.ToArray(), PassArgv0: true);
        }
    }

    public override string Name => "self";

    public string Executable => _executable;

    internal override bool CanApplySetup => true;

    internal override HelperInvocation Describe(in ExecHelperOptions options)
    {
        // SetListenPid implies SYSTEMD_EXEC_PID too (systemd sets both).
        int key = (options.ListenPid ? 1 : 0) | 2 | (options.IgnoreSigpipe ? 4 : 0);
        HelperInvocation cached = _cache[key];
        if (options.Setup is not { NeedsPrivilegedSetup: true } setup)
            return cached;

        // Credentials and limits vary per unit: insert their flags before the cached prefix's "--".
        var prefix = new List<string>(cached.Prefix.Length + 16);
        prefix.AddRange(cached.Prefix.AsSpan(0, cached.Prefix.Length - 1));
        ExecHelperArguments.Format(setup, prefix);
        prefix.Add(ExecHelperArguments.EndOfOptions);
        return cached with { Prefix = prefix.ToArray() };
    }
}
