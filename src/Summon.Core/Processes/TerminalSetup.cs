namespace Summon.Processes;

/// <summary>How fd 0, when it is a terminal the child opens (StandardInput=tty*), becomes its controlling terminal.</summary>
internal enum TerminalControl { None, Take, Force }

/// <summary>
/// The terminal steps of systemd.exec(5): TTYVHangup= and TTYReset= on <see cref="Path"/> before the child opens its
/// streams, and the controlling terminal taken once it has opened it as fd 0 (StandardInput=tty, tty-fail: taken if
/// free, else the start fails with 208/STDIN; tty-force: taken from whoever holds it).
/// </summary>
internal sealed record TerminalSetup(string Path, TerminalControl Control, bool Reset, bool VHangup);
