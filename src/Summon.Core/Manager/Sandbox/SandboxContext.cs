namespace Summon.Manager.Sandbox;

/// <summary>
/// What the plan builders of one start see: the environment, the mode in force for the unit, and where they record
/// what they left out under <see cref="SandboxMode.BestEffort"/> (logged once per start).
/// </summary>
internal sealed class SandboxContext(SandboxEnvironment environment, SandboxMode mode, bool userManager)
{
    public SandboxEnvironment Environment { get; } = environment;

    public SandboxMode Mode { get; } = mode;

    /// <summary>A user (rootless) manager: PrivateUsers= is implied for what needs a namespace, as systemd's user manager does.</summary>
    public bool UserManager { get; } = userManager;

    /// <summary>"ProtectSystem=strict (no mount namespace here)", … in the order found.</summary>
    public List<string> NotApplied { get; } = [];
}
