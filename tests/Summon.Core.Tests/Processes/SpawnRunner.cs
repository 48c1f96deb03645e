using System.Runtime.InteropServices;
using System.Text;
using Summon.Interop;
using Summon.Processes;

namespace Summon.Core.Tests.Processes;

/// <summary>Spawns with stdout on a pipe, reads it to EOF, waits and reaps. No System.Diagnostics.Process.</summary>
internal static class SpawnRunner
{
    public static readonly string[] BaseEnvironment = ["PATH=/usr/bin:/bin"];

    public sealed record Result(string Output, ExitStatus Status, int Pid);

    public static Result Run(Func<SafeHandle, SpawnRequest> makeRequest)
    {
        var (read, write) = ChildStdio.CreatePipe();
        using (read)
        {
            SpawnedProcess process;
            using (write)
                process = ProcessSpawner.Spawn(makeRequest(write));
            using (process)
            {
                string output = Encoding.UTF8.GetString(TestFds.ReadToEnd(read));
                return new Result(output, WaitAndReap(process), process.Pid);
            }
        }
    }

    /// <summary>/bin/sh -c script with stdout captured (stderr to /dev/null).</summary>
    public static Result Sh(string script, bool listenPid = false, bool ignoreSigpipe = true, bool newSession = true,
        string[]? environment = null, string? workingDirectory = null, SafeHandle[]? passFds = null, bool nonBlocking = false,
        bool execPid = false, ExecHelper? helper = null) =>
        Run(stdout => new SpawnRequest
        {
            Path = "/bin/sh",
            Argv = ["/bin/sh", "-c", script],
            Environment = environment ?? BaseEnvironment,
            Stdout = stdout,
            SetListenPid = listenPid,
            SetExecPid = execPid,
            ExecHelper = helper,
            IgnoreSigpipe = ignoreSigpipe,
            NewSession = newSession,
            WorkingDirectory = workingDirectory,
            PassFds = passFds ?? [],
            NonBlockingPassFds = nonBlocking,
        });

    public static ExitStatus WaitAndReap(SpawnedProcess process)
    {
        process.WaitForExit();
        Assert.True(process.TryReap(out ExitStatus status));
        return status;
    }

    /// <summary>The process state letter from /proc/PID/stat, or null when the pid no longer exists.</summary>
    public static char? ProcState(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException)
        {
            return null;
        }
    }
}
