using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    // <spawn.h> flags (glibc).
    internal const short POSIX_SPAWN_SETSIGDEF = 0x04;
    internal const short POSIX_SPAWN_SETSIGMASK = 0x08;
    internal const short POSIX_SPAWN_SETSID = 0x80;
    internal const short POSIX_SPAWN_SETPGROUP = 0x02;

    /// <summary>
    /// posix_spawn(3). Returns 0 or an errno value; it does NOT set errno. glibc runs the child with
    /// clone(CLONE_VM|CLONE_VFORK) and reports a failed exec back through the shared memory, so a missing
    /// executable comes back here as ENOENT.
    /// </summary>
    [LibraryImport(Name, EntryPoint = "posix_spawn")]
    internal static unsafe partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);
}
