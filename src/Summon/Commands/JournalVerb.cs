using System.CommandLine;
using Summon.Cli.Rendering;
using Summon.Cli.Terminal;
using Summon.Control;
using Summon.Journal;

namespace Summon.Cli.Commands;

/// <summary>journal [-u UNIT]… [-n N] [--since T] [-p PRIO] [-o short|json]: journalctl over the manager's store.</summary>
internal static class JournalVerb
{
    public static void AddTo(Command root)
    {
        var units = new Option<string[]>("--unit", "-u") { Description = "Show logs of the specified unit" };
        var lines = new Option<int?>("--lines", "-n") { Description = "Number of journal entries to show" };
        var since = new Option<string?>("--since", "-S") { Description = "Show entries not older than the specified date" };
        var priority = new Option<string?>("--priority", "-p") { Description = "Show entries with the specified priority or more important" };
        var pagerEnd = new Option<bool>("--pager-end", "-e") { Description = "Accepted for journalctl compatibility" };
        var catalog = new Option<bool>("--catalog", "-x") { Description = "Accepted for journalctl compatibility" };
        var command = new Command("journal", "Show the manager's journal (like journalctl)") { units, lines, since, priority, pagerEnd, catalog };
        command.SetAction(r =>
        {
            var context = GlobalOptions.Context(r);
            DateTimeOffset? sinceTime = null;
            if (r.GetValue(since) is { } text)
            {
                if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeLocal, out var parsed))
                {
                    Console.Error.WriteLine($"Failed to parse timestamp: {text}");
                    return 1;
                }
                sinceTime = parsed;
            }
            int? maxPriority = null;
            if (r.GetValue(priority) is { } p)
            {
                maxPriority = ParsePriority(p);
                if (maxPriority is null)
                {
                    Console.Error.WriteLine($"Unknown log level {p}");
                    return 1;
                }
            }
            var names = UnitNames.Mangle(r.GetValue(units));
            FlushManagerJournal(context);
            IReadOnlyList<JournalEntry> entries;
            try
            {
                using var reader = JournalReader.TryOpen(context.StateDirectory);
                entries = reader?.Query(new JournalQuery(names.Count > 0 ? names : null, r.GetValue(lines), sinceTime, maxPriority)) ?? [];
                if (reader?.Problem is { } problem)
                    Console.Error.WriteLine(problem);
            }
            catch (JournalUnreadableException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
            Pager.Open(r.GetValue(GlobalOptions.NoPager), jumpToEnd: r.GetValue(pagerEnd));
            bool json = r.GetValue(GlobalOptions.Output) is "json";
            string host = JournalShortFormat.ShortHostName();
            if (json)
                JournalJsonFormat.Write(Console.Out, entries, host);
            else
                JournalShortFormat.Write(Console.Out, entries, host, TimeZoneInfo.Local);
            return 0;
        });
        root.Subcommands.Add(command);
    }

    /// <summary>
    /// A running manager commits journal lines in groups (up to 10 ms late); any request makes it commit what it has
    /// before replying, so a ping first means nothing logged before this command is missing. No manager: nothing to do.
    /// </summary>
    private static void FlushManagerJournal(CliContext context)
    {
        if (!File.Exists(context.Client.SocketPath))
            return;
        try
        {
            context.Client.Send(new ControlRequest { Method = ControlMethods.Ping });
        }
        catch (ControlUnavailableException)
        {
        }
    }

    private static int? ParsePriority(string text) => text switch
    {
        "emerg" or "0" => 0,
        "alert" or "1" => 1,
        "crit" or "2" => 2,
        "err" or "3" => 3,
        "warning" or "4" => 4,
        "notice" or "5" => 5,
        "info" or "6" => 6,
        "debug" or "7" => 7,
        _ => null,
    };
}
