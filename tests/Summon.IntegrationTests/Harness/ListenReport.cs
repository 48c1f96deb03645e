using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Summon.IntegrationTests.Harness;

/// <summary>
/// What tests/Programs/listen-check reports: KEY=VALUE lines (PID, LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES,
/// NOTIFY_SOCKET, SYSTEMD_EXEC_PID, INVOCATION_ID, ENV_*, FD3=…, OPEN_FDS, CHECK, and per connection SERVED_FD and
/// CONNECTION). The text is kept so a failing assertion can print it.
/// </summary>
internal sealed record ListenReport(IReadOnlyDictionary<string, string> Values, string Text)
{
    public static ListenReport Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in CommandResult.SplitLines(text))
        {
            int equals = line.IndexOf('=');
            if (equals > 0)
            {
                values[line[..equals]] = line[(equals + 1)..];
            }
        }

        return new ListenReport(values, text);
    }

    public string this[string key] => Values.GetValueOrDefault(key, "(missing)");

    public int Pid => int.Parse(this["PID"], CultureInfo.InvariantCulture);

    /// <summary>"ok", or "fail: reason; reason".</summary>
    public string Check => this["CHECK"];

    /// <summary>The fds open when the program started (0,1,2 and the passed ones, if the manager leaked nothing).</summary>
    public int[] OpenFds => this["OPEN_FDS"].Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Select(f => int.Parse(f, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>listen-check's description of a passed fd: "inet stream listening blocking 127.0.0.1:PORT".</summary>
    public string Fd(int fd) => this[$"FD{fd}"];

    public override string ToString() => Text;

    /// <summary>Connects to a TCP port the service got, and reads the report the service sends back.</summary>
    public static ListenReport FromTcp(int port, IPAddress? address = null)
    {
        using Socket client = Clients.ConnectTcp(address ?? IPAddress.Loopback, port);
        return Parse(Clients.ReadToEnd(client));
    }

    /// <summary>Connects to a Unix stream socket the service got, and reads its report.</summary>
    public static ListenReport FromUnix(string path)
    {
        using Socket client = Clients.ConnectUnix(path);
        return Parse(Clients.ReadToEnd(client));
    }

    /// <summary>Waits for the report file listen-check writes with <c>-r FILE</c> (renamed into place whole).</summary>
    public static async Task<ListenReport> FromFileAsync(string path, TimeSpan? timeout = null)
    {
        bool written = await Wait.UntilAsync(() => File.Exists(path), timeout);
        Assert.True(written, $"listen-check wrote no report to {path}");
        return Parse(File.ReadAllText(path));
    }
}
