namespace Summon.Units;

/// <summary>
/// One Condition*=/Assert*= assignment: its kind, the parameter (specifiers expanded), the "!" (negate) and "|"
/// (trigger) prefixes, and where it was written, for the manager's messages.
/// </summary>
internal sealed record UnitCondition(ConditionKind Kind, string Parameter, bool Trigger, bool Negate, bool IsAssert, string File, int Line)
{
    /// <summary>"ConditionPathExists" or "AssertPathExists".</summary>
    public string KeyName => Kind.KeyName(IsAssert);

    /// <summary>"ConditionPathExists=|!/x", as systemd prints a condition.</summary>
    public override string ToString() => $"{KeyName}={(Trigger ? "|" : "")}{(Negate ? "!" : "")}{Parameter}";
}
