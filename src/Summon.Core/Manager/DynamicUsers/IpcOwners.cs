namespace Summon.Manager.DynamicUsers;

/// <summary>
/// Which non-root uids and gids the running units use, counted per unit start (systemd's manager_ref_uid/gid): when
/// the last unit of a uid or gid stops and any of its units had RemoveIPC= (or DynamicUser=), the IPC objects owned
/// by it are removed on a pool thread. Only the event loop calls this; a unit without User=/Group= costs nothing.
/// </summary>
internal sealed class IpcOwners
{
    private readonly Dictionary<uint, (int Units, bool Clean)> _uids = [];
    private readonly Dictionary<uint, (int Units, bool Clean)> _gids = [];

    /// <summary>One more unit runs as <paramref name="uid"/>/<paramref name="gid"/> (null or 0: not counted).</summary>
    public void Hold(uint? uid, uint? gid, bool removeIpc)
    {
        Add(_uids, uid, removeIpc);
        Add(_gids, gid, removeIpc);
    }

    /// <summary>One unit less; the task ends when the clean-up this made due is done (completed at once when none is).</summary>
    public Task Release(uint? uid, uint? gid)
    {
        uint? cleanUid = Drop(_uids, uid), cleanGid = Drop(_gids, gid);
        if (cleanUid is null && cleanGid is null)
            return Task.CompletedTask;
        return Task.Run(() => IpcObjects.Remove(cleanUid, cleanGid));
    }

    private static void Add(Dictionary<uint, (int Units, bool Clean)> table, uint? id, bool clean)
    {
        if (id is not { } key || key == 0)
            return;
        var (units, was) = table.GetValueOrDefault(key);
        table[key] = (units + 1, was || clean);
    }

    /// <summary>The id when this was its last unit and one of them asked for the clean-up.</summary>
    private static uint? Drop(Dictionary<uint, (int Units, bool Clean)> table, uint? id)
    {
        if (id is not { } key || !table.TryGetValue(key, out var entry))
            return null;
        if (entry.Units > 1)
        {
            table[key] = (entry.Units - 1, entry.Clean);
            return null;
        }

        table.Remove(key);
        return entry.Clean ? key : null;
    }
}
