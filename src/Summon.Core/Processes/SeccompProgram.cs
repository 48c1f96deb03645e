namespace Summon.Processes;

/// <summary>The seccomp filters the child installs last before execve (SystemCallFilter=, RestrictAddressFamilies=, …): what summon_seccomp.c reads.</summary>
internal sealed class SeccompProgram
{
}
