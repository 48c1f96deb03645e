using Summon.Units;

namespace Summon.Install;

/// <summary>
/// mask/unmask as `systemctl --root` does them: a symlink NAME → /dev/null in the write directory (the directory
/// enable writes, which comes before every vendor directory), refused when a real file of that name is there; unmask
/// removes such a link (or an empty file) from the write directory only. No running manager is needed.
/// </summary>
internal sealed class UnitMasks(UnitSearchPath path)
{
    public const string DevNull = "/dev/null";

    public InstallResult Mask(string name)
    {
        var result = new InstallResult();
        if (!UnitName.TryParse(name, out _))
        {
            result.Error = $"Failed to mask unit: Invalid unit name \"{name}\".";
            return result;
        }
        string link = Path.Combine(path.WriteDirectory, name);
        var existing = new FileInfo(link);
        if (existing.LinkTarget == DevNull)
            return result;
        if (existing.Exists || existing.LinkTarget is not null || Directory.Exists(link))
        {
            result.Error = $"Failed to mask unit, file \"{link}\" already exists.";
            return result;
        }
        Directory.CreateDirectory(path.WriteDirectory);
        File.CreateSymbolicLink(link, DevNull);
        result.Changes.Add($"Created symlink {link} {UnitInstaller.Arrow} {DevNull}.");
        return result;
    }

    public InstallResult Unmask(string name)
    {
        var result = new InstallResult();
        if (!UnitName.TryParse(name, out _))
        {
            result.Error = $"Failed to unmask unit: Invalid unit name \"{name}\".";
            return result;
        }
        string link = Path.Combine(path.WriteDirectory, name);
        var existing = new FileInfo(link);
        if (!(existing.Exists || existing.LinkTarget is not null) || !UnitLoader.IsMasked(link))
            return result;
        File.Delete(link);
        result.Changes.Add($"Removed \"{link}\".");
        return result;
    }
}
