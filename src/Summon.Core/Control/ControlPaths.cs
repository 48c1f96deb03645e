namespace Summon.Control;

/// <summary>Where the manager's sockets live under SUMMON_RUNTIME_DIR.</summary>
internal static class ControlPaths
{
    public static string ControlSocket(string runtimeDirectory) => Path.Combine(runtimeDirectory, "control");
}
