namespace Summon.Units;

internal sealed partial class UnitSettingsParser
{
    /// <summary>The [Unit] keys only the job engine reads; null when the key is not one of them.</summary>
    private int? ApplyUnitJobs(string key, string value)
    {
        UnitSection u = _unit.Unit;
        switch (key)
        {
            case "PropagatesReloadTo" or "PropagateReloadTo": AddDependencies(u.PropagatesReloadTo, value); return 0;
            case "ReloadPropagatedFrom" or "PropagateReloadFrom": AddDependencies(u.ReloadPropagatedFrom, value); return 0;
            case "AllowIsolate":
                if (ParseBoolean(value) is bool allow)
                    u.AllowIsolate = allow;
                return 0;
            case "IgnoreOnIsolate":
                if (ParseBoolean(value) is bool ignore)
                    u.IgnoreOnIsolate = ignore;
                return 0;
            default:
                return null;
        }
    }
}
