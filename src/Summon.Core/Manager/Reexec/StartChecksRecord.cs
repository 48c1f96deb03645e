using Summon.Units.Conditions;

namespace Summon.Manager.Reexec;

/// <summary>A unit's last Condition*=/Assert*= results across a re-exec (show's ConditionResult=, Conditions=, …).</summary>
internal sealed record StartChecksRecord(
    bool ConditionResult,
    DateTimeOffset? ConditionTimestamp,
    bool AssertResult,
    DateTimeOffset? AssertTimestamp,
    ConditionOutcome[] ConditionOutcomes,
    ConditionOutcome[] AssertOutcomes);
