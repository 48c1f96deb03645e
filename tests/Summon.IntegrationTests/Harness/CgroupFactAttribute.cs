namespace Summon.IntegrationTests.Harness;

/// <summary>A fact that needs a writable cgroup2 hierarchy: skipped, with the reason, where there is none.</summary>
internal sealed class CgroupFactAttribute : FactAttribute
{
    public CgroupFactAttribute()
    {
        if (CgroupScratch.Unavailable is { } reason)
            Skip = "needs a writable cgroup2 hierarchy: " + reason;
    }
}
