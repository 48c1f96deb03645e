using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.SandboxTable;

/// <summary>
/// The files the probe rows point at, outside /tmp and /home so that only the key under test hides them:
/// artifacts/probe-table-RANDOM/ holding a copy of sandbox-probe, its setuid-root copy, the -p directory P (one
/// entry, exec-me, a copy of the probe), bind-src (three entries) and root (for RootDirectory=). Dispose removes it.
/// </summary>
internal sealed class SandboxProbeFixture : IDisposable
{
    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101;

    public SandboxProbeFixture()
    {
        Dir = Path.Combine(RepositoryRoot.Find(), "artifacts", "probe-table-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(PathDir);
        Directory.CreateDirectory(Path.Combine(Dir, "bind-src"));
        Directory.CreateDirectory(Path.Combine(Dir, "root"));
        foreach (string name in (string[])["a", "b", "c"])
            File.WriteAllText(Path.Combine(Dir, "bind-src", name), name);
        foreach (string copy in (string[])[Probe, SetuidCopy, Path.Combine(PathDir, "exec-me")])
        {
            File.Copy(TestPrograms.SandboxProbe, copy);
            File.SetUnixFileMode(copy, Executable);
        }

        File.SetUnixFileMode(SetuidCopy, Executable | UnixFileMode.SetUser);
        foreach (string dir in (string[])[Dir, PathDir])
            File.SetUnixFileMode(dir, Executable);
    }

    public string Dir { get; }

    public string Probe => Path.Combine(Dir, "sandbox-probe");

    /// <summary>A setuid-root copy of the probe: setuid_gain runs it.</summary>
    public string SetuidCopy => Path.Combine(Dir, "suid-probe");

    /// <summary>The probe's -p directory ({P} in a row).</summary>
    public string PathDir => Path.Combine(Dir, "p");

    /// <summary>A row's settings with {P} and {F} replaced.</summary>
    public string Expand(string settings) => settings.Replace("{P}", PathDir, StringComparison.Ordinal).Replace("{F}", Dir, StringComparison.Ordinal);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A mount a failed test left behind keeps it; artifacts/ is not committed.
        }
    }
}
