namespace Summon.IntegrationTests.SandboxTable;

/// <summary>
/// One row of the probe × key table: the unit settings of a key (<see cref="Keys"/>, with <c>{P}</c> for the probe's
/// -p directory and <c>{F}</c> for the fixture directory around it), the sentence of systemd.exec(5) (252) the row rests
/// on, and the sandbox-probe answers that flip from the baseline — the same unit with <see cref="Context"/> only —
/// to what. Every answer the row does not name must stay as in the baseline.
/// </summary>
/// <param name="Flips">Probe key → expected answer after <see cref="SandboxProbeAnswers.Normalize"/>, as <see cref="Matches"/>
/// reads it.</param>
internal sealed record SandboxProbeRow(string Keys, string Cites, IReadOnlyDictionary<string, string> Flips)
{
    /// <summary>Settings the baseline and the row share (User=nobody where the key acts on an unprivileged service).</summary>
    public string Context { get; init; } = "";

    /// <summary>The key as the table shows it, when the first line of <see cref="Keys"/> does not say it.</summary>
    public string? Title { get; init; }

    public string Shown => Title ?? Keys.Split('\n')[0];

    /// <summary>True when <paramref name="actual"/> (normalized) is an answer <paramref name="expected"/> allows: a literal,
    /// alternatives separated by <c>|</c>, <c>fewer</c> (a count below the baseline's), <c>few</c> (a count of at most
    /// ten), <c>dynamic</c> (an id of systemd's dynamic range), <c>other</c> (any other answer) or <c>all</c> (every
    /// capability, also when the baseline had them all).</summary>
    public static bool Matches(string expected, string actual, string baseline)
    {
        bool number = long.TryParse(actual, out long a);
        return expected switch
        {
            "fewer" => number && long.TryParse(baseline, out long b) && a < b,
            "few" => number && a <= 10,
            "dynamic" => number && a is >= 61184 and <= 65519,
            "other" => actual != baseline,
            "all" => actual == "all" || actual == SandboxProbeAnswers.All,
            _ => expected.Split('|').Contains(actual, StringComparer.Ordinal),
        };
    }
}
