using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>gettid(2): the calling thread's kernel id (/proc/self/task/TID).</summary>
    [LibraryImport(Name, EntryPoint = "gettid")]
    internal static partial int GetTid();
}
