using Microsoft.Extensions.Logging;
using Summon.Manager.Sandbox;
using Summon.Units;

namespace Summon.Core.Tests.Manager.Sandbox;

/// <summary>The mode each start is built with, and the one journal line per start naming what best-effort left out.</summary>
public sealed class SandboxPolicyTests
{
    private static readonly SandboxEnvironment NoMounts = SandboxEnvironment.Full with { MountNamespaces = false, CapSysAdmin = false };

    [Theory]
    [InlineData("strict", null, "strict")]
    [InlineData("best-effort", null, "best-effort")]
    [InlineData("strict", "best-effort", "best-effort")]
    [InlineData("best-effort", "strict", "strict")]
    public void TheUnitsFallbackWinsOverTheManagers(string manager, string? unit, string expected)
    {
        var policy = new SandboxPolicy(NoMounts, Mode(manager), userManager: false);
        var context = policy.ContextFor(new ServiceSection
        {
            SandboxFallback = unit switch { null => null, "strict" => SandboxFallback.Strict, _ => SandboxFallback.BestEffort },
        });
        Assert.Equal(Mode(expected), context.Mode);
        Assert.Same(NoMounts, context.Environment);
        Assert.Empty(context.NotApplied);
    }

    private static SandboxMode Mode(string text) => text == "strict" ? SandboxMode.Strict : SandboxMode.BestEffort;

    [Fact]
    public void TheDowngradeIsLoggedOncePerStart()
    {
        var log = new ListLogger();
        var policy = new SandboxPolicy(NoMounts, SandboxMode.BestEffort, userManager: false);
        for (int command = 0; command < 3; command++)   // ExecStartPre=, ExecStart=, ExecStartPost= of one start
        {
            var context = policy.ContextFor(new ServiceSection());
            context.NotApplied.Add("ProtectSystem=strict (no mount namespace here)");
            context.NotApplied.Add("PrivateTmp=yes (no mount namespace here)");
            policy.Report(log, "a.service", "invocation-1", context);
        }
        var next = policy.ContextFor(new ServiceSection());
        next.NotApplied.Add("ProtectSystem=strict (no mount namespace here)");
        policy.Report(log, "a.service", "invocation-2", next);

        Assert.Equal(
        [
            "Warning a.service: sandbox downgraded (best-effort): ProtectSystem=strict (no mount namespace here), PrivateTmp=yes (no mount namespace here)",
            "Warning a.service: sandbox downgraded (best-effort): ProtectSystem=strict (no mount namespace here)",
        ], log.Lines);
    }

    [Fact]
    public void NothingLeftOutIsNotLogged()
    {
        var log = new ListLogger();
        var policy = new SandboxPolicy(SandboxEnvironment.Full, SandboxMode.BestEffort, userManager: false);
        policy.Report(log, "a.service", "invocation-1", policy.ContextFor(new ServiceSection()));
        Assert.Empty(log.Lines);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add($"{logLevel} {formatter(state, exception)}");
    }
}
