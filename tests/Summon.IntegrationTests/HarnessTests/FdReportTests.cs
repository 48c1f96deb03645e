using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests.HarnessTests;

public sealed class FdReportTests
{
    // Captured from `systemd-socket-activate -l 127.0.0.1:9477 --accept /bin/sh fdcheck.sh` (systemd 252), which
    // sets LISTEN_* but not REMOTE_*; dash holds the script it reads on fd 10.
    private const string Captured =
        """
        PID=14004
        LISTEN_PID=14004
        LISTEN_FDS=1
        LISTEN_FDNAMES=
        REMOTE_ADDR=
        REMOTE_PORT=
        FDS:
        total 0
        lr-x------ 1 root root 64 Nov 25 22:35 0 -> /dev/null
        lrwx------ 1 root root 64 Nov 25 22:35 1 -> socket:[66834]
        lr-x------ 1 root root 64 Nov 25 22:35 10 -> /tmp/fdcheck.sh
        l-wx------ 1 root root 64 Nov 25 22:35 2 -> /tmp/ssa.err
        lrwx------ 1 root root 64 Nov 25 22:35 3 -> socket:[66834]

        """;

    [Fact]
    public void Parse_reads_variables_and_fds_without_the_script_fd()
    {
        AcceptTests.FdReport report = AcceptTests.FdReport.Parse(Captured, "/tmp/fdcheck.sh");
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["PID"] = "14004", ["LISTEN_PID"] = "14004", ["LISTEN_FDS"] = "1",
                ["LISTEN_FDNAMES"] = "", ["REMOTE_ADDR"] = "", ["REMOTE_PORT"] = "",
            },
            report.Variables);
        Assert.Equal(
            new SortedDictionary<int, string>
            {
                [0] = "/dev/null", [1] = "socket:[66834]", [2] = "/tmp/ssa.err", [3] = "socket:[66834]",
            },
            report.Fds);
    }

    [Fact]
    public void Script_reports_to_fd_3_only_when_asked()
    {
        Assert.StartsWith("#!/bin/sh\nexec >&3\necho \"PID=$$\"\n", AcceptTests.FdCheckScript(redirectToFd3: true));
        Assert.StartsWith("#!/bin/sh\necho \"PID=$$\"\n", AcceptTests.FdCheckScript(redirectToFd3: false));
    }
}
