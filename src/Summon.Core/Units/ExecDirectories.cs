namespace Summon.Units;

/// <summary>The five kinds of directory a service may have made for it (systemd.exec(5) "PATHS"), in systemd's order.</summary>
internal enum ExecDirectoryKind { Runtime, State, Cache, Logs, Configuration }

/// <summary>RuntimeDirectoryPreserve=: whether the runtime directories outlive a stop (yes) or a restart (restart).</summary>
internal enum RuntimeDirectoryPreserve { No, Yes, Restart }

/// <summary>One name of a *Directory= setting, relative to its base, with the symlinks to it (the 252 "name:link" form).</summary>
internal sealed record ExecDirectoryItem(string Path, List<string> Symlinks);

/// <summary>One *Directory= setting: its names in order and its *DirectoryMode=.</summary>
internal sealed class ExecDirectory
{
    /// <summary>0755, systemd's default for every kind.</summary>
    public const uint DefaultMode = 0b111_101_101;

    public List<ExecDirectoryItem> Items { get; } = [];

    public uint Mode { get; set; } = DefaultMode;

    /// <summary>exec_directory_add(): a name given again gains the new symlink instead of a second entry.</summary>
    public void Add(string path, string? symlink)
    {
        var item = Items.Find(i => i.Path == path);
        if (item is null)
        {
            item = new ExecDirectoryItem(path, []);
            Items.Add(item);
        }

        if (symlink is { Length: > 0 } && !item.Symlinks.Contains(symlink))
            item.Symlinks.Add(symlink);
    }
}

/// <summary>RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=, ConfigurationDirectory= of one unit.</summary>
internal sealed class ExecDirectories
{
    private readonly ExecDirectory[] _kinds = [new(), new(), new(), new(), new()];

    public static readonly ExecDirectoryKind[] Kinds =
        [ExecDirectoryKind.Runtime, ExecDirectoryKind.State, ExecDirectoryKind.Cache, ExecDirectoryKind.Logs, ExecDirectoryKind.Configuration];

    public ExecDirectory this[ExecDirectoryKind kind] => _kinds[(int)kind];

    public RuntimeDirectoryPreserve Preserve { get; set; }

    /// <summary>True when any kind names a directory. A loop, not LINQ: every spawn asks, and one without directories
    /// (an Accept=yes connection's) must allocate nothing for it.</summary>
    public bool Any
    {
        get
        {
            foreach (var kind in _kinds)
                if (kind.Items.Count > 0)
                    return true;
            return false;
        }
    }

    /// <summary>"RuntimeDirectory", … : the key (and D-Bus property) of a kind.</summary>
    public static string Key(ExecDirectoryKind kind) => kind switch
    {
        ExecDirectoryKind.Runtime => "RuntimeDirectory",
        ExecDirectoryKind.State => "StateDirectory",
        ExecDirectoryKind.Cache => "CacheDirectory",
        ExecDirectoryKind.Logs => "LogsDirectory",
        _ => "ConfigurationDirectory",
    };

    /// <summary>The kind a key names, its *Mode= key included (mode true), or null.</summary>
    public static ExecDirectoryKind? FromKey(string key, out bool mode)
    {
        mode = key.EndsWith("Mode", StringComparison.Ordinal);
        string name = mode ? key[..^4] : key;
        foreach (var kind in Kinds)
            if (Key(kind) == name)
                return kind;
        return null;
    }

    /// <summary>
    /// The directory a kind's names are relative to: the %t %S %C %L %E of <paramref name="context"/> (/run, /var/lib,
    /// /var/cache, /var/log, /etc; in user mode $XDG_RUNTIME_DIR, $XDG_CONFIG_HOME, $XDG_CACHE_HOME,
    /// $XDG_CONFIG_HOME/log, $XDG_CONFIG_HOME as systemd 252). Null for a user manager without $XDG_RUNTIME_DIR.
    /// </summary>
    public static string? Base(SpecifierContext context, ExecDirectoryKind kind) => kind switch
    {
        ExecDirectoryKind.Runtime => context.RuntimeDirectory,
        ExecDirectoryKind.State => context.StateDirectory,
        ExecDirectoryKind.Cache => context.CacheDirectory,
        ExecDirectoryKind.Logs => context.LogsDirectory,
        _ => context.ConfigDirectory,
    };

    /// <summary>"RUNTIME_DIRECTORY", … : the variable that carries a kind's paths, colon-separated.</summary>
    public static string Variable(ExecDirectoryKind kind) => kind switch
    {
        ExecDirectoryKind.Runtime => "RUNTIME_DIRECTORY",
        ExecDirectoryKind.State => "STATE_DIRECTORY",
        ExecDirectoryKind.Cache => "CACHE_DIRECTORY",
        ExecDirectoryKind.Logs => "LOGS_DIRECTORY",
        _ => "CONFIGURATION_DIRECTORY",
    };
}
