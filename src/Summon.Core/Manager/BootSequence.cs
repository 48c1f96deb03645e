using Microsoft.Extensions.Logging;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// Boot, as systemd boots: one start job for default.target, which pulls in what the special targets want and
/// require (their .wants/ and .requires/ links), ordered by After=/Before= (<see cref="Jobs.JobEngine"/>). A broken
/// unit never stops the others: what it was only wanted by leaves it out.
/// </summary>
internal sealed class BootSequence(UnitManager manager, UnitRegistry registry, ILogger log)
{
    /// <summary>The targets whose .wants/ a boot reaches, looked at first for units that cannot load here.</summary>
    private static readonly string[] BootTargets = ["sockets.target", "basic.target", "multi-user.target", "default.target"];

    /// <summary>Queues the boot job; the task ends with it.</summary>
    public Task<JobResult> Start()
    {
        // systemd --user refuses to run without $XDG_RUNTIME_DIR; Summon runs (its own runtime directory has a
        // fallback) and leaves out, in one line, the enabled units whose %t cannot resolve.
        var withoutRuntimeDirectory = new List<string>();
        foreach (var target in BootTargets)
        {
            foreach (var name in manager.Installer.WantedBy(target))
            {
                if (!UnitName.TryParse(name, out var parsed) || parsed.IsTemplate || withoutRuntimeDirectory.Contains(name))
                    continue;
                var definition = registry.LoadDefinition(parsed, quietWithoutRuntimeDirectory: true);
                if (definition.NeedsRuntimeDirectory && definition.LoadState != LoadState.Loaded)
                    withoutRuntimeDirectory.Add(name);
            }
        }
        if (withoutRuntimeDirectory.Count > 0)
            ManagerLog.NoRuntimeDirectory(log, string.Join(", ", withoutRuntimeDirectory));
        var boot = manager.StartJob("default.target");
        if (boot.IsCompleted && boot.Result.Error is { } error)
            ManagerLog.UnitError(log, "default.target", $"Failed to start default.target: {error.Failure}");
        return boot;
    }
}
