namespace Summon.Manager;

/// <summary>
/// Orders the units started at boot by After=/Before= (a stable topological sort: units without an ordering
/// constraint keep the order they were given). Units on an ordering cycle are kept in the given order, as systemd
/// breaks a cycle by dropping an ordering edge.
/// </summary>
internal static class StartupOrder
{
    /// <param name="names">units in their default order (sockets first)</param>
    /// <param name="after">the After= list of a unit</param>
    /// <param name="before">the Before= list of a unit</param>
    public static List<string> Sort(IReadOnlyList<string> names, Func<string, IEnumerable<string>> after, Func<string, IEnumerable<string>> before)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
            index.TryAdd(names[i], i);
        var predecessors = names.Select(_ => new HashSet<int>()).ToArray();
        for (int i = 0; i < names.Count; i++)
        {
            foreach (var a in after(names[i]))
                if (index.TryGetValue(a, out int j) && j != i)
                    predecessors[i].Add(j);
            foreach (var b in before(names[i]))
                if (index.TryGetValue(b, out int j) && j != i)
                    predecessors[j].Add(i);
        }

        var done = new bool[names.Count];
        var result = new List<string>(names.Count);
        while (result.Count < names.Count)
        {
            bool progressed = false;
            for (int i = 0; i < names.Count; i++)
            {
                if (done[i] || predecessors[i].Any(p => !done[p]))
                    continue;
                done[i] = true;
                result.Add(names[i]);
                progressed = true;
                break;   // restart the scan so earlier units that just became free keep their place
            }
            if (!progressed)
            {
                int next = Array.IndexOf(done, false);   // a cycle: take the first remaining unit
                done[next] = true;
                result.Add(names[next]);
            }
        }
        return result;
    }
}
