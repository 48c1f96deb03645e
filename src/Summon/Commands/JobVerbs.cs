using System.CommandLine;
using Summon.Control;

namespace Summon.Cli.Commands;

/// <summary>start, stop, restart, reset-failed, daemon-reload: jobs the running manager carries out.</summary>
internal static class JobVerbs
{
    public static void AddTo(RootCommand root)
    {
        root.Subcommands.Add(Job("start", "Start (activate) one or more units", ControlMethods.Start, required: true));
        root.Subcommands.Add(Job("stop", "Stop (deactivate) one or more units", ControlMethods.Stop, required: true));
        root.Subcommands.Add(Job("restart", "Start or restart one or more units", ControlMethods.Restart, required: true));
        root.Subcommands.Add(Job("reset-failed", "Reset failed state for all, one, or more units", ControlMethods.ResetFailed, required: false));

        var reload = new Command("daemon-reload", "Reload unit files and the manager configuration");
        reload.SetAction(r => Run(GlobalOptions.Context(r), ControlMethods.Reload, []));
        root.Subcommands.Add(reload);
    }

    private static Command Job(string verb, string description, string method, bool required)
    {
        var units = new Argument<string[]>("UNIT") { Arity = required ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore };
        var command = new Command(verb, description) { units };
        command.SetAction(r => Run(GlobalOptions.Context(r), method, UnitNames.Mangle(r.GetValue(units))));
        return command;
    }

    public static int Run(CliContext context, string method, List<string> units)
    {
        ControlCall.Send(context, new ControlRequest { Method = method, Units = units }, out int rc);
        return rc;
    }
}
