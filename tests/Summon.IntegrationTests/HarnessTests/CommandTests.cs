using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.HarnessTests;

public sealed class CommandTests
{
    [Fact]
    public void Run_captures_exit_code_stdout_stderr_and_feeds_stdin()
    {
        CommandResult result = Command.Run("/bin/sh", ["-c", "cat; echo err >&2; exit 3"], stdin: "abc\n");
        Assert.Equal((3, "abc\n", "err\n"), (result.ExitCode, result.StdOut, result.StdErr));
    }

    [Fact]
    public void Run_without_stdin_gives_the_child_eof()
    {
        CommandResult result = Command.Run("/bin/cat", []);
        Assert.Equal((0, ""), (result.ExitCode, result.StdOut));
    }

    [Fact]
    public void Run_passes_exactly_the_given_environment()
    {
        using var root = new TempRoot();
        CommandResult result = Command.Run("/usr/bin/env", [], root.Environment);
        Assert.Equal(
            new SortedSet<string>(root.Environment.Select(kv => $"{kv.Key}={kv.Value}")),
            new SortedSet<string>(result.StdOutLines));
    }

    [Fact]
    public void Run_kills_a_child_that_overstays_and_says_so()
    {
        var error = Assert.Throws<TimeoutException>(
            () => Command.Run("/bin/sh", ["-c", "echo started; exec sleep 300"], timeout: TimeSpan.FromSeconds(1)));
        Assert.Contains("did not finish", error.Message);
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("a", new[] { "a" })]
    [InlineData("a\n", new[] { "a" })]
    [InlineData("a\n\nb\n", new[] { "a", "", "b" })]
    [InlineData("\n", new[] { "" })]
    public void SplitLines_drops_only_the_final_newline(string text, string[] expected) =>
        Assert.Equal(expected, CommandResult.SplitLines(text));

    [Theory]
    [InlineData("plain", new[] { "a", "b" }, "plain a b")]
    [InlineData("nc", new[] { "-N", "127.0.0.1", "9091" }, "nc -N 127.0.0.1 9091")]
    [InlineData("sh", new[] { "-c", "echo it's" }, "sh -c 'echo it'\\''s'")]
    [InlineData("x", new[] { "" }, "x ''")]
    public void Describe_quotes_like_a_shell(string file, string[] arguments, string expected) =>
        Assert.Equal(expected, Command.Describe(file, arguments));
}
