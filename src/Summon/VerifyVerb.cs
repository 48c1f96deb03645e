using Summon.Units;

namespace Summon.Cli;

/// <summary>`summon verify [--user|--system] FILE…`: like `systemd-analyze verify`; messages on stderr, exit 0 or 1.</summary>
internal static class VerifyVerb
{
    public static int Run(IReadOnlyList<string> args, TextWriter stderr)
    {
        bool? userMode = null;
        var files = new List<string>();
        foreach (string arg in args)
        {
            switch (arg)
            {
                case "--user": userMode = true; break;
                case "--system": userMode = false; break;
                case "--man=no" or "--man=yes" or "--no-pager": break;
                default: files.Add(arg); break;
            }
        }

        if (files.Count == 0)
        {
            stderr.WriteLine("verify: at least one unit file is required.");
            return 1;
        }

        bool user = userMode ?? Environment.UserName != "root";
        VerifyResult result = UnitVerifier.Verify(files, UnitSearchPath.Resolve(user));
        foreach (string message in result.Messages)
            stderr.WriteLine(message);
        return result.ExitCode;
    }
}
