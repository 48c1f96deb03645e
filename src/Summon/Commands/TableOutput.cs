using System.CommandLine;
using Summon.Cli.Rendering;

namespace Summon.Cli.Commands;

/// <summary>How a verb that prints a table or properties writes it: -o short (the table), json or json-pretty.</summary>
internal enum OutputFormat
{
    Short,
    Json,
    JsonPretty,
}

/// <summary>
/// Reads -o for the table and property verbs; any other value is refused with one line, where systemctl would
/// accept a journal mode (cat, short-iso, …) and ignore it.
/// </summary>
internal static class TableOutput
{
    public static bool TryGet(ParseResult result, string verb, out OutputFormat format)
    {
        string? value = result.GetValue(GlobalOptions.Output);
        format = value switch
        {
            null or "short" => OutputFormat.Short,
            "json" => OutputFormat.Json,
            "json-pretty" => OutputFormat.JsonPretty,
            _ => (OutputFormat)(-1),
        };
        if ((int)format >= 0)
            return true;
        Console.Error.WriteLine($"Unknown output '{value}' for {verb}: use short, json or json-pretty.");
        return false;
    }

    /// <summary>The table as the format asks: text (with or without header) or JSON.</summary>
    public static string Render(Table table, OutputFormat format, bool header) => format switch
    {
        OutputFormat.Json => table.Json(pretty: false),
        OutputFormat.JsonPretty => table.Json(pretty: true),
        _ => table.Text(header),
    };
}
