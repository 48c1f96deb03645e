namespace Summon.IntegrationTests.Harness;

/// <summary>A symlink to the published binary under a multi-call name (systemctl, journalctl) inside a root.</summary>
internal static class MultiCallLinks
{
    public static string Create(TempRoot root, string name)
    {
        string path = Path.Combine(root.Dir, "bin", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
            File.CreateSymbolicLink(path, SummonBinary.Path);
        return path;
    }
}
