using Microsoft.Extensions.Logging;
using Summon.Interop;
using Summon.Sockets;

namespace Summon.Manager;

/// <summary>
/// The manager's side of the sd_notify socket: reads datagrams on the loop and hands each to the service its sender
/// belongs to (by pid, as the kernel attests with SCM_CREDENTIALS); messages from strangers are dropped.
/// </summary>
internal sealed class NotifyRouter(EventLoop loop, UnitRegistry registry, ILogger log)
{
    /// <summary>Datagrams read per wake-up, so one chatty service cannot starve the rest of the loop.</summary>
    private const int Batch = 64;
    private NotifySocket? _socket;

    public string? SocketPath => _socket?.Path;

    public void Attach(NotifySocket socket)
    {
        _socket = socket;
        loop.Register(socket.Handle, Libc.EPOLLIN, _ => OnReadable());
    }

    private void OnReadable()
    {
        for (int i = 0; i < Batch; i++)
        {
            var message = _socket!.TryReceive(out string? rejection);
            if (message is null)
                return;
            if (rejection is not null)
            {
                ManagerLog.UnitWarning(log, "summon", rejection);
                continue;
            }
            var service = registry.ServiceOf(message.Pid, includeGroups: true);
            if (service is null)
            {
                foreach (var fd in message.Fds)
                    fd.Dispose();
                continue;   // systemd: "Cannot find unit for notify message of PID …" at debug level
            }
            service.OnNotify(message);
        }
    }
}
