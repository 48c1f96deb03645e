using Summon.Interop;

namespace Summon.Processes;

/// <summary>Who the current process runs as.</summary>
public static class ProcessIdentity
{
    public static uint EffectiveUid => Libc.GetEUid();
}
