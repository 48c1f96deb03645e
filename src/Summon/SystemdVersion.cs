using System.Reflection;

namespace Summon.Cli;

/// <summary>
/// `--version` under the systemctl and journalctl names: "systemd 252 (summon X.Y.Z)" first, the line scripts parse
/// for the systemd version they talk to (the release whose behaviour summon follows). `summon --version` stays
/// summon's own version.
/// </summary>
internal static class SystemdVersion
{
    /// <summary>The systemd release whose unit files, tools and messages summon follows.</summary>
    public const int Compatible = 252;

    public static bool Requested(IReadOnlyList<string> args)
        => MultiCall.Name is "systemctl" or "journalctl" && args.TakeWhile(a => a != "--").Contains("--version");

    public static string Line => $"systemd {Compatible} (summon {SummonVersion})";

    /// <summary>The informational version without its source revision (1.0.0+abc… → 1.0.0).</summary>
    private static string SummonVersion
    {
        get
        {
            string version = typeof(SystemdVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            int plus = version.IndexOf('+');
            return plus < 0 ? version : version[..plus];
        }
    }
}
