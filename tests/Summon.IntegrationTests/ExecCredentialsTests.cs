using System.Globalization;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// User=, Group=, SupplementaryGroups=, UMask=, Nice=, Limit*=, IgnoreSIGPIPE= applied by the exec helper (the
/// AOT binary re-run as <c>summon __exec</c>) before the service's exec, read back from /proc. Needs root.
/// </summary>
public sealed class ExecCredentialsTests
{
    private const long SigpipeBit = 1L << (13 - 1);

    [Fact]
    public async Task User_nobody_with_limits_nice_and_default_sigpipe_is_what_proc_shows()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        root.WriteUnit("creds.service", """
            [Service]
            ExecStart=/bin/sleep 1000
            User=nobody
            LimitNOFILE=1234
            LimitCORE=1K:infinity
            Nice=5
            IgnoreSIGPIPE=no
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        int pid = await StartAndWaitForExecAsync(root, "creds.service", "sleep");

        Dictionary<string, string> status = Status(pid);
        Assert.Equal("65534\t65534\t65534\t65534", status["Uid"]);
        Assert.Equal("65534\t65534\t65534\t65534", status["Gid"]);
        Assert.Equal("65534", status["Groups"].Trim());
        Assert.Equal(0, SigIgn(status) & SigpipeBit);

        string[] limits = File.ReadAllLines($"/proc/{pid}/limits");
        Assert.Equal(["1234", "1234", "files"], LimitRow(limits, "Max open files"));
        Assert.Equal(["1024", "unlimited", "bytes"], LimitRow(limits, "Max core file size"));
        Assert.Equal(5, Nice(pid));

        // systemd's environment for User=nobody: USER and LOGNAME, no HOME or SHELL (synthesized, "clean").
        Dictionary<string, string> env = Environ(pid);
        Assert.Equal(("nobody", "nobody"), (env["USER"], env["LOGNAME"]));
        Assert.False(env.ContainsKey("HOME"));
        Assert.False(env.ContainsKey("SHELL"));
        Assert.Equal(pid.ToString(CultureInfo.InvariantCulture), env["SYSTEMD_EXEC_PID"]);

        Assert.Equal(0, Cli.Run(root, "stop", "creds.service").ExitCode);
    }

    [Fact]
    public async Task UMask_0077_makes_files_600_and_sigpipe_stays_ignored_by_default()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        string file = Path.Combine(root.Dir, "made-by-service");
        root.WriteUnit("umask.service", $"""
            [Service]
            ExecStart=/bin/sh -c 'touch {file}; exec sleep 1000'
            UMask=0077
            Group=adm
            SupplementaryGroups=nogroup
            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        int pid = await StartAndWaitForExecAsync(root, "umask.service", "sleep");

        Assert.True(await Wait.UntilAsync(() => File.Exists(file)), "the service did not create its file");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Dictionary<string, string> status = Status(pid);
        Assert.Equal("0077", status["Umask"]);
        Assert.Equal("0\t0\t0\t0", status["Uid"]);
        Assert.Equal("4\t4\t4\t4", status["Gid"]);   // Group=adm
        Assert.Equal("65534", status["Groups"].Trim());   // no User=: SupplementaryGroups= replaces root's groups
        Assert.Equal(SigpipeBit, SigIgn(status) & SigpipeBit);
        Assert.Equal(0, Nice(pid));

        Assert.Equal(0, Cli.Run(root, "stop", "umask.service").ExitCode);
    }

    [Fact]
    public async Task An_unknown_user_fails_the_start_with_217_USER()
    {
        if (!Environment.IsPrivilegedProcess)
            return;
        using var root = new TempRoot();
        root.WriteUnit("nouser.service", "[Service]\nExecStart=/bin/true\nUser=summon-no-such-user\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        Cli.Run(root, "start", "nouser.service");
        Assert.Equal("failed", await Wait.ForAsync(() => Cli.IsActive(root, "nouser.service"), s => s == "failed"));
        Dictionary<string, string> show = Cli.Show(root, "nouser.service", "ExecMainCode", "ExecMainStatus", "Result");
        Assert.Equal(("1", "217", "exit-code"), (show["ExecMainCode"], show["ExecMainStatus"], show["Result"]));
    }

    private static async Task<int> StartAndWaitForExecAsync(TempRoot root, string unit, string comm)
    {
        CommandResult start = Cli.Run(root, "start", unit);
        Assert.True(start.ExitCode == 0, start.ToString());
        string main = await Wait.ForAsync(() => Cli.ShowOne(root, unit, "MainPID"), p => p != "0");
        int pid = int.Parse(main, CultureInfo.InvariantCulture);
        // The helper keeps the pid: wait until it has exec'd the service.
        Assert.Equal(comm, await Wait.ForAsync(() => ProcFs.Stat(pid)?.Comm, c => c == comm));
        return pid;
    }

    private static Dictionary<string, string> Status(int pid) =>
        File.ReadAllLines($"/proc/{pid}/status")
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0], p => p[1].Trim(' ', '\t'));

    private static long SigIgn(Dictionary<string, string> status) => long.Parse(status["SigIgn"], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string[] LimitRow(string[] limits, string name) =>
        limits.Single(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Field 19 of /proc/PID/stat.</summary>
    private static int Nice(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(rest[19 - 3], CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, string> Environ(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
}
