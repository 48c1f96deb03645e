using Summon.Processes;

namespace Summon.Cli;

/// <summary>
/// Standard output of the verbs scripts run in loops (is-active, is-failed, show): each call one unbuffered UTF-8
/// write(2), without System.Console's set-up (terminal and signal handling thread, charset from LANG).
/// Output order with Console.Error stays as written, both being unbuffered.
/// </summary>
internal static class CliOutput
{
    public static void Write(string text) => StandardStreams.Write(StandardStreams.Output, text);

    public static void WriteLine(string line) => StandardStreams.Write(StandardStreams.Output, string.Concat(line, "\n"));
}
