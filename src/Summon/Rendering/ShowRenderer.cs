using System.Text;
using System.Text.Json;
using Summon.Control;

namespace Summon.Cli.Rendering;

/// <summary>`systemctl show` output: NAME=VALUE lines in bus order, a blank line between units.</summary>
internal static class ShowRenderer
{
    public static string Text(IReadOnlyList<UnitInfo> units, IReadOnlyList<string> wanted, bool valueOnly, bool all)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < units.Count; i++)
        {
            if (i > 0)
                sb.Append('\n');
            foreach (var p in units[i].Properties)
            {
                if (wanted.Count > 0 ? !wanted.Contains(p.Name) : (p.Value.Length == 0 && !all))
                    continue;
                if (valueOnly)
                    sb.Append(p.Value).Append('\n');
                else
                    sb.Append(p.Name).Append('=').Append(p.Value).Append('\n');
            }
        }
        return sb.ToString();
    }

    public static string Json(IReadOnlyList<UnitInfo> units, IReadOnlyList<string> wanted)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var unit in units)
            {
                json.WriteStartObject();
                foreach (var group in unit.Properties.Where(p => wanted.Count == 0 || wanted.Contains(p.Name)).GroupBy(p => p.Name))
                {
                    var values = group.Select(p => p.Value).ToList();
                    if (values.Count == 1 && group.Key is not ("Listen" or "ExecStart" or "Documentation"))
                    {
                        json.WriteString(group.Key, values[0]);
                        continue;
                    }
                    json.WriteStartArray(group.Key);
                    foreach (var v in values)
                        json.WriteStringValue(v);
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
