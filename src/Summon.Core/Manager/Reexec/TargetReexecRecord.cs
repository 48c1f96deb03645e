namespace Summon.Manager.Reexec;

/// <summary>A target unit across a re-exec: its generic part and whether it is active.</summary>
internal sealed record TargetReexecRecord(UnitReexecRecord Unit, bool Active);
