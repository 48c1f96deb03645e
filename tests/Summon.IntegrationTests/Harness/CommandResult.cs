namespace Summon.IntegrationTests.Harness;

/// <summary>What one finished process left behind: exit code and everything it wrote.</summary>
internal sealed record CommandResult(string CommandLine, int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Lines of stdout without the trailing empty line a final newline would produce.</summary>
    public string[] StdOutLines => SplitLines(StdOut);

    public string[] StdErrLines => SplitLines(StdErr);

    internal static string[] SplitLines(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        string[] lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    // xunit prints this when an assertion on the record fails, so a failing test shows the whole exchange.
    public override string ToString() =>
        $"$ {CommandLine}\n[exit {ExitCode}]\n[stdout]\n{StdOut}[stderr]\n{StdErr}";
}
