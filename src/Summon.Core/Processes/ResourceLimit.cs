namespace Summon.Processes;

/// <summary>
/// One setrlimit(2) applied in the child before exec: <see cref="Resource"/> is Linux's RLIMIT_* number
/// (RLIMIT_NOFILE = 7, …), <see cref="Soft"/>/<see cref="Hard"/> the values, <see cref="Infinity"/> for unlimited.
/// </summary>
internal readonly record struct ResourceLimit(int Resource, ulong Soft, ulong Hard)
{
    /// <summary>RLIM_INFINITY.</summary>
    public const ulong Infinity = ulong.MaxValue;
}
