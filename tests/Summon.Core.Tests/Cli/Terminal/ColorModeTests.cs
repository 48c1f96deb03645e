using Summon.Cli.Terminal;

namespace Summon.Core.Tests.Cli.Terminal;

/// <summary>systemd 252's get_color_mode(), checked against `systemctl --root=DIR list-unit-files` on a tty and a pipe.</summary>
public sealed class ColorModeTests
{
    [Theory]
    [InlineData(null, null, "xterm", true, "Ansi256")]
    [InlineData(null, null, "xterm", false, "Off")]
    [InlineData(null, null, null, true, "Off")]
    [InlineData(null, null, "dumb", true, "Off")]
    [InlineData(null, "", "xterm", true, "Off")]
    [InlineData("1", "1", "xterm", false, "Ansi256")]
    [InlineData("yes", null, null, false, "Ansi256")]
    [InlineData("16", null, null, false, "Ansi16")]
    [InlineData("256", null, null, false, "Ansi256")]
    [InlineData("0", null, "xterm", true, "Off")]
    [InlineData("false", null, "xterm", true, "Off")]
    [InlineData("bogus", null, "xterm", true, "Ansi256")]
    [InlineData("24bit", null, "xterm", false, "Off")]
    public void Follows_systemd_colors_no_color_tty_and_term(string? systemdColors, string? noColor, string? term, bool onTty, string expected)
    {
        var env = new Dictionary<string, string?> { ["SYSTEMD_COLORS"] = systemdColors, ["NO_COLOR"] = noColor, ["TERM"] = term };
        Assert.Equal(expected, ColorMode.Resolve(name => env.GetValueOrDefault(name), onTty).ToString());
    }
}
