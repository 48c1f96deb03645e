namespace Summon.Units;

/// <summary>
/// Finds the program of a command line as systemd's find_executable_full() does: 0 and the resolved path, or an errno
/// (ENOENT, EISDIR, EACCES). The seam through which `verify` asks the file system without a native call of its own;
/// callers pass Processes.ExecutableLookup.Find, the lookup the manager spawns with.
/// </summary>
internal delegate int ExecutableSearch(string name, out string? resolved);
