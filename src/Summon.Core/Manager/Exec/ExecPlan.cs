using Summon.Processes;

namespace Summon.Manager.Exec;

/// <summary>
/// What <see cref="ServiceExecBuilder"/> prepared for one command: the spawn request and the handles only the child
/// needs (pipe write ends, opened files) and the journal captures that wait for its pid. Dispose after the spawn,
/// whether it succeeded or not: the child holds its own copies.
/// </summary>
internal readonly struct ExecPlan(SpawnRequest request, List<IDisposable> owned, List<OutputCapture> captures) : IDisposable
{
    public SpawnRequest Request { get; } = request;

    /// <summary>Starts the captures reading, filed under the child's pid; afterwards they live on their own.</summary>
    public void Started(int pid)
    {
        foreach (var capture in captures)
            capture.Attach(pid);
        captures.Clear();
    }

    public void Dispose() => Release(owned, captures);

    /// <summary>Closes the child's handles, and the captures not started (the spawn failed).</summary>
    public static void Release(List<IDisposable> owned, List<OutputCapture> captures)
    {
        foreach (var handle in owned)
            handle.Dispose();
        foreach (var capture in captures)
            capture.Dispose();
        captures.Clear();
    }
}
