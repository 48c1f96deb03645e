using Summon.Control;

namespace Summon.Cli.Commands;

/// <summary>Sends one request to the manager and prints its errors; maps "no manager" to a clear message and rc 1.</summary>
internal static class ControlCall
{
    public static ControlReply? Send(CliContext context, ControlRequest request, out int exitCode)
    {
        try
        {
            var reply = context.Client.Send(request);
            foreach (var error in reply.Errors)
                Console.Error.WriteLine(error);
            exitCode = reply.ExitCode;
            return reply;
        }
        catch (ControlUnavailableException e)
        {
            Console.Error.WriteLine(e.Message);
            exitCode = 1;
            return null;
        }
    }
}
