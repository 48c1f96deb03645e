namespace Summon.Units;

/// <summary>
/// The systemd keys Summon honours (or that mean nothing outside PID 1, such as ordering). Every other key of
/// <see cref="KnownKeys"/> loads fine but is reported once per unit, by verify and at load, as
/// "FILE:LINE: Summon does not support ProtectSystem=, ignoring." so that no setting is dropped silently.
/// Keep this table in step with what the Manager, Sockets and Processes rooms actually apply.
/// </summary>
internal static class SupportedKeys
{
    private static readonly HashSet<string> s_unit = new(StringComparer.Ordinal)
    {
        "Description", "Documentation", "SourcePath",
        // Ordering only: Summon starts units on demand, one at a time, so there is nothing to order.
        "After", "Before", "DefaultDependencies",
    };

    private static readonly HashSet<string> s_install = new(StringComparer.Ordinal)
    {
        "Alias", "WantedBy", "RequiredBy", "Also", "DefaultInstance",
    };

    private static readonly HashSet<string> s_socket = new(StringComparer.Ordinal)
    {
        "ListenStream", "ListenDatagram", "ListenSequentialPacket",
        "Accept", "Service", "MaxConnections", "MaxConnectionsPerSource", "Backlog", "BindIPv6Only",
        "SocketMode", "DirectoryMode", "FileDescriptorName", "RemoveOnStop", "ReusePort", "FreeBind",
    };

    private static readonly HashSet<string> s_service = new(StringComparer.Ordinal)
    {
        "ExecStart", "TimeoutStopSec", "Environment", "WorkingDirectory",
        "StandardInput", "StandardOutput", "StandardError",
    };

    /// <summary>Type= values Summon runs as systemd would (idle behaves as simple).</summary>
    private static readonly HashSet<string> s_serviceTypes = new(StringComparer.Ordinal) { "", "simple", "exec", "idle" };

    /// <summary>The name reported when this assignment is not honoured ("ProtectSystem", "Type=forking"), or null.</summary>
    public static string? Unsupported(string section, string key, string value)
    {
        if (section == "Service" && key == "Type")
            return s_serviceTypes.Contains(value) ? null : $"Type={value}";
        return IsSupported(section, key) ? null : key;
    }

    /// <summary>True when the key of this section is honoured; false for a known key Summon ignores.</summary>
    public static bool IsSupported(string section, string key) => section switch
    {
        "Unit" => s_unit.Contains(key),
        "Install" => s_install.Contains(key),
        "Socket" => s_socket.Contains(key),
        "Service" => s_service.Contains(key),
        _ => true,
    };

    /// <summary>"Summon does not support ProtectSystem=, ignoring." / "… Type=forking, ignoring."</summary>
    public static string Message(string what) => what.Contains('=', StringComparison.Ordinal)
        ? $"Summon does not support {what}, ignoring."
        : $"Summon does not support {what}=, ignoring.";

    /// <summary>True for a printed diagnostic that only Summon gives (what a comparison with systemd leaves out).</summary>
    public static bool IsSummonOnly(string line) => line.Contains("Summon does not support ", StringComparison.Ordinal);
}
