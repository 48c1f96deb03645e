using System.CommandLine;
using System.Text;
using Summon.Cli.Terminal;
using Summon.Control;
using Summon.Install;
using Summon.Units;

namespace Summon.Cli.Commands;

/// <summary>
/// list-dependencies [UNIT]: the tree systemctl prints of what a unit requires and wants (Requires=, Requisite=,
/// Wants=, BindsTo= and the .wants/ links), targets expanded recursively (every unit with --all), each line marked
/// with the unit's active state as the manager reports it. Read from the unit files; default.target by default.
/// </summary>
internal static class ListDependenciesVerb
{
    public static void AddTo(Command root)
    {
        var unit = new Argument<string[]>("UNIT") { Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all", "-a") { Description = "Expand every unit, not only targets" };
        var command = new Command("list-dependencies", "Show the units a unit requires and wants, as a tree") { unit, all };
        command.SetAction(r =>
        {
            Pager.Open(r);
            var context = GlobalOptions.Context(r);
            var names = UnitNames.Mangle(r.GetValue(unit) is { Length: > 0 } given ? given : ["default.target"]);
            var graph = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var loader = new UnitLoader(context.UnitPath, context.Specifiers);
            var installer = context.Installer;
            foreach (var name in names)
                Collect(name, graph, loader, installer, r.GetValue(all), root: true);
            var reply = ControlCall.Send(context, new ControlRequest { Method = ControlMethods.Show, Units = [.. graph.Keys], Properties = ["ActiveState"] }, out int rc);
            if (reply is null)
                return rc;
            var states = reply.Units.ToDictionary(u => u.Id, u => u.Get("ActiveState") ?? "inactive", StringComparer.Ordinal);
            var sb = new StringBuilder();
            foreach (var name in names)
            {
                sb.Append(name).Append('\n');
                Print(sb, name, "", graph, states, [name]);
            }
            Console.Write(sb.ToString());
            return 0;
        });
        root.Subcommands.Add(command);
    }

    private static void Collect(string name, Dictionary<string, List<string>> graph, UnitLoader loader, UnitInstaller installer, bool all, bool root = false)
    {
        if (graph.ContainsKey(name))
            return;
        var deps = new List<string>();
        graph[name] = deps;
        if (!all && !root && !name.EndsWith(".target", StringComparison.Ordinal) || !UnitName.TryParse(name, out var unitName))
            return;
        var definition = loader.Load(unitName).Unit;
        deps.AddRange(definition.Requires.Concat(definition.Requisite).Concat(definition.Wants).Concat(definition.BindsTo)
            .Concat(installer.WantedBy(name)).Distinct(StringComparer.Ordinal)
            // systemd's list_dependencies_compare(): targets last, then by name ignoring case.
            .OrderBy(d => d.EndsWith(".target", StringComparison.Ordinal)).ThenBy(d => d, StringComparer.OrdinalIgnoreCase));
        foreach (var dep in deps)
            Collect(dep, graph, loader, installer, all);
    }

    private static void Print(StringBuilder sb, string name, string indent, Dictionary<string, List<string>> graph, Dictionary<string, string> states, HashSet<string> path)
    {
        var deps = graph[name];
        for (int i = 0; i < deps.Count; i++)
        {
            bool last = i == deps.Count - 1;
            string dep = deps[i];
            sb.Append(Glyph(states.GetValueOrDefault(dep, "inactive"))).Append(' ').Append(indent)
              .Append(last ? "└─" : "├─").Append(dep).Append('\n');
            if (path.Add(dep))
            {
                Print(sb, dep, indent + (last ? "  " : "│ "), graph, states, path);
                path.Remove(dep);
            }
        }
    }

    /// <summary>systemd's unit_active_state_to_glyph(): ● active, ○ inactive, × failed.</summary>
    private static string Glyph(string active) => active switch
    {
        "active" or "reloading" or "activating" => "●",
        "inactive" or "deactivating" or "maintenance" => "○",
        _ => "×",
    };
}
