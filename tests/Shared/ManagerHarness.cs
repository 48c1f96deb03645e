using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Summon.Journal;
using Summon.Manager;
using Summon.Processes;
using Summon.Units;

namespace Summon.Tests.Manager;

/// <summary>
/// A real UnitManager over a temp unit directory, driven on the test's thread: the event loop runs one iteration at
/// a time (<see cref="PumpUntil"/>) and its clock is a <see cref="FakeTimeProvider"/>, so RestartSec=,
/// TimeoutStopSec=, StartLimitIntervalSec= and TriggerLimitIntervalSec= timers fire when the test advances the clock,
/// never on their own. Sockets are real; processes are real unless the test passes a launcher (the Core tests pass a
/// fake one, so no child is ever started). Every manager line is kept in <see cref="Lines"/> (and written to a
/// journal in the temp state directory, which output capture needs). Compiled into both test projects.
/// </summary>
internal sealed class ManagerHarness : IDisposable
{
    /// <summary>Bounds how long a broken build can hang a pump; never an assertion about timing.</summary>
    private static readonly TimeSpan PumpDeadline = TimeSpan.FromSeconds(20);
    private readonly List<JournalEntry> _lines = [];
    private readonly JournalLoggerProvider _loggers;

    /// <param name="resolveCredentials">User=/Group= lookups instead of NSS (they still run on a pool thread).</param>
    /// <param name="time">The clock of an earlier harness, for a manager that takes over from it (a re-exec).</param>
    public ManagerHarness(IProcessLauncher? launcher = null, Func<string?, string?, string[], ExecCredentials>? resolveCredentials = null, FakeTimeProvider? time = null)
    {
        Root = Path.Combine("/tmp", "summon-mgr-" + Guid.NewGuid().ToString("N")[..8]);
        UnitDir = Path.Combine(Root, "units");
        Directory.CreateDirectory(UnitDir);
        Directory.CreateDirectory(Path.Combine(Root, "run"));
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Loop = new EventLoop(Time);
        Loop.UnhandledException = e => Errors.Add(e);
        Journal = JournalWriter.Open(Path.Combine(Root, "state"));
        _loggers = new JournalLoggerProvider(Append, LogLevel.Information, Time, Environment.ProcessId);
        var options = new ManagerOptions
        {
            UnitPath = UnitSearchPath.FromDirectories([UnitDir]),
            UserMode = false,
            RuntimeDirectory = Path.Combine(Root, "run"),
            StateDirectory = Path.Combine(Root, "state"),
            DirectoryRoot = Path.Combine(Root, "dirs"),
        };
        Manager = new UnitManager(options, Loop, Journal, _loggers.CreateLogger("summon"), launcher ?? SystemProcessLauncher.Instance, resolveCredentials);
    }

    public string Root { get; }

    public string UnitDir { get; }

    public FakeTimeProvider Time { get; }

    public EventLoop Loop { get; }

    public JournalWriter Journal { get; }

    public UnitManager Manager { get; }

    /// <summary>Exceptions the loop caught from handlers: a test ends by asserting there were none.</summary>
    public List<Exception> Errors { get; } = [];

    /// <summary>A TCP port on 127.0.0.1 for a unit to listen on (<see cref="TestPorts"/>: not from a bind to port 0).</summary>
    public static int FreePort() => Summon.Tests.TestPorts.Tcp(IPAddress.Loopback);

    public void WriteUnit(string name, string text) => File.WriteAllText(Path.Combine(UnitDir, name), text);

    public ServiceUnit Service(string name) => (ServiceUnit)Manager.GetOrLoad(name)!;

    public SocketUnit Socket(string name) => (SocketUnit)Manager.GetOrLoad(name)!;

    /// <summary>The manager's messages about <paramref name="unit"/>, in order.</summary>
    public List<string> Lines(string unit)
    {
        lock (_lines)
            return _lines.Where(l => l.Unit == unit && l.IsManagerLine).Select(l => l.Message).ToList();
    }

    /// <summary>Every manager line, of every unit (per-connection instances are forgotten once done; their lines are not).</summary>
    public List<string> AllLines()
    {
        lock (_lines)
            return _lines.Where(l => l.IsManagerLine).Select(l => l.Message).ToList();
    }

    /// <summary>
    /// Runs loop iterations until <paramref name="condition"/> holds; false if it never did. With a
    /// <paramref name="tick"/> the fake clock moves on by that much after every idle iteration, for the manager's own
    /// short polls (remaining processes of a stopping service every 50 ms, shutdown every 20 ms).
    /// </summary>
    public bool PumpUntil(Func<bool> condition, TimeSpan? tick = null)
    {
        var deadline = DateTime.UtcNow + PumpDeadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                return false;
            Loop.RunOnce(20);
            if (tick is { } t && !condition())
            {
                // Give real processes real time too (a killed child is a zombie until its parent reaps it).
                Loop.RunOnce(10);
                Time.Advance(t);
            }
        }
        return true;
    }

    /// <summary>`summon start`: the start job, pumped until it settles.</summary>
    public JobResult Start(string name)
    {
        var job = Manager.StartJob(name);
        Assert.True(PumpUntil(() => job.IsCompleted), $"start job of {name} did not settle");
        return job.Result;
    }

    /// <summary>Runs what is ready now (fds, posted work, due timers) without waiting.</summary>
    public void Pump()
    {
        for (int i = 0; i < 4; i++)
            Loop.RunOnce(0);
    }

    /// <summary>Moves the fake clock on and runs the timers that became due.</summary>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Pump();
    }

    private void Append(JournalEntry entry)
    {
        lock (_lines)
            _lines.Add(entry);
        Journal.Append(entry);
    }

    /// <summary>
    /// The end of a manager that re-executed: it stops nothing (its processes, fds and units went on in the new
    /// image), only its loop, journal and directory go.
    /// </summary>
    public void Abandon()
    {
        _loggers.Dispose();
        Journal.Dispose();
        Loop.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public void Dispose()
    {
        // Stop whatever is left: sockets close, services get SIGTERM (and SIGKILL if the fake TimeoutStopSec= passes
        // first). The clock moves slowly enough that real processes die of the real signal and are reaped.
        Manager.Shutdown(() => { });
        PumpUntil(() => Manager.Units.OfType<ServiceUnit>().All(s => s.MainPid == 0 && s.ControlPid == 0), tick: TimeSpan.FromMilliseconds(50));
        _loggers.Dispose();
        Journal.Dispose();
        Loop.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
