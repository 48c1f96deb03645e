using System.Text;
using Summon.Cli.Terminal;
using Summon.Control;

namespace Summon.Cli.Rendering;

/// <summary>The rows and legends of `systemctl list-units` and `list-sockets` (systemctl-list-units.c of systemd 252).</summary>
internal static class ListRenderer
{
    /// <summary>
    /// UNIT LOAD ACTIVE SUB DESCRIPTION behind a glyph column (hidden by --plain, absent from JSON). The one place the
    /// list's ● and its state cells are chosen: a unit that did not load or failed gets the mark.
    /// </summary>
    public static Table Units(IReadOnlyList<UnitInfo> units, bool plain)
    {
        var table = new Table("", "unit", "load", "active", "sub", "description");
        table.MinimumWidth(0, 1);
        if (plain)
            table.Hide(0);
        // systemd's unit_info_compare(): by type, then by name, ignoring case.
        foreach (var u in units.OrderBy(u => u.Id[u.Id.LastIndexOf('.')..], StringComparer.OrdinalIgnoreCase).ThenBy(u => u.Id, StringComparer.OrdinalIgnoreCase))
        {
            string load = u.Get("LoadState") ?? "", active = u.Get("ActiveState") ?? "";
            bool loadProblem = load is "error" or "not-found" or "bad-setting" or "masked", failed = active == "failed";
            table.Add((loadProblem || failed) && !plain ? "●" : " ", u.Id, load, active, u.Get("SubState") ?? "", u.Get("Description") ?? "");
            // systemctl 252: a load problem has a yellow mark and a red LOAD; a failure a red mark, ACTIVE and SUB.
            if (plain)
                continue;
            if (loadProblem)
            {
                table.Color(0, Ansi.HighlightYellow);
                table.Color(2, Ansi.HighlightRed);
            }
            else if (failed)
            {
                table.Color(0, Ansi.HighlightRed);
                table.Color(3, Ansi.HighlightRed);
                table.Color(4, Ansi.HighlightRed);
            }
        }
        return table;
    }

    /// <summary>The text after the table: the column legend when there are rows, then the count and hints.</summary>
    public static string UnitsLegend(int count, bool all, IReadOnlyCollection<string> states)
    {
        var sb = new StringBuilder();
        if (count > 0)
        {
            sb.Append("\nLOAD   = Reflects whether the unit definition was properly loaded.\n")
              .Append("ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n")
              .Append("SUB    = The low-level unit activation state, values depend on unit type.\n");
        }
        if (all || states.Contains("inactive"))
            sb.Append(count).Append(" loaded units listed.\nTo show all installed unit files use 'systemctl list-unit-files'.\n");
        else if (states.Count == 0)
            sb.Append(count).Append(" loaded units listed. Pass --all to see loaded but inactive units, too.\nTo show all installed unit files use 'systemctl list-unit-files'.\n");
        else
            sb.Append(count).Append(" loaded units listed.\n");
        return sb.ToString();
    }

    /// <summary>LISTEN (TYPE with --show-types) UNIT ACTIVATES: one row per listening address, IP before paths.</summary>
    public static Table Sockets(IReadOnlyList<UnitInfo> units, bool showTypes)
    {
        var rows = new List<(string Listen, string Type, string Unit, string[] Triggers)>();
        foreach (var unit in units)
        {
            string[] triggers = (unit.Get("Triggers") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var listen in unit.GetAll("Listen"))
            {
                int paren = listen.LastIndexOf(" (", StringComparison.Ordinal);
                rows.Add(paren > 0 && listen.EndsWith(')') ? (listen[..paren], listen[(paren + 2)..^1], unit.Id, triggers) : (listen, "", unit.Id, triggers));
            }
        }
        // systemd's socket_info_compare(): addresses before paths, then by text, then by type.
        rows.Sort((a, b) =>
        {
            int c = a.Listen.StartsWith('/').CompareTo(b.Listen.StartsWith('/'));
            c = c != 0 ? c : string.CompareOrdinal(a.Listen, b.Listen);
            return c != 0 ? c : string.CompareOrdinal(a.Type, b.Type);
        });
        var table = new Table("listen", "type", "unit", "activates");
        if (!showTypes)
            table.Hide(1);
        foreach (var (listen, type, unit, triggers) in rows)
            table.Add(listen, type, unit, triggers.Length switch { 0 => null, 1 => triggers[0], _ => triggers });
        return table;
    }

    public static string SocketsLegend(int count, bool all) =>
        $"\n{count} sockets listed.\n" + (all ? "" : "Pass --all to see loaded but inactive sockets, too.\n");
}
