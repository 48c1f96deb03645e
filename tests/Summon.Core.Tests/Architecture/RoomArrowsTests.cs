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
        ["Text"] = ["Posix"],
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

    /// <summary>The rooms of Summon.Core the CLI (src/Summon) may use; of Manager only the daemon's entry type.</summary>
    private static readonly string[] CliRooms = ["Control", "Install", "Units", "Journal", "Processes", "Posix", "Text"];

    /// <summary>
    /// What the CLI may use of Journal: its reader and the records it returns, and journalctl's maintenance (disk usage,
    /// vacuum); nothing of the storage or the writer.
    /// </summary>
    private static readonly string[] JournalReaderApi =
    [
        "Summon.Journal.JournalReader", "Summon.Journal.JournalQuery", "Summon.Journal.JournalEntry", "Summon.Journal.SyslogPriority",
        "Summon.Journal.JournalUnreadableException", "Summon.Journal.JournalDiskUsage", "Summon.Journal.JournalVacuum", "Summon.Journal.JournalVacuumResult",
    ];

    [Fact]
    public void The_cli_uses_the_manager_only_through_ManagerHost_and_the_journal_only_through_its_reader()
    {
        using var module = ModuleDefinition.ReadModule(CliAssembly());
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (user, used) in TypeReferences.Of(module))
        {
            string ns = TypeReferences.NamespaceOf(used);
            string name = Outermost(used).FullName;
            if (ns.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal) || (ns == "Summon.Journal" && !JournalReaderApi.Contains(name)))
                violations.Add($"{user.FullName} uses {name}");
            else if (used.Scope.Name.StartsWith("Summon.Core", StringComparison.Ordinal) && RoomOf(ns) is { } room
                && !CliRooms.Contains(room) && name != "Summon.Manager.ManagerHost")
                violations.Add($"Cli → {room}: {user.FullName} uses {name}");
        }
        Assert.True(violations.Count == 0, $"{violations.Count} uses against the arrows:\n" + string.Join('\n', violations));
    }

    /// <summary>summon.dll as built beside this test assembly (same configuration; the project reference builds it first).</summary>
    private static string CliAssembly()
    {
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;   // bin/<configuration>/net10.0
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string bin = Path.Combine(dir.FullName, "src", "Summon", "bin", configuration);
            if (Directory.Exists(bin))
                return Directory.EnumerateFiles(bin, "summon.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).First();
        }
        throw new InvalidOperationException($"src/Summon/bin/{configuration} not found above {AppContext.BaseDirectory}");
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is { } outer)
            type = outer;
        return type;
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
