using Microsoft.Extensions.Logging;

namespace Summon.Manager;

internal static partial class ManagerLog
{
    /// <summary>Once at start-up: the sandbox mode and what this environment allows (debugging a downgrade or a 226).</summary>
    [LoggerMessage(1414, LogLevel.Debug, "Sandbox: {Mode}; {Environment}.")]
    public static partial void SandboxEnvironment(ILogger logger, string mode, string environment);
}
