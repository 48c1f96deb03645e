using Summon.Manager;

namespace Summon.Core.Tests.Manager;

/// <summary>Boot order by After=/Before=: a stable topological sort; cycles keep the given order.</summary>
public sealed class StartupOrderTests
{
    /// <summary>
    /// names (space separated, in default order); constraints "x>y" = x After=y, "x<y" = x Before=y; expected order.
    /// </summary>
    [Theory]
    [InlineData("a b c", "", "a b c")]
    [InlineData("a b c", "a>c", "b c a")]
    [InlineData("a b c", "c<a", "b c a")]                  // Before= on the other side is the same edge
    [InlineData("a b c", "a>b b>c", "c b a")]
    [InlineData("a b c", "c<b b<a", "c b a")]
    [InlineData("a b c d", "b>d", "a c d b")]              // a and c keep their places
    [InlineData("x.socket y.socket x.service", "x.service>x.socket", "x.socket y.socket x.service")]
    [InlineData("a b", "a>b b>a", "a b")]                  // a cycle: given order
    [InlineData("x a b", "a>b b>a", "x a b")]
    [InlineData("a b c", "a>b b>c c>a", "a c b")]          // the cycle is broken at a; c (after a) then b (after c)
    [InlineData("a b c", "a>zzz", "a b c")]                // units not being started are ignored
    [InlineData("a b c", "a>a b<b", "a b c")]              // self references too
    [InlineData("a b c", "a>c a>c c<a", "b c a")]          // duplicates count once
    [InlineData("d c b a", "a<b b<c c<d", "a b c d")]
    public void Sorts(string names, string constraints, string expected)
    {
        var after = new Dictionary<string, List<string>>();
        var before = new Dictionary<string, List<string>>();
        foreach (var c in constraints.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            bool isAfter = c.Contains('>');
            var parts = c.Split(isAfter ? '>' : '<');
            var map = isAfter ? after : before;
            if (!map.TryGetValue(parts[0], out var list))
                map[parts[0]] = list = [];
            list.Add(parts[1]);
        }

        var sorted = StartupOrder.Sort(names.Split(' '), n => after.GetValueOrDefault(n) ?? [], n => before.GetValueOrDefault(n) ?? []);
        Assert.Equal(expected, string.Join(' ', sorted));
    }
}
