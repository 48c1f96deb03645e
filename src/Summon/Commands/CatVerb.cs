using System.CommandLine;
using Summon.Cli.Terminal;
using Summon.Units;

namespace Summon.Cli.Commands;

/// <summary>
/// `cat UNIT…`: like systemctl cat, the fragment and then each drop-in, each after a "# /path" header, units separated
/// by a blank line. Read from the unit files on disk (no manager needed). A unit without a file: "No files found for
/// UNIT." and status 1.
/// </summary>
internal static class CatVerb
{
    public static void AddTo(Command root)
    {
        var units = new Argument<string[]>("UNIT") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("cat", "Show files and drop-ins of specified units") { units };
        command.SetAction(r =>
        {
            Pager.Open(r);
            var context = GlobalOptions.Context(r);
            return Run(UnitNames.Mangle(r.GetValue(units)), context.UnitPath, context.Specifiers, Console.Out, Console.Error);
        });
        root.Subcommands.Add(command);
    }

    public static int Run(IReadOnlyList<string> names, UnitSearchPath path, SpecifierContext specifiers, TextWriter stdout, TextWriter stderr)
    {
        var loader = new UnitLoader(path, specifiers);
        int rc = 0;
        bool first = true;
        foreach (string n in names)
        {
            if (!UnitName.TryParse(n, out UnitName? name))
            {
                stderr.WriteLine($"Invalid unit name: {n}");
                rc = 1;
                continue;
            }

            LoadedUnit unit = loader.Load(name);
            var files = new List<string>();
            if (unit.FragmentPath is not null && unit.LoadState != LoadState.Masked)
                files.Add(unit.FragmentPath);
            files.AddRange(unit.DropInPaths);
            if (unit.LoadState == LoadState.Masked)
            {
                stderr.WriteLine($"Unit {name} is masked.");
                rc = 1;
                continue;
            }

            if (files.Count == 0)
            {
                stderr.WriteLine($"No files found for {name}.");
                rc = 1;
                continue;
            }

            foreach (string file in files)
            {
                if (!first)
                    stdout.Write('\n');
                first = false;
                stdout.Write($"# {file}\n");
                string text = File.ReadAllText(file);
                stdout.Write(text);
                if (text.Length > 0 && !text.EndsWith('\n'))
                    stdout.Write('\n');
            }
        }

        return rc;
    }
}
