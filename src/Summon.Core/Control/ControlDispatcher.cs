using Summon.Manager;
using Summon.Units;

namespace Summon.Control;

/// <summary>Turns control requests into manager jobs and queries. Runs on the manager's event loop.</summary>
public sealed class ControlDispatcher(UnitManager manager)
{
    public ControlReply Handle(ControlRequest request)
    {
        var reply = new ControlReply();
        switch (request.Method)
        {
            case ControlMethods.Ping:
                break;
            case ControlMethods.Start:
                RunJobs(request, reply, manager.Start);
                break;
            case ControlMethods.Stop:
                RunJobs(request, reply, manager.Stop);
                break;
            case ControlMethods.Restart:
                RunJobs(request, reply, manager.Restart);
                break;
            case ControlMethods.Reload:
                manager.Reload();
                break;
            case ControlMethods.ResetFailed:
                if (request.Units.Count == 0)
                    manager.ResetFailed(null);
                foreach (var name in request.Units)
                    manager.ResetFailed(name);
                break;
            case ControlMethods.Show:
                foreach (var name in request.Units)
                    reply.Units.Add(Show(name));
                break;
            case ControlMethods.ListUnits:
                foreach (var unit in manager.Units.OrderBy(u => u.Id, StringComparer.Ordinal))
                {
                    if (request.Type is { } type && !unit.Id.EndsWith(type, StringComparison.Ordinal))
                        continue;
                    if (!request.All && unit.ActiveState is UnitActiveState.Inactive)
                        continue;
                    reply.Units.Add(UnitProperties.Of(unit, manager));
                }
                break;
            default:
                reply.ExitCode = 1;
                reply.Errors.Add($"Unknown method '{request.Method}'.");
                break;
        }
        return reply;
    }

    private UnitInfo Show(string name)
    {
        var unit = manager.GetOrLoad(name);
        if (unit is not null && unit.Definition.LoadState == LoadState.Loaded)
            return UnitProperties.Of(unit, manager);
        LoadedUnit? definition = UnitName.TryParse(name, out var unitName) && !unitName.IsTemplate ? manager.LoadDefinition(unitName) : null;
        return UnitProperties.NotLoaded(name, definition, manager);
    }

    private static void RunJobs(ControlRequest request, ControlReply reply, Func<string, JobResult> job)
    {
        foreach (var name in request.Units)
        {
            var result = job(name);
            if (result.Success)
                continue;
            reply.Errors.Add(result.Error!);
            reply.ExitCode = Math.Max(reply.ExitCode, result.ExitCode);
        }
    }
}
