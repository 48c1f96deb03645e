using System.CommandLine;
using Summon.Control;

namespace Summon.Cli.Commands;

/// <summary>
/// daemon-reexec: the manager checks that the binary reads its state, then execve's it in place (same PID, every
/// socket kept). As systemctl does, the verb returns once the new image answers on the control socket.
/// </summary>
internal static class DaemonReexecVerb
{
    /// <summary>How long the new image may take to answer: systemctl's default job timeout.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    public static void AddTo(Command root)
    {
        var binary = new Option<string?>("--binary")
        {
            Description = "Execute this binary (an absolute path) instead of the running one: an upgrade in place",
            HelpName = "PATH",
        };
        var command = new Command("daemon-reexec", "Serialize the manager's state, re-execute it in place and deserialize the state again") { binary };
        command.SetAction(r => Run(GlobalOptions.Context(r), r.GetValue(binary)));
        root.Subcommands.Add(command);
    }

    private static int Run(CliContext context, string? binary)
    {
        if (binary is not null && !Path.IsPathFullyQualified(binary))
        {
            Console.Error.WriteLine($"Invalid --binary= value '{binary}': give the binary's absolute path.");
            return 1;
        }
        var reply = ControlCall.Send(context, new ControlRequest { Method = ControlMethods.Reexecute, Binary = binary }, out int rc);
        if (reply is null || rc != 0)
            return Math.Max(rc, 1);
        if (ManagerIdentity.In(reply) is not { } target)
        {
            Console.Error.WriteLine("The manager did not say which generation it re-executes into.");
            return 1;
        }

        var client = new ControlClient(context.ControlSocket) { Timeout = Wait };
        var deadline = DateTime.UtcNow + Wait;
        string why = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (ManagerIdentity.In(client.Send(new ControlRequest { Method = ControlMethods.Ping })) is { } now)
                {
                    if (now.Generation >= target.Generation && now.Failure is null)
                        return 0;
                    if (now.Failure is { } failure)
                    {
                        Console.Error.WriteLine(now.Generation >= target.Generation
                            ? $"The manager {failure}; see its journal."
                            : $"Failed to re-execute the manager: {failure}; it keeps running as it is.");
                        return 1;
                    }
                }
            }
            catch (ControlUnavailableException e)
            {
                why = e.Message;
            }
            Thread.Sleep(Poll);
        }
        Console.Error.WriteLine($"The manager did not answer after re-executing within {Wait.TotalSeconds:0}s: {why}");
        return 1;
    }
}
