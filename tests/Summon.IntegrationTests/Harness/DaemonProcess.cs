using System.Diagnostics;

namespace Summon.IntegrationTests.Harness;

/// <summary>
/// A running <c>summon daemon</c> in a <see cref="TempRoot"/>. Its stdout and stderr (the journal mirror) go to
/// <c>daemon.log</c> in the root. It runs as the leader of its own session and process group
/// (<c>setsid</c>, which execs without forking because the child of Process.Start is no group leader), so
/// Dispose can kill it, its group and every descendant, whatever state a failed test left behind.
/// </summary>
internal sealed class DaemonProcess : IDisposable
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly TempRoot _root;
    private readonly Dictionary<int, string> _seenDescendants = [];

    private DaemonProcess(TempRoot root, Process process, string logPath)
    {
        _root = root;
        _process = process;
        LogPath = logPath;
        Pid = process.Id;
    }

    public int Pid { get; }

    public string LogPath { get; }

    /// <summary>Everything the daemon wrote to stdout and stderr so far.</summary>
    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    public int FdCount => ProcFs.FdCount(Pid);

    /// <summary>Starts <c>summon daemon</c> and waits until it answers <c>list-sockets</c>.</summary>
    public static Task<DaemonProcess> StartAsync(TempRoot root) =>
        StartAsync(root, SummonBinary.Path, ["daemon"], waitReady: true);

    /// <summary>
    /// Starts <paramref name="program"/> as the daemon (the tests of this harness use a shell script);
    /// with <paramref name="waitReady"/> waits for the control socket and a successful <c>summon list-sockets</c>.
    /// </summary>
    /// <param name="environment">The whole environment instead of the root's (the demo verb chooses its own directories).</param>
    public static async Task<DaemonProcess> StartAsync(
        TempRoot root, string program, string[] arguments, bool waitReady, IReadOnlyDictionary<string, string>? environment = null)
    {
        string logPath = Path.Combine(root.Dir, "daemon.log");
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // sh replaces itself with setsid, which replaces itself with the daemon: one pid throughout, stdin from
        // /dev/null, stdout and stderr appended to the log file (a file, not a pipe, so nothing can block on it).
        foreach (string argument in (string[])["-c", "log=$1; shift; exec setsid \"$@\" </dev/null >>\"$log\" 2>&1", "sh", logPath, program, .. arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        foreach ((string key, string value) in environment ?? root.Environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Process.Start returned null");
        var daemon = new DaemonProcess(root, process, logPath);
        if (waitReady)
        {
            try
            {
                await daemon.WaitReadyAsync();
            }
            catch
            {
                daemon.Dispose();
                throw;
            }
        }

        return daemon;
    }

    private async Task WaitReadyAsync()
    {
        CommandResult? last = null;
        bool ready = await Wait.UntilAsync(
            () =>
            {
                if (_process.HasExited)
                {
                    return true;
                }

                if (!File.Exists(_root.ControlSocket))
                {
                    return false;
                }

                last = Cli.Run(_root, "list-sockets");
                return last.ExitCode == 0;
            },
            ReadyTimeout);
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"summon daemon exited with {_process.ExitCode} before it was ready.\n[log]\n{Log}");
        }

        if (!ready)
        {
            throw new TimeoutException(
                $"summon daemon not ready after {ReadyTimeout.TotalSeconds:0} s (control socket {(File.Exists(_root.ControlSocket) ? "exists" : "missing")}).\n"
                + $"[last list-sockets]\n{last}\n[log]\n{Log}");
        }
    }

    /// <summary>Records the daemon's current descendants, so Dispose can still find them after they are orphaned.</summary>
    public List<ProcStat> Descendants()
    {
        List<ProcStat> descendants = ProcFs.Descendants(Pid);
        foreach (ProcStat descendant in descendants)
        {
            _seenDescendants[descendant.Pid] = descendant.Comm;
        }

        return descendants;
    }

    public List<ProcStat> ZombieChildren() => ProcFs.ZombieChildren(Pid);

    /// <summary>Sends SIGTERM and waits for the exit code.</summary>
    public async Task<int> StopAsync()
    {
        Descendants();
        Signals.Send(Pid, Signals.SIGTERM);
        using var cancel = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"summon daemon still running {StopTimeout.TotalSeconds:0} s after SIGTERM.\n[log]\n{Log}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Descendants();
            Signals.Send(Pid, Signals.SIGKILL);
        }

        // The group goes too: anything the daemon started without a session of its own.
        Signals.Send(-Pid, Signals.SIGKILL);
        foreach ((int pid, string comm) in _seenDescendants)
        {
            // Orphans were re-parented away from the daemon, so they are found by the pid recorded earlier; the
            // name check keeps a recycled pid of somebody else's process safe.
            if (ProcFs.Stat(pid) is { State: not 'Z' } stat && stat.Comm == comm)
            {
                Signals.Send(pid, Signals.SIGKILL);
            }
        }

        _process.WaitForExit(StopTimeout);
        _process.Dispose();
    }
}
