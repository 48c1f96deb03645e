using System.Runtime.InteropServices;
using Summon.Posix;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>
    /// The one EINTR rule: a call that returned -1 with errno EINTR was cut short by a signal handler and did nothing,
    /// so the wrappers in this room repeat it (as dotnet/runtime's System.Native shims do) and callers never see EINTR.
    /// </summary>
    private static bool Interrupted(long result) => result == -1 && Marshal.GetLastPInvokeError() == Errno.EINTR;
}
