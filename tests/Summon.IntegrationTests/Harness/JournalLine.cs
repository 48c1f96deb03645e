using System.Globalization;
using System.Text.RegularExpressions;

namespace Summon.IntegrationTests.Harness;

/// <summary>A journalctl "short" line: <c>Nov 25 22:44:41 HOST IDENT[PID]: MESSAGE</c>.</summary>
internal sealed partial record JournalLine(string Timestamp, string Host, string Identifier, int Pid, string Message)
{
    public static JournalLine? Parse(string line)
    {
        Match match = ShortFormat().Match(line);
        if (!match.Success)
        {
            return null;
        }

        return new JournalLine(
            match.Groups["time"].Value,
            match.Groups["host"].Value,
            match.Groups["ident"].Value,
            int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture),
            match.Groups["message"].Value);
    }

    /// <summary>Every line of <paramref name="output"/> that has the short format.</summary>
    public static List<JournalLine> ParseAll(string output) =>
        CommandResult.SplitLines(output).Select(Parse).OfType<JournalLine>().ToList();

    /// <summary>The host name journal lines carry (gethostname, as journald records _HOSTNAME).</summary>
    public static string HostName => File.ReadAllText("/proc/sys/kernel/hostname").Trim();

    [GeneratedRegex(@"^(?<time>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d:\d\d) (?<host>\S+) (?<ident>[^\s\[]+)\[(?<pid>\d+)\]: (?<message>.*)$")]
    private static partial Regex ShortFormat();
}
