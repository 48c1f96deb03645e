using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const uint MFD_CLOEXEC = 1;

    /// <summary>memfd_create(2) through glibc 2.27's wrapper: an anonymous file in memory; its fd, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MemfdCreate(string name, uint flags);
}
