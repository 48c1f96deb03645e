using Summon.Interop;

namespace Summon.Sockets;

/// <summary>The process at the other end of a connected AF_UNIX socket, as the kernel recorded it at connect (SO_PEERCRED).</summary>
internal readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    /// <summary>False when the socket is not AF_UNIX or the call fails (the peer may be gone already).</summary>
    public static unsafe bool TryRead(SafeFdHandle socket, out PeerCredentials credentials)
    {
        Span<int> cred = stackalloc int[3];   // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        int length = cred.Length * sizeof(int);
        fixed (int* p = cred)
        {
            if (Libc.GetSockOpt(socket.Fd, Libc.SOL_SOCKET, Libc.SO_PEERCRED, p, &length) != 0 || length < cred.Length * sizeof(int))
            {
                credentials = default;
                return false;
            }
        }
        credentials = new PeerCredentials(cred[0], (uint)cred[1], (uint)cred[2]);
        return true;
    }
}
