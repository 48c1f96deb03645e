using Summon.Posix;

namespace Summon.Manager.ControlGroups;

/// <summary>A unit's cgroup could not be made or entered: the start fails with 219/CGROUP.</summary>
internal sealed class CgroupException(string path, int errno) : Exception($"{path}: {Posix.Errno.Describe(errno)}")
{
    public string Path { get; } = path;

    public int Errno { get; } = errno;
}
