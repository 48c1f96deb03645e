using System.Globalization;
using Summon.Interop;
using Summon.Processes;

namespace Summon.Core.Tests.Processes;

[Collection(ProcessTestCollection.Name)]
public class OrphanReaperTests
{
    [Fact]
    public unsafe void ReapsOrphansReparentedToUsButNotOwnChildren()
    {
        // Become a child subreaper for the duration, so an orphaned grandchild is re-parented to the test host
        // the way every orphan is re-parented to PID 1.
        Assert.Equal(0, Libc.Prctl(Libc.PR_SET_CHILD_SUBREAPER, 1));
        try
        {
            // sh starts a grandchild that waits for EOF on our pipe, prints its pid and exits at once. (An
            // asynchronous list gets /dev/null as stdin unless fd 0 is redirected explicitly, hence 3<&0 … <&3.)
            var (grandchildStdin, release) = ChildStdio.CreatePipe();
            SpawnRunner.Result shell;
            using (grandchildStdin)
            {
                shell = SpawnRunner.Run(stdout => new SpawnRequest
                {
                    Path = "/bin/sh",
                    Argv = ["/bin/sh", "-c", "exec 3<&0; /bin/cat <&3 >/dev/null 3<&- & echo $!"],
                    Environment = SpawnRunner.BaseEnvironment,
                    Stdin = grandchildStdin,
                    Stdout = stdout,
                });
            }

            // Run returned: sh exited and was reaped, so the grandchild has been re-parented to us.
            int orphan = int.Parse(shell.Output.Trim(), CultureInfo.InvariantCulture);
            Assert.Equal(new ExitStatus(ExitCode.Exited, 0), shell.Status);

            // An exited child of our own, not yet reaped, is left alone and stops the scan.
            using SpawnedProcess own = ProcessSpawner.Spawn(new SpawnRequest { Path = "/bin/true", Argv = ["/bin/true"], Environment = [] });
            own.WaitForExit();
            Assert.Equal(0, OrphanReaper.ReapOrphans(pid => pid == own.Pid));
            Assert.True(own.TryReap(out ExitStatus ownStatus));
            Assert.True(ownStatus.IsSuccess);

            release.Dispose();   // grandchild sees EOF and exits
            Libc.SigInfo info = default;
            Assert.Equal(0, Libc.Waitid(Libc.P_PID, (uint)orphan, &info, Libc.WEXITED | Libc.WNOWAIT));
            Assert.Equal('Z', SpawnRunner.ProcState(orphan));

            Assert.Equal(1, OrphanReaper.ReapOrphans(pid => pid == own.Pid));
            Assert.Null(SpawnRunner.ProcState(orphan));
            Assert.Equal(0, OrphanReaper.ReapOrphans(pid => false));
        }
        finally
        {
            Libc.Prctl(Libc.PR_SET_CHILD_SUBREAPER, 0);
        }
    }
}
