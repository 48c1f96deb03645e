using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Summon.Control;
using Summon.Journal;
using Summon.Manager;
using Summon.Processes;

namespace Summon.Cli.Daemon;

/// <summary>
/// `summon daemon`: the manager in the foreground. Wires the journal, the event loop, the unit manager and the
/// control socket, starts the enabled units, and on SIGTERM/SIGINT stops every unit before exiting 0.
/// It never uses System.Diagnostics.Process nor a SIGCHLD handler: children are watched through pidfds only.
/// </summary>
internal static class DaemonHost
{
    public static int Run(CliContext context)
    {
        ProcessSpawner.ResetInheritedSignalDispositions();
        Directory.CreateDirectory(context.RuntimeDirectory);
        Directory.CreateDirectory(context.StateDirectory);

        using var journal = JournalWriter.Open(context.StateDirectory, JournalWriterOptions.FromEnvironment() with { Mirror = Console.Error });
        using var loggers = new JournalLoggerProvider(journal);
        var log = loggers.CreateLogger("summon");
        using var loop = new EventLoop();
        loop.UnhandledException = e => ManagerLog.LoopError(log, e.ToString());

        var options = new ManagerOptions
        {
            UnitPath = context.UnitPath,
            UserMode = context.UserMode,
            RuntimeDirectory = context.RuntimeDirectory,
            StateDirectory = context.StateDirectory,
        };
        var manager = new UnitManager(options, loop, journal, log);
        var dispatcher = new ControlDispatcher(manager);

        ControlServer server;
        try
        {
            server = ControlServer.Start(context.ControlSocket, ProcessIdentity.EffectiveUid, request => loop.InvokeAsync(() => dispatcher.Handle(request)));
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Failed to set up the control socket {context.ControlSocket}: {e.Message}");
            return 1;
        }

        bool stopping = false;
        void RequestStop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            loop.Post(() =>
            {
                if (stopping)
                    return;
                stopping = true;
                manager.Shutdown(loop.Stop);
            });
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestStop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestStop);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true;
            loop.Post(manager.Reload);
        });

        using (server)
        {
            loop.Post(manager.StartEnabledUnits);
            loop.Run();
        }
        journal.Flush();
        return 0;
    }
}
