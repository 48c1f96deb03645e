using System.Globalization;
using System.Text;
using Summon.Posix;

namespace Summon.Units.Conditions;

/// <summary>The kinds that test a path, and the mount table they read.</summary>
internal sealed partial class ConditionEvaluator
{
    private const int MaxLinks = 40;

    /// <summary>glob(3) without GLOB_PERIOD: a component's pattern matches a leading dot only when it starts with one.</summary>
    private bool GlobExists(string pattern) => GlobWalk("/", pattern.Split('/', StringSplitOptions.RemoveEmptyEntries), 0);

    private bool GlobWalk(string dir, string[] parts, int i)
    {
        if (i == parts.Length)
            return _facts.Exists(dir);
        string part = parts[i];
        if (part.AsSpan().IndexOfAny('*', '?', '[') < 0)
            return GlobWalk(Join(dir, part.Replace("\\", "", StringComparison.Ordinal)), parts, i + 1);
        if (_facts.ListDirectory(dir, out _) is not { } names)
            return false;
        foreach (string name in names)
        {
            if (name.StartsWith('.') && !part.StartsWith('.'))
                continue;
            if (FnMatch(part, name) && GlobWalk(Join(dir, name), parts, i + 1))
                return true;
        }
        return false;
    }

    private static string Join(string dir, string name) => dir.EndsWith('/') ? dir + name : dir + "/" + name;

    /// <summary>The path with every symbolic link resolved (realpath(3)), or null when it does not resolve.</summary>
    internal string? Canonicalize(string path)
    {
        var done = new List<string>();
        var todo = new Stack<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        int links = 0;
        while (todo.Count > 0)
        {
            string part = todo.Pop();
            if (part == ".")
                continue;
            if (part == "..")
            {
                if (done.Count > 0)
                    done.RemoveAt(done.Count - 1);
                continue;
            }
            string candidate = "/" + string.Join('/', done.Append(part));
            if (_facts.Stat(candidate, follow: false, out _) is not { } st)
                return null;
            if (st.Type != FileType.SymbolicLink)
            {
                done.Add(part);
                continue;
            }
            if (++links > MaxLinks || st.LinkTarget is not { } target)
                return null;
            if (target.StartsWith('/'))
                done.Clear();
            foreach (string t in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
                todo.Push(t);
        }
        return "/" + string.Join('/', done);
    }

    /// <summary>One line of /proc/self/mountinfo: where it is mounted and whether the mount or its file system is read-only.</summary>
    private readonly record struct Mount(string Point, bool ReadOnly, string FsType);

    private List<Mount> Mounts()
    {
        var mounts = new List<Mount>();
        if (_facts.ReadFile("/proc/self/mountinfo") is not { } text)
            return mounts;
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (f.Length < 6 || dash < 6 || dash + 3 >= f.Length)
                continue;
            bool ro = f[5].Split(',').Contains("ro") || f[dash + 3].Split(',').Contains("ro");
            mounts.Add(new Mount(UnescapeMountField(f[4]), ro, f[dash + 1]));
        }
        return mounts;
    }

    /// <summary>mountinfo writes space, tab, newline and backslash as \ooo octal.</summary>
    private static string UnescapeMountField(string s)
    {
        if (!s.Contains('\\'))
            return s;
        var b = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 3 < s.Length && IsOctal(s[i + 1]) && IsOctal(s[i + 2]) && IsOctal(s[i + 3]))
            {
                b.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
                b.Append(s[i]);
        }
        return b.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';

    /// <summary>path_is_mount_point(…, AT_SYMLINK_FOLLOW): the resolved path is where something is mounted.</summary>
    private bool IsMountPoint(string path)
    {
        if (Canonicalize(path) is not { } real)
            return false;
        foreach (var m in Mounts())
            if (m.Point == real)
                return true;
        return false;
    }

    /// <summary>The mount a resolved path lies on: the last mounted on its longest matching prefix (the one on top).</summary>
    private Mount? MountOf(string real)
    {
        Mount? best = null;
        int bestLength = -1;
        foreach (var m in Mounts())
        {
            bool under = m.Point == "/" || real == m.Point || real.StartsWith(m.Point + "/", StringComparison.Ordinal);
            if (under && m.Point.Length >= bestLength)
            {
                best = m;
                bestLength = m.Point.Length;
            }
        }
        return best;
    }

    /// <summary>path_is_read_only_fs(): 1 when the path's mount (or its file system) is read-only, 0 when not, -errno.</summary>
    private int IsReadOnlyFileSystem(string path)
    {
        if (Canonicalize(path) is not { } real)
            return -Errno.ENOENT;
        return MountOf(real) is { ReadOnly: true } ? 1 : 0;
    }

    /// <summary>ConditionPathIsReadWrite=: on a writable mount; a path that does not exist is not.</summary>
    private int IsReadWrite(string path)
    {
        int r = IsReadOnlyFileSystem(path);
        return B(r <= 0 && r != -Errno.ENOENT);
    }

    /// <summary>path_is_encrypted(): the block device under the path is dm-crypt ("CRYPT-" uuid), itself or below.</summary>
    private int IsEncrypted(string path)
    {
        if (_facts.Stat(path, follow: true, out int errno) is not { } st)
            return -errno;
        if (st.DeviceMajor == 0)
            return 0;
        return BlockIsEncrypted($"/sys/dev/block/{st.DeviceMajor}:{st.DeviceMinor}", 0) ? 1 : 0;
    }

    private bool BlockIsEncrypted(string sysPath, int depth)
    {
        if (depth > 16)
            return false;
        if (_facts.ReadFile(sysPath + "/dm/uuid") is { } uuid && uuid.StartsWith("CRYPT-", StringComparison.Ordinal))
            return true;
        if (_facts.ListDirectory(sysPath + "/slaves", out _) is not { } slaves)
            return false;
        foreach (string slave in slaves)
        {
            if (_facts.ReadFile($"{sysPath}/slaves/{slave}/dev")?.Trim() is { Length: > 0 } dev
                && BlockIsEncrypted("/sys/dev/block/" + dev, depth + 1))
                return true;
        }
        return false;
    }

    /// <summary>dir_is_empty(…, ignore_hidden_or_backup): a missing path or a non-directory is "empty"; an unreadable one is not.</summary>
    private int DirectoryNotEmpty(string path)
    {
        if (_facts.ListDirectory(path, out int errno) is not { } names)
            return errno is Errno.ENOENT or Errno.ENOTDIR ? 0 : 1;
        return B(names.Any(n => !IsHiddenOrBackup(n)));
    }

    private static readonly string[] s_backupSuffixes =
    [
        "rpmnew", "rpmsave", "rpmorig", "dpkg-old", "dpkg-new", "dpkg-tmp", "dpkg-dist", "dpkg-bak", "dpkg-backup",
        "dpkg-remove", "ucf-new", "ucf-old", "ucf-dist", "swp", "bak", "old", "new",
    ];

    /// <summary>systemd's hidden_or_backup_file().</summary>
    private static bool IsHiddenOrBackup(string name)
    {
        if (name.StartsWith('.') || name is "lost+found" or "aquota.user" or "aquota.group" || name.EndsWith('~'))
            return true;
        int dot = name.LastIndexOf('.');
        return dot >= 0 && s_backupSuffixes.Contains(name[(dot + 1)..]);
    }

    /// <summary>
    /// ConditionNeedsUpdate=: /usr is newer than DIR/.updated (on a writable DIR, outside an initrd); the kernel
    /// command line's systemd.condition-needs-update= decides first.
    /// </summary>
    private int NeedsUpdate(string path)
    {
        if (KernelBool("systemd.condition-needs-update") is bool forced)
            return B(forced);
        if (_facts.Exists("/etc/initrd-release"))
            return 0;
        if (IsReadOnlyFileSystem(path) > 0)
            return 0;
        string updated = Join(path, ".updated");
        if (_facts.Stat(updated, follow: false, out _) is not { } other || _facts.Stat("/usr/", follow: false, out _) is not { } usr)
            return 1;
        if (usr.MTimeSeconds != other.MTimeSeconds)
            return B(usr.MTimeSeconds > other.MTimeSeconds);
        long otherNs = other.MTimeNanoseconds;
        if (otherNs == 0)
        {
            if (EnvFile(_facts.ReadFile(updated)).GetValueOrDefault("TIMESTAMP_NSEC") is not { } stamp
                || !ulong.TryParse(stamp, NumberStyles.None, CultureInfo.InvariantCulture, out ulong ns))
                return 1;
            return B((decimal)usr.MTimeSeconds * 1_000_000_000 + usr.MTimeNanoseconds > ns);
        }
        return B(usr.MTimeNanoseconds > otherNs);
    }

    /// <summary>ConditionFirstBoot=: the flag systemd leaves in /run/systemd/first-boot, unless the kernel command line decides.</summary>
    private int FirstBoot(string p)
    {
        if (!ValueParsers.TryParseBoolean(p, out bool want))
            return -Errno.EINVAL;
        bool first = KernelBool("systemd.condition-first-boot") ?? _facts.Exists("/run/systemd/first-boot");
        return B(first == want);
    }

    /// <summary>KEY=VALUE lines of an environment-style file (os-release, .updated), quotes removed.</summary>
    internal static Dictionary<string, string> EnvFile(string? text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string raw in (text ?? "").Split('\n'))
        {
            string line = raw.Trim();
            int eq = line.IndexOf('=');
            if (line.StartsWith('#') || eq <= 0)
                continue;
            string value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
                value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            values[line[..eq].Trim()] = value;
        }
        return values;
    }
}
