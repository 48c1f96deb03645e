using Summon.Interop;
using Summon.Manager.ControlGroups;
using Summon.Posix;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// IPAddressAllow=/IPAddressDeny= of a .socket. systemd makes the listening sockets inside the socket unit's cgroup so
/// that its packet programs judge them; Summon's listening sockets are the manager's own, so the same program
/// (<see cref="IpFilterProgram"/>, ingress) is attached to each IP listening socket as a socket filter (SO_ATTACH_BPF):
/// packets from a denied peer are dropped at the listener and at every connection it accepts, which inherits the
/// filter. Outgoing packets are not judged (docs/compatibility.md).
/// </summary>
internal static class SocketAddressFilter
{
    private const int SO_ATTACH_BPF = 50;

    /// <summary>Attaches the filter to every IP socket of <paramref name="sockets"/>; null, or why it could not be.</summary>
    public static string? Attach(IEnumerable<ListeningSocket> sockets, SocketSection settings)
    {
        var inet = sockets.Where(s => s.Address.Family is ListenFamily.Inet or ListenFamily.Inet6).ToList();
        if (settings.IPAddressDeny.Count == 0 || inet.Count == 0)
            return null;
        var code = IpFilterProgram.Build(settings.IPAddressAllow, settings.IPAddressDeny, ingress: true, IpFilterProgram.SocketFilterPass);
        using var program = BpfLoader.Load(BpfLoader.SocketFilter, 0, code, out int errno);
        if (program is null)
            return $"IPAddressDeny= (the socket filter cannot be loaded: {Errno.Describe(errno)})";
        bool added = false;
        program.DangerousAddRef(ref added);
        try
        {
            int fd = (int)program.DangerousGetHandle();
            foreach (var socket in inet)
                if (Libc.SetSockOptInt(socket.Handle, Libc.SOL_SOCKET, SO_ATTACH_BPF, fd) != 0)
                    return $"IPAddressDeny= (the socket filter cannot be attached to {socket.Address}: {Errno.Describe(Errno.Last)})";
        }
        finally
        {
            if (added)
                program.DangerousRelease();
        }
        return null;
    }
}
