using System.CommandLine;
using Summon.Control;
using Summon.Install;

namespace Summon.Cli.Commands;

/// <summary>
/// mask [--now], unmask, revert: links and files in the unit directories (no manager needed), each unit in turn (a
/// failure is reported and the rest still done, rc 1), then a running manager reloads; mask --now also stops them.
/// </summary>
internal static class MaskVerbs
{
    public static void AddTo(Command root)
    {
        var units = new Argument<string[]>("UNIT") { Arity = ArgumentArity.OneOrMore };
        var now = new Option<bool>("--now") { Description = "Also stop the units" };
        var mask = new Command("mask", "Mask one or more units") { units, now };
        mask.SetAction(r =>
        {
            var context = GlobalOptions.Context(r);
            var names = UnitNames.Mangle(r.GetValue(units));
            int rc = Apply(context, names, new UnitMasks(context.UnitPath).Mask, r.GetValue(GlobalOptions.Quiet));
            if (!r.GetValue(now))
                return rc;
            ControlCall.Send(context, new ControlRequest { Method = ControlMethods.Stop, Units = names }, out int stopRc);
            return Math.Max(rc, stopRc);
        });
        root.Subcommands.Add(mask);

        var unmaskUnits = new Argument<string[]>("UNIT") { Arity = ArgumentArity.OneOrMore };
        var unmask = new Command("unmask", "Unmask one or more units") { unmaskUnits };
        unmask.SetAction(r =>
        {
            var context = GlobalOptions.Context(r);
            return Apply(context, UnitNames.Mangle(r.GetValue(unmaskUnits)), new UnitMasks(context.UnitPath).Unmask, r.GetValue(GlobalOptions.Quiet));
        });
        root.Subcommands.Add(unmask);

        var revertUnits = new Argument<string[]>("UNIT") { Arity = ArgumentArity.OneOrMore };
        var revert = new Command("revert", "Revert one or more unit files to vendor version") { revertUnits };
        revert.SetAction(r =>
        {
            var context = GlobalOptions.Context(r);
            return Apply(context, UnitNames.Mangle(r.GetValue(revertUnits)), new UnitReverter(context.UnitPath).Revert, r.GetValue(GlobalOptions.Quiet));
        });
        root.Subcommands.Add(revert);
    }

    private static int Apply(CliContext context, List<string> names, Func<string, InstallResult> change, bool quiet)
    {
        int rc = 0;
        foreach (string name in names)
        {
            InstallResult result = change(name);
            // systemctl 252 logs these (log_info), so they go to stderr like its own.
            if (!quiet)
            {
                foreach (string line in result.Changes.Concat(result.Notices))
                    Console.Error.WriteLine(line);
            }
            if (result.Error is not null)
            {
                Console.Error.WriteLine(result.Error);
                rc = 1;
            }
        }
        EnableVerbs.TryReload(context);
        return rc;
    }
}
