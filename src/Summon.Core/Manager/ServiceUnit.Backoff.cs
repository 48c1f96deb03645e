using Summon.Control;

namespace Summon.Manager;

/// <summary>
/// Restarts that back off and limits that heal (issue 15): the delay of each automatic restart
/// (<see cref="RestartDelay"/>), its return to RestartSec= once the service has stayed up for [X-Summon]
/// RestartResetSec=, and a new start [X-Summon] StartLimitRecoverSec= after start-limit-hit.
/// </summary>
internal sealed partial class ServiceUnit
{
    private uint _backoffStep;

    // Rarely used: made on first need, so a per-connection instance stays as small as before (AcceptAllocationTests).
    private Healing? _healing;

    private Healing Heal => _healing ??= new Healing();

    private IDisposable? _healthyTimer { get => _healing?.HealthyTimer; set { if (value is not null || _healing is not null) Heal.HealthyTimer = value; } }

    private IDisposable? _recoverTimer { get => _healing?.RecoverTimer; set { if (value is not null || _healing is not null) Heal.RecoverTimer = value; } }

    /// <summary>The delay of the restart now scheduled, or of the next one (systemd 254's RestartUSecNext).</summary>
    public TimeSpan RestartDelayNext => RestartDelay.Next(Settings, _backoffStep);

    /// <summary>When the scheduled automatic restart happens; null when none is scheduled.</summary>
    public DateTimeOffset? NextRestartAt { get => _healing?.NextRestartAt; private set { if (value is not null || _healing is not null) Heal.NextRestartAt = value; } }

    /// <summary>Restarts made since the back-off last began (it grows with this, RestartResetSec= sets it back).</summary>
    public uint BackoffStep => _backoffStep;

    /// <summary>How many times StartLimitRecoverSec= started the service again after start-limit-hit.</summary>
    public uint StartLimitRecoveries { get => _healing?.StartLimitRecoveries ?? 0; private set => Heal.StartLimitRecoveries = value; }

    /// <summary>When StartLimitRecoverSec= starts the service again; null when no recovery is scheduled.</summary>
    public DateTimeOffset? StartLimitRecoverAt { get => _healing?.StartLimitRecoverAt; private set { if (value is not null || _healing is not null) Heal.StartLimitRecoverAt = value; } }

    /// <summary>Schedules the automatic restart after the back-off's current delay, and says so when it has grown.</summary>
    private void ScheduleRestart()
    {
        var delay = RestartDelayNext;
        NextRestartAt = Manager.Loop.Time.GetUtcNow() + delay;
        if (Settings.RestartSteps > 0 && _backoffStep > 0)
            ManagerLog.RestartBackoff(Manager.Log, Id, Math.Min(_backoffStep + 1, Settings.RestartSteps), Settings.RestartSteps, Span(delay));
        _restartTimer = Manager.Loop.Schedule(delay, OnRestartDue);
    }

    /// <summary>Called with every state change: RestartResetSec= counts from when the service is up.</summary>
    private void TrackHealth(UnitActiveState from, UnitActiveState to)
    {
        if (to == UnitActiveState.Active && from is not (UnitActiveState.Active or UnitActiveState.Reloading) && Settings.RestartResetSec is { } reset)
        {
            _healthyTimer?.Dispose();
            _healthyTimer = Manager.Loop.Schedule(reset, OnHealthy);
        }
        else if (to != UnitActiveState.Active && to != UnitActiveState.Reloading)
        {
            _healthyTimer?.Dispose();
            _healthyTimer = null;
        }
        if (_state != ServiceState.AutoRestart)
            NextRestartAt = null;
    }

    private void OnHealthy()
    {
        _healthyTimer = null;
        if (_backoffStep == 0 || ActiveState is not (UnitActiveState.Active or UnitActiveState.Reloading))
            return;
        ManagerLog.RestartBackoffReset(Manager.Log, Id, Span(Settings.RestartResetSec!.Value), _backoffStep);
        _backoffStep = 0;
    }

    /// <summary>After start-limit-hit: with StartLimitRecoverSec= the limit is forgotten after that long and, unless a
    /// socket starts this service (its own recovery does), the service starts again.</summary>
    private void ScheduleStartLimitRecovery()
    {
        if (Settings.StartLimitRecoverSec is not { } after)
            return;
        _recoverTimer?.Dispose();
        StartLimitRecoverAt = Manager.Loop.Time.GetUtcNow() + after;
        ManagerLog.RecoveryScheduled(Manager.Log, Id, UnitResult.StartLimitHit, Text.SystemdTimestamp.Format(StartLimitRecoverAt));
        _recoverTimer = Manager.Loop.Schedule(after, OnStartLimitRecoverDue);
    }

    private void OnStartLimitRecoverDue()
    {
        _recoverTimer = null;
        StartLimitRecoverAt = null;
        if (_state != ServiceState.Failed || Result != UnitResult.StartLimitHit)
            return;
        StartLimitRecoveries++;
        _startLimit.Reset();
        ManagerLog.Recovered(Manager.Log, Id, UnitResult.StartLimitHit, StartLimitRecoveries);
        if (!Manager.SocketsTriggering(this).Any())
            Start();
    }

    /// <summary>The socket that starts this service recovers from service-start-limit-hit: the limit starts afresh.</summary>
    internal void ForgetStartLimit()
    {
        _recoverTimer?.Dispose();
        _recoverTimer = null;
        StartLimitRecoverAt = null;
        _startLimit.Reset();
    }

    /// <summary>A span as systemd prints one ("2.675s"), to the millisecond.</summary>
    internal static string Span(TimeSpan span) => Units.TimeSpans.Format((ulong)(span.Ticks / TimeSpan.TicksPerMicrosecond), 1000);

    private void CancelRecovery()
    {
        _recoverTimer?.Dispose();
        _recoverTimer = null;
        StartLimitRecoverAt = null;
    }

    private sealed class Healing
    {
        public IDisposable? HealthyTimer { get; set; }

        public IDisposable? RecoverTimer { get; set; }

        public DateTimeOffset? NextRestartAt { get; set; }

        public uint StartLimitRecoveries { get; set; }

        public DateTimeOffset? StartLimitRecoverAt { get; set; }
    }
}
