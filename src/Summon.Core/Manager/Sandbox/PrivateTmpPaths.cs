namespace Summon.Manager.Sandbox;

/// <summary>One pair of private tmp directories: the unit they are named for, and the directories holding the /tmp
/// (under the runtime directory) and the /var/tmp (under the state directory) of PrivateTmp=.</summary>
internal sealed record PrivateTmpPaths(string Owner, string UnitDirectory, string PersistentUnitDirectory)
{
    public string Tmp => Path.Combine(UnitDirectory, "tmp");

    public string VarTmp => Path.Combine(PersistentUnitDirectory, "tmp");
}
