namespace Summon.Control;

/// <summary>What the control server needs from whoever answers it (the manager): a reply for each request.</summary>
internal interface IControlHandler
{
    /// <summary>
    /// Called on the client's own thread, several at once: moving the request to where its answer is made (the
    /// manager's event loop) is the handler's business. The task completes with the reply, when a job takes long.
    /// </summary>
    Task<ControlReply> HandleAsync(ControlRequest request);

    /// <summary>
    /// Runs on the client's thread after each request is handled and before its reply is written (the manager flushes
    /// its journal there, so whatever a request logged can be read as soon as its reply arrives).
    /// </summary>
    void BeforeReply();
}
