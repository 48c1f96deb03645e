using Summon.Posix;

namespace Summon.Processes;

/// <summary>A reaped process's end: the exit status for <see cref="ExitCode.Exited"/>, else the signal number.</summary>
internal readonly record struct ExitStatus(ExitCode Code, int Status)
{
    public bool IsSuccess => Code == ExitCode.Exited && Status == 0;

    /// <summary>systemd's code name: "exited", "killed" or "dumped".</summary>
    public string CodeName => Code switch
    {
        ExitCode.Exited => "exited",
        ExitCode.Killed => "killed",
        _ => "dumped",
    };

    /// <summary>
    /// The text after the slash: the exit status name for exits (systemd's full table, "n/a" if unnamed), the signal
    /// name without "SIG" otherwise.
    /// </summary>
    public string StatusName => Code == ExitCode.Exited ? ExitStatusNames.Get(Status) ?? "n/a" : Signals.Name(Status);

    /// <summary>As in systemd's "Main process exited, code=killed, status=15/TERM".</summary>
    public override string ToString() => $"code={CodeName}, status={Status}/{StatusName}";
}
