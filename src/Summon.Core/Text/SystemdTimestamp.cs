using System.Globalization;

namespace Summon.Text;

/// <summary>systemd's timestamp format, as unit properties carry it and `status` prints it.</summary>
internal static class SystemdTimestamp
{
    /// <summary>"Wed 2026-11-25 22:44:41 UTC", in local time; <paramref name="none"/> for no time.</summary>
    public static string Format(DateTimeOffset? time, string none = "")
    {
        if (time is null)
            return none;
        var local = time.Value.ToLocalTime();
        string zone = local.Offset == TimeSpan.Zero ? "UTC" : local.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal);
        return local.ToString("ddd yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " " + zone;
    }
}
