using System.Collections;

namespace Summon.Journal;

/// <summary>
/// Logger state for the manager's per-connection lines ("Started X.", "X: Deactivated successfully."): the message
/// already built with one string.Concat, and the unit it is filed under. <see cref="JournalLoggerProvider"/> reads
/// both fields directly (no formatter, no boxing, no walk over the fields); any other logger sees the same key/value
/// view as a [LoggerMessage] state: "Unit" and "{OriginalFormat}".
/// </summary>
internal readonly struct UnitLogLine(string unit, string message, string originalFormat) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public string Unit { get; } = unit;

    public string Message { get; } = message;

    public string OriginalFormat { get; } = originalFormat;

    /// <summary>The formatter argument of ILogger.Log: the prepared message.</summary>
    public static readonly Func<UnitLogLine, Exception?, string> Formatter = static (line, _) => line.Message;

    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("Unit", Unit),
        1 => new("{OriginalFormat}", OriginalFormat),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;
}
