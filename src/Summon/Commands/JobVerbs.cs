using System.CommandLine;
using Summon.Control;

namespace Summon.Cli.Commands;

/// <summary>start, stop, restart, reset-failed, daemon-reload: jobs the running manager carries out.</summary>
internal static class JobVerbs
{
    public static void AddTo(Command root)
    {
        root.Subcommands.Add(Job("start", "Start (activate) one or more units", ControlMethods.Start, required: true, jobMode: true));
        root.Subcommands.Add(Job("stop", "Stop (deactivate) one or more units", ControlMethods.Stop, required: true, jobMode: true));
        root.Subcommands.Add(Job("restart", "Start or restart one or more units", ControlMethods.Restart, required: true, jobMode: true));
        root.Subcommands.Add(Job("isolate", "Start one unit and stop all others", ControlMethods.Isolate, required: true));
        root.Subcommands.Add(Job("reset-failed", "Reset failed state for all, one, or more units", ControlMethods.ResetFailed, required: false));

        root.Subcommands.Add(Job("reload", "Reload one or more units (ExecReload=)", ControlMethods.ReloadUnit, required: true));
        root.Subcommands.Add(KillVerb());

        var reload = new Command("daemon-reload", "Reload unit files and the manager configuration");
        reload.SetAction(r => Run(GlobalOptions.Context(r), ControlMethods.Reload, []));
        root.Subcommands.Add(reload);
    }

    private static Command Job(string verb, string description, string method, bool required, bool jobMode = false)
    {
        var units = new Argument<string[]>("UNIT") { Arity = required ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore };
        var command = new Command(verb, description) { units };
        // systemctl's --job-mode= words this manager carries out (flush and triggering it does not).
        var mode = new Option<string>("--job-mode") { Description = "How to deal with already queued jobs: replace, fail, isolate, ignore-dependencies, ignore-requirements, replace-irreversibly" };
        mode.AcceptOnlyFromAmong("replace", "fail", "isolate", "ignore-dependencies", "ignore-requirements", "replace-irreversibly");
        if (jobMode)
            command.Options.Add(mode);
        command.SetAction(r => Run(GlobalOptions.Context(r), new ControlRequest
        {
            Method = method,
            Units = UnitNames.Mangle(r.GetValue(units)),
            NoBlock = r.GetValue(GlobalOptions.NoBlock),
            JobMode = jobMode ? r.GetValue(mode) : null,
        }));
        return command;
    }

    private static Command KillVerb()
    {
        var units = new Argument<string[]>("UNIT") { Arity = ArgumentArity.OneOrMore };
        var signal = new Option<string>("--signal", "-s") { Description = "Which signal to send (default SIGTERM)", DefaultValueFactory = _ => "SIGTERM" };
        var whom = new Option<string>("--kill-whom", "--kill-who") { Description = "Whom to send the signal to: main or all", DefaultValueFactory = _ => "all" };
        var command = new Command("kill", "Send a signal to processes of a unit") { units, signal, whom };
        command.SetAction(r =>
        {
            if (!Summon.Posix.Signals.TryParse(r.GetValue(signal)!, out int number))
            {
                Console.Error.WriteLine($"Failed to parse signal string {r.GetValue(signal)}.");
                return 1;
            }
            return Run(GlobalOptions.Context(r), new ControlRequest { Method = ControlMethods.Kill, Units = UnitNames.Mangle(r.GetValue(units)), Signal = number, KillWhom = r.GetValue(whom) });
        });
        return command;
    }

    public static int Run(CliContext context, string method, List<string> units) => Run(context, new ControlRequest { Method = method, Units = units });

    public static int Run(CliContext context, ControlRequest request)
    {
        ControlCall.Send(context, request, out int rc);
        return rc;
    }
}
