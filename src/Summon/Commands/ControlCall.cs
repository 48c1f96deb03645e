using Summon.Cli.Rendering;
using Summon.Control;

namespace Summon.Cli.Commands;

/// <summary>
/// Sends one request to the manager and prints what failed, worded as systemctl does, with systemctl's exit code;
/// maps "no manager" to a clear message and rc 1.
/// </summary>
internal static class ControlCall
{
    public static ControlReply? Send(CliContext context, ControlRequest request, out int exitCode)
    {
        try
        {
            var reply = context.Client.Send(request);
            exitCode = reply.Errors.Count > 0 ? 1 : 0;
            foreach (var error in reply.Errors)
                Console.Error.WriteLine(error);
            foreach (var failure in reply.Failures)
            {
                var (text, code) = JobMessages.Describe(request.Method, failure, Hints.Systemctl(context.UserMode), Hints.Journalctl(context.UserMode));
                Console.Error.WriteLine(text);
                exitCode = Math.Max(exitCode, code);
            }
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
