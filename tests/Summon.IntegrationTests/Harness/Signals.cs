using System.Runtime.InteropServices;

namespace Summon.IntegrationTests.Harness;

/// <summary>kill(2) for the tests: .NET can only SIGKILL a Process, and the daemon contract is about SIGTERM.</summary>
internal static partial class Signals
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>Sends <paramref name="signal"/>; false when the process (or group, for a negative pid) is gone.</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
