using System.Text.Json;
using Microsoft.Extensions.Logging;
using Summon.Manager.Reexec;

namespace Summon.Manager;

internal static partial class ManagerHost
{
    /// <summary>
    /// `daemon --check-deserialize FILE`: reads a re-exec state as the restore would, touching nothing; null when it
    /// can be used, else the one line that says why not.
    /// </summary>
    public static string? CheckReexecState(string file)
    {
        try
        {
            ReexecStateCodec.Check(File.ReadAllBytes(file));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{file}: {e.Message}";
        }
        catch (FormatException e)
        {
            return $"{file}: {e.Message}";
        }
    }

    /// <summary>
    /// On the loop, before the boot: the units come back from the state (true), or, when it cannot be read or
    /// restored, the manager goes on as after a crash with the carried listening sockets adopted as nested activation's
    /// (false). Either way the counters continue and one line says which.
    /// </summary>
    private static bool Resume(ReexecResume resume, UnitManager manager, Reexecutor reexec, ILogger log)
    {
        reexec.Generation = resume.Generation;
        if (resume.Document is { } document)
        {
            manager.Metrics.Started = document.Manager.Started;
            manager.Jobs.NextId = document.Manager.NextJobId;
            try
            {
                ReexecUnits.Restore(document.Units, manager, resume.Fds);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or KeyNotFoundException or JsonException or ArgumentException)
            {
                resume.Degrade($"the units cannot be restored: {e.Message}");
            }
        }
        if (resume.Degraded is { } why)
        {
            ManagerLog.ReexecDegraded(log, Environment.ProcessId, why);
            reexec.LastFailure = $"re-executed, but degraded: {why}";
            manager.Inherited = InheritedSockets.Carried(resume.TakeUnclaimed());
            return false;
        }
        resume.CloseUnclaimed();
        ManagerLog.Reexecuted(log, Environment.ProcessId, resume.Document!.Manager.Binary, resume.Document.Version, resume.Generation);
        return true;
    }
}
