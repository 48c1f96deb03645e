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

        var words = new WordExtractor(rvalue);
        string current = rvalue;
        bool semicolon;
        do
        {
            semicolon = false;
            int r = words.NextAndWarn(ExtractFlags.Unquote | ExtractFlags.CUnescape, out string firstWord, file, line, current, diagnostics);
            if (r <= 0)
                return 0;

            if (firstWord == ";")
            {
                semicolon = true;
                continue;
            }

            ExecFlags flags = ExecFlags.None;
            bool separateArgv0 = false;
            int f = 0;
            for (; f < firstWord.Length; f++)
            {
                char c = firstWord[f];
                const ExecFlags privilegeFlags = ExecFlags.Privileged | ExecFlags.NoSetuid | ExecFlags.AmbientMagic;
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

            bool ignore = flags.HasFlag(ExecFlags.IgnoreFailure);
            string ignoring = ignore ? ", ignoring" : "";
            DiagnosticSeverity severity = ignore ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error;
            int Fail(string message)
            {
                diagnostics.Add(Diagnostic.Syntax(severity, file, line, message));
                return ignore ? 0 : Errno.ENOEXEC;
            }

            string unexpanded = firstWord[f..];
            string path = unexpanded;
            if (specifiers is not null && specifiers.Expand(unexpanded, SpecifierSet.Full, out path) is int pr && pr != 0)
                return Fail($"Failed to resolve unit specifiers in {unexpanded}{ignoring}: {Errno.Describe(pr)}");

            if (path.Length == 0)
                return Fail($"Empty path in command line{ignoring}: '{current}'");
            if (!UnitFileLexer.IsSafeString(path))
                return Fail($"Executable name contains special characters{ignoring}: {path}");
            if (path.EndsWith('/'))
                return Fail($"Executable path specifies a directory{ignoring}: {path}");
            if (!(path.StartsWith('/') ? IsValidPath(path) : IsValidFileName(path)))
                return Fail($"Neither a valid executable name nor an absolute path{ignoring}: {path}");

            var argv = new List<string>();
            if (!separateArgv0)
                argv.Add(path);
            path = SimplifyPath(path);

            while (!words.AtEnd)
            {
                string rest = words.Rest;
                if (rest[0] == ';' && (rest.Length == 1 || WordExtractor.Whitespace.Contains(rest[1])))
                {
                    words.Position++;
                    SkipWhitespace(words, rvalue);
                    semicolon = true;
                    break;
                }

                if (rest.StartsWith("\\;", StringComparison.Ordinal) && (rest.Length == 2 || WordExtractor.Whitespace.Contains(rest[2])))
                {
                    words.Position += 2;
                    SkipWhitespace(words, rvalue);
                    argv.Add(";");
                    continue;
                }

                r = words.NextAndWarn(ExtractFlags.Unquote | ExtractFlags.CUnescape, out string word, file, line, current, diagnostics);
                if (r == 0)
                    break;
                if (r < 0)
                    return ignore ? 0 : Errno.ENOEXEC;

                string resolved = word;
                if (specifiers is not null && specifiers.Expand(word, SpecifierSet.Full, out resolved) is int ar && ar != 0)
                    return Fail($"Failed to resolve unit specifiers in {word}{ignoring}: {Errno.Describe(ar)}");
                argv.Add(resolved);
            }

            if (argv.Count == 0)
                return Fail($"Empty executable name or zeroeth argument{ignoring}: {current}");

            list.Add(new ExecCommand(path, argv, flags));
            current = words.Rest;
        }
        while (semicolon);

        return 0;
    }

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
}
