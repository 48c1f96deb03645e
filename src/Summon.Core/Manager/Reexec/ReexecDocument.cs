using System.Text.Json;

namespace Summon.Manager.Reexec;

/// <summary>A state document read back (docs/reexec.md): its version, the manager's part, the carried fds and the units' value.</summary>
internal sealed class ReexecDocument(JsonDocument json, int version, ReexecManagerState manager, IReadOnlyList<int> fds) : IDisposable
{
    public int Version { get; } = version;

    public ReexecManagerState Manager { get; } = manager;

    /// <summary>Every fd carried across execve, the manager's and the units' alike.</summary>
    public IReadOnlyList<int> Fds { get; } = fds;

    /// <summary>The value <see cref="ReexecUnits.Write"/> wrote, valid until disposal.</summary>
    public JsonElement Units => json.RootElement.GetProperty("units");

    public void Dispose() => json.Dispose();
}
