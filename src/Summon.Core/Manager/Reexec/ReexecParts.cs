using Summon.Interop;
using Summon.Journal;

namespace Summon.Manager.Reexec;

/// <summary>What the daemon host gives the re-exec: where the check's copy goes, the journal it pauses, and the manager's own fds it carries.</summary>
internal sealed record ReexecParts
{
    public required string RuntimeDirectory { get; init; }

    public required JournalWriter Journal { get; init; }

    /// <summary>The control endpoint: its listener is carried, and it is drained of clients before the execve.</summary>
    public required ControlEndpoint Control { get; init; }

    public SafeFdHandle? Notify { get; init; }

    public SafeFdHandle? Metrics { get; init; }

    public required SafeFdHandle RuntimeLock { get; init; }

    public SafeFdHandle? StateLock { get; init; }
}
