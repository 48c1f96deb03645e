using System.Runtime.InteropServices;

namespace Summon.Interop;

/// <summary>
/// An owned file descriptor (listener, connection, pidfd, pipe end, epoll, eventfd). Every fd the
/// manager owns lives in one of these so that it is closed exactly once; raw ints only appear while a
/// caller holds a <see cref="SafeHandle.DangerousAddRef"/> reference, or inside Interop.
/// </summary>
public sealed class SafeFdHandle : SafeHandle
{
    public SafeFdHandle() : base(new IntPtr(-1), ownsHandle: true)
    {
    }

    public SafeFdHandle(int fd, bool ownsHandle = true) : base(new IntPtr(-1), ownsHandle) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The raw descriptor. Valid only while the handle is alive; do not close it.</summary>
    public int Fd => (int)handle.ToInt64();

    protected override bool ReleaseHandle() => Libc.Close((int)handle.ToInt64()) == 0;
}
