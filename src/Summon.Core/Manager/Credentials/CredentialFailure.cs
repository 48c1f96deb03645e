namespace Summon.Manager.Credentials;

/// <summary>
/// A unit's credentials could not be gathered or written: the start fails at step CREDENTIALS (243) with
/// <see cref="Errno"/>, and <see cref="Message"/> is the one line that says which credential and what to do.
/// </summary>
internal sealed class CredentialFailure(int errno, string message) : Exception(message)
{
    public int Errno { get; } = errno;
}
