using System.Runtime.InteropServices;

namespace Summon.Interop;

/// <summary>posix_spawn_file_actions_*(3): the fd map the child applies before exec. All return 0 or an errno.</summary>
internal static partial class Libc
{
    /// <summary>sizeof(posix_spawn_file_actions_t) on x86_64 glibc (80); callers stackalloc it.</summary>
    internal const int PosixSpawnFileActionsSize = 80;

    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_init")]
    internal static unsafe partial int PosixSpawnFileActionsInit(void* actions);

    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_destroy")]
    internal static unsafe partial int PosixSpawnFileActionsDestroy(void* actions);

    /// <summary>dup2(fd, newFd) in the child. glibc clears FD_CLOEXEC also when fd == newFd (Austin Group #411).</summary>
    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_adddup2")]
    internal static unsafe partial int PosixSpawnFileActionsAddDup2(void* actions, int fd, int newFd);

    /// <summary>open(path, flags, mode) onto fd in the child. glibc copies path.</summary>
    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_addopen")]
    internal static unsafe partial int PosixSpawnFileActionsAddOpen(void* actions, int fd, byte* path, int flags, uint mode);

    /// <summary>Close every fd ≥ from in the child (close_range; glibc ≥ 2.34).</summary>
    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    internal static unsafe partial int PosixSpawnFileActionsAddCloseFrom(void* actions, int from);

    /// <summary>chdir(path) in the child (glibc ≥ 2.29). glibc copies path.</summary>
    [LibraryImport(Name, EntryPoint = "posix_spawn_file_actions_addchdir_np")]
    internal static unsafe partial int PosixSpawnFileActionsAddChdir(void* actions, byte* path);
}
