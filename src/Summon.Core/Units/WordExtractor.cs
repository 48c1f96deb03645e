using System.Text;
using Summon.Posix;

namespace Summon.Units;

[Flags]
internal enum ExtractFlags
{
    None = 0,

    /// <summary>Remove '…' and "…" quoting (anywhere in a word).</summary>
    Unquote = 1,

    /// <summary>Decode C escapes (\n, \x41, \073, \u00e9 …).</summary>
    CUnescape = 2,

    /// <summary>Keep unknown escapes (and a trailing backslash) verbatim instead of failing.</summary>
    CUnescapeRelax = 4,

    /// <summary>Accept unbalanced quotes and a trailing backslash.</summary>
    Relax = 8,

    /// <summary>Keep backslashes as they are.</summary>
    RetainEscape = 16,
}

/// <summary>
/// Word splitting as systemd's extract_first_word() does it: whitespace separated, optional quote removal and C
/// unescaping. A cursor over one string; <see cref="Next"/> returns 1 with a word, 0 at the end, or -errno.
/// </summary>
internal sealed class WordExtractor
{
    internal const string Whitespace = " \t\n\r";

    private readonly string _text;
    private readonly string _separators;
    private int _pos;

    public WordExtractor(string text, string separators = Whitespace)
    {
        _text = text;
        _separators = separators;
    }

    /// <summary>What is left to read (after the last word and the separators that followed it).</summary>
    public string Rest => _pos >= _text.Length ? "" : _text[_pos..];

    public bool AtEnd => _pos >= _text.Length;

    public int Position { get => _pos; set => _pos = value; }

    public int Next(ExtractFlags flags, out string word)
    {
        word = "";
        int save = _pos;
        int r = NextCore(flags, out word);
        if (r < 0)
            _pos = save;
        return r;
    }

    /// <summary>
    /// extract_first_word_and_warn(): on a bad escape retry keeping it verbatim and warn "Ignoring unknown escape
    /// sequences"; on unbalanced quotes warn and fail with EINVAL.
    /// </summary>
    public int NextAndWarn(ExtractFlags flags, out string word, string file, int line, string rvalue, List<Diagnostic> diagnostics)
    {
        int save = _pos;
        int r = Next(flags, out word);
        if (r >= 0)
            return r;
        if (r == -Errno.EINVAL && !flags.HasFlag(ExtractFlags.CUnescapeRelax))
        {
            _pos = save;
            r = Next(flags | ExtractFlags.CUnescapeRelax, out word);
            if (r >= 0)
            {
                diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Warning, file, line, $"Ignoring unknown escape sequences: \"{word}\""));
                return r;
            }

            if (r == -Errno.EINVAL)
            {
                diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Error, file, line, $"Unbalanced quoting, ignoring: \"{rvalue}\""));
                return r;
            }
        }

        diagnostics.Add(Diagnostic.Syntax(DiagnosticSeverity.Error, file, line, $"Unable to decode word \"{rvalue}\", ignoring: {Errno.Describe(-r)}"));
        return r;
    }

    private int NextCore(ExtractFlags flags, out string word)
    {
        word = "";
        string s = _text;
        while (_pos < s.Length && _separators.Contains(s[_pos]))
            _pos++;
        if (_pos >= s.Length)
            return 0;

        var buf = new List<byte>(32);
        char quote = '\0';
        while (true)
        {
            if (_pos >= s.Length)
            {
                if (quote != '\0' && !flags.HasFlag(ExtractFlags.Relax))
                    return -Errno.EINVAL;
                break;
            }

            char c = s[_pos];
            if (c == '\\' && !flags.HasFlag(ExtractFlags.RetainEscape))
            {
                _pos++;
                if (_pos >= s.Length)
                {
                    if (flags.HasFlag(ExtractFlags.CUnescapeRelax) && (quote == '\0' || flags.HasFlag(ExtractFlags.Relax)))
                    {
                        buf.Add((byte)'\\');
                        break;
                    }

                    if (flags.HasFlag(ExtractFlags.Relax))
                        break;
                    return -Errno.EINVAL;
                }

                if (flags.HasFlag(ExtractFlags.CUnescape))
                {
                    int n = CEscape.UnescapeOne(s, _pos, buf);
                    if (n < 0)
                    {
                        if (!flags.HasFlag(ExtractFlags.CUnescapeRelax))
                            return -Errno.EINVAL;
                        buf.Add((byte)'\\');
                        AppendChar(buf, s, ref _pos);
                    }
                    else
                    {
                        _pos += n;
                    }
                }
                else
                {
                    AppendChar(buf, s, ref _pos);
                }

                continue;
            }

            if (quote != '\0')
            {
                if (c == quote)
                    quote = '\0';
                else
                    AppendChar(buf, s, ref _pos, advance: false);
                _pos++;
                continue;
            }

            if (c is '\'' or '"' && flags.HasFlag(ExtractFlags.Unquote))
            {
                quote = c;
                _pos++;
                continue;
            }

            if (_separators.Contains(c))
            {
                while (_pos < s.Length && _separators.Contains(s[_pos]))
                    _pos++;
                break;
            }

            AppendChar(buf, s, ref _pos, advance: false);
            _pos++;
        }

        word = Encoding.UTF8.GetString(buf.ToArray());
        return 1;
    }

    /// <summary>Appends the char (or surrogate pair) at <paramref name="pos"/> as UTF-8.</summary>
    private static void AppendChar(List<byte> buf, string s, ref int pos, bool advance = true)
    {
        int len = char.IsHighSurrogate(s[pos]) && pos + 1 < s.Length ? 2 : 1;
        buf.AddRange(Encoding.UTF8.GetBytes(s.Substring(pos, len)));
        if (len == 2)
            pos++;
        if (advance)
            pos++;
    }
}
