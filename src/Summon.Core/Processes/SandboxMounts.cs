namespace Summon.Processes;

/// <summary>The mount namespace and file-system view the child sets up (ProtectSystem=, PrivateTmp=, ReadOnlyPaths=, …): what summon_mounts.c reads.</summary>
internal sealed class SandboxMounts
{
}
