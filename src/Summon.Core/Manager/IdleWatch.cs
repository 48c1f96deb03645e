namespace Summon.Manager;

/// <summary>
/// The IdleStopSec= rule of one socket: the service is due to stop once every look for <see cref="IdleStop"/> has
/// found no connection. The count starts at the first idle look after a busy one, so the time runs from the last
/// connection's close (to within one <see cref="CheckInterval"/>), never from the service's start.
/// </summary>
internal sealed class IdleWatch(TimeProvider time, TimeSpan idleStop)
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(250);

    public TimeSpan IdleStop { get; } = idleStop;

    /// <summary>The first look that found nothing open, since the last busy one; null while busy or not watching.</summary>
    public DateTimeOffset? IdleSince { get; private set; }

    public DateTimeOffset? StopsAt => IdleSince + IdleStop;

    /// <summary>How often to look: an eighth of the idle time, so the stop is late by little, within bounds that keep a
    /// look's cost (a kernel walk of the socket table) rare.</summary>
    public TimeSpan CheckInterval => TimeSpan.FromTicks(Math.Clamp(IdleStop.Ticks / 8, MinInterval.Ticks, MaxInterval.Ticks));

    /// <summary>Records one look; true when the service has now been idle for <see cref="IdleStop"/>.</summary>
    public bool Observe(bool busy)
    {
        if (busy)
        {
            IdleSince = null;
            return false;
        }
        var now = time.GetUtcNow();
        IdleSince ??= now;
        return now - IdleSince.Value >= IdleStop;
    }

    /// <summary>Forgets the idle time (a new service, or a look that could not decide).</summary>
    public void Reset() => IdleSince = null;
}
