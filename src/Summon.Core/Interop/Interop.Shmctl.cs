using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>IPC_RMID: the command of shmctl, semctl and msgctl that removes the object.</summary>
    internal const int IPC_RMID = 0;

    /// <summary>shmctl(2) with no buffer (IPC_RMID). 0, or -1 with errno.</summary>
    [LibraryImport(Name, EntryPoint = "shmctl", SetLastError = true)]
    internal static partial int Shmctl(int id, int command, nint buffer);
}
