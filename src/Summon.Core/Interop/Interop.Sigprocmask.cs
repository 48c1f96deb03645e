using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

    /// <summary>sigprocmask(2) for the calling thread (the exec helper's only thread that matters).</summary>
    [LibraryImport(Name, EntryPoint = "sigprocmask", SetLastError = true)]
    internal static unsafe partial int Sigprocmask(int how, void* set, void* oldset);
}
