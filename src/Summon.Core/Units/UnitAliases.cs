namespace Summon.Units;

/// <summary>
/// Alias symlinks of a search path (systemd's unit name map): an entry NAME in a unit directory that is a symlink to
/// a unit file of another name in a unit directory makes NAME an alias of that file's unit. The alias and its target
/// must be of the same type and kind (plain→plain, template→template, instance→instance of the same instance);
/// other links are rejected with systemd's message. A link to a file outside the search path, or of the same name,
/// is not an alias (a "linked" unit file). The first entry of a name (by directory priority) decides.
/// </summary>
internal sealed class UnitAliases
{
    private readonly Dictionary<string, string> _target = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _aliases = new(StringComparer.Ordinal);
    private readonly HashSet<string> _rejected = new(StringComparer.Ordinal);

    private UnitAliases()
    {
    }

    /// <summary>Rejected links, as systemd logs them ("NAME: symlink target name type \"T\" does not match source, rejecting.").</summary>
    public List<string> Problems { get; } = [];

    /// <summary>Scans the top level of every directory of <paramref name="path"/>.</summary>
    public static UnitAliases Scan(UnitSearchPath path)
    {
        var map = new UnitAliases();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var dirs = new HashSet<string>(path.Directories, StringComparer.Ordinal);
        foreach (string dir in path.Directories)
        {
            IEnumerable<string> entries;
            try
            {
                entries = Directory.Exists(dir) ? Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal).ToList() : [];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (string entry in entries)
            {
                string name = Path.GetFileName(entry);
                if (!UnitName.TryParse(name, out UnitName? source) || !seen.Add(name))
                    continue;
                string? dest = FinalTarget(entry);
                if (dest is null || dest == "/dev/null")
                    continue;
                string destName = Path.GetFileName(dest);
                string? destDir = Path.GetDirectoryName(dest);
                if (destName == name || destDir is null || !dirs.Contains(destDir))
                    continue;
                if (!UnitName.TryParse(destName, out UnitName? target))
                    continue;
                if (Problem(source, target) is { } problem)
                {
                    map.Problems.Add(problem);
                    map._rejected.Add(name);
                    continue;
                }

                // foo@x.service → foo@.service is the ordinary instance link, not an alias.
                if (source.IsInstance && target.IsTemplate && source.Template() == target)
                    continue;
                map._target[name] = destName;
                if (!map._aliases.TryGetValue(destName, out List<string>? list))
                    map._aliases[destName] = list = [];
                list.Add(name);
            }
        }

        return map;
    }

    /// <summary>systemd 252's unit_validate_alias_symlink_or_warn() rules; null when the link is a valid alias.</summary>
    internal static string? Problem(UnitName source, UnitName target)
    {
        if (source.Type != target.Type)
            return $"{source}: symlink target name type \"{target}\" does not match source, rejecting.";
        if (source.IsInstance && target.IsTemplate)
            return source.Template() == target ? null : $"{source}: symlink target name type \"{target}\" does not match source, rejecting.";
        if (source.IsPlain != target.IsPlain || source.IsTemplate != target.IsTemplate)
            return $"{source}: symlink target name type \"{target}\" does not match source, rejecting.";
        if (source.IsInstance && source.Instance != target.Instance)
            return $"{source}: unit symlink target \"{target}\" instance name doesn't match, rejecting.";
        return null;
    }

    /// <summary>A link systemd rejects: the name has no unit file (loads as not-found).</summary>
    public bool IsRejected(string name) => _rejected.Contains(name);

    /// <summary>The unit a name stands for: itself, the target of its alias link, or for an instance whose template is
    /// an alias, the target template with the same instance.</summary>
    public UnitName Resolve(UnitName name)
    {
        if (_target.TryGetValue(name.Name, out string? dest))
            return UnitName.Parse(dest);
        if (name.IsInstance && _target.TryGetValue(name.Template().Name, out string? destTemplate)
            && UnitName.TryBuild(UnitName.Parse(destTemplate).Prefix, name.Instance, name.Type, out UnitName? instance))
            return instance;
        return name;
    }

    /// <summary>Every name of the unit <paramref name="canonical"/>: itself first, then its aliases in name order.</summary>
    public IReadOnlyList<string> NamesOf(UnitName canonical)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (_aliases.TryGetValue(canonical.Name, out List<string>? direct))
            names.UnionWith(direct);
        if (canonical.IsInstance && _aliases.TryGetValue(canonical.Template().Name, out List<string>? viaTemplate))
        {
            foreach (string alias in viaTemplate)
                if (UnitName.TryBuild(UnitName.Parse(alias).Prefix, canonical.Instance, canonical.Type, out UnitName? instance))
                    names.Add(instance.Name);
        }

        names.Remove(canonical.Name);
        return [canonical.Name, .. names];
    }

    private static string? FinalTarget(string entry)
    {
        try
        {
            var info = new FileInfo(entry);
            if (info.LinkTarget is null)
                return null;
            FileSystemInfo? target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target is null ? null : Path.GetFullPath(target.FullName);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
