using Summon.IntegrationTests.Harness;

namespace Summon.IntegrationTests;

/// <summary>
/// The dependency reactions with the published binary and real processes: BindsTo= stops the binding unit when the
/// bound unit's process dies, OnFailure= starts a handler named after the failed unit, OnSuccess=, Upholds= starts a
/// killed unit again, StopWhenUnneeded= stops a unit its last user left, and FailureAction=exit ends the manager
/// with the unit's exit status.
/// </summary>
public sealed class DependencyReactionTests
{
    private static int MainPid(TempRoot root, string unit) => int.Parse(Cli.ShowOne(root, unit, "MainPID"), System.Globalization.CultureInfo.InvariantCulture);

    private static void Start(TempRoot root, DaemonProcess daemon, string unit)
    {
        CommandResult result = Cli.Run(root, "start", unit);
        Assert.True(result.ExitCode == 0, result + "\n[log]\n" + daemon.Log);
    }

    [Fact]
    public async Task BindsTo_stops_the_binding_unit_when_the_bound_units_process_is_killed()
    {
        using var root = new TempRoot();
        root.WriteUnit("bound.service", "[Service]\nExecStart=/bin/sleep infinity\n");
        root.WriteUnit("binder.service", "[Unit]\nBindsTo=bound.service\nAfter=bound.service\n[Service]\nExecStart=/bin/sleep infinity\n");
        using var daemon = await DaemonProcess.StartAsync(root);
        Start(root, daemon, "bound.service");
        Start(root, daemon, "binder.service");
        int binderPid = MainPid(root, "binder.service");

        Signals.Send(MainPid(root, "bound.service"), Signals.SIGKILL);

        Assert.Equal("inactive", await Wait.ForAsync(() => Cli.IsActive(root, "binder.service"), s => s == "inactive"));
        Assert.Equal("failed", Cli.IsActive(root, "bound.service"));
        Assert.False(File.Exists($"/proc/{binderPid}/stat"), "the binding unit's process is still there");
        Assert.Contains("binder.service: Unit is stopped because bound to inactive unit bound.service.", daemon.Log);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task OnFailure_starts_the_handler_instance_named_after_the_failed_unit_and_OnSuccess_its_unit()
    {
        using var root = new TempRoot();
        string handled = Path.Combine(root.Dir, "handled");
        string succeeded = Path.Combine(root.Dir, "succeeded");
        root.WriteUnit("notify-failure@.service", $"[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo %i >> {handled}'\n");
        root.WriteUnit("worker.service", "[Unit]\nOnFailure=notify-failure@%n.service\n[Service]\nType=oneshot\nExecStart=/bin/false\n");
        root.WriteUnit("after.service", $"[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo done >> {succeeded}'\n");
        root.WriteUnit("job.service", "[Unit]\nOnSuccess=after.service\nOnFailure=notify-failure@%n.service\n[Service]\nType=oneshot\nExecStart=/bin/true\n");
        using var daemon = await DaemonProcess.StartAsync(root);

        Assert.Equal(
            new Dictionary<string, string> { ["OnFailure"] = "notify-failure@worker.service.service", ["OnFailureJobMode"] = "replace", ["BindsTo"] = "" },
            Cli.Show(root, "worker.service", "OnFailure", "OnFailureJobMode", "BindsTo"));

        Assert.NotEqual(0, Cli.Run(root, "start", "worker.service").ExitCode);
        Start(root, daemon, "job.service");

        Assert.True(await Wait.UntilAsync(() => File.Exists(handled) && File.Exists(succeeded)), daemon.Log);
        Assert.Equal(["worker.service"], await Wait.ForAsync(() => File.ReadAllLines(handled), l => l.Length > 0));
        Assert.Equal(["done"], File.ReadAllLines(succeeded));
        Assert.Contains("worker.service: Triggering OnFailure= dependencies.", daemon.Log);
        Assert.Contains("job.service: Triggering OnSuccess= dependencies.", daemon.Log);
        Assert.Equal("inactive", await Wait.ForAsync(() => Cli.IsActive(root, "notify-failure@worker.service.service"), s => s == "inactive"));
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Upholds_starts_the_upheld_unit_again_after_its_process_is_killed()
    {
        using var root = new TempRoot();
        string starts = Path.Combine(root.Dir, "starts");
        root.WriteUnit("upheld.service", $"[Service]\nExecStart=/bin/sh -c 'echo up >> {starts}; exec sleep infinity'\n");
        root.WriteUnit("holder.service", "[Unit]\nUpholds=upheld.service\n[Service]\nExecStart=/bin/sleep infinity\n");
        using var daemon = await DaemonProcess.StartAsync(root);
        Start(root, daemon, "holder.service");
        Assert.Equal("active", await Wait.ForAsync(() => Cli.IsActive(root, "upheld.service"), s => s == "active"));
        int first = await Wait.ForAsync(() => MainPid(root, "upheld.service"), p => p > 0);

        Signals.Send(first, Signals.SIGKILL);

        int second = await Wait.ForAsync(() => MainPid(root, "upheld.service"), p => p > 0 && p != first);
        Assert.NotEqual(first, second);
        Assert.Equal(["up", "up"], await Wait.ForAsync(() => File.ReadAllLines(starts), l => l.Length == 2));
        Assert.Contains("upheld.service: Unit is started because upheld by active unit holder.service.", daemon.Log);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task StopWhenUnneeded_stops_the_unit_once_its_last_user_stops()
    {
        using var root = new TempRoot();
        root.WriteUnit("helper.service", "[Unit]\nStopWhenUnneeded=yes\n[Service]\nExecStart=/bin/sleep infinity\n");
        root.WriteUnit("user.service", "[Unit]\nWants=helper.service\n[Service]\nExecStart=/bin/sleep infinity\n");
        using var daemon = await DaemonProcess.StartAsync(root);
        Start(root, daemon, "user.service");
        Start(root, daemon, "helper.service");
        Assert.Equal("active", Cli.IsActive(root, "helper.service"));

        Assert.Equal(0, Cli.Run(root, "stop", "user.service").ExitCode);

        Assert.Equal("inactive", await Wait.ForAsync(() => Cli.IsActive(root, "helper.service"), s => s == "inactive"));
        Assert.Contains("helper.service: Unit is not needed anymore.", daemon.Log);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task FailureAction_exit_stops_every_unit_and_ends_the_manager_with_the_units_exit_status()
    {
        using var root = new TempRoot();
        root.WriteUnit("bystander.service", "[Service]\nExecStart=/bin/sleep infinity\n");
        root.WriteUnit("critical.service", "[Unit]\nFailureAction=exit\n[Service]\nExecStart=/bin/sh -c 'sleep 0.2; exit 7'\n");
        using var daemon = await DaemonProcess.StartAsync(root);
        Start(root, daemon, "bystander.service");
        int bystander = MainPid(root, "bystander.service");

        Start(root, daemon, "critical.service");

        Assert.True(await Wait.UntilAsync(() => daemon.HasExited, TimeSpan.FromSeconds(30)), daemon.Log);
        Assert.Equal(7, daemon.ExitCode);
        Assert.False(File.Exists($"/proc/{bystander}/stat"), "the bystander's process outlived the manager");
        Assert.Contains("Exiting: unit critical.service failed", daemon.Log);
        Assert.Contains("Stopped bystander.service.", daemon.Log);
    }
}
