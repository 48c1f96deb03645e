namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>The keys of [X-Summon] in a service (docs/extensions.md); null for a key it does not know.</summary>
    private int? ApplySummon(ServiceSection service, string key, string value)
    {
        if (key != "SandboxFallback")
            return null;
        switch (value)
        {
            case "strict":
                service.SandboxFallback = SandboxFallback.Strict;
                break;
            case "best-effort":
                service.SandboxFallback = SandboxFallback.BestEffort;
                break;
            case "":   // an empty assignment resets to the manager's --sandbox=, as systemd's empty assignments do
                service.SandboxFallback = null;
                break;
            default:
                Warn($"Failed to parse sandbox fallback, ignoring: {value} (expected strict or best-effort)");
                break;
        }
        return 0;
    }
}
