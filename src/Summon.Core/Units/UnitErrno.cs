namespace Summon.Units;

/// <summary>errno values the unit loader reports that <see cref="Summon.Interop.Errno"/> does not list.</summary>
internal static class UnitErrno
{
    public const int ENXIO = 6, ENOEXEC = 8, EBADMSG = 74, ENOBUFS = 105, ENOPKG = 65, ENOMEDIUM = 123, EPROTO = 71;
}
