using Gateway.Identity;
using Gateway.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Unit.Identity;

public sealed class TokenCacheTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly GatewayMetrics _metrics = new();
    private readonly FakeKeySetSource _source = new();
    private readonly IssuerKeyManager _keys;

    public TokenCacheTests()
    {
        _keys = new IssuerKeyManager(_source, "test", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), _time, _metrics,
            NullLogger.Instance);
    }

    public ValueTask DisposeAsync() => _keys.DisposeAsync();

    private static WorkloadIdentity Identity(string id, DateTimeOffset expires)
        => new(id, "https://issuer.example", "test", "jwt", null, "jti-" + id, "hash", expires,
            new Dictionary<string, string[]>());

    private static TokenHash Hash(string token) => TokenHash.Compute(token);

    private async Task<IssuerKey> InstallAsync(params Microsoft.IdentityModel.Tokens.JsonWebKey[] keys)
    {
        _source.Keys = TestKeys.Set(keys);
        Assert.True(await _keys.RefreshAsync(CancellationToken.None));
        return _keys.Current!.All[0];
    }

    private double CacheCounter(string result) => _metrics.TokenCache.WithLabels(result).Value;

    [Fact]
    public async Task TryGet_AddedEntry_ReturnsSameIdentity()
    {
        var key = await InstallAsync(TestKeys.Ec("k1"));
        using var cache = new TokenCache(10, _time, _metrics);
        var identity = Identity("a", Start.AddMinutes(5));

        cache.Add(Hash("token-a"), identity, _keys, key.KeyId, key.Fingerprint);

        Assert.True(cache.TryGet(Hash("token-a"), out var found));
        Assert.Same(identity, found);
        Assert.Equal(1, cache.Count);
        Assert.Equal(1, CacheCounter("hit"));
        Assert.Equal(1, _metrics.TokenCacheEntries.Value);
    }

    [Fact]
    public async Task TryGet_UnknownToken_Misses()
    {
        var key = await InstallAsync(TestKeys.Ec("k1"));
        using var cache = new TokenCache(10, _time, _metrics);
        cache.Add(Hash("token-a"), Identity("a", Start.AddMinutes(5)), _keys, key.KeyId, key.Fingerprint);

        Assert.False(cache.TryGet(Hash("token-b"), out var found));
        Assert.Null(found);
        Assert.Equal(1, CacheCounter("miss"));
    }

    [Theory]
    [InlineData("one second before exp", 59, true)]
    [InlineData("at exp", 60, false)]
    [InlineData("after exp", 61, false)]
    public async Task TryGet_AroundTokenExpiry_HitsOnlyBeforeExp(string name, int seconds, bool hit)
    {
        _ = name;
        var key = await InstallAsync(TestKeys.Ec("k1"));
        using var cache = new TokenCache(10, _time, _metrics);
        cache.Add(Hash("t"), Identity("a", Start.AddSeconds(60)), _keys, key.KeyId, key.Fingerprint);

        _time.Advance(TimeSpan.FromSeconds(seconds));

        Assert.Equal(hit, cache.TryGet(Hash("t"), out var found));
        Assert.Equal(hit, found is not null);
        Assert.Equal(hit ? 1 : 0, cache.Count);
    }

    [Fact]
    public async Task TryGet_KeyLeftTheKeySet_MissesAndDropsEntry()
    {
        await InstallAsync(TestKeys.Ec("k1"), TestKeys.Ec("k2"));
        var k1 = _keys.Current!.ByKeyId["k1"];
        var k2Jwk = _source.Keys.Keys[1];
        using var cache = new TokenCache(10, _time, _metrics);
        cache.Add(Hash("t"), Identity("a", Start.AddHours(1)), _keys, k1.KeyId, k1.Fingerprint);
        Assert.True(cache.TryGet(Hash("t"), out _));

        await InstallAsync(k2Jwk); // the issuer rotated k1 out

        Assert.False(cache.TryGet(Hash("t"), out var found));
        Assert.Null(found);
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, _metrics.TokenCacheEntries.Value);
    }

    [Fact]
    public async Task TryGet_KidReusedForOtherKeyMaterial_Misses()
    {
        var original = await InstallAsync(TestKeys.Ec("k1"));
        using var cache = new TokenCache(10, _time, _metrics);
        cache.Add(Hash("t"), Identity("a", Start.AddHours(1)), _keys, original.KeyId, original.Fingerprint);

        await InstallAsync(TestKeys.Ec("k1")); // same kid, new key

        Assert.False(cache.TryGet(Hash("t"), out _));
    }

    [Fact]
    public async Task TryGet_KeyWithoutKidStillPublished_Hits()
    {
        var key = await InstallAsync(TestKeys.Ec(null));
        using var cache = new TokenCache(10, _time, _metrics);
        cache.Add(Hash("t"), Identity("a", Start.AddHours(1)), _keys, null, key.Fingerprint);

        Assert.True(cache.TryGet(Hash("t"), out _));

        await InstallAsync(TestKeys.Ec(null));

        Assert.False(cache.TryGet(Hash("t"), out _));
    }

    [Fact]
    public async Task TryGet_FailedRefreshKeepsLastGoodKeys_StillHits()
    {
        var key = await InstallAsync(TestKeys.Ec("k1"));
        using var cache = new TokenCache(10, _time, _metrics);
        cache.Add(Hash("t"), Identity("a", Start.AddHours(1)), _keys, key.KeyId, key.Fingerprint);

        _source.Failure = new HttpRequestException("issuer down");
        Assert.False(await _keys.RefreshAsync(CancellationToken.None));
        _source.Failure = null;
        _source.Keys = TestKeys.Set(); // an empty set is refused too
        Assert.False(await _keys.RefreshAsync(CancellationToken.None));

        Assert.True(cache.TryGet(Hash("t"), out _));
        Assert.Same(key, _keys.Current!.All[0]);
        Assert.Equal(2, _metrics.KeyRefresh.WithLabels("test", "failure").Value);
    }

    [Fact]
    public void TryGet_IssuerWithoutKeysYet_Misses()
    {
        using var cache = new TokenCache(10, _time, _metrics);
        cache.Add(Hash("t"), Identity("a", Start.AddHours(1)), _keys, "k1", "ABC");

        Assert.Null(_keys.Current);
        Assert.False(cache.TryGet(Hash("t"), out _));
    }

    [Fact]
    public async Task Add_CacheFull_DoesNotCacheNewEntry()
    {
        var key = await InstallAsync(TestKeys.Ec("k1"));
        using var cache = new TokenCache(2, _time, _metrics);

        cache.Add(Hash("t1"), Identity("1", Start.AddHours(1)), _keys, key.KeyId, key.Fingerprint);
        cache.Add(Hash("t2"), Identity("2", Start.AddHours(1)), _keys, key.KeyId, key.Fingerprint);
        cache.Add(Hash("t3"), Identity("3", Start.AddHours(1)), _keys, key.KeyId, key.Fingerprint);

        Assert.Equal(2, cache.Count);
        Assert.Equal(1, CacheCounter("full"));
        Assert.True(cache.TryGet(Hash("t1"), out _));
        Assert.True(cache.TryGet(Hash("t2"), out _));
        Assert.False(cache.TryGet(Hash("t3"), out _));
    }

    [Fact]
    public async Task Add_AfterEntryExpired_HasRoomAgain()
    {
        var key = await InstallAsync(TestKeys.Ec("k1"));
        using var cache = new TokenCache(2, _time, _metrics);
        cache.Add(Hash("t1"), Identity("1", Start.AddSeconds(10)), _keys, key.KeyId, key.Fingerprint);
        cache.Add(Hash("t2"), Identity("2", Start.AddHours(1)), _keys, key.KeyId, key.Fingerprint);

        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.False(cache.TryGet(Hash("t1"), out _));
        cache.Add(Hash("t3"), Identity("3", Start.AddHours(1)), _keys, key.KeyId, key.Fingerprint);

        Assert.True(cache.TryGet(Hash("t3"), out _));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task Add_SameTokenTwice_CountsOnce()
    {
        var key = await InstallAsync(TestKeys.Ec("k1"));
        using var cache = new TokenCache(10, _time, _metrics);

        cache.Add(Hash("t"), Identity("a", Start.AddHours(1)), _keys, key.KeyId, key.Fingerprint);
        cache.Add(Hash("t"), Identity("a", Start.AddHours(1)), _keys, key.KeyId, key.Fingerprint);

        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task Add_MaxEntriesZero_NeverCaches()
    {
        var key = await InstallAsync(TestKeys.Ec("k1"));
        using var cache = new TokenCache(0, _time, _metrics);

        cache.Add(Hash("t"), Identity("a", Start.AddHours(1)), _keys, key.KeyId, key.Fingerprint);

        Assert.Equal(0, cache.Count);
        Assert.False(cache.TryGet(Hash("t"), out _));
    }

    [Fact]
    public async Task Sweep_PeriodicTimer_RemovesExpiredEntriesWithoutLookups()
    {
        var key = await InstallAsync(TestKeys.Ec("k1"));
        using var cache = new TokenCache(10, _time, _metrics);
        cache.Add(Hash("short"), Identity("1", Start.AddSeconds(10)), _keys, key.KeyId, key.Fingerprint);
        cache.Add(Hash("long"), Identity("2", Start.AddHours(1)), _keys, key.KeyId, key.Fingerprint);

        _time.Advance(TimeSpan.FromSeconds(30)); // the sweep runs every 30 s

        Assert.Equal(1, cache.Count);
        Assert.Equal(0, CacheCounter("miss"));
        Assert.True(cache.TryGet(Hash("long"), out _));
    }

    [Fact]
    public async Task Sweep_KeyLeftTheKeySet_RemovesItsEntries()
    {
        await InstallAsync(TestKeys.Ec("k1"), TestKeys.Ec("k2"));
        var k1 = _keys.Current!.ByKeyId["k1"];
        var k2 = _keys.Current!.ByKeyId["k2"];
        var k2Jwk = _source.Keys.Keys[1];
        using var cache = new TokenCache(10, _time, _metrics);
        cache.Add(Hash("by-k1"), Identity("1", Start.AddHours(1)), _keys, k1.KeyId, k1.Fingerprint);
        cache.Add(Hash("by-k2"), Identity("2", Start.AddHours(1)), _keys, k2.KeyId, k2.Fingerprint);

        await InstallAsync(k2Jwk);
        cache.Sweep();

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(Hash("by-k2"), out _));
    }

    [Fact]
    public void RequestRefresh_WithinMinForcedInterval_IsRateLimited()
    {
        Assert.True(_keys.RequestRefresh());
        Assert.False(_keys.RequestRefresh());

        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(_keys.RequestRefresh());

        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(_keys.RequestRefresh());
    }
}
