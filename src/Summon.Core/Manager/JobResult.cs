namespace Summon.Manager;

/// <summary>Outcome of a job as systemctl reports it: success, or the message and exit code it prints.</summary>
public readonly record struct JobResult(bool Success, string? Error, int ExitCode)
{
    public static JobResult Ok => new(true, null, 0);

    public static JobResult Failed(string error, int exitCode) => new(false, error, exitCode);
}
