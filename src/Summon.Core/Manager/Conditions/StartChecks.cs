using Microsoft.Extensions.Logging;
using Summon.Posix;
using Summon.Units;
using Summon.Units.Conditions;

namespace Summon.Manager.Conditions;

/// <summary>What a start found in Condition*=/Assert*= (systemd's unit_start()).</summary>
internal enum StartCheck
{
    /// <summary>Both lists hold: the start goes on.</summary>
    Pass,

    /// <summary>A condition failed: the start is skipped, the unit stays as it is, the start job is done.</summary>
    Skip,

    /// <summary>An assert failed: the start job fails with result "assert"; the unit stays as it is.</summary>
    AssertFailed,
}

/// <summary>
/// One unit's last results of its conditions and asserts: ConditionResult=, ConditionTimestamp=, AssertResult=,
/// AssertTimestamp= and each entry's outcome (show's Conditions=/Asserts=, status's "Condition:" line). A start
/// tests the conditions first and, only when they hold, the asserts, as systemd does; each test reads local files.
/// </summary>
internal sealed class StartChecks
{
    private ConditionOutcome[] _conditionOutcomes = [];
    private ConditionOutcome[] _assertOutcomes = [];

    public bool ConditionResult { get; private set; }

    public DateTimeOffset? ConditionTimestamp { get; private set; }

    public bool AssertResult { get; private set; }

    public DateTimeOffset? AssertTimestamp { get; private set; }

    /// <summary>The outcome of the <paramref name="index"/>th entry of the unit's Conditions (or Asserts) at the last test.</summary>
    public ConditionOutcome Outcome(bool assert, int index)
    {
        var outcomes = assert ? _assertOutcomes : _conditionOutcomes;
        return index < outcomes.Length ? outcomes[index] : ConditionOutcome.Untested;
    }

    /// <summary>Tests the unit's conditions, then its asserts, logging each test and the verdict as systemd does.</summary>
    public StartCheck Run(UnitRuntime unit, ConditionEvaluator evaluator, DateTimeOffset now, ILogger log)
    {
        var settings = unit.Definition.Unit;
        if (settings.Conditions.Count == 0 && settings.Asserts.Count == 0)
        {
            // The common case, once per accepted connection too: nothing to test, nothing allocated.
            (ConditionResult, ConditionTimestamp, _conditionOutcomes) = (true, now, []);
            (AssertResult, AssertTimestamp, _assertOutcomes) = (true, now, []);
            return StartCheck.Pass;
        }

        void Report(UnitCondition c, ConditionOutcome outcome, int errno)
        {
            if (outcome == ConditionOutcome.Error)
                ManagerLog.ConditionUndetermined(log, unit.Id, c.ToString(), Errno.Describe(errno));
            else
                ManagerLog.ConditionTested(log, unit.Id, c.ToString(), outcome.Name());
        }

        ConditionTimestamp = now;
        _conditionOutcomes = new ConditionOutcome[settings.Conditions.Count];
        ConditionResult = evaluator.TestList(settings.Conditions, _conditionOutcomes, Report);
        if (!ConditionResult)
        {
            ManagerLog.ConditionNotMet(log, unit.Id);
            ManagerLog.ConditionSkipped(log, unit.Id, ManagerLog.Suffix(unit));
            return StartCheck.Skip;
        }

        AssertTimestamp = now;
        _assertOutcomes = new ConditionOutcome[settings.Asserts.Count];
        AssertResult = evaluator.TestList(settings.Asserts, _assertOutcomes, Report);
        if (!AssertResult)
        {
            ManagerLog.AssertsFailed(log, unit.Id);
            ManagerLog.AssertionFailed(log, unit.Id, ManagerLog.Suffix(unit));
            return StartCheck.AssertFailed;
        }
        return StartCheck.Pass;
    }

    internal Reexec.StartChecksRecord ToRecord() =>
        new(ConditionResult, ConditionTimestamp, AssertResult, AssertTimestamp, _conditionOutcomes, _assertOutcomes);

    /// <summary>Takes the results back after a re-exec.</summary>
    internal void Restore(Reexec.StartChecksRecord record)
    {
        (ConditionResult, ConditionTimestamp, _conditionOutcomes) = (record.ConditionResult, record.ConditionTimestamp, record.ConditionOutcomes);
        (AssertResult, AssertTimestamp, _assertOutcomes) = (record.AssertResult, record.AssertTimestamp, record.AssertOutcomes);
    }

    /// <summary>ExecCondition= exited 1–254: the start is skipped as by a failed condition (ConditionResult=no).</summary>
    public void ExecConditionFailed(DateTimeOffset now)
    {
        ConditionResult = false;
        ConditionTimestamp = now;
    }
}
