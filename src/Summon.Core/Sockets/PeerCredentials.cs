using Summon.Interop;

namespace Summon.Sockets;

/// <summary>The process at the other end of a connected AF_UNIX socket, as the kernel recorded it at connect (SO_PEERCRED).</summary>
internal readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    /// <summary>False when the socket is not AF_UNIX or the call fails (the peer may be gone already).</summary>
    public static unsafe bool TryRead(SafeFdHandle socket, out PeerCredentials credentials)
    {
        Libc.UCred cred;
        int length = sizeof(Libc.UCred);
        if (Libc.GetSockOpt(socket, Libc.SOL_SOCKET, Libc.SO_PEERCRED, &cred, &length) != 0 || length < sizeof(Libc.UCred))
        {
            credentials = default;
            return false;
        }
        credentials = new PeerCredentials(cred.Pid, cred.Uid, cred.Gid);
        return true;
    }
}
