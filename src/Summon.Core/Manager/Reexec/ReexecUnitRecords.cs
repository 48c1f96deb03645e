namespace Summon.Manager.Reexec;

/// <summary>Every record of the "units" value, by kind, in the order they are restored.</summary>
internal sealed record ReexecUnitRecords(
    List<TargetReexecRecord> Targets,
    List<SocketReexecRecord> Sockets,
    List<ServiceReexecRecord> Services,
    List<JournalStreamReexecRecord> Streams,
    List<JobReexecRecord> Jobs);
