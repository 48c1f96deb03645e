using System.Text;

namespace Summon.Manager.Exec;

/// <summary>
/// The environment block of an executed command and the $VAR expansion of its arguments, as systemd.exec(5) and
/// systemd.service(5) describe them. Pure functions over "KEY=VALUE" lists.
/// </summary>
internal static class ExecEnvironment
{
    /// <summary>Sets (or replaces) KEY=VALUE in <paramref name="env"/>.</summary>
    public static void Set(List<string> env, string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0)
            return;
        for (int i = 0; i < env.Count; i++)
        {
            if (env[i].Length > eq && env[i][eq] == '=' && string.CompareOrdinal(env[i], 0, assignment, 0, eq) == 0)
            {
                env[i] = assignment;
                return;
            }
        }
        env.Add(assignment);
    }

    public static void Unset(List<string> env, string nameOrAssignment) =>
        env.RemoveAll(e => nameOrAssignment.Contains('=') ? e == nameOrAssignment : e.StartsWith(nameOrAssignment + "=", StringComparison.Ordinal));

    public static string? Get(IReadOnlyList<string> env, string name)
    {
        foreach (var e in env)
            if (e.Length > name.Length && e[name.Length] == '=' && e.StartsWith(name, StringComparison.Ordinal))
                return e[(name.Length + 1)..];
        return null;
    }

    /// <summary>
    /// Reads the EnvironmentFile= entries in order ("-PATH": a file that cannot be read is skipped silently): their
    /// assignments, and a line for each required file that could not be read. Blocking (a FIFO, a hung mount): pool
    /// threads only (<see cref="Directories.DirectoryStore"/>).
    /// </summary>
    public static (List<string> Assignments, List<string> Warnings) ReadFiles(IReadOnlyList<string> files)
    {
        var assignments = new List<string>();
        var warnings = new List<string>();
        foreach (var file in files)
        {
            bool optional = file.StartsWith('-');
            string path = optional ? file[1..] : file;
            try
            {
                assignments.AddRange(ParseFile(File.ReadAllText(path)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (!optional)
                    warnings.Add($"Failed to load environment files: {e.Message}");
            }
        }
        return (assignments, warnings);
    }

    /// <summary>
    /// Reads an EnvironmentFile=: KEY=VALUE lines, '#'/';' comments, blank lines, values optionally in single or
    /// double quotes (backslash escapes inside double quotes), a trailing backslash continues the line.
    /// </summary>
    public static List<string> ParseFile(string text)
    {
        var result = new List<string>();
        var logical = new StringBuilder();
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (raw.EndsWith('\\'))
            {
                logical.Append(raw, 0, raw.Length - 1);
                continue;
            }
            logical.Append(raw);
            string line = logical.ToString().Trim();
            logical.Clear();
            if (line.Length == 0 || line[0] is '#' or ';')
                continue;
            int eq = line.IndexOf('=');
            if (eq <= 0)
                continue;
            string key = line[..eq].Trim();
            if (key.StartsWith("export ", StringComparison.Ordinal))
                key = key[7..].Trim();
            result.Add(key + "=" + Unquote(line[(eq + 1)..].Trim()));
        }
        return result;
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
            return value[1..^1];
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            var sb = new StringBuilder();
            for (int i = 1; i < value.Length - 1; i++)
            {
                if (value[i] == '\\' && i + 1 < value.Length - 1)
                    i++;
                sb.Append(value[i]);
            }
            return sb.ToString();
        }
        return value;
    }

    /// <summary>
    /// Expands command arguments (not the executable path) as systemd's replace_env_argv: a word that is "$NAME"
    /// becomes the value split into words (whitespace, quotes removed; no words when unset or empty); "${NAME}"
    /// anywhere in a word is replaced by the value (empty when unset); "$$" is a literal "$".
    /// </summary>
    public static List<string> ExpandArguments(IReadOnlyList<string> argv, IReadOnlyList<string> env)
    {
        var result = new List<string>(argv.Count);
        for (int i = 0; i < argv.Count; i++)
        {
            string word = argv[i];
            if (i > 0 && word.Length > 0 && word[0] == '$' && (word.Length == 1 || word[1] is not ('{' or '$')))
            {
                // A whole-word $VAR: the value split into words the way systemd splits it (quotes removed,
                // unbalanced ones tolerated); an unset variable (or one that is no valid name) gives no word.
                string? value = Get(env, word[1..]);
                if (value is null)
                    continue;
                var words = new Summon.Units.WordExtractor(value);
                while (words.Next(Summon.Units.ExtractFlags.Unquote | Summon.Units.ExtractFlags.Relax, out string part) > 0)
                    result.Add(part);
                continue;
            }
            result.Add(i == 0 ? word : ExpandWord(word, env));
        }
        return result;
    }

    private static string ExpandWord(string word, IReadOnlyList<string> env)
    {
        if (!word.Contains('$'))
            return word;
        var sb = new StringBuilder(word.Length);
        for (int i = 0; i < word.Length; i++)
        {
            if (word[i] != '$' || i + 1 >= word.Length)
            {
                sb.Append(word[i]);
                continue;
            }
            if (word[i + 1] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }
            if (word[i + 1] == '{')
            {
                int close = word.IndexOf('}', i + 2);
                if (close > i + 2 && IsName(word.AsSpan(i + 2, close - i - 2)))
                {
                    sb.Append(Get(env, word[(i + 2)..close]));
                    i = close;
                    continue;
                }
            }
            sb.Append('$');
        }
        return sb.ToString();
    }

    private static bool IsName(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || !(char.IsAsciiLetter(s[0]) || s[0] == '_'))
            return false;
        foreach (char c in s)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
                return false;
        return true;
    }
}
