namespace Summon.Processes;

/// <summary>
/// The summon executable re-run as helper (<see cref="ExecHelper.Run"/>): exact argv[0] and environment, and a
/// .NET process in which later features (User=, Limit*=) can run freely, since it is a fresh exec, not a fork.
/// </summary>
internal sealed class SelfExecHelper : ExecHelper
{
    internal const string ListenPidFlag = "--listen-pid", ExecPidFlag = "--exec-pid", IgnoreSigpipeFlag = "--ignore-sigpipe";

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
                prefix.Add(ListenPidFlag);
            if ((key & 2) != 0)
                prefix.Add(ExecPidFlag);
            if ((key & 4) != 0)
                prefix.Add(IgnoreSigpipeFlag);
            prefix.Add("--");
            _cache[key] = new HelperInvocation(executable, prefix.ToArray(), PassArgv0: true);
        }
    }

    public override string Name => "self";

    public string Executable => _executable;

    internal override HelperInvocation Describe(in ExecHelperOptions options)
    {
        // SetListenPid implies SYSTEMD_EXEC_PID too (systemd sets both).
        int key = (options.ListenPid ? 1 : 0) | 2 | (options.IgnoreSigpipe ? 4 : 0);
        return _cache[key];
    }
}
