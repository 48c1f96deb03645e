using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    internal const int PRIO_PROCESS = 0;

    /// <summary>setpriority(2); with PRIO_PROCESS and who = 0 Linux sets the calling thread's nice value.</summary>
    [LibraryImport(Name, EntryPoint = "setpriority", SetLastError = true)]
    internal static partial int Setpriority(int which, uint who, int priority);
}
