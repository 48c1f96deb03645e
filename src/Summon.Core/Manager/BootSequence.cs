using Microsoft.Extensions.Logging;
using Summon.Control;
using Summon.Posix;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// Starts what is enabled at boot: the units linked in the .wants/ of the boot targets of every unit directory, with
/// what they Require=/Want=, ordered by After=/Before=. A unit waits only for the units it is ordered after; a
/// broken unit never stops the others.
/// </summary>
internal sealed class BootSequence(UnitManager manager, UnitRegistry registry, ILogger log)
{
    /// <summary>The targets whose .wants/ the manager starts at boot, in this order.</summary>
    private static readonly string[] BootTargets = ["sockets.target", "basic.target", "multi-user.target", "default.target"];

    public void Start()
    {
        var names = new List<string>();
        var withoutRuntimeDirectory = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string name, int depth)
        {
            if (depth > 32 || name.EndsWith(".target", StringComparison.Ordinal) || !seen.Add(name))
                return;
            if (!UnitName.TryParse(name, out var parsed) || parsed.IsTemplate)
                return;
            var definition = registry.LoadDefinition(parsed, quietWithoutRuntimeDirectory: true);
            if (definition.NeedsRuntimeDirectory && definition.LoadState != LoadState.Loaded)
            {
                withoutRuntimeDirectory.Add(name);
                return;
            }
            foreach (var dep in definition.Unit.Requires.Concat(definition.Unit.Wants))
                Add(dep, depth + 1);
            names.Add(name);
        }
        foreach (var target in BootTargets)
            foreach (var name in manager.Installer.WantedBy(target))
                Add(name, 0);
        // systemd --user refuses to run without $XDG_RUNTIME_DIR; Summon runs (its own runtime directory has a
        // fallback) and leaves out, in one line, the units whose %t cannot resolve.
        if (withoutRuntimeDirectory.Count > 0)
            ManagerLog.NoRuntimeDirectory(log, string.Join(", ", withoutRuntimeDirectory));

        var ordered = StartupOrder.Sort(names, n => registry.Loaded(n)?.Unit.After ?? [], n => registry.Loaded(n)?.Unit.Before ?? []);
        StartInOrder(ordered, 0, new Dictionary<string, Task<JobResult>>(StringComparer.Ordinal));
    }

    private void StartInOrder(List<string> ordered, int next, Dictionary<string, Task<JobResult>> jobs)
    {
        for (int i = next; i < ordered.Count; i++)
        {
            string name = ordered[i];
            var definition = registry.Loaded(name);
            var orderedAfter = (definition?.Unit.After ?? []).Concat(ordered.Where(o => registry.Loaded(o)?.Unit.Before.Contains(name) == true))
                .Where(jobs.ContainsKey).Select(n => jobs[n]).Where(t => !t.IsCompleted).ToList();
            if (orderedAfter.Count > 0)
            {
                int resume = i;
                Task.WhenAll(orderedAfter).ContinueWith(_ => manager.Loop.Post(() => StartInOrder(ordered, resume, jobs)), TaskScheduler.Default);
                return;
            }

            var failedRequirement = (definition?.Unit.Requires ?? []).FirstOrDefault(r => jobs.TryGetValue(r, out var t) && t.IsCompleted && !t.Result.Success);
            if (failedRequirement is not null)
            {
                ManagerLog.DependencyFailed(log, name, definition is null ? "" : (definition.Description == name ? "" : " - " + definition.Description));
                jobs[name] = Task.FromResult(JobResult.Failed(name, JobFailure.UnitFailed, "dependency"));
                continue;
            }

            try
            {
                jobs[name] = manager.StartJob(name);
                var job = jobs[name];
                // A unit that cannot even be loaded says so once at boot; one that started and failed has logged why.
                if (job.IsCompleted && job.Result.Error is { Failure: not JobFailure.UnitFailed })
                    ManagerLog.UnitError(log, name, $"Failed to start {name}: {definition?.LoadStateMessage ?? "Unit type not supported."}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ErrnoException or ArgumentException)
            {
                ManagerLog.UnitError(log, name, "Failed to start: " + e.Message);
                jobs[name] = Task.FromResult(JobResult.Failed(name, JobFailure.UnitFailed, UnitResult.Resources));
            }
        }
    }
}
