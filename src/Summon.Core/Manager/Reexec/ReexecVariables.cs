using System.Globalization;
using System.Text;

namespace Summon.Manager.Reexec;

/// <summary>
/// The environment variables a re-exec hands the new image (docs/reexec.md), and the names of the manager's own fds in
/// the second one: it does not need the state document, so a manager whose document is unreadable still finds its
/// control socket, locks and the carried listening sockets.
/// </summary>
internal static class ReexecVariables
{
    /// <summary>The memfd holding the state document, by number.</summary>
    public const string State = "SUMMON_REEXEC_STATE";

    /// <summary>Every carried fd as NUMBER or NUMBER=NAME, comma-separated; NAME is one of the names below for the manager's own.</summary>
    public const string Fds = "SUMMON_REEXEC_FDS";

    /// <summary>The generation the new image is (docs/reexec.md), so a degraded one still answers `daemon-reexec` with it.</summary>
    public const string Generation = "SUMMON_REEXEC_GENERATION";

    /// <summary>A test hook: when set, the document written for the execve (not the one checked) is cut in half.</summary>
    public const string TruncateForTests = "SUMMON_REEXEC_TEST_TRUNCATE";

    public const string Control = "control", Notify = "notify", Metrics = "metrics", RuntimeLock = "runtime-lock", StateLock = "state-lock";

    /// <summary>The value of <see cref="Fds"/>: every carried number, the manager's named.</summary>
    public static string FormatFds(IEnumerable<int> carried, ReexecManagerState manager)
    {
        var names = new Dictionary<int, string>
        {
            [manager.ControlFd] = Control,
            [manager.RuntimeLockFd] = RuntimeLock,
        };
        if (manager.NotifyFd >= 0)
            names[manager.NotifyFd] = Notify;
        if (manager.MetricsFd >= 0)
            names[manager.MetricsFd] = Metrics;
        if (manager.StateLockFd >= 0)
            names[manager.StateLockFd] = StateLock;
        var text = new StringBuilder();
        foreach (int fd in carried)
        {
            if (text.Length > 0)
                text.Append(',');
            text.Append(fd.ToString(CultureInfo.InvariantCulture));
            if (names.TryGetValue(fd, out var name))
                text.Append('=').Append(name);
        }
        return text.ToString();
    }

    /// <summary>The numbers and names of <see cref="Fds"/>' value (an empty name for an fd not the manager's); what does not parse is left out.</summary>
    public static List<(int Fd, string Name)> ParseFds(string? value)
    {
        var fds = new List<(int, string)>();
        foreach (var item in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=', 2);
            if (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int fd) && fd > 2 && !fds.Exists(f => f.Item1 == fd))
                fds.Add((fd, parts.Length > 1 ? parts[1] : ""));
        }
        return fds;
    }
}
