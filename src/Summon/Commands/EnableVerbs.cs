using System.CommandLine;
using Summon.Control;

namespace Summon.Cli.Commands;

/// <summary>enable/disable [--now]: the [Install] symlinks (no manager needed), then reload and start/stop with --now.</summary>
internal static class EnableVerbs
{
    public static void AddTo(Command root)
    {
        root.Subcommands.Add(Verb("enable", "Enable one or more unit files", enable: true));
        root.Subcommands.Add(Verb("disable", "Disable one or more unit files", enable: false));
    }

    private static Command Verb(string name, string description, bool enable)
    {
        var units = new Argument<string[]>("UNIT") { Arity = ArgumentArity.OneOrMore };
        var now = new Option<bool>("--now") { Description = enable ? "Also start the units" : "Also stop the units" };
        var command = new Command(name, description) { units, now };
        command.SetAction(r => Run(GlobalOptions.Context(r), UnitNames.Mangle(r.GetValue(units)), enable, r.GetValue(now), r.GetValue(GlobalOptions.Quiet)));
        return command;
    }

    private static int Run(CliContext context, List<string> units, bool enable, bool now, bool quiet)
    {
        var installer = context.Installer;
        foreach (var unit in units)
        {
            var result = enable ? installer.Enable(unit) : installer.Disable(unit);
            if (result.Error is not null)
            {
                Console.Error.WriteLine(result.Error);
                return 1;
            }
            if (!quiet)
            {
                // systemctl 252 logs these (log_info), so they go to stderr like its own.
                foreach (var line in result.Changes)
                    Console.Error.WriteLine(line);
                foreach (var line in result.Notices)
                    Console.Error.WriteLine(line);
            }
        }

        // Like systemctl, reload a running manager so it sees the change; only --now requires one.
        if (!now)
        {
            TryReload(context);
            return 0;
        }
        var reload = ControlCall.Send(context, new ControlRequest { Method = ControlMethods.Reload }, out int rc);
        if (reload is null)
            return rc;
        ControlCall.Send(context, new ControlRequest { Method = enable ? ControlMethods.Start : ControlMethods.Stop, Units = units }, out rc);
        return rc;
    }

    /// <summary>Reloads a running manager so it sees changed unit files; without one there is nothing to do.</summary>
    public static void TryReload(CliContext context)
    {
        try
        {
            context.Client.Send(new ControlRequest { Method = ControlMethods.Reload });
        }
        catch (ControlUnavailableException)
        {
            // No manager running: the links are in place for its next start.
        }
    }
}
