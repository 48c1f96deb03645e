using System.Globalization;

namespace Summon.Manager;

/// <summary>
/// The assignments of one sd_notify(3) message that the manager acts on, parsed once; unknown keys and malformed
/// values are ignored, as systemd ignores them. Status, main pid, timeout and watchdog updates keep the order they
/// came in (<see cref="Updates"/>), because the service applies them one after another as systemd does; the fd store
/// and the state changes (READY=1, RELOADING=1, STOPPING=1) apply after them.
/// </summary>
internal sealed class ServiceNotification
{
    private readonly List<NotifyUpdate> _updates = [];

    /// <summary>STATUS=, ERRNO=, MAINPID=, EXTEND_TIMEOUT_USEC=, WATCHDOG=, WATCHDOG_USEC=, in message order.</summary>
    public IReadOnlyList<NotifyUpdate> Updates => _updates;

    public bool Ready { get; private set; }

    public bool Reloading { get; private set; }

    public bool Stopping { get; private set; }

    public bool FdStore { get; private set; }

    public bool FdStoreRemove { get; private set; }

    public string? FdName { get; private set; }

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
            case "FDSTORE" when value == "1":
                FdStore = true;
                break;
            case "FDSTOREREMOVE" when value == "1":
                FdStoreRemove = true;
                break;
            case "FDNAME":
                FdName = value;
                break;
            case "STATUS":
                _updates.Add(new NotifyUpdate(NotifyField.Status, Text: value));
                break;
            case "ERRNO" when TryParse(value, out ulong errno) && errno <= int.MaxValue:
                _updates.Add(new NotifyUpdate(NotifyField.Errno, Number: (int)errno));
                break;
            case "MAINPID" when TryParse(value, out ulong pid) && pid is > 0 and <= int.MaxValue:
                _updates.Add(new NotifyUpdate(NotifyField.MainPid, Number: (int)pid));
                break;
            case "EXTEND_TIMEOUT_USEC" when TryParse(value, out ulong usec):
                _updates.Add(new NotifyUpdate(NotifyField.ExtendTimeout, Span: Microseconds(usec)));
                break;
            case "WATCHDOG" when value == "1":
                _updates.Add(new NotifyUpdate(NotifyField.WatchdogPing));
                break;
            case "WATCHDOG" when value == "trigger":
                _updates.Add(new NotifyUpdate(NotifyField.WatchdogTrigger));
                break;
            case "WATCHDOG_USEC" when TryParse(value, out ulong wusec):
                _updates.Add(new NotifyUpdate(NotifyField.WatchdogInterval, Span: Microseconds(wusec)));
                break;
        }
    }

    /// <summary>Values past what a TimeSpan holds mean "no limit", as USEC_INFINITY does.</summary>
    private static TimeSpan Microseconds(ulong usec) =>
        usec >= (ulong)(TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMicrosecond) ? TimeSpan.MaxValue : TimeSpan.FromMicroseconds((long)usec);

    private static bool TryParse(string value, out ulong number) =>
        ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number);
}

/// <summary>The sd_notify assignments applied in message order.</summary>
internal enum NotifyField { Status, Errno, MainPid, ExtendTimeout, WatchdogPing, WatchdogTrigger, WatchdogInterval }

/// <summary>One of them with its value: STATUS= text, ERRNO=/MAINPID= number, or a time span.</summary>
internal readonly record struct NotifyUpdate(NotifyField Field, int Number = 0, string? Text = null, TimeSpan Span = default);
