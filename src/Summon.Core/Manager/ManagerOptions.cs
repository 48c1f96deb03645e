using Summon.Manager.Sandbox;
using Summon.Units;

namespace Summon.Manager;

/// <summary>Where a manager finds units and keeps its runtime and persistent state.</summary>
internal sealed record ManagerOptions
{
    public required UnitSearchPath UnitPath { get; init; }

    public required bool UserMode { get; init; }

    public required string RuntimeDirectory { get; init; }

    public required string StateDirectory { get; init; }

    /// <summary>SUMMON_DIRECTORY_ROOT given by the caller instead of the environment (tests): where %t %S %C %L %E and
    /// the service directories of a system manager live.</summary>
    public string? DirectoryRoot { get; init; }

    /// <summary>What this environment lets children do (found once at start-up; everything for tests).</summary>
    public SandboxEnvironment Sandbox { get; init; } = SandboxEnvironment.Full;

    /// <summary><c>summon daemon --sandbox=</c>: strict (a protection that cannot be applied fails the start) by default.</summary>
    public SandboxMode SandboxMode { get; init; } = SandboxMode.Strict;

    /// <summary>
    /// Where the per-unit credentials directories are made (%d, $CREDENTIALS_DIRECTORY): systemd's /run/credentials
    /// for the system manager in its default place, else the runtime directory's credentials/, so that managers
    /// redirected with SUMMON_RUNTIME_DIR run side by side.
    /// </summary>
    public string CredentialsRoot => !UserMode && RuntimeDirectory == "/run/summon" ? "/run/credentials" : Path.Combine(RuntimeDirectory, "credentials");

    /// <summary>
    /// Where DynamicUser= uids are locked: systemd's own directory, whatever the redirections, because uids are the
    /// machine's — every Summon (redirected or not) and a systemd on the same machine see each other's (docs/compatibility.md).
    /// </summary>
    public string DynamicUidDirectory { get; init; } = "/run/systemd/dynamic-uid";
}
