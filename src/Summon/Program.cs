namespace Summon.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "verify")
            return VerifyVerb.Run(args[1..], Console.Error);
        return 0;
    }
}
