namespace Summon.Manager.DynamicUsers;

/// <summary>Why a dynamic user could not be realized: systemd's errno for "Failed to update dynamic user credentials:
/// %m" and one line that says what to do.</summary>
internal sealed class DynamicUserFailure(int errno, string message) : Exception(message)
{
    public int Errno { get; } = errno;
}
