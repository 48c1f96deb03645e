using System.CommandLine;
using Summon.Cli.Rendering;
using Summon.Units;

namespace Summon.Cli.Commands;

/// <summary>
/// `analyze dump-unit FILE|UNIT… [-o json]`: loads units as the manager would, without a running manager, and prints
/// their properties (systemd's D-Bus names). A FILE (an argument with a '/') is read from its directory, which goes
/// first in the search path, as `verify` does; a UNIT is looked up in the search path. Load diagnostics go to stderr
/// as verify prints them; the exit status is 1 when a unit did not load. A template file (foo@.service) is loaded
/// as foo@i.service, as systemd-analyze verify does.
/// </summary>
internal static class DumpUnitVerb
{
    public static void AddTo(Command analyze)
    {
        var units = new Argument<string[]>("FILE|UNIT") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("dump-unit", "Show a unit file's settings as the manager would load them") { units };
        command.SetAction(r =>
        {
            var context = GlobalOptions.Context(r);
            bool json = r.GetValue(GlobalOptions.Output) == "json";
            return Run(r.GetValue(units)!, context.UnitPath, context.Specifiers, json, Console.Out, Console.Error);
        });
        analyze.Subcommands.Add(command);
    }

    public static int Run(IReadOnlyList<string> args, UnitSearchPath basePath, SpecifierContext specifiers, bool json, TextWriter stdout, TextWriter stderr)
    {
        var dirs = args.Where(a => a.Contains('/', StringComparison.Ordinal))
            .Select(a => Path.GetDirectoryName(Path.GetFullPath(a))!).Distinct().ToList();
        var loader = new UnitLoader(basePath.Prepend(dirs), specifiers);
        var dumped = new List<IReadOnlyList<UnitJsonProperty>>();
        int rc = 0, logged = 0;
        foreach (string arg in args)
        {
            LoadedUnit unit;
            if (arg.Contains('/', StringComparison.Ordinal))
            {
                // A template file loads as the instance "i", as systemd-analyze verify loads it.
                unit = UnitName.TryParse(Path.GetFileName(arg), out UnitName? fileName) && fileName.IsTemplate
                    ? loader.Load(fileName.WithInstance("i"))
                    : loader.LoadFile(arg);
            }
            else if (UnitName.TryParse(UnitNames.Mangle(arg), out UnitName? name))
                unit = loader.Load(name);
            else
            {
                stderr.WriteLine($"Invalid unit name: {arg}");
                rc = 1;
                continue;
            }

            for (; logged < loader.Log.Count; logged++)
                stderr.WriteLine(loader.Log[logged]);
            if (unit.LoadStateMessage is string problem)
            {
                stderr.WriteLine(problem);
                rc = 1;
            }

            dumped.Add(UnitDump.Of(unit));
        }

        if (json)
        {
            stdout.Write(UnitJson.Render(dumped));
        }
        else
        {
            for (int i = 0; i < dumped.Count; i++)
            {
                if (i > 0)
                    stdout.Write('\n');
                stdout.Write(UnitJson.RenderText(dumped[i]));
            }
        }

        return rc;
    }
}
