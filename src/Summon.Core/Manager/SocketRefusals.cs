namespace Summon.Manager;

/// <summary>
/// Why a socket turned connections away, counted since the manager started: MaxConnections= and
/// MaxConnectionsPerSource= (systemd's NRefused is their sum), the trigger limit (the connection is closed and the socket
/// fails), and PollLimit= (a pause of the listener: connections wait in the backlog, none is closed).
/// </summary>
internal struct SocketRefusals
{
    public ulong MaxConnections;
    public ulong PerSource;
    public ulong TriggerLimit;
    public ulong PollLimit;
}
