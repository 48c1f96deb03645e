namespace Summon.Manager.Credentials;

/// <summary>
/// The making of one invocation's credentials directory, on a pool thread. Once <see cref="Done"/>,
/// <see cref="Failure"/> says why the start must fail (null: the directory is ready) and <see cref="Notice"/> is a
/// line to log (the plain-directory fallback). The loop reads these only after the task has completed.
/// </summary>
internal sealed class CredentialJob(string invocationId)
{
    public string InvocationId { get; } = invocationId;

    /// <summary>Set once, right after the job is made, by <see cref="CredentialStore.Prepare"/>.</summary>
    public Task Task { get; set; } = Task.CompletedTask;

    public bool Done => Task.IsCompleted;

    public CredentialFailure? Failure { get; set; }

    public string? Notice { get; set; }

    /// <summary>Whether the service has logged <see cref="Failure"/> and <see cref="Notice"/> already.</summary>
    public bool Reported { get; set; }
}
