using Summon.Manager.Exec;
using Summon.Processes;
using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>The process-attribute keys as systemd 252 reads them (the warnings are compared with systemd-analyze in
/// the integration tests), and what the child is asked to apply.</summary>
public sealed class ExecAttributesParsingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-attrs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (ExecAttributes Attributes, string[] Warnings) Load(string lines)
    {
        File.WriteAllText(Path.Combine(_dir, "a.service"), $"[Service]\nExecStart=/bin/true\n{lines}\n");
        var loader = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });
        LoadedUnit unit = loader.Load(UnitName.Parse("a.service"));
        return (unit.Service!.Exec.Attributes, [.. unit.Diagnostics.Select(d => d.Message)]);
    }

    [Fact]
    public void ReadsEveryKey()
    {
        (ExecAttributes a, string[] warnings) = Load("""
            OOMScoreAdjust=-500
            CPUSchedulingPolicy=fifo
            CPUSchedulingPriority=20
            CPUSchedulingResetOnFork=yes
            CPUAffinity=0-2 5
            CPUAffinity=7,9
            NUMAPolicy=interleave
            NUMAMask=0
            IOSchedulingClass=idle
            IOSchedulingPriority=3
            Personality=x86
            TimerSlackNSec=2us
            SecureBits=noroot keep-caps
            KeyringMode=shared
            ExecSearchPath=/opt/bin:/usr/bin
            """);
        Assert.Empty(warnings);
        Assert.Equal((-500, 1, 20, true), (a.OomScoreAdjust, a.CpuSchedulingPolicy, a.CpuSchedulingPriority, a.CpuSchedulingResetOnFork));
        Assert.Equal("0-2 5 7 9", ExecAttributeValues.RangeString(a.CpuAffinity));
        Assert.Equal((3, "0"), (a.NumaPolicy, ExecAttributeValues.RangeString(a.NumaMask)));
        Assert.Equal((3, 3), (a.IoSchedulingClass, a.IoSchedulingPriority));
        Assert.Equal(("x86", 2000UL, 0x11, KeyringMode.Shared), (a.Personality, a.TimerSlackNs, a.SecureBits, a.KeyringMode));
        Assert.Equal(["/opt/bin", "/usr/bin"], a.ExecSearchPath!);
    }

    [Theory]
    [InlineData("CPUSchedulingPriority=50\nCPUSchedulingPolicy=batch", 3, 0)]   // clamped to the policy's range
    [InlineData("CPUSchedulingPolicy=rr", 2, 1)]
    [InlineData("CPUSchedulingPolicy=rr\nCPUSchedulingPolicy=", null, null)]
    public void ThePolicyClampsThePriority(string lines, int? policy, int? priority)
    {
        (ExecAttributes a, _) = Load(lines);
        Assert.Equal((policy, priority), (a.CpuSchedulingPolicy, a.CpuSchedulingPriority));
    }

    [Theory]
    [InlineData("CPUAffinity=0-1\nCPUAffinity=", "")]
    [InlineData("CPUAffinity=0-1\nCPUAffinity=3-1", "0-1")]   // a bad assignment leaves the set as it was
    public void CpuAffinityExtendsAndResets(string lines, string expected)
    {
        (ExecAttributes a, _) = Load(lines);
        Assert.Equal(expected, ExecAttributeValues.RangeString(a.CpuAffinity));
    }

    [Theory]
    [InlineData(null, null, 2, 4)]
    [InlineData(1, null, 1, 4)]
    [InlineData(0, 7, 2, 4)]   // class none is best-effort at the default level
    [InlineData(3, 5, 3, 0)]   // idle has no level
    public void TheIoPriorityIsNormalizedAsSystemdDoes(int? ioClass, int? level, int expectedClass, int expectedLevel)
    {
        var e = new ExecAttributes { IoSchedulingClass = ioClass, IoSchedulingPriority = level };
        Assert.Equal((expectedClass, expectedLevel), ProcessAttributesPlan.IoPriority(e));
    }

    [Fact]
    public void NothingSetAsksTheChildForNothing()
    {
        Assert.Null(ProcessAttributesPlan.Of(new ExecAttributes()));
        Assert.Null(ProcessAttributesPlan.Of(new ExecAttributes { KeyringMode = KeyringMode.Private }));
        Assert.Equal(KeyringMode.Private, ProcessAttributesPlan.Keyring(new ExecAttributes(), userMode: false));
        Assert.Equal(KeyringMode.Inherit, ProcessAttributesPlan.Keyring(new ExecAttributes(), userMode: true));
    }

    [Fact]
    public void OnlyAPriorityMeansSchedOther()
    {
        ProcessAttributes p = ProcessAttributesPlan.Of(new ExecAttributes { CpuSchedulingPriority = 5 })!;
        Assert.Equal((0, 5), (p.SchedulingPolicy, p.SchedulingPriority));
    }

    [Theory]
    [InlineData("50000", 50000UL)]
    [InlineData("10ns", 10UL)]
    [InlineData("1us", 1000UL)]
    [InlineData("2ms 5us", 2005000UL)]
    public void NsecValues(string text, ulong expected)
    {
        Assert.True(ExecAttributeValues.TryParseNsec(text, out ulong ns));
        Assert.Equal(expected, ns);
    }

    [Fact]
    public void TheHelperArgumentRoundTrips()
    {
        var attributes = new ProcessAttributes
        {
            OomScoreAdjust = -17, SchedulingPolicy = 2, SchedulingPriority = 9, SchedulingResetOnFork = true, Cpus = [0, 3],
            NumaPolicy = 2, NumaNodes = [0], IoPriority = (1 << 13) | 2, TimerSlackNs = 999, Personality = 8, SecureBits = 5,
            KeyringShared = true,
        };
        var request = new SpawnRequest { Path = "/bin/true", Argv = ["true"], Environment = [], Attributes = attributes, NewSessionKeyring = true };
        Assert.True(request.NeedsPrivilegedSetup);
        var args = new List<string>();
        ExecHelperArguments.Format(request, args);
        args.AddRange(["--", "true", "/bin/true"]);
        ExecHelperArguments parsed = ExecHelperArguments.Parse(args.ToArray(), out string? error)!;
        Assert.Null(error);
        Assert.True(parsed.NewSessionKeyring);
        ProcessAttributes back = parsed.Attributes!;
        Assert.Equal(attributes.Format(), back.Format());
        Assert.Equal([0, 3], back.Cpus!);
        Assert.Null(ProcessAttributes.TryParse("oom=x"));
        Assert.Null(ProcessAttributes.TryParse("bogus=1"));
    }

    [Theory]
    [InlineData("", "SameAsOutput")]   // both unset: the journal, over one stream as systemd dups stdout
    [InlineData("StandardOutput=journal\nStandardError=journal", "SameAsOutput")]
    [InlineData("StandardOutput=journal\nStandardError=kmsg", "Journal")]   // not alike: a stream each
    [InlineData("StandardOutput=null", "Journal")]
    public void Stderr_to_the_journal_like_stdout_shares_its_stream(string lines, string error)
    {
        File.WriteAllText(Path.Combine(_dir, "s.service"), $"[Service]\nExecStart=/bin/true\n{lines}\n");
        var loader = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });
        Assert.Equal(error, StdioPlan.For(loader.Load(UnitName.Parse("s.service")).Service!, haveSocket: false).Error.ToString());
    }

    [Theory]
    [InlineData("StandardInput=tty", "Tty", "Tty", "Tty")]
    [InlineData("StandardInput=tty-force\nStandardError=journal", "Tty", "Tty", "Journal")]
    [InlineData("StandardOutput=tty", "Null", "Tty", "Journal")]   // an unset StandardError= resolves to the journal here (ExecSettings), not to stdout as DefaultStandardError=inherit would
    public void TerminalStreamsGoToTTYPath(string lines, string input, string output, string error)
    {
        File.WriteAllText(Path.Combine(_dir, "t.service"), $"[Service]\nExecStart=/bin/true\n{lines}\n");
        var loader = new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });
        StdioPlan plan = StdioPlan.For(loader.Load(UnitName.Parse("t.service")).Service!, haveSocket: false);
        Assert.Equal((input, output, error), (plan.Input.ToString(), plan.Output.ToString(), plan.Error.ToString()));
    }
}
