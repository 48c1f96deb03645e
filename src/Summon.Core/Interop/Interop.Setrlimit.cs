using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>RLIM_INFINITY on Linux (rlim_t is 64-bit).</summary>
    internal const ulong RLIM_INFINITY = ulong.MaxValue;

    /// <summary>struct rlimit.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>setrlimit(2). Returns -1 with errno (EPERM: raising the hard limit without CAP_SYS_RESOURCE; EINVAL).</summary>
    [LibraryImport(Name, EntryPoint = "setrlimit", SetLastError = true)]
    internal static unsafe partial int Setrlimit(int resource, Rlimit* limit);
}
