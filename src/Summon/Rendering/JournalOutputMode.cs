namespace Summon.Cli.Rendering;

/// <summary>journalctl's <c>-o</c> modes we print (systemd's names); the others are refused with one line.</summary>
internal enum JournalOutputMode
{
    Short,
    ShortIso,
    ShortPrecise,
    Cat,
    Json,
    JsonPretty,
    Export,
}

internal static class JournalOutputModes
{
    public const string Names = "short, short-iso, short-precise, cat, json, json-pretty, export";

    public static bool TryParse(string? name, out JournalOutputMode mode)
    {
        mode = name switch
        {
            null or "short" => JournalOutputMode.Short,
            "short-iso" => JournalOutputMode.ShortIso,
            "short-precise" => JournalOutputMode.ShortPrecise,
            "cat" => JournalOutputMode.Cat,
            "json" => JournalOutputMode.Json,
            "json-pretty" => JournalOutputMode.JsonPretty,
            "export" => JournalOutputMode.Export,
            _ => (JournalOutputMode)(-1),
        };
        return mode >= 0;
    }
}
