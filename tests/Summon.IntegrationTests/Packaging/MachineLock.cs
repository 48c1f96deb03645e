namespace Summon.IntegrationTests.Packaging;

/// <summary>
/// One holder at a time on this machine (an flock through FileShare.None), for tests that install system-wide
/// packages: two test runs installing and purging the same package would pull it from under each other.
/// </summary>
internal sealed class MachineLock : IDisposable
{
    private readonly FileStream _file;

    private MachineLock(FileStream file) => _file = file;

    public static async Task<MachineLock> AcquireAsync(string name, TimeSpan timeout)
    {
        string directory = Directory.Exists("/run/lock") ? "/run/lock" : "/tmp";
        string path = Path.Combine(directory, name + ".lock");
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new MachineLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
