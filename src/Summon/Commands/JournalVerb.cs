using System.CommandLine;
using Summon.Cli.Rendering;
using Summon.Cli.Terminal;
using Summon.Control;
using Summon.Journal;

namespace Summon.Cli.Commands;

/// <summary>
/// journal (journalctl): the manager's journal with journalctl's habits — <c>-u</c> (repeated, globs), <c>-n</c>,
/// <c>-f</c>, <c>-r</c>, <c>-S</c>/<c>-U</c>, <c>-p</c> (ranges), <c>-o</c>, <c>-b</c>, <c>--disk-usage</c>,
/// <c>--vacuum-size=</c>/<c>--vacuum-time=</c>; <c>-x</c>, <c>-e</c> and <c>--no-pager</c> accepted.
/// </summary>
internal static class JournalVerb
{
    public static void AddTo(Command root)
    {
        var units = new Option<string[]>("--unit", "-u") { Description = "Show logs from the specified unit (globs match the units in the journal)" };
        var lines = new Option<string?>("--lines", "-n") { Description = "Number of journal entries to show (N or all; 10 when given alone)", Arity = ArgumentArity.ZeroOrOne };
        var since = new Option<string?>("--since", "-S") { Description = "Show entries not older than the specified date" };
        var until = new Option<string?>("--until", "-U") { Description = "Show entries not newer than the specified date" };
        var priority = new Option<string?>("--priority", "-p") { Description = "Show entries within the specified priority range (LEVEL or FROM..TO)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Follow the journal" };
        var reverse = new Option<bool>("--reverse", "-r") { Description = "Show the newest entries first" };
        var boot = new Option<string?>("--boot", "-b") { Description = "Show the current boot (the journal holds one: the manager's life)", Arity = ArgumentArity.ZeroOrOne };
        var utc = new Option<bool>("--utc") { Description = "Express time in Coordinated Universal Time (UTC)" };
        var pagerEnd = new Option<bool>("--pager-end", "-e") { Description = "Show the last 1000 entries (there is no pager to jump to the end of)" };
        var catalog = new Option<bool>("--catalog", "-x") { Description = "Accepted for journalctl compatibility (there is no message catalog)" };
        var diskUsage = new Option<bool>("--disk-usage") { Description = "Show total disk usage of the journal" };
        var vacuumSize = new Option<string?>("--vacuum-size") { Description = "Delete the oldest entries until the journal takes at most BYTES" };
        var vacuumTime = new Option<string?>("--vacuum-time") { Description = "Delete entries older than TIME" };
        var command = new Command("journal", "Show the manager's journal (like journalctl)")
        {
            units, lines, since, until, priority, follow, reverse, boot, utc, pagerEnd, catalog, diskUsage, vacuumSize, vacuumTime,
        };
        command.SetAction(r =>
        {
            var context = GlobalOptions.Context(r);
            if (r.GetValue(diskUsage))
                return JournalMaintenance.DiskUsage(context);
            if (r.GetValue(vacuumSize) is not null || r.GetValue(vacuumTime) is not null)
                return JournalMaintenance.Vacuum(context, r.GetValue(vacuumSize), r.GetValue(vacuumTime));

            if (!JournalOutputModes.TryParse(r.GetValue(GlobalOptions.Output), out var mode))
                return Fail($"Unknown output format '{r.GetValue(GlobalOptions.Output)}'.");
            bool following = r.GetValue(follow);
            if (following && r.GetValue(reverse))
                return Fail("Please specify either --reverse= or --follow=, not both.");
            var now = DateTimeOffset.Now;
            if (!JournalFilters.TryTime(r.GetValue(since), now, out var sinceTime, out var error)
                || !JournalFilters.TryTime(r.GetValue(until), now, out var untilTime, out error)
                || !JournalFilters.TryPriority(r.GetValue(priority), out var minPriority, out var maxPriority, out error)
                || !JournalFilters.TryLines(r.GetResult(lines) is not null, r.GetValue(lines), following ? 10 : r.GetValue(pagerEnd) ? 1000 : null, out var count, out error)
                || !JournalFilters.TryBoot(r.GetValue(boot), out error))
                return Fail(error!);
            if (sinceTime > untilTime)
                return Fail("--since= must be before --until=.");

            FlushManagerJournal(context);
            var output = new JournalOutput(new JournalRenderer(mode, JournalShortFormat.ShortHostName(), r.GetValue(utc) ? TimeZoneInfo.Utc : TimeZoneInfo.Local));
            long cursor;
            IReadOnlyList<JournalEntry> entries;
            JournalQuery query;
            try
            {
                using var reader = JournalReader.TryOpen(context.StateDirectory);
                var typed = r.GetValue(units) ?? [];
                var names = JournalFilters.Units(typed, () => reader?.Units() ?? []);
                query = new JournalQuery(typed.Length > 0 ? names : null, count, sinceTime, maxPriority, Until: untilTime, MinPriority: minPriority);
                cursor = reader?.LastCursor() ?? 0;
                entries = reader?.Query(query) ?? [];
                if (reader?.Problem is { } problem)
                    Console.Error.WriteLine(problem);
            }
            catch (JournalUnreadableException e)
            {
                return Fail(e.Message);
            }

            if (entries.Count > 0)
                cursor = Math.Max(cursor, entries.Max(e => e.Cursor));
            if (!following)
                Pager.Open(r.GetValue(GlobalOptions.NoPager), jumpToEnd: r.GetValue(pagerEnd));
            if (!output.Write(r.GetValue(reverse) ? entries.Reverse() : entries, sayNoEntries: !following && !r.GetValue(GlobalOptions.Quiet)))
                return 0;
            return following ? JournalFollow.Run(context, query, output, cursor) : 0;
        });
        root.Subcommands.Add(command);
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
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
}
