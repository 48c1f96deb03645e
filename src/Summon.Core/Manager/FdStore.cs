using Summon.Interop;

namespace Summon.Manager;

/// <summary>
/// A service's file descriptor store (FDSTORE=1): fds it hands the manager to get back on its next start, each
/// with its FDNAME=, kept across automatic restarts and released when the service is gone for good.
/// </summary>
internal sealed class FdStore
{
    private readonly List<(SafeFdHandle Fd, string Name)> _entries = [];

    public IReadOnlyList<(SafeFdHandle Fd, string Name)> Entries => _entries;

    /// <summary>Keeps <paramref name="fds"/> up to <paramref name="max"/> in all; returns how many were refused (and closed).</summary>
    public int Add(IReadOnlyList<SafeFdHandle> fds, string name, uint max)
    {
        int refused = 0;
        foreach (var fd in fds)
        {
            if (_entries.Count >= max)
            {
                fd.Dispose();
                refused++;
                continue;
            }
            _entries.Add((fd, name));
        }
        return refused;
    }

    /// <summary>FDSTOREREMOVE=1: closes and forgets every fd stored under <paramref name="name"/>.</summary>
    public void Remove(string name)
    {
        foreach (var (fd, entryName) in _entries)
            if (entryName == name)
                fd.Dispose();
        _entries.RemoveAll(e => e.Name == name);
    }

    public void Clear()
    {
        foreach (var (fd, _) in _entries)
            fd.Dispose();
        _entries.Clear();
    }
}
