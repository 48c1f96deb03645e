using Summon.Posix;

namespace Summon.Manager;

/// <summary>
/// The service's side of an idle stop (docs/architecture.md, "Idle stop"): held still with SIGSTOP while its socket
/// counts connections for the last time, so that it cannot accept one between that count and its stop signal.
/// </summary>
internal sealed partial class ServiceUnit
{
    private bool _frozen;

    /// <summary>The signal of the stop under way when it is an idle stop with IdleStopSignal=; else KillSignal=.</summary>
    private int? _idleStopSignal;

    internal bool Frozen => _frozen;

    /// <summary>SIGSTOP to every process of the service.</summary>
    internal void Freeze()
    {
        if (_state != ServiceState.Running)
            return;
        _frozen = true;
        SignalProcesses(Signals.SIGSTOP, groupWide: true);
    }

    /// <summary>SIGCONT to every process of the service, if it was frozen.</summary>
    internal void Thaw()
    {
        if (!_frozen)
            return;
        _frozen = false;
        SignalProcesses(Signals.SIGCONT, groupWide: true);
    }

    /// <summary>
    /// Stops the (frozen) service for idleness: its stop signal is queued while it is still stopped — a default
    /// action ends it before it runs another instruction, a handler runs first thing — then it is thawed.
    /// </summary>
    internal void StopWhenIdle(int? signal)
    {
        _idleStopSignal = signal;
        Stop();
        Thaw();
    }
}
