using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// journalctl as users type it, through the <c>journalctl</c> multi-call name against a running manager: -f (a line
/// logged after the follower started; Ctrl-C; a closed pipe), -n, -r, --since/--until forms, -p ranges, -u repeated
/// and globbed, every -o shape, -b, --disk-usage and vacuuming.
/// </summary>
public sealed partial class JournalctlTests
{
    private const int SIGINT = 2;

    private static string Link(TempRoot root)
    {
        string path = Path.Combine(root.Dir, "bin", "journalctl");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
            File.CreateSymbolicLink(path, SummonBinary.Path);
        return path;
    }

    private static CommandResult Journalctl(TempRoot root, params string[] arguments) =>
        Cli.RunProgram(root, Link(root), null, arguments);

    /// <summary>A oneshot-like service that prints <paramref name="lines"/> (syslog level prefixes allowed) and exits.</summary>
    private static void WriteTalker(TempRoot root, string name, params string[] lines) =>
        root.WriteUnit(name, $"""
            [Service]
            ExecStart=/bin/sh -c '{string.Join("; ", lines.Select(l => $"echo \"{l}\""))}'
            StandardOutput=journal

            """);

    private static async Task RunToEndAsync(TempRoot root, params string[] units)
    {
        CommandResult start = Cli.Run(root, ["start", .. units]);
        Assert.True(start.ExitCode == 0, start.ToString());
        foreach (string unit in units)
            Assert.Equal("inactive", await Wait.ForAsync(() => Cli.IsActive(root, unit), s => s is "inactive" or "failed"));
    }

    private static List<string> Messages(CommandResult result) => JournalLine.ParseAll(result.StdOut).Select(l => l.Message).ToList();

    /// <summary>The service's own lines (identifier sh), without the manager's about it.</summary>
    private static List<string> Said(CommandResult result) =>
        JournalLine.ParseAll(result.StdOut).Where(l => l.Identifier == "sh").Select(l => l.Message).ToList();

    [Fact]
    public async Task Follow_prints_a_line_logged_after_it_started_then_ends_on_ctrl_c_with_0()
    {
        using var root = new TempRoot();
        root.WriteUnit("talker.service", """
            [Service]
            ExecStart=/bin/sh -c 'echo "said $(cat /proc/sys/kernel/random/uuid)"'
            StandardOutput=journal

            """);
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        await RunToEndAsync(root, "talker.service");
        string before = Assert.Single(Messages(Journalctl(root, "-u", "talker", "-n", "100")), m => m.StartsWith("said ", StringComparison.Ordinal));

        using var follower = Follower.Start(root, Link(root), "-f", "-n", "1", "-u", "talker.service", "--no-pager");
        // The one old line first: the follower has read the journal and waits for more.
        string first = await follower.NextLineAsync();
        Assert.Contains("talker.service", first, StringComparison.Ordinal);
        await RunToEndAsync(root, "talker.service");
        var seen = new List<string>();
        string said;
        do
        {
            string line = await follower.NextLineAsync();
            seen.Add(line);
            said = JournalLine.Parse(line)?.Message ?? "";
        }
        while (!said.StartsWith("said ", StringComparison.Ordinal));
        Assert.NotEqual(before, said);
        Assert.DoesNotContain(seen, l => l.Contains(before, StringComparison.Ordinal));

        Assert.True(Signals.Send(follower.Pid, SIGINT));
        Assert.Equal(0, await follower.ExitCodeAsync());
    }

    [Fact]
    public async Task Follow_ends_quietly_when_the_reader_of_its_pipe_goes_away()
    {
        using var root = new TempRoot();
        WriteTalker(root, "t.service", "tick");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        await RunToEndAsync(root, "t.service");
        // Nothing is logged after the first line: the follower must notice the closed pipe by itself.
        CommandResult piped = Cli.RunProgram(root, "/bin/sh", null, "-c", "\"$0\" -f | head -1; echo \"rc=$?\"", Link(root));
        Assert.True(piped.ExitCode == 0 && piped.StdOutLines.Length == 2 && piped.StdOutLines[1] == "rc=0", piped.ToString());
        Assert.NotNull(JournalLine.Parse(piped.StdOutLines[0]));
        Assert.Equal("", piped.StdErr);
    }

    [Fact]
    public async Task Lines_reverse_units_globs_and_priority_ranges()
    {
        using var root = new TempRoot();
        root.WriteUnit("greet@.service", """
            [Service]
            ExecStart=/bin/echo hello %i
            StandardOutput=journal

            """);
        WriteTalker(root, "levels.service", "<3>an error", "<4>a warning", "<6>some info", "<7>a debug line");
        WriteTalker(root, "other.service", "other line");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        await RunToEndAsync(root, "greet@one.service", "greet@two.service", "levels.service", "other.service");

        // -u with a glob matches the instances (it printed "-- No entries --" before), repeated -u adds units.
        List<string> greet = Messages(Journalctl(root, "-u", "greet@*"));
        Assert.Contains("hello one", greet);
        Assert.Contains("hello two", greet);
        Assert.DoesNotContain("other line", greet);
        List<string> two = Messages(Journalctl(root, "-u", "greet@two.service", "-u", "other"));
        Assert.Equal(["hello two", "other line"], two.Where(m => m.StartsWith("hello", StringComparison.Ordinal) || m == "other line").Order(StringComparer.Ordinal));
        CommandResult none = Journalctl(root, "-u", "nomatch-*");
        Assert.True(none is { ExitCode: 0, StdOut: "-- No entries --\n" }, none.ToString());

        // -p: one level means that level and more important; a range either way round, names or numbers.
        Assert.Equal(["an error", "a warning", "some info", "a debug line"], Said(Journalctl(root, "-u", "levels")));
        Assert.Equal(["an error", "a warning"], Said(Journalctl(root, "-u", "levels", "-p", "warning..err")));
        Assert.Equal(["an error", "a warning"], Said(Journalctl(root, "-u", "levels", "-p", "3..4")));
        Assert.Equal(["an error"], Said(Journalctl(root, "-u", "levels", "-p", "err")));
        Assert.Equal(["some info", "a debug line"], Said(Journalctl(root, "-u", "levels", "-p", "debug..info")));
        CommandResult badLevel = Journalctl(root, "-p", "loud");
        Assert.True(badLevel is { ExitCode: 1, StdOut: "", StdErr: "Unknown log level loud\n" }, badLevel.ToString());
        CommandResult badRange = Journalctl(root, "-p", "3..loud");
        Assert.True(badRange is { ExitCode: 1, StdErr: "Failed to parse log level range 3..loud\n" }, badRange.ToString());

        // -n and -r: the newest N, newest first.
        List<string> all = Messages(Journalctl(root, "-u", "levels"));
        List<string> reversed = Messages(Journalctl(root, "-u", "levels", "-r"));
        Assert.True(all.Count >= 4);
        Assert.Equal(Enumerable.Reverse(all), reversed);
        Assert.Equal(Enumerable.Reverse(all).Take(2), Messages(Journalctl(root, "-u", "levels", "-r", "-n", "2")));
        Assert.Equal(all.TakeLast(3), Messages(Journalctl(root, "-u", "levels", "--lines=3")));
        CommandResult reverseFollow = Journalctl(root, "-r", "-f");
        Assert.True(reverseFollow is { ExitCode: 1, StdErr: "Please specify either --reverse= or --follow=, not both.\n" }, reverseFollow.ToString());

        // -b names the one boot there is (the manager's life); another one is refused as journalctl refuses it.
        Assert.Equal(all, Messages(Journalctl(root, "-u", "levels", "-b")));
        Assert.Equal(all, Messages(Journalctl(root, "-u", "levels", "-b", "0", "-x", "--no-pager")));
        CommandResult otherBoot = Journalctl(root, "-b", "-1");
        Assert.True(otherBoot is { ExitCode: 1, StdErr: "Data from the specified boot (-1) is not available: No such boot ID in journal\n" }, otherBoot.ToString());
    }

    [Fact]
    public async Task Since_and_until_take_systemds_time_forms()
    {
        using var root = new TempRoot();
        WriteTalker(root, "t.service", "tick");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        await RunToEndAsync(root, "t.service");
        DateTimeOffset now = DateTimeOffset.Now;
        string Stamp(DateTimeOffset t) => t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        string Epoch(DateTimeOffset t) => "@" + t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        string[][] showing =
        [
            ["--since", "today"], ["-S", "yesterday"], ["-S", "5 min ago"], ["--since=-5min"], ["-S", "-1h"],
            ["-S", Stamp(now.AddMinutes(-5))], ["-S", Epoch(now.AddMinutes(-5))], ["-U", "now"], ["--until", "tomorrow"],
            ["-U", "+1h"], ["-S", "today", "-U", "tomorrow"],
        ];
        foreach (string[] args in showing)
        {
            CommandResult result = Journalctl(root, ["-u", "t", .. args]);
            Assert.True(result.ExitCode == 0 && Messages(result).Contains("tick"), result.ToString());
        }

        string[][] hiding =
        [
            ["--since", "tomorrow"], ["-S", "+1h"], ["-S", Epoch(now.AddHours(1))], ["-S", Stamp(now.AddHours(1))],
            ["--until", "yesterday"], ["-U", "1 hour ago"], ["-U", Epoch(now.AddHours(-1))],
        ];
        foreach (string[] args in hiding)
        {
            CommandResult result = Journalctl(root, ["-u", "t", .. args]);
            Assert.True(result is { ExitCode: 0, StdOut: "-- No entries --\n" }, result.ToString());
        }

        CommandResult bad = Journalctl(root, "--since", "last tuesday");
        Assert.True(bad is { ExitCode: 1, StdOut: "", StdErr: "Failed to parse timestamp: last tuesday\n" }, bad.ToString());
        CommandResult backwards = Journalctl(root, "-S", "today", "-U", "yesterday");
        Assert.True(backwards is { ExitCode: 1, StdErr: "--since= must be before --until=.\n" }, backwards.ToString());
    }

    [Fact]
    public async Task Every_output_mode_has_journalctls_shape_and_an_unknown_one_is_refused()
    {
        using var root = new TempRoot();
        WriteTalker(root, "shape.service", "first line", "second line");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        await RunToEndAsync(root, "shape.service");
        string host = JournalLine.HostName.Split('.')[0];
        string[] Run(string mode)
        {
            CommandResult result = Journalctl(root, "-u", "shape", "-o", mode, "-p", "info", "-S", "today");
            Assert.True(result.ExitCode == 0 && result.StdErr == "", result.ToString());
            return result.StdOutLines;
        }

        Assert.Contains(Run("short"), l => ShortLine().IsMatch(l) && l.EndsWith($" {host} sh[{l.Split('[')[1].Split(']')[0]}]: first line", StringComparison.Ordinal));
        Assert.Contains(Run("short-iso"), l => ShortIsoLine().IsMatch(l) && l.EndsWith("]: second line", StringComparison.Ordinal));
        Assert.Contains(Run("short-precise"), l => ShortPreciseLine().IsMatch(l) && l.EndsWith("]: first line", StringComparison.Ordinal));
        string[] cat = Run("cat");
        Assert.Equal(["first line", "second line"], cat.Where(l => l.EndsWith(" line", StringComparison.Ordinal)));

        var json = Run("json").Select(l => JsonDocument.Parse(l).RootElement).ToList();
        JsonElement jsonFirst = json.Single(e => e.GetProperty("MESSAGE").GetString() == "first line");
        Assert.Equal("shape.service", jsonFirst.GetProperty("_SYSTEMD_UNIT").GetString());
        Assert.Equal("sh", jsonFirst.GetProperty("SYSLOG_IDENTIFIER").GetString());
        Assert.Equal("6", jsonFirst.GetProperty("PRIORITY").GetString());
        Assert.True(long.Parse(jsonFirst.GetProperty("__REALTIME_TIMESTAMP").GetString()!, CultureInfo.InvariantCulture) > 0);
        Assert.Contains(json, e => e.TryGetProperty("UNIT", out var unit) && unit.GetString() == "shape.service");

        string pretty = string.Join("\n", Run("json-pretty"));
        Assert.StartsWith("{\n\t\"__CURSOR\" : \"", pretty, StringComparison.Ordinal);
        Assert.Contains("\t\"MESSAGE\" : \"first line\"\n}", pretty, StringComparison.Ordinal);
        var objects = PrettyObjects().Matches(pretty).Select(m => JsonDocument.Parse(m.Value).RootElement).ToList();
        Assert.Equal(json.Count, objects.Count);

        string[] export = Run("export");
        Assert.Contains("MESSAGE=first line", export);
        Assert.Contains("_SYSTEMD_UNIT=shape.service", export);
        Assert.Equal(json.Count, export.Count(l => l.Length == 0));
        Assert.Equal(json.Count, export.Count(l => l.StartsWith("__CURSOR=", StringComparison.Ordinal)));
        Assert.Equal("", export[^1]);

        CommandResult unknown = Journalctl(root, "-o", "verbose");
        Assert.True(unknown is { ExitCode: 1, StdOut: "", StdErr: "Unknown output format 'verbose'.\n" }, unknown.ToString());
    }

    [Fact]
    public async Task Disk_usage_and_vacuum_say_what_they_removed_and_the_manager_keeps_logging()
    {
        using var root = new TempRoot();
        WriteTalker(root, "v.service", "before vacuum");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);
        await RunToEndAsync(root, "v.service");

        CommandResult usage = Journalctl(root, "--disk-usage");
        Assert.True(usage.ExitCode == 0 && DiskUsageLine().IsMatch(usage.StdOut), usage.ToString());

        int entries = Journalctl(root, "-o", "cat").StdOutLines.Length;
        CommandResult vacuum = Journalctl(root, "--vacuum-time=1us");
        Assert.True(vacuum.ExitCode == 0, vacuum.ToString());
        Assert.Equal(
            [$"Deleted {entries - 1} journal entries from {Path.Combine(root.StateDir, "journal.db")}.", $"Vacuuming done, freed "],
            [vacuum.StdOutLines[0], vacuum.StdOutLines[1][..22]]);
        Assert.EndsWith($" of archived journals from {root.StateDir}.", vacuum.StdOutLines[1], StringComparison.Ordinal);
        Assert.Single(Journalctl(root, "-o", "cat").StdOutLines);

        await RunToEndAsync(root, "v.service");
        Assert.Contains("before vacuum", Messages(Journalctl(root, "-u", "v")));
        CommandResult size = Journalctl(root, "--vacuum-size=1K");
        Assert.True(size.ExitCode == 0 && size.StdOutLines[^1].StartsWith("Vacuuming done, freed ", StringComparison.Ordinal), size.ToString());
        Assert.Single(Journalctl(root, "-o", "cat").StdOutLines);

        CommandResult bad = Journalctl(root, "--vacuum-size=lots");
        Assert.True(bad is { ExitCode: 1, StdErr: "Failed to parse vacuum size: lots\n" }, bad.ToString());
        CommandResult badTime = Journalctl(root, "--vacuum-time=ages");
        Assert.True(badTime is { ExitCode: 1, StdErr: "Failed to parse vacuum time: ages\n" }, badTime.ToString());
    }

    [GeneratedRegex(@"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d:\d\d \S+ \S+\[\d+\]: ")]
    private static partial Regex ShortLine();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} \S+ \S+\[\d+\]: ")]
    private static partial Regex ShortIsoLine();

    [GeneratedRegex(@"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d:\d\d\.\d{6} \S+ \S+\[\d+\]: ")]
    private static partial Regex ShortPreciseLine();

    [GeneratedRegex(@"(?ms)^\{$.*?^\}$")]
    private static partial Regex PrettyObjects();

    [GeneratedRegex(@"^Archived and active journals take up \d+(\.\d)?[BKMG] in the file system\.\n$")]
    private static partial Regex DiskUsageLine();

    /// <summary>A running <c>journalctl -f</c> whose stdout lines are read as they come.</summary>
    private sealed class Follower : IDisposable
    {
        private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(20);
        private readonly Process process;
        private readonly Channel<string> lines = Channel.CreateUnbounded<string>();
        private readonly StringBuilder stderr = new();

        private Follower(Process process) => this.process = process;

        public int Pid => process.Id;

        public static Follower Start(TempRoot root, string program, params string[] arguments)
        {
            var startInfo = new ProcessStartInfo(program)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = new UTF8Encoding(false),
            };
            foreach (string argument in arguments)
                startInfo.ArgumentList.Add(argument);
            startInfo.Environment.Clear();
            foreach ((string key, string value) in root.Environment)
                startInfo.Environment[key] = value;
            var follower = new Follower(Process.Start(startInfo)!);
            follower.process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                    follower.lines.Writer.TryComplete();
                else
                    follower.lines.Writer.TryWrite(e.Data);
            };
            follower.process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                    lock (follower.stderr)
                        follower.stderr.AppendLine(e.Data);
            };
            follower.process.BeginOutputReadLine();
            follower.process.BeginErrorReadLine();
            return follower;
        }

        public async Task<string> NextLineAsync()
        {
            using var timeout = new CancellationTokenSource(LineTimeout);
            try
            {
                return await lines.Reader.ReadAsync(timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
                throw new TimeoutException($"journalctl -f printed no further line within {LineTimeout.TotalSeconds:0} s; stderr: {Stderr()}");
            }
        }

        public async Task<int> ExitCodeAsync()
        {
            using var timeout = new CancellationTokenSource(LineTimeout);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode;
        }

        private string Stderr()
        {
            lock (stderr)
                return stderr.ToString();
        }

        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                    process.Kill();
                process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }
    }
}
