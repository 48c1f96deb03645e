using System.Globalization;
using Summon.Control;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// How systemd judges a process exit: what counts as clean (exit 0, SuccessExitStatus=, and for the main process
/// SIGHUP/SIGINT/SIGTERM/SIGPIPE; a core dump never), which Result= an exit gives, and whether Restart= restarts
/// after it. Exit status lists take numbers 0..255, exit status names ("TEMPFAIL") and signal names.
/// </summary>
internal static class ExitRules
{
    public static bool IsClean(ExitStatus status, ServiceSection? settings, bool mainProcess)
    {
        if (status.Code == ExitCode.Exited)
            return status.Status == 0 || Listed(settings?.SuccessExitStatus, status);
        if (status.Code != ExitCode.Killed)
            return false;   // CLD_DUMPED is never clean, whatever SuccessExitStatus= says
        if (mainProcess && status.Status is Signals.SIGHUP or Signals.SIGINT or Signals.SIGTERM or Signals.SIGPIPE)
            return true;
        return Listed(settings?.SuccessExitStatus, status);
    }

    public static string Result(ExitStatus status) => status.Code switch
    {
        ExitCode.Exited => UnitResult.ExitCode,
        ExitCode.Dumped => UnitResult.CoreDump,
        _ => UnitResult.Signal,
    };

    /// <summary>Restart= decides on the result (and the exit status when the main process exited).</summary>
    public static bool ShouldRestart(ServiceSection settings, string result, ExitStatus? status)
    {
        if (status is { } s && Listed(settings.RestartPreventExitStatus, s))
            return false;
        if (status is { } f && Listed(settings.RestartForceExitStatus, f))
            return true;
        bool success = result == UnitResult.Success;
        return settings.Restart switch
        {
            ServiceRestart.Always => true,
            ServiceRestart.OnSuccess => success,
            ServiceRestart.OnFailure => !success,
            ServiceRestart.OnAbnormal => !success && result != UnitResult.ExitCode,
            ServiceRestart.OnAbort => result is UnitResult.Signal or UnitResult.CoreDump,
            ServiceRestart.OnWatchdog => result == UnitResult.Watchdog,
            _ => false,
        };
    }

    private static bool Listed(List<string>? list, ExitStatus status)
    {
        if (list is null)
            return false;
        foreach (var entry in list)
        {
            foreach (var word in entry.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (status.Code == ExitCode.Exited && (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int code)
                    ? code == status.Status
                    : ExitStatusNames.Get(status.Status) == word))
                    return true;
                if (status.Code != ExitCode.Exited && !char.IsAsciiDigit(word[0]) && Signals.TryParse(word, out int signal) && signal == status.Status)
                    return true;
            }
        }
        return false;
    }
}
