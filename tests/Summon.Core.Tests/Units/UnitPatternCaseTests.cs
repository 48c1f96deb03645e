using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>fnmatch(3) with FNM_NOESCAPE, as systemctl and journalctl match unit globs (unit names escape with a backslash).</summary>
public sealed class UnitPatternCaseTests
{
    [Theory]
    [InlineData("demo-echo@*", "demo-echo@0-127.0.0.1:9091-127.0.0.1:5432.service", true)]
    [InlineData("demo-echo@*", "demo-echo.socket", false)]
    [InlineData("*.socket", "demo-echo.socket", true)]
    [InlineData("*", "", true)]
    [InlineData("demo-?.service", "demo-a.service", true)]
    [InlineData("demo-?.service", "demo-ab.service", false)]
    [InlineData("demo-[ab].service", "demo-b.service", true)]
    [InlineData("demo-[!ab].service", "demo-b.service", false)]
    [InlineData("demo-[^ab].service", "demo-c.service", true)]
    [InlineData("demo-[a-c]*", "demo-b1.service", true)]
    [InlineData("demo-[a-c]*", "demo-d1.service", false)]
    [InlineData("[]x]", "]", true)]
    [InlineData("a\\*", "a*", false)]
    [InlineData("a\\*", "a\\x2d", true)]
    [InlineData("a[b", "a[b", true)]
    [InlineData("*a*b*c", "xaybzc", true)]
    [InlineData("*a*b*c", "xaybzcd", false)]
    public void Matches_like_fnmatch(string pattern, string name, bool expected) => Assert.Equal(expected, UnitPattern.Matches(pattern, name));

    [Theory]
    [InlineData("demo-echo@*", true)]
    [InlineData("x?.service", true)]
    [InlineData("x[ab]", true)]
    [InlineData("demo-echo@1.service", false)]
    public void IsGlob_as_string_is_glob(string text, bool expected) => Assert.Equal(expected, UnitPattern.IsGlob(text));
}
