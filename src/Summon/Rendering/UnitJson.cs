using System.Globalization;
using System.Text;
using System.Text.Json;
using Summon.Control;
using Summon.Units;

namespace Summon.Cli.Rendering;

/// <summary>One Listen entry as JSON: {"type":"Stream","address":"127.0.0.1:9091"}.</summary>
internal sealed record ListenJson(string Type, string Address);

/// <summary>One Exec* command as JSON: {"path":"/bin/cat","argv":["/bin/cat"],"flags":["ignore-failure"]}.</summary>
internal sealed record ExecJson(string Path, IReadOnlyList<string> Argv, IReadOnlyList<string> Flags)
{
    public static ExecJson Of(ExecCommand c) => new(c.Path, c.Argv, UnitJson.FlagNames(c.Flags));
}

/// <summary>A property with its JSON type: string, bool, ulong, string list, <see cref="ListenJson"/> list or
/// <see cref="ExecJson"/> list.</summary>
internal sealed record UnitJsonProperty(string Name, object Value);

/// <summary>
/// The one place that names and types unit properties in JSON, for `analyze dump-unit -o json` and `show -o json`:
/// systemd's D-Bus property names, booleans as JSON booleans, numbers and …USec microseconds as JSON numbers
/// (infinity = 18446744073709551615, as on the bus), Listen and Exec* as arrays of objects.
/// </summary>
internal static class UnitJson
{
    /// <summary>Properties that are lists even with one entry.</summary>
    private static readonly HashSet<string> s_lists = new(StringComparer.Ordinal)
    {
        "Names", "Documentation", "Triggers", "TriggeredBy", "DropInPaths", "Requires", "Wants", "After", "Before",
        "Environment", "Sockets", "WantedBy", "RequiredBy", "Also", "Alias",
    };

    private static readonly HashSet<string> s_booleans = new(StringComparer.Ordinal)
    {
        "Accept", "RemoveOnStop", "ReusePort", "FreeBind", "Transparent", "Broadcast", "NoDelay", "KeepAlive",
        "PassCredentials", "PassSecurity", "PassPacketInfo", "Writable", "FlushPending", "RemainAfterExit",
        "SendSIGKILL", "SendSIGHUP", "DefaultDependencies", "StopWhenUnneeded", "RefuseManualStart", "RefuseManualStop",
    };

    private static readonly HashSet<string> s_numbers = new(StringComparer.Ordinal)
    {
        "MaxConnections", "MaxConnectionsPerSource", "Backlog", "NConnections", "NAccepted", "NRefused", "MainPID",
        "ExecMainPID", "ExecMainCode", "ExecMainStatus", "TasksCurrent", "TriggerLimitBurst", "KeepAliveProbes",
        "FileDescriptorStoreMax", "StartLimitBurst", "ActiveEnterTimestampRealtime", "InactiveEnterTimestampRealtime",
        "MemoryCurrent", "CPUUsageNSec",
    };

    public static string[] FlagNames(ExecFlags flags)
    {
        var names = new List<string>();
        if (flags.HasFlag(ExecFlags.IgnoreFailure)) names.Add("ignore-failure");
        if (flags.HasFlag(ExecFlags.Privileged)) names.Add("privileged");
        if (flags.HasFlag(ExecFlags.NoSetuid)) names.Add("no-setuid");
        if (flags.HasFlag(ExecFlags.AmbientMagic)) names.Add("ambient");
        if (flags.HasFlag(ExecFlags.NoEnvExpand)) names.Add("no-env-expand");
        return [.. names];
    }

    /// <summary>µs as the bus carries it (infinity = UINT64_MAX).</summary>
    public static ulong Usec(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? TimeSpans.Infinity : (ulong)(span.Ticks / TimeSpan.TicksPerMicrosecond);

    /// <summary>Types the text properties `show` receives from the manager (the same names dump-unit uses).</summary>
    public static List<UnitJsonProperty> FromShow(UnitInfo unit, IReadOnlyList<string> wanted)
    {
        var result = new List<UnitJsonProperty>();
        foreach (IGrouping<string, UnitProperty> group in unit.Properties.Where(p => wanted.Count == 0 || wanted.Contains(p.Name)).GroupBy(p => p.Name))
        {
            var values = group.Select(p => p.Value).ToList();
            string name = group.Key;
            object value = name switch
            {
                "Listen" => values.Select(ParseShowListen).ToList(),
                _ when name.StartsWith("Exec", StringComparison.Ordinal) && values.All(v => v.StartsWith("{ path=", StringComparison.Ordinal)) => values.Select(ParseShowExec).ToList(),
                _ when s_lists.Contains(name) => values.SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList(),
                _ when values.Count > 1 => values,
                _ when s_booleans.Contains(name) && values[0] is "yes" or "no" => values[0] == "yes",
                _ when (s_numbers.Contains(name) || name.EndsWith("USec", StringComparison.Ordinal)) && ulong.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong n) => n,
                _ => values[0],
            };
            result.Add(new UnitJsonProperty(name, value));
        }

        return result;
    }

    /// <summary>"127.0.0.1:9091 (Stream)" → Stream, 127.0.0.1:9091.</summary>
    private static ListenJson ParseShowListen(string text)
    {
        int open = text.LastIndexOf(" (", StringComparison.Ordinal);
        return open > 0 && text.EndsWith(')') ? new ListenJson(text[(open + 2)..^1], text[..open]) : new ListenJson("", text);
    }

    /// <summary>"{ path=/bin/cat ; argv[]=/bin/cat -x ; ignore_errors=no ; … }" (argv split at spaces, as printed).</summary>
    private static ExecJson ParseShowExec(string text)
    {
        string Field(string key)
        {
            int start = text.IndexOf(" " + key + "=", StringComparison.Ordinal);
            if (start < 0)
                return "";
            start += key.Length + 2;
            int end = text.IndexOf(" ; ", start, StringComparison.Ordinal);
            return end < 0 ? text[start..].TrimEnd('}', ' ') : text[start..end];
        }

        return new ExecJson(Field("path"), Field("argv[]").Split(' ', StringSplitOptions.RemoveEmptyEntries),
            Field("ignore_errors") == "yes" ? ["ignore-failure"] : []);
    }

    /// <summary>An array of objects, one per unit, indented (or on one line), with a final newline.</summary>
    public static string Render(IEnumerable<IReadOnlyList<UnitJsonProperty>> units, bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (IReadOnlyList<UnitJsonProperty> unit in units)
            {
                json.WriteStartObject();
                foreach (UnitJsonProperty p in unit)
                {
                    json.WritePropertyName(p.Name);
                    WriteValue(json, p.Value);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteValue(Utf8JsonWriter json, object value)
    {
        switch (value)
        {
            case string s: json.WriteStringValue(s); break;
            case bool b: json.WriteBooleanValue(b); break;
            case ulong n: json.WriteNumberValue(n); break;
            case long n: json.WriteNumberValue(n); break;
            case uint n: json.WriteNumberValue(n); break;
            case int n: json.WriteNumberValue(n); break;
            case ListenJson l:
                json.WriteStartObject();
                json.WriteString("type", l.Type);
                json.WriteString("address", l.Address);
                json.WriteEndObject();
                break;
            case ExecJson e:
                json.WriteStartObject();
                json.WriteString("path", e.Path);
                json.WritePropertyName("argv");
                WriteValue(json, e.Argv);
                json.WritePropertyName("flags");
                WriteValue(json, e.Flags);
                json.WriteEndObject();
                break;
            case System.Collections.IEnumerable list:
                json.WriteStartArray();
                foreach (object item in list)
                    WriteValue(json, item);
                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(value.ToString());
                break;
        }
    }

    /// <summary>`systemctl show`-style text of the same properties (NAME=VALUE; …USec as time spans).</summary>
    public static string RenderText(IReadOnlyList<UnitJsonProperty> unit)
    {
        var sb = new StringBuilder();
        foreach (UnitJsonProperty p in unit)
        {
            switch (p.Value)
            {
                case List<ListenJson> listens:
                    foreach (ListenJson l in listens)
                        sb.Append(p.Name).Append('=').Append(l.Address).Append(" (").Append(l.Type).Append(")\n");
                    break;
                case List<ExecJson> execs:
                    foreach (ExecJson e in execs)
                        sb.Append(p.Name).Append("={ path=").Append(e.Path).Append(" ; argv[]=").Append(string.Join(' ', e.Argv))
                            .Append(" ; flags=").Append(string.Join(' ', e.Flags)).Append(" }\n");
                    break;
                case bool b:
                    sb.Append(p.Name).Append('=').Append(b ? "yes" : "no").Append('\n');
                    break;
                case ulong n when p.Name.EndsWith("USec", StringComparison.Ordinal):
                    sb.Append(p.Name).Append('=').Append(TimeSpans.Format(n)).Append('\n');
                    break;
                case string s:
                    sb.Append(p.Name).Append('=').Append(s).Append('\n');
                    break;
                case System.Collections.IEnumerable list:
                    sb.Append(p.Name).Append('=').Append(string.Join(' ', list.Cast<object>())).Append('\n');
                    break;
                default:
                    sb.Append(p.Name).Append('=').Append(Convert.ToString(p.Value, CultureInfo.InvariantCulture)).Append('\n');
                    break;
            }
        }

        return sb.ToString();
    }
}
