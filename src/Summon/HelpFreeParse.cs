namespace Summon.Cli;

/// <summary>
/// When the command tree may be built without the root's --help/--version options. RootCommand's help option reads its
/// description through System.CommandLine's ResourceManager, whose first use in a process loads reflection metadata
/// (docs/performance.md, 'Measured design decisions'). A command line that starts with a verb and cannot reach help
/// or version is parsed against the same verbs under a plain root; if that parse reports any error, the whole tree
/// parses it again, so help, version, errors and their output always come from the full RootCommand.
/// </summary>
internal static class HelpFreeParse
{
    /// <summary>
    /// True when no token can mean help or version: the first is a verb (starts with a letter) unless the root is a
    /// verb itself (journalctl); none is a help or version alias, a response file (@file), or a bundle of short
    /// options ("-qh" is -q -h).
    /// </summary>
    public static bool Applies(IReadOnlyList<string> args, bool verbFirst = true)
    {
        if (verbFirst && (args.Count == 0 || args[0].Length == 0 || !char.IsAsciiLetter(args[0][0])))
            return false;
        foreach (string arg in args)
        {
            if (arg is "-h" or "-?" or "/h" or "/?" or "--help" or "--version" || arg.StartsWith('@'))
                return false;
            if (arg.Length > 2 && arg[0] == '-' && arg[1] != '-')
                return false;
        }
        return true;
    }
}
