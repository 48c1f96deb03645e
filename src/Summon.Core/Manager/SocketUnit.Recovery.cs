using Summon.Control;

namespace Summon.Manager;

/// <summary>
/// A socket that heals (issue 15): failed by its trigger limit it listens again after [X-Summon]
/// TriggerLimitRecoverSec= (xinetd's <c>cps</c> wait); failed because its service hit the start limit it listens again
/// after that service's [X-Summon] StartLimitRecoverSec=, the service's limit starting afresh.
/// </summary>
internal sealed partial class SocketUnit
{
    private IDisposable? _recoverTimer;

    /// <summary>How many times this socket listened again after a failure by a limit.</summary>
    public uint Recoveries { get; private set; }

    /// <summary>When the socket listens again; null when no recovery is scheduled.</summary>
    public DateTimeOffset? RecoverAt { get; private set; }

    private void ScheduleRecovery(TimeSpan? after, string result, ServiceUnit? service = null)
    {
        if (after is not { } delay)
            return;
        CancelRecovery();
        RecoverAt = Manager.Loop.Time.GetUtcNow() + delay;
        ManagerLog.RecoveryScheduled(Manager.Log, Id, result, Text.SystemdTimestamp.Format(RecoverAt));
        _recoverTimer = Manager.Loop.Schedule(delay, () => OnRecoverDue(result, service));
    }

    private void OnRecoverDue(string result, ServiceUnit? service)
    {
        _recoverTimer = null;
        RecoverAt = null;
        if (_state != SocketState.Failed || Result != result)
            return;
        Recoveries++;
        ManagerLog.Recovered(Manager.Log, Id, result, Recoveries);
        service?.ForgetStartLimit();
        _triggerLimit?.Reset();
        SetState(SocketState.Dead);
        Start();
    }

    private void CancelRecovery()
    {
        _recoverTimer?.Dispose();
        _recoverTimer = null;
        RecoverAt = null;
    }
}
