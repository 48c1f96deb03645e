using System.Runtime.InteropServices;
using Summon.Interop;
using Summon.Sockets;
using Summon.Units;

namespace Summon.Manager.Exec;

/// <summary>What one service start hands a command: its unit, the fds it passes, and the ids it carries.</summary>
internal readonly record struct ExecInputs
{
    public required string UnitId { get; init; }

    public required ServiceSection Settings { get; init; }

    public required ExecCommand Command { get; init; }

    /// <summary>The main process gets the sockets and the fd store; control processes get neither.</summary>
    public required bool IsMain { get; init; }

    public required bool IsConnectionInstance { get; init; }

    /// <summary>Accept=yes: the connection (fd 3, or stdio with StandardInput=socket).</summary>
    public AcceptedConnection? Connection { get; init; }

    /// <summary>Accept=no: the listening fds of the triggering sockets with their names, in order.</summary>
    public IReadOnlyList<(SafeHandle Fd, string Name)> ListenFds { get; init; }

    /// <summary>The fd store, handed back after the socket fds (sd_listen_fds(3)).</summary>
    public IReadOnlyList<(SafeFdHandle Fd, string Name)> StoredFds { get; init; }

    public required string InvocationId { get; init; }

    /// <summary>MAINPID= for a control process while the main process runs; 0 otherwise.</summary>
    public int MainPid { get; init; }

    /// <summary>$CREDENTIALS_DIRECTORY of a unit with credentials; null for one without.</summary>
    public string? CredentialsDirectory { get; init; }
    /// <summary>DynamicUser=: this start's realized user (its credentials, or why the commands fail); null without it.</summary>
    public DynamicUsers.DynamicUserJob? DynamicUser { get; init; }

    /// <summary>The service directories and private /tmp made off the loop for this command (a done job); null when
    /// its unit names neither.</summary>
    public Directories.DirectoryJob? Directories { get; init; }

    /// <summary>The unit's cgroup the child starts in; null without one.</summary>
    public Processes.ChildCgroup? ControlGroup { get; init; }
}
