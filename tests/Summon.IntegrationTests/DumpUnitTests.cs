using System.Text.Json;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>`analyze dump-unit -o json` (systemd's D-Bus names and JSON types) and `cat` (file plus drop-ins).</summary>
public sealed class DumpUnitTests
{
    [Fact]
    public void Dump_unit_json_uses_bus_names_and_types()
    {
        using var root = new TempRoot();
        string socket = root.WriteUnit("web.socket", "[Unit]\nDescription=Web\n[Socket]\nListenStream=9091\nListenStream=[::1]:80\nAccept=no\nMaxConnections=10\nFileDescriptorName=http\n");
        string service = root.WriteUnit("web.service", "[Service]\nExecStart=-@/bin/cat cat -u\nTimeoutStartSec=1min 30s\nTimeoutStopSec=infinity\n");
        CommandResult r = Cli.Run(root, "analyze", "dump-unit", "-o", "json", socket, service);
        Assert.True(r.ExitCode == 0, r.ToString());
        using JsonDocument json = JsonDocument.Parse(r.StdOut);
        JsonElement s = json.RootElement[0], v = json.RootElement[1];
        Assert.Equal("web.socket", s.GetProperty("Id").GetString());
        Assert.Equal("loaded", s.GetProperty("LoadState").GetString());
        Assert.Equal("Web", s.GetProperty("Description").GetString());
        Assert.Equal("""[{"type":"Stream","address":"[::]:9091"},{"type":"Stream","address":"[::1]:80"}]""", s.GetProperty("Listen").GetRawText().Replace(" ", "").Replace("\n", ""));
        Assert.False(s.GetProperty("Accept").GetBoolean());
        Assert.Equal(10u, s.GetProperty("MaxConnections").GetUInt32());
        Assert.Equal("http", s.GetProperty("FileDescriptorName").GetString());
        Assert.Equal(["web.service"], s.GetProperty("Triggers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("""[{"path":"/bin/cat","argv":["cat","-u"],"flags":["ignore-failure"]}]""", v.GetProperty("ExecStart").GetRawText().Replace(" ", "").Replace("\n", ""));
        Assert.Equal(90_000_000ul, v.GetProperty("TimeoutStartUSec").GetUInt64());
        Assert.Equal(ulong.MaxValue, v.GetProperty("TimeoutStopUSec").GetUInt64());
    }

    /// <summary>As systemctl show in 252 (service_fix_stdio()): StandardError= is shown as configured, inherit when unset
    /// (inherit means "as stdout"), StandardOutput= resolves inherit to the default journal unless stdin is a socket or
    /// tty; the names are systemd's ("journal+console").</summary>
    [Theory]
    [InlineData("", "null", "journal", "inherit")]
    [InlineData("StandardError=inherit\n", "null", "journal", "inherit")]
    [InlineData("StandardOutput=inherit\n", "null", "journal", "inherit")]
    [InlineData("StandardOutput=journal+console\nStandardError=kmsg+console\n", "null", "journal+console", "kmsg+console")]
    [InlineData("StandardOutput=syslog+console\nStandardError=syslog\n", "null", "journal+console", "journal")]
    [InlineData("StandardInput=socket\n", "socket", "inherit", "inherit")]
    [InlineData("StandardInput=tty-force\nStandardError=null\n", "tty-force", "inherit", "null")]
    public void Dump_unit_shows_stdio_as_systemd_shows_it(string lines, string input, string output, string error)
    {
        using var root = new TempRoot();
        string service = root.WriteUnit("io.service", "[Service]\nExecStart=/bin/cat\n" + lines);
        CommandResult r = Cli.Run(root, "analyze", "dump-unit", service);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal([$"StandardInput={input}", $"StandardOutput={output}", $"StandardError={error}"],
            r.StdOutLines.Where(l => l.StartsWith("Standard", StringComparison.Ordinal)));
    }

    [Fact]
    public void Dump_unit_reports_load_problems_with_status_1()
    {
        using var root = new TempRoot();
        string socket = root.WriteUnit("bad.socket", "[Socket]\nListenStream=foo:80\nPAMName=login\n");
        CommandResult r = Cli.Run(root, "analyze", "dump-unit", socket);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            [
                $"{socket}:2: Failed to parse address value in 'foo:80', ignoring: Invalid argument",
                $"{socket}:3: Summon does not support PAMName=, ignoring.",
                "bad.socket: Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.",
                "Unit bad.socket has a bad unit file setting.",
            ],
            r.StdErrLines);
        Assert.Contains("LoadState=bad-setting", r.StdOutLines);
    }

    [Fact]
    public void Cat_prints_fragment_then_drop_ins_with_headers()
    {
        using var root = new TempRoot();
        string fragment = root.WriteUnit("web.service", "[Service]\nExecStart=/bin/cat\n");
        string dropIn = root.WriteUnit("web.service.d/10-env.conf", "[Service]\nEnvironment=A=1");
        CommandResult r = Cli.Run(root, "cat", "web");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal($"# {fragment}\n[Service]\nExecStart=/bin/cat\n\n# {dropIn}\n[Service]\nEnvironment=A=1\n", r.StdOut);

        CommandResult missing = Cli.Run(root, "cat", "nope.socket");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(["No files found for nope.socket."], missing.StdErrLines);
    }
}
