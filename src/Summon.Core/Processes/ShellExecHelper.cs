namespace Summon.Processes;

/// <summary>
/// <c>/bin/sh -c 'LISTEN_PID=$$; SYSTEMD_EXEC_PID=$$; export LISTEN_PID SYSTEMD_EXEC_PID; exec "$0" "$@"' PATH ARGS…</c>:
/// <c>$$</c> is the shell's pid and exec keeps it. Details that keep the environment exact:
/// <list type="bullet">
/// <item>dash exports PWD on start-up; when the request's environment has no PWD the script unsets it.</item>
/// <item>POSIX sh has no way to set argv[0] (dash lacks <c>exec -a</c>): when argv[0] differs from the path
/// (systemd's "@" prefix) bash is used with <c>exec -a "$0" "$@"</c>; bash then adds SHLVL=0 to the environment
/// (its exec builtin re-exports SHLVL, unset does not help). Without /bin/bash argv[0] becomes the path.</item>
/// <item>Signals: the shell leaves ignored signals ignored and defaulted ones default, so the dispositions set by
/// posix_spawn (SIGPIPE per IgnoreSIGPIPE=) reach the service unchanged.</item>
/// </list>
/// A missing service executable surfaces as the shell's exit 127 unless the spawner checks first (it does, with access(2)).
/// </summary>
internal sealed class ShellExecHelper : ExecHelper
{
    private readonly HelperInvocation[] _cache = new HelperInvocation[16];

    public ShellExecHelper(string shell, string? bash)
    {
        for (int key = 0; key < 16; key++)
        {
            bool listen = (key & 1) != 0, exec = (key & 2) != 0, unsetPwd = (key & 4) != 0, useBash = (key & 8) != 0;
            if (!listen && !exec)
                continue;
            string script = (unsetPwd ? "unset PWD; " : "")
                + (listen ? "LISTEN_PID=$$; " : "")
                + "SYSTEMD_EXEC_PID=$$; export "
                + (listen ? "LISTEN_PID " : "")
                + "SYSTEMD_EXEC_PID; "
                + (useBash && bash is not null ? "exec -a \"$0\" \"$@\"" : "exec \"$0\" \"$@\"");
            string path = useBash && bash is not null ? bash : shell;
            _cache[key] = new HelperInvocation(path, [path, "-c", script], PassArgv0: useBash && bash is not null);
        }
    }

    public override string Name => "sh";

    internal override HelperInvocation Describe(in ExecHelperOptions options)
    {
        // SetListenPid implies SYSTEMD_EXEC_PID too (systemd sets both), so "listen" always carries "exec".
        int key = (options.ListenPid ? 1 : 0) | 2 | (options.EnvironmentHasPwd ? 0 : 4) | (options.Argv0IsPath ? 0 : 8);
        return _cache[key];
    }
}
