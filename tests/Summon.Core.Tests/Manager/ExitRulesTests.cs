using Summon.Control;
using Summon.Manager;
using Summon.Posix;
using Summon.Processes;
using Summon.Units;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// systemd's is_clean_exit(), service result from a wait status, and service_shall_restart() with
/// RestartPreventExitStatus=/RestartForceExitStatus= (systemd.service(5), exit-status.c, service.c).
/// </summary>
public sealed class ExitRulesTests
{
    private const string Exited = "exited", Killed = "killed", Dumped = "dumped";

    private static ExitStatus Status(string code, int status) => new(code switch
    {
        Exited => ExitCode.Exited,
        Killed => ExitCode.Killed,
        _ => ExitCode.Dumped,
    }, status);

    private static ServiceSection Settings(string successExitStatus = "", ServiceRestart restart = ServiceRestart.No,
        string prevent = "", string force = "")
    {
        var s = new ServiceSection { Restart = restart };
        s.SuccessExitStatus.AddRange(successExitStatus.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        s.RestartPreventExitStatus.AddRange(prevent.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        s.RestartForceExitStatus.AddRange(force.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return s;
    }

    /// <summary>code, status, SuccessExitStatus=, clean as main process of a daemon, clean as a command.</summary>
    public static TheoryData<string, int, string, bool, bool> CleanExits => new()
    {
        { Exited, 0, "", true, true },
        { Exited, 1, "", false, false },
        { Exited, 255, "", false, false },
        { Exited, 1, "1", true, true },
        { Exited, 1, "01", true, true },                   // safe_atou8
        { Exited, 2, "1 3", false, false },
        { Exited, 3, "1 3", true, true },
        { Exited, 75, "TEMPFAIL", true, true },            // systemd.service(5)'s example: exit status names
        { Exited, 250, "TEMPFAIL 250 SIGKILL", true, true },
        { Exited, 203, "EXEC", true, true },
        { Exited, 6, "NOTCONFIGURED", true, true },        // LSB name
        { Exited, 76, "TEMPFAIL", false, false },
        { Exited, 10, "SIGUSR1", false, false },           // a signal name never matches an exit code
        { Exited, 10, "USR1", false, false },
        { Killed, Signals.SIGKILL, "TEMPFAIL 250 SIGKILL", true, true },
        { Killed, Signals.SIGKILL, "", false, false },
        { Killed, Signals.SIGHUP, "", true, false },       // a daemon without handlers for these exits cleanly
        { Killed, Signals.SIGINT, "", true, false },
        { Killed, Signals.SIGTERM, "", true, false },
        { Killed, Signals.SIGPIPE, "", true, false },
        { Killed, Signals.SIGQUIT, "", false, false },
        { Killed, Signals.SIGUSR1, "", false, false },
        { Killed, Signals.SIGUSR1, "SIGUSR1", true, true },
        { Killed, Signals.SIGUSR1, "USR1", true, true },
        { Killed, Signals.SIGUSR2, "SIGUSR1", false, false },
        { Killed, Signals.SIGUSR1, "10", false, false },   // numbers are exit statuses, never signals
        { Killed, Signals.SIGRTMIN + 3, "RTMIN+3", true, true },
        { Dumped, Signals.SIGABRT, "", false, false },
        { Dumped, Signals.SIGABRT, "SIGABRT", false, false },   // a core dump is never clean
        { Dumped, Signals.SIGSEGV, "SIGSEGV 0", false, false },
        { Dumped, Signals.SIGTERM, "", false, false },
    };

    [Theory]
    [MemberData(nameof(CleanExits))]
    public void Clean_exits(string code, int status, string successExitStatus, bool cleanForDaemon, bool cleanForCommand)
    {
        var settings = Settings(successExitStatus);
        Assert.Equal(
            (cleanForDaemon, cleanForCommand),
            (ExitRules.IsClean(Status(code, status), settings, mainProcess: true), ExitRules.IsClean(Status(code, status), settings, mainProcess: false)));
    }

    [Theory]
    [InlineData(Exited, 0, true)]
    [InlineData(Exited, 1, false)]
    [InlineData(Killed, Signals.SIGTERM, true)]
    [InlineData(Killed, Signals.SIGKILL, false)]
    public void Without_settings_only_the_defaults_are_clean(string code, int status, bool clean) =>
        Assert.Equal(clean, ExitRules.IsClean(Status(code, status), null, mainProcess: true));

    [Theory]
    [InlineData(Exited, 0, "exit-code")]
    [InlineData(Exited, 1, "exit-code")]
    [InlineData(Killed, Signals.SIGKILL, "signal")]
    [InlineData(Killed, Signals.SIGTERM, "signal")]
    [InlineData(Dumped, Signals.SIGSEGV, "core-dump")]
    public void Result_of_an_unclean_exit(string code, int status, string result) =>
        Assert.Equal(result, ExitRules.Result(Status(code, status)));

    private static readonly ServiceRestart[] Policies =
    [
        ServiceRestart.No, ServiceRestart.Always, ServiceRestart.OnSuccess, ServiceRestart.OnFailure,
        ServiceRestart.OnAbnormal, ServiceRestart.OnAbort, ServiceRestart.OnWatchdog,
    ];

    /// <summary>
    /// systemd.service(5) Table 2, one row per exit cause; the columns are no, always, on-success, on-failure,
    /// on-abnormal, on-abort, on-watchdog ('X' restarts). The rows after the table's five follow service.c for the
    /// results the table leaves out: on-abnormal restarts for every result but success and exit-code.
    /// </summary>
    public static TheoryData<string, string, string?, int, string> RestartMatrix => new()
    {
        // cause, result, main exit code (null: no main exit status), status, expected
        { "clean exit code", UnitResult.Success, Exited, 0, "-XX----" },
        { "clean signal", UnitResult.Success, Killed, Signals.SIGTERM, "-XX----" },
        { "clean by SuccessExitStatus=", UnitResult.Success, Exited, 42, "-XX----" },
        { "unclean exit code", UnitResult.ExitCode, Exited, 1, "-X-X---" },
        { "unclean signal", UnitResult.Signal, Killed, Signals.SIGKILL, "-X-XXX-" },
        { "core dump", UnitResult.CoreDump, Dumped, Signals.SIGSEGV, "-X-XXX-" },
        { "timeout", UnitResult.Timeout, null, 0, "-X-XX--" },
        { "timeout, killed by SIGKILL", UnitResult.Timeout, Killed, Signals.SIGKILL, "-X-XX--" },
        { "watchdog", UnitResult.Watchdog, Killed, Signals.SIGABRT, "-X-XX-X" },
        { "resources", UnitResult.Resources, null, 0, "-X-XX--" },
        { "protocol", "protocol", Exited, 0, "-X-XX--" },
    };

    [Theory]
    [MemberData(nameof(RestartMatrix))]
    public void Restart_matrix(string cause, string result, string? code, int status, string expected)
    {
        ExitStatus? exit = code is null ? null : Status(code, status);
        string actual = string.Concat(Policies.Select(p => ExitRules.ShouldRestart(Settings(restart: p), result, exit) ? 'X' : '-'));
        Assert.True(expected == actual, $"{cause}: expected {expected}, got {actual}");
    }

    /// <summary>Restart=, RestartPreventExitStatus=, RestartForceExitStatus=, result, main exit → restart.</summary>
    public static TheoryData<object, string, string, string, string?, int, bool> PreventAndForce => new()
    {
        { ServiceRestart.Always, "1", "", UnitResult.ExitCode, Exited, 1, false },
        { ServiceRestart.Always, "1", "", UnitResult.ExitCode, Exited, 2, true },
        { ServiceRestart.Always, "0", "", UnitResult.Success, Exited, 0, false },
        { ServiceRestart.Always, "TEMPFAIL", "", UnitResult.ExitCode, Exited, 75, false },
        { ServiceRestart.Always, "SIGKILL", "", UnitResult.Signal, Killed, Signals.SIGKILL, false },
        { ServiceRestart.Always, "SIGKILL", "", UnitResult.Signal, Killed, Signals.SIGINT, true },
        { ServiceRestart.Always, "SIGABRT", "", UnitResult.CoreDump, Dumped, Signals.SIGABRT, false },  // exit_status_set_test covers dumps
        { ServiceRestart.Always, "9", "", UnitResult.Signal, Killed, Signals.SIGKILL, true },           // 9 is an exit status
        { ServiceRestart.OnFailure, "SIGTERM", "", UnitResult.Success, Killed, Signals.SIGTERM, false },
        { ServiceRestart.Always, "1", "", UnitResult.Timeout, null, 0, true },                          // no main exit status
        { ServiceRestart.No, "", "3", UnitResult.ExitCode, Exited, 3, true },
        { ServiceRestart.No, "", "3", UnitResult.ExitCode, Exited, 4, false },
        { ServiceRestart.No, "", "0", UnitResult.Success, Exited, 0, true },
        { ServiceRestart.OnSuccess, "", "3", UnitResult.ExitCode, Exited, 3, true },
        { ServiceRestart.No, "", "SIGUSR1", UnitResult.Signal, Killed, Signals.SIGUSR1, true },
        { ServiceRestart.No, "", "TEMPFAIL", UnitResult.ExitCode, Exited, 75, true },
        { ServiceRestart.No, "", "3", UnitResult.Timeout, null, 0, false },
        { ServiceRestart.No, "3", "3", UnitResult.ExitCode, Exited, 3, false },                         // prevent wins over force
        { ServiceRestart.Always, "3", "3", UnitResult.ExitCode, Exited, 3, false },
    };

    [Theory]
    [MemberData(nameof(PreventAndForce))]
    // Summon's types are internal and xunit calls public methods: the value comes in as object.
    public void Restart_prevent_and_force_exit_status(object restartValue, string prevent, string force, string result, string? code, int status, bool expected)
    {
        var restart = (ServiceRestart)restartValue;
        ExitStatus? exit = code is null ? null : Status(code, status);
        Assert.Equal(expected, ExitRules.ShouldRestart(Settings(restart: restart, prevent: prevent, force: force), result, exit));
    }
}
