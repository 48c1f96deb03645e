namespace Summon.Processes;

/// <summary>How a process ended, as systemd's code=exited|killed|dumped (CLD_EXITED/KILLED/DUMPED).</summary>
internal enum ExitCode
{
    Exited,
    Killed,
    Dumped,
}
