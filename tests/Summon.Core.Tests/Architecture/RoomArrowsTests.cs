using Mono.Cecil;

namespace Summon.Core.Tests.Architecture;

/// <summary>
/// The rooms of Summon.Core (docs/architecture.md) and the only arrows between them, checked on the compiled
/// assembly: a type may use its own room and the rooms listed for it, nothing else. A new arrow is a design change:
/// change docs/architecture.md and this table together.
/// </summary>
public sealed class RoomArrowsTests
{
    /// <summary>Room → the rooms it may use (besides itself).</summary>
    internal static readonly Dictionary<string, string[]> Arrows = new(StringComparer.Ordinal)
    {
        ["Posix"] = [],
        ["Text"] = [],
        ["Units"] = ["Posix", "Text"],
        ["Interop"] = ["Posix"],
        ["Sockets"] = ["Interop", "Posix", "Text"],
        ["Processes"] = ["Interop", "Posix", "Text"],
        ["Journal"] = ["Interop", "Posix", "Text"],
        ["Control"] = ["Sockets", "Interop", "Posix", "Text"],
        ["Install"] = ["Units", "Posix", "Text"],
        ["Manager"] = ["Units", "Install", "Sockets", "Processes", "Journal", "Control", "Interop", "Posix", "Text"],
    };

    [Fact]
    public void Every_type_of_Summon_Core_uses_only_its_own_room_and_the_rooms_its_room_may_use()
    {
        using var module = ModuleDefinition.ReadModule(typeof(Summon.Manager.UnitManager).Assembly.Location);
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (user, used) in TypeReferences.Of(module))
        {
            if (RoomOf(user.Namespace) is not { } from || RoomOf(TypeReferences.NamespaceOf(used)) is not { } to || from == to)
                continue;
            if (!Arrows.TryGetValue(from, out var allowed))
                violations.Add($"{user.FullName}: room {from} is not in the table");
            else if (!allowed.Contains(to))
                violations.Add($"{from} → {to}: {user.FullName} uses {used.FullName}");
        }
        Assert.True(violations.Count == 0, $"{violations.Count} uses against the arrows:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void The_table_knows_every_room_of_Summon_Core()
    {
        using var module = ModuleDefinition.ReadModule(typeof(Summon.Manager.UnitManager).Assembly.Location);
        var rooms = module.Types.Select(t => RoomOf(t.Namespace)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Arrows.Keys.Order(StringComparer.Ordinal), rooms.Order(StringComparer.Ordinal));
    }

    /// <summary>"Summon.Manager.Exec" → "Manager"; null for what is not Summon's own (compiler and runtime types).</summary>
    internal static string? RoomOf(string ns)
    {
        if (!ns.StartsWith("Summon.", StringComparison.Ordinal))
            return null;
        int end = ns.IndexOf('.', "Summon.".Length);
        return end < 0 ? ns["Summon.".Length..] : ns["Summon.".Length..end];
    }
}
