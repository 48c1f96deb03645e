namespace Summon.IntegrationTests.Harness;

internal static class RepositoryRoot
{
    /// <summary>The directory holding <c>Summon.slnx</c>, found upwards from the test assembly.</summary>
    public static string Find()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Summon.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Summon.slnx above {AppContext.BaseDirectory}; set SUMMON_BIN instead.");
    }

    public static string Examples(string name) => Path.Combine(Find(), "examples", name);
}
