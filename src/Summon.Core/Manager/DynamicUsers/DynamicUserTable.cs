using System.Globalization;
using Summon.Interop;
using Summon.Posix;
using Summon.Processes;

namespace Summon.Manager.DynamicUsers;

/// <summary>
/// The dynamic users and groups in use, by name, with the number of starts holding each (units naming the same user
/// share it, as systemd's dynamic_user_acquire()). A name's first holder realizes it on a pool thread — a static user or
/// group of that name when one exists, else a uid from <see cref="DynamicUidAllocator"/> — and its last release gives
/// the uid back after whatever the release must wait for (the RemoveIPC= clean-up). Only the event loop calls this.
/// </summary>
internal sealed class DynamicUserTable(DynamicUidAllocator allocator)
{
    private sealed class Entry(Task<DynamicIdentity> realized)
    {
        public Task<DynamicIdentity> Realized { get; } = realized;

        public int Holders { get; set; } = 1;
    }

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public DynamicUidAllocator Allocator { get; } = allocator;

    /// <summary>How many names are held (tests and status).</summary>
    public int Count => _entries.Count;

    /// <summary>Holds <paramref name="name"/> once more; the task answers with its identity or faults with
    /// <see cref="DynamicUserFailure"/>. <paramref name="suggested"/> are paths whose owner is worth reusing.</summary>
    public Task<DynamicIdentity> Acquire(string name, bool isUser, IReadOnlyList<string> suggested)
    {
        if (_entries.TryGetValue(name, out var entry))
        {
            entry.Holders++;
            return entry.Realized;
        }

        var realized = Task.Run(() => Realize(name, isUser, suggested));
        _entries[name] = new Entry(realized);
        return realized;
    }

    /// <summary>Lets go of <paramref name="name"/> once; the last holder's release frees the uid after
    /// <paramref name="after"/> (on a pool thread).</summary>
    public void Release(string name, Task after)
    {
        if (!_entries.TryGetValue(name, out var entry) || --entry.Holders > 0)
            return;
        _entries.Remove(name);
        Task.WhenAll(entry.Realized, after).ContinueWith(_ =>
        {
            if (entry.Realized.IsCompletedSuccessfully)
                entry.Realized.Result.Lock?.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>dynamic_user_realize(): a numeric name or a static entry of the name wins; a user name that exists only
    /// as a group (or the reverse) is refused, as systemd refuses it.</summary>
    private DynamicIdentity Realize(string name, bool isUser, IReadOnlyList<string> suggested)
    {
        if (uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out uint number))
            return new DynamicIdentity(name, number, isUser && UserDatabase.TryGetUser(number, out var byId) == 0 ? byId!.Gid : number, null);
        if (isUser && UserDatabase.TryGetUser(name, out var user) == 0)
            return new DynamicIdentity(name, user!.Uid, user.Gid, null);
        if (!isUser && UserDatabase.TryGetGroup(name, out uint gid, out _) == 0)
            return new DynamicIdentity(name, gid, gid, null);
        if (isUser ? UserDatabase.TryGetGroup(name, out _, out _) == 0 : UserDatabase.TryGetUser(name, out _) == 0)
            throw new DynamicUserFailure(Errno.EOPNOTSUPP,
                $"User or group with specified name already exists: {name} is a static {(isUser ? "group" : "user")} without the {(isUser ? "user" : "group")} of the same name; add it, or name another with {(isUser ? "User=" : "Group=")}.");
        var held = Allocator.Allocate(name, SuggestedIds(suggested));
        return new DynamicIdentity(name, held.Uid, held.Uid, held);
    }

    /// <summary>The owners of the paths that exist, in order (PHASE_SUGGESTED of systemd's pick_uid()).</summary>
    private static unsafe List<uint> SuggestedIds(IReadOnlyList<string> paths)
    {
        var ids = new List<uint>(paths.Count);
        byte* buffer = stackalloc byte[Libc.StatSize];
        foreach (string path in paths)
            if (Libc.Fstatat(Libc.AT_FDCWD, path, buffer, 0) == 0)
                ids.Add(Libc.StatModeAndOwner(buffer).Uid);
        return ids;
    }
}
