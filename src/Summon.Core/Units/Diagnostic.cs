namespace Summon.Units;

internal enum DiagnosticSeverity { Warning, Error }

/// <summary>A message about a unit file. <see cref="Source"/> is "FILE:LINE" for syntax messages, the unit name for
/// unit-level messages, or empty for messages printed without prefix (e.g. "Unit foo.socket is masked.").</summary>
internal sealed record Diagnostic(DiagnosticSeverity Severity, string Source, string Message)
{
    public override string ToString() => Source.Length == 0 ? Message : $"{Source}: {Message}";

    internal static Diagnostic Syntax(DiagnosticSeverity severity, string file, int line, string message)
        => new(severity, $"{file}:{line}", message);
}
