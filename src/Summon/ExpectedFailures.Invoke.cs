using System.CommandLine;

namespace Summon.Cli;

internal static partial class ExpectedFailures
{
    /// <summary>Runs the parsed verb; what it throws is worded by <see cref="Describe"/> (a bug, with its trace, as System.CommandLine's own handler did).</summary>
    public static int Invoke(ParseResult result)
    {
        try
        {
            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // A bug keeps its trace, as System.CommandLine's handler printed it, and the same exit code.
            Console.Error.WriteLine(Describe(e) ?? $"Unhandled exception: {e}");
            return 1;
        }
    }
}
