namespace Summon.Manager;

/// <summary>
/// The socket sub-states (systemd's socket_state_table names). The control-command states are entered only while a
/// command of ExecStartPre/Post=, ExecStopPre/Post= runs or its processes are being killed; start-chown is not one:
/// Summon changes SocketUser=/SocketGroup= ownership on its loop as it binds, between start-pre and start-post.
/// </summary>
internal enum SocketState
{
    Dead,
    StartPre,
    StartPost,
    Listening,
    Running,
    StopPre,
    StopPreSigterm,
    StopPreSigkill,
    StopPost,
    FinalSigterm,
    FinalSigkill,
    Failed,
}

internal static class SocketStateNames
{
    public static string Name(this SocketState state) => state switch
    {
        SocketState.Dead => "dead",
        SocketState.StartPre => "start-pre",
        SocketState.StartPost => "start-post",
        SocketState.Listening => "listening",
        SocketState.Running => "running",
        SocketState.StopPre => "stop-pre",
        SocketState.StopPreSigterm => "stop-pre-sigterm",
        SocketState.StopPreSigkill => "stop-pre-sigkill",
        SocketState.StopPost => "stop-post",
        SocketState.FinalSigterm => "final-sigterm",
        SocketState.FinalSigkill => "final-sigkill",
        _ => "failed",
    };

    public static UnitActiveState ToActiveState(this SocketState state) => state switch
    {
        SocketState.Dead => UnitActiveState.Inactive,
        SocketState.StartPre or SocketState.StartPost => UnitActiveState.Activating,
        SocketState.Listening or SocketState.Running => UnitActiveState.Active,
        SocketState.Failed => UnitActiveState.Failed,
        _ => UnitActiveState.Deactivating,
    };

    /// <summary>The states between a stop's beginning and dead or failed.</summary>
    public static bool IsStopping(this SocketState state) =>
        state is SocketState.StopPre or SocketState.StopPreSigterm or SocketState.StopPreSigkill
            or SocketState.StopPost or SocketState.FinalSigterm or SocketState.FinalSigkill;
}
