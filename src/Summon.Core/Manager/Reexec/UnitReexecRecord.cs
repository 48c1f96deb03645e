namespace Summon.Manager.Reexec;

/// <summary>What every unit carries across a re-exec (<see cref="UnitRuntime"/>'s part): its name, result and the timestamps systemd keeps.</summary>
internal sealed record UnitReexecRecord(
    string Unit,
    string Result,
    DateTimeOffset? StateChange,
    DateTimeOffset? ActiveEnter,
    DateTimeOffset? ActiveExit,
    DateTimeOffset? InactiveEnter,
    DateTimeOffset? InactiveExit,
    StartChecksRecord? Checks);
