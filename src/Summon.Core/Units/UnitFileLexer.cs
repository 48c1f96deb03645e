using System.Text;
using Summon.Posix;

namespace Summon.Units;

/// <summary>One "Key=Value" line of a unit file, with whitespace around key and value stripped.</summary>
internal sealed record UnitFileAssignment(string Section, string Key, string Value, int Line);

/// <summary>
/// The line-level syntax of unit files (systemd.syntax(7), systemd's config_parse()): UTF-8 with an optional BOM (stripped from the first line that starts with one),
/// lines ended by LF, CRLF or CR, '#'/';' comment lines, backslash continuation (comment lines inside a continuation
/// are skipped, the reported line is the last physical one), [Section] headers, Key=Value assignments.
/// Warnings are added to the diagnostics; the only hard errors are a malformed section header (EBADMSG) and a line
/// that is not valid UTF-8 (EINVAL), which end the file as they do in systemd: a fragment that ends so fails its
/// unit, a drop-in that ends so is only cut short.
/// </summary>
internal sealed class UnitFileLexer
{
    /// <summary>LONG_LINE_MAX.</summary>
    internal const int LongLineMax = 1024 * 1024;

    private const string Whitespace = " \t\n\r";

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string _file;
    private readonly IReadOnlyCollection<string> _sections;
    private readonly List<Diagnostic> _diagnostics;

    private string? _section;
    private bool _sectionIgnored;

    /// <param name="file">File name used in "FILE:LINE:" prefixes.</param>
    /// <param name="sections">Section names this unit type accepts; others are warned about (X- ones ignored silently).</param>
    public UnitFileLexer(string file, IReadOnlyCollection<string> sections, List<Diagnostic> diagnostics)
    {
        _file = file;
        _sections = sections;
        _diagnostics = diagnostics;
    }

    /// <summary>
    /// Reads <paramref name="data"/> and hands each assignment to <paramref name="onAssignment"/>, which returns 0 to
    /// go on or an errno to stop (a fatal setting, ENOEXEC). Returns 0 or the errno that stopped the file.
    /// </summary>
    public int Parse(ReadOnlySpan<byte> data, Func<UnitFileAssignment, int> onAssignment)
    {
        StringBuilder? continuation = null;
        bool continuationInvalid = false;
        int line = 0;
        int pos = 0;
        bool bomSeen = false;

        while (pos < data.Length)
        {
            int end = pos;
            while (end < data.Length && data[end] is not (byte)'\n' and not (byte)'\r')
                end++;
            ReadOnlySpan<byte> raw = data[pos..end];
            pos = end;
            if (pos < data.Length)
                pos += data[pos] == '\r' && pos + 1 < data.Length && data[pos + 1] == '\n' ? 2 : 1;
            line++;

            // As systemd: the first line that starts with a byte-order mark loses it, wherever that line is; only
            // once per file. A comment inside a continuation is recognised on the line as read, mark included.
            ReadOnlySpan<byte> read = raw;
            if (!bomSeen && raw.StartsWith(Utf8Bom))
            {
                bomSeen = true;
                raw = raw[3..];
            }

            string text = Decode(raw, out bool invalid);

            if (continuation is not null)
            {
                ReadOnlySpan<byte> lead = read.TrimStart(" \t\n\r"u8);
                if (lead.Length > 0 && lead[0] is (byte)'#' or (byte)';')
                    continue; // comment lines inside a continuation are skipped

                if (continuation.Length + text.Length > LongLineMax)
                {
                    _diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Error, _file, line, "Continuation line too long"));
                    return Errno.ENOBUFS;
                }

                continuation.Append(text);
                continuationInvalid |= invalid;
                text = continuation.ToString();
                invalid = continuationInvalid;
            }
            else if (text.Length > LongLineMax)
            {
                _diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Error, _file, line, "Line too long"));
                return Errno.ENOBUFS;
            }

            if (EndsWithUnescapedBackslash(text))
            {
                continuation = new StringBuilder(text, 0, text.Length - 1, text.Length + 64).Append(' ');
                continuationInvalid = invalid;
                continue;
            }

            continuation = null;
            int r = ParseLine(text, invalid, line, onAssignment);
            if (r != 0)
                return r;
        }

        if (continuation is not null)
            return ParseLine(continuation.ToString(), continuationInvalid, line, onAssignment);
        return 0;
    }

    private static string Decode(ReadOnlySpan<byte> raw, out bool invalid)
    {
        invalid = false;
        try
        {
            return StrictUtf8.GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            invalid = true;
            return Encoding.UTF8.GetString(raw);
        }
    }

    private static bool EndsWithUnescapedBackslash(string s)
    {
        int n = 0;
        for (int i = s.Length - 1; i >= 0 && s[i] == '\\'; i--)
            n++;
        return n % 2 == 1;
    }

    private int ParseLine(string text, bool invalidUtf8, int line, Func<UnitFileAssignment, int> onAssignment)
    {
        string l = text.Trim(Whitespace.ToCharArray());
        if (l.Length == 0 || l[0] is '#' or ';')
            return 0;

        if (invalidUtf8)
        {
            _diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Error, _file, line, $"String is not UTF-8 clean, ignoring assignment: {l}"));
            return Errno.EINVAL;
        }

        if (l[0] == '[')
        {
            if (l[^1] != ']')
            {
                _diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Error, _file, line, $"Invalid section header '{l}'"));
                return Errno.EBADMSG;
            }

            string name = l[1..^1];
            if (!IsSafeString(name))
            {
                _diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Error, _file, line, $"Bad characters in section header '{l}'"));
                return Errno.EBADMSG;
            }

            if (_sections.Contains(name))
            {
                _section = name;
                _sectionIgnored = false;
            }
            else
            {
                if (!name.StartsWith("X-", StringComparison.Ordinal))
                    _diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Warning, _file, line, $"Unknown section '{name}'. Ignoring."));
                _section = null;
                _sectionIgnored = true;
            }

            return 0;
        }

        if (_section is null)
        {
            if (!_sectionIgnored)
                _diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Warning, _file, line, "Assignment outside of section. Ignoring."));
            return 0;
        }

        int eq = l.IndexOf('=');
        if (eq < 0)
        {
            _diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Warning, _file, line, "Missing '=', ignoring line."));
            return 0;
        }

        if (eq == 0)
        {
            _diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Warning, _file, line, "Missing key name before '=', ignoring line."));
            return 0;
        }

        string key = l[..eq].Trim(Whitespace.ToCharArray());
        string value = l[(eq + 1)..].Trim(Whitespace.ToCharArray());
        return onAssignment(new UnitFileAssignment(_section, key, value, line));
    }

    /// <summary>string_is_safe(): no control characters, quotes, backslashes or DEL.</summary>
    internal static bool IsSafeString(string s)
    {
        foreach (char c in s)
        {
            if (c < ' ' || c is '"' or '\'' or '\\' or (char)0x7f)
                return false;
        }

        return true;
    }
}
