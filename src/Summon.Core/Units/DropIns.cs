namespace Summon.Units;

/// <summary>
/// Drop-in files (systemd.unit(5)): "*.conf" in NAME.d/, then for instances the template's TEMPLATE.d/, for dashed
/// prefixes "foo-.service.d/", and type-wide "service.d/", across every search directory. Applied after the fragment
/// in file-name order; a file name seen first (more specific directory, then higher-priority search directory) wins.
/// </summary>
internal static class DropIns
{
    public static IReadOnlyList<string> Find(UnitSearchPath path, UnitName name) => Find(path, [name]);

    /// <summary>Drop-ins of a unit with several names (its aliases): the directories of every name.</summary>
    public static IReadOnlyList<string> Find(UnitSearchPath path, IEnumerable<UnitName> names)
    {
        var byFileName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string dirName in names.SelectMany(DirectoryNames).Distinct(StringComparer.Ordinal))
        {
            foreach (string searchDir in path.Directories)
            {
                string dir = Path.Combine(searchDir, dirName);
                if (!Directory.Exists(dir))
                    continue;
                try
                {
                    foreach (string file in Directory.EnumerateFiles(dir, "*.conf"))
                        byFileName.TryAdd(Path.GetFileName(file), file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }

        return byFileName.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value).ToList();
    }

    /// <summary>"foo-bar@x.service" → foo-bar@x.service.d, foo-bar@.service.d, foo-.service.d, service.d.</summary>
    internal static IEnumerable<string> DirectoryNames(UnitName name)
    {
        yield return name.Name + ".d";
        if (name.IsInstance)
            yield return name.Template().Name + ".d";
        string prefix = name.Prefix;
        for (int dash = prefix.LastIndexOf('-'); dash > 0; dash = prefix.LastIndexOf('-', dash - 1))
            yield return prefix[..(dash + 1)] + name.Suffix + ".d";
        yield return name.Type.ToSuffix() + ".d";
    }
}
