namespace Summon.IntegrationTests.Harness;

/// <summary>Reads the labelled lines of <c>summon status UNIT</c> (systemctl's layout: labels right-aligned to column 11).</summary>
internal static class StatusText
{
    /// <summary>
    /// The text after "LABEL: " on the first line carrying that label (e.g. "Active" → "active (running) since …"),
    /// or "(no LABEL line)" so that an assertion failure shows what happened.
    /// </summary>
    public static string Field(CommandResult status, string label)
    {
        string prefix = label.PadLeft(11) + ": ";
        return status.StdOutLines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line
            ? line[prefix.Length..]
            : $"(no {label} line)";
    }

    /// <summary>The Active: field without its " since …" tail: "activating (start)", "failed (Result: exit-code)".</summary>
    public static string Active(CommandResult status)
    {
        string active = Field(status, "Active");
        int since = active.IndexOf(" since ", StringComparison.Ordinal);
        return since < 0 ? active : active[..since];
    }

    /// <summary><c>summon status --no-pager --full UNIT</c>; the exit code is left to the caller (3 when inactive).</summary>
    public static CommandResult Of(TempRoot root, string unit) => Cli.Run(root, "status", "--no-pager", "--full", unit);

    /// <summary>Polls status until its Active: field (without "since") equals <paramref name="expected"/>; returns the last result.</summary>
    public static async Task<CommandResult> WaitForActiveAsync(TempRoot root, string unit, string expected, TimeSpan? timeout = null) =>
        await Wait.ForAsync(() => Of(root, unit), s => Active(s) == expected, timeout);
}
