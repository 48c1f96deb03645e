using System.Globalization;
using Microsoft.Extensions.Logging;
using Summon.Posix;
using Summon.Sockets;

namespace Summon.Manager;

/// <summary>
/// The manager as a notify service of its own parent (systemd <c>Type=notify</c>, Podman's <c>--sdnotify=container</c>,
/// another Summon): with $NOTIFY_SOCKET it sends READY=1 and a one-line STATUS= once the boot job has ended,
/// STOPPING=1 when it begins to stop everything, and WATCHDOG=1 every half $WATCHDOG_USEC. The variables are removed
/// from the manager's environment, so nothing it starts sees them.
/// </summary>
internal sealed class UpwardNotify : IDisposable
{
    private readonly NotifySender _sender;
    private readonly TimeSpan? _watchdog;
    private IDisposable? _timer;

    private UpwardNotify(NotifySender sender, TimeSpan? watchdog)
    {
        _sender = sender;
        _watchdog = watchdog;
    }

    /// <summary>The parent's notify socket, or null without one (or when it cannot be reached, said in one line).</summary>
    public static UpwardNotify? FromEnvironment(ILogger log)
    {
        string? socket = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        string? usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        string? pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        foreach (var name in (string[])["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"])
            Environment.SetEnvironmentVariable(name, null);
        if (string.IsNullOrEmpty(socket))
            return null;
        TimeSpan? watchdog = null;
        // sd_watchdog_enabled(3): WATCHDOG_PID, when set, names the process meant.
        if (long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out long microseconds) && microseconds > 0
            && (pid is null || pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture)))
            watchdog = TimeSpan.FromMicroseconds(microseconds);
        try
        {
            return new UpwardNotify(NotifySender.Connect(socket), watchdog);
        }
        catch (ErrnoException e)
        {
            ManagerLog.UnitWarning(log, "summon", $"NOTIFY_SOCKET={socket} cannot be reached ({e.Reason}): the parent will not hear READY=1.");
            return null;
        }
    }

    /// <summary>The boot job has ended: READY=1 with the summary, and the watchdog's keep-alives from now on.</summary>
    public void Booted(UnitManager manager)
    {
        _sender.Send("READY=1\nSTATUS=" + Summary(manager));
        if (_watchdog is { } interval)
            KeepAlive(manager.Loop, interval / 2);
    }

    /// <summary>The manager begins to stop every unit.</summary>
    public void Stopping()
    {
        _timer?.Dispose();
        _timer = null;
        _sender.Send("STOPPING=1\nSTATUS=Stopping every unit.");
    }

    private void KeepAlive(EventLoop loop, TimeSpan every)
    {
        _sender.Send("WATCHDOG=1");
        _timer = loop.Schedule(every, () => KeepAlive(loop, every));
    }

    /// <summary>The one-line STATUS=: how many units are active and how many failed.</summary>
    internal static string Summary(UnitManager manager)
    {
        int active = 0, failed = 0;
        foreach (var unit in manager.Units)
        {
            if (unit.ActiveState == UnitActiveState.Active)
                active++;
            else if (unit.ActiveState == UnitActiveState.Failed)
                failed++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"Running: {active} units active, {failed} failed.");
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _sender.Dispose();
    }
}
