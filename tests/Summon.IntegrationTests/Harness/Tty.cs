namespace Summon.IntegrationTests.Harness;

/// <summary>
/// Runs a program with stdin, stdout and stderr on a pseudo-terminal (util-linux `script`), as a user at a shell
/// would: what decides colour, the pager and `edit`. The result's StdOut is everything the terminal received, raw
/// escape sequences included, with the terminal's CRLF turned back into LF; the exit code is the program's.
/// </summary>
internal static class Tty
{
    public static CommandResult Run(IReadOnlyDictionary<string, string> environment, string program, params string[] arguments)
    {
        string commandLine = string.Join(' ', new[] { program }.Concat(arguments).Select(Quote));
        CommandResult result = Command.Run("script", ["-qec", commandLine, "/dev/null"], environment);
        return result with { StdOut = result.StdOut.Replace("\r\n", "\n", StringComparison.Ordinal) };
    }

    /// <summary>The environment of <paramref name="root"/> with a terminal type, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string> Environment(TempRoot root, params (string Name, string Value)[] extra)
    {
        var env = new Dictionary<string, string>(root.Environment) { ["TERM"] = "xterm" };
        foreach (var (name, value) in extra)
            env[name] = value;
        return env;
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
