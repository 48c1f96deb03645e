namespace Summon.Core.Tests.Journal;

/// <summary>A fresh state directory under /tmp, removed with everything in it.</summary>
internal sealed class TempStateDirectory : IDisposable
{
    public TempStateDirectory() => Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "summon-journal-" + Guid.NewGuid().ToString("N"), "state");

    public string Path { get; }

    public void Dispose()
    {
        var parent = System.IO.Path.GetDirectoryName(Path)!;
        if (Directory.Exists(parent))
        {
            Directory.Delete(parent, recursive: true);
        }
    }
}
