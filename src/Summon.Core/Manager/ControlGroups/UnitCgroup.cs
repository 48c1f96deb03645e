using System.Globalization;
using System.Runtime.InteropServices;
using Summon.Interop;
using Summon.Posix;
using Summon.Processes;

namespace Summon.Manager.ControlGroups;

/// <summary>
/// One service's cgroup while it has one: the directory and the fds its children are placed with
/// (<see cref="Child"/>), cgroup.events (<see cref="Events"/>, which the loop watches for "populated 0": no process of
/// the unit is left), the kill of every process in it, its figures for status, and its removal once empty.
/// </summary>
internal sealed class UnitCgroup : IDisposable
{
    private readonly CgroupTree _tree;
    private readonly SafeFdHandle _directory;
    private readonly SafeFdHandle _procs;
    private readonly List<SafeFdHandle> _legacyProcs;

    /// <summary>cgroup.events again, on a description of its own: reading the watched one re-arms its notification,
    /// so a look that does not act on what it reads (<see cref="Kill"/>) reads this one and leaves the event to the loop.</summary>
    private readonly SafeFdHandle _eventsUnwatched;

    private UnitCgroup(CgroupTree tree, string dir, List<string> legacyDirs, SafeFdHandle directory, SafeFdHandle procs,
        List<SafeFdHandle> legacyProcs, SafeFdHandle events, SafeFdHandle eventsUnwatched)
    {
        _tree = tree;
        Directory = dir;
        LegacyDirectories = legacyDirs;
        _directory = directory;
        _procs = procs;
        _legacyProcs = legacyProcs;
        Events = events;
        _eventsUnwatched = eventsUnwatched;
        Child = new ChildCgroup(directory, procs, legacyProcs);
        OomWatch = CgroupOomWatch.Open(dir, tree.Controllers.Contains("memory"), legacyDirs);
    }

    /// <summary>The OOM kills in the cgroup (OOMPolicy=); null where no memory controller counts them.</summary>
    public CgroupOomWatch? OomWatch { get; }

    /// <summary>The cgroup2 directory.</summary>
    public string Directory { get; }

    /// <summary>The unit's directories in v1 controllers (hybrid layout, only for the limits it sets).</summary>
    public List<string> LegacyDirectories { get; }

    /// <summary>"/system.slice/foo.service", as status and the ControlGroup property show it.</summary>
    public string Path => _tree.DisplayPath(Directory);

    /// <summary>What a spawn request carries to place its child here.</summary>
    public ChildCgroup Child { get; }

    /// <summary>cgroup.events: EPOLLPRI when "populated" (or "frozen") changes; re-armed by reading it (<see cref="Populated"/>).</summary>
    public SafeFdHandle Events { get; }

    public static UnitCgroup Open(CgroupTree tree, string dir, List<string> legacyDirs)
    {
        var opened = new List<SafeFdHandle>();
        try
        {
            SafeFdHandle Take(string path, int flags)
            {
                var fd = CgroupFile.Open(path, flags, out int errno) ?? throw new CgroupException(path, errno);
                opened.Add(fd);
                return fd;
            }
            var directory = Take(dir, Libc.O_RDONLY | Libc.O_DIRECTORY);
            var procs = Take(System.IO.Path.Combine(dir, "cgroup.procs"), Libc.O_WRONLY);
            var events = Take(System.IO.Path.Combine(dir, "cgroup.events"), Libc.O_RDONLY);
            var eventsUnwatched = Take(System.IO.Path.Combine(dir, "cgroup.events"), Libc.O_RDONLY);
            var legacy = legacyDirs.Select(d => Take(System.IO.Path.Combine(d, "cgroup.procs"), Libc.O_WRONLY)).ToList();
            return new UnitCgroup(tree, dir, legacyDirs, directory, procs, legacy, events, eventsUnwatched);
        }
        catch
        {
            foreach (var fd in opened)
                fd.Dispose();
            throw;
        }
    }

    /// <summary>Reads cgroup.events: true while any process is in the cgroup or below it.</summary>
    public bool Populated() => PopulatedIn(Events);

    private static unsafe bool PopulatedIn(SafeFdHandle events)
    {
        byte* buffer = stackalloc byte[256];
        nint n = Libc.Pread(events, buffer, 256, 0);
        if (n <= 0)
            return false;   // gone: nothing can be left in it
        var text = new ReadOnlySpan<byte>(buffer, (int)n);
        return text.IndexOf("populated 1"u8) >= 0;
    }

    /// <summary>Every pid in the cgroup and the cgroups below it (a delegated subtree), as cgroup.procs lists them.</summary>
    public List<int> Pids()
    {
        var pids = new List<int>();
        AddPids(Directory, pids);
        return pids;
    }

    private static void AddPids(string dir, List<int> pids)
    {
        if (CgroupFile.Read(System.IO.Path.Combine(dir, "cgroup.procs")) is { } text)
            foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && !pids.Contains(pid))
                    pids.Add(pid);
        try
        {
            foreach (string child in System.IO.Directory.EnumerateDirectories(dir))
                AddPids(child, pids);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// <paramref name="signal"/> to every process of the unit: SIGKILL through cgroup.kill (Linux 5.14; one write, no
    /// race with forks), otherwise to each pid of cgroup.procs, as systemd's cg_kill_recursive. True when any was sent.
    /// </summary>
    public bool Kill(int signal)
    {
        // "populated 0" covers the cgroups below too, and nothing can join an empty cgroup but a spawn of ours: no
        // listing to read (the common end of an Accept=yes instance, whose process is gone when it is stopped).
        if (!PopulatedIn(_eventsUnwatched))
            return false;
        if (signal == Signals.SIGKILL && CgroupFile.Write(System.IO.Path.Combine(Directory, "cgroup.kill"), "1") == 0)
            return PopulatedIn(_eventsUnwatched);
        bool sent = false;
        foreach (int pid in Pids())
            sent |= Libc.Kill(pid, signal) == 0;
        return sent;
    }

    /// <summary>Tasks in the cgroup: pids.current where the pids controller counts them, else its threads.</summary>
    /// <summary>
    /// pids.current of the unit's cgroup (cgroup2, else its v1 pids controller directory), or null where no pids
    /// controller counts its tasks, as systemd leaves TasksCurrent= unset then. For the metrics page: one open and
    /// read a scrape, no allocation, and where the file is absent it is looked for once in the cgroup's life.
    /// </summary>
    public unsafe ulong? TasksCounted()
    {
        if (_pidsCurrent is null)
        {
            _pidsCurrent = "";
            if (File.Exists(System.IO.Path.Combine(Directory, "pids.current")))
                _pidsCurrent = System.IO.Path.Combine(Directory, "pids.current");
            else
                foreach (string legacy in LegacyDirectories)
                    if (File.Exists(System.IO.Path.Combine(legacy, "pids.current")))
                        _pidsCurrent = System.IO.Path.Combine(legacy, "pids.current");
        }
        if (_pidsCurrent.Length == 0)
            return null;
        int fd = Libc.Open(_pidsCurrent, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            return null;
        using var handle = new SafeFdHandle(fd);
        byte* buffer = stackalloc byte[32];
        nint read = Libc.Read(handle, buffer, 32);
        if (read <= 0)
            return null;
        ulong value = 0;
        for (nint i = 0; i < read && buffer[i] is >= (byte)'0' and <= (byte)'9'; i++)
            value = value * 10 + (ulong)(buffer[i] - '0');
        return value;
    }

    /// <summary>Where <see cref="TasksCounted"/> reads: null before its first look, empty where no file counts.</summary>
    private string? _pidsCurrent;

    public ulong TasksCurrent()
    {
        if (CgroupFile.ReadNumber(System.IO.Path.Combine(Directory, "pids.current")) is { } current)
            return current;
        foreach (string legacy in LegacyDirectories)
            if (CgroupFile.ReadNumber(System.IO.Path.Combine(legacy, "pids.current")) is { } legacyCurrent)
                return legacyCurrent;
        return CountThreads(Directory);
    }

    private static ulong CountThreads(string dir)
    {
        ulong count = 0;
        if (CgroupFile.Read(System.IO.Path.Combine(dir, "cgroup.threads")) is { } text)
            count += (ulong)text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            foreach (string child in System.IO.Directory.EnumerateDirectories(dir))
                count += CountThreads(child);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return count;
    }

    /// <summary>memory.current (or the v1 memory controller's usage); null where no memory controller counts it.</summary>
    public ulong? MemoryCurrent()
    {
        if (CgroupFile.ReadNumber(System.IO.Path.Combine(Directory, "memory.current")) is { } current)
            return current;
        foreach (string legacy in LegacyDirectories)
            if (CgroupFile.ReadNumber(System.IO.Path.Combine(legacy, "memory.usage_in_bytes")) is { } usage)
                return usage;
        return null;
    }

    /// <summary>CPU time of everything that ran in the cgroup (cpu.stat's usage_usec, there without the cpu controller), in ns.</summary>
    public ulong? CpuUsageNSec() =>
        CgroupFile.ReadNumber(System.IO.Path.Combine(Directory, "cpu.stat"), "usage_usec") is { } usec ? usec * 1000 : null;

    /// <summary>Removes the cgroup (and delegated ones below it) once empty; false while processes remain.</summary>
    public bool TryRemove()
    {
        if (Populated())
            return false;
        // A delegated subtree may have left child cgroups: they are looked for only when the rmdir says so.
        bool removed = CgroupTree.TryRemove(Directory);
        if (!removed)
        {
            try
            {
                foreach (string child in System.IO.Directory.EnumerateDirectories(Directory, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
                    CgroupTree.TryRemove(child);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            removed = CgroupTree.TryRemove(Directory);
        }
        foreach (string legacy in LegacyDirectories)
            CgroupTree.TryRemove(legacy);
        return removed;
    }

    public void Dispose()
    {
        _directory.Dispose();
        _procs.Dispose();
        foreach (var fd in _legacyProcs)
            fd.Dispose();
        Events.Dispose();
        _eventsUnwatched.Dispose();
        OomWatch?.Dispose();
    }
}
