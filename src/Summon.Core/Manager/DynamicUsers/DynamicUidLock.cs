using Summon.Interop;

namespace Summon.Manager.DynamicUsers;

/// <summary>
/// A uid of the dynamic range held by this manager: its lock file (DIRECTORY/UID, 0600, the user's name inside) open
/// with an exclusive flock(2). The lock belongs to the open file description, so the kernel drops it when the manager
/// dies, and a file nobody holds is free for the next allocator — systemd's protocol, so a systemd on the same machine
/// and every Summon see each other's uids.
/// </summary>
internal sealed class DynamicUidLock(uint uid, string path, SafeFdHandle handle) : IDisposable
{
    public uint Uid { get; } = uid;

    public string Path { get; } = path;

    /// <summary>Releases the uid: the file goes while the lock is still held (nobody takes a file about to vanish), then
    /// the lock.</summary>
    public void Dispose()
    {
        if (handle.IsClosed)
            return;
        Libc.Unlink(Path);
        handle.Dispose();
    }
}
