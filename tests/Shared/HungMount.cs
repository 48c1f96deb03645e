using Summon.Interop;

namespace Summon.Tests;

/// <summary>
/// A directory whose file system never answers, as behind a dead NFS server: a FUSE mount whose server never replies,
/// not even to the kernel's INIT, so every access below it (a stat, an open, a mkdir) sleeps in the kernel. Dispose
/// detaches the mount and closes the connection, which fails the sleeping calls with ENOTCONN. Needs root and /dev/fuse
/// (<see cref="HungMountFactAttribute"/>). Compiled into both test projects.
/// </summary>
internal sealed class HungMount : IDisposable
{
    private int _fd;

    public HungMount(string path)
    {
        Path = path;
        Directory.CreateDirectory(path);
        _fd = Libc.Open("/dev/fuse", Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        Assert.True(_fd >= 0, $"open /dev/fuse: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        if (Libc.Mount("summon-hung", path, "fuse", Libc.MS_NOSUID | Libc.MS_NODEV, $"fd={_fd},rootmode=40000,user_id=0,group_id=0") < 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            Libc.Close(_fd);
            _fd = -1;
            Assert.Fail($"mount fuse on {path}: errno {errno}");
        }
    }

    public string Path { get; }

    public void Dispose()
    {
        if (_fd < 0)
            return;
        Libc.Umount2(Path, Libc.MNT_DETACH);
        Libc.Close(_fd);
        _fd = -1;
    }
}

/// <summary>A fact that needs a <see cref="HungMount"/>: skipped, with the reason, without root or /dev/fuse.</summary>
internal sealed class HungMountFactAttribute : FactAttribute
{
    public HungMountFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
            Skip = "needs root: mounts a FUSE file system that never answers";
        else if (!File.Exists("/dev/fuse"))
            Skip = "needs /dev/fuse: mounts a FUSE file system that never answers";
    }
}
