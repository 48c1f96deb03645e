using System.Text.RegularExpressions;

namespace Summon.IntegrationTests.Harness;

/// <summary>
/// The steps of docs/walkthrough.md: each `$ ` line of its ```console blocks is a command (with a here-document's
/// lines, up to its terminator, when it opens one) and the lines after it, up to the next command, what it prints.
/// The page's outputs were recorded with HOME=/home/you on port 9091; <see cref="Expected"/> puts the test's own in.
/// </summary>
internal static partial class WalkthroughDoc
{
    public const string RecordedHome = "/home/you";
    public const int RecordedPort = 9091;

    public sealed record Step(string Command, IReadOnlyList<string> Output)
    {
        /// <summary>A command that ends with '&amp;': started in the background (the manager).</summary>
        public bool Background => Command.EndsWith(" &", StringComparison.Ordinal);

        public bool Export => Command.StartsWith("export ", StringComparison.Ordinal);

        public string Foreground => Background ? Command[..^2] : Command;
    }

    public static string Path => System.IO.Path.Combine(RepositoryRoot.Find(), "docs", "walkthrough.md");

    public static IReadOnlyList<Step> Steps()
    {
        var steps = new List<Step>();
        bool inConsole = false;
        string[] lines = File.ReadAllLines(Path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (!inConsole)
            {
                inConsole = line == "```console";
                continue;
            }

            if (line == "```")
            {
                inConsole = false;
                continue;
            }

            if (line.StartsWith("$ ", StringComparison.Ordinal))
            {
                var command = new List<string> { line[2..] };
                if (HereDocument().Match(line) is { Success: true } here)
                {
                    while (lines[++i] != here.Groups[1].Value)
                        command.Add(lines[i]);
                    command.Add(lines[i]);
                }

                steps.Add(new Step(string.Join('\n', command), []));
            }
            else
            {
                Step last = steps[^1];
                steps[^1] = last with { Output = [.. last.Output, line] };
            }
        }

        return steps;
    }

    /// <summary>A step's recorded output with this run's home and port, normalised as <see cref="Normalise"/> does.</summary>
    public static IReadOnlyList<string> Expected(Step step, string home, int port) =>
        [.. step.Output.Select(l => Normalise(l.Replace(RecordedHome, home, StringComparison.Ordinal)
            .Replace(RecordedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)))];

    /// <summary>The command as this run types it: the recorded port replaced by the test's free one.</summary>
    public static string Command(Step step, int port) =>
        step.Command.Replace(RecordedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>What differs from run to run: a journal line's time, host and pid, and status's "since …; … ago".</summary>
    public static string Normalise(string line) =>
        Since().Replace(JournalPrefix().Replace(line, "TIME HOST summon[PID]: "), "since TIME");

    [GeneratedRegex(@"<<'(\w+)'$")]
    private static partial Regex HereDocument();

    [GeneratedRegex(@"^\w{3} \d\d \d\d:\d\d:\d\d \S+ summon\[\d+\]: ")]
    private static partial Regex JournalPrefix();

    [GeneratedRegex(@"since \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+; .+ ago$")]
    private static partial Regex Since();
}
