using Microsoft.Extensions.Logging;
using Summon.Control;

namespace Summon.Manager.Jobs;

/// <summary>
/// One request turned into the jobs it needs (systemd's transaction.c): the anchor job and what its unit's
/// dependencies pull in, redundant jobs dropped, conflicting jobs for one unit resolved or refused, ordering cycles
/// broken by deleting a job that does not matter to the anchor, and the result checked against the queued jobs.
/// Built and applied on the loop, at once; nothing here waits.
/// </summary>
internal sealed class Transaction(JobEngine engine, DependencyGraph graph, JobMode mode, ILogger log)
{
    private readonly List<TransactionJob> _jobs = [];
    private uint _generation;

    public TransactionJob? Anchor { get; private set; }

    /// <summary>The live jobs, in the order they were added.</summary>
    public IEnumerable<TransactionJob> Jobs => _jobs.Where(j => !j.Deleted);

    /// <summary>Adds the request's job and everything it pulls in; throws <see cref="TransactionFailure"/>.</summary>
    public void AddAnchor(UnitRuntime unit, JobType type)
    {
        Anchor = Add(type, unit, null, matters: true, conflicts: false, ignoreRequirements: mode is JobMode.IgnoreRequirements or JobMode.IgnoreDependencies);
        if (mode == JobMode.Isolate)
            AddIsolateJobs();
    }

    /// <summary>Further anchors of a combined request (shutdown's stop of every unit): each matters.</summary>
    public void AddAlso(UnitRuntime unit, JobType type) => Add(type, unit, null, matters: true, conflicts: false, ignoreRequirements: false);

    /// <summary>Checks and simplifies the jobs, as transaction_activate() before it applies them; throws <see cref="TransactionFailure"/>.</summary>
    public void Verify()
    {
        MarkJobsThatMatter();
        DropRedundantJobs();
        CollectGarbage();
        MergeJobs();
        while (!VerifyOrder())
            CollectGarbage();
        DropRedundantJobs();
        CheckNotDestructive();
    }

    // ---- building ------------------------------------------------------------------------------------------------

    private TransactionJob? Add(JobType type, UnitRuntime unit, TransactionJob? by, bool matters, bool conflicts, bool ignoreRequirements)
    {
        if (type == JobType.TryRestart)
            type = unit.ActiveState is UnitActiveState.Inactive or UnitActiveState.Failed ? JobType.Nop : JobType.Restart;
        if (type == JobType.Reload && by is not null && unit.ActiveState is not (UnitActiveState.Active or UnitActiveState.Reloading))
            type = JobType.Nop;
        if (type == JobType.Nop)
            return null;

        var job = _jobs.FirstOrDefault(j => !j.Deleted && j.Unit == unit && j.Type == type);
        bool isNew = job is null;
        job ??= new TransactionJob(unit, type) { IgnoreOrder = mode == JobMode.IgnoreDependencies };
        var link = new JobLink(by, job, matters);
        job.Subjects.Add(link);
        by?.Objects.Add(link);
        job.FromConflict |= conflicts;
        if (!isNew)
            return job;
        _jobs.Add(job);
        if (ignoreRequirements)
            return job;

        string id = unit.Id;
        if (type is JobType.Start or JobType.Restart)
        {
            foreach (var dep in graph.Of(id, DependencyKind.Requires).Concat(graph.Of(id, DependencyKind.BindsTo)))
                AddRequired(JobType.Start, dep, job);
            foreach (var dep in graph.Of(id, DependencyKind.Wants))
                AddWanted(JobType.Start, dep, job);
            foreach (var dep in graph.Of(id, DependencyKind.Requisite))
                AddRequired(JobType.VerifyActive, dep, job);
            foreach (var dep in graph.Of(id, DependencyKind.Conflicts))
                AddRequired(JobType.Stop, dep, job, conflicts: true);
            foreach (var dep in graph.Of(id, DependencyKind.ConflictedBy))
                AddWanted(JobType.Stop, dep, job);
        }
        if (type is JobType.Stop or JobType.Restart)
        {
            var propagated = type == JobType.Stop ? JobType.Stop : JobType.TryRestart;
            foreach (var dep in graph.Of(id, DependencyKind.RequiredBy).Concat(graph.Of(id, DependencyKind.RequisiteOf))
                         .Concat(graph.Of(id, DependencyKind.BoundBy)).Concat(graph.Of(id, DependencyKind.ConsistsOf)))
                AddRequired(propagated, dep, job);
        }
        if (type == JobType.Reload)
        {
            foreach (var dep in graph.Of(id, DependencyKind.PropagatesReloadTo))
                AddWanted(JobType.Reload, dep, job);
        }
        return job;
    }

    /// <summary>A requirement: a unit that cannot be loaded fails the whole request (a stop of it is simply not needed).</summary>
    private void AddRequired(JobType type, string name, TransactionJob by, bool conflicts = false)
    {
        if (engine.Resolve(name, type) is { } unit)
            Add(type, unit, by, matters: true, conflicts, ignoreRequirements: false);
    }

    /// <summary>Wants= and the like: a unit that cannot be loaded is logged and left out.</summary>
    private void AddWanted(JobType type, string name, TransactionJob by)
    {
        try
        {
            if (engine.Resolve(name, type) is { } unit)
                Add(type, unit, by, matters: false, conflicts: false, ignoreRequirements: false);
        }
        catch (TransactionFailure failure) when (failure.Error.Unit == name)
        {
            JobLog.CannotAddDependency(log, name, engine.Describe(failure.Error));
        }
    }

    /// <summary>isolate: a stop job for every other active unit, except those with IgnoreOnIsolate=.</summary>
    private void AddIsolateJobs()
    {
        foreach (var unit in engine.AllUnits)
        {
            if (_jobs.Any(j => !j.Deleted && j.Unit == unit) || unit.Definition.Unit.IgnoreOnIsolate)
                continue;
            if (unit.ActiveState is UnitActiveState.Inactive or UnitActiveState.Failed && engine.Installed(unit) is null)
                continue;
            Add(JobType.Stop, unit, Anchor, matters: true, conflicts: false, ignoreRequirements: false);
        }
    }

    // ---- simplifying -------------------------------------------------------------------------------------------

    private void MarkJobsThatMatter()
    {
        var stack = new Stack<TransactionJob>(_jobs.Where(j => j.Subjects.Any(l => l.Subject is null && l.Matters)));
        while (stack.TryPop(out var job))
        {
            if (job.MattersToAnchor)
                continue;
            job.MattersToAnchor = true;
            foreach (var link in job.Objects.Where(l => l.Matters))
                stack.Push(link.Object);
        }
    }

    /// <summary>Drops the jobs of a unit whose jobs all have nothing to do (start of an active unit, …).</summary>
    private void DropRedundantJobs()
    {
        foreach (var group in Jobs.GroupBy(j => j.Unit).ToList())
        {
            var installed = engine.Installed(group.Key);
            bool keep = group.Any(j => j.Subjects.Any(l => l.Subject is null) || !j.Type.IsRedundant(group.Key.ActiveState)
                || (installed is not null && JobTypes.Merge(installed.Type, j.Type) is null));
            if (!keep)
                foreach (var job in group)
                    Delete(job, deleteDependents: false);
        }
    }

    /// <summary>Deletes the jobs nothing pulls in any more (but the anchors).</summary>
    private void CollectGarbage()
    {
        bool again = true;
        while (again)
        {
            again = false;
            foreach (var job in Jobs.ToList())
            {
                if (job.Subjects.Count == 0)
                {
                    Delete(job, deleteDependents: true);
                    again = true;
                }
            }
        }
    }

    /// <summary>transaction_delete_job(): a deleted job takes with it the jobs that required it.</summary>
    private void Delete(TransactionJob job, bool deleteDependents)
    {
        if (job.Deleted)
            return;
        job.Deleted = true;
        foreach (var link in job.Objects)
            link.Object.Subjects.Remove(link);
        job.Objects.Clear();
        var subjects = job.Subjects.ToList();
        job.Subjects.Clear();
        foreach (var link in subjects)
        {
            link.Subject?.Objects.Remove(link);
            if (deleteDependents && link.Matters && link.Subject is { } dependent)
                Delete(dependent, deleteDependents: true);
        }
    }

    /// <summary>One job per unit: mergeable types merged, a conflict resolved by deleting the job that matters less.</summary>
    private void MergeJobs()
    {
        while (true)
        {
            var conflict = Jobs.GroupBy(j => j.Unit).Select(FirstConflict).FirstOrDefault(c => c is not null);
            if (conflict is not { } pair)
                break;
            var (a, b) = pair;
            TransactionJob? drop =
                !a.MattersToAnchor && !b.MattersToAnchor ? (a.Type == JobType.Stop ? (a.FromConflict ? b : a) : b.Type == JobType.Stop ? (b.FromConflict ? a : b) : a)
                : !a.MattersToAnchor ? a
                : !b.MattersToAnchor ? b
                : null;
            if (drop is null)
                throw new TransactionFailure(new JobError(Anchor!.Unit.Id, JobFailure.ConflictingJobs, $"{a.Type.Word()} {b.Type.Word()} {a.Unit.Id}"));
            var kept = drop == a ? b : a;
            JobLog.FixingConflict(log, drop.Unit.Id, kept.Name, drop.Name);
            Delete(drop, deleteDependents: true);
            if (Anchor!.Deleted)
                throw new TransactionFailure(new JobError(Anchor.Unit.Id, JobFailure.ConflictingJobs, $"{a.Type.Word()} {b.Type.Word()} {a.Unit.Id}"));
            CollectGarbage();
        }
        foreach (var group in Jobs.GroupBy(j => j.Unit).Where(g => g.Count() > 1).ToList())
        {
            var jobs = group.ToList();
            var into = jobs[0];
            foreach (var other in jobs.Skip(1))
            {
                into.Type = JobTypes.Merge(into.Type, other.Type)!.Value;
                into.MattersToAnchor |= other.MattersToAnchor;
                into.FromConflict |= other.FromConflict;
                foreach (var link in other.Subjects)
                {
                    link.Object = into;
                    into.Subjects.Add(link);
                }
                foreach (var link in other.Objects)
                {
                    link.Subject = into;
                    into.Objects.Add(link);
                }
                other.Subjects.Clear();
                other.Objects.Clear();
                other.Deleted = true;
                if (other == Anchor)
                    Anchor = into;
            }
        }
    }

    /// <summary>The first two jobs of one unit that cannot be merged, the later added first (as systemd lists them).</summary>
    private static (TransactionJob, TransactionJob)? FirstConflict(IGrouping<UnitRuntime, TransactionJob> group)
    {
        var jobs = group.Reverse().ToList();
        for (int i = 0; i < jobs.Count; i++)
            for (int k = i + 1; k < jobs.Count; k++)
                if (JobTypes.Merge(jobs[i].Type, jobs[k].Type) is null)
                    return (jobs[i], jobs[k]);
        return null;
    }

    // ---- ordering cycles -------------------------------------------------------------------------------------------

    /// <summary>
    /// transaction_verify_order(): a depth-first walk along "runs before" edges; false when a cycle was broken (walk
    /// again), throws when a cycle has no job that may go.
    /// </summary>
    private bool VerifyOrder()
    {
        _generation++;
        var installed = new Dictionary<UnitRuntime, TransactionJob>();
        foreach (var job in Jobs.ToList())
            if (!VerifyOrderFrom(job, null, installed))
                return false;
        return true;
    }

    private bool VerifyOrderFrom(TransactionJob job, TransactionJob? from, Dictionary<UnitRuntime, TransactionJob> installed)
    {
        if (job.Generation == _generation)
        {
            if (job.Marker is null)
                return true;   // seen, and no cycle goes through it
            BreakCycle(job, from!);
            return false;
        }
        job.Marker = from ?? job;
        job.Generation = _generation;
        if (!job.IgnoreOrder)
        {
            foreach (var kind in (DependencyKind[])[DependencyKind.Before, DependencyKind.After])
            {
                foreach (var name in graph.Of(job.Unit.Id, kind))
                {
                    var next = JobOf(name, installed);
                    if (next is null || next.IgnoreOrder || !JobOrder.Waits(graph, next.Unit.Id, next.Type, job.Unit.Id, job.Type))
                        continue;
                    if (!VerifyOrderFrom(next, job, installed))
                        return false;
                }
            }
        }
        job.Marker = null;
        return true;
    }

    /// <summary>The job of unit <paramref name="name"/>: in this transaction, else the one queued already.</summary>
    private TransactionJob? JobOf(string name, Dictionary<UnitRuntime, TransactionJob> installed)
    {
        foreach (var job in _jobs)
            if (!job.Deleted && job.Unit.Id == name)
                return job;
        if (engine.InstalledByName(name) is not { } queued)
            return null;
        if (!installed.TryGetValue(queued.Unit, out var node))
            installed[queued.Unit] = node = new TransactionJob(queued.Unit, queued.Type) { IsInstalled = true, IgnoreOrder = queued.IgnoreOrder };
        return node;
    }

    private void BreakCycle(TransactionJob start, TransactionJob from)
    {
        var path = new List<TransactionJob>();
        TransactionJob? delete = null;
        for (var k = from; k is not null; k = k.Generation == _generation && k.Marker != k ? k.Marker : null)
        {
            path.Add(k);
            if (delete is null && !k.IsInstalled && !k.MattersToAnchor)
                delete = k;
            if (k == start)
                break;
        }
        for (int i = 0; i < path.Count; i++)
            JobLog.FoundCycle(log, start.Unit.Id, i == 0 ? "ordering cycle" : "dependency", path[i].Name);
        if (delete is null)
        {
            JobLog.UnableToBreakCycle(log, start.Unit.Id, start.Name);
            throw new TransactionFailure(new JobError(Anchor!.Unit.Id, JobFailure.OrderCyclic));
        }
        JobLog.DeletedToBreakCycle(log, start.Unit.Id, delete.Name, start.Name);
        foreach (var job in Jobs.Where(j => j.Unit == delete.Unit).ToList())
            Delete(job, deleteDependents: true);
    }

    /// <summary>In mode fail (or against an irreversible job) a transaction may not change a queued job.</summary>
    private void CheckNotDestructive()
    {
        foreach (var job in Jobs)
        {
            if (engine.Installed(job.Unit) is { } queued && (mode == JobMode.Fail || queued.Irreversible) && JobTypes.Merge(queued.Type, job.Type) is null)
            {
                string detail = $"{Anchor!.Name} {job.Unit.Id} {queued.Type.Word()} {job.Type.Word()}";
                JobLog.Contradicts(log, $"Transaction for {Anchor.Name} is destructive ({job.Unit.Id} has '{queued.Type.Word()}' job queued, but '{job.Type.Word()}' is included in transaction).");
                throw new TransactionFailure(new JobError(Anchor.Unit.Id, JobFailure.Destructive, detail));
            }
        }
    }
}
