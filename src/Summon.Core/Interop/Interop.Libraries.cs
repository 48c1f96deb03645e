namespace Summon.Interop;

internal static partial class Libc
{
    internal const string Name = "libc.so.6";
}
