using Summon.Journal;
using Summon.Units;

namespace Summon.Manager;

internal static partial class ManagerHost
{
    /// <summary>
    /// What <c>summon daemon</c> does for the engine that runs it (a container, a host systemd, another Summon): where
    /// journal lines go (<c>--log-target=</c>, <c>--log-format=</c>) and which unit's end ends the manager
    /// (<c>--exit-with</c>). Nested in the host, the CLI's one way into the manager.
    /// </summary>
    public sealed record ContainerSettings
    {
        /// <summary>Null: <see cref="LogTarget.Both"/> when the manager is PID 1 (of its PID namespace), else <see cref="LogTarget.Journal"/>.</summary>
        public LogTarget? LogTarget { get; init; }

        public ConsoleLogFormat LogFormat { get; init; }

        /// <summary>The unit whose stop or failure stops every unit and ends the manager with its exit status; null for none.</summary>
        public string? ExitWith { get; init; }

        /// <summary>The target in effect for a manager whose pid is <paramref name="pid"/>.</summary>
        public LogTarget EffectiveLogTarget(int pid) => LogTarget ?? (pid == 1 ? Journal.LogTarget.Both : Journal.LogTarget.Journal);

        /// <summary>The options as given on the command line (null when absent), or null and the one-line error.</summary>
        public static ContainerSettings? Parse(string? target, string? format, string? exitWith, out string? error)
        {
            error = null;
            Journal.LogTarget? parsedTarget = target switch
            {
                null => null,
                "journal" => Journal.LogTarget.Journal,
                "console" => Journal.LogTarget.Console,
                "both" => Journal.LogTarget.Both,
                _ => (Journal.LogTarget)(-1),
            };
            ConsoleLogFormat? parsedFormat = format switch
            {
                null or "short" => ConsoleLogFormat.Short,
                "json" => ConsoleLogFormat.Json,
                _ => null,
            };
            if (parsedTarget == (Journal.LogTarget)(-1))
                error = $"Invalid --log-target= value '{target}': use journal, console or both.";
            else if (parsedFormat is null)
                error = $"Invalid --log-format= value '{format}': use short or json.";
            else if (exitWith is not null && (!UnitName.TryParse(exitWith, out var name) || name.IsTemplate))
                error = $"Invalid --exit-with value '{exitWith}': name one unit with its suffix, such as app.service.";
            if (error is not null)
                return null;
            return new ContainerSettings { LogTarget = parsedTarget, LogFormat = parsedFormat!.Value, ExitWith = exitWith };
        }
    }
}
