namespace Summon.IntegrationTests.Harness;

/// <summary>The walkthrough's unit files (docs/walkthrough.md, examples/demo-echo), with the port made a parameter.</summary>
internal static class DemoUnits
{
    public const string SocketName = "demo-echo.socket";
    public const string TemplateName = "demo-echo@.service";
    public const string SocketDescription = "Socket unit for demo-echo";
    public const string ServiceDescription = "Per-connection echo service for demo-echo.socket";

    public const string Service =
        """
        [Unit]
        Description=Per-connection echo service for demo-echo.socket

        [Service]
        ExecStart=/bin/cat
        StandardInput=socket
        StandardOutput=socket
        StandardError=journal

        """;

    public static string Socket(int port) => Socket($"127.0.0.1:{port}");

    public static string Socket(string listen, string extraSocketSettings = "") =>
        $"""
        [Unit]
        Description=Socket unit for demo-echo

        [Socket]
        ListenStream={listen}
        Accept=yes
        {extraSocketSettings}
        [Install]
        WantedBy=sockets.target

        """;

    /// <summary>Writes demo-echo.socket and demo-echo@.service into the root's unit directory.</summary>
    public static (string SocketPath, string ServicePath) Write(TempRoot root, int port, string extraSocketSettings = "") =>
        (root.WriteUnit(SocketName, Socket($"127.0.0.1:{port}", extraSocketSettings)), root.WriteUnit(TemplateName, Service));

    /// <summary>systemd 252's Accept=yes instance name for an IPv4 connection.</summary>
    public static string InstanceName(string prefix, int counter, string localAddress, int localPort, string remoteAddress, int remotePort) =>
        $"{prefix}@{counter}-{localAddress}:{localPort}-{remoteAddress}:{remotePort}.service";
}
