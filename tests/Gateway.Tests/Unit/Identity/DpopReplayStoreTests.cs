using Gateway.Identity.Dpop;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Unit.Identity;

public sealed class DpopReplayStoreTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);

    private static DateTimeOffset In(int seconds) => Start.AddSeconds(seconds);

    [Fact]
    public async Task TryRegisterAsync_NewKey_RegisteredThenReplayed()
    {
        using var store = new InMemoryDpopReplayStore(10, _time);
        Assert.Equal(ReplayCheck.Registered, await store.TryRegisterAsync("k1", In(70), default));
        Assert.Equal(ReplayCheck.Replayed, await store.TryRegisterAsync("k1", In(70), default));
        Assert.Equal(ReplayCheck.Registered, await store.TryRegisterAsync("k2", In(70), default));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task TryRegisterAsync_UntilExpiry_Replayed_ThenFree()
    {
        using var store = new InMemoryDpopReplayStore(10, _time);
        await store.TryRegisterAsync("k", In(70), default);

        _time.Advance(TimeSpan.FromSeconds(69));
        Assert.Equal(ReplayCheck.Replayed, await store.TryRegisterAsync("k", In(140), default));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ReplayCheck.Registered, await store.TryRegisterAsync("k", In(140), default));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task TryRegisterAsync_Full_Unavailable()
    {
        using var store = new InMemoryDpopReplayStore(2, _time);
        await store.TryRegisterAsync("a", In(70), default);
        await store.TryRegisterAsync("b", In(70), default);

        Assert.Equal(ReplayCheck.Unavailable, await store.TryRegisterAsync("c", In(70), default));
        // A key already stored is still recognized when full: a replay is not mistaken for an outage.
        Assert.Equal(ReplayCheck.Replayed, await store.TryRegisterAsync("a", In(70), default));
        Assert.Equal(2, store.Count);
    }

    /// <summary>Runs a background sweep at once, so that tests see its result on the next call.</summary>
    private static readonly Action<Action> AtOnce = work => work();

    [Fact]
    public async Task TryRegisterAsync_FullOfExpiredKeys_Reclaims()
    {
        using var store = new InMemoryDpopReplayStore(2, _time, TimeSpan.FromHours(1), AtOnce);
        await store.TryRegisterAsync("a", In(10), default);
        await store.TryRegisterAsync("b", In(70), default);
        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(ReplayCheck.Registered, await store.TryRegisterAsync("c", In(80), default));
        Assert.Equal(ReplayCheck.Replayed, await store.TryRegisterAsync("b", In(80), default));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task TryRegisterAsync_Full_ReclaimsAtMostOncePerSecond()
    {
        using var store = new InMemoryDpopReplayStore(1, _time, TimeSpan.FromHours(1), AtOnce);
        await store.TryRegisterAsync("a", In(10), default);
        _time.Advance(TimeSpan.FromMilliseconds(9_900));
        Assert.Equal(ReplayCheck.Unavailable, await store.TryRegisterAsync("b", In(80), default)); // swept: nothing expired

        _time.Advance(TimeSpan.FromMilliseconds(200)); // "a" has expired, but the last sweep was 0.2 s ago
        Assert.Equal(ReplayCheck.Unavailable, await store.TryRegisterAsync("c", In(80), default));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ReplayCheck.Registered, await store.TryRegisterAsync("d", In(80), default));
    }

    [Fact]
    public async Task TryRegisterAsync_Full_ReclaimRunsInTheBackground_NeverOnTheRequest()
    {
        var queued = new List<Action>();
        using var store = new InMemoryDpopReplayStore(2, _time, TimeSpan.FromHours(1), queued.Add);
        await store.TryRegisterAsync("a", In(10), default);
        await store.TryRegisterAsync("b", In(70), default);
        var early = Assert.Single(queued); // full: a sweep was asked for before the store had to refuse anything
        queued.Clear();
        early();
        Assert.Equal(2, store.Count); // nothing had expired

        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(ReplayCheck.Unavailable, await store.TryRegisterAsync("c", In(80), default));
        Assert.Equal(2, store.Count); // "a" has expired, but the request did not sweep

        Assert.Single(queued)();
        Assert.Equal(1, store.Count);
        Assert.Equal(ReplayCheck.Registered, await store.TryRegisterAsync("c", In(80), default));
        Assert.Equal(ReplayCheck.Replayed, await store.TryRegisterAsync("b", In(80), default));
    }

    [Fact]
    public async Task TryRegisterAsync_SevenEighthsFull_StartsOneSweepASecond()
    {
        var queued = new List<Action>();
        using var store = new InMemoryDpopReplayStore(16, _time, TimeSpan.FromHours(1), queued.Add);
        for (var i = 0; i < 13; i++)
        {
            await store.TryRegisterAsync("k" + i, In(70), default);
        }

        Assert.Empty(queued);
        await store.TryRegisterAsync("k13", In(70), default); // 14 of 16
        Assert.Single(queued);
        await store.TryRegisterAsync("k14", In(70), default);
        Assert.Single(queued); // not again within the second

        _time.Advance(TimeSpan.FromSeconds(1));
        await store.TryRegisterAsync("k15", In(70), default);
        Assert.Equal(2, queued.Count);
    }

    [Fact]
    public async Task TryRegisterAsync_DefaultBackground_FullOfExpiredKeys_FreedWithoutTheCaller()
    {
        using var store = new InMemoryDpopReplayStore(2, _time, TimeSpan.FromHours(1));
        await store.TryRegisterAsync("a", In(10), default);
        await store.TryRegisterAsync("b", In(10), default);
        _time.Advance(TimeSpan.FromSeconds(11));
        await store.TryRegisterAsync("c", In(80), default); // full: starts the sweep on the thread pool

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (store.Count > 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(store.Count <= 1, $"the pool's sweep left {store.Count} keys");
    }

    [Fact]
    public async Task Sweep_ByTimer_RemovesExpiredKeysOnly()
    {
        using var store = new InMemoryDpopReplayStore(10, _time, TimeSpan.FromSeconds(30));
        await store.TryRegisterAsync("short", In(20), default);
        await store.TryRegisterAsync("long", In(90), default);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, store.Count);
        Assert.Equal(ReplayCheck.Replayed, await store.TryRegisterAsync("long", In(90), default));

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task TryRegisterAsync_ZeroCapacity_AlwaysUnavailable()
    {
        using var store = new InMemoryDpopReplayStore(0, _time);
        Assert.Equal(ReplayCheck.Unavailable, await store.TryRegisterAsync("a", In(70), default));
    }

    [Fact]
    public async Task TryRegisterAsync_Cancelled_Throws()
    {
        using var store = new InMemoryDpopReplayStore(10, _time);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await store.TryRegisterAsync("a", In(70), new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task TryRegisterAsync_ConcurrentSameKey_ExactlyOneRegistered()
    {
        using var store = new InMemoryDpopReplayStore(1000, _time);
        for (var round = 0; round < 20; round++)
        {
            var key = "race-" + round;
            var results = new ReplayCheck[16];
            await Task.WhenAll(Enumerable.Range(0, results.Length).Select(i => Task.Run(async () =>
                results[i] = await store.TryRegisterAsync(key, In(70), default))));

            Assert.Equal(1, results.Count(r => r == ReplayCheck.Registered));
            Assert.Equal(results.Length - 1, results.Count(r => r == ReplayCheck.Replayed));
        }
    }

    [Fact]
    public async Task TryRegisterAsync_ConcurrentDistinctKeys_NeverExceedsCapacity()
    {
        using var store = new InMemoryDpopReplayStore(100, _time);
        var results = new ReplayCheck[400];
        await Task.WhenAll(Enumerable.Range(0, results.Length).Select(i => Task.Run(async () =>
            results[i] = await store.TryRegisterAsync("k" + i, In(70), default))));

        Assert.Equal(100, results.Count(r => r == ReplayCheck.Registered));
        Assert.Equal(300, results.Count(r => r == ReplayCheck.Unavailable));
        Assert.Equal(100, store.Count);
    }

    [Fact]
    public void Constructor_NegativeCapacity_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryDpopReplayStore(-1, _time));
}
