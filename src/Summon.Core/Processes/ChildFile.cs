using Summon.Interop;

namespace Summon.Processes;

/// <summary>
/// A file a child opens for one of its standard streams (StandardInput=file:, StandardOutput=file:/append:/truncate:):
/// the child opens it between clone and execve, as systemd's exec child does, so a FIFO with no peer or a hung mount
/// holds that child and never the manager. O_CLOEXEC and O_NOCTTY are added by the child.
/// </summary>
internal sealed record ChildFile(string Path, int Flags, uint Mode)
{
    /// <summary>StandardOutput=file:/append:/truncate: — O_WRONLY|O_CREAT (0644) plus O_APPEND or O_TRUNC, on the
    /// open file description the service writes through.</summary>
    public static ChildFile Output(string path, bool append, bool truncate) =>
        new(path, Libc.O_WRONLY | Libc.O_CREAT | (append ? Libc.O_APPEND : 0) | (truncate ? Libc.O_TRUNC : 0), Convert.ToUInt32("644", 8));

    /// <summary>StandardInput=file: — read-only.</summary>
    public static ChildFile Input(string path) => new(path, Libc.O_RDONLY, 0);

    /// <summary>TTYPath= for StandardInput=tty* (read-write) or StandardOutput=tty (write-only); the child makes it its
    /// controlling terminal itself (<see cref="TerminalSetup"/>).</summary>
    public static ChildFile Terminal(string path, int flags) => new(path, flags, 0);
}
