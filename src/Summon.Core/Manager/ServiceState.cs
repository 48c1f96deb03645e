namespace Summon.Manager;

/// <summary>The service sub-states (systemd's service_state_table names), in the order a service passes them.</summary>
internal enum ServiceState
{
    Dead, StartPre, Start, StartPost, Running, Exited, Reload, ReloadSignal, ReloadNotify, Stop, StopSigterm, StopSigkill, StopPost,
    FinalSigterm, FinalSigkill, Failed, AutoRestart,

    /// <summary>ExecCondition= runs (issue 13), before start-pre.</summary>
    Condition,
}

internal static class ServiceStateNames
{
    public static string Name(this ServiceState state) => state switch
    {
        ServiceState.Dead => "dead",
        ServiceState.StartPre => "start-pre",
        ServiceState.Start => "start",
        ServiceState.StartPost => "start-post",
        ServiceState.Running => "running",
        ServiceState.Exited => "exited",
        ServiceState.Reload => "reload",
        ServiceState.ReloadSignal => "reload-signal",
        ServiceState.ReloadNotify => "reload-notify",
        ServiceState.Stop => "stop",
        ServiceState.StopSigterm => "stop-sigterm",
        ServiceState.StopSigkill => "stop-sigkill",
        ServiceState.StopPost => "stop-post",
        ServiceState.FinalSigterm => "final-sigterm",
        ServiceState.FinalSigkill => "final-sigkill",
        ServiceState.AutoRestart => "auto-restart",
        ServiceState.Condition => "condition",
        _ => "failed",
    };

    public static UnitActiveState ToActiveState(this ServiceState state) => state switch
    {
        ServiceState.Dead => UnitActiveState.Inactive,
        ServiceState.Condition or ServiceState.StartPre or ServiceState.Start or ServiceState.StartPost or ServiceState.AutoRestart => UnitActiveState.Activating,
        ServiceState.Running or ServiceState.Exited => UnitActiveState.Active,
        ServiceState.Reload or ServiceState.ReloadSignal or ServiceState.ReloadNotify => UnitActiveState.Reloading,
        ServiceState.Failed => UnitActiveState.Failed,
        _ => UnitActiveState.Deactivating,
    };

    /// <summary>The reload states: ExecReload= running, or Type=notify-reload waiting for RELOADING=1 and READY=1.</summary>
    public static bool IsReloading(this ServiceState state) => state is ServiceState.Reload or ServiceState.ReloadSignal or ServiceState.ReloadNotify;

    /// <summary>States in which the start timeout (TimeoutStartSec=) runs.</summary>
    public static bool IsStarting(this ServiceState state) => state is ServiceState.Condition or ServiceState.StartPre or ServiceState.Start or ServiceState.StartPost;

    /// <summary>States of an orderly stop, in which the stop timeout (TimeoutStopSec=) runs.</summary>
    public static bool IsStopping(this ServiceState state) => state is ServiceState.Stop or ServiceState.StopSigterm or ServiceState.StopSigkill
        or ServiceState.StopPost or ServiceState.FinalSigterm or ServiceState.FinalSigkill;
}
