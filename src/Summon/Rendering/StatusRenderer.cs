using System.Globalization;
using System.Text;
using Summon.Control;
using Summon.Processes;
using Summon.Cli.Terminal;
using Summon.Text;

namespace Summon.Cli.Rendering;

/// <summary>
/// The `systemctl status` layout (print_status_info() of systemd 252): the unit line with its state glyph, then
/// right-aligned labels so the colons line up, then the unit's journal lines after a blank line.
/// </summary>
internal static class StatusRenderer
{
    public static string Render(UnitInfo unit, DateTimeOffset now, IReadOnlyList<string> journalLines)
    {
        var sb = new StringBuilder();
        string id = unit.Id;
        string description = unit.Get("Description") ?? id;
        string active = unit.Get("ActiveState") ?? "inactive";
        string sub = unit.Get("SubState") ?? "dead";
        string load = unit.Get("LoadState") ?? "not-found";

        string activeColor = ActiveColor(active);
        sb.Append(Ansi.Paint(activeColor, Glyph(active))).Append(' ').Append(id);
        if (description != id)
            sb.Append(" - ").Append(description);
        sb.Append('\n');

        Line(sb, "Loaded", LoadedText(unit, load));
        if (Value(unit, "DropInPaths") is { } dropIns)
            Line(sb, "Drop-In", dropIns);

        var activeText = new StringBuilder().Append(active);
        if (sub != active)
            activeText.Append(" (").Append(sub).Append(PausedText(unit)).Append(')');
        activeText = new StringBuilder(Ansi.Paint(activeColor, activeText.ToString()));
        string result = unit.Get("Result") ?? "success";
        if (result != "success")
            activeText.Append(" (Result: ").Append(result).Append(')');
        var since = TimeFormat.FromMicros(active is "active" or "reloading" ? unit.Get("ActiveEnterTimestampRealtime") : unit.Get("InactiveEnterTimestampRealtime"));
        if (since is { } t && load == "loaded")
            activeText.Append(" since ").Append(SystemdTimestamp.Format(t)).Append("; ").Append(TimeFormat.Relative(t, now));
        Line(sb, "Active", activeText.ToString());

        if (Value(unit, "Triggers") is { } triggers)
            Lines(sb, "Triggers", triggers.Split(' ').Select(t => "● " + t));
        if (Value(unit, "TriggeredBy") is { } triggeredBy)
            Lines(sb, "TriggeredBy", triggeredBy.Split(' ').Select(t => "● " + t));
        ConditionStatus.Append(sb, unit, now);   // issue 13, conditions
        var docs = unit.GetAll("Documentation").ToList();
        if (docs.Count > 0)
            Lines(sb, "Docs", docs);
        var listen = unit.GetAll("Listen").ToList();
        if (listen.Count > 0)
            Lines(sb, "Listen", listen);
        if (unit.Get("Accept") == "yes")
        {
            sb.Append("   Accepted: ").Append(unit.Get("NAccepted")).Append("; Connected: ").Append(unit.Get("NConnections")).Append(';');
            if (unit.Get("NRefused") is { } refused && refused != "0")
                sb.Append(" Refused: ").Append(refused);
            sb.Append('\n');
        }
        foreach (var process in ControlProcessLines(unit))
            Line(sb, "Process", process);
        RestartLines(sb, unit);
        if (TimeFormat.FromMicros(unit.Get("X-SummonIdleSinceRealtime")) is { } idleSince
            && TimeFormat.FromMicros(unit.Get("X-SummonIdleStopsAtRealtime")) is { } idleStop)
            Line(sb, "Idle", $"since {SystemdTimestamp.Format(idleSince)}; stops in {TimeFormat.Left(idleStop, now)}");
        if (Value(unit, "MainPID") is { } pid && pid != "0")
            Line(sb, "Main PID", $"{pid} ({ProcessName(pid)})");
        if (Value(unit, "StatusText") is { } statusText)
            Line(sb, "Status", $"\"{statusText}\"");
        if (Value(unit, "TasksCurrent") is { } tasks && load == "loaded" && active != "inactive")
            Line(sb, "Tasks", tasks + CgroupLimitsText.Tasks(unit));
        if (Value(unit, "MemoryCurrent") is { } memory && long.TryParse(memory, out long bytes))
            Line(sb, "Memory", TimeFormat.Bytes(bytes) + CgroupLimitsText.Memory(unit));
        if (Value(unit, "CPUUsageNSec") is { } cpu && long.TryParse(cpu, out long ns))
            Line(sb, "CPU", TimeFormat.CpuTime(ns));
        if (Value(unit, "ControlGroup") is { } cgroup && active != "inactive")
            Lines(sb, "CGroup", [cgroup, .. CgroupProcessTree.Lines(cgroup)]);
        if (Value(unit, "LogMessagesSuppressed") is { } suppressed)
            Line(sb, "Journal", $"{suppressed} messages suppressed (the journal could not store them)");

        if (journalLines.Count > 0)
        {
            sb.Append('\n');
            foreach (var line in journalLines)
                sb.Append(line).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The control commands that ran, as systemctl's "Process: PID ExecStartPost=argv (code=exited, status=1/FAILURE)".</summary>
    private static IEnumerable<string> ControlProcessLines(UnitInfo unit)
    {
        foreach (var name in (string[])["ExecStartPre", "ExecStartPost", "ExecStopPre", "ExecStopPost"])
            foreach (var value in unit.GetAll(name))
                if (ExecPropertyText.Parse(value) is { Pid: > 0, Code: not "(null)" } run)
                {
                    string text = $"{run.Pid} {name}={run.Argv} (code={run.Code}, {run.StatusText})";
                    yield return run.Clean ? text : Ansi.Paint(Ansi.HighlightRed, text);
                }
    }

    /// <summary>Issue 15: the restart back-off and the recoveries from limits, which systemd's status does not show.</summary>
    private static void RestartLines(StringBuilder sb, UnitInfo unit)
    {
        if (Value(unit, "X-SummonRestartTimestamp") is { } next)
        {
            string step = Value(unit, "RestartSteps") is { } steps && steps != "0"
                ? $" (back-off step {unit.Get("X-SummonRestartBackoffStep")} of {steps})" : "";
            Line(sb, "Restart", $"in {unit.Get("RestartUSecNext")} at {next}{step}");
        }
        var recovery = new List<string>();
        if ((Value(unit, "X-SummonStartLimitRecoverTimestamp") ?? Value(unit, "X-SummonRecoverTimestamp")) is { } at)
            recovery.Add("next at " + at);
        string? count = Value(unit, "X-SummonStartLimitRecoveries") ?? Value(unit, "X-SummonRecoveries");
        if (count is not null && count != "0")
            recovery.Add($"{count} so far");
        if (recovery.Count > 0)
            Line(sb, "Recovery", string.Join("; ", recovery));
    }

    /// <summary>systemd has no wording for a socket its poll limit paused; Summon says why and until when.</summary>
    private static string PausedText(UnitInfo unit) =>
        Value(unit, "X-SummonPollLimitPausedUntilTimestamp") is { } until ? ", paused by PollLimit until " + until : "";

    private static string LoadedText(UnitInfo unit, string load)
    {
        string loadText = load is "error" or "not-found" or "bad-setting" ? Ansi.Paint(Ansi.HighlightRed, load) : load;
        if (load == "masked")
            return $"{loadText} (Reason: Unit {unit.Id} is masked.)";
        string? path = Value(unit, "FragmentPath");
        if (path is null)
            return loadText;
        string? state = Value(unit, "UnitFileState");
        string? preset = Value(unit, "UnitFilePreset");
        var parts = new List<string> { path };
        if (state is not null)
            parts.Add(state);
        if (preset is not null)
            parts.Add("preset: " + preset);
        return $"{loadText} ({string.Join("; ", parts)})";
    }

    /// <summary>systemd 252's format_active_state(): failed red, active and reloading green, the rest plain.</summary>
    private static string ActiveColor(string active) => active switch
    {
        "failed" => Ansi.HighlightRed,
        "active" or "reloading" => Ansi.HighlightGreen,
        _ => "",
    };

    /// <summary>● active, ○ inactive, × failed (systemd 252 glyphs), coloured by <see cref="ActiveColor"/>.</summary>
    private static string Glyph(string active) => active switch
    {
        "failed" => "×",
        "inactive" or "maintenance" => "○",
        _ => "●",
    };

    private static string? Value(UnitInfo unit, string name) => unit.Get(name) is { Length: > 0 } v ? v : null;

    private static void Line(StringBuilder sb, string label, string text) =>
        sb.Append(label.PadLeft(11)).Append(": ").Append(text).Append('\n');

    private static void Lines(StringBuilder sb, string label, IEnumerable<string> texts)
    {
        bool first = true;
        foreach (var text in texts)
        {
            if (first)
                Line(sb, label, text);
            else
                sb.Append(' ', 13).Append(text).Append('\n');
            first = false;
        }
    }

    private static string ProcessName(string pid) =>
        int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? ProcessTable.NameOf(n) : "n/a";
}
