using System.Collections.Concurrent;
using Gateway.Observability;

namespace Gateway.Identity;

/// <summary>
/// Validated tokens, keyed by the token's SHA-256, bounded in size. An entry is used only while the token has not
/// expired and the exact key that verified it is still in its issuer's key set; it is dropped otherwise. When full, new
/// entries are not added (a periodic sweep removes expired entries), so an attacker with many valid tokens cannot
/// evict others — they only pay full validation.
/// <para>
/// It also remembers tokens that were verified (a good signature from a trusted key) and found expired: a workload
/// whose token refresh broke keeps sending the same expired token, and each of those requests would otherwise pay a
/// whole signature check to be refused. Expired stays expired, so such a token is refused from this list with the same
/// reason, issuer and hash. Only verified tokens enter it: a forged token, expired or not, is verified every time and
/// reads <c>invalid_signature</c>. At most <see cref="MaxExpired"/> entries; when full the list starts over (an
/// attacker holding many real expired tokens only makes the gateway verify them again).
/// </para>
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
    private readonly Prometheus.Counter.Child _expiredHit;
    private readonly ConcurrentDictionary<TokenHash, ExpiredToken> _expired = new();
    private int _count;
    private int _expiredCount;

    /// <summary>Most verified-and-expired tokens remembered at once (under a megabyte when full).</summary>
    public const int MaxExpired = 4096;

    public TokenCache(int maxEntries, TimeProvider time, GatewayMetrics metrics)
    {
        _max = maxEntries;
        _time = time;
        _metrics = metrics;
        _hit = metrics.TokenCache.WithLabels("hit");
        _miss = metrics.TokenCache.WithLabels("miss");
        _full = metrics.TokenCache.WithLabels("full");
        _expiredHit = metrics.TokenCache.WithLabels("expired");
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

    /// <summary>The entry of a token verified before and found expired, if there is one. The caller checks that it
    /// still holds (same issuer instance, still past <c>exp</c> + skew: the clock may have been stepped back) and then
    /// calls <see cref="ExpiredAnswered"/>, or <see cref="ForgetExpired"/>.</summary>
    public bool TryGetExpired(TokenHash hash, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ExpiredToken? entry)
    {
        entry = null;
        return _max != 0 && Volatile.Read(ref _expiredCount) != 0 && _expired.TryGetValue(hash, out entry);
    }

    /// <summary>Counts a refusal answered from the list.</summary>
    public void ExpiredAnswered() => _expiredHit.Inc();

    public void ForgetExpired(TokenHash hash)
    {
        if (_expired.TryRemove(hash, out _))
        {
            Interlocked.Decrement(ref _expiredCount);
        }
    }

    /// <summary>Remembers a token whose signature verified and which has expired.</summary>
    public void AddExpired(TokenHash hash, ExpiredToken entry)
    {
        if (_max == 0)
        {
            return;
        }

        if (Volatile.Read(ref _expiredCount) >= MaxExpired)
        {
            ClearExpired();
        }

        if (_expired.TryAdd(hash, entry))
        {
            Interlocked.Increment(ref _expiredCount);
        }
    }

    /// <summary>Tokens remembered as expired.</summary>
    public int ExpiredCount => Volatile.Read(ref _expiredCount);

    /// <summary>Drops every entry, the expired tokens' too (issuers changed: names and skews may differ).</summary>
    public void Clear()
    {
        foreach (var hash in _entries.Keys)
        {
            Remove(hash);
        }

        ClearExpired();
    }

    private void ClearExpired()
    {
        foreach (var hash in _expired.Keys)
        {
            if (_expired.TryRemove(hash, out _))
            {
                Interlocked.Decrement(ref _expiredCount);
            }
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

    /// <summary>A verified token's issuer (the instance that verified it: a reload makes a new one), its expiry and its
    /// short hash for the audit record.</summary>
    public sealed record ExpiredToken(IssuerRuntime Issuer, DateTimeOffset Expires, string TokenHash);
}
