using Summon.Posix;
using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>[X-Summon] IdleStopSec=/IdleStopSignal= of a socket (docs/extensions.md): read, switched off by 0, and a
/// bad value or unknown key warned about with its line, as systemd words it.</summary>
public sealed class IdleStopSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-idlestop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LoadedUnit Load(string name, string text)
    {
        File.WriteAllText(Path.Combine(_dir, name), text);
        return new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" }).Load(UnitName.Parse(name));
    }

    [Fact]
    public void The_keys_are_read_from_the_X_Summon_section_of_a_socket()
    {
        var unit = Load("a.socket", "[Socket]\nListenStream=1234\n\n[X-Summon]\nIdleStopSec=5min\nIdleStopSignal=SIGINT\n");
        Assert.Equal(TimeSpan.FromMinutes(5), unit.Socket!.IdleStop);
        Assert.Equal(Signals.SIGINT, unit.Socket.IdleStopSignal);
        Assert.Empty(unit.Diagnostics);
        Assert.Null(Load("b.socket", "[Socket]\nListenStream=1234\n[X-Summon]\nIdleStopSec=0\n").Socket!.IdleStop);
    }

    [Fact]
    public void A_bad_value_and_an_unknown_key_warn_with_their_line()
    {
        var unit = Load("c.socket", "[Socket]\nListenStream=1234\n[X-Summon]\nIdleStopSignal=SIGNOPE\nIdleStopSec=soon\nIdelStopSec=1s\n");
        Assert.Null(unit.Socket!.IdleStop);
        Assert.Null(unit.Socket.IdleStopSignal);
        string[] lines = [.. unit.Diagnostics.Select(d => d.ToString()[(d.ToString().LastIndexOf(".socket:", StringComparison.Ordinal) + ".socket:".Length)..])];
        Assert.Contains("4: Failed to parse signal name, ignoring: SIGNOPE", lines);
        Assert.Contains("5: Failed to parse sec value, ignoring: soon", lines);
        Assert.Contains("6: Unknown key 'IdelStopSec' in section [X-Summon], ignoring.", lines);
    }
}
