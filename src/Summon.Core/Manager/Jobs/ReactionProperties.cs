using System.Globalization;
using Summon.Control;
using Summon.Units;

namespace Summon.Manager.Jobs;

/// <summary>
/// The settings the dependency reactions read, as `systemctl show` names them (BindsTo=, Upholds=, OnFailure=, …):
/// each is listed when it is set or asked for by name, so the output of a unit that uses none is unchanged.
/// </summary>
internal static class ReactionProperties
{
    public static void Add(List<UnitProperty> p, UnitRuntime unit, IReadOnlyCollection<string>? wanted)
    {
        var u = unit.Definition.Unit;
        void Put(string name, string value, bool isDefault)
        {
            if (!isDefault || wanted?.Contains(name) == true)
                p.Add(new UnitProperty(name, value));
        }
        Put("BindsTo", string.Join(' ', u.BindsTo), u.BindsTo.Count == 0);
        Put("Upholds", string.Join(' ', u.Upholds), u.Upholds.Count == 0);
        Put("OnFailure", string.Join(' ', u.OnFailure), u.OnFailure.Count == 0);
        Put("OnFailureJobMode", u.OnFailureJobMode, u.OnFailureJobMode == "replace");
        Put("OnSuccess", string.Join(' ', u.OnSuccess), u.OnSuccess.Count == 0);
        Put("OnSuccessJobMode", u.OnSuccessJobMode, u.OnSuccessJobMode == "replace");
        Put("StopWhenUnneeded", SettingText.YesNo(u.StopWhenUnneeded), !u.StopWhenUnneeded);
        Put("CollectMode", u.CollectInactiveOrFailed ? "inactive-or-failed" : "inactive", !u.CollectInactiveOrFailed);
        Put("StartLimitAction", u.StartLimitAction, u.StartLimitAction == "none");
        Put("FailureAction", u.FailureAction, u.FailureAction == "none");
        Put("FailureActionExitStatus", u.FailureActionExitStatus?.ToString(CultureInfo.InvariantCulture) ?? "", u.FailureActionExitStatus is null);
        Put("SuccessAction", u.SuccessAction, u.SuccessAction == "none");
        Put("SuccessActionExitStatus", u.SuccessActionExitStatus?.ToString(CultureInfo.InvariantCulture) ?? "", u.SuccessActionExitStatus is null);
    }
}
