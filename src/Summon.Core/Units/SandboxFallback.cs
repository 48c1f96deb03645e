namespace Summon.Units;

/// <summary>
/// <c>[X-Summon] SandboxFallback=strict|best-effort</c>: what a unit wants when this environment cannot apply a
/// protection it asks for; overrides the manager's <c>--sandbox=</c> for that unit (docs/extensions.md).
/// </summary>
internal enum SandboxFallback
{
    Strict,
    BestEffort,
}
