using System.Text;
using Summon.Cli.Terminal;
using Summon.Control;
using Summon.Text;

namespace Summon.Cli.Rendering;

/// <summary>
/// status's "Condition:" and "Assert:" lines (systemd 252's print_status_info()): shown when the last start found a
/// condition or an assert failing, with the entries that were not met under a tree.
/// </summary>
internal static class ConditionStatus
{
    public static void Append(StringBuilder sb, UnitInfo unit, DateTimeOffset now)
    {
        if (unit.Get("ConditionResult") == "no" && TimeFormat.FromMicros(unit.Get("ConditionTimestampRealtime")) is { } conditionTime)
        {
            sb.Append("  Condition: start ").Append(Ansi.Paint(Ansi.HighlightYellow, "condition failed"))
              .Append(" at ").Append(SystemdTimestamp.Format(conditionTime)).Append("; ").Append(TimeFormat.Relative(conditionTime, now)).Append('\n');
            var failed = unit.GetAll("Conditions").Select(Parse).Where(c => c.Failed).ToList();
            for (int i = 0; i < failed.Count; i++)
                sb.Append(' ', 13).Append(i + 1 < failed.Count ? "├─ " : "└─ ").Append(failed[i].Text).Append(" was not met\n");
        }
        if (unit.Get("AssertResult") == "no" && TimeFormat.FromMicros(unit.Get("AssertTimestampRealtime")) is { } assertTime)
        {
            sb.Append("     Assert: start ").Append(Ansi.Paint(Ansi.HighlightRed, "assertion failed"))
              .Append(" at ").Append(SystemdTimestamp.Format(assertTime)).Append("; ").Append(TimeFormat.Relative(assertTime, now)).Append('\n');
            // As systemctl's map_asserts(): a failed non-trigger assert wins over a failed trigger one.
            (string Text, bool Failed, bool Trigger)? shown = null;
            foreach (var a in unit.GetAll("Asserts").Select(Parse))
                if (a.Failed && (!a.Trigger || shown is null))
                    shown = a;
            if (shown is { Trigger: true })
                sb.Append(' ', 13).Append("none of the trigger assertions were met\n");
            else if (shown is { } s)
                sb.Append(' ', 13).Append(s.Text.Replace("=|", "=", StringComparison.Ordinal)).Append(" was not met\n");
        }
    }

    /// <summary>"ConditionPathExists=|!/x failed" → the assignment, whether it failed (or erred), whether it is a trigger.</summary>
    private static (string Text, bool Failed, bool Trigger) Parse(string value)
    {
        int space = value.LastIndexOf(' ');
        string text = space < 0 ? value : value[..space];
        string outcome = space < 0 ? "" : value[(space + 1)..];
        int eq = text.IndexOf('=');
        return (text, outcome is "failed" or "error", eq >= 0 && eq + 1 < text.Length && text[eq + 1] == '|');
    }
}
