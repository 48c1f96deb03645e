namespace Summon.Manager;

internal static partial class ManagerHost
{
    /// <summary>The two directories a manager owns while it runs.</summary>
    public enum DirectoryRole
    {
        Runtime,
        State,
    }

    /// <summary>Why a manager did not start.</summary>
    public enum StartFailureKind
    {
        /// <summary>A system manager, not run as root.</summary>
        NeedsRoot,

        /// <summary>The directory is missing and could not be made (or is not a directory).</summary>
        DirectoryNotCreated,

        /// <summary>Somebody else could place or replace files in the directory (<see cref="StartFailure.Reason"/> says how).</summary>
        DirectoryUnsafe,

        /// <summary>Another manager holds the directory's lock.</summary>
        DirectoryHeld,

        /// <summary>The directory's lock file could not be opened.</summary>
        LockNotTaken,

        /// <summary>The control socket could not be set up (a socket call failed, or a manager without a lock answers on it).</summary>
        ControlSocket,

        /// <summary>The metrics endpoint's address did not parse or could not be bound (--metrics, SUMMON_METRICS).</summary>
        MetricsSocket,
    }

    /// <summary>
    /// A manager that did not start: what kept it, the directory or socket concerned (<paramref name="Path"/>), and the
    /// facts of the refusal in <paramref name="Reason"/> (strerror text, or who may write where); the CLI words the line.
    /// </summary>
    public sealed record StartFailure(StartFailureKind Kind, string Path, string Reason)
    {
        public DirectoryRole Role { get; init; }
    }
}
