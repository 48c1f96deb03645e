using System.CommandLine;
using Summon.Cli.Rendering;
using Summon.Cli.Terminal;
using Summon.Control;

namespace Summon.Cli.Commands;

/// <summary>status [UNIT…]: systemctl's layout, then the unit's last journal lines; rc 3 when a unit is not active, 4 when unknown.</summary>
internal static class StatusVerb
{
    public static void AddTo(Command root)
    {
        var units = new Argument<string[]>("UNIT") { Arity = ArgumentArity.ZeroOrMore };
        var lines = new Option<int>("--lines", "-n") { Description = "Number of journal lines to show", DefaultValueFactory = _ => 10 };
        var command = new Command("status", "Show runtime status of one or more units") { units, lines };
        command.SetAction(r =>
        {
            Pager.Open(r);
            return Run(GlobalOptions.Context(r), UnitNames.Mangle(r.GetValue(units)), r.GetValue(lines));
        });
        root.Subcommands.Add(command);
    }

    private static int Run(CliContext context, List<string> names, int lines)
    {
        var request = names.Count == 0
            ? new ControlRequest { Method = ControlMethods.ListUnits }
            : new ControlRequest { Method = ControlMethods.Show, Units = names };
        var reply = ControlCall.Send(context, request, out int rc);
        if (reply is null)
            return rc;

        int exit = 0;
        bool first = true;
        var now = DateTimeOffset.Now;
        foreach (var unit in reply.Units)
        {
            if (unit.Get("LoadState") == "not-found" && unit.Get("ActiveState") == "inactive")
            {
                Console.Error.WriteLine($"Unit {unit.Id} could not be found.");
                exit = 4;
                continue;
            }
            if (!first)
                Console.WriteLine();
            first = false;
            var journal = lines > 0 ? JournalLines.Last(context, unit.Id, lines) : [];
            Console.Write(StatusRenderer.Render(unit, now, journal));
            if (unit.Get("ActiveState") is not ("active" or "reloading") && exit == 0)
                exit = 3;
        }
        return exit;
    }
}
