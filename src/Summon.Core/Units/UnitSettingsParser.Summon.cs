using Summon.Posix;

namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>[X-Summon] of a service; null when the key is not one of ours (warned about as unknown).</summary>
    private int? ApplySummonService(ServiceSection s, string key, string value)
    {
        switch (key)
        {
            case "RestartResetSec": Set(ParseSec(value), v => s.RestartResetSec = Positive(v)); return 0;
            case "StartLimitRecoverSec": Set(ParseSec(value), v => s.StartLimitRecoverSec = Positive(v)); return 0;
            case "SandboxFallback": ApplySandboxFallback(value, v => s.SandboxFallback = v); return 0;
            case "RequiredForReadiness": ApplyRequiredForReadiness(value); return 0;
            default: return null;
        }
    }

    /// <summary>[X-Summon] of a socket; null when the key is not one of ours (warned about as unknown).</summary>
    private int? ApplySummonSocket(SocketSection s, string key, string value)
    {
        switch (key)
        {
            case "TriggerLimitRecoverSec": Set(ParseSec(value), v => s.TriggerLimitRecoverSec = Positive(v)); return 0;
            case "IdleStopSec":
                // 0 or "infinity" turn it off, as for systemd's other idle timers.
                Set(ParseSec(value), v => s.IdleStop = Positive(v));
                return 0;
            case "IdleStopSignal":
                if (Signals.TryParse(value, out int signal))
                    s.IdleStopSignal = signal;
                else
                    Warn($"Failed to parse signal name, ignoring: {value}");
                return 0;
            case "SandboxFallback": ApplySandboxFallback(value, v => s.SandboxFallback = v); return 0;
            case "RequiredForReadiness": ApplyRequiredForReadiness(value); return 0;
            default:
                return null;
        }
    }

    /// <summary>[X-Summon] RequiredForReadiness=: the metrics endpoint's /readyz waits for this unit to be active.</summary>
    private void ApplyRequiredForReadiness(string value)
    {
        if (value.Length == 0)
            _unit.Unit.RequiredForReadiness = false;   // an empty assignment resets, as systemd's do
        else
            Set(ParseBoolean(value), v => _unit.Unit.RequiredForReadiness = v);
    }

    private void ApplySandboxFallback(string value, Action<SandboxFallback?> set)
    {
        switch (value)
        {
            case "strict":
                set(SandboxFallback.Strict);
                break;
            case "best-effort":
                set(SandboxFallback.BestEffort);
                break;
            case "":   // an empty assignment resets to the manager's --sandbox=, as systemd's empty assignments do
                set(null);
                break;
            default:
                Warn($"Failed to parse sandbox fallback, ignoring: {value} (expected strict or best-effort)");
                break;
        }
    }

    /// <summary>Zero or infinity turns a recovery or an idle stop off, as an empty value does.</summary>
    private static TimeSpan? Positive(TimeSpan v) => v > TimeSpan.Zero && v != Timeout.InfiniteTimeSpan ? v : null;
}
