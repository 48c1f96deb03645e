using System.Text;
using Summon.Control;

namespace Summon.Cli.Rendering;

/// <summary>
/// `systemctl show` output: NAME=VALUE lines in bus order, a blank line between units. A wanted entry NAME=VALUE shows
/// the property only when it has that value, as systemctl's does (Debian's bash completion filters units with
/// `show -p Names,ActiveState=inactive,CanStart=yes`).
/// </summary>
internal static class ShowRenderer
{
    /// <summary>The property names a wanted list asks the manager for (NAME of NAME=VALUE).</summary>
    public static List<string> Names(IEnumerable<string> wanted) => [.. wanted.Select(w => w.Split('=', 2)[0]).Distinct(StringComparer.Ordinal)];

    public static string Text(IReadOnlyList<UnitInfo> units, IReadOnlyList<string> wanted, bool valueOnly, bool all)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < units.Count; i++)
        {
            if (i > 0)
                sb.Append('\n');
            foreach (var p in units[i].Properties)
            {
                if (wanted.Count > 0 ? !wanted.Contains(p.Name) && !wanted.Contains(p.Name + "=" + p.Value) : (p.Value.Length == 0 && !all))
                    continue;
                if (valueOnly)
                    sb.Append(p.Value).Append('\n');
                else
                    sb.Append(p.Name).Append('=').Append(p.Value).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>The same names and JSON types as `analyze dump-unit -o json` (see <see cref="UnitJson"/>); one line unless pretty.</summary>
    public static string Json(IReadOnlyList<UnitInfo> units, IReadOnlyList<string> wanted, bool pretty)
        => UnitJson.Render(units.Select(u => (IReadOnlyList<UnitJsonProperty>)UnitJson.FromShow(u, wanted)), pretty);
}
