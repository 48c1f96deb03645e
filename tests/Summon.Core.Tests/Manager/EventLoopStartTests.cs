using Summon.Interop;
using Summon.Manager;
using Summon.Processes;

namespace Summon.Core.Tests.Manager;

/// <summary>
/// The start-up work posted before <see cref="EventLoop.Run"/> (a re-exec's restore, the boot) runs before the loop
/// dispatches any fd: a READY=1 waiting on the carried notify socket must not reach the router before the service it
/// names is restored (it was dropped as from an unknown pid, and the service waited in activating).
/// </summary>
public sealed class EventLoopStartTests
{
    [Fact]
    public unsafe void Work_posted_before_Run_comes_before_an_fd_that_is_already_readable()
    {
        using var loop = new EventLoop();
        var (read, write) = ChildStdio.CreatePipe(nonBlocking: true);
        using (read)
        using (write)
        {
            byte one = 1;
            Assert.Equal(1, Libc.Write(write, &one, 1));
            var order = new List<string>();
            loop.Register(read, Libc.EPOLLIN, _ =>
            {
                order.Add("fd");
                loop.Stop();
            });
            loop.Post(() => order.Add("posted"));

            var runner = new Thread(loop.Run);
            runner.Start();
            Assert.True(runner.Join(TimeSpan.FromSeconds(30)), "the loop did not stop");
            Assert.Equal(["posted", "fd"], order);
        }
    }
}
