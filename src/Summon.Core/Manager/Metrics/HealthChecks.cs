using System.Globalization;

namespace Summon.Manager.Metrics;

/// <summary>
/// /readyz and /livez for an engine's probes. Ready: the boot job has ended and every unit required for readiness
/// (<c>--ready-unit</c>, <c>[X-Summon] RequiredForReadiness=yes</c>) is active, which for Type=notify means READY=1 was
/// received. Live: the loop turns (its lag probe is not later than the stall limit) and no service's WatchdogSec= has
/// expired without the service being active again since. A failing answer lists why, one line per cause.
/// </summary>
internal sealed class HealthChecks(UnitManager manager, IReadOnlyList<string> readyUnits, TimeSpan stallLimit)
{
    public TimeSpan StallLimit => stallLimit;

    /// <summary>Writes the readiness body; true when ready.</summary>
    public bool WriteReadiness(ResponseBuffer body)
    {
        bool ready = true;
        if (!manager.BootEnded)
        {
            body.Append("boot: the start job of default.target is still running\n"u8);
            ready = false;
        }
        foreach (string name in readyUnits)
        {
            if (manager.Find(name) is not { } unit)
            {
                body.Append(name);
                body.Append(": not loaded\n"u8);
                ready = false;
            }
            else
                ready &= Check(unit, body);
        }
        foreach (var unit in manager.UnitValues)
            if (unit.Definition.Unit.RequiredForReadiness && !readyUnits.Contains(unit.Id))
                ready &= Check(unit, body);
        if (ready)
            body.Append("ok\n"u8);
        return ready;
    }

    /// <summary>Writes the liveness body; true when live.</summary>
    public bool WriteLiveness(ResponseBuffer body)
    {
        bool live = true;
        if (manager.Metrics.Lag is { } lag && lag.Overdue > stallLimit)
        {
            body.Append(string.Create(CultureInfo.InvariantCulture,
                $"event loop: its lag probe is {lag.Overdue.TotalSeconds:0.0} s late (limit {stallLimit.TotalSeconds:0.#} s)\n"));
            live = false;
        }
        foreach (var unit in manager.UnitValues)
            if (unit is ServiceUnit { WatchdogExpiredAt: { } expired })
            {
                body.Append(unit.Id);
                body.Append(": watchdog expired at "u8);
                body.Append(Text.SystemdTimestamp.Format(expired));
                body.Append(", not active again since\n"u8);
                live = false;
            }
        if (live)
            body.Append("ok\n"u8);
        return live;
    }

    private static bool Check(UnitRuntime unit, ResponseBuffer body)
    {
        if (unit.ActiveState is UnitActiveState.Active or UnitActiveState.Reloading)
            return true;
        body.Append(unit.Id);
        body.Append(": "u8);
        body.Append(UnitProperties.ActiveStateName(unit.ActiveState));
        body.Append(" ("u8);
        body.Append(unit.SubState);
        body.Append(")\n"u8);
        return false;
    }
}
