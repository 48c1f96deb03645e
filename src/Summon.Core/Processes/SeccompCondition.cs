namespace Summon.Processes;

/// <summary>How a <see cref="SeccompCondition"/> compares a system call argument with its value.</summary>
internal enum SeccompCompare
{
    /// <summary>Any of the value's bits is set in the argument's low word.</summary>
    AnyBit,

    /// <summary>All of the value's bits are set in the argument's low word.</summary>
    AllBits,

    /// <summary>The argument's low word equals the value (the kernel reads int arguments as that word).</summary>
    Equal,

    /// <summary>The argument's low word differs from the value.</summary>
    NotEqual,

    /// <summary>The whole 64-bit argument is above the value (a high word set counts as above).</summary>
    Above,
}

/// <summary>One test of a system call argument that a <see cref="SeccompRule"/> requires.</summary>
internal readonly record struct SeccompCondition(int Argument, SeccompCompare Compare, uint Value);

/// <summary>A call (by number) whose action applies when all its conditions hold.</summary>
internal sealed record SeccompRule(int Number, uint Action, params SeccompCondition[] Conditions);
