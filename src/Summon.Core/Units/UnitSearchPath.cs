namespace Summon.Units;

/// <summary>
/// Where unit files are looked up, highest priority first: systemd 252's lists for the system and user managers,
/// or $SUMMON_UNIT_PATH (colon-separated; a trailing ':' appends the defaults).
/// </summary>
internal sealed class UnitSearchPath
{
    public const string EnvironmentVariable = "SUMMON_UNIT_PATH";

    private UnitSearchPath(IReadOnlyList<string> directories, string writeDirectory, bool userMode)
    {
        Directories = directories;
        WriteDirectory = writeDirectory;
        UserMode = userMode;
    }

    /// <summary>Highest priority first.</summary>
    public IReadOnlyList<string> Directories { get; }

    /// <summary>Where `enable` writes: /etc/systemd/system (user: ~/.config/systemd/user), or the first directory of
    /// $SUMMON_UNIT_PATH.</summary>
    public string WriteDirectory { get; }

    public bool UserMode { get; }

    public static UnitSearchPath Resolve(bool userMode, Func<string, string?>? getEnv = null)
    {
        getEnv ??= Environment.GetEnvironmentVariable;
        (List<string> defaults, string defaultWrite) = userMode ? UserDefaults(getEnv) : SystemDefaults();
        string? env = getEnv(EnvironmentVariable);
        if (string.IsNullOrEmpty(env))
            return new UnitSearchPath(defaults, defaultWrite, userMode);

        bool append = env.EndsWith(':');
        List<string> dirs = env.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.GetFullPath(d)).ToList();
        string write = dirs.Count > 0 ? dirs[0] : defaultWrite;
        if (append)
            dirs.AddRange(defaults);
        return new UnitSearchPath(Unique(dirs), write, userMode);
    }

    /// <summary>A search path of exactly these directories (tests, --root style trees).</summary>
    public static UnitSearchPath FromDirectories(IEnumerable<string> directories, bool userMode = false)
    {
        List<string> dirs = Unique(directories.Select(d => Path.GetFullPath(d)));
        return new UnitSearchPath(dirs, dirs.FirstOrDefault() ?? "/etc/systemd/system", userMode);
    }

    /// <summary>These directories first (as systemd-analyze verify does with each file's directory).</summary>
    public UnitSearchPath Prepend(IEnumerable<string> dirs)
        => new(Unique(dirs.Select(d => Path.GetFullPath(d)).Concat(Directories)), WriteDirectory, UserMode);

    /// <summary>The first directory holding an entry of this name (a file, or a symlink, even to /dev/null).</summary>
    public string? FindFragment(string unitFileName)
    {
        foreach (string dir in Directories)
        {
            string candidate = Path.Combine(dir, unitFileName);
            var info = new FileInfo(candidate);
            if (info.Exists || info.LinkTarget is not null)
                return candidate;
        }

        return null;
    }

    private static List<string> Unique(IEnumerable<string> dirs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return dirs.Select(d => d.Length > 1 ? d.TrimEnd('/') : d).Where(seen.Add).ToList();
    }

    private static (List<string>, string) SystemDefaults() =>
    ([
        "/etc/systemd/system.control",
        "/run/systemd/system.control",
        "/run/systemd/transient",
        "/run/systemd/generator.early",
        "/etc/systemd/system",
        "/etc/systemd/system.attached",
        "/run/systemd/system",
        "/run/systemd/system.attached",
        "/run/systemd/generator",
        "/usr/local/lib/systemd/system",
        "/lib/systemd/system",
        "/usr/lib/systemd/system",
        "/run/systemd/generator.late",
    ], "/etc/systemd/system");

    private static (List<string>, string) UserDefaults(Func<string, string?> getEnv)
    {
        string home = getEnv("HOME") is { Length: > 0 } h ? h : "/root";
        string config = Absolute(getEnv("XDG_CONFIG_HOME")) ?? home + "/.config";
        string data = Absolute(getEnv("XDG_DATA_HOME")) ?? home + "/.local/share";
        string? runtime = Absolute(getEnv("XDG_RUNTIME_DIR"));
        IEnumerable<string> configDirs = XdgList(getEnv("XDG_CONFIG_DIRS"), ["/etc/xdg"]);
        IEnumerable<string> dataDirs = XdgList(getEnv("XDG_DATA_DIRS"), ["/usr/local/share", "/usr/share"]);

        var dirs = new List<string> { config + "/systemd/user.control" };
        if (runtime is not null)
            dirs.AddRange([runtime + "/systemd/user.control", runtime + "/systemd/transient", runtime + "/systemd/generator.early"]);
        dirs.Add(config + "/systemd/user");
        dirs.AddRange(configDirs.Select(d => d + "/systemd/user"));
        dirs.Add("/etc/systemd/user");
        if (runtime is not null)
            dirs.Add(runtime + "/systemd/user");
        dirs.Add("/run/systemd/user");
        if (runtime is not null)
            dirs.Add(runtime + "/systemd/generator");
        dirs.Add(data + "/systemd/user");
        dirs.AddRange(dataDirs.Select(d => d + "/systemd/user"));
        dirs.AddRange(["/usr/local/lib/systemd/user", "/usr/lib/systemd/user"]);
        if (runtime is not null)
            dirs.Add(runtime + "/systemd/generator.late");
        return (Unique(dirs), config + "/systemd/user");
    }

    private static string? Absolute(string? path) => path is { Length: > 1 } && path[0] == '/' ? path : null;

    private static IEnumerable<string> XdgList(string? value, string[] fallback)
    {
        string[] items = (value ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Where(p => p.StartsWith('/')).ToArray();
        return items.Length > 0 ? items : fallback;
    }
}
