using System.Reflection;
using Summon.Journal;
using Summon.Posix;

namespace Summon.Cli;

/// <summary>
/// The last net under every verb: a failure of the kinds the system can cause (permissions, files, a missing native
/// library) that no verb words itself becomes one line on stderr and exit code 1 (EXIT_FAILURE, as systemctl), never
/// System.CommandLine's stack trace. The known failures have their own words where they happen; anything else is a
/// bug and keeps its trace.
/// </summary>
internal static partial class ExpectedFailures
{
    /// <summary>The one line for an expected failure, or null for a bug.</summary>
    internal static string? Describe(Exception e)
    {
        while (e is TypeInitializationException or TargetInvocationException or AggregateException && e.InnerException is { } inner)
            e = inner;
        return e switch
        {
            DllNotFoundException => $"summon needs the library {Argument(e.Message, 1)}, which is not beside it nor on the library path: "
                + "install summon again from a complete build (dotnet publish src/Summon).",
            UnauthorizedAccessException => $"summon: Permission denied: {Argument(e.Message, 1)}",
            ErrnoException errno => $"summon: {errno.Message}",
            JournalUnreadableException => $"summon: {e.Message}",
            IOException => $"summon: {e.Message.Split('\n')[0]}",
            _ => null,
        };
    }

    /// <summary>
    /// Field <paramref name="index"/> of a message the AOT build leaves as its resource key and arguments
    /// ("DllNotFound_Linux, e_sqlite3, …"), or the message's first line when it is worded.
    /// </summary>
    private static string Argument(string message, int index)
    {
        string first = message.Split('\n')[0];
        string[] fields = first.Split(", ");
        return fields.Length > index && !fields[0].Contains(' ', StringComparison.Ordinal) ? fields[index].Trim() : first;
    }
}
