using CsCheck;
using Summon.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace Summon.IntegrationTests;

/// <summary>
/// summon verify against the installed systemd-analyze verify (systemd 252) on generated unit files. CsCheck builds
/// pairs of small units (gN.socket with gN.service or gN@.service) from pools of valid, near-valid and broken lines;
/// both tools verify the same batch of files and, per pair, must print the same set of lines (Summon's own
/// "does not support" notices aside) and, per batch, exit with the same status. The seed is fixed so that a run is
/// reproducible; docs/compatibility.md records the seed, the count and the agreement rate.
/// </summary>
public sealed class DifferentialVerifyTests(ITestOutputHelper output)
{
    public const ulong Seed = 20251125;
    public const int Batches = 48;
    public const int PairsPerBatch = 25;

    private static readonly string[] s_unitLines =
    [
        "Description=generated %n", "Description=%q", "Documentation=https://example.com", "Documentation=bogus",
        "Requires=missing-dep.service", "Wants=missing-dep.service", "After=network.target", "Before=x.target",
        "SuccessAction=exit", "SuccessAction=bogus", "OnFailureJobMode=bogus", "OnFailureJobMode=fail",
        "StartLimitBurst=abc", "StartLimitIntervalSec=10s", "DefaultDependencies=no", "DefaultDependencies=perhaps",
        "ConditionPathExists=/etc", "X-Custom=1", "Junk line", "Descriptio=typo", "RefuseManualStart=yes",
        // Issue 13 item 7: continuations with comments inside and at their end, a byte-order mark after line 1,
        // specifiers, quoting.
        "Description=one \\\n# inside\n  two", "Description=one \\\n; inside \\\nStartLimitBurst=x", "Description=end \\\n#",
        "\uFEFFDescription=bom", "\uFEFFStartLimitBurst=bom", "Description=%i %I %p %P %N %f %j %J",
        "Description=\"quoted\" 'single' \\x41", "After=", "Wants=%p-helper.service",
    ];

    private static readonly string[] s_socketLines =
    [
        "ListenStream=127.0.0.1:9301", "ListenStream=[::1]:9302", "ListenStream=9303", "ListenStream=0",
        "ListenStream=127.0.0.1:65536", "ListenStream=[::1]", "ListenStream=foo:80", "ListenStream=/run/gen.sock",
        "ListenStream=@gen-abstract", "ListenStream=relative/path", "ListenStream=[fe80::1]:80%%lo", "ListenStream=",
        "ListenStream=vsock:2:1234", "ListenDatagram=127.0.0.1:9304", "ListenSequentialPacket=/run/gen-seq.sock",
        "ListenFIFO=/run/gen.fifo", "ListenNetlink=kobject-uevent 1", "ListenNetlink=nonsense", "ListenSpecial=/dev/null",
        "Accept=yes", "Accept=no", "Accept=maybe", "MaxConnections=0", "MaxConnections=10", "MaxConnections=abc",
        "MaxConnectionsPerSource=5", "Backlog=-1", "Backlog=128", "SocketMode=0600", "SocketMode=999",
        "DirectoryMode=0755", "Service=missing.service", "Service=gen.socket", "Service=bad name",
        "FileDescriptorName=web", "FileDescriptorName=a:b", "BindIPv6Only=both", "BindIPv6Only=sideways",
        "KeepAlive=yes", "KeepAliveTimeSec=1x", "TimeoutSec=5s", "TimeoutSec=1.s", "ReceiveBuffer=1K",
        "ReceiveBuffer=1Q", "Symlinks=/run/gen-link", "Symlinks=relative", "TriggerLimitBurst=0", "Acept=yes",
        "ReusePort=true", "FreeBind=on", "Priority=x", "IPTTL=64", "ExecStartPre=/bin/true", "ExecStartPre=/usr/bin/nope",
        "PassCredentials=1", "RemoveOnStop=yes",
        // Issue 13 item 7: unix paths that are not normalized, in every Listen kind that takes one.
        "ListenStream=//run/gen/../x.sock", "ListenStream=/run/gen//x.sock/", "ListenStream=/run/./gen.sock",
        "ListenDatagram=/run/gen/..", "ListenSequentialPacket=/run/gen/./y/", "ListenFIFO=//run/gen/../f",
        "ListenFIFO=/run/./gen.fifo/", "ListenSpecial=/dev/./null", "ListenSpecial=/dev/../dev/null",
        "ListenMessageQueue=/gen/../q", "ListenStream=/run/%p.sock", "ListenStream=/run/gen \\\n# inside\n.sock",
        "Symlinks=/run/gen/../l", "ListenStream=\"/run/q.sock\"",
    ];

    private static readonly string[] s_serviceLines =
    [
        "ExecStart=/bin/cat", "ExecStart=/bin/cat", "ExecStart=-/usr/bin/nope", "ExecStart=/usr/bin/nope", "ExecStart=cat",
        "ExecStart=", "ExecStart=@/bin/cat cat-alias", "ExecStart=/bin/echo \"unbalanced",
        "ExecStart=/bin/echo \\x41 \\u00e9 \\101", "ExecStart=+!!/bin/true", "ExecStart=!-/bin/true",
        "ExecStart=/bin/true ; /bin/false", "ExecStart=/bin/echo \\;", "ExecStart=-@:+/bin/true x", "ExecStart=relative/cmd",
        "ExecStart=/bin/echo %n %i %%", "ExecStart=/bin/echo %Z", "ExecStop=/bin/true", "ExecStartPre=-/bin/false",
        "Type=oneshot", "Type=simple", "Type=forking", "Type=bogus", "Type=dbus",
        "Restart=always", "Restart=on-failure", "Restart=x", "RestartSec=100ms", "TimeoutStartSec=1min 30s",
        "TimeoutStartSec=1.s", "TimeoutStopSec=infinity", "Environment=A=1 \"B=2 3\"", "Environment=\"unterminated",
        "Environment=1BAD=x", "StandardInput=socket", "StandardInput=bogus", "StandardOutput=journal",
        "StandardOutput=file:/tmp/gen.log", "StandardError=inherit", "User=root", "User=-bad", "Group=0",
        "RemainAfterExit=yes", "KillSignal=SIGFOO", "KillSignal=SIGINT", "KillMode=mixed", "KillMode=sideways",
        "Sockets=gen.socket", "WorkingDirectory=~", "WorkingDirectory=rel", "WorkingDirectory=-/nonexistent",
        "SuccessExitStatus=1 SIGKILL", "LimitNOFILE=1024:4096", "LimitNOFILE=abc", "PrivateTmp=yes", "Nice=30",
        "UMask=0022", "UMask=99",
        // Issue 13 item 7: quoting and escapes, empty assignments resetting lists, specifiers, continuations.
        "Environment=\"A=\\x41 b\" 'C=single'", "Environment=", "EnvironmentFile=", "ExecStart=/bin/echo 'a b' \"c\\\"d\"",
        "ExecStart=/bin/echo \\\n# inside\n  continued", "ExecStartPre=", "SuccessExitStatus=", "ExecStart=/bin/echo %H %m %b %u %U %g %G %h %s %T %V",
        "WorkingDirectory=%h", "ExecStart=/bin/echo \\t\\n \\$", "ExecStart=/bin/echo $A ${B}", "\uFEFFRestart=bogus",
    ];

    private sealed record Pair(string[] Unit, string[] Socket, bool SocketTemplate, string[] ServiceUnit, string[] Service, bool ServiceTemplate);

    private static Gen<string> Pick(string[] lines) => Gen.Int[0, lines.Length - 1].Select(i => lines[i]);

    private static readonly Gen<Pair> s_pair =
        Gen.Select(
            Pick(s_unitLines).Array[0, 2],
            Pick(s_socketLines).Array[0, 5],
            Gen.Int[0, 9],
            Pick(s_unitLines).Array[0, 2],
            Pick(s_serviceLines).Array[0, 4],
            Gen.Bool,
            (u, s, t, su, v, st) => new Pair(u, s, t == 0, su, v, st));

    [OracleFact]
    public void Summon_verify_agrees_with_systemd_analyze_on_generated_units()
    {
        var pcg = new PCG(1, Seed);
        int agreed = 0, total = 0;
        var disagreements = new List<string>();
        for (int b = 0; b < Batches; b++)
        {
            using var root = new TempRoot();
            string dir = Path.Combine(root.Dir, "gen");
            Directory.CreateDirectory(dir);
            var targets = new List<string>();
            for (int i = 0; i < PairsPerBatch; i++)
            {
                Pair pair = s_pair.Generate(pcg, null, out _);
                string name = $"g{b}x{i}";
                string socket = Path.Combine(dir, name + (pair.SocketTemplate ? "@" : "") + ".socket");
                string service = Path.Combine(dir, name + (pair.ServiceTemplate ? "@" : "") + ".service");
                File.WriteAllText(socket, UnitText(pair.Unit, "Socket", pair.Socket, name));
                File.WriteAllText(service, UnitText(pair.ServiceUnit, "Service", pair.Service, name));
                targets.Add(socket);
                targets.Add(service);
            }

            CommandResult oracle = Command.Run(OracleTheoryAttribute.SystemdAnalyze, ["verify", .. targets], root.Environment);
            CommandResult ours = Command.Run(SummonBinary.Path, ["verify", .. targets], root.Environment);
            Assert.True(oracle.ExitCode == ours.ExitCode, $"batch {b}: exit {oracle.ExitCode} vs {ours.ExitCode}\n{oracle}\n{ours}");
            for (int i = 0; i < PairsPerBatch; i++)
            {
                string name = $"g{b}x{i}";
                string[] theirs = LinesOf(oracle.StdErrLines, name, dir);
                string[] mine = LinesOf(ours.StdErrLines, name, dir);
                total++;
                if (theirs.SequenceEqual(mine))
                {
                    agreed++;
                    continue;
                }

                disagreements.Add($"{name}:\n  {File.ReadAllText(targets[2 * i]).Replace("\n", "\n  ")}{File.ReadAllText(targets[2 * i + 1]).Replace("\n", "\n  ")}"
                    + $"systemd:\n    {string.Join("\n    ", theirs)}\n  summon:\n    {string.Join("\n    ", mine)}");
            }
        }

        output.WriteLine($"seed {Seed}: {agreed}/{total} pairs agree ({100.0 * agreed / total:0.0}%)");
        foreach (string d in disagreements.Take(20))
            output.WriteLine(d);
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} of {total} pairs disagree; first:\n{string.Join("\n", disagreements.Take(5))}");
    }

    private static string UnitText(string[] unit, string section, string[] lines, string name)
    {
        var text = new System.Text.StringBuilder();
        if (unit.Length > 0)
            text.Append("[Unit]\n").AppendJoin("\n", unit).Append('\n');
        text.Append('[').Append(section).Append("]\n");
        foreach (string line in lines)
            text.Append(line.Replace("gen.socket", name + ".socket", StringComparison.Ordinal)
                ).Append('\n');
        return text.ToString();
    }

    /// <summary>The lines about one pair (by file path or unit name), with the directory made neutral, sorted.</summary>
    private static string[] LinesOf(string[] stderr, string name, string dir)
        => [.. stderr
            .Where(l => !l.Contains("Summon does not support ", StringComparison.Ordinal))
            .Where(l => l.Contains($"/{name}.", StringComparison.Ordinal) || l.Contains($"/{name}@", StringComparison.Ordinal)
                || l.StartsWith(name + ".", StringComparison.Ordinal) || l.StartsWith(name + "@", StringComparison.Ordinal)
                || l.Contains($" {name}.", StringComparison.Ordinal) || l.Contains($" {name}@", StringComparison.Ordinal))
            .Select(l => l.Replace(dir, "{dir}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
}

/// <summary>A fact that runs only where systemd-analyze (the oracle) is installed.</summary>
public sealed class OracleFactAttribute : FactAttribute
{
    public OracleFactAttribute()
    {
        if (!File.Exists(OracleTheoryAttribute.SystemdAnalyze))
            Skip = "systemd-analyze (systemd 252) is not installed.";
    }
}
