using System.CommandLine;
using Summon.Interop;
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
        var action = Action.Escape;
        bool path = false, instance = false;
        string? suffix = null, template = null;
        var inputs = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                inputs.AddRange(args.Skip(i + 1));
                break;
            }

            if (a.StartsWith("--", StringComparison.Ordinal))
            {
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
                    case "unescape": action = Action.Unescape; break;
                    case "mangle": action = Action.Mangle; break;
                    case "path": path = true; break;
                    case "instance": instance = true; break;
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

                        if (name == "suffix")
                        {
                            if (!UnitTypes.TryParse(value, out _))
                            {
                                stderr.WriteLine($"Invalid unit suffix type \"{value}\".");
                                return 1;
                            }

                            suffix = value;
                        }
                        else
                        {
                            if (!UnitName.TryParse(value, out UnitName? t) || !t.IsTemplate)
                            {
                                stderr.WriteLine($"Template name {value} is not valid.");
                                return 1;
                            }

                            template = value;
                        }

                        break;
                    default:
                        stderr.WriteLine($"{program}: unrecognized option '{a}'");
                        return 1;
                }

                continue;
            }

            if (a.Length > 1 && a[0] == '-')
            {
                foreach (char c in a[1..])
                {
                    switch (c)
                    {
                        case 'h': stdout.Write(Help(program)); return 0;
                        case 'u': action = Action.Unescape; break;
                        case 'm': action = Action.Mangle; break;
                        case 'p': path = true; break;
                        default:
                            stderr.WriteLine($"{program}: invalid option -- '{c}'");
                            return 1;
                    }
                }

                continue;
            }

            inputs.Add(a);
        }

        string? problem = inputs.Count == 0 ? "Not enough arguments."
            : template is not null && suffix is not null ? "--suffix= and --template= may not be combined."
            : (template is not null || suffix is not null) && action == Action.Mangle ? "--suffix= and --template= are not compatible with --mangle."
            : suffix is not null && action == Action.Unescape ? "--suffix is not compatible with --unescape."
            : path && action == Action.Mangle ? "--path may not be combined with --mangle."
            : instance && action != Action.Unescape ? "--instance must be used in conjunction with --unescape."
            : instance && template is not null ? "--instance may not be combined with --template."
            : null;
        if (problem is not null)
        {
            stderr.WriteLine(problem);
            return 1;
        }

        for (int i = 0; i < inputs.Count; i++)
        {
            string? result = action switch
            {
                Action.Escape => EscapeOne(inputs[i], path, template, suffix, stderr),
                Action.Unescape => UnescapeOne(inputs[i], path, template, instance, stderr),
                _ => MangleOne(inputs[i], stderr),
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
