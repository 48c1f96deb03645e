namespace Summon.Processes;

/// <summary>
/// The self-helper's command line after the hidden verb:
/// <c>[--listen-pid] [--exec-pid] [--ignore-sigpipe] -- ARGV0 PATH [ARGS…]</c>.
/// </summary>
internal sealed record ExecHelperArguments(bool ListenPid, bool ExecPid, bool IgnoreSigpipe, string Path, string[] Argv)
{
    /// <summary>Parses; on failure returns null and a usage message.</summary>
    public static ExecHelperArguments? Parse(ReadOnlySpan<string> args, out string? error)
    {
        bool listen = false, exec = false, ignoreSigpipe = false;
        int i = 0;
        for (; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                i++;
                break;
            }

            switch (a)
            {
                case SelfExecHelper.ListenPidFlag:
                    listen = true;
                    break;
                case SelfExecHelper.ExecPidFlag:
                    exec = true;
                    break;
                case SelfExecHelper.IgnoreSigpipeFlag:
                    ignoreSigpipe = true;
                    break;
                default:
                    error = $"Unknown option '{a}'.";
                    return null;
            }

            if (i == args.Length - 1)
            {
                error = "Missing '--' before the command.";
                return null;
            }
        }

        if (args.Length - i < 2)
        {
            error = "Expected ARGV0 and PATH after '--'.";
            return null;
        }

        string argv0 = args[i];
        string path = args[i + 1];
        if (!path.StartsWith('/'))
        {
            error = $"Executable path is not absolute: {path}";
            return null;
        }

        var argv = new string[args.Length - i - 1];
        argv[0] = argv0;
        args[(i + 2)..].CopyTo(argv.AsSpan(1));
        error = null;
        return new ExecHelperArguments(listen, exec, ignoreSigpipe, path, argv);
    }
}
