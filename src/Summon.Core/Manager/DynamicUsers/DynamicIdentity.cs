namespace Summon.Manager.DynamicUsers;

/// <summary>A realized dynamic user or group: its number, the primary group a user runs with, and the lock that holds
/// the number (null when a static user or group of the name exists and is used instead, as systemd does).</summary>
internal sealed record DynamicIdentity(string Name, uint Id, uint Gid, DynamicUidLock? Lock);
