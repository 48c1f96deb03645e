using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int MSG_DONTWAIT = 0x40, MSG_TRUNC = 0x20, MSG_CTRUNC = 0x8, MSG_CMSG_CLOEXEC = 0x40000000;
    internal const int SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;

    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (LP64 layout: the int fields are padded to 8 bytes by the pointers that follow).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct cmsghdr header; data follows at an 8-byte aligned offset (16).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    /// <summary>recvmsg(2), retried on EINTR. Bytes received, or -1 with errno.</summary>
    internal static unsafe nint RecvMsg(SafeHandle fd, MsgHdr* msg, int flags)
    {
        nint result;
        do
            result = RecvMsgOnce(fd, msg, flags);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "recvmsg", SetLastError = true)]
    private static unsafe partial nint RecvMsgOnce(SafeHandle fd, MsgHdr* msg, int flags);
}
