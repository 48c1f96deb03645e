namespace Summon.Cli.Rendering.Shell;

/// <summary>What a shell offers for an argument or an option's value.</summary>
[Flags]
internal enum ValueCompletion
{
    None = 0,

    /// <summary>Unit names, asked of the manager and the unit directories when the user presses TAB.</summary>
    Units = 1,

    /// <summary>Paths in the file system.</summary>
    Files = 2,
}
