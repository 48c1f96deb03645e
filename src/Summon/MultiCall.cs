using System.CommandLine;

namespace Summon.Cli;

/// <summary>
/// Busybox-style multi-call: invoked through a symlink named systemctl, journalctl or systemd-analyze, the binary
/// behaves as `summon`, `summon journal`, `summon analyze`, `summon escape`, so scripts written for systemd run unchanged.
/// Under journalctl the journal verb itself becomes the root command, so usage lines and hints read
/// `journalctl [options]`, in the name the user typed (<see cref="Name"/>).
/// </summary>
internal static class MultiCall
{
    /// <summary>The name the user typed: systemctl, journalctl, systemd-analyze, systemd-escape, or summon.</summary>
    public static string Name { get; private set; } = "summon";

    /// <summary>Invoked under one of systemd's names.</summary>
    public static bool AsSystemd => Name != "summon";

    public static void Resolve(string argv0)
    {
        string file = Path.GetFileName(argv0);
        Name = file is "systemctl" or "journalctl" or "systemd-analyze" or "systemd-escape" ? file : "summon";
    }

    /// <summary>The verb a multi-call name stands for, or null when the command line names its own verb.</summary>
    public static string? Verb => Name switch
    {
        "journalctl" => "journal",
        _ => null,
    };

    /// <summary>systemd-analyze and systemd-escape become their verbs (escape parses its own arguments outside the
    /// command tree); journalctl is the promoted root instead (<see cref="Promote"/>).</summary>
    public static string[] Rewrite(string argv0, string[] args) => Path.GetFileName(argv0) switch
    {
        "systemd-analyze" => ["analyze", .. args],
        "systemd-escape" => ["escape", .. args],
        _ => args,
    };

    /// <summary>The name to use in messages: the symlink's name for systemd-escape, else <paramref name="fallback"/>.</summary>
    public static string ProgramName(string argv0, string fallback)
        => Path.GetFileName(argv0) == "systemd-escape" ? "systemd-escape" : fallback;

    /// <summary>
    /// Under journalctl, a root carrying the journal verb's options, arguments and action (the caller adds the global
    /// options); otherwise <paramref name="root"/> itself. systemd-analyze keeps `analyze` as a verb: its subcommands
    /// would keep their parent, and usage lines are built from the parents.
    /// </summary>
    public static Command Promote(Command root, Func<Command, Command> newRoot)
    {
        if (Verb != "journal" || root.Subcommands.FirstOrDefault(c => c.Name == Verb) is not { } verb)
            return root;
        Command promoted = newRoot(verb);
        foreach (Option option in verb.Options)
            promoted.Options.Add(option);
        foreach (Argument argument in verb.Arguments)
            promoted.Arguments.Add(argument);
        promoted.Action = verb.Action;
        return promoted;
    }

    /// <summary>
    /// systemctl without a verb is `systemctl list-units` (its options too: `systemctl --type=socket`); help and version
    /// stay the root's. <paramref name="isVerb"/> is only asked when the first argument is an option.
    /// </summary>
    public static string[] DefaultVerb(string argv0, string[] args, Func<string, bool> isVerb)
    {
        if (Path.GetFileName(argv0) != "systemctl" || args.Length > 0 && !args[0].StartsWith('-'))
            return args;
        if (args.Any(a => a is "-h" or "-?" or "--help" or "--version") || args.Any(isVerb))
            return args;
        return ["list-units", .. args];
    }
}
