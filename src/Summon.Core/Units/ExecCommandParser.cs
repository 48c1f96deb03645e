using System.Text;
using Summon.Posix;

namespace Summon.Units;

/// <summary>
/// ExecStart= and the other command-line settings (systemd.service(5) "COMMAND LINES", systemd's config_parse_exec()):
/// several commands separated by a lone ";", prefixes "-@:+!" ("!!"), quoting and C escapes, specifiers expanded
/// (the path with the path table, arguments with the full one). Errors are fatal for the unit (ENOEXEC) unless the
/// command has the "-" prefix, in which case the command is skipped with a warning.
/// </summary>
internal static class ExecCommandParser
{
    private const ExtractFlags WordFlags = ExtractFlags.Unquote | ExtractFlags.CUnescape;

    /// <summary>
    /// Parses <paramref name="rvalue"/> and appends its commands to <paramref name="list"/>; an empty value clears it.
    /// Returns 0, or ENOEXEC for a fatal error (already reported in <paramref name="diagnostics"/>).
    /// </summary>
    public static int Parse(string rvalue, List<ExecCommand> list, Specifiers? specifiers, string file, int line, List<Diagnostic> diagnostics)
    {
        if (rvalue.Length == 0)
        {
            list.Clear();
            return 0;
        }

        var setting = new Setting(rvalue, new WordExtractor(rvalue), specifiers, file, line, diagnostics);
        string current = rvalue;
        bool more;
        do
        {
            int r = ParseCommand(setting, list, ref current, out more);
            if (r != 0)
                return r;
        }
        while (more);

        return 0;
    }

    /// <summary>
    /// Reads one command (prefixes, path, arguments) and appends it; <paramref name="more"/> when a lone ";" follows.
    /// <paramref name="current"/> is the text from this command on, as messages quote it. Any refusal ends the
    /// setting: the result is then 0 for a "-" command and ENOEXEC otherwise.
    /// </summary>
    private static int ParseCommand(Setting setting, List<ExecCommand> list, ref string current, out bool more)
    {
        more = false;
        WordExtractor words = setting.Words;
        int r = words.NextAndWarn(WordFlags, out string firstWord, setting.File, setting.Line, current, setting.Diagnostics);
        if (r <= 0)
            return 0;

        if (firstWord == ";")
        {
            more = true;
            return 0;
        }

        int f = ParsePrefixes(firstWord, out ExecFlags flags, out bool separateArgv0);
        bool ignore = flags.HasFlag(ExecFlags.IgnoreFailure);
        if (CheckPath(firstWord[f..], current, setting.Specifiers, ignore, out string path) is string refusal)
            return setting.Fail(ignore, refusal);

        var argv = new List<string>();
        if (!separateArgv0)
            argv.Add(path);
        path = SimplifyPath(path);

        if (ParseArguments(setting, current, ignore, argv, out more) is int stop)
            return stop;

        if (argv.Count == 0)
        {
            more = false;
            return setting.Fail(ignore, $"Empty executable name or zeroeth argument{Ignoring(ignore)}: {current}");
        }

        list.Add(new ExecCommand(path, argv, flags));
        current = words.Rest;
        return 0;
    }

    /// <summary>
    /// The prefixes "-@:+!" ("!!") of the first word, each at most once and "+", "!", "!!" exclusive; returns where
    /// the path starts.
    /// </summary>
    private static int ParsePrefixes(string firstWord, out ExecFlags flags, out bool separateArgv0)
    {
        const ExecFlags privilegeFlags = ExecFlags.Privileged | ExecFlags.NoSetuid | ExecFlags.AmbientMagic;
        flags = ExecFlags.None;
        separateArgv0 = false;
        int f = 0;
        for (; f < firstWord.Length; f++)
        {
            char c = firstWord[f];
            if (c == '-' && !flags.HasFlag(ExecFlags.IgnoreFailure))
                flags |= ExecFlags.IgnoreFailure;
            else if (c == '@' && !separateArgv0)
                separateArgv0 = true;
            else if (c == ':' && !flags.HasFlag(ExecFlags.NoEnvExpand))
                flags |= ExecFlags.NoEnvExpand;
            else if (c == '+' && (flags & privilegeFlags) == 0)
                flags |= ExecFlags.Privileged;
            else if (c == '!' && (flags & privilegeFlags) == 0)
                flags |= ExecFlags.NoSetuid;
            else if (c == '!' && (flags & (ExecFlags.Privileged | ExecFlags.AmbientMagic)) == 0)
                flags = (flags & ~ExecFlags.NoSetuid) | ExecFlags.AmbientMagic;
            else
                break;
        }

        return f;
    }

    /// <summary>The executable with its specifiers expanded, and systemd's checks on it; the message when refused.</summary>
    private static string? CheckPath(string unexpanded, string current, Specifiers? specifiers, bool ignore, out string path)
    {
        string ignoring = Ignoring(ignore);
        path = unexpanded;
        if (specifiers is not null && specifiers.Expand(unexpanded, SpecifierSet.Full, out path) is int r && r != 0)
            return $"Failed to resolve unit specifiers in {unexpanded}{ignoring}: {Errno.Describe(r)}";
        if (path.Length == 0)
            return $"Empty path in command line{ignoring}: '{current}'";
        if (!UnitFileLexer.IsSafeString(path))
            return $"Executable name contains special characters{ignoring}: {path}";
        if (path.EndsWith('/'))
            return $"Executable path specifies a directory{ignoring}: {path}";
        if (!(path.StartsWith('/') ? IsValidPath(path) : IsValidFileName(path)))
            return $"Neither a valid executable name nor an absolute path{ignoring}: {path}";
        return null;
    }

    /// <summary>
    /// The arguments after the path, specifiers expanded, up to a lone ";" (<paramref name="semicolon"/>) or the end;
    /// "\;" is a literal ";". Null when they were read, otherwise what <see cref="Parse"/> returns.
    /// </summary>
    private static int? ParseArguments(Setting setting, string current, bool ignore, List<string> argv, out bool semicolon)
    {
        semicolon = false;
        WordExtractor words = setting.Words;
        while (!words.AtEnd)
        {
            string rest = words.Rest;
            if (rest[0] == ';' && (rest.Length == 1 || WordExtractor.Whitespace.Contains(rest[1])))
            {
                words.Position++;
                SkipWhitespace(words, setting.Text);
                semicolon = true;
                return null;
            }

            if (rest.StartsWith("\\;", StringComparison.Ordinal) && (rest.Length == 2 || WordExtractor.Whitespace.Contains(rest[2])))
            {
                words.Position += 2;
                SkipWhitespace(words, setting.Text);
                argv.Add(";");
                continue;
            }

            int r = words.NextAndWarn(WordFlags, out string word, setting.File, setting.Line, current, setting.Diagnostics);
            if (r == 0)
                return null;
            if (r < 0)
                return ignore ? 0 : Errno.ENOEXEC;

            string resolved = word;
            if (setting.Specifiers is not null && setting.Specifiers.Expand(word, SpecifierSet.Full, out resolved) is int ar && ar != 0)
                return setting.Fail(ignore, $"Failed to resolve unit specifiers in {word}{Ignoring(ignore)}: {Errno.Describe(ar)}");
            argv.Add(resolved);
        }

        return null;
    }

    private static string Ignoring(bool ignore) => ignore ? ", ignoring" : "";

    private static void SkipWhitespace(WordExtractor words, string text)
    {
        while (words.Position < text.Length && WordExtractor.Whitespace.Contains(text[words.Position]))
            words.Position++;
    }

    /// <summary>path_is_valid(): non-empty, at most PATH_MAX, each component at most NAME_MAX bytes.</summary>
    internal static bool IsValidPath(string path)
        => path.Length > 0 && Encoding.UTF8.GetByteCount(path) < 4096 && path.Split('/').All(p => Encoding.UTF8.GetByteCount(p) <= 255);

    /// <summary>filename_is_valid(): one path component, not "." or "..".</summary>
    internal static bool IsValidFileName(string name)
        => name.Length > 0 && name is not "." and not ".." && !name.Contains('/') && Encoding.UTF8.GetByteCount(name) <= 255;

    /// <summary>path_simplify(): drops duplicate slashes and "." components.</summary>
    internal static string SimplifyPath(string path)
    {
        bool absolute = path.StartsWith('/');
        string joined = string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "."));
        return absolute ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    /// <summary>One setting being read: its text and cursor, the specifiers, and where its messages go.</summary>
    private sealed record Setting(string Text, WordExtractor Words, Specifiers? Specifiers, string File, int Line, List<Diagnostic> Diagnostics)
    {
        /// <summary>Reports a refused command: a warning for a "-" command (0, the setting is ignored), else an error (ENOEXEC).</summary>
        public int Fail(bool ignore, string message)
        {
            Diagnostics.Add(Diagnostic.Syntax(ignore ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, File, Line, message));
            return ignore ? 0 : Errno.ENOEXEC;
        }
    }
}
