namespace Summon.Units;

[Flags]
internal enum ExecFlags { None = 0, IgnoreFailure = 1, Privileged = 2, NoSetuid = 4, AmbientMagic = 8, NoEnvExpand = 16 }

/// <summary>One command line of ExecStart= and friends. <see cref="Argv"/>[0] is argv[0] (with the '@' prefix, the
/// word given after the path). Environment variables ($FOO, ${FOO}) are still unexpanded.</summary>
internal sealed record ExecCommand(string Path, IReadOnlyList<string> Argv, ExecFlags Flags)
{
    public bool Equals(ExecCommand? other) => other is not null && Path == other.Path && Flags == other.Flags && Argv.SequenceEqual(other.Argv);

    public override int GetHashCode() => HashCode.Combine(Path, Flags, Argv.Count);

    /// <summary>The prefix characters systemd shows before the path ("-", "@", ":", "+", "!", "!!").</summary>
    public string Prefix
    {
        get
        {
            string s = "";
            if (Flags.HasFlag(ExecFlags.IgnoreFailure)) s += "-";
            if (Path != Argv.FirstOrDefault()) s += "@";
            if (Flags.HasFlag(ExecFlags.NoEnvExpand)) s += ":";
            if (Flags.HasFlag(ExecFlags.Privileged)) s += "+";
            if (Flags.HasFlag(ExecFlags.NoSetuid)) s += "!";
            if (Flags.HasFlag(ExecFlags.AmbientMagic)) s += "!!";
            return s;
        }
    }

    /// <summary>
    /// '+' and '!': User=, Group= and SupplementaryGroups= are not applied to this command (it runs as the manager).
    /// '!!' asks the same only where the kernel lacks ambient capabilities; every kernel Summon runs on has them, so it
    /// changes nothing here, as in systemd on such a kernel.
    /// </summary>
    public bool SkipsCredentials => (Flags & (ExecFlags.Privileged | ExecFlags.NoSetuid)) != 0;

    /// <summary>'+': full privileges, no credentials and no sandbox step (the sandbox plan must skip such a command).</summary>
    public bool FullyPrivileged => (Flags & ExecFlags.Privileged) != 0;

    /// <summary>'-': a failing exit is taken as success.</summary>
    public bool IgnoresFailure => (Flags & ExecFlags.IgnoreFailure) != 0;

    /// <summary>':': $VAR in the arguments stays as written.</summary>
    public bool NoEnvExpand => (Flags & ExecFlags.NoEnvExpand) != 0;

    public override string ToString() => string.Join(' ', Argv.Select(Quote));

    private static string Quote(string arg) => arg.Length > 0 && !arg.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\') ? arg : "\"" + arg.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
