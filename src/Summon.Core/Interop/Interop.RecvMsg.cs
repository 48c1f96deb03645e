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

    /// <summary>struct cmsghdr; its data follows at <see cref="CmsgData"/>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    /// <summary>CMSG_ALIGN: control messages and their data start at multiples of sizeof(size_t).</summary>
    internal static unsafe nuint CmsgAlign(nuint length) => (length + (nuint)sizeof(nuint) - 1) & ~((nuint)sizeof(nuint) - 1);

    /// <summary>CMSG_SPACE: the bytes one control message with <paramref name="dataLength"/> bytes of data takes in the buffer.</summary>
    internal static unsafe nuint CmsgSpace(nuint dataLength) => CmsgAlign((nuint)sizeof(CmsgHdr)) + CmsgAlign(dataLength);

    /// <summary>CMSG_LEN: the cmsg_len of a control message with <paramref name="dataLength"/> bytes of data.</summary>
    internal static unsafe nuint CmsgLen(nuint dataLength) => CmsgAlign((nuint)sizeof(CmsgHdr)) + dataLength;

    /// <summary>CMSG_DATA: where the data of <paramref name="header"/> starts.</summary>
    internal static unsafe byte* CmsgData(CmsgHdr* header) => (byte*)header + CmsgAlign((nuint)sizeof(CmsgHdr));

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
