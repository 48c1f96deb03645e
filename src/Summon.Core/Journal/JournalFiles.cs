namespace Summon.Journal;

/// <summary>
/// The journal's files on disk and their modes: the state directory 0700 and the database with its <c>-wal</c> and
/// <c>-shm</c> 0600, since services' output can hold anything; existing wider modes are tightened at start. SQLite
/// creates <c>-wal</c> and <c>-shm</c> with the mode of the database file, so creating that file first is enough.
/// </summary>
internal static class JournalFiles
{
    internal const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    internal const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly string[] Suffixes = ["", "-wal", "-shm"];

    /// <summary>Creates (or tightens) the state directory and the database file, private to their owner.</summary>
    internal static void Prepare(string stateDirectory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(stateDirectory);
            return;
        }

        Directory.CreateDirectory(stateDirectory, DirectoryMode);
        if (File.GetUnixFileMode(stateDirectory) != DirectoryMode)
        {
            File.SetUnixFileMode(stateDirectory, DirectoryMode);
        }

        var database = JournalDatabase.PathIn(stateDirectory);
        foreach (var suffix in Suffixes)
        {
            var path = database + suffix;
            if (File.Exists(path) && File.GetUnixFileMode(path) != FileMode)
            {
                File.SetUnixFileMode(path, FileMode);
            }
        }

        if (!File.Exists(database))
        {
            using var created = new FileStream(database, new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = FileMode,
            });
        }
    }

    /// <summary>
    /// Renames a damaged database and its <c>-wal</c>/<c>-shm</c> to <c>journal.db.corrupt-TIMESTAMP</c> (as journald
    /// renames a damaged file to <c>*.journal~</c>) so a new journal can start beside it; returns the new name.
    /// </summary>
    internal static string MoveAside(string database, DateTimeOffset now)
    {
        var target = $"{database}.corrupt-{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}";
        for (var n = 1; File.Exists(target); n++)
        {
            target = $"{database}.corrupt-{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{n}";
        }

        foreach (var suffix in Suffixes)
        {
            if (File.Exists(database + suffix))
            {
                File.Move(database + suffix, target + suffix);
            }
        }

        return target;
    }
}
