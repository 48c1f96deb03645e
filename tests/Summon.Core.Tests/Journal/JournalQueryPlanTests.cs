using Summon.Journal;

namespace Summon.Core.Tests.Journal;

/// <summary>
/// The queries the CLI runs most (<c>-u UNIT -n N</c>, <c>-n N</c>, <c>--since</c>) must be index range scans read
/// from the end, never a scan plus sort of the whole table, so they stay cheap with millions of rows.
/// </summary>
public sealed class JournalQueryPlanTests : IDisposable
{
    private readonly TempStateDirectory state = new();

    public void Dispose() => state.Dispose();

    public static TheoryData<string[]?, int?, bool, bool, string> Cases => new()
    {
        // units, -n, since, priority, expected index in the plan
        { ["demo-echo.socket"], 10, false, false, "USING INDEX entries_unit_time (unit=?)" },
        { ["demo-echo.socket"], 10, true, false, "USING INDEX entries_unit_time (unit=? AND time>?)" },
        { ["demo-echo.socket"], 10, true, true, "USING INDEX entries_unit_time (unit=? AND time>?)" },
        { ["demo-echo.socket"], null, false, false, "USING INDEX entries_unit_time (unit=?)" },
        { null, 10, false, false, "USING INDEX entries_time" },
        { null, 10, true, false, "USING INDEX entries_time (time>?)" },
        { null, null, true, false, "USING INDEX entries_time (time>?)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Query_UsesIndexWithoutSorting(string[]? units, int? lines, bool since, bool priority, string expected)
    {
        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions()))
        {
            writer.Append(new JournalEntry(DateTimeOffset.UnixEpoch, "demo-echo.socket", "summon", 1, 6, "x"));
        }

        using var reader = JournalReader.TryOpen(state.Path)!;
        var plan = reader.Explain(new JournalQuery(units, lines, since ? DateTimeOffset.UnixEpoch : null, priority ? 6 : null));
        Assert.Contains(expected, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    [Fact]
    public void Follow_query_is_a_rowid_range_whatever_the_unit_filter()
    {
        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions()))
        {
            writer.Append(new JournalEntry(DateTimeOffset.UnixEpoch, "demo-echo.socket", "summon", 1, 6, "x"));
        }

        using var reader = JournalReader.TryOpen(state.Path)!;
        var plan = reader.Explain(new JournalQuery(["demo-echo.socket", "b.service"], AfterCursor: 1, MaxPriority: 6));
        Assert.Contains("INTEGER PRIMARY KEY (rowid>?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }
}
