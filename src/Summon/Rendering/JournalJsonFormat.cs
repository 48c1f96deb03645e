using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Summon.Journal;

namespace Summon.Cli.Rendering;

/// <summary>
/// journalctl's <c>-o json</c> (one object per line, every value a string) and <c>-o json-pretty</c> (one field a line,
/// tab-indented, <c>"KEY" : "VALUE"</c> as systemd's JSON printer writes it), over <see cref="JournalFields"/>.
/// </summary>
internal static class JournalJsonFormat
{
    // journalctl writes UTF-8 as is; the default encoder would turn every non-ASCII character into \uXXXX.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static string Format(JournalEntry entry, string hostname)
    {
        var text = new StringBuilder(128 + entry.Message.Length).Append('{');
        var first = true;
        foreach (var (name, value) in JournalFields.Of(entry, hostname))
        {
            if (!first)
                text.Append(',');
            text.Append('"').Append(Quote(name)).Append("\":\"").Append(Quote(value)).Append('"');
            first = false;
        }

        return text.Append('}').ToString();
    }

    public static string FormatPretty(JournalEntry entry, string hostname)
    {
        var fields = JournalFields.Of(entry, hostname);
        var text = new StringBuilder(256 + entry.Message.Length).Append("{\n");
        for (var i = 0; i < fields.Count; i++)
        {
            text.Append("\t\"").Append(Quote(fields[i].Key)).Append("\" : \"").Append(Quote(fields[i].Value)).Append('"')
                .Append(i + 1 < fields.Count ? ",\n" : "\n");
        }

        return text.Append('}').ToString();
    }

    private static string Quote(string value) => JsonEncodedText.Encode(value, Encoder).ToString();
}
