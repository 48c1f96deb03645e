using Summon.Posix;

namespace Summon.Units;

/// <summary>A unit as read from disk: its name, where it came from, its typed settings and what went wrong.</summary>
internal sealed class LoadedUnit
{
    public required UnitName Name { get; init; }

    /// <summary>Every name of the unit: <see cref="Name"/> first, then its alias names (systemd's Names=).</summary>
    public IReadOnlyList<string> Names { get; set; } = [];

    /// <summary>The file read (null when not found).</summary>
    public string? FragmentPath { get; init; }

    public IReadOnlyList<string> DropInPaths { get; set; } = [];

    public LoadState LoadState { get; set; }

    /// <summary>errno behind <see cref="LoadState.Error"/> (EBADMSG for a bad section header, EINVAL for bad UTF-8).</summary>
    public int LoadError { get; set; }

    public List<Diagnostic> Diagnostics { get; } = [];

    /// <summary>A %t or %d of its settings found no runtime directory (a user manager without $XDG_RUNTIME_DIR).</summary>
    public bool NeedsRuntimeDirectory { get; set; }

    public UnitSection Unit { get; } = new();

    public InstallSection Install { get; } = new();

    /// <summary>Non-null for .socket units.</summary>
    public SocketSection? Socket { get; set; }

    /// <summary>Non-null for .service units.</summary>
    public ServiceSection? Service { get; set; }

    public string Description => Unit.Description ?? Name.Name;

    /// <summary>The message systemd's bus_unit_validate_load_state() gives for a unit that is not loaded, or null.</summary>
    public string? LoadStateMessage => LoadState switch
    {
        LoadState.Loaded => null,
        LoadState.NotFound => $"Unit {Name} not found.",
        LoadState.BadSetting => $"Unit {Name} has a bad unit file setting.",
        LoadState.Masked => $"Unit {Name} is masked.",
        // sd-bus turns EPERM/EACCES into org.freedesktop.DBus.Error.AccessDenied, whose text replaces the sentence.
        LoadState.Error when LoadError is Summon.Posix.Errno.EPERM or Summon.Posix.Errno.EACCES => "Access denied",
        _ => $"Unit {Name} failed to load properly, please adjust/correct and reload service manager: {Summon.Posix.Errno.Describe(LoadError == 0 ? Summon.Posix.Errno.EINVAL : LoadError)}",
    };
}
