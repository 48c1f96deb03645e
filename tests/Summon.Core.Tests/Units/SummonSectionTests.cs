using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>Issue 15: the [X-Summon] section of services and sockets, and systemd 254's RestartSteps=/RestartMaxDelaySec=.</summary>
public sealed class SummonSectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-xsummon-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LoadedUnit Load(string name, string text)
    {
        File.WriteAllText(Path.Combine(_dir, name), text);
        return new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" }).Load(UnitName.Parse(name));
    }

    [Fact]
    public void The_healing_settings_are_read_and_a_typo_in_X_Summon_warns_like_any_unknown_key()
    {
        var service = Load("s.service", "[Service]\nExecStart=/bin/true\nRestartSteps=4\nRestartMaxDelaySec=8s\n[X-Summon]\nRestartResetSec=10min\nStartLimitRecoverSec=5min\nRestartResetSecs=1\n");
        var s = service.Service!;
        Assert.Equal((4u, TimeSpan.FromSeconds(8), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5)),
            (s.RestartSteps, s.RestartMaxDelaySec, s.RestartResetSec, s.StartLimitRecoverSec));
        Assert.Equal(["Unknown key 'RestartResetSecs' in section [X-Summon], ignoring."], service.Diagnostics.Select(d => d.Message));

        var socket = Load("t.socket", "[Socket]\nListenStream=127.0.0.1:1\n[X-Summon]\nTriggerLimitRecoverSec=2\n");
        Assert.Equal(TimeSpan.FromSeconds(2), socket.Socket!.TriggerLimitRecoverSec);
        Assert.Empty(socket.Diagnostics);
    }

    [Fact]
    public void Without_them_Summon_behaves_as_systemd_and_zero_turns_a_recovery_off()
    {
        var s = Load("d.service", "[Service]\nExecStart=/bin/true\n[X-Summon]\nStartLimitRecoverSec=0\n").Service!;
        Assert.Equal((0u, Timeout.InfiniteTimeSpan, (TimeSpan?)null, (TimeSpan?)null), (s.RestartSteps, s.RestartMaxDelaySec, s.RestartResetSec, s.StartLimitRecoverSec));
        Assert.Null(Load("d.socket", "[Socket]\nListenStream=127.0.0.1:1\n").Socket!.TriggerLimitRecoverSec);
    }

    [Fact]
    public void Other_X_sections_stay_ignored_silently()
    {
        var unit = Load("x.service", "[Service]\nExecStart=/bin/true\n[X-Other]\nAnything=1\n");
        Assert.Empty(unit.Diagnostics);
    }
}
