using Summon.Interop;

namespace Summon.Processes;

/// <summary>Who the current process runs as.</summary>
internal static class ProcessIdentity
{
    public static uint EffectiveUid => Libc.GetEUid();

    /// <summary>getuid(): whom a user manager's specifiers (%u, %U, %h) name.</summary>
    public static uint RealUid => Libc.GetUid();

    /// <summary>getgid(): the group of %g and %G in a user manager.</summary>
    public static uint RealGid => Libc.GetGid();
}
