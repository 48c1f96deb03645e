using Summon.Posix;
using Summon.Units;

namespace Summon.Core.Tests.Units;

public class SpecifierTests
{
    private static readonly SpecifierContext System = new()
    {
        Hostname = "host.example.com",
        MachineId = "3d1219c7c4c5404aaa1f6d2a48adfda4",
        BootId = "bd79cc8c7af24b86a37b7aeab5ce7ef0",
        KernelRelease = "6.1.0",
        Architecture = "x86-64",
        OsRelease = new Dictionary<string, string> { ["ID"] = "debian", ["VERSION_ID"] = "12" },
    };

    private static readonly SpecifierContext User = new()
    {
        UserMode = true,
        UserName = "alice",
        Uid = 1000,
        GroupName = "alice",
        Gid = 1000,
        Home = "/home/alice",
        Shell = "/bin/bash",
        RuntimeDirectory = null,
        StateDirectory = "/home/alice/.config",
        CacheDirectory = "/home/alice/.cache",
        LogsDirectory = "/home/alice/.config/log",
        ConfigDirectory = "/home/alice/.config",
    };

    // unit, text, expansion (system manager context)
    [Theory]
    [InlineData("foo.service", "%n %N %p %P %i %I %j %J %f", "foo.service foo foo foo   foo foo /foo")]
    [InlineData("demo-echo@0-127.0.0.1:9091.service", "%n|%N|%p|%i|%j", "demo-echo@0-127.0.0.1:9091.service|demo-echo@0-127.0.0.1:9091|demo-echo|0-127.0.0.1:9091|echo")]
    [InlineData("getty@tty\\x2d1.service", "%i|%I|%f", "tty\\x2d1|tty-1|/tty-1")]
    [InlineData("mnt-data.mount", "%f|%P|%j|%J", "/mnt/data|mnt/data|data|data")]
    [InlineData("a\\x2db-c.service", "%p|%P|%j", "a\\x2db-c|a-b/c|c")]
    [InlineData("foo.service", "%t %S %C %L %E %T %V %h %s", "/run /var/lib /var/cache /var/log /etc /tmp /var/tmp /root /bin/sh")]
    [InlineData("foo.service", "%u %U %g %G", "root 0 root 0")]
    [InlineData("foo.service", "%H %l %q %m %b %v %a %o %w %W", "host.example.com host host 3d1219c7c4c5404aaa1f6d2a48adfda4 bd79cc8c7af24b86a37b7aeab5ce7ef0 6.1.0 x86-64 debian 12 ")]
    [InlineData("foo.service", "%y %Y %d", "/etc/systemd/system/foo.service /etc/systemd/system /run/credentials/foo.service")]
    [InlineData("foo.service", "100%% %- %", "100% %- %")]
    public void Expands(string unit, string text, string expected)
    {
        var s = new Specifiers(UnitName.Parse(unit), "/etc/systemd/system/foo.service", System);
        Assert.Equal(0, s.Expand(text, SpecifierSet.Full, out string result));
        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData("%z", 0, 57)]
    [InlineData("%0", 0, 57)]
    [InlineData("%t", 1, 57)]
    [InlineData("%h", 2, 57)]
    public void UnknownSpecifierIsInvalidSlot(string text, int set, int errno)
    {
        var s = new Specifiers(UnitName.Parse("foo.service"), null, System);
        Assert.Equal(errno, s.Expand(text, (SpecifierSet)set, out _)); // 0 full, 1 unit names, 2 [Install]; 57 = EBADSLT
    }

    [Fact]
    public void UserManagerValues()
    {
        var s = new Specifiers(UnitName.Parse("foo.service"), null, User);
        Assert.Equal(0, s.Expand("%u %U %h %s %S %C %L %E", SpecifierSet.Full, out string result));
        Assert.Equal("alice 1000 /home/alice /bin/bash /home/alice/.config /home/alice/.cache /home/alice/.config/log /home/alice/.config", result);
        Assert.Equal(6, s.Expand("%t/x.sock", SpecifierSet.Full, out _)); // ENXIO without $XDG_RUNTIME_DIR
    }

    [Fact]
    public void BadInstanceEscapeFailsUnescapingSpecifiers()
    {
        var s = new Specifiers(UnitName.Parse("foo@a\\xzz.service"), null, System);
        Assert.Equal(0, s.Expand("%i", SpecifierSet.Full, out string raw));
        Assert.Equal("a\\xzz", raw);
        Assert.Equal(Summon.Posix.Errno.EINVAL, s.Expand("%I", SpecifierSet.Full, out _));
    }
}
