using Microsoft.Extensions.Logging;
using Summon.Journal;

namespace Summon.Core.Tests.Journal;

public sealed partial class JournalLoggerProviderTests
{
    private static readonly DateTimeOffset Now = new(2025, 4, 22, 2, 44, 41, TimeSpan.Zero);

    private readonly List<JournalEntry> entries = [];

    private JournalLoggerProvider Provider(LogLevel minimum = LogLevel.Information) => new(entries.Add, minimum, new FixedTime(Now), 1234);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Listening on {UnitStatus}.")]
    private static partial void Listening(ILogger logger, string unitStatus);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "{UNIT}: Failed to listen on sockets: {Reason}")]
    private static partial void FailedToListen(ILogger logger, string unit, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Accepted connection on {Socket}")]
    private static partial void Accepted(ILogger logger, string socket);

    [Fact]
    public void UnitCategory_LandsUnderTheUnit_AsManagerLine()
    {
        using var provider = Provider();
        Listening(provider.CreateLogger("demo-echo.socket"), "demo-echo.socket - Socket unit for demo-echo");
        var entry = Assert.Single(entries);
        Assert.Equal(new JournalEntry(Now, "demo-echo.socket", "summon", 1234, SyslogPriority.Info, "Listening on demo-echo.socket - Socket unit for demo-echo."), entry);
        Assert.True(entry.IsManagerLine);
    }

    [Fact]
    public void UnitPlaceholder_OverridesTheCategory()
    {
        using var provider = Provider();
        FailedToListen(provider.CreateLogger("summon"), "demo-echo.socket", "Address already in use");
        Assert.Equal(
            [new JournalEntry(Now, "demo-echo.socket", "summon", 1234, SyslogPriority.Error, "demo-echo.socket: Failed to listen on sockets: Address already in use")],
            entries);
    }

    public static TheoryData<string, string?> Categories => new()
    {
        { "summon", null },
        { "Summon.Manager.SocketUnitRunner", null },
        { "demo-echo.socket", "demo-echo.socket" },
        { "demo-echo@0-127.0.0.1:9091-127.0.0.1:54321.service", "demo-echo@0-127.0.0.1:9091-127.0.0.1:54321.service" },
        { "sockets.target", "sockets.target" },
        { ".service", null },
        { "socket", null },
    };

    [Theory]
    [MemberData(nameof(Categories))]
    public void Category_MapsToUnit(string category, string? unit)
    {
        using var provider = Provider();
        provider.CreateLogger(category).LogWarning("x");
        Assert.Equal([new JournalEntry(Now, unit, "summon", 1234, SyslogPriority.Warning, "x")], entries);
    }

    public static TheoryData<LogLevel, int> Levels => new()
    {
        { LogLevel.Trace, 7 },
        { LogLevel.Debug, 7 },
        { LogLevel.Information, 6 },
        { LogLevel.Warning, 4 },
        { LogLevel.Error, 3 },
        { LogLevel.Critical, 2 },
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public void LogLevel_MapsToSyslogPriority(LogLevel level, int priority)
    {
        using var provider = Provider(LogLevel.Trace);
        provider.CreateLogger("summon").Log(level, "m");
        Assert.Equal(priority, Assert.Single(entries).Priority);
    }

    [Fact]
    public void BelowMinimumLevel_IsNotWritten()
    {
        using var provider = Provider(LogLevel.Information);
        var logger = provider.CreateLogger("demo-echo.socket");
        Assert.False(logger.IsEnabled(LogLevel.Debug));
        Assert.False(logger.IsEnabled(LogLevel.None));
        Assert.True(logger.IsEnabled(LogLevel.Information));
        Accepted(logger, "demo-echo.socket");
        Assert.Empty(entries);
    }

    [Fact]
    public void Exception_AppendsItsMessage()
    {
        using var provider = Provider();
        provider.CreateLogger("summon").LogError(new IOException("No space left on device"), "Failed to write state");
        Assert.Equal("Failed to write state: No space left on device", Assert.Single(entries).Message);
    }

    [Fact]
    public void CreateLogger_SameCategory_SameLogger()
    {
        using var provider = Provider();
        Assert.Same(provider.CreateLogger("a.service"), provider.CreateLogger("a.service"));
    }

    [Fact]
    public void EndToEnd_ThroughTheWriterIntoTheJournal()
    {
        using var state = new TempStateDirectory();
        using (var writer = JournalWriter.Open(state.Path, new JournalWriterOptions()))
        {
            using var provider = new JournalLoggerProvider(writer);
            Listening(provider.CreateLogger("demo-echo.socket"), "demo-echo.socket - Socket unit for demo-echo");
        }

        using var reader = JournalReader.TryOpen(state.Path)!;
        var entry = Assert.Single(reader.Query(new JournalQuery(Units: ["demo-echo.socket"], Lines: 10)));
        Assert.Equal(("summon", Environment.ProcessId, 6, "Listening on demo-echo.socket - Socket unit for demo-echo."), (entry.Identifier, entry.Pid, entry.Priority, entry.Message));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
