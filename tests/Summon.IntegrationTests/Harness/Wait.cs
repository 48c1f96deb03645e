namespace Summon.IntegrationTests.Harness;

/// <summary>
/// Polling for state that settles asynchronously (a child reaped, a counter updated). A deadline only bounds
/// how long a broken build can hang; callers assert the exact value returned, so timing is never the assertion.
/// </summary>
internal static class Wait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Probes until <paramref name="done"/> holds or the deadline passes; returns the last probe either way.</summary>
    public static async Task<T> ForAsync<T>(Func<T> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            T value = probe();
            if (done(value) || DateTime.UtcNow >= deadline)
            {
                return value;
            }

            await Task.Delay(s_interval);
        }
    }

    /// <summary>Probes until <paramref name="condition"/> holds; returns whether it did before the deadline.</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan? timeout = null) =>
        await ForAsync(condition, static ok => ok, timeout);
}
