using Summon.Control;
using Summon.Interop;

namespace Summon.Manager;

/// <summary>
/// The manager's end of the control socket: the event loop accepts on it, and each request, read on its client's
/// thread, runs on the loop (the only thread that touches manager state) through the <see cref="ControlDispatcher"/>.
/// </summary>
internal sealed class ControlEndpoint : IControlHandler, IDisposable
{
    private readonly EventLoop _loop;
    private readonly ControlDispatcher _dispatcher;
    private readonly Action _beforeReply;
    private readonly ControlServer _server;
    private readonly ulong _token;

    /// <summary>
    /// Binds the control socket at <paramref name="path"/> (as <see cref="ControlServer.Start"/>, and throws what it
    /// throws) and has <paramref name="loop"/> accept on it. <paramref name="beforeReply"/> runs before each reply is
    /// written (the daemon flushes its journal). Call on the loop's thread before it runs, and dispose there after it stopped.
    /// </summary>
    public ControlEndpoint(string path, uint ownUid, EventLoop loop, ControlDispatcher dispatcher, Action beforeReply)
    {
        _loop = loop;
        _dispatcher = dispatcher;
        _beforeReply = beforeReply;
        _server = ControlServer.Start(path, ownUid, this);
        try
        {
            _token = loop.Register(_server.Listener, Libc.EPOLLIN, _ => _server.AcceptPending());
        }
        catch
        {
            _server.Dispose();
            throw;
        }
    }

    public Task<ControlReply> HandleAsync(ControlRequest request) => _loop.InvokeAsync(() => _dispatcher.HandleAsync(request)).Unwrap();

    public void BeforeReply() => _beforeReply();

    public void Dispose()
    {
        _loop.Unregister(_token);
        _server.Dispose();
    }
}
