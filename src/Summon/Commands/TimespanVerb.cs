using System.CommandLine;
using System.Globalization;
using Summon.Posix;
using Summon.Units;

namespace Summon.Cli.Commands;

/// <summary>`analyze timespan VALUE…`: systemd-analyze timespan's three lines per value, a blank line between values;
/// the first value that does not parse stops with "Failed to parse time span '…': …" and status 1.</summary>
internal static class TimespanVerb
{
    public static void AddTo(Command analyze)
    {
        var values = new Argument<string[]>("SPAN") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("timespan", "Parse time spans and show them normalized") { values };
        command.SetAction(r => Run(r.GetValue(values)!, Console.Out, Console.Error));
        analyze.Subcommands.Add(command);
    }

    public static int Run(IReadOnlyList<string> values, TextWriter stdout, TextWriter stderr)
    {
        for (int i = 0; i < values.Count; i++)
        {
            int r = TimeSpans.TryParseSec(values[i], out ulong usec);
            if (r != 0)
            {
                stderr.WriteLine($"Failed to parse time span '{values[i]}': {Errno.Describe(r)}");
                return 1;
            }

            stdout.Write(Render(values[i], usec));
            if (i + 1 < values.Count)
                stdout.Write('\n');
        }

        return 0;
    }

    /// <summary>systemd prints these lines as a table, which drops trailing whitespace.</summary>
    public static string Render(string original, ulong usec)
        => $"Original: {original.TrimEnd()}\n      \u03bcs: {usec.ToString(CultureInfo.InvariantCulture)}\n   Human: {TimeSpans.Format(usec)}\n";
}
