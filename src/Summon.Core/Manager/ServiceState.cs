namespace Summon.Manager;

/// <summary>The service sub-states Summon uses (systemd's service_state_table names).</summary>
public enum ServiceState { Dead, Running, Exited, StopSigterm, StopSigkill, Failed }

internal static class ServiceStateNames
{
    public static string Name(this ServiceState state) => state switch
    {
        ServiceState.Dead => "dead",
        ServiceState.Running => "running",
        ServiceState.Exited => "exited",
        ServiceState.StopSigterm => "stop-sigterm",
        ServiceState.StopSigkill => "stop-sigkill",
        _ => "failed",
    };

    public static UnitActiveState ToActiveState(this ServiceState state) => state switch
    {
        ServiceState.Dead => UnitActiveState.Inactive,
        ServiceState.Running or ServiceState.Exited => UnitActiveState.Active,
        ServiceState.StopSigterm or ServiceState.StopSigkill => UnitActiveState.Deactivating,
        _ => UnitActiveState.Failed,
    };
}
