namespace Summon.IntegrationTests.Harness;

/// <summary>Runs the summon CLI inside a <see cref="TempRoot"/>'s environment.</summary>
internal static class Cli
{
    public static CommandResult Run(TempRoot root, params string[] arguments) =>
        Command.Run(SummonBinary.Path, arguments, root.Environment);

    public static CommandResult RunWithInput(TempRoot root, string stdin, params string[] arguments) =>
        Command.Run(SummonBinary.Path, arguments, root.Environment, stdin);

    /// <summary>Runs another program (nc, socat, a multi-call symlink) with the root's environment.</summary>
    public static CommandResult RunProgram(TempRoot root, string program, string? stdin, params string[] arguments) =>
        Command.Run(program, arguments, root.Environment, stdin);

    /// <summary>
    /// <c>summon show UNIT -p A -p B …</c> as a dictionary; asserts the verb succeeded and every line is NAME=VALUE.
    /// </summary>
    public static Dictionary<string, string> Show(TempRoot root, string unit, params string[] properties)
    {
        var arguments = new List<string> { "show", unit };
        foreach (string property in properties)
        {
            arguments.Add("-p");
            arguments.Add(property);
        }

        CommandResult result = Run(root, [.. arguments]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in result.StdOutLines)
        {
            int equals = line.IndexOf('=');
            Assert.True(equals > 0, $"not NAME=VALUE: '{line}'\n{result}");
            values[line[..equals]] = line[(equals + 1)..];
        }

        return values;
    }

    /// <summary>One property's value, or "(missing)" so that an assertion failure shows what happened.</summary>
    public static string ShowOne(TempRoot root, string unit, string property) =>
        Show(root, unit, property).GetValueOrDefault(property, "(missing)");

    /// <summary>The first line <c>summon is-active UNIT</c> prints (active, inactive, failed, …).</summary>
    public static string IsActive(TempRoot root, string unit) =>
        Run(root, "is-active", unit).StdOutLines.FirstOrDefault() ?? "";
}
