namespace Summon.Cli.Rendering.Shell;

/// <summary>An option as --help shows it: its names, what it does, and whether and how its value completes.</summary>
internal sealed record TreeOption(IReadOnlyList<string> Names, string Description, string? ValueName, string? Default, ValueCompletion Completion, IReadOnlyList<string> Words)
{
    /// <summary>A flag (--now) takes no value; every other option takes exactly one.</summary>
    public bool TakesValue => ValueName is not null;
}

/// <summary>A positional argument as --help shows it (UNIT..., [UNIT...]).</summary>
internal sealed record TreeArgument(string Name, string Description, int Minimum, int Maximum, ValueCompletion Completion, IReadOnlyList<string> Words);

/// <summary>
/// One command of the tree by its path (empty for the root, ["analyze", "verify"] for a nested verb), with every
/// option it accepts: its own and the recursive ones of its ancestors.
/// </summary>
internal sealed record TreeCommand(
    IReadOnlyList<string> Path,
    string Description,
    IReadOnlyList<TreeOption> Options,
    IReadOnlyList<TreeArgument> Arguments,
    IReadOnlyList<string> Subcommands)
{
    public string Key => string.Join(' ', Path);
}
