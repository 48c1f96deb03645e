namespace Summon.Control;

/// <summary>No manager listens on the control socket.</summary>
internal sealed class ControlUnavailableException(string path, string reason)
    : Exception($"Failed to connect to the summon manager at {path}: {reason}. Is 'summon daemon' running (with the same SUMMON_RUNTIME_DIR)?")
{
    public string SocketPath { get; } = path;
}
