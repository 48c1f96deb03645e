namespace Summon.Posix;

/// <summary>
/// The seam between the condition tests and the OS: reading local files, stat, listing a directory, and the few
/// facts no file holds. Everything here answers at once (local files, /proc, /sys); nothing waits. The Core tests
/// fake it with an in-memory tree; the manager and `condition` use Processes.SystemConditionFacts. It lives in Posix so that Units (the tests) and Processes (the real facts) both reach it.
/// </summary>
internal interface IConditionFacts
{
    /// <summary>The text of a local file, or null when it cannot be read.</summary>
    string? ReadFile(string path);

    /// <summary>stat(2) (or lstat when <paramref name="follow"/> is false); null when the path does not resolve, with the errno.</summary>
    FileFacts? Stat(string path, bool follow, out int errno);

    /// <summary>The names in a directory (without . and ..); null with the errno when it cannot be listed.</summary>
    IReadOnlyList<string>? ListDirectory(string path, out int errno);

    /// <summary>access(path, F_OK): true when it exists (a symbolic link is followed).</summary>
    bool Exists(string path);

    /// <summary>The manager's environment, "NAME=value" each.</summary>
    IReadOnlyList<string> Environment { get; }

    /// <summary>The running kernel's architecture (systemd's uname_architecture()).</summary>
    System.Runtime.InteropServices.Architecture Architecture { get; }

    /// <summary>True when this process runs as PID 1 (systemd then avoids user database lookups).</summary>
    bool IsPid1 { get; }

    /// <summary>CPUID's answer for a feature flag systemd names (ConditionCPUFeature=, and "hypervisor"); false off x86.</summary>
    bool HasCpuFeature(string name);

    /// <summary>CPUID's hypervisor vendor signature ("KVMKVMKVM", "bhyve bhyve "); empty when none.</summary>
    string HypervisorVendor { get; }
}

internal enum FileType { Regular, Directory, SymbolicLink, Other }

/// <summary>What stat says of a path that the tests use: type, size, permission bits, device, mtime and a link's target.</summary>
internal readonly record struct FileFacts(FileType Type, long Size, uint Mode, uint DeviceMajor, uint DeviceMinor, long MTimeSeconds, long MTimeNanoseconds, string? LinkTarget = null);
