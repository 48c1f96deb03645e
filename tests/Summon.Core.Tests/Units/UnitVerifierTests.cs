using System.Diagnostics;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Core.Tests.Units;

public sealed class UnitVerifierTests : IDisposable
{
    private const string SystemdAnalyze = "/usr/bin/systemd-analyze";

    private readonly List<string> _dirs = [];

    public static TheoryData<string> CaseIds => new(VerifyCases.All.Select(c => c.Id));

    public void Dispose()
    {
        foreach (string dir in _dirs)
            Directory.Delete(dir, recursive: true);
    }

    private (string Dir, List<string> Files) Materialize(VerifyCases.Case c)
    {
        string dir = Directory.CreateTempSubdirectory("summon-verify-").FullName;
        _dirs.Add(dir);
        foreach ((string name, string content) in c.Files)
            File.WriteAllText(Path.Combine(dir, name), content);
        return (dir, c.Verify.Select(f => Path.Combine(dir, f)).ToList());
    }

    private static string[] Expected(VerifyCases.Case c, string dir)
        => c.Expected.Select(m => m.Replace("{dir}", dir, StringComparison.Ordinal).Replace("Failed to prepare filename ", "Failed to prepare filename " + dir + "/", StringComparison.Ordinal)).ToArray();

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void MatchesRecordedSystemdOutput(string id)
    {
        VerifyCases.Case c = VerifyCases.All.Single(x => x.Id == id);
        (string dir, List<string> files) = Materialize(c);
        string empty = Directory.CreateTempSubdirectory("summon-empty-").FullName;
        _dirs.Add(empty);

        VerifyResult result = UnitVerifier.Verify(files, UnitSearchPath.FromDirectories([empty]), new SpecifierContext(), ExecutableLookup.Find);

        Assert.Equal(Expected(c, dir), result.Messages.Where(m => !SupportedKeys.IsSummonOnly(m)));
        Assert.Equal(c.ExitCode, result.ExitCode);
    }

    /// <summary>Runs the real systemd-analyze verify on the same files (when installed) and compares output and status.</summary>
    [Theory]
    [MemberData(nameof(CaseIds))]
    public void MatchesSystemdAnalyze(string id)
    {
        if (!File.Exists(SystemdAnalyze))
            return; // no oracle on this machine
        VerifyCases.Case c = VerifyCases.All.Single(x => x.Id == id);
        (string _, List<string> files) = Materialize(c);

        var psi = new ProcessStartInfo(SystemdAnalyze) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("verify");
        foreach (string f in files)
            psi.ArgumentList.Add(f);
        psi.Environment.Remove("SYSTEMD_UNIT_PATH");
        psi.Environment.Remove("SYSTEMD_LOG_LEVEL");
        using Process p = Process.Start(psi)!;
        string stderr = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string[] systemd = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !IsEnvironmentNoise(l)).ToArray();

        VerifyResult ours = UnitVerifier.Verify(
            files,
            UnitSearchPath.Resolve(userMode: false, name => name == UnitSearchPath.EnvironmentVariable ? null : Environment.GetEnvironmentVariable(name)),
            SpecifierContext.ForHost(userMode: false, ProcessIdentity.RealUid, ProcessIdentity.RealGid),
            ExecutableLookup.Find);

        Assert.Equal(systemd, ours.Messages.Where(m => !SupportedKeys.IsSummonOnly(m)));
        Assert.Equal(p.ExitCode, ours.ExitCode);
    }

    /// <summary>verify asks its lookup, and only for the first command of each list not prefixed with '-'.</summary>
    [Fact]
    public void ExecutablesAreCheckedThroughTheLookupItIsGiven()
    {
        string dir = Directory.CreateTempSubdirectory("summon-verify-").FullName;
        _dirs.Add(dir);
        string file = Path.Combine(dir, "a.service");
        File.WriteAllText(file, "[Service]\nExecStart=/opt/app/run\nExecStartPre=-/opt/app/pre\nExecStop=stop-it\n");
        var asked = new List<string>();
        int Lookup(string name, out string? resolved)
        {
            asked.Add(name);
            resolved = null;
            return name == "stop-it" ? Errno.EACCES : 0;
        }

        VerifyResult result = UnitVerifier.Verify([file], UnitSearchPath.FromDirectories([dir]), new SpecifierContext(), Lookup);

        Assert.Equal(["/opt/app/run", "stop-it"], asked);
        Assert.Equal(["a.service: Command stop-it is not executable: Permission denied"], result.Messages.Where(m => !SupportedKeys.IsSummonOnly(m)));
        Assert.Equal(1, result.ExitCode);
    }

    /// <summary>Lines about this container rather than the units (no machine-id, no D-Bus, no cgroups…).</summary>
    private static bool IsEnvironmentNoise(string line)
        => line.Contains("machine-id", StringComparison.Ordinal)
        || line.Contains("Failed to connect to bus", StringComparison.Ordinal)
        || line.Contains("cgroup", StringComparison.OrdinalIgnoreCase)
        || line.Contains("Failed to open /dev/tty", StringComparison.Ordinal);
}
