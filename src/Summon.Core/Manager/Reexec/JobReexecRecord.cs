namespace Summon.Manager.Reexec;

/// <summary>An installed job of the job engine across a re-exec: its unit and type; it is installed again in the new manager.</summary>
internal readonly record struct JobReexecRecord(string Unit, string Type, bool IgnoreOrder, bool Irreversible);
