using System.Runtime.InteropServices;

namespace Summon.Interop;

/// <summary>sigemptyset/sigfillset/sigdelset(3) on a caller-provided sigset_t.</summary>
internal static partial class Libc
{
    /// <summary>sizeof(sigset_t) in glibc (1024 bits).</summary>
    internal const int SigSetSize = 128;

    [LibraryImport(Name, EntryPoint = "sigemptyset")]
    internal static unsafe partial int SigEmptySet(void* set);

    /// <summary>Fills every signal except glibc's internal SIGCANCEL (32) and SIGSETXID (33).</summary>
    [LibraryImport(Name, EntryPoint = "sigfillset")]
    internal static unsafe partial int SigFillSet(void* set);

    [LibraryImport(Name, EntryPoint = "sigdelset")]
    internal static unsafe partial int SigDelSet(void* set, int signal);
}
