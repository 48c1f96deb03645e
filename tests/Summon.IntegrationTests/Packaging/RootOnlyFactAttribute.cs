namespace Summon.IntegrationTests.Packaging;

/// <summary>A fact that installs into the system (dpkg -i): skipped, with the reason, for anybody but root.</summary>
internal sealed class RootOnlyFactAttribute : FactAttribute
{
    public RootOnlyFactAttribute(string why)
    {
        if (!string.Equals(Environment.UserName, "root", StringComparison.Ordinal) && Geteuid() != 0)
            Skip = "needs root: " + why;
    }

    private static uint Geteuid() => uint.TryParse(
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], out uint euid) ? euid : uint.MaxValue;
}
