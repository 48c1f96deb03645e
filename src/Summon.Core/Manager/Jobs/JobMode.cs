namespace Summon.Manager.Jobs;

/// <summary>systemctl's --job-mode=: how a new transaction treats the jobs already queued (systemd.unit(5), systemctl(1)).</summary>
internal enum JobMode
{
    /// <summary>Conflicting queued jobs are replaced (canceled).</summary>
    Replace,

    /// <summary>The request fails when it would change a queued job.</summary>
    Fail,

    /// <summary>Start the unit and stop every other unit (AllowIsolate=, IgnoreOnIsolate=).</summary>
    Isolate,

    /// <summary>Neither requirement nor ordering dependencies: the unit's job alone.</summary>
    IgnoreDependencies,

    /// <summary>No requirement dependencies, but ordering kept.</summary>
    IgnoreRequirements,

    /// <summary>As replace, and the jobs cannot be replaced later.</summary>
    ReplaceIrreversibly,
}

internal static class JobModes
{
    /// <summary>The --job-mode= word, or null for a word this manager does not take.</summary>
    public static JobMode? Parse(string? word) => word switch
    {
        null or "" or "replace" => JobMode.Replace,
        "fail" => JobMode.Fail,
        "isolate" => JobMode.Isolate,
        "ignore-dependencies" => JobMode.IgnoreDependencies,
        "ignore-requirements" => JobMode.IgnoreRequirements,
        "replace-irreversibly" => JobMode.ReplaceIrreversibly,
        _ => null,
    };
}
