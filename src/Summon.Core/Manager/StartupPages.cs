using System.Globalization;
using Summon.Interop;

namespace Summon.Manager;

/// <summary>
/// Unmaps the executable's read-only pages once start-up is over, so that the idle manager keeps mapped only the code
/// and constants it touches again. Start-up (unit parsing, the job engine's first transaction, the journal's schema)
/// runs through most of the executable once, and the kernel's fault-around maps neighbouring pages with it; those
/// clean pages stay in the page cache, so one the manager needs again is a minor fault, never a disk read. Only
/// mappings of the executable that are not writable and hold no private copy of a page (relocated read-only data
/// does) are released: dropping those would lose their content.
/// </summary>
internal static class StartupPages
{
    /// <summary>Releases the executable's clean read-only mappings of this process; best effort, never throws.</summary>
    public static void Release()
    {
        try
        {
            string exe = File.ResolveLinkTarget("/proc/self/exe", returnFinalTarget: false)?.FullName ?? "";
            foreach (var (start, end) in CleanMappings(File.ReadLines("/proc/self/smaps"), exe))
                Libc.Madvise((nint)start, (nuint)(end - start), Libc.MADV_DONTNEED);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without /proc the pages stay mapped: a larger RSS, nothing worse.
        }
    }

    /// <summary>The address ranges in <paramref name="smaps"/> (the lines of /proc/PID/smaps) of <paramref name="path"/>
    /// that are not writable and have no anonymous (copied-on-write) pages.</summary>
    public static List<(ulong Start, ulong End)> CleanMappings(IEnumerable<string> smaps, string path)
    {
        var ranges = new List<(ulong, ulong)>();
        (ulong Start, ulong End)? candidate = null;
        foreach (string text in smaps)
        {
            var line = text.AsSpan();
            if (IsHeader(line, out ulong start, out ulong end, out bool writable, out var file))
            {
                candidate = !writable && path.Length > 0 && file.SequenceEqual(path) ? (start, end) : null;
                continue;
            }
            if (candidate is { } range && line.StartsWith("Anonymous:"))
            {
                if (ulong.TryParse(line["Anonymous:".Length..].Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong kb) && kb == 0)
                    ranges.Add(range);
                candidate = null;
            }
        }
        return ranges;
    }

    /// <summary>"START-END PERMS OFFSET DEV INODE [PATH]": the first line of each mapping; the other lines are "Key: value".</summary>
    private static bool IsHeader(ReadOnlySpan<char> line, out ulong start, out ulong end, out bool writable, out ReadOnlySpan<char> file)
    {
        start = end = 0;
        writable = false;
        file = default;
        int dash = line.IndexOf('-'), space = line.IndexOf(' ');
        if (dash <= 0 || space < dash
            || !ulong.TryParse(line[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out start)
            || !ulong.TryParse(line[(dash + 1)..space], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out end))
            return false;
        var rest = line[(space + 1)..];
        writable = rest.Length > 1 && rest[1] == 'w';
        // Perms, offset, device and inode, then the path (which may hold spaces).
        for (int field = 0; field < 4; field++)
        {
            rest = rest.TrimStart(' ');
            int next = rest.IndexOf(' ');
            rest = next < 0 ? default : rest[next..];
        }
        file = rest.Trim(' ');
        return true;
    }
}
