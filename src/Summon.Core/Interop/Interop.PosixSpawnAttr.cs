using System.Runtime.InteropServices;

namespace Summon.Interop;

/// <summary>posix_spawnattr_*(3): signal mask, signal defaults, session. All return 0 or an errno.</summary>
internal static partial class Libc
{
    /// <summary>sizeof(posix_spawnattr_t) on x86_64 glibc (336); callers stackalloc it.</summary>
    internal const int PosixSpawnAttrSize = 336;

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_init")]
    internal static unsafe partial int PosixSpawnAttrInit(void* attr);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_destroy")]
    internal static unsafe partial int PosixSpawnAttrDestroy(void* attr);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_setflags")]
    internal static unsafe partial int PosixSpawnAttrSetFlags(void* attr, short flags);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_setsigmask")]
    internal static unsafe partial int PosixSpawnAttrSetSigMask(void* attr, void* sigset);

    [LibraryImport(Name, EntryPoint = "posix_spawnattr_setsigdefault")]
    internal static unsafe partial int PosixSpawnAttrSetSigDefault(void* attr, void* sigset);
}
