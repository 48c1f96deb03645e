using System.CommandLine;
using Summon.Cli.Rendering;
using Summon.Cli.Terminal;
using Summon.Control;

namespace Summon.Cli.Commands;

/// <summary>list-units and list-sockets: the manager selects the units (patterns, types, states, --all), the CLI prints them.</summary>
internal static class ListVerbs
{
    public static void AddTo(Command root)
    {
        root.Subcommands.Add(ListUnits());
        root.Subcommands.Add(ListSockets());
    }

    private static Command ListUnits()
    {
        var filter = new UnitFilterOptions();
        var command = new Command("list-units", "List units currently in memory");
        filter.AddTo(command);
        command.SetAction(r =>
        {
            if (!TableOutput.TryGet(r, "list-units", out var format))
                return 1;
            if (!filter.TryRead(r, out var types, out var states, out int rc))
                return rc;
            bool all = r.GetValue(filter.All);
            Pager.Open(r);
            var reply = Send(r, filter, types, states, out rc);
            if (reply is null)
                return rc;
            var table = ListRenderer.Units(reply.Units, r.GetValue(GlobalOptions.Plain));
            bool legend = GlobalOptions.ShowLegend(r);
            Console.Write(TableOutput.Render(table, format, legend));
            if (legend && format == OutputFormat.Short)
                Console.Write(ListRenderer.UnitsLegend(table.Count, all, states));
            return 0;
        });
        return command;
    }

    private static Command ListSockets()
    {
        var filter = new UnitFilterOptions();
        var showTypes = new Option<bool>("--show-types") { Description = "Show the socket type of each address" };
        var command = new Command("list-sockets", "List socket units currently in memory, ordered by address") { showTypes };
        filter.AddTo(command, failed: false);
        command.SetAction(r =>
        {
            if (!TableOutput.TryGet(r, "list-sockets", out var format))
                return 1;
            if (!filter.TryRead(r, out var types, out var states, out int rc))
                return rc;
            Pager.Open(r);
            var reply = Send(r, filter, ["socket"], states, out rc);
            if (reply is null)
                return rc;
            var table = ListRenderer.Sockets(reply.Units, r.GetValue(showTypes));
            bool legend = GlobalOptions.ShowLegend(r);
            Console.Write(TableOutput.Render(table, format, legend));
            if (legend && format == OutputFormat.Short)
                Console.Write(ListRenderer.SocketsLegend(table.Count, r.GetValue(filter.All)));
            return 0;
        });
        return command;
    }

    private static ControlReply? Send(ParseResult r, UnitFilterOptions filter, List<string> types, List<string> states, out int rc) =>
        ControlCall.Send(GlobalOptions.Context(r), new ControlRequest
        {
            Method = ControlMethods.ListUnits,
            Units = [.. r.GetValue(filter.Patterns) ?? []],
            Types = types,
            States = states,
            All = r.GetValue(filter.All),
        }, out rc);
}
