namespace Summon.Manager;

/// <summary>The socket sub-states Summon uses (systemd's socket_state_table names).</summary>
internal enum SocketState { Dead, Listening, Running, Failed }

internal static class SocketStateNames
{
    public static string Name(this SocketState state) => state switch
    {
        SocketState.Dead => "dead",
        SocketState.Listening => "listening",
        SocketState.Running => "running",
        _ => "failed",
    };

    public static UnitActiveState ToActiveState(this SocketState state) => state switch
    {
        SocketState.Dead => UnitActiveState.Inactive,
        SocketState.Listening or SocketState.Running => UnitActiveState.Active,
        _ => UnitActiveState.Failed,
    };
}
