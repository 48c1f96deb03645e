using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using Summon.Cli.Rendering;
using Summon.Install;

namespace Summon.Cli.Commands;

/// <summary>
/// `edit [--full] [--force] UNIT…` as systemctl 252 does it: on a terminal only, one editor for every unit's file
/// ($SYSTEMD_EDITOR, $EDITOR, $VISUAL, then editor, nano, vim, vi), the results installed (<see cref="UnitEditFile"/>)
/// and a running manager reloaded.
/// </summary>
internal static class EditVerb
{
    public static void AddTo(Command root)
    {
        var units = new Argument<string[]>("UNIT") { Arity = ArgumentArity.OneOrMore };
        var force = new Option<bool>("--force", "-f") { Description = "Create the unit (with --full) or its drop-in when it has no file" };
        var command = new Command("edit", "Edit one or more unit files") { units, force };
        command.SetAction(r => Run(GlobalOptions.Context(r), UnitNames.Mangle(r.GetValue(units)), r.GetValue(GlobalOptions.Full), r.GetValue(force)));
        root.Subcommands.Add(command);
    }

    private static int Run(CliContext context, List<string> names, bool full, bool force)
    {
        if (!Terminal.Tty.OnTty)
        {
            Console.Error.WriteLine("Cannot edit units if not on a tty.");
            return 1;
        }
        var units = new List<Summon.Units.LoadedUnit>();
        foreach (string name in names)
        {
            switch (UnitEditFile.Check(context.UnitPath, context.Specifiers, name, force, out var unit))
            {
                case EditProblem.InvalidName:
                    Console.Error.WriteLine($"Invalid unit name \"{name}\".");
                    return 1;
                case EditProblem.Masked:
                    Console.Error.WriteLine($"Cannot edit {name}: unit is masked.");
                    return 1;
                case EditProblem.NotFound:
                    Console.Error.WriteLine($"Run '{Hints.Systemctl(context.UserMode)} edit --force --full {name}' to create a new unit.");
                    return 1;
            }
            units.Add(unit!);
        }

        var files = units.Select(u => UnitEditFile.Create(context.UnitPath, u, full)).ToList();
        try
        {
            int editor = RunEditor(files.Select(f => f.Temporary).ToList());
            if (editor != 0)
                return editor;
            foreach (var file in files)
            {
                if (file.Install() is { } warning)
                    Console.Error.WriteLine(warning);
            }
        }
        finally
        {
            foreach (var file in files)
                file.CleanUp();
        }
        EnableVerbs.TryReload(context);
        return 0;
    }

    /// <summary>systemd 252's run_editor(): the first editor that starts gets every file; a failed editor fails the verb.</summary>
    private static int RunEditor(List<string> paths)
    {
        string? chosen = new[] { "SYSTEMD_EDITOR", "EDITOR", "VISUAL" }.Select(Environment.GetEnvironmentVariable).FirstOrDefault(v => v is not null);
        var candidates = new List<string[]> { };
        if (chosen?.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } words)
            candidates.Add(words);
        candidates.AddRange([["editor"], ["nano"], ["vim"], ["vi"]]);
        foreach (string[] command in candidates)
        {
            var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
            foreach (string argument in command.Skip(1).Concat(paths))
                start.ArgumentList.Add(argument);
            Process? process;
            try
            {
                process = Process.Start(start);
            }
            catch (Win32Exception)
            {
                // Not installed: systemd tries the next editor.
                continue;
            }
            if (process is null)
                continue;
            using (process)
            {
                process.WaitForExit();
                if (process.ExitCode == 0)
                    return 0;
                Console.Error.WriteLine($"{command[0]} failed with exit status {process.ExitCode}.");
                return 1;
            }
        }
        Console.Error.WriteLine("Cannot edit units, no editor available. Please set either $SYSTEMD_EDITOR, $EDITOR or $VISUAL.");
        return 1;
    }
}
