using System.Text;

namespace Summon.Processes;

/// <summary>What one entry of the child's mount list does (summon_mounts.c's SUMMON_MOUNT_*; keep in step).</summary>
internal enum SandboxMountKind : ushort
{
    Inaccessible = 0,
    Bind = 1,
    PrivateDev = 2,
    ReadOnly = 3,
    ReadWrite = 4,
    NoExec = 5,
    Exec = 6,
    Tmpfs = 7,
    Procfs = 8,
    BindDev = 9,
    Sysfs = 10,
    Run = 11,
}

/// <summary>summon_mounts.c's SUMMON_MOUNT_IGNORE_MISSING and kin.</summary>
[Flags]
internal enum SandboxMountFlags : ushort
{
    None = 0,
    IgnoreMissing = 1,
    Recursive = 2,
    ReadOnly = 4,
}

/// <summary>One entry of the child's mount list, in the order it is applied.</summary>
internal readonly record struct SandboxMount(string Path, SandboxMountKind Kind, SandboxMountFlags Flags, string? Source = null, string? Options = null);

/// <summary>
/// The mount namespace and file-system view the child sets up (ProtectSystem=, PrivateTmp=, ReadOnlyPaths=, …): what
/// summon_mounts.c reads, as one self-relative block (<see cref="Block"/>) that the spawn routine copies into the
/// child's slot in one piece.
/// </summary>
internal sealed class SandboxMounts
{
    /// <summary>MS_SHARED, MS_SLAVE, MS_PRIVATE (mount(2)).</summary>
    public const int Shared = 1 << 20, Slave = 1 << 19, Private = 1 << 18;

    private const int HeaderBytes = 28, EntryBytes = 16;

    /// <param name="root">RootDirectory=: the directory the service's view moves onto "/" once its mounts are done; null
    /// for the host's own root.</param>
    public SandboxMounts(IReadOnlyList<SandboxMount> entries, int propagation, string inaccessibleDirectory, string inaccessibleFile, string staging,
        string? root = null)
    {
        Entries = entries;
        Propagation = propagation;
        Root = root;
        Block = Encode(entries, propagation, inaccessibleDirectory, inaccessibleFile, staging, root);
    }

    public IReadOnlyList<SandboxMount> Entries { get; }

    public string? Root { get; }

    public int Propagation { get; }

    /// <summary>struct summon_mounts with its entries and strings, ready to pin and pass.</summary>
    public byte[] Block { get; }

    private static byte[] Encode(IReadOnlyList<SandboxMount> entries, int propagation, string inaccessibleDirectory, string inaccessibleFile, string staging,
        string? root)
    {
        var strings = new MemoryStream();
        int stringsAt = HeaderBytes + EntryBytes * entries.Count;
        uint Put(string? s)
        {
            if (s is null)
                return 0;
            uint offset = (uint)(stringsAt + strings.Length);
            strings.Write(Encoding.UTF8.GetBytes(s));
            strings.WriteByte(0);
            return offset;
        }

        var header = new byte[stringsAt];
        var span = header.AsSpan();
        uint dir = Put(inaccessibleDirectory), file = Put(inaccessibleFile), stage = Put(staging), rootAt = Put(root);
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var at = span[(HeaderBytes + i * EntryBytes)..];
            BitConverter.TryWriteBytes(at, Put(e.Path));
            BitConverter.TryWriteBytes(at[4..], Put(e.Source));
            BitConverter.TryWriteBytes(at[8..], Put(e.Options));
            BitConverter.TryWriteBytes(at[12..], (ushort)e.Kind);
            BitConverter.TryWriteBytes(at[14..], (ushort)e.Flags);
        }

        int size = (int)(stringsAt + strings.Length);
        size = (size + 7) & ~7;
        BitConverter.TryWriteBytes(span, (uint)size);
        BitConverter.TryWriteBytes(span[4..], (uint)entries.Count);
        BitConverter.TryWriteBytes(span[8..], propagation);
        BitConverter.TryWriteBytes(span[12..], dir);
        BitConverter.TryWriteBytes(span[16..], file);
        BitConverter.TryWriteBytes(span[20..], stage);
        BitConverter.TryWriteBytes(span[24..], rootAt);
        var block = new byte[size];
        header.CopyTo(block, 0);
        strings.ToArray().CopyTo(block, stringsAt);
        return block;
    }
}
