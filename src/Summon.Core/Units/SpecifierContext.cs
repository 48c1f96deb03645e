using System.Globalization;
using System.Runtime.InteropServices;

namespace Summon.Units;

/// <summary>
/// What specifiers expand to that does not depend on the unit: host, machine, manager user and directories.
/// Null values make the specifier fail as systemd's would (e.g. %t in a user manager without $XDG_RUNTIME_DIR).
/// </summary>
internal sealed class SpecifierContext
{
    public bool UserMode { get; init; }

    /// <summary>%H; %l is the part before the first dot.</summary>
    public string Hostname { get; init; } = "localhost";

    /// <summary>%q; defaults to the short hostname.</summary>
    public string? PrettyHostname { get; init; }

    /// <summary>%m (32 hex digits); null when /etc/machine-id is missing.</summary>
    public string? MachineId { get; init; }

    /// <summary>%b (32 hex digits).</summary>
    public string? BootId { get; init; }

    /// <summary>%v (uname -r).</summary>
    public string KernelRelease { get; init; } = "";

    /// <summary>%a, systemd's architecture name ("x86-64", "arm64").</summary>
    public string Architecture { get; init; } = ArchitectureName(RuntimeInformation.OSArchitecture);

    /// <summary>os-release fields by key (ID, VERSION_ID, VARIANT_ID, BUILD_ID, IMAGE_ID, IMAGE_VERSION).</summary>
    public IReadOnlyDictionary<string, string> OsRelease { get; init; } = new Dictionary<string, string>();

    /// <summary>%u %U %g %G %h %s: the manager's user (root for the system manager).</summary>
    public string UserName { get; init; } = "root";

    public uint Uid { get; init; }

    public string GroupName { get; init; } = "root";

    public uint Gid { get; init; }

    public string Home { get; init; } = "/root";

    public string Shell { get; init; } = "/bin/sh";

    /// <summary>%t: /run, or $XDG_RUNTIME_DIR (null when unset: %t fails with ENXIO).</summary>
    public string? RuntimeDirectory { get; init; } = "/run";

    /// <summary>Where %d's per-unit directories live: the manager's credentials root (SUMMON_RUNTIME_DIR/credentials when
    /// redirected); null means %t/credentials, systemd's /run/credentials.</summary>
    public string? CredentialsRoot { get; init; }

    /// <summary>%S: /var/lib, or the user's config dir (systemd 252).</summary>
    public string StateDirectory { get; init; } = "/var/lib";

    /// <summary>%C.</summary>
    public string CacheDirectory { get; init; } = "/var/cache";

    /// <summary>%L.</summary>
    public string LogsDirectory { get; init; } = "/var/log";

    /// <summary>%E.</summary>
    public string ConfigDirectory { get; init; } = "/etc";

    /// <summary>%T.</summary>
    public string TempDirectory { get; init; } = "/tmp";

    /// <summary>%V.</summary>
    public string VarTempDirectory { get; init; } = "/var/tmp";

    /// <summary>
    /// Values gathered from this machine (files under /proc and /etc) and the environment. <paramref name="uid"/> and
    /// <paramref name="gid"/> are the manager's real ids (Processes.ProcessIdentity reads them); only a user manager
    /// uses them, since the system manager's specifiers name root whoever runs it.
    /// </summary>
    public static SpecifierContext ForHost(bool userMode, uint uid, uint gid, Func<string, string?>? getEnv = null, string? credentialsRoot = null)
    {
        getEnv ??= Environment.GetEnvironmentVariable;
        string hostname = ReadFirstLine("/proc/sys/kernel/hostname") is { Length: > 0 } h and not "(none)" ? h : "localhost";
        string? tmp = TempFromEnv(getEnv);
        if (!userMode)
            (uid, gid) = (0, 0);
        PasswdEntry? pw = userMode ? PasswdEntry.Find("/etc/passwd", uid) : null;
        string home = !userMode ? "/root" : IsAbsoluteNormalized(getEnv("HOME")) ? getEnv("HOME")! : pw?.Home ?? "/";
        string config = IsAbsoluteNormalized(getEnv("XDG_CONFIG_HOME")) ? getEnv("XDG_CONFIG_HOME")! : home + "/.config";
        string cache = IsAbsoluteNormalized(getEnv("XDG_CACHE_HOME")) ? getEnv("XDG_CACHE_HOME")! : home + "/.cache";
        string? runtime = IsAbsoluteNormalized(getEnv("XDG_RUNTIME_DIR")) ? getEnv("XDG_RUNTIME_DIR") : null;
        string root = !userMode && IsAbsoluteNormalized(getEnv(DirectoryRootVariable)) ? getEnv(DirectoryRootVariable)!.TrimEnd('/') : "";

        return new SpecifierContext
        {
            UserMode = userMode,
            Hostname = hostname,
            PrettyHostname = ReadKeyValueFile("/etc/machine-info").GetValueOrDefault("PRETTY_HOSTNAME"),
            MachineId = ReadFirstLine("/etc/machine-id") is { Length: 32 } m ? m : null,
            BootId = ReadFirstLine("/proc/sys/kernel/random/boot_id")?.Replace("-", "", StringComparison.Ordinal),
            KernelRelease = ReadFirstLine("/proc/sys/kernel/osrelease") ?? "",
            OsRelease = File.Exists("/etc/os-release") ? ReadKeyValueFile("/etc/os-release") : ReadKeyValueFile("/usr/lib/os-release"),
            Uid = uid,
            Gid = gid,
            UserName = uid == 0 ? "root" : pw?.Name ?? uid.ToString(CultureInfo.InvariantCulture),
            GroupName = gid == 0 ? "root" : LookupGroupName("/etc/group", gid) ?? gid.ToString(CultureInfo.InvariantCulture),
            Home = home,
            Shell = !userMode || uid == 0 ? "/bin/sh" : pw?.Shell ?? "/bin/sh",
            RuntimeDirectory = userMode ? runtime : root + "/run",
            StateDirectory = userMode ? config : root + "/var/lib",
            CacheDirectory = userMode ? cache : root + "/var/cache",
            LogsDirectory = userMode ? config + "/log" : root + "/var/log",
            ConfigDirectory = userMode ? config : root + "/etc",
            TempDirectory = tmp ?? "/tmp",
            VarTempDirectory = tmp ?? "/var/tmp",
            CredentialsRoot = credentialsRoot,
        };
    }

    /// <summary>
    /// SUMMON_DIRECTORY_ROOT: a system manager's %t %S %C %L %E (and so the service directories made there) under this
    /// directory instead of /, so that managers side by side (tests) never write to the real /run or /var/lib.
    /// </summary>
    public const string DirectoryRootVariable = "SUMMON_DIRECTORY_ROOT";

    internal static string ArchitectureName(System.Runtime.InteropServices.Architecture arch) => arch switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "x86-64",
        System.Runtime.InteropServices.Architecture.X86 => "x86",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.LoongArch64 => "loongarch64",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64-le",
        System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
        _ => arch.ToString().ToLowerInvariant(),
    };

    internal static bool IsAbsoluteNormalized(string? path)
        => path is { Length: > 0 } && path[0] == '/' && !path.Split('/').Any(p => p is "." or "..");

    private static string? TempFromEnv(Func<string, string?> getEnv)
    {
        foreach (string name in (string[])["TMPDIR", "TEMP", "TMP"])
        {
            string? v = getEnv(name);
            if (IsAbsoluteNormalized(v))
                return v;
        }

        return null;
    }

    private static string? ReadFirstLine(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            return reader.ReadLine()?.Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Reads an env-style KEY=VALUE file (os-release, machine-info), removing simple quotes.</summary>
    internal static Dictionary<string, string> ReadKeyValueFile(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (string raw in File.ReadLines(path))
            {
                string line = raw.Trim();
                int eq = line.IndexOf('=');
                if (line.Length == 0 || line[0] == '#' || eq <= 0)
                    continue;
                string value = line[(eq + 1)..].Trim();
                if (value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0])
                    value = value[1..^1];
                result[line[..eq].Trim()] = value;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return result;
    }

    private static string? LookupGroupName(string path, uint gid)
    {
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                string[] f = line.Split(':');
                if (f.Length >= 3 && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint g) && g == gid)
                    return f[0];
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    private sealed record PasswdEntry(string Name, uint Uid, string Home, string Shell)
    {
        public static PasswdEntry? Find(string path, uint uid)
        {
            try
            {
                foreach (string line in File.ReadLines(path))
                {
                    string[] f = line.Split(':');
                    if (f.Length >= 7 && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint u) && u == uid)
                        return new PasswdEntry(f[0], u, f[5], f[6]);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }

            return null;
        }
    }
}
