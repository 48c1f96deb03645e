using Summon.Control;
using Summon.Install;
using Summon.Units;

namespace Summon.Cli;

/// <summary>
/// The mode (system or user) and the paths every verb uses, resolved from --system/--user and the SUMMON_*
/// variables exactly as the daemon resolves them, so a CLI and its manager always meet at the same socket.
/// </summary>
internal sealed class CliContext
{
    private CliContext(bool userMode)
    {
        UserMode = userMode;
        UnitPath = UnitSearchPath.Resolve(userMode);
        RuntimeDirectory = Environment.GetEnvironmentVariable(RuntimeDirectoryVariable) is { Length: > 0 } run ? run : DefaultRuntimeDirectory(userMode);
        StateDirectory = Environment.GetEnvironmentVariable(StateDirectoryVariable) is { Length: > 0 } state ? state : DefaultStateDirectory(userMode);
    }

    public const string RuntimeDirectoryVariable = "SUMMON_RUNTIME_DIR", StateDirectoryVariable = "SUMMON_STATE_DIR";

    public bool UserMode { get; }

    public UnitSearchPath UnitPath { get; }

    public string RuntimeDirectory { get; }

    public string StateDirectory { get; }

    public string ControlSocket => ControlPaths.ControlSocket(RuntimeDirectory);

    public ControlClient Client => new(ControlSocket);

    /// <summary>What specifiers expand to in this mode, as the manager of this mode expands them.</summary>
    public SpecifierContext Specifiers => SpecifierContext.ForHost(UserMode, Summon.Processes.ProcessIdentity.RealUid, Summon.Processes.ProcessIdentity.RealGid);

    /// <summary>enable/disable/is-enabled over this context's unit path.</summary>
    public UnitInstaller Installer => new(UnitPath, Specifiers);

    /// <summary>The uid first: the name needs an NSS lookup (nsswitch.conf, /etc/passwd) that root never needs.</summary>
    public static bool IsRoot => Summon.Processes.ProcessIdentity.EffectiveUid == 0 || Environment.UserName == "root";

    /// <summary>--user wins, then --system; otherwise system mode as root and user mode for everyone else.</summary>
    public static CliContext Create(bool user, bool system) => new(user || (!system && !IsRoot));

    private static string DefaultRuntimeDirectory(bool userMode)
    {
        if (!userMode)
            return "/run/summon";
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return string.IsNullOrEmpty(xdg) ? Path.Combine(Path.GetTempPath(), $"summon-{Summon.Processes.ProcessIdentity.EffectiveUid}") : Path.Combine(xdg, "summon");
    }

    private static string DefaultStateDirectory(bool userMode)
    {
        if (!userMode)
            return "/var/lib/summon";
        string? xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        return string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "summon")
            : Path.Combine(xdg, "summon");
    }
}
