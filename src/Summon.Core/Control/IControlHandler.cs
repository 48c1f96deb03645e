namespace Summon.Control;

/// <summary>What the control server needs from whoever answers it (the manager): a reply for each request.</summary>
internal interface IControlHandler
{
    /// <summary>
    /// Called on the thread that drives the server (the manager's event loop), one request at a time, and must not
    /// block it: what takes long (a job waiting for its unit) returns a task that completes later, on any thread, and
    /// the server writes the reply then. A reply is written when its task completes, so a handler that must do
    /// something first (the manager has its journal commit what the request logged) completes it after that.
    /// </summary>
    Task<ControlReply> HandleAsync(ControlRequest request);
}
