namespace Summon.Journal;

/// <summary>
/// What the journal takes on disk, as journalctl's <c>--disk-usage</c> counts it: the active database with its
/// <c>-wal</c> and <c>-shm</c>, and the damaged ones moved aside (<c>journal.db.corrupt-*</c>, our archived journals).
/// </summary>
internal static class JournalDiskUsage
{
    public static long Bytes(string stateDirectory)
    {
        if (!Directory.Exists(stateDirectory))
            return 0;
        long total = 0;
        try
        {
            foreach (var path in Directory.EnumerateFiles(stateDirectory, JournalDatabase.FileName + "*"))
            {
                try
                {
                    total += new FileInfo(path).Length;
                }
                catch (FileNotFoundException)
                {
                    // a -wal removed by a checkpoint between listing and measuring
                }
            }
        }
        catch (UnauthorizedAccessException)
        {
            throw JournalReader.Denied(stateDirectory);
        }

        return total;
    }
}
