using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

/// <summary>
/// Finds the program of a command line as systemd's find_executable_full() does: a name with '/' is checked as it
/// is; a bare name is searched in the fixed default PATH (not $PATH). Results are errno values (ENOENT, EISDIR, EACCES).
/// The one lookup behind both `verify` (through <see cref="Units.ExecutableSearch"/>) and the manager's spawns.
/// </summary>
internal static class ExecutableLookup
{
    /// <summary>systemd's DEFAULT_PATH on split-usr systems such as Debian 12.</summary>
    public static readonly IReadOnlyList<string> DefaultPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary><see cref="DefaultPath"/> as a PATH= value, what the system manager gives its services.</summary>
    public static readonly string DefaultPathVariable = string.Join(':', DefaultPath);

    /// <summary>0 and the resolved path, or an errno.</summary>
    public static int Find(string name, out string? resolved) => Find(name, out resolved, null);

    /// <summary>0 and the resolved path, or an errno.</summary>
    /// <param name="searchPath">ExecSearchPath=: searched instead of <see cref="DefaultPath"/> when given.</param>
    public static int Find(string name, out string? resolved, IReadOnlyList<string>? searchPath)
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
        foreach (string dir in searchPath ?? DefaultPath)
        {
            string candidate = Path.Combine(dir, name);
            int r = Check(candidate);
            if (r == 0)
            {
                resolved = candidate;
                return 0;
            }

            // As systemd, by tradition: a candidate we may not execute or reach (EACCES) never becomes the error.
            if (r != Errno.EACCES)
                last = r;
        }

        return last;
    }

    /// <summary>
    /// The path of a command as the manager spawns it: the lookup's result, or the name unchanged when the lookup
    /// fails, so that the spawn itself fails and reports why. A name with '/' is its own result either way, so it
    /// skips the checks and a spawn pays for no system call here.
    /// </summary>
    public static string Resolve(string name, IReadOnlyList<string>? searchPath = null)
        => name.Contains('/') || Find(name, out string? resolved, searchPath) != 0 ? name : resolved!;

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
