namespace Summon.Processes;

/// <summary>What a process uses now: threads, resident memory and CPU time, as /proc reports them.</summary>
internal readonly record struct ProcessUsage(int Threads, long ResidentBytes, long CpuNanoseconds);
