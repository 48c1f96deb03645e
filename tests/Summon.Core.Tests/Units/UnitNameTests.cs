using Summon.Units;

namespace Summon.Core.Tests.Units;

public class UnitNameTests
{
    // name, valid, prefix, instance ("<null>" = plain), type
    [Theory]
    [InlineData("foo.service", true, "foo", "<null>", UnitType.Service)]
    [InlineData("foo@.service", true, "foo", "", UnitType.Service)]
    [InlineData("foo@bar.service", true, "foo", "bar", UnitType.Service)]
    [InlineData("foo@bar@baz.socket", true, "foo", "bar@baz", UnitType.Socket)]
    [InlineData("demo-echo@0-127.0.0.1:9091-127.0.0.1:54321.service", true, "demo-echo", "0-127.0.0.1:9091-127.0.0.1:54321", UnitType.Service)]
    [InlineData("demo-echo.socket", true, "demo-echo", "<null>", UnitType.Socket)]
    [InlineData("a.b.c.target", true, "a.b.c", "<null>", UnitType.Target)]
    [InlineData("system-demo\\x2decho.slice", true, "system-demo\\x2decho", "<null>", UnitType.Slice)]
    [InlineData("foo", false, "", "", UnitType.Service)]
    [InlineData(".service", false, "", "", UnitType.Service)]
    [InlineData("@bar.service", false, "", "", UnitType.Service)]
    [InlineData("foo.waldo", false, "", "", UnitType.Service)]
    [InlineData("foo bar.socket", false, "", "", UnitType.Service)]
    [InlineData("foo/bar.socket", false, "", "", UnitType.Service)]
    [InlineData("", false, "", "", UnitType.Service)]
    // Summon's types are internal and xunit calls public methods: the value comes in as object.
    public void Parses(string name, bool valid, string prefix, string instance, object typeValue)
    {
        var type = (UnitType)typeValue;
        Assert.Equal(valid, UnitName.TryParse(name, out UnitName? parsed));
        if (!valid)
        {
            Assert.Throws<ArgumentException>(() => UnitName.Parse(name));
            return;
        }

        Assert.Equal(name, parsed!.Name);
        Assert.Equal(prefix, parsed.Prefix);
        Assert.Equal(instance == "<null>" ? null : instance, parsed.Instance);
        Assert.Equal(type, parsed.Type);
        Assert.Equal("." + type.ToSuffix(), parsed.Suffix);
        Assert.Equal(instance == "", parsed.IsTemplate);
        Assert.Equal(instance is not "" and not "<null>", parsed.IsInstance);
        Assert.Equal(name, parsed.ToString());
    }

    [Fact]
    public void LengthLimitIs255()
    {
        string ok = new string('a', 255 - ".service".Length) + ".service";
        Assert.True(UnitName.TryParse(ok, out _));
        Assert.False(UnitName.TryParse("a" + ok, out _));
    }

    [Fact]
    public void Transformations()
    {
        UnitName template = UnitName.Parse("foo@.service");
        Assert.Equal("foo@x.service", template.WithInstance("x").Name);
        Assert.Equal("foo@y.service", UnitName.Parse("foo@x.service").WithInstance("y").Name);
        Assert.Equal("foo@.service", UnitName.Parse("foo@x.service").Template().Name);
        Assert.Equal("foo.service", UnitName.Parse("foo.socket").WithType(UnitType.Service).Name);
        Assert.Equal("foo@bar.service", UnitName.Parse("foo@bar.socket").WithType(UnitType.Service).Name);
        Assert.Throws<InvalidOperationException>(() => UnitName.Parse("foo.service").Template());
    }

    [Fact]
    public void ValueEquality()
    {
        Assert.Equal(UnitName.Parse("a.service"), UnitName.Parse("a.service"));
        Assert.True(UnitName.Parse("a.service") == UnitName.Parse("a.service"));
        Assert.NotEqual(UnitName.Parse("a.service"), UnitName.Parse("a.socket"));
        Assert.Single(new HashSet<UnitName> { UnitName.Parse("a.service"), UnitName.Parse("a.service") });
    }

    // systemd-escape outputs, checked with systemd-escape 252.
    [Theory]
    [InlineData("foo bar/baz", "foo\\x20bar-baz")]
    [InlineData(".hidden", "\\x2ehidden")]
    [InlineData("a-b", "a\\x2db")]
    [InlineData("10.0.0.1:80", "10.0.0.1:80")]
    [InlineData("a.b", "a.b")]
    [InlineData("ü", "\\xc3\\xbc")]
    [InlineData("a\\b", "a\\x5cb")]
    public void Escapes(string text, string escaped)
    {
        Assert.Equal(escaped, UnitNameEscaping.Escape(text));
        Assert.Equal(text, UnitNameEscaping.Unescape(escaped));
    }

    [Theory]
    [InlineData("/run/foo//bar/", "run-foo-bar")]
    [InlineData("/", "-")]
    [InlineData("/dev/sda", "dev-sda")]
    [InlineData("/home/a b", "home-a\\x20b")]
    public void EscapesPaths(string path, string escaped) => Assert.Equal(escaped, UnitNameEscaping.EscapePath(path));

    [Theory]
    [InlineData("\\x4")]
    [InlineData("\\y41")]
    [InlineData("a\\")]
    public void RejectsBadEscapes(string text) => Assert.False(UnitNameEscaping.TryUnescape(text, out _));
}
