using Summon.Manager.Sandbox;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager.Exec;

/// <summary>
/// What a command does with the protective keys Summon cannot apply (<see cref="UnappliedSandboxKeys"/>) that its
/// unit asks for: under <see cref="SandboxMode.Strict"/> it does not start, failing with the status of the step that
/// would apply the first of them and a line naming it; under best-effort each is named in the start's downgrade line.
/// A '+' command is spared all but the control-group-wide ones, which systemd applies to every process of the unit.
/// </summary>
internal static class UnappliedSandboxPlan
{
    /// <summary>True when the unit asks for such a key that holds for this command.</summary>
    public static bool Concerns(ExecSettings exec, bool fullyPrivileged) =>
        exec.UnappliedSandbox is { } requests && (!fullyPrivileged || requests.Requests.Any(r => r.Row.CgroupWide));

    /// <summary>Throws the strict refusal as a <see cref="SpawnException"/>, or records the downgrades in <paramref name="context"/>.</summary>
    public static void Apply(ExecSettings exec, bool fullyPrivileged, SandboxContext context, string path)
    {
        if (exec.UnappliedSandbox is not { } requests)
            return;
        foreach (var (row, value) in requests.Requests)
        {
            if (fullyPrivileged && !row.CgroupWide)
                continue;
            if (context.Mode == SandboxMode.Strict)
            {
                throw new SpawnException(path, Errno.EOPNOTSUPP, row.Status)
                {
                    Refusal = $"Cannot apply {row.Key}={value} ({row.Why}): the sandbox is strict, so the command does not start "
                        + $"(--sandbox=best-effort or [{SummonSection.Name}] SandboxFallback=best-effort would start it without)",
                };
            }
            context.NotApplied.Add($"{row.Key}={value} ({row.Why})");
        }
    }
}
