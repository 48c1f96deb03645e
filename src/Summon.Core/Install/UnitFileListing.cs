using Summon.Units;

namespace Summon.Install;

/// <summary>One row of `list-unit-files`: the name, where it was found, its is-enabled state and its preset.</summary>
internal sealed record UnitFileEntry(string Name, string Path, string State, string? Preset);

/// <summary>
/// `list-unit-files` as systemd 252 computes it (unit_file_get_list()): every entry of the unit directories that
/// is named like a unit, the first directory holding a name winning, sorted by type then name (case-insensitive).
/// </summary>
internal static class UnitFileListing
{
    public static List<UnitFileEntry> List(UnitSearchPath path, UnitInstaller installer)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string dir in path.Directories)
        {
            if (!Directory.Exists(dir))
                continue;
            foreach (string entry in Directory.EnumerateFileSystemEntries(dir))
            {
                string name = System.IO.Path.GetFileName(entry);
                if (!UnitName.TryParse(name, out var unitName) || unitName.IsInstance && !File.Exists(entry) || Directory.Exists(entry))
                    continue;
                seen.TryAdd(name, entry);
            }
        }

        var entries = new List<UnitFileEntry>();
        foreach (var (name, state) in installer.States(seen.Keys))
        {
            string shown = state ?? "bad";
            entries.Add(new UnitFileEntry(name, seen[name], shown, Preset(shown)));
        }
        entries.Sort(static (a, b) =>
        {
            int bySuffix = string.Compare(a.Name[a.Name.LastIndexOf('.')..], b.Name[b.Name.LastIndexOf('.')..], StringComparison.OrdinalIgnoreCase);
            return bySuffix != 0 ? bySuffix : string.Compare(a.Name, b.Name, StringComparison.OrdinalIgnoreCase);
        });
        return entries;
    }

    /// <summary>
    /// Summon reads no preset files, so every unit that can be enabled presets to "enabled", as systemd's does
    /// without any; systemd shows no preset for aliases, static, generated and transient units.
    /// </summary>
    private static string? Preset(string state) => state is "alias" or "static" or "generated" or "transient" ? null : "enabled";
}
