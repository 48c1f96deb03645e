namespace Summon.Units;

/// <summary>
/// The unapplied protective keys one unit's exec settings ask for (<see cref="UnappliedSandboxKeys"/>), each with the
/// value that asked last, kept in systemd's step order: a later assignment that asks nothing (no, empty, the default,
/// a '-' label) takes its key out again, as it would take the protection away in systemd.
/// </summary>
internal sealed class UnappliedSandboxRequests
{
    private readonly List<(UnappliedSandboxKey Row, string Value)> _requests = [];

    public IReadOnlyList<(UnappliedSandboxKey Row, string Value)> Requests => _requests;

    public bool IsEmpty => _requests.Count == 0;

    /// <summary>Records <paramref name="value"/> for <paramref name="row"/>'s key, replacing an earlier value.</summary>
    public void Set(UnappliedSandboxKey row, string value)
    {
        Remove(row);
        int order = UnappliedSandboxKeys.Order(row);
        int at = _requests.FindIndex(r => UnappliedSandboxKeys.Order(r.Row) > order);
        _requests.Insert(at < 0 ? _requests.Count : at, (row, value));
    }

    public void Remove(UnappliedSandboxKey row) => _requests.RemoveAll(r => r.Row.Key == row.Key);
}
