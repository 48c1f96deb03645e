using System.Text.RegularExpressions;
using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>`list-jobs` and a job that times out, with the published binary: systemctl's table, count and messages.</summary>
public sealed class JobListTests
{
    [Fact]
    public async Task List_jobs_shows_a_running_start_job_until_JobRunningTimeoutSec_ends_it()
    {
        using var root = new TempRoot();
        // Never READY=1 and no start timeout of its own: only the job's timeout ends the wait.
        root.WriteUnit("slow.service", "[Unit]\nJobRunningTimeoutSec=3s\n[Service]\nType=notify\nTimeoutStartSec=infinity\nExecStart=/bin/sleep 1000\n");
        using DaemonProcess daemon = await DaemonProcess.StartAsync(root);

        CommandResult empty = Cli.Run(root, "list-jobs");
        Assert.Equal(0, empty.ExitCode);
        Assert.Equal("No jobs running.\n", empty.StdOut);

        Assert.Equal(0, Cli.Run(root, "start", "--no-block", "slow.service").ExitCode);
        CommandResult listed = Cli.Run(root, "list-jobs");
        Assert.Equal(0, listed.ExitCode);
        Assert.Matches(new Regex(@"^JOB +UNIT +TYPE +STATE\n\d+ +slow\.service +start +running\n\n1 jobs listed\.\n$"), listed.StdOut);

        CommandResult start = Cli.Run(root, "start", "slow.service");   // waits on the same job
        Assert.Equal(1, start.ExitCode);
        Assert.Equal("Job for slow.service timed out.\n", start.StdErr);
        Assert.Equal("No jobs running.\n", Cli.Run(root, "list-jobs").StdOut);
        Assert.Equal("activating", Cli.ShowOne(root, "slow.service", "ActiveState"));
        await AcceptTests.AssertJournalHasAsync(root, "slow.service", "slow.service: Job slow.service/start timed out.", daemon.Pid);
        Assert.Equal(0, Cli.Run(root, "stop", "slow.service").ExitCode);
    }
}
