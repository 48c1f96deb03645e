using System.Net;
using Summon.Manager;
using Summon.Posix;
using Summon.Units;

namespace Summon.Core.Tests.Manager;

/// <summary>What a daemon-reload decides for a bound socket (<see cref="SocketReloadPlan"/>): kept, bound, closed lines
/// and the options applied in place or left for a restart.</summary>
public sealed class SocketReloadPlanTests
{
    private static ListenSpec Tcp(int port) => new(ListenType.Stream, $"127.0.0.1:{port}", ListenAddress.Inet(IPAddress.Loopback, port));

    private static SocketSection Section(params ListenSpec[] listen)
    {
        var section = new SocketSection();
        section.Listen.AddRange(listen);
        return section;
    }

    [Fact]
    public void Unchanged_lines_keep_their_listeners_and_nothing_else_happens()
    {
        var before = Section(Tcp(1), Tcp(2));
        var plan = SocketReloadPlan.Make(before, Section(Tcp(1), Tcp(2)), [Tcp(1), Tcp(2)]);
        Assert.Equal([(Tcp(1), 0), (Tcp(2), 1)], plan.Slots);
        Assert.Empty(plan.Closed);
        Assert.False(plan.ChangesAnything);
    }

    [Fact]
    public void A_moved_line_is_bound_anew_and_the_old_one_closed_while_the_other_is_kept()
    {
        var plan = SocketReloadPlan.Make(Section(Tcp(1), Tcp(2)), Section(Tcp(3), Tcp(2)), [Tcp(1), Tcp(2)]);
        Assert.Equal([(Tcp(3), -1), (Tcp(2), 1)], plan.Slots);
        Assert.Equal([0], plan.Closed);
        Assert.True(plan.MovesListeners);
    }

    [Fact]
    public void A_new_order_keeps_every_fd_but_counts_as_a_move_for_the_fd_order_a_service_gets()
    {
        var plan = SocketReloadPlan.Make(Section(Tcp(1), Tcp(2)), Section(Tcp(2), Tcp(1)), [Tcp(1), Tcp(2)]);
        Assert.Equal([(Tcp(2), 1), (Tcp(1), 0)], plan.Slots);
        Assert.Empty(plan.Closed);
        Assert.True(plan.MovesListeners);
    }

    [Fact]
    public void A_repeated_line_keeps_one_listener_per_occurrence_and_an_unsupported_line_is_left_out()
    {
        var special = new ListenSpec(ListenType.Special, "/dev/x", null);
        var plan = SocketReloadPlan.Make(Section(Tcp(1)), Section(Tcp(1), special, Tcp(1)), [Tcp(1)]);
        Assert.Equal([(Tcp(1), 0), (Tcp(1), -1)], plan.Slots);
    }

    [Fact]
    public void Options_a_bound_socket_takes_apply_in_place_and_the_others_wait_for_a_restart()
    {
        var before = Section(Tcp(1));
        var after = Section(Tcp(1));
        after.Backlog = 16;
        after.ReusePort = true;
        after.SocketMode = Convert.ToUInt32("600", 8);
        after.NoDelay = true;
        after.BindIPv6Only = BindIPv6Only.Ipv6Only;
        after.FreeBind = true;
        var plan = SocketReloadPlan.Make(before, after, [Tcp(1)]);
        Assert.Equal((0, true, true, true, true, false), (plan.Slots[0].Kept, plan.Relisten, plan.ReusePort, plan.Mode, plan.Options, plan.MovesListeners));
        Assert.Equal(["BindIPv6Only=", "FreeBind="], plan.AtRestart);
    }

    [Fact]
    public void An_owner_and_a_filter_apply_in_place_when_set_and_wait_for_a_restart_when_dropped()
    {
        var owned = Section(Tcp(1));
        owned.SocketUser = "nobody";
        owned.IPAddressDeny.Add(new IpAddressPrefix(IPAddress.Any, 0));
        var plain = Section(Tcp(1));
        var set = SocketReloadPlan.Make(plain, owned, [Tcp(1)]);
        Assert.Equal((true, true), (set.Owner, set.Filter));
        Assert.Empty(set.AtRestart);
        var dropped = SocketReloadPlan.Make(owned, plain, [Tcp(1)]);
        Assert.Equal((false, false), (dropped.Owner, dropped.Filter));
        Assert.Equal(["IPAddressDeny=", "SocketUser="], dropped.AtRestart);
    }
}
