namespace Summon.IntegrationTests.Harness;

/// <summary>A fact that needs root (namespaces, mounts): skipped, with the reason, for anybody else.</summary>
internal sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Geteuid() != 0)
        {
            Skip = "needs root: unshare --pid --fork --mount-proc creates a PID namespace";
        }
        else if (!File.Exists("/usr/bin/unshare") && !File.Exists("/bin/unshare"))
        {
            Skip = "needs unshare (util-linux)";
        }
    }

    private static uint Geteuid() => uint.TryParse(
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], out uint euid) ? euid : uint.MaxValue;
}
