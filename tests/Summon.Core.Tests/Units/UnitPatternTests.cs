using System.Runtime.InteropServices;
using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>Unit globs against glibc's fnmatch(3) with FNM_NOESCAPE, the call systemctl makes.</summary>
public sealed partial class UnitPatternTests
{
    private const int FnmNoEscape = 2;

    [LibraryImport("libc", EntryPoint = "fnmatch", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FnMatch(string pattern, string name, int flags);

    private static readonly string[] Names =
    [
        "demo-echo.socket", "demo-echo@.service", "demo-echo@0-127.0.0.1:9091-127.0.0.1:40000.service",
        "demo-echo@1-::1:9091-::1:4.service", "a.service", "ab.service", "b.socket", "x\\x2dy.service", "]odd.service",
        "[.service", "-.slice", "", "*",
    ];

    private static readonly string[] Patterns =
    [
        "demo-echo@*", "demo-echo*", "*.socket", "*", "", "?.service", "??.service", "a*b*", "[ab].*", "[!a]*",
        "[^a]*", "[a-c]*", "[]o]*", "[!]]*", "[*", "[", "*[", "x\\x2dy.*", "x\\*", "*@*-*:*", "demo-echo@?-*",
        "*.s[oe]*", "[z-a]*", "[--/]*", "**.service", "*?", "a", "demo-echo@*.service",
    ];

    public static TheoryData<string> AllPatterns => new(Patterns);

    [Theory]
    [MemberData(nameof(AllPatterns))]
    public void Matches_like_glibc_fnmatch(string pattern)
    {
        foreach (string name in Names)
            Assert.True(FnMatch(pattern, name, FnmNoEscape) == 0 == UnitPattern.Matches(pattern, name), $"pattern '{pattern}', name '{name}'");
    }

    [Theory]
    [InlineData("demo-echo@*", true)]
    [InlineData("a?", true)]
    [InlineData("[ab]", true)]
    [InlineData("demo-echo@.service", false)]
    [InlineData("x\\x2dy.service", false)]
    public void Knows_a_glob_as_systemd_does(string text, bool glob) => Assert.Equal(glob, UnitPattern.IsGlob(text));
}
