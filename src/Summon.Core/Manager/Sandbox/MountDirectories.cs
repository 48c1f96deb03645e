using Summon.Manager.Directories;

namespace Summon.Manager.Sandbox;

/// <summary>
/// The manager's side of the mount namespaces: the inaccessible nodes InaccessiblePaths= and ProtectHome=yes mount
/// over, the staging directory of the private /dev, and each unit's private /tmp (under the runtime directory) and
/// /var/tmp (under the state directory) for PrivateTmp=, made at start and removed when the unit is dead, as systemd's
/// exec runtime is. All private to the manager (0700) but the two tmp directories themselves (01777, as /tmp).
/// Units joined by JoinsNamespaceOf= share one pair, named for the unit that made it, while any of them runs.
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

    // The units holding a private /tmp: the unit whose directories each one uses, and the units each one named.
    private readonly Dictionary<string, string> _ownerOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _joins = new(StringComparer.Ordinal);

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

    /// <summary>
    /// The unit's private /tmp and /var/tmp, made if missing (kept across the commands of one start): those of a running
    /// unit it names in <paramref name="joins"/> or that names it (JoinsNamespaceOf=), else its own.
    /// </summary>
    public (string Tmp, string VarTmp) PrivateTmp(string unit, IReadOnlyList<string>? joins = null)
    {
        if (!_ownerOf.TryGetValue(unit, out string? owner))
        {
            joins ??= [];
            owner = SharedOwner(unit, joins) ?? unit;
            _ownerOf[unit] = owner;
            _joins[unit] = joins;
        }

        string tmp = MakeTmp(Path.Combine(_sandbox, "private-tmp", owner));
        string varTmp = MakeTmp(Path.Combine(_persistent, "private-tmp", owner));
        return (tmp, varTmp);
    }

    /// <summary>
    /// The unit is dead: its private /tmp and /var/tmp are removed unless a unit that joined them still runs; nothing
    /// when it had none.
    /// </summary>
    public void RemovePrivateTmp(string unit)
    {
        string owner = _ownerOf.Remove(unit, out string? o) ? o : unit;
        _joins.Remove(unit);
        if (_ownerOf.ContainsValue(owner))
            return;
        ExecDirectoryMaker.Remove(Path.Combine(_sandbox, "private-tmp", owner));
        ExecDirectoryMaker.Remove(Path.Combine(_persistent, "private-tmp", owner));
    }

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
