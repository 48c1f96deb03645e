using System.Runtime.InteropServices;

namespace Summon.Interop;

/// <summary>
/// An owned file descriptor (listener, connection, pidfd, pipe end, epoll, eventfd). Every fd the manager owns lives
/// in one of these so that it is closed exactly once. The imports take it as a <see cref="SafeHandle"/>, whose
/// marshaller holds a reference for the length of the call, so no caller handles the raw number; only the spawn
/// routine's fd map does, under <see cref="SafeHandle.DangerousAddRef"/>.
/// </summary>
internal sealed class SafeFdHandle : SafeHandle
{
    public SafeFdHandle() : base(new IntPtr(-1), ownsHandle: true)
    {
    }

    public SafeFdHandle(int fd, bool ownsHandle = true) : base(new IntPtr(-1), ownsHandle) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    protected override bool ReleaseHandle() => Libc.Close((int)handle.ToInt64()) == 0;
}
