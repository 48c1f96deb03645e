using Summon.Units;

namespace Summon.Core.Tests.Units;

public sealed class UnitAliasesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-alias-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private UnitLoader Loader()
    {
        File.WriteAllText(Path.Combine(_dir, "foo.service"), "[Service]\nExecStart=/bin/true\n");
        File.WriteAllText(Path.Combine(_dir, "tpl@.service"), "[Service]\nExecStart=/bin/echo %i %n\n");
        File.WriteAllText(Path.Combine(_dir, "foo.socket"), "[Socket]\nListenStream=9000\n");
        string[][] links =
        [
            ["bar.service", "foo.service"], ["baz.service", "bar.service"], ["ali@.service", "tpl@.service"],
            ["tpl@x.service", "tpl@.service"], ["wrong.socket", "foo.service"], ["plain.service", "tpl@.service"],
            ["same.service", "same.service.real"],
        ];
        foreach (string[] link in links)
            File.CreateSymbolicLink(Path.Combine(_dir, link[0]), link[1]);
        return new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" });
    }

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // requested name, Id (canonical), Names, load state
        { "foo.service", "foo.service", "foo.service bar.service baz.service", "Loaded" },
        { "bar.service", "foo.service", "foo.service bar.service baz.service", "Loaded" },
        { "baz.service", "foo.service", "foo.service bar.service baz.service", "Loaded" },
        { "ali@y.service", "tpl@y.service", "tpl@y.service ali@y.service", "Loaded" },
        { "tpl@x.service", "tpl@x.service", "tpl@x.service ali@x.service", "Loaded" },
        { "wrong.socket", "wrong.socket", "wrong.socket", "NotFound" },
        { "plain.service", "plain.service", "plain.service", "NotFound" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AliasResolvesToItsTarget(string requested, string id, string names, string state)
    {
        UnitLoader loader = Loader();
        LoadedUnit unit = loader.Load(UnitName.Parse(requested));
        Assert.Equal(id, unit.Name.Name);
        Assert.Equal(names, string.Join(' ', unit.Names));
        Assert.Equal(state, unit.LoadState.ToString());
        Assert.Same(unit, loader.Load(UnitName.Parse(id)));
    }

    [Fact]
    public void RejectedLinksAreReportedAsSystemdDoes()
    {
        UnitLoader loader = Loader();
        Assert.Equal(
            [
                "plain.service: symlink target name type \"tpl@.service\" does not match source, rejecting.",
                "wrong.socket: symlink target name type \"foo.service\" does not match source, rejecting.",
            ],
            loader.Aliases.Problems);
    }

    [Fact]
    public void InstanceOfAnAliasedTemplateExpandsSpecifiersWithTheCanonicalName()
    {
        LoadedUnit unit = Loader().Load(UnitName.Parse("ali@y.service"));
        Assert.Equal(["/bin/echo", "y", "tpl@y.service"], unit.Service!.ExecStart[0].Argv);
    }
}
