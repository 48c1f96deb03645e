using Summon.Interop;
using Summon.Posix;

namespace Summon.Units;

/// <summary>
/// Finds the program of a command line as systemd's find_executable_full() does: a name with '/' is checked as it
/// is; a bare name is searched in the fixed default PATH (not $PATH). Results are errno values (ENOENT, EISDIR, EACCES).
/// </summary>
public static class ExecutableLookup
{
    /// <summary>systemd's DEFAULT_PATH on split-usr systems such as Debian 12.</summary>
    public static readonly IReadOnlyList<string> DefaultPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>0 and the resolved path, or an errno.</summary>
    public static int Find(string name, out string? resolved)
    {
        resolved = null;
        if (name.Contains('/'))
        {
            int r = Check(name);
            if (r == 0)
                resolved = name;
            return r;
        }

        int last = Errno.ENOENT;
        foreach (string dir in DefaultPath)
        {
            string candidate = Path.Combine(dir, name);
            int r = Check(candidate);
            if (r == 0)
            {
                resolved = candidate;
                return 0;
            }

            if (r != Errno.EACCES)
                last = r;
        }

        return last;
    }

    /// <summary>A regular file we may execute: 0, or ENOENT / EISDIR / EACCES / ….</summary>
    public static int Check(string path)
    {
        if (Directory.Exists(path))
            return Errno.EISDIR;
        if (!File.Exists(path))
            return Errno.ENOENT;
        return Libc.Access(path, Libc.X_OK) == 0 ? 0 : Errno.Last;
    }
}
