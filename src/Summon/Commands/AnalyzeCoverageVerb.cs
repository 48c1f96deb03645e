using System.CommandLine;
using Summon.Cli.Rendering;
using Summon.Units;

namespace Summon.Cli.Commands;

/// <summary>analyze-coverage DIR… (hidden): the measure of issue 13 — which assignments of the unit files under the
/// directories Summon honours, as a Markdown report (bench/unit-coverage.sh writes it into docs/compatibility.md).</summary>
internal static class AnalyzeCoverageVerb
{
    public static void AddTo(Command root)
    {
        var dirs = new Argument<string[]>("DIR") { Arity = ArgumentArity.OneOrMore };
        var allUnits = new Option<bool>("--all-units") { Description = "Also list every unit with its figures" };
        var title = new Option<string?>("--title") { Description = "The report's heading (default: the directories)" };
        var command = new Command("analyze-coverage", "Report which assignments of the unit files under DIR… Summon honours")
        {
            dirs, allUnits, title,
        };
        command.Hidden = true;
        command.SetAction(r =>
        {
            string[] roots = r.GetValue(dirs)!;
            foreach (string dir in roots)
            {
                if (!Directory.Exists(dir))
                {
                    Console.Error.WriteLine($"{dir}: No such directory; give directories that hold unit files.");
                    return 1;
                }
            }

            var units = new List<CoverageUnit>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string dir in roots)
                Collect(dir, roots.Length > 1 ? Path.GetFileName(Path.TrimEndingDirectorySeparator(dir)) : "", units, seen);
            CliOutput.Write(CoverageReport.Write(r.GetValue(title) ?? string.Join(", ", roots), units, r.GetValue(allUnits)));
            return 0;
        });
        root.Subcommands.Add(command);
    }

    /// <summary>Every regular unit file under <paramref name="dir"/> (links are aliases or masks of files counted
    /// already; drop-in directories are not units), each real file once.</summary>
    /// <param name="rootName">What a file directly in <paramref name="dir"/> is labelled with ("user"), when several are given.</param>
    private static void Collect(string dir, string rootName, List<CoverageUnit> units, HashSet<string> seen)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (string file in Directory.EnumerateFiles(dir, "*", options).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(Path.GetDirectoryName(file))!.EndsWith(".d", StringComparison.Ordinal) || !seen.Add(Path.GetFullPath(file)))
                continue;
            byte[] data;
            try
            {
                data = File.ReadAllBytes(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"{file}: {e.Message}; skipped.");
                continue;
            }

            if (UnitCoverage.Classify(file, data) is UnitCoverageResult result)
                units.Add(new CoverageUnit(Origin(dir, file, rootName), result));
        }
    }

    /// <summary>The first directory under the root a file lies in (a package's name when each package's units are
    /// copied into a directory of its own), or <paramref name="rootName"/> for files at the root.</summary>
    private static string Origin(string root, string file, string rootName)
    {
        string relative = Path.GetRelativePath(root, file);
        int slash = relative.IndexOf('/');
        return slash < 0 ? rootName : relative[..slash];
    }
}
