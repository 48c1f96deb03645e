using Summon.Manager;
using Summon.Tests.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// The privilege prefixes of a command line ('+', '!', '!!') and PermissionsStartOnly=, as the spawn requests the
/// manager hands its launcher show them: who the child switches to.
/// </summary>
public sealed class ExecPrefixTests : IDisposable
{
    private readonly FakeProcessLauncher _processes = new();
    private readonly ManagerHarness _h;

    public ExecPrefixTests() => _h = new ManagerHarness(_processes);

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Plus_and_bang_skip_User_while_double_bang_and_no_prefix_apply_it()
    {
        _h.WriteUnit("p.service", """
            [Service]
            Type=oneshot
            User=nobody
            SupplementaryGroups=nogroup
            ExecStartPre=+/fake/plus
            ExecStartPre=!/fake/bang
            ExecStartPre=!!/fake/bangbang
            ExecStartPre=/fake/plain
            ExecStart=/fake/main
            """);
        _h.Manager.StartJob("p.service");
        for (int i = 0; i < 5; i++)
        {
            Assert.True(_h.PumpUntil(() => _processes.Started.Count == i + 1 && _processes.Last!.Alive));
            _processes.Last!.Exit(0);
        }
        var who = _processes.Started.Select(p => (p.Request!.Path, p.Request.Uid, p.Request.SupplementaryGroups is null)).ToList();
        Assert.Equal(
            [("/fake/plus", null, true), ("/fake/bang", null, true), ("/fake/bangbang", 65534u, false), ("/fake/plain", 65534u, false), ("/fake/main", 65534u, false)],
            who);
        // The user's environment stays for a command that does not switch to it (systemd resolves User= anyway).
        Assert.Contains("USER=nobody", _processes.Started[0].Request!.Environment);
    }

    [Fact]
    public void PermissionsStartOnly_runs_every_command_but_the_main_one_as_the_manager()
    {
        _h.WriteUnit("pso.service", """
            [Service]
            User=nobody
            PermissionsStartOnly=yes
            ExecStartPre=/fake/pre
            ExecStart=/fake/main
            ExecStartPost=/fake/post
            ExecStop=/fake/stop
            ExecStopPost=/fake/stop-post
            """);
        _h.Manager.StartJob("pso.service");
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 1));
        _processes.Last!.Exit(0);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 3));   // main, then start-post beside it
        _processes.Last!.Exit(0);
        Assert.True(_h.PumpUntil(() => _h.Service("pso.service").ActiveState == UnitActiveState.Active));
        _h.Manager.StopJob("pso.service");
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 4));
        _processes.Last!.Exit(0);
        _processes.Started[1].Exit(0);
        Assert.True(_h.PumpUntil(() => _processes.Started.Count == 5));
        _processes.Last!.Exit(0);
        var who = _processes.Started.Select(p => (p.Request!.Path, p.Request.Uid)).ToList();
        Assert.Equal([("/fake/pre", null), ("/fake/main", 65534u), ("/fake/post", null), ("/fake/stop", null), ("/fake/stop-post", null)], who);
    }
}
