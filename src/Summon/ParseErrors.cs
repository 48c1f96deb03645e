using System.CommandLine;

namespace Summon.Cli;

/// <summary>
/// A command line that does not parse: one line saying what is wrong, then "See 'NAME --help'." in the name the
/// user typed, and exit status 1 (systemctl's for a bad invocation); never the whole help text.
/// </summary>
internal static class ParseErrors
{
    public static int Report(ParseResult result)
    {
        // "Unrecognized command or argument 'x'." says more than "Required command was not provided." beside it.
        var error = result.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? result.Errors[0];
        Console.Error.WriteLine(error.Message);
        Console.Error.WriteLine($"See '{MultiCall.Name} --help'.");
        return 1;
    }
}
