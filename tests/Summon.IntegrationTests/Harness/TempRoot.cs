using System.Security.Cryptography;

namespace Summon.IntegrationTests.Harness;

/// <summary>
/// A private world for one test: <c>units/</c> (SUMMON_UNIT_PATH), <c>run/</c> (SUMMON_RUNTIME_DIR, control
/// socket) and <c>state/</c> (SUMMON_STATE_DIR, journal) under a short /tmp path, so Unix socket paths stay well
/// below the 108-byte sun_path limit. Dispose removes it.
/// </summary>
internal sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Dir = Path.Combine("/tmp", "summon-it-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        UnitDir = Path.Combine(Dir, "units");
        RuntimeDir = Path.Combine(Dir, "run");
        StateDir = Path.Combine(Dir, "state");
        Directory.CreateDirectory(UnitDir);
        Directory.CreateDirectory(RuntimeDir);
        Directory.CreateDirectory(StateDir);
        Environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } path
                ? path
                : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            // systemctl draws ● and → only in a UTF-8 locale; say so explicitly rather than rely on defaults.
            ["LANG"] = "C.UTF-8",
            ["SUMMON_UNIT_PATH"] = UnitDir,
            ["SUMMON_RUNTIME_DIR"] = RuntimeDir,
            ["SUMMON_STATE_DIR"] = StateDir,
        };
        Cgroups = CgroupScratch.Create(Path.GetFileName(Dir));
        if (Cgroups is not null)
            SetEnvironment("SUMMON_CGROUP_ROOT", Cgroups.Root);
    }

    /// <summary>This test's cgroup2 subtree (SUMMON_CGROUP_ROOT), removed by Dispose; null without a writable cgroup2.</summary>
    public CgroupScratch? Cgroups { get; }

    public string Dir { get; }

    /// <summary>Changes one variable of <see cref="Environment"/> for everything started afterwards.</summary>
    public void SetEnvironment(string name, string value) => ((Dictionary<string, string>)Environment)[name] = value;

    /// <summary>First (and only) directory of SUMMON_UNIT_PATH: where unit files live and <c>enable</c> writes.</summary>
    public string UnitDir { get; }

    public string RuntimeDir { get; }

    public string StateDir { get; }

    public string ControlSocket => Path.Combine(RuntimeDir, "control");

    /// <summary>The complete environment every summon process (daemon and CLI) of this test gets.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Writes <paramref name="text"/> as <c>units/NAME</c> and returns its full path.</summary>
    public string WriteUnit(string name, string text) => WriteFile(Path.Combine("units", name), text);

    /// <summary>Writes a file below the root (parents created) and returns its full path.</summary>
    public string WriteFile(string relativePath, string text, bool executable = false)
    {
        string path = Path.Combine(Dir, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        if (executable)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return path;
    }

    public void Dispose()
    {
        Cgroups?.Remove();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A straggler still writing; /tmp is cleaned eventually, and failing the test here would hide the real result.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
