using Summon.Interop;
using Summon.Posix;
using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>The systemd-escape building blocks; expected values are systemd-escape 252's.</summary>
public sealed class UnitNameEscapingTests
{
    public static TheoryData<string, int, string?> PathEscapes => new()
    {
        { "/", 0, "-" },
        { "", 0, "-" },
        { "//", 0, "-" },
        { "/a//b/./c/", 0, "a-b-c" },
        { "a//b/./c/", 0, "a-b-c" },
        { "/dev/sda", 0, "dev-sda" },
        { "/foo bar/ö", 0, "foo\\x20bar-\\xc3\\xb6" },
        { "/.hidden/x", 0, "\\x2ehidden-x" },
        { "/a/../b", Errno.EINVAL, null },
        { "/" + new string('a', 256), Errno.EINVAL, null },
    };

    [Theory]
    [MemberData(nameof(PathEscapes))]
    public void EscapesPaths(string path, int errno, string? expected)
    {
        Assert.Equal(errno, UnitNameEscaping.TryEscapePath(path, out string? escaped));
        Assert.Equal(expected, escaped);
    }

    public static TheoryData<string, string?> Mangled => new()
    {
        { "foo.service", "foo.service" },
        { "foo", "foo.service" },
        { "foo bar", "foo\\x20bar.service" },
        { "a*b", "a\\x2ab.service" },
        { "foo@", "foo@.service" },
        { "a/b", "a-b.service" },
        { "/dev/sda", "dev-sda.device" },
        { "/sys/x", "sys-x.device" },
        { "/home/x", "home-x.mount" },
        { "@", null },
        { "", null },
        { new string('a', 250), null },
    };

    [Theory]
    [MemberData(nameof(Mangled))]
    public void Mangles(string name, string? expected)
    {
        int r = UnitNameEscaping.TryMangle(name, out string? result);
        Assert.Equal(expected is null ? Errno.EINVAL : 0, r);
        Assert.Equal(expected, result);
    }

    public static TheoryData<string, string, string?> Instances => new()
    {
        { "foo@.service", "a-b", "foo@a-b.service" },
        { "foo@x.socket", "y", "foo@y.socket" },
        { "foo.service", "a", null },
        { "foo@.service", "", null },
        { "foo@.service", new string('a', 250), null },
    };

    [Theory]
    [MemberData(nameof(Instances))]
    public void ReplacesInstances(string template, string instance, string? expected)
    {
        int r = UnitNameEscaping.TryReplaceInstance(template, instance, out string? result);
        Assert.Equal(expected is null ? Errno.EINVAL : 0, r);
        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData("/", true, true)]
    [InlineData("", false, false)]
    [InlineData("a/b", true, true)]
    [InlineData("/a//b", true, false)]
    [InlineData("/a/./b", true, false)]
    [InlineData("/a/../b", true, false)]
    public void ClassifiesPaths(string path, bool valid, bool normalized)
    {
        Assert.Equal(valid, UnitNameEscaping.IsValidPath(path));
        Assert.Equal(normalized, UnitNameEscaping.IsNormalizedPath(path));
    }
}
