using System.CommandLine;
using Summon.Cli.Rendering;
using Summon.Cli.Terminal;
using Summon.Control;

namespace Summon.Cli.Commands;

/// <summary>list-sockets and list-units.</summary>
internal static class ListVerbs
{
    public static void AddTo(Command root)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Show loaded but inactive units too" };
        var sockets = new Command("list-sockets", "List socket units currently in memory, ordered by address") { all };
        sockets.SetAction(r =>
        {
            Pager.Open(r);
            var reply = ControlCall.Send(GlobalOptions.Context(r), new ControlRequest { Method = ControlMethods.ListUnits, Type = ".socket", All = r.GetValue(all) }, out int rc);
            if (reply is null)
                return rc;
            Console.Write(ListRenderer.Sockets(reply.Units, r.GetValue(GlobalOptions.NoLegend), r.GetValue(all)));
            return 0;
        });
        root.Subcommands.Add(sockets);

        var allUnits = new Option<bool>("--all", "-a") { Description = "Show loaded but inactive units too" };
        var units = new Command("list-units", "List units currently in memory") { allUnits };
        units.SetAction(r =>
        {
            Pager.Open(r);
            var reply = ControlCall.Send(GlobalOptions.Context(r), new ControlRequest { Method = ControlMethods.ListUnits, All = r.GetValue(allUnits) }, out int rc);
            if (reply is null)
                return rc;
            Console.Write(ListRenderer.Units(reply.Units, r.GetValue(GlobalOptions.NoLegend)));
            return 0;
        });
        root.Subcommands.Add(units);
    }
}
