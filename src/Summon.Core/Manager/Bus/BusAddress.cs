namespace Summon.Manager.Bus;

/// <summary>
/// Where the D-Bus bus a Type=dbus service registers on is: $DBUS_SYSTEM_BUS_ADDRESS or /run/dbus/system_bus_socket
/// for the system manager, $DBUS_SESSION_BUS_ADDRESS or $XDG_RUNTIME_DIR/bus for a user manager (sd-bus's defaults).
/// </summary>
internal static class BusAddress
{
    public const string SystemSocket = "/run/dbus/system_bus_socket";

    /// <summary>The bus address, and the socket path it names when it is a plain unix:path= (null otherwise).</summary>
    public static (string Address, string? SocketPath) For(bool userMode, Func<string, string?> environment)
    {
        string? configured = environment(userMode ? "DBUS_SESSION_BUS_ADDRESS" : "DBUS_SYSTEM_BUS_ADDRESS");
        if (string.IsNullOrEmpty(configured))
        {
            string? runtime = environment("XDG_RUNTIME_DIR");
            string path = userMode ? (string.IsNullOrEmpty(runtime) ? "" : Path.Combine(runtime, "bus")) : SystemSocket;
            return ("unix:path=" + path, path);
        }
        const string prefix = "unix:path=";
        return configured.StartsWith(prefix, StringComparison.Ordinal) && !configured.Contains(';', StringComparison.Ordinal)
            ? (configured, configured[prefix.Length..].Split(',')[0])
            : (configured, null);
    }

    /// <summary>True when a bus can be there: a unix:path= socket that exists, or an address of another kind.</summary>
    public static bool Reachable((string Address, string? SocketPath) bus) =>
        bus.SocketPath is null || (bus.SocketPath.Length > 0 && File.Exists(bus.SocketPath));
}
