using Summon.Processes;

namespace Summon.Manager.DynamicUsers;

/// <summary>
/// One start's dynamic user, realized on a pool thread before its first command: the credentials every command of the
/// invocation runs with and its directories made, or the step that failed (217/USER, 216/GROUP, 238/STATE_DIRECTORY,
/// …) with the line that says why. The loop reads these only after the task has completed.
/// </summary>
internal sealed class DynamicUserJob(string invocationId, string user, string group)
{
    public string InvocationId { get; } = invocationId;

    /// <summary>The names held in <see cref="DynamicUserTable"/> (the same name twice when Group= is not set apart).</summary>
    public string User { get; } = user;

    public string Group { get; } = group;

    /// <summary>Set once, right after the job is made.</summary>
    public Task Task { get; set; } = Task.CompletedTask;

    public bool Done => Task.IsCompleted;

    /// <summary>What the commands run as; null when the start fails (or best-effort left the user out).</summary>
    public ExecCredentials? Credentials { get; set; }

    /// <summary>The directories were made with the dynamic ids (the commands do not make them again).</summary>
    public bool DirectoriesMade { get; set; }

    /// <summary>Why the commands fail: errno and systemd's exit status; null when they can run.</summary>
    public (int Errno, int Status)? Failure { get; set; }

    /// <summary>The line that says what went wrong and what to do, logged before systemd's own.</summary>
    public string? Message { get; set; }

    /// <summary>Lines to log once on the loop (a private base whose mode differs).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Best-effort: what was left out, for the start's downgrade line.</summary>
    public string? NotApplied { get; set; }

    /// <summary>Whether the service has logged <see cref="Message"/> and <see cref="Warnings"/> already.</summary>
    public bool Reported { get; set; }
}
