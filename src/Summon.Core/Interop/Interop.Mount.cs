using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const ulong MS_RDONLY = 0x1, MS_NOSUID = 0x2, MS_NODEV = 0x4, MS_NOEXEC = 0x8, MS_REMOUNT = 0x20, MS_BIND = 0x1000;

    /// <summary>mount(2). Returns -1 with errno (EPERM: not permitted here, e.g. without CAP_SYS_ADMIN).</summary>
    [LibraryImport(Name, EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Mount(string? source, string target, string? fileSystemType, ulong flags, string? data);
}
