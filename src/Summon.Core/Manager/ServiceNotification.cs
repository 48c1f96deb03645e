using System.Globalization;

namespace Summon.Manager;

/// <summary>
/// The assignments of one sd_notify(3) message that the manager acts on, parsed once; unknown keys and malformed
/// values are ignored, as systemd ignores them. A key given twice keeps its last value.
/// </summary>
internal sealed class ServiceNotification
{
    public bool Ready { get; private set; }

    public bool Reloading { get; private set; }

    public bool Stopping { get; private set; }

    /// <summary>STATUS=: null when absent; empty clears the status text.</summary>
    public string? Status { get; private set; }

    public int? Errno { get; private set; }

    public int? MainPid { get; private set; }

    public TimeSpan? ExtendTimeout { get; private set; }

    public bool FdStore { get; private set; }

    public bool FdStoreRemove { get; private set; }

    public string? FdName { get; private set; }

    /// <summary>WATCHDOG=1: the service is alive.</summary>
    public bool WatchdogPing { get; private set; }

    /// <summary>WATCHDOG=trigger: the service asks to be treated as hung.</summary>
    public bool WatchdogTrigger { get; private set; }

    /// <summary>WATCHDOG_USEC=: a new watchdog interval for this run.</summary>
    public TimeSpan? WatchdogInterval { get; private set; }

    public static ServiceNotification Parse(string text)
    {
        var n = new ServiceNotification();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = line.IndexOf('=');
            if (eq <= 0)
                continue;
            n.Assign(line[..eq], line[(eq + 1)..]);
        }
        return n;
    }

    private void Assign(string key, string value)
    {
        switch (key)
        {
            case "READY" when value == "1":
                Ready = true;
                break;
            case "RELOADING" when value == "1":
                Reloading = true;
                break;
            case "STOPPING" when value == "1":
                Stopping = true;
                break;
            case "STATUS":
                Status = value;
                break;
            case "ERRNO" when TryParse(value, out ulong errno) && errno <= int.MaxValue:
                Errno = (int)errno;
                break;
            case "MAINPID" when TryParse(value, out ulong pid) && pid is > 0 and <= int.MaxValue:
                MainPid = (int)pid;
                break;
            case "EXTEND_TIMEOUT_USEC" when TryParse(value, out ulong usec):
                ExtendTimeout = Microseconds(usec);
                break;
            case "FDSTORE" when value == "1":
                FdStore = true;
                break;
            case "FDSTOREREMOVE" when value == "1":
                FdStoreRemove = true;
                break;
            case "FDNAME":
                FdName = value;
                break;
            case "WATCHDOG" when value == "1":
                WatchdogPing = true;
                break;
            case "WATCHDOG" when value == "trigger":
                WatchdogTrigger = true;
                break;
            case "WATCHDOG_USEC" when TryParse(value, out ulong wusec):
                WatchdogInterval = Microseconds(wusec);
                break;
        }
    }

    /// <summary>Values past what a TimeSpan holds mean "no limit", as USEC_INFINITY does.</summary>
    private static TimeSpan Microseconds(ulong usec) =>
        usec >= (ulong)(TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMicrosecond) ? TimeSpan.MaxValue : TimeSpan.FromMicroseconds((long)usec);

    private static bool TryParse(string value, out ulong number) =>
        ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number);
}
