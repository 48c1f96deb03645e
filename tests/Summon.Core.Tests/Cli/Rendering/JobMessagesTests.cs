using Summon.Cli.Rendering;
using Summon.Control;

namespace Summon.Core.Tests.Cli.Rendering;

/// <summary>What the CLI prints for a failed job, and its exit code, as systemctl 252 words them.</summary>
public sealed class JobMessagesTests
{
    public static TheoryData<string, object, string, int> Cases => new()
    {
        { ControlMethods.Start, new JobError("a.service", JobFailure.UnitFailed, "timeout"), "Job for a.service failed because a timeout was exceeded.\nSee \"summon status a.service\" and \"summon journal -xeu a.service\" for details.", 1 },
        { ControlMethods.Start, new JobError("a.service", JobFailure.UnitFailed, "exit-code"), "Job for a.service failed because the control process exited with error code.\nSee \"summon status a.service\" and \"summon journal -xeu a.service\" for details.", 1 },
        { ControlMethods.Start, new JobError("a.service", JobFailure.UnitFailed, "start-limit-hit"), "Job for a.service failed because start of the service was attempted too often.\nSee \"summon status a.service\" and \"summon journal -xeu a.service\" for details.", 1 },
        { ControlMethods.Start, new JobError("a.service", JobFailure.UnitFailed, "protocol"), "Job for a.service failed because the service did not take the steps required by its unit configuration.\nSee \"summon status a.service\" and \"summon journal -xeu a.service\" for details.", 1 },
        { ControlMethods.Start, new JobError("a.socket", JobFailure.UnitFailed, "resources"), "Job for a.socket failed because of unavailable resources or another system error.\nSee \"summon status a.socket\" and \"summon journal -xeu a.socket\" for details.", 1 },
        { ControlMethods.Start, new JobError("a.service", JobFailure.UnitFailed, "signal"), "Job for a.service failed because a fatal signal was delivered to the control process.\nSee \"summon status a.service\" and \"summon journal -xeu a.service\" for details.", 1 },
        { ControlMethods.Start, new JobError("a.service", JobFailure.UnitFailed, "watchdog"), "Job for a.service failed.\nSee \"summon status a.service\" and \"summon journal -xeu a.service\" for details.", 1 },
        { ControlMethods.Start, new JobError("foo.socket", JobFailure.NotFound), "Failed to start foo.socket: Unit foo.socket not found.", 5 },
        { ControlMethods.Restart, new JobError("foo.socket", JobFailure.NotFound), "Failed to start foo.socket: Unit foo.socket not found.", 5 },
        { ControlMethods.Start, new JobError("m.service", JobFailure.Masked), "Failed to start m.service: Unit m.service is masked.", 1 },
        { ControlMethods.Start, new JobError("x.target", JobFailure.UnsupportedType), "Failed to start x.target: Unit type not supported.", 1 },
        { ControlMethods.Start, new JobError("broken.socket", JobFailure.BadSetting), "Failed to start broken.socket: Unit broken.socket has a bad unit file setting.\nSee system logs and 'summon status broken.socket' for details.", 1 },
        { ControlMethods.Start, new JobError("t@.service", JobFailure.MissingInstance), "Failed to start t@.service: Unit name t@.service is missing the instance name.", 1 },
        { ControlMethods.Start, new JobError("bad", JobFailure.InvalidName), "Invalid unit name \"bad\" escaped as \"bad\".", 1 },
        { ControlMethods.Stop, new JobError("none.service", JobFailure.NotLoaded), "Failed to stop none.service: Unit none.service not loaded.", 5 },
        { ControlMethods.ReloadUnit, new JobError("r.service", JobFailure.NotActive), "Failed to reload r.service: Unit r.service is not active.", 1 },
        { ControlMethods.ReloadUnit, new JobError("r.service", JobFailure.NotApplicable), "Failed to reload r.service: Job type reload is not applicable for unit r.service.", 1 },
        { ControlMethods.ReloadUnit, new JobError("r.service", JobFailure.Canceled), "Job for r.service canceled.", 1 },
        { ControlMethods.Kill, new JobError("k.service", JobFailure.NoProcesses), "Failed to kill unit k.service: No main processes to kill", 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_failure_is_worded_as_systemctl_words_it_with_its_exit_code(string method, object error, string text, int exitCode) =>
        Assert.Equal((text, exitCode), JobMessages.Describe(method, (JobError)error));

    [Fact]
    public void Every_failure_has_its_own_wording()
    {
        var texts = Enum.GetValues<JobFailure>().Select(f => JobMessages.Describe(ControlMethods.Start, new JobError("u.service", f, "timeout")).Text).ToList();
        Assert.Equal(texts.Count, texts.Distinct().Count());
    }
}
