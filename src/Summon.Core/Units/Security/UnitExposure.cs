namespace Summon.Units.Security;

/// <summary>
/// The exposure of one service unit as Summon runs it here: its assignments (fragment, then drop-ins) minus what
/// Summon does not apply — keys it does not support, and, under best-effort, keys this environment cannot apply —
/// scored with systemd 252's checks. <c>asWritten</c> scores the file as systemd would, everything applied.
/// </summary>
internal static class UnitExposure
{
    /// <param name="environmentCannot">True for a key this environment cannot apply (no mount namespace, …).</param>
    /// <param name="bestEffort">The manager's --sandbox=best-effort (SUMMON_SANDBOX=); the unit's SandboxFallback= wins.</param>
    public static ExposureAssessment Assess(string unit, IEnumerable<string> files, Func<string, bool> environmentCannot, bool bestEffort, bool asWritten)
    {
        var assignments = new List<(string Section, string Key, string Value)>();
        foreach (string file in files)
        {
            var lexer = new UnitFileLexer(file, [.. UnitType.Service.Sections()], []);
            lexer.Parse(File.ReadAllBytes(file), a =>
            {
                assignments.Add((a.Section, a.Key, a.Value));
                return 0;
            });
        }

        string? fallback = assignments.LastOrDefault(a => a.Section == SummonSection.Name && a.Key == "SandboxFallback").Value;
        bool downgrades = fallback switch { "strict" => false, "best-effort" => true, _ => bestEffort };
        var applied = asWritten
            ? assignments
            : assignments.Where(a => a.Section != "Service"
                || (SupportedKeys.Unsupported(a.Section, a.Key, a.Value) is null && !(downgrades && environmentCannot(a.Key)))).ToList();
        return ExposureAssessment.Assess(unit, SecuritySettings.From(applied));
    }
}
