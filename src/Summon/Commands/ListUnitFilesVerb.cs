using System.CommandLine;
using Summon.Cli.Rendering;
using Summon.Cli.Terminal;
using Summon.Install;
using Summon.Units;

namespace Summon.Cli.Commands;

/// <summary>list-unit-files [PATTERN…]: the unit files of the unit path and their states, read from disk (no manager).</summary>
internal static class ListUnitFilesVerb
{
    public static void AddTo(Command root)
    {
        var filter = new UnitFilterOptions();
        var command = new Command("list-unit-files", "List installed unit files and their enablement state");
        filter.AddTo(command, failed: false);
        command.SetAction(r =>
        {
            if (!TableOutput.TryGet(r, "list-unit-files", out var format))
                return 1;
            if (!filter.TryRead(r, out var types, out var states, out int rc))
                return rc;
            Pager.Open(r);
            var context = GlobalOptions.Context(r);
            string[] patterns = r.GetValue(filter.Patterns) ?? [];
            var table = new Table("unit file", "state", "preset");
            foreach (var file in UnitFileListing.List(context.UnitPath, context.Installer))
            {
                if (patterns.Length > 0 && !UnitPattern.MatchesAny(patterns, file.Name))
                    continue;
                if (types.Count > 0 && !types.Contains(file.Name[(file.Name.LastIndexOf('.') + 1)..]))
                    continue;
                if (states.Count > 0 && !states.Contains(file.State))
                    continue;
                table.Add(file.Name, file.State, file.Preset);
            }
            bool legend = GlobalOptions.ShowLegend(r);
            Console.Write(TableOutput.Render(table, format, legend));
            if (legend && format == OutputFormat.Short)
                Console.Write($"\n{table.Count} unit files listed.\n");
            return table.Count > 0 ? 0 : 1;   // systemctl 252 answers 1 when nothing is listed
        });
        root.Subcommands.Add(command);
    }
}
