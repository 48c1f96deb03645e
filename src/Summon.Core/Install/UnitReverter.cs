using Summon.Units;

namespace Summon.Install;

/// <summary>
/// revert as systemd 252 does it: every NAME.d/ drop-in directory in the persistent and runtime configuration
/// directories goes, and when a vendor version of the unit exists, so does every configuration file or link of that
/// name that overrides it (a /dev/null mask too). A unit defined only under the configuration directories keeps its
/// file, and a mask of it stays.
/// </summary>
internal sealed class UnitReverter(UnitSearchPath path)
{
    public InstallResult Revert(string name)
    {
        var result = new InstallResult();
        if (!UnitName.TryParse(name, out _))
        {
            result.Error = $"Failed to revert unit: Invalid unit name \"{name}\".";
            return result;
        }
        var configDirs = path.Directories.Where(d => UnitDirectoryKinds.IsConfig(path, d) || UnitDirectoryKinds.IsRuntime(d)).ToList();
        foreach (string dir in configDirs)
        {
            string dropIns = Path.Combine(dir, name + ".d");
            if (Directory.Exists(dropIns) && new DirectoryInfo(dropIns).LinkTarget is null)
                RemoveTree(dropIns, result);
        }
        bool hasVendor = path.Directories.Any(d => UnitDirectoryKinds.IsVendor(path, d) && IsRealFile(Path.Combine(d, name)));
        if (!hasVendor)
            return result;
        foreach (string dir in configDirs)
        {
            string file = Path.Combine(dir, name);
            var info = new FileInfo(file);
            if (!info.Exists && info.LinkTarget is null)
                continue;
            File.Delete(file);
            result.Changes.Add($"Removed \"{file}\".");
        }
        return result;
    }

    /// <summary>A unit file that is not a mask.</summary>
    private static bool IsRealFile(string file) => File.Exists(file) && !UnitLoader.IsMasked(file);

    private static void RemoveTree(string dir, InstallResult result)
    {
        foreach (string entry in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal).ToList())
        {
            if (Directory.Exists(entry) && new DirectoryInfo(entry).LinkTarget is null)
            {
                RemoveTree(entry, result);
                continue;
            }
            File.Delete(entry);
            result.Changes.Add($"Removed \"{entry}\".");
        }
        Directory.Delete(dir);
        result.Changes.Add($"Removed \"{dir}\".");
    }
}
