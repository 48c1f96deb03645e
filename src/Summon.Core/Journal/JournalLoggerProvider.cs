using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Summon.Journal;

/// <summary>
/// Lands Microsoft.Extensions.Logging lines (<c>[LoggerMessage]</c> source-generated or not) in the journal as manager
/// lines: Identifier "summon", the manager's pid, LogLevel mapped to a syslog priority.
/// </summary>
/// <remarks>
/// The category name says which unit a line belongs to: a unit name (<c>demo-echo.socket</c>) → Unit = that name;
/// anything else ("summon", or a type name from <c>ILogger&lt;T&gt;</c>) → a manager-wide line, Unit = null. A message
/// template with a <c>{UNIT}</c> placeholder (systemd's own field name, as in <c>"{UNIT}: Failed to ..."</c>) attributes
/// the line to that unit whatever the category. Logging never blocks on I/O: it ends in <see cref="JournalWriter.Append"/>.
/// </remarks>
internal sealed class JournalLoggerProvider : ILoggerProvider
{
    private static readonly string[] UnitSuffixes =
        [".service", ".socket", ".target", ".timer", ".path", ".mount", ".automount", ".swap", ".slice", ".scope", ".device"];

    private readonly Action<JournalEntry> append;
    private readonly TimeProvider time;
    private readonly LogLevel minimumLevel;
    private readonly int pid;
    private readonly ConcurrentDictionary<string, JournalLogger> loggers = new(StringComparer.Ordinal);

    public JournalLoggerProvider(JournalWriter writer, LogLevel minimumLevel = LogLevel.Information, TimeProvider? timeProvider = null)
        : this(entry => writer.Append(entry), minimumLevel, timeProvider, Environment.ProcessId)
    {
    }

    /// <summary>For tests, and for a manager that routes entries elsewhere before the journal is open.</summary>
    internal JournalLoggerProvider(Action<JournalEntry> append, LogLevel minimumLevel, TimeProvider? timeProvider, int pid)
    {
        this.append = append;
        this.minimumLevel = minimumLevel;
        time = timeProvider ?? TimeProvider.System;
        this.pid = pid;
    }

    public ILogger CreateLogger(string categoryName) => loggers.GetOrAdd(categoryName, static (name, provider) => new JournalLogger(provider, UnitOf(name)), this);

    /// <summary>Does not dispose the writer: the manager owns it.</summary>
    public void Dispose() => loggers.Clear();

    /// <summary>The unit a category names, or null for a manager-wide category.</summary>
    internal static string? UnitOf(string category)
    {
        foreach (var suffix in UnitSuffixes)
        {
            if (category.Length > suffix.Length && category.EndsWith(suffix, StringComparison.Ordinal))
            {
                return category;
            }
        }

        return null;
    }

    private sealed class JournalLogger(JournalLoggerProvider provider, string? unit) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider.minimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            if (typeof(TState) == typeof(UnitLogLine) && exception is null)
            {
                // The hot per-connection lines: a compile-time branch, the state read in place.
                ref readonly var line = ref Unsafe.As<TState, UnitLogLine>(ref state);
                provider.append(new JournalEntry(provider.time.GetUtcNow(), line.Unit.Length > 0 ? line.Unit : unit,
                    JournalEntry.ManagerIdentifier, provider.pid, SyslogPriority.FromLogLevel(logLevel), line.Message));
                return;
            }

            var message = formatter(state, exception);
            if (exception is not null)
            {
                message = string.IsNullOrEmpty(message) ? exception.Message : $"{message}: {exception.Message}";
            }

            provider.append(new JournalEntry(
                provider.time.GetUtcNow(),
                UnitField(state) ?? unit,
                JournalEntry.ManagerIdentifier,
                provider.pid,
                SyslogPriority.FromLogLevel(logLevel),
                message));
        }

        private static string? UnitField<TState>(TState state)
        {
            // [LoggerMessage] state is a struct implementing IReadOnlyList<KeyValuePair<string, object?>>; the indexer
            // walks it without allocating an enumerator.
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                for (var i = 0; i < fields.Count; i++)
                {
                    var field = fields[i];
                    if (string.Equals(field.Key, "UNIT", StringComparison.OrdinalIgnoreCase) && field.Value is string value && value.Length > 0)
                    {
                        return value;
                    }
                }
            }

            return null;
        }
    }
}
