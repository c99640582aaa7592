using System.Collections.Concurrent;
using Gateway.Observability;

namespace Gateway.Identity;

/// <summary>
/// Validated tokens, keyed by the token's SHA-256, bounded in size. An entry is used only while the token has not
/// expired and the exact key that verified it is still in its issuer's key set; it is dropped otherwise. When full, new
/// entries are not added (a periodic sweep removes expired entries), so an attacker with many valid tokens cannot
/// evict others — they only pay full validation.
/// </summary>
internal sealed class TokenCache : IDisposable
{
    private readonly ConcurrentDictionary<TokenHash, Entry> _entries = new();
    private readonly int _max;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly ITimer? _sweeper;
    private readonly Prometheus.Counter.Child _hit;
    private readonly Prometheus.Counter.Child _miss;
    private readonly Prometheus.Counter.Child _full;
    private int _count;

    public TokenCache(int maxEntries, TimeProvider time, GatewayMetrics metrics)
    {
        _max = maxEntries;
        _time = time;
        _metrics = metrics;
        _hit = metrics.TokenCache.WithLabels("hit");
        _miss = metrics.TokenCache.WithLabels("miss");
        _full = metrics.TokenCache.WithLabels("full");
        if (maxEntries > 0)
        {
            _sweeper = time.CreateTimer(_ => Sweep(), null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        }
    }

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(TokenHash hash, out WorkloadIdentity? identity)
    {
        identity = null;
        if (_max == 0 || !_entries.TryGetValue(hash, out var e))
        {
            _miss.Inc();
            return false;
        }

        if (_time.GetUtcNow() >= e.Identity.Expires || e.Keys.Current?.Contains(e.KeyId, e.Fingerprint) != true)
        {
            Remove(hash);
            _miss.Inc();
            return false;
        }

        _hit.Inc();
        identity = e.Identity;
        return true;
    }

    public void Add(TokenHash hash, WorkloadIdentity identity, IssuerKeyManager keys, string? keyId, string fingerprint)
    {
        if (_max == 0)
        {
            return;
        }

        if (Volatile.Read(ref _count) >= _max)
        {
            _full.Inc();
            return;
        }

        if (_entries.TryAdd(hash, new Entry(identity, keys, keyId, fingerprint)))
        {
            _metrics.TokenCacheEntries.Set(Interlocked.Increment(ref _count));
        }
    }

    /// <summary>Drops every entry.</summary>
    public void Clear()
    {
        foreach (var hash in _entries.Keys)
        {
            Remove(hash);
        }
    }

    /// <summary>Removes expired entries and entries whose key left the key set.</summary>
    public void Sweep()
    {
        var now = _time.GetUtcNow();
        foreach (var (hash, e) in _entries)
        {
            if (now >= e.Identity.Expires || e.Keys.Current?.Contains(e.KeyId, e.Fingerprint) != true)
            {
                Remove(hash);
            }
        }
    }

    private void Remove(TokenHash hash)
    {
        if (_entries.TryRemove(hash, out _))
        {
            _metrics.TokenCacheEntries.Set(Interlocked.Decrement(ref _count));
        }
    }

    public void Dispose() => _sweeper?.Dispose();

    private sealed record Entry(WorkloadIdentity Identity, IssuerKeyManager Keys, string? KeyId, string Fingerprint);
}
