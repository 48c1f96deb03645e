using Arch = System.Runtime.InteropServices.Architecture;
using Summon.Posix;

namespace Summon.Core.Tests.Units.Conditions;

/// <summary>An in-memory host for the condition tests: files with text and mode, directories, symbolic links.</summary>
internal sealed class FakeConditionFacts : IConditionFacts
{
    private readonly Dictionary<string, (string Text, uint Mode)> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirs = new(StringComparer.Ordinal) { "/" };
    private readonly Dictionary<string, string> _links = new(StringComparer.Ordinal);

    public List<string> Env { get; } = [];

    public HashSet<string> CpuFeatures { get; } = [];

    public Arch Arch { get; set; } = Arch.X64;

    public bool Pid1 { get; set; }

    public string Vendor { get; set; } = "";

    /// <summary>Paths (resolved) whose mtime stat reports, in seconds and nanoseconds.</summary>
    public Dictionary<string, (long Sec, long Nsec)> MTimes { get; } = new(StringComparer.Ordinal);

    public FakeConditionFacts File(string path, string text = "", uint mode = 0b110_100_100)
    {
        Dir(Parent(path));
        _files[path] = (text, mode);
        return this;
    }

    public FakeConditionFacts Dir(string path)
    {
        for (string p = path; p.Length > 1; p = Parent(p))
            _dirs.Add(p);
        return this;
    }

    public FakeConditionFacts Link(string path, string target)
    {
        Dir(Parent(path));
        _links[path] = target;
        return this;
    }

    private static string Parent(string path) => path.LastIndexOf('/') is int i and > 0 ? path[..i] : "/";

    /// <summary>Follows links of the last component (the fake has no links in the middle of paths).</summary>
    private string Resolve(string path)
    {
        for (int i = 0; i < 40 && _links.TryGetValue(path.TrimEnd('/') is { Length: > 0 } t ? t : "/", out string? target); i++)
            path = target.StartsWith('/') ? target : Parent(path) + "/" + target;
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    public string? ReadFile(string path) => _files.TryGetValue(Resolve(path), out var f) ? f.Text : null;

    public FileFacts? Stat(string path, bool follow, out int errno)
    {
        errno = 0;
        string p = path.Length > 1 ? path.TrimEnd('/') : path;
        if (!follow && _links.TryGetValue(p, out string? target))
            return new FileFacts(FileType.SymbolicLink, target.Length, 0b111_111_111, 0, 0, 0, 0, target);
        p = Resolve(p);
        var (sec, nsec) = MTimes.GetValueOrDefault(p);
        if (_files.TryGetValue(p, out var f))
            return new FileFacts(FileType.Regular, f.Text.Length, f.Mode, 0, 0, sec, nsec);
        if (_dirs.Contains(p))
            return new FileFacts(FileType.Directory, 4096, 0b111_101_101, 0, 0, sec, nsec);
        errno = Errno.ENOENT;
        return null;
    }

    public IReadOnlyList<string>? ListDirectory(string path, out int errno)
    {
        if (Stat(path, follow: true, out errno) is not { } st)
            return null;
        if (st.Type != FileType.Directory)
        {
            errno = Errno.ENOTDIR;
            return null;
        }
        string dir = Resolve(path);
        string prefix = dir == "/" ? "/" : dir + "/";
        return [.. _files.Keys.Concat(_dirs).Concat(_links.Keys)
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p.Length > prefix.Length && !p[prefix.Length..].Contains('/'))
            .Select(p => p[prefix.Length..]).Distinct()];
    }

    public bool Exists(string path) => Stat(path, follow: true, out _) is not null;

    public IReadOnlyList<string> Environment => Env;

    public Arch Architecture => Arch;

    public bool IsPid1 => Pid1;

    public bool HasCpuFeature(string name) => CpuFeatures.Contains(name);

    public string HypervisorVendor => Vendor;
}
