using System.Runtime.InteropServices;
using Summon.Interop;

namespace Summon.Manager.Reexec;

/// <summary>
/// The fds a re-exec carries across execve. Their numbers stay the same in the new image, so the state names each by
/// its number: the old manager <see cref="Carry"/>s a handle and records the number it gets back, the new one
/// <see cref="Claim"/>s the number it reads and owns the fd from then on; what no one claims is closed.
/// </summary>
internal sealed class CarriedFds
{
    private readonly List<SafeHandle> _carried = [];
    private readonly HashSet<int> _unclaimed;

    private CarriedFds(IEnumerable<int> received) => _unclaimed = [.. received];

    /// <summary>The old manager's side, before it writes the state.</summary>
    public static CarriedFds ForWriting() => new([]);

    /// <summary>The new manager's side: the fd numbers the state says were carried.</summary>
    public static CarriedFds Received(IEnumerable<int> fds) => new(fds);

    /// <summary>Carries <paramref name="handle"/> (its close-on-exec flag is cleared just before execve); the number to record.</summary>
    public int Carry(SafeHandle handle)
    {
        _carried.Add(handle);
        return (int)handle.DangerousGetHandle();
    }

    /// <summary>Every handle carried so far, in the order carried.</summary>
    public IReadOnlyList<SafeHandle> Carried => _carried;

    /// <summary>The carried fd numbered <paramref name="fd"/> as an owned handle; a number not carried, or claimed before, is a format error.</summary>
    public SafeFdHandle Claim(int fd)
    {
        if (!_unclaimed.Remove(fd))
            throw new FormatException($"fd {fd} was not carried or is named twice");
        return new SafeFdHandle(fd);
    }

    /// <summary>
    /// What execve does to the carried fds, for a test that restores in the same process: this side forgets every
    /// carried handle without closing it (the old image's objects are gone), and the side returned receives the numbers.
    /// </summary>
    internal CarriedFds HandOverInProcess()
    {
        var numbers = _carried.Select(h => (int)h.DangerousGetHandle()).ToList();
        foreach (var handle in _carried)
            handle.SetHandleAsInvalid();
        return Received(numbers);
    }

    /// <summary>The numbers no one has claimed yet.</summary>
    public IReadOnlyCollection<int> Unclaimed => _unclaimed;
}
