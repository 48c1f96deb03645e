using System.Globalization;
using Summon.Cli.Rendering;
using Summon.Journal;
using Summon.Units;

namespace Summon.Cli.Commands;

/// <summary>
/// journalctl's <c>--disk-usage</c>, <c>--vacuum-size=</c> and <c>--vacuum-time=</c> over the one journal database:
/// vacuuming deletes the oldest entries (journalctl deletes the oldest archived files) and says what it removed.
/// </summary>
internal static class JournalMaintenance
{
    public static int DiskUsage(CliContext context)
    {
        try
        {
            long bytes = JournalDiskUsage.Bytes(context.StateDirectory);
            Console.Out.WriteLine($"Archived and active journals take up {TimeFormat.Bytes(bytes)} in the file system.");
            return 0;
        }
        catch (JournalUnreadableException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    public static int Vacuum(CliContext context, string? size, string? time)
    {
        long? maxBytes = null;
        DateTimeOffset? olderThan = null;
        if (size is not null)
        {
            if (ValueParsers.TryParseSize(size, out ulong bytes) != 0)
                return Fail($"Failed to parse vacuum size: {size}");
            maxBytes = (long)Math.Min(bytes, long.MaxValue);
        }

        if (time is not null)
        {
            if (TimeSpans.TryParseSec(time, out ulong usec) != 0)
                return Fail($"Failed to parse vacuum time: {time}");
            olderThan = usec >= (ulong)(DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10
                ? DateTimeOffset.UnixEpoch
                : DateTimeOffset.UtcNow.AddTicks(-(long)usec * 10);
        }

        JournalVacuumResult? result;
        try
        {
            result = JournalVacuum.Run(context.StateDirectory, olderThan, maxBytes);
        }
        catch (JournalUnreadableException e)
        {
            return Fail(e.Message);
        }

        long freed = Math.Max(0, (result?.BytesBefore ?? 0) - (result?.BytesAfter ?? 0));
        if (result is { DeletedEntries: > 0 and var deleted })
            Console.Out.WriteLine($"Deleted {deleted.ToString(CultureInfo.InvariantCulture)} journal entries from {result.DatabasePath}.");
        Console.Out.WriteLine($"Vacuuming done, freed {TimeFormat.Bytes(freed)} of archived journals from {context.StateDirectory}.");
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}
