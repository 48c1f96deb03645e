using Microsoft.Extensions.Logging;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Manager.Takeover;

/// <summary>
/// A new manager taking back what a crashed one left (docs/recovery.md): every recorded main process still alive with
/// its recorded start time is adopted, with its invocation id, and the listeners it holds are taken back from it; the
/// sockets that were started are started again. Runs once on the loop, before the boot sequence, which then finds
/// the adopted units active and starts nothing twice.
/// </summary>
internal sealed class Adoption(UnitManager manager, ILogger log)
{
    private const string Manager = "summon";

    /// <summary>The most a state file may hold; a bigger one is not ours to trust.</summary>
    private const int MaxFileBytes = 16 << 20;

    /// <summary>Reads the predecessor's state file, if any, and takes back what it names; says in one line why not when it cannot.</summary>
    public void Run(string path)
    {
        if (Read(path) is not { } state)
            return;
        try
        {
            TakeBack(state);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ErrnoException or ArgumentException)
        {
            // A unit directory that cannot be read must not keep the boot sequence, which runs next, from starting anything.
            ManagerLog.UnitWarning(log, Manager, $"Taking over from {path} stopped: {e.Message}. What was not taken over is started as at boot.");
        }
    }

    private ManagerState? Read(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                return null;
            if (info.Length > MaxFileBytes)
                throw new FormatException($"it is larger than {MaxFileBytes} bytes");
            return ManagerStateCodec.Read(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            ManagerLog.UnitWarning(log, Manager, $"Ignoring {path}: {e.Message}. Services left running by the previous manager are not taken over; remove the file to silence this.");
            return null;
        }
    }

    private void TakeBack(ManagerState state)
    {
        var sockets = state.Sockets.ToDictionary(s => s.Unit, StringComparer.Ordinal);
        var handled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in state.Services)
            TakeBack(record, sockets, handled);

        // Sockets no surviving service holds were closed with the manager that bound them: they are bound again.
        foreach (var socket in state.Sockets)
        {
            if (handled.Contains(socket.Unit) || manager.GetOrLoad(socket.Unit) is not SocketUnit unit || unit.ActiveState == UnitActiveState.Active)
                continue;
            unit.Start();
        }
    }

    private void TakeBack(ServiceRecord record, Dictionary<string, SocketRecord> sockets, HashSet<string> handled)
    {
        if (record.Main is not { } main)
        {
            // RemainAfterExit=yes with nothing running: active without a process, not to be run again by the boot.
            if (record.State == "exited" && manager.GetOrLoad(record.Unit) is ServiceUnit { Definition.LoadState: Units.LoadState.Loaded, ActiveState: UnitActiveState.Inactive, Settings.RemainAfterExit: true } exited)
                exited.RestoreExited(record);
            return;
        }
        var process = manager.Launcher.AdoptStartedAt(main.Pid, main.StartTime);
        if (process is null)
            return;   // gone while no manager watched: its socket is bound again and activates it anew
        if (manager.GetOrLoad(record.Unit) is not ServiceUnit { Definition.LoadState: Units.LoadState.Loaded, ActiveState: UnitActiveState.Inactive } service)
        {
            ManagerLog.UnitWarning(log, record.Unit, $"Left running by the previous manager as process {main.Pid}, but the unit can no longer be loaded: not taken over.");
            process.Dispose();
            return;
        }

        var held = new List<SocketUnit>();
        foreach (var group in record.ListenFds.GroupBy(f => f.Socket, StringComparer.Ordinal))
        {
            if (!sockets.TryGetValue(group.Key, out var socketRecord) || manager.GetOrLoad(group.Key) is not SocketUnit socket || socket.ActiveState != UnitActiveState.Inactive)
                continue;
            handled.Add(group.Key);
            held.Add(socket);
            var fds = group.ToList();
            (SafeFdHandle?, int) Take(int listener)
            {
                int fd = fds.FindIndex(f => f.Listener == listener) is int i and >= 0 ? fds[i].Fd : -1;
                if (fd < 0)
                    return (null, Errno.EBADF);
                var handle = manager.Launcher.DuplicateFd(process, fd, out int errno);
                return (handle, errno);
            }
            if (!socket.TakeOverListeners(socketRecord, Take, out string why))
            {
                ManagerLog.UnitWarning(log, socket.Id, $"Cannot take the listening sockets back from {service.Id} (process {main.Pid}): {why}. Binding them again once it has stopped.");
                socket.BindWhenServiceEnds();
            }
        }
        service.AdoptAfterCrash(process, record, held);
        if (record.State is "stop" or "stop-sigterm" or "stop-sigkill" or "stop-post" or "final-sigterm" or "final-sigkill")
            service.Stop();   // it was being stopped: the stop goes on
    }
}
