namespace Summon.Units;

/// <summary>One assignment of a unit file as the coverage measure sees it: <see cref="Unsupported"/> is null when
/// Summon honours it, else what "Summon does not support …" names (a key, or "Type=dbus").</summary>
internal sealed record CoveredAssignment(string Section, string Key, int Line, string? Unsupported, bool Sandbox)
{
    public bool Honoured => Unsupported is null;
}

/// <summary>The assignments of one unit file. <see cref="Runs"/> is false for unit types Summon does not run
/// (timers, mounts, …), whose assignments are then not classified.</summary>
internal sealed record UnitCoverageResult(UnitName Name, bool Runs, IReadOnlyList<CoveredAssignment> Assignments)
{
    /// <summary>Every assignment honoured.</summary>
    public bool Whole => Runs && Assignments.All(a => a.Honoured);

    /// <summary>Every assignment outside the sandbox family honoured.</summary>
    public bool WholeButSandbox => Runs && Assignments.All(a => a.Honoured || a.Sandbox);

    public bool UsesSandbox => Assignments.Any(a => a.Sandbox);
}

/// <summary>
/// The measure of issue 13: which assignments of a unit file Summon honours, by the one table of what is honoured
/// (<see cref="SupportedKeys"/>). Keys systemd itself does not know, and X- keys, are left out: systemd ignores them too.
/// </summary>
internal static class UnitCoverage
{
    /// <summary>Classifies the assignments of <paramref name="data"/>, the contents of the unit file <paramref name="file"/>;
    /// null when the file name is not a unit name.</summary>
    public static UnitCoverageResult? Classify(string file, ReadOnlySpan<byte> data)
    {
        if (!UnitName.TryParse(Path.GetFileName(file), out UnitName? name))
            return null;
        bool runs = SupportedKeys.RunsType(name.Type);
        var assignments = new List<CoveredAssignment>();
        var lexer = new UnitFileLexer(file, name.Type.Sections(), []);
        lexer.Parse(data, a =>
        {
            bool known = a.Section != SummonSection.Name   // Summon's own section: systemd ignores it
                && (KnownKeys.ForSection(a.Section)?.ContainsKey(a.Key) ?? !a.Key.StartsWith("X-", StringComparison.Ordinal));
            if (known)
            {
                string? unsupported = runs ? SupportedKeys.Unsupported(a.Section, a.Key, a.Value) : a.Key;
                assignments.Add(new CoveredAssignment(a.Section, a.Key, a.Line, unsupported, SandboxKeys.Contains(a.Key)));
            }

            return 0;
        });
        return new UnitCoverageResult(name, runs, assignments);
    }
}
