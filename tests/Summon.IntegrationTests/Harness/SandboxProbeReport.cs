namespace Summon.IntegrationTests.Harness;

/// <summary>
/// What tests/Programs/sandbox-probe reports: one <c>key=value</c> line per probe ("ok" or the errno name for an
/// operation, a number or list for the others; the keys are listed at the top of sandbox-probe.c). The text is kept
/// so a failing assertion can print the whole report.
/// </summary>
internal sealed record SandboxProbeReport(IReadOnlyDictionary<string, string> Values, string Text)
{
    public static SandboxProbeReport Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in CommandResult.SplitLines(text))
        {
            int equals = line.IndexOf('=');
            if (equals > 0)
            {
                values[line[..equals]] = line[(equals + 1)..];
            }
        }

        return new SandboxProbeReport(values, text);
    }

    public string this[string key] => Values.GetValueOrDefault(key, "(missing)");

    public override string ToString() => Text;

    /// <summary>Waits for the report file sandbox-probe writes with <c>-o FILE</c> (renamed into place whole).</summary>
    public static async Task<SandboxProbeReport> FromFileAsync(string path, TimeSpan? timeout = null)
    {
        bool written = await Wait.UntilAsync(() => File.Exists(path), timeout);
        Assert.True(written, $"sandbox-probe wrote no report to {path}");
        return Parse(File.ReadAllText(path));
    }
}
