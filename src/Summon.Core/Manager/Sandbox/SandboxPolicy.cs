using Microsoft.Extensions.Logging;
using Summon.Units;

namespace Summon.Manager.Sandbox;

/// <summary>
/// The manager's sandbox policy: the environment found at start-up and the <c>--sandbox=</c> mode, made into one
/// <see cref="SandboxContext"/> per command a start builds (the unit's <c>[X-Summon] SandboxFallback=</c> wins over
/// the manager's mode), and the once-per-start journal line naming what best-effort left out.
/// </summary>
internal sealed class SandboxPolicy(SandboxEnvironment environment, SandboxMode mode, bool userManager)
{
    // The invocation each unit's downgrade line was last written for: one line per start, however many commands.
    private readonly Dictionary<string, string> _reported = new(StringComparer.Ordinal);

    public SandboxEnvironment Environment { get; } = environment;

    /// <summary>The manager's <c>--sandbox=</c> (SUMMON_SANDBOX=); strict unless the operator chose otherwise.</summary>
    public SandboxMode Mode { get; } = mode;

    public bool UserManager { get; } = userManager;

    /// <summary>The mode in force for a unit: its own SandboxFallback= when it has one, else the manager's.</summary>
    public SandboxMode ModeFor(ServiceSection settings) => settings.SandboxFallback switch
    {
        SandboxFallback.Strict => SandboxMode.Strict,
        SandboxFallback.BestEffort => SandboxMode.BestEffort,
        _ => Mode,
    };

    /// <summary>A fresh context for one command of a start; the plan builders fill its NotApplied list.</summary>
    public SandboxContext ContextFor(ServiceSection settings) => new(Environment, ModeFor(settings), UserManager);

    /// <summary>
    /// Logs "UNIT: sandbox downgraded (best-effort): A, B" once per start (<paramref name="invocationId"/>) when the
    /// plans left something out; nothing when they did not.
    /// </summary>
    public void Report(ILogger log, string unit, string invocationId, SandboxContext context)
    {
        if (context.NotApplied.Count == 0)
            return;
        if (_reported.TryGetValue(unit, out string? last) && last == invocationId)
            return;
        // Accept=yes instances are units of a connection each: the table forgets rather than grow with them.
        if (_reported.Count >= 1024)
            _reported.Clear();
        _reported[unit] = invocationId;
        ManagerLog.UnitWarning(log, unit, DowngradeText(context));
    }

    /// <summary>"sandbox downgraded (best-effort): ProtectSystem=strict (no mount namespace here), …".</summary>
    public static string DowngradeText(SandboxContext context) =>
        "sandbox downgraded (best-effort): " + string.Join(", ", context.NotApplied);
}
