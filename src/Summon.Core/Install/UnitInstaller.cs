using Summon.Units;

namespace Summon.Install;

/// <summary>
/// enable/disable/is-enabled: the [Install] symlinks, written where systemctl writes them (the first unit
/// directory, e.g. /etc/systemd/system/sockets.target.wants/NAME → the unit file), so a unit enabled by either
/// tool is enabled for both. Pure file-system work; it needs no running manager.
/// </summary>
internal sealed class UnitInstaller(UnitSearchPath path, SpecifierContext specifiers)
{
    public const string Arrow = "\u2192";

    private UnitLoader NewLoader() => new(path, specifiers);

    /// <summary>Creates the Alias=, WantedBy= and RequiredBy= links of the unit and of its Also= units, as
    /// `systemctl --root` does. Messages go to stderr (Created symlink …, notices); an error fails the verb.</summary>
    public InstallResult Enable(string name)
    {
        var result = new InstallResult();
        if (!TryFind(name, "enable", result, out var unitName, out var fragment))
            return result;
        if (UnitLoader.IsMasked(fragment))
        {
            result.Error = $"Failed to enable unit, unit {fragment} is masked.";
            return result;
        }
        var loader = NewLoader();
        bool carriesInstallInfo = false;
        foreach (var (unit, file) in Traverse(loader, unitName, fragment))
        {
            InstallSection install = loader.Load(unit).Install;
            carriesInstallInfo |= !install.IsEmpty;
            string linkName = unit.Name;
            if (unit.IsTemplate && install.DefaultInstance is { Length: > 0 } instance && UnitName.TryBuild(unit.Prefix, instance, unit.Type, out var withDefault))
                linkName = withDefault.Name;
            foreach (string alias in install.Alias)
            {
                if (!UnitName.TryParse(alias, out var aliasName) || UnitAliases.Problem(aliasName, unit.IsInstance ? unit.Template() : unit) is not null && !(unit.IsInstance && aliasName.IsInstance))
                {
                    result.Error = $"Failed to enable unit: Invalid unit name \"{alias}\".";
                    return result;
                }
                Link(Path.Combine(path.WriteDirectory, alias), file, result);
            }
            foreach (var (target, kind) in install.WantedBy.Select(t => (t, ".wants")).Concat(install.RequiredBy.Select(t => (t, ".requires"))))
            {
                if (UnitName.Parse(linkName).IsTemplate && UnitName.TryParse(target, out var targetName) && !targetName.IsTemplate)
                {
                    result.Error = $"Failed to enable {unit}, destination unit {target} is a non-template unit.";
                    return result;
                }
                Link(Path.Combine(path.WriteDirectory, target + kind, linkName), file, result);
                if (path.FindFragment(target) is null && !SpecialTargets.Contains(target))
                    result.Changes.Add($"Unit {file} is added as a dependency to a non-existent unit {target}.");
            }
        }
        if (!carriesInstallInfo)
            result.Notices.Add(NoInstallConfig);
        return result;
    }

    /// <summary>Removes, in the writable directory, every symlink named like the unit (or its Also= units) or
    /// pointing to its file: .wants/.requires links and aliases. Empty .wants/.requires directories go too.</summary>
    public InstallResult Disable(string name)
    {
        var result = new InstallResult();
        if (!TryFind(name, "disable", result, out var unitName, out var fragment))
        {
            // systemctl reports this and still succeeds.
            if (result.Error?.StartsWith("Failed to disable unit, unit ", StringComparison.Ordinal) == true)
            {
                result.Notices.Add(result.Error);
                result.Error = null;
            }
            return result;
        }
        if (UnitLoader.IsMasked(fragment))
        {
            result.Notices.Add($"Unit {fragment} is masked, ignoring.");
            return result;
        }
        var loader = NewLoader();
        var marked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (unit, _) in Traverse(loader, unitName, fragment))
            marked.Add(unit.Name);
        if (Directory.Exists(path.WriteDirectory))
            RemoveMarked(path.WriteDirectory, marked, result, top: true);
        return result;
    }

    /// <summary>is-enabled: "enabled", "enabled-runtime", "alias", "indirect", "disabled", "static", "masked", or
    /// null when there is no such unit file.</summary>
    public string? State(string name) => State(name, new Lazy<UnitLoader>(NewLoader), new Lazy<LinkScan>(ScanLinks));

    /// <summary>
    /// The states of many units (list-unit-files) with one loader and one scan of the enablement links for all of
    /// them, not one of each per unit: both read every unit directory.
    /// </summary>
    public IEnumerable<(string Name, string? State)> States(IEnumerable<string> names)
    {
        var loader = new Lazy<UnitLoader>(NewLoader);
        var links = new Lazy<LinkScan>(ScanLinks);
        foreach (string name in names)
            yield return (name, State(name, loader, links));
    }

    /// <summary>The symlinks of the config and runtime directories, in search-path order.</summary>
    private sealed record LinkScan(List<(bool Config, List<(string Link, string DestName, bool InTop)> Links)> Directories);

    private LinkScan ScanLinks()
    {
        var directories = new List<(bool, List<(string, string, bool)>)>();
        foreach (string dir in path.Directories)
        {
            bool config = IsConfigDirectory(dir), runtime = !config && IsRuntimeDirectory(dir);
            if (config || runtime)
                directories.Add((config, [.. Symlinks(dir)]));
        }
        return new LinkScan(directories);
    }

    private string? State(string name, Lazy<UnitLoader> loaderOnce, Lazy<LinkScan> linksOnce)
    {
        if (!UnitName.TryParse(name, out var unitName))
            return null;
        string? fragment = path.FindFragment(name);
        if (fragment is null && unitName.IsInstance)
            fragment = path.FindFragment(unitName.Template().Name);
        if (fragment is null)
            return null;
        if (UnitLoader.IsMasked(fragment))
            return "masked";
        var loader = loaderOnce.Value;
        if (loader.Aliases.Resolve(unitName) != unitName)
            return "alias";
        var unit = loader.Load(unitName);
        string fileName = unitName.IsInstance ? unitName.Template().Name : unitName.Name;
        string? defaultInstance = unitName.IsTemplate && unit.Install.DefaultInstance is { Length: > 0 } d
            && UnitName.TryBuild(unitName.Prefix, d, unitName.Type, out var withDefault) ? withDefault.Name : null;
        bool indirect = false;
        foreach (var (config, links) in linksOnce.Value.Directories)
        {
            foreach (var (link, destName, inTop) in links)
            {
                string linkName = Path.GetFileName(link);
                bool match = unitName.IsInstance
                    ? linkName == unitName.Name && !inTop
                    : destName == fileName && (inTop ? linkName != fileName : !unitName.IsTemplate || linkName == fileName || linkName == defaultInstance)
                      || !inTop && linkName == unitName.Name;
                if (match)
                    return config ? "enabled" : "enabled-runtime";
                indirect |= unitName.IsTemplate && !inTop && destName == fileName;
            }
        }
        if (indirect)
            return "indirect";
        InstallSection install = unit.Install;
        if (install.Alias.Count + install.WantedBy.Count + install.RequiredBy.Count > 0)
            return "disabled";
        return install.Also.Count > 0 ? "indirect" : "static";
    }

    /// <summary>Names linked in TARGET.wants/ of every unit directory, in priority order, without duplicates.</summary>
    public IReadOnlyList<string> WantedBy(string target)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in path.Directories)
        {
            string wants = Path.Combine(dir, target + ".wants");
            if (!Directory.Exists(wants))
                continue;
            foreach (var entry in Directory.EnumerateFileSystemEntries(wants).Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileName(entry);
                if (seen.Add(name))
                    names.Add(name);
            }
        }
        return names;
    }

    /// <summary>The unit and, transitively, its Also= units (each once), with their unit files.</summary>
    private List<(UnitName Unit, string File)> Traverse(UnitLoader loader, UnitName first, string firstFile)
    {
        var order = new List<(UnitName, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<(UnitName, string)>();
        queue.Enqueue((first, firstFile));
        seen.Add(first.Name);
        while (queue.Count > 0)
        {
            var (unit, file) = queue.Dequeue();
            order.Add((unit, file));
            foreach (string also in loader.Load(unit).Install.Also)
            {
                if (!UnitName.TryParse(also, out var alsoName) || !seen.Add(alsoName.Name))
                    continue;
                alsoName = loader.Aliases.Resolve(alsoName);
                string? alsoFile = path.FindFragment(alsoName.Name) ?? (alsoName.IsInstance ? path.FindFragment(alsoName.Template().Name) : null);
                if (alsoFile is not null && !UnitLoader.IsMasked(alsoFile))
                    queue.Enqueue((alsoName, Resolved(alsoFile)));
            }
        }
        return order;
    }

    private static void Link(string link, string file, InstallResult result)
    {
        var existing = new FileInfo(link);
        if (existing.LinkTarget == file)
            return;
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        if (existing.Exists || existing.LinkTarget is not null)
            File.Delete(link);
        File.CreateSymbolicLink(link, file);
        result.Changes.Add($"Created symlink {link} {Arrow} {file}.");
    }

    private static void RemoveMarked(string dir, HashSet<string> marked, InstallResult result, bool top)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal).ToList())
        {
            var info = new FileInfo(entry);
            if (info.LinkTarget is null)
            {
                if (top && Directory.Exists(entry) && (entry.EndsWith(".wants", StringComparison.Ordinal) || entry.EndsWith(".requires", StringComparison.Ordinal)))
                {
                    RemoveMarked(entry, marked, result, top: false);
                    if (!Directory.EnumerateFileSystemEntries(entry).Any())
                        Directory.Delete(entry);
                }
                continue;
            }
            string name = Path.GetFileName(entry);
            string dest = Path.GetFileName(info.LinkTarget);
            if (!marked.Contains(name) && !marked.Contains(dest))
                continue;
            File.Delete(entry);
            result.Changes.Add($"Removed \"{entry}\".");
        }
    }

    /// <summary>Symlinks at the top of a unit directory and in its .wants/.requires directories, with the file name
    /// each points to.</summary>
    private static IEnumerable<(string Link, string DestName, bool InTop)> Symlinks(string dir)
    {
        if (!Directory.Exists(dir))
            yield break;
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal).ToList())
        {
            var info = new FileInfo(entry);
            if (info.LinkTarget is not null)
            {
                yield return (entry, Path.GetFileName(info.LinkTarget), true);
                continue;
            }
            if (!Directory.Exists(entry) || !(entry.EndsWith(".wants", StringComparison.Ordinal) || entry.EndsWith(".requires", StringComparison.Ordinal)))
                continue;
            foreach (var sub in Directory.EnumerateFileSystemEntries(entry).Order(StringComparer.Ordinal))
                if (new FileInfo(sub).LinkTarget is { } target)
                    yield return (sub, Path.GetFileName(target), false);
        }
    }

    private bool IsConfigDirectory(string dir) => UnitDirectoryKinds.IsConfig(path, dir);

    private static bool IsRuntimeDirectory(string dir) => UnitDirectoryKinds.IsRuntime(dir);

    /// <summary>The unit file behind a search-path entry (an alias link resolves to its target file).</summary>
    private static string Resolved(string entry)
    {
        var info = new FileInfo(entry);
        return info.LinkTarget is null ? entry : Path.GetFullPath(info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? entry);
    }

    private bool TryFind(string name, string verb, InstallResult result, out UnitName unitName, out string fragment)
    {
        fragment = "";
        if (!UnitName.TryParse(name, out var parsed))
        {
            unitName = null!;
            result.Error = $"Failed to {verb} unit: Invalid unit name \"{name}\".";
            return false;
        }
        unitName = NewLoader().Aliases.Resolve(parsed);
        string? found = path.FindFragment(unitName.Name) ?? (unitName.IsInstance ? path.FindFragment(unitName.Template().Name) : null);
        if (found is null)
        {
            result.Error = $"Failed to {verb} unit, unit {name} does not exist.";
            return false;
        }
        fragment = UnitLoader.IsMasked(found) ? found : Resolved(found);
        return true;
    }

    private const string NoInstallConfig =
        "The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n" +
        "Alias= settings in the [Install] section, and DefaultInstance= for template\n" +
        "units). This means they are not meant to be enabled using systemctl.\n" +
        " \n" +
        "Possible reasons for having this kind of units are:\n" +
        "• A unit may be statically enabled by being symlinked from another unit's\n" +
        "  .wants/ or .requires/ directory.\n" +
        "• A unit's purpose may be to act as a helper for some other unit which has\n" +
        "  a requirement dependency on it.\n" +
        "• A unit may be started when needed via activation (socket, path, timer,\n" +
        "  D-Bus, udev, scripted systemctl call, ...).\n" +
        "• In case of template units, the unit is meant to be enabled with some\n" +
        "  instance name specified.";
}
