using Summon.Processes;

namespace Summon.Manager;

/// <summary>The last run of one command line (systemd's ExecStatus): its pid, when it started and ended, and how.</summary>
internal sealed class ExecRun
{
    public int Pid { get; set; }

    public DateTimeOffset? Started { get; init; }

    public DateTimeOffset? Exited { get; set; }

    public ExitStatus? Status { get; set; }
}
