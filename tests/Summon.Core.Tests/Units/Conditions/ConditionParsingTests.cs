using Summon.Units;

namespace Summon.Core.Tests.Units.Conditions;

/// <summary>Condition*=/Assert*= as systemd 252 reads them (its warnings checked against `systemd-analyze verify`).</summary>
public sealed class ConditionParsingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-cond-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LoadedUnit Load(string unitSection)
    {
        File.WriteAllText(Path.Combine(_dir, "c.service"), $"[Unit]\n{unitSection}\n[Service]\nExecStart=/bin/true\n");
        return new UnitLoader(UnitSearchPath.FromDirectories([_dir]), new SpecifierContext { Hostname = "vm" }).Load(UnitName.Parse("c.service"));
    }

    [Fact]
    public void Prefixes_specifiers_and_order()
    {
        var unit = Load("ConditionPathExists=/etc\nConditionHost=| ! %H\nAssertPathIsDirectory=|!/srv\nConditionPathExists=!/x/./y//z/");
        Assert.Empty(unit.Diagnostics);
        // systemd prepends: the last assignment comes first, and that is the order of testing and showing.
        Assert.Equal(["ConditionPathExists=!/x/y/z", "ConditionHost=|!vm", "ConditionPathExists=/etc"], unit.Unit.Conditions.Select(c => c.ToString()));
        var host = unit.Unit.Conditions[1];
        Assert.Equal((ConditionKind.Host, "vm", true, true, false, 3), (host.Kind, host.Parameter, host.Trigger, host.Negate, host.IsAssert, host.Line));
        Assert.Equal(["AssertPathIsDirectory=|!/srv"], unit.Unit.Asserts.Select(c => c.ToString()));
        Assert.True(SupportedKeys.IsSupported("Unit", "ConditionKernelVersion"));
        Assert.True(SupportedKeys.IsSupported("Unit", "AssertCPUFeature"));
        Assert.True(SupportedKeys.IsSupported("Service", "ExecCondition"));
    }

    [Fact]
    public void An_empty_assignment_empties_the_whole_list_of_conditions_or_asserts()
    {
        var unit = Load("ConditionPathExists=/a\nConditionHost=vm\nAssertHost=vm\nConditionKernelVersion=\nConditionUser=root");
        Assert.Equal(["ConditionUser=root"], unit.Unit.Conditions.Select(c => c.ToString()));
        Assert.Equal(["AssertHost=vm"], unit.Unit.Asserts.Select(c => c.ToString()));
    }

    [Fact]
    public void Bad_paths_and_specifiers_are_warned_about_and_ignored_as_systemd_does()
    {
        var unit = Load("ConditionPathExists=relative\nConditionPathExists=| ! /x\nConditionPathExists=/a/../b\nConditionHost=%z\nConditionPathExists=/x%z\nConditionPathExists=!|/x");
        string file = Path.Combine(_dir, "c.service");
        Assert.Equal(
            [
                $"{file}:2: ConditionPathExists= path is not absolute, ignoring: relative",
                $"{file}:3: ConditionPathExists= path is not absolute, ignoring:  ! /x",
                $"{file}:4: ConditionPathExists= path is not normalized, ignoring: /a/../b",
                $"{file}:5: Failed to resolve unit specifiers in '%z', ignoring: Invalid slot",
                $"{file}:6: Failed to resolve unit specifiers in /x%z, ignoring: Invalid slot",
                $"{file}:7: ConditionPathExists= path is not absolute, ignoring: |/x",
            ],
            unit.Diagnostics.Select(d => d.ToString()));
        Assert.Empty(unit.Unit.Conditions);
        Assert.Equal(LoadState.Loaded, unit.LoadState);
    }
}
