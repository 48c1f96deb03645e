using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int SOL_SOCKET = 1, IPPROTO_IPV6 = 41, IPPROTO_TCP = 6;
    internal const int SO_REUSEADDR = 2, SO_TYPE = 3, SO_ACCEPTCONN = 30, SO_PASSCRED = 16, SO_PEERCRED = 17, SO_REUSEPORT = 15;
    internal const int IPV6_V6ONLY = 26;

    /// <summary>struct ucred: what SO_PEERCRED and SCM_CREDENTIALS carry.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct UCred
    {
        public int Pid;
        public uint Uid;
        public uint Gid;
    }

    [LibraryImport(Name, EntryPoint = "setsockopt", SetLastError = true)]
    internal static unsafe partial int SetSockOpt(SafeHandle fd, int level, int name, void* value, int len);

    [LibraryImport(Name, EntryPoint = "getsockopt", SetLastError = true)]
    internal static unsafe partial int GetSockOpt(SafeHandle fd, int level, int name, void* value, int* len);

    internal static unsafe int SetSockOptInt(SafeHandle fd, int level, int name, int value) =>
        SetSockOpt(fd, level, name, &value, sizeof(int));
}
