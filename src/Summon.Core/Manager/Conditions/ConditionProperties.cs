using System.Globalization;
using Summon.Control;
using Summon.Text;
using Summon.Units;
using Summon.Units.Conditions;

namespace Summon.Manager.Conditions;

/// <summary>
/// The condition properties of a unit for `show` and `status` (issue 13): ConditionResult=, ConditionTimestamp=,
/// AssertResult=, AssertTimestamp= as systemd's, their *Realtime twins in microseconds for status, and each
/// Conditions=/Asserts= entry as systemd dumps it ("ConditionPathExists=|!/x failed").
/// </summary>
internal static class ConditionProperties
{
    public static void Add(List<UnitProperty> p, UnitRuntime unit)
    {
        var checks = unit.Checks;
        p.Add(new UnitProperty("ConditionResult", SettingText.YesNo(checks.ConditionResult)));
        p.Add(new UnitProperty("AssertResult", SettingText.YesNo(checks.AssertResult)));
        p.Add(new UnitProperty("ConditionTimestamp", SystemdTimestamp.Format(checks.ConditionTimestamp, "")));
        p.Add(new UnitProperty("AssertTimestamp", SystemdTimestamp.Format(checks.AssertTimestamp, "")));
        p.Add(new UnitProperty("ConditionTimestampRealtime", Micros(checks.ConditionTimestamp)));
        p.Add(new UnitProperty("AssertTimestampRealtime", Micros(checks.AssertTimestamp)));
        AddList(p, "Conditions", unit.Definition.Unit.Conditions, checks, assert: false);
        AddList(p, "Asserts", unit.Definition.Unit.Asserts, checks, assert: true);
    }

    private static void AddList(List<UnitProperty> p, string name, List<UnitCondition> list, StartChecks checks, bool assert)
    {
        for (int i = 0; i < list.Count; i++)
            p.Add(new UnitProperty(name, $"{list[i]} {checks.Outcome(assert, i).Name()}"));
    }

    private static string Micros(DateTimeOffset? time) =>
        time is null ? "0" : ((time.Value.ToUnixTimeMilliseconds() * 1000) + (time.Value.Ticks / 10 % 1000)).ToString(CultureInfo.InvariantCulture);
}
