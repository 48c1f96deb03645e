using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// enable/disable/is-enabled: the [Install] symlinks, written where systemctl writes them (the first unit
/// directory, e.g. /etc/systemd/system/sockets.target.wants/NAME → the unit file), so a unit enabled by either
/// tool is enabled for both. Pure file-system work; it needs no running manager.
/// </summary>
public sealed class UnitInstaller(UnitSearchPath path)
{
    public const string Arrow = "\u2192";

    /// <summary>Creates the WantedBy=/RequiredBy= links. Messages go to stdout (Created symlink …) or stderr (notices).</summary>
    public InstallResult Enable(string name)
    {
        var result = new InstallResult();
        if (!TryLoad(name, result, out var unit, out var fragment))
            return result;
        var targets = unit.Install.WantedBy.Select(t => (t, ".wants")).Concat(unit.Install.RequiredBy.Select(t => (t, ".requires"))).ToList();
        if (targets.Count == 0)
        {
            result.Notices.Add(NoInstallConfig);
            return result;
        }
        foreach (var (target, kind) in targets)
        {
            string dir = Path.Combine(path.WriteDirectory, target + kind);
            string link = Path.Combine(dir, name);
            var existing = new FileInfo(link);
            if (existing.LinkTarget == fragment)
                continue;
            Directory.CreateDirectory(dir);
            if (existing.Exists || existing.LinkTarget is not null)
                File.Delete(link);
            File.CreateSymbolicLink(link, fragment);
            result.Changes.Add($"Created symlink {link} {Arrow} {fragment}.");
        }
        return result;
    }

    /// <summary>Removes every .wants/.requires link to the unit in the writable directory.</summary>
    public InstallResult Disable(string name)
    {
        var result = new InstallResult();
        if (!TryLoad(name, result, out _, out _))
            return result;
        if (!Directory.Exists(path.WriteDirectory))
            return result;
        foreach (var dir in Directory.EnumerateDirectories(path.WriteDirectory).Order(StringComparer.Ordinal))
        {
            if (!dir.EndsWith(".wants", StringComparison.Ordinal) && !dir.EndsWith(".requires", StringComparison.Ordinal))
                continue;
            string link = Path.Combine(dir, name);
            if (new FileInfo(link).LinkTarget is null)
                continue;
            File.Delete(link);
            result.Changes.Add($"Removed \"{link}\".");
        }
        return result;
    }

    /// <summary>is-enabled: "enabled", "disabled", "static", "masked", or null when there is no such unit file.</summary>
    public string? State(string name)
    {
        string? fragment = path.FindFragment(name);
        if (fragment is null && UnitName.TryParse(name, out var parsed) && parsed.IsInstance)
            fragment = path.FindFragment(parsed.Template().Name);
        if (fragment is null)
            return null;
        if (new FileInfo(fragment).LinkTarget == "/dev/null" || new FileInfo(fragment).Length == 0)
            return "masked";
        if (IsLinkedFromAnyWants(name))
            return "enabled";
        var unit = new UnitLoader(path).Load(UnitName.Parse(name));
        bool hasInstall = unit.Install.WantedBy.Count + unit.Install.RequiredBy.Count + unit.Install.Alias.Count + unit.Install.Also.Count > 0;
        return hasInstall ? "disabled" : "static";
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

    private bool IsLinkedFromAnyWants(string name)
    {
        foreach (var dir in path.Directories)
        {
            if (!Directory.Exists(dir))
                continue;
            foreach (var sub in Directory.EnumerateDirectories(dir))
                if ((sub.EndsWith(".wants", StringComparison.Ordinal) || sub.EndsWith(".requires", StringComparison.Ordinal))
                    && (File.Exists(Path.Combine(sub, name)) || new FileInfo(Path.Combine(sub, name)).LinkTarget is not null))
                    return true;
        }
        return false;
    }

    private bool TryLoad(string name, InstallResult result, out LoadedUnit unit, out string fragment)
    {
        unit = null!;
        fragment = "";
        if (!UnitName.TryParse(name, out var unitName))
        {
            result.Error = $"Failed to enable unit: Invalid unit name \"{name}\".";
            return false;
        }
        string? found = path.FindFragment(name);
        if (found is null)
        {
            result.Error = $"Failed to enable unit: Unit file {name} does not exist.";
            return false;
        }
        fragment = found;
        unit = new UnitLoader(path).Load(unitName);
        return true;
    }

    private const string NoInstallConfig =
        "The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n" +
        "Alias= settings in the [Install] section, and DefaultInstance= for template\n" +
        "units). This means they are not meant to be enabled or disabled using systemctl.\n" +
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

/// <summary>What an enable/disable did: lines for stdout, notices for stderr, or an error.</summary>
public sealed class InstallResult
{
    public List<string> Changes { get; } = [];

    public List<string> Notices { get; } = [];

    public string? Error { get; set; }
}
