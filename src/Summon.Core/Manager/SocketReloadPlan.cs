using Summon.Units;

namespace Summon.Manager;

/// <summary>
/// What a daemon-reload does to a socket that holds listeners: the listeners whose Listen*= line is still there are
/// kept (the very fds), new lines are bound before the lines gone are closed, and each changed option that shapes a
/// bound socket is either applied in place or left for the socket's next start (<see cref="AtRestart"/>).
/// </summary>
internal sealed class SocketReloadPlan
{
    /// <summary>The new Listen*= lines the socket can bind, in their order, each with the index of the listener it keeps
    /// (in the list the plan was made from) or -1 when it is bound anew.</summary>
    public required IReadOnlyList<(ListenSpec Spec, int Kept)> Slots { get; init; }

    /// <summary>The listeners (indices) whose lines are gone: closed once the new ones are bound.</summary>
    public required IReadOnlyList<int> Closed { get; init; }

    /// <summary>Backlog= changed: listen(2) again on each kept stream listener.</summary>
    public bool Relisten { get; init; }

    /// <summary>ReusePort= changed: set on each kept IP listener.</summary>
    public bool ReusePort { get; init; }

    /// <summary>SocketMode= changed: the kept nodes get the new mode.</summary>
    public bool Mode { get; init; }

    /// <summary>SocketUser=/SocketGroup= changed (to someone): the kept nodes get the new owner.</summary>
    public bool Owner { get; init; }

    /// <summary>A setsockopt(2) option changed: the kept listeners get the difference.</summary>
    public bool Options { get; init; }

    /// <summary>IPAddressAllow=/IPAddressDeny= changed and still deny something: the kept IP listeners get the new filter.</summary>
    public bool Filter { get; init; }

    /// <summary>The changed settings a bound socket cannot take (the kernel reads them at bind, or nothing undoes them):
    /// the listeners are kept and a restart of the socket applies them.</summary>
    public required IReadOnlyList<string> AtRestart { get; init; }

    /// <summary>True when the set of listeners changes (a line bound, closed or moved in the order).</summary>
    public bool MovesListeners => Closed.Count > 0 || Slots.Select((s, i) => s.Kept != i).Any(moved => moved);

    /// <summary>True when the reload touches the bound sockets at all.</summary>
    public bool ChangesAnything => MovesListeners || Relisten || ReusePort || Mode || Owner || Options || Filter || AtRestart.Count > 0;

    /// <summary>Can the socket bind this line (the rest are warned about at bind and skipped).</summary>
    public static bool Bindable(ListenSpec spec) => spec.Address is not null || spec.Type == ListenType.Fifo;

    /// <summary>The plan for a socket bound with <paramref name="before"/> whose listeners are <paramref name="bound"/>
    /// (in order), now defined by <paramref name="after"/>.</summary>
    public static SocketReloadPlan Make(SocketSection before, SocketSection after, IReadOnlyList<ListenSpec> bound)
    {
        var used = new bool[bound.Count];
        var slots = new List<(ListenSpec, int)>();
        foreach (var spec in after.Listen.Where(Bindable))
        {
            int kept = -1;
            for (int i = 0; i < bound.Count && kept < 0; i++)
            {
                if (!used[i] && bound[i] == spec)
                    kept = i;
            }
            if (kept >= 0)
                used[kept] = true;
            slots.Add((spec, kept));
        }
        var atRestart = new List<string>();
        if (before.BindIPv6Only != after.BindIPv6Only)
            atRestart.Add("BindIPv6Only=");
        if (before.FreeBind != after.FreeBind)
            atRestart.Add("FreeBind=");
        if (!before.Symlinks.SequenceEqual(after.Symlinks))
            atRestart.Add("Symlinks=");
        bool filterChanged = !before.IPAddressAllow.SequenceEqual(after.IPAddressAllow) || !before.IPAddressDeny.SequenceEqual(after.IPAddressDeny);
        if (filterChanged && after.IPAddressDeny.Count == 0)
            atRestart.Add("IPAddressDeny=");
        bool ownerChanged = before.SocketUser != after.SocketUser || before.SocketGroup != after.SocketGroup;
        if (ownerChanged && after.SocketUser is null && after.SocketGroup is null)
            atRestart.Add("SocketUser=");
        return new SocketReloadPlan
        {
            Slots = slots,
            Closed = Enumerable.Range(0, bound.Count).Where(i => !used[i]).ToList(),
            Relisten = before.Backlog != after.Backlog,
            ReusePort = before.ReusePort != after.ReusePort,
            Mode = before.SocketMode != after.SocketMode,
            Owner = ownerChanged && (after.SocketUser is not null || after.SocketGroup is not null),
            Options = SocketUnit.SocketOptionsOf(before) != SocketUnit.SocketOptionsOf(after),
            Filter = filterChanged && after.IPAddressDeny.Count > 0,
            AtRestart = atRestart,
        };
    }
}
