using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{
    /// <summary>open(2), retried on EINTR (opening a FIFO may block). The new fd, or -1 with errno.</summary>
    internal static int Open(string path, int flags, uint mode)
    {
        int result;
        do
            result = OpenOnce(path, flags, mode);
        while (Interrupted(result));
        return result;
    }

    [LibraryImport(Name, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenOnce(string path, int flags, uint mode);
}
