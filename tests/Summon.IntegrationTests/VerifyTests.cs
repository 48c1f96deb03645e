using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// <c>summon verify</c> against <c>systemd-analyze verify</c> (systemd 252) as the oracle. Each case is a set
/// of unit files in a fresh directory, the files to verify, and what systemd-analyze prints for them: the exit
/// code and stderr, with the directory written as <c>{dir}</c>. The oracle test checks the table against the real
/// systemd-analyze; the summon test holds summon to the same table, so summon and systemd agree line for line.
/// </summary>
public sealed class VerifyTests
{
    private const string Cat = "[Service]\nExecStart=/bin/cat\n";

    public sealed record VerifyCase(
        string Name, (string File, string Text)[] Files, string[] Targets, int ExitCode, string[] StdErr)
    {
        public override string ToString() => Name;
    }

    private static readonly VerifyCase[] s_cases =
    [
        new("seed",
            [("demo-echo.socket", DemoUnits.Socket(9091)), ("demo-echo@.service", DemoUnits.Service)],
            ["demo-echo@.service", "demo-echo.socket"], 0, []),
        new("seed-template-alone", [("demo-echo@.service", DemoUnits.Service)], ["demo-echo@.service"], 0, []),
        new("unknown-key",
            [("foo.socket", "[Socket]\nListenStream=127.0.0.1:9301\nAcept=yes\n"), ("foo.service", Cat)],
            ["foo.socket"], 0, ["{dir}/foo.socket:3: Unknown key 'Acept' in section [Socket], ignoring."]),
        new("unknown-section",
            [("foo.socket", "[Sockett]\nListenStream=127.0.0.1:9301\n[Socket]\nListenStream=127.0.0.1:9301\n"), ("foo.service", Cat)],
            ["foo.socket"], 0, ["{dir}/foo.socket:1: Unknown section 'Sockett'. Ignoring."]),
        new("accept-yes-without-template",
            [("foo.socket", "[Socket]\nListenStream=127.0.0.1:9301\nAccept=yes\n")],
            ["foo.socket"], 1, ["foo.socket: service foo@internal.service not loaded, socket cannot be started."]),
        new("accept-no-without-service",
            [("foo.socket", "[Socket]\nListenStream=127.0.0.1:9301\n")],
            ["foo.socket"], 1, ["foo.socket: service foo.service not loaded, socket cannot be started."]),
        new("accept-yes-with-service-setting",
            [("foo.socket", "[Socket]\nListenStream=127.0.0.1:9301\nAccept=yes\nService=bar.service\n"),
             ("bar.service", Cat), ("foo@.service", Cat)],
            ["foo.socket"], 1,
            ["foo.socket: Explicit service configuration for accepting socket units not supported. Refusing.",
             "Unit foo.socket has a bad unit file setting."]),
        new("no-listen",
            [("foo.socket", "[Socket]\nAccept=no\n"), ("foo.service", Cat)],
            ["foo.socket"], 1,
            ["foo.socket: Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.",
             "Unit foo.socket has a bad unit file setting."]),
        new("bad-addresses",
            [("foo.socket", "[Socket]\nListenStream=999999\nListenStream=1.2.3:80\nListenStream=[::1:80\nListenStream=relative/path\n"),
             ("foo.service", Cat)],
            ["foo.socket"], 1,
            ["{dir}/foo.socket:2: Failed to parse address value in '999999', ignoring: Numerical result out of range",
             "{dir}/foo.socket:3: Failed to parse address value in '1.2.3:80', ignoring: Invalid argument",
             "{dir}/foo.socket:4: Failed to parse address value in '[::1:80', ignoring: Invalid argument",
             "{dir}/foo.socket:5: Failed to parse address value in 'relative/path', ignoring: Invalid argument",
             "foo.socket: Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.",
             "Unit foo.socket has a bad unit file setting."]),
        new("missing-executable",
            [("foo.socket", "[Socket]\nListenStream=127.0.0.1:9301\n"), ("foo.service", "[Service]\nExecStart=/usr/bin/does-not-exist\n")],
            ["foo.socket", "foo.service"], 1,
            ["foo.service: Command /usr/bin/does-not-exist is not executable: No such file or directory"]),
        new("bare-executable-name",
            [("foo.socket", "[Socket]\nListenStream=127.0.0.1:9301\n"), ("foo.service", "[Service]\nExecStart=cat\n")],
            ["foo.socket", "foo.service"], 0, []),
        new("no-exec-start",
            [("foo.service", "[Service]\nType=simple\n")],
            ["foo.service"], 1,
            ["foo.service: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.",
             "Unit foo.service has a bad unit file setting."]),
        new("two-exec-start",
            [("foo.service", "[Service]\nExecStart=/bin/cat\nExecStart=/bin/cat\n")],
            ["foo.service"], 1,
            ["foo.service: Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.",
             "Unit foo.service has a bad unit file setting."]),
        new("bad-boolean-and-unsigned",
            [("foo.socket", "[Socket]\nListenStream=127.0.0.1:9301\nAccept=maybe\nMaxConnections=abc\n"), ("foo.service", Cat)],
            ["foo.socket"], 0,
            ["{dir}/foo.socket:3: Failed to parse boolean value, ignoring: maybe",
             "{dir}/foo.socket:4: Failed to parse unsigned value, ignoring: abc"]),
        new("exit-status-out-of-range",
            [("foo.service", "[Service]\nExecStart=/bin/cat\nSuccessExitStatus=1 300 SIGUSR1\nRestartPreventExitStatus=256\n")],
            ["foo.service"], 0,
            ["{dir}/foo.service:3: Failed to parse value, ignoring: 300",
             "{dir}/foo.service:4: Failed to parse value, ignoring: 256"]),
        new("assignment-outside-section",
            [("foo.socket", "Description=x\n[Socket]\nListenStream=127.0.0.1:9301\n"), ("foo.service", Cat)],
            ["foo.socket"], 0, ["{dir}/foo.socket:1: Assignment outside of section. Ignoring."]),
        new("service-setting-names-missing-unit",
            [("foo.socket", "[Socket]\nListenStream=127.0.0.1:9301\nService=missing.service\n")],
            ["foo.socket"], 1, ["foo.socket: service missing.service not loaded, socket cannot be started."]),
        new("service-setting-names-a-socket",
            [("foo.socket", "[Socket]\nListenStream=127.0.0.1:9301\nService=bar.socket\n")],
            ["foo.socket"], 1,
            ["{dir}/foo.socket:3: Unit must be of type service, ignoring: bar.socket",
             "foo.socket: service foo.service not loaded, socket cannot be started."]),
        new("accept-yes-with-datagram",
            [("foo.socket", "[Socket]\nListenDatagram=127.0.0.1:9301\nAccept=yes\n"), ("foo@.service", Cat)],
            ["foo.socket"], 1,
            ["foo.socket: Unit configured for accepting sockets, but sockets are non-accepting. Refusing.",
             "Unit foo.socket has a bad unit file setting."]),
        new("max-connections-zero",
            [("foo.socket", "[Socket]\nListenStream=127.0.0.1:9301\nAccept=yes\nMaxConnections=0\n"), ("foo@.service", Cat)],
            ["foo.socket"], 1,
            ["foo.socket: MaxConnection= setting too small. Refusing.",
             "Unit foo.socket has a bad unit file setting."]),
        new("comments-continuation-whitespace",
            [("foo.socket", "# comment\n; another\n[Unit]\nDescription=Multi \\\n  line\n[Socket]\n  ListenStream = 127.0.0.1:9301\n"),
             ("foo.service", Cat)],
            ["foo.socket"], 0, []),
        new("install-section-not-verified",
            [("foo.socket", "[Socket]\nListenStream=127.0.0.1:9301\n[Install]\nWantedBy=nonexistent.target\nAlias=foo.service\n"),
             ("foo.service", Cat)],
            ["foo.socket"], 0, []),
        new("x-keys-and-sections", 
            [("foo.socket", "[Socket]\nListenStream=127.0.0.1:9301\nX-Custom=1\n[X-Section]\nAnything=goes\n"), ("foo.service", Cat)],
            ["foo.socket"], 0, []),
        new("empty-file-is-masked", [("foo.socket", "")], ["foo.socket"], 1, ["Unit foo.socket is masked."]),
        new("unbalanced-quoting",
            [("foo.service", "[Service]\nExecStart=/bin/echo \"unterminated\n")],
            ["foo.service"], 1,
            ["{dir}/foo.service:2: Unbalanced quoting, ignoring: \"/bin/echo \"unterminated\"",
             "foo.service: Unit configuration has fatal error, unit will not be started.",
             "Unit foo.service has a bad unit file setting."]),
        new("template-socket-alone",
            [("foo@.socket", "[Socket]\nListenStream=127.0.0.1:9301\n")],
            ["foo@.socket"], 1, ["foo@i.socket: service foo@i.service not loaded, socket cannot be started."]),
        new("file-not-found", [], ["nonexist.socket"], 1, ["Unit nonexist.socket not found."]),
    ];

    public static TheoryData<string> CaseNames => [.. s_cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Summon_verify_prints_what_systemd_analyze_prints(string name)
    {
        VerifyCase verifyCase = s_cases.Single(c => c.Name == name);
        using var root = new TempRoot();
        (string dir, string[] targets) = Lay(root, verifyCase);
        CommandResult result = Command.Run(SummonBinary.Path, ["verify", .. targets], root.Environment);
        AssertMatches(verifyCase, dir, result);
    }

    [OracleTheory]
    [MemberData(nameof(CaseNames))]
    public void Oracle_systemd_analyze_agrees_with_the_table(string name)
    {
        VerifyCase verifyCase = s_cases.Single(c => c.Name == name);
        using var root = new TempRoot();
        (string dir, string[] targets) = Lay(root, verifyCase);
        CommandResult result = Command.Run(OracleTheoryAttribute.SystemdAnalyze, ["verify", .. targets], root.Environment);
        AssertMatches(verifyCase, dir, result);
    }

    private static (string Dir, string[] Targets) Lay(TempRoot root, VerifyCase verifyCase)
    {
        // Outside SUMMON_UNIT_PATH: both tools must find the neighbours through the verified file's directory.
        string dir = Path.Combine(root.Dir, "verify");
        Directory.CreateDirectory(dir);
        foreach ((string file, string text) in verifyCase.Files)
        {
            File.WriteAllText(Path.Combine(dir, file), text);
        }

        return (dir, [.. verifyCase.Targets.Select(t => Path.Combine(dir, t))]);
    }

    private static void AssertMatches(VerifyCase verifyCase, string dir, CommandResult result)
    {
        // Summon's own "does not support X=" notices are not part of systemd's output.
        string[] stderr = [.. result.StdErrLines.Where(l => !l.Contains("Summon does not support ", StringComparison.Ordinal))
            .Select(l => l.Replace(dir, "{dir}", StringComparison.Ordinal))];
        Assert.True(result.StdOut == "", result.ToString());
        Assert.Equal(verifyCase.StdErr, stderr);
        Assert.True(result.ExitCode == verifyCase.ExitCode, result.ToString());
    }
}

/// <summary>A theory that runs only where systemd-analyze (the oracle) is installed.</summary>
public sealed class OracleTheoryAttribute : TheoryAttribute
{
    public static readonly string SystemdAnalyze =
        new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists) ?? "systemd-analyze";

    public OracleTheoryAttribute()
    {
        if (!File.Exists(SystemdAnalyze))
        {
            Skip = "systemd-analyze (systemd 252) is not installed; the table still holds summon to its output.";
        }
    }
}
