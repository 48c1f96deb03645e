using System.Text;
using Summon.Control;

namespace Summon.Cli.Rendering;

/// <summary>The tables of `systemctl list-sockets` and `list-units`: columns padded to their widest cell.</summary>
internal static class ListRenderer
{
    public static string Sockets(IReadOnlyList<UnitInfo> units, bool noLegend, bool all)
    {
        var rows = new List<string[]>();
        foreach (var unit in units)
        {
            string triggers = unit.Get("Triggers") is { Length: > 0 } t ? t : "-";
            foreach (var listen in unit.GetAll("Listen"))
            {
                int paren = listen.LastIndexOf(" (", StringComparison.Ordinal);
                rows.Add([paren > 0 ? listen[..paren] : listen, unit.Id, triggers]);
            }
        }
        rows.Sort((a, b) => string.CompareOrdinal(a[0], b[0]));
        var sb = new StringBuilder();
        Table(sb, ["LISTEN", "UNIT", "ACTIVATES"], rows, noLegend);
        if (!noLegend)
        {
            sb.Append('\n').Append(rows.Count).Append(" sockets listed.\n");   // systemd prints "1 sockets listed." too
            if (!all)
                sb.Append("Pass --all to see loaded but inactive sockets, too.\n");
        }
        return sb.ToString();
    }

    public static string Units(IReadOnlyList<UnitInfo> units, bool noLegend)
    {
        var rows = units.Select(u => new[] { u.Id, u.Get("LoadState") ?? "", u.Get("ActiveState") ?? "", u.Get("SubState") ?? "", u.Get("Description") ?? "" }).ToList();
        var sb = new StringBuilder();
        Table(sb, ["UNIT", "LOAD", "ACTIVE", "SUB", "DESCRIPTION"], rows, noLegend);
        if (!noLegend)
            sb.Append('\n').Append(rows.Count).Append(" loaded units listed.\n");
        return sb.ToString();
    }

    private static void Table(StringBuilder sb, string[] header, List<string[]> rows, bool noLegend)
    {
        var widths = header.Select((h, i) => Math.Max(noLegend ? 0 : h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        if (!noLegend)
            Row(sb, header, widths);
        foreach (var row in rows)
            Row(sb, row, widths);
    }

    private static void Row(StringBuilder sb, string[] cells, int[] widths)
    {
        for (int i = 0; i < cells.Length; i++)
        {
            if (i == cells.Length - 1)
                sb.Append(cells[i]);
            else
                sb.Append(cells[i].PadRight(widths[i])).Append(' ');
        }
        sb.Append('\n');
    }
}
