using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Summon.Interop;
using Summon.Posix;

namespace Summon.Processes;

/// <summary>
/// The real facts the condition tests read: local files, stat(2), directory listings, this process's environment
/// and CPUID. Every call returns at once (no user database, no network), so the manager may ask on its loop.
/// </summary>
internal sealed class SystemConditionFacts : IConditionFacts
{
    public static SystemConditionFacts Instance { get; } = new();

    public string? ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    public unsafe FileFacts? Stat(string path, bool follow, out int errno)
    {
        byte* b = stackalloc byte[Libc.StatSize];
        if (Libc.Fstatat(Libc.AT_FDCWD, path, b, follow ? 0 : Libc.AT_SYMLINK_NOFOLLOW) < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }
        errno = 0;
        var (mode, _, _) = Libc.StatModeAndOwner(b);
        // st_dev leads the struct, and st_size and st_mtim sit at the same offsets on x86_64 and the generic layout.
        ulong dev = *(ulong*)b;
        long size = *(long*)(b + 48);
        long sec = *(long*)(b + 88), nsec = *(long*)(b + 96);
        uint major = (uint)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffUL));
        uint minor = (uint)((dev & 0xff) | ((dev >> 12) & ~0xffUL));
        var type = (mode & Libc.S_IFMT) switch
        {
            0x8000 => FileType.Regular,
            Libc.S_IFDIR => FileType.Directory,
            Libc.S_IFLNK => FileType.SymbolicLink,
            _ => FileType.Other,
        };
        string? target = type == FileType.SymbolicLink ? LinkTarget(path) : null;
        return new FileFacts(type, size, mode & 0xfff, major, minor, sec, nsec, target);
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
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
        try
        {
            return [.. new DirectoryInfo(path).EnumerateFileSystemInfos().Select(i => i.Name)];
        }
        catch (UnauthorizedAccessException)
        {
            errno = Errno.EACCES;
            return null;
        }
        catch (IOException)
        {
            errno = Errno.EIO;
            return null;
        }
    }

    public bool Exists(string path) => Libc.Access(path, 0) == 0;

    public IReadOnlyList<string> Environment
    {
        get
        {
            var list = new List<string>();
            foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
                list.Add($"{e.Key}={e.Value}");
            return list;
        }
    }

    public Architecture Architecture => RuntimeInformation.OSArchitecture;

    public bool IsPid1 => System.Environment.ProcessId == 1;

    public string HypervisorVendor
    {
        get
        {
            if (!X86Base.IsSupported || !HasCpuFeature("hypervisor"))
                return "";
            var (_, ebx, ecx, edx) = X86Base.CpuId(0x40000000, 0);
            Span<byte> bytes = stackalloc byte[12];
            BitConverter.TryWriteBytes(bytes, ebx);
            BitConverter.TryWriteBytes(bytes[4..], ecx);
            BitConverter.TryWriteBytes(bytes[8..], edx);
            return System.Text.Encoding.ASCII.GetString(bytes).TrimEnd('\0');
        }
    }

    // (leaf, register: 0 EBX, 1 ECX, 2 EDX, bit) of the flags systemd's cpu_has_feature() knows, and "hypervisor".
    private static readonly Dictionary<string, (uint Leaf, int Register, int Bit)> s_features = new(StringComparer.Ordinal)
    {
        ["fpu"] = (1, 2, 0), ["vme"] = (1, 2, 1), ["de"] = (1, 2, 2), ["pse"] = (1, 2, 3), ["tsc"] = (1, 2, 4),
        ["msr"] = (1, 2, 5), ["pae"] = (1, 2, 6), ["mce"] = (1, 2, 7), ["cx8"] = (1, 2, 8), ["apic"] = (1, 2, 9),
        ["sep"] = (1, 2, 11), ["mtrr"] = (1, 2, 12), ["pge"] = (1, 2, 13), ["mca"] = (1, 2, 14), ["cmov"] = (1, 2, 15),
        ["pat"] = (1, 2, 16), ["pse36"] = (1, 2, 17), ["clflush"] = (1, 2, 19), ["mmx"] = (1, 2, 23), ["fxsr"] = (1, 2, 24),
        ["sse"] = (1, 2, 25), ["sse2"] = (1, 2, 26), ["ht"] = (1, 2, 28),
        ["pni"] = (1, 1, 0), ["pclmul"] = (1, 1, 1), ["monitor"] = (1, 1, 3), ["ssse3"] = (1, 1, 9), ["fma3"] = (1, 1, 12),
        ["cx16"] = (1, 1, 13), ["sse4_1"] = (1, 1, 19), ["sse4_2"] = (1, 1, 20), ["movbe"] = (1, 1, 22), ["popcnt"] = (1, 1, 23),
        ["aes"] = (1, 1, 25), ["xsave"] = (1, 1, 26), ["osxsave"] = (1, 1, 27), ["avx"] = (1, 1, 28), ["f16c"] = (1, 1, 29),
        ["rdrand"] = (1, 1, 30), ["hypervisor"] = (1, 1, 31),
        ["bmi1"] = (7, 0, 3), ["avx2"] = (7, 0, 5), ["bmi2"] = (7, 0, 8), ["rdseed"] = (7, 0, 18), ["adx"] = (7, 0, 19),
        ["sha_ni"] = (7, 0, 29),
        ["syscall"] = (0x80000001, 2, 11), ["rdtscp"] = (0x80000001, 2, 27), ["lm"] = (0x80000001, 2, 29),
        ["lzcnt"] = (0x80000001, 1, 5), ["sse4a"] = (0x80000001, 1, 6), ["xop"] = (0x80000001, 1, 11),
        ["fma4"] = (0x80000001, 1, 16), ["tbm"] = (0x80000001, 1, 21),
    };

    public bool HasCpuFeature(string name)
    {
        if (!X86Base.IsSupported || !s_features.TryGetValue(name, out var f))
            return false;
        uint top = f.Leaf >= 0x80000000 ? (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax : (uint)X86Base.CpuId(0, 0).Eax;
        if (top < f.Leaf)
            return false;
        var (_, ebx, ecx, edx) = X86Base.CpuId(unchecked((int)f.Leaf), 0);
        int reg = f.Register switch { 0 => ebx, 1 => ecx, _ => edx };
        return (reg & (1 << f.Bit)) != 0;
    }
}
