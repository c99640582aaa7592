using System.Collections.Concurrent;

namespace Gateway.Identity.Dpop;

/// <summary>
/// The replay store of one gateway instance: at most <c>capacity</c> keys (each kept as its SHA-256, 32 bytes, however
/// long the key), thread-safe. Expired keys are swept by a timer and, once the store is seven-eighths full, by a sweep
/// started in the background (at most once a second). A request never sweeps itself: with the default capacity that is
/// a walk over a million entries, and it would stall every connection of the I/O thread it runs on. When the store is
/// full it answers <see cref="ReplayCheck.Unavailable"/>: new proofs are refused rather than old ones forgotten, because
/// forgetting a key that has not expired would let its proof be replayed.
/// </summary>
internal sealed class InMemoryDpopReplayStore : IDpopReplayStore, IDisposable
{
    public static readonly TimeSpan DefaultSweepInterval = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MinReclaimInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<TokenHash, long> _entries = new();
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private readonly int _highWater;
    private readonly Action<Action> _runInBackground;
    private readonly Action _sweep;
    private int _count;
    private int _sweeping;
    private long _lastReclaimTicks;

    /// <param name="runInBackground">Runs a reclaiming sweep off the request (default: the thread pool); tests pass one
    /// that runs it at once or holds it.</param>
    public InMemoryDpopReplayStore(int capacity, TimeProvider time, TimeSpan? sweepInterval = null,
        Action<Action>? runInBackground = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
        _highWater = capacity - (capacity / 8);
        _time = time;
        _sweep = Sweep;
        _runInBackground = runInBackground
            ?? (static work => ThreadPool.UnsafeQueueUserWorkItem(static w => w(), work, preferLocal: false));
        var interval = sweepInterval ?? DefaultSweepInterval;
        _sweeper = time.CreateTimer(static state => ((InMemoryDpopReplayStore)state!).Sweep(), this, interval, interval);
    }

    /// <summary>Keys stored now (expired ones included until swept).</summary>
    public int Count => Volatile.Read(ref _count);

    public int Capacity => _capacity;

    public ValueTask<ReplayCheck> TryRegisterAsync(string key, DateTimeOffset expires, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<ReplayCheck>(ct);
        }

        return new ValueTask<ReplayCheck>(TryRegister(TokenHash.Compute(key), expires.UtcTicks));
    }

    private ReplayCheck TryRegister(TokenHash hash, long expires)
    {
        var now = _time.GetUtcNow().UtcTicks;
        while (true)
        {
            if (_entries.TryGetValue(hash, out var existing))
            {
                if (existing > now)
                {
                    return ReplayCheck.Replayed;
                }

                // Expired but not swept yet: the key is free again.
                if (_entries.TryUpdate(hash, expires, existing))
                {
                    return ReplayCheck.Registered;
                }

                continue; // changed under us: look again
            }

            if (!TryReserve(now))
            {
                return ReplayCheck.Unavailable;
            }

            if (_entries.TryAdd(hash, expires))
            {
                return ReplayCheck.Registered;
            }

            Interlocked.Decrement(ref _count); // another call added the same key first: look again
        }
    }

    private bool TryReserve(long now)
    {
        var count = Interlocked.Increment(ref _count);
        if (count <= _capacity)
        {
            if (count >= _highWater)
            {
                StartReclaim(now); // filling up: make room before it is needed
            }

            return true;
        }

        Interlocked.Decrement(ref _count);
        if (!StartReclaim(now))
        {
            return false;
        }

        // The sweep runs elsewhere and is rarely done yet: one more look, then refuse.
        if (Interlocked.Increment(ref _count) <= _capacity)
        {
            return true;
        }

        Interlocked.Decrement(ref _count);
        return false;
    }

    /// <summary>Starts a sweep in the background unless one was started less than a second ago.</summary>
    private bool StartReclaim(long now)
    {
        var last = Interlocked.Read(ref _lastReclaimTicks);
        if (now - last < MinReclaimInterval.Ticks || Interlocked.CompareExchange(ref _lastReclaimTicks, now, last) != last)
        {
            return false;
        }

        _runInBackground(_sweep);
        return true;
    }

    /// <summary>Removes expired keys. One sweep at a time; a call while another sweeps returns at once.</summary>
    public void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            var now = _time.GetUtcNow().UtcTicks;
            foreach (var entry in _entries)
            {
                // Remove only the pair we saw: a key re-registered meanwhile keeps its new expiry.
                if (entry.Value <= now && _entries.TryRemove(entry))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    public void Dispose() => _sweeper.Dispose();
}
