using System.Globalization;
using Microsoft.Extensions.Logging;
using Summon.Interop;
using Summon.Posix;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// Nested activation: the listening sockets the manager's own parent (systemd, systemd-socket-activate, Podman, another
/// Summon) passed it with sd_listen_fds(3)'s LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES. A socket unit starting at boot
/// takes the one bound to its Listen*= address and type, else the one named by its FileDescriptorName= (the unit's name
/// by default), instead of binding; what is left when the boot job ends is closed with a warning.
/// </summary>
internal sealed class InheritedSockets
{
    /// <summary>sd_listen_fds(3): the first passed fd.</summary>
    private const int FirstFd = 3;

    private readonly List<(SafeFdHandle Fd, string Name)> _left;

    private InheritedSockets(List<(SafeFdHandle Fd, string Name)> fds) => _left = fds;

    /// <summary>
    /// The fds passed to this process, or null when none were; the variables are removed either way, so nothing the
    /// manager starts sees them.
    /// </summary>
    public static InheritedSockets? FromEnvironment(ILogger log)
    {
        string? pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        string? count = Environment.GetEnvironmentVariable("LISTEN_FDS");
        string? names = Environment.GetEnvironmentVariable("LISTEN_FDNAMES");
        foreach (var name in (string[])["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"])
            Environment.SetEnvironmentVariable(name, null);
        if (count is null)
            return null;
        if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int forPid) || forPid != Environment.ProcessId)
        {
            ManagerLog.InheritedFdsIgnored(log, $"LISTEN_PID={pid} is not this process ({Environment.ProcessId})");
            return null;
        }
        if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n is < 1 or > 4096)
        {
            ManagerLog.InheritedFdsIgnored(log, $"LISTEN_FDS={count} is not a number of fds");
            return null;
        }
        string[] given = names?.Split(':') ?? [];
        var fds = new List<(SafeFdHandle, string)>(n);
        for (int i = 0; i < n; i++)
        {
            var fd = new SafeFdHandle(FirstFd + i);
            // Until a unit takes it, no child may inherit it.
            Libc.Fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC);
            fds.Add((fd, i < given.Length && given[i].Length > 0 ? given[i] : "unknown"));
        }
        return new InheritedSockets(fds);
    }

    /// <summary>The listening sockets a degraded re-exec carried (docs/reexec.md), adopted as a parent's are; null when none.</summary>
    public static InheritedSockets? Carried(List<(SafeFdHandle Fd, string Name)> fds) => fds.Count == 0 ? null : new InheritedSockets(fds);

    /// <summary>The inherited socket for <paramref name="spec"/> of a unit whose fd name is <paramref name="fdName"/>, or null (bind as usual).</summary>
    public ListeningSocket? Take(string unit, ListenSpec spec, SocketKind kind, string fdName, ILogger log)
    {
        if (spec.Address is null)
            return null;
        foreach (bool byAddress in (bool[])[true, false])
        {
            for (int i = 0; i < _left.Count; i++)
            {
                var (fd, name) = _left[i];
                if (!byAddress && name != fdName)
                    continue;
                if (ListeningSocket.Adopt(fd, spec.Address, kind, sameAddress: byAddress, out _) is not { } socket)
                    continue;
                _left.RemoveAt(i);
                ManagerLog.AdoptedInheritedFd(log, unit, (int)fd.DangerousGetHandle(), name, spec.SettingName, spec.Value);
                return socket;
            }
        }
        return null;
    }

    /// <summary>The boot job has ended: what no unit took is closed, each with a warning.</summary>
    public void CloseUnused(ILogger log)
    {
        foreach (var (fd, name) in _left)
        {
            ManagerLog.InheritedFdUnused(log, (int)fd.DangerousGetHandle(), name);
            fd.Dispose();
        }
        _left.Clear();
    }
}
