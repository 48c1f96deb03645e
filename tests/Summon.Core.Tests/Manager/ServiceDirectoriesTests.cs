using Summon.Control;
using Summon.Manager;
using Summon.Processes;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// RuntimeDirectory= and its kin (issue 13, directories) made by a real manager on the real file system under the
/// harness's SUMMON_DIRECTORY_ROOT, with fake processes: before the first command, with the mode and owner asked for,
/// named in the environment, the runtime ones removed when the service is dead unless preserved, and a directory that
/// cannot be made failing the command with systemd's status and words.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ServiceDirectoriesTests : IDisposable
{
    private const uint Nobody = 65534;
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;

    public ServiceDirectoriesTests() => _h = new ManagerHarness(_processes,
        (user, group, groups) => ExecCredentials.Resolve(user, group, groups, ""));

    public void Dispose() => _h.Dispose();

    private string Dirs(string relative) => Path.Combine(_h.Root, "dirs", relative);

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);

    private static unsafe (uint Uid, uint Gid) Owner(string path)
    {
        byte* buffer = stackalloc byte[Summon.Interop.Libc.StatSize];
        Assert.Equal(0, Summon.Interop.Libc.Fstatat(Summon.Interop.Libc.AT_FDCWD, path, buffer, Summon.Interop.Libc.AT_SYMLINK_NOFOLLOW));
        var (_, uid, gid) = Summon.Interop.Libc.StatModeAndOwner(buffer);
        return (uid, gid);
    }

    private void StopAndSettle(string name, ServiceUnit service)
    {
        _h.Manager.Stop(name);
        Assert.True(_h.PumpUntil(() => service.ActiveState is UnitActiveState.Inactive or UnitActiveState.Failed));
        Settle(name);
    }

    /// <summary>Waits for the directory work of <paramref name="name"/> queued off the loop (the removal at its end).</summary>
    private void Settle(string name) => Assert.True(_h.PumpUntil(() => _h.Manager.UnitDirectories.Quiet(name).IsCompleted));

    [Fact]
    public void Made_before_the_first_command_with_their_modes_named_in_its_environment_and_the_runtime_ones_removed_at_stop()
    {
        _h.WriteUnit("d.service", "[Service]\nExecStartPre=/fake/exit 0\nExecStart=/fake/run\nRuntimeDirectory=d nested/inner\nRuntimeDirectoryMode=0750\nStateDirectory=d\nCacheDirectory=d\nLogsDirectory=d\nConfigurationDirectory=d\nEnvironment=STATE_DIRECTORY=overridden\n");
        var service = _h.Service("d.service");
        Assert.True(_h.Start("d.service").Success);

        var pre = _processes.Started[0].Request!;
        Assert.Contains($"RUNTIME_DIRECTORY={Dirs("run/d")}:{Dirs("run/nested/inner")}", pre.Environment);
        Assert.Contains("STATE_DIRECTORY=overridden", pre.Environment);   // Environment= wins, as in systemd
        Assert.Contains($"CACHE_DIRECTORY={Dirs("var/cache/d")}", pre.Environment);
        Assert.Contains($"LOGS_DIRECTORY={Dirs("var/log/d")}", pre.Environment);
        Assert.Contains($"CONFIGURATION_DIRECTORY={Dirs("etc/d")}", pre.Environment);
        Assert.Equal(("750", "750", "755", "755"), (Mode(Dirs("run/d")), Mode(Dirs("run/nested/inner")), Mode(Dirs("run/nested")), Mode(Dirs("var/lib/d"))));
        Assert.Equal((0u, 0u), Owner(Dirs("var/lib/d")));

        Assert.True(_h.PumpUntil(() => service.State == ServiceState.Running));
        File.WriteAllText(Path.Combine(Dirs("run/d"), "pid"), "1");
        StopAndSettle("d.service", service);
        Assert.False(Directory.Exists(Dirs("run/d")));
        Assert.False(Directory.Exists(Dirs("run/nested/inner")));
        Assert.True(Directory.Exists(Dirs("run/nested")));   // only the innermost directories go, as systemd's
        Assert.True(Directory.Exists(Dirs("var/lib/d")) && Directory.Exists(Dirs("var/cache/d")) && Directory.Exists(Dirs("var/log/d")) && Directory.Exists(Dirs("etc/d")));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void Owned_by_User_with_the_existing_tree_chowned_and_the_mode_set_again_but_a_configuration_directory_left_alone()
    {
        Directory.CreateDirectory(Dirs("var/lib/s/sub"));
        File.WriteAllText(Dirs("var/lib/s/sub/file"), "x");
        File.SetUnixFileMode(Dirs("var/lib/s"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Dirs("etc/c"));
        _h.WriteUnit("u.service", "[Service]\nUser=nobody\nExecStart=/fake/run\nStateDirectory=s\nConfigurationDirectory=c\nConfigurationDirectoryMode=0555\n");
        var service = _h.Service("u.service");
        Assert.True(_h.Start("u.service").Success);
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.Running));

        Assert.Equal((Nobody, Nobody), Owner(Dirs("var/lib/s")));
        Assert.Equal((Nobody, Nobody), Owner(Dirs("var/lib/s/sub")));
        Assert.Equal((Nobody, Nobody), Owner(Dirs("var/lib/s/sub/file")));
        Assert.Equal("755", Mode(Dirs("var/lib/s")));
        Assert.Equal((0u, 0u), Owner(Dirs("etc/c")));
        Assert.Equal("755", Mode(Dirs("etc/c")));
        Assert.Contains("u.service: ConfigurationDirectory 'c' already exists but the mode is different. (File system: 755 ConfigurationDirectoryMode: 555)", _h.Lines("u.service"));
        Assert.Empty(_h.Errors);
    }

    [Theory]
    [InlineData("no", false, false)]
    [InlineData("restart", true, false)]
    [InlineData("yes", true, true)]
    public void RuntimeDirectoryPreserve_keeps_them_over_a_restart_or_a_stop(string preserve, bool keptOverRestart, bool keptOverStop)
    {
        _h.WriteUnit("p.service", $"[Service]\nExecStart=/fake/exit 1\nRestart=on-failure\nRestartSec=1s\nRuntimeDirectory=p\nRuntimeDirectoryPreserve={preserve}\n");
        var service = _h.Service("p.service");
        Assert.True(_h.Start("p.service").Success);
        Assert.True(_h.PumpUntil(() => service.State == ServiceState.AutoRestart));
        Settle("p.service");
        Assert.Equal(keptOverRestart, Directory.Exists(Dirs("run/p")));

        StopAndSettle("p.service", service);
        Assert.Equal(keptOverStop, Directory.Exists(Dirs("run/p")));
    }

    [Fact]
    public void Symlinks_of_the_name_colon_link_form_are_made_and_removed_with_their_directory()
    {
        _h.WriteUnit("l.service", "[Service]\nExecStart=/fake/run\nRuntimeDirectory=real:alias real:deep/alias2\n");
        var service = _h.Service("l.service");
        Assert.True(_h.Start("l.service").Success);
        Assert.Equal("real", new FileInfo(Dirs("run/alias")).LinkTarget);
        Assert.Equal("../real", new FileInfo(Dirs("run/deep/alias2")).LinkTarget);
        Assert.Contains($"RUNTIME_DIRECTORY={Dirs("run/real")}", _processes.Last!.Request!.Environment);

        StopAndSettle("l.service", service);
        Assert.False(Path.Exists(Dirs("run/alias")) || Path.Exists(Dirs("run/deep/alias2")) || Path.Exists(Dirs("run/real")));
    }

    [Fact]
    public void A_directory_that_cannot_be_made_fails_the_command_with_the_kinds_status_and_systemds_words()
    {
        Directory.CreateDirectory(Dirs("var"));
        File.WriteAllText(Dirs("var/lib"), "a file where the base should be");
        _h.WriteUnit("f.service", "[Service]\nType=oneshot\nExecStart=/fake/exit 0\nStateDirectory=s\n");
        var service = _h.Service("f.service");
        Assert.False(_h.Start("f.service").Success);
        Assert.Empty(_processes.Started);
        Assert.Equal((UnitActiveState.Failed, "exit-code", "code=exited, status=238/STATE_DIRECTORY"), (service.ActiveState, service.Result, service.ExecMainStatus.ToString()));
        Assert.Equal(
            [
                $"f.service: Failed to set up special execution directory in {Dirs("var/lib")}: Not a directory",
                "f.service: Failed at step STATE_DIRECTORY spawning /fake/exit: Not a directory",
                "f.service: Main process exited, code=exited, status=238/STATE_DIRECTORY",
            ],
            _h.Lines("f.service").Take(3));
        Assert.Empty(_h.Errors);
    }

    [Fact]
    public void A_directory_that_is_a_symbolic_link_is_refused_and_its_target_left_untouched()
    {
        string elsewhere = Path.Combine(_h.Root, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        File.SetUnixFileMode(elsewhere, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Dirs("run"));
        File.CreateSymbolicLink(Dirs("run/r"), elsewhere);
        _h.WriteUnit("r.service", "[Service]\nUser=nobody\nExecStart=/fake/run\nRuntimeDirectory=r\n");
        var service = _h.Service("r.service");
        _h.Start("r.service");
        Assert.True(_h.PumpUntil(() => service.ActiveState == UnitActiveState.Failed));
        Assert.Equal("code=exited, status=233/RUNTIME_DIRECTORY", service.ExecMainStatus.ToString());
        Assert.Equal(("700", (0u, 0u)), (Mode(elsewhere), Owner(elsewhere)));
    }

    [Fact]
    public void Show_lists_the_directories_and_modes_as_systemd_252()
    {
        _h.WriteUnit("s.service", "[Service]\nExecStart=/fake/run\nRuntimeDirectory=a b:c\nRuntimeDirectoryMode=0700\nRuntimeDirectoryPreserve=restart\nLogsDirectory=l\n");
        var info = UnitProperties.Of(_h.Service("s.service"), _h.Manager);
        var p = info.Properties.Where(p => p.Name.Contains("Directory", StringComparison.Ordinal)).Select(p => $"{p.Name}={p.Value}");
        Assert.Equal(
            [
                "RuntimeDirectoryPreserve=restart", "RuntimeDirectoryMode=0700", "RuntimeDirectory=a b",
                "StateDirectoryMode=0755", "StateDirectory=", "CacheDirectoryMode=0755", "CacheDirectory=",
                "LogsDirectoryMode=0755", "LogsDirectory=l", "ConfigurationDirectoryMode=0755", "ConfigurationDirectory=",
            ],
            p);
    }
}
