using Summon.Units;

namespace Summon.Manager.Jobs;

/// <summary>
/// The names linked in UNIT.wants/ and UNIT.requires/ of every unit directory — what `enable` made a unit want or
/// require, which systemd reads as Wants=/Requires= of that unit. Read once per unit until daemon-reload.
/// </summary>
internal sealed class InstallLinks(UnitSearchPath path)
{
    private readonly Dictionary<(string Unit, string Suffix), IReadOnlyList<string>> _cache = [];

    public IReadOnlyList<string> Wants(string unit) => Read(unit, ".wants");

    public IReadOnlyList<string> Requires(string unit) => Read(unit, ".requires");

    public void Clear() => _cache.Clear();

    private IReadOnlyList<string> Read(string unit, string suffix)
    {
        if (_cache.TryGetValue((unit, suffix), out var names))
            return names;
        var found = new List<string>();
        foreach (var dir in path.Directories)
        {
            string links = Path.Combine(dir, unit + suffix);
            if (!Directory.Exists(links))
                continue;
            try
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(links).Order(StringComparer.Ordinal))
                {
                    string name = Path.GetFileName(entry);
                    if (UnitName.TryParse(name, out _) && !found.Contains(name))
                        found.Add(name);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable link directory adds nothing, as systemd skips it.
            }
        }
        _cache[(unit, suffix)] = found;
        return found;
    }
}
