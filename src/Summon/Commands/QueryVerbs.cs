using System.CommandLine;
using Summon.Cli.Rendering;
using Summon.Cli.Terminal;
using Summon.Control;

namespace Summon.Cli.Commands;

/// <summary>is-active, is-failed, is-enabled and show.</summary>
internal static class QueryVerbs
{
    public static void AddTo(Command root)
    {
        root.Subcommands.Add(IsActive());
        root.Subcommands.Add(IsFailed());
        root.Subcommands.Add(IsEnabled());
        root.Subcommands.Add(Show());
    }

    private static Command IsActive()
    {
        var units = new Argument<string[]>("UNIT") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("is-active", "Check whether units are active") { units };
        command.SetAction(r =>
        {
            var reply = ControlCall.Send(GlobalOptions.Context(r), new ControlRequest { Method = ControlMethods.Show, Units = UnitNames.Mangle(r.GetValue(units)), Properties = ["ActiveState"] }, out int rc);
            if (reply is null)
                return rc;
            bool anyActive = false;
            foreach (var unit in reply.Units)
            {
                string state = unit.Get("ActiveState") ?? "inactive";
                anyActive |= state is "active" or "reloading";
                if (!r.GetValue(GlobalOptions.Quiet))
                    CliOutput.WriteLine(state);
            }
            return anyActive ? 0 : 3;   // systemctl: 0 if at least one unit is active
        });
        return command;
    }

    private static Command IsFailed()
    {
        var units = new Argument<string[]>("UNIT") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("is-failed", "Check whether units are failed") { units };
        command.SetAction(r =>
        {
            var reply = ControlCall.Send(GlobalOptions.Context(r), new ControlRequest { Method = ControlMethods.Show, Units = UnitNames.Mangle(r.GetValue(units)), Properties = ["ActiveState"] }, out int rc);
            if (reply is null)
                return rc;
            bool anyFailed = false;
            foreach (var unit in reply.Units)
            {
                string state = unit.Get("ActiveState") ?? "inactive";
                anyFailed |= state == "failed";
                if (!r.GetValue(GlobalOptions.Quiet))
                    CliOutput.WriteLine(state);
            }
            return anyFailed ? 0 : 1;
        });
        return command;
    }

    private static Command IsEnabled()
    {
        var units = new Argument<string[]>("UNIT") { Arity = ArgumentArity.OneOrMore };
        var command = new Command("is-enabled", "Check whether unit files are enabled") { units };
        command.SetAction(r =>
        {
            var installer = GlobalOptions.Context(r).Installer;
            int rc = 1;
            foreach (var name in UnitNames.Mangle(r.GetValue(units)))
            {
                string? state = installer.State(name);
                if (state is null)
                {
                    // systemctl stops at the first unit it cannot look up.
                    Console.Error.WriteLine($"Failed to get unit file state for {name}: No such file or directory");
                    return 1;
                }
                if (!r.GetValue(GlobalOptions.Quiet))
                    CliOutput.WriteLine(state);
                if (state is "enabled" or "static" or "alias" or "indirect" or "generated" or "enabled-runtime")
                    rc = 0;
            }
            return rc;
        });
        return command;
    }

    private static Command Show()
    {
        var units = new Argument<string[]>("UNIT") { Arity = ArgumentArity.ZeroOrMore };
        var properties = new Option<string[]>("--property", "-p") { Description = "Show only properties by this name (repeatable, or comma-separated)" };
        var value = new Option<bool>("--value") { Description = "Print property values only" };
        var all = new Option<bool>("--all", "-a") { Description = "Show all properties, including empty ones" };
        var onlyValue = new Option<string[]>("-P") { Description = "Equivalent to --value --property=NAME" };
        var command = new Command("show", "Show properties of one or more units") { units, properties, value, all, onlyValue };
        command.SetAction(r =>
        {
            if (!TableOutput.TryGet(r, "show", out var format))
                return 1;
            Pager.Open(r);
            var names = UnitNames.Mangle(r.GetValue(units));
            var wanted = (r.GetValue(properties) ?? []).Concat(r.GetValue(onlyValue) ?? [])
                .SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList();
            var request = new ControlRequest { Method = ControlMethods.Show, Units = names, Properties = wanted.Count > 0 ? ShowRenderer.Names(wanted) : null, All = r.GetValue(all) };
            var reply = ControlCall.Send(GlobalOptions.Context(r), request, out int rc);
            if (reply is null)
                return rc;
            bool valueOnly = r.GetValue(value) || (r.GetValue(onlyValue)?.Length ?? 0) > 0;
            if (format != OutputFormat.Short)
            {
                CliOutput.Write(ShowRenderer.Json(reply.Units, wanted, format == OutputFormat.JsonPretty));
                return 0;
            }
            CliOutput.Write(ShowRenderer.Text(reply.Units, wanted, valueOnly, r.GetValue(all)));
            return 0;
        });
        return command;
    }
}
