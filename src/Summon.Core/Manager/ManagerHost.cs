using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Summon.Control;
using Summon.Interop;
using Summon.Journal;
using Summon.Manager.Takeover;
using Summon.Posix;
using Summon.Processes;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// `summon daemon`: the manager in the foreground, the one way into Manager for the CLI. Wires the journal, the event
/// loop, the unit manager and the control socket, starts the enabled units, and on SIGTERM/SIGINT stops every unit
/// before exiting 0. It never uses System.Diagnostics.Process nor a SIGCHLD handler: children are watched through
/// pidfds only.
/// </summary>
internal static partial class ManagerHost
{
    /// <summary>
    /// Runs the manager until it is stopped; the process's exit code, and why it did not start (exit code 1). Before
    /// anything else it claims its directories (<see cref="ManagerClaim"/>): a second manager on them is refused before
    /// it touches them. <paramref name="claimed"/> runs once they are claimed, before the manager starts (the demo lays
    /// out its units there). <paramref name="bestEffortSandbox"/> is `--sandbox=best-effort`.
    /// </summary>
    public static Exit Run(UnitSearchPath unitPath, bool userMode, string runtimeDirectory, string stateDirectory, Action? claimed = null,
        bool bestEffortSandbox = false, MetricsOptions? metrics = null, ContainerSettings? container = null)
    {
        uint uid = ProcessIdentity.EffectiveUid;
        if (!userMode && uid != 0)
            return new Exit(1, new StartFailure(StartFailureKind.NeedsRoot, runtimeDirectory, uid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        // After a re-exec the directories are claimed already: the locks' fds came across execve.
        using var resume = Reexec.ReexecResume.FromEnvironment();
        ManagerClaim? claim;
        if (resume?.Take(Reexec.ReexecVariables.RuntimeLock) is { } runtimeLock)
            claim = ManagerClaim.Carried(runtimeLock, resume.Take(Reexec.ReexecVariables.StateLock));
        else if (ManagerClaim.TryTake(userMode, runtimeDirectory, stateDirectory, uid, out claim) is { } refused)
            return new Exit(1, refused);
        using (claim)
        {
            claimed?.Invoke();
            return RunClaimed(unitPath, userMode, runtimeDirectory, stateDirectory,
                bestEffortSandbox ? Sandbox.SandboxMode.BestEffort : Sandbox.SandboxMode.Strict, metrics, container ?? new ContainerSettings(), claim!, resume);
        }
    }

    /// <summary>For `analyze security`: true for a sandbox key this environment cannot apply (found now, from /proc).</summary>
    public static Func<string, bool> SandboxCannot(bool userMode)
    {
        var environment = Sandbox.SandboxEnvironment.Detect(userMode);
        // A user manager cannot switch its services to another uid, nor clean another user's IPC (DynamicUsers/).
        return key => (userMode && key is "DynamicUser" or "RemoveIPC") || Sandbox.SandboxKeyNeeds.Cannot(environment, key);
    }

    private static Exit RunClaimed(UnitSearchPath unitPath, bool userMode, string runtimeDirectory, string stateDirectory, Sandbox.SandboxMode sandboxMode,
        MetricsOptions? metricsOptions, ContainerSettings container, ManagerClaim claim, Reexec.ReexecResume? resume)
    {
        ProcessSpawner.ResetInheritedSignalDispositions();

        // The foreground mirror writes to fd 2 directly: System.Console's terminal support installs a SIGCHLD
        // handler when it initialises on a tty, and as PID 1 .NET would then reap our children before their pidfds do.
        var target = container.EffectiveLogTarget(Environment.ProcessId);
        using var console = target == LogTarget.Journal ? null : new ConsoleLog(new SafeFdHandle(1, ownsHandle: false), container.LogFormat);
        using var stderr = console is null ? OpenStderr() : null;
        using var journal = JournalWriter.Open(stateDirectory, JournalWriterOptions.FromEnvironment() with
        {
            Mirror = stderr,
            Console = console,
            Store = target != LogTarget.Console,
        });
        using var loggers = new JournalLoggerProvider(journal);
        var log = loggers.CreateLogger("summon");
        using var loop = new EventLoop();
        loop.UnhandledException = e => ManagerLog.LoopError(log, e.ToString());

        var options = new ManagerOptions
        {
            UnitPath = unitPath,
            UserMode = userMode,
            RuntimeDirectory = runtimeDirectory,
            StateDirectory = stateDirectory,
            // Found once, before the loop runs: a few /proc files, nothing that blocks.
            Sandbox = Sandbox.SandboxEnvironment.Detect(userMode),
            SandboxMode = sandboxMode,
        };
        ManagerLog.SandboxEnvironment(log, options.SandboxMode == Sandbox.SandboxMode.Strict ? "strict" : "best-effort", options.Sandbox.Describe());
        var manager = new UnitManager(options, loop, journal, log)
        {
            ExitWith = container.ExitWith is { } exitWith ? new ExitWith(exitWith) : null,
            ConsoleLogStats = console?.Stats,
        };
        manager.Cgroups = DetectCgroups(userMode, runtimeDirectory, log);
        var dispatcher = new ControlDispatcher(manager);

        // As PID 1 the kernel re-parents every orphan to us; elsewhere we ask for the same as a child subreaper.
        manager.ReapsOrphans = Environment.ProcessId == 1 || OrphanReaper.BecomeSubreaper();
        if (manager.ReapsOrphans)
            ScheduleOrphanSweep(loop, manager);

        string controlSocket = ControlPaths.ControlSocket(runtimeDirectory);
        ControlEndpoint server;
        try
        {
            server = new ControlEndpoint(controlSocket, ProcessIdentity.EffectiveUid, loop, dispatcher, journal.Flush, resume?.Take(Reexec.ReexecVariables.Control));
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or ErrnoException or UnauthorizedAccessException)
        {
            return new Exit(1, new StartFailure(StartFailureKind.ControlSocket, controlSocket, e.Message));
        }

        Metrics.MetricsEndpoint? metrics = null;
        var carriedMetrics = resume?.Take(Reexec.ReexecVariables.Metrics);
        if (metricsOptions is null)
            carriedMetrics?.Dispose();
        if (metricsOptions is not null)
        {
            try
            {
                metrics = Metrics.MetricsEndpoint.Start(metricsOptions, loop, manager, carriedMetrics);
                Metrics.MetricsLog.Listening(log, metricsOptions.Address);
            }
            catch (ErrnoException e)
            {
                server.Dispose();
                return new Exit(1, new StartFailure(StartFailureKind.MetricsSocket, metricsOptions.Address, e.Message));
            }
        }

        var notify = OpenNotifySocket(runtimeDirectory, manager, log, resume?.Take(Reexec.ReexecVariables.Notify));
        manager.Inherited = InheritedSockets.FromEnvironment(log);
        var reexec = new Reexec.Reexecutor(manager, new Reexec.ReexecParts
        {
            RuntimeDirectory = runtimeDirectory,
            Journal = journal,
            Control = server,
            Notify = notify?.Handle,
            Metrics = metrics?.ListenerHandle,
            RuntimeLock = claim.RuntimeLock,
            StateLock = claim.StateLock,
        })
        {
            Generation = resume?.Generation ?? 0,
            LastFailure = resume?.Degraded is { } degraded ? $"re-executed, but degraded: {degraded}" : null,
        };
        dispatcher.Reexec = reexec;
        using var upward = UpwardNotify.FromEnvironment(log);
        void StopEverything()
        {
            upward?.Stopping();
            manager.Shutdown(loop.Stop);
        }

        // SuccessAction=/FailureAction=/StartLimitAction=exit: every unit stops, then the manager ends with the status.
        int exitCode = 0;
        bool exiting = false;
        manager.ExitRequested = (status, _) =>
        {
            if (status is { } code)
                exitCode = code;
            if (exiting)
                return;
            exiting = true;
            StopEverything();
        };

        using var signals = new CompositeDisposable(HandleSignals(loop, manager, StopEverything, reexec));
        using (server)
        using (metrics)
        using (notify)
        {
            loop.Post(() =>
            {
                bool restored = resume is not null && Resume(resume, manager, reexec, log);
                manager.TakeOver(StateFileWriter.PathIn(runtimeDirectory), adopt: !restored);
                manager.StartEnabledUnits(() =>
                {
                    manager.Inherited?.CloseUnused(log);
                    upward?.Booted(manager);
                });
            });
            loop.Run();
            manager.StopRecordingState();
        }
        manager.Cgroups?.RemoveEmpty();
        journal.Flush();
        return new Exit(exitCode, null);
    }

    /// <summary>The cgroup2 subtree services get their cgroups in, said in one line either way.</summary>
    private static ControlGroups.CgroupTree? DetectCgroups(bool userMode, string runtimeDirectory, ILogger log)
    {
        var tree = ControlGroups.CgroupDetection.Detect(userMode, runtimeDirectory, out string? reason);
        if (tree is null)
            ControlGroups.CgroupLog.NotUsed(log, reason ?? "");
        else
            ControlGroups.CgroupLog.Using(log, tree.DisplayPath(tree.Root), tree.Controllers.Count == 0 ? "none" : string.Join(' ', tree.Controllers),
                tree.LegacyRoots.Count == 0 ? "none" : string.Join(' ', tree.LegacyRoots.Keys));
        return tree;
    }

    /// <summary>How the manager ended: its exit code, and why it could not start when it could not.</summary>
    public readonly record struct Exit(int Code, StartFailure? Failure);

    /// <summary>The sd_notify socket; without it the manager still runs, and says that sd_notify(3) will not work.</summary>
    private static NotifySocket? OpenNotifySocket(string runtimeDirectory, UnitManager manager, ILogger log, SafeFdHandle? carried)
    {
        string path = Path.Combine(runtimeDirectory, "notify");
        var adopted = carried is null ? null : NotifySocket.Carried(carried, path);
        if (adopted is null)
            carried?.Dispose();
        try
        {
            var notify = adopted ?? NotifySocket.Open(path);
            manager.AttachNotifySocket(notify);
            return notify;
        }
        catch (Exception e) when (e is ErrnoException or IOException or UnauthorizedAccessException)
        {
            ManagerLog.UnitWarning(log, "summon", $"Failed to set up the notification socket, sd_notify(3) will not work: {e.Message}");
            return null;
        }
    }

    /// <summary>SIGTERM and SIGINT stop every unit and then the loop (once); SIGHUP is a daemon-reload; SIGUSR2 a daemon-reexec.</summary>
    private static IDisposable[] HandleSignals(EventLoop loop, UnitManager manager, Action stopEverything, Reexec.Reexecutor reexec)
    {
        bool stopping = false;
        void RequestStop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            loop.Post(() =>
            {
                if (stopping)
                    return;
                stopping = true;
                stopEverything();
            });
        }
        return
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestStop),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestStop),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
            {
                signal.Cancel = true;
                loop.Post(manager.Reload);
            }),
            // nginx's "upgrade the executable" signal, for engines that can only send signals; a raw number is allowed on Unix.
            PosixSignalRegistration.Create((PosixSignal)Signals.SIGUSR2, signal =>
            {
                signal.Cancel = true;
                loop.Post(reexec.RequestFromSignal);
            }),
        ];
    }

    /// <summary>Disposes its parts together, last first.</summary>
    private sealed class CompositeDisposable(IDisposable[] parts) : IDisposable
    {
        public void Dispose()
        {
            for (int i = parts.Length - 1; i >= 0; i--)
                parts[i].Dispose();
        }
    }

    /// <summary>fd 2 as a writer, or null when the daemon was started without one.</summary>
    private static StreamWriter? OpenStderr()
    {
        try
        {
            var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(2, ownsHandle: false), FileAccess.Write, 1);
            // Not AutoFlush: the journal writer thread, its only user, flushes once per committed batch (one write(2), not one per line).
            return new StreamWriter(stream, new System.Text.UTF8Encoding(false), bufferSize: 8192);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Orphans can exit while none of our own children does: sweep for them once a second.</summary>
    private static void ScheduleOrphanSweep(EventLoop loop, UnitManager manager) =>
        loop.Schedule(TimeSpan.FromSeconds(1), () =>
        {
            manager.OnProcessReaped();
            ScheduleOrphanSweep(loop, manager);
        });
}
