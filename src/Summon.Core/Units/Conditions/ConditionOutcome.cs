namespace Summon.Units.Conditions;

/// <summary>systemd's ConditionResult: untested, succeeded, failed, or error (could not be determined, counts as failed).</summary>
internal enum ConditionOutcome { Untested, Succeeded, Failed, Error }

internal static class ConditionOutcomes
{
    public static string Name(this ConditionOutcome outcome) => outcome switch
    {
        ConditionOutcome.Succeeded => "succeeded",
        ConditionOutcome.Failed => "failed",
        ConditionOutcome.Error => "error",
        _ => "untested",
    };

    /// <summary>The state the bus (and `show`'s Conditions=) gives a condition: 0 untested, 1 met, -1 failed or error.</summary>
    public static int Tristate(this ConditionOutcome outcome) => outcome switch
    {
        ConditionOutcome.Untested => 0,
        ConditionOutcome.Succeeded => 1,
        _ => -1,
    };
}
