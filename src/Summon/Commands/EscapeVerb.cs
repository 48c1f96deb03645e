using System.CommandLine;
using Summon.Posix;
using Summon.Units;

namespace Summon.Cli.Commands;

/// <summary>
/// `summon escape [OPTIONS…] STRING…` (also the `systemd-escape` multi-call name): systemd-escape 252's options,
/// messages and exit codes. Parsed by hand like getopt_long (options may follow arguments; "--" ends options), since
/// strings such as "-foo" must reach the escaper exactly as typed.
/// </summary>
internal static class EscapeVerb
{
    public const string Name = "escape";

    private enum Action { Escape, Unescape, Mangle }

    /// <summary>Listed in `summon --help`; <see cref="Program"/> runs <see cref="Run"/> before the parser sees the line.</summary>
    public static void AddTo(Command root)
    {
        var strings = new Argument<string[]>("STRING") { Arity = ArgumentArity.ZeroOrMore };
        root.Subcommands.Add(new Command(Name, "Escape strings for usage in unit names (like systemd-escape)") { strings });
    }

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, string program = "systemd-escape")
    {
        var options = new Options();
        if (Parse(args, options, stdout, stderr, program) is int exit)
            return exit;
        if (Problem(options) is { } problem)
        {
            stderr.WriteLine(problem);
            return 1;
        }
        return WriteResults(options, stdout, stderr);
    }

    /// <summary>What the command line asks for.</summary>
    private sealed class Options
    {
        public Action Action { get; set; } = Action.Escape;

        public bool Path { get; set; }

        public bool Instance { get; set; }

        public string? Suffix { get; set; }

        public string? Template { get; set; }

        public List<string> Inputs { get; } = [];
    }

    /// <summary>Reads the options and strings into <paramref name="options"/>; the exit code when the command ends here (help, version, a bad option).</summary>
    private static int? Parse(IReadOnlyList<string> args, Options options, TextWriter stdout, TextWriter stderr, string program)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                options.Inputs.AddRange(args.Skip(i + 1));
                break;
            }

            int? exit = a.StartsWith("--", StringComparison.Ordinal) ? ParseLong(args, ref i, options, stdout, stderr, program)
                : a.Length > 1 && a[0] == '-' ? ParseShort(a, options, stdout, stderr, program)
                : Add(options, a);
            if (exit is not null)
                return exit;
        }
        return null;
    }

    private static int? Add(Options options, string input)
    {
        options.Inputs.Add(input);
        return null;
    }

    /// <summary>The long option at <paramref name="i"/> ("--name" or "--name=value"); moves past a value given as the next argument.</summary>
    private static int? ParseLong(IReadOnlyList<string> args, ref int i, Options options, TextWriter stdout, TextWriter stderr, string program)
    {
        string a = args[i];
        int eq = a.IndexOf('=', StringComparison.Ordinal);
        string name = eq < 0 ? a[2..] : a[2..eq];
        string? value = eq < 0 ? null : a[(eq + 1)..];
        switch (name)
        {
            case "help":
                stdout.Write(Help(program));
                return 0;
            case "version":
                stdout.WriteLine("summon escape (compatible with systemd 252)");
                return 0;
            case "unescape" or "mangle" or "path" or "instance" when value is not null:
                stderr.WriteLine($"{program}: option '--{name}' doesn't allow an argument");
                return 1;
            case "unescape": options.Action = Action.Unescape; break;
            case "mangle": options.Action = Action.Mangle; break;
            case "path": options.Path = true; break;
            case "instance": options.Instance = true; break;
            case "suffix" or "template":
                if (value is null)
                {
                    if (i + 1 >= args.Count)
                    {
                        stderr.WriteLine($"{program}: option '--{name}' requires an argument");
                        return 1;
                    }

                    value = args[++i];
                }

                return name == "suffix" ? SetSuffix(options, value, stderr) : SetTemplate(options, value, stderr);
            default:
                stderr.WriteLine($"{program}: unrecognized option '{a}'");
                return 1;
        }

        return null;
    }

    private static int? SetSuffix(Options options, string value, TextWriter stderr)
    {
        if (!UnitTypes.TryParse(value, out _))
        {
            stderr.WriteLine($"Invalid unit suffix type \"{value}\".");
            return 1;
        }

        options.Suffix = value;
        return null;
    }

    private static int? SetTemplate(Options options, string value, TextWriter stderr)
    {
        if (!UnitName.TryParse(value, out UnitName? t) || !t.IsTemplate)
        {
            stderr.WriteLine($"Template name {value} is not valid.");
            return 1;
        }

        options.Template = value;
        return null;
    }

    /// <summary>A group of short options ("-up").</summary>
    private static int? ParseShort(string a, Options options, TextWriter stdout, TextWriter stderr, string program)
    {
        foreach (char c in a[1..])
        {
            switch (c)
            {
                case 'h': stdout.Write(Help(program)); return 0;
                case 'u': options.Action = Action.Unescape; break;
                case 'm': options.Action = Action.Mangle; break;
                case 'p': options.Path = true; break;
                default:
                    stderr.WriteLine($"{program}: invalid option -- '{c}'");
                    return 1;
            }
        }

        return null;
    }

    /// <summary>systemd-escape's check of the options against each other, in its order; null when they fit.</summary>
    private static string? Problem(Options o) =>
        o.Inputs.Count == 0 ? "Not enough arguments."
        : o.Template is not null && o.Suffix is not null ? "--suffix= and --template= may not be combined."
        : (o.Template is not null || o.Suffix is not null) && o.Action == Action.Mangle ? "--suffix= and --template= are not compatible with --mangle."
        : o.Suffix is not null && o.Action == Action.Unescape ? "--suffix is not compatible with --unescape."
        : o.Path && o.Action == Action.Mangle ? "--path may not be combined with --mangle."
        : o.Instance && o.Action != Action.Unescape ? "--instance must be used in conjunction with --unescape."
        : o.Instance && o.Template is not null ? "--instance may not be combined with --template."
        : null;

    /// <summary>Writes the results separated by spaces on one line; stops at the first string that fails (exit 1).</summary>
    private static int WriteResults(Options o, TextWriter stdout, TextWriter stderr)
    {
        for (int i = 0; i < o.Inputs.Count; i++)
        {
            string? result = o.Action switch
            {
                Action.Escape => EscapeOne(o.Inputs[i], o.Path, o.Template, o.Suffix, stderr),
                Action.Unescape => UnescapeOne(o.Inputs[i], o.Path, o.Template, o.Instance, stderr),
                _ => MangleOne(o.Inputs[i], stderr),
            };
            if (result is null)
            {
                stdout.Flush();
                return 1;
            }

            if (i > 0)
                stdout.Write(' ');
            stdout.Write(result);
        }

        stdout.Write('\n');
        return 0;
    }

    private static string? EscapeOne(string input, bool path, string? template, string? suffix, TextWriter stderr)
    {
        string escaped;
        if (path)
        {
            int r = UnitNameEscaping.TryEscapePath(input, out string? e);
            if (r != 0)
            {
                stderr.WriteLine(!UnitNameEscaping.IsValidPath(input) ? $"Input '{input}' is not a valid file system path, failed to escape."
                    : !input.StartsWith('/') ? $"Input '{input}' is not an absolute file system path, failed to escape."
                    : !UnitNameEscaping.IsNormalizedPath(input) ? $"Input '{input}' is not a normalized file system path, failed to escape."
                    : $"Failed to escape string: {Errno.Describe(r)}");
                return null;
            }

            if (!UnitNameEscaping.IsValidPath(input))
                stderr.WriteLine($"Input '{input}' is not a valid file system path, escaping is likely not going be reversible.");
            else if (!input.StartsWith('/'))
                stderr.WriteLine($"Input '{input}' is not an absolute file system path, escaping is likely not going to be reversible.");
            escaped = e!;
        }
        else
        {
            escaped = UnitNameEscaping.Escape(input);
        }

        if (template is not null)
        {
            int r = UnitNameEscaping.TryReplaceInstance(template, escaped, out string? replaced);
            if (r != 0)
            {
                stderr.WriteLine($"Failed to replace instance: {Errno.Describe(r)}");
                return null;
            }

            return replaced;
        }

        return suffix is null ? escaped : escaped + "." + suffix;
    }

    private static string? UnescapeOne(string input, bool path, string? template, bool instance, TextWriter stderr)
    {
        string name = input;
        if (template is not null || instance)
        {
            if (!UnitName.TryParse(input, out UnitName? unit))
            {
                stderr.WriteLine($"Failed to extract instance: {Errno.Describe(Errno.EINVAL)}");
                return null;
            }

            if (string.IsNullOrEmpty(unit.Instance))
            {
                stderr.WriteLine($"Unit {input} is missing the instance name.");
                return null;
            }

            string unitTemplate = unit.Template().Name;
            if (template is not null && template != unitTemplate)
            {
                stderr.WriteLine($"Unit {input} template {unitTemplate} does not match specified template {template}.");
                return null;
            }

            name = unit.Instance;
        }

        string? result = null;
        bool ok = path ? UnitNameEscaping.TryUnescapePath(name, out result) : UnitNameEscaping.TryUnescape(name, out result);
        if (!ok)
        {
            stderr.WriteLine($"Failed to unescape string: {Errno.Describe(Errno.EINVAL)}");
            return null;
        }

        return result;
    }

    private static string? MangleOne(string input, TextWriter stderr)
    {
        int r = UnitNameEscaping.TryMangle(input, out string? result);
        if (r == 0)
            return result;
        stderr.WriteLine($"Failed to mangle name: {Errno.Describe(r)}");
        return null;
    }

    private static string Help(string program) => $"""
        {program} [OPTIONS...] [NAME...]

        Escape strings for usage in systemd unit names.

          -h --help               Show this help
             --version            Show package version
             --suffix=SUFFIX      Unit suffix to append to escaped strings
             --template=TEMPLATE  Insert strings as instance into template
             --instance           With --unescape, show just the instance part
          -u --unescape           Unescape strings
          -m --mangle             Mangle strings
          -p --path               When escaping/unescaping assume the string is a path

        """;
}
