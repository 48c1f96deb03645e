using System.CommandLine;
using Summon.Cli.Rendering;
using Summon.Manager;

namespace Summon.Cli.Commands;

/// <summary>daemon: run the manager in the foreground.</summary>
internal static class DaemonVerb
{
    public static void AddTo(Command root)
    {
        var force = new Option<bool>("--force") { Description = "Run a system manager even where systemd is PID 1" };
        var sandbox = new Option<string?>("--sandbox")
        {
            Description = "What to do with a protection a unit asks for that this environment cannot apply: strict (fail the start, the default) or best-effort (start without it and log what was left out); also SUMMON_SANDBOX",
            HelpName = "strict|best-effort",
        };
        var metrics = new Option<string?>("--metrics")
        {
            Description = "Serve /metrics (Prometheus), /readyz and /livez over HTTP on this address from the manager's loop; also SUMMON_METRICS",
            HelpName = "HOST:PORT|[IPv6]:PORT|/unix/path",
        };
        var readyUnits = new Option<string[]>("--ready-unit")
        {
            Description = "A unit /readyz waits for to be active (repeatable), besides those with [X-Summon] RequiredForReadiness=yes",
            HelpName = "UNIT",
            AllowMultipleArgumentsPerToken = false,
        };
        var livezStall = new Option<string?>("--livez-stall")
        {
            Description = "How long the event loop may go without turning before /livez answers 503 (a time span; default 10s)",
            HelpName = "TIMESPAN",
        };
                var logTarget = new Option<string?>("--log-target")
        {
            Description = "Where journal lines go: journal (the SQLite journal; the manager's own lines also on stderr), console (every line on stdout, no journal) or both; default both when PID 1, else journal",
            HelpName = "journal|console|both",
        };
        var logFormat = new Option<string?>("--log-format")
        {
            Description = "How lines look on stdout with --log-target=console|both: short (journalctl's, the default) or json (one object a line)",
            HelpName = "short|json",
        };
        var exitWith = new Option<string?>("--exit-with")
        {
            Description = "When UNIT stops or fails, stop every unit and exit with its exit status (128+N for signal N)",
            HelpName = "UNIT",
        };
        // What a re-exec runs the target binary with before it execve's it (docs/reexec.md): not for people.
        var checkDeserialize = new Option<string?>("--check-deserialize") { Hidden = true, HelpName = "FILE" };
        var command = new Command("daemon", "Run the manager in the foreground (system mode as root, --user otherwise)") { force, sandbox, metrics, readyUnits, livezStall, logTarget, logFormat, exitWith, checkDeserialize };
        command.SetAction(r =>
        {
            if (r.GetValue(checkDeserialize) is { } stateFile)
            {
                if (ManagerHost.CheckReexecState(stateFile) is not { } unreadable)
                    return 0;
                Console.Error.WriteLine(unreadable);
                return 1;
            }
            var context = GlobalOptions.Context(r);
            string? given = r.GetValue(sandbox);
            string? chosen = given ?? Environment.GetEnvironmentVariable(SandboxEnvironmentVariable);
            if (ParseSandboxMode(chosen) is not { } bestEffort)
            {
                Console.Error.WriteLine(given is not null
                    ? $"Invalid --sandbox= value '{given}': use strict or best-effort."
                    : $"Invalid {SandboxEnvironmentVariable}='{chosen}': use strict or best-effort.");
                return 1;
            }
            if (!context.UserMode && !r.GetValue(force) && SystemdOwnsTheUnits(context))
            {
                Console.Error.WriteLine(
                    "systemd is running as PID 1 on this machine (/run/systemd/system exists) and owns the units under " +
                    "/etc/systemd/system: a second system manager would start them all again. Point SUMMON_UNIT_PATH at " +
                    "Summon's own unit directories, use --user, or pass --force.");
                return 1;
            }
            if (MetricsOptionsOf(r.GetValue(metrics), r.GetValue(readyUnits), r.GetValue(livezStall), out string? error) is var metricsOptions && error is not null)
            {
                Console.Error.WriteLine(error);
                return 1;
            }
            if (ManagerHost.ContainerSettings.Parse(r.GetValue(logTarget), r.GetValue(logFormat), r.GetValue(exitWith), out error) is not { } container)
            {
                Console.Error.WriteLine(error);
                return 1;
            }
            return Run(context, bestEffortSandbox: bestEffort, metrics: metricsOptions, container: container);
        });
        root.Subcommands.Add(command);
    }

    /// <summary>
    /// Runs the manager of <paramref name="context"/>'s mode and paths in the foreground; its exit code.
    /// <paramref name="claimed"/> runs once the manager holds its directories, before it starts.
    /// </summary>
    public static int Run(CliContext context, Action? claimed = null, bool bestEffortSandbox = false, ManagerHost.MetricsOptions? metrics = null,
        ManagerHost.ContainerSettings? container = null)
    {
        var exit = ManagerHost.Run(context.UnitPath, context.UserMode, context.RuntimeDirectory, context.StateDirectory, claimed, bestEffortSandbox, metrics, container);
        if (exit.Failure is { } failure)
            Console.Error.WriteLine(StartFailureMessages.Describe(failure));
        return exit.Code;
    }

    /// <summary>
    /// The metrics endpoint's settings from --metrics (else SUMMON_METRICS), --ready-unit and --livez-stall; null when no
    /// address is given. <paramref name="error"/> is the one-line reason a value is refused.
    /// </summary>
    internal static ManagerHost.MetricsOptions? MetricsOptionsOf(string? given, string[]? readyUnits, string? stall, out string? error)
    {
        error = null;
        string? address = given ?? Environment.GetEnvironmentVariable(ManagerHost.MetricsOptions.EnvironmentVariable);
        string source = given is not null ? "--metrics=" : ManagerHost.MetricsOptions.EnvironmentVariable + "=";
        if (string.IsNullOrEmpty(address))
        {
            if (readyUnits is { Length: > 0 } || stall is not null)
                error = "--ready-unit and --livez-stall shape the metrics endpoint's answers: give --metrics=ADDRESS (or SUMMON_METRICS) too.";
            return null;
        }
        if (!Summon.Units.ListenAddressParser.TryParse(address, out var parsed, out int errno) || parsed.Family == Summon.Posix.ListenFamily.Vsock)
        {
            error = $"Invalid {source} value '{address}' ({Summon.Posix.Errno.Describe(errno == 0 ? Summon.Posix.Errno.EINVAL : errno)}): use HOST:PORT, [IPv6]:PORT, PORT or /unix/path.";
            return null;
        }
        var limit = ManagerHost.MetricsOptions.DefaultStallLimit;
        if (stall is not null)
        {
            if (Summon.Units.TimeSpans.TryParseSec(stall, out ulong usec) == 0 && usec is > 0 and < ulong.MaxValue)
                limit = TimeSpan.FromMicroseconds(usec);
            else
                limit = TimeSpan.Zero;
        }
        if (limit <= TimeSpan.Zero)
        {
            error = $"Invalid --livez-stall= value '{stall}': use a positive time span such as 10s or 1min.";
            return null;
        }
        foreach (string unit in readyUnits ?? [])
        {
            if (!Summon.Units.UnitName.TryParse(unit, out var name) || name.IsTemplate)
            {
                error = $"Invalid --ready-unit= value '{unit}': use a unit name such as web.service or web.socket.";
                return null;
            }
        }
        return new ManagerHost.MetricsOptions(address) { ReadyUnits = readyUnits ?? [], StallLimit = limit };
    }

    /// <summary>The environment variable that chooses the sandbox mode when --sandbox= is not given.</summary>
    public const string SandboxEnvironmentVariable = "SUMMON_SANDBOX";

    /// <summary>Whether the mode is best-effort: false for strict (also when nothing is given), null for anything else.</summary>
    internal static bool? ParseSandboxMode(string? value) => value switch
    {
        null or "" or "strict" => false,
        "best-effort" => true,
        _ => null,
    };

    /// <summary>sd_booted(3): systemd is PID 1, and we would read its default unit directories.</summary>
    private static bool SystemdOwnsTheUnits(CliContext context) =>
        Directory.Exists("/run/systemd/system") && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Summon.Units.UnitSearchPath.EnvironmentVariable));
}
