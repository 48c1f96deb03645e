using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const uint S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFLNK = 0xA000, S_IFCHR = 0x2000, S_IFBLK = 0x6000;

    /// <summary>Room for a struct stat on every architecture we build for (144 bytes on x86_64, 128 on aarch64).</summary>
    internal const int StatSize = 256;

    /// <summary>
    /// fstatat(2) into a raw struct stat buffer of <see cref="StatSize"/> bytes; with AT_SYMLINK_NOFOLLOW a symlink
    /// is described itself (lstat), not its target. Read the fields with <see cref="StatModeAndOwner"/>.
    /// </summary>
    [LibraryImport(Name, EntryPoint = "fstatat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static unsafe partial int Fstatat(int dirfd, string path, byte* buffer, int flags);

    /// <summary>st_mode, st_uid and st_gid of a filled struct stat: x86_64 keeps a 64-bit st_nlink before st_mode,
    /// the generic layout of aarch64 a 32-bit one after it.</summary>
    internal static unsafe (uint Mode, uint Uid, uint Gid) StatModeAndOwner(byte* buffer) =>
        RuntimeInformation.ProcessArchitecture == Architecture.X64
            ? (*(uint*)(buffer + 24), *(uint*)(buffer + 28), *(uint*)(buffer + 32))
            : (*(uint*)(buffer + 16), *(uint*)(buffer + 24), *(uint*)(buffer + 28));

    /// <summary>st_rdev of a filled struct stat (the device a character or block node stands for), after st_gid and
    /// its padding on x86_64, right after st_gid in aarch64's generic layout.</summary>
    internal static unsafe ulong StatRdev(byte* buffer) =>
        *(ulong*)(buffer + (RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 40 : 32));
}
