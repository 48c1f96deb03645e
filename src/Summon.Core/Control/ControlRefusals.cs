namespace Summon.Control;

/// <summary>The one-line errors a control client is turned away with (the CLI prints them as they are).</summary>
internal static class ControlRefusals
{
    public const string AccessDenied = "Access denied: the summon manager accepts requests from root and its own user only.";

    /// <summary>The client did not send its whole request within the deadline.</summary>
    public static string DeadlinePassed(TimeSpan deadline) =>
        $"The summon manager closed this control connection: the request did not arrive within {deadline.TotalSeconds:0.###} s of connecting.";

    /// <summary>The server was full and this client, still sending its request, had waited longest: it gave way to a new one.</summary>
    public static string GaveWay(int maxClients) =>
        $"The summon manager dropped this control connection: {maxClients} clients were connected and this request had been arriving longest. Try again.";

    /// <summary>The server was full of requests being handled (jobs running), so a new client could not be taken.</summary>
    public static string Busy(int maxClients) =>
        $"The summon manager is busy: {maxClients} control requests are in progress. Try again when some have finished.";
}
