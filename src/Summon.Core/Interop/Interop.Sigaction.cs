using System.Runtime.InteropServices;

namespace Summon.Interop;

internal static partial class Libc
{

    /// <summary>sa_handler values.</summary>
    internal const nint SIG_DFL = 0, SIG_IGN = 1;

    /// <summary>sigaction(2) through glibc (glibc adds its own SA_RESTORER). act or oldact may be null.</summary>
    [LibraryImport(Name, EntryPoint = "sigaction", SetLastError = true)]
    internal static unsafe partial int Sigaction(int signal, SigactionStruct* act, SigactionStruct* oldact);

    /// <summary>glibc's struct sigaction on x86_64: handler, 128-byte mask, flags, restorer = 152 bytes.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 152)]
    internal struct SigactionStruct
    {
        [FieldOffset(0)] public nint Handler;
        [FieldOffset(8)] public byte MaskStart;   // first byte of the 128-byte sa_mask
        [FieldOffset(136)] public int Flags;
        [FieldOffset(144)] public nint Restorer;
    }
}
