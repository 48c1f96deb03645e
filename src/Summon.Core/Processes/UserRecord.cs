namespace Summon.Processes;

/// <summary>One entry of the user database (passwd): name, ids, home directory and login shell.</summary>
internal sealed record UserRecord(string Name, uint Uid, uint Gid, string Home, string Shell);
