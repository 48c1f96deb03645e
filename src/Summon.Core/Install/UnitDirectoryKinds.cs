using Summon.Units;

namespace Summon.Install;

/// <summary>
/// Which unit directories hold the administrator's configuration (what enable, mask, edit write and revert removes)
/// and which hold the vendor's, as systemd's path_is_config/path_is_runtime/path_is_vendor_or_generator tell them.
/// </summary>
internal static class UnitDirectoryKinds
{
    /// <summary>Persistent configuration: the write directory and anything under /etc.</summary>
    public static bool IsConfig(UnitSearchPath path, string dir) => dir == path.WriteDirectory || dir.StartsWith("/etc/", StringComparison.Ordinal);

    /// <summary>Runtime configuration (/run/systemd/…, also under a --root-style prefix), not generated or transient.</summary>
    public static bool IsRuntime(string dir) => dir.Contains("/run/systemd/", StringComparison.Ordinal) && !dir.Contains("/generator", StringComparison.Ordinal) && !dir.EndsWith("/transient", StringComparison.Ordinal);

    /// <summary>Neither kind of configuration: the files a package installed (/usr/lib/systemd/system and the like).</summary>
    public static bool IsVendor(UnitSearchPath path, string dir) => !IsConfig(path, dir) && !IsRuntime(dir) && !dir.Contains("/run/systemd/", StringComparison.Ordinal);
}
