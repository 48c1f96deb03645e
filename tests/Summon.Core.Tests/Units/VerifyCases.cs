namespace Summon.Core.Tests.Units;

/// <summary>
/// The `systemd-analyze verify` table of the reference (§5), as files → expected stderr and exit code, recorded from
/// systemd-analyze 252. "{dir}" stands for the temporary directory holding the files. The first file is the one verified.
/// </summary>
internal static class VerifyCases
{
    public sealed record Case(string Id, (string Name, string Content)[] Files, string[] Verify, string[] Expected, int ExitCode);

    private const string Cat = "[Service]\nExecStart=/bin/cat\n";

    public static readonly Case[] All =
    [
        new("seed",
            [("demo-echo.socket", "[Unit]\nDescription=Socket unit for demo-echo\n\n[Socket]\nListenStream=127.0.0.1:9091\nAccept=yes\n\n[Install]\nWantedBy=sockets.target\n"),
             ("demo-echo@.service", "[Unit]\nDescription=Per-connection echo service for demo-echo.socket\n\n[Service]\nExecStart=/bin/cat\nStandardInput=socket\nStandardOutput=socket\nStandardError=journal\n")],
            ["demo-echo.socket", "demo-echo@.service"], [], 0),
        new("c01", [("foo.socket", "[Socket]\nListenStream=9000\nAcept=yes\n"), ("foo.service", Cat)], ["foo.socket"],
            ["{dir}/foo.socket:3: Unknown key 'Acept' in section [Socket], ignoring."], 0),
        new("c02", [("foo.socket", "[Socket]\nListenStream=9000\n[Sockett]\nFoo=1\n"), ("foo.service", Cat)], ["foo.socket"],
            ["{dir}/foo.socket:3: Unknown section 'Sockett'. Ignoring."], 0),
        new("c03", [("foo.socket", "[Socket]\nListenStream=9000\nAccept=yes\n")], ["foo.socket"],
            ["foo.socket: service foo@internal.service not loaded, socket cannot be started."], 1),
        new("c04", [("foo.socket", "[Socket]\nListenStream=9000\n")], ["foo.socket"],
            ["foo.socket: service foo.service not loaded, socket cannot be started."], 1),
        new("c05", [("foo.socket", "[Socket]\nListenStream=9000\n"), ("foo@.service", Cat)], ["foo.socket"],
            ["foo.socket: service foo.service not loaded, socket cannot be started."], 1),
        new("c06", [("foo.socket", "[Socket]\nListenStream=9000\nAccept=yes\nService=bar.service\n"), ("bar.service", Cat), ("foo@.service", Cat)], ["foo.socket"],
            ["foo.socket: Explicit service configuration for accepting socket units not supported. Refusing.", "Unit foo.socket has a bad unit file setting."], 1),
        new("c07", [("foo.socket", "[Socket]\nAccept=no\n"), ("foo.service", Cat)], ["foo.socket"],
            ["foo.socket: Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.", "Unit foo.socket has a bad unit file setting."], 1),
        new("c08", [("foo.socket", "[Socket]\nListenStream=999999\nListenStream=1.2.3:80\nListenStream=[::1:80\nListenStream=relative/path\n"), ("foo.service", Cat)], ["foo.socket"],
            [
                "{dir}/foo.socket:2: Failed to parse address value in '999999', ignoring: Numerical result out of range",
                "{dir}/foo.socket:3: Failed to parse address value in '1.2.3:80', ignoring: Invalid argument",
                "{dir}/foo.socket:4: Failed to parse address value in '[::1:80', ignoring: Invalid argument",
                "{dir}/foo.socket:5: Failed to parse address value in 'relative/path', ignoring: Invalid argument",
                "foo.socket: Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.",
                "Unit foo.socket has a bad unit file setting.",
            ], 1),
        new("c09", [("foo.service", "[Service]\nExecStart=/usr/bin/does-not-exist\n")], ["foo.service"],
            ["foo.service: Command /usr/bin/does-not-exist is not executable: No such file or directory"], 1),
        new("c10", [("foo.service", "[Service]\nExecStart=cat\n")], ["foo.service"], [], 0),
        new("c11", [("foo.service", "[Service]\nType=simple\n")], ["foo.service"],
            ["foo.service: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.", "Unit foo.service has a bad unit file setting."], 1),
        new("c12", [("foo.socket", "[Socket]\nListenStream=9000\nAccept=maybe\nMaxConnections=abc\n"), ("foo.service", Cat)], ["foo.socket"],
            ["{dir}/foo.socket:3: Failed to parse boolean value, ignoring: maybe", "{dir}/foo.socket:4: Failed to parse unsigned value, ignoring: abc"], 0),
        new("c13", [("foo.service", "ExecStart=/bin/cat\n[Service]\nExecStart=/bin/cat\n")], ["foo.service"],
            ["{dir}/foo.service:1: Assignment outside of section. Ignoring."], 0),
        new("c14", [("foo.socket", "[Socket]\nListenStream=9000\nService=missing.service\n")], ["foo.socket"],
            ["foo.socket: service missing.service not loaded, socket cannot be started."], 1),
        new("c15", [("foo.socket", "[Socket]\nListenStream=9000\nService=bar.socket\n")], ["foo.socket"],
            ["{dir}/foo.socket:3: Unit must be of type service, ignoring: bar.socket", "foo.socket: service foo.service not loaded, socket cannot be started."], 1),
        new("c16", [("foo.socket", "[Socket]\nListenDatagram=9000\nAccept=yes\n"), ("foo@.service", Cat)], ["foo.socket"],
            ["foo.socket: Unit configured for accepting sockets, but sockets are non-accepting. Refusing.", "Unit foo.socket has a bad unit file setting."], 1),
        new("c17", [("foo.socket", "[Socket]\nListenStream=9000\nAccept=yes\nMaxConnections=0\n"), ("foo@.service", Cat)], ["foo.socket"],
            ["foo.socket: MaxConnection= setting too small. Refusing.", "Unit foo.socket has a bad unit file setting."], 1),
        new("c19", [("foo.service", "# comment\n; other\n[Service]\nExecStart=/bin/echo a \\\n  b \\\n# inner comment\n  c\n")], ["foo.service"], [], 0),
        new("c20", [("foo@.socket", "[Socket]\nListenStream=9000\n")], ["foo@.socket"],
            ["foo@i.socket: service foo@i.service not loaded, socket cannot be started."], 1),
        new("c26", [("foo.socket", "")], ["foo.socket"], ["Unit foo.socket is masked."], 1),
        new("c28", [("foo.service", "[Service]\nExecStart=/bin/cat\nX-Custom=1\n[X-Section]\nBar=2\n")], ["foo.service"], [], 0),
        new("c33", [("foo.service", "[Service]\nExecStart=/bin/echo \"unterminated\n")], ["foo.service"],
            [
                "{dir}/foo.service:2: Unbalanced quoting, ignoring: \"/bin/echo \"unterminated\"",
                "foo.service: Unit configuration has fatal error, unit will not be started.",
                "Unit foo.service has a bad unit file setting.",
            ], 1),
        new("c34", [("foo.service", "[Service]\nExecStart=/bin/cat\nExecStart=/bin/cat\n")], ["foo.service"],
            ["foo.service: Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.", "Unit foo.service has a bad unit file setting."], 1),
        new("c40", [("x.socket", "[Socket]\nListenStream=9000\nService=foo@.service\n"), ("foo@.service", Cat)], ["x.socket"],
            ["{dir}/x.socket:3: Failed to load unit foo@.service, ignoring: Unit name foo@.service is missing the instance name.", "x.socket: service x.service not loaded, socket cannot be started."], 1),
        new("c41", [("x.socket", "[Socket]\nListenStream=9000\nService=foo@bar.service\n"), ("foo@.service", Cat)], ["x.socket"], [], 0),
        new("not-found", [("foo.service", Cat)], ["nonexist.socket"], ["Unit nonexist.socket not found."], 1),
        new("bad-header", [("foo.service", "[Service\nExecStart=/bin/cat\n")], ["foo.service"],
            ["{dir}/foo.service:1: Invalid section header '[Service'", "Unit foo.service failed to load properly, please adjust/correct and reload service manager: Bad message"], 1),
        new("bom-crlf", [("foo.service", "\uFEFF[Service]\r\nExecStart=/bin/cat\r\nType=simple\r\n")], ["foo.service"], [], 0),
        new("escapes", [("foo.service", "[Service]\nExecStart=/bin/echo \\q \\x4g\n")], ["foo.service"],
            ["{dir}/foo.service:2: Ignoring unknown escape sequences: \"\\q\"", "{dir}/foo.service:2: Ignoring unknown escape sequences: \"\\x4g\""], 0),
        new("values", [("foo.service", "[Service]\nExecStart=/bin/cat\nStandardInput=bogus\nStandardOutput=bogus\nType=bogus\nTimeoutStopSec=abc\nRestart=bogus\nEnvironment=A=1 F\n")], ["foo.service"],
            [
                "{dir}/foo.service:3: Failed to parse input specifier, ignoring: bogus",
                "{dir}/foo.service:4: Failed to parse output specifier, ignoring: bogus",
                "{dir}/foo.service:5: Failed to parse service type, ignoring: bogus",
                "{dir}/foo.service:6: Failed to parse time value, ignoring: abc",
                "{dir}/foo.service:7: Failed to parse service restart specifier, ignoring: bogus",
                "{dir}/foo.service:8: Invalid environment assignment, ignoring: F",
            ], 0),
        new("working-dir", [("foo.service", "[Service]\nExecStart=/bin/cat\nWorkingDirectory=rel\nAcept=1\n")], ["foo.service"],
            [
                "{dir}/foo.service:3: WorkingDirectory= path is not absolute: rel",
                "foo.service: Unit configuration has fatal error, unit will not be started.",
                "Unit foo.service has a bad unit file setting.",
            ], 1),
        new("not-executable", [("foo.service", "[Service]\nExecStart=/tmp\nExecStartPre=-/nonexistent\nExecStop=/nonexist/stop\n")], ["foo.service"],
            ["foo.service: Command /tmp is not executable: Is a directory", "foo.service: Command /nonexist/stop is not executable: No such file or directory"], 1),
        new("requires", [("foo.service", "[Unit]\nRequires=nonexist.service\nWants=alsonot.service\n[Service]\nExecStart=/bin/cat\n")], ["foo.service"],
            ["foo.service: Failed to create foo.service/start: Unit nonexist.service not found."], 1),
        new("socket-bad-name", [("foo bar.socket", "[Socket]\nListenStream=9000\n")], ["foo bar.socket"],
            ["Failed to prepare filename foo bar.socket: Invalid argument"], 1),
    ];
}
