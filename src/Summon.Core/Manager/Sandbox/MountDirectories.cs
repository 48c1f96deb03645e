using Summon.Manager.Directories;

namespace Summon.Manager.Sandbox;

/// <summary>
/// The manager's side of the mount namespaces: the inaccessible nodes InaccessiblePaths= and ProtectHome=yes mount
/// over, the staging directory of the private /dev, and each unit's private /tmp (under the runtime directory) and
/// /var/tmp (under the state directory) for PrivateTmp=, made at start and removed when the unit is dead, as systemd's
/// exec runtime is. All private to the manager (0700) but the two tmp directories themselves (01777, as /tmp).
/// </summary>
internal sealed class MountDirectories(string runtimeDirectory, string stateDirectory)
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Tmp = UnixFileMode.StickyBit | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly string _sandbox = Path.Combine(runtimeDirectory, "sandbox");
    private readonly string _persistent = Path.Combine(stateDirectory, "sandbox");
    private bool _made;

    public string InaccessibleDirectory => Path.Combine(_sandbox, "inaccessible", "dir");

    public string InaccessibleFile => Path.Combine(_sandbox, "inaccessible", "reg");

    public string Staging => Path.Combine(_sandbox, "staging");

    /// <summary>Makes the inaccessible nodes and the staging directory once; throws <see cref="ErrnoException"/>.</summary>
    public void EnsureCommon()
    {
        if (_made)
            return;
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        Directory.CreateDirectory(_sandbox, Private);
        Directory.CreateDirectory(Path.Combine(_sandbox, "inaccessible"), Private);
        Directory.CreateDirectory(Staging, Private);
        Directory.CreateDirectory(InaccessibleDirectory, UnixFileMode.None);
        File.SetUnixFileMode(InaccessibleDirectory, UnixFileMode.None);
        if (!File.Exists(InaccessibleFile))
            File.WriteAllBytes(InaccessibleFile, []);
        File.SetUnixFileMode(InaccessibleFile, UnixFileMode.None);
        _made = true;
    }

    /// <summary>The unit's private /tmp and /var/tmp, made if missing (kept across the commands of one start).</summary>
    public (string Tmp, string VarTmp) PrivateTmp(string unit)
    {
        string tmp = MakeTmp(Path.Combine(_sandbox, "private-tmp", unit));
        string varTmp = MakeTmp(Path.Combine(_persistent, "private-tmp", unit));
        return (tmp, varTmp);
    }

    /// <summary>Removes the unit's private /tmp and /var/tmp (the unit is dead); nothing when it had none.</summary>
    public void RemovePrivateTmp(string unit)
    {
        ExecDirectoryMaker.Remove(Path.Combine(_sandbox, "private-tmp", unit));
        ExecDirectoryMaker.Remove(Path.Combine(_persistent, "private-tmp", unit));
    }

    private static string MakeTmp(string unitDirectory)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        Directory.CreateDirectory(Path.GetDirectoryName(unitDirectory)!, Private);
        Directory.CreateDirectory(unitDirectory, Private);
        string tmp = Path.Combine(unitDirectory, "tmp");
        if (!Directory.Exists(tmp))
        {
            Directory.CreateDirectory(tmp);
            File.SetUnixFileMode(tmp, Tmp);
        }

        return tmp;
    }
}
