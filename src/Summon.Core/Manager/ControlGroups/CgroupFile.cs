using System.Text;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Manager.ControlGroups;

/// <summary>Reads and writes of cgroup files with the kernel's errno (a write is refused with EBUSY, EINVAL, …).</summary>
internal static class CgroupFile
{
    /// <summary>Writes <paramref name="value"/> in one write(2); 0 or the errno.</summary>
    public static unsafe int Write(string path, string value)
    {
        int fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            return Errno.Last;
        using var handle = new SafeFdHandle(fd);
        byte[] bytes = Encoding.ASCII.GetBytes(value);
        fixed (byte* p = bytes)
            return Libc.Write(handle, p, bytes.Length) < 0 ? Errno.Last : 0;
    }

    /// <summary>The whole file, or null when it cannot be read (gone, or no such controller file).</summary>
    public static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>open(2) of a cgroup file or directory; null with <paramref name="errno"/>.</summary>
    public static SafeFdHandle? Open(string path, int flags, out int errno)
    {
        int fd = Libc.Open(path, flags | Libc.O_CLOEXEC, 0);
        errno = fd < 0 ? Errno.Last : 0;
        return fd < 0 ? null : new SafeFdHandle(fd);
    }

    /// <summary>A number file ("123\n") or one "key value" line of a flat-keyed file (cpu.stat's usage_usec); null when absent.</summary>
    public static ulong? ReadNumber(string path, string? key = null)
    {
        if (Read(path) is not { } text)
            return null;
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string value = line;
            if (key is not null)
            {
                if (!line.StartsWith(key + " ", StringComparison.Ordinal))
                    continue;
                value = line[(key.Length + 1)..];
            }
            return ulong.TryParse(value.Trim(), out ulong v) ? v : null;
        }
        return null;
    }

    /// <summary>mkdir -p; 0 or the errno of the first level that could not be made.</summary>
    public static int MakeDirectories(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return Errno.EACCES;
        }
        catch (IOException e)
        {
            return e.HResult is > 0 and < 4096 ? e.HResult : Errno.EIO;
        }
    }
}
