using Summon.Interop;
using Summon.Posix;
using Summon.Processes;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// The manager's process seam without processes: every spawn becomes a <see cref="FakeProcess"/> whose exit the test
/// decides. The program path says how it behaves, so a unit file reads as what it does:
/// <c>/fake/exit N</c> exits with N at once, <c>/fake/run</c> runs until a signal ends it, <c>/fake/stubborn</c>
/// ignores SIGTERM (SIGKILL still ends it), <c>/fake/held</c> runs but stays before its execve (counting toward
/// <see cref="SpawnDepth"/>) until the test calls <see cref="FakeProcess.ReachExec"/>, <c>/fake/emfile</c> fails before the child exists as a system call at
/// the fd limit would (ErrnoException, EMFILE), and any other path fails its exec (203/EXEC, ENOENT). While
/// <see cref="ExhaustedSpawns"/> is above zero every spawn fails as clone does out of processes (EAGAIN).
/// A process's exit shows on its exit handle (a pipe made readable), so the event loop sees it as it sees a pidfd.
/// </summary>
internal sealed class FakeProcessLauncher : IProcessLauncher
{
    private int _nextPid = 40_000;

    public List<FakeProcess> Started { get; } = [];

    /// <summary>Every signal sent: to one process, or to a whole group (kill(-pgid)).</summary>
    public List<(int Pid, int Signal, bool Group)> Sent { get; } = [];

    /// <summary>Processes in a service's group that the manager did not start (a daemon's children).</summary>
    public List<FakeProcess> Strays { get; } = [];

    public FakeProcess? Last => Started.Count > 0 ? Started[^1] : null;

    /// <summary>How many of the next spawns fail as clone out of processes would (ErrnoException, EAGAIN).</summary>
    public int ExhaustedSpawns { get; set; }

    /// <summary>How many live children before their execve make <see cref="SpawnDepthReached"/> true; none by default.</summary>
    public int SpawnDepth { get; set; } = int.MaxValue;

    /// <summary>How many times the manager asked <see cref="SpawnDepthReached"/>.</summary>
    public int DepthQueries { get; private set; }

    public bool SpawnDepthReached
    {
        get
        {
            DepthQueries++;
            return Started.Count(p => p.Alive && p.BeforeExec) >= SpawnDepth;
        }
    }

    public IChildProcess Spawn(SpawnRequest request)
    {
        string program = request.Path;
        if (!program.StartsWith("/fake/", StringComparison.Ordinal))
            throw new SpawnException(program, Errno.ENOENT);
        if (program == "/fake/emfile")
            throw new ErrnoException("pidfd_open", Errno.EMFILE);
        if (ExhaustedSpawns > 0)
        {
            ExhaustedSpawns--;
            throw new ErrnoException("clone3", Errno.EAGAIN);
        }
        var process = new FakeProcess(this, _nextPid++, request);
        Started.Add(process);
        switch (program)
        {
            case "/fake/exit":
                process.Exit(request.Argv.Count > 1 ? int.Parse(request.Argv[1], System.Globalization.CultureInfo.InvariantCulture) : 0);
                break;
            case "/fake/stubborn":
                process.Ignores.Add(Signals.SIGTERM);
                break;
            case "/fake/held":
                process.BeforeExec = true;
                break;
        }
        return process;
    }

    /// <summary>A process joining <paramref name="leader"/>'s group, as a daemon's forked child would.</summary>
    public FakeProcess AddStray(FakeProcess leader, bool ignoresSigterm)
    {
        var stray = new FakeProcess(this, _nextPid++, null) { Group = leader.Pid };
        if (ignoresSigterm)
            stray.Ignores.Add(Signals.SIGTERM);
        Strays.Add(stray);
        return stray;
    }

    public IChildProcess? Adopt(int pid) => null;

    /// <summary>A fake start time: the pid's own number, for every process started and not yet reaped.</summary>
    public ulong StartTimeOf(int pid) => Started.FirstOrDefault(p => p.Pid == pid && !p.Reaped) is { } p ? (ulong)p.Pid * 10 : 0;

    /// <summary>The process itself, as a re-executed manager adopts its own children again (a zombie too, until reaped).</summary>
    public IChildProcess? AdoptStartedAt(int pid, ulong startTime) =>
        startTime != 0 && StartTimeOf(pid) == startTime ? Started.First(p => p.Pid == pid) : null;

    public bool SignalGroup(int pgid, int signal)
    {
        Sent.Add((pgid, signal, true));
        bool any = false;
        foreach (var process in Members(pgid))
            any |= process.Receive(signal);
        return any;
    }

    public bool GroupAlive(int pgid) => Members(pgid).Any();

    public List<int> GroupMembers(int pgid) => [.. Members(pgid).Select(p => p.Pid).Order()];

    public int GroupOf(int pid) => Started.Concat(Strays).FirstOrDefault(p => p.Pid == pid && p.Alive)?.Group ?? 0;

    public string NameOf(int pid) => "fake";

    public ProcessUsage? UsageOf(int pid) => null;

    public bool ChildPidIsFree => true;

    public void ReapOrphans(Func<int, bool> isTracked)
    {
    }

    private IEnumerable<FakeProcess> Members(int pgid) => Started.Concat(Strays).Where(p => p.Alive && p.Group == pgid).ToList();

    internal void Record(int pid, int signal) => Sent.Add((pid, signal, false));
}

/// <summary>One fake child: alive until it exits or a signal it does not ignore ends it; reaped once.</summary>
internal sealed class FakeProcess : IChildProcess
{
    private readonly FakeProcessLauncher _launcher;
    private readonly SafeFdHandle _writeEnd;
    private ExitStatus? _status;
    private bool _reaped;

    public FakeProcess(FakeProcessLauncher launcher, int pid, SpawnRequest? request)
    {
        _launcher = launcher;
        Pid = pid;
        Group = pid;
        Request = request;
        (ExitHandle, _writeEnd) = ChildStdio.CreatePipe(nonBlocking: true);
    }

    public int Pid { get; }

    /// <summary>Its process group: its own pid (services lead their group), or the leader's for a stray.</summary>
    public int Group { get; init; }

    /// <summary>What the manager asked for: path, argv, environment, fds.</summary>
    public SpawnRequest? Request { get; }

    public HashSet<int> Ignores { get; } = [];

    /// <summary>Still on its way to execve (<c>/fake/held</c>), counting toward the launcher's spawn depth.</summary>
    public bool BeforeExec { get; set; }

    /// <summary>The held child reaches its execve: it no longer counts toward the spawn depth.</summary>
    public void ReachExec() => BeforeExec = false;

    public bool Alive => _status is null;

    public bool Reaped => _reaped;

    /// <summary>Held by SIGSTOP until a SIGCONT.</summary>
    public bool Stopped { get; private set; }

    public SafeFdHandle ExitHandle { get; }

    public SpawnException? SpawnFailure => null;

    /// <summary>A fake has execed once it exists, as a spawn that waited for the execve.</summary>
    public SafeFdHandle? ExecReportHandle => null;

    public bool? TakeExecReport() => true;

    public void Exit(int code) => End(new ExitStatus(ExitCode.Exited, code));

    public bool TryReap(out ExitStatus status)
    {
        status = _status ?? default;
        if (_status is null || _reaped)
            return false;
        _reaped = true;
        return true;
    }

    public bool Signal(int signal)
    {
        _launcher.Record(Pid, signal);
        return Receive(signal);
    }

    public bool SignalGroup(int signal) => _launcher.SignalGroup(Pid, signal) || Signal(signal);

    internal bool Receive(int signal)
    {
        if (!Alive)
            return false;
        if (signal is Signals.SIGSTOP or Signals.SIGCONT)
        {
            Stopped = signal == Signals.SIGSTOP;   // job control: held or resumed, never ended
            return true;
        }
        if (signal == Signals.SIGKILL || !Ignores.Contains(signal))
            End(new ExitStatus(ExitCode.Killed, signal));
        return true;
    }

    private unsafe void End(ExitStatus status)
    {
        if (_status is not null)
            return;
        _status = status;
        byte one = 1;
        Libc.Write(_writeEnd, &one, 1);   // the exit handle becomes readable, as a pidfd does
    }

    public void Dispose()
    {
        ExitHandle.Dispose();
        _writeEnd.Dispose();
    }
}
