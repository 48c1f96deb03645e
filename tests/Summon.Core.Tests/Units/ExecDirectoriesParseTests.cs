using Summon.Units;

namespace Summon.Core.Tests.Units;

/// <summary>RuntimeDirectory= and its kin read as systemd 252's config_parse_exec_directories (systemd-analyze verify
/// gives the same warnings for the same lines), and where the names go in system and user mode.</summary>
public sealed class ExecDirectoriesParseTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("summon-dirs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LoadedUnit Load(string body, SpecifierContext? context = null)
    {
        File.WriteAllText(Path.Combine(_dir, "d.service"), "[Service]\nExecStart=/bin/true\n" + body);
        return new UnitLoader(UnitSearchPath.FromDirectories([_dir]), context ?? new SpecifierContext()).Load(UnitName.Parse("d.service"));
    }

    private static string[] Paths(LoadedUnit unit, ExecDirectoryKind kind) => [.. unit.Service!.Exec.Directories[kind].Items.Select(i => i.Path)];

    [Fact]
    public void Several_names_specifiers_simplified_paths_and_a_reset_by_the_empty_value()
    {
        var unit = Load("RuntimeDirectory=old\nRuntimeDirectory=\nRuntimeDirectory=%N foo//bar/ \"sp ace\"\nStateDirectory=a\nStateDirectory=b a\nLogsDirectoryMode=0750\n");
        Assert.All(unit.Diagnostics, d => Assert.True(SupportedKeys.IsSummonOnly(d.ToString()), d.ToString()));
        Assert.Equal(["d", "foo/bar", "sp ace"], Paths(unit, ExecDirectoryKind.Runtime));
        Assert.Equal(["a", "b"], Paths(unit, ExecDirectoryKind.State));
        Assert.Equal(0b111_101_000u, unit.Service!.Exec.Directories[ExecDirectoryKind.Logs].Mode);
        Assert.Equal(0b111_101_101u, unit.Service.Exec.Directories[ExecDirectoryKind.Cache].Mode);
        Assert.Equal(RuntimeDirectoryPreserve.No, unit.Service.Exec.Directories.Preserve);
    }

    [Fact]
    public void The_keys_are_honoured_and_not_reported()
    {
        var unit = Load("RuntimeDirectory=a\nStateDirectory=a\nCacheDirectory=a\nLogsDirectory=a\nConfigurationDirectory=a\nRuntimeDirectoryMode=0700\nStateDirectoryMode=0700\nCacheDirectoryMode=0700\nLogsDirectoryMode=0700\nConfigurationDirectoryMode=0700\nRuntimeDirectoryPreserve=restart\n");
        Assert.Empty(unit.Diagnostics);
        Assert.Equal(RuntimeDirectoryPreserve.Restart, unit.Service!.Exec.Directories.Preserve);
    }

    [Fact]
    public void Bad_values_are_ignored_with_systemds_warnings()
    {
        var unit = Load("RuntimeDirectory=/abs foo/../bar ok .\nConfigurationDirectory=conf:link\nCacheDirectoryMode=0999\nRuntimeDirectoryPreserve=maybe\n");
        string f = Path.Combine(_dir, "d.service");
        Assert.Equal(
            [
                $"{f}:3: RuntimeDirectory= path is absolute, ignoring: /abs",
                $"{f}:3: RuntimeDirectory= path is not normalized, ignoring: foo/../bar",
                $"{f}:3: RuntimeDirectory= path is not normalized, ignoring: .",
                $"{f}:4: Destination parameter is not supported for ConfigurationDirectory, ignoring: conf:link",
                $"{f}:5: Failed to parse mode value, ignoring: 0999",
                $"{f}:6: Failed to parse runtime directory preserve mode, ignoring: maybe",
            ],
            unit.Diagnostics.Select(d => d.ToString()));
        Assert.Equal(["ok"], Paths(unit, ExecDirectoryKind.Runtime));
        Assert.Empty(Paths(unit, ExecDirectoryKind.Configuration));
    }

    [Fact]
    public void The_name_colon_link_form_adds_links_to_one_entry()
    {
        var unit = Load("RuntimeDirectory=foo:bar foo:baz plain:\n");
        var items = unit.Service!.Exec.Directories[ExecDirectoryKind.Runtime].Items;
        Assert.Equal(["foo", "plain"], items.Select(i => i.Path));
        Assert.Equal(["bar", "baz"], items[0].Symlinks);
        Assert.Empty(items[1].Symlinks);
    }

    [Theory]
    [InlineData("yes", "Yes")]
    [InlineData("true", "Yes")]
    [InlineData("no", "No")]
    [InlineData("restart", "Restart")]
    public void RuntimeDirectoryPreserve_takes_a_boolean_or_restart(string value, string expected) =>
        Assert.Equal(expected, Load($"RuntimeDirectoryPreserve={value}\n").Service!.Exec.Directories.Preserve.ToString());

    [Fact]
    public void System_bases_follow_SUMMON_DIRECTORY_ROOT_and_user_bases_the_XDG_variables_as_systemd_252()
    {
        var env = new Dictionary<string, string>
        {
            ["SUMMON_DIRECTORY_ROOT"] = "/tmp/root/",
            ["HOME"] = "/home/u",
            ["XDG_RUNTIME_DIR"] = "/run/user/1000",
            ["XDG_CACHE_HOME"] = "/home/u/.cache2",
        };
        var system = SpecifierContext.ForHost(userMode: false, 0, 0, env.GetValueOrDefault);
        Assert.Equal(["/tmp/root/run", "/tmp/root/var/lib", "/tmp/root/var/cache", "/tmp/root/var/log", "/tmp/root/etc"],
            ExecDirectories.Kinds.Select(k => ExecDirectories.Base(system, k)));
        var user = SpecifierContext.ForHost(userMode: true, 1000, 1000, env.GetValueOrDefault);
        Assert.Equal(["/run/user/1000", "/home/u/.config", "/home/u/.cache2", "/home/u/.config/log", "/home/u/.config"],
            ExecDirectories.Kinds.Select(k => ExecDirectories.Base(user, k)));
        var plain = SpecifierContext.ForHost(userMode: false, 0, 0, _ => null);
        Assert.Equal(["/run", "/var/lib", "/var/cache", "/var/log", "/etc"], ExecDirectories.Kinds.Select(k => ExecDirectories.Base(plain, k)));
    }

    [Fact]
    public void Specifiers_t_S_C_L_E_name_the_same_bases()
    {
        var context = new SpecifierContext { RuntimeDirectory = "/r", StateDirectory = "/s", CacheDirectory = "/c", LogsDirectory = "/l", ConfigDirectory = "/e" };
        var unit = Load("Environment=X=%t:%S:%C:%L:%E\n", context);
        Assert.Equal(["X=/r:/s:/c:/l:/e"], unit.Service!.Environment);
    }
}
