using Summon.Interop;
using static Summon.Manager.ManagerHost;

namespace Summon.Manager;

/// <summary>
/// What a manager holds before it touches anything in its directories, taken in this order: both directories made when
/// missing and checked (<see cref="ManagerDirectory"/>), then the runtime directory's lock, then the state directory's.
/// A refused claim leaves nothing in either; the locks are held until disposal, the end of the manager.
/// </summary>
internal sealed class ManagerClaim : IDisposable
{
    private readonly DirectoryLock _runtime;
    private readonly DirectoryLock? _state;

    private ManagerClaim(DirectoryLock runtime, DirectoryLock? state)
    {
        _runtime = runtime;
        _state = state;
    }

    /// <summary>Claims both directories into <paramref name="claim"/>; why not, or null (and nothing held).</summary>
    public static StartFailure? TryTake(bool userMode, string runtimeDirectory, string stateDirectory, uint uid, out ManagerClaim? claim)
    {
        claim = null;
        var runtimeMode = userMode ? ManagerDirectory.Private : ManagerDirectory.Shared;
        if ((ManagerDirectory.Prepare(DirectoryRole.Runtime, runtimeDirectory, runtimeMode, uid)
             ?? ManagerDirectory.Prepare(DirectoryRole.State, stateDirectory, ManagerDirectory.Private, uid)) is { } unusable)
            return unusable;
        if (DirectoryLock.TryTake(DirectoryRole.Runtime, runtimeDirectory, required: true, out var runtime) is { } runtimeHeld)
            return runtimeHeld;

        // The state directory may be read-only: the journal then stays on the console (docs/architecture.md, Threads).
        if (DirectoryLock.TryTake(DirectoryRole.State, stateDirectory, required: false, out var state) is { } stateHeld)
        {
            runtime!.Dispose();
            return stateHeld;
        }
        claim = new ManagerClaim(runtime!, state);
        return null;
    }

    /// <summary>The claim a re-exec carried: the locks' fds, still holding their flocks; nothing is checked or taken again.</summary>
    public static ManagerClaim Carried(SafeFdHandle runtimeLock, SafeFdHandle? stateLock) =>
        new(DirectoryLock.Carried(runtimeLock), stateLock is null ? null : DirectoryLock.Carried(stateLock));

    /// <summary>The runtime directory's lock fd.</summary>
    public SafeFdHandle RuntimeLock => _runtime.Handle;

    /// <summary>The state directory's lock fd, or null.</summary>
    public SafeFdHandle? StateLock => _state?.Handle;

    public void Dispose()
    {
        _state?.Dispose();
        _runtime.Dispose();
    }
}
