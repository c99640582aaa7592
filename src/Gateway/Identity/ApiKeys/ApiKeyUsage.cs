namespace Gateway.Identity.ApiKeys;

/// <summary>
/// When a key was last used (its secret matched and it was accepted) and last refused (its secret matched but it was
/// revoked, expired or used on a route it may not reach: a client still holding a retired key). In memory only;
/// each time is written at most once a second, without a lock, so a busy key costs one read per request. Kept across
/// store reloads for the same id.
/// </summary>
internal sealed class ApiKeyUsage
{
    private long _lastUsedTicks;
    private long _lastRefusedTicks;

    public DateTimeOffset? LastUsed => ToTime(Volatile.Read(ref _lastUsedTicks));

    public DateTimeOffset? LastRefused => ToTime(Volatile.Read(ref _lastRefusedTicks));

    /// <summary>Records a use; true when this call wrote the time (at most once a second).</summary>
    public bool MarkUsed(DateTimeOffset now) => Mark(ref _lastUsedTicks, now.UtcTicks);

    /// <summary>Records a refusal; true when this call wrote the time (at most once a second), which also throttles
    /// the log line about it.</summary>
    public bool MarkRefused(DateTimeOffset now) => Mark(ref _lastRefusedTicks, now.UtcTicks);

    private static bool Mark(ref long field, long now)
    {
        var last = Volatile.Read(ref field);
        // Unsigned: a clock that went back also writes, so the time never sticks in the future.
        if ((ulong)(now - last) < TimeSpan.TicksPerSecond)
        {
            return false;
        }

        return Interlocked.CompareExchange(ref field, now, last) == last;
    }

    private static DateTimeOffset? ToTime(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}
