namespace Summon.Processes;

/// <summary>Namespaces (user, network, IPC, UTS), capability sets and no_new_privs the child applies: what summon_privileges.c reads.</summary>
internal sealed class SandboxPrivileges
{
}
