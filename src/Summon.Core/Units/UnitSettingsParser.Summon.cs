using Summon.Posix;

namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>[X-Summon] of a socket (docs/extensions.md); null when the key is not one of ours.</summary>
    private int? ApplySummonSocket(SocketSection s, string key, string value)
    {
        switch (key)
        {
            case "IdleStopSec":
                // 0 or "infinity" turn it off, as for systemd's other idle timers.
                Set(ParseSec(value), v => s.IdleStop = v == TimeSpan.Zero || v == Timeout.InfiniteTimeSpan ? null : v);
                return 0;
            case "IdleStopSignal":
                if (Signals.TryParse(value, out int signal))
                    s.IdleStopSignal = signal;
                else
                    Warn($"Failed to parse signal name, ignoring: {value}");
                return 0;
            default:
                return null;
        }
    }
}
