namespace Summon.Manager.Sandbox;

/// <summary>
/// What the manager does with a protection a unit asks for that this environment cannot apply (`summon daemon
/// --sandbox=`, `[X-Summon] SandboxFallback=`): <see cref="Strict"/> fails the start with systemd's status for the
/// step (226/NAMESPACE, 218/CAPABILITIES, 228/SECCOMP, …); <see cref="BestEffort"/> starts without it and logs once
/// per start exactly what was not applied.
/// </summary>
internal enum SandboxMode
{
    Strict,
    BestEffort,
}
