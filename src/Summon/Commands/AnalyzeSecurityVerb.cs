using System.CommandLine;
using System.Text;
using Summon.Manager;
using Summon.Units;
using Summon.Units.Security;

namespace Summon.Cli.Commands;

/// <summary>
/// analyze security [UNIT|FILE…] (systemd-analyze security): systemd 252's exposure table for each unit, scored on
/// what Summon applies in this environment; without a unit, one line per service unit file found.
/// </summary>
internal static class AnalyzeSecurityVerb
{
    public static void AddTo(Command analyze)
    {
        var units = new Argument<string[]>("UNIT") { Arity = ArgumentArity.ZeroOrMore, Description = "Service units (names, or unit files by path)" };
        var offline = new Option<string?>("--offline") { Description = "Accepted for systemd-analyze compatibility: Summon always reads the unit files" };
        var asWritten = new Option<bool>("--as-written") { Description = "Score the unit files as systemd would apply them, ignoring what Summon cannot apply here" };
        var command = new Command("security", "Analyze the security and sandboxing settings of services") { units, offline, asWritten };
        command.SetAction(r =>
        {
            var context = GlobalOptions.Context(r);
            bool written = r.GetValue(asWritten);
            bool bestEffort = Environment.GetEnvironmentVariable(DaemonVerb.SandboxEnvironmentVariable) == "best-effort";
            var cannot = ManagerHost.SandboxCannot(context.UserMode);
            string[] given = r.GetValue(units) ?? [];
            if (given.Length == 0)
                return Overview(context, cannot, bestEffort, written);
            int rc = 0;
            foreach (string unit in given)
            {
                if (Files(context, unit, out string id) is not { } files)
                {
                    Console.Error.WriteLine($"Unit {unit} not found: no such unit file in the unit search path (SUMMON_UNIT_PATH) or on disk.");
                    rc = 1;
                    continue;
                }
                Console.Out.Write(Render(UnitExposure.Assess(id, files, cannot, bestEffort, written)));
            }
            return rc;
        });
        analyze.Subcommands.Add(command);
    }

    /// <summary>The fragment and drop-ins of a unit name, or the file itself when given a path.</summary>
    private static List<string>? Files(CliContext context, string unit, out string id)
    {
        id = Path.GetFileName(unit);
        if (unit.Contains('/'))
            return File.Exists(unit) ? [unit] : null;
        if (!unit.Contains('.'))
            id = unit += ".service";
        var loaded = new UnitLoader(context.UnitPath, context.Specifiers).Load(UnitName.Parse(unit));
        return loaded.FragmentPath is { } fragment ? [fragment, .. loaded.DropInPaths] : null;
    }

    private static int Overview(CliContext context, Func<string, bool> cannot, bool bestEffort, bool written)
    {
        var seen = new SortedDictionary<string, ExposureAssessment>(StringComparer.Ordinal);
        foreach (string directory in context.UnitPath.Directories)
        {
            if (!Directory.Exists(directory))
                continue;
            foreach (string file in Directory.EnumerateFiles(directory, "*.service"))
            {
                string name = Path.GetFileName(file);
                if (name.Contains("@.", StringComparison.Ordinal) || seen.ContainsKey(name) || Files(context, name, out _) is not { } files)
                    continue;
                seen[name] = UnitExposure.Assess(name, files, cannot, bestEffort, written);
            }
        }
        int unitWidth = Math.Max("UNIT".Length, seen.Keys.Select(k => k.Length).DefaultIfEmpty(0).Max());
        int predicateWidth = Math.Max("PREDICATE".Length, seen.Values.Select(a => a.Level.Length).DefaultIfEmpty(0).Max());
        var text = new StringBuilder();
        text.Append("UNIT".PadRight(unitWidth)).Append(" EXPOSURE ").Append("PREDICATE".PadRight(predicateWidth)).Append(" HAPPY\n");
        foreach (var (name, assessment) in seen)
        {
            text.Append(name.PadRight(unitWidth)).Append(' ').Append(assessment.ExposureText.PadLeft("EXPOSURE".Length)).Append(' ')
                .Append(assessment.Level.PadRight(predicateWidth)).Append(' ').Append(assessment.Smiley).Append('\n');
        }
        Console.Out.Write(text.ToString());
        return 0;
    }

    /// <summary>The table as systemd-analyze prints it to a pipe: the mark, NAME, DESCRIPTION, EXPOSURE, then the summary.</summary>
    internal static string Render(ExposureAssessment assessment)
    {
        int nameWidth = Math.Max("NAME".Length, assessment.Rows.Max(r => r.Name.Length));
        int descriptionWidth = Math.Max("DESCRIPTION".Length, assessment.Rows.Max(r => r.Description.Length));
        var text = new StringBuilder();
        text.Append("  ").Append("NAME".PadRight(nameWidth)).Append(' ').Append("DESCRIPTION".PadRight(descriptionWidth)).Append(" EXPOSURE\n");
        foreach (var row in assessment.Rows)
        {
            text.Append(row.Mark).Append(' ').Append(row.Name.PadRight(nameWidth)).Append(' ').Append(row.Description.PadRight(descriptionWidth))
                .Append(' ').Append(row.Exposure.PadLeft("EXPOSURE".Length)).Append('\n');
        }
        text.Append('\n').Append(assessment.Summary).Append('\n');
        return text.ToString();
    }
}
