using Summon.Manager.Directories;

namespace Summon.Manager.Sandbox;

/// <summary>
/// The manager's side of the mount namespaces: the inaccessible nodes InaccessiblePaths= and ProtectHome=yes mount
/// over, the staging directory of the private /dev, and each unit's private /tmp (under the runtime directory) and
/// /var/tmp (under the state directory) for PrivateTmp=, made at start and removed when the unit is dead, as systemd's
/// exec runtime is. All private to the manager (0700) but the two tmp directories themselves (01777, as /tmp).
/// Units joined by JoinsNamespaceOf= share one pair, named for the unit that made it, while any of them runs. Which
/// unit uses which pair is decided on the loop; the making and removing run on pool threads (<see cref="Directories.DirectoryStore"/>).
/// </summary>
internal sealed class MountDirectories(string runtimeDirectory, string stateDirectory)
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Tmp = UnixFileMode.StickyBit | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly string _sandbox = Path.Combine(runtimeDirectory, "sandbox");
    private readonly string _persistent = Path.Combine(stateDirectory, "sandbox");
    private readonly Lock _making = new();
    private volatile bool _made;

    // The units holding a private /tmp: the unit whose directories each one uses, and the units each one named.
    private readonly Dictionary<string, string> _ownerOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _joins = new(StringComparer.Ordinal);

    public string InaccessibleDirectory => Path.Combine(_sandbox, "inaccessible", "dir");

    public string InaccessibleFile => Path.Combine(_sandbox, "inaccessible", "reg");

    public string Staging => Path.Combine(_sandbox, "staging");

    /// <summary>Whether <see cref="EnsureCommon"/> has made the common nodes (a unit asking for a mount namespace waits
    /// for them off the loop until then).</summary>
    public bool CommonMade => _made;

    /// <summary>Makes the inaccessible nodes and the staging directory once; throws <see cref="IOException"/>. Blocking:
    /// pool threads only.</summary>
    public void EnsureCommon()
    {
        if (_made)
            return;
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        lock (_making)
        {
            if (_made)
                return;
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
    }

    /// <summary>
    /// Where the unit's private /tmp and /var/tmp are (kept across the commands of one start): those of a running unit
    /// it names in <paramref name="joins"/> or that names it (JoinsNamespaceOf=), else its own. Bookkeeping only, on the
    /// loop: <see cref="MakePrivateTmp"/> makes them.
    /// </summary>
    public PrivateTmpPaths ClaimPrivateTmp(string unit, IReadOnlyList<string>? joins = null)
    {
        if (!_ownerOf.TryGetValue(unit, out string? owner))
        {
            joins ??= [];
            owner = SharedOwner(unit, joins) ?? unit;
            _ownerOf[unit] = owner;
            _joins[unit] = joins;
        }

        return PathsOf(owner);
    }

    /// <summary>Makes the directories of <paramref name="paths"/> where missing (the tmp ones 01777); throws
    /// <see cref="IOException"/>. Blocking: pool threads only.</summary>
    public static void MakePrivateTmp(PrivateTmpPaths paths)
    {
        MakeTmp(paths.UnitDirectory);
        MakeTmp(paths.PersistentUnitDirectory);
    }

    /// <summary>
    /// The unit is dead: the private /tmp and /var/tmp it used are to be removed (<see cref="RemovePrivateTmp"/>)
    /// unless a unit that joined them still runs; null then, and when it had none. Bookkeeping only, on the loop.
    /// </summary>
    public PrivateTmpPaths? ReleasePrivateTmp(string unit)
    {
        string owner = _ownerOf.Remove(unit, out string? o) ? o : unit;
        _joins.Remove(unit);
        return _ownerOf.ContainsValue(owner) ? null : PathsOf(owner);
    }

    /// <summary>Removes the directories of <paramref name="paths"/> with what they hold. Blocking: pool threads only.</summary>
    public static void RemovePrivateTmp(PrivateTmpPaths paths)
    {
        ExecDirectoryMaker.Remove(paths.UnitDirectory);
        ExecDirectoryMaker.Remove(paths.PersistentUnitDirectory);
    }

    private PrivateTmpPaths PathsOf(string owner) =>
        new(owner, Path.Combine(_sandbox, "private-tmp", owner), Path.Combine(_persistent, "private-tmp", owner));

    /// <summary>The directories' owner of a running unit joined with <paramref name="unit"/>, either side naming the other.</summary>
    private string? SharedOwner(string unit, IReadOnlyList<string> joins)
    {
        foreach (var (other, owner) in _ownerOf)
        {
            if (joins.Contains(other) || (_joins.TryGetValue(other, out var theirs) && theirs.Contains(unit)))
                return owner;
        }

        return null;
    }

    private static void MakeTmp(string unitDirectory)
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
    }
}
