namespace Summon.Manager;

/// <summary>The generic state every unit maps its sub-state onto (systemd's ActiveState).</summary>
internal enum UnitActiveState { Inactive, Activating, Active, Deactivating, Failed, Reloading, Maintenance }
