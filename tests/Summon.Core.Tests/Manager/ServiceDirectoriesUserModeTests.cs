using Summon.Manager.Directories;
using Summon.Processes;
using Summon.Units;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// A user manager's service directories: under the XDG bases its <see cref="SpecifierContext"/> names, left owned by
/// the manager's user (no chown, as systemd's user manager), and RuntimeDirectory= failing with 233/RUNTIME_DIRECTORY
/// when there is no $XDG_RUNTIME_DIR to make it in.
/// </summary>
public sealed class ServiceDirectoriesUserModeTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("summon-user-dirs-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private static ExecSettings Settings(ExecDirectoryKind kind, params string[] names)
    {
        var exec = new ExecSettings();
        foreach (string name in names)
            exec.Directories[kind].Add(name, null);
        return exec;
    }

    private static List<string> Env(ServiceDirectories directories, ExecSettings exec)
    {
        var env = new List<string>();
        directories.AddEnvironment(env, exec);
        return env;
    }

    [Fact]
    public void Made_under_the_XDG_bases_and_named_in_the_environment()
    {
        var context = SpecifierContext.ForHost(userMode: true, 1000, 1000, name => name switch
        {
            "HOME" => _home,
            "XDG_RUNTIME_DIR" => _home + "/run",
            _ => null,
        });
        var directories = new ServiceDirectories(context);
        var exec = Settings(ExecDirectoryKind.State, "app", "app2/deep");
        exec.Directories[ExecDirectoryKind.Runtime].Add("r", null);
        exec.Directories[ExecDirectoryKind.Logs].Add("app", null);

        Assert.Empty(directories.Make(exec, ExecCredentials.None));
        Assert.True(Directory.Exists(_home + "/.config/app") && Directory.Exists(_home + "/.config/app2/deep"));
        Assert.True(Directory.Exists(_home + "/.config/log/app") && Directory.Exists(_home + "/run/r"));
        Assert.Equal(
            [$"RUNTIME_DIRECTORY={_home}/run/r", $"STATE_DIRECTORY={_home}/.config/app:{_home}/.config/app2/deep", $"LOGS_DIRECTORY={_home}/.config/log/app"],
            Env(directories, exec));

        Assert.True(directories.RemovesRuntime(exec, restarting: false));
        directories.RemoveRuntime(exec);
        Assert.False(Directory.Exists(_home + "/run/r"));
        Assert.True(Directory.Exists(_home + "/.config/app"));
    }

    [Fact]
    public void Without_XDG_RUNTIME_DIR_a_RuntimeDirectory_fails_with_233()
    {
        var context = SpecifierContext.ForHost(userMode: true, 1000, 1000, name => name == "HOME" ? _home : null);
        var directories = new ServiceDirectories(context);
        var e = Assert.Throws<SpawnException>(() => directories.Make(Settings(ExecDirectoryKind.Runtime, "r"), ExecCredentials.None));
        Assert.Equal(("RUNTIME_DIRECTORY", "Failed to set up special execution directory in $XDG_RUNTIME_DIR"), (e.Step, directories.FailureText(e.ExitStatus)));
        Assert.Empty(Env(directories, Settings(ExecDirectoryKind.Runtime, "r")));
    }
}
